"""Minimal counterexamples: the smallest sizes and entries on which two sides differ.

Search order: signal sizes from the smallest upward (each axis keeps the parity
it was declared with, so a centred odd kernel stays odd), and at the first size
where the sides differ as polynomials, entries that are 0 except on the
variables of one shortest monomial of the difference, which are 1 (or, if the
terms cancel there, the smallest integers that do not make it vanish; a non-zero
polynomial of degree d has such a point in {1..d+1}^k).  The result is then
re-evaluated with those concrete entries, so the reported coordinate and values
are what the definitions give.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.algebra import Generator, Polynomial
from symconv.errors import SizeLimitError, SymconvError
from symconv.prove import Budget, Counterexample
from symconv.prove.evaluate import ExactBackend, evaluate_sides
from symconv.prove.packed import PackedUnsupported, packed_difference
from symconv.signal import Signal

if TYPE_CHECKING:
    from symconv.claims import Claim, SignalSpec

# How many smaller size combinations to try before settling for the failing one.
MAX_SIZE_CANDIDATES = 400

Difference = tuple[tuple[int, ...] | None, Any, Any]
Key = tuple[str, tuple[int, ...]]


def build_env(assignment: Mapping[str, SignalSpec]) -> dict[str, Signal]:
    return {name: spec.build(name) for name, spec in assignment.items()}


def claim_sides(claim: Claim, env: Mapping[str, Signal]) -> tuple[Any, Any]:
    """The two sides of a claim, evaluated exactly on ``env``."""
    if claim.procedure is not None:
        left, right = claim.procedure(**env)
        return left, right
    assert claim.statement is not None
    return evaluate_sides(claim.statement, env, ExactBackend())


def exact_difference(claim: Claim, env: Mapping[str, Signal]) -> Difference | None:
    """Where the claim's sides differ on ``env``, decided by canonical forms, or None.

    Statements go through the packed arithmetic (whole signals as numpy term
    arrays, :mod:`symconv.prove.packed`); what it cannot carry (Python
    procedures, a bound that int64 might exceed) through Polynomial entries.
    Both are exact: they differ only in speed.
    """
    if claim.statement is not None:
        try:
            return packed_difference(claim.statement, env)
        except PackedUnsupported:
            pass
    return difference(*claim_sides(claim, env))


def difference(left: Any, right: Any) -> Difference | None:
    """Where two exact values differ (first coordinate for signals), or None if equal."""
    if isinstance(left, Signal) and isinstance(right, Signal):
        if not left.is_exact and not right.is_exact and left.ndim == right.ndim:
            return _numeric_difference(left, right)
        return left.difference(right)
    if isinstance(left, Signal) or isinstance(right, Signal):
        raise SymconvError("one side is a signal and the other a scalar")
    return None if left == right else (None, left, right)


def _numeric_difference(left: Signal, right: Signal) -> Difference | None:
    """Vectorized :meth:`Signal.difference` for numeric signals (the random tier's sizes)."""
    boxes = [s for s in (left, right) if s.entries.size]
    if not boxes:
        return None
    lo = tuple(min(s.origin[k] for s in boxes) for k in range(left.ndim))
    hi = tuple(max(s.stop[k] for s in boxes) for k in range(left.ndim))
    shape = tuple(h - l for l, h in zip(lo, hi, strict=True))
    a, b = left.embed(lo, shape), right.embed(lo, shape)
    unequal = np.flatnonzero(a != b)
    if unequal.size == 0:
        return None
    pos = np.unravel_index(int(unequal[0]), shape)
    coord = tuple(int(p) + l for p, l in zip(pos, lo, strict=True))
    return coord, a[pos].item(), b[pos].item()


def sizes_of(assignment: Mapping[str, SignalSpec]) -> dict[str, tuple[int, ...]]:
    return {name: spec.shape for name, spec in assignment.items()}


def smaller_assignments(failing: Mapping[str, SignalSpec]) -> Iterator[dict[str, SignalSpec]]:
    """Assignments no larger than ``failing`` (same parity per axis), smallest first."""
    names = list(failing)
    per_signal: list[list[SignalSpec]] = []
    for name in names:
        spec = failing[name]
        if not spec.is_symbolic:
            per_signal.append([spec])
            continue
        axes = [range(2 - d % 2, d + 1, 2) for d in spec.shape]
        per_signal.append([spec.resized(tuple(s)) for s in itertools.product(*axes)])
    combos = list(itertools.product(*per_signal))

    def cost(combo: tuple[SignalSpec, ...]) -> tuple[int, int]:
        entries = [int(_prod(s.shape)) for s in combo]
        return sum(entries), max(max(s.shape) for s in combo)

    combos.sort(key=cost)
    for combo in combos[:MAX_SIZE_CANDIDATES]:
        yield dict(zip(names, combo, strict=True))
    yield dict(failing)


def _prod(values: tuple[int, ...]) -> int:
    total = 1
    for v in values:
        total *= v
    return total


def _key(gen: Generator) -> Key:
    # A complex entry and its conjugate get the same (real) value.
    return gen.name, gen.index


def _value_of(poly: Polynomial, values: Mapping[Key, int]) -> Any:
    return poly.evaluate({g: values.get(_key(g), 0) for g in poly.generators()})


def small_point(poly: Polynomial) -> dict[Key, int] | None:
    """Small integer values (absent keys are 0) at which ``poly`` is non-zero."""
    supports = sorted({frozenset(_key(g) for g in m) for m in poly.terms},
                      key=lambda s: (len(s), sorted(s)))
    if not supports:
        return None
    shortest = [s for s in supports if len(s) == len(supports[0])]
    for support in shortest:
        point = dict.fromkeys(support, 1)
        if _value_of(poly, point) != 0:
            return point
    # Same-support terms cancel at all ones: search {1..d+1}^k, smallest values first.
    keys = sorted(shortest[0])
    top = poly.degree() + 1
    combos = sorted(itertools.product(range(1, top + 1), repeat=len(keys)),
                    key=lambda c: (max(c), sum(c), c))
    for combo in combos[:5000]:
        point = dict(zip(keys, combo, strict=True))
        if _value_of(poly, point) != 0:
            return point
    return None


def concrete_env(env: Mapping[str, Signal], point: Mapping[Key, int]) -> dict[str, Signal]:
    """The signals of ``env`` with symbolic entries replaced (unlisted ones by 0)."""
    result = {}
    for name, signal in env.items():
        gens = signal.generators()
        if not gens:
            result[name] = signal
            continue
        result[name] = signal.evaluate({g: point.get(_key(g), 0) for g in gens})
    return result


def as_number(value: Any) -> Any:
    """An exact constant as int or Fraction (symbolic values stay Polynomials)."""
    if isinstance(value, Polynomial):
        if not value.is_constant():
            return value
        c = value.constant_value()
        if value.domain.is_QQ or value.domain.is_ZZ:
            q = Fraction(int(c.numerator), int(c.denominator)) if value.domain.is_QQ else (
                Fraction(int(c)))
            return q.numerator if q.denominator == 1 else q
        return value.domain.to_sympy(c)
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def signal_entries(signal: Signal) -> Any:
    """Entries of an exact constant signal as nested lists of ints / Fractions."""
    array = signal.entries
    flat = [as_number(v) for v in array.flat]
    nested: Any = flat
    for n in reversed(signal.shape[1:]):
        nested = [nested[i:i + n] for i in range(0, len(nested), n)]
    return nested


def counterexample_at(claim: Claim, assignment: Mapping[str, SignalSpec]) -> Counterexample | None:
    """A small-entry counterexample at these sizes, or None if the sides agree there."""
    env = build_env(assignment)
    diff = exact_difference(claim, env)
    if diff is None:
        return None
    _, a, b = diff
    gap = Polynomial.constant(a) - Polynomial.constant(b) if not isinstance(a, Polynomial) else (
        a - b)
    point = small_point(gap) if gap.generators() else {}
    if point is None:
        return _symbolic_counterexample(env, diff)
    concrete = concrete_env(env, point)
    # Re-evaluated through Polynomial entries: the values shown come from the definitions
    # in symconv.ops, independently of the packed arithmetic that found the difference;
    # boxes beyond the Polynomial limits keep the (exact) packed values.
    try:
        found = difference(*claim_sides(claim, concrete))
    except SizeLimitError:
        found = exact_difference(claim, concrete)
    if found is None:  # only when complex entries cancel at real values
        return _symbolic_counterexample(env, diff)
    coordinate, left_value, right_value = found
    return Counterexample(
        signals={name: signal_entries(s) for name, s in concrete.items()},
        origins={name: s.origin for name, s in concrete.items()},
        coordinate=coordinate,
        left=as_number(left_value),
        right=as_number(right_value),
    )


def _symbolic_counterexample(env: Mapping[str, Signal], diff: Difference) -> Counterexample:
    coordinate, a, b = diff
    return Counterexample(
        signals={name: f"symbolic {'x'.join(map(str, s.shape))}" for name, s in env.items()},
        origins={name: s.origin for name, s in env.items()},
        coordinate=coordinate, left=as_number(a), right=as_number(b),
    )


def minimal_counterexample(
    claim: Claim, failing: Mapping[str, SignalSpec], budget: Budget,
) -> tuple[Counterexample, dict[str, tuple[int, ...]]]:
    """The first counterexample in size order, with its sizes (``failing`` must fail)."""
    for assignment in smaller_assignments(failing):
        if budget.exhausted() and assignment != dict(failing):
            continue
        try:
            found = counterexample_at(claim, assignment)
        except SizeLimitError:
            if assignment == dict(failing):
                raise
            continue
        except SymconvError:
            if assignment == dict(failing):
                raise
            continue  # this smaller size does not fit the statement (e.g. mode 'valid')
        if found is not None:
            return found, sizes_of(assignment)
    raise AssertionError("the failing assignment no longer fails")
