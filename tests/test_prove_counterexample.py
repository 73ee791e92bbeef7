"""Minimal counterexamples: smallest sizes, sparsest entries, exact values in one form."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.core.algebra import Polynomial, complex_generator, real_generator
from symconv.core.cyclotomic import cyclotomic_field
from symconv.lang.claims import Claim, claim_from_text
from symconv.prove import Budget, Result, Verdict, run_tiers
from symconv.prove.counterexample import (
    CyclotomicNumber,
    as_number,
    build_env,
    claim_sides,
    difference,
    exact_difference,
    exact_differs,
    smaller_assignments,
    sparsest_point,
)
from symconv.prove.runner import explain, verify_one


def _exact(statement: str, signals: dict[str, Any], **options: Any) -> Result:
    return run_tiers(claim_from_text(statement, signals, tiers=["exact"], expect="fails",
                                     **options), diagnose=False)


def test_corr_commutes_is_refuted_at_the_smallest_sizes() -> None:
    result = _exact("corr(F, I) == corr(I, F)", {"F": "3x3", "I": "5x5"})
    assert result.verdict is Verdict.REFUTED
    assert result.sizes == [{"F": (3, 3), "I": (5, 5)}]  # the declared sizes decide
    assert result.counterexample is not None
    assert result.counterexample.sizes == {"F": (1, 1), "I": (1, 2)}
    assert result.detail == ("fails at the declared sizes F=3x3, I=5x5; smallest "
                             "counterexample at F=1x1, I=1x2")


def test_adjoint_without_flip_is_refuted_at_one_by_two_or_smaller() -> None:
    result = _exact("frobenius(conv(a, b), c) == frobenius(b, conv(a, c))",
                    {"a": "3x3", "b": "2x2", "c": "2x2"})
    assert result.counterexample is not None
    sizes = result.counterexample.sizes
    # 1x2 for each refutes it; the search finds a size with fewer entries still
    assert all(shape[0] == 1 and shape[1] <= 2 for shape in sizes.values())
    assert sum(shape[1] for shape in sizes.values()) <= 6


def test_one_format_for_sizes() -> None:
    outcome = verify_one(claim_from_text("corr(F, I) == corr(I, F)", {"F": "3x3", "I": "5x5"},
                                         expect="fails", tiers=["exact"]))
    text = explain(outcome)
    assert "F=3x3, I=5x5" in text and "F=1x1, I=1x2" in text
    assert "{'" not in text and "(3, 3)" not in text


def test_large_integers_are_shown_exactly() -> None:
    big = 1180591620717411303432
    result = _exact("sum(F) == sum(G)", {"F": [big], "G": [big + 1]})
    cex = result.counterexample
    assert cex is not None
    assert (cex.left, cex.right) == (big, big + 1)
    assert type(cex.left) is int
    assert f"left side = {big}" in cex.describe() and f"right side = {big + 1}" in cex.describe()
    spectral = _exact("dft(F) == dft(G)", {"F": [big, 0], "G": [big + 1, 0]})
    assert spectral.counterexample is not None
    assert {spectral.counterexample.left, spectral.counterexample.right} <= {big, big + 1}


def test_rationals_are_fractions() -> None:
    result = _exact("a / 3 == a / 2", {"a": "2"})
    cex = result.counterexample
    assert cex is not None and cex.sizes == {"a": (1,)}
    assert (cex.left, cex.right) == (Fraction(1, 3), Fraction(1, 2))
    assert "= 1/3" in cex.describe()


def test_cyclotomic_values_have_one_exact_form() -> None:
    result = _exact("dft(f) == conj(dft(f))", {"f": "3"})
    cex = result.counterexample
    assert cex is not None
    shown = cex.describe()
    assert "zeta3" in shown and "." not in shown  # exact, never a float next to it
    assert "zeta3 = exp(2*pi*i/3)" in shown  # which root of unity: ζ, not the reports' ω
    assert isinstance(cex.left, CyclotomicNumber) or isinstance(cex.right, CyclotomicNumber)


@pytest.mark.parametrize(("order", "coefficients", "text"), [
    (4, (0, 1), "1j"),
    (4, (0, -1), "-1j"),
    (4, (1, -2), "1 - 2j"),
    (4, (Fraction(1, 2), Fraction(3, 2)), "1/2 + (3/2)j"),
    (8, (0, 0, 1, 0), "1j"),  # zeta8^2 = i
    (8, (1, 0, 0, -2), "1 - 2*zeta8^3 [zeta8 = exp(2*pi*i/8)]"),
    (3, (-1, -1), "-1 - zeta3 [zeta3 = exp(2*pi*i/3)]"),
    (5, (0, Fraction(1, 2), 0, 0), "(1/2)*zeta5 [zeta5 = exp(2*pi*i/5)]"),
])
def test_cyclotomic_number_text(order: int, coefficients: tuple[Any, ...], text: str) -> None:
    value = CyclotomicNumber(order, tuple(Fraction(c) for c in coefficients))
    assert str(value) == text


def test_as_number_reads_field_elements() -> None:
    field = cyclotomic_field(8)
    i = Polynomial.constant(field.zeta_power(2), field)
    assert str(as_number(i)) == "1j"
    assert as_number(Polynomial.constant(field.zeta_power(4), field)) == -1
    assert as_number(Polynomial.from_number(Fraction(2, 4))) == Fraction(1, 2)


def test_claims_false_only_for_complex_entries_get_complex_entries() -> None:
    result = _exact("conj(f) == f", {"f": {"shape": "3", "real": False}})
    cex = result.counterexample
    assert cex is not None
    assert cex.sizes == {"f": (1,)}
    assert [str(v) for v in cex.signals["f"]] == ["1j"]
    assert (str(cex.left), str(cex.right)) == ("-1j", "1j")
    assert "f = [1j]" in cex.describe()


def test_too_large_for_the_exact_tier_still_gets_a_small_counterexample() -> None:
    claim = claim_from_text("corr(a, b) == corr(b, a)", {"a": "600x600", "b": "3x3"},
                            expect="fails", tiers=["exact", "random"])
    result = run_tiers(claim, diagnose=False)
    assert result.verdict is Verdict.REFUTED and result.method.startswith("random")
    assert result.sizes == [{"a": (600, 600), "b": (3, 3)}]
    assert result.counterexample is not None
    assert result.counterexample.sizes == {"a": (1, 1), "b": (1, 2)}
    assert "smallest exact counterexample at a=1x1, b=1x2" in result.detail


def test_size_candidates_are_the_cheapest_in_product_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # the first MAX_SIZE_CANDIDATES of sorted(product, key=(entries, longest axis)), stable,
    # whether ranked in arrays or (past MAX_COMBINATION_ARRAY) in a stream
    from symconv.prove import counterexample

    claim = claim_from_text("conv(conv(a, b), c) == conv(a, conv(b, c))",
                            {"a": "3x4", "b": "5x5", "c": "2x6"})
    failing = claim.assignments()[0]
    per_signal = [sorted((failing[n].resized(s) for s in itertools.product(
        *(range(1, d + 1) for d in failing[n].shape))),
        key=lambda spec: (spec.shape[0] * spec.shape[1], max(spec.shape), spec.shape))
        for n in failing]
    expected = sorted(itertools.product(*per_signal), key=lambda combo: (
        sum(s.shape[0] * s.shape[1] for s in combo), max(max(s.shape) for s in combo)))
    expected = [c for c in expected[:counterexample.MAX_SIZE_CANDIDATES]
                if c != tuple(failing.values())]
    ranked = [tuple(a.values()) for a in smaller_assignments(failing)]
    assert ranked == [*expected, tuple(failing.values())]
    monkeypatch.setattr(counterexample, "MAX_COMBINATION_ARRAY", 10)
    assert [tuple(a.values()) for a in smaller_assignments(failing)] == ranked


def test_verdict_only_comparison_agrees_with_the_difference() -> None:
    for statement, holds in (("conv(F, I) == corr(flip(F), I)", True),
                             ("conv(F, I) == corr(F, I)", False)):
        claim = claim_from_text(statement, {"F": "2x2", "I": "3x3"})
        env = build_env(claim.assignments()[0])
        assert exact_differs(claim, env) is (exact_difference(claim, env) is not None) is (
            not holds)


SWEEP_CORPUS = [
    ("corr(F, I) == corr(I, F)", {"F": "3x3", "I": "4x4"}),
    ("frobenius(conv(a, b), c) == frobenius(b, conv(a, c))", {"a": "2x3", "b": "3x3",
                                                              "c": "4x4"}),
    ("conv(a, b, mode=\"valid\") == corr(flip(a), b, mode=\"valid\") + shift(b, 1)",
     {"a": "3", "b": "6"}),
    ("dft(circconv(f, g)) == dft(f) * dft(flip(g))", {"f": "4", "g": "4"}),
    ("conj(conv(f, g, mode=\"same\")) == conv(conj(g), conj(f), mode=\"same\")",
     {"f": {"shape": "3", "real": False}, "g": "4"}),
    ("conv(a, K) == corr(a, K)", {"a": "3x3", "K": "sobel_x"}),
    ("sum(conv(a, b)) == sum(a) * sum(b) + len(b) - 2", {"a": "12", "b": "2"}),
]


@pytest.mark.parametrize(("statement", "signals"), SWEEP_CORPUS)
def test_the_size_sweep_passes_over_exactly_the_sizes_without_a_counterexample(
        statement: str, signals: dict[str, Any]) -> None:
    from symconv.errors import SymconvError
    from symconv.prove.counterexample import _Sweep

    claim = claim_from_text(statement, signals)
    failing = claim.assignments()[0]
    sweep = _Sweep.of(claim, failing)
    assert sweep is not None
    passed = 0
    for assignment in smaller_assignments(failing):
        try:
            found = exact_difference(claim, build_env(assignment)) is not None
        except SymconvError:  # the one-size path passes over it too
            found = False
        skips = sweep.skips(assignment)
        assert not (skips and found), assignment  # never passes over a counterexample
        passed += skips
        # a size the sweep leaves to the one-size path is one with a counterexample or one
        # it could not pack (here: only a failing size past MAX_AXIS)
        assert skips or found or max(max(s.shape) for s in assignment.values()) > 8
    assert passed > 0


@pytest.mark.parametrize(("statement", "signals"), SWEEP_CORPUS)
def test_the_size_sweep_changes_no_counterexample(statement: str, signals: dict[str, Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from symconv.prove import counterexample

    claim = claim_from_text(statement, signals)
    failing = claim.assignments()[0]
    swept = counterexample.small_counterexample(claim, failing, Budget(60))
    monkeypatch.setattr(counterexample._Sweep, "of", classmethod(lambda cls, c, f: None))
    assert counterexample.small_counterexample(claim, failing, Budget(60)) == swept
    assert swept is not None


def test_size_candidates_go_by_total_entries() -> None:
    claim = claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "2"})
    totals = [sum(s.shape[0] for s in assignment.values())
              for assignment in smaller_assignments(claim.assignments()[0])]
    assert totals == sorted(totals)
    assert totals[0] == 2 and totals[-1] == 5


# --- sparsest points -------------------------------------------------------------------------

_GENS = [real_generator("x", (k,)) for k in range(4)]


@st.composite
def _polynomials(draw: st.DrawFn) -> Polynomial:
    terms = draw(st.dictionaries(
        st.lists(st.sampled_from(_GENS), max_size=3).map(lambda m: tuple(sorted(m))),
        st.integers(-3, 3), min_size=1, max_size=5))
    return Polynomial({m: c for m, c in terms.items()})


def _value(poly: Polynomial, point: dict[Any, Any]) -> Any:
    return poly.evaluate({g: point.get((g.name, g.index), 0) for g in poly.generators()})


@settings(max_examples=200, deadline=None)
@given(_polynomials())
def test_sparsest_point_is_a_non_root_with_fewest_non_zeros(poly: Polynomial) -> None:
    point = sparsest_point([poly])
    if poly.is_zero():
        assert point is None
        return
    assert point is not None
    assert _value(poly, point) != 0
    assert all(1 <= v <= poly.degree() + 1 for v in point.values())
    # brute force: no point with fewer non-zero entries in {-3..3} makes it non-zero
    keys = sorted({(g.name, g.index) for g in poly.generators()})
    for size in range(len(point)):
        for support in itertools.combinations(keys, size):
            for values in itertools.product([v for v in range(-3, 4) if v], repeat=size):
                assert _value(poly, dict(zip(support, values, strict=True))) == 0


def test_sparsest_point_of_a_conjugate_difference_is_complex() -> None:
    z = complex_generator("f", (0,))
    zbar = z._replace(kind="c*")
    gap = Polynomial.from_generator(z) - Polynomial.from_generator(zbar)
    point = sparsest_point([gap])
    assert point is not None and str(as_number(Polynomial.constant(
        point[("f", (0,))], cyclotomic_field(4)))) == "1j"


# --- minimality, by brute force ---------------------------------------------------------------

MINIMALITY_CORPUS = [
    ("corr(F, I) == corr(I, F)", {"F": "3x3", "I": "3x3"}),
    ("conv(a, b) == corr(a, b)", {"a": "3", "b": "3"}),
    ("frobenius(conv(a, b), c) == frobenius(b, conv(a, c))", {"a": "2x2", "b": "2x2",
                                                              "c": "2x2"}),
    ("conv(shift(a, 1), b) == shift(conv(a, b), 2)", {"a": "3", "b": "3"}),
    ("sum(conv(a, b)) == sum(a) * sum(b) + sum(a)", {"a": "3", "b": "2"}),
    ("dft(f) == f", {"f": "4"}),
    ("conv(a, b, mode=\"same\") == conv(b, a, mode=\"same\")", {"a": "3", "b": "4"}),
    ("hadamard(a, b) == a", {"a": "2x2", "b": "2x2"}),
    ("conj(f) == f", {"f": {"shape": "3", "real": False}}),
    ("corr(corr(a, b), c) == corr(a, corr(b, c))", {"a": "3", "b": "3", "c": "3"}),
]


def _restricted_equal(claim: Claim, assignment: dict[str, Any], support: set[Any]) -> bool:
    """Whether the sides agree for all entries that vanish outside ``support``."""
    env = build_env(assignment)
    keep = {name: signal.map(lambda p: p.substitute(
        lambda g: None if (g.name, g.index) in support else Polynomial.zero(p.domain)))
        for name, signal in env.items()}
    return difference(*claim_sides(claim, keep)) is None


@pytest.mark.parametrize(("statement", "signals"), MINIMALITY_CORPUS)
def test_no_smaller_or_sparser_input_refutes_it(statement: str, signals: dict[str, Any]) -> None:
    claim = claim_from_text(statement, signals, tiers=["exact"], expect="fails")
    result = run_tiers(claim, Budget(60), diagnose=False)
    assert result.verdict is Verdict.REFUTED
    cex = result.counterexample
    assert cex is not None
    total = sum(_entries(shape) for shape in cex.sizes.values())
    for assignment in smaller_assignments(claim.assignments()[0]):
        if sum(_entries(s.shape) for s in assignment.values()) >= total:
            continue
        try:
            assert exact_difference(claim, build_env(assignment)) is None, assignment
        except (ValueError, ArithmeticError):  # the statement does not apply at this size
            continue
    # at the counterexample's sizes, fewer non-zero entries never separate the sides
    at = {name: spec.resized(cex.sizes[name])
          for name, spec in claim.assignments()[0].items()}
    keys = [(name, coord) for name, signal in build_env(at).items()
            for coord in signal.coordinates()]
    nonzero = sum(1 for entries in cex.signals.values() for v in _flat(entries) if v != 0)
    for size in range(nonzero):
        for support in itertools.combinations(keys, size):
            assert _restricted_equal(claim, at, set(support)), support
    # deltas and 0/1 entries where the claim allows them (all of this corpus but conj)
    if statement != "conj(f) == f":
        assert {v for entries in cex.signals.values() for v in _flat(entries)} <= {0, 1}


def _entries(shape: tuple[int, ...]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _flat(entries: Any) -> list[Any]:
    if isinstance(entries, list):
        return [v for e in entries for v in _flat(e)]
    return [entries]


@given(st.lists(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 4)), min_size=1, max_size=5),
                min_size=1, max_size=4), st.integers(1, 30))
def test_threshold_ranking_is_the_sorted_product(options: list[list[tuple[int, int]]],
                                                 count: int) -> None:
    """The ranking for products too large to sort whole is sorted(product, key)[:count]."""
    from symconv.prove.counterexample import _cheapest_by_threshold

    entries = [np.array([e for e, _ in o], dtype=np.int64) for o in options]
    sides = [np.array([m for _, m in o], dtype=np.int64) for o in options]
    expected = sorted(itertools.product(*(range(len(o)) for o in options)), key=lambda picks: (
        sum(o[k][0] for o, k in zip(options, picks, strict=True)),
        max(o[k][1] for o, k in zip(options, picks, strict=True))))[:count]
    assert _cheapest_by_threshold(entries, sides, count) == expected
