"""The tiers in order: the first decisive result is the verdict.

A *tier* is a function ``attempt(claim, budget) -> Result | None``: ``None``
means "not applicable here, ask the next tier".  Tiers run in the order the
claim lists them (default: general, exact, random).  The first decisive
result (PROVED, VERIFIED, PROBABLE or REFUTED) is the verdict; an
INCONCLUSIVE result (budget exhausted, size limit) hands over to the next tier
and is returned only if no later tier decides.

Each tier gets a share of what is left of the claim's budget, in proportion to
:data:`TIER_WEIGHTS` among the tiers still to run, so that one tier cannot
starve the next; time a tier leaves unused passes on.  Tiers check their share
between steps (:meth:`Budget.check`); with ``preempt=True`` (what the worker
processes of :mod:`symconv.prove.pool` use) an interval timer also stops a tier
inside a long step when its share runs out.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from symconv.errors import NotSupportedError
from symconv.lang.claims import TIER_NAMES, Claim
from symconv.prove import exact, general
from symconv.prove import random as random_tier
from symconv.prove.verdict import NO_METHOD, Budget, BudgetExhausted, Result, TierTimeout, Verdict

# Relative shares of the budget: the exact tier decides most claims, the general tier's
# search and the random tier's large sizes get less.
TIER_WEIGHTS = {"general": 1.0, "exact": 2.0, "random": 1.0}

Tier = Callable[[Claim, Budget], Result | None]

TIERS: dict[str, Tier] = {"general": general.attempt, "exact": exact.attempt,
                          "random": random_tier.attempt}
assert tuple(TIERS) == TIER_NAMES, "every tier a claim may name has an implementation"


def load_tier(name: str) -> Tier:
    """The ``attempt`` function of tier ``name``."""
    if name not in TIERS:
        raise ValueError(f"unknown tier {name!r}")
    return TIERS[name]


def decide(claim: Claim, budget: Budget | None = None, *, preempt: bool = False,
           on_tier: Callable[[str], None] | None = None) -> Result:
    """The verdict on ``claim``: its tiers in order, first decisive result wins.

    Each tier runs on its share of the remaining budget (:data:`TIER_WEIGHTS`).
    ``preempt`` stops a tier with an interval timer when its share runs out (main
    thread only); ``on_tier(name)`` is called as each tier starts.
    """
    budget = budget or Budget(claim.budget)
    tiers = [(name, load_tier(name)) for name in claim.tiers]
    last: Result | None = None
    unsupported: NotSupportedError | None = None
    for k, (name, tier) in enumerate(tiers):
        remaining = budget.remaining()
        if remaining <= 0:
            break
        weights = [TIER_WEIGHTS[n] for n, _ in tiers[k:]]
        share = remaining * weights[0] / sum(weights)
        if on_tier is not None:
            on_tier(name)
        try:
            with _preempted_after(share if preempt else None):
                result = tier(claim, Budget(share, memory_bytes=budget.memory_bytes,
                                             witness=budget.witness))
        except (BudgetExhausted, TierTimeout):
            detail = (f"budget of {budget.seconds:g} s exhausted in {name}" if k == len(tiers) - 1
                      else f"{name} stopped at its share of the budget ({share:.3g} of "
                           f"{budget.seconds:g} s)")
            result = Result(Verdict.INCONCLUSIVE, name, [], budget.elapsed(), detail=detail)
        except MemoryError:
            cap = budget.memory_bytes
            detail = (f"memory cap of {cap / 2**30:.3g} GiB reached in {name}" if cap
                      else f"out of memory in {name}")
            result = Result(Verdict.INCONCLUSIVE, name, [], budget.elapsed(), detail=detail)
        except NotSupportedError as exc:  # this tier cannot do it; a later one may
            unsupported = exc
            continue
        if result is None:
            continue
        if result.verdict is not Verdict.INCONCLUSIVE:
            return result
        last = result
    if last is not None:
        return last
    if unsupported is not None:
        raise unsupported
    detail = (f"budget of {budget.seconds:g} s exhausted before any tier decided"
              if budget.exhausted()
              else f"no tier among {', '.join(claim.tiers)} applies to this claim")
    return Result(Verdict.INCONCLUSIVE, NO_METHOD, [], budget.elapsed(), detail=detail)


def _raise_timeout(signum: int, frame: object) -> None:
    raise TierTimeout


@contextmanager
def _preempted_after(seconds: float | None) -> Iterator[None]:
    """Raise TierTimeout in this thread after ``seconds`` (None, or not the main thread:
    no timer; the tier's own budget checks still apply)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
