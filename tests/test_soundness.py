"""Soundness and completeness corpora for the verification engine.

Completeness: every true identity of TRUE_CORPUS comes out PROVED or VERIFIED.
Soundness: false identities generated systematically by mutating the true ones
(off-by-one shifts, a dropped or one-axis flip, conv/corr swapped, transposes,
argument order, wrong mode or boundary, wrong constants) -- each confirmed
false by the independent reference evaluator -- never come out PROVED,
VERIFIED or PROBABLE, and every counterexample printed is re-checked by the
reference evaluator.  The reference evaluator itself is checked against
scipy.signal and scipy.ndimage here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.errors import SymconvError
from symconv.lang.assumptions import substitute_integers
from symconv.lang.claims import Claim, claim_from_text, load_toml
from symconv.lang.dsl import BinOp, Call, Name, Neg, Node, Number, Statement, Str, parse_statement, unparse
from symconv.prove import Counterexample, Verdict, run_tiers
from symconv.strategies import kernel_and_image
from tests import reference_eval as ref

HOLDS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE)

# (statement, signals): identities that hold; the mutants below are built from them.
TRUE_CORPUS: list[tuple[str, dict[str, str]]] = [
    ("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "4x4"}),
    ("corr(F, I) == conv(flip(F), I)", {"F": "3x3", "I": "4x4"}),
    ("conv(F, I) == corr(flip(F), I)", {"F": "2", "I": "5"}),
    ('conv(F, I, mode="same") == corr(flip(F), I, mode="same")', {"F": "3x3", "I": "4x4"}),
    ('conv(F, I, mode="valid") == corr(flip(F), I, mode="valid")', {"F": "2x2", "I": "4x4"}),
    ('conv(F, I, mode="same", boundary="reflect") == '
     'corr(flip(F), I, mode="same", boundary="reflect")', {"F": "3", "I": "5"}),
    ('conv(F, I, mode="same", boundary="wrap") == '
     'corr(flip(F), I, mode="same", boundary="wrap")', {"F": "3x3", "I": "3x4"}),
    ("conv(a, b) == conv(b, a)", {"a": "3x3", "b": "2x4"}),
    ("conv(a, b) == conv(b, a)", {"a": "3", "b": "6"}),
    ("conv(conv(a, b), c) == conv(a, conv(b, c))", {"a": "2x2", "b": "3x2", "c": "2x3"}),
    ("conv(a, b + c) == conv(a, b) + conv(a, c)", {"a": "3", "b": "4", "c": "2"}),
    ("conv(2*a, b) == 2*conv(a, b)", {"a": "2x2", "b": "3x3"}),
    ("sum(conv(a, b)) == sum(a) * sum(b)", {"a": "3x3", "b": "2x3"}),
    ("flip(conv(a, b)) == conv(flip(a), flip(b))", {"a": "2x3", "b": "3x3"}),
    ("flip(flip(a)) == a", {"a": "3x4"}),
    ("conv(shift(a, 1, 2), b) == shift(conv(a, b), 1, 2)", {"a": "3x3", "b": "2x2"}),
    ("corr(shift(a, 1), b) == shift(corr(a, b), -1)", {"a": "3", "b": "4"}),
    ("corr(a, shift(b, 2)) == shift(corr(a, b), 2)", {"a": "3", "b": "4"}),
    ("frobenius(conv(a, b), c) == frobenius(b, corr(a, c))", {"a": "2x2", "b": "3x3", "c": "4x4"}),
    ("frobenius(corr(a, b), c) == frobenius(b, conv(a, c))", {"a": "3", "b": "4", "c": "6"}),
    ("corr(a, b) == flip(corr(b, a))", {"a": "3x3", "b": "2x4"}),
    ("corr(a, conv(b, c)) == conv(corr(a, b), c)", {"a": "2x2", "b": "2x3", "c": "3x2"}),
    ("corr(conv(a, b), c) == corr(a, corr(b, c))", {"a": "3", "b": "2", "c": "4"}),
    ("frobenius(a, b) == trace(transpose(a) @ b)", {"a": "3x3", "b": "3x3"}),
    ("transpose(conv(a, b)) == conv(transpose(a), transpose(b))", {"a": "2x3", "b": "3x3"}),
    ("circconv(a, b) == circconv(b, a)", {"a": "5", "b": "5"}),
    ("circcorr(a, b) == circconv(flip(a), b)", {"a": "4", "b": "4"}),
    ("hadamard(a, b) == a * b", {"a": "2x3", "b": "3x2"}),
    ("conv(a, b) - conv(b, a) == 0 * conv(a, b)", {"a": "3", "b": "4"}),
]


def _ids(corpus: list[tuple[str, dict[str, str]]]) -> list[str]:
    return [f"{s} [{','.join(f'{k}={v}' for k, v in sig.items())}]" for s, sig in corpus]


@pytest.mark.parametrize(("statement", "signals"), TRUE_CORPUS, ids=_ids(TRUE_CORPUS))
def test_true_identities_are_verified(statement: str, signals: dict[str, str]) -> None:
    claim = claim_from_text(statement, signals)
    result = run_tiers(claim)
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.detail
    # ... and the reference evaluator agrees on random integer entries.
    assert _reference_difference(claim, np.random.default_rng(1)) is None


# --- the reference evaluator against the peers -------------------------------------------


@settings(max_examples=40, deadline=None)
@given(kernel_and_image(2, max_kernel=3, max_image=5), st.sampled_from(["conv", "corr"]))
def test_reference_full_matches_scipy_signal(pair: tuple[np.ndarray, np.ndarray], op: str) -> None:
    kernel, image = pair
    got = ref.sliding(ref.Ref(kernel, (0, 0)), ref.Ref(image, (0, 0)), 1 if op == "conv" else -1)
    peer = (scipy.signal.convolve(image, kernel, method="direct") if op == "conv"
            else scipy.signal.correlate(image, kernel, method="direct"))
    assert np.array_equal(got.entries.astype(np.int64), peer)


@settings(max_examples=40, deadline=None)
@given(kernel_and_image(2, max_kernel=4, max_image=5),
       st.sampled_from(["zero", "reflect", "wrap", "nearest", "mirror"]))
def test_reference_same_matches_scipy_ndimage(pair: tuple[np.ndarray, np.ndarray],
                                              boundary: str) -> None:
    kernel, image = pair
    origin = tuple(-(n // 2) for n in kernel.shape)  # ndimage's centre n // 2
    got = ref.sliding(ref.Ref(kernel, origin), ref.Ref(image, (0, 0)), 1, "same", boundary)
    peer = scipy.ndimage.convolve(image, kernel, mode="constant" if boundary == "zero"
                                  else boundary, cval=0)
    assert np.array_equal(got.entries.astype(np.int64), peer)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=9), st.integers(-4, 4), st.integers(1, 4))
def test_reference_resampling_matches_numpy_slicing(values: list[int], origin: int,
                                                    factor: int) -> None:
    """downsample reads a(s·x) (numpy's a[::s] from the first multiple of s in the box);
    upsample inserts s − 1 zeros between samples; an empty signal stays empty."""
    a = ref.Ref(np.array(values, dtype=object), (origin,))
    down = ref.downsample(a, [factor])
    first = -origin % factor  # the position of the first multiple of s in the box
    assert down.origin == ((origin + first) // factor,)
    assert down.entries.tolist() == values[first::factor]
    up = ref.upsample(a, [factor])
    spread = np.zeros(factor * (len(values) - 1) + 1, dtype=object)
    spread[::factor] = values
    assert up.origin == (factor * origin,) and up.entries.tolist() == spread.tolist()
    assert ref.upsample(ref.downsample(ref.Ref(np.zeros(0, dtype=object), (origin,)), [factor]),
                        [factor]).shape == (0,)


@settings(max_examples=25, deadline=None)
@given(kernel_and_image(2, max_kernel=3, max_image=8), st.tuples(*[st.integers(1, 3)] * 6))
def test_reference_strided_layer_matches_torch_conv2d(pair: tuple[np.ndarray, np.ndarray],
                                                      settings_: tuple[int, ...]) -> None:
    """downsample(corr(upsample(W, d), shift(x, p)), s) is torch's conv2d(x, W, stride=s,
    padding=p, dilation=d) on torch's output box (x and W at origin 0)."""
    torch = pytest.importorskip("torch")
    kernel, image = pair
    s, d, p = settings_[0:2], settings_[2:4], tuple(v - 1 for v in settings_[4:6])
    if any(dk * (n - 1) + 1 > m + 2 * pk
           for dk, n, m, pk in zip(d, kernel.shape, image.shape, p, strict=True)):
        return  # torch's output box is empty
    peer = torch.nn.functional.conv2d(
        torch.tensor(image.astype(float))[None, None], torch.tensor(kernel.astype(float))[None, None],
        stride=s, padding=p, dilation=d)[0, 0].numpy()
    layer = parse_statement(f"downsample(corr(upsample(W, {d[0]}, {d[1]}), shift(x, {p[0]}, {p[1]})), "
                            f"{s[0]}, {s[1]}) == W").left
    got = ref.evaluate(layer, {"W": ref.Ref(kernel.astype(object), (0, 0)),
                               "x": ref.Ref(image.astype(object), (0, 0))})
    assert all(got((i, j)) == peer[i, j] for i in range(peer.shape[0]) for j in range(peer.shape[1]))


# --- mutants --------------------------------------------------------------------------------


def _replace_at(node: Node, path: tuple[int, ...], new: Node) -> Node:
    """``node`` with the sub-node at ``path`` (indices into children) replaced."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(node, Call):
        args = list(node.args)
        args[head] = _replace_at(args[head], rest, new)
        return dataclasses.replace(node, args=tuple(args))
    if isinstance(node, BinOp):
        if head == 0:
            return dataclasses.replace(node, left=_replace_at(node.left, rest, new))
        return dataclasses.replace(node, right=_replace_at(node.right, rest, new))
    assert isinstance(node, Neg)
    return dataclasses.replace(node, operand=_replace_at(node.operand, rest, new))


def _subnodes(node: Node, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Node]]:
    yield path, node
    if isinstance(node, Call):
        for k, arg in enumerate(node.args):
            yield from _subnodes(arg, (*path, k))
    elif isinstance(node, BinOp):
        yield from _subnodes(node.left, (*path, 0))
        yield from _subnodes(node.right, (*path, 1))
    elif isinstance(node, Neg):
        yield from _subnodes(node.operand, (*path, 0))


_SWAPS = {"conv": "corr", "corr": "conv", "circconv": "circcorr", "circcorr": "circconv"}
_MODES = ["full", "same", "valid"]
_BOUNDARIES = ["wrap", "reflect", "nearest"]


def _node_mutants(node: Node, ndim: int) -> Iterator[tuple[str, Node]]:
    """(kind, replacement) for one sub-node."""
    one = tuple(Number(Fraction(1 if k == 0 else 0)) for k in range(ndim))
    if isinstance(node, Name):
        yield "off-by-one shift", Call("shift", (node, *one), ())
        if ndim == 2:
            yield "transpose", Call("transpose", (node,), ())
        yield "missing flip", Call("flip", (node,), ())
    if isinstance(node, Number):
        yield "wrong constant", Number(node.value + 1)
    if not isinstance(node, Call):
        return
    if node.func in _SWAPS:
        yield "conv/corr swapped", dataclasses.replace(node, func=_SWAPS[node.func])
    if node.func == "flip":
        yield "missing flip", node.args[0]
        if ndim == 2 and len(node.args) == 1 and not node.kwargs:
            yield "one-axis flip", dataclasses.replace(node, args=(node.args[0], Number(Fraction(0))))
    if node.func in ("conv", "corr", "frobenius", "circconv", "circcorr") and len(node.args) >= 2:
        yield "argument order", dataclasses.replace(node, args=(node.args[1], node.args[0],
                                                                *node.args[2:]))
    if node.func == "shift":
        ints = list(node.args[1:])
        ints[0] = Number(Fraction(1)) if unparse(ints[0]) != "1" else Number(Fraction(2))
        yield "off-by-one shift", dataclasses.replace(node, args=(node.args[0], *ints))
    if node.func in ("conv", "corr"):
        kwargs = dict(node.kwargs)
        for mode in _MODES:
            if mode != getattr(kwargs.get("mode"), "value", "full"):
                new = {**kwargs, "mode": Str(mode)}
                yield "wrong mode", dataclasses.replace(node, kwargs=tuple(new.items()))
        for boundary in _BOUNDARIES:
            if boundary != getattr(kwargs.get("boundary"), "value", "zero"):
                new = {**kwargs, "mode": kwargs.get("mode", Str("same")), "boundary": Str(boundary)}
                yield "wrong boundary", dataclasses.replace(node, kwargs=tuple(new.items()))


def mutants(statement: Statement, ndim: int) -> Iterator[tuple[str, str]]:
    """(kind, text) of every single mutation of either side."""
    for side in ("left", "right"):
        root = getattr(statement, side)
        for path, node in _subnodes(root):
            for kind, replacement in _node_mutants(node, ndim):
                new_side = _replace_at(root, path, replacement)
                mutated = (dataclasses.replace(statement, left=new_side) if side == "left"
                           else dataclasses.replace(statement, right=new_side))
                yield kind, unparse(mutated)


def _random_env(claim: Claim, rng: np.random.Generator) -> dict[str, ref.Ref]:
    env = {}
    for name, spec in claim.assignments()[0].items():
        origin = spec.origin or tuple(-(n // 2) for n in spec.shape)
        values = rng.integers(-5, 6, size=spec.shape).astype(object)
        env[name] = ref.Ref(values, origin)
    return env


def _reference_difference(claim: Claim, rng: np.random.Generator) -> Any:
    assert claim.statement is not None
    for _ in range(3):
        found = ref.differs(*ref.sides(claim.statement, _random_env(claim, rng)))
        if found is not None:
            return found
    return None


# session scope: the slow tests that use it run first (tests/conftest.py), the others later
@pytest.fixture(scope="session")
def false_mutants() -> list[tuple[str, Claim]]:
    """Mutants that load and that the reference evaluator shows to be false."""
    rng = np.random.default_rng(20240601)
    found: dict[str, tuple[str, Claim]] = {}
    for statement, signals in TRUE_CORPUS:
        ndim = len(next(iter(signals.values())).split("x"))
        for kind, text in mutants(parse_statement(statement), ndim):
            key = f"{text} {signals}"
            if key in found:
                continue
            try:
                claim = claim_from_text(text, signals)
                if _reference_difference(claim, rng) is None:
                    continue  # possibly still true: not a soundness test case
            except (SymconvError, ValueError, AssertionError, IndexError):
                continue  # does not fit (kind, 'valid' with a large kernel, ...)
            found[key] = (kind, claim)
    return list(found.values())


def test_corpus_is_large_and_varied(false_mutants: list[tuple[str, Claim]]) -> None:
    assert len(false_mutants) >= 100
    kinds = {kind for kind, _ in false_mutants}
    assert kinds >= {"off-by-one shift", "missing flip", "one-axis flip", "conv/corr swapped",
                     "transpose", "argument order", "wrong mode", "wrong boundary",
                     "wrong constant"}


def _check_counterexample(claim: Claim, cex: Counterexample) -> None:
    """Re-evaluate the printed counterexample with the reference evaluator."""
    assert claim.statement is not None and claim.symbolic_statement is not None
    env = {name: ref.Ref(np.array(entries, dtype=object), cex.origins[name])
           for name, entries in cex.signals.items()}
    # at the integers the counterexample names (the general tier's search), else the declared
    statement = substitute_integers(claim.symbolic_statement, claim.integers | cex.integers)
    left, right = ref.sides(statement, env)
    assert ref.value_at(left, cex.coordinate) == cex.left
    assert ref.value_at(right, cex.coordinate) == cex.right
    assert cex.left != cex.right
    # small entries, as promised: 0/1 wherever possible, never large
    assert all(abs(v) <= 10 for entries in cex.signals.values()
               for v in np.array(entries, dtype=object).flat)


@pytest.mark.slow  # every tier on every false mutant, counterexamples re-checked: over 10 s
def test_no_false_identity_holds(false_mutants: list[tuple[str, Claim]]) -> None:
    wrong = []
    for kind, claim in false_mutants:
        result = run_tiers(claim, diagnose=False)  # repairs: test_repairs_of_mutants_hold
        if result.verdict in HOLDS:
            wrong.append(f"{kind}: {claim.text} -> {result.verdict.value}")
            continue
        assert result.verdict is Verdict.REFUTED, (claim.text, result.detail)
        assert result.counterexample is not None
        _check_counterexample(claim, result.counterexample)
    assert not wrong, "\n".join(wrong)


def test_random_tier_refutes_mutants(false_mutants: list[tuple[str, Claim]]) -> None:
    """The random tier at moderate sizes is sound on every tenth mutant."""
    for _, claim in false_mutants[::10]:
        sizes = {n: "x".join(str(d + 4) for d in specs[0].shape)
                 for n, specs in claim.signals.items()}
        randomized = claim_from_text(claim.text, {n: "x".join(map(str, s[0].shape))
                                                  for n, s in claim.signals.items()},
                                     tiers=["random"], sizes=sizes)
        result = run_tiers(randomized, diagnose=False)
        assert result.verdict not in HOLDS, claim.text
        if result.counterexample is not None:
            _check_counterexample(randomized, result.counterexample)


@pytest.mark.slow
def test_repairs_and_explanations_of_mutants_hold(false_mutants: list[tuple[str, Claim]]) -> None:
    """Every printed repair and explanation of every 25th mutant holds by the reference
    evaluator too (independent of the tiers that verified it)."""
    rng = np.random.default_rng(7)
    for _, claim in false_mutants[::25]:
        result = run_tiers(claim)
        promised = [r.statement for r in result.repairs]
        promised += [e.statement for e in result.explanations]
        for text in promised:
            edited = claim_from_text(text, {n: "x".join(map(str, s[0].shape))
                                            for n, s in claim.signals.items()})
            assert _reference_difference(edited, rng) is None, (claim.text, text)


# --- the project's own claim files ----------------------------------------------------------

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
# Files of this engine (fourier.toml and cnn.toml are tested by their owners; large.toml
# runs at sizes meant for `symconv verify`, not for the unit tests).
ENGINE_PROOFS = ["adjoint", "algebra", "circular", "correlation", "flip", "shift", "source",
                 "symmetric"]


@pytest.mark.parametrize("topic", ENGINE_PROOFS)
def test_project_claims_meet_expectations(topic: str) -> None:
    for claim in load_toml(PROOFS / f"{topic}.toml"):
        result = run_tiers(claim)
        assert result.meets(claim.expect), (claim.name, result.verdict, result.detail)
        if result.counterexample is not None:
            _check_counterexample(claim, result.counterexample)
