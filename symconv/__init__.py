"""symconv: exact symbolic verification of discrete convolution and correlation."""

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
from symconv.kernels import KERNEL_NAMES, get_kernel
from symconv.ops import (
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
from symconv.signal import Signal

__version__ = "0.1.0"

__all__ = [
    "KERNEL_NAMES",
    "ClaimFileError",
    "IdentifyError",
    "NotSupportedError",
    "ReportError",
    "ShapeError",
    "Signal",
    "SizeLimitError",
    "SymconvError",
    "UnknownNameError",
    "__version__",
    "circconv",
    "circcorr",
    "conj",
    "conv",
    "corr",
    "flip",
    "frobenius",
    "get_kernel",
    "hadamard",
    "matmul",
    "shift",
    "total",
    "trace",
    "transpose",
    "zeropad",
]
