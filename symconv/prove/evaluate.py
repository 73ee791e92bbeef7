"""Evaluation of statement trees, one walker for every tier.

The walker maps DSL nodes onto a *backend*: :class:`ExactBackend` calls
:mod:`symconv.core.ops` on exact signals (symbolic entries for the exact tier,
small integers for counterexamples); the random tier plugs in a modular
backend.  A backend's ``call`` looks the function up in its ``operations`` table, one
implementation (or :class:`~symconv.lang.operations.Unsupported`) per operation of
:data:`~symconv.lang.operations.OPERATIONS`, whose records also drive :func:`degree` and
the static check done when a claim is loaded,
:func:`symconv.lang.claims.check_claim` (with :mod:`symconv.lang.check`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, ClassVar, Protocol, TypeVar

from symconv.core import fourier, ops
from symconv.core.algebra import Polynomial
from symconv.core.signal import Signal
from symconv.errors import ClaimFileError, NotSupportedError, ShapeError
from symconv.lang.dsl import (
    SIZE_FUNCTIONS,
    BinOp,
    Call,
    Imag,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    Str,
    integer_value,
    size_expression_value,
    unparse,
)
from symconv.lang.operations import OPERATIONS, Implementation, Unsupported, dispatch_table

B = TypeVar("B")


class Backend(Protocol):
    """The arithmetic a statement is evaluated in."""

    def number(self, value: Fraction) -> Any: ...
    def imag(self, value: Fraction) -> Any: ...
    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any: ...
    def binary(self, op: str, left: Any, right: Any) -> Any: ...
    def neg(self, value: Any) -> Any: ...


def evaluate(node: Node, env: Mapping[str, Any], backend: Backend,
             memo: dict[Node, Any] | None = None) -> Any:
    """The value of ``node`` with signal names bound by ``env``; ``memo`` (for a backend whose
    values are never mutated) keeps each sub-expression's value, so a repeated one is
    evaluated once."""
    if memo is None:
        return _evaluate(node, env, backend, None)
    if node not in memo:
        memo[node] = _evaluate(node, env, backend, memo)
    return memo[node]


def _evaluate(node: Node, env: Mapping[str, Any], backend: Backend,
              memo: dict[Node, Any] | None) -> Any:
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Number):
        return backend.number(node.value)
    if isinstance(node, Imag):
        return backend.imag(node.value)
    if isinstance(node, Neg):
        return backend.neg(evaluate(node.operand, env, backend, memo))
    if isinstance(node, BinOp):
        return backend.binary(node.op, evaluate(node.left, env, backend, memo),
                              evaluate(node.right, env, backend, memo))
    if isinstance(node, Call):
        return _call(node, env, backend, memo)
    raise ClaimFileError(f"column {node.col + 1}: a string is only allowed as a keyword value")


def _call(node: Call, env: Mapping[str, Any], backend: Backend,
          memo: dict[Node, Any] | None) -> Any:
    n_signals = OPERATIONS[node.func].signals
    signals = [evaluate(a, env, backend, memo) for a in node.args[:n_signals]]
    ints = call_ints(node, lambda arg: _shape(evaluate(arg, env, backend, memo)))
    return backend.call(node.func, signals, ints, call_options(node))


def call_ints(node: Call, shape_of: Callable[[Node], tuple[int, ...]]) -> list[int]:
    """A call's integer arguments; an operation whose lengths may follow the sizes
    (``zeropad(a, len(a) + len(b) - 1)``) computes them with ``shape_of`` its signals,
    and each must be at least 1 (every arithmetic needs a positive size)."""
    args = node.args[OPERATIONS[node.func].signals:]
    if not OPERATIONS[node.func].size_lengths:
        return [i for i in (integer_value(a) for a in args) if i is not None]
    ints = []
    for size_node in args:
        size = size_expression_value(size_node, shape_of)
        if size is not None and size < 1:
            raise ShapeError(f"{node.func} size '{unparse(size_node)}' is {size} here; sizes "
                             "must be at least 1")
        if size is not None:
            ints.append(size)
    return ints


def call_options(node: Call) -> dict[str, Any]:
    """A call's keyword options: a mode or boundary name, a flip's axis."""
    return {key: value.value if isinstance(value, Str) else integer_value(value)
            for key, value in node.kwargs}


def _shape(value: Any) -> tuple[int, ...]:
    """A backend value's shape (the random tier wraps its signals with a height bound)."""
    return value.shape if hasattr(value, "shape") else value.value.shape


def evaluate_sides(statement: Statement, env: Mapping[str, Any], backend: Backend,
                   memo: dict[Node, Any] | None = None) -> tuple[Any, Any]:
    return (evaluate(statement.left, env, backend, memo),
            evaluate(statement.right, env, backend, memo))


class ExactBackend:
    """Exact evaluation with :mod:`symconv.core.ops` (entries are Polynomials)."""

    operations: ClassVar[dict[str, Implementation[ExactBackend] | Unsupported]]

    def number(self, value: Fraction) -> Any:
        return Polynomial.from_number(value)

    def imag(self, value: Fraction) -> Any:
        from symconv.core.cyclotomic import cyclotomic_field  # i is zeta_4

        field = cyclotomic_field(4)
        return Polynomial.constant(field.zeta_power(1) * field.convert(value), field)

    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any:
        impl = self.operations[func]
        if isinstance(impl, Unsupported):
            raise NotSupportedError(impl.reason)
        return impl(self, signals, ints, options)

    def binary(self, op: str, left: Any, right: Any) -> Any:
        return apply_binary(op, left, right)

    def neg(self, value: Any) -> Any:
        return -value


def size_value(func: str, shape: tuple[int, ...], ints: list[int]) -> int:
    """``len``, ``size(_, axis)`` or ``numel`` of a value with box ``shape`` (every backend)."""
    box_size = OPERATIONS[func].box_size
    assert box_size is not None, f"{func} is not a size function"
    return box_size(shape, ints)


def size_functions(number: Callable[[B, Any, list[int], str], Any]) -> dict[str, Implementation[B]]:
    """The size functions' implementations in one arithmetic: ``number(backend, value, ints,
    func)`` makes the backend's number from the argument's value (its box)."""
    def implementation(func: str) -> Implementation[B]:
        return lambda backend, signals, ints, options: number(backend, signals[0], ints, func)
    return {func: implementation(func) for func in SIZE_FUNCTIONS}


# The functions that only move entries, the same in every arithmetic (on Signals, or on the
# index signals of the packed engine).
MOVES: dict[str, Callable[[Signal, list[int], dict[str, Any]], Signal]] = {
    "flip": lambda a, ints, options: ops.flip(a, ints[0] if ints else options.get("axis")),
    "shift": lambda a, ints, options: ops.shift(a, *ints),
    "zeropad": lambda a, ints, options: ops.zeropad(a, *ints),
    "transpose": lambda a, ints, options: ops.transpose(a),
    "downsample": lambda a, ints, options: ops.downsample(a, *ints),
    "upsample": lambda a, ints, options: ops.upsample(a, *ints),
}


def moves() -> dict[str, Implementation[Any]]:
    """:data:`MOVES` as implementations on Signal values (exact and modular arithmetic)."""
    def implementation(func: str) -> Implementation[Any]:
        move = MOVES[func]
        return lambda backend, signals, ints, options: move(signals[0], ints, options)
    return {func: implementation(func) for func in MOVES}


def _sliding(sliding: Callable[..., Signal]) -> Implementation[ExactBackend]:
    return lambda backend, signals, ints, options: sliding(
        signals[0], signals[1], mode=options.get("mode", "full"),
        boundary=options.get("boundary", "zero"))


def _signals_only(impl: Callable[..., Any]) -> Implementation[ExactBackend]:
    return lambda backend, signals, ints, options: impl(*signals)


ExactBackend.operations = dispatch_table("ExactBackend", {
    **size_functions(lambda backend, value, ints, func:
                     backend.number(Fraction(size_value(func, value.shape, ints)))),
    **moves(),
    "conv": _sliding(ops.conv),
    "corr": _sliding(ops.corr),
    "circconv": lambda backend, signals, ints, options: ops.circconv(signals[0], signals[1], ints or None),
    "circcorr": lambda backend, signals, ints, options: ops.circcorr(signals[0], signals[1], ints or None),
    "dft": lambda backend, signals, ints, options: fourier.dft(signals[0], *ints),
    "idft": lambda backend, signals, ints, options: fourier.idft(signals[0], *ints),
    "periodize": lambda backend, signals, ints, options: ops.periodize(signals[0], ints),
    "conj": _signals_only(ops.conj),
    "sum": _signals_only(ops.total),
    "trace": _signals_only(ops.trace),
    "frobenius": _signals_only(ops.frobenius),
    "hadamard": _signals_only(ops.hadamard),
})


def apply_binary(op: str, left: Any, right: Any) -> Any:
    """``+ - * / @`` on signals and scalars (kinds were checked at load time)."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        if isinstance(left, Signal) or not isinstance(right, Signal):
            return left * right
        return right * left
    if op == "/":
        if right == 0:
            raise ShapeError("division by zero in the statement")
        return left / right
    return ops.matmul(left, right)




def degree(node: Node, symbolic: set[str]) -> int:
    """An upper bound on the degree of ``node``'s entries as polynomials in the symbols."""
    if isinstance(node, Name):
        return 1 if node.id in symbolic else 0
    if isinstance(node, Number | Imag | Str):
        return 0
    if isinstance(node, Neg):
        return degree(node.operand, symbolic)
    if isinstance(node, BinOp):
        left, right = degree(node.left, symbolic), degree(node.right, symbolic)
        return left + right if node.op in "*@" else max(left, right)
    op = OPERATIONS[node.func]
    return op.degree([degree(a, symbolic) for a in node.args[: op.signals]])
