"""Which libraries flip the kernel: probed live where importable, else a recorded probe.

The recorded table (``symconv/report/data/library_probes.json``, package data)
holds, per target, the output of ``symconv identify --json TARGET`` with the
library's version and the date of the probe.  Refresh it on a machine with
every library installed::

    python benchmarks/record_library_probes.py

A target that cannot be probed here and has no recorded probe gets a row that
says so (never a silently dropped row); ``tests/test_report_library_table.py``
fails until the recorded table covers every target of the slide.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import json
from importlib import resources
from typing import Any

from symconv.apps.identify import BUILTIN_ADAPTERS, which_libraries_flip
from symconv.errors import ReportError

# The functions of the lecture's "which libraries flip" slide.
FLIP_SLIDE_TARGETS = (
    "numpy:convolve", "numpy:correlate", "scipy.signal:convolve2d", "scipy.signal:correlate2d",
    "scipy.ndimage:convolve", "scipy.ndimage:correlate", "torch.nn.functional:conv2d",
    "cv2:filter2D",
)
RECORD_FILE = "library_probes.json"
REFRESH_COMMAND = "python benchmarks/record_library_probes.py"
# Probed when identify has an adapter for them (another engineer is adding adapters).
OPTIONAL_TARGETS = ("torch.nn.functional:conv_transpose2d",)


def slide_targets() -> tuple[str, ...]:
    """The functions of the slide, plus optional ones identify can probe."""
    extra = tuple(t for t in OPTIONAL_TARGETS
                  if t in BUILTIN_ADAPTERS and t not in FLIP_SLIDE_TARGETS)
    return FLIP_SLIDE_TARGETS + extra


def library_of(target: str) -> str:
    """``scipy.signal:convolve2d`` -> ``scipy`` (the distribution whose version counts)."""
    return target.partition(":")[0].partition(".")[0]


def library_version(library: str) -> str:
    module = importlib.import_module(library)
    return str(getattr(module, "__version__", "unknown"))


def importable(library: str) -> bool:
    try:
        return importlib.util.find_spec(library) is not None
    except (ImportError, ValueError):
        return False


def recorded_probes() -> dict[str, dict[str, Any]]:
    """The recorded table: target -> {library, version, date, identify: <identify --json>}."""
    try:
        text = (resources.files("symconv.report") / "data" / RECORD_FILE).read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as err:
        raise ReportError(f"cannot read the recorded library probes ({RECORD_FILE}): {err}; "
                          f"refresh them with {REFRESH_COMMAND}") from None
    return {entry["identify"]["target"]: entry for entry in data["probes"]}


def _row_from_identify(found: dict[str, Any]) -> dict[str, Any]:
    """The default variant's row of ``identify --json`` output, in the slide's keys."""
    row = found["rows"][0]
    return {key: row[key] for key in ("operation", "flips_kernel", "mode", "even_centre",
                                      "boundary", "complex_input")}


def library_rows(targets: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """One row per target: what it computes, and whether that was probed now or recorded.

    Extra keys: ``source`` ("live", "recorded", or "missing" when neither is possible),
    ``library``, ``version``, ``date``.
    """
    today = datetime.date.today().isoformat()
    recorded: dict[str, dict[str, Any]] | None = None
    rows = []
    for target in targets or slide_targets():
        library = library_of(target)
        if importable(library):
            live = which_libraries_flip((target,))[0]
            if live["available"]:
                rows.append({**live, "source": "live", "library": library,
                             "version": library_version(library), "date": today})
                continue
        if recorded is None:
            recorded = recorded_probes()
        if target not in recorded:
            # Shown as such (the test of the recorded table fails in CI until it is refreshed).
            rows.append({"target": target, "available": False, "source": "missing",
                         "library": library, "version": "", "date": "",
                         **dict.fromkeys(("operation", "flips_kernel", "mode", "even_centre",
                                          "boundary", "complex_input"))})
            continue
        entry = recorded[target]
        rows.append({"target": target, "available": True, **_row_from_identify(entry["identify"]),
                     "source": "recorded", "library": entry["library"],
                     "version": entry["version"], "date": entry["date"]})
    return rows
