"""The top-level API: check one statement, verify claim files, derive expanded forms.

>>> import symconv
>>> print(symconv.check("conv(F, I) == corr(flip(F), I)", F="3x3", I="5x5"))  # doctest: +ELLIPSIS
PROVED by general for all sizes and dimensions (4 checked steps), ... s

Signals are given as shapes (``"3x3"``), numpy arrays or nested lists (fixed
entries, centred as every default origin is), kernel names (``"sobel_x"``),
signal tables (``{"shape": "3x3", "real": False}``) or :class:`~symconv.core.signal.Signal`
objects.  Statements use the statement language of claim files (``docs/language``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from symconv.apps.expanded import ExpandedForm
from symconv.core.algebra import Polynomial
from symconv.core.signal import Signal, _constant_number
from symconv.errors import ClaimFileError
from symconv.lang.claims import Claim, claim_from_text, load_claims, python_claim_files
from symconv.prove import Budget, Result, run_tiers
from symconv.prove.pool import resolve_jobs
from symconv.prove.runner import Outcome, run_claims


def check(statement: str, expect: str = "holds", tiers: str | Sequence[str] | None = None,
          budget: float | None = None, *, integers: Mapping[str, int] | None = None,
          assume: str | Sequence[str] | None = None, **signals: Any) -> Result:
    """The verdict on one statement, e.g. ``check("conv(F, I) == conv(I, F)", F="3", I="4")``.

    ``signals`` names every signal of the statement: a shape ``"3x3"`` (symbolic
    entries; a list of shapes tries each), a numpy array or nested list (exact
    fixed entries, centred origin), a kernel name, a signal table as in claim
    files, or a :class:`~symconv.core.signal.Signal` (fixed entries with its origin,
    or one made by :meth:`Signal.symbolic` under the same name).  ``tiers``
    restricts the tiers (a list, or names joined by commas; default general, exact,
    random), ``budget`` the seconds.  ``integers`` names free integer sizes of the statement
    with their declared values and ``assume`` the comparisons where the claim is stated, as
    in claim files.  Bad input raises a :class:`~symconv.errors.SymconvError` naming it.

    >>> result = check("conv(F, I) == corr(F, I)", F="3x3", I="5x5")
    >>> result.verdict.value, result.counterexample is not None
    ('REFUTED', True)
    >>> check("conv(k, I) == corr(flip(k), I)", k=[[1, 2], [3, 4]], I="4x4").verdict.value
    'PROVED'
    >>> check("sum(conv(F, I)) == sum(F) * sum(I)", F="15x15", I="512x512",
    ...       tiers=["random"]).verdict.value
    'PROBABLE'
    >>> at_zero = {"shape": "3", "origin": [0]}
    >>> check("circconv(zeropad(a, N), zeropad(b, N)) == conv(a, b)", a=at_zero, b=at_zero,
    ...       integers={"N": 5}, assume="N >= len(a) + len(b) - 1").verdict.value
    'PROVED'
    """
    if not signals:
        raise ClaimFileError("check() needs the statement's signals, e.g. F=\"3x3\"")
    options: dict[str, Any] = {}
    if tiers is not None:  # "exact" or "general,exact" is a list of names, not of letters
        options["tiers"] = tiers.split(",") if isinstance(tiers, str) else list(tiers)
    if budget is not None:
        options["budget"] = budget
    if integers is not None:
        options["integers"] = dict(integers)
    if assume is not None:
        options["assume"] = [assume] if isinstance(assume, str) else list(assume)
    table = {name: signal_declaration(name, value) for name, value in signals.items()}
    claim = claim_from_text(statement, table, expect, where="check()", **options)
    return run_tiers(claim, Budget(claim.budget))


def signal_declaration(name: str, value: Any) -> Any:
    """One ``signals`` value of a claim (what a TOML file would say) from a Python value.

    >>> signal_declaration("k", [[1, 0.5]])
    {'literal': [[1, '1/2']]}
    >>> signal_declaration("k", Signal.symbolic("k", (3,)))
    {'shape': '3', 'origin': [-1], 'real': True}
    """
    if isinstance(value, str | dict):
        return value
    if isinstance(value, tuple) and value and all(isinstance(n, int) for n in value):
        return "x".join(map(str, value))  # a shape given as a tuple
    if isinstance(value, Signal):
        return _signal_table(name, value)
    if isinstance(value, np.ndarray | list | tuple):
        array = np.asarray(value, dtype=object)
        if array.size and all(isinstance(v, str) for v in array.flat):
            return list(array.flat)  # a list of shapes
        if array.size == 0 or any(isinstance(v, list | tuple) for v in array.flat):
            raise ClaimFileError(f"signal {name}: {value!r:.60} is empty or ragged; rows must "
                                 "have equal length")
        return {"literal": np.vectorize(_number, otypes=[object])(array).tolist()}
    raise ClaimFileError(f"signal {name}: {type(value).__name__} {value!r:.60} is not a shape, "
                         "array, nested list, kernel name, table or Signal")


def _number(value: Any) -> int | str:
    """An exact entry as a claim literal reads it: an int, or a fraction as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Polynomial):
        if not value.is_constant():
            raise ClaimFileError(f"entry {value.as_expr()} is symbolic; fixed entries are numbers")
        value = _constant_number(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        kind = "complex" if isinstance(value, complex) else "not a rational number"
        raise ClaimFileError(f"entry {value!r} is {kind}; fixed entries are rational (for "
                             "complex entries use a symbolic signal {\"shape\": ..., "
                             "\"real\": False})")
    if isinstance(value, float) and not np.isfinite(value):
        raise ClaimFileError(f"entry {value!r} is not a finite number; fixed entries are rational")
    exact = Fraction(value)  # a float's exact binary value
    return exact.numerator if exact.denominator == 1 else str(exact)


def _signal_table(name: str, signal: Signal) -> dict[str, Any]:
    origin = list(signal.origin)
    try:
        exact = signal.exact()
    except TypeError as exc:  # complex fixed entries: exact() works over Q
        raise ClaimFileError(f"signal {name}: {exc}; fixed entries are rational (for complex "
                             "entries use a symbolic signal {\"shape\": ..., \"real\": False})"
                             ) from None
    if all(p.is_constant() for p in exact.entries.flat):
        literal = np.vectorize(_number, otypes=[object])(exact.entries).tolist()
        return {"literal": literal, "origin": origin}
    shape = "x".join(map(str, signal.shape))
    for real in (True, False):
        if signal == Signal.symbolic(name, signal.shape, signal.origin, real=real):
            return {"shape": shape, "origin": origin, "real": real}
    raise ClaimFileError(f"signal {name}: a Signal with symbolic entries must be "
                         f"Signal.symbolic({name!r}, ...), under the name it has in the statement")


def verify(paths_or_claims: str | Path | Claim | Iterable[str | Path | Claim] | None = None,
           jobs: int | str | None = None, budget: float | None = None,
           allow_python: bool = False, diagnose_all: bool = False) -> list[Outcome]:
    """Outcomes of claim files, folders or :class:`~symconv.lang.claims.Claim` objects, in order.

    Without an argument, the proofs bundled with symconv.  ``jobs`` is the number of
    worker processes, as ``symconv verify --jobs``: a positive number or ``"auto"`` (a
    worker per CPU this process may use, at most one per claim and per 2 GiB of memory);
    the default, None, is ``$SYMCONV_JOBS`` when set, else auto.  The outcomes do not
    depend on it.  ``budget`` (seconds) overrides each claim's own;
    ``allow_python`` also imports ``*.py`` claim modules (this runs their code).  As
    ``symconv verify``, only a refutation its claim does not expect gets explanations and
    repairs (``result.diagnosis_skipped`` marks the others), unless ``diagnose_all``.

    >>> outcomes = verify(bundled_proofs() / "shift.toml")
    >>> all(o.ok for o in outcomes), len(outcomes)
    (True, 8)
    >>> outcomes[0]  # doctest: +ELLIPSIS
    <Outcome conv-shift-kernel: PROVED by general (expected holds: ok), ... s>
    """
    if budget is not None and not (budget > 0 and math.isfinite(budget)):
        raise ClaimFileError(f"budget = {budget!r}; expected a positive finite number of seconds")
    workers = resolve_jobs(jobs, "jobs = ")
    if paths_or_claims is None:
        paths_or_claims = bundled_proofs()
    if isinstance(paths_or_claims, str | Path | Claim):
        paths_or_claims = [paths_or_claims]
    if not isinstance(paths_or_claims, Iterable):
        raise ClaimFileError(f"verify({paths_or_claims!r:.60}): expected a claim file or folder, "
                             "a Claim, or a list of them")
    claims: list[Claim] = []
    for item in paths_or_claims:
        if isinstance(item, Claim):
            claims.append(item)
            continue
        if not isinstance(item, str | Path):
            raise ClaimFileError(f"verify(): {type(item).__name__} {item!r:.60} is not a claim "
                                 "file, folder or Claim")
        found = load_claims([item], python=allow_python)
        if not found:  # else an empty list, and all(o.ok for o in ...) would be True
            skipped = [] if allow_python else list(python_claim_files([item]))
            raise ClaimFileError(f"no claims found in {item}" + (
                f"; {len(skipped)} Python claim module(s) there run only with allow_python=True"
                if skipped else ""))
        claims.extend(found)
    if not claims:  # an empty list of outcomes would read as every claim met
        raise ClaimFileError("verify() got no claims; expected claim files, folders or Claims")
    return run_claims(claims, max(1, min(workers, len(claims))), budget,
                      diagnose=True if diagnose_all else "unexpected")


def bundled_proofs() -> Path:
    """The folder of claim files installed with symconv (the repository's ``proofs/``).

    Installed, it is the package ``symconv.proofs``; run from a source tree without
    installing, the ``proofs/`` beside the package.

    >>> (bundled_proofs() / "flip.toml").is_file()
    True
    """
    try:
        import symconv.proofs
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "proofs"
    return Path(next(iter(symconv.proofs.__path__)))


def bundled_claim_files() -> list[Path]:
    """The bundled claim files (TOML, and the Python claim modules), sorted by name.

    >>> [p.name for p in bundled_claim_files()][:2]
    ['adjoint.toml', 'algebra.toml']
    """
    folder = bundled_proofs()
    return sorted(p for p in folder.iterdir() if p.suffix in (".toml", ".py")
                  and p.name != "__init__.py")


def derive(op: str, dim: int = 2, size: int | Sequence[int] = 3, layout: str = "patch"
           ) -> ExpandedForm:
    """The expanded Hadamard-sum form of ``conv`` or ``corr`` with a kernel of ``size``.

    >>> print(derive("conv", dim=1, size=3))
    (F * I)(x) = sum of the entries of
    [F[1]⋅I[x - 1]  F[0]⋅I[x]  F[-1]⋅I[x + 1]]
    """
    return ExpandedForm.build(op, size, dim, layout=layout)


__all__ = ["bundled_claim_files", "bundled_proofs", "check", "derive", "signal_declaration",
           "verify"]
