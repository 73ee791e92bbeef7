"""The verdict on a claim and, when it is REFUTED, why: :func:`run_tiers`.

:func:`~symconv.prove.tiers.decide` runs the tiers; a refuted ``==`` claim then also gets
its checked explanations (:mod:`~symconv.prove.explain`) and nearest true repairs
(:mod:`~symconv.prove.repair`, which decides its candidates with the tiers alone), and a
claim verified at its sizes only says why the general tier did not prove it for all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from symconv.lang.claims import Claim
from symconv.prove import explain, repair
from symconv.prove.general import METHOD as GENERAL_METHOD
from symconv.prove.general import shared_sides, why_not_proved
from symconv.prove.random import METHOD as RANDOM_METHOD
from symconv.prove.tiers import decide
from symconv.prove.verdict import Budget, Result, Verdict

# Which REFUTED claims get explanations and repairs: all, none, or only those whose claim
# does not expect the refutation (a CI run's mutants are refuted as documented: diagnosing
# each of them took half of ``symconv verify proofs/``).
Diagnose = bool | Literal["unexpected"]


def run_tiers(claim: Claim, budget: Budget | None = None, diagnose: Diagnose = True, *,
              preempt: bool = False, on_tier: Callable[[str], None] | None = None) -> Result:
    """The verdict on ``claim``: its tiers in order, first decisive result wins.

    Each tier runs on its share of the remaining budget
    (:data:`~symconv.prove.tiers.TIER_WEIGHTS`).  ``preempt`` stops a tier with an
    interval timer when its share runs out (main thread only); ``on_tier(name)`` is
    called as each tier starts.  With ``diagnose``, a REFUTED ``==`` claim also gets its
    checked explanations and nearest true repairs, within the same budget (a warning says
    when the budget cut either short); with ``diagnose="unexpected"`` only when the claim
    does not expect to fail (else ``diagnosis_skipped`` says that the search did not run).
    A refutation by the random tier is not diagnosed (a warning says so): at its sizes
    each candidate would be a random-tier run of its own.
    """
    budget = budget or Budget(claim.budget)
    with shared_sides():  # repair candidates share most sides with the statement
        result = decide(claim, budget, preempt=preempt, on_tier=on_tier)
        if result.verdict in (Verdict.VERIFIED, Verdict.PROBABLE) and \
                GENERAL_METHOD in claim.tiers and result.method != GENERAL_METHOD:
            # why not PROVED; the sides' forms are memoized, so this repeats little work
            result.not_proved = why_not_proved(claim)
        refuted = result.verdict is Verdict.REFUTED
        wanted = refuted and (diagnose is True
                              or (diagnose == "unexpected" and claim.expect != "fails"))
        if refuted and diagnose and not wanted:
            result.diagnosis_skipped = True
        elif wanted and result.sizes and claim.integers.keys() & result.sizes[0].keys():
            # refuted at other values of the claim's integers: the searches read the
            # statement with the declared ones, where it holds
            result.warnings.append("explanations and repairs not searched: the claim fails only "
                                   "at other values of its integers")
        elif wanted and result.method == RANDOM_METHOD:
            # at sizes only the random tier reaches, each candidate is a run of its own: the
            # search outlasted the budget and the refutation was lost with it
            result.warnings.append("explanations and repairs not searched at sizes only the "
                                   "random tier reaches; check the statement at small sizes "
                                   "for them")
        elif wanted:
            began = time.monotonic()
            # one screen for both: its values of shared sub-expressions serve both searches
            screen = (explain.Screen(explain.failing_assignment(claim, result))
                      if claim.statement is not None and claim.statement.op == "==" else None)
            result.explanations, cut_short = explain.search(claim, result, budget, screen)
            result.repairs, repairs_cut_short = repair.search(claim, budget, result, screen)
            # the lists are a fixed amount of work; only the safety stop makes them vary
            result.warnings += [note for note in (cut_short, repairs_cut_short) if note]
            result.seconds += time.monotonic() - began
    return result
