"""The static check done when a claim is loaded: every name declared, signals and
scalars used where they fit, dimensions agreeing, modes and boundaries known, so that
errors in a claim file are reported, with their column, before any tier runs.

>>> from symconv.lang.dsl import parse_statement
>>> check_statement(parse_statement("trace(conv(a, b)) == sum(a)"), {"a": 2, "b": 2})
Kind(ndim=0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from symconv.core import ops
from symconv.errors import ClaimFileError
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
    unparse,
)
from symconv.lang.operations import OPERATIONS, Ints


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
    if op.ints in (Ints.OFFSETS, Ints.SIZES, Ints.FACTORS) and n_ints != ndim:
        raise _fail(node, f"{node.func}() of {kinds[0]} needs {ndim} integers; got {n_ints}")
    if op.ints is Ints.PERIOD and n_ints not in (0, ndim):
        raise _fail(node, f"{node.func}() period needs {ndim} integers; got {n_ints}")
    if op.sized:
        for arg in node.args[op.signals:]:
            if op.size_lengths and is_size_expression(arg):
                if not kind_of(arg, ndims).is_scalar:  # its len/size/numel calls: axes, dimensions
                    raise _fail(arg, f"{node.func}() size {unparse(arg)} is a signal; expected an "
                                     "integer, a size such as len(a), or an integer of the claim")
                continue  # its value depends on the sizes; ops checks it when evaluated
            size = integer_value(arg)
            if size is None or size < 1:
                raise _fail(arg, f"{node.func}() size must be a positive integer")
    if op.ints is Ints.FACTORS:
        for arg in node.args[op.signals:]:
            factor = integer_value(arg)
            if factor is None or factor < 1:
                raise _fail(arg, f"{node.func}() factor must be a positive integer")
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
