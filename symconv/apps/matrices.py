"""The matrix view: a linear operation on signals as a matrix acting on vec(I).

Any expression linear in a symbolic signal ``I`` is a matrix: the entry at
(output coordinate y, input coordinate x) is the coefficient of ``I(x)`` in the
output at ``y``.  :func:`linear_matrix` reads that matrix off an exact result,
so every view below is *computed* from the operation it describes, never
written down separately:

- linear convolution by a kernel F is Toeplitz in 1D (entry F(y - x)), and
  doubly-block Toeplitz in 2D with row-major vec;
- circular convolution on Z_n is circulant (entry F((y - x) mod n));
- the DFT matrix W (entry ω^(k·x)) diagonalises every circulant:
  W C = diag(dft(F)) W, so the eigenvalues of C are the DFT of the kernel;
- the transpose of the convolution matrix is the correlation matrix: the
  adjoint of "convolve with F" is "correlate with F", which is why backprop
  through a convolution layer uses the flipped kernel.

>>> from symconv.core.signal import Signal
>>> F = Signal.symbolic("F", (3,))
>>> T = conv_matrix(F, (4,))
>>> T.shape, T.is_toeplitz()
((6, 4), True)
>>> T.transpose() == corr_matrix(F, (6,), input_origin=(-1,), output_box=((0,), (4,)))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from symconv.core import ops
from symconv.core.algebra import Generator, Polynomial, polynomial_sum
from symconv.core.fourier import dft, idft
from symconv.core.signal import Signal, parse_shape
from symconv.errors import NotSupportedError, ShapeError, SizeLimitError, UnknownNameError

Coordinate = tuple[int, ...]

INPUT_NAME = "I"


class MatrixView:
    """An exact matrix whose rows and columns are indexed by signal coordinates."""

    __slots__ = ("cols", "entries", "rows")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, entries: np.ndarray, rows: Sequence[Coordinate],
                 cols: Sequence[Coordinate]) -> None:
        if entries.shape != (len(rows), len(cols)):
            raise ShapeError(f"matrix of shape {entries.shape} does not fit "
                             f"{len(rows)} rows and {len(cols)} columns")
        self.entries = entries
        self.rows = tuple(rows)
        self.cols = tuple(cols)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def transpose(self) -> MatrixView:
        return MatrixView(self.entries.T.copy(), self.cols, self.rows)

    def conjugate(self) -> MatrixView:
        conj = np.vectorize(Polynomial.conjugate, otypes=[object])
        return MatrixView(conj(self.entries) if self.entries.size else self.entries,
                          self.rows, self.cols)

    def __matmul__(self, other: MatrixView) -> MatrixView:
        if self.cols != other.rows:
            raise ShapeError(f"matrix product of {self.shape} and {other.shape}: "
                             "the column coordinates of the left do not match the right's rows")
        out = np.empty(self.shape[:1] + other.shape[1:], dtype=object)
        for r in range(self.shape[0]):
            for c in range(other.shape[1]):
                out[r, c] = polynomial_sum(
                    a * b for a, b in zip(self.entries[r], other.entries[:, c], strict=True)
                    if a and b
                )
        return MatrixView(out, self.rows, other.cols)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatrixView):
            return NotImplemented
        return (self.rows == other.rows and self.cols == other.cols
                and all(a == b for a, b in zip(self.entries.flat, other.entries.flat, strict=True)))

    def depends_only_on(self, key: Callable[[Coordinate, Coordinate], Any]) -> bool:
        """True when every entry is a function of ``key(row, col)`` alone."""
        seen: dict[Any, Polynomial] = {}
        for i, y in enumerate(self.rows):
            for j, x in enumerate(self.cols):
                k = key(y, x)
                if k in seen and seen[k] != self.entries[i, j]:
                    return False
                seen.setdefault(k, self.entries[i, j])
        return True

    def is_toeplitz(self) -> bool:
        """Entry depends only on y - x: Toeplitz in 1D, doubly-block Toeplitz in 2D (row-major)."""
        return self.depends_only_on(lambda y, x: tuple(a - b for a, b in zip(y, x, strict=True)))

    def is_circulant(self, period: Sequence[int]) -> bool:
        """Entry depends only on (y - x) mod n (block circulant with circulant blocks in 2D)."""
        return self.depends_only_on(
            lambda y, x: tuple((a - b) % n for a, b, n in zip(y, x, period, strict=True)))

    def to_sympy(self) -> sympy.Matrix:
        return sympy.Matrix(self.shape[0], self.shape[1],
                            [p.as_expr() for p in self.entries.flat])

    def _latex(self, printer: Any = None) -> str:
        return sympy.latex(self.to_sympy())

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"

    def __repr__(self) -> str:
        return f"MatrixView(shape={self.shape})"


def linear_matrix(output: Signal, inputs: Signal, output_box: tuple[Coordinate, Coordinate] | None
                  = None) -> MatrixView:
    """The matrix of ``output`` as a linear function of the symbolic signal ``inputs``.

    Rows are the coordinates of ``output_box`` (origin, shape; default the
    output's own box), columns the coordinates of ``inputs``; both row-major.
    """
    if not output.is_exact:
        raise NotSupportedError("the matrix view needs an exact (symbolic) result")
    position = {}
    for col, entry in enumerate(inputs.entries.flat):
        (gen,) = entry.generators()
        position[gen] = col
    origin, shape = output_box if output_box is not None else (output.origin, output.shape)
    rows = list(Signal(np.empty(shape, dtype=object), origin).coordinates()) if all(shape) else []
    entries = np.empty((len(rows), len(position)), dtype=object)
    entries.fill(Polynomial.zero())
    for r, y in enumerate(rows):
        for monomial, coefficient in output.value_at(y).terms.items():
            col, rest = _split_input(monomial, position)
            term = Polynomial({rest: coefficient}, output.value_at(y).domain)
            entries[r, col] = entries[r, col] + term
    return MatrixView(entries, rows, list(inputs.coordinates()))


def _split_input(monomial: tuple[Generator, ...],
                 position: dict[Generator, int]) -> tuple[int, tuple[Generator, ...]]:
    found = [g for g in monomial if g in position]
    if len(found) != 1:
        raise NotSupportedError(
            f"the expression is not linear in the input: a term has {len(found)} input factors"
        )
    return position[found[0]], tuple(g for g in monomial if g not in position)


def _input(shape: Sequence[int], origin: Sequence[int] | None) -> Signal:
    dims = parse_shape(shape, "input shape")
    return Signal.symbolic(INPUT_NAME, dims, origin=origin if origin is not None else (0,) * len(dims))


def conv_matrix(kernel: Signal, input_shape: Sequence[int], input_origin: Sequence[int] | None = None,
                mode: str = "full", output_box: tuple[Coordinate, Coordinate] | None = None
                ) -> MatrixView:
    """Matrix of I -> conv(kernel, I, mode) (entry F(y - x)): Toeplitz / doubly-block Toeplitz."""
    image = _input(input_shape, input_origin)
    return linear_matrix(ops.conv(kernel, image, mode=mode), image, output_box)


def corr_matrix(kernel: Signal, input_shape: Sequence[int], input_origin: Sequence[int] | None = None,
                mode: str = "full", output_box: tuple[Coordinate, Coordinate] | None = None
                ) -> MatrixView:
    """Matrix of I -> corr(kernel, I, mode) (entry F(x - y))."""
    image = _input(input_shape, input_origin)
    return linear_matrix(ops.corr(kernel, image, mode=mode), image, output_box)


def circulant_matrix(kernel: Signal, period: Sequence[int]) -> MatrixView:
    """Matrix of I -> circconv(kernel, I) on Z_n^d (entry F((y - x) mod n))."""
    image = _input(period, None)
    return linear_matrix(ops.circconv(kernel, image, tuple(period)), image)


def dft_matrix(period: Sequence[int], sign: int = -1, norm: str = "backward") -> MatrixView:
    """The DFT matrix W (entry ω^(k·x)) read off the exact DFT of a symbolic signal."""
    image = _input(period, None)
    return linear_matrix(dft(image, sign=sign, norm=norm), image)


def idft_matrix(period: Sequence[int], sign: int = -1, norm: str = "backward") -> MatrixView:
    image = _input(period, None)
    return linear_matrix(idft(image, sign=sign, norm=norm), image)


def diagonal_matrix(signal: Signal) -> MatrixView:
    """diag(vec(signal)), rows and columns indexed by the signal's coordinates."""
    coords = list(signal.coordinates())
    entries = np.empty((len(coords), len(coords)), dtype=object)
    entries.fill(Polynomial.zero())
    for i, value in enumerate(signal.exact().entries.flat):
        entries[i, i] = value
    return MatrixView(entries, coords, coords)


class MatrixViewSummary:
    """The matrix of ``I -> op(F, I)`` (full mode), its structure, and its transpose checked
    against the adjoint operation (corr for conv, conv for corr)."""

    def __init__(self, op: str, kernel_size: int, dim: int = 1, input_size: int = 4) -> None:
        if op not in ("conv", "corr"):
            raise UnknownNameError(f"operation {op!r} has no matrix view here; expected conv or corr")
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ShapeError(f"dimension {dim!r} is not a positive integer")
        kernel = Signal.symbolic("F", parse_shape((kernel_size,) * dim, "kernel size"))
        in_shape = parse_shape((input_size,) * dim, "input size")
        if math.prod(in_shape) * math.prod(kernel.shape) > MAX_VIEW_ENTRIES:
            raise SizeLimitError(f"a matrix view of a {kernel.shape} kernel on a {in_shape} input "
                                 f"is too large to display (limit {MAX_VIEW_ENTRIES} products)")
        build, adjoint_build = (conv_matrix, corr_matrix) if op == "conv" else (corr_matrix,
                                                                                 conv_matrix)
        self.op = op
        self.matrix = build(kernel, in_shape)
        out_origin, out_shape = self.matrix.rows[0], _box_shape(self.matrix.rows)
        self.adjoint_op = "corr" if op == "conv" else "conv"
        self.adjoint = adjoint_build(kernel, out_shape, input_origin=out_origin,
                                     output_box=((0,) * dim, in_shape))
        self.toeplitz = self.matrix.is_toeplitz()
        self.transpose_is_adjoint = self.matrix.transpose() == self.adjoint
        self.structure = {1: "Toeplitz", 2: "doubly-block Toeplitz"}.get(dim, "multilevel Toeplitz")

    def findings(self) -> list[str]:
        yes = {True: "yes", False: "NO"}
        return [
            f"{self.structure} (entry depends only on y - x): {yes[self.toeplitz]}",
            f"transpose = matrix of {self.adjoint_op}(F, .) read back on the input box "
            f"(the adjoint, hence the flip in backprop): {yes[self.transpose_is_adjoint]}",
        ]

    def __str__(self) -> str:
        head = (f"matrix of I -> {self.op}(F, I), full mode: {self.matrix.shape[0]} output rows "
                f"x {self.matrix.shape[1]} input columns (row-major vec)")
        return "\n".join([head, sympy.pretty(self.matrix.to_sympy(), wrap_line=False),
                          *self.findings()])

    def _latex(self, printer: Any = None) -> str:
        return self.matrix._latex()

    def _repr_latex_(self) -> str:
        return self.matrix._repr_latex_()


# Kernel entries x input entries above which the printed matrix is unreadable.
MAX_VIEW_ENTRIES = 4096


def _box_shape(coords: Sequence[Coordinate]) -> tuple[int, ...]:
    return tuple(max(c[k] for c in coords) - min(c[k] for c in coords) + 1
                 for k in range(len(coords[0])))
