"""The ``claims`` report: an audit of the source's claims, one row each.

Each row quotes the source, runs the claims that decide it through the
verifier now, and explains the outcome.  The explanations are prose, but the
verdicts, sizes and counterexamples are the computed ones; a verdict that
contradicts its expectation is flagged in the report instead of hidden.
The source's expanded matrices are compared entry by entry with the derived
ones (:mod:`symconv.report.source_matrices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symconv.identify import which_libraries_flip
from symconv.report.checks import THEOREMS, CheckedClaim, check
from symconv.report.figures import FigureFolder
from symconv.report.source_matrices import audit_matrix
from symconv.report.spec import ReportSpec

_EXTRA_CHECKS: dict[str, tuple[str, dict[str, Any], str]] = {
    "circular-is-linear": ("circconv(a, b) == conv(a, b)", {"a": "3", "b": "3"}, "fails"),
    "circular-correlation-theorem": ("dft(circcorr(a, b)) == conj(dft(a)) * dft(b)",
                                     {"a": "4", "b": "4"}, "holds"),
    "transpose-symmetric-emboss": ("transpose(F) == F", {"F": "emboss"}, "holds"),
    "centrosymmetric-emboss": ("flip(F) == F", {"F": "emboss"}, "fails"),
    "conv-is-corr-for-centrosymmetric": ("conv(F, I) == corr(F, I)",
                                         {"F": "gaussian5", "I": "3x3"}, "holds"),
}


@dataclass(frozen=True)
class AuditItem:
    """One claim of the source: its words, the checks that decide it, and the explanation."""

    quote: str
    checks: tuple[str, ...]
    explanation: str


AUDIT_ITEMS: tuple[AuditItem, ...] = (
    AuditItem(
        "[Convolution] as long as the filter is symmetric, it is the same as a correlation "
        "operation with the rows and columns of the filter flipped",
        ("flip-equivalence", "conv-is-corr-for-transpose-symmetric", "transpose-symmetric-emboss",
         "centrosymmetric-emboss", "conv-is-corr-for-centrosymmetric"),
        "Convolution equals correlation with the flipped filter for every filter; no symmetry "
        "is needed.  Symmetry matters for the unflipped statement conv = corr, and then the "
        "symmetry required is centrosymmetry F(i,j) = F(-i,-j), not transpose symmetry: the "
        "emboss kernel equals its transpose but not its flip, and conv and corr differ on it, "
        "while the source's Gaussian is centrosymmetric and they agree.",
    ),
    AuditItem(
        "convolution is associative while (cross-)correlation is not",
        ("conv-associative", "corr-associative", "corr-of-corr"),
        "True as stated.  What holds for correlation instead is a mixed law: correlating with "
        "G and then with F is correlating once with the convolution of F and G.",
    ),
    AuditItem(
        "The only reason to flip the kernel is to obtain the commutative property",
        ("conv-commutative", "corr-commutative", "corr-swap-reflects"),
        "Convolution commutes; correlation does not, but swapping its arguments only reflects "
        "the result through the origin, (F∘I)(x) = (I∘F)(-x), so nothing is lost.",
    ),
    AuditItem(
        "convolution in the time domain is equivalent to multiplication in the frequency "
        "domain (convolution theorem)",
        ("circular-convolution-theorem", "circular-correlation-theorem", "circular-is-linear"),
        "Exact for circular convolution on Z_n with the DFT (and its correlation form with a "
        "conjugate).  Linear convolution of finite signals is not circular convolution: it "
        "matches only after zero padding to at least the length of the full result.",
    ),
    AuditItem(
        "Computationally, both operations are a Frobenius inner product, amounting to "
        "calculating the trace of a matrix multiplication",
        ("frobenius-trace",),
        "True: at each position the value is the Frobenius product of the filter (flipped, for "
        "convolution) with the image patch, which is trace(F^T P).",
    ),
    AuditItem(
        "Is convolution and cross-correlation in CNN equivalent? Yes",
        ("flip-equivalence", "flip-involution"),
        "Equivalent as families of maps: flipping is a bijection on filters (its own inverse), "
        "so a network that learns F under one convention learns flip(F) under the other.  "
        "They are not equal for a given filter.",
    ),
)


def _all_checks() -> dict[str, CheckedClaim]:
    table = {name: (statement, signals, expect) for name, statement, signals, expect in THEOREMS}
    table.update(_EXTRA_CHECKS)
    needed = {name for item in AUDIT_ITEMS for name in item.checks}
    return {name: check(name, *table[name]) for name in sorted(needed)}


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``claims.tex``."""
    checks = _all_checks()
    items = [{"quote": item.quote, "explanation": item.explanation,
              "checks": [checks[name] for name in item.checks]} for item in AUDIT_ITEMS]
    libraries = [row for row in which_libraries_flip() if row["available"]]
    return {
        "items": items,
        "matrices": [audit_matrix("corr"), audit_matrix("conv")],
        "libraries": libraries,
    }
