"""Running claims: tier shares, worker processes with deadlines and memory caps, progress,
interruption, shards, JSON and JUnit output."""

from __future__ import annotations

import json
import multiprocessing
import signal
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import symconv.prove.tiers
from symconv.core.ops import conv
from symconv.core.signal import Signal
from symconv.errors import SymconvError
from symconv.lang.claims import Claim, claim_from_text, parse_toml
from symconv.prove import Budget, Result, Verdict, load_tier, run_tiers, runner
from symconv.prove.pool import GRACE, ClaimPool, Event

COMMUTES = "conv(a, b) == conv(b, a)"


def _claim(statement: str = COMMUTES, budget: float = 10.0, **options: Any) -> Claim:
    return claim_from_text(statement, {"a": "3", "b": "4"}, budget=budget, **options)


def _with_general(monkeypatch: pytest.MonkeyPatch, general: Any) -> list[tuple[str, float]]:
    """Replace the general tier by ``general``; record (tier, share) as tiers start."""
    shares: list[tuple[str, float]] = []

    def tier(name: str) -> Any:
        real = load_tier(name)
        chosen = general if name == "general" else real

        def attempt(claim: Claim, budget: Budget) -> Result | None:
            shares.append((name, budget.seconds))
            return chosen(claim, budget)  # type: ignore[misc]

        return attempt

    monkeypatch.setattr(symconv.prove.tiers, "load_tier", tier)
    return shares


def test_a_tier_that_never_checks_its_budget_is_stopped_at_its_share(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def spin(claim: Claim, budget: Budget) -> None:
        while True:  # a search that never looks at the clock
            pass

    shares = _with_general(monkeypatch, spin)
    started: dict[str, float] = {}

    def on_tier(name: str) -> None:
        started[name] = time.monotonic()

    start = time.monotonic()
    result = run_tiers(_claim(budget=4), preempt=True, on_tier=on_tier)
    # the spin never returns: the timer stopped it, and the exact tier decided in its share
    assert result.verdict is Verdict.VERIFIED and result.method == "exact"
    assert [name for name, _ in shares] == ["general", "exact"]
    # general got 1/4 of 4 s (weights 1:2:1) and was not stopped before that share ran out
    assert shares[0][1] == pytest.approx(1.0, abs=0.02)
    assert started["exact"] - started["general"] >= shares[0][1]
    # the exact tier got 2/3 of what was left when it started: at most 2/3 of 4 - 1 s, at
    # least 2/3 of what this clock says was left (bounds that hold on any machine speed)
    assert (4 - (started["exact"] - start)) * 2 / 3 <= shares[1][1] <= (4 - 1.0) * 2 / 3


def _checks_until_stopped(claim: Claim, budget: Budget) -> None:
    """A search that never ends but asks its budget each round."""
    while True:
        budget.check()


def test_budget_checks_stop_a_tier_at_its_share_without_the_timer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _with_general(monkeypatch, _checks_until_stopped)
    result = run_tiers(_claim(budget=0.4, tiers=["general", "exact"]))
    assert result.verdict is Verdict.VERIFIED


def test_the_last_tier_running_out_names_the_budget_and_the_tier(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _with_general(monkeypatch, _checks_until_stopped)
    result = run_tiers(_claim(budget=0.3, tiers=["general"]))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.detail == "budget of 0.3 s exhausted in general"


def test_out_of_memory_is_inconclusive_naming_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    def greedy(claim: Claim, budget: Budget) -> None:
        raise MemoryError

    _with_general(monkeypatch, greedy)
    result = run_tiers(_claim(tiers=["general"]), Budget(5, memory_bytes=2**30))
    assert (result.verdict, result.detail) == (Verdict.INCONCLUSIVE,
                                               "memory cap of 1 GiB reached in general")


def _blocking(a: Signal, b: Signal) -> tuple[Signal, Signal]:
    """Blocks the timer's signal and sleeps: only a hard kill stops it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)
    return conv(a, b), conv(b, a)


def _greedy(a: Signal, b: Signal) -> tuple[Signal, Signal]:
    bytearray(8 * 2**30)  # more than the cap
    return conv(a, b), conv(b, a)


def _slow(a: Signal, b: Signal) -> tuple[Signal, Signal]:
    time.sleep(1.2)
    return conv(a, b), conv(b, a)


def _python_claim(procedure: Any, budget: float = 10.0) -> Claim:
    return replace(_claim(budget=budget, tiers=["exact"]), statement=None, text="procedure(...)",
                   procedure=procedure)


def test_a_worker_that_does_not_stop_is_killed_at_budget_plus_grace() -> None:
    claims = [_python_claim(_blocking, budget=1), _claim()]
    start = time.monotonic()
    outcomes = runner.run_claims(claims)
    elapsed = time.monotonic() - start
    stuck, after = outcomes
    assert stuck.result is not None and stuck.result.verdict is Verdict.INCONCLUSIVE
    # the detail is written only by the pool's deadline path, which kills the worker
    assert stuck.result.detail == "budget of 1 s exhausted in exact (the worker was stopped)"
    assert stuck.result.seconds == 1 + GRACE
    # the next claim runs in a fresh worker
    assert after.ok and after.result is not None and after.result.verdict is Verdict.PROVED
    # a hard limit: the stuck worker sleeps 60 s, so any bound well below that shows it was
    # killed rather than waited for; 30 s leaves room for a very busy machine
    assert elapsed < 30


def test_memory_cap_gives_inconclusive_not_a_killed_run() -> None:
    outcome, = runner.run_claims([_python_claim(_greedy)], memory_bytes=4 * 2**30)
    assert outcome.result is not None and outcome.result.verdict is Verdict.INCONCLUSIVE
    assert outcome.result.detail == "memory cap of 4 GiB reached in exact"


class Recorder:
    def __init__(self, stop_after: int | None = None) -> None:
        self.events: list[Event] = []
        self.done: list[tuple[int, int, str]] = []
        self.stop_after = stop_after

    def event(self, claim: Claim, event: Event) -> None:
        self.events.append(event)

    def finished(self, done: int, total: int, outcome: runner.Outcome) -> None:
        self.done.append((done, total, outcome.claim.name))
        if done == self.stop_after:
            raise KeyboardInterrupt

    def tick(self) -> None:
        pass


def test_progress_reports_start_tier_and_stage_of_long_claims() -> None:
    recorder = Recorder()
    outcome, = runner.run_claims([_python_claim(_slow)], progress=recorder, heartbeat=0.3)
    assert outcome.ok
    kinds = [e.kind for e in recorder.events]
    assert kinds[:2] == ["start", "tier"] and "stage" in kinds
    stage = next(e for e in recorder.events if e.kind == "stage")
    assert stage.tier == "exact" and stage.elapsed > 0.2
    assert "attempt" in stage.stage  # the exact tier's own function, read from the stack
    assert recorder.done == [(1, 1, "claim")]


def test_ctrl_c_keeps_the_finished_outcomes_in_claim_order() -> None:
    claims = [replace(_claim(), name=f"c{k}") for k in range(4)]
    with pytest.raises(runner.RunInterrupted) as caught:
        runner.run_claims(claims, progress=Recorder(stop_after=2))
    assert [o.claim.name for o in caught.value.finished] == ["c0", "c1"]
    assert [c.name for c in caught.value.not_run] == ["c2", "c3"]


def test_pool_results_match_in_process_results() -> None:
    text = "\n".join(f'[[claim]]\nname = "c{k}"\nstatement = "{s}"\nsignals = {{ a = "3", '
                     f'b = "4" }}\nexpect = "{e}"\n' for k, (s, e) in enumerate([
                         (COMMUTES, "holds"), ("corr(a, b) == corr(b, a)", "fails"),
                         ("conv(a, b) == corr(flip(a), b)", "holds")]))
    claims = parse_toml(text)
    in_process = [runner.verify_one(c) for c in claims]
    pooled = runner.run_claims(claims, jobs=2)
    assert [o.result.verdict for o in pooled if o.result] == [
        o.result.verdict for o in in_process if o.result]
    assert [o.claim.name for o in pooled] == ["c0", "c1", "c2"]


def test_outcomes_reach_the_progress_in_claim_order_when_a_later_claim_finishes_first(
        ) -> None:
    claims = [_python_claim(_slow), replace(_claim(), name="c1"), replace(_claim(), name="c2")]
    recorder = Recorder()
    outcomes = runner.run_claims(claims, jobs=2, progress=recorder)
    assert [o.claim.name for o in outcomes] == ["claim", "c1", "c2"]
    assert recorder.done == [(1, 3, "claim"), (2, 3, "c1"), (3, 3, "c2")]
    arrived = [e.index for e in recorder.events if e.kind == "done"]
    assert arrived.index(1) < arrived.index(0)  # the fast claims came back first, and waited


def test_ctrl_c_with_two_workers_keeps_the_finished_outcomes_in_claim_order() -> None:
    claims = [replace(_claim(), name="c0"), _python_claim(_slow), replace(_claim(), name="c2"),
              replace(_claim(), name="c3")]

    class StopAtC2(Recorder):
        def event(self, claim: Claim, event: Event) -> None:
            if event.kind == "done" and claim.name == "c2":  # the slow claim still runs
                raise KeyboardInterrupt

    with pytest.raises(runner.RunInterrupted) as caught:
        runner.run_claims(claims, jobs=2, progress=StopAtC2())
    assert [o.claim.name for o in caught.value.finished] == ["c0", "c2"]
    assert [c.name for c in caught.value.not_run] == ["claim", "c3"]
    assert multiprocessing.active_children() == []  # the pool killed both workers


def test_one_worker_runs_every_decided_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-claim overhead is a message each way, not a process start: a worker is forked
    once per run and replaced only after an INCONCLUSIVE claim.  (Counted, not timed: a
    timing bound would depend on the machine; benchmarks/bench_verify.py measures speed.)"""
    starts: list[int] = []
    start_worker = ClaimPool._start

    def counted(pool: ClaimPool) -> Any:
        starts.append(1)
        return start_worker(pool)

    monkeypatch.setattr(ClaimPool, "_start", counted)
    claims = [replace(_claim(), name=f"c{k}") for k in range(20)]
    outcomes = runner.run_claims(claims)
    assert [o.result.verdict for o in outcomes if o.result] == [Verdict.PROVED] * len(claims)
    assert len(starts) == 1
    stuck = [_python_claim(_blocking, budget=0.2), *claims[:2]]
    assert [o.result.verdict for o in runner.run_claims(stuck) if o.result] == [
        Verdict.INCONCLUSIVE, Verdict.PROVED, Verdict.PROVED]
    assert len(starts) == 3  # the stopped worker was replaced, once
    runner.run_claims([*claims[:2], stuck[0]])
    assert len(starts) == 4  # stopped last: nothing left to run, so no replacement


def test_shards_partition_the_claims() -> None:
    claims = [replace(_claim(), name=f"c{k}") for k in range(7)]
    shards = [runner.shard(claims, k, 3) for k in (1, 2, 3)]
    assert sorted(c.name for s in shards for c in s) == sorted(c.name for c in claims)
    assert [c.name for c in shards[1]] == ["c1", "c4"]
    with pytest.raises(SymconvError, match="--shard 4/3"):
        runner.shard(claims, 4, 3)


def test_interrupted_json_and_junit(tmp_path: Path) -> None:
    claims = [replace(_claim(), name=f"c{k}") for k in range(3)]
    finished = [runner.verify_one(claims[0])]
    runner.write_json(finished, tmp_path / "r.json", interrupted=True)
    runner.write_junit(finished, tmp_path / "r.xml", not_run=claims[1:])
    data = json.loads((tmp_path / "r.json").read_text())
    assert [(d["name"], d["interrupted"]) for d in data] == [("c0", True)]
    suite = ET.parse(tmp_path / "r.xml").getroot()
    assert (suite.get("tests"), suite.get("skipped")) == ("3", "2")
    skipped = [c.get("name") for c in suite.iter("testcase") if c.find("skipped") is not None]
    assert skipped == ["c1", "c2"]
    assert suite.find("properties/property[@name='interrupted']") is not None


def test_a_cached_undiagnosed_refutation_is_run_again_when_a_diagnosis_is_asked(
        tmp_path: Path) -> None:
    from symconv.prove.cache import ResultCache

    claim = claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, "fails")
    cache = ResultCache(tmp_path)
    first, = runner.run_claims([claim], cache=cache, diagnose="unexpected")
    assert first.result is not None and first.result.diagnosis_skipped
    again, = runner.run_claims([claim], cache=cache, diagnose="unexpected")
    assert again.cached  # what was skipped is not wanted here either
    diagnosed, = runner.run_claims([claim], cache=cache, diagnose=True)
    assert not diagnosed.cached
    assert diagnosed.result is not None and diagnosed.result.repairs
    assert not diagnosed.result.diagnosis_skipped
    served, = runner.run_claims([claim], cache=cache, diagnose=True)
    assert served.cached and served.result is not None and served.result.repairs
