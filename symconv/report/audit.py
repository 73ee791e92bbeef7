"""The ``claims`` report: every claim of the source, with a verdict, a correction and evidence.

Each :class:`AuditItem` quotes the source (``/work/shared/source``: a question
and answer on why CNNs flip kernels), judges it right, wrong or imprecise,
and names the claims of the bundled specification (``specs/claims.toml``)
that state the corrected version and that give the evidence.  Those claims
are verified by the build (a verdict that misses its expectation stops it)
and displayed with ``formula(name)``; the explanation is prose.  The source's
expanded matrices are compared entry by entry with the derived ones
(:mod:`symconv.report.source_matrices`), its flattened Gaussian digit by digit
with the kernel's integer weights, and the libraries are probed live where
importable, else read from the recorded probes
(:func:`symconv.report.library_table.library_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symconv.core.kernels import integer_weights
from symconv.errors import ReportError
from symconv.report.condense import definition_latex
from symconv.report.figures import FigureFolder
from symconv.report.library_table import REFRESH_COMMAND, library_rows
from symconv.report.source_matrices import audit_matrix
from symconv.report.spec import ReportSpec

VERDICTS = ("right", "imprecise", "wrong")
# The source prints the 5x5 Gaussian as one run of digits, without its divisor.
PRINTED_GAUSSIAN = "1474141626164726412674162616414741"


@dataclass(frozen=True)
class AuditItem:
    """One claim of the source and what symconv makes of it.

    ``corrected`` are the claims whose formulas state what is true;
    ``evidence`` the claims that decide the verdict (proofs, verified sizes,
    counterexamples); ``probe`` marks items decided by probing libraries,
    ``matrix`` items about a printed matrix (``corr``/``conv``/``gaussian``).
    """

    topic: str
    quote: str
    verdict: str
    corrected: tuple[str, ...]
    evidence: tuple[str, ...]
    explanation: str
    probe: bool = False
    matrix: str | None = None


AUDIT_ITEMS: tuple[AuditItem, ...] = (
    AuditItem(
        "Flipping the weights (Larochelle)",
        "the matrix of weights at each step gets its rows and columns flipped to obtain the "
        "kernel matrix, before proceeding with the convolution",
        "imprecise",
        ("cnn-layer-equivalence",),
        ("flip-involution", "conv-is-not-corr"),
        "Flipping the weights and then convolving is exactly correlating with the weights, so "
        "the description is consistent; but it describes notation, not computation.  A layer "
        "written as a convolution needs the flip to compute what the weights W define; the "
        "libraries below compute the correlation directly and never flip anything.",
        probe=True,
    ),
    AuditItem(
        "Associativity",
        "convolution is associative while (cross-)correlation is not",
        "right",
        ("conv-associative", "corr-mixed-associativity"),
        ("corr-associative",),
        "True as stated.  What holds for correlation instead is a mixed law: correlating with "
        "G and then with F is correlating once with the convolution of F and G.",
    ),
    AuditItem(
        "The convolution theorem",
        "convolution in the time domain is equivalent to multiplication in the frequency "
        "domain (convolution theorem)",
        "imprecise",
        ("circular-convolution-theorem", "linear-convolution-theorem"),
        ("linear-convolution-aliased",),
        "Exact for circular convolution (indices modulo n) with the DFT.  Linear convolution of finite "
        "signals is not circular convolution: the DFT computes it only after zero padding "
        "both signals to at least the length of the full result; shorter, the end of the "
        "result wraps onto its beginning.",
    ),
    AuditItem(
        "Correlation as a Hadamard sum",
        "[correlation] is essentially the sum of all the cells in a Hadamard product",
        "right",
        ("corr-is-a-hadamard-sum",),
        (),
        "True: the value at a position is the sum of the cells of the filter times the image "
        "patch there.",
        matrix="corr",
    ),
    AuditItem(
        "Cross-correlation and the convolution theorem",
        "The calculation of a cross-correlation map relies on the convolution theorem.",
        "imprecise",
        ("circular-correlation-theorem", "linear-correlation-by-dft"),
        ("correlation-theorem-without-conj",),
        "Correlation is a sum of products and is computed directly; it relies on no theorem. "
        "Computed through the DFT, it uses the correlation theorem, which differs from the "
        "convolution theorem by a complex conjugate: without it the product of spectra is "
        "wrong.",
    ),
    AuditItem(
        "Symmetric filters",
        "which as long as the filter is symmetric, it is the same as a correlation operation "
        "with the rows and columns of the filter flipped",
        "imprecise",
        ("flip-equivalence", "conv-is-corr-for-centrosymmetric"),
        ("emboss-is-transpose-symmetric", "emboss-is-not-centrosymmetric",
         "conv-is-corr-for-emboss"),
        "Convolution equals correlation with the flipped filter for every filter; no symmetry "
        "is needed.  Symmetry matters for the unflipped statement, and then it must be "
        "centrosymmetry (a filter equal to its flip), not transpose symmetry: the emboss kernel "
        "E equals its transpose but not its flip, and convolution and correlation differ on "
        "it.",
        matrix="conv",
    ),
    AuditItem(
        "The Gaussian filter",
        "convolving Joseph Fourier's face with a Gaussian convolution filter: "
        "[1474141626164726412674162616414741]",
        "wrong",
        ("printed-gaussian-is-273-times-the-filter", "gaussian-sums-to-one",
         "gaussian-blur-is-conv-and-corr"),
        ("printed-gaussian-does-not-sum-to-one",),
        "The printed digits are the 25 integer weights of the 5x5 Gaussian, flattened, without "
        "the factor 1/273: as printed the filter multiplies the image's brightness by 273. "
        "The filter G is the printed matrix divided by 273, and its entries sum to 1.  Being "
        "centrosymmetric, it blurs the same by convolution and by correlation.",
        matrix="gaussian",
    ),
    AuditItem(
        "Frobenius inner product",
        "Computationally, both operations are a Frobenius inner product, amounting to "
        "calculating the trace of a matrix multiplication",
        "right",
        ("frobenius-trace", "conv-is-a-hadamard-sum-with-flipped-filter"),
        (),
        "True, with the filter flipped for convolution: at each position the value is the "
        "Frobenius product of the filter (flipped, for convolution) with the image patch, "
        "which is the trace of the product of its transpose with the patch.",
    ),
    AuditItem(
        "CNNs and the FFT",
        "Is the use of convolutions in CNN linked to FFT? From what I gather so far the answer "
        "is no.",
        "imprecise",
        ("linear-correlation-by-dft", "circular-correlation-theorem"),
        (),
        "FFTs are not part of a network's structure, but the link is exact: a correlation "
        "layer's output is a product of spectra after zero padding (with a conjugate), which "
        "is why FFT implementations of CNN layers compute the same outputs.",
    ),
    AuditItem(
        "Equivalence in CNNs",
        "Is convolution and cross-correlation in CNN equivalent? Yes, they are equivalent.",
        "right",
        ("cnn-layer-equivalence", "flip-involution"),
        ("conv-is-not-corr",),
        "Equivalent as families of maps: flipping is a bijection on filters (its own inverse), "
        "so a network that learns W under one convention learns flip(W) under the other.  "
        "They are not equal for a given filter.",
    ),
    AuditItem(
        "Associativity and the theorem in CNNs",
        "Neither the associativity of convolution (useful in math proofs), nor any "
        "considerations regarding FTs and the convolution theorem are applicable.",
        "wrong",
        ("corr-mixed-associativity", "circular-correlation-theorem"),
        ("corr-associative",),
        "Both apply to correlation layers in a form adapted to correlation.  Two stacked "
        "linear correlation layers are one correlation layer with the convolution of their "
        "filters (the mixed law), and the correlation theorem diagonalises a correlation "
        "layer just as the convolution theorem does a convolution.  Only the plain "
        "associative law fails.",
    ),
    AuditItem(
        "Mislabelled correlation",
        "it seems as though the flipping doesn't even take place (cross-correlation being "
        "simply mislabeled as convolution)",
        "right",
        ("cnn-layer-equivalence",),
        (),
        "True for the CNN libraries probed below: their \"convolution\" is correlation.  "
        "Signal-processing libraries do flip.",
        probe=True,
    ),
    AuditItem(
        "Learning the rotated filter",
        "if a CNN can learn to do a particular task using convolution operation, it can also "
        "learn to do the same task using correlation operation (It would learn the rotated "
        "version of each filter).",
        "right",
        ("cnn-layer-equivalence", "flip-equivalence"),
        (),
        "True: a convolution layer with weights flip(W) computes what a correlation layer with "
        "W computes, and gradient descent started from flipped weights keeps them flipped at "
        "every step (the derivation report checks one symbolic step).",
    ),
    AuditItem(
        "Goodfellow et al.: the only reason to flip",
        "The only reason to flip the kernel is to obtain the commutative property.",
        "imprecise",
        ("conv-commutative", "corr-swap-reflects", "conv-associative",
         "circular-convolution-theorem"),
        ("corr-commutative", "corr-associative", "correlation-theorem-without-conj"),
        "Flipping buys commutativity, but not only that: associativity and the convolution "
        "theorem without a conjugate come with it, while correlation needs a mixed law and a "
        "conjugate.  Commutativity itself is cheap to lose: swapping the arguments of a "
        "correlation only reflects the result.",
    ),
    AuditItem(
        "Libraries",
        "Many machine learning libraries implement cross-correlation but call it convolution.",
        "right",
        (),
        (),
        "True of the libraries probed below.",
        probe=True,
    ),
)


def _gaussian_audit() -> dict[str, Any]:
    """The source's flattened digits against the kernel's integer weights, row by row."""
    weights, divisor = integer_weights("gaussian5")
    digits = "".join(str(w) for row in weights for w in row)
    return {"printed": PRINTED_GAUSSIAN, "digits": digits, "divisor": divisor,
            "matches": digits == PRINTED_GAUSSIAN, "weights": weights}


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``claims.tex`` (the claims themselves are verified by the build)."""
    listed = {c.name for c in spec.displayed_claims()}
    missing = sorted({n for item in AUDIT_ITEMS for n in item.corrected + item.evidence} - listed)
    if missing:
        raise ReportError(f"the audit needs claim {missing[0]!r}, which the specification "
                          "does not list as a [[claim]]")
    return {
        "definitions": {f: definition_latex(f) for f in ("corr", "conv", "flip")},
        "items": AUDIT_ITEMS,
        "counts": {v: sum(item.verdict == v for item in AUDIT_ITEMS) for v in VERDICTS},
        "matrices": [audit_matrix("corr"), audit_matrix("conv")],
        "gaussian": _gaussian_audit(),
        "refresh_command": REFRESH_COMMAND,
        "libraries": library_rows(),
    }
