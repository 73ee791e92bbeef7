"""Compile a ``.tex`` file to PDF with latexmk or pdflatex, safely.

The engine runs without shell escape, stops at the first error, reads no
``latexmkrc`` (which could run Perl) and is killed after a time limit.  A
LaTeX error becomes a :class:`~symconv.errors.ReportError` whose message is
the failing line from the log.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from symconv.errors import ReportError

DEFAULT_TIME_LIMIT = 120.0
# pdflatex alone needs reruns for references; past this the document oscillates.
MAX_PDFLATEX_RUNS = 4

_PDFLATEX_FLAGS = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                   "-file-line-error"]
_FILE_LINE_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*\.tex):(?P<line>\d+): (?P<msg>.*)$")
_UNDEFINED_REFERENCE = re.compile(
    r"LaTeX Warning: (Reference|Citation) `([^']*)' on page \d+ undefined"
)


@dataclass(frozen=True)
class Engine:
    """The LaTeX driver found on PATH: ``latexmk`` (preferred) or ``pdflatex``."""

    name: str
    path: str


def find_engine() -> Engine | None:
    """latexmk if present (it reruns until references settle), else pdflatex, else None."""
    for name in ("latexmk", "pdflatex"):
        found = shutil.which(name)
        if found and (name != "latexmk" or shutil.which("pdflatex")):
            return Engine(name, found)
    return None


def _command(engine: Engine, tex: Path, outdir: Path) -> list[str]:
    if engine.name == "latexmk":
        return [engine.path, "-norc", "-pdf", "-quiet", *_PDFLATEX_FLAGS,
                f"-outdir={outdir}", str(tex)]
    return [engine.path, *_PDFLATEX_FLAGS, f"-output-directory={outdir}", str(tex)]


def _run(command: list[str], cwd: Path, deadline: float, time_limit: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ReportError(f"LaTeX did not finish within the time limit of {time_limit:g} s")
    # A new session so that a timeout can end the engine and everything it started.
    with subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True,
                          env={**os.environ, "openout_any": "p"}) as proc:
        try:
            proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReportError(
                f"LaTeX did not finish within the time limit of {time_limit:g} s"
            ) from None


def log_error_line(log_text: str) -> str | None:
    """The first error in a LaTeX log as one line: ``file:line: message [context]``."""
    lines = log_text.splitlines()
    for k, line in enumerate(lines):
        match = _FILE_LINE_ERROR.match(line)
        if match or line.startswith("! "):
            message = match.group("msg") if match else line[2:]
            where = f"{Path(match.group('file')).name} line {match.group('line')}: " if match else ""
            context = next((c.strip() for c in lines[k + 1 : k + 12] if c.startswith("l.")), "")
            suffix = f" [{context}]" if context else ""
            return f"{where}{message}{suffix}"
    return None


_BAD_BOX = re.compile(
    r"^(?P<kind>Overfull|Underfull) \\(?P<box>[hv])box "
    r"\((?:(?P<points>[\d.]+)pt too (?:wide|high)|badness (?P<badness>\d+))\)"
    r"(?P<rest>[^\n]*)", re.MULTILINE)


def bad_boxes(log_text: str, tolerance: float = 1.0) -> list[str]:
    """The layout problems a LaTeX log reports: every overfull box more than ``tolerance``
    points too wide or high, and every underfull box at TeX's worst badness (10000),
    each as one line (``Overfull \\hbox (22.0pt too wide) in paragraph at lines 3--4``)."""
    problems = []
    for match in _BAD_BOX.finditer(log_text):
        points, badness = match.group("points"), match.group("badness")
        if points is not None and float(points) <= tolerance:
            continue
        if badness is not None and int(badness) < 10000:
            continue
        problems.append(match.group(0).strip())
    return problems


def undefined_references(log_text: str) -> list[str]:
    """Labels the log reports as undefined references or citations."""
    return sorted({m.group(2) for m in _UNDEFINED_REFERENCE.finditer(log_text)})


def compile_pdf(tex: Path, outdir: Path, cwd: Path, engine: Engine,
                time_limit: float = DEFAULT_TIME_LIMIT) -> Path:
    """Compile ``tex`` into ``outdir`` (both relative to ``cwd``); the absolute PDF path.

    TeX resolves ``\\includegraphics`` paths relative to ``cwd``.

    Raises ReportError with the failing log line on a LaTeX error, a time-out
    or undefined references.
    """
    deadline = time.monotonic() + time_limit
    log = cwd / outdir / f"{tex.stem}.log"
    runs = 1 if engine.name == "latexmk" else MAX_PDFLATEX_RUNS
    for _ in range(runs):
        _run(_command(engine, tex, outdir), cwd, deadline, time_limit)
        log_text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        error = log_error_line(log_text)
        if error is not None:
            raise ReportError(f"LaTeX error in {tex.name}: {error}")
        if "Rerun to get" not in log_text and "Label(s) may have changed" not in log_text:
            break
    pdf = cwd / outdir / f"{tex.stem}.pdf"
    if not pdf.exists():
        raise ReportError(f"LaTeX produced no PDF for {tex.name}; see {log}")
    missing = undefined_references(log_text)
    if missing:
        raise ReportError(f"LaTeX left undefined references in {tex.name}: {', '.join(missing)}")
    return pdf
