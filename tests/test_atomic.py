"""Atomic writes of output files (reports, figures, verify --json/--junit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.core import atomic
from symconv.errors import SymconvError


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.tex"
    atomic.atomic_write(target, "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    atomic.atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


def test_written_file_has_the_mode_a_plain_open_gives(tmp_path: Path) -> None:
    import os

    plain = tmp_path / "plain.tex"
    plain.write_text("x")
    target = tmp_path / "a.tex"
    atomic.atomic_write(target, "x")
    assert os.stat(target).st_mode & 0o777 == os.stat(plain).st_mode & 0o777


def test_failure_while_writing_keeps_previous_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.tex"
    target.write_bytes(b"previous report")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(SymconvError, match=r"cannot write .*a\.tex: disk full"):
        atomic.atomic_write(target, "new report, half written")
    assert target.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tex"]  # no temporary left


def test_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SymconvError, match=r"cannot write .*file/out\.json") as info:
        atomic.atomic_write(blocker / "out.json", "{}")
    assert "\n" not in str(info.value)


def test_a_file_in_place_of_a_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    # mkdir alone says "File exists", which does not say what is wrong
    with pytest.raises(SymconvError, match=f"{blocker} is a file, not a folder"):
        atomic.atomic_write(blocker / "sub" / "out.json", "{}")
    assert blocker.read_text() == "x"
