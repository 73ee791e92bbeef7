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
2D, 64^3 in 3D; the others 10^5, 15x15, 5^3 (odd declared sizes stay odd); ``sizes``
in the claim overrides them.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.dsl import SIZE_FUNCTIONS, Imag, walk
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.prove import Budget, Counterexample, Result, Verdict, format_sizes
from symconv.prove.counterexample import (
    difference,
    minimal_counterexample,
    small_counterexample,
)
from symconv.prove.evaluate import degree, evaluate_sides, size_value
from symconv.prove.modular import NTT_PRIMES, ModularBackend, NotModular
from symconv.signal import Signal

if TYPE_CHECKING:
    from symconv.claims import Claim, SignalSpec

METHOD = "random mod p"
TRIALS = 3
IMAGE_SIZE = {1: 100_000, 2: 512, 3: 64}
KERNEL_SIZE = {1: 100_000, 2: 15, 3: 5}
_NOT_MODULAR = frozenset({"dft", "idft"})


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
    largest = max(symbolic, key=lambda n: int(np.prod(base[n].shape)))
    yield {n: _large_shape(base[n], IMAGE_SIZE if n == largest else KERNEL_SIZE, 3)
           for n in symbolic}
    yield {n: _large_shape(base[n], KERNEL_SIZE, 3) for n in symbolic}


def _applicable(claim: Claim) -> str | None:
    """Why the random tier cannot run this claim, or None."""
    if claim.statement is None:
        return "a Python claim"
    for node in walk(claim.statement):
        if isinstance(node, Imag):
            return "an imaginary constant"
        if getattr(node, "func", None) in _NOT_MODULAR:
            return f"{node.func}()"  # type: ignore[union-attr]
    if any(not s.real for specs in claim.signals.values() for s in specs):
        return "complex signals"
    return None


def _random_env(assignment: dict[str, SignalSpec], sizes: dict[str, tuple[int, ...]],
                backend: ModularBackend, rng: np.random.Generator) -> dict[str, Signal]:
    """Random residues for the symbolic signals (at ``sizes`` where given, else as declared);
    fixed signals reduced mod p."""
    env = {}
    for name, spec in assignment.items():
        if spec.is_symbolic:
            shape = sizes.get(name, spec.shape)
            origin = spec.origin if spec.origin is not None and len(shape) == len(spec.origin) \
                else tuple(-(n // 2) for n in shape)
            values = rng.integers(0, backend.prime, size=shape, dtype=np.int64)
            env[name] = Signal(values, origin)
        else:
            exact = spec.build(name)
            residues = np.array([backend.residue(_fraction(p)) for p in exact.entries.flat],
                                dtype=np.int64).reshape(exact.shape)
            env[name] = Signal(residues, exact.origin)
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

    def number(self, value: Fraction) -> _Weighed:
        return _Weighed(self.modular.number(value), abs(value.numerator), value.denominator, 0,
                        value)

    def imag(self, value: Fraction) -> Any:
        raise NotModular("imaginary constants have no modular evaluation here")

    def call(self, func: str, signals: list[Any], ints: list[int],
             options: dict[str, Any]) -> _Weighed:
        if func in SIZE_FUNCTIONS:
            return self.number(Fraction(size_value(func, signals[0].value.shape, ints)))
        value = self.modular.call(func, [w.value for w in signals], ints, options)
        sizes = [w.value.entries.size for w in signals]
        if func in ("conv", "corr"):
            terms = sizes[0]  # one product per kernel entry
        elif func in ("circconv", "circcorr"):
            terms = sizes[0] * sizes[1]  # each pair of entries at most once
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
                       sizes: dict[str, tuple[int, ...]]) -> int:
    """A bound on the integer coefficients of the sides' difference, cleared of denominators."""
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
    left, right = evaluate_sides(claim.statement, env, _HeightBackend())
    return int(left.height * right.denominator + right.height * left.denominator)


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


def attempt(claim: Claim, budget: Budget) -> Result | None:
    """PROBABLE (with error bound) / REFUTED; None when the statement is not modular."""
    if _applicable(claim) is not None:
        return None
    assert claim.statement is not None
    start = time.monotonic()
    seed = secrets.randbits(64)
    rng = np.random.default_rng(seed)
    symbolic = {n for a in claim.assignments() for n, s in a.items() if s.is_symbolic}
    deg = max(degree(claim.statement.left, symbolic), degree(claim.statement.right, symbolic), 1)
    negated = claim.statement.op == "!="
    last_error: SymconvError | None = None
    # (a signal fixed in the first assignment but symbolic in another gets no large size;
    # the declared sizes are evaluated all the same)
    candidates = list(large_sizes(claim)) or ([{}] if symbolic else [])
    for sizes in candidates:
        try:
            return _trials(claim, sizes, deg, negated, rng, seed, budget, start)
        except NotModular:
            return None
        except SymconvError as exc:  # these sizes do not fit the statement; try the next
            last_error = exc
    detail = f"no large sizes fit the statement ({last_error})" if last_error else (
        "no symbolic signals to randomize")
    return Result(Verdict.INCONCLUSIVE, METHOD, [], time.monotonic() - start, detail=detail)


def _trials(claim: Claim, sizes: dict[str, tuple[int, ...]], deg: int, negated: bool,
            rng: np.random.Generator, seed: int, budget: Budget, start: float) -> Result:
    assert claim.statement is not None
    # The declared sizes first: the large sizes change the ratios between the signals' shapes
    # (in 1D all become 10^5), so a claim false only at the declared shapes would pass there.
    # A != claim is about its declared sizes only: a difference elsewhere is no witness.
    declared = claim.assignments()
    checks: list[tuple[dict[str, SignalSpec], dict[str, tuple[int, ...]]]] = [
        (assignment, {}) for assignment in declared]
    if not negated and sizes:
        checks.append((declared[0], sizes))
    checked = [{n: at.get(n, s.shape) for n, s in a.items() if s.is_symbolic}
               for a, at in checks]
    # Schwartz–Zippel needs the difference to be non-zero mod p: a prime that divides every
    # coefficient proves nothing, so as many extra primes are used as could divide them all
    # (a difference found is a difference whatever the height).
    height = 0 if negated else max(_difference_height(claim, assignment, at)
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
    for assignment in _exact_candidates(claim):
        try:
            counterexample, cex_sizes = minimal_counterexample(claim, assignment, budget)
            break
        except (AssertionError, SizeLimitError, SymconvError):
            continue
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
