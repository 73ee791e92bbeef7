"""The matrix view: Toeplitz, circulant, DFT diagonalisation, transpose = adjoint."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings

from symconv.apps.matrices import (
    MatrixViewSummary,
    circulant_matrix,
    conv_matrix,
    corr_matrix,
    dft_matrix,
    diagonal_matrix,
    idft_matrix,
    linear_matrix,
)
from symconv.cli import main
from symconv.core.fourier import complex_values, dft
from symconv.core.ops import conv, flip
from symconv.core.signal import Signal
from symconv.errors import NotSupportedError, ShapeError, SizeLimitError
from symconv.strategies import int_arrays


def numbers(view_entries: np.ndarray) -> np.ndarray:
    """Constant exact entries as complex numbers."""
    flat = Signal(view_entries.reshape(-1), (0,))
    return complex_values(flat).reshape(view_entries.shape)


@pytest.mark.parametrize("k, n", [(1, 1), (2, 3), (3, 4), (4, 2)])
def test_1d_conv_matrix_is_scipy_toeplitz(k: int, n: int) -> None:
    kernel = np.arange(1, k + 1)
    T = conv_matrix(Signal.literal(kernel.tolist(), origin=(0,)), (n,))
    column = np.concatenate([kernel, np.zeros(n - 1, dtype=int)])
    row = np.zeros(n, dtype=int)
    row[0] = kernel[0]
    np.testing.assert_array_equal(numbers(T.entries).real, scipy.linalg.toeplitz(column, row))
    assert T.is_toeplitz()


@pytest.mark.parametrize("kshape, ishape", [((3,), (4,)), ((2, 2), (3, 3)), ((3, 3), (3, 4))])
def test_symbolic_conv_matrix_is_toeplitz_and_its_transpose_is_corr(
        kshape: tuple[int, ...], ishape: tuple[int, ...]) -> None:
    F = Signal.symbolic("F", kshape)
    T = conv_matrix(F, ishape)
    assert T.is_toeplitz()
    out_origin = T.rows[0]
    out_shape = tuple(k + n - 1 for k, n in zip(kshape, ishape, strict=True))
    adjoint = corr_matrix(F, out_shape, input_origin=out_origin,
                          output_box=((0,) * len(ishape), ishape))
    assert T.transpose() == adjoint
    # correlation with F is not convolution with F: the flip is what makes them adjoint
    assert T.transpose() != conv_matrix(F, out_shape, input_origin=out_origin,
                                        output_box=((0,) * len(ishape), ishape))
    assert T.transpose() == conv_matrix(flip(F), out_shape, input_origin=out_origin,
                                        output_box=((0,) * len(ishape), ishape))


def test_non_toeplitz_is_detected() -> None:
    F = Signal.symbolic("F", (2,))
    image = Signal.symbolic("I", (3,), origin=(0,))
    squares = linear_matrix(conv(F, image) * Signal.literal([1, 2, 3, 4], origin=(-1,)), image)
    assert not squares.is_toeplitz()


@settings(max_examples=20, deadline=None)
@given(int_arrays(1, max_side=4), int_arrays(1, max_side=5))
def test_matrix_times_vec_is_the_convolution(kernel: np.ndarray, image: np.ndarray) -> None:
    T = conv_matrix(Signal.literal(kernel.tolist(), origin=(0,)), image.shape)
    product = numbers(T.entries).real @ image
    np.testing.assert_array_equal(product, np.convolve(kernel, image))


@pytest.mark.parametrize("period", [(1,), (3,), (4,), (5,), (2, 3), (3, 3)])
def test_dft_matrix_diagonalises_every_circulant(period: tuple[int, ...]) -> None:
    K = Signal.symbolic("K", period)
    C = circulant_matrix(K, period)
    W = dft_matrix(period)
    assert C.is_circulant(period)
    eigenvalues = diagonal_matrix(dft(K))
    assert eigenvalues @ W == W @ C
    assert idft_matrix(period) @ eigenvalues @ W == C
    if len(period) == 1 and period[0] > 2:
        assert eigenvalues.conjugate() @ W != W @ C  # mutant: conjugated eigenvalues


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6])
def test_dft_matrix_is_numpy_dft_matrix_and_unitary_up_to_n(n: int) -> None:
    W = dft_matrix((n,))
    np.testing.assert_allclose(numbers(W.entries), np.fft.fft(np.eye(n)), atol=1e-12)
    assert W.conjugate().transpose() @ W == diagonal_matrix(Signal.literal([n] * n, origin=(0,)))
    assert (dft_matrix((n,), norm="ortho").conjugate().transpose() @ dft_matrix((n,), norm="ortho")
            == diagonal_matrix(Signal.literal([1] * n, origin=(0,))))


def test_circulant_matches_scipy() -> None:
    kernel = [2, -1, 0, 5]
    C = circulant_matrix(Signal.literal(kernel, origin=(0,)), (4,))
    np.testing.assert_array_equal(numbers(C.entries).real, scipy.linalg.circulant(kernel))


def test_errors() -> None:
    F = Signal.symbolic("F", (2,))
    image = Signal.symbolic("I", (3,), origin=(0,))
    with pytest.raises(NotSupportedError, match="not linear"):
        linear_matrix(conv(image, image), image)
    with pytest.raises(ShapeError, match="matrix product"):
        _ = conv_matrix(F, (3,)) @ conv_matrix(F, (3,))
    with pytest.raises(SizeLimitError):
        MatrixViewSummary("conv", 9, 2, 9)


def test_summary_and_cli(capsys: pytest.CaptureFixture[str]) -> None:
    view = MatrixViewSummary("corr", 3, 2, 3)
    assert view.toeplitz and view.transpose_is_adjoint
    assert main(["derive", "conv", "--matrix", "--dim", "1", "--size", "3", "--input", "4"]) == 0
    out = capsys.readouterr().out
    assert "6 output rows x 4 input columns" in out and out.count(": yes") == 2
    assert main(["derive", "corr", "--matrix", "--dim", "1", "--latex"]) == 0
    assert capsys.readouterr().out.startswith(r"\left[")
    assert main(["derive", "conv", "--matrix", "--size", "9", "--input", "9"]) == 2
    assert capsys.readouterr().err.startswith("symconv: error:")
