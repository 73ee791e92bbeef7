"""The exact tier, counterexamples and the tier runner."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.signal

from symconv.lang.claims import claim_from_text
from symconv.prove import (
    Budget,
    Counterexample,
    Result,
    Verdict,
    exact,
    general,
    load_tier,
    run_tiers,
)


def _exact(statement: str, signals: dict[str, object], **options: Any) -> Result:
    claim = claim_from_text(statement, signals, tiers=["exact"], **options)
    return run_tiers(claim)


def _at(array: np.ndarray, origin: tuple[int, ...], coord: tuple[int, ...]) -> int:
    pos = tuple(c - o for c, o in zip(coord, origin, strict=True))
    if all(0 <= p < n for p, n in zip(pos, array.shape, strict=True)):
        return int(array[pos])
    return 0


def test_verified_lists_declared_and_extra_sizes() -> None:
    result = _exact("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "4x4"})
    assert result.verdict is Verdict.VERIFIED
    assert result.sizes[0] == {"F": (3, 3), "I": (4, 4)}
    assert {"F": (1, 1), "I": (2, 2)} in result.sizes
    assert {"F": (5, 5), "I": (6, 6)} in result.sizes
    assert result.method == "exact"


def test_refuted_conv_vs_corr_counterexample_checked_with_scipy() -> None:
    result = _exact("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"})
    assert result.verdict is Verdict.REFUTED
    cex = result.counterexample
    assert cex is not None and cex.coordinate is not None
    f, i = np.array(cex.signals["F"]), np.array(cex.signals["I"])
    assert set(np.unique(np.concatenate([f.ravel(), i.ravel()]))) <= {0, 1}
    # scipy's full modes: output index 0 sits at origin(F) + origin(I) for convolve and
    # at origin(I) - last(F) for correlate.
    fo, io = cex.origins["F"], cex.origins["I"]
    conv_origin = tuple(a + b for a, b in zip(fo, io, strict=True))
    corr_origin = tuple(b - (a + n - 1) for a, b, n in zip(fo, io, f.shape, strict=True))
    conv_value = _at(scipy.signal.convolve(i, f), conv_origin, cex.coordinate)
    corr_value = _at(scipy.signal.correlate(i, f), corr_origin, cex.coordinate)
    assert (conv_value, corr_value) == (cex.left, cex.right)
    assert conv_value != corr_value


def test_refuted_names_the_declared_sizes_and_the_smallest_counterexample() -> None:
    result = _exact("conv(a, b) == corr(a, b)", {"a": "3", "b": "3"})
    # a 1-sample kernel at the origin gives conv == corr; one with 2 samples does not.
    assert result.sizes == [{"a": (3,), "b": (3,)}]
    assert result.counterexample is not None
    assert result.counterexample.sizes == {"a": (2,), "b": (1,)}
    assert result.detail == ("fails at the declared sizes a=3, b=3; smallest counterexample at "
                             "a=2, b=1")


def test_verdict_only_budget_skips_the_counterexample_search_not_the_verdict() -> None:
    # what repairs ask of the candidates they discard when false
    claim = claim_from_text("conv(a, b) == corr(a, b)", {"a": "3", "b": "3"}, tiers=["exact"])
    quick = run_tiers(claim, Budget(60, witness=False), diagnose=False)
    assert quick.verdict is Verdict.REFUTED and quick.counterexample is None
    assert quick.detail == "fails at the declared sizes a=3, b=3"
    true = claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "3"}, tiers=["exact"])
    assert run_tiers(true, Budget(60, witness=False)).verdict is Verdict.VERIFIED
    assert run_tiers(claim, Budget(60)).counterexample is not None
    # a != claim: VERIFIED at once, without the smallest witness
    differs = claim_from_text("conv(a, b) != corr(a, b)", {"a": "3", "b": "3"}, tiers=["exact"])
    quick = run_tiers(differs, Budget(60, witness=False), diagnose=False)
    assert quick.verdict is Verdict.VERIFIED and quick.counterexample is None
    full = run_tiers(differs, Budget(60))
    assert full.verdict is Verdict.VERIFIED and full.counterexample is not None


def test_scalar_counterexample_has_no_coordinate() -> None:
    result = _exact("sum(conv(a, b)) == sum(a) * sum(b) + sum(a)", {"a": "3", "b": "2"})
    assert result.verdict is Verdict.REFUTED
    cex = result.counterexample
    assert cex is not None and cex.coordinate is None
    a, b = np.array(cex.signals["a"]), np.array(cex.signals["b"])
    assert cex.left == int(np.convolve(a, b).sum())
    assert cex.right == int(a.sum() * b.sum() + a.sum())


def test_not_equal_claims() -> None:
    witness = _exact("conv(F, I) != corr(F, I)", {"F": "emboss", "I": "3x3"})
    assert witness.verdict is Verdict.VERIFIED
    assert witness.counterexample is not None
    identical = _exact("conv(F, I) != conv(I, F)", {"F": "3", "I": "4"})
    assert identical.verdict is Verdict.REFUTED
    assert identical.counterexample is None
    assert "identical" in identical.detail


def test_explicit_sizes_are_not_varied() -> None:
    result = _exact("circconv(zeropad(a, 4), zeropad(b, 4)) == conv(a, b)",
                    {"a": {"shape": "2", "origin": [0]}, "b": {"shape": "3", "origin": [0]}})
    assert result.verdict is Verdict.VERIFIED
    assert result.sizes == [{"a": (2,), "b": (3,)}]


def test_explicit_dft_sizes_are_not_varied() -> None:
    # a DFT size names the period as zeropad and circconv(a, b, n) do: at a = 2 the
    # statement says something else (dft(a, 4) is not dft(a) there)
    result = _exact("dft(a, 4) == dft(a)", {"a": {"shape": "4", "origin": [0]}})
    assert result.verdict is Verdict.VERIFIED
    assert result.sizes == [{"a": (4,)}]


def test_too_large_is_inconclusive_not_a_guess() -> None:
    result = _exact("conv(F, I) == conv(I, F)", {"F": "500x500", "I": "3x3"})
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "too large" in result.detail or "limit" in result.detail


def test_exhausted_budget_is_inconclusive() -> None:
    claim = claim_from_text("conv(F, I) == conv(I, F)", {"F": "3x3", "I": "3x3"},
                            tiers=["exact"])
    result = run_tiers(claim, Budget(1e-9))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "budget" in result.detail


def test_exact_tier_directly_returns_result() -> None:
    claim = claim_from_text("flip(flip(a)) == a", {"a": "2x3"})
    result = exact.attempt(claim, Budget(10))
    assert result is not None and result.verdict is Verdict.VERIFIED


def test_tier_loading() -> None:
    assert load_tier("exact") is exact.attempt
    assert load_tier("general") is general.attempt
    with pytest.raises(ValueError, match="unknown tier"):
        load_tier("oracle")


def test_large_integer_constants_stay_exact() -> None:
    # 1/3 is not a float: three thirds are exactly one.
    assert _exact("a/3 + a/3 + a/3 == a", {"a": "3"}).verdict is Verdict.VERIFIED
    assert _exact("0.1*a + 0.2*a == 0.3*a", {"a": "2"}).verdict is Verdict.VERIFIED
    assert _exact("0.1*a + 0.2*a == 0.30000000000000004*a", {"a": "2"}).verdict is (
        Verdict.REFUTED)


def test_result_and_counterexample_display() -> None:
    result = _exact("conv(a, b) == corr(a, b)", {"a": "3", "b": "2"})
    assert result.counterexample is not None
    assert "REFUTED" in result._latex() and result._repr_latex_().startswith("$")
    assert "neq" in result.counterexample._latex()
    data = result.counterexample.to_json()
    assert set(data) == {"signals", "origins", "coordinate", "left", "right"}
    assert result.sizes_text() == "a=3, b=2"
    text = result.counterexample.describe()
    assert "left side at" in text and "first entry at" in text


def test_counterexample_json_keeps_fractions_exact() -> None:
    cex = Counterexample({"a": [Fraction(1, 3)]}, {"a": (0,)}, (0,), Fraction(1, 3), 0)
    assert cex.to_json()["signals"] == {"a": ["1/3"]}
    assert cex.sizes == {"a": (1,)}


def test_unsupported_tier_hands_over(monkeypatch: pytest.MonkeyPatch) -> None:
    from symconv.errors import NotSupportedError
    from symconv.prove import tiers

    def refuse(claim: object, budget: Budget) -> Result:
        raise NotSupportedError("not here")

    real_load = tiers.load_tier
    monkeypatch.setattr(tiers, "load_tier",
                        lambda name: refuse if name == "general" else real_load(name))
    claim = claim_from_text("flip(flip(a)) == a", {"a": "3"}, tiers=["general", "exact"])
    assert run_tiers(claim).verdict is Verdict.VERIFIED
    alone = claim_from_text("flip(flip(a)) == a", {"a": "3"}, tiers=["general"])
    with pytest.raises(NotSupportedError, match="not here"):
        run_tiers(alone)


def test_outcome_latex() -> None:
    from symconv.prove.runner import verify_one

    outcome = verify_one(claim_from_text("conv(a, b) == corr(a, b)", {"a": "3", "b": "2"},
                                         name="conv_is_corr"))
    assert outcome.status == "MISMATCH"
    latex = outcome._repr_latex_()
    assert latex.startswith(r"$$\begin{array}{l}\text{conv\_is\_corr (expected holds, MISMATCH):}")
    assert r"\textbf{REFUTED}" in latex and latex.endswith("$$")


# --- declared sizes decide (issue 13) ---------------------------------------------------

@pytest.mark.parametrize(("statement", "signals", "failing"), [
    # Parseval for length 6 and the product theorem for length 4: true at the declared
    # size, false at the sizes the tier adds (4 and 8; 2 and 6)
    ("6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))", {"f": "6"}, [{"f": (4,)}, {"f": (8,)}]),
    ("4 * dft(f * g) == circconv(dft(f), dft(g))", {"f": "4", "g": "4"},
     [{"f": (2,), "g": (2,)}, {"f": (6,), "g": (6,)}]),
])
def test_true_at_the_declared_size_is_verified_with_a_warning(
        statement: str, signals: dict[str, object], failing: list[dict[str, tuple[int, ...]]],
) -> None:
    result = run_tiers(claim_from_text(statement, signals))
    assert result.verdict is Verdict.VERIFIED
    assert result.sizes[0] == {k: (int(str(v)),) for k, v in signals.items()}
    assert result.undeclared_failures == failing
    sizes = ", ".join(f"{k}={v[0]}" for k, v in failing[0].items())
    assert result.warnings[0] == f"fails at {sizes}: the statement depends on the size"


def test_strict_sizes_turns_the_warning_into_a_refutation() -> None:
    from symconv.prove import strict_sizes

    result = run_tiers(claim_from_text("6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))",
                                       {"f": "6"}))
    strict = strict_sizes(result)
    assert strict.verdict is Verdict.REFUTED and strict.sizes == [{"f": (4,)}, {"f": (8,)}]
    assert "fails at f=4" in strict.detail
    law = run_tiers(claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "2"},
                                    tiers=["exact"]))
    assert strict_sizes(law) is law


def test_false_at_a_declared_size_is_refuted_there() -> None:
    result = _exact("6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))", {"f": ["6", "4"]})
    assert result.verdict is Verdict.REFUTED
    assert result.sizes == [{"f": (4,)}]
    assert result.detail.startswith("fails at the declared sizes f=4")


def test_the_extra_sizes_checked_do_not_depend_on_the_machines_speed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a slow declared comparison (a loaded machine) once made a time estimate skip the
    # larger extra size: the checked sizes, and so the output, varied from run to run
    claim = claim_from_text("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "4x4"},
                            tiers=["exact"])
    quick = exact.attempt(claim, Budget(60))
    real = exact._differs

    def slow(*args: Any) -> bool:
        time.sleep(0.3)
        return real(*args)

    monkeypatch.setattr(exact, "_differs", slow)
    slowed = exact.attempt(claim, Budget(10))
    assert quick is not None and slowed is not None
    assert slowed.sizes == quick.sizes and {"F": (5, 5), "I": (6, 6)} in slowed.sizes
    assert "skipped" not in slowed.detail


def test_extra_sizes_are_skipped_with_a_note_only_when_the_budget_is_spent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    claim = claim_from_text("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "4x4"},
                            tiers=["exact"])
    budget = Budget(60)
    real = exact._differs

    def spending(*args: Any) -> bool:
        budget.seconds = 0.0  # the declared size took the whole budget
        return real(*args)

    monkeypatch.setattr(exact, "_differs", spending)
    result = exact.attempt(claim, budget)
    assert result is not None and result.verdict is Verdict.VERIFIED
    assert result.sizes == [{"F": (3, 3), "I": (4, 4)}]
    assert "skipped: the budget was spent" in result.detail
    assert "F=1x1, I=2x2" in result.detail

