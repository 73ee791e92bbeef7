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
from symconv.prove.verdict import NO_METHOD
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
    """The claim's verdict; a claim the engine cannot evaluate is INCONCLUSIVE."""
    started = time.perf_counter()
    try:
        # a report shows verdicts, never explanations or repairs: none are searched
        result = run_tiers(claim, diagnose=False)
    except SymconvError as err:
        # Reported as it is: the claim was not decided in this run.
        result = Result(Verdict.INCONCLUSIVE, NO_METHOD, [], time.perf_counter() - started,
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
