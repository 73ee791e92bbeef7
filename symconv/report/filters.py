"""Jinja filters that turn engine objects and free text into LaTeX.

Free text (user names, claim names, file names) goes through
:func:`latex_escape`; mathematics produced by SymPy's ``latex()`` or an
object's ``_latex`` is inserted as it is.

>>> latex_escape("50% of a_b & {c}")
'50\\\\% of a\\\\_b \\\\& \\\\{c\\\\}'
"""

from __future__ import annotations

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


FILTERS: dict[str, Callable[..., Any]] = {
    "e": latex_escape,
    "latex_escape": latex_escape,
    "breakable": breakable,
    "tex": tex,
    "seconds": seconds,
    "shape": shape_text,
}
