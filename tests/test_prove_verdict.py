"""symconv.prove.verdict: how a Result reads when it names its method, and when no tier decided."""

from __future__ import annotations

from symconv.lang.claims import claim_from_text
from symconv.prove.outcome import Outcome, explain
from symconv.prove.tiers import decide
from symconv.prove.verdict import NO_METHOD, Budget, Result, Verdict


def _undecided() -> Result:
    claim = claim_from_text("conv(f, g) == conv(g, f)", {"f": "3", "g": "3"}, tiers=["random"])
    return decide(claim, Budget(0.0))


def test_a_result_no_tier_produced_says_so_instead_of_by_none() -> None:
    result = _undecided()
    assert result.method == NO_METHOD
    assert result.by_method() == "(no tier decided it)"
    assert "by none" not in repr(result) and "(none)" not in str(result)
    assert str(result).startswith("INCONCLUSIVE: budget of 0 s exhausted")


def test_a_tier_result_names_its_tier() -> None:
    result = Result(Verdict.VERIFIED, "exact", [{"f": (3,)}], 0.5)
    assert result.by_method() == "by exact"
    assert repr(result) == "<Result VERIFIED by exact at f=3, 0.50 s>"
    assert str(result) == "VERIFIED by exact at f=3, 0.50 s"


def test_explain_of_an_undecided_claim_reads_as_a_sentence() -> None:
    claim = claim_from_text("conv(f, g) == conv(g, f)", {"f": "3", "g": "3"}, tiers=["random"])
    text = explain(Outcome(claim, _undecided()))
    assert "verdict INCONCLUSIVE (no tier decided it)" in text
    assert "by none" not in text
