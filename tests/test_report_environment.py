"""The Jinja environment and the LaTeX filters of symconv.report."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import jinja2
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symconv.core.signal import Signal
from symconv.errors import ReportError
from symconv.report.environment import make_environment
from symconv.report.filters import breakable, latex_escape, seconds, tex

SPECIALS = "\\&%$#_{}~^<>|"


def test_delimiters_are_latex_safe() -> None:
    env = make_environment()
    text = env.from_string(
        "\\begin{x}\\VAR{a}\\#{ a comment }\n%% if b\nyes {braces} %\n%% endif\n\\end{x}"
    ).render(a="1", b=True)
    # the comment takes its newline with it (trim_blocks), as a block tag does
    assert text == "\\begin{x}1yes {braces} %\n\\end{x}"


def test_missing_variable_is_an_error_not_an_empty_string() -> None:
    env = make_environment()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("x = \\VAR{missing}").render()


def test_each_environment_is_new() -> None:
    first, second = make_environment(), make_environment()
    first.filters["extra"] = str
    assert "extra" not in second.filters


def test_bundled_templates_load() -> None:
    env = make_environment()
    for name in ("derivation.tex", "lecture.tex", "claims.tex", "verify.tex", "macros.tex"):
        assert env.get_template(name) is not None


def test_user_folder_overrides_and_adds(tmp_path: Path) -> None:
    (tmp_path / "claims.tex").write_text("mine \\VAR{1 + 1}")
    (tmp_path / "extra.tex").write_text("extra")
    env = make_environment(tmp_path)
    assert env.get_template("claims.tex").render() == "mine 2"
    assert env.get_template("extra.tex").render() == "extra"
    assert str(env.get_template("verify.tex").filename).endswith("templates/verify.tex")


def test_missing_user_folder_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        make_environment(tmp_path / "nope")


@pytest.mark.parametrize("char", list(SPECIALS))
def test_escape_removes_every_special_character(char: str) -> None:
    escaped = latex_escape(f"a{char}b")
    assert escaped != f"a{char}b"
    # what remains unescaped are only the braces and backslashes of the replacement macros
    assert escaped.startswith("a") and escaped.endswith("b")


@given(st.text(alphabet=st.sampled_from(list(SPECIALS) + list("ab c1")), max_size=30))
def test_escaped_text_has_balanced_braces_and_no_bare_specials(text: str) -> None:
    escaped = latex_escape(text)
    depth = 0
    k = 0
    while k < len(escaped):
        ch = escaped[k]
        if ch == "\\":
            k += 2 if escaped[k + 1] in "&%$#_{}" else 1
            continue
        assert ch not in "&%$#_^~", escaped
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
        k += 1
    assert depth == 0


def test_plain_text_is_unchanged() -> None:
    assert latex_escape("conv and corr 123") == "conv and corr 123"


def test_tex_uses_object_latex_and_does_not_escape() -> None:
    assert tex(sympy.Rational(1, 2)) == "\\frac{1}{2}"
    assert tex(Fraction(3, 4)) == "\\frac{3}{4}"
    signal = Signal.literal([1, 2])
    assert tex(signal) == signal._latex()
    assert "\\_" not in tex(sympy.Symbol("a_b"))


def test_seconds_formats_both_ranges() -> None:
    assert seconds(0.0123) == "12.3 ms"
    assert seconds(2.5) == "2.5 s"


def test_breakable_escapes_and_allows_breaks() -> None:
    assert breakable("a-b_c") == "a-\\allowbreak{}b\\_\\allowbreak{}c"
    assert breakable("x & y") == latex_escape("x & y")


def test_detail_shows_sizes_as_shapes_not_python_dicts() -> None:
    from symconv.report.filters import detail_text

    text = detail_text("the sides differ at sizes {'F': (2, 2), 'I': (3,)}")
    assert text == "the sides differ at sizes F=2x2, I=3"


def test_index_and_counterexample_show_one_dimensional_indices_without_comma() -> None:
    from symconv.report.checks import check
    from symconv.report.filters import counterexample_latex, index_text, plain_value

    assert index_text((-2,)) == "-2" and index_text([-1, 0]) == "(-1, 0)"
    checked = check("swap", "corr(a, b) == corr(b, a)", {"a": "2", "b": "2"}, "fails")
    latex = counterexample_latex(checked)
    where = checked.result.counterexample.coordinate
    assert latex.endswith(rf"\text{{ at }} x = {where[0]}") and ",)" not in latex
    assert plain_value("Polynomial(f[0])") == "f[0]"


def test_counterexample_values_are_exact_not_floats() -> None:
    from symconv.report.checks import check
    from symconv.report.filters import counterexample_latex, exact_latex

    # the report recomputes the values exactly from the definitions (never via a float)
    checked = check("conj", "dft(a) == conj(dft(a))", {"a": "3"}, "fails")
    assert not isinstance(checked.result.counterexample.left, float | complex)
    latex = counterexample_latex(checked)
    assert r"\omega" in latex and "." not in latex.replace(r"\quad", "")
    with pytest.raises(ValueError, match="float"):
        exact_latex(0.5)


def test_derivation_notes_wrap_in_a_table() -> None:
    from symconv.lang.claims import claim_from_text
    from symconv.prove import run_tiers
    from symconv.report.filters import derivation_steps

    claim = claim_from_text("conv(F, I) == corr(flip(F), I)", {"F": "3", "I": "4"})
    result = run_tiers(claim)
    latex = derivation_steps(result.derivation)
    assert latex.count(r"\begin{tabularx}{\linewidth}") == 1
    assert r"\text{" not in latex.split("\n")[1]  # notes are paragraph text, not \text boxes
    assert derivation_steps(result.derivation, full=True).count(r"\\[6pt]") == \
        len(result.derivation.steps)
    # condensed: the two re-indexings i -> x - i, then the flip, are one substitution
    assert latex.count(r"\\[6pt]") < len(result.derivation.steps)
    assert r"\mapsto" in latex and "renaming" not in latex


def test_a_wide_formula_puts_its_reason_on_the_next_line() -> None:
    from symconv.lang.claims import claim_from_text
    from symconv.prove import run_tiers
    from symconv.report.filters import derivation_steps

    # the valid-mode crop's box indicator makes each line too wide for a reason beside it
    claim = claim_from_text('conv(flip(W), x, mode="valid") == corr(W, x, mode="valid")',
                            {"W": "3x3", "x": "6x6"})
    latex = derivation_steps(run_tiers(claim).derivation, full=True)
    rows = [r for r in latex.split("\n") if r.startswith(("=", r"\multicolumn"))]
    assert any(r.startswith(r"\multicolumn{2}") and "definition" in r for r in rows)
    assert rows[-1].startswith("= ")  # the short last line keeps its reason beside it


def test_a_derivation_starts_across_both_columns() -> None:
    from symconv.lang.claims import claim_from_text
    from symconv.prove import run_tiers
    from symconv.report.filters import derivation_steps

    # a long start (the padded DFTs) must not widen the formula column over every reason
    claim = claim_from_text("idft(dft(zeropad(a, len(a) + len(b) - 1)) * "
                            "dft(zeropad(b, len(a) + len(b) - 1))) == conv(a, b)",
                            {"a": {"shape": "3", "origin": [0]}, "b": {"shape": "3", "origin": [0]}})
    start = derivation_steps(run_tiers(claim).derivation).split("\n")[1]
    assert start.startswith(r"\multicolumn{2}") and r"\operatorname{pad}" in start


def test_a_displayed_claim_names_its_integers_and_assumptions() -> None:
    """What the derivation report displays is the statement PROVED for every N (not the
    declared N = 5 the exact tier reads), N a number where it scales, and where it holds."""
    from symconv.lang.claims import claim_from_text
    from symconv.report.filters import displayed_formula

    claim = claim_from_text("conj(dft(conj(dft(zeropad(f, N))))) == N * zeropad(f, N)",
                            {"f": {"shape": "3", "origin": [0], "real": False}},
                            integers={"N": 5}, assume=["N >= len(f)"])
    shown = displayed_formula(claim)
    assert shown.endswith(r"= N\,\operatorname{pad}_{N}(f)\quad\text{for } N \geq \operatorname{len}(f) \]")
    assert "5" not in shown
    assert r"\text{for some }" in displayed_formula(claim, negate=True)


@pytest.mark.parametrize("negate", [False, True])
def test_a_displayed_claim_is_split_at_its_comparison_only_when_long(negate: bool) -> None:
    from symconv.lang.claims import claim_from_text
    from symconv.report.filters import displayed_formula
    from symconv.report.formulas import claim_latex

    relation = r"\neq" if negate else "="
    short = claim_from_text("conv(F, I) == conv(I, F)", {"F": "3", "I": "3"})
    assert displayed_formula(short, negate) == rf"\[ {claim_latex(short, negate=negate)} \]"
    gradient = 'downsample(corr(upsample(V, 3, 3), z, mode="valid"), 2, 2)'  # a strided layer's
    long = claim_from_text(
        f'frobenius(downsample(corr(upsample(W, 3, 3), x, mode="valid"), 2, 2), {gradient}) == '
        f"frobenius(x, conv(upsample(W, 3, 3), upsample({gradient}, 2, 2)))",
        {"W": "2x3", "x": "9x9", "V": "2x3", "z": "9x9"})
    shown = displayed_formula(long, negate)
    assert shown == (rf"\begin{{multline*}} {claim_latex(long, 'left')} \\ {relation} "
                     rf"{claim_latex(long, 'right')} \end{{multline*}}")
