"""Deciding claims: verdicts, the tiers, and the trusted kernel among them.

:func:`run_tiers` decides a claim with its tiers in order (:mod:`~symconv.prove.tiers`)
and explains a refutation (:mod:`~symconv.prove.run`); the verdict types are in
:mod:`~symconv.prove.verdict`.  Each tier reports only what its method establishes:
PROVED for all sizes (general derivation), VERIFIED at the listed sizes (exact
canonical comparison), PROBABLE (random evaluation, with an error bound).

The trusted kernel
------------------
The code a false claim must get past to come out PROVED, VERIFIED or PROBABLE (line
counts of whole modules, or of the functions named, at the time of writing).  Everything
else in the package -- the proof search of the general tier (:mod:`~symconv.prove.rules`,
:mod:`~symconv.prove.sums`, the rest of :mod:`~symconv.prove.general`), the
explanations and repairs (:mod:`~symconv.prove.explain`, :mod:`~symconv.prove.repair`:
their candidates are decided by the tiers), the pool and runner, rendering
(:mod:`symconv.core.show`, :mod:`symconv.report`) and the applications -- can make a
verdict slow, missing or badly shown, never wrong.

Shared by every verdict:

- the statement parser :mod:`symconv.lang.dsl` (623) and what a declared signal is,
  :class:`symconv.lang.claims.SignalSpec` (42: shape, origin, real, literal, kernel);
- the meaning of the operations, :mod:`symconv.core.ops` (512), on
  :mod:`symconv.core.signal` (570), with exact arithmetic in
  :mod:`symconv.core.algebra` (392: a canonical sparse polynomial, so equality is
  ``is_zero`` of the difference, never ``simplify``), :mod:`symconv.core.cyclotomic`
  (340: Q(ζ_n) reduced modulo Φ_n), :mod:`symconv.core.fourier` (381) and the named
  kernels :mod:`symconv.core.kernels` (66);
- :func:`symconv.prove.tiers.decide` (49: the first decisive result is the verdict),
  :meth:`Result.meets` in :mod:`~symconv.prove.verdict`, and the result cache
  :mod:`symconv.prove.cache` (167: a stored verdict is replayed for the same claim
  text, declared signals and package digest).

PROVED (:func:`symconv.prove.general.attempt`, 22), given only when all of these pass:

1. the independent checker :mod:`symconv.prove.checker` (546), which imports only
   the parser and takes nothing from the prover but the certificate's witnesses: it reads
   the claim's statement and declared signals (shape, origin, realness, fixed entries, as
   plain data from :func:`symconv.prove.derivation.declared_signals`, 20 lines), expands both
   sides into flat sums of its own, applies the re-indexing maps (each checked to be a
   bijection by composing it with its inverse), orthogonality and collapse steps, and
   compares the collected terms.  Its expansion (``_Expander.call``) is a second statement
   of what each operation means, on Z^d or Z_n^d; only the backstop below ties it to ops;
2. the model, verified by the checker itself: Z_n^d only for a circular statement whose
   signals have, at every declared size, one shape n, with every circular operation taking
   period n from its argument's box, every pointwise product on one box of shape n and each
   signal side on [0, n)^d (boxes by the checker's own copy of ops' box rules,
   ``_Expander.box``); the padded model Z_N^d by the same rules with N the zeropad length.
   The prover decides the same beforehand from ops itself
   (:func:`~symconv.prove.recheck.periods_fit`, 22, with ``_TorusProbe``, 33);
3. the backstop :func:`~symconv.prove.recheck.backstop` (20): the exact tier's
   comparison at every declared size (symbolic up to 64 entries, random integers
   beyond);
4. :func:`~symconv.prove.recheck.recheck` (42): the common normal form evaluated at two
   or three small sizes against ops.

VERIFIED (:func:`symconv.prove.exact.attempt`, 51, with ``_refuted`` and the sizes it
adds, 32): :func:`symconv.prove.counterexample.exact_difference` (14) and
``difference`` with its helpers (~50) compare the sides built by the walker and
:class:`~symconv.prove.evaluate.ExactBackend` (:mod:`symconv.prove.evaluate`, 189),
or, first, by the packed engine :mod:`symconv.prove.packed` (1,028: int64 terms with a
checked bound before every step, else it declines and Polynomials decide).  The random
tier also says VERIFIED for a ``!=`` claim whose sides it finds different
(:func:`symconv.prove.random.attempt`).

PROBABLE: :mod:`symconv.prove.random` (622: sizes, seeds, the degree and height bounds
behind the error probability, with :func:`symconv.prove.evaluate.degree`, 15) and
:mod:`symconv.prove.modular` (443: NTT convolutions and Z[ζ_L] → F_p).

In all, about 6,400 lines: the core (2,261), the parser and SignalSpec (665), and in
prove about 3,500 (checker 546, packed 1,028, random 622, modular 443, evaluate 189,
exact 168, cache 167, and about 310 lines of general, derivation, counterexample and
tiers).
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
