"""The ``derivation`` report: expanded forms, the trace form, and the theorems with proofs.

Everything shown is computed during the build: the Hadamard-sum matrices and
the trace form by :mod:`symconv.derive`, the exact DFT by
:mod:`symconv.fourier`, and every verdict by the verifier (PROVED results
carry their machine-checked derivation, rendered step by step).
"""

from __future__ import annotations

from typing import Any

import sympy

from symconv import cnn
from symconv.claims import load_claims
from symconv.derive import ExpandedForm, trace_form
from symconv.fourier import dft
from symconv.report.checks import THEOREMS, check, check_claims, check_theorems
from symconv.report.figures import FigureFolder
from symconv.report.spec import ReportSpec
from symconv.signal import Signal

DFT_SIZE = 4


def _trace_form_latex(op: str) -> dict[str, str]:
    kernel, patch = trace_form(op, 3)
    return {"kernel": sympy.latex(kernel), "patch": sympy.latex(patch)}


def _dft_example(n: int) -> dict[str, Any]:
    a = Signal.symbolic("a", (n,), origin=(0,))
    return {"n": n, "signal": sympy.latex(a.to_matrix()), "spectrum": sympy.latex(dft(a).to_matrix().T)}


def _pixel_lines(terms_per_line: int = 3) -> list[str]:
    """One CNN output pixel, its terms in rows short enough for the page."""
    expr = cnn.pixel_form(2, 0, (3, 3), (0, 0))
    terms = sorted(sympy.Add.make_args(expr), key=sympy.default_sort_key)
    return [sympy.latex(sympy.Add(*terms[k : k + terms_per_line], evaluate=False))
            for k in range(0, len(terms), terms_per_line)]


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``derivation.tex``."""
    forms = {n: {op: ExpandedForm.build(op, 2 * n + 1, 2)._latex() for op in ("corr", "conv")}
             for n in spec.sizes}
    # The claim files named by the specification, else the built-in theorem list.
    checked = check_claims(load_claims(list(spec.claims))) if spec.claims else check_theorems()
    theorem = next(t for t in THEOREMS if t[0] == "circular-convolution-theorem")
    return {
        "main_size": spec.sizes[0],
        "appendix_sizes": list(spec.sizes[1:]),
        "forms": forms,
        "trace": {op: _trace_form_latex(op) for op in ("corr", "conv")},
        "proved": [c for c in checked if c.verdict == "PROVED"],
        "verified": [c for c in checked if c.verdict in ("VERIFIED", "PROBABLE")],
        "refuted": [c for c in checked if c.refuted],
        "undecided": [c for c in checked if c.verdict == "INCONCLUSIVE"],
        "dft": _dft_example(DFT_SIZE),
        "convolution_theorem": check(*theorem),
        "cnn": cnn.report_data(),
        "cnn_pixel_lines": _pixel_lines(),
    }
