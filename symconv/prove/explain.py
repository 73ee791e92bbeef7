"""Explanations: how the two sides of a refuted claim differ, when a cheap check can tell.

Each candidate relation between the sides is itself a statement (the left side
shifted, flipped, conjugated or scaled, or both sides periodized), and is
printed only after the exact tier's comparison has VERIFIED it at the sizes where the
claim failed (or, when those are too large for exact entries, with every axis clipped to
5, sizes the explanation names; the sizes the exact tier would add for its warnings are
not run, since an explanation names its sizes):

- "equal after shifting the left side by (1, 0)": ``shift(L, 1, 0) == R``;
- "equal after flipping axis 1 of the left side": ``flip(L, 1) == R``;
- "equal up to conj": ``conj(L) == R``;
- "the left side is 6 times the right side": ``L == 6 * R`` (the factor read off
  the sides at a random point of the failing sizes; 1/4 is ``L == R / 4``);
- "equal modulo the period (3, 4)": ``periodize(L, 3, 4) == periodize(R, 3, 4)``,
  with the advice that circular results live on the representative box [0, n).

A random integer point at those sizes screens the candidates first (a relation
that fails there is false; one that holds there is checked exactly), so the
checks stay within the claim's budget.  The candidates are a fixed list read off the
statement; the budget only stops the checks early, and :func:`search` then says so.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.core.signal import MAX_EXACT_ENTRIES, Signal, check_box
from symconv.errors import SymconvError
from symconv.lang.check import check_statement
from symconv.lang.claims import check_claim
from symconv.lang.dsl import (
    FUNCTIONS,
    SIZED_CALLS,
    BinOp,
    Call,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    integer_value,
    parse_statement,
    unparse,
    walk,
)
from symconv.prove.counterexample import as_number, build_env, difference, exact_differs, sizes_of
from symconv.prove.evaluate import call_ints, call_options
from symconv.prove.modular import (
    NTT_PRIMES,
    Conjugated,
    ConjugatePairs,
    CyclotomicBackend,
    ModularBackend,
    NotModular,
    _prime_factors,
)
from symconv.prove.packed import (
    MonomialCodec,
    PackedBackend,
    PackedUnsupported,
    packed_difference,
)
from symconv.prove.random import prime_candidates
from symconv.prove.verdict import Budget, BudgetExhausted, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

PERIOD_TEXT = "equal modulo the period"
# Past the exact limits, explanations are checked with every axis clipped to this length.
CLIPPED_AXIS = 5
# Largest screening point drawn per entry (small: the values only need to separate).
SCREEN_RANGE = 1000
# The roots of unity the screen has for DFTs and 1j: every order up to 16 divides this.
SCREEN_ORDER = math.lcm(*range(1, 17))


@dataclass(frozen=True)
class Explanation:
    """One checked relation between the sides: ``text`` says it, ``statement`` is the
    claim that was checked, with its ``verdict`` at ``sizes``."""

    text: str
    statement: str
    verdict: Verdict
    sizes: dict[str, tuple[int, ...]]

    def describe(self) -> str:
        return (f"{self.text} ({self.statement} is {self.verdict.value} at "
                f"{format_sizes(self.sizes)})")

    def __str__(self) -> str:
        return self.describe()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "statement": self.statement, "verdict": self.verdict.value,
                "sizes": {k: list(v) for k, v in self.sizes.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Explanation:
        return cls(str(data["text"]), str(data["statement"]), Verdict(data["verdict"]),
                   {k: tuple(v) for k, v in data["sizes"].items()})


def edited_claim(claim: Claim, statement: Statement | str, **changes: Any) -> Claim:
    """``claim`` with another statement (checked like a loaded claim); ClaimFileError or
    SymconvError when it does not fit the declared signals."""
    parsed = parse_statement(statement if isinstance(statement, str) else unparse(statement))
    edited = replace(claim, statement=parsed, text=parsed.text, expect="holds", **changes)
    check_claim(edited)
    return edited


def failing_assignment(claim: Claim, result: Result) -> dict[str, SignalSpec]:
    """The declared assignment at which ``result`` refuted ``claim`` (else the first)."""
    declared = claim.assignments()
    for assignment in declared:
        if result.sizes and sizes_of(assignment) == result.sizes[0]:
            return assignment
    return declared[0]


class Screen:
    """Equality of two sides at one random point of ``assignment``, to throw out false
    candidates cheaply: residues modulo a prime (values of shared sub-expressions are
    kept, since candidates differ from the claim in one place); for DFTs, ``1j`` and
    complex entries the residues of another prime through Z[ζ_L] -> F_p
    (:class:`CyclotomicBackend`, L = :data:`SCREEN_ORDER`, with :class:`ConjugatePairs`
    for ``conj``); for what neither evaluates (roots of unity of other orders, fixed
    complex entries), small integers in exact arithmetic.  A difference there proves the
    statement false; where no point can be formed every statement passes."""

    def __init__(self, assignment: dict[str, SignalSpec], seed: int = 0) -> None:
        self.assignment = assignment
        self._ratios: dict[Statement, Fraction | None] = {}
        self.modular = ModularBackend(*NTT_PRIMES[0])
        self.memo = _Values()
        self.residues: dict[str, Signal] | None = None
        self.env: dict[str, Signal] | None = None
        try:
            self.residues = self._point(assignment, random.Random(seed), modular=True)
            self.env = self._point(assignment, random.Random(seed), modular=False)
        except SymconvError:  # too large for exact entries: residues only (or NotModular:
            pass  # a fixed entry with no residue, and then neither)
        # residues through Z[ζ_L] -> F_p: DFTs, 1j and complex entries
        self.pairs: ConjugatePairs | None = None
        self.pairs_env: dict[str, Conjugated] = {}
        self.pairs_memo = _Values()
        prime, root = _cyclotomic_field()
        cyclotomic = CyclotomicBackend(prime, SCREEN_ORDER, root)
        try:
            self.pairs_env = self._pairs_point(cyclotomic, assignment, random.Random(seed))
            self.pairs = ConjugatePairs(cyclotomic)
        except (SymconvError, ArithmeticError, TypeError):  # TypeError: complex fixed entries
            pass
        # The exact point's entries are numbers (no generators, degree 0), so one packed
        # backend serves every candidate and the values of shared sub-expressions are kept.
        self.packed: PackedBackend | None = None
        self.packed_env: dict[str, Any] = {}
        self.packed_memo = _Values()
        if self.env is not None:
            try:
                self.packed = PackedBackend(MonomialCodec(set(), 0))
                self.packed_env = {name: self.packed.pack(s) for name, s in self.env.items()}
            except (PackedUnsupported, SymconvError, ArithmeticError):
                self.packed = None
        elif self.residues is None and not all(spec.real for spec in assignment.values()):
            try:  # complex entries: a point of Gaussian integers, in exact arithmetic
                self.packed = PackedBackend(MonomialCodec(set(), 0))
                self.packed_env = self._gaussian_point(self.packed, assignment,
                                                       random.Random(seed))
            except (PackedUnsupported, SymconvError, ArithmeticError):
                self.packed, self.packed_env = None, {}

    @staticmethod
    def _gaussian_point(packed: PackedBackend, assignment: dict[str, SignalSpec],
                        rng: random.Random) -> dict[str, Any]:
        """Packed values x + i·y with small random integers x, y (y = 0 for real signals)."""
        env: dict[str, Any] = {}
        i = packed.imag(Fraction(1))
        for name, spec in assignment.items():
            if not spec.is_symbolic:
                env[name] = packed.pack(spec.build(name))
                continue
            check_box(spec.shape, exact=True)
            origin = spec.origin_at(spec.shape)
            parts = [packed.pack(Signal.literal(_nested(
                [rng.randint(-SCREEN_RANGE, SCREEN_RANGE) for _ in range(math.prod(spec.shape))],
                spec.shape), origin)) for _ in range(1 if spec.real else 2)]
            env[name] = parts[0] if spec.real else packed.binary(
                "+", parts[0], packed.binary("*", i, parts[1]))
        return env

    @staticmethod
    def _pairs_point(backend: CyclotomicBackend, assignment: dict[str, SignalSpec],
                     rng: random.Random) -> dict[str, Conjugated]:
        """Residues for :class:`ConjugatePairs`: a real entry is its own conjugate, a complex
        entry's conjugate an independent residue (the sides are polynomials in the entries
        and their conjugates, which are independent as functions of the complex values)."""
        env: dict[str, Conjugated] = {}
        for name, spec in assignment.items():
            if not spec.is_symbolic:
                fixed = spec.build(name)
                residues = Signal(np.array(
                    [backend.residue(Fraction(as_number(v))) for v in fixed.entries.flat],
                    dtype=np.int64).reshape(fixed.shape), fixed.origin)
                env[name] = Conjugated.of(residues, residues)
                continue
            origin = spec.origin_at(spec.shape)
            generator = np.random.default_rng(rng.getrandbits(64))
            parts = [Signal(generator.integers(0, backend.prime, size=spec.shape,
                                               dtype=np.int64), origin)
                     for _ in range(1 if spec.real else 2)]
            env[name] = Conjugated.of(parts[0], parts[-1])
        return env

    def _point(self, assignment: dict[str, SignalSpec], rng: random.Random,
               modular: bool) -> dict[str, Signal] | None:
        env: dict[str, Signal] = {}
        for name, spec in assignment.items():
            if not spec.real:
                return None
            if not spec.is_symbolic:
                fixed = spec.build(name)
                env[name] = fixed if not modular else Signal(np.array(
                    [self.modular.residue(Fraction(as_number(v))) for v in fixed.entries.flat],
                    dtype=np.int64).reshape(fixed.shape), fixed.origin)
                continue
            origin = spec.origin_at(spec.shape)
            if modular:
                generator = np.random.default_rng(rng.getrandbits(64))
                env[name] = Signal(generator.integers(0, self.modular.prime, size=spec.shape,
                                                      dtype=np.int64), origin)
            else:
                check_box(spec.shape, exact=True)  # before drawing entries past the limit
                values = [rng.randint(-SCREEN_RANGE, SCREEN_RANGE)
                          for _ in range(math.prod(spec.shape))]
                env[name] = Signal.literal(_nested(values, spec.shape), origin)
        return env

    def may_hold(self, statement: Statement) -> bool:
        """False only when the sides differ at the point (so the statement is false)."""
        if self.residues is not None:
            try:
                sides = (self._modular(statement.left), self._modular(statement.right))
                return _equal(*sides)
            except (SymconvError, ArithmeticError):
                pass  # NotModular (a DFT), or a statement that does not fit
        if self.pairs is not None:
            try:
                left = _memoized(statement.left, self.pairs, self.pairs_env, self.pairs_memo)
                right = _memoized(statement.right, self.pairs, self.pairs_env, self.pairs_memo)
                return _equal(left.value, right.value)
            except (SymconvError, ArithmeticError):
                pass  # a root of unity outside Q(ζ_L), or a statement that does not fit
        if self.packed is None:
            return True
        try:
            left = _memoized(statement.left, self.packed, self.packed_env, self.packed_memo)
            right = _memoized(statement.right, self.packed, self.packed_env, self.packed_memo)
            return not self.packed.differ(left, right)
        except (PackedUnsupported, SymconvError, ArithmeticError):
            return True

    def _modular(self, node: Node) -> Any:
        """``node`` evaluated modulo the prime, remembering every sub-expression's value."""
        assert self.residues is not None
        return _memoized(node, self.modular, self.residues, self.memo)

    def ratio(self, statement: Statement) -> Fraction | None:
        """left / right where the sides first differ at the (exact) point, when both are
        non-zero rationals: the factor a scaled statement would need."""
        if statement not in self._ratios:  # explanations and repairs both ask
            self._ratios[statement] = self._ratio(statement)
        return self._ratios[statement]

    def _ratio(self, statement: Statement) -> Fraction | None:
        if self.env is None:
            return None
        try:
            found = packed_difference(statement, self.env)
        except (PackedUnsupported, SymconvError, ArithmeticError):
            return None
        if found is None:
            return None
        left, right = (as_number(v) for v in found[1:])
        if not isinstance(left, int | Fraction) or not isinstance(right, int | Fraction):
            return None
        return Fraction(left) / Fraction(right) if left and right else None


_UNKNOWN = object()  # no value kept yet (None may be a value)


@dataclass
class _Values:
    """The values of the sub-expressions evaluated so far, by tree and by object: candidates
    are built from the claim's own nodes (only the path to the edit is new), and hashing a
    tree walks all of it, while an object is found by its id.  Every node is kept alive here,
    so its id is not reused by another object."""

    by_node: dict[Node, Any] = field(default_factory=dict)
    by_id: dict[int, tuple[Node, Any]] = field(default_factory=dict)


def _memoized(node: Node, backend: Any, env: dict[str, Any], memo: _Values) -> Any:
    """``node`` evaluated by ``backend`` on ``env``, with every sub-expression's value kept in
    ``memo`` (candidates differ from the claim in one place)."""
    seen = memo.by_id.get(id(node))
    if seen is not None and seen[0] is node:
        return seen[1]
    known = memo.by_node.get(node, _UNKNOWN)
    if known is not _UNKNOWN:
        memo.by_id[id(node)] = (node, known)
        return known
    if isinstance(node, Name):
        value = env[node.id]
    elif isinstance(node, Number):
        value = backend.number(node.value)
    elif isinstance(node, Neg):
        value = backend.neg(_memoized(node.operand, backend, env, memo))
    elif isinstance(node, BinOp):
        value = backend.binary(node.op, _memoized(node.left, backend, env, memo),
                               _memoized(node.right, backend, env, memo))
    elif isinstance(node, Call):
        n = FUNCTIONS[node.func].signals
        ints = call_ints(node, lambda arg: _shape(_memoized(arg, backend, env, memo)))
        value = backend.call(node.func, [_memoized(a, backend, env, memo)
                                         for a in node.args[:n]], ints, call_options(node))
    elif isinstance(backend, ModularBackend):  # an imaginary constant: no modular value
        raise NotModular("imaginary constants have no modular evaluation here")
    else:
        value = backend.imag(node.value)
    memo.by_node[node] = value
    memo.by_id[id(node)] = (node, value)
    return value


def _equal(left: Any, right: Any) -> bool:
    """``difference(left, right) is None`` for residues, with one comparison of the entries
    when both lie on one box (most candidates: no union box to embed in)."""
    if (isinstance(left, Signal) and isinstance(right, Signal) and left.shape == right.shape
            and left.origin == right.origin and not left.is_exact and not right.is_exact):
        return bool(np.array_equal(left.entries, right.entries))
    return difference(left, right) is None


def _shape(value: Any) -> tuple[int, ...]:
    return value.value.shape if isinstance(value, Conjugated) else value.shape


@lru_cache(maxsize=1)
def _cyclotomic_field() -> tuple[int, int]:
    """(p, r): the least prime p ≡ 1 (mod :data:`SCREEN_ORDER`) in [2^30, 2^31) and a
    primitive root of unity r of that order mod p."""
    prime = int(prime_candidates(SCREEN_ORDER)[0])
    factors = _prime_factors(SCREEN_ORDER)
    for base in itertools.count(2):
        root = pow(base, (prime - 1) // SCREEN_ORDER, prime)
        if all(pow(root, SCREEN_ORDER // q, prime) != 1 for q in factors):
            return prime, root
    raise AssertionError("unreachable: F_p^* is cyclic")


def _nested(values: list[int], shape: tuple[int, ...]) -> Any:
    nested: Any = values
    for n in reversed(shape[1:]):
        nested = [nested[i:i + n] for i in range(0, len(nested), n)]
    return nested


def explanations(claim: Claim, result: Result, budget: Budget) -> list[Explanation]:
    """The relations between the sides of a refuted ``==`` claim that the exact tier
    verifies at the failing sizes, cheapest first; stops when the budget is spent."""
    return search(claim, result, budget)[0]


def search(claim: Claim, result: Result, budget: Budget,
           screen: Screen | None = None) -> tuple[list[Explanation], str]:
    """:func:`explanations`, and ``""`` or why the budget stopped the checks before the
    last candidate (a fixed list, read off the statement: the clock is only a safety stop).
    ``screen``: one already made (the repairs use the same), taken if it is at the sizes
    checked here."""
    statement = claim.statement
    if statement is None or statement.op != "==" or result.verdict is not Verdict.REFUTED:
        return [], ""
    assignment = failing_assignment(claim, result)
    if not _fits_exact(assignment):
        # too large to check exactly: check at clipped sizes (named in the explanation),
        # not the counterexample's, where a 1x1 signal makes flips and periods trivial
        assignment = {name: spec.resized(tuple(min(n, CLIPPED_AXIS) for n in spec.shape))
                      for name, spec in assignment.items()}
    fixed = {name: [spec] for name, spec in assignment.items()}
    if screen is None or screen.assignment != assignment:
        screen = Screen(assignment)
    found: list[Explanation] = []
    for k, (text, candidate) in enumerate(_candidates(claim, statement, assignment,
                                                      screen.ratio(statement))):
        if budget.exhausted():
            return found, _cut_short(budget, k)
        if not screen.may_hold(candidate):
            continue
        try:
            check = edited_claim(claim, candidate, signals=fixed, tiers=("exact",))
            budget.check()
            # the exact tier's comparison at these sizes alone (its extra sizes would only
            # add warnings, and the explanation names its sizes)
            holds = not exact_differs(check, build_env(assignment))
        except BudgetExhausted:
            return found, _cut_short(budget, k)
        except SymconvError:  # too large (the tier: INCONCLUSIVE), or it does not fit
            continue
        if holds:
            if text.startswith(PERIOD_TEXT) and any(e.text.startswith(PERIOD_TEXT)
                                                     for e in found):
                continue  # a coarser period says less
            found.append(Explanation(text, check.text, Verdict.VERIFIED, sizes_of(assignment)))
    return found, ""


def _cut_short(budget: Budget, checked: int) -> str:
    return (f"explanations cut short by the budget of {budget.seconds:g} s after {checked} "
            "candidates; more time may find others")


def _fits_exact(assignment: dict[str, SignalSpec]) -> bool:
    return all(math.prod(spec.shape) <= MAX_EXACT_ENTRIES for spec in assignment.values())


def _candidates(claim: Claim, statement: Statement, assignment: dict[str, SignalSpec],
                factor: Fraction | None) -> Iterator[tuple[str, Statement]]:
    left, right = statement.left, statement.right
    ndim = _ndim(claim, statement)

    def same(new_left: Node, new_right: Node = right) -> Statement:
        return Statement(new_left, "==", new_right, unparse(Statement(new_left, "==", new_right,
                                                                      "")))

    if ndim:
        for offset in itertools.product((-1, 0, 1), repeat=ndim):
            if any(offset):
                args = tuple(_integer(k) for k in offset)
                yield (f"equal after shifting the left side by {_tuple_text(offset)}",
                       same(Call("shift", (left, *args), ())))
        if ndim > 1:
            for axis in range(ndim):
                yield (f"equal after flipping axis {axis} of the left side",
                       same(Call("flip", (left, _integer(axis)), ())))
        yield "equal after flipping the left side", same(Call("flip", (left,), ()))
    yield "equal up to conj", same(Call("conj", (left,), ()))
    if factor is not None:
        yield (f"the left side is {_number_text(factor)} times the right side",
               same(left, scaled(right, factor)))
    if ndim:  # (the first period that works is the one to report; see explanations())
        for period in _periods(statement, assignment, ndim):
            args = tuple(_integer(n) for n in period)
            yield (_period_text(statement, assignment, period),
                   same(Call("periodize", (left, *args), ()),
                        Call("periodize", (right, *args), ())))


def scaled(node: Node, factor: Fraction) -> Node:
    """``node`` times ``factor`` as a reader writes it: ``-R``, ``3 * R``, ``3 * R / 4``,
    ``R / 4`` (an exact ratio, never a decimal ``0.75 * R``)."""
    if factor == -1:
        return Neg(node)
    if factor.denominator == 1:
        return BinOp("*", Number(factor), node)
    top = BinOp("*", Number(Fraction(factor.numerator)), node) if factor.numerator != 1 else node
    return BinOp("/", top, Number(Fraction(factor.denominator)))


def _ndim(claim: Claim, statement: Statement) -> int:

    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    return check_statement(statement, ndims).ndim


def _integer(value: int) -> Node:
    return Number(Fraction(value)) if value >= 0 else Neg(Number(Fraction(-value)))


def _tuple_text(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def _number_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(value)


def _periods(statement: Statement, assignment: dict[str, SignalSpec],
             ndim: int) -> list[tuple[int, ...]]:
    """Periods the statement works with: explicit sizes of circular operations, then the
    shapes of the signals."""
    periods: list[tuple[int, ...]] = []
    for node in walk(statement):
        if isinstance(node, Call) and node.func in SIZED_CALLS:
            ints = [integer_value(a) for a in node.args[FUNCTIONS[node.func].signals:]]
            if len(ints) == ndim and all(isinstance(n, int) for n in ints):
                periods.append(tuple(n for n in ints if n is not None))
    for spec in assignment.values():
        if len(spec.shape) == ndim:
            periods.append(spec.shape)
    # a period of 1 on an axis sums that axis away: equal modulo it says little
    return [p for p in dict.fromkeys(periods) if min(p) > 1]


def _period_text(statement: Statement, assignment: dict[str, SignalSpec],
                 period: tuple[int, ...]) -> str:
    text = f"{PERIOD_TEXT} {_tuple_text(period)}"
    circular = sorted({n.func for n in walk(statement)
                       if isinstance(n, Call) and n.func in ("idft", "circconv", "circcorr")})
    if not circular:
        return text + ": compare with periodize"
    moved = [name for name, spec in assignment.items() if spec.is_symbolic
             and any(spec.origin_at(spec.shape))]
    zeros = ", ".join(["0"] * len(period))
    advice = f"give {', '.join(moved)} origin = [{zeros}]" if moved else ""
    verbs = " and ".join(circular)
    return (f"{text}: {verbs} return{'s' if len(circular) == 1 else ''} the representative on "
            f"[0, n); {advice + ' or ' if advice else ''}compare with periodize")
