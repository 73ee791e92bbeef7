"""What scipy, numpy and torch compute, expressed in symconv's exact operations.

Each function takes the arguments of the library function it is named after and
returns what that function returns (a numpy array, the same shape), computed with
:func:`symconv.core.ops.conv` / :func:`symconv.core.ops.corr` on Z^d: arrays are signals
with their first entry at 0 (library indexing), the library's ``mode`` is a crop
and its ``boundary`` an extension of the image.  Object arrays are exact: their
entries may be integers, Fractions or :class:`~symconv.core.algebra.Polynomial`
objects (e.g. ``Signal.symbolic("I", (4, 4)).to_array()``), so these functions
say *symbolically* what the library computes.

>>> import numpy as np
>>> from symconv.core.signal import Signal
>>> k = Signal.symbolic("k", (1, 2), origin=(0, 0)).to_array()
>>> scipy_signal_convolve2d([[1, 2, 3]], k, mode="same")[0].tolist()
[Polynomial(k[0, 0]), Polynomial(2*k[0, 0] + k[0, 1]), Polynomial(3*k[0, 0] + 2*k[0, 1])]

Conventions that differ between the libraries, each taken from the library:

* scipy.signal ``same`` centres a kernel of size n at index (n-1)//2 (``correlate``, which
  convolves with the reversed kernel, at n//2), scipy.ndimage at n//2 + ``origin``
  (symconv's default origin is scipy.ndimage's);
* ``correlate2d``, ``ndimage.correlate`` and ``numpy.correlate`` conjugate the
  kernel; torch does not;
* ``valid`` with the kernel larger than the image on every axis: scipy.signal swaps
  the two (``correlate2d`` then flips the result: for complex entries that is the
  conjugate of the correlation of the other order), numpy swaps them for
  ``convolve`` / ``correlate``, as the libraries do;
* boundaries: scipy.signal's ``fill`` (with ``fillvalue``), ``wrap``, ``symm``;
  scipy.ndimage's ``reflect`` = ``grid-mirror`` (symconv's ``reflect``), ``mirror``,
  ``nearest``, ``wrap`` = ``grid-wrap``, ``constant`` = ``grid-constant`` (with
  ``cval``, exact, a number or a symbol name); torch's ``padding_mode`` as in
  :func:`symconv.apps.cnn.torch_boundary`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from symconv.apps.cnn import layer
from symconv.core.algebra import Polynomial, real_generator
from symconv.core.ops import conj, flip, sliding_sum
from symconv.core.signal import Signal
from symconv.errors import ShapeError, UnknownNameError

# scipy.signal's boundary names -> symconv's (None: a constant, the fill value).
SIGNAL_BOUNDARIES: dict[str, str | None] = {"fill": None, "pad": None, "wrap": "wrap",
                                            "circular": "wrap", "symm": "reflect",
                                            "symmetric": "reflect"}
# scipy.ndimage's mode names -> symconv's (None: the constant cval).
NDIMAGE_MODES: dict[str, str | None] = {
    "reflect": "reflect", "grid-mirror": "reflect", "mirror": "mirror", "nearest": "nearest",
    "wrap": "wrap", "grid-wrap": "wrap", "constant": None, "grid-constant": None,
}
NUMPY_MODES = ("full", "same", "valid")


# --- arrays in, arrays out ------------------------------------------------------------------


def _signal(array: Any, what: str) -> Signal:
    """An array as a signal at origin 0; object arrays become exact."""
    if isinstance(array, Signal):
        array = array.to_array()
    if hasattr(array, "detach"):  # a torch tensor
        array = array.detach().cpu().numpy()
    arr = np.asarray(array)
    if arr.ndim == 0 or arr.size == 0:
        raise ShapeError(f"{what} of shape {arr.shape} is empty; expected at least one entry")
    signal = Signal.from_array(arr, (0,) * arr.ndim)
    return signal.exact() if arr.dtype == object else signal


def _array(signal: Signal) -> np.ndarray:
    return signal.to_array()


def _constant(value: Any) -> Any:
    """A fill value: a number, a Polynomial, or a name for a real symbol."""
    if isinstance(value, str):
        return Polynomial.from_generator(real_generator(value, ()))
    return value


def _embed_constant(image: Signal, lo: Sequence[int], hi: Sequence[int], value: Any) -> Signal:
    """``image`` over the box [lo, hi] (inclusive), ``value`` outside its own box."""
    shape = tuple(h - l + 1 for l, h in zip(lo, hi, strict=True))
    exact = image.is_exact or isinstance(value, Polynomial | Fraction)
    if exact:
        image = image.exact()
        fill = value if isinstance(value, Polynomial) else Signal.literal([value]).entries[0]
        out = np.empty(shape, dtype=object)
        out.fill(fill)
    else:
        out = np.full(shape, value, dtype=np.result_type(image.entries, value))
    inside = image.embed(lo, shape)
    mask = Signal(np.ones(image.shape, dtype=np.int64), image.origin).embed(lo, shape) != 0
    out[mask] = inside[mask]
    return Signal(out, tuple(lo))


def _sliding(kernel: Signal, image: Signal, sign: int, lo: Sequence[int], hi: Sequence[int],
             boundary: str | None, value: Any = 0) -> Signal:
    """``conv`` (sign +1) or ``corr`` (-1) over the output box [lo, hi] (inclusive), the image
    extended by ``boundary`` (symconv's names) or, for ``None``, by the constant ``value``."""
    if boundary is not None:
        full = sliding_sum(kernel, image, sign, "full", boundary)
        shape = tuple(h - l + 1 for l, h in zip(lo, hi, strict=True))
        return Signal(full.embed(lo, shape), tuple(lo))
    # the image values the box reads: x - i (conv) or x + i (corr) for i in the kernel's box
    first = [o if sign > 0 else -(o + n - 1) for o, n in zip(kernel.origin, kernel.shape,
                                                              strict=True)]
    last = [f + n - 1 for f, n in zip(first, kernel.shape, strict=True)]
    need_lo = [l - f for l, f in zip(lo, last, strict=True)]
    need_hi = [h - f for h, f in zip(hi, first, strict=True)]
    extended = _embed_constant(image, need_lo, need_hi, _constant(value))
    return sliding_sum(kernel, extended, sign, "valid")


def _known(name: str, choices: Collection[str], what: str) -> str:
    """``name``, one of ``choices``; else a one-line error listing them."""
    if name not in choices:
        raise UnknownNameError(f"unknown {what} {name!r}; expected one of {', '.join(choices)}")
    return name


def _valid_swap(image: Signal, kernel: Signal) -> bool:
    """scipy's rule for ``valid``: swap when the kernel is at least as large on every axis
    (and larger somewhere); an error when neither contains the other."""
    if all(k <= n for k, n in zip(kernel.shape, image.shape, strict=True)):
        return False
    if all(k >= n for k, n in zip(kernel.shape, image.shape, strict=True)):
        return True
    raise ShapeError(f"mode 'valid' needs one input at least as large as the other on every "
                     f"axis, not shapes {image.shape} and {kernel.shape}")


# --- scipy.signal ---------------------------------------------------------------------------


def _scipy_signal_2d(in1: Any, in2: Any, mode: str, boundary: str, fillvalue: Any,
                     sign: int) -> np.ndarray:
    image, kernel = _signal(in1, "in1"), _signal(in2, "in2")
    if image.ndim != 2 or kernel.ndim != 2:
        raise ShapeError(f"in1 and in2 must be 2D, not {image.ndim}D and {kernel.ndim}D")
    _known(mode, NUMPY_MODES, "mode")
    rule = SIGNAL_BOUNDARIES[_known(boundary, SIGNAL_BOUNDARIES, "boundary")]
    swapped = mode == "valid" and _valid_swap(image, kernel)
    if swapped:
        image, kernel = kernel, image
    if sign < 0:
        kernel = conj(kernel)
    m, k = image.shape, kernel.shape
    if mode == "same":  # scipy.signal centres the kernel at (n - 1) // 2
        kernel = Signal(kernel.entries, tuple(-((n - 1) // 2) for n in k))
        lo, hi = [0, 0], [m[0] - 1, m[1] - 1]
    elif sign > 0:
        lo = [0, 0] if mode == "full" else [k[0] - 1, k[1] - 1]
        hi = [a + b - 2 for a, b in zip(m, k, strict=True)] if mode == "full" else [
            m[0] - 1, m[1] - 1]
    else:  # correlation lags run from -(k - 1)
        lo = [1 - k[0], 1 - k[1]] if mode == "full" else [0, 0]
        hi = [m[0] - 1, m[1] - 1] if mode == "full" else [m[0] - k[0], m[1] - k[1]]
    out = _sliding(kernel, image, sign, lo, hi, rule, fillvalue)
    return _array(flip(out) if swapped and sign < 0 else out)


def scipy_signal_convolve2d(in1: Any, in2: Any, mode: str = "full", boundary: str = "fill",
                            fillvalue: Any = 0) -> np.ndarray:
    """``scipy.signal.convolve2d``: ``conv(in2, in1)`` with in2 the kernel.

    ``full`` keeps every lag, ``same`` the box of in1 (in2 centred at (n-1)//2),
    ``valid`` the lags where in2 lies inside in1 (swapped, as scipy does, when in2
    is the larger on every axis).  ``boundary`` ``fill`` extends in1 by
    ``fillvalue`` (a number, a Polynomial or a symbol name), ``wrap`` periodically,
    ``symm`` by half-sample reflection.

    >>> scipy_signal_convolve2d([[1, 2], [3, 4]], [[1, 1]], "full", fillvalue=9).tolist()
    [[10, 3, 11], [12, 7, 13]]
    >>> scipy_signal_convolve2d([[1, 2]], [[1, 1, 1]], "same", fillvalue="c")[0].tolist()
    [Polynomial(c + 3), Polynomial(c + 3)]
    """
    return _scipy_signal_2d(in1, in2, mode, boundary, fillvalue, +1)


def scipy_signal_correlate2d(in1: Any, in2: Any, mode: str = "full", boundary: str = "fill",
                             fillvalue: Any = 0) -> np.ndarray:
    """``scipy.signal.correlate2d``: ``corr(conj(in2), in1)``, lags from -(n-1) in ``full``.

    Modes and boundaries as :func:`scipy_signal_convolve2d`; in ``valid`` with in2
    the larger, scipy swaps the inputs (conjugating the new kernel) and flips the
    result, and so does this function.

    >>> scipy_signal_correlate2d([[1, 2, 3]], [[1, 10]], "valid").tolist()
    [[21, 32]]
    """
    return _scipy_signal_2d(in1, in2, mode, boundary, fillvalue, -1)


# --- scipy.ndimage --------------------------------------------------------------------------


def _ndimage(input: Any, weights: Any, mode: str, cval: Any, origin: int | Sequence[int],
             axes: Sequence[int] | int | None, sign: int) -> np.ndarray:
    image, kernel = _signal(input, "input"), _signal(weights, "weights")
    rule = NDIMAGE_MODES[_known(mode, NDIMAGE_MODES, "mode")]
    nd = image.ndim
    if axes is None:
        filtered = list(range(nd))
    else:
        given = [axes] if isinstance(axes, int) else list(axes)
        if any(not -nd <= a < nd for a in given):
            raise ShapeError(f"axes {axes!r} do not exist in a {nd}D input")
        filtered = [a % nd for a in given]
        if len(set(filtered)) != len(filtered):
            raise ShapeError(f"axes {axes!r} repeat an axis")
    if kernel.ndim != len(filtered):
        raise ShapeError(f"weights have {kernel.ndim} dimensions; expected {len(filtered)} "
                         "(one per filtered axis)")
    origins = [origin] * len(filtered) if isinstance(origin, int) else list(origin)
    if len(origins) != len(filtered):
        raise ShapeError(f"origin {origin!r} has {len(origins)} entries; expected "
                         f"{len(filtered)}")
    # as scipy: the weights' axes are the filtered axes in increasing order (size 1 elsewhere);
    # origin j belongs to axes[j] (to axis j when every axis is filtered)
    by_axis = sorted(filtered)
    origin_axes = filtered if len(filtered) < nd else list(range(nd))
    origin_of = dict(zip(origin_axes, origins, strict=True))
    shape, offsets = [1] * nd, [0] * nd
    for j, axis in enumerate(by_axis):
        n = kernel.shape[j]
        if not -(n // 2) <= origin_of[axis] <= (n - 1) // 2:
            raise ShapeError(f"origin {origin_of[axis]} is outside the weights' axis of size {n}")
        shape[axis], offsets[axis] = n, -(n // 2) - origin_of[axis]
    entries = kernel.entries
    kernel = Signal(entries.reshape(shape), offsets)
    if sign < 0:  # scipy conjugates complex weights of a correlation, as numpy.correlate does
        kernel = conj(kernel)
    hi = [n - 1 for n in image.shape]
    return _array(_sliding(kernel, image, sign, [0] * nd, hi, rule, cval))


def scipy_ndimage_correlate(input: Any, weights: Any, mode: str = "reflect", cval: Any = 0.0,
                            origin: int | Sequence[int] = 0,
                            axes: Sequence[int] | int | None = None) -> np.ndarray:
    """``scipy.ndimage.correlate``: ``corr(conj(weights), input)`` on the box of ``input``,
    the weights centred at n//2 + ``origin``.

    ``mode``: ``reflect`` / ``grid-mirror`` (half-sample), ``mirror``, ``nearest``,
    ``wrap`` / ``grid-wrap``, ``constant`` / ``grid-constant`` with ``cval``
    (exact: a number, a Polynomial, or a symbol name).  ``axes`` filters along
    those axes only (weights with one axis per filtered axis, in increasing axis
    order; origin j belongs to ``axes[j]``, as in scipy).  The result is
    exact, not cast to the input's dtype as scipy does.

    >>> scipy_ndimage_correlate([1, 2, 3], [1, 0, -1], mode="constant", cval="c").tolist()
    [Polynomial(c - 2), Polynomial(-2), Polynomial(2 - c)]
    """
    return _ndimage(input, weights, mode, cval, origin, axes, -1)


def scipy_ndimage_convolve(input: Any, weights: Any, mode: str = "reflect", cval: Any = 0.0,
                           origin: int | Sequence[int] = 0,
                           axes: Sequence[int] | int | None = None) -> np.ndarray:
    """``scipy.ndimage.convolve``: ``conv(weights, input)`` on the box of ``input``, the
    weights at origin -(n//2) - ``origin``; arguments as :func:`scipy_ndimage_correlate`.

    >>> scipy_ndimage_convolve([[1, 2, 3]], [[1, 0, -1]], mode="wrap").tolist()
    [[-1, 2, -1]]
    """
    return _ndimage(input, weights, mode, cval, origin, axes, +1)


# --- numpy ----------------------------------------------------------------------------------


def _numpy_1d(a: Any, v: Any, mode: str, sign: int) -> np.ndarray:
    signal, kernel = _signal(a, "a"), _signal(v, "v")
    if signal.ndim != 1 or kernel.ndim != 1:
        raise ShapeError(f"a and v must be 1D, not {signal.ndim}D and {kernel.ndim}D")
    _known(mode, NUMPY_MODES, "mode")
    m, n = signal.shape[0], kernel.shape[0]
    if sign > 0:
        first = 0  # the full convolution is on [0, m + n - 2]
    else:
        kernel = conj(kernel)
        first = 1 - n  # correlation lags from -(n - 1) to m - 1
    short, length = min(m, n), {"full": m + n - 1, "same": max(m, n),
                                "valid": max(m, n) - min(m, n) + 1}[mode]
    start = {"full": 0, "valid": short - 1,
             # numpy centres 'same' in the full result; correlate with v the longer input
             # reverses the convolution it computes, which moves the centre the other way
             "same": (short - 1) // 2 if sign > 0 or n <= m else short - 1 - (short - 1) // 2}[mode]
    lo = first + start
    out = sliding_sum(kernel, signal, sign, "full")
    return _array(Signal(out.embed((lo,), (length,)), (lo,)))


def numpy_convolve(a: Any, v: Any, mode: str = "full") -> np.ndarray:
    """``numpy.convolve``: ``conv(v, a)`` on [0, m + n - 1), cropped like numpy (``same``:
    max(m, n) samples centred; ``valid``: where the shorter lies inside the longer).

    >>> numpy_convolve([1, 2, 3], [0, 1, 0.5]).tolist()
    [0.0, 1.0, 2.5, 4.0, 1.5]
    """
    return _numpy_1d(a, v, mode, +1)


def numpy_correlate(a: Any, v: Any, mode: str = "valid") -> np.ndarray:
    """``numpy.correlate``: ``c[k] = sum_n a[n + k] conj(v[n])`` = ``corr(conj(v), a)``, the
    lags from -(n - 1) in ``full``.

    >>> numpy_correlate([1, 2, 3], [0, 1, 0.5], "full").tolist()
    [0.5, 2.0, 3.5, 3.0, 0.0]
    """
    return _numpy_1d(a, v, mode, -1)


# --- torch ----------------------------------------------------------------------------------


def torch_conv2d(input: Any, weight: Any, bias: Any = None, stride: int | Sequence[int] = 1,
                 padding: int | Sequence[int] | str = 0, dilation: int | Sequence[int] = 1,
                 groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """``torch.nn.Conv2d`` / ``torch.nn.functional.conv2d``: a correlation layer
    (:func:`symconv.apps.cnn.layer`) per batch element, with torch's ``padding``
    (numbers, ``"same"``, ``"valid"``) and ``padding_mode`` (``zeros``,
    ``reflect`` = symconv's mirror, ``replicate``, ``circular``).

    ``input`` is (N, C, H, W) or (C, H, W); ``weight`` (O, C // groups, kH, kW).

    >>> x = np.arange(1, 6).reshape(1, 1, 1, 5)
    >>> torch_conv2d(x, np.ones((1, 1, 1, 3), dtype=int), padding=(0, 1),
    ...              padding_mode="reflect").tolist()
    [[[[5, 6, 9, 12, 13]]]]
    """
    x, w = _tensor(input), _tensor(weight)
    b = None if bias is None else _tensor(bias)
    if x.ndim not in (3, 4) or w.ndim != 4:
        raise ShapeError(f"input of shape {x.shape} and weight of shape {w.shape}; expected "
                         "(N, C, H, W) or (C, H, W) and (O, C // groups, kH, kW)")
    batch = x if x.ndim == 4 else x[None]
    out = np.stack([layer(sample, w, b, stride=stride, padding=padding, dilation=dilation,
                          groups=groups, padding_mode=padding_mode) for sample in batch])
    return out if x.ndim == 4 else out[0]


def _tensor(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    arr = np.asarray(value)
    return Signal.from_array(arr, (0,) * arr.ndim).entries if arr.dtype == object else arr
