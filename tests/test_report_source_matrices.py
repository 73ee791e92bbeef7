"""The source's printed matrices compared with the derived Hadamard forms."""

from __future__ import annotations

import pytest
import sympy

from symconv.apps.expanded import hadamard_form
from symconv.report import source_matrices
from symconv.report.source_matrices import SOURCE_MATRICES, N, X, Y, audit_matrix, index_latex


def _wrong(op: str) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(e.row, e.col, e.wrong_factors) for e in audit_matrix(op).wrong}


def test_finds_the_slips_of_the_printed_matrices() -> None:
    assert _wrong("corr") == {("-N", "0", ("I",))}
    assert _wrong("conv") == {("-N", "0", ("I",)), ("N", "-N", ("F",))}


@pytest.mark.parametrize("op", ["corr", "conv"])
@pytest.mark.parametrize("n", [1, 2, 4])
def test_derived_entries_match_hadamard_form(op: str, n: int) -> None:
    form = hadamard_form(op, 2 * n + 1, 2, at=(X, Y))
    F, I = sympy.IndexedBase("F", real=True), sympy.IndexedBase("I", real=True)
    for entry in audit_matrix(op).entries:
        offsets = {"-N": -n, "0": 0, "N": n}
        (fi, fj), (ix, iy) = entry.derived
        term = F[fi.subs(N, n), fj.subs(N, n)] * I[ix.subs(N, n), iy.subs(N, n)]
        assert form[offsets[entry.row] + n, offsets[entry.col] + n] == term


def test_a_correct_transcription_has_no_wrong_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = [list(row) for row in SOURCE_MATRICES["conv"]]
    fixed[0][1] = ("N", "0", "x-N", "y")
    fixed[2][0] = ("-N", "N", "x+N", "y-N")
    monkeypatch.setitem(source_matrices.SOURCE_MATRICES, "conv",
                        tuple(tuple(row) for row in fixed))
    assert audit_matrix("conv").wrong == ()


def test_a_new_slip_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = [list(row) for row in SOURCE_MATRICES["corr"]]
    broken[1][1] = ("0", "0", "x", "y+1")
    monkeypatch.setitem(source_matrices.SOURCE_MATRICES, "corr",
                        tuple(tuple(row) for row in broken))
    assert ("0", "0", ("I",)) in _wrong("corr")


def test_index_latex_uses_source_order() -> None:
    assert index_latex(X - N) == "x-N"
    assert index_latex(-N) == "-N"
    assert index_latex(sympy.Integer(0)) == "0"
    assert index_latex(Y + 2 * N + 1) == "y+2N+1"


def test_notebook_display_boxes_exactly_the_wrong_entries() -> None:
    audit = audit_matrix("conv")
    shown = audit._repr_latex_()
    assert shown.startswith("$") and shown.count("\\boxed") == 2 * len(audit.wrong)
    assert audit.wrong[0]._repr_latex_() == f"${audit.wrong[0]._latex()}$"
