"""The LaTeX driver: flags, error lines from the log, time limit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from symconv.errors import ReportError
from symconv.report.pdf import (
    Engine,
    _command,
    bad_boxes,
    compile_pdf,
    find_engine,
    log_error_line,
    undefined_references,
)

needs_latex = pytest.mark.skipif(find_engine() is None,
                                 reason="latexmk/pdflatex not on PATH (CI installs TeX Live)")


def test_commands_have_no_shell_escape_and_halt_on_error() -> None:
    for engine in (Engine("latexmk", "/x/latexmk"), Engine("pdflatex", "/x/pdflatex")):
        command = _command(engine, Path("a.tex"), Path("out"))
        assert "-no-shell-escape" in command and "-halt-on-error" in command
        assert not any("shell-escape" in c and c != "-no-shell-escape" for c in command)
    assert "-norc" in _command(Engine("latexmk", "latexmk"), Path("a.tex"), Path("o"))


def test_error_line_from_a_file_line_log() -> None:
    log = "junk\n./x/report.tex:12: Undefined control sequence.\nl.12 \\foo\n  bar\n"
    assert log_error_line(log) == "report.tex line 12: Undefined control sequence. [l.12 \\foo]"


def test_error_line_from_a_classic_log() -> None:
    assert log_error_line("! Missing $ inserted.\n<inserted text>\nl.3 a_b\n") == (
        "Missing $ inserted. [l.3 a_b]")
    assert log_error_line("all fine\nOutput written") is None


def test_undefined_references_are_listed() -> None:
    log = "LaTeX Warning: Reference `sec:x' on page 2 undefined on input line 4.\n"
    assert undefined_references(log) == ["sec:x"]
    assert undefined_references("LaTeX Warning: nothing") == []


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "out").mkdir()
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass{article}\\begin{document}" + body + "\\end{document}\n")
    return tex


@needs_latex
def test_compiles_a_document(tmp_path: Path) -> None:
    engine = find_engine()
    assert engine is not None
    _write(tmp_path, "Hello \\ref{here}\\section{A}\\label{here}")
    pdf = compile_pdf(Path("doc.tex"), Path("out"), tmp_path, engine, time_limit=60)
    assert pdf == tmp_path / "out" / "doc.pdf" and pdf.read_bytes().startswith(b"%PDF")


@needs_latex
def test_latex_error_is_one_line_with_the_line_number(tmp_path: Path) -> None:
    engine = find_engine()
    assert engine is not None
    _write(tmp_path, "\n\nok\n\\undefinedmacro\n")
    with pytest.raises(ReportError, match=r"doc.tex line 4: Undefined control sequence") as err:
        compile_pdf(Path("doc.tex"), Path("out"), tmp_path, engine, time_limit=60)
    assert "\n" not in str(err.value)


@needs_latex
def test_shell_escape_is_refused(tmp_path: Path) -> None:
    engine = find_engine()
    assert engine is not None
    _write(tmp_path, "\\immediate\\write18{touch pwned}x")
    compile_pdf(Path("doc.tex"), Path("out"), tmp_path, engine, time_limit=60)
    assert not (tmp_path / "pwned").exists()


@needs_latex
def test_undefined_reference_is_an_error(tmp_path: Path) -> None:
    engine = find_engine()
    assert engine is not None
    _write(tmp_path, "see \\ref{nowhere}")
    with pytest.raises(ReportError, match=r"undefined references.*nowhere"):
        compile_pdf(Path("doc.tex"), Path("out"), tmp_path, engine, time_limit=60)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not on PATH")
def test_time_limit_ends_the_engine(tmp_path: Path) -> None:
    _write(tmp_path, "\\def\\loop{\\loop}\\loop")
    with pytest.raises(ReportError, match="time limit of 2 s"):
        compile_pdf(Path("doc.tex"), Path("out"), tmp_path,
                    Engine("pdflatex", shutil.which("pdflatex") or ""), time_limit=2)


_LOG = """\
Overfull \\hbox (22.0pt too wide) in paragraph at lines 3--4
Overfull \\hbox (0.5pt too wide) in paragraph at lines 7--8
Underfull \\hbox (badness 10000) in paragraph at lines 9--9
Underfull \\hbox (badness 1552) in paragraph at lines 10--12
Overfull \\vbox (3.2pt too high) has occurred while \\output is active
"""


def test_bad_boxes_over_the_tolerance() -> None:
    assert bad_boxes(_LOG) == [
        "Overfull \\hbox (22.0pt too wide) in paragraph at lines 3--4",
        "Underfull \\hbox (badness 10000) in paragraph at lines 9--9",
        "Overfull \\vbox (3.2pt too high) has occurred while \\output is active",
    ]
    assert bad_boxes(_LOG, tolerance=25) == ["Underfull \\hbox (badness 10000) in paragraph at lines 9--9"]
    assert bad_boxes("") == []
    # every bundled report's log is checked in tests/test_report_build.py
