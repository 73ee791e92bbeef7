"""Nearest true repairs: small edits of a refuted statement that make it true.

The neighbourhood of a statement is every single edit of one of its
sub-expressions:

- add a flip (all axes, or one axis) or remove one;
- swap conv and corr (alone, or with a flip added to either argument), circconv
  and circcorr;
- swap the arguments of a two-signal function, of ``@`` and of ``-``;
- shift by +-1 along one axis; conj; transpose (2D);
- another mode or boundary of conv / corr;
- scale one side by -1, 2, 1/2, the factor read off the counterexample, or a size
  of a declared signal (an axis length or the number of entries);
- scale one side by a product of size functions (``len(f)``, ``numel(F) / size(G, 1)``)
  worth the sides' ratio at the failing sizes, which may hold at all sizes;
- read a side of a circular statement modulo n, ``periodize(side, size(a, 0), ...)``.

Each edited statement is screened at a random integer point of the failing sizes
(a statement that fails there is false) and the survivors are re-verified by the
normal tiers (:func:`symconv.prove.tiers.decide`, without diagnosis); only those
the tiers find true are reported, fewest edits and strongest verdicts first.

The search does a fixed amount of work (at most :data:`MAX_CANDIDATES` re-verified
candidates, each at all the sizes its tiers would check unhurried), so that its repairs
are the same on a quiet machine and a loaded one.  The claim's wall-clock budget is only
a safety stop: when it runs out, or may have stopped a candidate's tier, the search stops
and says so (:func:`search`) instead of giving a different list.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from symconv.core import ops
from symconv.errors import SymconvError
from symconv.lang.check import kind_of
from symconv.lang.dsl import (
    SIZE_FUNCTIONS,
    BinOp,
    Call,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    Str,
    unparse,
    walk,
)
from symconv.lang.operations import CIRCULAR
from symconv.prove import exact
from symconv.prove.explain import Screen, edited_claim, failing_assignment, scaled
from symconv.prove.tiers import TIER_WEIGHTS, decide
from symconv.prove.verdict import UNSCOPED, Budget, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

# At most this many repairs are reported.
MAX_REPAIRS = 5
# At most this many candidates (survivors of the screen) are re-verified by the tiers: the
# fixed amount of work of a search.  The bundled claims' searches re-verify at most 23.
MAX_CANDIDATES = 40
# Size factors (len, numel, size) per size-function scaling, and at most this many such
# scalings per side: the candidates stay few (each is one the tiers decide).
MAX_SIZE_TERMS = 2
MAX_SIZE_REPAIRS = 3
_STRENGTH = {Verdict.PROVED: 0, Verdict.VERIFIED: 1, Verdict.PROBABLE: 2}
_TWO_SIGNAL_SWAPS = {"conv": "corr", "corr": "conv", "circconv": "circcorr",
                     "circcorr": "circconv"}

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Repair:
    """``original`` (a sub-expression, or a whole side) replaced by ``replacement`` gives
    ``statement``, which the tiers found true: ``verdict`` by ``method`` at ``sizes``."""

    original: str
    replacement: str
    statement: str
    verdict: Verdict
    method: str
    sizes: list[dict[str, tuple[int, ...]]]
    edits: int
    warnings: list[str] = field(default_factory=list)
    # "left" or "right" when ``original`` occurs on both sides (else the text is ambiguous)
    side: str = ""

    def describe(self) -> str:
        """``corr(F, I) is replaced by conv(flip(F), I) (PROVED)``."""
        verdict = self.verdict.value
        if self.warnings:
            verdict += "; " + "; ".join(self.warnings)
        where = f" on the {self.side} side" if self.side else ""
        return f"{self.original}{where} is replaced by {self.replacement} ({verdict})"

    def __str__(self) -> str:
        return self.describe()

    def to_json(self) -> dict[str, Any]:
        return {"original": self.original, "replacement": self.replacement,
                "statement": self.statement, "verdict": self.verdict.value,
                "method": self.method, "edits": self.edits,
                "sizes": [{k: list(v) for k, v in s.items()} for s in self.sizes],
                "sizes_text": "; ".join(format_sizes(s) for s in self.sizes),
                "warnings": list(self.warnings), "side": self.side}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Repair:
        return cls(str(data["original"]), str(data["replacement"]), str(data["statement"]),
                   Verdict(data["verdict"]), str(data["method"]),
                   [{k: tuple(v) for k, v in s.items()} for s in data["sizes"]],
                   int(data["edits"]), [str(w) for w in data["warnings"]],
                   str(data.get("side", "")))


def repairs(claim: Claim, budget: Budget | float, result: Result | None = None) -> list[Repair]:
    """The nearest true statements to ``claim`` (empty unless it is a REFUTED ``==`` claim).

    ``budget`` is a :class:`Budget` or seconds; ``result`` the claim's verdict when already
    known (otherwise the tiers run first).  :func:`search` also says whether the budget cut
    the search short.
    """
    return search(claim, budget, result)[0]


def search(claim: Claim, budget: Budget | float, result: Result | None = None,
           screen: Screen | None = None) -> tuple[list[Repair], str]:
    """:func:`repairs`, and ``""`` or why the clock stopped the search before its work was
    done (then the list may be shorter, or weaker, than with more time).  ``screen``: one
    already made (the explanations use the same), taken if it is at the failing sizes."""
    if not isinstance(budget, Budget):
        budget = Budget(float(budget))
    statement = claim.statement
    if statement is None or statement.op != "==":
        return [], ""
    if result is None:
        result = decide(claim, Budget(max(budget.remaining(), 0.0)))
    if result.verdict is not Verdict.REFUTED:
        return [], ""
    failing = failing_assignment(claim, result)
    if screen is None or screen.assignment != failing:
        screen = Screen(failing)
    found: list[Repair] = []
    scoped: set[int] = set()  # the repairs whose last warning is their proof's scope
    seen = {unparse(statement)}
    tried = 0
    cut_short = ""
    for edits, path, replacement in _edits(claim, statement, result, screen.assignment,
                                           screen.ratio(statement)):
        if len(found) >= MAX_REPAIRS or tried >= MAX_CANDIDATES:
            break
        if budget.exhausted():
            cut_short = _cut_short(budget, tried, "it ran out")
            break
        candidate = _replaced(statement, path, replacement)
        sized = _sizes_in(replacement) > _sizes_in(_at(statement, path))  # a size scaling
        # The screen first: it throws out most candidates, and keeps the values of shared
        # sub-expressions, so it costs less than their text (a false candidate stays false
        # however often it recurs; only survivors need the text to be told apart).
        if not screen.may_hold(candidate):
            continue
        text = unparse(candidate)
        if text in seen or unparse(candidate.left) == unparse(candidate.right):
            continue  # already tried, or true for no reason but identical sides
        seen.add(text)
        try:
            edited = edited_claim(claim, text)
        except SymconvError:
            continue
        tried += 1
        try:
            verdict, hurried = _decided(edited, Budget(max(budget.remaining(), 0.0),
                                                       witness=False))
        except SymconvError:
            continue
        if hurried:
            # what the clock allowed this candidate decides its verdict: stop here rather
            # than report a list another run would not give
            cut_short = _cut_short(budget, tried - 1, hurried)
            break
        if verdict.verdict is not Verdict.PROVED and sized:
            continue  # a size function only VERIFIED says no more than the constant it is
        if verdict.verdict in _STRENGTH:
            # A bare name is ambiguous ("F is replaced by flip(F)"): show its enclosing call.
            shown = path[:-1] if len(path) > 1 and isinstance(_at(statement, path),
                                                              Name | Number) else path
            # a proof within a scope (tied sizes, modes where defined) says so, as its verdict does
            scope = verdict.scope_text() if verdict.verdict is Verdict.PROVED else UNSCOPED
            original = unparse(_at(statement, shown))
            both = len(shown) > 1 and all(original in unparse(side)
                                          for side in (statement.left, statement.right))
            found.append(Repair(original, unparse(_at(candidate, shown)),
                                edited.text,
                                verdict.verdict, verdict.method, verdict.sizes, edits,
                                list(verdict.warnings) + ([scope] if scope != UNSCOPED else []),
                                str(shown[0]) if both else ""))
            if scope != UNSCOPED:
                scoped.add(id(found[-1]))
    # a warning (a failure at other sizes) ranks a repair lower; a proof's scope does not
    found.sort(key=lambda r: (r.edits, len(r.warnings) > (id(r) in scoped), _STRENGTH[r.verdict]))
    return found, cut_short


def _decided(claim: Claim, budget: Budget) -> tuple[Result, str]:
    """The tiers' verdict on ``claim`` and ``""``, or why it depends on the clock (a tier
    that ran up to its share of ``budget`` may have been stopped by it)."""
    starts: list[tuple[str, float, float]] = []  # (tier, start, its share of the budget)

    def started(name: str) -> None:
        later = list(claim.tiers)[len(starts):]  # as decide() shares the budget out
        share = budget.remaining() * TIER_WEIGHTS[name] / sum(TIER_WEIGHTS[n] for n in later)
        starts.append((name, time.monotonic(), share))

    result = decide(claim, budget, on_tier=started)
    ends = [start for _, start, _ in starts[1:]] + [time.monotonic()]
    # (no tier started when the budget was already spent: then no pairs)
    for (name, start, share), end in zip(starts, ends, strict=False):
        if end - start >= share:
            return result, f"its {name} tier used up its share"
    if result.verdict is Verdict.INCONCLUSIVE and budget.exhausted():
        return result, "it ran out"
    if result.method == exact.METHOD and result.detail.endswith(exact.SKIPPED_FOR_TIME):
        return result, "its exact tier ran out before its extra sizes"
    return result, ""


def _cut_short(budget: Budget, tried: int, why: str) -> str:
    return (f"repairs cut short by the budget of {budget.seconds:g} s after {tried} of at "
            f"most {MAX_CANDIDATES} candidates ({why}); more time may find others")


# --- the neighbourhood ------------------------------------------------------------------


def _children(node: Node | Statement) -> list[tuple[Any, Node]]:
    if isinstance(node, Statement):
        return [("left", node.left), ("right", node.right)]
    if isinstance(node, Call):
        return list(enumerate(node.args))
    if isinstance(node, BinOp):
        return [("left", node.left), ("right", node.right)]
    if isinstance(node, Neg):
        return [("operand", node.operand)]
    return []


def _subtrees(node: Node | Statement, path: Path = ()) -> Iterator[tuple[Path, Node]]:
    for step, child in _children(node):
        yield (*path, step), child
        yield from _subtrees(child, (*path, step))


def _at(node: Node | Statement, path: Path) -> Node:
    for step in path:
        node = dict(_children(node))[step]
    assert not isinstance(node, Statement)
    return node


def _replaced(node: Any, path: Path, new: Node) -> Any:
    if not path:
        return new
    step, rest = path[0], path[1:]
    if isinstance(node, Statement):
        left = _replaced(node.left, rest, new) if step == "left" else node.left
        right = _replaced(node.right, rest, new) if step == "right" else node.right
        return Statement(left, node.op, right, "")
    if isinstance(node, Call):
        args = list(node.args)
        args[step] = _replaced(args[step], rest, new)
        if not rest and (once := _undone(node.func, args)) is not None:
            return once  # flip(flip(x)) is x, a candidate already tried: not a repair
        return Call(node.func, tuple(args), node.kwargs)
    if isinstance(node, BinOp):
        return BinOp(node.op, _replaced(node.left, rest, new) if step == "left" else node.left,
                     _replaced(node.right, rest, new) if step == "right" else node.right)
    return Neg(_replaced(node.operand, rest, new))


def _undone(func: str, args: list[Node]) -> Node | None:
    """``x`` if ``func(*args)`` is an involution applied twice (to all axes) to ``x``."""
    inner = args[0] if len(args) == 1 else None
    if (func in ("flip", "conj", "transpose") and isinstance(inner, Call)
            and inner.func == func and len(inner.args) == 1):
        return inner.args[0]
    return None


def _edits(claim: Claim, statement: Statement, result: Result,
           assignment: dict[str, SignalSpec],
           ratio: Fraction | None) -> Iterator[tuple[int, Path, Node]]:
    """(number of edits, where, replacement), single edits first."""
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    nodes = list(_subtrees(statement))
    doubles: list[tuple[int, Path, Node]] = []
    for path, node in nodes:
        try:
            ndim = kind_of(node, ndims).ndim
        except SymconvError:
            continue
        for edits, replacement in _node_edits(node, ndim):
            if edits == 1:
                yield 1, path, replacement
            else:
                doubles.append((edits, path, replacement))
    yield from _periodized(claim, statement)
    if ratio is not None:
        for path, factor in _size_scalings(statement, assignment, ratio):
            yield 1, path, factor
    for path, factor in _scalings(claim, statement, result, ratio):
        yield 1, path, factor
    yield from doubles


def _periodized(claim: Claim, statement: Statement) -> Iterator[tuple[int, Path, Node]]:
    """A circular statement with signals of one shape n: a side read mod n, with the sizes
    named (``periodize(flip(circconv(a, b)), size(a, 0), size(a, 1))``), so that a law of
    Z_n^d is proved for every n, not only at the declared sizes (ops stores a shifted or
    flipped circular result off [0, n)^d)."""
    shapes = {spec.shape for specs in claim.signals.values() for spec in specs}
    if len(shapes) != 1 or not any(isinstance(n, Call) and n.func in CIRCULAR
                                   for n in walk(statement)):
        return
    name, ndim = sorted(claim.signals)[0], len(shapes.pop())
    sizes = [Call("len", (Name(name),), ())] if ndim == 1 else [
        Call("size", (Name(name), _int(axis)), ()) for axis in range(ndim)]
    ndims = {n: ndim for n in claim.signals}
    for step, side in (("left", statement.left), ("right", statement.right)):
        try:
            signal = not kind_of(side, ndims).is_scalar
        except SymconvError:
            continue
        if signal and not (isinstance(side, Call) and side.func == "periodize"):
            yield 1, (step,), Call("periodize", (side, *sizes), ())


def _node_edits(node: Node, ndim: int) -> Iterator[tuple[int, Node]]:
    if isinstance(node, Call):
        yield from _call_edits(node)
    if isinstance(node, BinOp) and node.op in "-@":
        yield 1, BinOp(node.op, node.right, node.left)
    if ndim == 0:
        return
    yield 1, _flip(node)
    if ndim > 1:
        for axis in range(ndim):
            yield 1, Call("flip", (node, _int(axis)), ())
    # (conj and transpose are involutions: around themselves, removing them is the edit)
    if not (isinstance(node, Call) and node.func == "conj"):
        yield 1, Call("conj", (node,), ())
    if ndim == 2 and not (isinstance(node, Call) and node.func == "transpose"):
        yield 1, Call("transpose", (node,), ())
    for axis in range(ndim):
        for step in (1, -1):
            offsets = tuple(_int(step if k == axis else 0) for k in range(ndim))
            yield 1, Call("shift", (node, *offsets), ())


def _call_edits(node: Call) -> Iterator[tuple[int, Node]]:
    if node.func in ("flip", "conj", "transpose", "shift"):
        yield 1, node.args[0]  # remove it
    if node.func in ("conv", "corr", "circconv", "circcorr", "frobenius", "hadamard"):
        a, b, *rest = node.args
        yield 1, Call(node.func, (b, a, *rest), node.kwargs)
    swapped = _TWO_SIGNAL_SWAPS.get(node.func)
    if swapped is not None:
        a, b, *rest = node.args
        yield 1, Call(swapped, node.args, node.kwargs)
        yield 2, Call(swapped, (_flip(a), b, *rest), node.kwargs)
        yield 2, Call(swapped, (a, _flip(b), *rest), node.kwargs)
    if node.func in ("conv", "corr"):
        options = {k: v.value for k, v in node.kwargs if isinstance(v, Str)}
        mode = ops.normalize_mode(options.get("mode", "full"))
        boundary = ops.normalize_boundary(options.get("boundary", "zero"))
        for other in ("full", "same", "valid"):
            if other != mode:
                yield 1, _with_options(node, other, boundary)
        if mode != "full":
            for other in ops.BOUNDARIES:
                if other != boundary:
                    yield 1, _with_options(node, mode, other)


def _with_options(node: Call, mode: str, boundary: str) -> Call:
    kwargs: list[tuple[str, Node]] = []
    if mode != "full":
        kwargs.append(("mode", Str(mode)))
    if boundary != "zero":
        kwargs.append(("boundary", Str(boundary)))
    return Call(node.func, node.args, tuple(kwargs))


def _flip(node: Node) -> Node:
    if isinstance(node, Call) and node.func == "flip" and len(node.args) == 1 and not node.kwargs:
        return node.args[0]  # flip is an involution: remove it rather than stack it
    return Call("flip", (node,), ())


def _int(value: int) -> Node:
    return Number(Fraction(value)) if value >= 0 else Neg(Number(Fraction(-value)))


def _scalings(claim: Claim, statement: Statement, result: Result,
              ratio: Fraction | None) -> Iterator[tuple[Path, Node]]:
    """One side times a constant: -1, 2, 1/2, the sides' ratio at the failing sizes or at
    the counterexample, a size."""
    factors: list[Fraction] = [Fraction(-1), Fraction(2), Fraction(1, 2)]
    if ratio is not None:
        factors += [ratio, 1 / ratio]
    cex = result.counterexample
    if cex is not None and isinstance(cex.left, int | Fraction) and isinstance(
            cex.right, int | Fraction) and cex.left and cex.right:
        ratio = Fraction(cex.left) / Fraction(cex.right)
        factors += [ratio, 1 / ratio]
    for assignment in claim.assignments()[:1]:
        for spec in assignment.values():
            if spec.is_symbolic:
                sizes = {*spec.shape, math.prod(spec.shape)}
                factors += [Fraction(n) for n in sorted(sizes) if n > 1]
                factors += [Fraction(1, n) for n in sorted(sizes) if n > 1]
    for factor in dict.fromkeys(factors):
        if factor == 1:
            continue
        for side in ("left", "right"):
            yield (side,), scaled(statement.left if side == "left" else statement.right, factor)


def _size_scalings(statement: Statement, assignment: dict[str, SignalSpec],
                   ratio: Fraction) -> Iterator[tuple[Path, Node]]:
    """One side times a product of sizes of the statement's signals (``len(f)``,
    ``numel(F)``, ``size(F, k)``; at most :data:`MAX_SIZE_TERMS` factors, each possibly a
    reciprocal) worth ``ratio`` at ``assignment``: a factor the tiers can prove for all
    sizes where the constant holds at one (Parseval's ``len(f)``).  Terms without a
    reciprocal, then with fewer factors, first; at most :data:`MAX_SIZE_REPAIRS` terms."""
    sizes: list[tuple[Node, dict[tuple[str, int], int]]] = []  # (size function, its axes)
    for name in dict.fromkeys(n.id for n in walk(statement) if isinstance(n, Name)):
        spec = assignment.get(name)
        if spec is None or not spec.is_symbolic:
            continue  # a literal's sizes are constants: the constant factors cover them
        arg = Name(name)
        if len(spec.shape) == 1:
            sizes.append((Call("len", (arg,), ()), {(name, 0): 1}))
            continue
        sizes.append((Call("numel", (arg,), ()), {(name, k): 1 for k in range(len(spec.shape))}))
        sizes += [(Call("size", (arg, _int(k)), ()), {(name, k): 1})
                  for k in range(len(spec.shape))]
    lengths = {(name, k): n for name, spec in assignment.items() for k, n in enumerate(spec.shape)}
    terms: list[tuple[list[Node], list[Node]]] = []  # (numerator, denominator) of worth ratio
    seen: set[frozenset[tuple[tuple[str, int], int]]] = set()
    for count in range(1, MAX_SIZE_TERMS + 1):
        for picked in itertools.combinations_with_replacement(range(len(sizes)), count):
            for signs in itertools.product((1, -1), repeat=count):
                powers: dict[tuple[str, int], int] = {}
                for i, sign in zip(picked, signs, strict=True):
                    for axis, p in sizes[i][1].items():
                        powers[axis] = powers.get(axis, 0) + sign * p
                key = frozenset((axis, p) for axis, p in powers.items() if p)
                if not key or key in seen:
                    continue  # 1, or a product already listed (numel(F) = size(F, 0) * ...)
                value = math.prod(Fraction(lengths[axis]) ** p for axis, p in key)
                if value != ratio and value != 1 / ratio:
                    continue
                seen.add(key)
                top = [sizes[i][0] for i, sign in zip(picked, signs, strict=True) if sign > 0]
                bottom = [sizes[i][0] for i, sign in zip(picked, signs, strict=True) if sign < 0]
                # left == ratio * right, or (1/ratio) * left == right
                terms.append((top, bottom) if value == ratio else (bottom, top))
    terms.sort(key=lambda t: (bool(t[1]), len(t[0]) + len(t[1])))
    for top, bottom in terms[:MAX_SIZE_REPAIRS]:
        # right times the term, or left times its reciprocal: the one with no reciprocal first
        for side, (up, down) in sorted((("right", (top, bottom)), ("left", (bottom, top))),
                                       key=lambda s: bool(s[1][1])):
            node = statement.left if side == "left" else statement.right
            if up:
                node = BinOp("*", _product(up), node)
            yield (side,), BinOp("/", node, _product(down)) if down else node


def _sizes_in(node: Node) -> int:
    return sum(isinstance(n, Call) and n.func in SIZE_FUNCTIONS for n in walk(node))


def _product(factors: list[Node]) -> Node:
    product = factors[0]
    for factor in factors[1:]:
        product = BinOp("*", product, factor)
    return product
