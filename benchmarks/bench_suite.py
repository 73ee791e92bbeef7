"""Wall time and peak memory of the test suite (or of any command), as CI runs it.

``/usr/bin/time -v`` reports only the largest single process, but ``pytest -n 2`` runs a
controller, two xdist workers and the subprocesses some tests start.  This script samples
the resident set size of the whole process tree (psutil, every ``--interval`` seconds) and
reports the largest sum seen, next to the largest single process and the load average
before and after (the machine is shared, so a wall time means little without it).  It also
reports the CPU time (user + system) of the whole tree, from ``getrusage(RUSAGE_CHILDREN)``:
far less sensitive to other work on the machine than the wall time (on an idle machine
with 2 cores, ``pytest -n 2`` takes about half of it as wall time).

The sum of RSS counts shared library pages once per process, so it overstates the memory
the tree really holds: an upper bound, which is the safe side for a "peak under X" target.

Run: ``python benchmarks/bench_suite.py`` (the CI command ``python -m pytest -n 2``), or
``python benchmarks/bench_suite.py -- python -m symconv verify --allow-python proofs/``.
Targets (issue 17): the suite under 3 min and 2.5 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

import psutil

SUITE = [sys.executable, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider"]
WALL_TARGET_S = 180.0
PEAK_TARGET_BYTES = 2.5 * 2**30


@dataclass(frozen=True)
class Measurement:
    """One run of a command: exit status, wall seconds and the RSS peaks seen."""

    returncode: int
    wall_s: float
    cpu_s: float
    peak_tree_bytes: int
    peak_single_bytes: int
    processes_seen: int


def _tree_rss(root: psutil.Process) -> tuple[int, int, set[int]]:
    """Sum and maximum RSS over ``root`` and its live descendants, and their pids."""
    total = largest = 0
    pids: set[int] = set()
    try:
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0, pids
    for member in members:
        try:
            rss = member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue  # ended between the listing and the read
        total += rss
        largest = max(largest, rss)
        pids.add(member.pid)
    return total, largest, pids


def measure(command: list[str], interval: float) -> Measurement:
    """Run ``command`` to the end, sampling its process tree's memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(command)
    root = psutil.Process(child.pid)
    peak_tree = peak_single = 0
    seen: set[int] = set()
    while child.poll() is None:
        total, largest, pids = _tree_rss(root)
        peak_tree, peak_single = max(peak_tree, total), max(peak_single, largest)
        seen |= pids
        time.sleep(interval)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # every reaped descendant
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measurement(child.returncode, wall, cpu, peak_tree, peak_single, len(seen))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.2,
                        help="seconds between memory samples (default 0.2)")
    parser.add_argument("command", nargs="*",
                        help="the command to measure (after --); default: the CI pytest run")
    args = parser.parse_args(argv)
    command = args.command or SUITE
    print("command:", " ".join(command), flush=True)
    load_before = _load()
    result = measure(command, args.interval)
    gib = 2**30
    print(f"exit status {result.returncode}")
    print(f"wall {result.wall_s:.1f} s (target < {WALL_TARGET_S:.0f} s for the suite); "
          f"CPU (user + system) of the tree {result.cpu_s:.1f} s")
    print(f"peak RSS, sum over the process tree: {result.peak_tree_bytes / gib:.2f} GiB "
          f"(target < {PEAK_TARGET_BYTES / gib:.1f} GiB); largest single process "
          f"{result.peak_single_bytes / gib:.2f} GiB; {result.processes_seen} processes seen")
    print(f"load average (1, 5, 15 min): before {load_before}, after {_load()}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
