"""symconv: exact symbolic verification of discrete convolution and correlation."""

from symconv.api import bundled_proofs, check, derive, verify
from symconv.apps.expanded import hadamard_form
from symconv.core.fourier import dft, idft
from symconv.core.kernels import KERNEL_NAMES, get_kernel
from symconv.core.ops import (
    circconv,
    circcorr,
    conj,
    conv,
    corr,
    flip,
    frobenius,
    hadamard,
    matmul,
    shift,
    total,
    trace,
    transpose,
    zeropad,
)
from symconv.core.signal import Signal, default_origin
from symconv.errors import (
    ClaimFileError,
    IdentifyError,
    NotSupportedError,
    ReportError,
    ShapeError,
    SizeLimitError,
    SymconvError,
    UnknownNameError,
)
from symconv.prove import Counterexample, Result, Verdict
from symconv.prove.general import Derivation
from symconv.prove.runner import Outcome

__version__ = "0.1.0"

__all__ = [
    "KERNEL_NAMES",
    "ClaimFileError",
    "Counterexample",
    "Derivation",
    "IdentifyError",
    "NotSupportedError",
    "Outcome",
    "ReportError",
    "Result",
    "ShapeError",
    "Signal",
    "SizeLimitError",
    "SymconvError",
    "UnknownNameError",
    "Verdict",
    "__version__",
    "bundled_proofs",
    "check",
    "circconv",
    "circcorr",
    "conj",
    "conv",
    "corr",
    "default_origin",
    "derive",
    "dft",
    "flip",
    "frobenius",
    "get_kernel",
    "hadamard",
    "hadamard_form",
    "idft",
    "matmul",
    "shift",
    "total",
    "trace",
    "transpose",
    "verify",
    "zeropad",
]
