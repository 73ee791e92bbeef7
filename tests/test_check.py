"""symconv.lang.check: the static kind check of a statement, before any tier runs."""

from __future__ import annotations

import pytest

from symconv.errors import ClaimFileError
from symconv.lang.check import SCALAR, Kind, check_statement, is_constant, kind_of
from symconv.lang.dsl import parse_statement


@pytest.mark.parametrize(("text", "ndims", "kind"), [
    ("conv(a, b) == conv(b, a)", {"a": 2, "b": 2}, Kind(2)),
    ("sum(a) == trace(a)", {"a": 2}, SCALAR),
    ("numel(a) * sum(a * conj(a)) == sum(dft(a) * conj(dft(a)))", {"a": 1}, SCALAR),
    ("2 * a == a + a", {"a": 3}, Kind(3)),
])
def test_kinds_of_well_formed_statements(text: str, ndims: dict[str, int], kind: Kind) -> None:
    assert check_statement(parse_statement(text), ndims) == kind


@pytest.mark.parametrize(("text", "ndims", "message"), [
    ("a == sum(a)", {"a": 1}, "differ in kind"),
    ("conv(a, b) == a", {"a": 1, "b": 2}, "expected equal dimensions"),
    ("trace(a) == 0", {"a": 1}, "expected a 2D signal"),
    ("shift(a, 1) == a", {"a": 2}, "needs 2 integers"),
    ("a / b == a", {"a": 1, "b": 1}, "divided by a number"),
    ("flip(a, 3) == a", {"a": 2}, "axis 3 does not exist"),
    # a zeropad length's size functions are checked too (was an IndexError when evaluated)
    ("zeropad(a, size(a, 3)) == a", {"a": 1}, "axis 3 does not exist"),
    ("zeropad(a, len(a) + size(b, 2) - 1) == a", {"a": 1, "b": 1}, "axis 2 does not exist"),
    ("zeropad(a, len(b)) == a", {"a": 1, "b": 2}, r"len\(\) of a 2D signal"),
    # and those of a circular period
    ("circconv(a, b, size(a, 0), size(a, 2)) == a", {"a": 2, "b": 2}, "axis 2 does not exist"),
    ("circconv(a, b, len(a), 2) == a", {"a": 2, "b": 2}, r"len\(\) of a 2D signal"),
    ("conv(a, b, mode='middle') == a", {"a": 1, "b": 1}, "unknown mode"),
    ("c == a", {"a": 1}, "unknown signal 'c'"),
])
def test_ill_formed_statements_are_rejected_with_a_column(text: str, ndims: dict[str, int],
                                                        message: str) -> None:
    with pytest.raises(ClaimFileError, match=f"column \\d+: .*{message}"):
        check_statement(parse_statement(text), ndims)


def test_constants_include_size_functions() -> None:
    statement = parse_statement("a / numel(a) == a / 4")
    assert is_constant(statement.right.right)  # type: ignore[attr-defined]
    assert is_constant(statement.left.right)  # type: ignore[attr-defined]
    assert not is_constant(statement.left)
    assert kind_of(statement.left, {"a": 2}) == Kind(2)
