"""downsample and upsample (symconv.core.ops): the strided, dilated, padded CNN layer and its
transposed layer written with them agree with torch and with symconv.apps.cnn."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symconv.apps import cnn
from symconv.core.ops import conv, corr, downsample, flip, shift, upsample
from symconv.core.signal import Signal
from symconv.errors import ShapeError
from symconv.lang.check import check_statement
from symconv.lang.claims import ClaimFileError
from symconv.lang.dsl import parse_statement

small = st.integers(1, 3)


def _layer(x: Signal, W: Signal, s: int, p: int, d: int) -> Signal:
    """The full strided layer on Z^2: y(o) = Σ_k W(k)·x(s·o + d·k − p)."""
    return downsample(corr(upsample(W, d, d), shift(x, p, p)), s, s)


def _transposed(g: Signal, W: Signal, p: int, s: int, d: int) -> Signal:
    """Its adjoint: (dL/dx)(z) = Σ_{s·o + d·k − p = z} g(o)·W(k)."""
    return shift(conv(upsample(W, d, d), upsample(g, s, s)), -p, -p)


@given(st.lists(st.integers(-9, 9), min_size=1, max_size=7), st.integers(-4, 4), small)
def test_downsample_reads_every_sth_sample(values: list[int], origin: int, s: int) -> None:
    a = Signal(np.array(values), (origin,))
    down = downsample(a, s)
    for x in range(-10, 10):
        assert down.value_at((x,)) == a.value_at((s * x,))


@given(st.lists(st.integers(-9, 9), min_size=1, max_size=7), st.integers(-4, 4), small)
def test_upsample_inserts_zeros_and_downsample_undoes_it(values: list[int], origin: int,
                                                         s: int) -> None:
    a = Signal(np.array(values), (origin,))
    up = upsample(a, s)
    for x in range(-30, 30):
        assert up.value_at((x,)) == (a.value_at((x // s,)) if x % s == 0 else 0)
    assert downsample(up, s) == a


def test_factors_are_checked() -> None:
    a = Signal(np.array([[1, 2], [3, 4]]))
    with pytest.raises(ShapeError, match="by 1 factors of a 2D signal"):
        downsample(a, 2)
    with pytest.raises(ShapeError, match="not a positive integer"):
        upsample(a, 2, 0)
    with pytest.raises(ClaimFileError, match="factor must be a positive integer"):
        check_statement(parse_statement("downsample(a, 0, 1) == a"), {"a": 2})
    with pytest.raises(ClaimFileError, match="needs 2 integers"):
        check_statement(parse_statement("upsample(a, 2) == a"), {"a": 2})


def test_empty_downsample_is_zero() -> None:
    assert downsample(Signal(np.array([5]), (1,)), 2) == Signal.zeros(1, False)


SETTINGS = [(s, p, d) for s in (1, 2, 3) for p in (0, 1, 2) for d in (1, 2, 3)]


@pytest.mark.parametrize(("stride", "padding", "dilation"), SETTINGS)
def test_strided_layer_matches_torch(stride: int, padding: int, dilation: int) -> None:
    torch = pytest.importorskip("torch", reason="torch is optional (pip install torch==2.13.0)")
    fn = torch.nn.functional
    rng = np.random.default_rng(stride * 100 + padding * 10 + dilation)
    x = rng.integers(-5, 6, size=(7, 8))
    W = rng.integers(-5, 6, size=(2, 3))
    sizes = zip(x.shape, W.shape, strict=True)
    if any(cnn.output_size(n, k, stride, padding, dilation) < 1 for n, k in sizes):
        pytest.skip("the kernel does not fit")
    want = fn.conv2d(torch.tensor(x[None, None], dtype=torch.float64),
                     torch.tensor(W[None, None], dtype=torch.float64),
                     stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()
    ours = _layer(Signal(x, (0, 0)), Signal(W, (0, 0)), stride, padding, dilation)
    assert np.array_equal(ours.embed((0, 0), want.shape), want)
    apps = cnn.layer(x[None], W[None, None], stride=stride, padding=padding, dilation=dilation)
    assert np.array_equal(apps[0], want)

    g = rng.integers(-5, 6, size=want.shape)
    back = fn.conv_transpose2d(torch.tensor(g[None, None], dtype=torch.float64),
                               torch.tensor(W[None, None], dtype=torch.float64),
                               stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()
    transposed = _transposed(Signal(g, (0, 0)), Signal(W, (0, 0)), padding, stride, dilation)
    assert np.array_equal(transposed.embed((0, 0), back.shape), back)
    grad = cnn.grad_input(g[None], W[None, None], (1, *x.shape), stride=stride,
                          padding=padding, dilation=dilation)
    assert np.array_equal(transposed.embed((0, 0), x.shape), grad[0])


@pytest.mark.parametrize(("stride", "padding", "dilation"), SETTINGS)
def test_grad_weight_is_a_downsampled_correlation(stride: int, padding: int,
                                                  dilation: int) -> None:
    """dL/dW(k) = Σ_o g(o)·x(s·o + d·k − p) = downsample(corr(upsample(g, s), shift(x, p)), d)."""
    rng = np.random.default_rng(stride + 10 * padding + 100 * dilation)
    x = rng.integers(-5, 6, size=(7, 6))
    W = rng.integers(-5, 6, size=(2, 2))
    out = [cnn.output_size(n, k, stride, padding, dilation) for n, k in zip(x.shape, W.shape, strict=True)]
    if min(out) < 1:
        pytest.skip("the kernel does not fit")
    g = rng.integers(-5, 6, size=out)
    closed = downsample(corr(upsample(Signal(g, (0, 0)), stride, stride),
                             shift(Signal(x, (0, 0)), padding, padding)), dilation, dilation)
    apps = cnn.grad_weight(x[None], g[None], (1, 1, *W.shape), stride=stride, padding=padding,
                           dilation=dilation)
    assert np.array_equal(closed.embed((0, 0), W.shape), apps[0, 0])


def test_per_axis_factors() -> None:
    a = Signal(np.arange(12).reshape(3, 4), (0, 0))
    assert downsample(a, 2, 3).to_array().tolist() == [[0, 3], [8, 11]]
    assert upsample(a, 1, 2).shape == (3, 7)
    # the flip of a dilated kernel is the dilated flip
    assert flip(upsample(a, 2, 3)) == upsample(flip(a), 2, 3)


def test_an_empty_downsample_has_no_period() -> None:
    from symconv.core.fourier import dft
    from symconv.core.ops import circconv

    empty = downsample(Signal(np.array([5]), (1,)), 2)
    with pytest.raises(ShapeError, match="empty box"):
        dft(empty)
    with pytest.raises(ShapeError, match="empty box"):
        circconv(empty, empty)
    assert dft(empty, 3).to_array().tolist() == [0, 0, 0]
