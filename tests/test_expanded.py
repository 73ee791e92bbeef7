"""Expanded Hadamard-sum and trace forms, against hand-written matrices and the exact operations."""

from __future__ import annotations

import itertools

import pytest
import sympy

from symconv.apps.expanded import ExpandedForm, form_sum, hadamard_form, position_symbols, trace_form
from symconv.core.ops import conv, corr
from symconv.core.signal import Signal
from symconv.errors import ShapeError, SizeLimitError, UnknownNameError
from tests.reference_eval import polynomial_from_expr

x, y = position_symbols(2)
NAMES = {"F": sympy.IndexedBase("F", real=True), "I": sympy.IndexedBase("I", real=True),
         "x": x, "y": y}

# Written out by hand from the definitions (not generated): row r, column c holds the
# term of the sum that reads the image at (x + r, y + c).
CORR_N1 = """
F[-1,-1]*I[x-1,y-1]  F[-1,0]*I[x-1,y]  F[-1,1]*I[x-1,y+1]
F[0,-1]*I[x,y-1]     F[0,0]*I[x,y]     F[0,1]*I[x,y+1]
F[1,-1]*I[x+1,y-1]   F[1,0]*I[x+1,y]   F[1,1]*I[x+1,y+1]
"""
CONV_N1 = """
F[1,1]*I[x-1,y-1]    F[1,0]*I[x-1,y]   F[1,-1]*I[x-1,y+1]
F[0,1]*I[x,y-1]      F[0,0]*I[x,y]     F[0,-1]*I[x,y+1]
F[-1,1]*I[x+1,y-1]   F[-1,0]*I[x+1,y]  F[-1,-1]*I[x+1,y+1]
"""
CORR_N2 = """
F[-2,-2]*I[x-2,y-2] F[-2,-1]*I[x-2,y-1] F[-2,0]*I[x-2,y] F[-2,1]*I[x-2,y+1] F[-2,2]*I[x-2,y+2]
F[-1,-2]*I[x-1,y-2] F[-1,-1]*I[x-1,y-1] F[-1,0]*I[x-1,y] F[-1,1]*I[x-1,y+1] F[-1,2]*I[x-1,y+2]
F[0,-2]*I[x,y-2]    F[0,-1]*I[x,y-1]    F[0,0]*I[x,y]    F[0,1]*I[x,y+1]    F[0,2]*I[x,y+2]
F[1,-2]*I[x+1,y-2]  F[1,-1]*I[x+1,y-1]  F[1,0]*I[x+1,y]  F[1,1]*I[x+1,y+1]  F[1,2]*I[x+1,y+2]
F[2,-2]*I[x+2,y-2]  F[2,-1]*I[x+2,y-1]  F[2,0]*I[x+2,y]  F[2,1]*I[x+2,y+1]  F[2,2]*I[x+2,y+2]
"""
CONV_N2 = """
F[2,2]*I[x-2,y-2]   F[2,1]*I[x-2,y-1]   F[2,0]*I[x-2,y]   F[2,-1]*I[x-2,y+1]   F[2,-2]*I[x-2,y+2]
F[1,2]*I[x-1,y-2]   F[1,1]*I[x-1,y-1]   F[1,0]*I[x-1,y]   F[1,-1]*I[x-1,y+1]   F[1,-2]*I[x-1,y+2]
F[0,2]*I[x,y-2]     F[0,1]*I[x,y-1]     F[0,0]*I[x,y]     F[0,-1]*I[x,y+1]     F[0,-2]*I[x,y+2]
F[-1,2]*I[x+1,y-2]  F[-1,1]*I[x+1,y-1]  F[-1,0]*I[x+1,y]  F[-1,-1]*I[x+1,y+1]  F[-1,-2]*I[x+1,y+2]
F[-2,2]*I[x+2,y-2]  F[-2,1]*I[x+2,y-1]  F[-2,0]*I[x+2,y]  F[-2,-1]*I[x+2,y+1]  F[-2,-2]*I[x+2,y+2]
"""


def parse_matrix(text: str) -> sympy.Matrix:
    rows = [line.split() for line in text.strip().splitlines()]
    return sympy.Matrix([[sympy.sympify(cell, locals=NAMES) for cell in row] for row in rows])


@pytest.mark.parametrize(
    ("op", "size", "expected"),
    [("corr", 3, CORR_N1), ("conv", 3, CONV_N1), ("corr", 5, CORR_N2), ("conv", 5, CONV_N2)],
)
def test_forms_match_hand_written_matrices(op: str, size: int, expected: str) -> None:
    assert hadamard_form(op, size, 2) == parse_matrix(expected)


def test_kernel_layout_lists_conv_terms_in_definition_order() -> None:
    form = hadamard_form("conv", 3, 2, layout="kernel")
    F, I = NAMES["F"], NAMES["I"]
    assert form[0, 0] == F[-1, -1] * I[x + 1, y + 1]
    assert sympy.expand(sum(form) - sum(hadamard_form("conv", 3, 2))) == 0


@pytest.mark.parametrize("op", ["conv", "corr"])
@pytest.mark.parametrize("shape", [(3,), (5,), (3, 3), (5, 3), (3, 3, 3)])
def test_entry_sum_is_the_operation_at_every_position(op: str, shape: tuple[int, ...]) -> None:
    image_shape = tuple(n + 2 for n in shape)  # three interior positions per axis
    F = Signal.symbolic("F", shape)
    I = Signal.symbolic("I", image_shape, origin=(0,) * len(shape))
    result = (conv if op == "conv" else corr)(F, I)
    form = hadamard_form(op, shape)
    pos = position_symbols(len(shape))
    # interior positions: the window reads only entries inside I's box
    ranges = (range(k // 2, n - k // 2) for k, n in zip(shape, image_shape, strict=True))
    for point in itertools.product(*ranges):
        value = form_sum(form).subs(dict(zip(pos, point, strict=True)))
        assert polynomial_from_expr(value) == result.value_at(point)


def test_form_of_the_wrong_operation_does_not_match() -> None:
    F, I = Signal.symbolic("F", (3, 3)), Signal.symbolic("I", (5, 5), origin=(0, 0))
    value = form_sum(hadamard_form("corr", 3, 2)).subs({x: 2, y: 2})
    assert polynomial_from_expr(value) != conv(F, I).value_at((2, 2))


@pytest.mark.parametrize("op", ["conv", "corr"])
@pytest.mark.parametrize("size", [3, 5])
def test_trace_form_equals_hadamard_sum(op: str, size: int) -> None:
    K, P = trace_form(op, size)
    at = {x: 5, y: 7}
    trace_value = polynomial_from_expr((K.T * P).trace().subs(at))
    assert trace_value == polynomial_from_expr(form_sum(hadamard_form(op, size, 2)).subs(at))
    other = "corr" if op == "conv" else "conv"
    assert trace_value != polynomial_from_expr(form_sum(hadamard_form(other, size, 2)).subs(at))


def test_expanded_form_prints_and_renders_latex() -> None:
    form = ExpandedForm.build("corr", 3, 2)
    assert str(form).startswith("(F ∘ I)(x, y) = sum of the entries of")
    latex = form._latex()
    assert latex.startswith(r"(F \circ I)(x, y) = \sum")
    assert "{F}_{-1,0}" in latex and "{I}_{x - 1,y}" in latex
    assert form._repr_latex_().startswith("$")
    assert ExpandedForm.build("conv", 3, 1)._latex().startswith(r"(F \ast I)(x) =")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: hadamard_form("convolve", 3, 2), UnknownNameError),
        (lambda: hadamard_form("conv", 3, 2, layout="grid"), UnknownNameError),
        (lambda: hadamard_form("conv", 101, 3), SizeLimitError),
        (lambda: hadamard_form("conv", 4, 2), ShapeError),
        (lambda: hadamard_form("corr", 0, 2), ShapeError),
        (lambda: hadamard_form("corr", 3, 0), ShapeError),
        (lambda: trace_form("corr", (3, 3, 3)), ShapeError),
    ],
)
def test_bad_requests(call, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call()
