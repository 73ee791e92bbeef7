"""Nearest true repairs of refuted claims, each re-verified by the normal tiers."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.lang.claims import claim_from_text
from symconv.lang.dsl import Statement, unparse
from symconv.prove import Budget, Verdict, run_tiers
from symconv.prove import repair as repair_module
from symconv.prove.explain import Screen, failing_assignment
from symconv.prove.repair import Repair, repairs, search
from symconv.prove.runner import explain, outcome_json, verify_one
from symconv.prove.verdict import UNSCOPED

HOLDS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE)

# (statement, signals, original, replacement) of a repair each must get
EXAMPLES: list[tuple[str, dict[str, Any], str, str]] = [
    ("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"}, "corr(F, I)", "corr(flip(F), I)"),
    ("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, "corr(a, b)", "flip(corr(a, b))"),
    ("circcorr(a, b) == circcorr(b, a)", {"a": "3", "b": "3"}, "circcorr(a, b)",
     "circconv(a, flip(b))"),
    ("sum(conv(a, b, mode=\"same\")) == sum(a) * sum(b)", {"a": "3", "b": "5"},
     "conv(a, b, mode=\"same\")", "conv(a, b)"),
    ("conv(shift(a, 1), b) == shift(conv(a, b), 2)", {"a": "3", "b": "4"},
     "shift(conv(a, b), 2)", "shift(shift(conv(a, b), 2), -1)"),
    ("dft(flip(f)) == dft(f)", {"f": "4"}, "dft(f)", "conj(dft(f))"),
    ("sum(dft(f) * conj(dft(f))) == sum(f * conj(f))", {"f": "5"}, "sum(f * conj(f))",
     "5 * sum(f * conj(f))"),
    ("conv(F, I) == corr(F, I)", {"F": "emboss", "I": "4x4"}, "conv(F, I)", "conv(flip(F), I)"),
    ("sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))", {"f": "4"}, "sum(f * conj(f))",
     "len(f) * sum(f * conj(f))"),
    ("sum(F * conj(F)) == sum(dft(F) * conj(dft(F)))", {"F": "2x3"}, "sum(F * conj(F))",
     "numel(F) * sum(F * conj(F))"),
]


@pytest.fixture(scope="module")
def found() -> dict[str, list[Repair]]:
    return {statement + str(signals): run_tiers(claim_from_text(statement, signals)).repairs
            for statement, signals, _, _ in EXAMPLES}


@pytest.mark.parametrize(("statement", "signals", "original", "replacement"), EXAMPLES)
def test_examples_get_their_repair(found: dict[str, list[Repair]], statement: str,
                                   signals: dict[str, Any], original: str,
                                   replacement: str) -> None:
    pairs = [(r.original, r.replacement) for r in found[statement + str(signals)]]
    assert (original, replacement) in pairs


@pytest.mark.parametrize(("statement", "signals", "original", "replacement"), EXAMPLES)
def test_every_repair_rerun_as_a_claim_gets_its_verdict(
        found: dict[str, list[Repair]], statement: str, signals: dict[str, Any],
        original: str, replacement: str) -> None:
    for repair in found[statement + str(signals)]:
        assert repair.verdict in HOLDS
        again = run_tiers(claim_from_text(repair.statement, signals), diagnose=False)
        assert again.verdict in HOLDS, repair.statement
        if repair.verdict is not Verdict.PROBABLE:  # the random tier's seed varies
            assert again.verdict is repair.verdict, repair.statement
        scoped = again.verdict is Verdict.PROVED and again.scope_text() != UNSCOPED
        assert again.warnings + ([again.scope_text()] if scoped else []) == repair.warnings


def test_repair_text_and_json() -> None:
    outcome = verify_one(claim_from_text("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"}))
    assert "  repair: holds if corr(F, I) is replaced by corr(flip(F), I) (PROVED)" in (
        explain(outcome))
    data = outcome_json(outcome)["repairs"]
    assert {"original": "corr(F, I)", "replacement": "corr(flip(F), I)",
            "statement": "conv(F, I) == corr(flip(F), I)", "verdict": "PROVED"}.items() <= next(
        r for r in data if r["replacement"] == "corr(flip(F), I)").items()


def test_a_repair_proved_within_a_scope_states_it() -> None:
    # conv(f, g, mode="same") == conv(g, f, mode="same") is PROVED only for f and g of one
    # size (each side is on its second argument's box); "(PROVED)" alone read as all sizes
    result = run_tiers(claim_from_text('conv(f, g, mode="same") == conv(g, flip(f), mode="same")',
                                       {"f": "3", "g": "3"}))
    (found,) = [r for r in result.repairs if r.replacement == "f"]
    assert found.verdict is Verdict.PROVED
    assert "signals declared alike share their sizes: f, g" in found.describe()


def test_a_repair_of_a_subexpression_on_both_sides_names_its_side() -> None:
    # dft(h) occurs on both sides: "dft(h) is replaced by conj(dft(h))" was listed twice
    result = run_tiers(claim_from_text("sum(dft(f) * conj(dft(g)) * dft(h)) == "
                                       "sum(dft(g) * conj(dft(f)) * dft(h))",
                                       {"f": "3", "g": "3", "h": "3"}))
    texts = [r.describe() for r in result.repairs]
    assert len(set(texts)) == len(texts), texts
    found = [r for r in result.repairs if r.replacement == "conj(dft(h))"]
    assert {r.side for r in found} == {"left", "right"}
    assert all(f"dft(h) on the {r.side} side is replaced" in r.describe() for r in found)
    assert Repair.from_json(found[0].to_json()) == found[0]


@pytest.mark.parametrize(("involution", "right"), [("flip", "dft(flip(g))"),
                                                  ("conj", "conj(dft(g))"),
                                                  ("transpose", "dft(transpose(g))")])
def test_no_repair_applies_an_involution_twice(involution: str, right: str) -> None:
    # the edit "g becomes flip(g)" inside flip(g) gave "flip(g) is replaced by flip(flip(g))",
    # beside "flip(g) is replaced by g" that it only restates
    claim = claim_from_text(f"dft(circconv(f, g)) == dft(f) * {right}",
                            {"f": "4x4", "g": "4x4"})
    found = [(r.original, r.replacement) for r in run_tiers(claim).repairs]
    assert found and not any(f"{involution}({involution}(" in new for _, new in found), found
    assert len(set(found)) == len(found)


def test_the_public_function_verifies_on_its_own() -> None:
    claim = claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"})
    found = repairs(claim, 30)
    assert found and all(isinstance(r, Repair) and r.verdict in HOLDS for r in found)
    assert found == sorted(found, key=lambda r: r.edits)


def test_true_claims_and_spent_budgets_get_no_repairs() -> None:
    assert repairs(claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"}), 30) == []
    began = time.monotonic()
    claim = claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"})
    assert repairs(claim, Budget(1e-9)) == []
    assert time.monotonic() - began < 5


def test_repairs_are_bounded_by_the_claims_budget() -> None:
    claim = claim_from_text("corr(corr(a, b), c) == corr(a, corr(b, c))",
                            {"a": "3", "b": "3", "c": "3"}, budget=2)
    began = time.monotonic()
    run_tiers(claim)
    assert time.monotonic() - began < 2 + 3  # one tier call may finish after the deadline


def _hurried_clock(monkeypatch: pytest.MonkeyPatch, step: float) -> None:
    """``time.monotonic`` runs ahead by ``step`` seconds at every reading (a loaded machine)."""
    real = time.monotonic
    readings = [0]

    def clock() -> float:
        readings[0] += 1
        return real() + step * readings[0]

    monkeypatch.setattr(time, "monotonic", clock)


def test_a_hurried_search_gives_the_same_repairs_or_says_it_was_cut_short(
        monkeypatch: pytest.MonkeyPatch) -> None:
    claim = claim_from_text("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"})
    result = run_tiers(claim, diagnose=False)
    unhurried, note = search(claim, 60, result)
    assert len(unhurried) > 1 and note == ""
    notes = []
    for step in (1e-3, 0.05, 0.5, 2.0):
        with monkeypatch.context() as patch:
            _hurried_clock(patch, step)
            found, note = search(claim, Budget(60), result)
        if note:
            assert note.startswith("repairs cut short by the budget of 60 s"), note
            notes.append(note)
        else:
            assert found == unhurried, step
    assert notes, "the fastest clock must cut the search short"


def test_run_tiers_warns_when_the_budget_cut_the_repairs_short(
        monkeypatch: pytest.MonkeyPatch) -> None:
    claim = claim_from_text("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"}, budget=60)
    result = run_tiers(claim, diagnose=False)
    _hurried_clock(monkeypatch, 2.0)
    budget = Budget(60)
    budget.started = time.monotonic() - (60 - 5)  # 5 s left: the search starts, then stops
    monkeypatch.setattr("symconv.prove.run.decide", lambda *args, **kwargs: result)
    hurried = run_tiers(claim, budget)
    assert any(w.startswith("repairs cut short") for w in hurried.warnings), hurried.warnings


def test_the_search_is_a_fixed_amount_of_work(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = claim_from_text("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"})
    result = run_tiers(claim, diagnose=False)
    tried: list[str] = []
    real = repair_module.decide
    monkeypatch.setattr(repair_module, "decide",
                        lambda c, *args, **kwargs: tried.append(c.text) or real(c, *args, **kwargs))
    monkeypatch.setattr(repair_module, "MAX_CANDIDATES", 2)
    found, note = search(claim, 600, result)
    assert len(tried) == 2 and note == "" and len(found) <= 2


# Parseval / Plancherel without the factor N: a constant repairs them at the declared sizes
# only, the size function N for all sizes, and comes first.
MISSING_SIZE = [
    ("sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))", {"f": "4"}, "len(f) * sum(f * conj(f))"),
    ("sum(dft(f) * conj(dft(g))) == sum(f * conj(g))", {"f": "6", "g": "6"},
     "len(f) * sum(f * conj(g))"),
    ("sum(F * conj(F)) == sum(dft(F) * conj(dft(F)))", {"F": "2x3"},
     "numel(F) * sum(F * conj(F))"),
    ("sum(dft(F) * conj(dft(G))) == sum(F * conj(G))", {"F": "3x2", "G": "3x2"},
     "numel(F) * sum(F * conj(G))"),
]


@pytest.mark.parametrize(("statement", "signals", "replacement"), MISSING_SIZE)
def test_a_missing_size_factor_gets_a_proved_size_function_repair_first(
        statement: str, signals: dict[str, Any], replacement: str) -> None:
    found = run_tiers(claim_from_text(statement, signals)).repairs
    first = found[0]
    assert first.verdict is Verdict.PROVED, [r.describe() for r in found]
    assert any(f in first.replacement for f in ("len(", "numel(", "size(")), first.replacement
    # the tiers decided it: it is proved again as a claim of its own, at other sizes too
    again = run_tiers(claim_from_text(first.statement, {n: "5x4" if "x" in s else "7"
                                                        for n, s in signals.items()}))
    assert again.verdict is Verdict.PROVED, first.statement
    assert replacement in [r.replacement for r in found]
    # the constants still hold at the declared sizes only, and rank below
    constants = [r for r in found if not any(f in r.replacement for f in ("len(", "numel("))]
    assert constants and all(r.verdict is not Verdict.PROVED or "/" in r.replacement
                             for r in constants)


def test_a_factor_that_is_no_size_gets_no_size_function_repair() -> None:
    # 3 at size 4 is no product of sizes (4, 1/4, 16, 1/16)
    found = run_tiers(claim_from_text("3 * sum(f * conj(f)) == sum(f * conj(f))",
                                      {"f": "4"})).repairs
    assert found and not [r for r in found if any(f in r.replacement
                                                 for f in ("len(", "numel(", "size("))]


def test_a_size_factor_true_only_at_the_declared_size_is_not_reported() -> None:
    # 1/4 is 1/len(f) at f=4, but len(f) * sum(f) == 4 * sum(f) is false at other sizes (the
    # tiers only VERIFY it at f=4, where the constant 1/4 says the same more plainly)
    claim = claim_from_text("sum(f) == 4 * sum(f)", {"f": "4"})
    assert run_tiers(claim_from_text("len(f) * sum(f) == 4 * sum(f)", {"f": "4"})).verdict \
        is Verdict.VERIFIED
    found = run_tiers(claim).repairs
    assert found and not [r for r in found if "len(" in r.replacement], [
        r.describe() for r in found]
    # also where the statement names sizes already: size(f, 0) is 3 at 3x3 as size(f, 1) is
    found = run_tiers(claim_from_text("dft(f * g) == circconv(dft(f), dft(g)) / size(f, 0)",
                                      {"f": "3x3", "g": "3x3"})).repairs
    sized = [r for r in found if "size(f, 1)" in r.replacement]
    assert sized and all(r.verdict is Verdict.PROVED for r in sized)
    assert "size(f, 0) * dft(f * g)" not in [r.replacement for r in found]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=2),
       st.lists(st.integers(1, 5), min_size=1, max_size=2),
       st.integers(0, 3), st.integers(0, 3), st.sampled_from([1, -1]))
def test_every_size_scaling_is_worth_the_ratio_at_the_failing_sizes(
        f: list[int], g: list[int], first: int, second: int, power: int) -> None:
    shapes = {"F": tuple(f), "G": tuple(g)}
    lengths = [n for shape in shapes.values() for n in shape]
    ratio = Fraction(lengths[first % len(lengths)]) * Fraction(lengths[second % len(lengths)]) ** power
    claim = claim_from_text("sum(F * F) * sum(G * G) + 1 == sum(F * F) * sum(G * G) + 1",
                            {name: "x".join(map(str, s)) for name, s in shapes.items()})
    statement = claim.statement
    assert statement is not None
    assignment = failing_assignment(claim, run_tiers(claim, diagnose=False))
    scaled = list(repair_module._size_scalings(statement, assignment, ratio))
    assert len(scaled) <= 2 * repair_module.MAX_SIZE_REPAIRS
    screen = Screen(assignment)
    for path, node in scaled:
        # the scaled side over the unscaled is the ratio (or its reciprocal) at these sizes
        other = statement.right if path == ("left",) else statement.left
        want = 1 / ratio if path == ("left",) else ratio
        pair = Statement(node, "==", other, "")
        # (sides that agree have no ratio)
        assert screen.ratio(pair) == want or (want == 1 and screen.may_hold(pair)), unparse(node)
    # a product of at most two sizes is found (as it is, or as a product equal to it)
    assert scaled or ratio == 1


def test_a_circular_side_off_its_box_is_repaired_by_periodize_for_every_n() -> None:
    """ops stores shift(circconv(g, f), 1, 0) on [1, n] x [0, n): read mod n it is the
    circular convolution of the shifted g, a law proved for every n (not only n = 3)."""
    claim = claim_from_text("circconv(shift(g, 1, 0), f) == shift(circconv(g, f), 1, 0)",
                            {"g": "3x3", "f": "3x3"})
    found = [r for r in repairs(claim, 30) if r.replacement.startswith("periodize(")]
    assert [(r.replacement, r.verdict) for r in found] == [
        ("periodize(shift(circconv(g, f), 1, 0), size(f, 0), size(f, 1))", Verdict.PROVED)]
