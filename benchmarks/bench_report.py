"""Time every bundled report: .tex only, then with PDFs (when LaTeX is installed).

    python benchmarks/bench_report.py [OUT_DIR]

Prints one line per report and the totals; the targets are 30 s (.tex only)
and 120 s (with PDFs) for all of them.  The verify report needs a
`symconv verify --json` file; it is made first from proofs/source.toml (its
time is printed separately and not counted).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from symconv.cli import main
from symconv.report.build import build_report
from symconv.report.pdf import find_engine
from symconv.report.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ("derivation", "lecture", "claims", "verify")


def run(out: Path) -> None:
    started = time.perf_counter()
    results = out / "verify.json"
    main(["verify", str(ROOT / "proofs" / "source.toml"), "--json", str(results)])
    print(f"(symconv verify proofs/source.toml --json: {time.perf_counter() - started:.1f} s)")
    specs = [load_spec(ROOT / "reports" / f"{name}.toml") for name in SPECS]
    specs = [replace(s, input=results) if s.report == "verify" else s for s in specs]
    modes = [False] + ([True] if find_engine() is not None else [])
    for pdf in modes:
        total = 0.0
        for spec in specs:
            result = build_report(spec, out, pdf=pdf)
            total += result.seconds
            print(f"{spec.output:12s} {'pdf' if pdf else 'tex'}  {result.seconds:6.1f} s")
        print(f"all reports, {'with PDFs' if pdf else '.tex only'}: {total:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder))
