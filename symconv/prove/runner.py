"""Running many claims: parallel processes, the verdict table, JSON and JUnit output.

Claims are independent, so ``run_claims(..., jobs=N)`` spreads them over N
processes.  A claim whose evaluation raises a SymconvError (a shape that does
not fit, an unsupported function) becomes an *error* outcome, which the command
line turns into exit status 2.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from symconv.atomic import atomic_write
from symconv.claims import Claim
from symconv.errors import SymconvError
from symconv.prove import Budget, Result, run_tiers


@dataclass
class Outcome:
    """A claim with its result, or the error that stopped it."""

    claim: Claim
    result: Result | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.meets(self.claim.expect)

    @property
    def status(self) -> str:
        if self.result is None:
            return "ERROR"
        return "ok" if self.ok else "MISMATCH"

    def _latex(self, printer: Any = None) -> str:
        name = self.claim.name.replace("_", r"\_")
        body = self.result._latex() if self.result else r"\text{ERROR}"
        return rf"\text{{{name} ({self.claim.expect}): }}{body}"

    def _repr_latex_(self) -> str:
        return f"${self._latex()}$"


def verify_one(claim: Claim, budget: float | None = None) -> Outcome:
    """Run the tiers on one claim (``budget`` overrides the claim's own)."""
    if budget is not None:
        claim = replace(claim, budget=budget)
    start = time.monotonic()
    try:
        return Outcome(claim, run_tiers(claim, Budget(claim.budget)))
    except SymconvError as exc:
        return Outcome(claim, None, f"{claim.where}: claim {claim.name!r}: {exc}")
    except Exception as exc:  # a bug must not take the other claims down with it
        elapsed = time.monotonic() - start
        return Outcome(claim, None, f"{claim.where}: claim {claim.name!r}: internal error "
                                    f"after {elapsed:.1f} s: {type(exc).__name__}: {exc}")


def run_claims(claims: Sequence[Claim], jobs: int = 1, budget: float | None = None,
               progress: Callable[[int, int, Outcome], None] | None = None) -> list[Outcome]:
    """Outcomes in the order of ``claims``; ``jobs > 1`` uses worker processes."""
    outcomes: list[Outcome | None] = [None] * len(claims)
    done = 0

    def record(index: int, outcome: Outcome) -> None:
        nonlocal done
        outcomes[index] = outcome
        done += 1
        if progress is not None:
            progress(done, len(claims), outcome)

    # Python claims hold functions from modules a worker cannot import: run them here.
    local = [i for i, c in enumerate(claims) if jobs <= 1 or c.procedure is not None]
    remote = [i for i in range(len(claims)) if i not in set(local)]
    if remote:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(verify_one, claims[i], budget): i for i in remote}
            for i in local:
                record(i, verify_one(claims[i], budget))
            for future in as_completed(futures):
                record(futures[future], future.result())
    else:
        for i in local:
            record(i, verify_one(claims[i], budget))
    return [o for o in outcomes if o is not None]


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """2 if any claim errored, else 1 if any verdict contradicts its expectation, else 0."""
    if any(o.result is None for o in outcomes):
        return 2
    return 0 if all(o.ok for o in outcomes) else 1


def format_table(outcomes: Sequence[Outcome]) -> str:
    """The verdict table: claim, expect, verdict, method, sizes, seconds, status."""
    header = ("claim", "expect", "verdict", "method", "sizes", "seconds", "status")
    rows = [header]
    for o in outcomes:
        r = o.result
        rows.append((
            o.claim.name, o.claim.expect,
            r.verdict.value if r else "-", r.method if r else "-",
            _clip(r.sizes_text(), 40) if r else "-",
            f"{r.seconds:.2f}" if r else "-", o.status,
        ))
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(summary_line(outcomes))
    return "\n".join(lines)


def summary_line(outcomes: Sequence[Outcome]) -> str:
    """``N claims: K as expected, M not, E errors (PROVED a, VERIFIED b, ...)``."""
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.result is not None:
            counts[o.result.verdict.value] = counts.get(o.result.verdict.value, 0) + 1
    verdicts = ", ".join(f"{name} {n}" for name, n in counts.items())
    ok = sum(o.ok for o in outcomes)
    errors = sum(o.result is None for o in outcomes)
    return (f"{len(outcomes)} claims: {ok} as expected, {len(outcomes) - ok - errors} not, "
            f"{errors} errors ({verdicts})")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def explain(outcome: Outcome) -> str:
    """Several lines: where the claim is, the verdict's detail and counterexample."""
    claim, r = outcome.claim, outcome.result
    if r is None:
        return f"ERROR {outcome.error}"
    lines = [f"{outcome.status} {claim.where}: {claim.name}: {claim.text}",
             f"  expected {claim.expect}; verdict {r.verdict.value} by {r.method}"
             + (f" at {r.sizes_text()}" if r.sizes else "")]
    if r.error_bound is not None:
        lines.append(f"  error probability <= {r.error_bound:.3g}")
    if r.detail:
        lines.append(f"  {r.detail}")
    if r.counterexample is not None:
        label = "witness" if claim.statement is not None and claim.statement.op == "!=" else (
            "counterexample")
        lines.append(f"  {label}:")
        lines.append(r.counterexample.describe().replace("\n  ", "\n    ").replace("  ", "    ", 1))
    return "\n".join(lines)


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    claim, r = outcome.claim, outcome.result
    return {
        "name": claim.name,
        "file": claim.source,
        "line": claim.line,
        "statement": claim.text,
        "expect": claim.expect,
        "verdict": r.verdict.value if r else "ERROR",
        "ok": outcome.ok,
        "method": r.method if r else None,
        "sizes": [{k: list(v) for k, v in s.items()} for s in r.sizes] if r else [],
        "seconds": round(r.seconds, 4) if r else None,
        "error_bound": r.error_bound if r else None,
        "counterexample": r.counterexample.to_json() if r and r.counterexample else None,
        "derivation": str(r.derivation) if r and r.derivation is not None else None,
        # the general tier's certificate, as the independent checker re-verifies it
        "certificate": getattr(r.derivation, "certificate", None) if r else None,
        "detail": r.detail if r else outcome.error,
    }


def write_json(outcomes: Sequence[Outcome], path: Path | str) -> None:
    data = [outcome_json(o) for o in outcomes]
    atomic_write(Path(path), json.dumps(data, indent=2) + "\n")


def write_junit(outcomes: Sequence[Outcome], path: Path | str) -> None:
    """A JUnit XML report: one testcase per claim, failures for mismatches."""
    suite = ET.Element("testsuite", name="symconv", tests=str(len(outcomes)),
                       failures=str(sum(o.result is not None and not o.ok for o in outcomes)),
                       errors=str(sum(o.result is None for o in outcomes)))
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname=o.claim.source, name=o.claim.name,
                             time=f"{o.result.seconds:.3f}" if o.result else "0")
        if o.result is None:
            ET.SubElement(case, "error", message=o.error or "error").text = o.error
        elif not o.ok:
            ET.SubElement(case, "failure", message=f"verdict {o.result.verdict.value}, "
                          f"expected {o.claim.expect}").text = explain(o)
        else:
            ET.SubElement(case, "system-out").text = explain(o)
    atomic_write(Path(path), ET.tostring(suite, encoding="utf-8", xml_declaration=True))
