"""symconv.report.checks: the claims a report displays, decided in the same build."""

from __future__ import annotations

import pytest

from symconv.errors import ReportError
from symconv.lang.claims import claim_from_text
from symconv.prove import run_tiers
from symconv.report.checks import check, verify_displayed


def test_a_check_is_the_verdict_of_its_claim_now() -> None:
    checked = check("commutes", "conv(a, b) == conv(b, a)", {"a": "2", "b": "3"})
    assert checked.verdict == "PROVED" and checked.verdict_text == "PROVED (general)"
    assert checked.holds and checked.meets_expectation and not checked.refuted


def test_a_report_check_searches_no_explanation_or_repair() -> None:
    # a report shows verdicts and counterexamples only; the search for explanations and
    # repairs was a third of the lecture's build
    checked = check("swap", "corr(a, b) == corr(b, a)", {"a": "2", "b": "2"}, "fails")
    assert checked.result.verdict.value == "REFUTED" and checked.result.counterexample
    assert checked.result.explanations == [] and checked.result.repairs == []
    diagnosed = run_tiers(checked.claim)
    assert diagnosed.explanations or diagnosed.repairs  # the same claim has a diagnosis


def test_a_displayed_claim_that_misses_its_expectation_stops_the_build() -> None:
    wrong = claim_from_text("corr(a, b) == corr(b, a)", {"a": "2", "b": "2"}, name="swap")
    right = claim_from_text("conv(a, b) == conv(b, a)", {"a": "2", "b": "2"}, name="commutes")
    assert list(verify_displayed([right])) == ["commutes"]
    with pytest.raises(ReportError, match=r"displayed claim 'swap' .* is REFUTED .*expected to hold"):
        verify_displayed([right, wrong])


def test_a_claim_the_engine_cannot_evaluate_is_inconclusive_not_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from symconv.errors import SizeLimitError
    from symconv.report import checks

    def too_large(claim: object, diagnose: bool) -> None:
        raise SizeLimitError("exact DFT of shape (512,) needs 10^9 additions")

    monkeypatch.setattr(checks, "run_tiers", too_large)
    checked = checks.run_claim(claim_from_text("conv(a, b) == conv(b, a)", {"a": "2", "b": "2"}))
    assert checked.verdict == "INCONCLUSIVE" and not checked.meets_expectation
    assert checked.result.detail == ("could not be checked in this build: exact DFT of shape "
                                     "(512,) needs 10^9 additions")
