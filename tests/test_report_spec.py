"""Report specifications (reports/*.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.errors import ReportError
from symconv.report.spec import REPORT_KINDS, default_spec, load_spec

BUNDLED = Path(__file__).resolve().parent.parent / "reports"


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_bundled_names_have_defaults(kind: str) -> None:
    spec = load_spec(kind)
    assert spec == default_spec(kind)
    assert spec.report == kind and spec.template_name == f"{kind}.tex"


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.toml")), ids=lambda p: p.name)
def test_bundled_specification_files_load(path: Path) -> None:
    spec = load_spec(path)
    assert spec.report in REPORT_KINDS
    assert spec.source == path


def test_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('report = "verify"\noutput = "ci_summary"\ntitle = "T & T"\n'
                    'input = "res.json"\nsizes = [1, 3]\nsolutions = true\n')
    spec = load_spec(path)
    assert (spec.output, spec.title, spec.sizes, spec.solutions) == ("ci_summary", "T & T",
                                                                      (1, 3), True)
    assert spec.input == tmp_path / "res.json"


@pytest.mark.parametrize(("body", "message"), [
    ('report = "slides"', "report = 'slides'"),
    ('report = "lecture"\nsizes = [0]', "sizes = \\[0\\]"),
    ('report = "lecture"\noutput = "../x"', "output = '../x'"),
    ('report = "lecture"\ncolour = "red"', "unknown key 'colour'"),
    ('report = "lecture"\nsolutions = "yes"', "solutions = 'yes'"),
    ('report = ', "malformed TOML"),
])
def test_bad_specifications_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ReportError, match=message):
        load_spec(path)


def test_unknown_name_and_missing_file() -> None:
    with pytest.raises(ReportError, match="unknown report 'nope'; expected"):
        load_spec("nope")
    with pytest.raises(ReportError, match=r"unknown report 'lecturee' \(did you mean 'lecture'\?\)"):
        load_spec("lecturee")
    with pytest.raises(ReportError, match="does not exist"):
        load_spec("no/such/file.toml")


def test_missing_report_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("")
    with pytest.raises(ReportError, match="missing key 'report'"):
        load_spec(path)


def test_claim_tables_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('report = "claims"\ntitle = "T"\n\n[[claim]]\nname = "bad"\n'
                    'statement = "conv(F, I) == corr(F, K)"\nsignals = { F = "3", I = "3" }\n'
                    'expect = "holds"\n', encoding="utf-8")
    from symconv.errors import ClaimFileError

    with pytest.raises(ClaimFileError, match=r"mine\.toml:4: claim 'bad':"):
        load_spec(path)


def test_claims_must_be_claim_tables(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('report = "claims"\nclaim = [{ name = "x" }]\n', encoding="utf-8")
    with pytest.raises(ReportError, match=r"\[\[claim\]\] tables"):
        load_spec(path)


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_bundled_claims_are_package_data(kind: str) -> None:
    # every bundled report but verify (a summary of a JSON file) displays claims
    claims = default_spec(kind).shown_claims
    assert bool(claims) == (kind != "verify")
    assert len({c.name for c in claims}) == len(claims)


def test_a_lecture_with_solutions_is_written_beside_the_students_version() -> None:
    solutions = load_spec("lecture").with_solutions()
    assert (solutions.output, solutions.solutions) == ("lecture-solutions", True)
    assert solutions.with_solutions() == solutions  # not lecture-solutions-solutions
    verify = load_spec("verify").with_solutions()  # only a lecture has solutions to show
    assert verify.output == "verify"


@pytest.mark.parametrize(("body", "output"), [
    ('report = "lecture"\nsolutions = true\n', "lecture-solutions"),
    ('report = "lecture"\nsolutions = false\n', "lecture"),
    ('report = "lecture"\noutput = "answers"\nsolutions = true\n', "answers"),
])
def test_a_specification_with_solutions_has_its_own_default_name(tmp_path: Path, body: str,
                                                                   output: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(body)
    assert load_spec(path).output == output
