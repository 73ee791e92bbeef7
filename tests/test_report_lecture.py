"""The lecture's computed content, compared with numeric peers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage, signal

from symconv.kernels import integer_weights
from symconv.report import lecture
from symconv.report.figures import FigureFolder


@pytest.mark.parametrize(("op", "peer"), [("corr", signal.correlate2d),
                                          ("conv", signal.convolve2d)])
def test_sliding_frames_match_scipy(op: str, peer: object) -> None:
    frames = lecture.sliding_frames(op)
    expected = peer(np.array(lecture.WINDOW_IMAGE), np.array(lecture.WINDOW_KERNEL),  # type: ignore[operator]
                    mode="valid")
    got = np.zeros_like(expected)
    for frame in frames:
        got[frame.position[0] - 1, frame.position[1] - 1] = frame.value
        assert sum(k * v for k, v in frame.products) == frame.value
    np.testing.assert_array_equal(got, expected)


def test_convolution_lays_the_flipped_kernel() -> None:
    kernel = np.array(lecture.WINDOW_KERNEL)
    assert np.array_equal(np.array(lecture.sliding_frames("corr")[0].laid_kernel), kernel)
    assert np.array_equal(np.array(lecture.sliding_frames("conv")[0].laid_kernel),
                          kernel[::-1, ::-1])


def test_flip_picture_reverses_rows_and_columns() -> None:
    picture = lecture.flip_picture()
    assert picture["flipped"] == [row[::-1] for row in picture["original"][::-1]]
    assert picture["original"] != picture["flipped"]


def test_image_examples_agree_with_ndimage(tmp_path: Path) -> None:
    figures = FigureFolder(tmp_path, "figs")
    examples = lecture.image_examples(figures)
    assert examples["gaussian5"]["identical"] and examples["gaussian5"]["centrosymmetric"]
    emboss = examples["emboss"]
    assert not emboss["identical"] and not emboss["centrosymmetric"]
    assert emboss["transpose_symmetric"]
    portrait = lecture._portrait()
    weights = np.array(integer_weights("emboss")[0])
    by_conv = ndimage.convolve(portrait, weights, mode="reflect")
    by_corr = ndimage.correlate(portrait, weights, mode="reflect")
    assert emboss["max_difference"] == np.abs(by_conv - by_corr).max()
    assert all(p.exists() and p.stat().st_size > 0 for p in figures.written)


def test_timing_plot_reports_a_consistent_crossover(tmp_path: Path) -> None:
    timing = lecture.timing_plot((1, 3, 25), FigureFolder(tmp_path, "figs"))
    assert [r["size"] for r in timing["rows"]] == [1, 3, 25]
    if timing["crossover"] is not None:
        after = [r for r in timing["rows"] if r["size"] >= timing["crossover"]]
        assert all(r["fft"] < r["direct"] for r in after)
    assert (tmp_path / "figs" / "direct-vs-fft.png").exists()


def test_exercise_solutions_come_from_the_engine() -> None:
    exercises = lecture.exercises()
    assert exercises[1]["solution"].refuted and exercises[2]["solution"].refuted
    assert "F \\ast I" in exercises[3]["solution"]


def test_cell_geometry() -> None:
    assert lecture.cell_at(0, 0, 1, 2) == f"({2 * lecture.CELL:.2f},{-lecture.CELL:.2f})"
    assert lecture.cells_box(0, 0, 0, 0, 1, 1).count("rectangle") == 1


def test_exercise_one_uses_the_source_indices_not_origin_subscripts() -> None:
    first = lecture.exercises()[0]
    assert "origin" not in first["question"] + first["solution"]
    assert first["question"].startswith(r"$F(-1),\ F(0),\ F(1) = 1,\ 2,\ -1$")
    # computed: corr and conv of [1, 2, -1] at -1 with [2, 0, 1, 3] at 0
    assert r"(F\circ I)(-1), \dots, (F\circ I)(4) = -2,\ 4,\ 1,\ -1,\ 7,\ 3" in first["solution"]
    assert r"(F\ast I)(-1), \dots, (F\ast I)(4) = 2,\ 4,\ -1,\ 5,\ 5,\ -3" in first["solution"]
