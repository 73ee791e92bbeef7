"""symconv.apps.compat against scipy, numpy and torch on random inputs, numeric and exact."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from symconv.apps import compat
from symconv.core.algebra import Polynomial, real_generator
from symconv.core.signal import Signal
from symconv.errors import ShapeError, UnknownNameError

ints = st.integers(-6, 6)


def arrays(ndim: int, max_side: int = 5) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.int64, hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=max_side),
                      elements=ints)


def exact(array: np.ndarray) -> np.ndarray:
    """The same entries as an object array: the exact path."""
    return np.asarray(array).astype(object)


def as_ints(result: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: int(v.as_expr()) if isinstance(v, Polynomial) else int(v),
                        otypes=[object])(result).astype(np.int64)


# --- scipy.signal ---------------------------------------------------------------------------

SIGNAL_BOUNDARIES = ["fill", "wrap", "symm"]


@settings(max_examples=60, deadline=None)
@given(arrays(2, 6), arrays(2, 4), st.sampled_from(["full", "same"]),
       st.sampled_from(SIGNAL_BOUNDARIES), ints)
def test_convolve2d_and_correlate2d_match_scipy(image: np.ndarray, kernel: np.ndarray, mode: str,
                                                boundary: str, fill: int) -> None:
    for ours, theirs in ((compat.scipy_signal_convolve2d, sps.convolve2d),
                         (compat.scipy_signal_correlate2d, sps.correlate2d)):
        expected = theirs(image, kernel, mode, boundary, fill)
        assert np.array_equal(ours(image, kernel, mode, boundary, fill), expected)
        assert np.array_equal(as_ints(ours(exact(image), exact(kernel), mode, boundary, fill)),
                              expected)


@settings(max_examples=60, deadline=None)
@given(arrays(2, 6), arrays(2, 6))
def test_valid_mode_swaps_like_scipy(a: np.ndarray, b: np.ndarray) -> None:
    """valid with the kernel larger than the image on every axis: scipy swaps the inputs."""
    fits = all(x <= y for x, y in zip(b.shape, a.shape, strict=True))
    larger = all(x >= y for x, y in zip(b.shape, a.shape, strict=True))
    for ours, theirs in ((compat.scipy_signal_convolve2d, sps.convolve2d),
                         (compat.scipy_signal_correlate2d, sps.correlate2d)):
        if fits or larger:
            expected = theirs(a, b, "valid")
            assert np.array_equal(ours(a, b, "valid"), expected)
            assert np.array_equal(as_ints(ours(exact(a), exact(b), "valid")), expected)
        else:
            with pytest.raises(ValueError):
                theirs(a, b, "valid")
            with pytest.raises(ShapeError, match="at least as large"):
                ours(a, b, "valid")


def test_correlate2d_conjugates_the_kernel_and_the_swap_flips() -> None:
    rng = np.random.default_rng(7)
    for ishape, kshape in (((4, 5), (2, 3)), ((2, 2), (3, 4))):
        a = rng.integers(-4, 5, ishape) + 1j * rng.integers(-4, 5, ishape)
        b = rng.integers(-4, 5, kshape) + 1j * rng.integers(-4, 5, kshape)
        for mode in ("full", "same", "valid"):
            np.testing.assert_allclose(compat.scipy_signal_correlate2d(a, b, mode),
                                       sps.correlate2d(a, b, mode), atol=1e-9)
            np.testing.assert_allclose(compat.scipy_signal_convolve2d(a, b, mode),
                                       sps.convolve2d(a, b, mode), atol=1e-9)


def test_fill_value_is_exact_and_may_be_symbolic() -> None:
    image, kernel = np.array([[1, 2], [3, 4]]), np.array([[1, -1], [2, 0]])
    c = Polynomial.from_generator(real_generator("c", ()))
    for ours, theirs in ((compat.scipy_signal_convolve2d, sps.convolve2d),
                         (compat.scipy_signal_correlate2d, sps.correlate2d)):
        symbolic = ours(image, kernel, "full", "fill", "c")
        assert any(not p.is_constant() for p in symbolic.flat)
        assert np.array_equal(ours(image, kernel, "full", "fill", c), symbolic)
        for value in (0, 5, -3):
            at = np.vectorize(lambda p, v=value: int(p.evaluate({real_generator("c", ()): v})),
                              otypes=[object])(symbolic).astype(np.int64)
            assert np.array_equal(at, theirs(image, kernel, "full", "fill", value))
    # a rational fill value stays exact: the symbolic result at c = 1/3
    third = compat.scipy_signal_convolve2d(image, kernel, "full", "fill", Fraction(1, 3))
    at_third = compat.scipy_signal_convolve2d(image, kernel, "full", "fill", "c")
    value = {real_generator("c", ()): Fraction(1, 3)}
    assert [Fraction(v) for v in third.flat] == [Fraction(str(p.evaluate(value)))
                                                 for p in at_third.flat]
    assert any(Fraction(v).denominator == 3 for v in third.flat)


# --- scipy.ndimage --------------------------------------------------------------------------

NDIMAGE_MODES = sorted(compat.NDIMAGE_MODES)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(arrays(d, 6), arrays(d, 4))),
       st.sampled_from(NDIMAGE_MODES), ints, st.data())
def test_ndimage_matches_scipy(pair: tuple[np.ndarray, np.ndarray], mode: str, cval: int,
                               data: st.DataObject) -> None:
    image, weights = pair
    origin = [data.draw(st.integers(-(n // 2), (n - 1) // 2)) for n in weights.shape]
    for ours, theirs in ((compat.scipy_ndimage_convolve, ndi.convolve),
                         (compat.scipy_ndimage_correlate, ndi.correlate)):
        expected = theirs(image, weights, mode=mode, cval=cval, origin=origin)
        assert np.array_equal(ours(image, weights, mode, cval, origin), expected)
        assert np.array_equal(as_ints(ours(exact(image), exact(weights), mode, cval, origin)),
                              expected)


@settings(max_examples=40, deadline=None)
@given(arrays(3, 4), st.sampled_from([(0,), (1,), (2,), (0, 2), (2, 0), (-1, 1)]),
       st.sampled_from(NDIMAGE_MODES), st.data())
def test_ndimage_axes_filter_a_subset(image: np.ndarray, axes: tuple[int, ...], mode: str,
                                      data: st.DataObject) -> None:
    weights = data.draw(arrays(len(axes), 3))
    for ours, theirs in ((compat.scipy_ndimage_convolve, ndi.convolve),
                         (compat.scipy_ndimage_correlate, ndi.correlate)):
        # scipy: the weights' axes follow the filtered axes in increasing order, origin j
        # belongs to axes[j]
        normal = [a % image.ndim for a in axes]
        sizes = [weights.shape[sorted(normal).index(a)] for a in normal]
        origin = [data.draw(st.integers(-(n // 2), (n - 1) // 2)) for n in sizes]
        expected = theirs(image, weights, mode=mode, cval=2, origin=origin, axes=axes)
        assert np.array_equal(ours(image, weights, mode, 2, origin, axes), expected)


def test_ndimage_complex_inputs() -> None:
    rng = np.random.default_rng(5)
    image = rng.normal(size=(4, 5)) + 1j * rng.normal(size=(4, 5))
    weights = rng.normal(size=(2, 3)) + 1j * rng.normal(size=(2, 3))
    for ours, theirs in ((compat.scipy_ndimage_convolve, ndi.convolve),
                         (compat.scipy_ndimage_correlate, ndi.correlate)):
        for mode in ("reflect", "wrap", "constant"):
            np.testing.assert_allclose(ours(image, weights, mode, 0.0),
                                       theirs(image, weights, mode=mode), atol=1e-12)


def test_ndimage_float_inputs_and_a_symbolic_cval() -> None:
    rng = np.random.default_rng(3)
    image, weights = rng.normal(size=(5, 6)), rng.normal(size=(3, 2))
    for ours, theirs in ((compat.scipy_ndimage_convolve, ndi.convolve),
                         (compat.scipy_ndimage_correlate, ndi.correlate)):
        np.testing.assert_allclose(ours(image, weights, "constant", 0.5),
                                   theirs(image, weights, mode="constant", cval=0.5))
        symbolic = ours(exact(image.round().astype(int)), weights.round().astype(int),
                        "grid-constant", "c")
        at = np.vectorize(lambda p: int(p.evaluate({real_generator("c", ()): 4})),
                          otypes=[object])(symbolic).astype(np.int64)
        assert np.array_equal(at, theirs(image.round().astype(int), weights.round().astype(int),
                                         mode="constant", cval=4))


# --- numpy ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(arrays(1, 7), arrays(1, 7), st.sampled_from(["full", "same", "valid"]))
def test_numpy_convolve_and_correlate(a: np.ndarray, v: np.ndarray, mode: str) -> None:
    for ours, theirs in ((compat.numpy_convolve, np.convolve),
                         (compat.numpy_correlate, np.correlate)):
        expected = theirs(a, v, mode)
        assert np.array_equal(ours(a, v, mode), expected)
        assert np.array_equal(as_ints(ours(exact(a), exact(v), mode)), expected)


def test_numpy_correlate_conjugates_v() -> None:
    rng = np.random.default_rng(11)
    for m, n in ((5, 3), (3, 5), (4, 4), (1, 6)):
        a, v = rng.normal(size=m) + 1j * rng.normal(size=m), rng.normal(size=n) + 1j * rng.normal(size=n)
        for mode in ("full", "same", "valid"):
            np.testing.assert_allclose(compat.numpy_correlate(a, v, mode), np.correlate(a, v, mode))
            np.testing.assert_allclose(compat.numpy_convolve(a, v, mode), np.convolve(a, v, mode))


# --- torch ----------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("seed", range(4))
def test_torch_conv2d_matches_torch(padding_mode: str, seed: int) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    groups = int(rng.integers(1, 3))
    kernel = tuple(int(k) for k in rng.integers(1, 4, 2))
    stride = tuple(int(s) for s in rng.integers(1, 3, 2))
    dilation = tuple(int(d) for d in rng.integers(1, 3, 2))
    padding: Any = "same" if seed == 3 else tuple(int(p) for p in rng.integers(0, 2, 2))
    if padding == "same":
        stride = (1, 1)
    x = rng.integers(-5, 6, (2, 2 * groups, 6, 7))
    w = rng.integers(-5, 6, (2 * groups, 2, *kernel))
    b = rng.integers(-5, 6, 2 * groups)
    module = torch.nn.Conv2d(2 * groups, 2 * groups, kernel, stride, padding, dilation, groups,
                             padding_mode=padding_mode, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(w.astype(np.float64)))
        module.bias.copy_(torch.from_numpy(b.astype(np.float64)))
        expected = module(torch.from_numpy(x.astype(np.float64))).numpy().astype(np.int64)
    got = compat.torch_conv2d(x, w, b, stride, padding, dilation, groups, padding_mode)
    assert np.array_equal(got, expected)
    assert np.array_equal(compat.torch_conv2d(torch.from_numpy(x), torch.from_numpy(w), b, stride,
                                              padding, dilation, groups, padding_mode), expected)
    exact_out = compat.torch_conv2d(exact(x[0]), w, b, stride, padding, dilation, groups,
                                    padding_mode)
    assert np.array_equal(as_ints(exact_out), expected[0])


def test_torch_conv2d_is_symbolic() -> None:
    x = Signal.symbolic("x", (1, 3, 3), origin=(0, 0, 0)).to_array()
    w = Signal.symbolic("w", (1, 1, 2, 2), origin=(0, 0, 0, 0)).to_array()
    (y,) = compat.torch_conv2d(x, w)
    assert str(y[0, 0].as_expr()) == ("w[0, 0, 0, 0]*x[0, 0, 0] + w[0, 0, 0, 1]*x[0, 0, 1] + "
                                      "w[0, 0, 1, 0]*x[0, 1, 0] + w[0, 0, 1, 1]*x[0, 1, 1]")


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "error", "fragment"), [
    (lambda: compat.scipy_signal_convolve2d([[1]], [[1]], "middle"), UnknownNameError, "mode"),
    (lambda: compat.scipy_signal_convolve2d([[1]], [[1]], boundary="mirror"), UnknownNameError,
     "boundary 'mirror'"),
    (lambda: compat.scipy_signal_convolve2d([1], [[1]]), ShapeError, "2D"),
    (lambda: compat.scipy_ndimage_convolve([1, 2], [1], mode="symm"), UnknownNameError, "mode"),
    (lambda: compat.scipy_ndimage_convolve([[1, 2]], [1]), ShapeError, "one per filtered axis"),
    (lambda: compat.scipy_ndimage_convolve([[1, 2]], [1], axes=[5]), ShapeError, "do not exist"),
    (lambda: compat.scipy_ndimage_convolve([1, 2], [1, 1], origin=3), ShapeError, "outside"),
    (lambda: compat.numpy_convolve([], [1]), ShapeError, "empty"),
    (lambda: compat.torch_conv2d(np.ones((2, 2)), np.ones((1, 1, 1, 1))), ShapeError, "expected"),
])
def test_bad_input_is_one_line(call: Any, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error, match=fragment) as info:
        call()
    assert "\n" not in str(info.value)
