"""Worker processes that run claims under a hard deadline and a memory cap.

A :class:`ClaimPool` keeps ``workers`` long-lived processes, forked from the
caller once (so a claim costs a message each way, not a process start-up).  A
worker runs one claim at a time through :func:`symconv.prove.run_tiers` with
``preempt=True``: an interval timer stops each tier when its share of the
budget runs out, even inside a long step.  The address space of a worker is
capped (``resource.RLIMIT_AS``), so a claim that would take the machine's memory
gets a MemoryError and is reported INCONCLUSIVE instead of being killed by the
kernel.  If a worker does not answer by the claim's budget plus :data:`GRACE`
seconds (stuck inside one long C call), it is killed and replaced, and the claim
is INCONCLUSIVE "budget of B s exhausted in TIER".  A worker is also replaced
after any INCONCLUSIVE claim, so that a claim interrupted halfway leaves no
state behind for the next one.

Workers ignore SIGINT: Ctrl-C reaches the caller, which closes the pool.
Every few seconds (``heartbeat``) a worker reports which tier and which
functions of symconv its claim is in, read from the worker's own stack.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from symconv.errors import SymconvError
from symconv.lang.claims import TIER_NAMES
from symconv.prove.outcome import verify_one
from symconv.prove.run import Diagnose
from symconv.prove.tiers import load_tier
from symconv.prove.verdict import Result, Verdict

if TYPE_CHECKING:
    from symconv.lang.claims import Claim

# Seconds a worker may overrun its claim's budget before it is killed: the timer
# stops Python code at once, so this only waits out a C call that will not return.
GRACE = 0.25
HEARTBEAT = 5.0
GIB = 2**30


def default_memory_bytes() -> int:
    """The default cap per worker: 8 GiB, or half the machine's memory if that is less."""
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 8 * GIB
    return min(8 * GIB, physical // 2)


# Address space a worker maps beyond its parent's before it runs a claim (its heartbeat
# thread's stack, the pipes): a cap below the parent's size plus this stops every claim.
WORKER_START_BYTES = 2**28
# The largest cap setrlimit takes (an rlim_t read as a C long); a larger one is no cap.
_MAX_LIMIT = 2**63 - 1


def mapped_bytes() -> int:
    """The address space this process maps now (0 where /proc does not say)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


# The number of workers `symconv verify` runs when --jobs is not given (CI, a test suite).
JOBS_ENV = "SYMCONV_JOBS"
# Memory counted per worker by default_workers: a claim of the bundled proofs stays well
# below it, and a worker per CPU on a many-core machine with little memory would swap.
AUTO_WORKER_BYTES = 2 * GIB


# Where Linux mounts the cgroup hierarchies, and where a process finds its own cgroups.
CGROUP_ROOT = Path("/sys/fs/cgroup")
SELF_CGROUP = Path("/proc/self/cgroup")


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return None


def _quota(quota: str, period: str) -> float | None:
    """CPUs of a quota of ``quota`` microseconds per ``period`` (None: no limit)."""
    try:
        q, p = int(quota), int(period)
    except ValueError:  # "max" (v2), or a file that says something else: no limit read
        return None
    return q / p if q > 0 and p > 0 else None  # -1 (v1): no limit


def _with_parents(root: Path, relative: str) -> list[Path]:
    """``root / relative`` and each folder above it up to ``root``: a limit set on any of
    them applies (in a container the relative path may be the host's, absent here)."""
    folder = root / relative.strip("/")
    return [folder, *[f for f in folder.parents if f.is_relative_to(root)]]


def cpu_quota(root: Path | None = None, self_cgroup: Path | None = None) -> float | None:
    """The CPUs a container's CPU quota grants this process (``1.5`` for 150 ms per
    100 ms), the smallest over its cgroups and their parents, or None without a quota.

    cgroup v2: ``cpu.max`` (``"150000 100000"``, or ``"max 100000"``); v1: ``cpu.cfs_quota_us``
    and ``cpu.cfs_period_us`` of the ``cpu`` controller.  ``root`` and ``self_cgroup``
    (the ``/proc/self/cgroup`` listing) can point at a fake hierarchy (default
    :data:`CGROUP_ROOT`, :data:`SELF_CGROUP`).
    """
    root = CGROUP_ROOT if root is None else root
    limits: list[float] = []
    for line in (_read(SELF_CGROUP if self_cgroup is None else self_cgroup) or "0::/"
                 ).splitlines():
        _, _, rest = line.partition(":")
        controllers, _, relative = rest.partition(":")
        if controllers == "":  # v2: one unified hierarchy
            folders = _with_parents(root, relative)
            if (root / "unified").is_dir():  # hybrid: v2 beside v1
                folders += _with_parents(root / "unified", relative)
            for folder in folders:
                fields = (_read(folder / "cpu.max") or "").split()
                if len(fields) == 2 and (cpus := _quota(*fields)) is not None:
                    limits.append(cpus)
        elif "cpu" in controllers.split(","):
            for folder in _with_parents(root / controllers, relative):
                quota = _read(folder / "cpu.cfs_quota_us")
                period = _read(folder / "cpu.cfs_period_us")
                if quota and period and (cpus := _quota(quota, period)) is not None:
                    limits.append(cpus)
    return min(limits, default=None)


def available_cpus(root: Path | None = None, self_cgroup: Path | None = None) -> int:
    """The CPUs this process may use: its affinity mask where the OS has one, and no more
    than a CPU quota grants (rounded up: 1.5 CPUs run two workers, throttled a little)."""
    process_cpu_count = getattr(os, "process_cpu_count", None)  # Python 3.13
    if process_cpu_count is not None:
        cpus = max(process_cpu_count() or 1, 1)
    else:
        try:
            cpus = max(len(os.sched_getaffinity(0)), 1)
        except AttributeError:  # not on Linux
            cpus = os.cpu_count() or 1
    quota = cpu_quota(root, self_cgroup)
    return cpus if quota is None else max(1, min(cpus, math.ceil(quota)))


def default_workers() -> int:
    """A worker per CPU this process may use, at most one per AUTO_WORKER_BYTES of memory."""
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return available_cpus()
    return max(1, min(available_cpus(), physical // AUTO_WORKER_BYTES))


def resolve_jobs(value: int | str | None, option: str) -> int:
    """The number of workers of a ``jobs`` setting: a positive number, or ``auto``
    (:func:`default_workers`); None reads $SYMCONV_JOBS, else auto.  The meaning the
    command line, :func:`symconv.verify` and the pytest plugin share; a bad value raises a
    SymconvError that names ``option`` (``--jobs``, ``jobs=``) and the value."""
    if value is None:
        option, value = f"${JOBS_ENV}=", os.environ.get(JOBS_ENV, "auto")
    if isinstance(value, str) and value.strip().lower() == "auto":
        return default_workers()
    jobs = 0
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        jobs = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        jobs = value
    if jobs < 1:
        raise SymconvError(f"{option}{value!s}; expected a positive number of workers or auto")
    return jobs


def stopped_how(exitcode: int | None) -> str:
    """Why a worker process ended without a result, from its exit code.

    SIGKILL is what the kernel's out-of-memory killer sends, so only then is memory named;
    a crash (SIGSEGV, SIGBUS, ...) or an exit status is reported as it is.
    """
    if exitcode is None or exitcode >= 0:
        return f"exit status {exitcode}"
    try:
        killed = f"killed by {signal.Signals(-exitcode).name}, signal {-exitcode}"
    except ValueError:
        killed = f"killed by signal {-exitcode}"
    if -exitcode == signal.SIGKILL:
        return (f"{killed}: out of memory? the kernel's out-of-memory killer sends it; "
                "--memory GIB caps each worker")
    return killed


@dataclass(frozen=True)
class Event:
    """What a running claim is doing: ``kind`` is "start", "tier" or "stage" (the pool's),
    "done" (the runner's, as a claim's outcome arrives) or "tick" (no claim, ``index`` -1)."""

    kind: str
    index: int
    tier: str | None = None
    stage: str = ""
    elapsed: float = 0.0


@dataclass
class _Worker:
    process: Any
    conn: Connection
    index: int | None = None
    deadline: float = 0.0
    budget: float = 0.0
    tier: str | None = None


@dataclass
class _Current:
    """The claim a worker runs now, as its heartbeat thread sees it."""

    index: int | None = None
    tier: str | None = None
    started: float = field(default_factory=time.monotonic)


# Frames of the machinery that runs a claim, left out of a stage.
_RUNNING = ("symconv.prove.outcome", "symconv.prove.run", "symconv.prove.tiers")


def _stage(thread_id: int | None) -> str:
    """The symconv functions the worker's main thread is in below its main loop, e.g.
    ``attempt > _differs > ... > call > _dft`` (outermost first)."""
    frame: FrameType | None = sys._current_frames().get(thread_id) if thread_id else None
    names: list[str] = []
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == __name__:  # the worker's loop: what is above it is the forking caller
            break
        if module.startswith("symconv.") and module not in _RUNNING:
            names.append(frame.f_code.co_name)
        frame = frame.f_back
    names.reverse()
    return " > ".join(names if len(names) <= 4 else [*names[:2], "...", *names[-2:]])


def _serve(conn: Connection, claims: Sequence[Claim], memory_bytes: int | None,
           heartbeat: float, diagnose: Diagnose) -> None:
    """A worker's main loop: receive (index, budget), send back the result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by _start: now dropped
    if memory_bytes:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = min(memory_bytes, _MAX_LIMIT)
        limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    send_lock = threading.Lock()
    current = _Current()
    main_id = threading.main_thread().ident

    def send(message: tuple[Any, ...]) -> None:
        with send_lock:
            conn.send(message)

    def beat() -> None:
        # the tier timer's signal must reach the main thread (a sleeping main thread
        # wakes only for a signal delivered to it)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(heartbeat)
            index, tier, started = current.index, current.tier, current.started
            if index is not None:
                send(("stage", index, tier, _stage(main_id), time.monotonic() - started))

    threading.Thread(target=beat, daemon=True).start()
    # The caller's end of conn stays open in the workers forked after this one, so a caller
    # killed (SIGKILL, or a signal it did not catch) sends no EOF: its death is watched too,
    # or the worker would wait for ever, holding the caller's stdout and stderr open.
    parent = multiprocessing.parent_process()
    watched: list[Connection | int] = [conn] if parent is None else [conn, parent.sentinel]
    while True:
        if conn not in wait(watched):
            return  # the caller is gone
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, budget = message

        def on_tier(name: str, index: int = index) -> None:
            current.tier = name
            send(("tier", index, name))

        current.started, current.tier, current.index = time.monotonic(), None, index
        outcome = verify_one(claims[index], budget, preempt=True, on_tier=on_tier,
                             memory_bytes=memory_bytes, diagnose=diagnose)
        current.index = None
        try:
            send(("done", index, outcome.result, outcome.error))
        except MemoryError:
            send(("done", index, None, f"{claims[index].where}: claim {claims[index].name!r}: "
                                        "the result is too large to send back"))


class ClaimPool:
    """``workers`` forked processes running claims of ``claims`` by index.

    Use as a context manager; leaving it (also by KeyboardInterrupt) kills the workers.
    """

    def __init__(self, claims: Sequence[Claim], workers: int = 1,
                 memory_bytes: int | None = None, heartbeat: float = HEARTBEAT,
                 grace: float = GRACE, diagnose: Diagnose = True) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.claims = claims
        self.size = workers
        self.memory_bytes = memory_bytes
        self.diagnose = diagnose  # as in run_tiers
        self.heartbeat = heartbeat
        self.grace = grace
        # fork: the workers inherit the claims (Python claims hold functions that
        # cannot be pickled) and the imported tiers, and start in milliseconds; the
        # caller has no other threads.
        for name in TIER_NAMES:
            load_tier(name)
        self._context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []

    def __enter__(self) -> ClaimPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            self._stop(worker)
        self._workers = []

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child, self.claims, self.memory_bytes, self.heartbeat, self.diagnose),
            daemon=True, name="symconv-worker")
        # a Ctrl-C between the fork and the worker's SIG_IGN would end the worker with a
        # traceback: SIGINT waits, blocked, until the worker ignores it and the caller has
        # the worker in its list (to kill it when the KeyboardInterrupt comes)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
            child.close()
            worker = _Worker(process, parent)
            self._workers.append(worker)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return worker

    def _stop(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        self._workers.remove(worker)

    def run(self, indexes: Sequence[int], budgets: Sequence[float],
            on_event: Callable[[Event], None] | None = None,
            ) -> Generator[tuple[int, Result | None, str | None], None, None]:
        """Run claims ``indexes`` (``budgets[k]`` seconds for ``indexes[k]``) and yield
        ``(index, result, error)`` as each finishes, in the order they finish."""
        pending = deque(zip(indexes, budgets, strict=True))
        notify = on_event or (lambda event: None)
        while pending or any(w.index is not None for w in self._workers):
            # a worker for each pending claim that no idle worker takes, up to the size
            # (none for a worker replaced near the end, when nothing is left to run)
            idle = sum(w.index is None for w in self._workers)
            for _ in range(min(self.size - len(self._workers), len(pending) - idle)):
                self._start()
            for worker in self._workers:
                if worker.index is None and pending:
                    index, budget = pending.popleft()
                    worker.conn.send((index, budget))
                    worker.index, worker.budget, worker.tier = index, budget, None
                    worker.deadline = time.monotonic() + budget + self.grace
                    notify(Event("start", index))
            busy = [w for w in self._workers if w.index is not None]
            now = time.monotonic()
            timeout = max(0.0, min(min(w.deadline for w in busy) - now, 0.25))
            ready = wait([w.conn for w in busy], timeout)
            for worker in busy:
                if worker.conn in ready:
                    yield from self._receive(worker, notify)
            now = time.monotonic()
            for worker in [w for w in self._workers if w.index is not None and now > w.deadline]:
                late, tier = worker.index, worker.tier or "the first tier"
                assert late is not None
                self._replace(worker)
                yield late, Result(Verdict.INCONCLUSIVE, tier, [], worker.budget + self.grace,
                                    detail=f"budget of {worker.budget:g} s exhausted in {tier} "
                                           "(the worker was stopped)"), None
            notify(Event("tick", -1))

    def _receive(self, worker: _Worker, notify: Callable[[Event], None],
                 ) -> Iterator[tuple[int, Result | None, str | None]]:
        index = worker.index
        assert index is not None
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            code = worker.process.exitcode
            claim = self.claims[index]
            tier = worker.tier or "the first tier"
            yield index, Result(Verdict.INCONCLUSIVE, tier, [], 0.0,
                                detail=f"the worker running {claim.name!r} stopped in {tier} "
                                       f"({stopped_how(code)})"), None
            return
        kind = message[0]
        if message[1] != index:  # a heartbeat sent just before the previous claim ended
            return
        if kind == "tier":
            worker.tier = message[2]
            notify(Event("tier", index, message[2]))
        elif kind == "stage":
            notify(Event("stage", index, message[2], message[3], message[4]))
        else:
            _, _, result, error = message
            worker.index = None
            if result is None or result.verdict is Verdict.INCONCLUSIVE:
                self._replace(worker)  # a tier stopped halfway: start afresh
            yield index, result, error
