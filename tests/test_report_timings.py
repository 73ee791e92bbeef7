"""Direct vs FFT timings: both methods agree with scipy, medians are cached per machine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from symconv.report import timings
from symconv.report.figures import FigureFolder


@pytest.mark.parametrize("k", [1, 2, 5])
def test_both_methods_compute_the_full_convolution(k: int) -> None:
    rng = np.random.default_rng(1)
    image, kernel = rng.standard_normal((9, 7)), rng.standard_normal((k, k))
    expected = signal.convolve2d(image, kernel, mode="full")
    np.testing.assert_allclose(timings.direct_convolve(image, kernel), expected, atol=1e-12)
    np.testing.assert_allclose(timings.fft_convolve(image, kernel), expected, atol=1e-12)


def test_crossover_is_where_fft_stays_faster() -> None:
    rows = [{"size": 1, "direct": 1, "fft": 5}, {"size": 3, "direct": 4, "fft": 3},
            {"size": 5, "direct": 2, "fft": 3}, {"size": 7, "direct": 9, "fft": 3},
            {"size": 9, "direct": 20, "fft": 3}]
    assert timings.crossover(rows) == 7
    assert timings.crossover(rows[:3]) is None
    assert timings.crossover([{"size": 1, "direct": 9, "fft": 1}]) == 1


def test_fit_recovers_a_model_and_never_goes_negative() -> None:
    ks = np.array([1.0, 3, 5, 9, 15])
    features = np.column_stack([np.ones_like(ks), ks ** 2])
    weights = timings._fit(features, 2e-4 + 3e-6 * ks ** 2)
    np.testing.assert_allclose(weights, [2e-4, 3e-6], rtol=1e-6)
    assert np.all(timings._fit(features, 1e-3 - 1e-6 * ks ** 2) >= 0)


def test_two_builds_show_the_same_measurements(tmp_path: Path) -> None:
    sizes = (1, 3)
    first = timings.timing_plot(sizes, FigureFolder(tmp_path, "figs"))
    second = timings.timing_plot(sizes, FigureFolder(tmp_path, "figs"))
    assert not first["cached"] and second["cached"]
    assert first["rows"] == second["rows"] and first["crossover"] == second["crossover"]
    cache = json.loads((tmp_path / "cache" / timings.CACHE_NAME).read_text())
    assert cache["key"] == timings.machine_key(sizes)


def test_cache_of_another_machine_is_measured_again(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    foreign = {"key": dict(timings.machine_key((1,)), node="elsewhere"), "date": "2000-01-01",
               "rows": [{"size": 1, "direct": 1.0, "fft": 1.0, "max_difference": 0.0}]}
    (cache_dir / timings.CACHE_NAME).write_text(json.dumps(foreign))
    data = timings.cached_measurements((1,), cache_dir)
    assert not data["cached"] and data["date"] != "2000-01-01"


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2**32 - 1))
def test_direct_and_fft_agree_on_any_shapes(n1: int, n2: int, k1: int, k2: int,
                                             seed: int) -> None:
    rng = np.random.default_rng(seed)
    image, kernel = rng.integers(-5, 6, (n1, n2)).astype(float), rng.integers(-5, 6, (k1, k2))
    expected = signal.convolve2d(image, kernel, mode="full")
    np.testing.assert_allclose(timings.direct_convolve(image, kernel.astype(float)), expected)
    np.testing.assert_allclose(timings.fft_convolve(image, kernel.astype(float)), expected,
                               atol=1e-9)
