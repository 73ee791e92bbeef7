"""Convolutional layers, exactly: what a CNN layer computes, its gradients, and the flip.

A layer maps ``x`` (channels C, then spatial axes) with weights ``W`` (shape
``(O, C // groups, *kernel)``) and biases ``b`` (O) to

    y[o] = b[o] + sum_{c in group(o)} W[o, c] ⋆ x[c]

where ⋆ is correlation (``op="corr"``, what every CNN library computes) or
convolution (``op="conv"``), with stride, padding (torch's ``padding_mode`` -- zeros, reflect, replicate,
circular, with torch's meanings -- or symconv's ``boundary`` rules say how the
input is extended), dilation and groups.
All indices are array indices from 0, as in PyTorch.  The layer is built from
:func:`symconv.core.ops.corr` / :func:`symconv.core.ops.conv` in ``valid`` mode on the
padded input, with the kernel dilated and the output subsampled by the stride,
so entries are exact :class:`~symconv.core.algebra.Polynomial` objects when the
inputs are symbolic and plain numbers on the numeric path.

Closed forms (checked against ``sympy.diff`` by :func:`check_backprop`):

* dL/dx = the transposed layer applied to dL/dy (full convolution with W for
  stride 1: correlation with flip(W));
* dL/dW[o, c] = correlation of dL/dy (spread out by the stride) with the padded
  x[c], read every ``dilation`` samples;
* dL/db[o] = the sum of dL/dy[o].

>>> import numpy as np
>>> x = symbolic_tensor("x", (1, 3))
>>> W = symbolic_tensor("W", (1, 1, 2))
>>> layer(x, W)[0, 0]
Polynomial(W[0, 0, 0]*x[0, 0] + W[0, 0, 1]*x[0, 1])
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from sympy.polys.domains import QQ

from symconv.apps.expanded import MAX_FORM_ENTRIES
from symconv.core.algebra import Generator, Polynomial, real_generator
from symconv.core.ops import NUMPY_PAD_MODES, conv, corr, normalize_boundary
from symconv.core.signal import MAX_EXACT_ENTRIES, Signal, parse_shape
from symconv.errors import ShapeError, SizeLimitError, SymconvError, UnknownNameError
from symconv.prove.verdict import exact_check_verdict

ZERO = Polynomial.zero()
# torch.nn.Conv2d's padding_mode names -> symconv's boundary rules (see torch_boundary).
TORCH_PADDING_MODES = {"zeros": "zero", "reflect": "mirror", "replicate": "nearest",
                       "circular": "wrap"}
LAYER_OPS = ("corr", "conv")
# check_backprop differentiates a loss of T terms by each of V variables with sympy.diff:
# the work grows like V * T (about 60 microseconds per unit); this keeps a check under ~15 s.
MAX_BACKPROP_WORK = 200_000
# Numeric gradient-descent steps of learning_equivalence (about 7 ms each, three runs).
MAX_LEARN_STEPS = 2_000


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


# --- expanded form of one output pixel ------------------------------------------------------


def pixel_terms(in_channels: int = 2, out_channel: int = 0, kernel: Sequence[int] = (3, 3),
                position: Sequence[int] = (0, 0), *, stride: int | Sequence[int] = 1,
                padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1,
                op: str = "corr", input_size: Sequence[int] | None = None) -> list[Any]:
    """One array per input channel whose entries sum (with b[o]) to y[o, position].

    Entry ``a`` of channel ``c``'s array is ``W[o, c, a'] x[c, q s + a d - p]`` with
    ``a' = a`` for correlation and the flipped index for convolution: the core's
    Hadamard form laid over the input patch.  Indices of ``x`` outside the input
    are padding.  With ``input_size``, ``position`` must be an output pixel of a
    layer on an input of that size (a ShapeError otherwise, as :func:`layer` gives).
    """
    if op not in LAYER_OPS:
        raise UnknownNameError(f"unknown layer operation {op!r}; expected corr or conv")
    kernel = parse_shape(kernel, "kernel")
    if isinstance(in_channels, bool) or not isinstance(in_channels, int) or in_channels < 1:
        raise ShapeError(f"in_channels {in_channels!r} is not a positive integer")
    terms = in_channels * math.prod(kernel)
    if terms > MAX_FORM_ENTRIES:
        raise SizeLimitError(f"an output pixel of {in_channels} channels with a {kernel} kernel "
                             f"has {terms} terms; the limit is {MAX_FORM_ENTRIES}")
    nd = len(kernel)
    s = _per_axis(stride, nd, "stride", 1)
    p = _per_axis(padding, nd, "padding", 0)
    d = _per_axis(dilation, nd, "dilation", 1)
    pos = _per_axis(tuple(position), nd, "position", 0)
    if input_size is not None:
        _check_pixel_exists(parse_shape(input_size, "input size"), kernel, pos, s, p, d)
    W, x = sympy.IndexedBase("W", real=True), sympy.IndexedBase("x", real=True)
    arrays = []
    for c in range(in_channels):
        entries = []
        for a in np.ndindex(*kernel):
            k = a if op == "corr" else tuple(n - 1 - i for n, i in zip(kernel, a, strict=True))
            where = tuple(q * si + i * di - pi for q, si, i, di, pi in zip(pos, s, a, d, p,
                                                                            strict=True))
            entries.append(W[(out_channel, c, *k)] * x[(c, *where)])
        rows = kernel[0] if nd == 2 else 1
        arrays.append(sympy.Matrix(rows, len(entries) // rows, entries) if nd <= 2
                      else sympy.ImmutableDenseNDimArray(entries, tuple(kernel)))
    return arrays


def _check_pixel_exists(input_size: tuple[int, ...], kernel: tuple[int, ...],
                        position: tuple[int, ...], stride: tuple[int, ...],
                        padding: tuple[int, ...], dilation: tuple[int, ...]) -> None:
    if len(input_size) != len(kernel):
        raise ShapeError(f"input size {input_size} and kernel {kernel} differ in dimension")
    out = tuple(map(output_size, input_size, kernel, stride, padding, dilation))
    if min(out) < 1:
        raise ShapeError(
            f"input of spatial shape {input_size} with padding {padding} is smaller than the "
            f"dilated kernel {tuple(map(effective_kernel_size, kernel, dilation))}"
        )
    if any(q >= n for q, n in zip(position, out, strict=True)):
        raise ShapeError(f"output position {position} is outside the output of shape {out}")


def pixel_form(in_channels: int = 2, out_channel: int = 0, kernel: Sequence[int] = (3, 3),
               position: Sequence[int] = (0, 0), **settings: Any) -> sympy.Expr:
    """The expanded value y[o, position] = b[o] + sum of the :func:`pixel_terms` (display)."""
    arrays = pixel_terms(in_channels, out_channel, kernel, position, **settings)
    terms = [term for array in arrays for term in sympy.flatten(array.tolist())]
    return sympy.Add(sympy.IndexedBase("b", real=True)[out_channel], *terms, evaluate=False)


# --- backprop checked by sympy.diff -----------------------------------------------------------


@dataclass
class GradientCheck:
    """sympy.diff of the expanded loss against the closed forms, compared canonically."""

    settings: dict[str, Any]
    checked: dict[str, int]  # gradient name -> entries compared
    mismatches: list[str]
    seconds: float

    @property
    def holds(self) -> bool:
        return not self.mismatches

    def summary(self) -> str:
        verdict = exact_check_verdict(self.holds).value
        counts = ", ".join(f"{k}: {n} entries" for k, n in self.checked.items())
        lines = [f"{verdict} backprop closed forms ({counts}) for {self.settings} "
                 f"in {self.seconds:.2f} s"]
        lines.extend(self.mismatches[:5])
        return "\n".join(lines)

    def _latex(self, printer: Any = None) -> str:
        verdict = exact_check_verdict(self.holds).value
        return (r"\frac{\partial L}{\partial x} = \text{conv\_transpose}"
                r"\left(\frac{\partial L}{\partial y}, W\right),\ "
                r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} \circ x"
                rf"\quad\text{{({verdict})}}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


class _DisplaySymbols:
    """Plain SymPy symbols for generators: sympy.diff by an ``Indexed`` entry is far slower."""

    def __init__(self) -> None:
        self.symbol: dict[Generator, sympy.Symbol] = {}
        self.generator: dict[sympy.Symbol, Generator] = {}

    def __call__(self, gen: Generator) -> sympy.Symbol:
        if gen not in self.symbol:
            index = ",".join(map(str, gen.index))
            sym = sympy.Symbol(f"{gen.name}[{index}]")  # no assumptions: faster diff
            self.symbol[gen], self.generator[sym] = sym, gen
        return self.symbol[gen]

    def expr(self, p: Any) -> sympy.Expr:
        """Display form of a Polynomial entry."""
        return p.as_expr(self)

    def polynomial(self, expr: sympy.Expr) -> Polynomial:
        """Canonical form of a polynomial expression in these symbols."""
        symbols = sorted(expr.free_symbols, key=str)
        if not symbols:
            return Polynomial.from_number(Fraction(str(sympy.Rational(expr))))
        terms = {}
        for exponents, coeff in sympy.Poly(expr, *symbols, domain=QQ).terms():
            mono = tuple(sorted(g for sym, e in zip(symbols, exponents, strict=True)
                                for g in [self.generator[sym]] * e))
            terms[mono] = QQ.convert(coeff)
        return Polynomial(terms, QQ)


def _gradient_by_diff(loss: sympy.Expr, entries: np.ndarray, names: _DisplaySymbols
                      ) -> np.ndarray:
    """sympy.diff of ``loss`` by each symbolic entry, converted back to canonical form."""
    # Summands free of a variable differentiate to 0: skip them (sympy.diff is slow).
    summands = [(term, term.free_symbols) for term in sympy.Add.make_args(loss)]
    out = np.empty(entries.shape, dtype=object)
    for pos, entry in np.ndenumerate(entries):
        (gen,) = entry.generators()
        var = names(gen)
        relevant = sympy.Add(*(term for term, free in summands if var in free))
        out[pos] = names.polynomial(sympy.diff(relevant, var))
    return out


def _compare(name: str, by_diff: np.ndarray, closed: np.ndarray, mismatches: list[str]) -> int:
    if by_diff.shape != closed.shape:
        mismatches.append(f"{name}: shape {closed.shape} of the closed form, {by_diff.shape} "
                          "by differentiation")
        return 0
    for pos, value in np.ndenumerate(by_diff):
        expected: Any = closed[pos]
        if value != expected:
            mismatches.append(f"{name}{list(pos)}: sympy.diff gives {value.as_expr()}, the "
                              f"closed form {expected.as_expr()}")
    return int(by_diff.size)


def check_backprop(in_channels: int = 1, out_channels: int = 1, input_size: Sequence[int] = (4, 4),
                   kernel: Sequence[int] = (2, 2), *, stride: int | Sequence[int] = 1,
                   padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1,
                   groups: int = 1, boundary: str = "zero", op: str = "corr") -> GradientCheck:
    """Differentiate L = sum_{o,q} g[o,q] y[o,q] (g = dL/dy, any loss) with sympy.diff.

    The layer is linear in x, W and b, so this L covers every scalar loss by
    the chain rule.  The input gradient's closed form is checked for zero
    padding (other boundaries fold the padding back; only dW and db are checked).
    """
    start = time.perf_counter()
    if groups < 1 or in_channels % groups or out_channels % groups:
        raise ShapeError(f"groups {groups} does not divide {in_channels} input and "
                         f"{out_channels} output channels")
    _check_backprop_work(in_channels, out_channels, input_size, kernel, stride, padding,
                         dilation, groups)
    x = symbolic_tensor("x", (in_channels, *input_size))
    W = symbolic_tensor("W", (out_channels, in_channels // groups, *kernel))
    b = symbolic_tensor("b", (out_channels,))
    kwargs: dict[str, Any] = {"stride": stride, "padding": padding, "dilation": dilation,
                              "groups": groups}
    y = layer(x, W, b, boundary=boundary, op=op, **kwargs)
    g = symbolic_tensor("g", y.shape)
    names = _DisplaySymbols()
    loss = sympy.Add(*(names.expr(g[pos]) * names.expr(y[pos]) for pos in np.ndindex(*y.shape)))
    mismatches: list[str] = []
    checked = {
        "dL/dW": _compare("dL/dW", _gradient_by_diff(loss, W, names),
                          grad_weight(x, g, W.shape, boundary=boundary, op=op, **kwargs),
                          mismatches),
        "dL/db": _compare("dL/db", _gradient_by_diff(loss, b, names), grad_bias(g), mismatches),
    }
    if normalize_boundary(boundary) == "zero":
        checked["dL/dx"] = _compare("dL/dx", _gradient_by_diff(loss, x, names),
                                    grad_input(g, W, x.shape, op=op, **kwargs), mismatches)
    settings = {"channels": (in_channels, out_channels), "input": tuple(input_size),
                "kernel": tuple(kernel), "boundary": boundary, "op": op, **kwargs}
    return GradientCheck(settings, checked, mismatches, time.perf_counter() - start)


def _check_backprop_work(in_channels: int, out_channels: int, input_size: Sequence[int],
                         kernel: Sequence[int], stride: int | Sequence[int],
                         padding: int | Sequence[int], dilation: int | Sequence[int],
                         groups: int) -> None:
    """Refuse, before building anything, a check that sympy.diff would take minutes over."""
    input_size = parse_shape(input_size, "input size")
    kernel = parse_shape(kernel, "kernel")
    nd = len(kernel)
    if len(input_size) != nd:
        raise ShapeError(f"input size {input_size} and kernel {kernel} have different dimensions")
    s, p = _per_axis(stride, nd, "stride", 1), _per_axis(padding, nd, "padding", 0)
    d = _per_axis(dilation, nd, "dilation", 1)
    outputs = out_channels * math.prod(
        max(output_size(i, k, si, pi, di), 0)
        for i, k, si, pi, di in zip(input_size, kernel, s, p, d, strict=True))
    per_group = in_channels // groups
    terms = outputs * (per_group * math.prod(kernel) + 1)
    variables = (in_channels * math.prod(input_size)
                 + out_channels * per_group * math.prod(kernel) + out_channels)
    if terms * variables > MAX_BACKPROP_WORK:
        raise SizeLimitError(
            f"a backprop check of {in_channels}x{out_channels} channels, input {input_size} and "
            f"kernel {kernel} differentiates {terms} loss terms by {variables} variables; the "
            f"limit is {MAX_BACKPROP_WORK} terms x variables (try a smaller --input or --kernel)")


def inner(a: np.ndarray, b: np.ndarray) -> Polynomial:
    """<a, b> = sum of a * b over all entries (exact)."""
    total: Polynomial = _sum((a * b).flat)
    return total


def check_adjoint(in_channels: int = 2, out_channels: int = 2, input_size: Sequence[int] = (5, 5),
                  kernel: Sequence[int] = (3, 3), **kwargs: Any) -> tuple[bool, Polynomial]:
    """<layer(x), y> == <x, conv_transpose(y)> for symbolic x, y, W: (holds, difference)."""
    x = symbolic_tensor("x", (in_channels, *input_size))
    groups = kwargs.get("groups", 1)
    W = symbolic_tensor("W", (out_channels, in_channels // groups, *kernel))
    forward = layer(x, W, **kwargs)
    y = symbolic_tensor("y", forward.shape)
    back = grad_input(y, W, x.shape, **kwargs)
    difference = inner(forward, y) - inner(x, back)
    return difference.is_zero(), difference


# --- learning equivalence --------------------------------------------------------------------


@dataclass
class OneStepResult:
    """One gradient step, symbolic in x, targets, W0 and the learning rate eta."""

    outputs_equal: bool  # conv layer with flip(W0) computes what corr layer with W0 computes
    weights_flip_related: bool  # W1_conv == flip(W1_corr), entry by entry
    entries: int
    seconds: float

    @property
    def holds(self) -> bool:
        return self.outputs_equal and self.weights_flip_related


def one_step_equivalence(input_size: Sequence[int] = (4, 4), kernel: Sequence[int] = (3, 3)
                         ) -> OneStepResult:
    """W1 = W0 - eta dL/dW for L = ½ sum (y - t)^2, gradients by sympy.diff, exact comparison.

    The correlation layer starts from symbolic W0, the convolution layer from
    independent symbolic V, into whose gradient V = flip(W0) is substituted.
    """
    start = time.perf_counter()
    x = symbolic_tensor("x", (1, *input_size))
    W0 = symbolic_tensor("W", (1, 1, *kernel))
    V = symbolic_tensor("V", (1, 1, *kernel))
    eta = Polynomial.from_generator(real_generator("eta", (0,)))
    y_corr, y_conv = layer(x, W0, op="corr"), layer(x, V, op="conv")
    t = symbolic_tensor("t", y_corr.shape)
    flipped = flip_kernels(W0)
    rename = {next(iter(v.generators())): w for v, w in zip(V.flat, flipped.flat, strict=True)}

    def substitute(p: Polynomial) -> Polynomial:
        return p.substitute(rename.get)

    outputs_equal = all(substitute(a) == b for a, b in zip(y_conv.flat, y_corr.flat, strict=True))

    names = _DisplaySymbols()

    def loss(y: np.ndarray) -> sympy.Expr:
        half = sympy.Rational(1, 2)
        return half * sympy.Add(*(names.expr(y[p] - t[p]) ** 2 for p in np.ndindex(*y.shape)))

    step_corr = W0 - eta * _gradient_by_diff(loss(y_corr), W0, names)
    step_conv = flipped - eta * np.vectorize(substitute, otypes=[object])(
        _gradient_by_diff(loss(y_conv), V, names))
    related = all(a == b for a, b in zip(step_conv.flat, flip_kernels(step_corr).flat,
                                         strict=True))
    return OneStepResult(outputs_equal, related, int(W0.size), time.perf_counter() - start)


@dataclass
class Trajectory:
    """Gradient descent on ½ mean (y - t)^2 for one single-channel layer (numeric)."""

    op: str
    weights: list[np.ndarray]  # W_0 .. W_steps, each (k, k)
    losses: list[float]


def train(op: str, W0: np.ndarray, images: Sequence[np.ndarray], targets: Sequence[np.ndarray],
          learning_rate: float, steps: int) -> Trajectory:
    """Plain gradient descent with the closed-form weight gradient."""
    W = np.asarray(W0, dtype=np.float64)[None, None]
    weights, losses = [W[0, 0].copy()], []
    for _ in range(steps):
        grad = np.zeros_like(W)
        loss = 0.0
        for x, t in zip(images, targets, strict=True):
            y = layer(x[None], W, op=op)
            residual = (y - t[None]) / len(images)
            loss += 0.5 * float(np.sum((y - t[None]) ** 2)) / len(images)
            grad += grad_weight(x[None], residual, W.shape, op=op)
        W = W - learning_rate * grad
        weights.append(W[0, 0].copy())
        losses.append(loss)
    return Trajectory(op, weights, losses)


@dataclass
class LearningReport:
    """Correlation from W0 vs convolution from flip(W0) (and from W0, the counterexample)."""

    steps: int
    target_kernel: np.ndarray
    max_flip_difference: float  # max over steps of |W_conv - flip(W_corr)|, flipped start
    max_unflipped_difference: float  # the same with the convolution layer started from W0
    first_step_difference: float  # |W_conv - flip(W_corr)| after one step, unflipped start
    final_unflipped_difference: float  # ... after the last step (convex task: both converge)
    final_loss_corr: float
    final_loss_conv: float
    learned_corr: np.ndarray
    learned_conv: np.ndarray
    seconds: float
    exact_counterexample: str = field(default="")

    def summary(self) -> str:
        return "\n".join([
            f"gradient descent, {self.steps} steps, learning the correlation kernel",
            f"{np.array2string(self.target_kernel)}",
            f"corr from W0 vs conv from flip(W0): max |W_conv - flip(W_corr)| = "
            f"{self.max_flip_difference:.3g} over all steps",
            "corr from W0 vs conv from W0 (no flip): max difference "
            f"{self.max_unflipped_difference:.3g}, after the first step "
            f"{self.first_step_difference:.3g}, after the last "
            f"{self.final_unflipped_difference:.3g} (a convex task: both reach the same minimum)",
            f"final loss: corr {self.final_loss_corr:.3g}, conv {self.final_loss_conv:.3g}",
            f"learned by corr (rounded):\n{np.array2string(np.round(self.learned_corr, 3))}",
            f"learned by conv (rounded):\n{np.array2string(np.round(self.learned_conv, 3))}",
            f"exact counterexample: {self.exact_counterexample}",
            f"({self.seconds:.2f} s)",
        ])

    def _latex(self, printer: Any = None) -> str:
        return (rf"\max_t \lVert W^{{conv}}_t - \operatorname{{flip}}(W^{{corr}}_t)\rVert_\infty"
                rf" = {self.max_flip_difference:.3g}\ \text{{({self.steps} steps)}}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


def learning_equivalence(steps: int = 200, learning_rate: float = 0.002, seed: int = 0,
                         target: np.ndarray | None = None, image_size: int = 8,
                         samples: int = 4) -> LearningReport:
    """Learn an edge detector (Sobel x by default) with both layer types; compare weights."""
    start = time.perf_counter()
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_LEARN_STEPS:
        raise SizeLimitError(f"steps {steps!r}; expected an integer from 1 to {MAX_LEARN_STEPS}")
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise SymconvError(f"learning rate {learning_rate!r}; expected a positive finite number")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SymconvError(f"seed {seed!r}; expected a non-negative integer")
    rng = np.random.default_rng(seed)
    kernel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64) if target is None \
        else np.asarray(target, dtype=np.float64)
    images = [rng.integers(-3, 4, (image_size, image_size)).astype(np.float64)
              for _ in range(samples)]
    targets = [layer(x[None], kernel[None, None])[0] for x in images]
    W0 = rng.normal(size=kernel.shape)
    with np.errstate(all="ignore"):
        corr_run = train("corr", W0, images, targets, learning_rate, steps)
        conv_run = train("conv", W0[::-1, ::-1], images, targets, learning_rate, steps)
        unflipped = train("conv", W0, images, targets, learning_rate, steps)
    runs = (corr_run, conv_run, unflipped)
    if not all(np.isfinite(w).all() for run in runs for w in run.weights):
        raise SymconvError(f"gradient descent with learning rate {learning_rate:g} diverges "
                           "(the weights overflow); use a smaller learning rate")

    def max_difference(run: Trajectory) -> float:
        return max(float(np.max(np.abs(w - c[::-1, ::-1])))
                   for w, c in zip(run.weights, corr_run.weights, strict=True))

    return LearningReport(
        steps, kernel, max_difference(conv_run), max_difference(unflipped),
        float(np.max(np.abs(unflipped.weights[1] - corr_run.weights[1][::-1, ::-1]))),
        float(np.max(np.abs(unflipped.weights[-1] - corr_run.weights[-1][::-1, ::-1]))),
        corr_run.losses[-1], conv_run.losses[-1], corr_run.weights[-1], conv_run.weights[-1],
        time.perf_counter() - start, exact_counterexample(),
    )


def exact_counterexample() -> str:
    """One exact step from the same W0 for both layers: the weights are not flip-related."""
    x = np.array([[[1, 2, 0], [0, 1, 3], [2, 0, 1]]], dtype=object)
    W0 = np.array([[[[1, 0], [2, 1]]]], dtype=object)
    t = np.array([[[1, 0], [0, 1]]], dtype=object)
    eta = Fraction(1, 10)

    def step(op: str) -> np.ndarray:
        Wx = _exactify(W0)
        y = layer(_exactify(x), Wx, op=op)
        return Wx - grad_weight(_exactify(x), y - _exactify(t), W0.shape, op=op) * \
            Polynomial.from_number(eta)

    corr_w, conv_w = step("corr"), flip_kernels(step("conv"))
    for pos in np.ndindex(*corr_w.shape):
        a: Any = corr_w[pos]
        b: Any = conv_w[pos]
        if a != b:
            return (f"x = {x[0].tolist()}, W0 = {W0[0, 0].tolist()}, t = {t[0].tolist()}, "
                    f"eta = 1/10: after one step flip(W_conv)[{', '.join(map(str, pos[2:]))}] = "
                    f"{b.constant_value()} but W_corr = {a.constant_value()}")
    return "none found (W0 is centrosymmetric)"


def _exactify(a: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: v if isinstance(v, Polynomial) else Polynomial.from_number(v),
                        otypes=[object])(a)


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
