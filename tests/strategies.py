"""Hypothesis strategies shared by the test files."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

small_ints = st.integers(min_value=-9, max_value=9)


def int_arrays(ndim: int, max_side: int = 6, min_side: int = 1) -> st.SearchStrategy[np.ndarray]:
    """Integer arrays of ``ndim`` dimensions with sides in [min_side, max_side]."""
    return hnp.arrays(
        np.int64,
        hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=min_side, max_side=max_side),
        elements=small_ints,
    )


@st.composite
def kernel_and_image(
    draw: st.DrawFn, ndim: int, max_kernel: int = 5, max_image: int = 7
) -> tuple[np.ndarray, np.ndarray]:
    """A kernel and an image of the same dimension (odd and even, rectangular sizes)."""
    kernel = draw(int_arrays(ndim, max_kernel))
    image = draw(int_arrays(ndim, max_image))
    return kernel, image


@st.composite
def kernel_fitting_image(
    draw: st.DrawFn, ndim: int, max_kernel: int = 4, max_image: int = 7
) -> tuple[np.ndarray, np.ndarray]:
    """A kernel no larger than the image on every axis (for 'valid' mode)."""
    image = draw(int_arrays(ndim, max_image))
    sides = tuple(draw(st.integers(1, min(max_kernel, n))) for n in image.shape)
    kernel = draw(hnp.arrays(np.int64, sides, elements=small_ints))
    return kernel, image


origins = st.integers(min_value=-4, max_value=4)
