"""Deciding claims: verdicts, the tiers, and the trusted kernel among them.

:func:`run_tiers` decides a claim with its tiers in order (:mod:`~symconv.prove.tiers`)
and explains a refutation (:mod:`~symconv.prove.run`); the verdict types are in
:mod:`~symconv.prove.verdict`.  Each tier reports only what its method establishes:
PROVED for all sizes (general derivation), VERIFIED at the listed sizes (exact
canonical comparison), PROBABLE (random evaluation, with an error bound).

The trusted kernel
------------------
The code a false claim must get past to come out PROVED, VERIFIED or PROBABLE (line
counts of whole modules, or of the functions named, as ``python benchmarks/kernel_size.py``
prints them at the time of writing).  Everything
else in the package -- the proof search of the general tier (:mod:`~symconv.prove.rules`,
:mod:`~symconv.prove.sums`, the rest of :mod:`~symconv.prove.general`), the
explanations and repairs (:mod:`~symconv.prove.explain`, :mod:`~symconv.prove.repair`:
their candidates are decided by the tiers), the pool and runner, rendering
(:mod:`symconv.core.show`, :mod:`symconv.report`) and the applications -- can make a
verdict slow, missing or badly shown, never wrong.

Shared by every verdict:

- the statement parser :mod:`symconv.lang.dsl` (743), what a declared signal is,
  :class:`symconv.lang.claims.SignalSpec` (45: shape, origin, real, literal, kernel), and
  the statement read at a claim's integers,
  :func:`symconv.lang.assumptions.substitute_integers` (27);
- the meaning of the operations, :mod:`symconv.core.ops` (680), on
  :mod:`symconv.core.signal` (577), with exact arithmetic in
  :mod:`symconv.core.algebra` (348: a canonical sparse polynomial, so equality is
  ``is_zero`` of the difference, never ``simplify``), :mod:`symconv.core.cyclotomic`
  (472: Q(ζ_n) reduced modulo Φ_n), :mod:`symconv.core.fourier` (411) and the named
  kernels :mod:`symconv.core.kernels` (66);
- :func:`symconv.prove.tiers.decide` (50: the first decisive result is the verdict),
  :meth:`Result.meets` in :mod:`~symconv.prove.verdict`, and the result cache
  :mod:`symconv.prove.cache` (176: a stored verdict is replayed for the same claim
  text, declared signals and package digest).

PROVED (:func:`symconv.prove.general.attempt`, 39), given only when all of these pass:

1. the independent checker :mod:`symconv.prove.checker` (759), which imports only
   the parser and takes nothing from the prover but the certificate's witnesses: it reads
   the claim's statement and declared signals (shape, origin, realness, fixed entries, as
   plain data from :func:`symconv.prove.derivation.declared_signals` and
   :meth:`~symconv.prove.derivation.Derivation.check`, 17 lines, which does not run the
   checker again for the very statement, signals and certificate (pickled bytes) that
   :func:`~symconv.prove.general._accepted`, 15, saw it accept in the same run), expands both
   sides into flat sums of its own, applies the re-indexing maps (each checked to be a
   bijection by composing it with its inverse), orthogonality and collapse steps, and
   compares the collected terms, after stripping the common outer bijections the
   certificate names (``"peel"``: minus, flip, transpose, shift, conj with the same integer
   arguments on both sides, so equal inner sides give equal sides), and after reading
   the extension of a sub-expression by a boundary as that of another the certificate's
   lemmas prove equal on the same box (each lemma checked the same way).  It checks the
   operands' dimensions itself (as :mod:`symconv.lang.check` does for a claim).  Its
   expansion (``_Expander.call``) is a second statement of what each operation means, on
   Z^d or Z_n^d; only the backstop below ties it to ops;
2. the model, verified by the checker itself: Z_n^d only for a circular statement whose
   signals have, at every declared size, one shape n, with every circular operation taking
   period n from its argument's box (a period written out must be n), every pointwise
   product on one box of shape n and each signal side on [0, n)^d (boxes by the checker's
   own copy of ops' box rules, ``_Expander.box``); the padded model Z_N^d by the same rules
   with N the zeropad length, for all sizes or where the certificate's hypotheses on the
   sizes hold (an integer length N: ``n_a + n_b ≤ 8`` for N = 7, stated in the scope,
   item 5; each power of an integer N is that number, an integer of the claim used as a number
   is n_a, the period of the first axis whose zeropad length it alone is (axes of one
   length share one n_a), and a pointwise product there may be of signals on one box at
   most N long); one period n for all axes
   (``"square"``: a transpose keeps the periods) only when every declared shape of every
   signal is n×⋯×n.
   The prover decides the same beforehand from ops itself
   (:func:`~symconv.prove.recheck.periods_fit`), which the verdict does not rely on;
3. the backstop :func:`~symconv.prove.recheck.backstop` (20): the exact tier's
   comparison at every declared size (symbolic up to 64 entries, random integers
   beyond, ``_random_entries``, 7);
4. :func:`~symconv.prove.recheck.recheck_statement` (20, with ``recheck_assignments``,
   28, and ``sides_differ``, 10): the same exact comparison of the statement's sides at
   two small sizes that are not declared ones, on Z_n^d also a period-5 size (n×⋯×n ones
   for a ``"square"`` proof; a size with too many terms symbolically, nested DFTs at
   5×5, with random integer entries, which the verdict says)
   (:func:`~symconv.prove.recheck.recheck_modes`, 53, with ``_holds_at``, 9, for modes and
   the padded model: sizes within the proof's scope and its hypotheses, and other values of
   the claim's integers).  The prover's normal form is not
   evaluated here (the checker computes its own); the tests evaluate it against ops
   (``recheck`` in tests/term_values.py);
5. the scope the verdict states, from the statement alone:
   :func:`~symconv.prove.general.fixed_axes_scope` (27, with ``_operation_ndim``, 6: a
   statement that names an axis or gives one integer per axis is proved for its own number
   of axes only, not for every d) and :func:`~symconv.prove.general.modes_scope` (10: valid
   mode where defined, sizes tied where the proof ties them, with ``shared_sizes_note``, 7),
   and the certificate's
   hypotheses as the checker read them, :func:`~symconv.prove.general.hypotheses_scope` (18).

VERIFIED (:mod:`symconv.prove.exact`, 170: ``attempt`` with ``_refuted`` and the sizes
it adds): :func:`symconv.prove.counterexample.exact_difference` (14) and
``difference`` with its helpers (~50) compare the sides built by the walker and
:class:`~symconv.prove.evaluate.ExactBackend` (:mod:`symconv.prove.evaluate`, 248),
or, first, by the packed engine :mod:`symconv.prove.packed` (1,323: int64 terms with a
checked bound before every step, else it declines and Polynomials decide).  The random
tier also says VERIFIED for a ``!=`` claim whose sides it finds different
(:func:`symconv.prove.random.attempt`).

PROBABLE: :mod:`symconv.prove.random` (750: sizes, seeds, the degree and height bounds
behind the error probability, with :func:`symconv.prove.evaluate.degree`, 15) and
:mod:`symconv.prove.modular` (571: NTT convolutions and Z[ζ_L] → F_p).

In all, 7,742 lines: shared by every verdict 3,605 (the core 2,554, the parser,
SignalSpec and substitute_integers 820, the tiers' decision and the cache 231), PROVED
1,047 (the checker 759),
VERIFIED 1,769 (packed 1,323), PROBABLE 1,321.  Most of it is the exact arithmetic and
the packed engine that VERIFIED needs anyway; the general tier's prover (general, rules,
sums, certificate and the derivation records, without the kernel's parts of general and
derivation) is outside it.
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
