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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers; at run time they load on first use
    from symconv.api import (
        bundled_proofs,
        check,
        derive,
        verify,
    )
    from symconv.apps.expanded import hadamard_form
    from symconv.core.fourier import (
        dft,
        idft,
    )
    from symconv.core.kernels import (
        KERNEL_NAMES,
        get_kernel,
    )
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
    from symconv.core.signal import (
        Signal,
        default_origin,
    )
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
    from symconv.prove import (
        Counterexample,
        Result,
        Verdict,
    )
    from symconv.prove.derivation import Derivation
    from symconv.prove.runner import Outcome
    from symconv.version import __version__

# Where each public name lives. `import symconv` loads none of them, so the command line
# starts (and answers Ctrl-C) before sympy and numpy are imported.
_HOME = {
    "bundled_proofs": "symconv.api",
    "check": "symconv.api",
    "derive": "symconv.api",
    "verify": "symconv.api",
    "hadamard_form": "symconv.apps.expanded",
    "dft": "symconv.core.fourier",
    "idft": "symconv.core.fourier",
    "KERNEL_NAMES": "symconv.core.kernels",
    "get_kernel": "symconv.core.kernels",
    "circconv": "symconv.core.ops",
    "circcorr": "symconv.core.ops",
    "conj": "symconv.core.ops",
    "conv": "symconv.core.ops",
    "corr": "symconv.core.ops",
    "flip": "symconv.core.ops",
    "frobenius": "symconv.core.ops",
    "hadamard": "symconv.core.ops",
    "matmul": "symconv.core.ops",
    "shift": "symconv.core.ops",
    "total": "symconv.core.ops",
    "trace": "symconv.core.ops",
    "transpose": "symconv.core.ops",
    "zeropad": "symconv.core.ops",
    "Signal": "symconv.core.signal",
    "default_origin": "symconv.core.signal",
    "ClaimFileError": "symconv.errors",
    "IdentifyError": "symconv.errors",
    "NotSupportedError": "symconv.errors",
    "ReportError": "symconv.errors",
    "ShapeError": "symconv.errors",
    "SizeLimitError": "symconv.errors",
    "SymconvError": "symconv.errors",
    "UnknownNameError": "symconv.errors",
    "Counterexample": "symconv.prove",
    "Result": "symconv.prove",
    "Verdict": "symconv.prove",
    "Derivation": "symconv.prove.derivation",
    "Outcome": "symconv.prove.runner",
    "__version__": "symconv.version",
}

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



def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'symconv' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    # the public names only, not this module's own imports (Any, importlib, ...)
    return sorted(__all__)
