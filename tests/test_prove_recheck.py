"""The general tier's re-checks: the statement evaluated by ops at undeclared sizes."""

from __future__ import annotations

import pytest

from symconv.lang.claims import claim_from_text
from symconv.prove import Budget, Verdict, general
from symconv.prove.derivation import Derivation
from symconv.prove.recheck import RecheckError, recheck_modes

VALID = 'conv(f, g, mode="valid") == flip(conv(flip(f), flip(g), mode="valid"))'


def _derivation(statement: str, signals: dict[str, str]) -> Derivation:
    derivation, _ = general.compare(claim_from_text(statement, signals))
    assert derivation is not None and derivation.declared
    return derivation


def test_a_scope_of_square_signals_only_is_re_checked_at_square_sizes() -> None:
    # f's valid crop by transpose(f) is defined only for square f: the n×(n+1) sizes tried
    # first all fall outside the scope (it was never PROVED for that reason)
    statement = ('flip(flip(conv(f, transpose(f), mode="valid"))) == '
                 'flip(conv(flip(f), flip(transpose(f)), mode="valid"))')
    claim = claim_from_text(statement, {"f": "3x3"})
    result = general.attempt(claim, Budget(30))
    assert result is not None and result.verdict is Verdict.PROVED
    assert result.derivation is not None
    rechecked = [sizes["f"] for sizes in result.derivation.rechecked]
    assert len(rechecked) >= 2 and all(len(set(shape)) == 1 for shape in rechecked)
    assert len({str(shape) for shape in rechecked}) == len(rechecked)


def test_sides_that_differ_at_a_re_checked_size_stop_the_proof() -> None:
    # a derivation of a true law, handed a false statement on the same signals
    derivation = _derivation(VALID, {"f": "3x3", "g": "5x5"})
    false = claim_from_text('conv(f, g, mode="valid") == corr(f, g, mode="valid")',
                            {"f": "3x3", "g": "5x5"})
    with pytest.raises(RecheckError, match="the sides differ at sizes"):
        recheck_modes(false, derivation, Budget(30))


def test_a_true_law_is_re_checked_at_two_sizes_at_least() -> None:
    claim = claim_from_text(VALID, {"f": "3x3", "g": "5x5"})
    derivation = _derivation(VALID, {"f": "3x3", "g": "5x5"})
    recheck_modes(claim, derivation, Budget(30))
    assert len(derivation.rechecked) >= 2
    assert len({str(sizes) for sizes in derivation.rechecked}) == len(derivation.rechecked)
    assert {"f": "3x3", "g": "5x5"} not in derivation.rechecked  # the backstop's sizes


def test_a_size_too_large_to_re_check_symbolically_is_re_checked_with_random_integers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested DFTs at the period-5 guard can exceed the exact tier's term limit with
    symbolic entries; that size is then compared with random integer entries, and the
    verdict says so.  A difference found that way still stops the proof."""
    from symconv.core.signal import Signal
    from symconv.errors import SizeLimitError
    from symconv.prove import recheck

    compare = recheck.sides_differ

    def limited(claim: object, env: dict[str, Signal]) -> bool:
        if any(5 in sig.shape and sig.generators() for sig in env.values()):
            raise SizeLimitError("too many terms (test)")
        return compare(claim, env)  # type: ignore[arg-type]

    monkeypatch.setattr(recheck, "sides_differ", limited)
    claim = claim_from_text("dft(circconv(f, g)) == dft(f) * dft(g)", {"f": "3", "g": "3"})
    result = general.attempt(claim, Budget(30))
    assert result is not None and result.verdict is Verdict.PROVED
    assert result.derivation.rechecked_at_random == [{"f": (5,), "g": (5,)}]
    assert "f=5,g=5 (random integer entries)" in result.detail
    monkeypatch.setattr(recheck, "sides_differ", lambda claim, env: (
        any(5 in sig.shape for sig in env.values()) and not any(
            sig.generators() for sig in env.values())) or limited(claim, env))
    assert general.attempt(claim, Budget(30)) is None  # differs at the random point: no proof
