"""The lecture's computed content, compared with numeric peers (numpy, scipy, torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage, signal

from symconv.apps import cnn
from symconv.core.kernels import integer_weights
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


def test_window_example_separates_conv_from_corr() -> None:
    example = lecture.window_example()
    by_corr, by_conv = np.array(example["corr"]), np.array(example["conv"])
    # the issue: conv and corr must differ at most outputs, and not be a transpose of each other
    assert example["differ_count"] == int(np.sum(by_corr != by_conv)) >= 8
    assert not np.array_equal(by_conv, by_corr.T)
    assert not np.array_equal(by_conv, by_corr[::-1, ::-1])
    assert example["flipped_corr"] == example["conv"]


def test_flip_steps_reverse_rows_then_columns() -> None:
    steps = lecture.flip_steps()
    assert steps["rows"] == steps["original"][::-1]
    assert steps["flipped"] == [row[::-1] for row in steps["original"][::-1]]


def test_image_examples_agree_with_ndimage(tmp_path: Path) -> None:
    figures = FigureFolder(tmp_path, "figs")
    examples = lecture.image_examples(figures)
    assert examples["gaussian5"]["max_difference"] == 0
    portrait = lecture._portrait()
    weights = np.array(integer_weights("emboss")[0])
    by_conv = ndimage.convolve(portrait, weights, mode="reflect")
    by_corr = ndimage.correlate(portrait, weights, mode="reflect")
    assert examples["emboss"]["max_difference"] == np.abs(by_conv - by_corr).max() > 0
    assert all(p.exists() and p.stat().st_size > 0 for p in figures.written)


def test_kernel_table_symmetries() -> None:
    rows = {row["name"]: row for row in lecture.kernel_table()}
    assert rows["emboss"]["transpose_symmetric"] and not rows["emboss"]["centrosymmetric"]
    assert rows["gaussian5"]["transpose_symmetric"] and rows["gaussian5"]["centrosymmetric"]
    assert not rows["sobel_x"]["transpose_symmetric"]


def test_matrix_view_findings() -> None:
    view = lecture.matrix_view()
    assert view["is_toeplitz"] and view["transpose_is_corr"] and view["is_circulant"]
    assert view["is_diagonal"] and view["diagonal_is_dft"]
    assert view["toeplitz_shape"] == (6, 4) and len(view["eigenvalues"]) == 4
    assert not any(r"\zeta" in e for e in view["eigenvalues"])


@pytest.mark.parametrize("args", lecture.LAYER_PICTURES)
def test_layer_footprints_follow_the_index_law(args: tuple[str, int, int, int, int, int]) -> None:
    picture = lecture.layer_picture(*args)
    _, size, kernel, stride, padding, dilation = args
    assert picture.out == len(range(0, size + 2 * padding - dilation * (kernel - 1), stride))
    for (o_r, o_c), cells in zip(picture.positions, picture.footprints, strict=True):
        taps = {(o_r * stride + a * dilation, o_c * stride + b * dilation)
                for a in range(kernel) for b in range(kernel)}
        assert set(cells) == taps


def test_layer_picture_matches_torch_shapes() -> None:
    torch = pytest.importorskip("torch")
    for _, size, kernel, stride, padding, dilation in lecture.LAYER_PICTURES:
        out = torch.nn.functional.conv2d(torch.ones(1, 1, size, size),
                                         torch.ones(1, 1, kernel, kernel), stride=stride,
                                         padding=padding, dilation=dilation)
        assert out.shape[-1] == lecture.layer_picture("t", size, kernel, stride, padding,
                                                      dilation).out


def test_output_size_law_is_checked() -> None:
    law = lecture.output_size_law()
    assert law["problems"] == 0 and r"\rfloor" in law["latex"]


def test_aliasing_wraps_the_last_output_onto_the_first() -> None:
    data = lecture.aliasing()
    assert data["linear"] == np.convolve(data["a"], data["b"]).tolist()
    n = len(data["circular"])
    by_fft = np.fft.ifft(np.fft.fft(data["a"], n) * np.fft.fft(data["b"], n)).real
    np.testing.assert_allclose(by_fft, data["circular"], atol=1e-9)
    assert data["circular"][0] == data["linear"][0] + data["linear"][n]


def test_pixel_lines_hold_every_term() -> None:
    lines = lecture.pixel_lines()
    assert sum(line.count("{W}") for line in lines) == 18 and lines[-1].endswith("{b}_{0}")


def test_exercise_one_matches_numpy() -> None:
    first = lecture.exercise_one()
    kernel, image = [1, 2, -1], [2, 0, 1, 3]
    corr_values = np.correlate(image, kernel, mode="full").tolist()
    assert first["corr"].endswith(r",\ ".join(str(v) for v in np.trim_zeros(corr_values)))
    conv_values = np.convolve(kernel, image).tolist()
    assert first["conv"].endswith(r",\ ".join(str(v) for v in np.trim_zeros(conv_values)))
    assert len(first["corr_sums"]) == len(first["conv_sums"]) == 6


def test_exercise_layer_size() -> None:
    layer = lecture.exercise_layer()
    assert layer["out"] == cnn.output_size(7, 3, 2, 1, 2) == (7 + 2 - 5) // 2 + 1
    assert layer["first_cells"][0] == (-1, -1) and (1, 1) in layer["first_real"]
