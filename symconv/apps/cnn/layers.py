"""What a CNN layer computes, exactly: output sizes, padding, the layer, its transpose and
the closed-form gradients (see :mod:`symconv.apps.cnn`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from symconv.core.algebra import Polynomial
from symconv.core.ops import NUMPY_PAD_MODES, conv, corr, normalize_boundary
from symconv.core.signal import MAX_EXACT_ENTRIES, Signal
from symconv.errors import ShapeError, SizeLimitError, UnknownNameError

ZERO = Polynomial.zero()
# torch.nn.Conv2d's padding_mode names -> symconv's boundary rules (see torch_boundary).
TORCH_PADDING_MODES = {"zeros": "zero", "reflect": "mirror", "replicate": "nearest",
                       "circular": "wrap"}
LAYER_OPS = ("corr", "conv")



# --- sizes (Dumoulin & Visin, "A guide to convolution arithmetic for deep learning") ---------


def effective_kernel_size(k: int, dilation: int = 1) -> int:
    """k' = k + (k - 1)(d - 1): the span of a dilated kernel."""
    return k + (k - 1) * (dilation - 1)


def output_size(i: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """o = floor((i + 2p - k') / s) + 1 (relationships 6 and 15 of Dumoulin & Visin)."""
    return (i + 2 * padding - effective_kernel_size(k, dilation)) // stride + 1


def transposed_output_size(i: int, k: int, stride: int = 1, padding: int = 0,
                           output_padding: int = 0, dilation: int = 1) -> int:
    """o' = s(i' - 1) + k' - 2p + a (relationship 14 of Dumoulin & Visin, with dilation)."""
    return stride * (i - 1) + effective_kernel_size(k, dilation) - 2 * padding + output_padding


# --- tensors --------------------------------------------------------------------------------


def symbolic_tensor(name: str, shape: Sequence[int], real: bool = True) -> np.ndarray:
    """An object array of independent entries ``name[i, j, ...]`` (array indices from 0)."""
    return Signal.symbolic(name, shape, origin=(0,) * len(shape), real=real).entries


def _is_exact(a: np.ndarray) -> bool:
    return bool(np.asarray(a).dtype == object)


def _per_axis(value: int | Sequence[int], nd: int, what: str, minimum: int) -> tuple[int, ...]:
    values = (value,) * nd if isinstance(value, int | np.integer) else tuple(value)
    if len(values) != nd or any(isinstance(v, bool) or not isinstance(v, int | np.integer)
                                or v < minimum for v in values):
        raise ShapeError(f"{what} {value!r} is not {nd} integer(s) >= {minimum}")
    return tuple(int(v) for v in values)


def _check_exact_size(shape: Sequence[int], what: str) -> None:
    count = math.prod(int(n) for n in shape)
    if count > MAX_EXACT_ENTRIES:
        raise SizeLimitError(f"{what} of shape {tuple(shape)} has {count} exact entries; "
                             f"the limit is {MAX_EXACT_ENTRIES}")


def _zeros(shape: Sequence[int], exact: bool, dtype: Any = np.int64) -> np.ndarray:
    if exact:
        _check_exact_size(shape, "an array")
        out = np.empty(tuple(shape), dtype=object)
        out.fill(ZERO)
        return out
    return np.zeros(tuple(shape), dtype=dtype)


def spread(a: np.ndarray, step: Sequence[int]) -> np.ndarray:
    """Insert ``step - 1`` zeros between neighbouring entries (dilation, or stride upsampling)."""
    shape = tuple((n - 1) * s + 1 for n, s in zip(a.shape, step, strict=True))
    if _is_exact(a):
        _check_exact_size(shape, f"an array spread by {tuple(step)}")
    out = _zeros(shape, _is_exact(a), a.dtype)
    out[tuple(slice(None, None, s) for s in step)] = a
    return out


def _at_zero(a: np.ndarray) -> Signal:
    """An array as a signal with its first entry at 0 (array indices are coordinates)."""
    return Signal(a, (0,) * a.ndim)


def pad(a: np.ndarray, padding: Sequence[int] | Sequence[tuple[int, int]],
        boundary: str = "zero") -> np.ndarray:
    """Extend ``a`` by the boundary rule: ``padding`` samples on both sides of every axis, or
    ``(before, after)`` samples per axis."""
    boundary = normalize_boundary(boundary)
    pairs = [(int(p), int(p)) if isinstance(p, int | np.integer) else (int(p[0]), int(p[1]))
             for p in padding]
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(a.shape, pairs, strict=True))
    if _is_exact(a):
        _check_exact_size(shape, f"an input padded by {tuple(padding)}")
    if boundary == "zero":
        return _at_zero(a).embed(tuple(-lo for lo, _ in pairs), shape)
    if boundary == "mirror" and any(max(p) > 0 and n < 2 for n, p in zip(a.shape, pairs,
                                                                         strict=True)):
        raise ShapeError(f"mirror padding needs at least 2 samples per axis, not shape {a.shape}")
    return np.pad(a, pairs, mode=NUMPY_PAD_MODES[boundary])  # type: ignore[call-overload]


def torch_boundary(padding_mode: str) -> str:
    """symconv's boundary rule for torch's ``padding_mode`` (torch's ``reflect`` repeats no
    edge sample: that is symconv's ``mirror``; symconv's ``reflect`` repeats it).

    >>> [torch_boundary(m) for m in TORCH_PADDING_MODES]
    ['zero', 'mirror', 'nearest', 'wrap']
    """
    try:
        return TORCH_PADDING_MODES[padding_mode]
    except (KeyError, TypeError):
        raise UnknownNameError(
            f"unknown padding_mode {padding_mode!r}; expected one of "
            f"{', '.join(TORCH_PADDING_MODES)} (torch's names; symconv's own rules are the "
            "boundary= argument)") from None


def padding_pairs(padding: int | Sequence[int] | str, kernel: Sequence[int],
                  dilation: Sequence[int], stride: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """``(before, after)`` per spatial axis for torch's ``padding``: a number per axis,
    ``"valid"`` (none) or ``"same"`` (stride 1; a total of ``dilation * (k - 1)``, the odd
    sample after, as torch does).

    >>> padding_pairs("same", (4, 3), (1, 2), (1, 1))
    ((1, 2), (2, 2))
    """
    nd = len(kernel)
    if padding == "valid":
        return ((0, 0),) * nd
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ShapeError(f"padding='same' needs stride 1, not {tuple(stride)} (as in torch)")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise UnknownNameError(f"unknown padding {padding!r}; expected a number, 'same' or 'valid'")
    return tuple((p, p) for p in _per_axis(padding, nd, "padding", 0))


# --- the layer and its transpose ----------------------------------------------------------


@dataclass(frozen=True)
class LayerShape:
    """Checked shapes and hyper-parameters of one layer (per spatial axis)."""

    in_channels: int
    out_channels: int
    groups: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]

    @classmethod
    def check(cls, x_shape: Sequence[int], w_shape: Sequence[int], stride: int | Sequence[int],
              padding: int | Sequence[int], dilation: int | Sequence[int], groups: int
              ) -> LayerShape:
        if len(w_shape) != len(x_shape) + 1 or len(x_shape) < 2:
            raise ShapeError(
                f"input of shape {tuple(x_shape)} and weights of shape {tuple(w_shape)}; expected "
                "(C, *spatial) and (O, C // groups, *kernel) with the same spatial dimension"
            )
        nd = len(x_shape) - 1
        channels, out_channels = int(x_shape[0]), int(w_shape[0])
        if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
            raise ShapeError(f"groups {groups!r} is not a positive integer")
        if channels % groups or out_channels % groups:
            raise ShapeError(
                f"groups {groups} does not divide {channels} input and {out_channels} "
                "output channels"
            )
        if w_shape[1] != channels // groups:
            raise ShapeError(
                f"weights have {w_shape[1]} input channels per group; expected "
                f"{channels // groups} ({channels} channels / {groups} groups)"
            )
        return cls(channels, out_channels, groups, tuple(int(k) for k in w_shape[2:]),
                   _per_axis(stride, nd, "stride", 1), _per_axis(padding, nd, "padding", 0),
                   _per_axis(dilation, nd, "dilation", 1))

    def group_of_output(self, o: int) -> range:
        """The input channels output channel ``o`` reads."""
        per_in = self.in_channels // self.groups
        g = o // (self.out_channels // self.groups)
        return range(g * per_in, (g + 1) * per_in)


def layer(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None, *,
          stride: int | Sequence[int] = 1, padding: int | Sequence[int] | str = 0,
          dilation: int | Sequence[int] = 1, groups: int = 1, boundary: str = "zero",
          op: str = "corr", padding_mode: str | None = None) -> np.ndarray:
    """``y[o] = b[o] + sum_c W[o, c] ⋆ x[c]``: shape ``(O, *out)``, out by :func:`output_size`.

    ``padding`` and ``padding_mode`` are torch's: a number per axis, ``"same"`` or
    ``"valid"``; ``zeros``, ``reflect``, ``replicate`` or ``circular`` (see
    :func:`torch_boundary`).  ``boundary`` gives the padding rule in symconv's own
    names instead (zero, wrap, reflect, mirror, nearest).
    """
    if op not in LAYER_OPS:
        raise UnknownNameError(f"unknown layer operation {op!r}; expected corr or conv")
    if padding_mode is not None:
        if normalize_boundary(boundary) != "zero":
            raise ShapeError(f"both padding_mode={padding_mode!r} and boundary={boundary!r}; "
                             "give one (padding_mode in torch's names, boundary in symconv's)")
        boundary = torch_boundary(padding_mode)
    x, W = np.asarray(x), np.asarray(W)
    shape = LayerShape.check(x.shape, W.shape, stride, 0 if isinstance(padding, str) else padding,
                             dilation, groups)
    pairs = padding_pairs(padding, shape.kernel, shape.dilation, shape.stride)
    exact = _is_exact(x) or _is_exact(W)
    apply = corr if op == "corr" else conv
    padded = [pad(x[c], pairs, boundary) for c in range(shape.in_channels)]
    step = tuple(slice(None, None, s) for s in shape.stride)
    outputs = []
    for o in range(shape.out_channels):
        total: Any = None
        for j, c in enumerate(shape.group_of_output(o)):
            kernel = _at_zero(spread(W[o, j], shape.dilation))
            image = _at_zero(padded[c])
            if exact:
                kernel, image = kernel.exact(), image.exact()
            try:
                part = apply(kernel, image, mode="valid").entries[step]
            except ShapeError:
                raise ShapeError(
                    f"input of spatial shape {x.shape[1:]} with padding {_padding_text(pairs)} is "
                    f"smaller than the dilated kernel "
                    f"{tuple(map(effective_kernel_size, shape.kernel, shape.dilation))}"
                ) from None
            total = part if total is None else total + part
        if b is not None:
            total = total + (b[o] if not exact or isinstance(b[o], Polynomial)
                             else Polynomial.from_number(_plain_number(b[o])))
        outputs.append(total)
    return np.stack(outputs)


def _padding_text(pairs: Sequence[tuple[int, int]]) -> str:
    """``(1, 0)`` for symmetric padding per axis (as the layer's options give it), else the
    (before, after) pairs."""
    if all(before == after for before, after in pairs):
        return str(tuple(before for before, _ in pairs))
    return str(tuple(pairs))


def _plain_number(value: Any) -> int | float | Fraction | complex:
    plain: Any = value.item() if isinstance(value, np.generic) else value
    return plain


def conv_transpose(y: np.ndarray, W: np.ndarray, *, stride: int | Sequence[int] = 1,
                   padding: int | Sequence[int] = 0, output_padding: int | Sequence[int] = 0,
                   dilation: int | Sequence[int] = 1, groups: int = 1) -> np.ndarray:
    """The transposed correlation layer (PyTorch's ``conv_transpose``), built as a convolution.

    ``y`` (O, *in) is spread out by the stride, fully convolved with the dilated
    ``W[o, c]``, summed over the group and cropped by ``padding``: Dumoulin &
    Visin's "fractionally strided" convolution.  Output size by
    :func:`transposed_output_size`.
    """
    y, W = np.asarray(y), np.asarray(W)
    nd = y.ndim - 1
    if W.ndim != y.ndim + 1 or y.shape[0] != W.shape[0]:
        raise ShapeError(
            f"transposed layer input {y.shape} and weights {W.shape}; expected (O, *spatial) "
            "and (O, C // groups, *kernel)"
        )
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1 or y.shape[0] % groups:
        raise ShapeError(f"groups {groups!r} does not divide {y.shape[0]} channels")
    s = _per_axis(stride, nd, "stride", 1)
    p = _per_axis(padding, nd, "padding", 0)
    a = _per_axis(output_padding, nd, "output_padding", 0)
    d = _per_axis(dilation, nd, "dilation", 1)
    if any(ai >= max(si, di) for ai, si, di in zip(a, s, d, strict=True)):
        raise ShapeError(f"output_padding {a} must be smaller than the stride or the dilation")
    exact = _is_exact(y) or _is_exact(W)
    per_group_out, per_group_in = W.shape[1], y.shape[0] // groups
    channels = []
    for c in range(per_group_out * groups):
        g, j = divmod(c, per_group_out)
        total: Any = None
        for o in range(g * per_group_in, (g + 1) * per_group_in):
            kernel, image = _at_zero(spread(W[o, j], d)), _at_zero(spread(y[o], s))
            if exact:
                kernel, image = kernel.exact(), image.exact()
            part = conv(kernel, image, mode="full")
            total = part if total is None else total + part
        # crop the padding from both ends; output_padding adds samples at the far end
        out_shape = tuple(n - 2 * pi + ai for n, pi, ai in zip(total.shape, p, a, strict=True))
        if any(n < 1 for n in out_shape):
            raise ShapeError(f"transposed layer output shape {out_shape} is empty (padding {p})")
        channels.append(total.embed(p, out_shape))
    return np.stack(channels)


# --- gradients in closed form ---------------------------------------------------------------


def grad_input(g: np.ndarray, W: np.ndarray, input_shape: Sequence[int], *,
               stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
               dilation: int | Sequence[int] = 1, groups: int = 1, op: str = "corr"
               ) -> np.ndarray:
    """dL/dx for a zero-padded layer: the transposed layer applied to ``g`` = dL/dy."""
    shape = LayerShape.check(input_shape, W.shape, stride, padding, dilation, groups)
    spatial = input_shape[1:]
    # output_padding recovers the input size that the floor in output_size lost
    extra = tuple((i + 2 * pi - effective_kernel_size(k, di)) % si for i, k, si, pi, di
                  in zip(spatial, shape.kernel, shape.stride, shape.padding, shape.dilation,
                         strict=True))
    weights = W if op == "corr" else _flip_spatial(W)
    return conv_transpose(g, weights, stride=shape.stride, padding=shape.padding,
                          output_padding=extra, dilation=shape.dilation, groups=groups)


def grad_weight(x: np.ndarray, g: np.ndarray, weight_shape: Sequence[int], *,
                stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                dilation: int | Sequence[int] = 1, groups: int = 1, boundary: str = "zero",
                op: str = "corr") -> np.ndarray:
    """dL/dW[o, c] = corr(g[o] spread by the stride, padded x[c]), read every ``dilation``."""
    shape = LayerShape.check(x.shape, weight_shape, stride, padding, dilation, groups)
    exact = _is_exact(x) or _is_exact(g)
    out = _zeros(tuple(weight_shape), exact, np.result_type(x, g) if not exact else object)
    read = tuple(slice(0, (k - 1) * d + 1, d) for k, d in zip(shape.kernel, shape.dilation,
                                                             strict=True))
    for o in range(shape.out_channels):
        for j, c in enumerate(shape.group_of_output(o)):
            kernel = _at_zero(spread(g[o], shape.stride))
            image = _at_zero(pad(x[c], shape.padding, boundary))
            if exact:
                kernel, image = kernel.exact(), image.exact()
            out[(o, j)] = corr(kernel, image, mode="valid").entries[read]
    return out if op == "corr" else _flip_spatial(out)


def grad_bias(g: np.ndarray) -> np.ndarray:
    """dL/db[o] = sum of g[o]."""
    sums = [_sum(g[o].flat) for o in range(g.shape[0])]
    return np.array(sums, dtype=object if _is_exact(g) else g.dtype)


def _sum(values: Any) -> Any:
    items = list(values)
    total = items[0]
    for v in items[1:]:
        total = total + v
    return total


def _flip_spatial(W: np.ndarray) -> np.ndarray:
    return W[(slice(None), slice(None), *(slice(None, None, -1),) * (W.ndim - 2))]


def flip_kernels(W: np.ndarray) -> np.ndarray:
    """flip(W[o, c]) for every pair of channels (180° rotation of each kernel)."""
    return _flip_spatial(np.asarray(W))


def check_output_sizes(sizes: Sequence[int] = range(1, 9), kernels: Sequence[int] = range(1, 5),
                       strides: Sequence[int] = (1, 2, 3), paddings: Sequence[int] = (0, 1, 2),
                       dilations: Sequence[int] = (1, 2, 3)) -> list[str]:
    """Build every layer and transposed layer on the grid; list where the count disagrees."""
    problems = []
    for i, k, s, p, d in np.ndindex(len(sizes), len(kernels), len(strides), len(paddings),
                                    len(dilations)):
        size, kern, st, pd, dil = sizes[i], kernels[k], strides[s], paddings[p], dilations[d]
        expected = output_size(size, kern, st, pd, dil)
        try:
            got = layer(np.ones((1, size)), np.ones((1, 1, kern)), stride=st, padding=pd,
                        dilation=dil).shape[1]
        except ShapeError:
            got = 0
        if got != max(expected, 0):
            problems.append(f"layer i={size} k={kern} s={st} p={pd} d={dil}: {got} outputs, "
                            f"formula {expected}")
        for extra in range(max(st, dil)):
            expected_t = transposed_output_size(size, kern, st, pd, extra, dil)
            try:
                got_t = conv_transpose(np.ones((1, size)), np.ones((1, 1, kern)), stride=st,
                                       padding=pd, output_padding=extra, dilation=dil).shape[1]
            except ShapeError:
                got_t = 0
            if got_t != max(expected_t, 0):
                problems.append(f"transposed i={size} k={kern} s={st} p={pd} a={extra} d={dil}: "
                                f"{got_t} outputs, formula {expected_t}")
    return problems
