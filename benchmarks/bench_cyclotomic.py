"""Q(ζ_n) on python-flint against the SymPy-based field it replaced, in one run (issue 14).

Two source trees of symconv are timed side by side: this one (``fmpq_poly`` modulo Φ_n)
and an older one whose ``CyclotomicField`` subclassed SymPy's ``AlgebraicField``
(exported from git with ``--old-rev``, default the last such commit).  Each measurement
runs in a fresh subprocess with ``PYTHONPATH`` set to one tree, and the two trees
alternate, so both see the same machine load.

* ``q97 dense``: products of random dense elements of Q(ζ_97) (all 96 coefficients in
  [-9, 9]), time per product;
* ``q97 units``: products of ±ζ^t in Q(ζ_97), as a DFT multiplies them, time per product;
* ``poly dft 64`` / ``poly dft 8x8``: ``dft(circconv(f, g)) == dft(f) * dft(g)`` on
  Polynomial entries (``claim_sides`` + ``difference``, the exact tier's fallback when the
  packed engine cannot carry a claim), at the declared size only;
* ``cli 64`` / ``cli 8x8`` / ``cli 16x16``: ``symconv check ... --tiers exact``, the
  whole process (imports included; the exact tier runs the packed engine, which takes its
  power tables from the field).

Times are CPU seconds (user + system, of the measuring process or of the ``symconv``
child), not wall clock: the machine is shared, and CPU time varies far less with the load.
Medians (min-max) over ``--repeats`` runs; the load average is printed before and after.
Run: ``python benchmarks/bench_cyclotomic.py [--repeats 5] [--cases ...]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DFT = "dft(circconv(f, g)) == dft(f) * dft(g)"
OLD_REV = "bbe4b02"  # the last commit with the SymPy AlgebraicField subclass


def worker(case: str) -> float:
    """Seconds for one measurement of ``case`` in this process (the tree on PYTHONPATH)."""
    if case.startswith("q97"):
        from symconv.core.cyclotomic import cyclotomic_field

        field = cyclotomic_field(97)
        rng = random.Random(97)
        if case == "q97 dense":
            xs = [field.from_zeta_exponents({j: rng.randint(-9, 9) for j in range(96)})
                  for _ in range(20)]
        else:
            xs = [field.zeta_power(rng.randrange(97)) for _ in range(60)]
            xs += [-x for x in xs]
        start = time.process_time()
        for a in xs:
            for b in xs:
                a * b  # the product is what is timed
        return (time.process_time() - start) / len(xs) ** 2
    if case.startswith("poly dft"):
        from symconv.lang.claims import claim_from_text
        from symconv.prove.counterexample import build_env, claim_sides, difference

        shape = case.split()[-1]
        claim = claim_from_text(DFT, {"f": shape, "g": shape})
        (assignment,) = claim.assignments()
        env = build_env(assignment)
        start = time.process_time()
        assert difference(*claim_sides(claim, env)) is None
        return time.process_time() - start
    raise ValueError(case)


CASES = ["q97 dense", "q97 units", "poly dft 64", "poly dft 8x8", "cli 64", "cli 8x8",
         "cli 16x16"]


def measure(tree: Path, case: str) -> float:
    # cwd=tree too: ``python -m`` puts the working directory before PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if case.startswith("cli"):
        shape = case.split()[-1]
        before = _children_cpu()
        subprocess.run([sys.executable, "-m", "symconv", "check", DFT, "--signals",
                        f"f={shape},g={shape}", "--tiers", "exact", "--expect", "holds", "-q"],
                       env=env, cwd=tree, check=True, capture_output=True)
        return _children_cpu() - before
    out = subprocess.run([sys.executable, __file__, "--worker", case], env=env, cwd=tree,
                         check=True, capture_output=True, text=True).stdout.split()
    if not Path(out[1]).is_relative_to(tree):
        raise RuntimeError(f"{case}: imported symconv from {out[1]}, not from {tree}")
    return float(out[0])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _seconds(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _cell(times: list[float]) -> str:
    return f"{_seconds(statistics.median(times))} ({_seconds(min(times))}-{_seconds(max(times))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cases", nargs="*", default=CASES, choices=CASES)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--old-rev", default=OLD_REV)
    args = parser.parse_args()
    if args.worker:
        import symconv

        print(worker(args.worker), symconv.__file__)
        return
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.old_rev, "symconv"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        trees = {f"SymPy field ({args.old_rev})": Path(old).resolve(),
                 "flint field (this tree)": ROOT}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
              f"{os.cpu_count()} CPUs", flush=True)
        rows = []
        for case in args.cases:
            times: dict[str, list[float]] = {label: [] for label in trees}
            for _ in range(args.repeats):
                for label, tree in trees.items():  # alternate: both see the same load
                    times[label].append(measure(tree, case))
            old_median, new_median = (statistics.median(t) for t in times.values())
            rows.append((case, *(_cell(t) for t in times.values()),
                         f"{old_median / new_median:.1f}x"))
            print(" | ".join(rows[-1]), flush=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n| case | " + " | ".join(trees) + " | speed-up |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nCPU time, median (min-max) over {args.repeats} alternating runs per tree")


if __name__ == "__main__":
    main()
