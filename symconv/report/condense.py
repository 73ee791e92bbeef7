"""Derivations as a person writes them: one step per idea, the machine chain kept aside.

The general tier records every rule it applies: each re-indexing of one
variable, each renaming of bound variables, each exchange of two sums, each
reordering of factors.  :func:`condense` turns that chain into the one a
mathematician writes, for every renderer of the reports:

- a run of consecutive re-indexings, renamings, exchanges and reorderings
  becomes one substitution of all the bound variables at once, e.g.
  ``(i, j) = (j, i - j)``, computed by composing the recorded substitutions;
- a step whose two sides print the same (``F(x) = F(x)``) is dropped.

The machine chain stays available (``derivation.steps``) for the appendix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from symconv.errors import ClaimFileError
from symconv.lang.dsl import parse_statement
from symconv.prove.derivation import RULE_TITLES
from symconv.prove.rules import DEFINITIONS_LATEX, DslSide
from symconv.prove.sums import FREE_VARIABLE, Expression, Index, LinearForm
from symconv.report.formulas import applied_latex, expr_latex

# ``\operatorname{conv}(a, b)(x)`` in the engine's notes: rewritten in the report's notation.
_FUNCTION_NOTATION = re.compile(r"\\operatorname\{(\w+)\}\(([\w, ]*)\)(?:\((\w)\))?")

# Rules that only change names, order or the summation variables: merged into one step.
_MERGED_RULES = frozenset({"reindex", "rename", "exchange", "order"})


@dataclass(frozen=True)
class ShownStep:
    """``= after``, with the reason in words (LaTeX text mode with inline math)."""

    after: str
    title: str
    note: str


@dataclass(frozen=True)
class ShownDerivation:
    """The condensed chain: the start, then each step."""

    start: str
    steps: tuple[ShownStep, ...]


def side_latex(side: Expression | DslSide) -> str:
    """A chain's expression in the report's notation (claim sides as formulas)."""
    if isinstance(side, DslSide):
        numbers = [name for name, _ in side.numbers]
        return applied_latex(side.node, FREE_VARIABLE, numbers) if side.signal else \
            expr_latex(side.node, numbers=numbers)
    return side.latex()


def note_latex(note: str) -> str:
    """An engine note with its function applications in the report's notation:
    ``\\operatorname{conv}(a, b)(x)`` becomes ``(a \\ast b)(x)``."""

    def rewrite(match: re.Match[str]) -> str:
        func, args, point = match.groups()
        try:
            node = parse_statement(f"{func}({args}) == a").left
        except ClaimFileError:  # not a call the language has (e.g. shift(a, k))
            return match.group(0)
        return applied_latex(node, point) if point else expr_latex(node)

    return _FUNCTION_NOTATION.sub(rewrite, note)


def definition_latex(func: str) -> str:
    """The engine's definition of a function of the language, in the report's notation
    (display math content): ``(a \\ast b)(x) = \\sum_i a(i)\\, b(x - i)``."""
    return note_latex(DEFINITIONS_LATEX[func]).split("$")[1]


def _variables(expression: Expression | DslSide) -> tuple[str, ...] | None:
    """The bound variables of a one-term sum, else None (no substitution to compose)."""
    if isinstance(expression, LinearForm) and len(expression.monomials) == 1:
        return expression.monomials[0].variables
    return None


def _step_map(step: Any) -> dict[str, Index] | None:
    """The shown step's substitution: each variable before, as an index in the variables after."""
    params = step.params
    if step.rule in ("exchange", "order"):
        return {}
    if step.rule == "rename":
        mapping = params["mapping"]
        if step.reversed:
            return {new: Index.var(old) for old, new in mapping.items()}
        return {old: Index.var(new) for old, new in mapping.items()}
    if step.rule == "reindex":
        var, new_var, image = params["var"], params["new_var"], params["image"]
        if step.reversed:  # shown from the rule's result back to its input
            return {new_var: image}
        c = image.coeff(var)
        rest = image.substitute(var, Index())
        return {var: (Index.var(new_var) - rest).scaled(c)}
    return None


def _compose(current: dict[str, Index], step_map: dict[str, Index]) -> dict[str, Index]:
    """``current`` (start variables -> before) followed by ``step_map`` (before -> after)."""
    # Simultaneous substitution through temporary names, so that j -> i, i -> j cannot capture.
    temporary = {v: f"{v}__" for v in step_map}
    composed = {}
    for start, index in current.items():
        renamed = index.rename(temporary)
        for v, image in step_map.items():
            renamed = renamed.substitute(temporary[v], image)
        composed[start] = renamed
    return composed


def _substitution_note(run: Sequence[Any]) -> str | None:
    """``substitute $(i, j) = (j, i - j)$, a bijection of ...`` for a run of one-term steps."""
    start = _variables(run[0].before)
    if start is None or any(_variables(s.after) is None for s in run):
        return None
    current = {v: Index.var(v) for v in start}
    for step in run:
        step_map = _step_map(step)
        if step_map is None:
            return None
        current = _compose(current, step_map)
    changed = [v for v in start if current[v] != Index.var(v)]
    torus = any("Z_n" in s.justification for s in run)
    group = r"\mathbb{Z}_n^d" if torus else r"\mathbb{Z}^d"
    commuted = any(s.rule == "order" for s in run)
    if not changed:
        return "commute the factors" if commuted else "reorder the finite sums"
    if len(changed) == 1:
        (v,) = changed
        what = rf"${v} \mapsto {current[v].latex()}$"
        space = group
    else:
        what = (rf"$({', '.join(changed)}) \mapsto "
                rf"({', '.join(current[v].latex() for v in changed)})$")
        space = r" \times ".join([group] * len(changed))
    note = rf"substitute {what} (a bijection of ${space}$)"
    if torus:
        note += r"; the summand is $n$-periodic since $\omega^n = 1$"
    if commuted:
        note += " and commute the factors"
    return note


def condense(steps: Sequence[Any]) -> ShownDerivation | None:
    """The chain a person writes for the machine chain ``steps`` (None if empty)."""
    if not steps:
        return None
    shown: list[ShownStep] = []
    k = 0
    while k < len(steps):
        step = steps[k]
        if step.rule in _MERGED_RULES:
            end = k
            while end + 1 < len(steps) and steps[end + 1].rule in _MERGED_RULES:
                end += 1
            run = steps[k : end + 1]
            note = _substitution_note(run)
            if note is None:  # several terms: keep the recorded reasons, joined
                note = "; then ".join(note_latex(s.justification_latex) for s in run)
            title = "re-indexing" if any(s.rule == "reindex" for s in run) else \
                RULE_TITLES[run[0].rule] if len(run) == 1 else "re-indexing"
            shown.append(ShownStep(side_latex(run[-1].after), title, note))
            k = end + 1
            continue
        shown.append(ShownStep(side_latex(step.after), RULE_TITLES[step.rule],
                               note_latex(step.justification_latex)))
        k += 1
    start = side_latex(steps[0].before)
    kept: list[ShownStep] = []
    previous = start
    for item in shown:
        if item.after == previous:  # prints the same: not a step for a reader
            continue
        kept.append(item)
        previous = item.after
    return ShownDerivation(start, tuple(kept))
