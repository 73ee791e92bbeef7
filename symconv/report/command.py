"""The ``symconv report`` subcommand (parser and handler; wired in by symconv.cli)."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace
from pathlib import Path

from symconv.errors import ReportError
from symconv.report.pdf import DEFAULT_TIME_LIMIT
from symconv.report.spec import DEFAULT_OUT_DIR, REPORT_KINDS, load_spec


def _cmd_report(args: argparse.Namespace) -> int:
    # Imported here: building loads matplotlib and jinja2, which other commands do not need.
    from symconv.report.build import build_report

    spec = load_spec(args.report)
    if args.solutions and not spec.solutions:
        spec = spec.with_solutions()  # written beside the students' version, not over it
    if args.input is not None:
        spec = replace(spec, input=Path(args.input))
    if not (args.time_limit > 0 and math.isfinite(args.time_limit)):  # a subprocess timeout
        raise ReportError(f"--time-limit {args.time_limit:g}; expected a positive finite number "
                          "of seconds")
    result = build_report(spec, Path(args.out), pdf=args.pdf, templates=args.templates,
                          time_limit=args.time_limit)
    print(result.tex)
    if result.pdf is not None:
        print(result.pdf)
    for problem in result.layout_problems:  # the PDF is fine to read, but not as laid out
        print(f"warning: {spec.output}.log: {problem}", file=sys.stderr)
    return 0


def add_report_parser(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report",
        help=f"write a LaTeX report ({', '.join(REPORT_KINDS)} or a .toml specification)",
        description="Render a bundled report or a report specification (reports/*.toml) to "
        "OUT/NAME.tex, and to OUT/NAME.pdf when latexmk or pdflatex is on PATH (a lecture "
        "with --solutions to OUT/NAME-solutions.tex and .pdf).",
    )
    report.add_argument("report", metavar="NAME|SPEC.toml",
                        help=f"one of {', '.join(REPORT_KINDS)}, or a specification file")
    report.add_argument("--out", default=str(DEFAULT_OUT_DIR),
                        help=f"output folder (default {DEFAULT_OUT_DIR})")
    pdf = report.add_mutually_exclusive_group()
    pdf.add_argument("--pdf", dest="pdf", action="store_true", default=None,
                     help="require a PDF (error when no LaTeX is installed)")
    pdf.add_argument("--no-pdf", dest="pdf", action="store_false", help="write the .tex only")
    report.add_argument("--templates", metavar="DIR",
                        help="folder of templates that override or add to the bundled ones")
    report.add_argument("--solutions", action="store_true",
                        help="lecture: include the exercises' solutions, written to "
                        "OUT/NAME-solutions.tex and .pdf (the students' NAME.pdf is left as it is)")
    report.add_argument("--input", metavar="FILE",
                        help="verify: the JSON file written by `symconv verify --json`")
    report.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                        help=f"seconds LaTeX may run (default {DEFAULT_TIME_LIMIT:g})")
    report.set_defaults(func=_cmd_report)
