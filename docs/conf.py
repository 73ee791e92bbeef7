"""Sphinx configuration of the symconv documentation (build: sphinx-build -W -b html docs out)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # document this source tree, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import symconv  # noqa: E402

project = "symconv"
author = "the symconv authors"
release = version = symconv.__version__
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "symconv_docs",
]
exclude_patterns = ["_build", "examples", "generated"]
html_theme = "alabaster"
html_static_path: list[str] = []
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# `.. doctest::` blocks run with `sphinx-build -b doctest`; the docstrings' examples are
# already run by pytest --doctest-modules.
doctest_test_doctest_blocks = ""
nitpicky = False
