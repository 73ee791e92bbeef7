"""The random tier: Schwartz–Zippel evaluation modulo random primes at large sizes.

Each trial maps the statement through a ring homomorphism to F_p, fills every symbolic
signal with uniformly random residues and evaluates both sides exactly
(:func:`_trials`, one loop for every claim):

- claims without roots of unity: Z -> F_p for a uniformly random prime p of
  [2^61, 2^62) (:class:`~symconv.prove.modular.WideBackend`, FLINT's ``nmod_poly``
  products); ``wide=False`` takes the numpy primes below instead, for comparison;
- claims with roots of unity (a DFT, ``1j``, complex entries): Z[ζ_L] -> F_p, ζ_L -> r,
  for a random prime p ≡ 1 (mod L) of [2^30, 2^31) and a random primitive L-th root r
  (:class:`~symconv.prove.modular.CyclotomicBackend`, numpy transforms).

If the identity is false, the difference of the sides has a non-zero coefficient c of
height H (:class:`_HeightBackend`, from the constants, fixed kernels and the shapes the
operations see) and degree at most D (from the statement).  It survives a trial unless
the prime lies above one of the few primes that divide the norm of c, or the random
point is a root (probability <= D/p, Schwartz–Zippel); both terms are bounded and their
sum is reported per trial, the product over the trials as the error bound.  Trials are
added until the bound is below :data:`TARGET_ERROR`.

A difference at a declared size is a genuine difference over Q (the constants'
denominators are invertible mod p), so it refutes an ``==`` claim; the exact tier then
looks for a small counterexample.  Declared sizes decide: every trial evaluates them
(a claim may fail only at the declared ratios of the shapes), a difference found only at
the tier's large sizes is INCONCLUSIVE with a note (never REFUTED, never PROBABLE), and a
``!=`` claim needs a difference at every declared size.
Default large sizes: the signal declared largest becomes 10^5 long in 1D, 512x512 in
2D, 64^3 in 3D; the others 10^5, 15x15, 5^3 (odd declared sizes stay odd); signals of
equal declared shapes all become the largest first; for claims with roots of unity every
signal first becomes 2^16, 512x512 or 64^3 (powers of two); ``sizes`` in the claim
overrides them.  A statement that names sizes (a zeropad length, a period, a DFT size, a
size function) is evaluated at its declared sizes only, saying so: those numbers do not
scale with the shapes.  Every random choice is seeded (the claim's ``seed``, else
:func:`claim_seed`) and the seed is reported.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from flint import fmpz

from symconv.core import ops
from symconv.core.cyclotomic import euler_phi
from symconv.core.fourier import dft_period
from symconv.core.signal import Signal
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.lang.dsl import (
    FUNCTIONS,
    SIZE_FUNCTIONS,
    SIZED_CALLS,
    BinOp,
    Call,
    Imag,
    Neg,
    Node,
    Number,
    Statement,
    integer_value,
    names_sizes,
    walk,
)
from symconv.lang.operations import (
    OPERATIONS,
    ROOTS_OF_UNITY,
    Implementation,
    Unsupported,
    dispatch_table,
)
from symconv.prove.counterexample import (
    difference,
    minimal_counterexample,
    small_counterexample,
)
from symconv.prove.evaluate import degree, evaluate_sides, size_functions, size_value
from symconv.prove.modular import (
    MAX_MATRIX_TRANSFORM,
    NTT_PRIMES,
    Conjugated,
    ConjugatePairs,
    CyclotomicBackend,
    ModularBackend,
    NotModular,
    WideBackend,
    _prime_factors,
)
from symconv.prove.verdict import Budget, Counterexample, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

METHOD = "random mod p"
# At least this many trials (each with its own prime), more until the bound is below
# TARGET_ERROR (at most MAX_TRIALS).
TRIALS = 1
IMAGE_SIZE = {1: 100_000, 2: 512, 3: 64}
# Claims with roots of unity: powers of two (radix-2 transforms mod p; the parity of a
# centred kernel does not matter on Z_n), and 1D lengths whose order keeps many primes.
CYCLOTOMIC_SIZE = {1: 2**16, 2: 512, 3: 64}
KERNEL_SIZE = {1: 100_000, 2: 15, 3: 5}
# The cyclotomic trials draw primes from [2^30, 2^31) ≡ 1 (mod L), from this many candidates.
PRIME_FLOOR = 2**30
PRIME_CANDIDATES = 2**21
# Trials are added until the bound is below this: one trial mod a 62-bit prime, about three
# for the 512x512 DFT theorems (where the primes that may lose a coefficient dominate).
TARGET_ERROR = 1e-15
MAX_TRIALS = 12
# Claims without roots of unity draw primes from [2^61, 2^62).  Rosser and Schoenfeld (1962,
# (3.5) and (3.6)): x/ln x < π(x) < 1.25506 x/ln x for x >= 17, so the interval holds at
# least this many primes (about 3.9e16; rounded down by a percent for the float arithmetic).
WIDE_FLOOR = 2**61
WIDE_PRIME_COUNT = int(0.99 * (2 * WIDE_FLOOR / math.log(2 * WIDE_FLOOR)
                               - 1.25506 * WIDE_FLOOR / math.log(WIDE_FLOOR)))


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


def _scale(node: Node, factor: int) -> Node:
    """``node`` with every size it names (the integers of a zeropad, a period, a DFT size)
    mapped by x -> factor·(x - 1) + 1 (:func:`_scaled_sizes`)."""
    if isinstance(node, Call):
        count = FUNCTIONS[node.func].signals
        args = [_scale(a, factor) for a in node.args[:count]]
        for arg in node.args[count:]:
            value = integer_value(arg)
            args.append(arg if node.func not in SIZED_CALLS or value is None or value < 1
                        else Number(Fraction(factor * (value - 1) + 1)))
        return replace(node, args=tuple(args),
                       kwargs=tuple((k, _scale(v, factor)) for k, v in node.kwargs))
    if isinstance(node, BinOp):
        return replace(node, left=_scale(node.left, factor), right=_scale(node.right, factor))
    if isinstance(node, Neg):
        return replace(node, operand=_scale(node.operand, factor))
    return node


def _scaled_sizes(claim: Claim) -> tuple[Statement, dict[str, tuple[int, ...]], str] | str:
    """The claim at larger sizes with the sizes it names scaled alike, or why it cannot be.

    Every declared extent and every named size x becomes k(x - 1) + 1 (lengths 1 stay 1):
    the map keeps the relations between lengths that the operations create (a full
    convolution of lengths a and b has length a + b - 1, and k(a-1)+1 + k(b-1)+1 - 1 =
    k(a+b-2)+1) and every order between them (a period that wraps still wraps).  Whether
    the claim holds there is still a question for the trials: a difference found only at
    the scaled sizes decides nothing (:func:`_trials`).
    """
    assert claim.statement is not None
    if any(isinstance(n, Call) and n.func in SIZE_FUNCTIONS for n in walk(claim.statement)):
        return ("a size function's value changes with the shapes, the numbers it is compared "
                "with do not")
    base = claim.assignments()[0]
    symbolic = {n: s for n, s in base.items() if s.is_symbolic}
    if not symbolic:
        return "no symbolic signals to scale"
    if len(symbolic) < len(base):
        return "a fixed signal (a kernel, a literal) does not scale"
    if any(s.origin is not None and any(s.origin) for s in symbolic.values()):
        return "an explicit non-zero origin does not scale with the shape"
    named = [v for node in walk(claim.statement) if isinstance(node, Call)
             and node.func in SIZED_CALLS
             for a in node.args[FUNCTIONS[node.func].signals:]
             if (v := integer_value(a)) is not None]
    ndim = max(len(s.shape) for s in symbolic.values())
    table = CYCLOTOMIC_SIZE if _cyclotomic(claim) else IMAGE_SIZE
    target = min(table.get(ndim, 8), MAX_MATRIX_TRANSFORM) if _cyclotomic(claim) else \
        table.get(ndim, 8)
    largest = max([*named, *(d for s in symbolic.values() for d in s.shape)])
    factor = (target - 1) // max(largest - 1, 1)
    if factor < 2:
        return "the declared sizes are already as large as the tier's large sizes"
    sizes = {n: tuple(factor * (d - 1) + 1 for d in s.shape) for n, s in symbolic.items()}
    scaled = replace(claim.statement, left=_scale(claim.statement.left, factor),
                     right=_scale(claim.statement.right, factor))
    return scaled, sizes, f"every size x -> {factor}(x - 1) + 1, named sizes too"


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
    return (any(isinstance(node, Imag) or (isinstance(node, Call) and node.func in ROOTS_OF_UNITY)
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
            origin = spec.origin_at(shape)
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

    operations: ClassVar[dict[str, Implementation[_HeightBackend] | Unsupported]]

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
        impl = self.operations[func]
        if isinstance(impl, Unsupported):
            raise NotModular(impl.reason)
        result: _Weighed = impl(self, signals, ints, options)
        return result

    def fourier(self, source: _Weighed, ints: list[int], inverse: bool) -> _Weighed:
        """A DFT entry sums one root-of-unity multiple of every input entry; the inverse
        divides by N.  With every random entry 0 the value is 0 on the period's box."""
        dims = dft_period(source.value, tuple(ints))
        self.order = math.lcm(self.order, *dims)
        count = math.prod(dims)
        zero = Signal(np.zeros(dims, dtype=np.int64), (0,) * len(dims))
        return _Weighed(zero, source.height * source.value.entries.size,
                        source.denominator * (count if inverse else 1), source.degree)

    def circular_terms(self, signals: list[_Weighed], ints: list[int]) -> int:
        """An output entry pairs each entry of one signal with the entries of the other
        that fold onto the one sample it meets: at most size(a)·folds(b), and size(b)·folds(a)."""
        period = ops.circular_period(signals[0].value, signals[1].value, ints or None)
        self.periods = math.lcm(self.periods, *period)
        a, b = signals
        return min(a.value.entries.size * _folds(b, period), b.value.entries.size * _folds(a, period))

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


def _modular(func: str, terms: Callable[[_HeightBackend, list[_Weighed], list[int]], int],
             ) -> Implementation[_HeightBackend]:
    """``func`` evaluated mod p, each output coefficient a sum of at most ``terms`` products
    of one entry of each argument."""
    def implementation(backend: _HeightBackend, signals: list[_Weighed], ints: list[int],
                       options: dict[str, Any]) -> _Weighed:
        value = backend.modular.call(func, [w.value for w in signals], ints, options)
        return _product(value, signals, terms(backend, signals, ints))
    return implementation


def _one(backend: _HeightBackend, signals: list[_Weighed], ints: list[int]) -> int:
    return 1  # an entry of the result is one entry of (each of) the arguments


def _first_size(backend: _HeightBackend, signals: list[_Weighed], ints: list[int]) -> int:
    # conv/corr: one product per kernel entry; periodize: the entries landing on one point
    return int(signals[0].value.entries.size)


def _smallest_size(backend: _HeightBackend, signals: list[_Weighed], ints: list[int]) -> int:
    return min(w.value.entries.size for w in signals)  # sum, frobenius: one term per entry


_HEIGHT_TERMS: dict[str, Callable[[_HeightBackend, list[_Weighed], list[int]], int]] = {
    "conv": _first_size, "corr": _first_size, "periodize": _first_size,
    "circconv": lambda backend, signals, ints: backend.circular_terms(signals, ints),
    "circcorr": lambda backend, signals, ints: backend.circular_terms(signals, ints),
    "sum": _smallest_size, "frobenius": _smallest_size,
    "trace": lambda backend, signals, ints: min(signals[0].value.shape),
    "flip": _one, "shift": _one, "zeropad": _one, "transpose": _one, "hadamard": _one,
    "downsample": _one, "upsample": _one,
}

_HeightBackend.operations = dispatch_table("_HeightBackend", {
    **size_functions(lambda backend, weighed, ints, func:
                     backend.number(Fraction(size_value(func, weighed.value.shape, ints)))),
    **{func: _modular(func, terms) for func, terms in _HEIGHT_TERMS.items()},
    "dft": lambda backend, signals, ints, options: backend.fourier(signals[0], ints, False),
    "idft": lambda backend, signals, ints, options: backend.fourier(signals[0], ints, True),
    "conj": lambda backend, signals, ints, options: signals[0],  # keeps every coefficient's size
})


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
            origin = spec.origin_at(shape)
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


def _folds(signal: _Weighed, period: tuple[int, ...]) -> int:
    """The most entries of the signal that fold onto one sample of the period."""
    return math.prod(-(-n // m) for n, m in zip(signal.value.shape, period, strict=True))


def _fraction(poly: Any) -> Any:
    c = poly.constant_value()
    return Fraction(int(c.numerator), int(c.denominator))


def attempt(claim: Claim, budget: Budget, seed: int | None = None,
            wide: bool | None = None) -> Result | None:
    """PROBABLE (with error bound) / REFUTED; None when the statement is not modular.

    Every random choice comes from one generator seeded with ``seed`` (else the claim's
    ``seed``, else :func:`claim_seed`), reported in the result (``seed`` and its detail).
    ``wide=False`` evaluates claims without roots of unity with numpy modulo primes below
    2^31 instead of FLINT's 62-bit primes (for comparison; see :func:`_trials`).
    """
    if _applicable(claim) is not None:
        return None
    assert claim.statement is not None
    start = time.monotonic()
    if seed is None:
        seed = claim_seed(claim) if claim.seed is None else claim.seed
    rng = np.random.default_rng(seed)
    symbolic = {n for a in claim.assignments() for n, s in a.items() if s.is_symbolic}
    if not symbolic:  # nothing random happens, so no seed is reported
        return Result(Verdict.INCONCLUSIVE, METHOD, [], time.monotonic() - start,
                      detail=nothing_to_draw(claim))
    deg = max(degree(claim.statement.left, symbolic), degree(claim.statement.right, symbolic), 1)
    negated = claim.statement.op == "!="

    def trials(sizes: dict[str, tuple[int, ...]], scaled: Statement | None = None) -> Result:
        return _trials(claim, sizes, deg, negated, rng, seed, budget, start, wide, scaled)

    last_error: SymconvError | None = None
    if names_sizes(claim.statement):
        # The statement names sizes (zeropad lengths, periods, DFT sizes, size functions):
        # at other shapes alone it is another claim (a period that no longer wraps), so the
        # named sizes are scaled with the shapes, or the declared sizes are evaluated only.
        scaling = _scaled_sizes(claim)
        why = scaling if isinstance(scaling, str) else ""
        if not isinstance(scaling, str):
            statement, sizes, how = scaling
            try:
                result = trials(sizes, statement)
            except NotModular:
                return None
            except SymconvError as exc:
                why = f"the scaled sizes ({how}) do not fit: {exc}"
            else:
                if result.verdict in (Verdict.PROBABLE, Verdict.INCONCLUSIVE):
                    result.detail += f"; the large sizes scaled as declared: {how}"
                return result
    else:
        # (a signal fixed in the first assignment but symbolic in another gets no large
        # size; the declared sizes are evaluated all the same)
        for sizes in list(large_sizes(claim)) or [{}]:
            try:
                return trials(sizes)
            except NotModular:
                return None
            except SymconvError as exc:  # these sizes do not fit the statement; try the next
                last_error = exc
        why = f"the large sizes do not fit the statement ({last_error})"
    try:
        result = trials({})
    except NotModular:
        return None
    except SymconvError as exc:
        last_error = exc
    else:
        if result.verdict in (Verdict.PROBABLE, Verdict.INCONCLUSIVE):
            result.detail += f"; at the declared sizes only: {why}"
        return result
    return Result(Verdict.INCONCLUSIVE, METHOD, [], time.monotonic() - start,
                  detail=f"no large sizes fit the statement ({last_error})", seed=seed)


def nothing_to_draw(claim: Claim) -> str:
    """Why the random tier leaves a claim whose signals all have fixed entries undecided."""
    fixed = sorted({n for a in claim.assignments() for n in a})
    return (f"every signal has fixed entries ({', '.join(fixed)}): the random tier draws the "
            "entries of symbolic signals and has none to draw; both sides are fixed arrays, "
            "which the exact tier computes and compares (tier 'exact')")


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


class _NoBound(SymconvError):
    """The large sizes give no useful bound (their roots of unity leave too few primes)."""


@dataclass(frozen=True)
class _Primes:
    """Where the trials draw their primes from: uniformly from at least ``count`` primes, each
    at least 2^``bits``; ``draw`` returns one (and, for roots of unity, the backend)."""

    bits: int
    count: int
    text: str
    draw: Callable[[np.random.Generator], tuple[int, ModularBackend]]


def _word_primes(order: int) -> _Primes | None:
    """Primes p ≡ 1 (mod ``order``) in [2^30, 2^31), counted exactly (:func:`prime_candidates`),
    with a uniform primitive ``order``-th root r: numpy int64 arithmetic, ζ_L -> r."""
    candidates = prime_candidates(order)
    if not candidates.size:
        return None

    def draw(rng: np.random.Generator) -> tuple[int, ModularBackend]:
        prime = int(candidates[rng.integers(candidates.size)])
        return prime, CyclotomicBackend(prime, order, _root_of_unity(prime, order, rng))

    return _Primes(PRIME_FLOOR.bit_length() - 1, int(candidates.size),
                   f"p ≡ 1 mod {order} in [2^30, 2^31)", draw)


def _wide_primes() -> _Primes:
    """Primes in [2^61, 2^62), drawn uniformly by rejection (FLINT's primality test, proven
    for 64-bit integers): :class:`WideBackend`, FLINT's products."""
    def draw(rng: np.random.Generator) -> tuple[int, ModularBackend]:
        while True:
            candidate = int(rng.integers(WIDE_FLOOR, 2 * WIDE_FLOOR)) | 1
            if fmpz(candidate).is_prime():
                return candidate, WideBackend(candidate)

    return _Primes(WIDE_FLOOR.bit_length() - 1, WIDE_PRIME_COUNT, "p in [2^61, 2^62)", draw)


def _trials(claim: Claim, sizes: dict[str, tuple[int, ...]], deg: int, negated: bool,
            rng: np.random.Generator, seed: int, budget: Budget, start: float,
            wide: bool | None = None, scaled: Statement | None = None) -> Result:
    """Trials through a ring homomorphism to F_p: Z[ζ_L] -> F_p, ζ_L -> r for claims with
    roots of unity (primes p ≡ 1 mod L from [2^30, 2^31), numpy arithmetic), Z -> F_p for
    the others (primes from [2^61, 2^62), FLINT; ``wide=False`` takes the numpy primes
    instead, with L = 1).  Equal sides stay equal.

    A false claim's difference has a coefficient c ≠ 0 in Z[ζ_L] (denominators cleared)
    with Σ|c_j| <= H, so 0 < |N(c)| < 2^(φ(L)·b(H)), b(H) the bit length of H.  The trials
    draw primes 𝔭 of Z[ζ_L] of norm p >= 2^k uniformly (a prime p uniformly from S, then
    one of the φ(L) primes above it, (p, ζ - r) for a uniform primitive root r); c maps to 0
    exactly when c ∈ 𝔭, and the 𝔭 containing c multiply to a divisor of N(c), so at most
    m = (φ(L)·b(H) - 1) // k of the |S|·φ(L) lose c.  Otherwise the image is a non-zero
    polynomial of degree <= D over F_p, which vanishes at a uniform point with probability
    <= D/2^k (Schwartz–Zippel).  Trials are independent, so their bounds multiply.

    Every trial evaluates the declared sizes first (the large sizes change the ratios of the
    shapes, so a claim false only at its declared shapes would pass there), then the large
    sizes.  A difference at a declared size refutes the claim; a difference found only at the
    large sizes is no verdict (INCONCLUSIVE with a note: the statement depends on the size,
    and the claim is about its declared sizes).  A ``!=`` claim needs a difference at every
    declared size and ignores the large ones.  ``scaled``: the statement at the large sizes
    (its named sizes scaled with the shapes, :func:`_scaled_sizes`).
    """
    assert claim.statement is not None
    declared = claim.assignments()
    checks: list[tuple[Claim, dict[str, SignalSpec], dict[str, tuple[int, ...]]]] = [
        (claim, assignment, {}) for assignment in declared]
    if not negated and sizes and sizes != _symbolic_shapes(declared[0]):
        checks.append((claim if scaled is None else replace(claim, statement=scaled),
                       declared[0], sizes))
    checked = [{n: at.get(n, s.shape) for n, s in a.items() if s.is_symbolic}
               for _, a, at in checks]
    weighed = [_difference_height(*check) for check in checks]
    height = max(h for h, _ in weighed)
    order = math.lcm(1, *(o for _, o in weighed))
    roots = _cyclotomic(claim)
    source = _wide_primes() if not roots and wide is not False else _word_primes(order)
    elapsed = time.monotonic() - start
    phi = euler_phi(order)
    bad = max(0, phi * height.bit_length() - 1) // source.bits if source else 0
    per_trial = bad / (source.count * phi) + deg / 2**source.bits if source else 1.0
    if source is None or (not negated and per_trial >= 0.5):
        why = (f"no prime ≡ 1 (mod {order}) in [2^30, 2^31)" if source is None else
               f"coefficients up to {height:.3g} in Q(ζ_{order}) may vanish at up to {bad} of "
               f"the {source.count}·{phi} primes above {source.text}")
        if len(checks) > len(declared):
            raise _NoBound(f"at the large sizes, {why}")  # the declared sizes alone may do
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed, seed=seed, detail=why)
    trials = max(TRIALS, min(MAX_TRIALS, math.ceil(math.log(TARGET_ERROR)
                                                  / math.log(min(per_trial, 0.5)))))
    pairs = roots and any(isinstance(node, Call) and OPERATIONS[node.func].conjugates
                          for node in walk(claim.statement))
    size_dependent: dict[str, tuple[int, ...]] | None = None
    witnessed: set[int] = set()
    witness: Any = None
    witness_prime = 0
    primes = []
    for trial in range(trials):
        if trial:
            budget.check()
        prime, backend = source.draw(rng)
        evaluator: Any = backend
        if pairs:  # conj: roots of unity, hence the word primes' CyclotomicBackend
            assert isinstance(backend, CyclotomicBackend)
            evaluator = ConjugatePairs(backend)
        for number, (stated, assignment, at) in enumerate(checks):
            assert stated.statement is not None
            env = _random_env(assignment, at, backend, rng, pairs)
            left, right = evaluate_sides(stated.statement, env, evaluator)
            found = difference(*((left.value, right.value) if pairs else (left, right)))
            if found is None:
                continue
            if number >= len(declared):
                # the large sizes only: no verdict, but the declared sizes are still tried
                size_dependent = checked[number]
                checks, checked = checks[:len(declared)], checked[:len(declared)]
                break
            if not negated:
                return _differs(claim, checked[number], found, prime, seed, negated, budget,
                                start)
            witnessed.add(number)
            witness, witness_prime = found, prime
        if negated and len(witnessed) == len(checks):
            result = _differs(claim, checked[0], witness, witness_prime, seed, negated, budget,
                              start)
            result.sizes = checked  # the sides differ at every declared size
            return result
        primes.append(prime)
    elapsed = time.monotonic() - start
    if negated:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed, seed=seed,
                      detail=f"no difference at every declared size in {trials} random trials;"
                             " a != claim needs a witness at each")
    ring = f"Z[ζ_{order}]" if roots else "Z"
    account = (f"{trials} trials through {ring} -> F_p"
               + (", ζ -> r" if roots else "") + ", each missing a difference with probability "
               f"<= {bad}/({source.count}·{phi}) (primes {source.text} that may lose a "
               f"coefficient of height <= {height:.3g}) + {deg}/2^{source.bits} "
               f"(Schwartz–Zippel, degree <= {deg}); primes {primes}, seed {seed}")
    if size_dependent is not None:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed, seed=seed,
                      detail=f"the sides differ at {format_sizes(size_dependent)}, a size the "
                             "tier chose (the statement depends on the size), and agree at the "
                             f"declared sizes in {account}; no verdict from the declared sizes "
                             "alone")
    return Result(Verdict.PROBABLE, METHOD, checked, elapsed, error_bound=per_trial**trials,
                  seed=seed, detail=account)


def _differs(claim: Claim, sizes: dict[str, tuple[int, ...]], found: Any, prime: int, seed: int,
             negated: bool, budget: Budget, start: float) -> Result:
    """The sides differ mod p at the declared ``sizes``, hence over Q: look for a small exact
    counterexample."""
    coordinate, left, right = found
    where = "" if coordinate is None else f" at {coordinate}"  # None: scalar sides
    detail = (f"the sides differ mod {prime}{where} ({left} vs {right}) with random "
              f"entries (seed {seed})")
    counterexample: Counterexample | None = None
    cex_sizes = sizes
    # budget.witness False: the verdict alone was asked for, no counterexample search
    for assignment in _exact_candidates(claim) if budget.witness else []:
        try:
            counterexample, cex_sizes = minimal_counterexample(claim, assignment, budget)
            break
        except (AssertionError, SizeLimitError, SymconvError):
            continue
    if counterexample is None and not negated and budget.witness:
        # the declared sizes are too large for exact sides: look at small sizes instead
        small = small_counterexample(claim, claim.assignments()[0], budget)
        if small is not None:
            counterexample, cex_sizes = small
            detail += f"; smallest exact counterexample at {format_sizes(cex_sizes)}"
    verdict = Verdict.VERIFIED if negated else Verdict.REFUTED
    if counterexample is not None and cex_sizes != sizes and "smallest" not in detail:
        detail += f"; smallest exact counterexample at {format_sizes(cex_sizes)}"
    return Result(verdict, METHOD, [sizes], time.monotonic() - start,
                  counterexample=counterexample, detail=detail, seed=seed)


def _exact_candidates(claim: Claim) -> Iterator[dict[str, SignalSpec]]:
    """Declared sizes whose exact sides differ, for the minimal counterexample search."""
    from symconv.prove.counterexample import build_env, exact_difference

    for assignment in claim.assignments():
        try:
            if exact_difference(claim, build_env(assignment)) is not None:
                yield assignment
        except SymconvError:
            continue
