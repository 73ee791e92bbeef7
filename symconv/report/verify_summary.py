"""The ``verify`` report: a CI summary of a ``symconv verify --json`` run.

The report shows exactly what the JSON file says (verdicts are never
recomputed or invented here); a malformed file is a one-line ReportError.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from symconv.errors import ClaimFileError, ReportError
from symconv.lang.dsl import parse_statement
from symconv.prove import format_sizes
from symconv.report.figures import FigureFolder
from symconv.report.formulas import assumption_latex, statement_latex
from symconv.report.spec import ReportSpec

VERDICTS = ("PROVED", "VERIFIED", "PROBABLE", "REFUTED", "INCONCLUSIVE", "ERROR")
_REQUIRED = ("name", "statement", "expect", "verdict", "ok")


def load_results(path: Path) -> list[dict[str, Any]]:
    """The list of claim results in a ``symconv verify --json`` file, validated."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"verify results {str(path)!r} do not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ReportError(f"cannot read verify results {str(path)!r}: {err}") from None
    if not isinstance(data, list):
        raise ReportError(f"{path}: expected a JSON list of claim results, not {type(data).__name__}")
    for k, row in enumerate(data):
        missing = [key for key in _REQUIRED if not isinstance(row, dict) or key not in row]
        if missing:
            raise ReportError(f"{path}: result {k + 1} lacks {', '.join(missing)}")
        if row["verdict"] not in VERDICTS:
            raise ReportError(f"{path}: result {k + 1} has verdict {row['verdict']!r}; "
                              f"expected one of {', '.join(VERDICTS)}")
        _check_lists(path, k, row)
    return data


def _check_lists(path: Path, k: int, row: dict[str, Any]) -> None:
    """The lists the template iterates: warnings of strings, repairs and explanations of
    tables (each repair's warnings a list of strings), so that a malformed one is a
    ReportError rather than a TypeError while rendering."""
    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    if not strings(row.get("warnings", [])):
        raise ReportError(f"{path}: result {k + 1} has warnings that are not a list of strings")
    for key in ("repairs", "explanations"):
        entries = row.get(key, [])
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and strings(e.get("warnings", [])) for e in entries):
            raise ReportError(f"{path}: result {k + 1} has {key} that are not a list of tables "
                              "(with warnings a list of strings)")


def sizes_text(sizes: list[dict[str, list[int]]] | None) -> str:
    """``F=3x3, I=5x5; F=5x5, I=7x7`` (the engine's one format for sizes)."""
    return "; ".join(format_sizes({k: tuple(v) for k, v in s.items()}) for s in sizes or [])


def statement_formula(text: object, assume: object = None, integers: object = None) -> str | None:
    """A statement from the JSON as LaTeX, rendered from its syntax tree (the claim's
    ``integers`` as numbers, not signals), with the claim's assumptions after it; None if it
    is not a statement of the language (a Python claim's description)."""
    try:
        where = r",\ ".join(assumption_latex(str(a)) for a in assume) if isinstance(assume, list) else ""
        numbers = [str(name) for name in integers] if isinstance(integers, dict) else []
        return statement_latex(parse_statement(str(text)), numbers=numbers) + (
            rf"\quad\text{{for }} {where}" if where else "")
    except ClaimFileError:
        return None


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``verify.tex``."""
    if spec.input is None:
        raise ReportError("the verify report needs the JSON of `symconv verify --json FILE`: "
                          "give --input FILE or input = \"FILE\" in the specification")
    results = load_results(spec.input)
    counts = Counter(row["verdict"] for row in results)
    return {
        "source_file": str(spec.input),
        "results": results,
        "sizes_text": sizes_text,
        "statement_formula": statement_formula,
        "counts": [(v, counts[v]) for v in VERDICTS if counts[v]],
        "failures": [row for row in results if not row["ok"]],
        # of those, the INCONCLUSIVE ones: undecided, not contradicting their expectation
        "undecided": [row for row in results if not row["ok"] and row["verdict"] == "INCONCLUSIVE"],
        "with_counterexample": [row for row in results if row.get("counterexample")],
        "with_warnings": [row for row in results if row.get("warnings")],
        # refuted as expected, explanations and repairs not searched: said once, not per row
        "undiagnosed": sum(1 for row in results if row.get("diagnosis_skipped")),
    }
