"""Evaluation of statement trees, one walker for every tier.

The walker maps DSL nodes onto a *backend*: :class:`ExactBackend` calls
:mod:`symconv.core.ops` on exact signals (symbolic entries for the exact tier,
small integers for counterexamples); the random tier plugs in a modular
backend.  A backend's ``call`` looks the function up in its ``operations`` table, one
implementation (or :class:`~symconv.lang.operations.Unsupported`) per operation of
:data:`~symconv.lang.operations.OPERATIONS`, whose records also drive the static check
(:func:`kind_of`) and :func:`degree`.  :func:`check_claim` is the static check done when a claim is loaded:
every name declared, signals and scalars used where they fit, dimensions
agreeing, modes and boundaries known, so that errors in a claim file are
reported before any tier runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

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
    is_size_expression,
    size_expression_value,
)
from symconv.lang.operations import OPERATIONS, Implementation, Ints, Unsupported, dispatch_table

if TYPE_CHECKING:
    from symconv.lang.claims import Claim

B = TypeVar("B")


class Backend(Protocol):
    """The arithmetic a statement is evaluated in."""

    def number(self, value: Fraction) -> Any: ...
    def imag(self, value: Fraction) -> Any: ...
    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any: ...
    def binary(self, op: str, left: Any, right: Any) -> Any: ...
    def neg(self, value: Any) -> Any: ...


def evaluate(node: Node, env: Mapping[str, Any], backend: Backend) -> Any:
    """The value of ``node`` with signal names bound by ``env``."""
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Number):
        return backend.number(node.value)
    if isinstance(node, Imag):
        return backend.imag(node.value)
    if isinstance(node, Neg):
        return backend.neg(evaluate(node.operand, env, backend))
    if isinstance(node, BinOp):
        return backend.binary(node.op, evaluate(node.left, env, backend),
                              evaluate(node.right, env, backend))
    if isinstance(node, Call):
        return _call(node, env, backend)
    raise ClaimFileError(f"column {node.col + 1}: a string is only allowed as a keyword value")


def _call(node: Call, env: Mapping[str, Any], backend: Backend) -> Any:
    n_signals = OPERATIONS[node.func].signals
    signals = [evaluate(a, env, backend) for a in node.args[:n_signals]]
    ints = [integer_value(a) for a in node.args[n_signals:]]
    if node.func == "zeropad":  # lengths may follow the sizes: len(a) + len(b) - 1
        ints = [size_expression_value(a, lambda arg: _shape(evaluate(arg, env, backend)))
                for a in node.args[n_signals:]]
    options: dict[str, Any] = {}
    for key, value in node.kwargs:
        options[key] = value.value if isinstance(value, Str) else integer_value(value)
    return backend.call(node.func, signals, [i for i in ints if i is not None], options)


def _shape(value: Any) -> tuple[int, ...]:
    """A backend value's shape (the random tier wraps its signals with a height bound)."""
    return value.shape if hasattr(value, "shape") else value.value.shape


def evaluate_sides(statement: Statement, env: Mapping[str, Any], backend: Backend) -> tuple[Any, Any]:
    return evaluate(statement.left, env, backend), evaluate(statement.right, env, backend)


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


# --- the static check --------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A signal of ``ndim`` axes, or a scalar (``ndim`` 0)."""

    ndim: int

    @property
    def is_scalar(self) -> bool:
        return self.ndim == 0

    def __str__(self) -> str:
        return "a scalar" if self.is_scalar else f"a {self.ndim}D signal"


SCALAR = Kind(0)


def _fail(node: Node, message: str) -> ClaimFileError:
    return ClaimFileError(f"column {node.col + 1}: {message}")


def kind_of(node: Node, ndims: Mapping[str, int]) -> Kind:
    """The kind of ``node``'s value; ClaimFileError (with column) when it cannot fit."""
    if isinstance(node, Name):
        if node.id not in ndims:
            raise _fail(node, f"unknown signal {node.id!r}; declared: {', '.join(ndims)}")
        return Kind(ndims[node.id])
    if isinstance(node, Number | Imag):
        return SCALAR
    if isinstance(node, Str):
        raise _fail(node, "a string is only allowed as a keyword value")
    if isinstance(node, Neg):
        return kind_of(node.operand, ndims)
    if isinstance(node, BinOp):
        return _binop_kind(node, ndims)
    return _call_kind(node, ndims)


def _binop_kind(node: BinOp, ndims: Mapping[str, int]) -> Kind:
    left, right = kind_of(node.left, ndims), kind_of(node.right, ndims)
    if node.op in "+-":
        if left != right:
            raise _fail(node, f"cannot {'add' if node.op == '+' else 'subtract'} {right} "
                              f"and {left}")
        return left
    if node.op == "*":
        if not left.is_scalar and not right.is_scalar and left != right:
            raise _fail(node, f"pointwise product of {left} and {right}; expected equal dimensions")
        return right if left.is_scalar else left
    if node.op == "/":
        if not right.is_scalar or not is_constant(node.right):
            raise _fail(node.right, "a signal or scalar can only be divided by a number")
        return left
    if left.ndim != 2 or right.ndim != 2:
        raise _fail(node, f"matrix product @ of {left} and {right}; expected two 2D signals")
    return left


def is_constant(node: Node) -> bool:
    """Whether ``node`` is a number expression (numbers and size functions such as numel)."""
    if isinstance(node, Number | Imag):
        return True
    if isinstance(node, Call) and node.func in SIZE_FUNCTIONS:
        return True
    if isinstance(node, Neg):
        return is_constant(node.operand)
    if isinstance(node, BinOp):
        return is_constant(node.left) and is_constant(node.right)
    return False


def _call_kind(node: Call, ndims: Mapping[str, int]) -> Kind:
    op = OPERATIONS[node.func]
    kinds = [kind_of(a, ndims) for a in node.args[: op.signals]]
    for arg, kind in zip(node.args, kinds, strict=False):
        if kind.is_scalar:
            raise _fail(arg, f"{node.func}() expects a signal here, not a scalar")
    if len({k.ndim for k in kinds}) > 1:
        shown = " and ".join(str(k) for k in kinds)
        raise _fail(node, f"{node.func}() of {shown}; expected equal dimensions")
    ndim = kinds[0].ndim
    n_ints = len(node.args) - op.signals
    if op.ints in (Ints.OFFSETS, Ints.SIZES) and n_ints != ndim:
        raise _fail(node, f"{node.func}() of {kinds[0]} needs {ndim} integers; got {n_ints}")
    if op.ints is Ints.PERIOD and n_ints not in (0, ndim):
        raise _fail(node, f"{node.func}() period needs {ndim} integers; got {n_ints}")
    if op.sized:
        for arg in node.args[op.signals:]:
            if node.func == "zeropad" and is_size_expression(arg):
                continue  # its value depends on the sizes; ops checks it when evaluated
            size = integer_value(arg)
            if size is None or size < 1:
                raise _fail(arg, f"{node.func}() size must be a positive integer")
    if op.ints is Ints.AXIS and n_ints + len(node.kwargs) > 1:
        raise _fail(node, f"{node.func}() takes one axis at most (positional or axis=)")
    if op.ints is Ints.AXIS and n_ints == 1:
        axis = integer_value(node.args[1])
        if axis is None or not -ndim <= axis < ndim:
            raise _fail(node.args[1], f"axis {axis} does not exist in {kinds[0]}")
    if op.ndim is not None and ndim != op.ndim:
        raise _fail(node, f"{node.func}() of {kinds[0]}; expected a {op.ndim}D signal"
                          f"{op.ndim_hint}")
    if op.ints is Ints.INDEX:
        axis = integer_value(node.args[1])
        if axis is None or not 0 <= axis < ndim:
            raise _fail(node.args[1], f"axis {axis} does not exist in {kinds[0]}")
    for key, value in node.kwargs:
        try:
            if key == "mode" and isinstance(value, Str):
                ops.normalize_mode(value.value)
            elif key == "boundary" and isinstance(value, Str):
                ops.normalize_boundary(value.value)
        except ClaimFileError:
            raise
        except ValueError as exc:
            raise _fail(value, str(exc)) from None
        axis = integer_value(value) if key == "axis" else None
        if key == "axis" and (axis is None or not -ndim <= axis < ndim):
            raise _fail(value, f"axis {axis} does not exist in {kinds[0]}")
    return SCALAR if op.scalar else Kind(ndim)


def check_statement(statement: Statement, ndims: Mapping[str, int]) -> Kind:
    """Check both sides and that they have the same kind; the common kind."""
    left, right = kind_of(statement.left, ndims), kind_of(statement.right, ndims)
    if left != right:
        raise _fail(statement.right, f"the two sides differ in kind: {left} == {right}")
    return left


def check_claim(claim: Claim) -> Kind | None:
    """Load-time check of a claim's statement against its declared signals."""
    if claim.statement is None:
        return None
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    return check_statement(claim.statement, ndims)


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
