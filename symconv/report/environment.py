"""The Jinja2 environment for LaTeX templates, built fresh by a factory.

LaTeX uses ``{``, ``}`` and ``%`` everywhere, so the delimiters are LaTeX
macros instead: ``\\BLOCK{...}`` for statements, ``\\VAR{...}`` for values,
``\\#{...}`` for comments, and lines starting with ``%%`` as line statements.
Undefined variables raise (``StrictUndefined``): a missing value must never
become an empty string in a document.

>>> env = make_environment()
>>> env.from_string(r"\\VAR{name|e} = \\VAR{x}").render(name="a_b", x=r"\\frac{1}{2}")
'a\\\\_b = \\\\frac{1}{2}'
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from symconv.errors import ReportError
from symconv.report.filters import FILTERS

TEMPLATE_PACKAGE = "symconv.report"
TEMPLATE_FOLDER = "templates"


def make_environment(user_templates: Path | str | None = None) -> SandboxedEnvironment:
    """A new environment; templates in ``user_templates`` override or add to the bundled ones."""
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        folder = Path(user_templates)
        if not folder.is_dir():
            raise ReportError(f"template folder {str(folder)!r} does not exist or is not a folder")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER))
    # Sandboxed: a template folder from a pull request can format values, not run Python.
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_statement_prefix="%%",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
