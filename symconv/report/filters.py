"""Jinja filters that turn engine objects and free text into LaTeX.

Free text (user names, claim names, file names) goes through
:func:`latex_escape`; mathematics produced by SymPy's ``latex()`` or an
object's ``_latex`` is inserted as it is.

>>> latex_escape("50% of a_b & {c}")
'50\\\\% of a\\\\_b \\\\& \\\\{c\\\\}'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    # the source's operator symbols, which pdflatex's utf8 input does not know
    "∘": r"\ensuremath{\circ}",
    "∗": r"\ensuremath{\ast}",
    "−": "-",
    "×": r"\ensuremath{\times}",
}


def latex_escape(text: object) -> str:
    """Escape free text for LaTeX's text mode (every special character, one pass)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def breakable(text: object) -> str:
    """Escaped text that may break after ``-``, ``_``, ``/``, ``.``, ``,`` (long names in tables)."""
    escaped = latex_escape(text)
    for mark in ("-", r"\_", "/", ".", ","):
        escaped = escaped.replace(mark, mark + r"\allowbreak{}")
    return escaped


def tex(value: object) -> str:
    """LaTeX for an engine object: its ``_latex``, else SymPy's ``latex``; no escaping."""
    if isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    method = getattr(value, "_latex", None)
    if callable(method):
        return str(method())
    return str(sympy.latex(value))


def seconds(value: float) -> str:
    """A duration for a table: three significant digits, in s or ms."""
    if value < 1:
        return f"{value * 1000:.3g} ms"
    return f"{value:.3g} s"


def shape_text(shape: tuple[int, ...] | list[int]) -> str:
    """``(3, 3)`` -> ``3\\times 3`` (math mode)."""
    return r"\times ".join(str(n) for n in shape)


_SIZES_REPR = re.compile(r"\{'\w+': \([\d, ]*\)(?:, '\w+': \([\d, ]*\))*\}")
_ONE_SIZE = re.compile(r"'(\w+)': \(([\d, ]*)\)")


def detail_text(text: object) -> str:
    """An engine detail for a reader: ``{'F': (2, 2), 'I': (3,)}`` becomes ``F=2x2, I=3``; escaped."""

    def sizes(match: re.Match[str]) -> str:
        return ", ".join(f"{name}=" + "x".join(n.strip() for n in dims.split(",") if n.strip())
                         for name, dims in _ONE_SIZE.findall(match.group(0)))

    return latex_escape(_SIZES_REPR.sub(sizes, str(text)))


_POLYNOMIAL_REPR = re.compile(r"^Polynomial\((.*)\)$")


def plain_value(value: object) -> str:
    """A value read back from JSON for text: ``Polynomial(f[0])`` shows as ``f[0]``; escaped."""
    text = str(value)
    match = _POLYNOMIAL_REPR.match(text)
    return latex_escape(match.group(1) if match else text)


def index_text(index: object) -> str:
    """An index tuple for math mode: ``(-2,)`` -> ``(-2)``, ``(-1, 0)`` -> ``(-1, 0)``."""
    if isinstance(index, tuple | list):
        return "(" + ", ".join(str(v) for v in index) + ")"
    return str(index)


def counterexample_latex(found: Any) -> str:
    """A counterexample's signals and the two differing values, for display math.

    Written here rather than by the engine's ``_latex`` so that a 1D coordinate
    reads ``(-2)``, not Python's ``(-2,)``.
    """
    from symconv.prove import _latex_nested, _show

    parts = [rf"{name} = {_latex_nested(v)}" for name, v in found.signals.items()]
    where = "" if found.coordinate is None else rf"\text{{ at }} {index_text(found.coordinate)}"
    parts.append(rf"\text{{left}} = {_show(found.left)} \neq {_show(found.right)}"
                 rf" = \text{{right}}{where}")
    return r",\quad ".join(parts)


def derivation_steps(derivation: Any) -> str:
    """A derivation as a two-column table: each equality, its rule on the right.

    Unlike the engine's own ``align*`` (whose notes are unbreakable ``\\text``
    boxes that run off the page), the notes here wrap within the line width
    (``tabularx``'s X column takes what the formulas leave).
    """
    from symconv.prove.general import RULE_TITLES

    steps = derivation.steps
    if not steps:
        return ""
    rows = [rf"{steps[0].before.latex()} & \\[2pt]"]
    for step in steps:
        note = f"{RULE_TITLES[step.rule]}: {step.justification_latex}"
        rows.append(rf"= {step.after.latex()} & {note} \\[6pt]")
    return ("\\par\\noindent\\begin{tabularx}{\\linewidth}{@{}>{$\\displaystyle}l<{$}@{\\hspace{1.5em}}"
            ">{\\raggedright\\arraybackslash\\footnotesize}X@{}}\n"
            + "\n".join(rows) + "\n\\end{tabularx}\\par")


FILTERS: dict[str, Callable[..., Any]] = {
    "e": latex_escape,
    "latex_escape": latex_escape,
    "breakable": breakable,
    "tex": tex,
    "seconds": seconds,
    "shape": shape_text,
    "derivation": derivation_steps,
    "detail": detail_text,
    "index": index_text,
    "plain": plain_value,
    "counterexample": counterexample_latex,
}
