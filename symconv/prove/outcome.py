"""One claim's outcome: its result, or the error that stopped it (:func:`verify_one`).

The worker processes of :mod:`symconv.prove.pool` and the runner of many claims
(:mod:`symconv.prove.runner`) both run a claim through :func:`verify_one`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from symconv.core.rendering import Rendered
from symconv.errors import SymconvError
from symconv.lang.claims import Claim
from symconv.prove.run import run_tiers
from symconv.prove.verdict import Budget, Result


@dataclass(repr=False)
class Outcome(Rendered):
    """A claim with its result, or the error that stopped it."""

    claim: Claim
    result: Result | None
    error: str | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.meets(self.claim.expect)

    @property
    def status(self) -> str:
        if self.result is None:
            return "ERROR"
        return "ok" if self.ok else "MISMATCH"



def verify_one(claim: Claim, budget: float | None = None, *, preempt: bool = False,
               on_tier: Callable[[str], None] | None = None,
               memory_bytes: int | None = None) -> Outcome:
    """Run the tiers on one claim in this process (``budget`` overrides the claim's own;
    ``preempt`` and ``on_tier`` as in :func:`~symconv.prove.run_tiers`)."""
    if budget is not None:
        claim = replace(claim, budget=budget)
    start = time.monotonic()
    try:
        return Outcome(claim, run_tiers(claim, Budget(claim.budget, memory_bytes=memory_bytes),
                                        preempt=preempt, on_tier=on_tier))
    except SymconvError as exc:
        return Outcome(claim, None, f"{claim.where}: claim {claim.name!r}: {exc}")
    except Exception as exc:  # a bug must not take the other claims down with it
        elapsed = time.monotonic() - start
        return Outcome(claim, None, f"{claim.where}: claim {claim.name!r}: internal error "
                                    f"after {elapsed:.1f} s: {type(exc).__name__}: {exc}")
