"""Evaluation of statements: the size functions len, size and numel in every backend.

Each backend reads the number from the value's box (``size_value``); the exact,
packed and modular evaluations agree, and the kind checker refuses misuse.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from symconv.core.algebra import Polynomial
from symconv.core.signal import Signal
from symconv.errors import ClaimFileError
from symconv.lang.claims import claim_from_text
from symconv.lang.dsl import parse_statement
from symconv.prove import Budget, Verdict, exact, run_tiers
from symconv.prove.evaluate import ExactBackend, evaluate, size_value
from symconv.prove.modular import NTT_PRIMES, ModularBackend
from symconv.prove.packed import packed_difference


def test_size_value() -> None:
    assert size_value("numel", (3, 4), []) == 12
    assert size_value("len", (5,), []) == 5
    assert size_value("size", (3, 4), [1]) == 4


@pytest.mark.parametrize(("text", "value"), [("numel(a)", 12), ("size(a, 0)", 3),
                                             ("size(conv(a, a), 1)", 7), ("numel(a) / 2 - 1", 5),
                                             ("len(b)", 5)])
def test_exact_and_modular_backends_agree(text: str, value: int) -> None:
    env = {"a": Signal.from_array(np.arange(12).reshape(3, 4)),
           "b": Signal.from_array(np.arange(5))}
    node = parse_statement(f"{text} == 0").left
    assert evaluate(node, env, ExactBackend()) == Polynomial.from_number(Fraction(value))
    prime = NTT_PRIMES[0][0]
    assert evaluate(node, env, ModularBackend(prime)) == value % prime


def test_packed_backend_reads_sizes() -> None:
    env = {"a": Signal.symbolic("a", (3, 4))}
    assert packed_difference(parse_statement("numel(a) * sum(a) == 12 * sum(a)"), env) is None
    assert packed_difference(parse_statement("size(a, 1) * sum(a) == 3 * sum(a)"), env) is not None


def test_a_size_dependent_claim_is_verified_at_its_declared_size_only() -> None:
    claim = claim_from_text("numel(a) * sum(a) == 12 * sum(a)", {"a": "3x4"})
    result = exact.attempt(claim, Budget(30))
    assert result is not None and result.verdict is Verdict.VERIFIED
    assert run_tiers(claim_from_text("numel(a) * sum(a) == 11 * sum(a)",
                                     {"a": "3x4"})).verdict is Verdict.REFUTED


@pytest.mark.parametrize(("statement", "signals", "message"), [
    ("len(a) == 3", {"a": "3x3"}, "len() of a 2D signal"),
    ("size(a, 2) == 3", {"a": "3x3"}, "axis 2 does not exist"),
    ("size(a) == 3", {"a": "3"}, "size() takes"),
    ("numel(3) == 3", {"a": "3"}, "expects a signal"),
])
def test_misused_size_functions_are_refused(statement: str, signals: dict[str, str],
                                            message: str) -> None:
    with pytest.raises(ClaimFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        claim_from_text(statement, signals)
