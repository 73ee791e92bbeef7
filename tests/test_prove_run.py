"""run_tiers: which refutations get explanations and repairs, which verdicts say why not PROVED."""

from __future__ import annotations

import pytest

from symconv.lang.claims import claim_from_text
from symconv.prove import Verdict, run_tiers

# conv is commutative, corr is not: corr(b, a) is corr(a, b) flipped
_FALSE = "corr(a, b) == corr(b, a)"
_SIGNALS = {"a": "3", "b": "4"}


def test_a_refutation_the_claim_expects_is_not_diagnosed_when_only_surprises_are() -> None:
    claim = claim_from_text(_FALSE, _SIGNALS, "fails")
    result = run_tiers(claim, diagnose="unexpected")
    assert result.verdict is Verdict.REFUTED and result.counterexample is not None
    assert result.diagnosis_skipped
    assert result.repairs == [] and result.explanations == []


@pytest.mark.parametrize(("expect", "diagnose"), [("holds", "unexpected"), ("fails", True)])
def test_an_unexpected_refutation_or_diagnose_true_gets_repairs(expect: str,
                                                                diagnose: bool | str) -> None:
    claim = claim_from_text(_FALSE, _SIGNALS, expect)
    result = run_tiers(claim, diagnose=diagnose)  # type: ignore[arg-type]
    assert result.verdict is Verdict.REFUTED and not result.diagnosis_skipped
    assert any("flip" in repair.replacement for repair in result.repairs)


def test_diagnose_false_searches_nothing_and_says_nothing_was_skipped() -> None:
    result = run_tiers(claim_from_text(_FALSE, _SIGNALS, "fails"), diagnose=False)
    assert result.repairs == [] and not result.diagnosis_skipped


def test_a_claim_that_holds_is_never_marked() -> None:
    result = run_tiers(claim_from_text("conv(a, b) == conv(b, a)", _SIGNALS), diagnose="unexpected")
    assert result.verdict is Verdict.PROVED and not result.diagnosis_skipped


def test_a_refutation_by_the_random_tier_keeps_its_verdict_without_a_diagnosis() -> None:
    # at 512x512 each repair candidate was a random-tier run of its own: the search outlasted
    # the claim's budget and the REFUTED verdict was lost (INCONCLUSIVE after 60 s)
    claim = claim_from_text("dft(circcorr(f, g)) == dft(f) * dft(g)",
                            {"f": "512x512", "g": "512x512"}, "fails", tiers=["random"])
    result = run_tiers(claim)
    assert result.verdict is Verdict.REFUTED and result.repairs == []
    assert any("not searched at sizes only the random tier reaches" in w for w in result.warnings)


# one signal 8 times: 8! factor orders even signal by signal (8 distinct signals are PROVED)
EIGHT = ("conv(conv(conv(a, a), conv(a, a)), conv(conv(a, a), conv(a, a))) == "
         "conv(a, conv(a, conv(a, conv(a, conv(a, conv(a, conv(a, a)))))))")


@pytest.mark.parametrize(("statement", "signals", "reason"), [
    (EIGHT, {"a": "2"}, "the general tier's search stopped: a term of 8 factors with 40320 "
                        "orders signal by signal (up to 5040 are tried)"),
    ("periodize(flip(g), 3, 3) == dft(idft(flip(g)))", {"g": "3x3"},
     "the statement names integer sizes (periodize(flip(g), 3, 3)), so it is a claim at those "
     "sizes"),
])
def test_a_claim_verified_at_its_sizes_says_why_it_is_not_proved(
        statement: str, signals: dict[str, str], reason: str) -> None:
    result = run_tiers(claim_from_text(statement, signals), diagnose=False)
    assert result.verdict is Verdict.VERIFIED and result.method == "exact"
    assert result.not_proved.startswith(reason)
    # what a notebook shows: the text and the HTML say it too
    assert f"not PROVED for all sizes: {result.not_proved}" in result.text()
    assert "not PROVED for all sizes" in result._repr_html_()


@pytest.mark.parametrize(("statement", "tiers"), [
    ("conv(a, b) == conv(b, a)", None),                 # PROVED
    (_FALSE, None),                                     # REFUTED
    ("conv(a, b) == conv(b, a)", ["exact"]),            # the general tier not asked
])
def test_only_a_verdict_the_general_tier_could_have_proved_says_why_not(
        statement: str, tiers: list[str] | None) -> None:
    claim = claim_from_text(statement, _SIGNALS, **({"tiers": tiers} if tiers else {}))
    assert run_tiers(claim, diagnose=False).not_proved == ""
