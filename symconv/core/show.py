"""Text, LaTeX and HTML forms of exact values and of boxes of entries, for the objects that
show themselves: :class:`~symconv.core.signal.Signal` here in core, and the results,
counterexamples, derivations and outcomes of :mod:`symconv.prove`.

Pure functions of their arguments: each class's ``__repr__``, ``__str__``, ``_latex``
(SymPy's printer hook), ``_repr_latex_`` and ``_repr_html_`` call them, in the layer of the
class, so that no registry has to be filled from above.

* a grid puts the entries under their coordinates and marks the entry at coordinate 0
  (brackets in text, a box in LaTeX, an outline in HTML), eliding the middle past
  :data:`MAX_SIDE_SHOWN` entries per axis;
* long derivations are condensed past :data:`MAX_STEPS_SHOWN` steps (:func:`condensed_steps`).

>>> import numpy as np
>>> print(box_text(np.array([[1, 2, 3], [4, 5, 6]]), (-1, -1), "int64"))
Signal 2x3, int64, origin (-1, -1); [ ] marks coordinate 0
    -1    0    1
-1   1    2    3
 0   4   [5]   6
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np
import sympy

from symconv.core.algebra import Polynomial

# Steps of a derivation shown before the middle is elided.
MAX_STEPS_SHOWN = 8
# Entries per axis shown before the rest is elided.
MAX_SIDE_SHOWN = 12

_ORIGIN_STYLE = "outline: 2px solid #d62728; font-weight: bold"
_TABLE_STYLE = "border-collapse: collapse; font-family: monospace; margin: 0.3em 0"
_CELL_STYLE = "padding: 0.1em 0.5em; text-align: right; border: 1px solid #ccc"
_HEAD_STYLE = "padding: 0.1em 0.5em; text-align: right; color: #888; font-size: smaller"


# --- values ---------------------------------------------------------------------------


def value_text(value: Any) -> str:
    """An exact value as text: ints as ints, fractions as p/q, polynomials as expressions."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Polynomial):
        if value.is_constant() and (value.domain.is_QQ or value.domain.is_ZZ):
            return value_text(Fraction(str(value.as_expr())))
        return str(value.as_expr())
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(value)
    return str(value)


def value_latex(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Polynomial):
        return sympy.latex(value.as_expr())
    if isinstance(value, Fraction):
        return sympy.latex(sympy.Rational(value.numerator, value.denominator))
    if isinstance(value, int | float | complex):
        return sympy.latex(sympy.sympify(value))
    return rf"\text{{{latex_escape(str(value))}}}"


def latex_escape(text: str) -> str:
    """``text`` for ``\\text{...}``: backslashes, underscores and hashes escaped."""
    return text.replace("\\", r"\backslash ").replace("_", r"\_").replace("#", r"\#")


def display_math(latex: str) -> str:
    """A notebook's ``_repr_latex_``: ``latex`` as display math."""
    return f"$${latex}$$"


# --- grids of entries with coordinates ----------------------------------------------------


def _grid(entries: np.ndarray, origin: Sequence[int]) -> tuple[list[int | None], list[int | None],
                                                              list[list[Any]]]:
    """Row and column coordinates and the 2D grid of entries (1D as one row); ``None`` marks
    an elided stretch."""
    array = np.asarray(entries, dtype=object)
    if array.ndim == 1:
        array = array.reshape(1, -1)
        origin = (0, *origin)
    rows = _shown(array.shape[0], origin[0])
    cols = _shown(array.shape[1], origin[1])
    grid = [[None if r is None or c is None else array[r - origin[0], c - origin[1]]
             for c in cols] for r in rows]
    return rows, cols, grid


def _shown(n: int, start: int) -> list[int | None]:
    if n <= MAX_SIDE_SHOWN:
        return list(range(start, start + n))
    half = MAX_SIDE_SHOWN // 2
    return [*range(start, start + half), None, *range(start + n - half, start + n)]


def _slices(entries: np.ndarray, origin: Sequence[int]) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """2D slices of an nD array, labelled by their leading coordinates."""
    if entries.ndim <= 2:
        return [((), entries)]
    lead = [range(o, o + n) for o, n in zip(origin[:-2], entries.shape[:-2], strict=True)]
    return [(coord, entries[tuple(c - o for c, o in zip(coord, origin, strict=False))])
            for coord in itertools.product(*lead)]


def grid_text(entries: np.ndarray, origin: Sequence[int]) -> str:
    """Entries under their coordinates, the entry at coordinate 0 in brackets."""
    parts = []
    for lead, plane in _slices(np.asarray(entries, dtype=object), origin):
        rows, cols, grid = _grid(plane, origin[-2:] if plane.ndim == 2 else origin[-1:])
        one_d = plane.ndim == 1
        at_zero = all(c == 0 for c in lead)
        header = [" … " if c is None else f" {c} " for c in cols]
        labels, body = [], []
        for r, row in zip(rows, grid, strict=True):
            labels.append("…" if r is None else ("" if one_d else str(r)))
            line = []
            for c, v in zip(cols, row, strict=True):
                if r is None or c is None:
                    line.append(" … ")
                    continue
                marked = at_zero and c == 0 and (one_d or r == 0)
                line.append(f"[{value_text(v)}]" if marked else f" {value_text(v)} ")
            body.append(line)
        width = max(len(cell) for line in [header, *body] for cell in line)
        label_width = max(len(label) for label in labels)
        lines = [" " * label_width + "".join(cell.rjust(width + 1) for cell in header)]
        lines += [label.rjust(label_width) + "".join(cell.rjust(width + 1) for cell in line)
                  for label, line in zip(labels, body, strict=True)]
        if lead:
            lines.insert(0, f"at leading coordinates {lead}:")
        parts.append("\n".join(line.rstrip() for line in lines))
    return "\n".join(parts)


def grid_latex(entries: np.ndarray, origin: Sequence[int]) -> str:
    """A ``bmatrix`` with the entry at coordinate 0 boxed, the origin as a subscript."""
    array = np.asarray(entries, dtype=object)
    if array.ndim > 2:
        return r",\;".join(grid_latex(array[i], origin[1:]) for i in range(array.shape[0]))
    rows, cols, grid = _grid(array, origin)
    body = []
    for r, row in zip(rows, grid, strict=True):
        cells = []
        for c, v in zip(cols, row, strict=True):
            if r is None or c is None:
                cells.append(r"\cdots" if r is not None else r"\vdots")
                continue
            text = value_latex(v)
            marked = c == 0 and (array.ndim == 1 or r == 0)
            cells.append(rf"\boxed{{{text}}}" if marked else text)
        body.append(" & ".join(cells))
    where = ",".join(map(str, origin))
    rows_latex = r" \\ ".join(body)
    return rf"\begin{{bmatrix}} {rows_latex} \end{{bmatrix}}_{{({where})}}"


def grid_html(entries: np.ndarray, origin: Sequence[int]) -> str:
    """An HTML table: coordinates as headers, the cell at coordinate 0 outlined."""
    array = np.asarray(entries, dtype=object)
    if array.ndim > 2:
        return "".join(f"<div>[{i + origin[0]}, …]</div>" + grid_html(array[i], origin[1:])
                       for i in range(array.shape[0]))
    rows, cols, grid = _grid(array, origin)
    one_d = array.ndim == 1
    head = "".join(f'<th style="{_HEAD_STYLE}">{"…" if c is None else c}</th>' for c in cols)
    out = [f'<table style="{_TABLE_STYLE}"><tr><th></th>{head}</tr>']
    for r, row in zip(rows, grid, strict=True):
        label = "…" if r is None else ("" if one_d else str(r))
        cells = []
        for c, v in zip(cols, row, strict=True):
            if r is None or c is None:
                cells.append(f'<td style="{_CELL_STYLE}">…</td>')
                continue
            marked = c == 0 and (one_d or r == 0)
            style = f"{_CELL_STYLE}; {_ORIGIN_STYLE}" if marked else _CELL_STYLE
            title = ' title="coordinate 0"' if marked else ""
            cells.append(f'<td style="{style}"{title}>{html.escape(value_text(v))}</td>')
        out.append(f'<tr><th style="{_HEAD_STYLE}">{label}</th>{"".join(cells)}</tr>')
    out.append("</table>")
    return "".join(out)


# --- signals: a box of entries placed at an origin -----------------------------------------


def _box_head(entries: np.ndarray, origin: Sequence[int], kind: str) -> str:
    shape = "x".join(map(str, entries.shape)) if entries.shape else "empty"
    return f"Signal {shape}, {kind}, origin {tuple(origin)}"


def box_text(entries: np.ndarray, origin: Sequence[int], kind: str) -> str:
    """A signal's ``str``: its shape, kind (``exact`` or the dtype) and origin, then the
    grid."""
    if entries.size == 0:
        return _box_head(entries, origin, kind) + ": the zero function"
    return (f"{_box_head(entries, origin, kind)}; [ ] marks coordinate 0\n"
            f"{grid_text(entries, origin)}")


def box_latex(entries: np.ndarray, origin: Sequence[int]) -> str:
    """A signal's notebook LaTeX: the grid as display math."""
    if entries.size == 0:
        return "$0$"
    return f"$\\displaystyle {grid_latex(entries, origin)}$"


def box_html(entries: np.ndarray, origin: Sequence[int], kind: str) -> str:
    """A signal's notebook HTML: the head line and the grid as a table."""
    head = html.escape(_box_head(entries, origin, kind))
    if entries.size == 0:
        return f"<div>{head}: the zero function</div>"
    return f"<div><div>{head} (outlined: coordinate 0)</div>{grid_html(entries, origin)}</div>"


# --- nested lists (a counterexample's signals) ---------------------------------------------


def nested_array(entries: Any) -> np.ndarray:
    """Nested lists (or tuples) of values as an object array of their shape."""
    array = np.empty(nested_shape(entries), dtype=object)
    for pos in np.ndindex(*array.shape):
        value = entries
        for p in pos:
            value = value[p]
        array[pos] = value
    return array


def nested_shape(value: Any) -> tuple[int, ...]:
    """The shape of nested lists (or tuples): the length at each depth of the first branch."""
    shape = []
    while isinstance(value, list | tuple):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


# --- derivations ------------------------------------------------------------------------------

_Step = TypeVar("_Step")


def condensed_steps(steps: Sequence[_Step]) -> list[_Step | None]:
    """The steps, with ``None`` standing for an elided middle stretch."""
    if len(steps) <= MAX_STEPS_SHOWN:
        return list(steps)
    half = MAX_STEPS_SHOWN // 2
    return [*steps[:half], None, *steps[-half:]]
