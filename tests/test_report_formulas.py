"""Formulas rendered from claim ASTs, and the build's check of the claims it displays."""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from symconv.errors import ReportError
from symconv.lang.claims import parse_toml
from symconv.lang.dsl import FUNCTIONS, parse_statement
from symconv.report.build import build_report, claim_functions
from symconv.report.checks import verify_displayed
from symconv.report.formulas import claim_latex, expr_latex, statement_latex
from symconv.report.spec import REPORT_KINDS, default_spec, load_spec

# One statement side per function of the language, and the LaTeX it must become.
FUNCTION_CASES = {
    "conv": ("conv(F, I)", r"F \ast I"),
    "corr": ("corr(F, I)", r"F \circ I"),
    "flip": ("flip(F)", r"\operatorname{flip}(F)"),
    "shift": ("shift(a, 2)", r"\operatorname{shift}_{2}(a)"),
    "transpose": ("transpose(F)", r"F^{\mathsf T}"),
    "circconv": ("circconv(a, b)", r"a \mathbin{\circledast} b"),
    "circcorr": ("circcorr(a, b, 8)", r"a \mathbin{\circledcirc_{8}} b"),
    "dft": ("dft(a)", r"\operatorname{DFT}(a)"),
    "idft": ("idft(a, 4, 4)", r"\operatorname{DFT}_{4, 4}^{-1}(a)"),
    "conj": ("conj(a)", r"\overline{a}"),
    "zeropad": ("zeropad(a, 3, 5)", r"\operatorname{pad}_{(3, 5)}(a)"),
    "periodize": ("periodize(a, 4)", r"\operatorname{per}_{4}(a)"),
    "downsample": ("downsample(a, 2)", r"\operatorname{down}_{2}(a)"),
    "upsample": ("upsample(a, 2, 3)", r"\operatorname{up}_{(2, 3)}(a)"),
    "len": ("len(a) * a", r"\operatorname{len}(a)\,a"),
    "numel": ("numel(a) * sum(a)", r"\operatorname{numel}(a) \cdot (\textstyle\sum_{x} a(x))"),
    "size": ("size(a, 1) * a", r"\operatorname{size}_{1}(a)\,a"),
    "sum": ("sum(a)", r"\textstyle\sum_{x} a(x)"),
    "frobenius": ("frobenius(F, P)", r"\langle F, P \rangle"),
    "trace": ("trace(F @ P)", r"\operatorname{tr}(F\,P)"),
    "hadamard": ("hadamard(a, b)", r"a \odot b"),
}


def _side(text: str) -> str:
    return expr_latex(parse_statement(f"{text} == a").left)


def test_every_function_of_the_language_has_a_case() -> None:
    assert set(FUNCTION_CASES) == set(FUNCTIONS)


@pytest.mark.parametrize("func", sorted(FUNCTION_CASES))
def test_function_latex(func: str) -> None:
    text, latex = FUNCTION_CASES[func]
    assert _side(text) == latex


@pytest.mark.parametrize(("text", "latex"), [
    # every nested product is parenthesised: associativity is visible
    ("conv(F, conv(G, I))", r"F \ast (G \ast I)"),
    ("corr(conv(F, G), I)", r"(F \ast G) \circ I"),
    ("corr(flip(F, axis=1), I)", r"\operatorname{flip}_{1}(F) \circ I"),
    ("corr(flip(F, 1), I)", r"\operatorname{flip}_{1}(F) \circ I"),  # the axis is shown
    ("conv(F, I, mode=\"same\", boundary=\"wrap\")", r"(F \ast I)_{\text{same, wrap}}"),
    ("dft(a) * dft(b)", r"\operatorname{DFT}(a) \odot \operatorname{DFT}(b)"),
    ("conj(dft(a)) * dft(b)", r"\overline{\operatorname{DFT}(a)} \odot \operatorname{DFT}(b)"),
    ("3 * F", r"3\,F"),
    ("F * 3", r"3\,F"),
    ("F / 4", r"\frac{F}{4}"),
    ("0.5 * F - (G + I)", r"\frac{1}{2}\,F - (G + I)"),
    ("-conv(F, I)", r"-F \ast I"),
    ("2j * a", r"2i\,a"),
    ("transpose(F @ P)", r"(F\,P)^{\mathsf T}"),
    ("sum(a * conj(a))", r"\textstyle\sum_{x} \bigl(a \odot \overline{a}\bigr)(x)"),
    ("W0 + dW_1", r"W_{0} + \mathit{dW}_{1}"),
    # the grouped layers' kernels (proofs/cnn_groups.toml): one subscript, not a double one
    ("W1_0 + W12_3", r"W_{1,0} + W_{12,3}"),
])
def test_expression_latex(text: str, latex: str) -> None:
    assert _side(text) == latex


def test_statement_comparisons() -> None:
    assert statement_latex(parse_statement("corr(F, I) != corr(I, F)")) == \
        r"F \circ I \neq I \circ F"
    assert statement_latex(parse_statement("conv(F, I) == conv(I, F)")) == r"F \ast I = I \ast F"


def test_names_sides_and_arguments() -> None:
    (claim,) = parse_toml('[[claim]]\nname = "w"\n'
                          'statement = "frobenius(corr(W, x), g) == frobenius(W, corr(g, x))"\n'
                          'signals = { W = "3", x = "5", g = "7" }\nexpect = "holds"\n')
    dy = r"\partial L/\partial y"
    assert claim_latex(claim, "right", 2, {"g": dy}) == rf"{dy} \circ x"
    assert claim_latex(claim, "left") == r"\langle W \circ x, g \rangle"
    for side, arg in (("middle", None), ("right", 3), (None, 1)):
        with pytest.raises(ReportError, match="formula"):
            claim_latex(claim, side, arg)


def test_a_claims_integers_and_assumptions_are_shown_by_name() -> None:
    """The statement with N, not the declared value the exact tier reads, and the
    assumptions after it; a refuted claim fails for some sizes they admit, not for all."""
    (claim,) = parse_toml('[[claim]]\nname = "p"\n'
                          'statement = "circconv(zeropad(a, N), zeropad(b, N)) == conv(a, b)"\n'
                          'signals = { a = "3", b = "5" }\nintegers = { N = 9 }\n'
                          'assume = ["N >= len(a) + len(b) - 1", "N < 20"]\nexpect = "holds"\n')
    pad = r"\operatorname{pad}_{N}"
    where = r"N \geq \operatorname{len}(a) + \operatorname{len}(b) - 1,\ N < 20"
    assert claim_latex(claim) == \
        rf"{pad}(a) \mathbin{{\circledast}} {pad}(b) = a \ast b\quad\text{{for }} {where}"
    assert claim_latex(claim, negate=True).endswith(rf"\neq a \ast b\quad\text{{for some }} {where}")
    assert claim_latex(claim, "left") == rf"{pad}(a) \mathbin{{\circledast}} {pad}(b)"



def test_an_integer_used_as_a_number_scales_rather_than_multiplies_pointwise() -> None:
    """N * sum(...) is N times a number and N * zeropad(f, N) N times a signal, as in the
    derivation's steps; without the claim's integers N would read as a signal (⊙)."""
    (claim,) = parse_toml('[[claim]]\nname = "p"\n'
                          'statement = "M * N * sum(f * conj(f)) == N * M * numel(f) * sum(f * conj(f))"\n'
                          'signals = { f = "3" }\nintegers = { M = 4, N = 5 }\nexpect = "holds"\n')
    assert claim_latex(claim, "left").startswith(r"M\,N \cdot (")
    node = parse_statement("N * zeropad(f, N) == f").left
    assert expr_latex(node, numbers={"N"}) == r"N\,\operatorname{pad}_{N}(f)"
    assert r"\odot" in expr_latex(node)


# --- the build verifies what it displays ------------------------------------------------


def _displayed_names(kind: str) -> list[str]:
    """Claims the bundled template shows with formula(...): the names it writes out, in
    order of appearance, then (the audit) those its items name."""
    template = resources.files("symconv.report") / "templates" / f"{kind}.tex"
    names = re.findall(r"formula\(['\"]([^'\"]+)['\"]", template.read_text(encoding="utf-8"))
    if kind == "claims":
        from symconv.report.audit import AUDIT_ITEMS

        names += [n for item in AUDIT_ITEMS for n in item.corrected + item.evidence]
    return names


def _false_variant(statement: str, expect: str) -> str:
    """A statement that misses ``expect``: twice the right side, or both sides the left."""
    parsed = parse_statement(statement)
    left, right = statement.split(" == ") if " == " in statement else (None, None)
    assert left is not None and right is not None and parsed.op == "=="
    return f"{left} == 2 * ({right})" if expect == "holds" else f"{left} == {left}"


DISPLAYING_KINDS = [k for k in REPORT_KINDS if k != "verify"]


@pytest.mark.parametrize("kind", DISPLAYING_KINDS)
def test_bundled_report_displays_claims_it_lists(kind: str) -> None:
    listed = {c.name for c in default_spec(kind).shown_claims}
    shown = _displayed_names(kind)
    assert shown, f"the {kind} template displays no formula from a claim"
    assert set(shown) <= listed


@pytest.mark.parametrize("kind", DISPLAYING_KINDS)
def test_a_false_displayed_claim_stops_the_build(kind: str, tmp_path: Path) -> None:
    spec = default_spec(kind)
    target = _displayed_names(kind)[0]
    claims = tuple(
        replace(c, statement=parse_statement(text), text=text)
        if c.name == target else c
        for c in spec.shown_claims
        for text in [_false_variant(c.text, c.expect) if c.name == target else c.text]
    )
    with pytest.raises(ReportError) as caught:
        build_report(replace(spec, shown_claims=claims), tmp_path, pdf=False)
    message = str(caught.value)
    assert "\n" not in message
    assert repr(target) in message and "expected to" in message
    assert not list(tmp_path.glob("*.tex"))


def test_formula_of_an_unlisted_claim_names_it() -> None:
    functions = claim_functions(verify_displayed(()))
    with pytest.raises(ReportError, match="'no-such-claim'"):
        functions["formula"]("no-such-claim")


def test_verdict_and_result_functions() -> None:
    (claim,) = parse_toml('[[claim]]\nname = "swap"\nstatement = "corr(F, I) == corr(I, F)"\n'
                          'signals = { F = "2", I = "2" }\nexpect = "fails"\n')
    functions = claim_functions(verify_displayed([claim]))
    assert functions["verdict"]("swap").startswith("REFUTED (")
    assert functions["claim_result"]("swap").counterexample is not None
    assert functions["formula"]("swap") == r"F \circ I = I \circ F"


def test_specification_claims_add_to_and_replace_the_bundled_ones(tmp_path: Path) -> None:
    bundled = default_spec("derivation").shown_claims
    spec_file = tmp_path / "mine.toml"
    spec_file.write_text(
        'report = "derivation"\n'
        f'[[claim]]\nname = "{bundled[0].name}"\nstatement = "conv(F, I) == conv(I, F)"\n'
        'signals = { F = "2", I = "3" }\nexpect = "holds"\n'
        '[[claim]]\nname = "extra"\nstatement = "flip(flip(F)) == F"\nsignals = { F = "3" }\n'
        'expect = "holds"\n',
        encoding="utf-8")
    names = [c.name for c in load_spec(spec_file).shown_claims]
    assert names.count(bundled[0].name) == 1 and names[-1] == "extra"
    assert len(names) == len(bundled) + 1
    mine = {c.name: c for c in load_spec(spec_file).shown_claims}
    assert mine[bundled[0].name].text == "conv(F, I) == conv(I, F)"
    assert mine["extra"].where.endswith(":7")


def test_a_failing_claim_in_a_specification_file_is_one_line(tmp_path: Path) -> None:
    spec_file = tmp_path / "bad.toml"
    spec_file.write_text('report = "claims"\n[[claim]]\nname = "wrong"\n'
                         'statement = "corr(F, I) == corr(I, F)"\nsignals = { F = "2", I = "2" }\n'
                         'expect = "holds"\n', encoding="utf-8")
    with pytest.raises(ReportError, match=r"^displayed claim 'wrong' \(.*bad.toml:2\) is "
                                          r"REFUTED \(\w+\), expected to hold(: [^\n]*)?$"):
        build_report(load_spec(spec_file), tmp_path / "out", pdf=False)
