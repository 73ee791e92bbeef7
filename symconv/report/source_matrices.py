"""The source's two expanded matrices as printed, checked against the derived ones.

The source shows, for a (2N+1) x (2N+1) filter, nine entries of each
Hadamard-product matrix (rows and columns at offsets -N, 0, N; the rest are
ellipses).  They are transcribed below entry by entry, exactly as printed,
and compared with :func:`symconv.apps.expanded.hadamard_form` for N = 1, 2, 3: an
entry is wrong when its filter index or its image index differs from the
derived one for some N.

>>> audit = audit_matrix("corr")
>>> [(e.row, e.col, e.wrong_factors) for e in audit.entries if not e.correct]
[('-N', '0', ('I',))]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from symconv.apps.expanded import hadamard_form

N, X, Y = sympy.symbols("N x y", integer=True)
OFFSET_LABELS = ("-N", "0", "N")
CHECKED_N = (1, 2, 3)

# (filter index, image index) per displayed entry, rows then columns at -N, 0, N,
# transcribed from the source (convolution-vs-correlation.txt) as printed.
SOURCE_MATRICES: dict[str, tuple[tuple[tuple[str, str, str, str], ...], ...]] = {
    "corr": (
        (("-N", "-N", "x-N", "y-N"), ("-N", "0", "x-N", "y-N"), ("-N", "N", "x-N", "y+N")),
        (("0", "-N", "x", "y-N"), ("0", "0", "x", "y"), ("0", "N", "x", "y+N")),
        (("N", "-N", "x+N", "y-N"), ("N", "0", "x+N", "y"), ("N", "N", "x+N", "y+N")),
    ),
    "conv": (
        (("N", "N", "x-N", "y-N"), ("N", "0", "x-N", "y-N"), ("N", "-N", "x-N", "y+N")),
        (("0", "N", "x", "y-N"), ("0", "0", "x", "y"), ("0", "-N", "x", "y+N")),
        (("-N", "-N", "x+N", "y-N"), ("-N", "0", "x+N", "y"), ("-N", "-N", "x+N", "y+N")),
    ),
}

_NAMES = {"N": N, "x": X, "y": Y}


def index_latex(expr: sympy.Expr) -> str:
    """An affine index in the source's order: ``x-N``, ``y+2N``, ``-N``, ``0``."""
    poly = sympy.Poly(expr, X, Y, N)
    text = ""
    for symbol in (X, Y, N):
        coeff = poly.coeff_monomial(symbol)
        if coeff == 0:
            continue
        sign = "-" if coeff < 0 else ("+" if text else "")
        size = "" if abs(coeff) == 1 else sympy.latex(abs(coeff))
        text += f"{sign}{size}{symbol}"
    constant = poly.coeff_monomial(1)
    if constant != 0 or not text:
        sign = "-" if constant < 0 else ("+" if text else "")
        text += f"{sign}{sympy.latex(abs(constant))}"
    return text


def _parse(text: str) -> sympy.Expr:
    return sympy.sympify(text, locals=_NAMES)


Index = tuple[sympy.Expr, sympy.Expr]


@dataclass(frozen=True)
class AuditedEntry:
    """One displayed entry: as printed and as derived (both affine in N, x, y)."""

    row: str
    col: str
    printed: tuple[Index, Index]
    derived: tuple[Index, Index]

    @property
    def wrong_factors(self) -> tuple[str, ...]:
        names = ("F", "I")
        return tuple(n for n, p, d in zip(names, self.printed, self.derived, strict=True)
                     if any(sympy.expand(a - b) != 0 for a, b in zip(p, d, strict=True)))

    @property
    def correct(self) -> bool:
        return not self.wrong_factors

    @staticmethod
    def _term_latex(kernel: Index, image: Index) -> str:
        f = ",".join(index_latex(v) for v in kernel)
        i = ",".join(index_latex(v) for v in image)
        return f"F[{f}]\\,I[{i}]"

    def printed_latex(self) -> str:
        return self._term_latex(*self.printed)

    def derived_latex(self) -> str:
        return self._term_latex(*self.derived)

    def _latex(self, printer: Any = None) -> str:
        return rf"{self.printed_latex()} \to {self.derived_latex()}"

    def _repr_latex_(self) -> str:
        return f"${self._latex()}$"


@dataclass(frozen=True)
class MatrixAudit:
    """All nine displayed entries of one of the source's matrices."""

    op: str
    entries: tuple[AuditedEntry, ...]
    checked_n: tuple[int, ...]

    @property
    def wrong(self) -> tuple[AuditedEntry, ...]:
        return tuple(e for e in self.entries if not e.correct)

    def rows(self) -> list[list[AuditedEntry]]:
        return [list(self.entries[k:k + 3]) for k in range(0, 9, 3)]

    def matrix_latex(self, which: str, highlight: bool = True) -> str:
        """The nine entries ``printed`` or ``derived``, with ellipses; wrong ones boxed
        (unless not ``highlight``: the source's general-N matrix, corrected)."""
        colour = "red" if which == "printed" else "green!50!black"
        rows = []
        for row in self.rows():
            cells = []
            for entry in row:
                text = entry.printed_latex() if which == "printed" else entry.derived_latex()
                marked = not entry.correct and highlight
                cells.append(rf"{{\color{{{colour}}}\boxed{{{text}}}}}" if marked else text)
            # a thin space inside the brackets, which a boxed corner entry would touch
            rows.append(r"\, " + r" & \cdots & ".join(cells) + r" \,")
        gap = r" \\ \vdots & \ddots & \vdots & \ddots & \vdots \\ "
        return r"\begin{bmatrix} " + gap.join(rows) + r" \end{bmatrix}"

    def _latex(self, printer: Any = None) -> str:
        symbol = r"\circ" if self.op == "corr" else r"\ast"
        return (rf"(F {symbol} I)(x,y):\ \text{{printed }} {self.matrix_latex('printed')}"
                rf"\quad \text{{derived }} {self.matrix_latex('derived')}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


def _derived_indices(op: str, n: int, row: int, col: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Filter index and image offset (from (x, y)) of hadamard_form's entry at (row, col)."""
    form = hadamard_form(op, 2 * n + 1, 2, at=(X, Y))
    term = form[row + n, col + n]
    kernel = image = None
    for factor in term.args:
        if isinstance(factor, sympy.Indexed) and str(factor.base) == "F":
            kernel = tuple(int(v) for v in factor.indices)
        elif isinstance(factor, sympy.Indexed) and str(factor.base) == "I":
            image = (int(factor.indices[0] - X), int(factor.indices[1] - Y))
    if kernel is None or image is None or len(kernel) != 2:
        raise AssertionError(f"unexpected term {term} in the derived {op} form")
    return (kernel[0], kernel[1]), image


def _affine(values: dict[int, int]) -> sympy.Expr:
    """The affine function of N through the given points (they must be collinear)."""
    (n1, v1), (n2, v2) = list(values.items())[:2]
    slope = sympy.Rational(v2 - v1, n2 - n1)
    expr = sympy.expand(slope * N + v1 - slope * n1)
    if any(expr.subs(N, n) != v for n, v in values.items()):
        raise AssertionError(f"derived indices {values} are not affine in N")
    return expr


def audit_matrix(op: str, checked_n: tuple[int, ...] = CHECKED_N) -> MatrixAudit:
    """Compare the source's printed ``op`` matrix with the derived one at each N."""
    entries = []
    for r, printed_row in enumerate(SOURCE_MATRICES[op]):
        for c, (fi, fj, ix, iy) in enumerate(printed_row):
            signs = (-1, 0, 1)
            derived = {n: _derived_indices(op, n, signs[r] * n, signs[c] * n) for n in checked_n}
            kernel = tuple(_affine({n: d[0][k] for n, d in derived.items()}) for k in (0, 1))
            image = (X + _affine({n: d[1][0] for n, d in derived.items()}),
                     Y + _affine({n: d[1][1] for n, d in derived.items()}))
            printed = ((_parse(fi), _parse(fj)), (_parse(ix), _parse(iy)))
            entries.append(AuditedEntry(OFFSET_LABELS[r], OFFSET_LABELS[c], printed,
                                        (kernel, image)))
    return MatrixAudit(op, tuple(entries), checked_n)
