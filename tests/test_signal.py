"""Signals as finitely supported functions on Z^d."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from symconv.core.signal import MAX_EXACT_ENTRIES, Signal, default_origin
from symconv.errors import ShapeError, SizeLimitError
from symconv.strategies import int_arrays, origins


def test_symbolic_kernel_follows_the_source_convention() -> None:
    F = Signal.symbolic("F", (3, 3))
    assert F.origin == (-1, -1)
    assert str(F.value_at((-1, 0)).as_expr()) == "F[-1, 0]"
    assert "F}_{-1,0}" in F._latex()
    assert F.value_at((2, 0)) == 0


@pytest.mark.parametrize(("shape", "origin"), [((5,), (-2,)), ((4,), (-2,)), ((2, 3), (-1, -1))])
def test_default_origin(shape: tuple[int, ...], origin: tuple[int, ...]) -> None:
    assert default_origin(shape) == origin
    assert Signal.symbolic("F", shape).origin == origin


@pytest.mark.parametrize("shape", [(1,), (4,), (5,), (2, 3), (4, 4), (1, 2, 3)])
def test_every_constructor_uses_the_one_default_origin(shape: tuple[int, ...]) -> None:
    from symconv.core.kernels import KERNEL_NAMES, get_kernel
    from symconv.core.signal import as_signal

    array = np.arange(1, int(np.prod(shape)) + 1).reshape(shape)
    expected = tuple(-(n // 2) for n in shape)
    built = [Signal(array), Signal.from_array(array), Signal.literal(array.tolist()),
             Signal.symbolic("F", shape), as_signal(array), as_signal(array.tolist())]
    assert [s.origin for s in built] == [expected] * len(built)
    assert all(get_kernel(name).origin == default_origin(get_kernel(name).shape)
               for name in KERNEL_NAMES)


def test_to_array_round_trips() -> None:
    for s in (Signal.literal([[1, Fraction(1, 2)], [0, -3]], origin=(2, -1)),
              Signal.from_array(np.array([1.5, 2.0])), Signal.literal([2**70, 1]),
              Signal.symbolic("F", (2, 2))):
        assert Signal.from_array(s.to_array(), s.origin) == s
    assert Signal.literal([1, 2]).to_array().dtype == np.int64
    assert Signal.literal([2**70]).to_array().tolist() == [2**70]


def test_equality_counts_zeros_outside_the_box() -> None:
    assert Signal.literal([0, 0, 1, 2, 0], origin=(0,)) == Signal.literal([1, 2], origin=(2,))
    assert Signal.literal([1, 2], origin=(2,)) != Signal.literal([1, 2], origin=(1,))
    assert Signal.literal([[0, 0], [0, 0]]) == Signal.literal([[0]], origin=(5, 5))
    assert Signal.from_array(np.array([1, 2])) == Signal.literal([1, 2])
    assert Signal.literal([1]) != Signal.literal([[1]])


@settings(max_examples=50, deadline=None)
@given(int_arrays(2, 5), origins, origins)
def test_trim_keeps_the_function(arr: np.ndarray, a: int, b: int) -> None:
    s = Signal.from_array(arr, (a, b))
    t = s.trim()
    assert t == s
    for coord in s.coordinates():
        assert t.value_at(coord) == s.value_at(coord)


@settings(max_examples=50, deadline=None)
@given(int_arrays(1, 6), int_arrays(1, 6), origins, origins)
def test_arithmetic_matches_pointwise_definition(x: np.ndarray, y: np.ndarray, a: int, b: int) -> None:
    s, t = Signal.from_array(x, (a,)), Signal.from_array(y, (b,))
    for op in (lambda u, v: u + v, lambda u, v: u - v, lambda u, v: u * v):
        r = op(s, t)
        for k in range(min(a, b) - 1, max(a + len(x), b + len(y)) + 1):
            assert r.value_at((k,)) == op(s.value_at((k,)), t.value_at((k,)))
    assert (s.exact() + t) == (s + t)


def test_exact_numeric_round_trip_and_scaling() -> None:
    s = Signal.literal([[1, Fraction(1, 2)], [0, -3]])
    assert s.is_exact
    n = s.numeric()
    assert n.entries.dtype == np.float64
    assert n.exact() == s
    assert (s * 2) / 2 == s
    assert Signal.literal([1, 2]).numeric().entries.dtype == np.int64


def test_difference_reports_first_differing_coordinate() -> None:
    a, b = Signal.literal([1, 2, 3], origin=(0,)), Signal.literal([1, 5, 3], origin=(0,))
    assert a.difference(b) == ((1,), 2, 5)
    assert a.difference(a) is None
    assert Signal.literal([1]).difference(Signal.literal([1], origin=(1,))) == ((0,), 1, 0)


def test_evaluate_substitutes_numbers() -> None:
    F = Signal.symbolic("F", (2,), origin=(0,))
    values = {g: g.index[0] + 1 for g in F.generators()}
    assert F.evaluate(values) == Signal.literal([1, 2], origin=(0,))


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Signal.symbolic("F", ()), "empty"),
        (lambda: Signal.symbolic("F", (3, 0)), "at least 1"),
        (lambda: Signal.symbolic("F", (2.5,)), "non-integer"),
        (lambda: Signal.symbolic("F", "3x3"), "non-integer"),
        (lambda: Signal.symbolic("F", (3, 3), origin=(0,)), "coordinates"),
        (lambda: Signal.literal([[1, 2], [3]]), "ragged"),
        (lambda: Signal.literal([]), "empty"),
        (lambda: Signal.from_array(np.array(["a"])), "not numeric"),
        (lambda: Signal.literal([1]) / 0, "zero"),
    ],
)
def test_bad_shapes_raise_shape_error(build, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShapeError, match=fragment):
        build()


def test_absurd_symbolic_size_is_refused() -> None:
    with pytest.raises(SizeLimitError, match=str(MAX_EXACT_ENTRIES)):
        Signal.symbolic("I", (1000, 1000))


def test_symbolic_size_is_counted_exactly_past_int64() -> None:
    # np.prod wraps around: (2**32, 2**32) would count as 0 entries and reach np.empty
    with pytest.raises(SizeLimitError, match=str(2**64)):
        Signal.symbolic("F", (2**32, 2**32))
    with pytest.raises(SizeLimitError):
        Signal.symbolic("F", (2,) * 64)


def test_a_huge_box_is_refused_before_it_is_allocated() -> None:
    # a zeropad to 10**9 or a shift by 10**13 embeds into a huge box: refused at once
    F = Signal.symbolic("F", (3,))
    with pytest.raises(SizeLimitError, match="exact limit"):
        F.embed((0,), (10**9,))
    numeric = Signal.from_array(np.array([1, 2, 3]))
    with pytest.raises(SizeLimitError, match="numeric limit"):
        numeric.embed((0,), (10**13,))
