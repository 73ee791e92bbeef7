"""A result cache, so that an unchanged claim is not proved again on the next run.

An entry is keyed by a SHA-256 of everything a verdict depends on: the claim's
statement, signals (shapes, literals, kernels, origins), expectation, tiers,
budget, random-tier sizes and seed, and the symconv version together with a digest of
the package's own source files and the versions of Python and of the libraries
that compute (sympy, numpy, python-flint), so that any change to a claim or to
symconv (a new release or an edited checkout) misses the cache.  Only decisive verdicts
are stored (PROVED, VERIFIED, PROBABLE, REFUTED); an INCONCLUSIVE verdict depends
on the machine's load and is always run again.  Python claims are never cached:
their meaning lives in code the key cannot see.

Entries are JSON (never pickle: reading the cache runs no code) in
``$SYMCONV_CACHE_DIR``, else ``$XDG_CACHE_HOME/symconv``, else
``~/.cache/symconv``; an unreadable or malformed entry counts as a miss.  The
cache trusts its folder: whoever can write there can make a verdict up, so CI
that runs untrusted pull requests should keep it out of their reach (or pass
``--no-cache``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symconv.core.atomic import atomic_write
from symconv.errors import SymconvError
from symconv.prove.explain import Explanation
from symconv.prove.repair import Repair
from symconv.prove.verdict import Counterexample, Result, Verdict
from symconv.version import __version__

if TYPE_CHECKING:
    from symconv.lang.claims import Claim

CACHE_ENV = "SYMCONV_CACHE_DIR"
FORMAT = 1
DECISIVE = (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE, Verdict.REFUTED)


def default_cache_dir() -> Path:
    """Where the cache lives (see the module docstring)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "symconv"


# Libraries whose arithmetic a verdict rests on.
_ENGINES = ("sympy", "numpy", "python-flint")


@cache
def package_digest() -> str:
    """SHA-256 of symconv's version, its Python sources and the versions of Python and
    :data:`_ENGINES` (computed once per process)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode() + b"\0" + sys.version.encode())
    for name in _ENGINES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def claim_key(claim: Claim) -> str | None:
    """The cache key of ``claim``, or None for a claim that is never cached."""
    if claim.procedure is not None or claim.statement is None:
        return None
    material = {
        "format": FORMAT,
        "symconv": package_digest(),
        "statement": claim.text,
        # SignalSpec is a frozen dataclass of tuples, Fractions and strings: its repr is exact
        "signals": {name: [repr(spec) for spec in specs] for name, specs in claim.signals.items()},
        "expect": claim.expect,
        "tiers": list(claim.tiers),
        "budget": claim.budget,
        "random_sizes": {k: list(v) for k, v in sorted(claim.random_sizes.items())},
        "integers": dict(sorted(claim.integers.items())),
        "assume": [a.text for a in claim.assumptions],
        "seed": claim.seed,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Verdicts on disk, one JSON file per claim key."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, claim: Claim) -> Result | None:
        """The stored result of ``claim``, or None."""
        key = claim_key(claim)
        if key is None:
            return None
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return _result_from_json(data) if data.get("key") == key else None
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, claim: Claim, result: Result) -> None:
        """Store ``result`` if it is decisive (a full disk only loses the entry)."""
        key = claim_key(claim)
        if key is None or result.verdict not in DECISIVE:
            return
        data = {"key": key, **_result_to_json(result)}
        try:
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(data) + "\n")
        except (OSError, SymconvError):
            pass


def _result_to_json(result: Result) -> dict[str, Any]:
    return {
        "verdict": result.verdict.value,
        "method": result.method,
        "sizes": [{k: list(v) for k, v in s.items()} for s in result.sizes],
        "seconds": result.seconds,
        "error_bound": result.error_bound,
        "seed": result.seed,
        "counterexample": result.counterexample.to_json() if result.counterexample else None,
        "derivation": None if result.derivation is None else str(result.derivation),
        "detail": result.detail,
        "warnings": list(result.warnings),
        "undeclared_failures": [{k: list(v) for k, v in s.items()}
                                for s in result.undeclared_failures],
        "explanations": [e.to_json() for e in result.explanations],
        "repairs": [r.to_json() for r in result.repairs],
        "diagnosis_skipped": result.diagnosis_skipped,
        "not_proved": result.not_proved,
    }


def _result_from_json(data: dict[str, Any]) -> Result:
    cex = data["counterexample"]
    counterexample = None if cex is None else Counterexample(
        signals=cex["signals"],
        origins={k: tuple(v) for k, v in cex["origins"].items()},
        coordinate=None if cex["coordinate"] is None else tuple(cex["coordinate"]),
        left=cex["left"], right=cex["right"], integers=dict(cex.get("integers", {})))
    return Result(
        verdict=Verdict(data["verdict"]),
        method=str(data["method"]),
        sizes=[{k: tuple(v) for k, v in s.items()} for s in data["sizes"]],
        seconds=float(data["seconds"]),
        error_bound=data["error_bound"],
        counterexample=counterexample,
        derivation=data["derivation"],
        detail=str(data["detail"]),
        warnings=[str(w) for w in data["warnings"]],
        undeclared_failures=[{k: tuple(v) for k, v in s.items()}
                             for s in data["undeclared_failures"]],
        explanations=[Explanation.from_json(e) for e in data["explanations"]],
        repairs=[Repair.from_json(r) for r in data["repairs"]],
        seed=data.get("seed"),
        diagnosis_skipped=bool(data.get("diagnosis_skipped", False)),
        not_proved=str(data.get("not_proved", "")),
    )
