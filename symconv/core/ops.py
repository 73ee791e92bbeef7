"""Convolution, correlation and the operations around them, exact on Z^d.

Conventions (those of the source material):

* correlation  ``corr(F, I)(x) = sum_i F(i) I(x + i)``
* convolution  ``conv(F, I)(x) = sum_i F(i) I(x - i)``
* ``flip(F)(i) = F(-i)``; ``shift(a, k)(x) = a(x - k)``

On Z^d both sums are finite and need no boundary rule.  The finite *modes*
crop that exact result -- ``full`` keeps every position that can be non-zero,
``same`` the box of ``I``, ``valid`` the positions where the whole kernel lies
inside ``I``'s box -- and a *boundary* rule extends ``I`` beyond its box before
summing (``zero``, ``wrap``, ``reflect`` = half-sample symmetric as in
scipy.signal ``symm`` and scipy.ndimage ``reflect``, ``mirror`` = whole-sample
symmetric, ``nearest`` = edge value).  Because modes and boundaries act only on
``I`` and on the output box, ``conv(F, I, m, b) == corr(flip(F), I, m, b)`` in
every mode and boundary.

The kernel's origin fixes the alignment: a centred kernel of size 2N+1 has
indices -N..N; the default for an even size n is -(n//2)..n//2-1 (scipy.ndimage's
centre, and scipy.signal.correlate's).  scipy.signal's convolve, convolve2d and
correlate2d ``same`` centre an even kernel one sample the other way; they equal ours
with the kernel's origin at -((n-1)//2).

>>> from symconv.core.signal import Signal
>>> from symconv.core.ops import conv, corr, flip
>>> F, I = Signal.symbolic("F", (3,)), Signal.symbolic("I", (4,), origin=(0,))
>>> conv(F, I) == corr(flip(F), I)
True
>>> conv(F, I) == corr(F, I)
False
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ParamSpec, Protocol, TypeVar

import numpy as np
from sympy.polys.domains.domain import Domain

from symconv.core.algebra import Generator, Monomial, Polynomial, polynomial_sum, unify_domains
from symconv.core.signal import (
    ZERO,
    Signal,
    _map_entries,
    _zero_array,
    as_signal,
    check_box,
    sum_entries,
)
from symconv.errors import ShapeError, SizeLimitError, UnknownNameError

MODES = ("full", "same", "valid")
BOUNDARIES = ("zero", "wrap", "reflect", "mirror", "nearest")
# scipy.signal / scipy.ndimage spellings that mean the same thing.
BOUNDARY_ALIASES = {"fill": "zero", "constant": "zero", "symm": "reflect", "circular": "wrap"}
# Each boundary rule in numpy.pad's spelling (used by ops and the CNN layers and probes).
NUMPY_PAD_MODES = {
    "zero": "constant",
    "wrap": "wrap",
    "reflect": "symmetric",  # d c b a | a b c d | d c b a  (scipy.ndimage 'reflect')
    "mirror": "reflect",  # d c b | a b c d | c b a  (scipy.ndimage 'mirror', OpenCV REFLECT_101)
    "nearest": "edge",
}

# Products of terms an exact convolution may form before it refuses.
MAX_EXACT_PRODUCTS = 20_000_000


def normalize_mode(mode: str) -> str:
    if not isinstance(mode, str) or mode not in MODES:
        raise UnknownNameError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    return mode


def normalize_boundary(boundary: str) -> str:
    name = BOUNDARY_ALIASES.get(boundary, boundary) if isinstance(boundary, str) else boundary
    if not isinstance(name, str) or name not in BOUNDARIES:
        known = ", ".join((*BOUNDARIES, *BOUNDARY_ALIASES))
        raise UnknownNameError(f"unknown boundary {boundary!r}; expected one of {known}")
    return name


def _same_ndim(*signals: Signal) -> None:
    dims = {s.ndim for s in signals}
    if len(dims) > 1:
        shown = " and ".join(f"{s.ndim}D {s.shape}" for s in signals)
        raise ShapeError(f"signals of different dimension ({shown}); expected equal dimensions")


def _common_kind(*signals: Signal) -> list[Signal]:
    """All numeric, or all exact with every entry in one coefficient domain.

    The exact convolution core multiplies raw coefficients, so every entry of
    both inputs must live in the same domain (e.g. QQ entries meeting a
    cyclotomic DFT result are embedded in the cyclotomic field first).
    """
    if all(not s.is_exact for s in signals):
        return list(signals)
    exact = [s.exact() for s in signals]
    # the entries' own common domain (ZZ for symbolic entries: Signal.domain would start
    # from QQ and convert every integer entry on every call); QQ only with no entries at all
    domain: Domain | None = None
    for s in exact:
        for p in s.entries.flat:
            if p.domain is not domain:
                domain = p.domain if domain is None else unify_domains(domain, p.domain)
    if domain is None:
        return exact
    return [
        s if all(p.domain == domain for p in s.entries.flat)
        else Signal(_map_entries(s.entries, lambda p: p.to_domain(domain)), s.origin)
        for s in exact
    ]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def accepts_arrays(count: int) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Let the first ``count`` positional arguments be numpy arrays or nested lists too,
    converted by :func:`symconv.core.signal.as_signal` (the default, centred origin)."""
    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        call: Callable[..., _R] = func

        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            converted = [as_signal(a) for a in args[:count]]
            return call(*converted, *args[count:], **kwargs)

        return wrapper

    return decorate


# --- the exact core on Z^d --------------------------------------------------------


# An array-level full convolution (kernel entries, image entries, output shape) -> entries:
# the one piece another arithmetic (e.g. modular, in symconv.prove.modular) replaces.
ArrayConvolution = Callable[[np.ndarray, np.ndarray, tuple[int, ...]], np.ndarray]


def _sliding_sum(kernel: Signal, image: Signal, sign: int,
                 full_conv: ArrayConvolution | None = None) -> Signal:
    """``out(x) = sum_i kernel(i) image(x - sign*i)``: conv for sign=+1, corr for sign=-1.

    The full result on Z^d; all of its possible support is kept.
    """
    if full_conv is None:
        kernel, image = _common_kind(kernel, image)
    kshape, ishape = kernel.shape, image.shape
    if kernel.entries.size == 0 or image.entries.size == 0:
        return Signal.zeros(kernel.ndim, kernel.is_exact and full_conv is None)
    out_shape = tuple(k + n - 1 for k, n in zip(kshape, ishape, strict=True))
    if sign > 0:  # x = i + j
        out_origin = tuple(a + b for a, b in zip(kernel.origin, image.origin, strict=True))
        kern = kernel.entries
    else:  # x = j - i: the same loop with the kernel reversed
        out_origin = tuple(
            b - (a + k - 1) for a, b, k in zip(kernel.origin, image.origin, kshape, strict=True)
        )
        kern = kernel.entries[(slice(None, None, -1),) * kernel.ndim]
    if full_conv is None:
        full_conv = _exact_full_conv if kernel.is_exact else _numeric_full_conv
    return Signal(full_conv(kern, image.entries, out_shape), out_origin)


def _numeric_full_conv(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
    dtype = np.result_type(kern.dtype, img.dtype)
    out = np.zeros(out_shape, dtype=dtype)
    for pos in zip(*np.nonzero(kern), strict=True):
        window = tuple(slice(p, p + n) for p, n in zip(pos, img.shape, strict=True))
        out[window] += kern[pos] * img
    return out


# Below this many products the plain loop is faster than numpy's sort and count (its fixed
# cost: ~30 us for one product, ~3x the loop's up to ~100 products; even at ~200).
BARE_GENERATOR_MIN_PRODUCTS = 200


def _exact_full_conv(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
    strides = [math.prod(out_shape[k + 1 :]) for k in range(len(out_shape))]
    # each non-zero entry with its offset in the output box (row-major, as ndenumerate)
    kern_items = [(off, p) for off, p in zip(_box_offsets(kern.shape, strides), kern.flat,
                                             strict=True) if p.terms]
    img_items = [(off, p) for off, p in zip(_box_offsets(img.shape, strides), img.flat,
                                            strict=True) if p.terms]
    # Products of terms, not of entries: entries that are themselves long sums (a DFT's)
    # multiply term by term.
    work = sum(len(p.terms) for _, p in kern_items) * sum(len(p.terms) for _, p in img_items)
    if work > MAX_EXACT_PRODUCTS:
        raise SizeLimitError(
            f"exact convolution of shapes {kern.shape} and {img.shape} needs {work} products; "
            f"the limit is {MAX_EXACT_PRODUCTS} (use the random tier or numeric arrays)"
        )
    domain = kern_items[0][1].domain if kern_items else ZERO.domain
    size = math.prod(out_shape)
    if len(kern_items) * len(img_items) >= BARE_GENERATOR_MIN_PRODUCTS and \
            all(_is_bare_generator(p, domain.one) for _, p in kern_items + img_items):
        kern_gens = [(off, next(iter(p.terms))[0]) for off, p in kern_items]
        img_gens = [(off, next(iter(p.terms))[0]) for off, p in img_items]
        return _bare_generator_conv(kern_gens, img_gens, size, domain).reshape(out_shape)
    acc: list[dict[Monomial, Any]] = [{} for _ in range(size)]
    kern_terms = [(off, list(p.terms.items())) for off, p in kern_items]
    img_terms = [(off, list(p.terms.items())) for off, p in img_items]
    for koff, kt in kern_terms:
        for ioff, it in img_terms:
            terms = acc[koff + ioff]
            for m1, c1 in kt:
                for m2, c2 in it:
                    m = tuple(sorted(m1 + m2)) if m1 and m2 else (m1 or m2)
                    c = c1 * c2
                    terms[m] = terms[m] + c if m in terms else c
    out = np.empty(size, dtype=object)
    for idx, terms in enumerate(acc):
        out[idx] = Polynomial(terms, domain) if terms else ZERO
    return out.reshape(out_shape)


def _box_offsets(shape: tuple[int, ...], strides: list[int]) -> list[int]:
    """The offset Σ pos_a·strides_a of every position of a box of ``shape``, row-major."""
    offsets = [0]
    for n, stride in zip(shape, strides, strict=True):
        offsets = [o + i * stride for o in offsets for i in range(n)]
    return offsets


def _bare_generator_conv(
    kern_gens: list[tuple[int, Generator]],
    img_gens: list[tuple[int, Generator]],
    size: int,
    domain: Any,
) -> np.ndarray:
    """The exact convolution when every entry is one generator with coefficient 1.

    This is the usual case (independent symbolic entries), and the one that
    must be fast: every product is the monomial (a, b) sorted, and the
    coefficient of a monomial at an output position is the number of times
    the pair lands there.  numpy does the sorting and counting; the result is
    the same canonical dicts the general loop builds.
    """
    gens = sorted({g for _, g in kern_gens} | {g for _, g in img_gens})
    rank = {g: r for r, g in enumerate(gens)}
    koff = np.array([o for o, _ in kern_gens], dtype=np.int64)
    ioff = np.array([o for o, _ in img_gens], dtype=np.int64)
    krank = np.array([rank[g] for _, g in kern_gens], dtype=np.int64)
    irank = np.array([rank[g] for _, g in img_gens], dtype=np.int64)
    position = (koff[:, None] + ioff[None, :]).ravel()
    low = np.minimum(krank[:, None], irank[None, :]).ravel()
    high = np.maximum(krank[:, None], irank[None, :]).ravel()
    n = len(gens)
    keys, counts = np.unique((position * n + low) * n + high, return_counts=True)
    position, rest = np.divmod(keys, n * n)
    low, high = np.divmod(rest, n)
    monomials = list(zip(map(gens.__getitem__, low.tolist()), map(gens.__getitem__, high.tolist()),
                         strict=True))
    coefficients = counts.tolist()
    if domain.is_QQ or domain.is_ZZ:  # the element type from a count directly (convert's
        # dispatch is ~9x slower)
        coefficients = list(map(domain.dtype, coefficients))
    elif not domain.of_type(1):
        coefficients = list(map(domain.convert, coefficients))
    bounds = np.searchsorted(position, np.arange(size + 1)).tolist()
    out = np.empty(size, dtype=object)
    for idx in range(size):
        lo, hi = bounds[idx], bounds[idx + 1]
        out[idx] = Polynomial.from_nonzero_terms(
            dict(zip(monomials[lo:hi], coefficients[lo:hi], strict=True)), domain
        ) if hi > lo else ZERO
    return out


def _is_bare_generator(p: Polynomial, one: Any) -> bool:
    if len(p.terms) != 1:
        return False
    ((m, c),) = p.terms.items()
    return len(m) == 1 and c == one


# --- modes and boundaries -----------------------------------------------------------


class _Summable(Protocol):
    def __add__(self: Bound, other: Bound, /) -> Bound: ...

    def __neg__(self: Bound) -> Bound: ...

    def __rmul__(self: Bound, factor: int, /) -> Bound: ...


Bound = TypeVar("Bound", bound=_Summable)  # a box's end: an integer or an affine form


def sliding_box(kernel: Sequence[tuple[Bound, Bound]], image: Sequence[tuple[Bound, Bound]],
                sign: int, mode: str) -> list[tuple[Bound, Bound]]:
    """The output box of :func:`sliding_sum` per axis, inclusive (lo, hi), from the kernel's
    and the image's: in any numbers with + and unary − (integers here, the general tier's
    affine forms in the size symbols), so that both read one rule.

    >>> sliding_box([(0, 2)], [(-1, 4)], -1, "full"), sliding_box([(0, 2)], [(-1, 4)], 1, "valid")
    ([(-3, 4)], [(1, 4)])
    """
    out = []
    for (klo, khi), (lo, hi) in zip(kernel, image, strict=True):
        if sign < 0:  # the offsets x − input: the kernel's box for conv, its mirror for corr
            klo, khi = -khi, -klo
        if mode == "full":
            out.append((lo + klo, hi + khi))
        elif mode == "same":
            out.append((lo, hi))
        else:
            out.append((lo + khi, hi + klo))
    return out


def flipped_box(box: Sequence[tuple[Bound, Bound]], axes: Iterable[int]) -> list[tuple[Bound, Bound]]:
    """The box of :func:`flip` on ``axes``: [lo, hi] becomes [−hi, −lo] there."""
    flipped = set(axes)
    return [(-hi, -lo) if a in flipped else (lo, hi) for a, (lo, hi) in enumerate(box)]


def shifted_box(box: Sequence[tuple[Bound, Bound]], offsets: Sequence[Bound]) -> list[tuple[Bound, Bound]]:
    """The box of :func:`shift` by ``offsets``: [lo + k, hi + k]."""
    return [(lo + k, hi + k) for (lo, hi), k in zip(box, offsets, strict=True)]


def upsampled_box(box: Sequence[tuple[Bound, Bound]], factors: Sequence[int]) -> list[tuple[Bound, Bound]]:
    """The box of :func:`upsample` by ``factors``: [s·lo, s·hi] (zero insertion keeps both ends)."""
    return [(s * lo, s * hi) for (lo, hi), s in zip(box, factors, strict=True)]


def _output_box(kernel: Signal, image: Signal, sign: int, mode: str) -> tuple[list[int], list[int]]:
    """Inclusive [lo, hi] per axis of the output for a mode."""
    box = sliding_box(_box(kernel), _box(image), sign, mode)
    return [lo for lo, _ in box], [hi for _, hi in box]


def _box(signal: Signal) -> list[tuple[int, int]]:
    return [(o, o + n - 1) for o, n in zip(signal.origin, signal.shape, strict=True)]


def _extend(image: Signal, lo: Sequence[int], hi: Sequence[int], boundary: str) -> Signal:
    """``image`` extended by the boundary rule over the box [lo, hi] (inclusive)."""
    if boundary == "zero":
        return image
    pad = []
    for o, n, low, high in zip(image.origin, image.shape, lo, hi, strict=True):
        pad.append((max(0, o - low), max(0, high - (o + n - 1))))
    check_box(tuple(n + a + b for n, (a, b) in zip(image.shape, pad, strict=True)),
              image.is_exact)
    entries = np.pad(image.entries, pad, mode=NUMPY_PAD_MODES[boundary])  # type: ignore[call-overload]
    origin = tuple(o - before for o, (before, _) in zip(image.origin, pad, strict=True))
    return Signal(entries, origin)


def _crop(signal: Signal, lo: Sequence[int], hi: Sequence[int]) -> Signal:
    shape = tuple(h - l + 1 for l, h in zip(lo, hi, strict=True))
    return Signal(signal.embed(lo, shape), lo)


def valid_misfit(kernel: tuple[int, ...], image: tuple[int, ...], sign: int) -> str:
    """Why ``valid`` has no output for a kernel larger than the image on some axis, and what
    scipy.signal computes there instead (docs/conventions.rst, "Modes and boundaries")."""
    name = "conv" if sign > 0 else "corr"
    axes = [a for a, (k, n) in enumerate(zip(kernel, image, strict=True)) if k > n]
    where = f"{'axis' if len(axes) == 1 else 'axes'} {', '.join(map(str, axes))}"
    text = (f"{name}(kernel, image, mode='valid') keeps the positions where the whole kernel "
            f"(shape {kernel}) lies inside the image (shape {image}); it is larger on {where}, "
            "so there are none (symconv never swaps the two: its modes and boundaries act on "
            "the image). ")
    if any(k < n for k, n in zip(kernel, image, strict=True)):
        return text + ("scipy.signal raises an error too: neither input is at least as large "
                       "as the other on every axis")
    if sign > 0:
        return text + ("scipy.signal.convolve and convolve2d swap the inputs here (convolution "
                       "commutes): their result is conv(image, kernel, mode='valid')")
    return text + ("scipy.signal.correlate(image, kernel, 'valid') then returns "
                   "flip(corr(image, conj(kernel), mode='valid')), and correlate2d "
                   "flip(corr(conj(image), kernel, mode='valid')): for real entries both are "
                   "flip(corr(image, kernel, mode='valid'))")


def sliding_sum(kernel: Signal, image: Signal, sign: int, mode: str = "full",
                boundary: str = "zero", full_conv: ArrayConvolution | None = None) -> Signal:
    """``conv`` (``sign=+1``) or ``corr`` (``sign=-1``) with mode and boundary.

    ``full_conv`` replaces the array-level full convolution (exact or numeric
    by default), so that another arithmetic gets exactly the same modes and
    boundaries.
    """
    _same_ndim(kernel, image)
    mode, boundary = normalize_mode(mode), normalize_boundary(boundary)
    lo, hi = _output_box(kernel, image, sign, mode)
    if any(l > h for l, h in zip(lo, hi, strict=True)):
        raise ShapeError(valid_misfit(kernel.shape, image.shape, sign))
    if boundary != "zero" and mode != "valid":
        # The image values the output box reads: x - sign*i for x in the box, i in the kernel.
        klo = [a if sign > 0 else -(a + k - 1) for a, k in zip(kernel.origin, kernel.shape,
                                                                  strict=True)]
        khi = [a + k - 1 if sign > 0 else -a for a, k in zip(kernel.origin, kernel.shape,
                                                               strict=True)]
        need_lo = [l - kh for l, kh in zip(lo, khi, strict=True)]
        need_hi = [h - kl for h, kl in zip(hi, klo, strict=True)]
        image = _extend(image, need_lo, need_hi, boundary)
    return _crop(_sliding_sum(kernel, image, sign, full_conv), lo, hi)


@accepts_arrays(2)
def conv(kernel: Signal, image: Signal, mode: str = "full", boundary: str = "zero") -> Signal:
    """Convolution ``sum_i F(i) I(x - i)``, cropped to ``mode``, ``I`` extended by ``boundary``.

    >>> from symconv.core.signal import Signal
    >>> conv(Signal.literal([1, 2]), Signal.literal([1, 1, 1])).entries.tolist()
    [Polynomial(1), Polynomial(3), Polynomial(3), Polynomial(2)]

    numpy arrays and nested lists are accepted too (centred, as every default):

    >>> conv([1, 2, 1], [0, 1, 0, 0], mode="same").to_array().tolist()
    [1, 2, 1, 0]
    """
    return sliding_sum(kernel, image, +1, mode, boundary)


@accepts_arrays(2)
def corr(kernel: Signal, image: Signal, mode: str = "full", boundary: str = "zero") -> Signal:
    """Correlation ``sum_i F(i) I(x + i)``, cropped to ``mode``, ``I`` extended by ``boundary``."""
    return sliding_sum(kernel, image, -1, mode, boundary)


# --- re-indexings -----------------------------------------------------------------


def _axis(signal: Signal, axis: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int) or not -signal.ndim <= axis < signal.ndim:
        raise ShapeError(f"axis {axis!r} does not exist in a {signal.ndim}D signal")
    return axis % signal.ndim


@accepts_arrays(1)
def flip(signal: Signal, axis: int | None = None) -> Signal:
    """``flip(F)(i) = F(-i)`` on all axes (180 degree rotation in 2D), or on one axis."""
    axes = range(signal.ndim) if axis is None else [_axis(signal, axis)]
    index = [slice(None)] * signal.ndim
    for k in axes:
        index[k] = slice(None, None, -1)
    return Signal(signal.entries[tuple(index)], [lo for lo, _ in flipped_box(_box(signal), axes)])


@accepts_arrays(1)
def shift(signal: Signal, *offsets: int) -> Signal:
    """``shift(a, k)(x) = a(x - k)``: move the signal by ``k``."""
    if len(offsets) != signal.ndim:
        raise ShapeError(
            f"shift by {len(offsets)} offsets of a {signal.ndim}D signal; expected {signal.ndim}"
        )
    for k in offsets:
        if isinstance(k, bool) or not isinstance(k, int):
            raise ShapeError(f"shift offset {k!r} is not an integer")
    return Signal(signal.entries, [lo for lo, _ in shifted_box(_box(signal), offsets)])


@accepts_arrays(1)
def transpose(signal: Signal) -> Signal:
    """``transpose(a)(i, j) = a(j, i)`` (all axes reversed in nD, as numpy's ``.T``)."""
    return Signal(signal.entries.T, signal.origin[::-1])


@accepts_arrays(1)
def conj(signal: Signal) -> Signal:
    """Complex conjugate of every entry."""
    if signal.is_exact:
        return Signal(_map_entries(signal.entries, Polynomial.conjugate), signal.origin)
    return Signal(np.conj(signal.entries), signal.origin)


@accepts_arrays(1)
def zeropad(signal: Signal, *sizes: int) -> Signal:
    """The same function on a box of ``sizes`` starting at the same origin."""
    if len(sizes) != signal.ndim:
        raise ShapeError(f"zeropad to {len(sizes)} sizes of a {signal.ndim}D signal")
    for n, have in zip(sizes, signal.shape, strict=True):
        if isinstance(n, bool) or not isinstance(n, int) or n < have:
            raise ShapeError(f"zeropad size {n!r} is smaller than the signal's size {have}")
    return Signal(signal.embed(signal.origin, sizes), signal.origin)


def _factors(signal: Signal, factors: Sequence[int], func: str) -> tuple[int, ...]:
    """One positive integer per axis (a stride or a dilation)."""
    if len(factors) != signal.ndim:
        raise ShapeError(f"{func} by {len(factors)} factors of a {signal.ndim}D signal; "
                         f"expected {signal.ndim}")
    for s in factors:
        if isinstance(s, bool) or not isinstance(s, int) or s < 1:
            raise ShapeError(f"{func} factor {s!r} is not a positive integer")
    return tuple(factors)


@accepts_arrays(1)
def downsample(signal: Signal, *factors: int) -> Signal:
    """``downsample(a, s)(x) = a(s·x)``, one factor per axis: keep every s-th sample (a stride).

    A strided CNN layer is the full layer read at s·o: torch's
    ``conv2d(x, W, stride=s, padding=p, dilation=d)`` is, on its output box,
    ``downsample(corr(upsample(W, d), shift(x, p)), s)``.

    >>> from symconv.core.signal import Signal
    >>> downsample(Signal([1, 2, 3, 4, 5], (0,)), 2).to_array().tolist()
    [1, 3, 5]
    >>> downsample(Signal([1, 2, 3, 4], (-1,)), 2).origin  # a(-1), a(1): only a(0), a(2) kept
    (0,)
    """
    steps = _factors(signal, factors, "downsample")
    lo = [-(-o // s) for o, s in zip(signal.origin, steps, strict=True)]  # ceil(o / s)
    hi = [(o + n - 1) // s for o, n, s in zip(signal.origin, signal.shape, steps, strict=True)]
    if any(h < l for l, h in zip(lo, hi, strict=True)):
        return Signal.zeros(signal.ndim, signal.is_exact)
    index = tuple(slice(l * s - o, h * s - o + 1, s)
                  for l, h, s, o in zip(lo, hi, steps, signal.origin, strict=True))
    return Signal(signal.entries[index], lo)


@accepts_arrays(1)
def upsample(signal: Signal, *factors: int) -> Signal:
    """``upsample(a, s)(x) = a(x/s)`` where s divides x, else 0: zero insertion, one factor per
    axis.  It dilates a kernel (``upsample(W, d)`` is W with dilation d) and spreads an output
    gradient by the stride: torch's ``conv_transpose2d(g, W, stride=s, padding=p, dilation=d)``
    is, on its output box, ``shift(conv(upsample(W, d), upsample(g, s)), -p)``, the adjoint of
    the strided layer (see :func:`downsample`).

    >>> from symconv.core.signal import Signal
    >>> upsample(Signal([1, 2, 3], (-1,)), 2).to_array().tolist()
    [1, 0, 2, 0, 3]
    >>> upsample(Signal([1, 2, 3], (-1,)), 2).origin
    (-2,)
    """
    steps = _factors(signal, factors, "upsample")
    shape = tuple((n - 1) * s + 1 if n else 0 for n, s in zip(signal.shape, steps, strict=True))
    out = _zero_array(shape, signal.is_exact, signal.entries.dtype)
    out[tuple(slice(None, None, s) for s in steps)] = signal.entries
    return Signal(out, [lo for lo, _ in upsampled_box(_box(signal), steps)])


# --- products and sums ------------------------------------------------------------------


@accepts_arrays(2)
def hadamard(a: Signal, b: Signal) -> Signal:
    """Pointwise product."""
    _same_ndim(a, b)
    return a * b


@accepts_arrays(1)
def total(signal: Signal) -> Any:
    """Sum of all values (the DSL's ``sum``): a Polynomial, or a number for numeric signals."""
    return sum_entries(signal.entries.flat, signal.is_exact)


@accepts_arrays(2)
def frobenius(a: Signal, b: Signal) -> Any:
    """Bilinear Frobenius product ``sum_x a(x) b(x)`` (no conjugation; use ``conj`` for that)."""
    return total(hadamard(a, b))


@accepts_arrays(1)
def trace(signal: Signal) -> Any:
    """``sum_i a(i, i)`` over Z (2D signals)."""
    if signal.ndim != 2:
        raise ShapeError(f"trace of a {signal.ndim}D signal; expected 2D")
    lo = max(signal.origin)
    hi = min(signal.stop)
    values = [signal.value_at((i, i)) for i in range(lo, hi)]
    return sum_entries(values, signal.is_exact)


@accepts_arrays(2)
def matmul(a: Signal, b: Signal) -> Signal:
    """Matrix product as functions on Z^2: ``(a @ b)(i, k) = sum_j a(i, j) b(j, k)``."""
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"matrix product of {a.ndim}D and {b.ndim}D signals; expected 2D and 2D")
    a, b = _common_kind(a, b)
    lo, hi = max(a.origin[1], b.origin[0]), min(a.stop[1], b.stop[0])
    rows, cols = a.shape[0], b.shape[1]
    if lo >= hi:
        return Signal(_zero_array((rows, cols), a.is_exact), (a.origin[0], b.origin[1]))
    left = a.entries[:, lo - a.origin[1] : hi - a.origin[1]]
    right = b.entries[lo - b.origin[0] : hi - b.origin[0], :]
    return Signal(left.dot(right), (a.origin[0], b.origin[1]))


# --- circular operations on Z_n^d ----------------------------------------------------------


def circular_period(a: Signal, b: Signal | None = None, n: Sequence[int] | None = None) -> tuple[int, ...]:
    """The period: ``n`` if given, else the common shape of the inputs."""
    if n is not None:
        period = tuple(n)
        if len(period) != a.ndim or any(isinstance(k, bool) or not isinstance(k, int) or k < 1
                                        for k in period):
            raise ShapeError(f"period {period} does not fit a {a.ndim}D signal")
        return period
    if b is not None and a.shape != b.shape:
        raise ShapeError(
            f"circular operation on shapes {a.shape} and {b.shape}; expected equal shapes "
            "(zeropad one, or give the period n)"
        )
    if 0 in a.shape:  # e.g. a downsample that keeps no sample
        raise ShapeError(f"a circular operation on an empty box (shape {a.shape}) has no "
                         "period; give the period n")
    return a.shape


@accepts_arrays(1)
def periodize(signal: Signal, period: Sequence[int]) -> Signal:
    """The signal on Z_n^d: ``sum_m a(x + m n)``, stored at origin 0 with shape n."""
    period = tuple(period)
    if signal.shape == period and 0 not in period and signal.is_exact and all(
            p.domain.is_ZZ or p.domain.is_QQ for p in signal.entries.flat):
        # one box of shape n: each entry lands alone at its place mod n (a cyclic shift), and
        # a sum of one rational polynomial is itself (the common case of circular operations)
        entries = signal.entries
        for axis, (o, n) in enumerate(zip(signal.origin, period, strict=True)):
            if o % n:  # entry i goes to (i + o) mod n: the last o mod n come first
                entries = np.concatenate((entries.take(range(n - o % n, n), axis),
                                          entries.take(range(n - o % n), axis)), axis)
        return Signal(entries if entries is not signal.entries else entries.copy(),
                      (0,) * signal.ndim)
    if signal.shape == period and 0 not in period and not signal.is_exact:
        # numeric, one box of shape n: the same cyclic shift, without the scatter-add
        shifts = tuple(o % n for o, n in zip(signal.origin, period, strict=True))
        return Signal(np.roll(signal.entries, shifts, tuple(range(signal.ndim))),
                      (0,) * signal.ndim)
    out = _zero_array(period, signal.is_exact, signal.entries.dtype)
    index = np.indices(signal.shape).reshape(signal.ndim, -1)
    # origin % n first, in Python ints: an origin near 2**63 would wrap in int64
    target = tuple((index[k] + signal.origin[k] % period[k]) % period[k]
                   for k in range(signal.ndim))
    values = signal.entries.reshape(-1)
    if signal.is_exact:
        flat = np.ravel_multi_index(target, period)
        buckets: dict[int, list[Polynomial]] = {}
        for pos, value in zip(flat.tolist(), values, strict=True):
            buckets.setdefault(pos, []).append(value)
        flat_out = out.reshape(-1)
        for pos, items in buckets.items():
            first = items[0].domain
            # a sum started in the first one's rational domain: the same sum, without widening
            # ZZ to QQ entry by entry (one rational entry is its own sum)
            flat_out[pos] = (items[0] if len(items) == 1 else polynomial_sum(items, first)) \
                if first.is_ZZ or first.is_QQ else sum_entries(items, True)
    else:
        np.add.at(out, target, values)
    return Signal(out, (0,) * signal.ndim)


def circular_sum(a: Signal, b: Signal, sign: int, n: Sequence[int] | None = None,
                 full_conv: ArrayConvolution | None = None) -> Signal:
    """``circconv`` (``sign=+1``) or ``circcorr`` (``sign=-1``); ``full_conv`` as in sliding_sum."""
    _same_ndim(a, b)
    period = circular_period(a, b, n)
    pa, pb = periodize(a, period), periodize(b, period)
    return periodize(_sliding_sum(pa, pb, sign, full_conv), period)


@accepts_arrays(2)
def circconv(a: Signal, b: Signal, n: Sequence[int] | None = None) -> Signal:
    """Circular convolution on Z_n^d: ``sum_k a(k) b(x - k mod n)``."""
    return circular_sum(a, b, +1, n)


@accepts_arrays(2)
def circcorr(a: Signal, b: Signal, n: Sequence[int] | None = None) -> Signal:
    """Circular correlation on Z_n^d: ``sum_k a(k) b(x + k mod n)``."""
    return circular_sum(a, b, -1, n)
