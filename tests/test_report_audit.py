"""The claims audit: every claim of the source judged, corrected and backed by evidence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from symconv.report.audit import AUDIT_ITEMS, PRINTED_GAUSSIAN, VERDICTS, _gaussian_audit
from symconv.report.spec import default_spec

SOURCE = Path("/work/shared/source/convolution-vs-correlation.txt")


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def test_every_item_has_a_verdict_and_evidence_the_specification_lists() -> None:
    listed = {c.name for c in default_spec("claims").shown_claims}
    for item in AUDIT_ITEMS:
        assert item.verdict in VERDICTS
        assert item.corrected or item.evidence or item.probe, item.topic
        assert set(item.corrected + item.evidence) <= listed, item.topic


@pytest.mark.parametrize("phrase", [
    "flipped to obtain the kernel matrix",         # Larochelle's flipped weights
    "linked to FFT",                               # "CNNs are not linked to the FFT"
    "Neither the associativity of convolution",    # "neither ... applies"
    "relies on the convolution theorem",
    "Gaussian convolution filter",                 # printed without its 1/273
    "only reason to flip",
    "as long as the filter is symmetric",
])
def test_the_claims_the_issue_names_are_audited(phrase: str) -> None:
    assert any(_words(phrase) in _words(item.quote) for item in AUDIT_ITEMS)


# The source's text extraction ran some words together or out of order; these quotes
# restore the reading order, and are checked against the text as extracted.
AS_EXTRACTED = {
    "convolution is associative while (cross-)correlation is not":
        "convolution is associativewhileis not.(cross-)correlation",
}


@pytest.mark.skipif(not SOURCE.exists(), reason="the source text is not on this machine")
def test_every_quote_is_the_source_s_words() -> None:
    source = _words(SOURCE.read_text(encoding="utf-8")).replace(" ", "")
    for item in AUDIT_ITEMS:
        quote = AS_EXTRACTED.get(item.quote, item.quote)
        # a bracketed word is the audit's insertion for a pronoun; the rest is verbatim
        for part in re.split(r"\[[a-z]+\]", quote):
            assert _words(part).replace(" ", "") in source, item.quote


def test_the_printed_gaussian_is_the_kernel_without_its_divisor() -> None:
    found = _gaussian_audit()
    assert found["matches"] and found["divisor"] == 273
    assert found["printed"] == PRINTED_GAUSSIAN
    assert sum(sum(row) for row in found["weights"]) == 273
