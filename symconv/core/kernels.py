"""Named kernels, with exact rational entries.

``gaussian5`` is the source's 5x5 Gaussian, integer weights over 273.  All
kernels are centred (indices -N..N); ``emboss`` is transpose-symmetric but not
centrosymmetric, the counterexample to the source's "as long as the filter is
symmetric, convolution is correlation with the filter flipped".

>>> from symconv.core.kernels import get_kernel
>>> g = get_kernel("gaussian5")
>>> g.value_at((0, 0))
Polynomial(41/273)
"""

from __future__ import annotations

from fractions import Fraction

from symconv.core.signal import Signal
from symconv.errors import UnknownNameError

_INTEGER_KERNELS: dict[str, tuple[list[list[int]], int]] = {
    # name: (integer weights, divisor)
    "gaussian3": ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16),
    "gaussian5": (
        [
            [1, 4, 7, 4, 1],
            [4, 16, 26, 16, 4],
            [7, 26, 41, 26, 7],
            [4, 16, 26, 16, 4],
            [1, 4, 7, 4, 1],
        ],
        273,
    ),
    "box3": ([[1] * 3 for _ in range(3)], 9),
    "box5": ([[1] * 5 for _ in range(5)], 25),
    "sobel_x": ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], 1),
    "sobel_y": ([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], 1),
    "prewitt_x": ([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], 1),
    "prewitt_y": ([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], 1),
    "laplacian": ([[0, 1, 0], [1, -4, 1], [0, 1, 0]], 1),
    "laplacian8": ([[1, 1, 1], [1, -8, 1], [1, 1, 1]], 1),
    "sharpen": ([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], 1),
    "emboss": ([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], 1),
}

KERNEL_NAMES: tuple[str, ...] = tuple(sorted(_INTEGER_KERNELS))


def get_kernel(name: str) -> Signal:
    """The named kernel as an exact 2D signal with the default (centred) origin."""
    try:
        weights, divisor = _INTEGER_KERNELS[name]
    except KeyError:
        raise UnknownNameError(
            f"unknown kernel {name!r}; expected one of {', '.join(KERNEL_NAMES)}"
        ) from None
    entries = [[Fraction(w, divisor) for w in row] for row in weights]
    return Signal.literal(entries)


def integer_weights(name: str) -> tuple[list[list[int]], int]:
    """The integer weights and the divisor of a named kernel (for display as ``W / d``)."""
    if name not in _INTEGER_KERNELS:
        get_kernel(name)  # raises the standard error
    weights, divisor = _INTEGER_KERNELS[name]
    return [list(row) for row in weights], divisor
