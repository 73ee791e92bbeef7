"""The example notebook, executed in a real Jupyter kernel, and what it displays."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "examples" / "tour.ipynb"


@pytest.fixture(scope="module")
def executed() -> list[Any]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:  # the kernel imports symconv from this tree
        patch.setenv("PYTHONPATH", os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
        client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                         resources={"metadata": {"path": str(ROOT)}})
        client.execute()
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _outputs(cell: Any, mime: str) -> str:
    return "".join(o.get("data", {}).get(mime, "") for o in cell.outputs) + "".join(
        o.get("text", "") for o in cell.outputs if mime == "text/plain")


def _cell(cells: list[Any], source_start: str) -> Any:
    (cell,) = [c for c in cells if c.source.startswith(source_start)]
    assert not [o for o in cell.outputs if o.output_type == "error"]
    return cell


@pytest.mark.slow
def test_the_notebook_runs_and_displays_results(executed: list[Any]) -> None:
    proof = _cell(executed, "proof = check")
    assert proof.outputs[0]["data"]["text/plain"].startswith("<Result PROVED by general")
    assert r"\begin{aligned}" in _outputs(proof, "text/latex")
    assert "Derivation" in _outputs(proof, "text/html")
    assert _outputs(_cell(executed, "print(proof)"), "text/plain").startswith("PROVED by general")

    refuted = _cell(executed, "refuted = check")
    assert "REFUTED" in _outputs(refuted, "text/plain")
    assert "<table" in _outputs(refuted, "text/html") and 'title="coordinate 0"' in _outputs(
        refuted, "text/html")
    assert r"\begin{bmatrix}" in _outputs(_cell(executed, "refuted.counterexample"), "text/latex")

    probable = _cell(executed, "probable = check")
    assert "error probability ≤" in _outputs(probable, "text/html")
    assert r"\Pr[\text{error}]" in _outputs(probable, "text/latex")

    signal = _cell(executed, "k = Signal.from_array")
    assert "origin (-1, -1)" in _outputs(signal, "text/html")
    assert r"\boxed{0}" in _outputs(signal, "text/latex")
    assert "[0]" in _outputs(_cell(executed, "print(k)"), "text/plain")

    assert _outputs(_cell(executed, "from symconv.apps.compat"), "text/plain").strip() == (
        "2*c | I[0, 1] + I[1, 0]")  # the corner reads the constant cval twice
    assert "<Outcome conv-shift-kernel: PROVED" in _outputs(_cell(executed, "outcomes ="),
                                                          "text/plain")
    assert _outputs(_cell(executed, "print(sum("), "text/plain").strip() == "8 of 8 as expected"
