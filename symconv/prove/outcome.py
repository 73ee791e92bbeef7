"""One claim's outcome: its result, or the error that stopped it (:func:`verify_one`).

The worker processes of :mod:`symconv.prove.pool` and the runner of many claims
(:mod:`symconv.prove.runner`) both run a claim through :func:`verify_one`; :func:`explain`
is the account of an outcome that ``symconv verify`` prints and ``str(outcome)`` gives.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from symconv.core.show import display_math, latex_escape
from symconv.errors import SymconvError
from symconv.lang.claims import Claim
from symconv.prove.run import Diagnose, run_tiers
from symconv.prove.verdict import Budget, Result, Verdict, repair_text


@dataclass(repr=False)
class Outcome:
    """A claim with its result, or the error that stopped it."""

    claim: Claim
    result: Result | None
    error: str | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.meets(self.claim.expect)

    @property
    def undecided(self) -> bool:
        """INCONCLUSIVE: the tiers could not decide (budget, memory, method), which is
        neither the expected verdict nor one that contradicts it."""
        return self.result is not None and self.result.verdict is Verdict.INCONCLUSIVE

    @property
    def status(self) -> str:
        """``ok``, ``MISMATCH`` (the verdict contradicts the expectation), ``UNDECIDED``
        (INCONCLUSIVE) or ``ERROR`` (the claim could not run)."""
        if self.result is None:
            return "ERROR"
        if self.ok:
            return "ok"
        return "UNDECIDED" if self.undecided else "MISMATCH"

    def __repr__(self) -> str:
        if self.result is None:
            return f"<Outcome {self.claim.name}: ERROR {self.error}>"
        r = self.result
        return (f"<Outcome {self.claim.name}: {r.verdict.value} {r.by_method()} "
                f"(expected {self.claim.expect}: {self.status}), {r.seconds:.2f} s>")

    def __str__(self) -> str:
        return explain(self)

    def _latex(self, printer: Any = None) -> str:
        """The claim's name and expectation, the result on one line (report tables)."""
        name = latex_escape(self.claim.name)
        body = self.result._latex() if self.result else r"\text{ERROR}"
        return rf"\text{{{name} ({self.claim.expect}): }}{body}"

    def _repr_latex_(self) -> str:
        name = latex_escape(self.claim.name)
        head = rf"\text{{{name} (expected {self.claim.expect}, {self.status}):}}"
        body = self.result.block_latex() if self.result else (
            rf"\text{{ERROR: {latex_escape(self.error or '')}}}")
        return display_math(rf"\begin{{array}}{{l}}{head} \\ {body}\end{{array}}")

    def _repr_html_(self) -> str:
        head = html.escape(f"{self.claim.name}: {self.claim.text} "
                           f"(expected {self.claim.expect}, {self.status})")
        body = self.result._repr_html_() if self.result else (
            f"<div>ERROR: {html.escape(self.error or '')}</div>")
        return f"<div><div>{head}</div>{body}</div>"


def explain(outcome: Outcome) -> str:
    """Several lines: where the claim is, the verdict's detail and counterexample."""
    claim, r = outcome.claim, outcome.result
    if r is None:
        return f"ERROR {outcome.error}"
    lines = [f"{outcome.status} {claim.where}: {claim.name}: {claim.text}",
             f"  expected {claim.expect}; verdict {r.verdict.value} {r.by_method()}"
             + (f" at {r.sizes_text()}" if r.sizes else "")]
    if r.error_bound is not None:
        lines.append(f"  error probability <= {r.error_bound:.3g}")
    if r.seed is not None:
        lines.append(f"  seed {r.seed} (repeat the run with --seed {r.seed})")
    if r.detail:
        lines.append(f"  {r.detail}")
    if r.not_proved:
        lines.append(f"  not PROVED for all sizes: {r.not_proved}")
    lines.extend(f"  warning: {w}" for w in r.warnings)
    lines.extend(f"  explanation: {e}" for e in r.explanations)
    lines.extend(f"  repair: {repair_text(p)}" for p in r.repairs)
    if r.diagnosis_skipped:
        lines.append("  (refuted as the claim expects: explanations and repairs not searched;"
                     " verify --diagnose-all searches them)")
    if r.counterexample is not None:
        label = "witness" if claim.statement is not None and claim.statement.op == "!=" else (
            "counterexample")
        lines.append(f"  {label}:")
        lines.append(r.counterexample.describe().replace("\n  ", "\n    ").replace("  ", "    ", 1))
    return "\n".join(lines)


def verify_one(claim: Claim, budget: float | None = None, *, preempt: bool = False,
               on_tier: Callable[[str], None] | None = None,
               memory_bytes: int | None = None, diagnose: Diagnose = True) -> Outcome:
    """Run the tiers on one claim in this process (``budget`` overrides the claim's own;
    ``preempt``, ``on_tier`` and ``diagnose`` as in :func:`~symconv.prove.run_tiers`)."""
    if budget is not None:
        claim = replace(claim, budget=budget)
    start = time.monotonic()
    try:
        return Outcome(claim, run_tiers(claim, Budget(claim.budget, memory_bytes=memory_bytes),
                                        diagnose, preempt=preempt, on_tier=on_tier))
    except SymconvError as exc:
        return Outcome(claim, None, f"{claim.where}: claim {claim.name!r}: {exc}")
    except Exception as exc:  # a bug must not take the other claims down with it
        elapsed = time.monotonic() - start
        return Outcome(claim, None, f"{claim.where}: claim {claim.name!r}: internal error "
                                    f"after {elapsed:.1f} s: {type(exc).__name__}: {exc}")
