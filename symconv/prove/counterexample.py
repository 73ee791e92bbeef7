"""Minimal counterexamples: the smallest sizes and entries on which two sides differ.

Search order: assignments of sizes no larger than the failing one, in order of
their total number of symbolic entries (every axis may shrink to 1, whatever
its declared parity).  At the first size where the sides differ as
polynomials, the entries are chosen by the fewest non-zero entries: every
monomial of the difference (at any coordinate) names a set of entries on which
it alone can make the difference non-zero, and the smallest such sets are tried
first, deltas (one non-zero entry per signal) before others, with values 1, then
small integers in {1..d+1} (a non-zero polynomial of degree <= d per variable
has a point there), then, for complex entries whose difference vanishes at every
real value, Gaussian integers 1j, 1+1j, ...  The result is re-evaluated with
those concrete entries, so the reported coordinate and values are what the
definitions give; they are exact (see :class:`CyclotomicNumber`).

The sizes where the sides agree, most of a search, are passed over by one sweep over
all of them (:class:`_Sweep`: one codec, values of sub-expressions shared between sizes),
with the same exact comparison; the first size where they differ is then handled as
above, so the sweep changes the search's speed only.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.core.algebra import Generator, Polynomial
from symconv.core.cyclotomic import cyclotomic_field, field_order
from symconv.core.signal import Signal, union_box
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.lang.dsl import Node, Statement, names, walk
from symconv.prove.evaluate import ExactBackend, degree, evaluate_sides
from symconv.prove.packed import (
    MonomialCodec,
    PackedBackend,
    PackedSignal,
    PackedUnsupported,
    packed_differ,
    packed_difference,
)
from symconv.prove.verdict import Budget, Counterexample

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

# How many smaller size combinations to try before settling for the failing one.
MAX_SIZE_CANDIDATES = 400
# Each axis shrinks to at most this length, and each signal to its this many smallest shapes.
MAX_AXIS = 8
MAX_SHAPES_PER_SIGNAL = 40
# Beyond this many size combinations they are ranked in a stream rather than in arrays.
MAX_COMBINATION_ARRAY = 2_000_000
# Value points tried per support of the difference.
MAX_VALUE_POINTS = 5000

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


def exact_differs(claim: Claim, env: Mapping[str, Signal]) -> bool:
    """Whether the claim's sides differ on ``env``: :func:`exact_difference` without the
    values where they do (what a verdict alone needs)."""
    if claim.statement is not None:
        try:
            return packed_differ(claim.statement, env)
        except PackedUnsupported:
            pass
    return difference(*claim_sides(claim, env)) is not None


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
    """Assignments no larger than ``failing`` per axis, fewest symbolic entries first;
    ``failing`` itself last."""
    names = list(failing)
    per_signal: list[list[SignalSpec]] = []
    for name in names:
        spec = failing[name]
        if not spec.is_symbolic:
            per_signal.append([spec])
            continue
        axes = [range(1, min(d, MAX_AXIS) + 1) for d in spec.shape]
        shapes = sorted(itertools.product(*axes), key=lambda s: (_prod(s), max(s), s))
        per_signal.append([spec.resized(tuple(s)) for s in shapes[:MAX_SHAPES_PER_SIGNAL]])
    failing_combo = tuple(failing[n] for n in names)
    for picks in _cheapest_combinations(per_signal, MAX_SIZE_CANDIDATES):
        combo = tuple(specs[k] for specs, k in zip(per_signal, picks, strict=True))
        if combo != failing_combo:
            yield dict(zip(names, combo, strict=True))
    yield dict(failing)


def _cheapest_combinations(per_signal: list[list[SignalSpec]], count: int) -> list[tuple[int, ...]]:
    """Indices into each list of the ``count`` cheapest combinations, by (symbolic entries,
    longest axis), ties in :func:`itertools.product` order: ``sorted(product, key)[:count]``
    computed on arrays (the product has up to MAX_SHAPES_PER_SIGNAL ** signals entries)."""
    entries = [np.array([_prod(s.shape) if s.is_symbolic else 0 for s in specs], dtype=np.int64)
               for specs in per_signal]
    sides = [np.array([max(s.shape, default=0) for s in specs], dtype=np.int64)
             for specs in per_signal]
    if math.prod(e.size for e in entries) > MAX_COMBINATION_ARRAY:
        return _cheapest_by_threshold(entries, sides, count)
    total = np.zeros((), dtype=np.int64)
    longest = np.zeros((), dtype=np.int64)
    for axis, (e, m) in enumerate(zip(entries, sides, strict=True)):
        shape = [1] * len(per_signal)
        shape[axis] = e.size
        total = total + e.reshape(shape)
        longest = np.maximum(longest, m.reshape(shape))
    # (total, longest) as one key; a stable sort keeps product order among equal costs
    key = total * (int(longest.max()) + 1) + longest
    order = np.argsort(key.reshape(-1), kind="stable")[:count]
    return [tuple(int(i) for i in picks)
            for picks in zip(*np.unravel_index(order, key.shape), strict=True)]


def _cheapest_by_threshold(entries: list[np.ndarray], sides: list[np.ndarray],
                           count: int) -> list[tuple[int, ...]]:
    """:func:`_cheapest_combinations` for a product too large to rank whole (many signals):
    T, the least total of entries that at least ``count`` combinations do not exceed, from the
    histograms of the totals (a convolution per signal); every one of the ``count`` cheapest has
    a total <= T (``count`` others are no dearer), so only those are enumerated, depth first
    with the least remaining total as bound, and ranked by (total, longest axis, product
    order) -- the order of sorted(product, key)[:count]."""
    histogram = np.ones(1, dtype=object)  # exact counts: products of many lists overflow int64
    for e in entries:
        counts = np.bincount(e).astype(object)
        histogram = np.convolve(histogram, counts)
    enough = np.flatnonzero(np.cumsum(histogram) >= count)  # totals t: #(total <= t) >= count
    threshold = int(enough[0]) if enough.size else len(histogram) - 1
    least = [int(e.min()) for e in entries]
    rest = [sum(least[i:]) for i in range(len(entries) + 1)]  # least total of signals i..
    found: list[tuple[int, int, tuple[int, ...]]] = []
    picks: list[int] = []

    def visit(axis: int, total: int, longest: int) -> None:
        if axis == len(entries):
            found.append((total, longest, tuple(picks)))
            return
        for k, (e, m) in enumerate(zip(entries[axis].tolist(), sides[axis].tolist(),
                                       strict=True)):
            if total + e + rest[axis + 1] <= threshold:
                picks.append(k)
                visit(axis + 1, total + e, max(longest, m))
                picks.pop()

    visit(0, 0, 0)
    found.sort()
    return [combination for _, _, combination in found[:count]]


def _prod(values: tuple[int, ...]) -> int:
    total = 1
    for v in values:
        total *= v
    return total


def _key(gen: Generator) -> Key:
    # A complex entry and its conjugate are one entry (with conjugate values).
    return gen.name, gen.index


def _gaussian_field() -> Any:
    return cyclotomic_field(4)


def _lift(poly: Polynomial, complex_values: bool) -> Polynomial:
    """``poly`` over a field holding the values it will be evaluated at."""
    domain = poly.domain if poly.domain.is_Field else poly.domain.get_field()
    if complex_values:
        order = field_order(domain) or 1
        domain = cyclotomic_field(math.lcm(order, 4))
    return poly.to_domain(domain) if domain != poly.domain else poly


def _generator_values(poly: Polynomial, point: Mapping[Key, Any]) -> dict[Generator, Any]:
    """Values for the generators of ``poly`` (lifted by :func:`_lift`): ``point`` holds an
    int or a Q(i) element per entry; a conjugate generator gets the conjugate."""
    values: dict[Generator, Any] = {}
    gaussian = _gaussian_field()
    for g in poly.generators():
        value = point.get(_key(g), 0)
        if not isinstance(value, int):
            if g.kind == "c*":
                value = gaussian.conjugate_element(value)
            # explicitly from Q(i): a bare convert would read ζ_4's coefficients in ζ_n
            value = poly.domain.convert_from(value, gaussian)
        values[g] = value
    return values


def _is_complex(point: Mapping[Key, Any]) -> bool:
    return any(not isinstance(v, int) for v in point.values())


def _nonzero_at(poly: Polynomial, point: Mapping[Key, Any]) -> bool:
    lifted = _lift(poly, _is_complex(point))
    return bool(lifted.evaluate(_generator_values(lifted, point)))


def _value_candidates(keys: list[Key], complex_keys: set[Key], top: int) -> Iterator[dict[Key, Any]]:
    """Points with every key non-zero: all ones, then {1..top}, then Gaussian integers."""
    yield dict.fromkeys(keys, 1)
    combos = sorted(itertools.product(range(1, top + 1), repeat=len(keys)),
                    key=lambda c: (max(c), sum(c), c))
    for combo in combos[:MAX_VALUE_POINTS]:
        yield dict(zip(keys, combo, strict=True))
    if not complex_keys & set(keys):
        return
    field = _gaussian_field()
    i = field.zeta_power(1)
    gaussian = [field.convert(a) + field.convert(b) * i
                for a in range(0, top + 1) for b in range(0, top + 1) if b]
    choices = [[1, *gaussian] if k in complex_keys else list(range(1, top + 1)) for k in keys]
    for count, combo in enumerate(itertools.product(*choices)):
        if count >= MAX_VALUE_POINTS:
            return
        yield dict(zip(keys, combo, strict=True))


def sparsest_point(gaps: Sequence[Polynomial]) -> dict[Key, Any] | None:
    """Values with the fewest non-zero entries (absent keys are 0) at which some ``gap`` is
    non-zero: ints, or Q(i) elements for complex entries when no real values will do."""
    supports: dict[frozenset[Key], list[int]] = {}
    complex_keys: set[Key] = set()
    for number, gap in enumerate(gaps):
        for monomial in gap.terms:
            support = frozenset(_key(g) for g in monomial)
            complex_keys |= {_key(g) for g in monomial if g.kind != "r"}
            users = supports.setdefault(support, [])
            if not users or users[-1] != number:
                users.append(number)
    if not supports:
        return None

    def preference(support: frozenset[Key]) -> tuple[int, int, list[Key]]:
        per_signal = max((sum(1 for k in support if k[0] == name) for name, _ in support),
                         default=0)
        return len(support), per_signal, sorted(support)

    ordered = sorted(supports, key=preference)
    for size in sorted({len(s) for s in ordered}):
        group = [s for s in ordered if len(s) == size]
        # The restriction of a gap to a smallest support is a non-zero polynomial in exactly
        # those entries, so this group has a point; smaller values are tried first.
        for support in group:
            keys = sorted(support)
            candidates = [gaps[n] for n in supports[support]]
            top = max(g.degree() for g in candidates) + 1
            for point in _value_candidates(keys, complex_keys, top):
                if any(_nonzero_at(g, point) for g in candidates):
                    return point
    return None


def concrete_env(env: Mapping[str, Signal], point: Mapping[Key, Any]) -> dict[str, Signal]:
    """The signals of ``env`` with symbolic entries replaced (unlisted ones by 0)."""
    complex_values = _is_complex(point)
    result = {}
    for name, signal in env.items():
        if not signal.generators():
            result[name] = signal
            continue

        def evaluated(poly: Polynomial) -> Polynomial:
            lifted = _lift(poly, complex_values)
            value = lifted.evaluate(_generator_values(lifted, point))
            return Polynomial.constant(value, lifted.domain)

        result[name] = signal.map(evaluated)
    return result


@dataclass(frozen=True)
class CyclotomicNumber:
    """An exact element of Q(ζ_n) that is not rational, in one documented form.

    ``coefficients[k]`` multiplies ζ_n^k, ζ_n = exp(2πi/n), in the basis
    k < φ(n) (the remainder modulo the cyclotomic polynomial Φ_n, so the form is
    unique).  Gaussian rationals print as Python writes complex numbers, with
    fractions in parentheses: ``1j``, ``1 - 2j``, ``1/2 + (3/2)j``; every other
    value as ``1 - 2*zeta8^3 [zeta8 = exp(2*pi*i/8)]``, naming its root (the
    reports write DFT values in ω = exp(-2πi/n) = ζ^-1 instead).
    """

    order: int
    coefficients: tuple[Fraction, ...]

    def __str__(self) -> str:
        quarter = self.order // 4 if self.order % 4 == 0 else None
        used = {k for k, c in enumerate(self.coefficients) if c}
        if quarter is not None and used <= {0, quarter}:
            return _gaussian_text(self.coefficients[0], self.coefficients[quarter])
        parts = []
        for k, c in enumerate(self.coefficients):
            if not c:
                continue
            power = "" if k == 0 else f"zeta{self.order}" + (f"^{k}" if k > 1 else "")
            size = abs(c)
            if not power:
                text = str(size)
            elif size == 1:
                text = power
            else:
                text = f"{_paren(size)}*{power}"
            parts.append(("-" if c < 0 else "+", text))
        return f"{_signed_sum(parts)} [zeta{self.order} = exp(2*pi*i/{self.order})]"


def _paren(value: Fraction) -> str:
    return str(value) if value.denominator == 1 else f"({value})"


def _gaussian_text(real: Fraction, imag: Fraction) -> str:
    parts = []
    if real:
        parts.append(("-" if real < 0 else "+", str(abs(real))))
    if imag:
        parts.append(("-" if imag < 0 else "+", f"{_paren(abs(imag))}j"))
    return _signed_sum(parts)


def _signed_sum(parts: list[tuple[str, str]]) -> str:
    if not parts:
        return "0"
    text = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    for sign, part in parts[1:]:
        text += f" {sign} {part}"
    return text


def as_number(value: Any) -> Any:
    """An exact constant as int, Fraction or :class:`CyclotomicNumber` (symbolic values
    stay Polynomials)."""
    if isinstance(value, Polynomial):
        if not value.is_constant():
            return value
        return _domain_number(value.domain, value.constant_value())
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    if isinstance(value, int | Fraction):
        return value
    raise TypeError(f"{value!r} is not an exact value")


def _domain_number(domain: Any, element: Any) -> Any:
    if domain.is_ZZ:
        return int(element)
    if domain.is_QQ:
        q = Fraction(int(element.numerator), int(element.denominator))
        return q.numerator if q.denominator == 1 else q
    order = field_order(domain)
    if order is None:
        raise TypeError(f"values of {domain} have no exact display form")
    coefficients = tuple(Fraction(int(c.numerator), int(c.denominator))
                         for c in domain.zeta_coefficients(element))
    if not any(coefficients[1:]):
        q = coefficients[0] if coefficients else Fraction(0)
        return q.numerator if q.denominator == 1 else q
    return CyclotomicNumber(order, coefficients)


def signal_entries(signal: Signal) -> Any:
    """Entries of an exact constant signal as nested lists of exact numbers."""
    flat = [as_number(v) for v in signal.exact().entries.flat]
    nested: Any = flat
    for n in reversed(signal.shape[1:]):
        nested = [nested[i:i + n] for i in range(0, len(nested), n)]
    return nested


def _gaps(left: Any, right: Any) -> list[Polynomial]:
    """The non-zero differences of two exact values, one per coordinate."""
    if isinstance(left, Signal) and isinstance(right, Signal):
        lo, shape = union_box(left, right)
        a, b = left.exact().embed(lo, shape), right.exact().embed(lo, shape)
        return [g for g in (x - y for x, y in zip(a.flat, b.flat, strict=True)) if g]
    if isinstance(left, Signal) or isinstance(right, Signal):
        raise SymconvError("one side is a signal and the other a scalar")
    gap = _polynomial(left) - _polynomial(right)
    return [gap] if gap else []


def _first_difference(left: Any, right: Any) -> Difference | None:
    """Like :func:`difference` for exact values, keeping the values exact."""
    if isinstance(left, Signal) and isinstance(right, Signal):
        lo, shape = union_box(left, right)
        a, b = left.exact().embed(lo, shape), right.exact().embed(lo, shape)
        for pos in np.ndindex(*shape):
            if a[pos] - b[pos]:
                return tuple(p + o for p, o in zip(pos, lo, strict=True)), a[pos], b[pos]
        return None
    return None if not _polynomial(left) - _polynomial(right) else (None, left, right)


def _polynomial(value: Any) -> Polynomial:
    return value if isinstance(value, Polynomial) else Polynomial.from_number(value)


def counterexample_at(claim: Claim, assignment: Mapping[str, SignalSpec]) -> Counterexample | None:
    """A sparsest small-entry counterexample at these sizes, or None if the sides agree."""
    env = build_env(assignment)
    diff = exact_difference(claim, env)
    if diff is None:
        return None
    try:
        gaps = _gaps(*claim_sides(claim, env))
    except SizeLimitError:  # beyond the Polynomial limits: the first differing coordinate
        _, a, b = diff
        gaps = [_polynomial(a) - _polynomial(b)]
    point = sparsest_point(gaps) if any(g.generators() for g in gaps) else {}
    if point is None:
        return _symbolic_counterexample(env, diff)
    concrete = concrete_env(env, point)
    # Re-evaluated through Polynomial entries: the values shown come from the definitions
    # in symconv.core.ops, independently of the packed arithmetic that found the difference;
    # boxes beyond the Polynomial limits keep the (exact) packed values.
    try:
        found = _first_difference(*claim_sides(claim, concrete))
    except SizeLimitError:
        found = exact_difference(claim, concrete)
    if found is None:  # cannot happen: the point makes a gap non-zero
        raise AssertionError("the chosen entries do not separate the two sides")
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


class _Sweep:
    """Exact equality of a statement's sides at many sizes, faster than one size at a time:
    one packed codec over the entries of every candidate size (those of each signal with its
    axes clipped to :data:`MAX_AXIS`), each signal packed once per shape, and the value of
    every sub-expression kept by the shapes of the signals it uses (candidate sizes differ
    from each other in a few signals, so most sub-expressions recur).

    The comparison is the canonical one of :func:`exact_difference`; only its speed differs.
    What it cannot decide (an entry outside the codec, an int64 bound) is left to the
    one-size path."""

    def __init__(self, statement: Statement, failing: Mapping[str, SignalSpec]) -> None:
        self.statement = statement
        generators: set[Generator] = set()
        for name, spec in failing.items():
            clipped = tuple(min(n, MAX_AXIS) for n in spec.shape)
            hull = spec.resized(clipped) if spec.is_symbolic and clipped != spec.shape else spec
            generators |= hull.build(name).generators()
        symbolic = {name for name, spec in failing.items() if spec.is_symbolic}
        bound = max(degree(statement.left, symbolic), degree(statement.right, symbolic))
        self.backend = PackedBackend(MonomialCodec(generators, bound))
        self.generators = generators
        # None: no packed form with this codec (too large, or entries outside it)
        self.packed: dict[tuple[str, SignalSpec], PackedSignal | None] = {}
        self.values: dict[tuple[int, tuple[int, ...]], Any] = {}
        # each node of the statement: an id shared by equal sub-trees, and the names it uses
        self.nodes: dict[int, tuple[int, tuple[str, ...]]] = {}
        trees: dict[Node, int] = {}
        for node in walk(statement):
            self.nodes[id(node)] = (trees.setdefault(node, len(trees)),
                                    tuple(sorted(names(node))))
        self.spec_ids: dict[SignalSpec, int] = {}

    @classmethod
    def of(cls, claim: Claim, failing: Mapping[str, SignalSpec]) -> _Sweep | None:
        if claim.statement is None:
            return None
        try:
            return cls(claim.statement, failing)
        except (SymconvError, ArithmeticError):
            return None

    def skips(self, assignment: Mapping[str, SignalSpec]) -> bool:
        """True when :func:`counterexample_at` would find nothing at ``assignment``: the sides
        are equal polynomials there, or the statement does not fit these shapes (a
        ShapeError, which depends on the shapes alone)."""
        env = {}
        for name, spec in assignment.items():
            packed = self._packed(name, spec)
            if packed is None:
                return False
            env[name] = packed
        ids = {name: self.spec_ids.setdefault(spec, len(self.spec_ids))
               for name, spec in assignment.items()}
        try:
            left, right = evaluate_sides(self.statement, env, self.backend, _SizedMemo(self, ids))
            return not self.backend.differ(left, right)
        except ShapeError:
            return True
        except (SymconvError, ArithmeticError):
            return False

    def _packed(self, name: str, spec: SignalSpec) -> PackedSignal | None:
        if (name, spec) not in self.packed:
            packed = None
            try:
                signal = spec.build(name)
                if signal.generators() <= self.generators:
                    packed = self.backend.pack(signal)
            except (SymconvError, ArithmeticError):
                pass
            self.packed[name, spec] = packed
        return self.packed[name, spec]


class _SizedMemo(dict[Node, Any]):
    """The evaluator's memo (``node in memo``, ``memo[node]``), read and written through the
    values a :class:`_Sweep` keeps by (sub-tree, ids of the shapes of its signals)."""

    def __init__(self, sweep: _Sweep, ids: Mapping[str, int]) -> None:
        super().__init__()
        self.sweep, self.ids = sweep, ids

    def _key(self, node: Node) -> tuple[int, tuple[int, ...]]:
        tree, used = self.sweep.nodes[id(node)]
        return tree, tuple(self.ids[name] for name in used)

    def __contains__(self, node: object) -> bool:
        return self._key(node) in self.sweep.values  # type: ignore[arg-type]

    def __getitem__(self, node: Node) -> Any:
        return self.sweep.values[self._key(node)]

    def __setitem__(self, node: Node, value: Any) -> None:
        self.sweep.values[self._key(node)] = value


def small_counterexample(
    claim: Claim, failing: Mapping[str, SignalSpec], budget: Budget,
) -> tuple[Counterexample, dict[str, tuple[int, ...]]] | None:
    """The first counterexample in size order up to ``failing`` (which need not fail, nor
    fit the exact limits), with its sizes; None when none is found."""
    # sizes where the sides agree are most of the search: passed over by one sweep
    sweep = _Sweep.of(claim, failing)
    for assignment in smaller_assignments(failing):
        if (budget.exhausted() and assignment != dict(failing)) or not claim.admits(assignment):
            continue  # out of time, or a size where the claim is not stated
        if sweep is not None and sweep.skips(assignment):
            continue
        try:
            found = counterexample_at(claim, assignment)
        except SymconvError:  # too large, or this size does not fit the statement
            continue
        if found is not None:
            return found, sizes_of(assignment)
    return None


def minimal_counterexample(
    claim: Claim, failing: Mapping[str, SignalSpec], budget: Budget,
) -> tuple[Counterexample, dict[str, tuple[int, ...]]]:
    """The first counterexample in size order, with its sizes (``failing`` must fail)."""
    found = small_counterexample(claim, failing, budget)
    if found is not None:
        return found
    # Only ``failing`` is left: let its error (too large, say) through.
    counterexample = counterexample_at(claim, failing)
    if counterexample is None:
        raise AssertionError("the failing assignment no longer fails")
    return counterexample, sizes_of(failing)
