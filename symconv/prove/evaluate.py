"""Evaluation of statement trees, one walker for every tier.

The walker maps DSL nodes onto a *backend*: :class:`ExactBackend` calls
:mod:`symconv.core.ops` on exact signals (symbolic entries for the exact tier,
small integers for counterexamples); the random tier plugs in a modular
backend.  The static check done when a claim is loaded is
:func:`symconv.lang.check.check_claim`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, Protocol

from symconv.core import ops
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
)


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
    from symconv.lang.dsl import FUNCTIONS

    n_signals = FUNCTIONS[node.func].signals
    signals = [evaluate(a, env, backend) for a in node.args[:n_signals]]
    ints = [integer_value(a) for a in node.args[n_signals:]]
    options: dict[str, Any] = {}
    for key, value in node.kwargs:
        options[key] = value.value if isinstance(value, Str) else integer_value(value)
    return backend.call(node.func, signals, [i for i in ints if i is not None], options)


def evaluate_sides(statement: Statement, env: Mapping[str, Any], backend: Backend) -> tuple[Any, Any]:
    return evaluate(statement.left, env, backend), evaluate(statement.right, env, backend)


class ExactBackend:
    """Exact evaluation with :mod:`symconv.core.ops` (entries are Polynomials)."""

    def number(self, value: Fraction) -> Any:
        return Polynomial.from_number(value)

    def imag(self, value: Fraction) -> Any:
        from symconv.core.cyclotomic import cyclotomic_field  # i is zeta_4

        field = cyclotomic_field(4)
        return Polynomial.constant(field.zeta_power(1) * field.convert(value), field)

    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any:
        if func in SIZE_FUNCTIONS:
            return self.number(Fraction(size_value(func, signals[0].shape, ints)))
        moved = reindex(func, signals, ints, options)
        if moved is not None:
            return moved
        if func in ("conv", "corr"):
            sliding = ops.conv if func == "conv" else ops.corr
            return sliding(signals[0], signals[1], mode=options.get("mode", "full"),
                      boundary=options.get("boundary", "zero"))
        if func in ("circconv", "circcorr"):
            circular = ops.circconv if func == "circconv" else ops.circcorr
            return circular(signals[0], signals[1], ints or None)
        if func in ("dft", "idft"):
            return _fourier(func)(signals[0], *ints)
        if func == "periodize":
            return ops.periodize(signals[0], ints)
        simple: dict[str, Callable[..., Any]] = {
            "conj": ops.conj, "sum": ops.total,
            "trace": ops.trace, "frobenius": ops.frobenius, "hadamard": ops.hadamard,
        }
        return simple[func](*signals)

    def binary(self, op: str, left: Any, right: Any) -> Any:
        return apply_binary(op, left, right)

    def neg(self, value: Any) -> Any:
        return -value


def size_value(func: str, shape: tuple[int, ...], ints: list[int]) -> int:
    """``len``, ``size(_, axis)`` or ``numel`` of a value with box ``shape`` (every backend)."""
    if func == "numel":
        total = 1
        for n in shape:
            total *= n
        return total
    return shape[ints[0] if func == "size" else 0]


def reindex(func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Signal | None:
    """The functions that only move entries (flip, shift, zeropad, transpose), the same in
    every arithmetic; None for any other function."""
    if func == "flip":
        return ops.flip(signals[0], ints[0] if ints else options.get("axis"))
    if func == "shift":
        return ops.shift(signals[0], *ints)
    if func == "zeropad":
        return ops.zeropad(signals[0], *ints)
    if func == "transpose":
        return ops.transpose(signals[0])
    return None


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


def _fourier(func: str) -> Any:
    try:
        from symconv.core import fourier
    except ModuleNotFoundError as exc:
        if exc.name != "symconv.core.fourier":
            raise
        raise NotSupportedError(f"{func} is not yet supported") from None
    impl = getattr(fourier, func, None)
    if impl is None:
        raise NotSupportedError(f"{func} is not yet supported")
    return impl


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
    from symconv.lang.dsl import FUNCTIONS

    args = node.args[: FUNCTIONS[node.func].signals]
    return sum(degree(a, symbolic) for a in args)
