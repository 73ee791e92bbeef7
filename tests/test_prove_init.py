"""The trusted kernel's line counts in symconv/prove/__init__.py are those the script prints."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import symconv.prove

ROOT = Path(__file__).resolve().parents[1]


def _kernel_size() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kernel_size", ROOT / "benchmarks/kernel_size.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("kernel_size", module)
    spec.loader.exec_module(module)
    return module


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_docstrings_totals_are_the_measured_ones() -> None:
    rows = _kernel_size().measure(ROOT)
    totals: dict[str, int] = {}
    for group, _, lines in rows:
        totals[group] = totals.get(group, 0) + lines
    lines_of = {what: lines for _, what, lines in rows}
    doc = " ".join((symconv.prove.__doc__ or "").split())
    stated = re.search(r"In all, ([\d,]+) lines: shared by every verdict ([\d,]+) .*?PROVED "
                       r"([\d,]+) \(the checker ([\d,]+)\), VERIFIED ([\d,]+) \(packed "
                       r"([\d,]+)\), PROBABLE ([\d,]+)", doc)
    assert stated is not None, "the docstring's 'In all, ...' sentence is missing"
    assert [_number(g) for g in stated.groups()] == [
        sum(totals.values()), totals["shared"], totals["PROVED"],
        lines_of["symconv/prove/checker.py"], totals["VERIFIED"],
        lines_of["symconv/prove/packed.py"], totals["PROBABLE"]]


def test_every_kernel_module_is_named_in_the_docstring() -> None:
    doc = symconv.prove.__doc__ or ""
    for _, what, _ in _kernel_size().measure(ROOT):
        module = what.split(":")[0].removesuffix(".py").replace("/", ".")
        if module != "symconv.prove.__init__":
            assert module.rsplit(".", 1)[-1] in doc, module
