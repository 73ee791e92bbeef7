"""Free integer sizes and assumptions (symconv.lang.assumptions): parsing an assumption into
affine forms h ≥ 0, evaluating them at sizes, and reading a statement at declared integers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symconv.errors import ClaimFileError
from symconv.lang.assumptions import (
    parse_assumption,
    parse_integers,
    size_symbols,
    substitute_integers,
)
from symconv.lang.dsl import integer_value, parse_statement

NDIMS = {"a": 1, "b": 1, "F": 2}
INTEGERS = {"N": 9, "M": 4}


@pytest.mark.parametrize(("text", "forms"), [
    ("N >= len(a) + len(b) - 1", [{"n:N.0": 1, "n:a.0": -1, "n:b.0": -1, "1": 1}]),
    ("N > len(a)", [{"n:N.0": 1, "n:a.0": -1, "1": -1}]),
    ("len(a) <= 5", [{"n:a.0": -1, "1": 5}]),
    ("2 * len(a) < N", [{"n:N.0": 1, "n:a.0": -2, "1": -1}]),
    ("M >= size(F, 1)", [{"n:M.0": 1, "n:F.1": -1}]),
    ("N == 2 * M + 1", [{"n:N.0": 1, "n:M.0": -2, "1": -1}, {"n:N.0": -1, "n:M.0": 2, "1": 1}]),
    ("N - N >= 0", [{}]),
])
def test_an_assumption_is_affine_forms_that_are_nonnegative(text: str, forms: list[dict[str, int]]) -> None:
    assert list(parse_assumption(text, NDIMS, INTEGERS).forms) == forms


@pytest.mark.parametrize(("text", "message"), [
    ("len(a) * len(b) <= N", "not linear in the sizes"),
    ("numel(F) <= N", "is not an integer, len(a)"),
    ("1 <= N <= 5", "is not one comparison"),
    ("N = len(a)", "is not one comparison"),
    ("K >= len(a)", "'K' is not an integer of the claim"),
    ("N >= len(c)", "'c', which is not a declared signal"),
    ("N >= len(F)", "no such axis of F"),
    ("N >= size(a, 1)", "no such axis of a"),
    ("N >= len(a) / 2", "is not an integer"),
    ("N >= (", "'N >= (': syntax error"),  # no column of the parser's own text
    (3, "is not a string"),
])
def test_a_malformed_assumption_is_named_with_what_was_expected(text: object, message: str) -> None:
    with pytest.raises(ClaimFileError, match="assumption") as caught:
        parse_assumption(text, NDIMS, INTEGERS)
    assert message in str(caught.value)


@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 30), st.integers(-3, 3))
def test_an_assumption_holds_exactly_where_the_comparison_does(na: int, nb: int, n: int, k: int) -> None:
    values = size_symbols({"a": (na,), "b": (nb,)}, {"N": n})
    for op, expected in ((">=", n >= na + nb + k), (">", n > na + nb + k), ("<=", n <= na + nb + k),
                         ("<", n < na + nb + k), ("==", n == na + nb + k)):
        assumption = parse_assumption(f"N {op} len(a) + len(b) + {k}", NDIMS, {"N": 1})
        assert assumption.holds(values) is expected, op


def test_size_symbols_name_every_axis_and_integer() -> None:
    assert size_symbols({"F": (3, 4)}, {"N": 7}) == {"n:F.0": 3, "n:F.1": 4, "n:N.0": 7}


@pytest.mark.parametrize("table", [{"N": 0}, {"N": True}, {"N": "9"}, {"N": 2.0}, {"N": 10**7},
                                   {"1N": 3}, [], {"N": 1, "M": 1, "K": 1, "L": 1}])
def test_integers_are_names_with_positive_values(table: object) -> None:
    with pytest.raises(ClaimFileError, match="integer"):
        parse_integers(table)


def test_substitution_folds_integer_arithmetic_and_keeps_size_functions() -> None:
    statement = parse_statement("circconv(zeropad(a, N + 1), zeropad(b, 2 * N - M)) == "
                                "zeropad(conv(a, b), len(a) + N)")
    done = substitute_integers(statement, {"N": 4, "M": 3})
    assert done.text == "circconv(zeropad(a, 5), zeropad(b, 5)) == zeropad(conv(a, b), len(a) + 4)"
    assert parse_statement(done.text) == done  # it reads back as the same tree
    assert substitute_integers(statement, {}) is statement


@given(st.integers(1, 50), st.integers(-20, 20), st.integers(-5, 5))
def test_folded_lengths_are_the_integers_they_denote(n: int, k: int, c: int) -> None:
    statement = parse_statement(f"zeropad(a, {c} * N + {k} - N) == a".replace("+ -", "- "))
    length = substitute_integers(statement, {"N": n}).left.args[1]  # type: ignore[union-attr]
    assert integer_value(length) == c * n + k - n
