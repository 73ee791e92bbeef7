"""`symconv report`'s own options, checked before any report is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.cli import main


@pytest.mark.parametrize("limit", ["inf", "nan", "0", "-2"])
def test_a_time_limit_that_is_not_a_positive_finite_number_is_one_line(
        limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["report", "derivation", "--time-limit", limit, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (f"symconv: error: --time-limit {float(limit):g}; expected a positive finite "
                   "number of seconds\n")
    assert not out.exists()  # refused before anything was written
