"""Named kernels."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symconv.core.kernels import KERNEL_NAMES, get_kernel, integer_weights
from symconv.core.ops import flip, total, transpose
from symconv.errors import UnknownNameError


def test_source_gaussian_is_integer_weights_over_273() -> None:
    g = get_kernel("gaussian5")
    assert g.shape == (5, 5) and g.origin == (-2, -2)
    assert g.value_at((0, 0)) == Fraction(41, 273)
    assert g.value_at((-2, -1)) == Fraction(4, 273)
    assert total(g) == 1
    weights, divisor = integer_weights("gaussian5")
    assert divisor == 273 and sum(map(sum, weights)) == 273


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_every_kernel_is_centred_and_exact(name: str) -> None:
    k = get_kernel(name)
    assert k.is_exact
    assert k.origin == tuple(-(n // 2) for n in k.shape)


def test_emboss_is_transpose_symmetric_but_not_centrosymmetric() -> None:
    e = get_kernel("emboss")
    assert transpose(e) == e
    assert flip(e) != e


def test_unknown_kernel_names_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="gaussian5"):
        get_kernel("gauss")
