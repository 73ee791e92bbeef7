"""Nearest true repairs of refuted claims, each re-verified by the normal tiers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from symconv.lang.claims import claim_from_text
from symconv.prove import Budget, Verdict, run_tiers
from symconv.prove import repair as repair_module
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
    assert "REFUTED; holds if corr(F, I) is replaced by corr(flip(F), I) (PROVED)" in (
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
