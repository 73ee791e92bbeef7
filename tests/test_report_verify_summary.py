"""The verify report reads `symconv verify --json` output and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.cli import main
from symconv.errors import ReportError
from symconv.report.verify_summary import load_results, sizes_text


def test_reads_the_json_that_verify_writes(tmp_path: Path) -> None:
    claims = tmp_path / "c.toml"
    claims.write_text('[[claim]]\nname = "comm"\nstatement = "corr(F, I) == corr(I, F)"\n'
                      'signals = { F = "2", I = "2" }\nexpect = "fails"\n')
    out = tmp_path / "v.json"
    assert main(["verify", str(claims), "--json", str(out)]) == 0
    rows = load_results(out)
    assert [(r["name"], r["verdict"], r["ok"]) for r in rows] == [("comm", "REFUTED", True)]
    assert rows[0]["counterexample"] is not None
    assert rows[0]["diagnosis_skipped"]  # refuted as expected: the verify report says so once


_ROW = '[{"name": "a", "statement": "s", "expect": "holds", "verdict": "REFUTED", "ok": false}]'


@pytest.mark.parametrize(("content", "message"), [
    ("{}", "expected a JSON list"),
    ("[{\"name\": \"a\"}]", "lacks statement"),
    ("[{\"name\": \"a\", \"statement\": \"s\", \"expect\": \"holds\", \"verdict\": \"TRUE\", "
     "\"ok\": true}]", "verdict 'TRUE'"),
    ("not json", "cannot read"),
    # lists the template iterates: these were TypeErrors while rendering (exit 3)
    (_ROW.replace('"ok": false', '"ok": false, "warnings": 5'), "warnings that are not a list"),
    (_ROW.replace('"ok": false', '"ok": false, "repairs": 5'), "repairs that are not a list"),
    (_ROW.replace('"ok": false', '"ok": false, "repairs": [{"warnings": 5}]'),
     "repairs that are not a list"),
    (_ROW.replace('"ok": false', '"ok": false, "explanations": ["x"]'),
     "explanations that are not a list"),
])
def test_malformed_results_are_one_line_errors(tmp_path: Path, content: str,
                                               message: str) -> None:
    path = tmp_path / "v.json"
    path.write_text(content)
    with pytest.raises(ReportError, match=message):
        load_results(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="do not exist"):
        load_results(tmp_path / "none.json")


def test_sizes_text() -> None:
    assert sizes_text([{"F": [3, 3], "I": [5]}, {"F": [1, 1], "I": [2]}]) == "F=3x3, I=5; F=1x1, I=2"
    assert sizes_text(None) == ""


def test_verify_report_without_input_is_a_cli_error(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "verify", "--out", str(tmp_path), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--input" in err
    assert "Traceback" not in err


def test_an_undecided_claim_is_not_reported_as_contradicting(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "c.toml"
    claims.write_text('[[claim]]\nname = "out-of-time"\nstatement = "conv(F, I) == conv(I, F)"\n'
                      'signals = { F = "2", I = "2" }\nbudget = 0.000001\nexpect = "holds"\n'
                      '[[claim]]\nname = "wrong"\nstatement = "corr(F, I) == corr(I, F)"\n'
                      'signals = { F = "2", I = "2" }\nexpect = "holds"\n')
    results = tmp_path / "v.json"
    assert main(["verify", str(claims), "--json", str(results), "-q"]) == 1
    assert main(["report", "verify", "--input", str(results), "--out", str(tmp_path / "r"),
                 "--no-pdf"]) == 0
    tex = " ".join((tmp_path / "r" / "verify.tex").read_text().split())
    assert "1 verdict(s) contradict their expectation:} \\texttt{wrong}." in tex
    assert "their expectation):} \\texttt{out-of-time}." in tex
    assert "1 claim(s) undecided (INCONCLUSIVE" in tex
    assert tex.count("(unexpected)") == 1 and tex.count("(undecided)") == 1


def test_a_claims_assumptions_follow_its_statement() -> None:
    from symconv.report.verify_summary import statement_formula

    shown = statement_formula("circconv(zeropad(a, N), zeropad(b, N)) == conv(a, b)",
                              ["N >= len(a) + len(b) - 2", "N < 9"])
    assert shown is not None and shown.endswith(
        r"\quad\text{for } N \geq \operatorname{len}(a) + \operatorname{len}(b) - 2,\ N < 9")
    assert statement_formula("conv(a, b) == conv(b, a)") == r"a \ast b = b \ast a"
    assert statement_formula("conv(a, b) == conv(b, a)", ["N >=> 2"]) is None  # not the language
    # the claim's integers are numbers: N times a sum, not N pointwise times it
    parseval = "M * N * sum(F * conj(F)) == sum(dft(zeropad(F, M, N)) * conj(dft(zeropad(F, M, N))))"
    shown = statement_formula(parseval, ["M >= size(F, 0)"], {"M": 4, "N": 5})
    assert shown is not None and shown.startswith(r"M\,N \cdot")
    assert r"M \odot N" in str(statement_formula(parseval))  # without them: two signals
