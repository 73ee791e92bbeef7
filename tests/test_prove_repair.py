"""Nearest true repairs of refuted claims, each re-verified by the normal tiers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from symconv.lang.claims import claim_from_text
from symconv.prove import Budget, Verdict, run_tiers
from symconv.prove.repair import Repair, repairs
from symconv.prove.runner import explain, outcome_json, verify_one

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
        assert again.warnings == repair.warnings


def test_repair_text_and_json() -> None:
    outcome = verify_one(claim_from_text("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"}))
    assert "REFUTED; holds if corr(F, I) is replaced by corr(flip(F), I) (PROVED)" in (
        explain(outcome))
    data = outcome_json(outcome)["repairs"]
    assert {"original": "corr(F, I)", "replacement": "corr(flip(F), I)",
            "statement": "conv(F, I) == corr(flip(F), I)", "verdict": "PROVED"}.items() <= next(
        r for r in data if r["replacement"] == "corr(flip(F), I)").items()


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
