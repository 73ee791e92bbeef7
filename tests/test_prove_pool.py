"""Worker processes: results by index, a dead worker replaced, a stuck one killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from symconv.core.ops import conv
from symconv.core.signal import Signal
from symconv.lang.claims import Claim, claim_from_text
from symconv.prove import Verdict, pool
from symconv.prove.pool import GRACE, ClaimPool, default_memory_bytes, stopped_how


def _dies(a: Signal, b: Signal) -> tuple[Signal, Signal]:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    return a, b


def _ignores_the_timer(a: Signal, b: Signal) -> tuple[Signal, Signal]:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)
    return conv(a, b), conv(b, a)


def _claims(*procedures: Any) -> list[Claim]:
    base = claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"}, tiers=["exact"])
    return [base] + [replace(base, name=f"p{k}", statement=None, procedure=p)
                     for k, p in enumerate(procedures)]


def test_a_worker_that_dies_is_reported_and_replaced() -> None:
    claims = _claims(_dies)
    with ClaimPool(claims) as pool:
        results = {i: r for i, r, _ in pool.run([1, 0], [5.0, 5.0])}
    dead, fine = results[1], results[0]
    assert dead is not None and dead.verdict is Verdict.INCONCLUSIVE
    assert "killed by SIGKILL, signal 9: out of memory?" in dead.detail
    assert "in exact" in dead.detail
    assert fine is not None and fine.verdict is Verdict.VERIFIED


@pytest.mark.parametrize(("exitcode", "says", "no_memory"), [
    (-signal.SIGKILL, "killed by SIGKILL, signal 9: out of memory?", False),
    (-signal.SIGSEGV, "killed by SIGSEGV, signal 11", True),
    (-200, "killed by signal 200", True),
    (3, "exit status 3", True),
])
def test_why_a_worker_stopped_names_memory_only_for_sigkill(exitcode: int, says: str,
                                                           no_memory: bool) -> None:
    text = stopped_how(exitcode)
    assert text.startswith(says)
    assert ("memory" not in text) is no_memory


def test_a_stuck_worker_is_killed_at_the_deadline() -> None:
    claims = _claims(_ignores_the_timer)
    start = time.monotonic()
    with ClaimPool(claims, workers=2) as pool:
        finished = {i: r for i, r, _ in pool.run([1, 0], [0.5, 5.0])}
    elapsed = time.monotonic() - start
    stuck, other = finished[1], finished[0]
    assert other is not None and other.verdict is Verdict.VERIFIED
    assert stuck is not None and stuck.detail.startswith("budget of 0.5 s exhausted in exact")
    assert elapsed < 0.5 + GRACE + 1.5


def test_default_memory_cap_is_below_the_machine() -> None:
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert 0 < default_memory_bytes() <= min(8 * 2**30, physical // 2)


def test_default_workers_is_a_worker_per_cpu_with_two_gib_each(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "available_cpus", lambda: 64)
    pages = 9 * pool.GIB // os.sysconf("SC_PAGE_SIZE")
    sysconf = os.sysconf
    monkeypatch.setattr(os, "sysconf", lambda name: pages if name == "SC_PHYS_PAGES"
                        else sysconf(name))
    assert pool.default_workers() == 4  # 9 GiB: four workers of 2 GiB, not 64
    monkeypatch.setattr(pool, "available_cpus", lambda: 3)
    assert pool.default_workers() == 3


def _cgroups(tmp_path: Path, listing: str, files: dict[str, str]) -> tuple[Path, Path]:
    """A fake /sys/fs/cgroup (``files`` by path below it) and /proc/self/cgroup."""
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    root.mkdir(exist_ok=True)
    (tmp_path / "self").write_text(listing)
    return root, tmp_path / "self"


@pytest.mark.parametrize(("listing", "files", "cpus"), [
    ("0::/\n", {"cpu.max": "150000 100000\n"}, 1.5),                      # v2, in a container
    ("0::/\n", {"cpu.max": "max 100000\n"}, None),                        # v2, no quota
    ("0::/a/b\n", {"a/cpu.max": "100000 100000\n", "a/b/cpu.max": "300000 100000\n"}, 1.0),
    ("4:cpu,cpuacct:/docker/x\n", {"cpu,cpuacct/cpu.cfs_quota_us": "50000\n",  # v1, host path
                                   "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 0.5),
    ("1:cpu:/\n", {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ("1:cpu:/\n0::/\n", {"cpu/cpu.cfs_quota_us": "400000\n", "cpu/cpu.cfs_period_us": "100000\n",
                         "unified/cpu.max": "250000 100000\n"}, 2.5),      # hybrid: the least
    ("0::/\n", {"cpu.max": "garbage\n"}, None),
    ("", {}, None),
])
def test_cpu_quota_reads_cgroup_v1_and_v2(tmp_path: Path, listing: str, files: dict[str, str],
                                          cpus: float | None) -> None:
    assert pool.cpu_quota(*_cgroups(tmp_path, listing, files)) == cpus


def test_available_cpus_is_the_least_of_affinity_and_quota(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    affinity = len(os.sched_getaffinity(0))
    for quota, expected in ((f"{150000 * affinity} 100000", affinity),  # more than the mask
                            ("150000 100000", min(affinity, 2)),  # 1.5 CPUs: two workers
                            ("20000 100000", 1)):  # a fifth of a CPU is still one worker
        root, listing = _cgroups(tmp_path, "0::/\n", {"cpu.max": quota})
        assert pool.available_cpus(root, listing) == expected
    # what --jobs auto asks for reads the same files
    monkeypatch.setattr(pool, "CGROUP_ROOT", root)
    monkeypatch.setattr(pool, "SELF_CGROUP", listing)
    assert pool.default_workers() == 1


def _report_mask(conn: Any, *args: Any) -> None:
    conn.send(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_a_ctrl_c_while_a_worker_starts_waits_until_the_worker_ignores_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT is blocked from before the fork to the worker's SIG_IGN (a Ctrl-C in between
    would end the worker with a traceback), and in the caller only while it forks."""
    monkeypatch.setattr(pool, "_serve", _report_mask)
    with ClaimPool([]) as claims:
        worker = claims._start()
        assert worker.conn.recv() is True
        assert claims._workers == [worker]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_workers_end_when_their_caller_is_killed(tmp_path: Path) -> None:
    # each worker holds the caller's end of the others' pipes: no EOF tells them it is gone
    code = ("import os, signal\n"
            "from symconv.lang.claims import claim_from_text\n"
            "from symconv.prove.pool import ClaimPool\n"
            "claims = [claim_from_text('conv(a, b) == conv(b, a)', {'a': '3', 'b': '3'})]\n"
            "pool = ClaimPool(claims, workers=2)\n"
            "pids = [pool._start().process.pid for _ in range(2)]\n"
            "print(*pids, flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    pids = tmp_path / "pids"
    with pids.open("w") as out:  # a file, not a pipe: a live worker would hold a pipe open
        caller = subprocess.run([sys.executable, "-c", code], stdout=out, timeout=60, check=False)
    assert caller.returncode == -signal.SIGKILL
    workers = [int(pid) for pid in pids.read_text().split()]
    assert len(workers) == 2
    try:
        deadline = time.monotonic() + 10
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_running, workers))
    finally:
        for pid in filter(_running, workers):
            os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has ended: only its parent has not reaped it


def test_a_worker_ignores_sigint_and_runs_on() -> None:
    claims = [claim_from_text("conv(F, I) == conv(I, F)", {"F": "3", "I": "3"})]
    with ClaimPool(claims) as running:
        worker = running._start()
        os.kill(worker.process.pid, signal.SIGINT)
        (index, result, error), = running.run([0], [30])
        assert (index, error, result.verdict) == (0, None, Verdict.PROVED)
        assert worker.process.is_alive()
