"""The random tier: Schwartz–Zippel evaluation modulo large primes at large sizes.

Each trial picks a prime p from :data:`~symconv.prove.modular.NTT_PRIMES`
(a different one per trial), fills every symbolic signal with uniformly random
residues mod p and evaluates both sides exactly in Z_p.  If the identity is
false, the difference of the sides is a non-zero polynomial of degree at most D
(computed from the statement), and a non-zero polynomial of degree D vanishes at
a uniformly random point with probability at most D/p (Schwartz–Zippel).  After
t agreeing trials the reported error bound is the product of D/p_k, provided the
difference is non-zero mod p_k (see below).

A difference found mod p is a genuine difference over Q (the constants'
denominators are invertible mod p), so it refutes an ``==`` claim outright; the
exact tier then looks for a small counterexample.  Every trial evaluates the declared
sizes too (a claim may fail only at the declared ratios of the shapes), and a ``!=``
claim needs a difference at every declared size.  Since a prime that divides every
coefficient of the difference proves nothing, the coefficients are bounded first
(:class:`_HeightBackend`, from the constants, fixed kernels and the shapes the
operations see) and one extra prime is used for each prime that could divide them all
(INCONCLUSIVE when the primes run out); the bound counts only the weakest three.
Default large sizes: the signal declared largest becomes 10^5 long in 1D, 512x512 in
2D, 64^3 in 3D; the others 10^5, 15x15, 5^3 (odd declared sizes stay odd); signals of
equal declared shapes all become the largest first; for claims with roots of unity every
signal first becomes 2^16, 512x512 or 64^3 (powers of two); ``sizes`` in the claim
overrides them.  Sizes that do not fit the statement (a zeropad length, a period) leave
the declared sizes only, with a note.

Claims with roots of unity (a DFT, ``1j``, complex entries) map Z[ζ_L] to F_p instead
(:func:`_cyclotomic_trials`): random primes p ≡ 1 (mod L) from [2^30, 2^31), random
primitive L-th roots r, ζ_L -> r, with a rigorous bound on missing a difference.  Every
random choice is seeded (:func:`claim_seed` by default) and the seed is reported.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.core import ops
from symconv.core.cyclotomic import euler_phi
from symconv.core.fourier import dft_period
from symconv.core.signal import Signal
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.lang.dsl import FUNCTIONS, SIZE_FUNCTIONS, SIZED_CALLS, Call, Imag, Statement, walk
from symconv.prove.counterexample import (
    difference,
    minimal_counterexample,
    small_counterexample,
)
from symconv.prove.evaluate import degree, evaluate_sides, size_value
from symconv.prove.modular import (
    NTT_PRIMES,
    Conjugated,
    ConjugatePairs,
    CyclotomicBackend,
    ModularBackend,
    NotModular,
    _prime_factors,
)
from symconv.prove.verdict import Budget, Counterexample, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

METHOD = "random mod p"
TRIALS = 3
IMAGE_SIZE = {1: 100_000, 2: 512, 3: 64}
# Claims with roots of unity: powers of two (radix-2 transforms mod p; the parity of a
# centred kernel does not matter on Z_n), and 1D lengths whose order keeps many primes.
CYCLOTOMIC_SIZE = {1: 2**16, 2: 512, 3: 64}
KERNEL_SIZE = {1: 100_000, 2: 15, 3: 5}
# The cyclotomic trials draw primes from [2^30, 2^31) ≡ 1 (mod L), from this many candidates.
PRIME_FLOOR = 2**30
PRIME_CANDIDATES = 2**21
# Cyclotomic trials are added until the error bound is below this (at most MAX_TRIALS).
TARGET_ERROR = 1e-10
MAX_TRIALS = 12
_CYCLOTOMIC = frozenset({"dft", "idft"})


def _adjust(size: int, declared: int) -> int:
    """Keep the declared parity (odd kernels stay centred)."""
    return size + 1 if (size - declared) % 2 else size


def _large_shape(spec: SignalSpec, table: dict[int, int], fallback: int) -> tuple[int, ...]:
    size = table.get(len(spec.shape), fallback)
    return tuple(_adjust(size, d) for d in spec.shape)


def large_sizes(claim: Claim) -> Iterator[dict[str, tuple[int, ...]]]:
    """Candidate large sizes for the symbolic signals, preferred first."""
    base = claim.assignments()[0]
    symbolic = [n for n, s in base.items() if s.is_symbolic]
    if claim.random_sizes:
        yield {n: claim.random_sizes.get(n, base[n].shape) for n in symbolic}
        return
    if not symbolic:
        return
    if _cyclotomic(claim):
        yield {n: tuple(CYCLOTOMIC_SIZE.get(len(base[n].shape), 8) for _ in base[n].shape)
               for n in symbolic}
    if len({base[n].shape for n in symbolic}) == 1:  # equal shapes (circular, pointwise)
        yield {n: _large_shape(base[n], IMAGE_SIZE, 3) for n in symbolic}
    largest = max(symbolic, key=lambda n: int(np.prod(base[n].shape)))
    yield {n: _large_shape(base[n], IMAGE_SIZE if n == largest else KERNEL_SIZE, 3)
           for n in symbolic}
    yield {n: _large_shape(base[n], KERNEL_SIZE, 3) for n in symbolic}


def _names_sizes(statement: Statement) -> bool:
    """Whether a statement reads or names sizes: a size function, or the integers of a
    zeropad, a period or a DFT size."""
    return any(isinstance(node, Call) and (node.func in SIZE_FUNCTIONS or (
        node.func in SIZED_CALLS and len(node.args) > FUNCTIONS[node.func].signals))
        for node in walk(statement))


def _applicable(claim: Claim) -> str | None:
    """Why the random tier cannot run this claim, or None."""
    if claim.statement is None:
        return "a Python claim"
    return None


def _symbolic_shapes(assignment: dict[str, SignalSpec]) -> dict[str, tuple[int, ...]]:
    return {n: s.shape for n, s in assignment.items() if s.is_symbolic}


def _cyclotomic(claim: Claim) -> bool:
    """Whether the claim needs roots of unity (a DFT, 1j, complex entries): then the trials
    map Z[ζ_L] to F_p (:func:`_cyclotomic_trials`)."""
    assert claim.statement is not None
    return (any(isinstance(node, Imag) or (isinstance(node, Call) and node.func in _CYCLOTOMIC)
                for node in walk(claim.statement))
            or any(not s.real for specs in claim.signals.values() for s in specs))


def claim_seed(claim: Claim) -> int:
    """The default seed of a claim's random choices: a hash of its statement and signals, so
    that a run can be repeated exactly (and is, unless a seed is given)."""
    text = f"{claim.text}|{sorted((n, [str(s) for s in v]) for n, v in claim.signals.items())}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _random_env(assignment: dict[str, SignalSpec], sizes: dict[str, tuple[int, ...]],
                backend: ModularBackend, rng: np.random.Generator,
                pairs: bool = False) -> dict[str, Any]:
    """Random residues for the symbolic signals (at ``sizes`` where given, else as declared);
    fixed signals reduced mod p.  ``pairs``: (value, conjugate value) for
    :class:`ConjugatePairs`, the conjugate of a complex entry an independent residue."""
    env: dict[str, Any] = {}
    for name, spec in assignment.items():
        if spec.is_symbolic:
            shape = sizes.get(name, spec.shape)
            origin = spec.origin if spec.origin is not None and len(shape) == len(spec.origin) \
                else tuple(-(n // 2) for n in shape)
            signal = Signal(rng.integers(0, backend.prime, size=shape, dtype=np.int64), origin)
            if pairs:
                conjugate = signal if spec.real else Signal(
                    rng.integers(0, backend.prime, size=shape, dtype=np.int64), origin)
                env[name] = Conjugated.of(signal, conjugate)
            else:
                env[name] = signal
        else:
            exact = spec.build(name)
            residues = np.array([backend.residue(_fraction(p)) for p in exact.entries.flat],
                                dtype=np.int64).reshape(exact.shape)
            fixed = Signal(residues, exact.origin)
            env[name] = Conjugated.of(fixed, fixed) if pairs else fixed
    return env


@dataclass(frozen=True)
class _Weighed:
    """A value of the statement with a bound on its coefficients: for every coefficient c
    of every entry (as a polynomial in the random entries), ``denominator * c`` is an
    integer of absolute value at most ``height``.  ``value`` is the value with every random
    entry 0 (its boxes are those of the real evaluation); ``exact`` the rational value of a
    constant expression (a divisor)."""

    value: Any
    height: int
    denominator: int
    degree: int
    exact: Fraction | None = None


def _product(value: Any, factors: list[_Weighed], terms: int) -> _Weighed:
    """A sum of at most ``terms`` products of one entry of each factor.  A monomial of degree
    d splits into two factors' monomials in at most 2^d ways."""
    height, denominator, degree = terms, 1, 0
    for f in factors:
        height, denominator, degree = height * f.height, denominator * f.denominator, \
            degree + f.degree
    if len(factors) > 1:
        height <<= degree
    return _Weighed(value, height, denominator, degree)


class _HeightBackend:
    """Evaluates a statement with every random entry 0, bounding the coefficients of each
    value (:class:`_Weighed`) from the shapes the operations actually see."""

    def __init__(self) -> None:
        self.modular = ModularBackend(*NTT_PRIMES[0])
        self.order = 1  # the lcm of the roots of unity the statement needs
        self.periods = 1  # the lcm of its circular periods

    def number(self, value: Fraction) -> _Weighed:
        return _Weighed(self.modular.number(value), abs(value.numerator), value.denominator, 0,
                        value)

    def imag(self, value: Fraction) -> _Weighed:
        # i = ζ_4: the height is that of the rational factor (its value is never a divisor here)
        self.order = math.lcm(self.order, 4)
        return _Weighed(0, abs(value.numerator), value.denominator, 0)

    def call(self, func: str, signals: list[Any], ints: list[int],
             options: dict[str, Any]) -> _Weighed:
        if func in SIZE_FUNCTIONS:
            return self.number(Fraction(size_value(func, signals[0].value.shape, ints)))
        if func in _CYCLOTOMIC:
            # A DFT entry sums one root-of-unity multiple of every input entry; the inverse
            # divides by N.  With every random entry 0 the value is 0 on the period's box.
            source = signals[0]
            dims = dft_period(source.value, tuple(ints))
            self.order = math.lcm(self.order, *dims)
            count = math.prod(dims)
            zero = Signal(np.zeros(dims, dtype=np.int64), (0,) * len(dims))
            return _Weighed(zero, source.height * source.value.entries.size,
                            source.denominator * (count if func == "idft" else 1), source.degree)
        if func == "conj":
            return signals[0]  # conjugation keeps every coefficient's size
        value = self.modular.call(func, [w.value for w in signals], ints, options)
        sizes = [w.value.entries.size for w in signals]
        if func in ("conv", "corr"):
            terms = sizes[0]  # one product per kernel entry
        elif func in ("circconv", "circcorr"):
            # an output entry pairs each sample of the first (periodized) signal with one of
            # the second; periodizing adds the entries that fold onto a sample
            period = ops.circular_period(signals[0].value, signals[1].value, ints or None)
            self.periods = math.lcm(self.periods, *period)
            terms = min(sizes[0] * sizes[1], math.prod(period) * _folds(signals, period))
        elif func in ("sum", "frobenius"):
            terms = min(sizes)
        elif func == "trace":
            terms = min(signals[0].value.shape)
        elif func == "periodize":
            terms = sizes[0]  # entries that land on one point of the period
        else:
            terms = 1
        return _product(value, signals, terms)

    def binary(self, op: str, left: _Weighed, right: _Weighed) -> _Weighed:
        value = self.modular.binary(op, left.value, right.value)
        exact: Fraction | None = None
        if left.exact is not None and right.exact is not None and op in "+-*":
            exact = {"+": left.exact + right.exact, "-": left.exact - right.exact,
                     "*": left.exact * right.exact}[op]
        if op in "+-":
            return _Weighed(value, left.height * right.denominator + right.height * left.denominator,
                            left.denominator * right.denominator, max(left.degree, right.degree),
                            exact)
        if op == "/":
            divisor = right.exact
            if divisor is None or divisor == 0:
                raise ShapeError("a signal or scalar can only be divided by a non-zero number")
            return _Weighed(value, left.height * divisor.denominator,
                            left.denominator * abs(divisor.numerator), left.degree,
                            None if left.exact is None else left.exact / divisor)
        if op == "@":
            return _product(value, [left, right], left.value.shape[1])
        product = _product(value, [left, right], 1)
        return _Weighed(product.value, product.height, product.denominator, product.degree, exact)

    def neg(self, value: _Weighed) -> _Weighed:
        return _Weighed(self.modular.neg(value.value), value.height, value.denominator,
                        value.degree, None if value.exact is None else -value.exact)


def _difference_height(claim: Claim, assignment: dict[str, SignalSpec],
                       sizes: dict[str, tuple[int, ...]]) -> tuple[int, int]:
    """(H, L): a bound H on the integer coefficients of the sides' difference, cleared of
    denominators, and the order L of the roots of unity it needs.  With roots of unity a
    coefficient is Σ_j c_j ζ_L^j and H bounds Σ_j |c_j| (each conjugate's absolute value)."""
    assert claim.statement is not None
    env: dict[str, _Weighed] = {}
    for name, spec in assignment.items():
        if spec.is_symbolic:
            shape = sizes.get(name, spec.shape)
            origin = spec.origin if spec.origin is not None and len(shape) == len(spec.origin) \
                else tuple(-(n // 2) for n in shape)
            env[name] = _Weighed(Signal(np.zeros(shape, dtype=np.int64), origin), 1, 1, 1)
            continue
        exact = spec.build(name)
        values = [_fraction(p) for p in exact.entries.flat]
        denominator = math.lcm(*(v.denominator for v in values)) if values else 1
        height = max((abs(v.numerator) * (denominator // v.denominator) for v in values),
                     default=0)
        env[name] = _Weighed(Signal(np.zeros(exact.shape, dtype=np.int64), exact.origin),
                             height, denominator, 0)
    backend = _HeightBackend()
    left, right = evaluate_sides(claim.statement, env, backend)
    # With roots of unity present, the circular periods join L: circular sums are then
    # transforms over F_p (CyclotomicBackend).
    order = math.lcm(backend.order, backend.periods) if backend.order > 1 else 1
    return int(left.height * right.denominator + right.height * left.denominator), order


def _folds(signals: list[_Weighed], period: tuple[int, ...]) -> int:
    """The most entries of either signal that fold onto one sample of the period."""
    return max(math.prod(-(-n // m) for n, m in zip(w.value.shape, period, strict=True))
               for w in signals)


def _primes_that_may_divide(height: int) -> int:
    """How many distinct primes of :data:`NTT_PRIMES` can divide a non-zero integer of
    absolute value at most ``height`` (their product would exceed it)."""
    smallest = min(prime for prime, _ in NTT_PRIMES)
    count = 0
    while smallest ** (count + 1) <= height:
        count += 1
    return count


def _fraction(poly: Any) -> Any:
    c = poly.constant_value()
    return Fraction(int(c.numerator), int(c.denominator))


def attempt(claim: Claim, budget: Budget, seed: int | None = None) -> Result | None:
    """PROBABLE (with error bound) / REFUTED; None when the statement is not modular.

    Every random choice comes from one generator seeded with ``seed`` (by default
    :func:`claim_seed`), reported in the result's detail.
    """
    if _applicable(claim) is not None:
        return None
    assert claim.statement is not None
    start = time.monotonic()
    seed = claim_seed(claim) if seed is None else seed
    rng = np.random.default_rng(seed)
    symbolic = {n for a in claim.assignments() for n, s in a.items() if s.is_symbolic}
    deg = max(degree(claim.statement.left, symbolic), degree(claim.statement.right, symbolic), 1)
    negated = claim.statement.op == "!="
    trials = _cyclotomic_trials if _cyclotomic(claim) else _trials
    last_error: SymconvError | None = None
    # (a signal fixed in the first assignment but symbolic in another gets no large size;
    # the declared sizes are evaluated all the same)
    candidates = list(large_sizes(claim)) or ([{}] if symbolic else [])
    if _names_sizes(claim.statement):
        # at other sizes the statement is another claim (a period that no longer wraps, a
        # size function's new value): it is stated at the declared sizes only
        candidates = []
    for sizes in candidates:
        try:
            return trials(claim, sizes, deg, negated, rng, seed, budget, start)
        except NotModular:
            return None
        except SymconvError as exc:  # these sizes do not fit the statement; try the next
            last_error = exc
    if symbolic and (last_error is not None or not candidates):
        # The statement names sizes (zeropad lengths, periods, DFT sizes) that the large
        # shapes outgrow; scaling those numbers would change the claim, so the random
        # evaluation stays at the declared sizes, where the claim is stated.
        try:
            result = trials(claim, {}, deg, negated, rng, seed, budget, start)
        except NotModular:
            return None
        except SymconvError as exc:
            last_error = exc
        else:
            why = (f"the large sizes do not fit the sizes the statement names ({last_error})"
                   if last_error else "the statement names sizes")
            result.detail = f"{result.detail}; at the declared sizes only: {why}"
            return result
    detail = f"no large sizes fit the statement ({last_error})" if last_error else (
        "no symbolic signals to randomize")
    return Result(Verdict.INCONCLUSIVE, METHOD, [], time.monotonic() - start, detail=detail)


@lru_cache(maxsize=32)
def prime_candidates(order: int) -> np.ndarray:
    """Every prime p ≡ 1 (mod ``order``) in [2^30, 2^31), up to :data:`PRIME_CANDIDATES` of
    the progression's terms: the set the cyclotomic trials draw from, counted exactly (a
    sieve of the progression by the primes below sqrt(2^31))."""
    first = PRIME_FLOOR + (1 - PRIME_FLOOR) % order
    count = max(0, min(PRIME_CANDIDATES, (2 * PRIME_FLOOR - first + order - 1) // order))
    prime = np.ones(count, dtype=bool)
    limit = math.isqrt(first + (count - 1) * order) + 1
    small = np.ones(limit + 1, dtype=bool)
    small[:2] = False
    for q in range(2, math.isqrt(limit) + 1):
        if small[q]:
            small[q * q::q] = False
    for q in np.flatnonzero(small).tolist():
        if order % q:  # first + k order ≡ 1 (mod q) when q | order: never divisible
            prime[(-first * pow(order, -1, q)) % q::q] = False
    return first + order * np.flatnonzero(prime).astype(np.int64)


def _root_of_unity(prime: int, order: int, rng: np.random.Generator) -> int:
    """A uniformly random primitive ``order``-th root of unity mod ``prime`` (``order`` | p - 1)."""
    factors = _prime_factors(order)
    while True:
        # a uniform in F_p^* makes a^((p-1)/L) uniform in the L-th roots of unity
        root = pow(int(rng.integers(1, prime)), (prime - 1) // order, prime)
        if all(pow(root, order // q, prime) != 1 for q in factors):
            return root


def _cyclotomic_trials(claim: Claim, sizes: dict[str, tuple[int, ...]], deg: int, negated: bool,
                       rng: np.random.Generator, seed: int, budget: Budget,
                       start: float) -> Result:
    """Trials through Z[ζ_L] -> F_p, ζ_L -> r, for random primes p ≡ 1 (mod L) and random
    primitive L-th roots r (a ring homomorphism, so equal sides stay equal).

    A false claim's difference has a coefficient c ≠ 0 in Z[ζ_L] (denominators cleared)
    with Σ|c_j| <= H, so 0 < |N(c)| <= H^φ(L).  The pairs (p, r) are the primes 𝔭 =
    (p, ζ - r) of Z[ζ_L] above the candidate primes (φ(L) for each p), and c maps to 0
    exactly when c ∈ 𝔭.  Each such 𝔭 puts a factor p >= 2^30 into N(c), so at most
    φ(L)·log2(H)/30 of the |S|·φ(L) pairs lose c: a uniform pair does with probability
    <= log2(H)/(30·|S|).  Otherwise the image is a non-zero polynomial of degree <= D over
    F_p, which vanishes at a uniform point with probability <= D/p (Schwartz–Zippel).
    Trials are independent, so their bounds multiply.
    """
    assert claim.statement is not None
    declared = claim.assignments()
    checks: list[tuple[dict[str, SignalSpec], dict[str, tuple[int, ...]]]] = [
        (assignment, {}) for assignment in declared]
    if not negated and sizes and sizes != _symbolic_shapes(declared[0]):
        checks.append((declared[0], sizes))
    checked = [{n: at.get(n, s.shape) for n, s in a.items() if s.is_symbolic}
               for a, at in checks]
    weighed = [_difference_height(claim, assignment, at) for assignment, at in checks]
    height = max(h for h, _ in weighed)
    order = math.lcm(1, *(o for _, o in weighed))
    candidates = prime_candidates(order)
    elapsed = time.monotonic() - start
    if not candidates.size:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed,
                      detail=f"no prime ≡ 1 (mod {order}) in [2^30, 2^31)")
    phi = euler_phi(order)
    bad = phi * height.bit_length() // (PRIME_FLOOR.bit_length() - 1)  # pairs (p, r) losing c
    per_trial = bad / (candidates.size * phi) + deg / PRIME_FLOOR
    if not negated and per_trial >= 0.5:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed,
                      detail=f"coefficients up to {height:.3g} in Q(ζ_{order}) may vanish "
                             f"at up to {bad} of the {candidates.size}·{phi} primes above the "
                             f"candidate primes")
    trials = TRIALS if negated else max(TRIALS, min(MAX_TRIALS, math.ceil(
        math.log(TARGET_ERROR) / math.log(per_trial))))
    pairs = any(isinstance(node, Call) and node.func == "conj" for node in walk(claim.statement))
    size_dependent: dict[str, tuple[int, ...]] | None = None
    witnessed: set[int] = set()
    witness: Any = None
    witness_prime = 0
    primes = []
    for trial in range(trials):
        if trial:
            budget.check()
        prime = int(candidates[rng.integers(candidates.size)])
        backend = CyclotomicBackend(prime, order, _root_of_unity(prime, order, rng))
        evaluator: Any = ConjugatePairs(backend) if pairs else backend
        for number, (assignment, at) in enumerate(checks):
            env = _random_env(assignment, at, backend, rng, pairs)
            left, right = evaluate_sides(claim.statement, env, evaluator)
            found = difference(*((left.value, right.value) if pairs else (left, right)))
            if found is not None and not negated and number >= len(declared):
                # false at the large sizes only: the statement depends on the size (a 1/N
                # written as a number); the claim is about its declared sizes
                size_dependent = checked[number]
                checks, checked = checks[:len(declared)], checked[:len(declared)]
                break
            if found is not None and not negated:
                return _differs(claim, checked[number], found, prime, seed, negated, budget,
                                start)
            if found is not None:
                witnessed.add(number)
                witness, witness_prime = found, prime
        if negated and len(witnessed) == len(checks):
            result = _differs(claim, checked[0], witness, witness_prime, seed, negated, budget,
                              start)
            result.sizes = checked
            return result
        primes.append(prime)
    elapsed = time.monotonic() - start
    if negated:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed,
                      detail=f"no difference at every declared size in {trials} random trials;"
                             " a != claim needs a witness at each")
    return Result(Verdict.PROBABLE, METHOD, checked, elapsed, error_bound=per_trial**trials,
                  detail=f"{trials} trials through Z[ζ_{order}] -> F_p, ζ -> r, each missing a "
                         f"difference with probability <= {bad}/({candidates.size}·{phi}) "
                         f"(pairs of a prime p ≡ 1 mod {order} in [2^30, 2^31) and a root r that "
                         f"may lose a coefficient of height <= {height:.3g}) + {deg}/2^30 "
                         f"(Schwartz–Zippel, degree <= {deg}); primes {primes}, seed {seed}"
                         + ("" if size_dependent is None else
                            f"; fails at {size_dependent}: the statement depends on the size"))


def _trials(claim: Claim, sizes: dict[str, tuple[int, ...]], deg: int, negated: bool,
            rng: np.random.Generator, seed: int, budget: Budget, start: float) -> Result:
    assert claim.statement is not None
    # The declared sizes first: the large sizes change the ratios between the signals' shapes
    # (in 1D all become 10^5), so a claim false only at the declared shapes would pass there.
    # A != claim is about its declared sizes only: a difference elsewhere is no witness.
    declared = claim.assignments()
    checks: list[tuple[dict[str, SignalSpec], dict[str, tuple[int, ...]]]] = [
        (assignment, {}) for assignment in declared]
    if not negated and sizes and sizes != _symbolic_shapes(declared[0]):
        checks.append((declared[0], sizes))
    checked = [{n: at.get(n, s.shape) for n, s in a.items() if s.is_symbolic}
               for a, at in checks]
    # Schwartz–Zippel needs the difference to be non-zero mod p: a prime that divides every
    # coefficient proves nothing, so as many extra primes are used as could divide them all
    # (a difference found is a difference whatever the height).
    height = 0 if negated else max(_difference_height(claim, assignment, at)[0]
                                   for assignment, at in checks)
    needed = TRIALS + _primes_that_may_divide(height)
    trials = min(needed, len(NTT_PRIMES))
    witnessed: set[int] = set()
    witness: Any = None
    witness_prime = 0
    bound = 1.0
    primes = []
    for trial in range(trials):
        if trial:
            budget.check()
        prime, root = NTT_PRIMES[trial]
        backend = ModularBackend(prime, root)
        for number, (assignment, at) in enumerate(checks):
            env = _random_env(assignment, at, backend, rng)
            left, right = evaluate_sides(claim.statement, env, backend)
            found = difference(left, right)
            if found is not None and not negated:
                return _differs(claim, checked[number], found, prime, seed, negated, budget,
                                start)
            if found is not None:
                witnessed.add(number)
                witness, witness_prime = found, prime
        if negated and len(witnessed) == len(checks):
            result = _differs(claim, checked[0], witness, witness_prime, seed, negated, budget,
                              start)
            result.sizes = checked  # the sides differ at every declared size
            return result
        if trial < TRIALS:  # the primes are in increasing order: count the weakest trials
            bound *= deg / prime
        primes.append(prime)
    elapsed = time.monotonic() - start
    if needed > trials:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed,
                      detail=f"no difference in {trials} random trials, but the coefficients of "
                             f"the difference may reach {height:.3g}: they could vanish modulo "
                             f"every prime available")
    if negated:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed, error_bound=bound,
                      detail=f"no difference at every declared size in {trials} random trials;"
                             " a != claim needs a witness at each")
    return Result(Verdict.PROBABLE, METHOD, checked, elapsed, error_bound=bound,
                  detail=f"{trials} trials, degree <= {deg}, primes {primes}, seed {seed}"
                         + ("" if trials == TRIALS else
                            f"; the bound counts {TRIALS}: coefficients up to {height:.3g} "
                            f"may be divisible by {trials - TRIALS} of the primes"))


def _differs(claim: Claim, sizes: dict[str, tuple[int, ...]], found: Any, prime: int, seed: int,
             negated: bool, budget: Budget, start: float) -> Result:
    """The sides differ mod p, hence over Q: look for a small exact counterexample."""
    coordinate, left, right = found
    detail = (f"the sides differ mod {prime} at {coordinate} ({left} vs {right}) with random "
              f"entries (seed {seed})")
    counterexample: Counterexample | None = None
    cex_sizes = sizes
    at_declared = not sizes or any(all(sizes.get(n, spec.shape) == spec.shape
                                       for n, spec in assignment.items())
                                   for assignment in claim.assignments())
    for assignment in _exact_candidates(claim):
        try:
            counterexample, cex_sizes = minimal_counterexample(claim, assignment, budget)
            at_declared = True
            break
        except (AssertionError, SizeLimitError, SymconvError):
            at_declared = True  # the declared sizes differ exactly
            continue
    if not at_declared:
        # the claim is stated at the declared sizes; elsewhere it may depend on the size
        return Result(Verdict.INCONCLUSIVE, METHOD, [sizes], time.monotonic() - start,
                      detail=f"{detail}, at {format_sizes(sizes)}, not at the declared sizes "
                             "(the statement may depend on the size)")
    if counterexample is None and not negated:
        # the declared sizes are too large for exact sides: look at small sizes instead
        small = small_counterexample(claim, claim.assignments()[0], budget)
        if small is not None:
            counterexample, cex_sizes = small
            detail += f"; smallest exact counterexample at {format_sizes(cex_sizes)}"
    verdict = Verdict.VERIFIED if negated else Verdict.REFUTED
    if counterexample is not None and cex_sizes != sizes and "smallest" not in detail:
        detail += f"; smallest exact counterexample at {format_sizes(cex_sizes)}"
    return Result(verdict, METHOD, [sizes],
                  time.monotonic() - start, counterexample=counterexample, detail=detail)


def _exact_candidates(claim: Claim) -> Iterator[dict[str, SignalSpec]]:
    """Declared sizes whose exact sides differ, for the minimal counterexample search."""
    from symconv.prove.counterexample import build_env, exact_difference

    for assignment in claim.assignments():
        try:
            if exact_difference(claim, build_env(assignment)) is not None:
                yield assignment
        except SymconvError:
            continue
