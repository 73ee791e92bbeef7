"""What ``symconv verify`` shows while claims run (on stderr; the table goes to stdout).

On a terminal, :class:`LiveProgress` keeps a live display (rich): claims done of
the total, the claims running with their tier, stage and time, the slowest
claim so far; claims that do not meet their expectation are printed above it as
they finish.  Elsewhere (CI logs), :class:`LineProgress` prints one flushed line
per finished claim and, for a claim that runs long, a line with its tier and
stage at every heartbeat of its worker.  Its lines come in claim order with any
number of workers: a claim's lines are printed while it is the first unfinished
claim, and held until then otherwise.
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import IO

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from symconv.lang.claims import Claim
from symconv.prove.pool import Event
from symconv.prove.runner import Outcome

# A display refreshes at most this often (seconds).
REFRESH = 0.25


def _verdict(outcome: Outcome) -> str:
    return outcome.result.verdict.value if outcome.result else "ERROR"


def _seconds(outcome: Outcome) -> str:
    if outcome.cached:
        return "cached"
    return f"{outcome.result.seconds:.2f} s" if outcome.result else "-"


def finished_line(done: int, total: int, outcome: Outcome) -> str:
    """``[3/128] ok flip-equivalence VERIFIED exact 0.12 s (proofs/flip.toml:3)``."""
    method = outcome.result.method if outcome.result else "-"
    return (f"[{done}/{total}] {outcome.status} {outcome.claim.name} {_verdict(outcome)} "
            f"{method} {_seconds(outcome)} ({outcome.claim.where})")


class LineProgress:
    """One flushed line per finished claim, and stage lines for long claims."""

    def __init__(self, stream: IO[str], verbose: bool = False, per_claim: bool = True) -> None:
        self.stream: IO[str] | None = stream
        self.verbose = verbose
        self.per_claim = per_claim
        self.head = 0  # the position of the first claim not finished
        self.held: dict[int, list[str]] = {}  # the lines of later claims, by position

    def _print(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            print(text, file=self.stream, flush=True)
        except BrokenPipeError:
            if _same_file(self.stream, sys.stdout):
                raise  # `verify 2>&1 | head`: nobody reads the table either; stop (exit 141)
            # The log's reader went away: the run goes on, so that the table on stdout and
            # the --json/--junit files are still written; the rest of the log is dropped.
            _discard(self.stream)
            self.stream = None

    def _claim_line(self, index: int, text: str) -> None:
        if index <= self.head:  # the first unfinished claim, or one already reported
            self._print(text)
        else:
            self.held.setdefault(index, []).append(text)

    def event(self, claim: Claim, event: Event) -> None:
        if event.kind == "stage":
            stage = f": {event.stage}" if event.stage else ""
            self._claim_line(event.index, f"  ... {claim.name}: {event.elapsed:.0f} s, "
                                          f"in {event.tier}{stage}")
        elif event.kind == "tier" and self.verbose:
            self._claim_line(event.index, f"  ... {claim.name}: tier {event.tier}")

    def finished(self, done: int, total: int, outcome: Outcome) -> None:
        if self.per_claim:
            self._print(finished_line(done, total, outcome))
        self.head = done
        for text in self.held.pop(done, []):
            self._print(text)

    def tick(self) -> None:
        pass

    def close(self) -> None:
        pass


def _same_file(one: IO[str], other: IO[str]) -> bool:
    try:
        first, second = os.fstat(one.fileno()), os.fstat(other.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _discard(stream: IO[str]) -> None:
    """Point a broken stream's file at /dev/null, so that its pending text and later
    writes (the interpreter's flush at exit among them) go nowhere instead of failing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):  # no file behind it (a test's)
        pass


class LiveProgress:
    """A live rich display of a run (refreshed from the caller's thread, no timer thread:
    the worker processes are forked from this process)."""

    def __init__(self, total: int, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.total = total
        self.bar = Progress(TextColumn("verify"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=self.console)
        self.task = self.bar.add_task("claims", total=total)
        self.running: dict[str, tuple[float, str]] = {}  # claim where -> (start, tier/stage)
        self.names: dict[str, str] = {}
        self.slowest: tuple[float, str] | None = None
        self.live = Live(self._render(), console=self.console, auto_refresh=False,
                         transient=True)
        self.live.start()
        self._shown = 0.0

    def _render(self) -> Group:
        now = time.monotonic()
        table = Table(box=None, show_header=False, pad_edge=False)
        for where, (started, doing) in sorted(self.running.items(), key=lambda kv: kv[1][0]):
            table.add_row(Text(self.names[where], style="bold"), f"{now - started:.0f} s",
                          Text(doing, style="dim"))
        parts: list[object] = [self.bar, table]
        if self.slowest is not None:
            parts.append(Text(f"slowest so far: {self.slowest[1]} {self.slowest[0]:.2f} s",
                              style="dim"))
        return Group(*parts)  # type: ignore[arg-type]

    def event(self, claim: Claim, event: Event) -> None:
        if event.kind == "start":
            self.running[claim.where + claim.name] = (time.monotonic(), "")
            self.names[claim.where + claim.name] = claim.name
        elif event.kind == "done":  # its line waits for the claims before it, its row does not
            self.running.pop(claim.where + claim.name, None)
        elif claim.where + claim.name in self.running:
            started, _ = self.running[claim.where + claim.name]
            doing = event.tier or ""
            if event.stage:
                doing += f": {event.stage}"
            self.running[claim.where + claim.name] = (started, doing)
        self.tick()

    def finished(self, done: int, total: int, outcome: Outcome) -> None:
        self.running.pop(outcome.claim.where + outcome.claim.name, None)
        self.bar.update(self.task, completed=done)
        if outcome.result is not None and not outcome.cached and (
                self.slowest is None or outcome.result.seconds > self.slowest[0]):
            self.slowest = (outcome.result.seconds, outcome.claim.name)
        if not outcome.ok:
            self.live.console.print(finished_line(done, total, outcome), markup=False,
                                    highlight=False)
        self.tick(force=done == total)

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._shown >= REFRESH:
            self._shown = now
            self.live.update(self._render(), refresh=True)

    def close(self) -> None:
        self.live.stop()
