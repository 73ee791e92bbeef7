"""How results and signals look: one-line reprs, readable text, LaTeX and HTML, each
class's own forms built with symconv.core.show."""

from __future__ import annotations

import html
import re
from fractions import Fraction

import numpy as np
import pytest

from symconv import Signal, check
from symconv.core.show import MAX_SIDE_SHOWN, MAX_STEPS_SHOWN, condensed_steps, grid_text
from symconv.lang.claims import claim_from_text
from symconv.prove.outcome import Outcome, explain
from symconv.prove.repair import Repair
from symconv.prove.runner import verify_one
from symconv.prove.verdict import Counterexample, Result, Verdict


def test_grid_text_elides_the_middle_of_a_long_axis() -> None:
    text = grid_text(np.arange(2 * MAX_SIDE_SHOWN).reshape(1, -1), (0, 0))
    header = text.splitlines()[0].split()
    assert len(header) == MAX_SIDE_SHOWN + 1 and header[MAX_SIDE_SHOWN // 2] == "…"
    assert header[-1] == str(2 * MAX_SIDE_SHOWN - 1)


def test_condensed_steps_keep_both_ends() -> None:
    assert condensed_steps([1, 2, 3]) == [1, 2, 3]
    steps = list(range(MAX_STEPS_SHOWN + 5))
    shown = condensed_steps(steps)
    half = MAX_STEPS_SHOWN // 2
    assert shown == [*steps[:half], None, *steps[-half:]]


@pytest.mark.parametrize("value", [
    Signal.literal([[1, 2], [3, 4]]),
    Counterexample({"a": [1, Fraction(1, 2)]}, {"a": (0,)}, (0,), 1, 2),
    Result(Verdict.VERIFIED, "exact", [{"a": (2,)}], 0.5),
])
def test_every_engine_type_has_every_form(value: object) -> None:
    # each class shows itself; none may fall back to object.__repr__
    fallback = object.__repr__(value)
    for form in (repr, str, lambda v: v._repr_html_(), lambda v: v._repr_latex_()):
        assert form(value) != fallback


def test_inline_latex_of_a_refutation_names_both_sides() -> None:
    found = Counterexample({"a": [[1, 0], [0, 2]]}, {"a": (0, 0)}, (1, 1), 3, 4)
    result = Result(Verdict.REFUTED, "exact", [], 0.1, counterexample=found)
    text = result._latex()
    assert r"\textbf{REFUTED}" in text and r"3 \neq 4" in text and "bmatrix" in text


def test_signal_text_shows_entries_origin_and_the_zero_marker() -> None:
    text = str(Signal.literal([[1, 2, 3], [4, 5, 6]], origin=(0, -2)))
    assert "origin (0, -2)" in text
    assert "[3]" in text and "[6]" not in text  # coordinate (0, 0): first row, last column
    assert text.splitlines()[1].split() == ["-2", "-1", "0"]
    # no marker when 0 lies outside the box
    assert "[" not in str(Signal.literal([1, 2], origin=(3,))).split("\n", 1)[1]
    assert str(Signal.zeros(2)).endswith("the zero function")


def test_signal_rich_displays_mark_coordinate_zero() -> None:
    s = Signal.literal([[1, 2], [3, 4]], origin=(-1, -1))
    assert r"\boxed{4}" in s._repr_latex_() and "_{(-1,-1)}" in s._repr_latex_()
    html = s._repr_html_()
    assert html.count('title="coordinate 0"') == 1
    assert re.search(r'title="coordinate 0">4<', html)
    big = Signal.literal([list(range(30))], origin=(0, 0))
    assert "…" in str(big) and "…" in big._repr_html_()


def test_a_proof_displays_its_derivation() -> None:
    result = check("conv(F, I) == corr(flip(F), I)", F="3x3", I="5x5")
    assert repr(result).startswith("<Result PROVED by general") and "\n" not in repr(result)
    latex = result._repr_latex_()
    assert latex.startswith("$$") and r"\begin{aligned}" in latex
    assert r"\operatorname{corr}(\operatorname{flip}(F), I)(x)" in latex
    assert latex.count("{") == latex.count("}")
    assert "Derivation" in result._repr_html_() and "re-indexing" in result._repr_html_()
    text = result.text()
    assert text.splitlines()[0] == str(result) and "The two sides are equal" in text
    assert repr(result.derivation).startswith("<Derivation conv(F, I) == corr(flip(F), I): ")


def test_a_refutation_displays_its_counterexample() -> None:
    result = check("conv(F, I) == corr(F, I)", F="3x3", I="5x5")
    cex = result.counterexample
    assert cex is not None
    assert repr(cex).startswith("<Counterexample F=") and "!=" in repr(cex)
    assert str(cex) == cex.describe()
    assert _sizes_shown(repr(result)) == _sizes_shown(str(result))
    latex = result._repr_latex_()
    assert latex.count(r"\begin{bmatrix}") == len(cex.signals) and r"\neq" in latex
    assert r"\boxed" in latex  # some signal holds coordinate 0
    html = result._repr_html_()
    assert html.count("<table") >= len(cex.signals) and "≠" in html


def _sizes_shown(text: str) -> str:
    """What a result's one line says of sizes: from " at " up to the values or the time."""
    return re.split(r": left |, [0-9.]+ s>?$", text.split(" at ", 1)[1])[0]


@pytest.mark.parametrize(("declared", "entries"), [
    ({"F": (3, 3), "I": (5, 5)}, {"F": [[1, 0]], "I": [[1]]}),   # a smaller counterexample
    ({"F": (1, 2), "I": (1, 1)}, {"F": [[1, 0]], "I": [[1]]}),   # at the declared sizes
])
def test_a_refutation_shows_the_same_sizes_in_repr_and_str(
        declared: dict[str, tuple[int, ...]], entries: dict[str, list[list[int]]]) -> None:
    cex = Counterexample(entries, {"F": (0, -1), "I": (0, 0)}, (0, -1), 1, 0)
    result = Result(Verdict.REFUTED, "exact", [declared], 0.5, counterexample=cex)
    shown = _sizes_shown(repr(result))
    assert shown == _sizes_shown(str(result))
    assert shown.startswith(", ".join(f"{k}={'x'.join(map(str, v))}" for k, v in declared.items()))
    assert shown.endswith("F=1x2, I=1x1") and shown.count("F=1x2") == 1
    assert "\n" not in repr(result) and "left 1 != right 0 at (0, -1)" in str(result)


def _repair(verdict: Verdict, warnings: list[str]) -> Repair:
    return Repair("sum(f)", "4 * sum(f)", "4 * sum(f) == sum(dft(f))", verdict, "exact",
                  [{"f": (4,)}], 1, warnings)


@pytest.mark.parametrize(("repair", "shown"), [
    (_repair(Verdict.PROVED, []), "holds if sum(f) is replaced by 4 * sum(f) (PROVED)"),
    (_repair(Verdict.VERIFIED, []), "holds at f=4 if sum(f) is replaced by 4 * sum(f) "
                                    "(VERIFIED, not proved for other sizes)"),
    (_repair(Verdict.VERIFIED, ["fails at f=2: the statement depends on the size"]),
     "holds at f=4 if sum(f) is replaced by 4 * sum(f) (VERIFIED; fails at f=2: the "
     "statement depends on the size)"),
])
def test_a_repair_is_shown_with_the_scope_of_its_verdict(repair: Repair, shown: str) -> None:
    claim = claim_from_text("sum(f) == sum(dft(f))", {"f": "4"})
    cex = Counterexample({"f": [1, 0, 0, 0]}, {"f": (0,)}, None, 1, 4)
    result = Result(Verdict.REFUTED, "exact", [{"f": (4,)}], 0.1, counterexample=cex,
                    repairs=[repair])
    assert f"\n  repair: {shown}\n" in explain(Outcome(claim, result))  # verify, check, pytest
    assert f"\nrepair: {shown}\n" in result.text()
    assert html.escape(f"repair: {shown}") in result._repr_html_()


def test_a_probable_verdict_shows_its_error_bound() -> None:
    result = check("sum(conv(F, I)) == sum(F) * sum(I)", F="3x3", I="64x64", tiers=["random"])
    assert result.error_bound is not None
    assert "error probability <=" in str(result)
    assert r"\Pr[\text{error}] \le" in result._repr_latex_()
    assert "error probability ≤" in result._repr_html_()


def test_long_derivations_are_condensed() -> None:
    result = check("frobenius(conv(a, b), c) == frobenius(b, corr(a, c))",
                   a="3", b="3", c="3", tiers=["general"])
    derivation = result.derivation
    assert derivation is not None
    full = derivation.condensed_latex(condensed=False)
    short = derivation.condensed_latex()
    steps = len(derivation.steps)
    assert full.count("&=") == steps
    assert steps > MAX_STEPS_SHOWN
    assert short.count("&=") == MAX_STEPS_SHOWN and r"\vdots" in short


@pytest.mark.parametrize("expect", ["holds", "fails"])
def test_outcomes_display(expect: str) -> None:
    outcome = verify_one(claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "2"}, expect,
                                         name="commutes"))
    status = "ok" if expect == "holds" else "MISMATCH"
    assert repr(outcome) == (f"<Outcome commutes: PROVED by general (expected {expect}: {status}), "
                             f"{outcome.result.seconds:.2f} s>")
    assert str(outcome).startswith(f"{status} ")
    assert "commutes" in outcome._repr_html_() and "commutes" in outcome._repr_latex_()
