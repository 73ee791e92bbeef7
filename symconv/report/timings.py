"""Direct vs FFT convolution, timed honestly: numpy both ways, medians, cached per machine.

Both methods compute the same full linear convolution of a seeded image with
a seeded k x k kernel, with numpy only (a runtime dependency):

* direct: k² shifted multiply-adds of the whole image (k² products per pixel);
* FFT: ``numpy.fft.rfft2`` of both, zero-padded to the full size n + k - 1
  (the padding that makes the circular product the linear convolution), the
  product, and ``irfft2``: O(N² log N) whatever k.

Each time is the median of ``REPEATS`` runs.  The results are cached in
``<out_dir>/cache/lecture-timings.json`` under a key naming the machine, the
numpy version and the sizes, so two builds on one machine show the same plot;
delete the file to measure again.  The model curves a + b·k² (direct) and
c + e·N² log N (FFT) are least-squares fits to the medians (relative error).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from symconv.core.atomic import atomic_write
from symconv.errors import ReportError
from symconv.report.figures import FigureFolder

IMAGE_SIDE = 128
REPEATS = 7
SEED = 0
CACHE_NAME = "lecture-timings.json"
METHOD_VERSION = 1  # bump when the timed code changes, so old caches are not reused


def direct_convolve(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Full 2D convolution by k² shifted multiply-adds."""
    (n1, n2), (k1, k2) = image.shape, kernel.shape
    out = np.zeros((n1 + k1 - 1, n2 + k2 - 1))
    for a in range(k1):
        for b in range(k2):
            out[a:a + n1, b:b + n2] += kernel[a, b] * image
    return out


def fft_convolve(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Full 2D convolution through the DFT, zero-padded to n + k - 1 on each axis."""
    shape = tuple(n + k - 1 for n, k in zip(image.shape, kernel.shape, strict=True))
    product = np.fft.rfft2(image, shape) * np.fft.rfft2(kernel, shape)
    return np.fft.irfft2(product, shape)


def median_time(func: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def machine_key(sizes: tuple[int, ...]) -> dict[str, Any]:
    """What the cached numbers depend on."""
    return {"node": platform.node(), "machine": platform.machine(),
            "processor": platform.processor(), "cpus": os.cpu_count(),
            "numpy": np.__version__, "sizes": list(sizes), "image_side": IMAGE_SIDE,
            "repeats": REPEATS, "seed": SEED, "method": METHOD_VERSION}


def measure(sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    """Median times of both methods per kernel size; each pair of results is compared."""
    rng = np.random.default_rng(SEED)
    image = rng.standard_normal((IMAGE_SIDE, IMAGE_SIDE))
    rows = []
    for k in sizes:
        kernel = rng.standard_normal((k, k))
        gap = float(np.max(np.abs(direct_convolve(image, kernel) - fft_convolve(image, kernel))))
        if not gap < 1e-8 * k * k:
            raise ReportError(f"direct and FFT convolution differ by {gap:g} at k = {k}")
        rows.append({"size": k,
                     "direct": median_time(partial(direct_convolve, image, kernel)),
                     "fft": median_time(partial(fft_convolve, image, kernel)),
                     "max_difference": gap})
    return rows


def cached_measurements(sizes: tuple[int, ...], cache_dir: Path) -> dict[str, Any]:
    """The cached measurement for this machine and these sizes, measured now if absent."""
    key = machine_key(sizes)
    path = cache_dir / CACHE_NAME
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return dict(cached, cached=True)
    except (OSError, ValueError):
        pass
    data = {"key": key, "date": datetime.date.today().isoformat(), "rows": measure(sizes)}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(data, indent=1) + "\n")
    except OSError as err:
        raise ReportError(f"cannot write the timing cache {path}: {err.strerror or err}") from None
    return dict(data, cached=False)


def _fit(features: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Non-negative weights w with features @ w ≈ times in relative error (two features)."""
    weighted = features / times[:, None]
    ones = np.ones_like(times)
    best, best_error = np.zeros(features.shape[1]), math.inf
    # the unconstrained fit, or one feature alone when a weight comes out negative
    candidates = [np.linalg.lstsq(weighted, ones, rcond=None)[0]]
    for j in range(features.shape[1]):
        w = np.zeros(features.shape[1])
        w[j] = float(weighted[:, j] @ ones / (weighted[:, j] @ weighted[:, j]))
        candidates.append(w)
    for w in candidates:
        error = float(np.sum((weighted @ w - ones) ** 2))
        if np.all(w >= 0) and error < best_error:
            best, best_error = w, error
    return best


def crossover(rows: list[dict[str, Any]]) -> int | None:
    """The smallest measured k from which FFT is faster at every larger measured k."""
    found = None
    for row in reversed(rows):
        if row["fft"] >= row["direct"]:
            break
        found = row["size"]
    return found


def timing_plot(sizes: tuple[int, ...], figures: FigureFolder) -> dict[str, Any]:
    """The measured medians (cached), the model fits, and the plot; keys for the slide."""
    data = cached_measurements(tuple(sizes), figures.path.parent / "cache")
    rows = data["rows"]
    ks = np.array([r["size"] for r in rows], dtype=float)
    direct = np.array([r["direct"] for r in rows])
    fft = np.array([r["fft"] for r in rows])
    full = IMAGE_SIDE + ks - 1
    direct_w = _fit(np.column_stack([np.ones_like(ks), ks ** 2]), direct)
    fft_w = _fit(np.column_stack([np.ones_like(ks), full ** 2 * np.log2(full)]), fft)
    fine = np.linspace(ks.min(), ks.max(), 200)
    fine_full = IMAGE_SIDE + fine - 1
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    ax.semilogy(ks, direct * 1e3, "o", color="C0", markersize=7, label="direct, measured")
    ax.semilogy(ks, fft * 1e3, "s", color="C1", markersize=7, label="FFT, measured")
    ax.semilogy(fine, (direct_w[0] + direct_w[1] * fine ** 2) * 1e3, "-", color="C0",
                label=r"model $a + b\,k^2$")
    ax.semilogy(fine, (fft_w[0] + fft_w[1] * fine_full ** 2 * np.log2(fine_full)) * 1e3, "--",
                color="C1", label=r"model $c + e\,N^2\log N$, $N = n+k-1$")
    found = crossover(rows)
    if found is not None:
        ax.axvline(found, color="grey", linestyle=":", linewidth=2)
    ax.set_xlabel(f"kernel size k (k×k kernel, {IMAGE_SIDE}×{IMAGE_SIDE} image)", fontsize=12)
    ax.set_ylabel(f"time per convolution (ms, median of {REPEATS})", fontsize=12)
    ax.tick_params(labelsize=11)
    ax.legend(fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    gap = max(r["max_difference"] for r in rows)
    mantissa, exponent = f"{gap:.0e}".split("e")
    return {"rows": rows, "crossover": found,
            "agreement": rf"{mantissa}\cdot 10^{{{int(exponent)}}}", "image_side": IMAGE_SIDE,
            "repeats": REPEATS,
            "date": data["date"], "cached": data["cached"], "numpy": data["key"]["numpy"],
            "cache_file": f"cache/{CACHE_NAME}",
            "max_difference": gap,
            "plot": figures.save_figure(fig, "direct-vs-fft.png")}
