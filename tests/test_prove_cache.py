"""The result cache: keys that change with the claim and with symconv, exact round trips."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from symconv.lang.claims import Claim, claim_from_text
from symconv.prove import Result, Verdict, run_tiers
from symconv.prove import cache as cache_module
from symconv.prove.cache import CACHE_ENV, ResultCache, claim_key, default_cache_dir
from symconv.prove.runner import Outcome, explain, outcome_json


def _claim(statement: str = "conv(F, I) == corr(F, I)", **options: object) -> Claim:
    return claim_from_text(statement, {"F": "emboss", "I": "4x4"}, **options)


def test_round_trip_keeps_verdict_counterexample_and_explanation(tmp_path: Path) -> None:
    claim = _claim()
    result = run_tiers(claim)
    assert result.verdict is Verdict.REFUTED and result.counterexample is not None
    store = ResultCache(tmp_path)
    assert store.get(claim) is None
    store.put(claim, result)
    again = store.get(claim)
    assert again is not None
    assert explain(Outcome(claim, again)) == explain(Outcome(claim, result))
    assert outcome_json(Outcome(claim, again)) == outcome_json(Outcome(claim, result))


@pytest.mark.parametrize("change", [
    {"statement": "conv(F, I) == corr(flip(F), I)"},
    {"budget": 30.0},
    {"tiers": ("exact",)},
    {"expect": "fails"},
])
def test_key_changes_with_the_claim(change: dict[str, object]) -> None:
    claim = _claim()
    other = (_claim(str(change["statement"])) if "statement" in change
             else replace(claim, **change))  # type: ignore[arg-type]
    assert claim_key(claim) != claim_key(other)
    assert claim_key(claim) == claim_key(_claim())  # and only then
    assert claim_key(replace(claim, name="renamed")) == claim_key(claim)


def test_key_changes_with_the_signals() -> None:
    base = claim_from_text("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "4x4"})
    for signals in ({"F": "3x3", "I": "5x5"}, {"F": "sobel_x", "I": "4x4"},
                    {"F": "3x3", "I": {"shape": "4x4", "real": False}}):
        assert claim_key(claim_from_text("conv(F, I) == corr(F, I)", signals)) != claim_key(base)


def test_a_new_symconv_misses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    claim = _claim()
    store = ResultCache(tmp_path)
    store.put(claim, run_tiers(claim))
    assert store.get(claim) is not None
    monkeypatch.setattr(cache_module, "package_digest", lambda: "another version")
    assert store.get(claim) is None


def test_only_decisive_verdicts_are_stored(tmp_path: Path) -> None:
    claim = _claim()
    store = ResultCache(tmp_path)
    store.put(claim, Result(Verdict.INCONCLUSIVE, "exact", [], 1.0, detail="budget"))
    assert store.get(claim) is None and not any(tmp_path.iterdir())


def test_python_claims_are_never_cached() -> None:
    claim = replace(_claim(), statement=None, procedure=lambda F, I: (F, I))
    assert claim_key(claim) is None


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    claim = _claim()
    store = ResultCache(tmp_path)
    store.put(claim, run_tiers(claim))
    entry, = tmp_path.rglob("*.json")
    entry.write_text('{"key": "x", "verdict": "PROVED"')
    assert store.get(claim) is None
    entry.write_text('{"verdict": "PROVED"}')
    assert store.get(claim) is None


def test_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "symconv"


def test_the_skipped_diagnosis_round_trips(tmp_path: Path) -> None:
    claim = _claim(expect="fails")
    result = run_tiers(claim, diagnose="unexpected")
    assert result.diagnosis_skipped
    store = ResultCache(tmp_path)
    store.put(claim, result)
    again = store.get(claim)
    assert again is not None and again.diagnosis_skipped and again.repairs == []
