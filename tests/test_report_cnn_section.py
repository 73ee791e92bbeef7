"""symconv.report.cnn_section: the CNN section's values, computed as the report builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.apps import cnn
from symconv.lang.claims import load_toml
from symconv.prove.verdict import Verdict, exact_check_verdict
from symconv.report.cnn_section import cnn_data, grouped_layers
from symconv.report.filters import scope_latex

BUNDLED_GROUPS = Path(__file__).resolve().parent.parent / "proofs" / "cnn_groups.toml"


def test_cnn_section_values() -> None:
    data = cnn_data(steps=5)
    assert {row["verdict"] for row in data["backprop"]} == {"VERIFIED"}
    assert data["one_step"]["verdict"] == "VERIFIED"
    assert data["learning"]["max_flip_difference"] == 0
    assert r"{W}_{0,0,0,0} {x}_{0,0,0}" in data["pixel"]


def test_a_learning_run_given_is_the_one_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lecture plots a learning run and passes the same run here: it is not trained twice."""
    learned = cnn.learning_equivalence(steps=3)
    monkeypatch.setattr(cnn, "learning_equivalence", lambda **_: pytest.fail("trained again"))
    data = cnn_data(learned=learned)
    assert data["learning"]["steps"] == 3
    assert data["learning"]["max_flip_difference"] == learned.max_flip_difference


def test_a_failed_exact_check_is_refuted() -> None:
    assert exact_check_verdict(False) is Verdict.REFUTED
    assert exact_check_verdict(True) is Verdict.VERIFIED


def test_grouped_layers_are_the_bundled_claims_verified_now() -> None:
    """The lecture's grouped-layer sentence: the claims of proofs/cnn_groups.toml, verified in
    the build, laws PROVED for all sizes, mutants REFUTED, the scope the results' own."""
    bundled = {c.name: c for c in load_toml(BUNDLED_GROUPS)}
    layers = grouped_layers()
    assert len(layers) == len(cnn.BUNDLED_LAYERS)
    shown = [c for layer in layers for c in layer["laws"] + layer["mutants"]]
    assert sorted(c.name for c in shown) == sorted(bundled)
    for checked in shown:
        assert checked.statement == bundled[checked.name].text
    for layer in layers:
        assert layer["law_verdicts"] == [("PROVED", "general")]
        assert {c.verdict for c in layer["mutants"]} == {"REFUTED"}
        assert layer["mutant_verdicts"] == [("REFUTED", "general")]
        assert layer["scope"] == layer["laws"][0].result.scope_text()


def test_scope_filter_sets_groups_as_mathematics() -> None:
    assert scope_latex("for all sizes, on Z^2 (the factors per axis fix the number of axes)") == \
        r"for all sizes, on $\mathbb{Z}^2$ (the factors per axis fix the number of axes)"
    assert scope_latex("for all n and d (on Z_n^d): a_b") == \
        r"for all n and d (on $\mathbb{Z}_n^d$): a\_b"
    # the engine's scopes name sizes with ≥ (modes): pdflatex gets ASCII only
    shown = scope_latex("for all sizes n ≥ 1 (and origins o, where none is declared), on Z^2")
    assert shown.isascii() and r"\ensuremath{\geq}" in shown and r"$\mathbb{Z}^2$" in shown
    # the sizes a padded proof names (n_a, one signal's length) are subscripts, not "n_ a"
    assert scope_latex("N = (n_a + n_b - 1) the zeropad length") == \
        r"N = ($n_{a}$ + $n_{b}$ - 1) the zeropad length"
    # a claim's assumption as written, and the padded model's group Z_N^d
    assert scope_latex("where N >= len(f) (the claim's assumption), a sum over Z_N^d") == \
        r"where N \ensuremath{\geq} len(f) (the claim's assumption), a sum over $\mathbb{Z}_N^d$"
