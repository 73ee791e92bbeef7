"""Record what each library function of the lecture's "which libraries flip" slide computes.

Runs ``symconv identify --json TARGET`` for every target of the slide and
stores the output with the library's version and today's date in
``symconv/report/data/library_probes.json`` (package data).  The lecture uses
a recorded row only when the library is not importable where it is built, and
says so on the slide.  Run on a machine with numpy, scipy, torch and OpenCV:

    python benchmarks/record_library_probes.py
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

from symconv.core.atomic import atomic_write
from symconv.report.library_table import (
    OPTIONAL_TARGETS,
    RECORD_FILE,
    library_of,
    library_version,
    slide_targets,
)

TARGET_FILE = Path(__file__).resolve().parent.parent / "symconv" / "report" / "data" / RECORD_FILE


def record(target: str) -> dict[str, object]:
    found = subprocess.run([sys.executable, "-m", "symconv", "identify", "--json", target],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise SystemExit(f"symconv identify {target} failed: {found.stderr.strip()}")
    library = library_of(target)
    return {"library": library, "version": library_version(library),
            "date": datetime.date.today().isoformat(), "identify": json.loads(found.stdout)}


def main() -> int:
    targets = list(slide_targets())
    targets += [t for t in OPTIONAL_TARGETS if t not in targets]
    probes = []
    for target in targets:
        try:
            probes.append(record(target))
        except SystemExit as err:
            if target in OPTIONAL_TARGETS:  # identify has no adapter for it yet
                print(f"skipped {target}: {err}", file=sys.stderr)
                continue
            raise
        print(f"recorded {target}", file=sys.stderr)
    atomic_write(TARGET_FILE, json.dumps({"probes": probes}, indent=1) + "\n")
    print(f"wrote {TARGET_FILE} ({len(probes)} targets)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
