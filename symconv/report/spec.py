"""Report specifications: which report, its options and its output name.

A specification is a small TOML file (``reports/*.toml``)::

    report = "lecture"        # derivation | lecture | claims | verify
    output = "lecture"        # reports/build/<output>.tex and .pdf (a lecture with
                              # solutions and no output: lecture-solutions)
    title = "Convolution vs correlation"
    author = "A. Lecturer"
    course = "Image processing"  # lecture: the title page
    sizes = [1, 2]            # the N of the expanded 2N+1 forms
    solutions = false         # lecture: print the exercises' solutions
    input = "verify.json"     # verify: a `symconv verify --json` file
    claims = ["../proofs/flip.toml"]  # claim files whose claims are verified and shown too
    timing_sizes = [1, 3, 5, 9, 15]  # lecture: kernel sizes of the timing plot

    [[claim]]                 # the identities the report displays (as in proofs/*.toml)
    name = "flip-equivalence"
    statement = "conv(F, I) == corr(flip(F), I)"
    signals = { F = "3x3", I = "5x5" }
    expect = "holds"

Every ``[[claim]]`` is verified during the build, and a template displays it
with ``formula(name)``: a verdict that misses its expectation stops the build.
A file's claims add to those of the bundled report of its kind (package data,
``symconv/report/specs/<kind>.toml``), replacing any of the same name.

Every bundled report also has a built-in default specification, so
``symconv report lecture`` works without a file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from symconv.errors import ReportError, did_you_mean
from symconv.lang.claims import Claim, load_claims, parse_toml

DEFAULT_OUT_DIR = Path("reports/build")
# what a lecture with solutions appends to its output name (lecture -> lecture-solutions)
SOLUTIONS_SUFFIX = "-solutions"
REPORT_KINDS = ("derivation", "lecture", "claims", "verify")
_OUTPUT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_KNOWN_KEYS = {"report", "output", "title", "author", "sizes", "solutions", "input",
               "timing_sizes", "template", "claims", "claim", "course"}
_TABLE_HEADER = re.compile(r"^\s*\[")
_DEFAULT_TITLES = {
    "derivation": "Convolution and correlation: derivations",
    "lecture": "Convolution vs correlation",
    "claims": "An audit of the source's claims",
    "verify": "Claim verification summary",
}


@dataclass(frozen=True)
class ReportSpec:
    """What to build; ``source`` is the file it came from (None for a built-in default)."""

    report: str
    output: str
    title: str
    author: str = ""
    course: str = ""  # lecture: shown on the title page
    sizes: tuple[int, ...] = (1, 2)
    solutions: bool = False
    input: Path | None = None
    timing_sizes: tuple[int, ...] = (1, 3, 5, 7, 9, 11, 15, 21, 31)
    template: str | None = None
    claims: tuple[Path, ...] = ()
    # the [[claim]] tables: identities the templates display with formula(name)
    shown_claims: tuple[Claim, ...] = ()
    source: Path | None = field(default=None, compare=False)

    def displayed_claims(self) -> tuple[Claim, ...]:
        """The claims the build verifies and a template may display: the ``[[claim]]``
        tables, then the claims of the files named by ``claims`` (same name replaces)."""
        return merge_claims(self.shown_claims, tuple(load_claims(list(self.claims))))

    def with_solutions(self) -> ReportSpec:
        """With the exercises' solutions; a lecture is then written beside the students'
        version, as ``<output>-solutions``, never over it."""
        if self.report != "lecture" or self.output.endswith(SOLUTIONS_SUFFIX):
            return replace(self, solutions=True)
        return replace(self, solutions=True, output=self.output + SOLUTIONS_SUFFIX)

    @property
    def template_name(self) -> str:
        return self.template or f"{self.report}.tex"


def default_spec(kind: str) -> ReportSpec:
    """The built-in specification of a bundled report, with the claims its template displays.

    Those claims are package data (``symconv/report/specs/<kind>.toml``), so a
    bundled report builds by name after ``pip install .`` alone.
    """
    if kind not in REPORT_KINDS:
        raise ReportError(f"unknown report {kind!r}{did_you_mean(kind, REPORT_KINDS)}; expected "
                          f"one of {', '.join(REPORT_KINDS)} or a .toml specification")
    spec = ReportSpec(report=kind, output=kind, title=_DEFAULT_TITLES[kind])
    bundled = resources.files("symconv.report") / "specs" / f"{kind}.toml"
    if not bundled.is_file():
        return spec
    text = bundled.read_text(encoding="utf-8")
    where = f"bundled specification {kind}.toml"
    return replace(spec, shown_claims=spec_claims(text, where))


def _int_list(value: Any, key: str, where: str, low: int, high: int) -> tuple[int, ...]:
    if not isinstance(value, list) or not value or not all(
        isinstance(v, int) and not isinstance(v, bool) and low <= v <= high for v in value
    ):
        raise ReportError(f"{where}: {key} = {value!r}; expected a non-empty list of integers "
                          f"from {low} to {high}")
    return tuple(value)


def _string(data: dict[str, Any], key: str, where: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ReportError(f"{where}: {key} = {value!r}; expected a string")
    return value


def spec_from_mapping(data: dict[str, Any], where: str, base_dir: Path) -> ReportSpec:
    """Validate a parsed TOML table; ``where`` names it in error messages."""
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ReportError(f"{where}: unknown key {unknown[0]!r}; expected one of "
                          f"{', '.join(sorted(_KNOWN_KEYS))}")
    kind = data.get("report")
    if kind is None:
        raise ReportError(f"{where}: missing key 'report'; expected report = one of "
                          f"{', '.join(REPORT_KINDS)}")
    if kind not in REPORT_KINDS:
        raise ReportError(f"{where}: report = {kind!r}; expected one of {', '.join(REPORT_KINDS)}")
    spec = default_spec(kind)
    output = _string(data, "output", where, spec.output)
    if not _OUTPUT_NAME.match(output):
        raise ReportError(f"{where}: output = {output!r}; expected letters, digits, - and _")
    solutions = data.get("solutions", False)
    if not isinstance(solutions, bool):
        raise ReportError(f"{where}: solutions = {solutions!r}; expected true or false")
    raw_input = data.get("input")
    if raw_input is not None and not isinstance(raw_input, str):
        raise ReportError(f"{where}: input = {raw_input!r}; expected a file name")
    claims = data.get("claims", [])
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        raise ReportError(f"{where}: claims = {claims!r}; expected a list of claim file names")
    template = data.get("template")
    if template is not None and not isinstance(template, str):
        raise ReportError(f"{where}: template = {template!r}; expected a template file name")
    spec = replace(
        spec,
        output=output,
        title=_string(data, "title", where, spec.title),
        author=_string(data, "author", where, ""),
        course=_string(data, "course", where, ""),
        sizes=_int_list(data.get("sizes", list(spec.sizes)), "sizes", where, 1, 3),
        timing_sizes=_int_list(data.get("timing_sizes", list(spec.timing_sizes)),
                               "timing_sizes", where, 1, 101),
        solutions=solutions,
        input=None if raw_input is None else base_dir / raw_input,
        template=template,
        claims=tuple(base_dir / c for c in claims),
    )
    # a lecture with solutions and no name of its own: lecture-solutions, not lecture
    return spec.with_solutions() if solutions and "output" not in data else spec


def load_spec(name_or_path: str | Path) -> ReportSpec:
    """A ``.toml`` specification file, or the name of a bundled report."""
    text = str(name_or_path)
    if not text.endswith(".toml"):
        return default_spec(text)
    path = Path(text)
    try:
        source_text = path.read_text(encoding="utf-8")
        data = tomllib.loads(source_text)
    except FileNotFoundError:
        raise ReportError(f"report specification {text!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ReportError(f"cannot read report specification {text!r}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ReportError(f"{text}: malformed TOML: {err}") from None
    spec = spec_from_mapping(data, text, path.parent)
    return replace(spec, shown_claims=merge_claims(spec.shown_claims,
                                                   spec_claims(source_text, text)), source=path)


def merge_claims(bundled: tuple[Claim, ...], own: tuple[Claim, ...]) -> tuple[Claim, ...]:
    """A specification's claims: the bundled report's, each replaced by an own one of its name."""
    own_names = {c.name for c in own}
    return tuple(c for c in bundled if c.name not in own_names) + own


def spec_claims(text: str, where: str) -> tuple[Claim, ...]:
    """The ``[[claim]]`` tables of a specification's TOML text, parsed as a claim file.

    TOML puts every top-level key before the first table header, so blanking
    the lines above it leaves exactly the claim tables, at their own line numbers.
    """
    lines = text.splitlines()
    first = next((k for k, line in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    if first is None:
        if "claim" in tomllib.loads(text):
            raise ReportError(f"{where}: write the displayed claims as [[claim]] tables")
        return ()
    return tuple(parse_toml("\n" * first + "\n".join(lines[first:]), where))
