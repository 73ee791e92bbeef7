"""Which libraries flip: live probes where importable, the recorded table otherwise."""

from __future__ import annotations

import pytest

from symconv.report import library_table
from symconv.report.library_table import FLIP_SLIDE_TARGETS


def test_recorded_table_covers_every_slide_target() -> None:
    recorded = library_table.recorded_probes()
    for target in library_table.slide_targets():
        entry = recorded[target]
        assert entry["library"] == library_table.library_of(target)
        assert entry["version"] and entry["date"] and entry["identify"]["rows"]


def test_numpy_is_probed_live() -> None:
    rows = library_table.library_rows(("numpy:convolve", "numpy:correlate"))
    assert [r["source"] for r in rows] == ["live", "live"]
    assert rows[0]["flips_kernel"] is True and rows[1]["flips_kernel"] is False


def test_a_missing_library_uses_its_recorded_row(monkeypatch: pytest.MonkeyPatch) -> None:
    live = library_table.library_rows(("numpy:convolve",))[0]
    monkeypatch.setattr(library_table, "importable", lambda library: False)
    rows = library_table.library_rows()
    assert len(rows) == len(library_table.slide_targets()) >= len(FLIP_SLIDE_TARGETS)
    assert {r["source"] for r in rows} == {"recorded"}
    recorded = rows[0]
    for key in ("operation", "flips_kernel", "mode", "boundary"):
        assert recorded[key] == live[key]


def test_a_target_without_probe_or_record_gets_a_row_saying_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_table, "importable", lambda library: False)
    rows = library_table.library_rows(("nosuchlib:convolve", "numpy:convolve"))
    assert [r["source"] for r in rows] == ["missing", "recorded"]
    assert rows[0]["target"] == "nosuchlib:convolve" and rows[0]["operation"] is None


def test_library_of_names_the_distribution() -> None:
    assert library_table.library_of("scipy.signal:convolve2d") == "scipy"
    assert library_table.library_of("torch.nn.functional:conv2d") == "torch"
