"""Checks of a general-tier derivation against :mod:`symconv.core.ops`: whether the model
on Z_n^d is what ops computes at the declared sizes (:func:`periods_fit`), the backstop at
the declared sizes (:func:`backstop`) and the re-checks of the statement at small undeclared
sizes (:func:`recheck_statement`, :func:`recheck_modes`), which PROVED needs.  (The tests
evaluate the prover's intermediate steps against ops too: ``recheck`` in tests/term_values.py.)"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.core import fourier, ops
from symconv.core.algebra import Polynomial
from symconv.core.signal import Signal, default_origin
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.lang.dsl import (
    Node,
)
from symconv.lang.operations import OPERATIONS, Multilinear
from symconv.prove.derivation import Derivation
from symconv.prove.evaluate import ExactBackend, evaluate
from symconv.prove.rules import (
    RuleError,
    torus_meaning,
)
from symconv.prove.verdict import Budget

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec


def size_classes(declared: Mapping[str, Any], tied: bool) -> dict[str, str]:
    """Each signal's representative: itself, or (``tied``) the first declared alike."""
    first: dict[Any, str] = {}
    return {name: first.setdefault(spec, name) if tied else name for name, spec in declared.items()}




# Sides per axis of the symbolic signals in the concrete re-checks, in the order tried: the
# first RECHECK_SIZES assignments that are not declared ones are re-checked.
RECHECK_SIDES = ((2, 1, 2), (1, 2, 3), (3, 1, 2))


# circular claims: all signals of one shape n (2 then 3 per axis, alternating in 2D and up)
RECHECK_TORUS_SIDES = ((2, 3), (3, 2), (4, 3))
# and after them one guard: period 5 on the first axis (ω of degree 4 over Q, a period the
# laws of Z_2 and Z_3 do not pin down), 2 and 3 on the others
RECHECK_TORUS_GUARD = (5, 2, 3)


RECHECK_SIZES = 2


# The backstop at the declared sizes is symbolic up to this many entries, then numeric.
BACKSTOP_SYMBOLIC_ENTRIES = 64


# Signals of at most this many entries each are compared with Polynomial entries: the packed
# engine's fixed cost per operation (a dozen numpy calls) then exceeds the arithmetic.
POLYNOMIAL_ENTRIES = 4


def sides_differ(claim: Claim, env: Mapping[str, Signal]) -> bool:
    """Whether the claim's sides differ on ``env``, decided by canonical forms: with
    Polynomial entries when every signal has at most :data:`POLYNOMIAL_ENTRIES` entries,
    else by :func:`~symconv.prove.counterexample.exact_differs` (the packed engine, else
    Polynomial entries).  Both are the exact tier's comparison; they differ only in speed."""
    from symconv.prove.counterexample import claim_sides, difference, exact_differs

    if all(sig.entries.size <= POLYNOMIAL_ENTRIES for sig in env.values()):
        return difference(*claim_sides(claim, env)) is not None
    return exact_differs(claim, env)


def periods_fit(node: Node, assignment: Mapping[str, SignalSpec]) -> bool:
    """Whether, at these sizes, the model on Z_n^d is what :mod:`symconv.core.ops` computes.

    The derivation on Z_n^d reads every signal mod n, n the common shape of the
    signals.  The statement is evaluated with :mod:`symconv.core.ops` itself on zero
    signals of the declared shapes and origins (:class:`_TorusProbe`; a DFT or circular
    operation's box by ops' own period rules), so that every box is the one ops gives;
    the model holds when every circular operation takes
    period n from its argument (its box has shape n), every pointwise product
    multiplies two signals on one box of shape n (periodizing commutes with it), and
    a signal side lives on [0, n)^d (it is its own periodization).
    """
    shapes = {spec.shape for spec in assignment.values()}
    if len(shapes) != 1:
        return False
    probe = _TorusProbe(shapes.pop())
    env = {name: Signal(np.zeros(spec.shape), _origin(name, spec))
           for name, spec in assignment.items()}
    try:
        value = evaluate(node, env, probe)
    except (RuleError, SymconvError):
        return False
    return not isinstance(value, Signal) or probe.on_torus(value)


def _origin(name: str, spec: SignalSpec) -> tuple[int, ...]:
    """The origin ``spec.build(name)`` has, without building symbolic entries."""
    if spec.is_symbolic:
        return default_origin(spec.shape) if spec.origin is None else tuple(spec.origin)
    return spec.build(name).origin


class _TorusProbe(ExactBackend):
    """ops on numeric zero signals, refusing what the model on Z_n^d does not cover."""

    def __init__(self, period: tuple[int, ...]) -> None:
        self.period = period

    def on_torus(self, value: Signal) -> bool:
        return self._periodic(value.shape) and not any(value.origin)

    def _periodic(self, shape: tuple[int, ...]) -> bool:
        # a transpose's value on Z_n2 x Z_n1 has the periods in another order (which order
        # the checker verifies for every n, axis by axis)
        return sorted(shape) == sorted(self.period)

    def number(self, value: Fraction) -> Any:
        return float(value)  # the probe's signals are numeric: only their boxes matter

    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any:
        # the record's meaning on Z_n^d (what on_torus admits), its boxes checked here
        meaning = torus_meaning(func)
        # an explicit period is in the model only where it is the shape (on_torus admits
        # periods that name the sizes)
        if OPERATIONS[func].circular and (
                ints not in ([], list(signals[0].shape)) or not self._periodic(signals[0].shape)
                or any(s.shape != signals[0].shape for s in signals)):
            raise RuleError(f"{func} does not have period {self.period} here")
        if isinstance(meaning, Multilinear) and meaning.pointwise_product:
            self._same_box(signals[0], signals[1])
        if not isinstance(meaning, Multilinear) or options or \
                (ints and not meaning.takes_ints and not OPERATIONS[func].circular):
            raise RuleError(f"{func} is not modelled on Z_n^d")
        # only boxes matter: a DFT and a circular operation give zeros on the torus that ops'
        # own rules name (dft_period, circular_period), without transforming the zeros
        if func in ("dft", "idft"):
            return _zeros_on(fourier.dft_period(signals[0], tuple(ints)))
        if func in ("circconv", "circcorr"):
            ops._same_ndim(signals[0], signals[1])
            return _zeros_on(ops.circular_period(signals[0], signals[1], ints or None))
        return super().call(func, signals, ints, options)

    def binary(self, op: str, left: Any, right: Any) -> Any:
        if op == "*" and isinstance(left, Signal) and isinstance(right, Signal):
            self._same_box(left, right)
            return left  # zeros on the one box that ops gives the product of two on it
        if op == "@":
            raise RuleError("@ is not modelled on Z_n^d")
        return super().binary(op, left, right)

    def _same_box(self, a: Signal, b: Signal) -> None:
        if a.origin != b.origin or a.shape != b.shape or not self._periodic(a.shape):
            raise RuleError("a pointwise product of signals on different boxes")


def _zeros_on(period: tuple[int, ...]) -> Signal:
    """The zero signal on [0, n)^d, where ops puts a DFT or a circular operation's value."""
    return Signal(np.zeros(period), (0,) * len(period))


class RecheckError(SymconvError):
    """A derivation disagrees with the exact evaluation at a concrete size (a bug)."""


def recheck_assignments(claim: Claim, torus: bool = False,
                        square: bool = False) -> list[dict[str, SignalSpec]]:
    """:data:`RECHECK_SIZES` small assignments that are not declared ones: every symbolic
    signal 1 to 3 samples per axis (with ``torus``, all signals of one shape n = 2, 3, 4,
    then the :data:`RECHECK_TORUS_GUARD`; ``square``, a proof for n×⋯×n signals only: the
    first side of each on every axis).  When every signal has fixed entries there is no
    other size: the declared one."""
    declared = claim.assignments()
    base = declared[0]
    assignments: list[dict[str, SignalSpec]] = []
    for sides in RECHECK_TORUS_SIDES if torus else RECHECK_SIDES:
        assignment = {}
        for number, (name, spec) in enumerate(base.items()):
            if torus:
                shape = tuple(sides[0 if square else axis % len(sides)] for axis in range(len(spec.shape)))
            else:
                shape = (sides[number % len(sides)],) * len(spec.shape)
            assignment[name] = spec.resized(shape)
        if assignment not in assignments and assignment not in declared:
            assignments.append(assignment)
    chosen = assignments[:RECHECK_SIZES]
    if torus and chosen:
        guard = {name: spec.resized(tuple(RECHECK_TORUS_GUARD[0 if square else axis % len(
                     RECHECK_TORUS_GUARD)] for axis in range(len(spec.shape))))
                 for name, spec in base.items()}
        if guard not in chosen and guard not in declared:
            chosen.append(guard)
    return chosen or [base]


def recheck_statement(claim: Claim, derivation: Derivation, budget: Budget) -> None:
    """Compare the statement's two sides at the small undeclared sizes of
    :func:`recheck_assignments`, with the exact tier's comparison (symbolic entries,
    canonical forms: the packed engine, else Polynomial entries): RecheckError at the first
    size where they differ.  The sizes go to ``derivation.rechecked``."""
    from symconv.prove.counterexample import build_env, sizes_of

    square = derivation.certificate.get("square") is True  # the checker's one period: n×⋯×n only
    rng = random.Random(len(claim.text))
    for assignment in recheck_assignments(claim, derivation.torus, square):
        budget.check()
        env = build_env(assignment)
        try:
            differs = sides_differ(claim, env)
        except SizeLimitError:  # too many terms symbolically (nested DFTs at the period-5 guard)
            differs = sides_differ(claim, _random_entries(env, rng))
            derivation.rechecked_at_random.append(sizes_of(assignment))
        if differs:
            raise RecheckError(f"the sides differ at sizes {sizes_of(assignment)}")
        derivation.rechecked.append(sizes_of(assignment))


# sizes per axis of each size class in the re-checks of modes (axis a adds a)
RECHECK_MODE_SIDES = (1, 2, 3)
# tried after those, smallest first, when fewer than two of them are in scope (a dilated
# kernel fits in valid mode only inside larger images)
RECHECK_MODE_LARGER_SIDES = (4, 5, 6, 7)


RECHECK_MODE_ASSIGNMENTS = 4
# the claim's integers are re-checked from 1 up to at most this plus 2 (and as declared)
RECHECK_INTEGERS_UP_TO = 10


def recheck_modes(claim: Claim, derivation: Derivation, budget: Budget) -> None:
    """Evaluate the statement at small sizes within the proof's scope (signals that share
    sizes get equal ones; sizes where valid mode is undefined, or where a hypothesis of the
    certificate fails, are skipped): RecheckError at
    a difference, or when fewer than two assignments are in scope.  The sides are compared
    with the exact tier's comparison, at sizes that are not declared ones."""
    from symconv.prove.counterexample import build_env, sizes_of

    declared = claim.assignments()
    base = declared[0]
    classes = size_classes(derivation.declared, bool(derivation.certificate.get("tied")))
    # signals with concrete entries keep theirs: only the symbolic ones are resized
    classes = {name: rep for name, rep in classes.items() if base[name].is_symbolic}
    reps = list(dict.fromkeys(classes.values()))
    combos = list(itertools.product(RECHECK_MODE_SIDES, repeat=len(reps)))
    random.Random(len(claim.text)).shuffle(combos)
    combos += sorted((c for c in itertools.product(RECHECK_MODE_SIDES + RECHECK_MODE_LARGER_SIDES,
                                                   repeat=len(reps))
                      if max(c, default=0) > max(RECHECK_MODE_SIDES)), key=lambda c: (sum(c), c))
    done = 0
    tried = [(a, claim.integers) for a in declared]  # the backstop compared the declared sizes
    hypotheses = derivation.certificate.get("hypotheses", [])  # the scope's h ≥ 0 (Z_N^d)
    # the claim's integers (a proof for every value): the declared ones, then from 1 up
    integers = [claim.integers] + [dict(zip(claim.integers, k, strict=True)) for k in itertools.product(
        *(range(1, min(v, RECHECK_INTEGERS_UP_TO) + 3) for v in claim.integers.values()))
        if list(k) != list(claim.integers.values())]
    # n, n+1, ... per axis first (an axis confused with another shows); then n×⋯×n, for a
    # scope only square signals reach (a valid crop of f by transpose(f)): in 1D the same
    # sizes again, tried once
    for (sides, square), values in itertools.product(
            [(c, False) for c in combos] + [(c, True) for c in combos], integers):
        if done == RECHECK_MODE_ASSIGNMENTS or (
                done >= 2 and max(sides, default=0) > max(RECHECK_MODE_SIDES)):
            break
        budget.check()
        size = dict(zip(reps, sides, strict=True))
        assignment = {name: spec.resized(tuple(size[classes[name]] + (0 if square else a)
                                               for a in range(len(spec.shape))))
                      if name in classes else spec for name, spec in base.items()}
        if (assignment, values) in tried or not all(_holds_at(h, assignment, values) for h in hypotheses):
            continue  # tried, or outside the hypotheses the verdict states
        tried.append((assignment, values))
        try:
            differs = sides_differ(claim.at_integers(values), build_env(assignment))
        except ShapeError:
            continue  # valid mode with a kernel larger than the image: outside the scope
        sizes = sizes_of(assignment) | {k: (v,) for k, v in values.items() if values != claim.integers}
        if differs:
            raise RecheckError(f"the sides differ at sizes {sizes}")
        derivation.rechecked.append(sizes)
        done += 1
    if done < 2:
        raise RecheckError("fewer than two sizes in the proof's scope to re-check")


def _holds_at(hypothesis: Mapping[str, int], assignment: Mapping[str, SignalSpec],
              integers: Mapping[str, int]) -> bool:
    """h ≥ 0 at these sizes and integers, h affine in the checker's size symbols ``n:name.axis``."""
    def value(symbol: str) -> int:
        if symbol == "1":
            return 1
        name, axis = symbol.removeprefix("n:").rsplit(".", 1)
        return integers[name] if name in integers else assignment[name].shape[int(axis)]
    return sum(c * value(v) for v, c in hypothesis.items()) >= 0


def _as_polynomial(value: Any) -> Polynomial:
    return value if isinstance(value, Polynomial) else Polynomial.from_number(value)


def backstop(claim: Claim, budget: Budget) -> str | None:
    """Evaluate the claim at every declared size with the exact tier's comparison; None when
    the sides agree everywhere, else the sizes where they differ.

    Up to :data:`BACKSTOP_SYMBOLIC_ENTRIES` symbolic entries the comparison is symbolic (it
    decides the claim at those sizes); beyond, the entries are random integers below 2^20
    (a difference is then found unless the random point is a root of the difference).
    """
    from symconv.prove.counterexample import build_env

    rng = random.Random(len(claim.text))
    for assignment in claim.assignments():
        budget.check()
        env = build_env(assignment)
        if len({(g.name, g.index) for sig in env.values() for g in sig.generators()}) > \
                BACKSTOP_SYMBOLIC_ENTRIES:
            env = _random_entries(env, rng)
        if sides_differ(claim, env):
            return ", ".join(f"{k}={'x'.join(map(str, v.shape))}" for k, v in assignment.items())
    return None


def _random_entries(env: Mapping[str, Signal], rng: random.Random) -> dict[str, Signal]:
    """The signals with random integers below 2^20 for their symbolic entries (drawn in the
    entries' order: the same ones in every run)."""
    from symconv.prove.counterexample import concrete_env

    keys = sorted({(g.name, g.index) for sig in env.values() for g in sig.generators()})
    return concrete_env(env, {k: rng.randrange(-2**20, 2**20) for k in keys})
