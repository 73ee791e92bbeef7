"""Claims a report states, run through the verifier in the same build.

A report never types a verdict: every verdict it shows is the
:class:`~symconv.prove.Result` of :func:`symconv.prove.run_tiers` on a claim
built here (or loaded from a claim file) during the build.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from symconv.errors import ReportError, SymconvError
from symconv.lang.claims import Claim, claim_from_text
from symconv.prove import Result, Verdict, run_tiers
from symconv.report.filters import sizes_as_shapes

# Seconds per claim: the report's claims are small; a stuck one must not stall a build.
CHECK_BUDGET = 20.0


@dataclass(frozen=True)
class CheckedClaim:
    """A claim and the verdict computed for it in this run."""

    claim: Claim
    result: Result

    @property
    def name(self) -> str:
        return self.claim.name

    @property
    def statement(self) -> str:
        return self.claim.text

    @property
    def verdict(self) -> str:
        return self.result.verdict.value

    @property
    def meets_expectation(self) -> bool:
        return self.result.meets(self.claim.expect)

    @property
    def verdict_text(self) -> str:
        """``PROVED (general)``: the verdict and the tier that reached it."""
        return f"{self.verdict} ({self.result.method})"

    @property
    def holds(self) -> bool:
        return self.result.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE)

    @property
    def refuted(self) -> bool:
        return self.result.verdict is Verdict.REFUTED

    def sizes_text(self) -> str:
        return self.result.sizes_text()

    def _latex(self, printer: Any = None) -> str:
        return self.result._latex()

    def _repr_latex_(self) -> str:
        return self.result._repr_latex_()


def check(name: str, statement: str, signals: Mapping[str, Any], expect: str = "holds",
          budget: float = CHECK_BUDGET) -> CheckedClaim:
    """Build the claim and run its tiers now."""
    claim = claim_from_text(statement, signals, expect, name=name, budget=budget)
    return run_claim(claim)


def run_claim(claim: Claim) -> CheckedClaim:
    """The claim's verdict; a part of the engine that is missing makes it INCONCLUSIVE."""
    started = time.perf_counter()
    try:
        result = run_tiers(claim)
    except (SymconvError, ImportError) as err:
        # Reported as it is: the claim was not decided in this run.
        result = Result(Verdict.INCONCLUSIVE, "none", [], time.perf_counter() - started,
                        detail=f"could not be checked in this build: {err}")
    return CheckedClaim(claim, result)


def verify_displayed(claims: Iterable[Claim]) -> dict[str, CheckedClaim]:
    """Run the claims a report displays; the first one that misses its expectation stops the build."""
    checked: dict[str, CheckedClaim] = {}
    for claim in claims:
        result = run_claim(claim)
        if not result.meets_expectation:
            detail = f": {sizes_as_shapes(result.result.detail)}" if result.result.detail else ""
            raise ReportError(f"displayed claim {claim.name!r} ({claim.where}) is "
                              f"{result.verdict_text}, expected to {claim.expect[:-1]}"
                              f"{detail}".replace("\n", " "))
        checked[claim.name] = result
    return checked


def check_claims(claims: Iterable[Claim]) -> list[CheckedClaim]:
    """Run already loaded claims (e.g. from ``proofs/*.toml``)."""
    return [run_claim(c) for c in claims]


# The identities every report may state (name, statement, signals, expectation).
THEOREMS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("flip-equivalence", "conv(F, I) == corr(flip(F), I)", {"F": ["3x3", "5x5"], "I": "5x5"},
     "holds"),
    ("conv-commutative", "conv(F, I) == conv(I, F)", {"F": "3x3", "I": "4x4"}, "holds"),
    ("corr-swap-reflects", "corr(F, I) == flip(corr(I, F))", {"F": "3x3", "I": "4x4"}, "holds"),
    ("conv-associative", "conv(F, conv(G, I)) == conv(conv(F, G), I)",
     {"F": "2x2", "G": "2x2", "I": "3x3"}, "holds"),
    ("corr-of-corr", "corr(F, corr(G, I)) == corr(conv(F, G), I)",
     {"F": "2x2", "G": "2x2", "I": "3x3"}, "holds"),
    ("flip-involution", "flip(flip(F)) == F", {"F": ["3x3", "4x5"]}, "holds"),
    ("frobenius-trace", "frobenius(F, P) == trace(transpose(F) @ P)", {"F": "3x3", "P": "3x3"},
     "holds"),
    ("circular-convolution-theorem", "dft(circconv(a, b)) == dft(a) * dft(b)",
     {"a": "4", "b": "4"}, "holds"),
    ("corr-commutative", "corr(F, I) == corr(I, F)", {"F": "2x2", "I": "2x2"}, "fails"),
    ("corr-associative", "corr(F, corr(G, I)) == corr(corr(F, G), I)",
     {"F": "2x2", "G": "2x2", "I": "2x2"}, "fails"),
    ("conv-is-corr-for-transpose-symmetric", "conv(F, I) == corr(F, I)",
     {"F": "emboss", "I": "3x3"}, "fails"),
)


def check_theorems() -> list[CheckedClaim]:
    """Run the built-in theorem list."""
    return [check(name, statement, signals, expect)
            for name, statement, signals, expect in THEOREMS]
