"""The random tier: Schwartz–Zippel evaluation modulo large primes at large sizes.

Each trial picks a prime p from :data:`~symconv.prove.modular.NTT_PRIMES`
(a different one per trial), fills every symbolic signal with uniformly random
residues mod p and evaluates both sides exactly in Z_p.  If the identity is
false, the difference of the sides is a non-zero polynomial of degree at most D
(computed from the statement), and a non-zero polynomial of degree D vanishes at
a uniformly random point with probability at most D/p (Schwartz–Zippel).  After
t agreeing trials the reported error bound is the product of D/p_k -- valid as
long as the difference does not have all its coefficients divisible by every
prime used (coefficients come from the claim's small constants, so this would
take constants above 10^20).

A difference found mod p is a genuine difference over Q (the constants'
denominators are invertible mod p), so it refutes an ``==`` claim outright; the
exact tier then looks for a small counterexample.  Default large sizes: the
signal declared largest becomes 10^5 long in 1D, 512x512 in 2D, 64^3 in 3D; the
others 10^5, 15x15, 5^3 (odd declared sizes stay odd); ``sizes`` in the claim
overrides them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.dsl import Imag, walk
from symconv.errors import SizeLimitError, SymconvError
from symconv.prove import Budget, Counterexample, Result, Verdict
from symconv.prove.counterexample import difference, minimal_counterexample
from symconv.prove.evaluate import degree, evaluate_sides
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


def _fraction(poly: Any) -> Any:
    from fractions import Fraction

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
    symbolic = {n for n, s in claim.assignments()[0].items() if s.is_symbolic}
    deg = max(degree(claim.statement.left, symbolic), degree(claim.statement.right, symbolic), 1)
    negated = claim.statement.op == "!="
    last_error: SymconvError | None = None
    for sizes in large_sizes(claim):
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
    if not negated:
        checks.append((declared[0], sizes))
    checked = [{n: sizes.get(n, s.shape) for n, s in a.items() if s.is_symbolic}
               for a, sizes in checks]
    witnessed: set[int] = set()
    witness: Any = None
    bound = 1.0
    primes = []
    for trial in range(TRIALS):
        if trial:
            budget.check()
        prime, root = NTT_PRIMES[trial % len(NTT_PRIMES)]
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
                witness = found
        if negated and len(witnessed) == len(checks):
            return _differs(claim, checked[0], witness, prime, seed, negated, budget, start)
        bound *= deg / prime
        primes.append(prime)
    elapsed = time.monotonic() - start
    if negated:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, elapsed, error_bound=bound,
                      detail=f"no difference at every declared size in {TRIALS} random trials;"
                             " a != claim needs a witness at each")
    return Result(Verdict.PROBABLE, METHOD, checked, elapsed, error_bound=bound,
                  detail=f"{TRIALS} trials, degree <= {deg}, primes {primes}, seed {seed}")


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
    verdict = Verdict.VERIFIED if negated else Verdict.REFUTED
    return Result(verdict, METHOD, [cex_sizes if counterexample else sizes],
                  time.monotonic() - start, counterexample=counterexample, detail=detail)


def _exact_candidates(claim: Claim) -> Iterator[dict[str, SignalSpec]]:
    """Declared sizes whose exact sides differ, for the minimal counterexample search."""
    from symconv.prove.counterexample import build_env, claim_sides

    for assignment in claim.assignments():
        try:
            if difference(*claim_sides(claim, build_env(assignment))) is not None:
                yield assignment
        except SymconvError:
            continue
