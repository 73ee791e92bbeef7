"""symconv.core.ops against scipy.signal, scipy.ndimage and numpy, and its exact laws."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as sps
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symconv.core.ops import (
    MAX_EXACT_PRODUCTS,
    circconv,
    circcorr,
    conj,
    conv,
    corr,
    flip,
    frobenius,
    matmul,
    periodize,
    shift,
    total,
    trace,
    transpose,
    zeropad,
)
from symconv.core.signal import Signal
from symconv.errors import ShapeError, SizeLimitError, UnknownNameError
from symconv.strategies import int_arrays, kernel_and_image, kernel_fitting_image, origins

# scipy.signal's names for our boundaries; scipy.ndimage's names.
SIGNAL_BOUNDARY = {"zero": "fill", "wrap": "wrap", "reflect": "symm"}
NDIMAGE_BOUNDARY = {
    "zero": "constant", "wrap": "wrap", "reflect": "reflect", "mirror": "mirror",
    "nearest": "nearest",
}


def at_zero(array: np.ndarray) -> Signal:
    """An array as a signal with its first entry at 0 (array indices are coordinates)."""
    return Signal.from_array(array, (0,) * np.ndim(array))


def scipy_same_origin(shape: tuple[int, ...]) -> tuple[int, ...]:
    """scipy.signal's 'same' (convolve, convolve2d, correlate2d; not correlate) centres a
    kernel of size n at index (n-1)//2."""
    return tuple(-((n - 1) // 2) for n in shape)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: kernel_and_image(d, 4, 5)), origins, origins)
def test_full_conv_and_corr_match_scipy_signal(pair: tuple[np.ndarray, np.ndarray],
                                                ko: int, io: int) -> None:
    k, img = pair
    K = Signal.from_array(k, (ko,) * k.ndim)
    I = Signal.from_array(img, (io,) * img.ndim)
    c = conv(K, I)
    assert np.array_equal(c.entries, sps.convolve(img, k, method="direct"))
    assert c.origin == tuple(a + b for a, b in zip(K.origin, I.origin, strict=True))
    r = corr(K, I)
    assert np.array_equal(r.entries, sps.correlate(img, k, method="direct"))
    # correlate's lag 0 sits at index len(kernel)-1 of its output
    assert r.origin == tuple(io - (ko + n - 1) for n in k.shape)


@settings(max_examples=60, deadline=None)
@given(kernel_and_image(2, 5, 7), st.sampled_from(sorted(SIGNAL_BOUNDARY)))
def test_same_mode_matches_convolve2d_and_correlate2d(pair: tuple[np.ndarray, np.ndarray],
                                                      boundary: str) -> None:
    k, img = pair
    K = Signal.from_array(k, scipy_same_origin(k.shape))
    I = at_zero(img)
    sb = SIGNAL_BOUNDARY[boundary]
    assert np.array_equal(conv(K, I, "same", boundary).entries,
                          sps.convolve2d(img, k, "same", boundary=sb))
    assert np.array_equal(corr(K, I, "same", boundary).entries,
                          sps.correlate2d(img, k, "same", boundary=sb))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: kernel_and_image(d, 4, 6)))
def test_same_mode_of_scipy_signal_convolve_and_correlate(pair: tuple[np.ndarray, np.ndarray],
                                                         ) -> None:
    """scipy.signal.convolve centres an even kernel at (n-1)//2, but scipy.signal.correlate
    (which convolves with the reversed kernel) at n//2: our default origin, not
    correlate2d's (n-1)//2 (docs/conventions.rst)."""
    k, img = pair
    I = at_zero(img)
    assert np.array_equal(conv(Signal.from_array(k, scipy_same_origin(k.shape)), I, "same").entries,
                          sps.convolve(img, k, "same", method="direct"))
    assert np.array_equal(corr(Signal.from_array(k), I, "same").entries,
                          sps.correlate(img, k, "same", method="direct"))


@settings(max_examples=60, deadline=None)
@given(kernel_and_image(2, 5, 7), st.sampled_from(sorted(SIGNAL_BOUNDARY)))
def test_full_mode_with_boundary_matches_convolve2d(pair: tuple[np.ndarray, np.ndarray],
                                                   boundary: str) -> None:
    k, img = pair
    K, I = at_zero(k), at_zero(img)
    assert np.array_equal(conv(K, I, "full", boundary).entries,
                          sps.convolve2d(img, k, "full", boundary=SIGNAL_BOUNDARY[boundary]))


@settings(max_examples=60, deadline=None)
@given(kernel_fitting_image(2))
def test_valid_mode_matches_scipy(pair: tuple[np.ndarray, np.ndarray]) -> None:
    k, img = pair
    K, I = at_zero(k), at_zero(img)
    assert np.array_equal(conv(K, I, "valid").entries, sps.convolve2d(img, k, "valid"))
    assert np.array_equal(corr(K, I, "valid").entries, sps.correlate2d(img, k, "valid"))


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: kernel_and_image(d, 4, 6)),
       st.sampled_from(sorted(NDIMAGE_BOUNDARY)))
def test_same_mode_matches_ndimage(pair: tuple[np.ndarray, np.ndarray], boundary: str) -> None:
    """Our default origin -(n//2) is scipy.ndimage's centre, for odd and even sizes."""
    k, img = pair
    K, I = Signal.from_array(k, tuple(-(n // 2) for n in k.shape)), at_zero(img)
    nb = NDIMAGE_BOUNDARY[boundary]
    assert np.array_equal(corr(K, I, "same", boundary).entries, ndi.correlate(img, k, mode=nb))
    assert np.array_equal(conv(K, I, "same", boundary).entries, ndi.convolve(img, k, mode=nb))


def test_scipy_same_shift_for_even_kernels_is_one_sample() -> None:
    """With our default origin, correlate2d 'same' differs for an even kernel by exactly one shift."""
    rng = np.random.default_rng(1)
    k, img = rng.integers(-5, 5, (4, 4)), rng.integers(-5, 5, (9, 9))
    ours = corr(Signal.from_array(k, (-2, -2)), at_zero(img), "full")
    theirs = Signal.from_array(sps.correlate2d(img, k, "same"))
    assert ours.difference(theirs) is not None
    cropped = Signal(ours.embed((1, 1), img.shape), (0, 0))
    assert np.array_equal(cropped.entries, theirs.entries)


MODES_BOUNDARIES = [(m, b) for m in ("full", "same", "valid")
                    for b in ("zero", "wrap", "reflect", "mirror", "nearest")]


@pytest.mark.parametrize(("mode", "boundary"), MODES_BOUNDARIES)
@pytest.mark.parametrize(("kshape", "ishape"), [((3,), (5,)), ((3, 3), (5, 4)), ((2, 3), (4, 5)),
                                                ((2, 2, 2), (3, 3, 3))])
def test_flip_equivalence_exact_in_every_mode(mode: str, boundary: str,
                                             kshape: tuple[int, ...], ishape: tuple[int, ...]) -> None:
    F, I = Signal.symbolic("F", kshape), Signal.symbolic("I", ishape, origin=(0,) * len(ishape))
    assert conv(F, I, mode, boundary) == corr(flip(F), I, mode, boundary)
    assert corr(F, I, mode, boundary) == conv(flip(F), I, mode, boundary)


@pytest.mark.parametrize("kshape", [(3,), (3, 3), (2, 3), (3, 3, 3)])
def test_correlation_is_not_convolution_for_a_generic_kernel(kshape: tuple[int, ...]) -> None:
    F = Signal.symbolic("F", kshape)
    I = Signal.symbolic("I", (4,) * len(kshape))
    assert conv(F, I) != corr(F, I)
    assert conv(F, I, "same") != corr(F, I, "same")


def test_conv_commutes_and_associates_but_corr_does_not() -> None:
    a, b, c = (Signal.symbolic(n, (2, 3)) for n in "ABC")
    assert conv(a, b) == conv(b, a)
    assert conv(a, conv(b, c)) == conv(conv(a, b), c)
    assert corr(a, b) != corr(b, a)
    assert corr(a, b) == flip(corr(b, a))
    assert corr(a, corr(b, c)) != corr(corr(a, b), c)
    assert corr(a, corr(b, c)) == corr(conv(a, b), c)


@settings(max_examples=40, deadline=None)
@given(kernel_and_image(2, 3, 4), st.sampled_from(["full", "same"]),
       st.sampled_from(["zero", "wrap", "reflect", "nearest"]))
def test_symbolic_path_agrees_with_numeric_path(pair: tuple[np.ndarray, np.ndarray], mode: str,
                                                boundary: str) -> None:
    k, img = pair
    F, I = Signal.symbolic("F", k.shape), Signal.symbolic("I", img.shape, origin=(0, 0))
    values = {g: int(k[tuple(i - o for i, o in zip(g.index, F.origin, strict=True))])
              for g in F.generators()}
    values |= {g: int(img[g.index]) for g in I.generators()}
    numeric = conv(Signal.from_array(k, F.origin), at_zero(img), mode, boundary)
    assert conv(F, I, mode, boundary).evaluate(values) == numeric
    numeric = corr(Signal.from_array(k, F.origin), at_zero(img), mode, boundary)
    assert corr(F, I, mode, boundary).evaluate(values) == numeric


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 2).flatmap(lambda d: kernel_and_image(d, 5, 5)))
def test_circular_operations_match_numpy_fft(pair: tuple[np.ndarray, np.ndarray]) -> None:
    k, img = pair
    n = tuple(max(a, b) for a, b in zip(k.shape, img.shape, strict=True))
    a, b = at_zero(k), at_zero(img)
    axes = list(range(k.ndim))
    fa, fb = np.fft.fftn(k, n, axes), np.fft.fftn(img, n, axes)
    expected_conv = np.rint(np.fft.ifftn(fa * fb, axes=axes).real).astype(np.int64)
    expected_corr = np.rint(np.fft.ifftn(np.conj(fa) * fb, axes=axes).real).astype(np.int64)
    assert np.array_equal(circconv(a, b, n).entries, expected_conv)
    assert np.array_equal(circcorr(a, b, n).entries, expected_corr)


@settings(max_examples=40, deadline=None)
@given(int_arrays(1, 5), int_arrays(1, 5))
def test_circular_equals_linear_with_enough_padding_only(x: np.ndarray, y: np.ndarray) -> None:
    a, b = at_zero(x), at_zero(y)
    n = len(x) + len(y) - 1
    assert circconv(zeropad(a, n), zeropad(b, n)) == conv(a, b)


def test_circular_one_short_aliases() -> None:
    a, b = Signal.symbolic("a", (3,), origin=(0,)), Signal.symbolic("b", (3,), origin=(0,))
    assert circconv(zeropad(a, 5), zeropad(b, 5)) == conv(a, b)
    assert circconv(zeropad(a, 4), zeropad(b, 4)) != conv(a, b)


def test_periodize_wraps_negative_coordinates() -> None:
    s = Signal.literal([1, 2, 3], origin=(-1,))
    assert periodize(s, (3,)) == Signal.literal([2, 3, 1], origin=(0,))
    assert periodize(s, (2,)) == Signal.literal([2, 4], origin=(0,))


def test_periodize_origins_near_2_to_the_63_do_not_wrap() -> None:
    # 2**63 - 1 = 1 (mod 3); int64 arithmetic on the coordinates would wrap to -2**63.
    s = Signal.literal([1, 2, 3], origin=(2**63 - 1,))
    assert periodize(s, (3,)) == periodize(Signal.literal([1, 2, 3], origin=(1,)), (3,))
    assert periodize(s, (3,)) == Signal.literal([3, 1, 2], origin=(0,))


@given(int_arrays(2, max_side=4), st.tuples(st.integers(-9, 9), st.integers(-9, 9)))
@settings(max_examples=40, deadline=None)
def test_periodize_on_its_own_box_is_the_cyclic_shift(a: np.ndarray, origin: tuple[int, int]
                                                      ) -> None:
    # exact entries on a box of shape n take the cyclic-shift path; numeric ones the general
    # sum over the box: the two must agree, and with the definition
    exact = periodize(Signal.literal(a.tolist(), origin=origin), a.shape)
    numeric = periodize(Signal(a.astype(float), origin), a.shape)
    assert exact.origin == numeric.origin == (0, 0)
    assert exact == Signal.literal(numeric.entries.astype(int).tolist(), origin=(0, 0))
    moved = np.roll(a, origin, axis=(0, 1))
    assert exact == Signal.literal(moved.tolist(), origin=(0, 0))


def test_flip_shift_transpose_as_functions() -> None:
    F = Signal.symbolic("F", (2, 3), origin=(0, 0))
    flipped = flip(F)
    assert flipped.value_at((-1, -2)) == F.value_at((1, 2))
    assert flip(F, axis=0).value_at((-1, 2)) == F.value_at((1, 2))
    assert flip(F, axis=1).value_at((1, -2)) == F.value_at((1, 2))
    assert shift(F, 3, -1).value_at((4, 1)) == F.value_at((1, 2))
    assert transpose(F).value_at((2, 1)) == F.value_at((1, 2))
    assert flip(flip(F)) == F and flip(F) != F


@settings(max_examples=40, deadline=None)
@given(int_arrays(2, 4), int_arrays(2, 4))
def test_matmul_trace_frobenius_match_numpy(x: np.ndarray, y: np.ndarray) -> None:
    a, b = at_zero(x), at_zero(y.T)
    if x.shape[1] == y.shape[1]:
        assert np.array_equal(matmul(a, b).entries, x @ y.T)
    sq = at_zero(x[: min(x.shape), : min(x.shape)])
    assert trace(sq) == int(np.trace(sq.entries))
    c = at_zero(y)
    expected = int((x[: min(x.shape[0], y.shape[0]), : min(x.shape[1], y.shape[1])]
                    * y[: min(x.shape[0], y.shape[0]), : min(x.shape[1], y.shape[1])]).sum())
    assert frobenius(at_zero(x), c) == expected


def test_trace_form_identity_exact() -> None:
    F, P = Signal.symbolic("F", (3, 3)), Signal.symbolic("P", (3, 3))
    assert trace(matmul(transpose(F), P)) == frobenius(F, P)
    assert total(conv(F, P)) == total(F) * total(P)


def test_conj_of_complex_entries() -> None:
    z = Signal.symbolic("z", (2,), real=False)
    assert conj(conj(z)) == z and conj(z) != z
    r = Signal.symbolic("r", (2,))
    assert conj(r) == r


def _dft_circconv_16x16() -> Signal:
    from symconv.core.fourier import dft

    f, g = (Signal.symbolic(n, (16, 16), origin=(0, 0)) for n in "fg")
    return circconv(dft(f), dft(g))


# side n with n**4 > MAX_EXACT_PRODUCTS: an n x n by n x n convolution needs n**4 products
_OVER_LIMIT = math.isqrt(math.isqrt(MAX_EXACT_PRODUCTS)) + 1


@settings(max_examples=30, deadline=None)
@given(kernel_fitting_image(2))
def test_valid_with_the_kernel_larger_says_what_scipy_computes(
        pair: tuple[np.ndarray, np.ndarray]) -> None:
    """symconv keeps no position (its modes act on the image); the error names the shapes and
    the expressions that give scipy.signal's results, which scipy agrees with here."""
    small, large = pair  # the kernel is the larger one: scipy's swap case
    assume(small.shape != large.shape)  # equal shapes fit
    S, L = at_zero(small), at_zero(large)
    with pytest.raises(ShapeError) as conv_error:
        conv(L, S, "valid")
    assert f"kernel (shape {large.shape})" in str(conv_error.value)
    assert "conv(image, kernel, mode='valid')" in str(conv_error.value)
    swapped = conv(S, L, "valid").entries
    assert np.array_equal(swapped, sps.convolve(small, large, "valid"))
    assert np.array_equal(swapped, sps.convolve2d(small, large, "valid"))
    with pytest.raises(ShapeError) as corr_error:
        corr(L, S, "valid")
    assert "flip(corr(image, kernel, mode='valid'))" in str(corr_error.value)
    flipped = flip(corr(S, L, "valid")).entries
    assert np.array_equal(flipped, sps.correlate(small, large, "valid"))
    assert np.array_equal(flipped, sps.correlate2d(small, large, "valid"))


def test_scipy_correlate_and_correlate2d_differ_for_complex_entries_when_they_swap() -> None:
    """docs/conventions.rst's formulas for complex entries, with corr(a, b, 'valid')(x) =
    Σ_i a(i)·b(x + i) written out (a inside b) and scipy's correlations of a larger in2."""
    rng = np.random.default_rng(0)
    image = rng.integers(-3, 4, (2, 2)) + 1j * rng.integers(-3, 4, (2, 2))
    kernel = rng.integers(-3, 4, (3, 4)) + 1j * rng.integers(-3, 4, (3, 4))

    def corr_valid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        rows, cols = (n - k + 1 for n, k in zip(b.shape, a.shape, strict=True))
        return np.array([[np.sum(a * b[x:x + a.shape[0], y:y + a.shape[1]]) for y in range(cols)]
                         for x in range(rows)])

    correlate = sps.correlate(image, kernel, "valid")
    assert np.allclose(correlate, corr_valid(image, np.conj(kernel))[::-1, ::-1])
    assert np.allclose(sps.correlate2d(image, kernel, "valid"),
                       corr_valid(np.conj(image), kernel)[::-1, ::-1])
    assert not np.allclose(correlate, sps.correlate2d(image, kernel, "valid"))


def test_valid_with_neither_input_containing_the_other_is_an_error_in_scipy_too() -> None:
    a, b = np.ones((2, 4), dtype=int), np.ones((3, 3), dtype=int)
    with pytest.raises(ShapeError, match=r"scipy\.signal raises an error too"):
        corr(at_zero(b), at_zero(a), "valid")
    with pytest.raises(ValueError, match="at least as large"):
        sps.correlate(a, b, "valid")


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: conv(Signal.symbolic("F", (3,)), Signal.symbolic("I", (3, 3))), ShapeError,
         "different dimension"),
        (lambda: conv(Signal.symbolic("F", (3,)), Signal.symbolic("I", (5,)), "middle"),
         UnknownNameError, "'middle'"),
        (lambda: corr(Signal.symbolic("F", (3,)), Signal.symbolic("I", (5,)), "same", "torus"),
         UnknownNameError, "'torus'"),
        (lambda: conv(Signal.symbolic("F", (5,)), Signal.symbolic("I", (3,)), "valid"), ShapeError,
         "lies inside the image .shape .3,..; it is larger on axis 0"),
        (lambda: circconv(Signal.symbolic("F", (3,)), Signal.symbolic("I", (4,))), ShapeError,
         "equal shapes"),
        (lambda: zeropad(Signal.symbolic("F", (3,)), 2), ShapeError, "smaller"),
        (lambda: shift(Signal.symbolic("F", (3,)), 1, 2), ShapeError, "2 offsets"),
        (lambda: flip(Signal.symbolic("F", (3,)), axis=3), ShapeError, "axis 3"),
        (lambda: trace(Signal.symbolic("F", (3,))), ShapeError, "1D"),
        # the smallest square 2D pair over the limit (300x300 took 10 s to build the symbols)
        (lambda: conv(Signal.symbolic("F", (_OVER_LIMIT, _OVER_LIMIT)),
                      Signal.symbolic("I", (_OVER_LIMIT, _OVER_LIMIT))), SizeLimitError, "limit"),
        # entries that are long sums count term by term (two 16x16 DFTs: 256^4 products)
        (lambda: _dft_circconv_16x16(), SizeLimitError, "4294967296 products"),
        # the boundary extension is checked before np.pad allocates it
        (lambda: conv(shift(Signal.literal([1, 2, 3], origin=(0,)), 10**9),
                      Signal.literal([1, 1, 1], origin=(0,)), "same", "wrap"),
         SizeLimitError, r"box of shape \(1000000005,\)"),
    ],
)
def test_bad_input_raises_one_clear_error(call, error: type[Exception], fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=fragment) as info:
        call()
    assert "\n" not in str(info.value)


def test_boundary_aliases_from_scipy() -> None:
    F, I = Signal.symbolic("F", (3,)), Signal.symbolic("I", (4,), origin=(0,))
    assert conv(F, I, "same", "fill") == conv(F, I, "same", "zero")
    assert conv(F, I, "same", "symm") == conv(F, I, "same", "reflect")
    assert conv(F, I, "same", "wrap") != conv(F, I, "same", "reflect")


def test_mixed_coefficient_domains_are_embedded_before_convolving() -> None:
    """Rational, integer and cyclotomic entries meet in one field, exactly."""
    from symconv.core.fourier import dft

    f = Signal.literal([1, 2, 3], origin=(0,)) / 2
    g = Signal.symbolic("g", (3,), origin=(0,))
    spectrum = dft(g)
    mixed = Signal.literal([1, 0, 0], origin=(0,)) + Signal.literal([0, 1, 0], origin=(0,)) / 3
    assert conv(f, spectrum) == conv(spectrum, f)
    assert conv(mixed, spectrum) == spectrum + shift(spectrum, 1) / 3
    assert conv(mixed, spectrum) != spectrum + shift(spectrum, 1) / 2


@settings(max_examples=60, deadline=None)
@given(kernel_and_image(2, 5, 7))
def test_arrays_with_the_default_origin_agree_with_scipy(pair: tuple[np.ndarray, np.ndarray]) -> None:
    """The one default origin: plain arrays in 'same' mode are scipy.ndimage's filters for every
    kernel, and scipy.signal's for odd kernels (its even kernels sit one sample the other way)."""
    k, img = pair
    for ours, signal_fn, ndimage_fn in ((conv, sps.convolve2d, ndi.convolve),
                                        (corr, sps.correlate2d, ndi.correlate)):
        for kernel in (k, k.tolist(), Signal.from_array(k)):
            same = ours(kernel, img, mode="same").to_array()
            assert np.array_equal(same, ndimage_fn(img, k, mode="constant"))
        if all(n % 2 for n in k.shape):
            assert np.array_equal(same, signal_fn(img, k, "same"))


@pytest.mark.parametrize("options", [
    {"boundary": ["zero"]}, {"boundary": {"wrap": 1}}, {"boundary": None},
    {"mode": ["full"]}, {"mode": 3},
])
def test_a_mode_or_boundary_that_is_no_string_is_an_unknown_name(options: dict[str, object]) -> None:
    """A list as a boundary raised a bare TypeError: unhashable type: 'list'."""
    F = Signal.symbolic("F", (3,))
    with pytest.raises(UnknownNameError, match=r"unknown (boundary|mode)"):
        conv(F, F, **options)  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=2), st.lists(st.integers(1, 5), min_size=1,
       max_size=2), st.booleans())
def test_bare_generator_convolution_equals_the_plain_loop(kernel_shape: list[int],
                                                          image_shape: list[int],
                                                          swap: bool) -> None:
    """The numpy sort-and-count path for independent symbolic entries (taken from
    BARE_GENERATOR_MIN_PRODUCTS products on) gives the same canonical entries, coefficient
    types included, as the plain loop it replaces for small inputs."""
    import symconv.core.ops as ops_module

    ndim = min(len(kernel_shape), len(image_shape))
    kernel = Signal.symbolic("F", tuple(kernel_shape[:ndim]))
    image = Signal.symbolic("I", tuple(image_shape[:ndim]))
    if swap:
        kernel, image = image, kernel
    out_shape = tuple(k + n - 1 for k, n in zip(kernel.shape, image.shape, strict=True))
    saved = ops_module.BARE_GENERATOR_MIN_PRODUCTS
    try:
        ops_module.BARE_GENERATOR_MIN_PRODUCTS = 0
        bare = ops_module._exact_full_conv(kernel.entries, image.entries, out_shape)
        ops_module.BARE_GENERATOR_MIN_PRODUCTS = math.inf  # type: ignore[assignment]
        loop = ops_module._exact_full_conv(kernel.entries, image.entries, out_shape)
    finally:
        ops_module.BARE_GENERATOR_MIN_PRODUCTS = saved
    for a, b in zip(bare.flat, loop.flat, strict=True):
        assert a.domain == b.domain and a.terms == b.terms
        assert [type(c) for c in a.terms.values()] == [type(c) for c in b.terms.values()]
