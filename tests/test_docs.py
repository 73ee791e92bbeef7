"""The documentation site: built with warnings as errors, its examples run as doctests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _sphinx(builder: str, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    # One doctree folder for both builders: the second reuses the sources the first read
    # (the doctest builder still runs every example), about half the time of reading twice.
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           builder, "-d", str(out / "doctrees"), str(DOCS), str(out / builder)],
                          capture_output=True, text=True, env=env, timeout=900)


@pytest.mark.slow
def test_docs_build_without_warnings_and_their_examples_pass(tmp_path: Path) -> None:
    html = _sphinx("html", tmp_path)
    assert html.returncode == 0, html.stderr
    doctest = _sphinx("doctest", tmp_path)
    assert doctest.returncode == 0, doctest.stdout + doctest.stderr
    assert "0 failures in tests" in (tmp_path / "doctest" / "output.txt").read_text()

    from symconv.cli import _build_parser
    from symconv.lang.dsl import FUNCTIONS

    language = (DOCS / "generated" / "language.rst").read_text()
    assert all(f"``{name}(" in language for name in FUNCTIONS)
    cli = (DOCS / "generated" / "cli.rst").read_text()
    subcommands = _build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert all(f"symconv {name}\n" in cli for name in subcommands)
    gallery = (DOCS / "generated" / "gallery.rst").read_text()
    assert gallery.count(".. math::") >= 30 and "flip.toml" in gallery
    for page in ("index", "tutorial", "conventions", "language", "cli", "api", "libraries",
                 "gallery"):
        assert (tmp_path / "html" / f"{page}.html").exists()
    api = (tmp_path / "html" / "api.html").read_text()
    assert "symconv.check" in api and "scipy_ndimage_correlate" in api
