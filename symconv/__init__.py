"""symconv: exact symbolic verification of discrete convolution and correlation.

The package has layers; each imports only from those below it (``tests/test_layers.py``
reads every import and checks it), bottom to top:

- :mod:`symconv.errors` and :mod:`symconv.version`, the base;
- ``core``: exact arithmetic, signals, operations, the exact DFT, named kernels;
- ``lang``: the statement parser, the static kind checker, claims and their files;
- ``prove``: verdicts, the tiers that decide claims, and the trusted kernel among them;
- ``apps``: expanded forms, the matrix view, CNN layers, identify, compat wrappers;
- ``report``: LaTeX reports and lecture slides;
- front ends: :mod:`~symconv.api`, :mod:`~symconv.cli`, :mod:`~symconv.pytest_plugin`,
  :mod:`~symconv.progress`, :mod:`~symconv.strategies`.

Every object shows itself in its own layer (``repr``, ``str``, LaTeX and HTML for
notebooks), with the pure functions of :mod:`symconv.core.show`.
"""

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
from symconv.prove.derivation import Derivation
from symconv.prove.runner import Outcome
from symconv.version import __version__

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
