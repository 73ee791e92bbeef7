"""Pages the engine writes at docs build time: the statement-language tables, the CLI
reference, what library functions compute, and the gallery of bundled proofs.

Each page is generated into ``docs/generated/`` when the build starts, from the same
registries and functions the tool uses, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import argparse
import inspect
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from symconv.apps import cnn, compat
from symconv.core import fourier, ops
from symconv.core.kernels import KERNEL_NAMES, get_kernel
from symconv.lang.claims import CLAIM_KEYS, SIGNAL_KEYS, load_toml
from symconv.lang.dsl import FUNCTIONS, SCALAR_FUNCTIONS
from symconv.prove import TIER_NAMES, Verdict, run_tiers
from symconv.prove.evaluate import size_value

# The Python function that gives each statement function its meaning (the docs quote its
# docstring); the build fails when a function of dsl.FUNCTIONS is missing here.
IMPLEMENTATIONS = {
    "conv": ops.conv, "corr": ops.corr, "flip": ops.flip, "shift": ops.shift,
    "transpose": ops.transpose, "circconv": ops.circconv, "circcorr": ops.circcorr,
    "dft": fourier.dft, "idft": fourier.idft, "conj": ops.conj, "zeropad": ops.zeropad,
    "sum": ops.total, "frobenius": ops.frobenius, "trace": ops.trace, "hadamard": ops.hadamard,
    "periodize": ops.periodize, "downsample": ops.downsample, "upsample": ops.upsample,
    "len": size_value, "size": size_value, "numel": size_value,
}
CLAIM_KEY_TEXT = {
    "name": "a non-empty string, unique in its file",
    "statement": "the identity: one expression with a top-level ``==`` or ``!=``",
    "signals": "a table naming every signal of the statement (see the signal table keys)",
    "expect": '``"holds"`` or ``"fails"``: ``verify`` exits 1 when the verdict contradicts it',
    "tiers": "optional list of tiers, in order (default: " + ", ".join(TIER_NAMES) + ")",
    "sizes": 'optional table of shapes for the random tier, e.g. ``{ I = "512x512" }``',
    "budget": "optional seconds for this claim (default 60), shared by its tiers",
    "note": "optional free text, shown in reports",
    "integers": "optional table of free integer sizes and their declared values ≥ 1, e.g. "
                "``{ N = 9 }``: usable as zeropad lengths and periods (and wherever a number is); "
                "the general tier proves the statement for every value",
    "assume": 'optional list of linear comparisons of sizes, e.g. ``["N >= len(a) + len(b) - 1"]``: '
              "the claim is stated where they hold (every declared size must satisfy them)",
}
SIGNAL_KEY_TEXT = {
    "shape": 'a shape ``"5"``, ``"3x3"``, ``"2x3x4"``: independent symbolic entries',
    "literal": "fixed exact entries, a nested list (``0.1`` is 1/10, ``\"1/3\"`` a fraction)",
    "kernel": "a named kernel (its own origin): " + ", ".join(f"``{k}``" for k in KERNEL_NAMES),
    "origin": "the coordinate of the first entry (default: centred, see the conventions)",
    "real": "``false`` makes symbolic entries complex (default ``true``)",
}
TIER_TEXT = {
    "general": "PROVED: a derivation for all sizes, every step a checked rule",
    "exact": "VERIFIED or REFUTED at the declared sizes: canonical polynomial comparison",
    "random": "PROBABLE at large sizes: exact evaluation at random points mod primes, with an "
              "error bound",
}


def _check_keys(described: dict[str, str], keys: frozenset[str] | tuple[str, ...], what: str) -> None:
    if set(described) != set(keys):
        raise RuntimeError(f"docs: the {what} described ({sorted(described)}) are not the ones "
                           f"the code accepts ({sorted(keys)})")


def _table(head: list[str], rows: list[list[str]]) -> str:
    """A reST list-table."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [head, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return "\n".join(lines) + "\n"


def _first_paragraph(func: Any) -> str:
    doc = inspect.getdoc(func) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _signature(name: str) -> str:
    spec = FUNCTIONS[name]
    args = ["a", "b", "c"][: spec.signals]
    if spec.max_ints:
        ints = [f"n{k + 1}" for k in range(spec.min_ints)]
        if spec.max_ints > spec.min_ints:
            ints.append(f"[n{spec.min_ints + 1}, ...]" if spec.max_ints > 1 else "[axis]")
        args += ints
    args += [f"{k}=..." for k in sorted(spec.keywords)]
    return f"{name}({', '.join(args)})"


def language_page() -> str:
    _check_keys(IMPLEMENTATIONS, tuple(FUNCTIONS), "statement functions")
    _check_keys(CLAIM_KEY_TEXT, CLAIM_KEYS, "claim keys")
    _check_keys(SIGNAL_KEY_TEXT, SIGNAL_KEYS, "signal table keys")
    _check_keys(TIER_TEXT, TIER_NAMES, "tiers")
    lengths = (" Its sizes are integers or size expressions (``len(a) + len(b) - 1``, "
               "``size(a, 0)``): named sizes let the general tier prove a law for all sizes.")
    functions = _table(["call", "value", "meaning"], [
        [f"``{_signature(name)}``", "scalar" if name in SCALAR_FUNCTIONS else "signal",
         _first_paragraph(IMPLEMENTATIONS[name]) + (lengths if FUNCTIONS[name].size_lengths else "")]
        for name in FUNCTIONS])
    keywords = _table(["keyword", "values"], [
        ["``mode``", ", ".join(f'``"{m}"``' for m in ops.MODES)],
        ["``boundary``", ", ".join(f'``"{b}"``' for b in ops.BOUNDARIES) + "; scipy's spellings "
         + ", ".join(f'``"{a}"`` (= ``{b}``)' for a, b in ops.BOUNDARY_ALIASES.items())],
        ["``axis``", "an axis of ``flip``, from ``-d`` to ``d - 1``"],
    ])
    claim_keys = _table(["key", "meaning"], [[f"``{k}``", CLAIM_KEY_TEXT[k]] for k in sorted(CLAIM_KEYS)])
    signal_keys = _table(["key", "meaning"], [[f"``{k}``", SIGNAL_KEY_TEXT[k]]
                                              for k in sorted(SIGNAL_KEYS)])
    tiers = _table(["tier", "verdicts"], [[f"``{t}``", TIER_TEXT[t]] for t in TIER_NAMES])
    kernels = []
    for name in KERNEL_NAMES:
        k = get_kernel(name)
        rows = [" ".join(str(v) for v in row) for row in k.to_array().tolist()]
        kernels.append(f"``{name}`` (origin {k.origin})::\n\n" + textwrap.indent("\n".join(rows), "    "))
    return "\n".join([
        ".. Generated from symconv.lang.dsl.FUNCTIONS, symconv.lang.claims and symconv.core.kernels.", "",
        "Functions", "---------", "", functions, "",
        "Keywords", "--------", "", keywords, "",
        "Claim keys", "----------", "", claim_keys, "",
        "Signal table keys", "-----------------", "", signal_keys, "",
        "Tiers", "-----", "", tiers, "",
        "Named kernels", "-------------", "", "\n\n".join(kernels), "",
    ])


def boundaries_page() -> str:
    torch_names = {v: k for k, v in cnn.TORCH_PADDING_MODES.items()}
    signal_names: dict[str, list[str]] = {}
    for name, rule in compat.SIGNAL_BOUNDARIES.items():
        signal_names.setdefault(rule or "zero", []).append(name)
    ndimage_names: dict[str, list[str]] = {}
    for name, rule in compat.NDIMAGE_MODES.items():
        ndimage_names.setdefault(rule or "zero", []).append(name)
    rows = [[f"``{b}``", ", ".join(f"``{n}``" for n in signal_names.get(b, [])) or "--",
             ", ".join(f"``{n}``" for n in ndimage_names.get(b, [])) or "--",
             f"``{ops.NUMPY_PAD_MODES[b]}``",
             f"``{torch_names[b]}``" if b in torch_names else "--"]
            for b in ops.BOUNDARIES]
    return ".. Generated from symconv.core.ops, symconv.apps.compat and symconv.apps.cnn.\n\n" + _table(
        ["symconv", "scipy.signal", "scipy.ndimage", "numpy.pad", "torch padding_mode"], rows)


def _escape(text: str) -> str:
    """Plain help text as reST: no markup characters."""
    for char in "\\*`|_":
        text = text.replace(char, "\\" + char)
    return text


def _cli_section(name: str, parser: argparse.ArgumentParser, level: str) -> list[str]:
    title = f"symconv {name}".strip()
    lines = [title, level * len(title), ""]
    if parser.description:
        lines += [_escape(parser.description), ""]
    usage = parser.format_usage().strip().removeprefix("usage: ")
    lines += ["::", "", textwrap.indent(usage, "    "), ""]
    rows = []
    subcommands: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subcommands += list(action.choices.items())
            continue
        if isinstance(action, argparse._HelpAction):
            continue
        names = ", ".join(f"``{s}``" for s in action.option_strings) or f"``{action.dest}``"
        text = _escape(action.help or "")
        if action.choices and not isinstance(action, argparse._SubParsersAction):
            text += " (" + ", ".join(f"``{c}``" for c in action.choices) + ")"
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings:
            text += f"; default ``{action.default}``"
        rows.append([names, text or "--"])
    if rows:
        lines += [_table(["argument", "meaning"], rows), ""]
    if parser.epilog:
        lines += [_escape(parser.epilog), ""]
    for sub_name, sub in subcommands:
        lines += _cli_section(f"{name} {sub_name}".strip(), sub, "-" if not name else "~")
    return lines


def cli_page() -> str:
    from symconv.cli import _build_parser

    return "\n".join([".. Generated from the argparse parser of symconv.cli.", "",
                      *_cli_section("", _build_parser(), "=")])


def libraries_page() -> str:
    from symconv.apps.identify import which_libraries_flip
    from symconv.report.library_table import FLIP_SLIDE_TARGETS

    rows = []
    for row in which_libraries_flip(FLIP_SLIDE_TARGETS):
        if not row["available"]:
            rows.append([f"``{row['target']}``", "not installed here", "", "", "", "", ""])
            continue
        rows.append([f"``{row['target']}``", row["operation"],
                     "yes" if row["flips_kernel"] else "no", row["mode"], row["even_centre"],
                     row["boundary"], row["complex_input"]])
    return ".. Generated by symconv.apps.identify.which_libraries_flip at build time.\n\n" + _table(
        ["function (default arguments)", "computes", "flips kernel", "output",
         "even-kernel centre", "boundary", "complex input"], rows)


def gallery_page(proofs: Path) -> str:
    lines = [".. Generated at build time: each claim below was proved while the docs were built.", ""]
    others = []
    for path in sorted(proofs.glob("*.toml")):
        proved = []
        for claim in load_toml(path):
            if claim.expect != "holds" or "general" not in claim.tiers:
                others.append((path.name, claim))
                continue
            result = run_tiers(replace(claim, tiers=("general",)))
            if result.verdict is not Verdict.PROVED or result.derivation is None:
                others.append((path.name, claim))
                continue
            proved.append((claim, result))
        if not proved:
            continue
        lines += [path.name, "-" * len(path.name), ""]
        for claim, result in proved:
            derivation: Any = result.derivation
            latex = derivation.latex().replace(r"\begin{align*}", r"\begin{aligned}").replace(
                r"\end{align*}", r"\end{aligned}")
            lines += [f"``{claim.name}``", "~" * (len(claim.name) + 4), "",
                      f"``{claim.text}`` -- {result.verdict.value} ({result.detail})", "",
                      ".. math::", "   :nowrap:", "",
                      textwrap.indent(rf"\[{latex}\]", "   "), ""]
    lines += ["Decided by the other tiers", "--------------------------", "",
              "These claims are not proved by a derivation (refutations, and identities that "
              "hold only at their declared sizes); ``symconv verify`` decides them.", "",
              _table(["file", "claim", "statement", "expect"],
                     [[f, f"``{c.name}``", f"``{c.text}``", c.expect] for f, c in others])]
    return "\n".join(lines)


def generate(app: Sphinx) -> None:
    out = Path(app.srcdir) / "generated"
    if app.builder.name == "doctest" and out.is_dir():
        return  # the generated pages hold no doctests: the last build's serve
    out.mkdir(exist_ok=True)
    from symconv.api import bundled_proofs

    pages = {"language.rst": language_page(), "boundaries.rst": boundaries_page(),
             "cli.rst": cli_page(), "libraries.rst": libraries_page(),
             "gallery.rst": gallery_page(bundled_proofs())}
    for name, text in pages.items():
        path = out / name
        if not path.exists() or path.read_text() != text:  # unchanged pages stay cached
            path.write_text(text)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "version": "1"}
