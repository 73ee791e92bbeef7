"""Render a report specification to ``.tex`` and, when LaTeX is available, to PDF.

Nothing is written until the whole document has rendered (and compiled, when
a PDF is requested); the ``.tex`` and ``.pdf`` then replace the previous ones
by atomic renames, so a failure leaves the previous report intact.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from symconv.core.atomic import atomic_write, make_folder
from symconv.errors import ReportError
from symconv.report import audit, derivation, lecture, verify_summary
from symconv.report.checks import CheckedClaim, verify_displayed
from symconv.report.environment import make_environment
from symconv.report.figures import FigureFolder
from symconv.report.formulas import claim_latex
from symconv.report.pdf import DEFAULT_TIME_LIMIT, bad_boxes, compile_pdf, find_engine
from symconv.report.spec import DEFAULT_OUT_DIR, ReportSpec
from symconv.version import __version__

ContextBuilder = Callable[[ReportSpec, FigureFolder], dict[str, Any]]

# report kind -> the function that computes the template's values
CONTEXT_BUILDERS: dict[str, ContextBuilder] = {
    "derivation": derivation.context,
    "lecture": lecture.context,
    "claims": audit.context,
    "verify": verify_summary.context,
}


@dataclass(frozen=True)
class BuildResult:
    """The files a build wrote, how long it took, and the layout problems of the PDF: its
    LaTeX log's overfull and underfull boxes (:func:`~symconv.report.pdf.bad_boxes`)."""

    tex: Path
    pdf: Path | None
    figures: tuple[Path, ...]
    seconds: float
    layout_problems: tuple[str, ...] = ()


def claim_functions(checked: dict[str, CheckedClaim]) -> dict[str, Callable[..., Any]]:
    """The template globals that display the specification's verified claims.

    ``formula(name)`` is the statement's LaTeX (math mode, no ``$``);
    ``formula(name, side="right", arg=2, names={"g": "..."})`` one side, one
    argument of that side's outer call, and LaTeX in place of signal names;
    ``negate=True`` the opposite comparison (a refuted ``==`` reads as ``\\neq``).
    ``verdict(name)`` is e.g. ``PROVED (general)``, ``claim_result(name)`` the Result.
    """

    def lookup(name: str) -> CheckedClaim:
        try:
            return checked[name]
        except KeyError:
            raise ReportError(f"the template displays claim {name!r}, which the specification "
                              "does not list as a [[claim]]") from None

    def formula(name: str, side: str | None = None, arg: int | None = None,
                names: dict[str, str] | None = None, negate: bool = False) -> str:
        return claim_latex(lookup(name).claim, side, arg, names, negate)

    return {
        "formula": formula,
        "verdict": lambda name: lookup(name).verdict_text,
        "claim_result": lambda name: lookup(name).result,
        "checked_claim": lookup,
    }


def render(spec: ReportSpec, figures: FigureFolder,
           templates: Path | str | None = None) -> str:
    """The report's LaTeX source (figures are written into ``figures`` as a side effect)."""
    env = make_environment(templates)
    try:
        template = env.get_template(spec.template_name)
    except jinja2.TemplateNotFound as err:
        raise ReportError(f"template {err.name!r} not found (bundled or in the template folder)"
                          ) from None
    except jinja2.TemplateSyntaxError as err:
        raise ReportError(f"template {err.name or spec.template_name!r} line {err.lineno}: "
                          f"{err.message}") from None
    env.globals.update(claim_functions(verify_displayed(spec.displayed_claims())))
    values = {"title": spec.title, "author": spec.author, "version": __version__,
              "spec": spec, "figures_dir": figures.latex_path}
    values.update(CONTEXT_BUILDERS[spec.report](spec, figures))
    try:
        return template.render(values)
    except jinja2.UndefinedError as err:
        raise ReportError(f"template {spec.template_name!r}: {err.message}") from None
    except jinja2.TemplateError as err:
        raise ReportError(f"template {spec.template_name!r}: {err}") from None


def build_report(spec: ReportSpec, out_dir: Path = DEFAULT_OUT_DIR, *, pdf: bool | None = None,
                 templates: Path | str | None = None,
                 time_limit: float = DEFAULT_TIME_LIMIT) -> BuildResult:
    """Write ``out_dir/<output>.tex`` and, if ``pdf`` (None: when LaTeX is on PATH), the PDF.

    Figures go to ``out_dir/<output>-figures/``, the LaTeX log to ``<output>.log``;
    on a LaTeX error the previous ``.tex`` and ``.pdf`` stay.
    """
    started = time.perf_counter()
    make_folder(out_dir, f"cannot write the report to {out_dir}")
    engine = find_engine() if pdf is not False else None
    if pdf and engine is None:
        raise ReportError("a PDF was requested but neither latexmk nor pdflatex is on PATH")
    tex_path, pdf_path = out_dir / f"{spec.output}.tex", out_dir / f"{spec.output}.pdf"
    for target in (tex_path, pdf_path) if engine is not None else (tex_path,):
        if target.is_dir():
            raise ReportError(f"cannot write {target}: it is a folder")
    figures = FigureFolder(out_dir, f"{spec.output}-figures")
    text = render(spec, figures, templates)
    if engine is None:
        atomic_write(tex_path, text)
        return BuildResult(tex_path, None, figures.written, time.perf_counter() - started)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{spec.output}.", dir=out_dir))
    except OSError as err:
        raise ReportError(f"cannot write the report to {out_dir}: {err.strerror or err}") from None
    try:
        staged = work / tex_path.name
        try:
            staged.write_text(text, encoding="utf-8")
        except OSError as err:
            raise ReportError(f"cannot write {staged}: {err.strerror or err}") from None
        try:
            built = compile_pdf(staged.relative_to(out_dir), work.relative_to(out_dir),
                                cwd=out_dir, engine=engine, time_limit=time_limit)
        except ReportError:
            log = work / f"{spec.output}.log"
            if log.exists():
                shutil.copyfile(log, out_dir / f"{spec.output}.log")
            raise
        atomic_write(tex_path, text)
        # kept beside the PDF: its overfull and underfull boxes are what layout checks read
        shutil.copyfile(work / f"{spec.output}.log", out_dir / f"{spec.output}.log")
        log_text = (out_dir / f"{spec.output}.log").read_text(encoding="utf-8", errors="replace")
        try:
            built.replace(pdf_path)
        except OSError as err:
            raise ReportError(f"cannot write {pdf_path}: {err.strerror or err}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildResult(tex_path, pdf_path, figures.written, time.perf_counter() - started,
                       tuple(bad_boxes(log_text)))
