"""Expanded forms: the Hadamard-sum and Frobenius/trace forms of the source.

At a symbolic position ``x`` the value of either operation is the sum of the
entries of a Hadamard (entrywise) product laid out over the image patch around
``x`` -- the source's two big matrices.  Entry ``r`` of the patch layout
(``r`` an offset in -N..N on each axis) is

* correlation: ``F(r) I(x + r)``
* convolution: ``F(-r) I(x + r)`` (the kernel appears rotated by 180 degrees)

and the ``kernel`` layout of convolution lists the terms in the order of its
definition, ``F(r) I(x - r)``.  The trace form writes the same value as
``trace(K^T P)`` with ``P`` the patch and ``K`` the kernel as laid over it.

>>> from symconv.apps.expanded import hadamard_form
>>> hadamard_form("corr", 3)
Matrix([[F[-1]*I[x - 1], F[0]*I[x], F[1]*I[x + 1]]])
>>> hadamard_form("conv", 3)
Matrix([[F[1]*I[x - 1], F[0]*I[x], F[-1]*I[x + 1]]])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from symconv.core.signal import default_origin, parse_shape
from symconv.errors import ShapeError, SizeLimitError, UnknownNameError

OPERATIONS = ("conv", "corr")
LAYOUTS = ("patch", "kernel")
POSITION_NAMES = ("x", "y", "z", "w")
# Entries of an expanded form shown at once; beyond this nobody can read it.
MAX_FORM_ENTRIES = 4096

_OP_SYMBOL = {"conv": r"\ast", "corr": r"\circ"}
_OP_TEXT = {"conv": "*", "corr": "∘"}


def _check_op(op: str) -> str:
    if op not in OPERATIONS:
        raise UnknownNameError(f"unknown operation {op!r}; expected conv or corr")
    return op


def _kernel_shape(size: int | Sequence[int], dim: int | None) -> tuple[int, ...]:
    if isinstance(size, int) and not isinstance(size, bool):
        if dim is None:
            dim = 1
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ShapeError(f"dimension {dim!r} is not a positive integer")
        shape = parse_shape((size,) * dim, "kernel size")
    else:
        shape = parse_shape(size if not isinstance(size, bool) else (size,), "kernel shape")
    count = 1
    for n in shape:
        count *= n
    if count > MAX_FORM_ENTRIES:
        raise SizeLimitError(
            f"an expanded form of shape {shape} has {count} entries; the limit is {MAX_FORM_ENTRIES}"
        )
    return shape


def position_symbols(dim: int) -> tuple[sympy.Symbol, ...]:
    """The symbolic position (x, y, z, w, then x_4, x_5, ...), integer-valued."""
    names = POSITION_NAMES if dim <= len(POSITION_NAMES) else tuple(f"x_{k}" for k in range(dim))
    return tuple(sympy.Symbol(n, integer=True) for n in names[:dim])


def _offsets(shape: tuple[int, ...]) -> list[range]:
    return [range(o, o + n) for o, n in zip(default_origin(shape), shape, strict=True)]


def _as_array(entries: list[Any], shape: tuple[int, ...]) -> Any:
    if len(shape) == 1:
        return sympy.Matrix(1, shape[0], entries)
    if len(shape) == 2:
        return sympy.Matrix(shape[0], shape[1], entries)
    return sympy.ImmutableDenseNDimArray(entries, shape)


def form_sum(array: Any) -> sympy.Expr:
    """The sum of all entries of an expanded form (a Matrix or an N-dim array)."""
    flat = list(array) if isinstance(array, sympy.MatrixBase) else sympy.flatten(array.tolist())
    return sympy.Add(*flat)


def hadamard_form(
    op: str,
    size: int | Sequence[int],
    dim: int | None = None,
    *,
    kernel: str = "F",
    image: str = "I",
    at: Sequence[sympy.Expr] | None = None,
    layout: str = "patch",
) -> Any:
    """The array whose entry sum is ``(F op I)(at)``.

    ``size`` is the kernel size per axis (an int with ``dim``, or a shape);
    the kernel is centred as :func:`symconv.core.signal.default_origin` says.  A 1D
    form is a 1-row Matrix, 2D a Matrix, higher dimensions a SymPy N-dim array.
    """
    _check_op(op)
    if layout not in LAYOUTS:
        raise UnknownNameError(f"unknown layout {layout!r}; expected patch or kernel")
    shape = _kernel_shape(size, dim)
    pos = tuple(at) if at is not None else position_symbols(len(shape))
    if len(pos) != len(shape):
        raise ShapeError(f"position {pos} has {len(pos)} coordinates; expected {len(shape)}")
    F, I = sympy.IndexedBase(kernel, real=True), sympy.IndexedBase(image, real=True)
    entries = []
    for r in itertools.product(*_offsets(shape)):
        if op == "corr":
            term = F[r] * I[tuple(p + k for p, k in zip(pos, r, strict=True))]
        elif layout == "patch":
            term = F[tuple(-k for k in r)] * I[tuple(p + k for p, k in zip(pos, r, strict=True))]
        else:
            term = F[r] * I[tuple(p - k for p, k in zip(pos, r, strict=True))]
        entries.append(term)
    if op == "conv" and layout == "patch" and any(n % 2 == 0 for n in shape):
        # F(-r) for r in the kernel's box leaves the box when the size is even.
        raise ShapeError(f"the patch layout of convolution needs odd kernel sizes, not {shape} "
                         "(the kernel layout takes any size)")
    return _as_array(entries, shape)


def trace_form(
    op: str,
    size: int | tuple[int, int],
    *,
    kernel: str = "F",
    image: str = "I",
    at: Sequence[sympy.Expr] | None = None,
) -> tuple[sympy.Matrix, sympy.Matrix]:
    """``(K, P)`` with ``(F op I)(at) = trace(K^T P)``: the Frobenius inner product ``<K, P>``.

    ``P`` is the image patch around the position; ``K`` is ``F`` for
    correlation and ``F`` rotated by 180 degrees for convolution.
    """
    _check_op(op)
    shape = _kernel_shape(size, 2)
    if len(shape) != 2:
        raise ShapeError(f"the trace form is for 2D kernels, not shape {shape}")
    if op == "conv" and any(n % 2 == 0 for n in shape):
        raise ShapeError(f"the trace form of convolution needs odd kernel sizes, not {shape}")
    pos = tuple(at) if at is not None else position_symbols(2)
    F, I = sympy.IndexedBase(kernel, real=True), sympy.IndexedBase(image, real=True)
    rows, cols = _offsets(shape)
    sign = 1 if op == "corr" else -1
    K = sympy.Matrix([[F[sign * i, sign * j] for j in cols] for i in rows])
    P = sympy.Matrix([[I[pos[0] + i, pos[1] + j] for j in cols] for i in rows])
    return K, P


@dataclass(frozen=True)
class ExpandedForm:
    """``(F op I)(x) = sum of the entries of`` an array, printable in a terminal and LaTeX."""

    op: str
    array: Any
    position: tuple[sympy.Symbol, ...]
    kernel: str = "F"
    image: str = "I"

    @classmethod
    def build(cls, op: str, size: int | Sequence[int], dim: int | None = None,
              layout: str = "patch") -> ExpandedForm:
        shape = _kernel_shape(size, dim)
        return cls(op, hadamard_form(op, shape, layout=layout), position_symbols(len(shape)))

    def value(self) -> sympy.Expr:
        """The sum of the entries: the operation's value at the position."""
        return form_sum(self.array)

    def _lhs_latex(self) -> str:
        args = ", ".join(sympy.latex(p) for p in self.position)
        return rf"({self.kernel} {_OP_SYMBOL[self.op]} {self.image})({args})"

    def _latex(self, printer: Any = None) -> str:
        return rf"{self._lhs_latex()} = \sum {sympy.latex(self.array)}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"

    def __str__(self) -> str:
        args = ", ".join(str(p) for p in self.position)
        lhs = f"({self.kernel} {_OP_TEXT[self.op]} {self.image})({args})"
        return f"{lhs} = sum of the entries of\n{sympy.pretty(self.array, use_unicode=True)}"
