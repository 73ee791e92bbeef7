"""Running many claims: worker processes, the verdict table, JSON and JUnit output.

Claims are independent, so ``run_claims(..., jobs=N)`` spreads them over N
worker processes (:mod:`symconv.prove.pool`), each claim under a hard deadline
(its budget plus :data:`~symconv.prove.pool.GRACE`) and a memory cap.  Claims
finish in any order with several workers; a claim's outcome is handed to the
progress and returned in claim order, held back until every earlier claim has
finished, so that what a run prints does not depend on the number of workers.  A claim
whose evaluation raises a SymconvError (a shape that does not fit, an
unsupported function) becomes an *error* outcome, which the command line turns
into exit status 2.  Outcomes found in a :class:`~symconv.prove.cache.ResultCache`
are not run again.  Ctrl-C raises :class:`RunInterrupted`, which carries the
outcomes that finished.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from symconv.core.atomic import atomic_write
from symconv.errors import SymconvError
from symconv.lang.claims import Claim

# one claim in this process; runner.Outcome, explain and verify_one stay where callers look
from symconv.prove.outcome import Outcome as Outcome
from symconv.prove.outcome import explain as explain
from symconv.prove.outcome import verify_one as verify_one
from symconv.prove.pool import HEARTBEAT, ClaimPool, Event
from symconv.prove.run import Diagnose

if TYPE_CHECKING:
    from symconv.prove.cache import ResultCache


class Progress(Protocol):
    """What :func:`run_claims` tells its caller while it runs."""

    def event(self, claim: Claim, event: Event) -> None:
        """As it happens: a claim started, entered a tier, reports its stage (heartbeat),
        or is done (kind "done", before its outcome is released to :meth:`finished`).
        ``event.index`` is the claim's position in the run."""

    def finished(self, done: int, total: int, outcome: Outcome) -> None:
        """The claim at position ``done - 1`` of ``total`` finished, and so did every
        claim before it: called in claim order, whatever order the workers finish in."""

    def tick(self) -> None:
        """Called a few times a second while claims run."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_claims`: ``finished`` holds the outcomes that finished
    and ``not_run`` the other claims, both in the order of the claims."""

    def __init__(self, finished: list[Outcome], not_run: list[Claim]) -> None:
        super().__init__(f"interrupted after {len(finished)} of "
                         f"{len(finished) + len(not_run)} claims")
        self.finished = finished
        self.not_run = not_run


def run_claims(claims: Sequence[Claim], jobs: int = 1, budget: float | None = None,
               progress: Progress | None = None, *, memory_bytes: int | None = None,
               cache: ResultCache | None = None, heartbeat: float = HEARTBEAT,
               diagnose: Diagnose = True) -> list[Outcome]:
    """Outcomes in the order of ``claims``, each claim run in one of ``jobs`` worker
    processes under its budget (``budget`` overrides every claim's own) and
    ``memory_bytes``; ``cache`` answers unchanged claims and stores new verdicts;
    ``diagnose`` as in :func:`~symconv.prove.run_tiers`."""
    if budget is not None:
        claims = [replace(c, budget=budget) for c in claims]
    outcomes: list[Outcome | None] = [None] * len(claims)
    released = 0  # outcomes[:released] went to progress.finished

    def record(index: int, outcome: Outcome) -> None:
        nonlocal released
        outcomes[index] = outcome
        if progress is not None and not outcome.cached:
            progress.event(claims[index], Event("done", index))
        while released < len(claims) and (ready := outcomes[released]) is not None:
            released += 1
            if progress is not None:
                progress.finished(released, len(claims), ready)

    def on_event(event: Event) -> None:
        if progress is None:
            return
        if event.kind == "tick":
            progress.tick()
        else:
            progress.event(claims[event.index], event)

    try:
        todo = []
        for index, claim in enumerate(claims):
            hit = cache.get(claim) if cache is not None else None
            if hit is not None and not (hit.diagnosis_skipped and diagnose is True):
                record(index, Outcome(claim, hit, cached=True))
            else:
                todo.append(index)
        if todo:
            with ClaimPool(claims, min(jobs, len(todo)), memory_bytes, heartbeat,
                           diagnose=diagnose) as pool:
                for index, result, error in pool.run(todo, [claims[i].budget for i in todo],
                                                     on_event):
                    outcome = Outcome(claims[index], result, error)
                    if cache is not None and result is not None:
                        cache.put(claims[index], result)
                    record(index, outcome)
    except KeyboardInterrupt:
        raise RunInterrupted([o for o in outcomes if o is not None],
                             [c for c, o in zip(claims, outcomes, strict=True) if o is None]
                             ) from None
    return [o for o in outcomes if o is not None]


def shard(claims: Sequence[Claim], k: int, n: int) -> list[Claim]:
    """Shard ``k`` of ``n`` (1-based): every n-th claim in the deterministic load order,
    so that the n shards of a CI matrix run each claim exactly once."""
    if not 1 <= k <= n:
        raise SymconvError(f"--shard {k}/{n}; expected K/N with 1 <= K <= N")
    return [c for i, c in enumerate(claims) if i % n == k - 1]


# Exit status of a run in which no verdict contradicts its expectation but some claim is
# INCONCLUSIVE: not established, so not 0, and not 1, which says a claim is wrong.
UNDECIDED_STATUS = 4


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """2 if any claim errored, else 1 if any verdict contradicts its expectation, else
    :data:`UNDECIDED_STATUS` if any is INCONCLUSIVE, else 0."""
    if any(o.result is None for o in outcomes):
        return 2
    if any(not o.ok and not o.undecided for o in outcomes):
        return 1
    return UNDECIDED_STATUS if any(o.undecided for o in outcomes) else 0


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
            ("cached" if o.cached else f"{r.seconds:.2f}") if r else "-", o.status,
        ))
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for o in outcomes:
        for warning in o.result.warnings if o.result else []:
            lines.append(f"warning: {o.claim.name}: {warning}")
    lines.append("")
    lines.append(summary_line(outcomes))
    return "\n".join(lines)


def summary_line(outcomes: Sequence[Outcome]) -> str:
    """``N claims: K as expected, M mismatched, U undecided, E errors (PROVED a, ...)``:
    mismatched verdicts contradict their expectation, undecided ones are INCONCLUSIVE."""
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.result is not None:
            counts[o.result.verdict.value] = counts.get(o.result.verdict.value, 0) + 1
    verdicts = ", ".join(f"{name} {n}" for name, n in counts.items())
    statuses = [o.status for o in outcomes]
    return (f"{len(outcomes)} claims: {statuses.count('ok')} as expected, "
            f"{statuses.count('MISMATCH')} mismatched, {statuses.count('UNDECIDED')} undecided, "
            f"{statuses.count('ERROR')} errors ({verdicts})")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def outcome_json(outcome: Outcome, interrupted: bool = False) -> dict[str, Any]:
    """One claim's record; ``interrupted`` marks a run stopped by Ctrl-C before the end."""
    claim, r = outcome.claim, outcome.result
    return {
        "name": claim.name,
        "file": claim.source,
        "line": claim.line,
        "statement": claim.text,
        **({"integers": dict(claim.integers)} if claim.integers else {}),
        **({"assume": [a.text for a in claim.assumptions]} if claim.assumptions else {}),
        "expect": claim.expect,
        "verdict": r.verdict.value if r else "ERROR",
        "ok": outcome.ok,
        "status": outcome.status,  # ok, MISMATCH, UNDECIDED or ERROR, as the table says
        "method": r.method if r else None,
        "sizes": [{k: list(v) for k, v in s.items()} for s in r.sizes] if r else [],
        "seconds": round(r.seconds, 4) if r else None,
        "error_bound": r.error_bound if r else None,
        "seed": r.seed if r else None,
        "counterexample": r.counterexample.to_json() if r and r.counterexample else None,
        "derivation": str(r.derivation) if r and r.derivation is not None else None,
        # the general tier's certificate, as the independent checker re-verifies it
        "certificate": getattr(r.derivation, "certificate", None) if r else None,
        "detail": r.detail if r else outcome.error,
        "warnings": list(r.warnings) if r else [],
        # VERIFIED or PROBABLE: why the general tier gave no proof for all sizes
        "not_proved": r.not_proved if r else "",
        "explanations": [e.to_json() for e in r.explanations] if r else [],
        "repairs": [p.to_json() for p in r.repairs] if r else [],
        # refuted as expected: the explanations and repairs were not searched (not: none found)
        "diagnosis_skipped": r.diagnosis_skipped if r else False,
        "cached": outcome.cached,
        "interrupted": interrupted,
    }


def _write(target: Path | str | TextIO, data: str | bytes) -> None:
    """A file replaced atomically, or an open stream (``--json -``: standard output)."""
    if isinstance(target, (Path, str)):
        atomic_write(Path(target), data)
    else:
        target.write(data.decode("utf-8") + "\n" if isinstance(data, bytes) else data)
        target.flush()


def write_json(outcomes: Sequence[Outcome], target: Path | str | TextIO,
               interrupted: bool = False) -> None:
    """A JSON list, one record per finished claim (each marked ``interrupted``)."""
    data = [outcome_json(o, interrupted) for o in outcomes]
    _write(target, json.dumps(data, indent=2) + "\n")


def write_junit(outcomes: Sequence[Outcome], target: Path | str | TextIO,
                not_run: Sequence[Claim] = ()) -> None:
    """A JUnit XML report: one testcase per claim, failures for mismatches; the claims
    ``not_run`` (a run interrupted by Ctrl-C) are skipped testcases."""
    suite = ET.Element("testsuite", name="symconv", tests=str(len(outcomes) + len(not_run)),
                       failures=str(sum(o.result is not None and not o.ok for o in outcomes)),
                       errors=str(sum(o.result is None for o in outcomes)),
                       skipped=str(len(not_run)))
    if not_run:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="interrupted", value="true")
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname=o.claim.source, name=o.claim.name,
                             time=f"{o.result.seconds:.3f}" if o.result else "0")
        if o.result is None:
            ET.SubElement(case, "error", message=o.error or "error").text = o.error
        elif not o.ok:  # an undecided claim is not established: a failure too, named so
            ET.SubElement(case, "failure", message=f"{o.status}: verdict "
                          f"{o.result.verdict.value}, expected {o.claim.expect}").text = explain(o)
        else:
            ET.SubElement(case, "system-out").text = explain(o)
        if o.result is not None and o.result.warnings:
            ET.SubElement(case, "system-err").text = "\n".join(
                f"warning: {w}" for w in o.result.warnings)
    for claim in not_run:
        case = ET.SubElement(suite, "testcase", classname=claim.source, name=claim.name, time="0")
        ET.SubElement(case, "skipped", message="not run: the run was interrupted")
    _write(target, ET.tostring(suite, encoding="utf-8", xml_declaration=True))
