"""symconv.report.cnn_section: the CNN section's values, computed as the report builds."""

from __future__ import annotations

from symconv.prove.verdict import Verdict, exact_check_verdict
from symconv.report.cnn_section import cnn_data


def test_cnn_section_values() -> None:
    data = cnn_data(steps=5)
    assert {row["verdict"] for row in data["backprop"]} == {"VERIFIED"}
    assert data["one_step"]["verdict"] == "VERIFIED"
    assert data["learning"]["max_flip_difference"] == 0
    assert r"{W}_{0,0,0,0} {x}_{0,0,0}" in data["pixel"]


def test_a_failed_exact_check_is_refuted() -> None:
    assert exact_check_verdict(False) is Verdict.REFUTED
    assert exact_check_verdict(True) is Verdict.VERIFIED
