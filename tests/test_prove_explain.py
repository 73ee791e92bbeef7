"""Explanations: how the sides of a refuted claim differ, each relation checked exactly."""

from __future__ import annotations

from typing import Any

import pytest

from symconv.lang.claims import claim_from_text
from symconv.prove import Budget, Verdict, exact, run_tiers
from symconv.prove.explain import Explanation, Screen, explanations, search
from symconv.prove.runner import explain, outcome_json, verify_one

PERIOD_ADVICE = ("equal modulo the period (3, 4): idft returns the representative on [0, n); "
                 "give F origin = [0, 0] or compare with periodize")

# (statement, signals, the explanation it must get)
EXAMPLES: list[tuple[str, dict[str, Any], str]] = [
    ("idft(dft(F)) == F", {"F": "3x4"}, PERIOD_ADVICE),
    ("corr(shift(F, 1, 0), I) == corr(F, I)", {"F": "3x3", "I": "4x4"},
     "equal after shifting the left side by (1, 0)"),
    ("conv(shift(a, 1), b) == shift(conv(a, b), 2)", {"a": "3", "b": "4"},
     "equal after shifting the left side by 1"),
    ("flip(F, 1) == F", {"F": "3x4"}, "equal after flipping axis 1 of the left side"),
    ("corr(F, I) == corr(I, F)", {"F": "3x3", "I": "5x5"}, "equal after flipping the left side"),
    ("conj(f) == f", {"f": {"shape": "3", "real": False}}, "equal up to conj"),
    ("6 * conv(a, b) == conv(b, a)", {"a": "3", "b": "2"},
     "the left side is 6 times the right side"),
    ("conv(a, b) == -conv(b, a)", {"a": "3", "b": "2"}, "the left side is -1 times the right side"),
    ("6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))", {"f": "2"},
     "the left side is 3 times the right side"),
    ("sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))", {"f": "4"},
     "the left side is 1/4 times the right side"),
]


def _refuted(statement: str, signals: dict[str, Any]) -> Any:
    claim = claim_from_text(statement, signals)
    result = run_tiers(claim)
    assert result.verdict is Verdict.REFUTED, (statement, result.detail)
    return claim, result


@pytest.mark.parametrize(("statement", "signals", "text"), EXAMPLES)
def test_examples_get_their_explanation(statement: str, signals: dict[str, Any],
                                        text: str) -> None:
    _, result = _refuted(statement, signals)
    assert text in [e.text for e in result.explanations]


def test_inversion_with_a_centred_signal_is_refuted_with_the_period_explanation() -> None:
    outcome = verify_one(claim_from_text("idft(dft(F)) == F", {"F": "3x4"}))
    assert outcome.result is not None and outcome.result.verdict is Verdict.REFUTED
    shown = explain(outcome)
    assert f"explanation: {PERIOD_ADVICE}" in shown
    assert "periodize(idft(dft(F)), 3, 4) == periodize(F, 3, 4) is VERIFIED at F=3x4" in shown
    data = outcome_json(outcome)
    assert data["explanations"][0]["text"] == PERIOD_ADVICE
    # the advice is right: origin 0, or periodize, makes it hold
    assert run_tiers(claim_from_text("idft(dft(F)) == F",
                                     {"F": {"shape": "3x4", "origin": [0, 0]}})).verdict in (
        Verdict.PROVED, Verdict.VERIFIED)


def test_a_fractional_factor_is_shown_exactly() -> None:
    # the checked statement printed 0.25 * R: the engine's ratio is 1/4, and R / 4 says it
    outcome = verify_one(claim_from_text("sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))",
                                         {"f": "4"}))
    shown = explain(outcome)
    assert ("explanation: the left side is 1/4 times the right side (sum(f * conj(f)) == "
            "sum(dft(f) * conj(dft(f))) / 4 is VERIFIED at f=4)") in shown
    assert "0.25" not in shown
    _, result = _refuted("2 * sum(f) == 3 * sum(f)", {"f": "3"})
    assert "2 * sum(f) == 2 * (3 * sum(f)) / 3" in [e.statement for e in result.explanations]


def test_no_explanation_when_no_cheap_relation_holds() -> None:
    _, result = _refuted("conv(a, b) == conv(a, b) + a", {"a": "3", "b": "2"})
    assert result.explanations == []


@pytest.mark.parametrize(("statement", "signals", "text"), EXAMPLES)
def test_every_explanation_rerun_as_a_claim_gets_its_verdict(
        statement: str, signals: dict[str, Any], text: str) -> None:
    _, result = _refuted(statement, signals)
    assert result.explanations
    for found in result.explanations:
        assert isinstance(found, Explanation) and found.verdict is Verdict.VERIFIED
        shapes = {name: _spec(signals[name], shape) for name, shape in found.sizes.items()}
        check = claim_from_text(found.statement, shapes, tiers=["exact"])
        assert exact.attempt(check, Budget(60)).verdict is found.verdict  # type: ignore[union-attr]


def _spec(declared: Any, shape: tuple[int, ...]) -> Any:
    text = "x".join(map(str, shape))
    if isinstance(declared, dict):
        return {**declared, "shape": text}
    return text


def test_explanations_stop_when_the_budget_is_spent() -> None:
    claim, result = _refuted("corr(shift(F, 1, 0), I) == corr(F, I)", {"F": "3x3", "I": "4x4"})
    assert explanations(claim, result, Budget(1e-9)) == []


def test_explanations_cut_short_say_so() -> None:
    claim, result = _refuted("corr(shift(F, 1, 0), I) == corr(F, I)", {"F": "3x3", "I": "4x4"})
    found, note = search(claim, result, Budget(60))
    assert found and note == ""
    assert search(claim, result, Budget(1e-9)) == (
        [], "explanations cut short by the budget of 1e-09 s after 0 candidates; more time may "
            "find others")


def test_screen_rejects_only_false_statements() -> None:
    from symconv.lang.dsl import parse_statement

    claim = claim_from_text("conv(F, I) == conv(I, F)", {"F": "3x3", "I": "4x4"})
    screen = Screen(claim.assignments()[0])
    assert screen.may_hold(parse_statement("conv(F, I) == corr(flip(F), I)"))
    assert not screen.may_hold(parse_statement("conv(F, I) == corr(F, I)"))
    big = claim_from_text("conv(F, I) == conv(I, F)", {"F": "3x3", "I": "600x600"})
    modular = Screen(big.assignments()[0])
    assert modular.env is None and modular.residues is not None
    assert modular.may_hold(parse_statement("conv(F, I) == conv(I, F)"))
    assert not modular.may_hold(parse_statement("conv(F, I) == corr(F, I)"))


@pytest.mark.parametrize("shape_b", ["3x4", "600x4"])  # exact point, residues only
def test_screen_reads_zeropad_lengths_that_follow_the_sizes(shape_b: str) -> None:
    """Lengths such as size(a, 1) + size(b, 1) - 1 are evaluated as the tiers do, so a
    padding one short is screened out instead of passing to the tiers."""
    from symconv.lang.dsl import parse_statement

    pad = "zeropad({}, size(a, 0) + size(b, 0) - 1, size(a, 1) + size(b, 1) - {})"
    claim = claim_from_text(f"circconv({pad.format('a', 1)}, {pad.format('b', 1)}) == conv(a, b)",
                            {"a": {"shape": "2x2", "origin": [0, 0]},
                             "b": {"shape": shape_b, "origin": [0, 0]}})
    screen = Screen(claim.assignments()[0])
    assert claim.statement is not None and screen.may_hold(claim.statement)
    short = f"circconv({pad.format('a', 2)}, {pad.format('b', 2)}) == conv(a, b)"
    assert not screen.may_hold(parse_statement(short))


COMPLEX = {"f": {"shape": "2x3", "real": False}, "g": {"shape": "2x3", "real": False}}


@pytest.mark.parametrize("statement", [
    "circcorr(conj(f), g) == idft(conj(dft(f)) * dft(g))",
    "circcorr(f, g) == idft(conj(dft(f)) * dft(g))",  # the real-signal theorem: false here
    "circconv(f, g) == idft(dft(f) * dft(g))",
    "circcorr(f, g) == idft(dft(f) * dft(g))",
    "numel(f) * sum(f * conj(g)) == sum(dft(f) * conj(dft(g)))",
    "sum(f * conj(g)) == sum(dft(f) * conj(dft(g)))",
    "1j * (1j * circconv(f, g)) == -circconv(g, f)",
    "1j * circconv(f, g) == circconv(g, f)",
])
def test_screen_of_complex_signals_agrees_with_the_exact_tier(statement: str) -> None:
    """Complex signals are screened at a point of Gaussian integers: a statement is thrown
    out exactly when the exact tier refutes it (and kept when it holds)."""
    from symconv.lang.dsl import parse_statement

    screen = Screen(claim_from_text("circconv(f, g) == circconv(g, f)", COMPLEX).assignments()[0])
    assert screen.packed is not None and screen.env is None
    result = exact.attempt(claim_from_text(statement, COMPLEX, tiers=["exact"]), Budget(30))
    assert result is not None
    assert screen.may_hold(parse_statement(statement)) == (result.verdict is not Verdict.REFUTED)


def test_explanations_are_checked_at_the_failing_sizes_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact comparison runs at the sizes the explanation names, not at the extra sizes
    the exact tier would add for its warnings."""
    from symconv.prove import counterexample
    from symconv.prove import explain as explain_module

    claim, result = _refuted("corr(shift(F, 1, 0), I) == corr(F, I)", {"F": "3x3", "I": "4x4"})
    shapes: list[dict[str, tuple[int, ...]]] = []
    real = counterexample.build_env

    def build_env(assignment: Any) -> Any:
        shapes.append(counterexample.sizes_of(assignment))
        return real(assignment)

    monkeypatch.setattr(explain_module, "build_env", build_env, raising=False)
    monkeypatch.setattr(exact, "build_env", build_env)  # where the tier's own checks build
    found, _ = search(claim, result, Budget(60))
    assert found and shapes
    assert all(s == {"F": (3, 3), "I": (4, 4)} for s in shapes)
    assert {e.sizes["F"] for e in found} == {(3, 3)}


@pytest.mark.parametrize(("statement", "signals"), [
    ("corr(shift(F, 1, 0), I) == corr(F, I)", {"F": "3x3", "I": "4x4"}),
    ("6 * conv(a, b) == conv(b, a)", {"a": "3", "b": "2"}),
    ("idft(dft(F)) == F", {"F": "3x4"}),
])
def test_a_shared_screen_changes_no_explanation_or_repair(statement: str,
                                                          signals: dict[str, Any]) -> None:
    from symconv.prove import repair
    from symconv.prove.explain import failing_assignment

    claim = claim_from_text(statement, signals)
    result = run_tiers(claim, diagnose=False)
    alone = (search(claim, result, Budget(60)), repair.search(claim, Budget(60), result))
    screen = Screen(failing_assignment(claim, result))
    shared = (search(claim, result, Budget(60), screen),
              repair.search(claim, Budget(60), result, screen))
    assert shared == alone and alone[0][0]
    # a screen at other sizes is not taken
    other = Screen({name: spec.resized((1,) * len(spec.shape))
                    for name, spec in claim.assignments()[0].items()})
    assert (search(claim, result, Budget(60), other),
            repair.search(claim, Budget(60), result, other)) == alone


def test_the_screen_field_has_every_root_of_unity_up_to_16() -> None:
    from sympy import isprime

    from symconv.prove.explain import SCREEN_ORDER, _cyclotomic_field

    prime, root = _cyclotomic_field()
    assert 2**30 <= prime < 2**31 and isprime(prime) and (prime - 1) % SCREEN_ORDER == 0
    assert all(SCREEN_ORDER % n == 0 for n in range(1, 17))
    powers = {pow(root, k, prime) for k in range(SCREEN_ORDER)}
    assert len(powers) == SCREEN_ORDER  # primitive: its powers are all distinct


@pytest.mark.parametrize(("signals", "statement"), [
    ({"f": "2x3", "g": "2x3"}, "dft(circconv(f, g)) == dft(f) * dft(g)"),
    ({"f": {"shape": "2x3", "origin": [0, 0]}, "g": {"shape": "2x3", "origin": [0, 0]}},
     "dft(circconv(f, g)) == dft(f) * dft(g)"),
    ({"f": {"shape": "5", "origin": [0]}}, "idft(dft(f)) == f"),
    ({"f": {"shape": "5", "origin": [0]}}, "idft(dft(f)) == 5 * f"),
    ({"f": "2x3"}, "numel(f) * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))"),
    ({"f": "2x3"}, "sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))"),
    ({"f": {"shape": "2x3", "real": False}},
     "numel(f) * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))"),
    ({"f": {"shape": "2x3", "real": False}}, "numel(f) * sum(f * f) == sum(dft(f) * dft(f))"),
    ({"f": {"shape": "4", "real": False}}, "conj(dft(f)) == dft(conj(flip(f)))"),
    ({"f": {"shape": "4", "real": False}}, "1j * conj(f) == conj(1j * f)"),
])
def test_the_screen_decides_dfts_and_complex_entries_by_residues(signals: dict[str, Any],
                                                                 statement: str) -> None:
    """Through Z[ζ_L] -> F_p (the packed point taken away, so the residues alone decide): a
    statement is thrown out exactly when the exact tier refutes it."""
    from symconv.lang.dsl import parse_statement

    claim = claim_from_text(statement, signals, tiers=["exact"])
    screen = Screen(claim.assignments()[0])
    assert screen.pairs is not None
    screen.packed = None
    result = exact.attempt(claim, Budget(30))
    assert result is not None
    assert screen.may_hold(parse_statement(statement)) == (result.verdict is not Verdict.REFUTED)
