"""The exact tier: canonical comparison with symbolic entries at concrete sizes.

Both sides are evaluated with independent symbolic entries, every entry is a
polynomial in canonical form (the packed term arrays of
:mod:`symconv.prove.packed`, or :class:`~symconv.core.algebra.Polynomial` entries
where those do not apply), and the sides are equal iff the polynomials are
equal at every coordinate.  That decides the identity for all
entry values at those sizes: VERIFIED(sizes), or REFUTED with a minimal
counterexample.

The declared sizes decide the verdict.  Besides them the tier tries each
symbolic signal two samples smaller and (when small) two samples larger per
axis, so a claim written for 3x3 is also checked at 1x1 and 5x5; a failure
there leaves the verdict VERIFIED with a warning naming the size ("fails at
f=2: the statement depends on the size").  Each extra size runs only when its
estimated time fits the remaining budget (otherwise a note says it was skipped).

A ``!=`` statement claims the sides differ: it is VERIFIED at the declared
sizes by a witness (a counterexample to equality) at each, REFUTED when at some
declared size the two sides are identical polynomials.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from symconv.errors import SizeLimitError, SymconvError
from symconv.lang.dsl import names_sizes
from symconv.prove.counterexample import (
    build_env,
    exact_differs,
    minimal_counterexample,
    sizes_of,
)
from symconv.prove.verdict import Budget, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

METHOD = "exact"
# Extra larger sizes are tried only while the symbolic entries stay this few.
MAX_EXTRA_ENTRIES = 200
# Every extra size runs (they are few and small, so which ones are checked never depends on
# the machine's speed); only a budget already spent skips the rest.
SKIPPED_FOR_TIME = "skipped: the budget was spent"


def _resized(assignment: dict[str, SignalSpec], step: int) -> dict[str, SignalSpec] | None:
    changed = {}
    for name, spec in assignment.items():
        if spec.is_symbolic:
            shape = tuple(d + step for d in spec.shape)
            if min(shape) < 1:
                return None
            changed[name] = spec.resized(shape)
        else:
            changed[name] = spec
    return changed if changed != assignment else None


def _extra_assignments(declared: list[dict[str, SignalSpec]]) -> list[dict[str, SignalSpec]]:
    extra: list[dict[str, SignalSpec]] = []
    for assignment in declared:
        for step in (-2, 2):
            other = _resized(assignment, step)
            if other is None or other in declared or other in extra:
                continue
            entries = sum(_count(s.shape) for s in other.values() if s.is_symbolic)
            if step > 0 and entries > MAX_EXTRA_ENTRIES:
                continue
            extra.append(other)
    return extra


def _has_explicit_sizes(claim: Claim) -> bool:
    """Whether the statement names sizes (zeropad, a circular period, a DFT size, a size
    function such as numel): then
    other sizes are other claims, and only the declared ones are checked."""
    return claim.statement is None or names_sizes(claim.statement)


def _count(shape: tuple[int, ...]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def attempt(claim: Claim, budget: Budget) -> Result | None:
    """VERIFIED / REFUTED at concrete sizes; INCONCLUSIVE when too large or out of time."""
    start = time.monotonic()
    declared = claim.assignments()
    negated = claim.statement is not None and claim.statement.op == "!="
    checked: list[dict[str, tuple[int, ...]]] = []
    try:
        for assignment in declared:
            budget.check()
            if _differs(claim, assignment) != negated:
                if negated:
                    return Result(Verdict.REFUTED, METHOD, [sizes_of(assignment)],
                                  time.monotonic() - start,
                                  detail="the two sides are identical polynomials at these sizes")
                return _refuted(claim, assignment, budget, start)
            checked.append(sizes_of(assignment))
        if negated and not budget.witness:  # the verdict alone was asked for
            return Result(Verdict.VERIFIED, METHOD, checked, time.monotonic() - start,
                          detail="the sides differ at every declared size")
        if negated:
            witness, sizes = minimal_counterexample(claim, declared[0], budget)
            return Result(Verdict.VERIFIED, METHOD, checked, time.monotonic() - start,
                          counterexample=witness,
                          detail=f"the sides differ at every declared size; smallest witness "
                                 f"at {format_sizes(sizes)}")
    except SizeLimitError as exc:
        return Result(Verdict.INCONCLUSIVE, METHOD, checked, time.monotonic() - start,
                      detail=f"too large for exact comparison: {exc}")
    result = Result(Verdict.VERIFIED, METHOD, checked, 0.0)
    extra = [] if _has_explicit_sizes(claim) else [a for a in _extra_assignments(declared) if claim.admits(a)]
    skipped = []
    for assignment in extra:
        if budget.exhausted():
            skipped.append(format_sizes(sizes_of(assignment)))
            continue
        try:
            differs = _differs(claim, assignment)
        except SymconvError:
            continue  # too large, or the statement does not apply here (e.g. 'valid')
        if differs:
            result.undeclared_failures.append(sizes_of(assignment))
            result.warnings.append(f"fails at {format_sizes(sizes_of(assignment))}: "
                                   "the statement depends on the size")
        else:
            checked.append(sizes_of(assignment))
    if skipped:
        result.detail = (f"extra size{'s' if len(skipped) > 1 else ''} {'; '.join(skipped)} "
                         f"{SKIPPED_FOR_TIME}")
    result.seconds = time.monotonic() - start
    return result


def _differs(claim: Claim, assignment: dict[str, SignalSpec]) -> bool:
    return exact_differs(claim, build_env(assignment))


def _refuted(claim: Claim, assignment: dict[str, SignalSpec], budget: Budget,
             start: float) -> Result:
    declared = sizes_of(assignment)
    detail = f"fails at the declared sizes {format_sizes(declared)}"
    if not budget.witness:  # the verdict alone was asked for: no counterexample search
        return Result(Verdict.REFUTED, METHOD, [declared], time.monotonic() - start,
                      detail=detail)
    counterexample, sizes = minimal_counterexample(claim, assignment, budget)
    if sizes != declared:
        detail += f"; smallest counterexample at {format_sizes(sizes)}"
    return Result(Verdict.REFUTED, METHOD, [declared], time.monotonic() - start,
                  counterexample=counterexample, detail=detail)
