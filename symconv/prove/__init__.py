"""Deciding claims: verdicts, the tiers, and the trusted kernel among them.

:func:`run_tiers` decides a claim with its tiers in order (:mod:`~symconv.prove.tiers`)
and explains a refutation (:mod:`~symconv.prove.run`); the verdict types are in
:mod:`~symconv.prove.verdict`.  Each tier reports only what its method establishes:
PROVED for all sizes (general derivation), VERIFIED at the listed sizes (exact
canonical comparison), PROBABLE (random evaluation, with an error bound).
"""

from symconv.lang.claims import TIER_NAMES
from symconv.prove.run import run_tiers
from symconv.prove.tiers import TIER_WEIGHTS, Tier, load_tier
from symconv.prove.verdict import (
    Budget,
    BudgetExhausted,
    Counterexample,
    Result,
    TierTimeout,
    Verdict,
    format_sizes,
    strict_sizes,
)

__all__ = ["TIER_NAMES", "TIER_WEIGHTS", "Budget", "BudgetExhausted", "Counterexample",
           "Result", "Tier", "TierTimeout", "Verdict", "format_sizes", "load_tier",
           "run_tiers", "strict_sizes"]
