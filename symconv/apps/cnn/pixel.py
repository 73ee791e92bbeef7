"""The expanded form of one output pixel of a layer, entry by entry (for display)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

from symconv.apps.cnn.layers import LAYER_OPS, _per_axis, effective_kernel_size, output_size
from symconv.apps.expanded import MAX_FORM_ENTRIES
from symconv.core.signal import parse_shape
from symconv.errors import ShapeError, SizeLimitError, UnknownNameError

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
