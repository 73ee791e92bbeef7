"""The ``derivation`` report: definitions, expanded forms, and the theorems with proofs.

Everything shown is computed during the build: the Hadamard-sum matrices and
the trace form by :mod:`symconv.apps.expanded` (the general-N matrix from the
derived entries at N = 1, 2, 3), the exact DFT by :mod:`symconv.core.fourier`, and
every identity is a ``[[claim]]`` of the specification, verified by the build
and displayed with ``formula(name)``: PROVED ones with their condensed
derivation (the machine chain in the appendix), REFUTED ones with a
counterexample whose values are recomputed exactly.
"""

from __future__ import annotations

from typing import Any

import sympy

from symconv.apps import cnn
from symconv.apps.expanded import ExpandedForm, trace_form
from symconv.core.fourier import Spectrum, dft
from symconv.core.signal import Signal
from symconv.lang.claims import Claim
from symconv.lang.dsl import parse_statement, walk
from symconv.report.cnn_section import cnn_data
from symconv.report.condense import definition_latex
from symconv.report.figures import FigureFolder
from symconv.report.formulas import applied_latex
from symconv.report.source_matrices import audit_matrix
from symconv.report.spec import ReportSpec

DFT_SIZE = 4
_FOURIER_FUNCTIONS = frozenset({"dft", "idft", "circconv", "circcorr"})
# Sections of the report, in order: (title, label, which claims belong to it).
TOPICS = (
    ("Convolution and correlation on $\\mathbb{Z}^d$", "zd"),
    ("The DFT: convolution and correlation theorems", "dft"),
    ("CNN layers", "cnn"),
)


def topic_of(claim: Claim) -> str:
    """``cnn`` for the CNN claims, ``dft`` for statements with a DFT or a circular operation."""
    if claim.name.startswith("cnn-"):
        return "cnn"
    if claim.statement is not None and any(
        getattr(node, "func", None) in _FOURIER_FUNCTIONS for node in walk(claim.statement)
    ):
        return "dft"
    return "zd"


def _at_xy(op: str) -> str:
    """``(F \\circ I)(x,y)``: the value of ``op(F, I)`` at a pixel, in the report's notation."""
    return applied_latex(parse_statement(f"{op}(F, I) == F").left, "x,y")


def _trace_form_latex(op: str) -> dict[str, str]:
    kernel, patch = trace_form(op, 3)
    return {"kernel": sympy.latex(kernel), "patch": sympy.latex(patch)}


def _dft_example(n: int) -> dict[str, Any]:
    """A symbolic signal and its exact DFT in powers of ω = exp(-2πi/n)."""
    a = Signal.symbolic("a", (n,), origin=(0,))
    spectrum = Spectrum(dft(a)).to_matrix().T
    omega = {s: sympy.Symbol("omega") for s in spectrum.free_symbols if str(s).startswith("omega_")}
    return {"n": n, "signal": sympy.latex(a.to_matrix()),
            "omega": sympy.latex(sympy.exp(-2 * sympy.pi * sympy.I / n)),
            "spectrum": sympy.latex(spectrum.subs(omega))}


def _pixel_lines(terms_per_line: int = 3) -> list[str]:
    """One CNN output pixel, its terms in rows short enough for the page."""
    expr = cnn.pixel_form(2, 0, (3, 3), (0, 0))
    terms = sorted(sympy.Add.make_args(expr), key=sympy.default_sort_key)
    return [sympy.latex(sympy.Add(*terms[k : k + terms_per_line], evaluate=False))
            for k in range(0, len(terms), terms_per_line)]


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``derivation.tex`` (the claims themselves are verified by the build)."""
    forms = {n: {op: ExpandedForm.build(op, 2 * n + 1, 2)._latex() for op in ("corr", "conv")}
             for n in spec.sizes}
    displayed = spec.displayed_claims()
    topics = [{"title": title, "label": label,
               "claims": [c for c in displayed if topic_of(c) == label]}
              for title, label in TOPICS]
    return {
        "main_size": spec.sizes[0],
        "appendix_sizes": list(spec.sizes[1:]),
        "definitions": {f: definition_latex(f)
                        for f in ("corr", "conv", "flip", "hadamard", "frobenius", "dft")},
        "at_xy": {op: _at_xy(op) for op in ("corr", "conv")},
        "forms": forms,
        "general_forms": {op: audit_matrix(op).matrix_latex("derived", highlight=False)
                          for op in ("corr", "conv")},
        "trace": {op: _trace_form_latex(op) for op in ("corr", "conv")},
        "topics": topics,
        "dft": _dft_example(DFT_SIZE),
        "cnn": cnn_data(),
        "cnn_pixel_lines": _pixel_lines(),
    }
