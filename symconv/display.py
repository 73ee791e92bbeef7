"""How results and signals look: one-line reprs, readable text, LaTeX and HTML for Jupyter.

The classes (:class:`~symconv.core.signal.Signal`, :class:`~symconv.prove.Result`,
:class:`~symconv.prove.Counterexample`, :class:`~symconv.prove.runner.Outcome`,
:class:`~symconv.prove.derivation.Derivation`) keep thin ``__repr__``, ``__str__``,
``_repr_latex_`` and ``_repr_html_`` methods that ask :mod:`symconv.core.rendering`,
where this module registers the functions here (the classes sit in layers below it).

* ``repr``: one line -- verdict, method, sizes, seconds;
* ``str``: the readable text;
* LaTeX / HTML: the derivation chain (condensed past :data:`MAX_STEPS_SHOWN` steps),
  the counterexample's signals as small matrices with the entry at coordinate 0
  marked, and the error bound of a PROBABLE verdict.

>>> from symconv.core.signal import Signal
>>> print(signal_text(Signal.literal([[1, 2, 3], [4, 5, 6]])))
Signal 2x3, exact, origin (-1, -1); [ ] marks coordinate 0
    -1    0    1
-1   1    2    3
 0   4   [5]   6
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from symconv.core.algebra import Polynomial
from symconv.core.rendering import register
from symconv.core.signal import Signal
from symconv.prove import runner
from symconv.prove.derivation import RULE_TITLES, Derivation
from symconv.prove.runner import Outcome
from symconv.prove.verdict import Counterexample, Result

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
    return rf"\text{{{_latex_escape(str(value))}}}"


def _latex_escape(text: str) -> str:
    return text.replace("\\", r"\backslash ").replace("_", r"\_").replace("#", r"\#")


def sizes_text(sizes: dict[str, tuple[int, ...]]) -> str:
    """``{"F": (1, 2), "I": (1, 1)}`` -> ``F=1x2, I=1x1``."""
    return ", ".join(f"{name}={'x'.join(map(str, shape))}" for name, shape in sizes.items())


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


# --- signals ------------------------------------------------------------------------------


def _shape_text(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape)) if shape else "empty"


def _kind(signal: Signal) -> str:
    return "exact" if signal.is_exact else str(signal.entries.dtype)


def signal_repr(signal: Signal) -> str:
    return f"Signal(shape={signal.shape}, origin={signal.origin}, {_kind(signal)})"


def signal_text(signal: Signal) -> str:
    head = f"Signal {_shape_text(signal.shape)}, {_kind(signal)}, origin {signal.origin}"
    if signal.entries.size == 0:
        return head + ": the zero function"
    return f"{head}; [ ] marks coordinate 0\n{grid_text(signal.entries, signal.origin)}"


def signal_latex(signal: Signal) -> str:
    if signal.entries.size == 0:
        return "$0$"
    return f"$\\displaystyle {grid_latex(signal.entries, signal.origin)}$"


def signal_html(signal: Signal) -> str:
    head = html.escape(f"Signal {_shape_text(signal.shape)}, {_kind(signal)}, "
                       f"origin {signal.origin}")
    if signal.entries.size == 0:
        return f"<div>{head}: the zero function</div>"
    return (f"<div><div>{head} (outlined: coordinate 0)</div>"
            f"{grid_html(signal.entries, signal.origin)}</div>")


# --- counterexamples ------------------------------------------------------------------------


def _signal_array(entries: Any) -> np.ndarray:
    array = np.empty(_nested_shape(entries), dtype=object)
    for pos in np.ndindex(*array.shape):
        value = entries
        for p in pos:
            value = value[p]
        array[pos] = value
    return array


def _nested_shape(value: Any) -> tuple[int, ...]:
    shape = []
    while isinstance(value, list | tuple):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


def _where(counterexample: Counterexample) -> str:
    coordinate = counterexample.coordinate
    return "" if coordinate is None else f" at {tuple(coordinate)}"


def counterexample_repr(counterexample: Counterexample) -> str:
    return (f"<Counterexample {sizes_text(counterexample.sizes)}: left "
            f"{value_text(counterexample.left)} != right {value_text(counterexample.right)}"
            f"{_where(counterexample)}>")


def counterexample_latex(counterexample: Counterexample) -> str:
    parts = [rf"{name} = {grid_latex(_signal_array(v), counterexample.origins[name])}"
             for name, v in counterexample.signals.items()]
    where = "" if counterexample.coordinate is None else (
        rf"\text{{ at }} {tuple(counterexample.coordinate)}")
    parts.append(rf"\text{{left}} = {value_latex(counterexample.left)} \neq "
                 rf"{value_latex(counterexample.right)} = \text{{right}}{where}")
    return r",\quad ".join(parts)


def counterexample_html(counterexample: Counterexample) -> str:
    cells = []
    for name, entries in counterexample.signals.items():
        origin = counterexample.origins[name]
        cells.append(f'<td style="vertical-align: top; padding-right: 1.5em">'
                     f"<b>{html.escape(name)}</b>, origin {html.escape(str(tuple(origin)))}"
                     f"{grid_html(_signal_array(entries), origin)}</td>")
    sides = html.escape(f"left {value_text(counterexample.left)} ≠ right "
                        f"{value_text(counterexample.right)}{_where(counterexample)}")
    return (f'<div><table style="border: none"><tr>{"".join(cells)}</tr></table>'
            f"<div>{sides} (outlined: coordinate 0)</div></div>")


# --- derivations ------------------------------------------------------------------------------


def _condensed(steps: list[Any]) -> list[Any | None]:
    """The steps, with ``None`` standing for an elided middle stretch."""
    if len(steps) <= MAX_STEPS_SHOWN:
        return list(steps)
    half = MAX_STEPS_SHOWN // 2
    return [*steps[:half], None, *steps[-half:]]


def derivation_repr(derivation: Derivation) -> str:
    return f"<Derivation {derivation.statement}: {len(derivation.steps)} steps>"


def derivation_latex(derivation: Derivation, condensed: bool = True) -> str:
    """An ``aligned`` block (usable inside ``$$ $$``): one line per step, the rule on the right."""
    chain = derivation.steps
    if not chain:
        return rf"\text{{{_latex_escape(derivation.statement)}}}"
    rows = [rf"&{chain[0].before.latex()}"]
    shown = _condensed(chain) if condensed else chain
    for step in shown:
        if step is None:
            rows.append(rf"&\;\;\vdots && \text{{({len(chain) - MAX_STEPS_SHOWN} more steps)}}")
            continue
        note = rf"\text{{{RULE_TITLES[step.rule]}: {step.justification_latex}}}"
        rows.append(rf"&= {step.after.latex()} && {note}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def derivation_html(derivation: Derivation) -> str:
    return (f"<div><b>Derivation</b> ({len(derivation.steps)} steps)"
            f"<div>$$\n{derivation_latex(derivation)}\n$$</div></div>")


# --- results and outcomes -----------------------------------------------------------------


def _sizes_list(result: Result) -> str:
    shown = [sizes_text(s) for s in result.sizes]
    return "; ".join(dict.fromkeys(shown))  # each size once, in order


def result_repr(result: Result) -> str:
    at = f" at {_sizes_list(result)}" if result.sizes else ""
    return f"<Result {result.verdict.value} by {result.method}{at}, {result.seconds:.2f} s>"


def result_line(result: Result) -> str:
    """One readable sentence: the verdict, its method and scope, the seconds."""
    verdict, seconds = result.verdict.value, f"{result.seconds:.2f} s"
    at = f" at {_sizes_list(result)}" if result.sizes else ""
    derivation = result.derivation
    if verdict == "PROVED":
        steps = len(derivation.steps) if hasattr(derivation, "steps") else None
        scope = "for all sizes and dimensions"
        if getattr(derivation, "torus", False):
            scope = "for all n and d (signals of shape n, read modulo n)"
        counted = f" ({steps} checked steps)" if steps is not None else ""
        text = f"{verdict} by {result.method} {scope}{counted}"
    elif verdict == "REFUTED" and result.counterexample is not None:
        c = result.counterexample
        text = (f"{verdict} by {result.method} at {sizes_text(c.sizes)}: left "
                f"{value_text(c.left)} != right {value_text(c.right)}{_where(c)}")
    elif verdict == "INCONCLUSIVE":
        text = f"{verdict} ({result.method}){at}: {result.detail}"
    else:
        text = f"{verdict} by {result.method}{at}"
    if result.error_bound is not None:
        text += f", error probability <= {result.error_bound:.3g}"
    warnings = getattr(result, "warnings", None) or []
    if warnings:
        text += f"; {len(warnings)} warning{'s' if len(warnings) > 1 else ''}"
    return f"{text}, {seconds}"


def _extra_lines(result: Result) -> list[str]:
    """Warnings and repairs, when the result carries them."""
    lines = [f"warning: {w}" for w in getattr(result, "warnings", None) or []]
    lines += [f"repair: {r}" for r in getattr(result, "repairs", None) or []]
    return lines


def result_text(result: Result) -> str:
    """Readable text: the verdict line, the error bound, the detail, the derivation or
    counterexample."""
    lines = [result_line(result)]
    if result.detail:
        lines.append(result.detail)
    lines += _extra_lines(result)
    if result.derivation is not None:
        lines.append(str(result.derivation))
    if result.counterexample is not None:
        lines.append("counterexample:")
        lines.append(result.counterexample.describe())
    return "\n".join(lines)


def _head_latex(result: Result) -> str:
    text = rf"\textbf{{{result.verdict.value}}}\ \text{{({_latex_escape(result.method)})}}"
    if result.sizes:
        text += rf"\ \text{{at {_latex_escape(_sizes_list(result))}}}"
    if result.error_bound is not None:
        text += rf",\ \Pr[\text{{error}}] \le {sympy.latex(sympy.Float(result.error_bound, 3))}"
    return text


def result_latex(result: Result) -> str:
    """The verdict, then the condensed derivation or the counterexample, for ``$$ $$``."""
    rows = [_head_latex(result)]
    derivation = result.derivation
    if derivation is not None and hasattr(derivation, "steps"):
        rows.append(derivation_latex(derivation))  # type: ignore[arg-type]
    if result.counterexample is not None:
        rows.append(counterexample_latex(result.counterexample))
    return r"\begin{array}{l}" + r" \\ ".join(rows) + r"\end{array}"


def result_html(result: Result) -> str:
    head = html.escape(result_repr(result)[1:-1].removeprefix("Result "))
    parts = [f"<div><b>{head}</b>"]
    if result.error_bound is not None:
        parts.append(f"<div>error probability ≤ {result.error_bound:.3g}</div>")
    if result.detail:
        parts.append(f"<div>{html.escape(result.detail)}</div>")
    parts += [f"<div>{html.escape(line)}</div>" for line in _extra_lines(result)]
    derivation = result.derivation
    if derivation is not None and hasattr(derivation, "steps"):
        parts.append(derivation_html(derivation))  # type: ignore[arg-type]
    if result.counterexample is not None:
        parts.append(counterexample_html(result.counterexample))
    parts.append("</div>")
    return "".join(parts)


def outcome_repr(outcome: Outcome) -> str:
    if outcome.result is None:
        return f"<Outcome {outcome.claim.name}: ERROR {outcome.error}>"
    r = outcome.result
    return (f"<Outcome {outcome.claim.name}: {r.verdict.value} by {r.method} "
            f"(expected {outcome.claim.expect}: {outcome.status}), {r.seconds:.2f} s>")


def outcome_text(outcome: Outcome) -> str:
    return runner.explain(outcome)


def outcome_latex(outcome: Outcome) -> str:
    name = _latex_escape(outcome.claim.name)
    head = rf"\text{{{name} (expected {outcome.claim.expect}, {outcome.status}):}}"
    body = result_latex(outcome.result) if outcome.result else (
        rf"\text{{ERROR: {_latex_escape(outcome.error or '')}}}")
    return rf"\begin{{array}}{{l}}{head} \\ {body}\end{{array}}"


def outcome_html(outcome: Outcome) -> str:
    head = html.escape(f"{outcome.claim.name}: {outcome.claim.text} "
                       f"(expected {outcome.claim.expect}, {outcome.status})")
    body = result_html(outcome.result) if outcome.result else (
        f"<div>ERROR: {html.escape(outcome.error or '')}</div>")
    return f"<div><div>{head}</div>{body}</div>"


# --- inline LaTeX (SymPy's ``_latex`` hook; report tables) ---------------------------------


def result_inline_latex(result: Result) -> str:
    """The verdict line and the counterexample, on one line."""
    text = _head_latex(result)
    if result.counterexample is not None:
        text += rf":\ {counterexample_latex(result.counterexample)}"
    return text


def outcome_inline_latex(outcome: Outcome) -> str:
    name = outcome.claim.name.replace("_", r"\_")
    body = result_inline_latex(outcome.result) if outcome.result else r"\text{ERROR}"
    return rf"\text{{{name} ({outcome.claim.expect}): }}{body}"


def _display_math(latex: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: f"$${latex(value)}$$"


_RENDERERS: dict[type, dict[str, Callable[[Any], str]]] = {
    Signal: {"repr": signal_repr, "str": signal_text, "notebook-latex": signal_latex,
             "html": signal_html},
    Counterexample: {"repr": counterexample_repr, "str": Counterexample.describe,
                     "latex": counterexample_latex,
                     "notebook-latex": _display_math(counterexample_latex),
                     "html": counterexample_html},
    Derivation: {"repr": derivation_repr, "html": derivation_html},
    Result: {"repr": result_repr, "str": result_line, "text": result_text,
             "latex": result_inline_latex, "notebook-latex": _display_math(result_latex),
             "html": result_html},
    Outcome: {"repr": outcome_repr, "str": outcome_text, "latex": outcome_inline_latex,
              "notebook-latex": _display_math(outcome_latex), "html": outcome_html},
}
for _cls, _forms in _RENDERERS.items():
    for _form, _renderer in _forms.items():
        register(_cls, _form, _renderer)
