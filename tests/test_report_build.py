"""Building reports end to end: every bundled report, PDFs, escaping, atomic failures, CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from symconv.cli import main
from symconv.errors import ReportError, SymconvError
from symconv.report.build import build_report
from symconv.report.pdf import find_engine
from symconv.report.spec import REPORT_KINDS, ReportSpec, default_spec

HAVE_PDF_TOOLS = not (find_engine() is None or shutil.which("pdftotext") is None
                      or shutil.which("pdfinfo") is None)
needs_pdf_tools = pytest.mark.skipif(
    not HAVE_PDF_TOOLS, reason="latexmk/pdflatex and poppler-utils not on PATH (CI installs them)")
SPECIALS = "a_b & c % d $ e # f { g } h ~ i ^ j \\ k < l > m | n"


def _verify_json(tmp_path: Path, name: str = "swap-comm") -> Path:
    claims = tmp_path / "claims.toml"
    claims.write_text(
        f'[[claim]]\nname = {json.dumps(name)}\nstatement = "corr(F, I) == corr(I, F)"\n'
        'signals = { F = "2", I = "2" }\nexpect = "fails"\n'
        '[[claim]]\nname = "flip"\nstatement = "conv(F, I) == corr(flip(F), I)"\n'
        'signals = { F = "3", I = "4" }\nexpect = "holds"\n')
    out = tmp_path / "v.json"
    assert main(["verify", str(claims), "--json", str(out)]) == 0
    return out


def _spec(kind: str, tmp_path: Path, solutions: bool = True) -> ReportSpec:
    spec = default_spec(kind)
    if kind == "verify":
        spec = replace(spec, input=_verify_json(tmp_path))
    if kind == "lecture":
        spec = replace(spec, timing_sizes=(1, 5, 15), solutions=solutions)
    return spec


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


# (report, minimum pages, maximum pages, strings pdftotext must find; no "fi"/"fl": ligatures)
PDF_EXPECTATIONS = {
    "derivation": (3, 16, ["Hadamard-sum form", "PROVED", "REFUTED", "flip-equivalence",
                           "corr-associative", "Larger", "Parseval for every padding"]),
    # pages count every overlay step; the frames are counted in the .tex below
    "lecture": (35, 250, ["Sliding window", "rotate 180", "Which libraries", "Direct or FFT",
                         "Solution"]),
    "claims": (2, 10, ["printed entries wrong", "as long as the", "REFUTED",
                       "Which libraries"]),
    "verify": (1, 3, ["swap-comm", "REFUTED", "Counterexamples"]),
}


# One build per report both renders and (where LaTeX is installed) compiles: a rendering
# alone would repeat the report's computations that the compile needs anyway.
# LaTeX runs: 10-40 s per report on 2 busy cores.  The lecture with solutions is built once,
# by the command line (test_cli_lecture_solutions_...), which checks it as these do.
_SLOW_IF_PDF = [pytest.mark.slow] if HAVE_PDF_TOOLS else []
_BUILDS = [pytest.param(kind, marks=_SLOW_IF_PDF)
           for kind in [*REPORT_KINDS, "lecture-no-solutions"] if kind != "lecture"]


def _check_built(kind: str, solutions: bool, tex: str, pdf: Path | None,
                 layout_problems: tuple[str, ...] | list[str]) -> None:
    """A built report has no template markup left, shows solutions only when asked and, where
    LaTeX is installed, compiled, says what it must, and has no overfull box over 1 pt and no
    underfull box at the worst badness in its LaTeX log."""
    assert tex.startswith("\\documentclass")
    assert "\\VAR{" not in tex and "\\BLOCK{" not in tex
    # a PROVED verdict states its scope, not sizes it has none of
    assert not re.search(r"at sizes\s*\\texttt\{\s*\}", tex), kind
    if not (kind == "lecture" and solutions):
        assert "Solution." not in tex
    if not HAVE_PDF_TOOLS:
        assert pdf is None
        return
    assert pdf is not None
    low, high, needles = PDF_EXPECTATIONS[kind]
    assert low <= _pages(pdf) <= high
    text = _text(pdf)
    for needle in needles:
        assert needle in text or (needle == "Solution" and not solutions), needle
    if kind == "lecture":  # a 50-minute deck
        assert 35 <= tex.count("\\begin{frame}") <= 45
        # grouped layers: what this build verified, the verdicts the results' own
        assert "cnn_groups.toml) and ve" in text and "two channels in and out" not in tex
        assert tex.count(r"gradients \verdict{proved} (general)") == 2
    assert tuple(layout_problems) == (), f"{kind}: {list(layout_problems)[:3]}"


@pytest.mark.parametrize("kind", _BUILDS)
def test_every_bundled_report_renders_and_compiles(kind: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bundled report renders and, where LaTeX is installed, compiles (_check_built).

    The claims report is built with every library row recorded, as on a machine without
    torch or OpenCV (the README's test command): recorded rows are the widest (library,
    version and date); the lecture's build shows the live rows.
    """
    if kind == "claims":
        monkeypatch.setattr("symconv.report.library_table.importable", lambda library: False)
    out = tmp_path / "out"
    solutions = kind != "lecture-no-solutions"
    kind = kind.removesuffix("-no-solutions")
    result = build_report(_spec(kind, tmp_path, solutions), out, pdf=HAVE_PDF_TOOLS,
                          time_limit=120)
    _check_built(kind, solutions, result.tex.read_text(encoding="utf-8"), result.pdf,
                 result.layout_problems)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@needs_pdf_tools
def test_verify_report_of_long_statements_stays_inside_the_margins(tmp_path: Path) -> None:
    """proofs/cnn_groups.toml's statements (names like W1_0, four inner products a side) and
    a repair in code: the verify report of them compiles with no overfull or bad box."""
    from symconv.lang.claims import load_toml

    claim = next(c for c in load_toml(Path(__file__).resolve().parent.parent / "proofs" /
                                      "cnn_groups.toml") if c.expect == "fails")
    names = sorted(claim.signals)
    code = "size(f, 0) * size(f, 1) * size(f, 1) * dft(idft(flip(f)))"
    rows = [{"name": claim.name, "file": "proofs/cnn_groups.toml", "line": 30,
             "statement": claim.text, "expect": "fails", "verdict": "REFUTED", "ok": True,
             "method": "general", "sizes": [{n: [7, 7] for n in names}], "seconds": 20.0,
             "error_bound": None, "detail": "",
             "counterexample": {"signals": {n: [[0]] for n in names},
                                "origins": {n: [0, 0] for n in names}, "coordinate": None,
                                "left": 0, "right": 1}},
            {"name": "repaired", "file": "f.toml", "line": 1, "expect": "fails",
             "statement": f"dft(dft(f)) == {code}", "verdict": "REFUTED", "ok": True,
             "method": "general", "sizes": [{"f": [2, 2, 3]}], "seconds": 0.7,
             "error_bound": None, "detail": "",
             "counterexample": {"signals": {"f": [[[1, 0]]]}, "origins": {"f": [0, 0, -1]},
                                "coordinate": [0, 0, 1], "left": 2, "right": 1},
             "repairs": [{"original": code, "replacement": f"3 * ({code}) / 2",
                          "verdict": "VERIFIED", "sizes_text": "f=2x2x3"}]}]
    results = tmp_path / "v.json"
    results.write_text(json.dumps(rows))
    result = build_report(replace(default_spec("verify"), input=results), tmp_path / "out",
                          pdf=True)
    assert result.pdf is not None and result.layout_problems == (), result.layout_problems
    assert r"\\ repair: holds if \texttt{" in result.tex.read_text()  # as verify prints it


@needs_pdf_tools
def test_claim_names_with_every_special_character_compile(tmp_path: Path) -> None:
    results = tmp_path / "v.json"
    results.write_text(json.dumps([{
        "name": SPECIALS, "file": SPECIALS, "line": 3, "statement": SPECIALS, "expect": "fails",
        "verdict": "REFUTED", "ok": True, "method": SPECIALS, "sizes": [{SPECIALS: [2]}],
        "seconds": 0.5, "error_bound": None, "detail": SPECIALS,
        "counterexample": {"signals": {SPECIALS: [1, 2]}, "origins": {SPECIALS: [0]},
                           "coordinate": [0], "left": SPECIALS, "right": "1/2"},
    }]))
    spec = replace(default_spec("verify"), input=results, title=SPECIALS, author=SPECIALS)
    result = build_report(spec, tmp_path / "out", pdf=True)
    assert result.pdf is not None
    text = " ".join(_text(result.pdf).split())
    assert "a_b & c % d $ e # f { g } h" in text


@needs_pdf_tools
def test_claim_and_signal_names_from_claim_files_compile(tmp_path: Path) -> None:
    claims = tmp_path / "odd.toml"
    claims.write_text(
        f"[[claim]]\nname = {json.dumps(SPECIALS)}\n"
        'statement = "corr(F_1, I_x) == corr(I_x, F_1)"\n'
        'signals = { F_1 = "2", I_x = "2" }\nexpect = "fails"\n'
        f"[[claim]]\nname = {json.dumps(SPECIALS + ' 2')}\n"
        'statement = "conv(F_1, I_x) == conv(I_x, F_1)"\n'
        'signals = { F_1 = "2", I_x = "3" }\nexpect = "holds"\n')
    spec = replace(default_spec("derivation"), claims=(claims,), sizes=(1,))
    result = build_report(spec, tmp_path / "out", pdf=True)
    assert result.pdf is not None
    text = " ".join(_text(result.pdf).split())
    assert "a_b & c % d $ e # f { g } h" in text
    # signal names are rendered from the statement (F_1 as F with subscript 1); refuted: \\neq
    assert r"F_{1} \circ I_{x} \neq I_{x} \circ F_{1}" in result.tex.read_text(encoding="utf-8")


def test_failing_render_keeps_previous_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = replace(default_spec("verify"), input=_verify_json(tmp_path))
    first = build_report(spec, out, pdf=False)
    assert first.pdf is None
    before = first.tex.read_bytes()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "verify.tex").write_text("\\documentclass{article}\n" + "text\n" * 50
                                          + "\\VAR{no_such_value}\n")
    with pytest.raises(ReportError, match="no_such_value"):
        build_report(spec, out, pdf=False, templates=templates)
    assert first.tex.read_bytes() == before


@needs_pdf_tools
def test_failing_latex_keeps_previous_report_and_shows_the_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = replace(default_spec("verify"), input=_verify_json(tmp_path))
    first = build_report(spec, out, pdf=True)
    assert first.pdf is not None
    tex_before, pdf_before = first.tex.read_bytes(), first.pdf.read_bytes()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "verify.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nfine\n\\brokenmacro\n\\end{document}\n")
    with pytest.raises(ReportError, match=r"verify.tex line 4: Undefined control sequence"):
        build_report(spec, out, pdf=True, templates=templates)
    assert first.tex.read_bytes() == tex_before and first.pdf.read_bytes() == pdf_before
    assert (out / "verify.log").exists()


@needs_pdf_tools
def test_layout_problems_are_warnings_of_the_report_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = _verify_json(tmp_path)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "verify.tex").write_text(  # one unbreakable word, far wider than the page
        "\\documentclass{article}\n\\begin{document}\n\\noindent\\mbox{" + "wide " * 60
        + "}\n\\end{document}\n")
    spec = replace(default_spec("verify"), input=results)
    built = build_report(spec, tmp_path / "o", pdf=True, templates=templates)
    assert len(built.layout_problems) == 1
    assert built.layout_problems[0].startswith("Overfull \\hbox (")
    capsys.readouterr()
    assert main(["report", "verify", "--input", str(results), "--templates", str(templates),
                 "--out", str(tmp_path / "o"), "--pdf"]) == 0
    err = capsys.readouterr().err
    assert err == f"warning: verify.log: {built.layout_problems[0]}\n"


def test_cli_writes_the_tex_and_reports_errors(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    results = _verify_json(tmp_path)
    capsys.readouterr()  # the verify table
    spec = tmp_path / "ci.toml"
    spec.write_text(f'report = "verify"\noutput = "ci"\ninput = "{results.name}"\n')
    assert main(["report", str(spec), "--out", str(tmp_path / "o"), "--no-pdf"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "o" / "ci.tex")
    assert main(["report", "claims", "--templates", str(tmp_path / "none"), "--no-pdf",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symconv: error: template folder") and err.count("\n") == 1


def test_pdf_requested_without_latex_is_an_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("symconv.report.build.find_engine", lambda: None)
    spec = replace(default_spec("verify"), input=_verify_json(tmp_path))
    with pytest.raises(ReportError, match="neither latexmk nor pdflatex"):
        build_report(spec, tmp_path / "out", pdf=True)
    assert build_report(spec, tmp_path / "out").pdf is None  # auto: .tex only


def test_output_folder_in_the_way_is_a_report_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SymconvError, match="is a file, not a folder"):
        build_report(default_spec("derivation"), blocker / "sub", pdf=False)
    (tmp_path / "out" / "derivation.tex").mkdir(parents=True)
    with pytest.raises(ReportError, match=r"derivation\.tex: it is a folder"):
        build_report(default_spec("derivation"), tmp_path / "out", pdf=False)


@pytest.mark.skipif(find_engine() is None, reason="latexmk/pdflatex not on PATH")
def test_a_folder_named_like_the_pdf_is_refused_before_latex_runs(tmp_path: Path) -> None:
    (tmp_path / "derivation.pdf").mkdir()
    with pytest.raises(ReportError, match=r"derivation\.pdf: it is a folder"):
        build_report(default_spec("derivation"), tmp_path, pdf=True)
    assert not (tmp_path / "derivation.tex").exists()


# Run in a fresh interpreter in which the optional peers and the test tools cannot be
# imported: what `pip install .` alone gives (pyproject's `dependencies`).
_WITHOUT_OPTIONAL = """
import sys, importlib.abc
BLOCKED = {"scipy", "torch", "cv2", "hypothesis", "pytest"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
from dataclasses import replace
from pathlib import Path
from symconv.cli import main
from symconv.report.build import build_report
from symconv.report.spec import default_spec
for kind in sys.argv[2:]:
    out = Path(sys.argv[1]) / kind
    spec = default_spec(kind)
    if kind == "verify":
        out.mkdir()
        claims = out / "c.toml"
        claims.write_text('[[claim]]\\nname = "f"\\nstatement = "flip(flip(F)) == F"\\n'
                          'signals = { F = "3" }\\nexpect = "holds"\\n')
        assert main(["verify", str(claims), "--json", str(out / "v.json")]) == 0
        spec = replace(spec, input=out / "v.json")
    build_report(spec, out, pdf=False)
    print("built", kind)
"""


@pytest.mark.slow  # every report in one interpreter: the imports once, not once per report
def test_bundled_reports_build_with_runtime_dependencies_only(tmp_path: Path) -> None:
    import sys

    done = subprocess.run([sys.executable, "-c", _WITHOUT_OPTIONAL, str(tmp_path), *REPORT_KINDS],
                          capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    built = [line for line in done.stdout.splitlines() if line.startswith("built ")]
    assert built == [f"built {kind}" for kind in REPORT_KINDS]


def test_every_report_kind_has_a_context_builder() -> None:
    from symconv.report.build import CONTEXT_BUILDERS
    from symconv.report.spec import REPORT_KINDS

    assert tuple(CONTEXT_BUILDERS) == REPORT_KINDS


@pytest.mark.slow if HAVE_PDF_TOOLS else lambda test: test
def test_cli_lecture_solutions_do_not_overwrite_the_students_version(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`symconv report SPEC --solutions` writes lecture-solutions.tex (and .pdf) beside the
    students' lecture.tex, and that build is the bundled lecture with solutions: it renders and
    compiles as every bundled report must (_check_built)."""
    out = tmp_path / "o"
    out.mkdir()
    students = out / "lecture.tex"
    students.write_text("the students' version")
    spec = tmp_path / "lecture.toml"
    spec.write_text('report = "lecture"\ntiming_sizes = [1, 5, 15]\n')
    assert main(["report", str(spec), "--solutions", "--pdf" if HAVE_PDF_TOOLS else "--no-pdf",
                 "--time-limit", "120", "--out", str(out)]) == 0
    written = out / "lecture-solutions.tex"
    pdf = out / "lecture-solutions.pdf" if HAVE_PDF_TOOLS else None
    printed = capsys.readouterr()
    assert printed.out.split() == [str(written), *([str(pdf)] if pdf else [])]
    assert students.read_text() == "the students' version"
    assert "Solution." in written.read_text(encoding="utf-8")
    # the command prints each layout problem as a warning line
    warnings = [line for line in printed.err.splitlines() if line.startswith("warning: ")]
    _check_built("lecture", True, written.read_text(encoding="utf-8"), pdf, warnings)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
