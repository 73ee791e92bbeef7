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

from symconv.core.algebra import Polynomial
from symconv.core.fourier import coefficient_expr
from symconv.core.signal import Signal
from symconv.lang.dsl import parse_statement
from symconv.prove.counterexample import claim_sides
from symconv.prove.derivation import RULE_TITLES, one_axis_text, peel_note
from symconv.report.condense import ShownStep, condense, note_latex, side_latex
from symconv.report.formulas import claim_latex, statement_latex, statement_parts, where_latex

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
    # and the engine's own (scopes, notes): n ≥ 1, a·b, x ∈ Z, ...
    "≥": r"\ensuremath{\geq}",
    "≤": r"\ensuremath{\leq}",
    "≠": r"\ensuremath{\neq}",
    "·": r"\ensuremath{\cdot}",
    "±": r"\ensuremath{\pm}",
    "∈": r"\ensuremath{\in}",
    "≡": r"\ensuremath{\equiv}",
    "→": r"\ensuremath{\to}",
    "Σ": r"\ensuremath{\Sigma}",
    "σ": r"\ensuremath{\sigma}",
    "ω": r"\ensuremath{\omega}",
    "π": r"\ensuremath{\pi}",
    "⟨": r"\ensuremath{\langle}",
    "⟩": r"\ensuremath{\rangle}",
}


def latex_escape(text: object) -> str:
    """Escape free text for LaTeX's text mode (every special character, one pass)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


# The groups a proof's scope names (Z^d, Z_n^d, Z^2), as plain text from the engine.
_GROUP = re.compile(r"\bZ(_[nN])?\^(\w)")


# The engine's size of a signal s in a scope: n_s (the padded length N = (n_a + n_b - 1)).
_SIZE_NAME = re.compile(r"\bn\\_(\w+)")


def scope_latex(text: object) -> str:
    """A verdict's scope sentence (``Result.scope_text()``) for text mode, its groups and
    size names as mathematics: ``on Z^2`` reads ``on $\\mathbb{Z}^2$``, ``n_a`` ``$n_{a}$``."""
    # the claim's assumptions as written (N >= len(f)): their comparisons as mathematics
    text = str(text).replace(" >= ", " ≥ ").replace(" <= ", " ≤ ")
    parts = _GROUP.split(text)  # text, then (subscript, exponent, text) per group

    def prose(part: str) -> str:
        return _SIZE_NAME.sub(lambda m: rf"$n_{{{m.group(1)}}}$", latex_escape(part))

    shown = [prose(parts[0])]
    for k in range(1, len(parts), 3):
        shown += [rf"$\mathbb{{Z}}{parts[k] or ''}^{parts[k + 1]}$", prose(parts[k + 2])]
    return "".join(shown)


_LONG_WORD = re.compile(r"[A-Za-z0-9]{20,}")


def breakable(text: object) -> str:
    """Escaped text that may break after ``-``, ``_``, ``/``, ``.``, ``,`` (long names in tables),
    and anywhere in a run of 20 or more letters and digits (the source's flattened matrix)."""
    escaped = _LONG_WORD.sub(lambda m: r"\allowbreak{}".join(m.group(0)), latex_escape(text))
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


def scientific(value: float) -> str:
    """A measured floating-point quantity for math mode: ``3.1\\times 10^{-15}``, ``0``."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.2g}".partition("e")[::2]
    return rf"{mantissa}\times 10^{{{int(exponent)}}}" if exponent else mantissa


def shape_text(shape: tuple[int, ...] | list[int]) -> str:
    """``(3, 3)`` -> ``3\\times 3`` (math mode)."""
    return r"\times ".join(str(n) for n in shape)


_SIZES_REPR = re.compile(r"\{'\w+': \([\d, ]*\)(?:, '\w+': \([\d, ]*\))*\}")
_ONE_SIZE = re.compile(r"'(\w+)': \(([\d, ]*)\)")


def sizes_as_shapes(text: object) -> str:
    """An engine detail for a reader: ``{'F': (2, 2), 'I': (3,)}`` becomes ``F=2x2, I=3``."""

    def sizes(match: re.Match[str]) -> str:
        return ", ".join(f"{name}=" + "x".join(n.strip() for n in dims.split(",") if n.strip())
                         for name, dims in _ONE_SIZE.findall(match.group(0)))

    return _SIZES_REPR.sub(sizes, str(text))


def detail_text(text: object) -> str:
    """An engine detail for a reader, sizes as shapes (:func:`sizes_as_shapes`); escaped."""
    return latex_escape(sizes_as_shapes(text))


_POLYNOMIAL_REPR = re.compile(r"^Polynomial\((.*)\)$")


def plain_value(value: object) -> str:
    """A value read back from JSON for text: ``Polynomial(f[0])`` shows as ``f[0]``; escaped."""
    text = str(value)
    match = _POLYNOMIAL_REPR.match(text)
    return latex_escape(match.group(1) if match else text)


def index_text(index: object) -> str:
    """An index tuple for math mode: ``(-2,)`` -> ``-2``, ``(-1, 0)`` -> ``(-1, 0)``."""
    if isinstance(index, tuple | list):
        if len(index) == 1:
            return str(index[0])
        return "(" + ", ".join(str(v) for v in index) + ")"
    return str(index)


def exact_latex(value: Any) -> str:
    """An exact value for display: an integer, a fraction, a Gaussian rational or an element
    of a cyclotomic field written in powers of one ω = exp(-2πi/n); never a float."""
    if isinstance(value, Polynomial):
        if not value.is_constant():
            return str(sympy.latex(value.as_expr()))
        expr = coefficient_expr(value.constant_value(), value.domain)
        omegas = {s: sympy.Symbol("omega") for s in expr.free_symbols
                  if str(s).startswith("omega_")}
        return str(sympy.latex(expr.subs(omegas)))
    if isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float | complex):
        raise ValueError(f"{value!r} is a float; reports show exact values only")
    return str(sympy.latex(value))


def _nested_latex(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], list):
        rows = r" \\ ".join(" & ".join(exact_latex(v) for v in row) for row in value)
        return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"
    if isinstance(value, list):
        return r"\begin{bmatrix} " + " & ".join(exact_latex(v) for v in value) + r" \end{bmatrix}"
    return str(value)


def exact_counterexample(checked: Any) -> tuple[dict[str, str], str, str, Any] | None:
    """A refuted claim's counterexample with both values recomputed exactly here.

    The engine's counterexample may carry cyclotomic values as complex floats;
    the sides are evaluated again on the same small signals, exactly, from the
    definitions (:func:`symconv.prove.counterexample.claim_sides`).
    """
    found = checked.result.counterexample
    if found is None or any(isinstance(v, str) for v in found.signals.values()):
        return None
    env = {name: Signal.literal(entries, origin=found.origins[name])
           for name, entries in found.signals.items()}
    left, right = claim_sides(checked.claim, env)
    if found.coordinate is not None:
        left, right = left.value_at(found.coordinate), right.value_at(found.coordinate)
    signals = {name: _nested_latex(entries) for name, entries in found.signals.items()}
    return signals, exact_latex(left), exact_latex(right), found.coordinate


def counterexample_latex(checked: Any) -> str:
    """A refuted claim's counterexample for display math: its signals and the two
    values that differ (exact), with the coordinate where they differ.

    A 1D coordinate reads ``(-2)``, not Python's ``(-2,)``.
    """
    shown = exact_counterexample(checked)
    if shown is None:
        return r"\text{no concrete counterexample (the sides differ as polynomials)}"
    signals, left, right, coordinate = shown
    parts = [rf"{name} = {entries}" for name, entries in signals.items()]
    where = "" if coordinate is None else rf"\text{{ at }} x = {index_text(coordinate)}"
    parts.append(rf"\text{{left}} = {left} \neq {right} = \text{{right}}{where}")
    return r",\quad ".join(parts)


def derivation_steps(derivation: Any, full: bool = False) -> str:
    """A derivation as a two-column table: each equality, its reason on the right.

    Condensed (:func:`symconv.report.condense.condense`) unless ``full``, which
    shows every rule the machine applied.  Unlike the engine's own ``align*``
    (whose notes are unbreakable ``\\text`` boxes that run off the page), the
    notes here wrap within the line width.
    """
    if getattr(derivation, "per_axis", ()):  # one table per axis, each on its own Z
        return "\n".join(rf"\par\noindent\textit{{Axis {a}}}: "
                         rf"${statement_latex(parse_statement(axis.statement))}$"
                         + derivation_steps(axis, full)
                         for a, axis in enumerate(derivation.per_axis))
    table = _peel_text(derivation) + _steps_table(derivation.steps, full)
    return table if getattr(derivation, "axis", None) is None else one_axis_text(table)


def _peel_text(derivation: Any) -> str:
    """The common outer bijections the certificate strips before the chain, one line each."""
    peeled = derivation.peeled() if hasattr(derivation, "peeled") else ()
    return "".join(r"\par\noindent " + peel_note(name, f"${statement_latex(outer)}$",
                                                   f"${statement_latex(inner)}$") + ":\n"
                   for name, outer, inner in peeled)


def _steps_table(steps: Any, full: bool) -> str:
    if not steps:
        return ""
    if full:
        start = side_latex(steps[0].before)
        shown = [ShownStep(side_latex(s.after), RULE_TITLES[s.rule], note_latex(s.justification_latex))
                 for s in steps]
    else:
        condensed = condense(steps)
        assert condensed is not None
        start, shown = condensed.start, list(condensed.steps)
    # the start has no reason beside it: spanning both columns, a long one does not widen
    # the formula column and squeeze every reason below it
    rows = [rf"\multicolumn{{2}}{{@{{}}>{{$\displaystyle}}l<{{$}}@{{}}}}{{{start}}} \\[2pt]"]
    for step in shown:
        if _wide(step.after):  # the formula takes the whole line, its reason the next one
            rows.append(rf"\multicolumn{{2}}{{@{{}}>{{$\displaystyle}}l<{{$}}@{{}}}}{{= {step.after}}}"
                        rf" \\*[1pt] \multicolumn{{2}}{{@{{}}>{{\raggedleft\arraybackslash"
                        rf"\footnotesize}}p{{\linewidth}}@{{}}}}{{{step.title}: {step.note}}} \\[6pt]")
        else:
            rows.append(rf"= {step.after} & {step.title}: {step.note} \\[6pt]")
    return ("\\par\\noindent\\begin{tabularx}{\\linewidth}{@{}>{$\\displaystyle}l<{$}@{\\hspace{1.5em}}"
            ">{\\raggedright\\arraybackslash\\footnotesize}X@{}}\n"
            + "\n".join(rows) + "\n\\end{tabularx}\\par")


# Formulas longer than this (LaTeX source without spacing commands) leave no room for their
# reason beside them; about half the line at \small in display style.
WIDE_FORMULA = 90


# A displayed claim longer than this does not fit on one line at the normal size: it is
# split at its comparison.
DISPLAY_LINE = 150


def _length(formula: str) -> int:
    """A formula's LaTeX source length without spacing and font commands: its printed width, roughly."""
    return len(re.sub(r"\\[,;!]|\\(?:mathbb|operatorname|displaystyle|bigl|bigr|left"
                      r"|right)|[{}\s]", "", formula))


def _wide(formula: str) -> bool:
    return _length(formula) > WIDE_FORMULA


def displayed_formula(value: Any, negate: bool = False) -> str:
    """A claim's (or checked claim's) statement as a displayed equation: ``\\[ ... \\]``, or,
    when too long for one line, the left side on the first line and the comparison and the
    right side on the next (``multline*``), so that no formula runs into the margin."""
    claim = getattr(value, "claim", value)
    if claim.statement is None:
        return claim_latex(claim)  # a Python procedure: the ReportError saying so
    statement = claim.symbolic_statement  # the claim's integers by their names, where it holds
    left, comparison, right = statement_parts(statement, negate=negate, numbers=claim.integers)
    right += where_latex(claim, negate=negate)
    whole = f"{left} {comparison} {right}"
    if _length(whole) <= DISPLAY_LINE:
        return rf"\[ {whole} \]"
    return rf"\begin{{multline*}} {left} \\ {comparison} {right} \end{{multline*}}"


def claim_formula(value: Any) -> str:
    """A claim's (or checked claim's) statement as LaTeX, rendered from its syntax tree."""
    return claim_latex(getattr(value, "claim", value))


FILTERS: dict[str, Callable[..., Any]] = {
    "e": latex_escape,
    "latex_escape": latex_escape,
    "breakable": breakable,
    "scope": scope_latex,
    "tex": tex,
    "seconds": seconds,
    "sci": scientific,
    "shape": shape_text,
    "derivation": derivation_steps,
    "detail": detail_text,
    "index": index_text,
    "plain": plain_value,
    "counterexample": counterexample_latex,
    "exact": exact_latex,
    "formula": claim_formula,
    "displayed": displayed_formula,
}
