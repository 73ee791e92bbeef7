"""The rules of the general tier, each on its own, and the term language they rewrite.

Every rule must refuse what is not an equality: non-bijective substitutions,
exchanges of sums that are not finite, renamings that capture a variable.
Values are checked by evaluating before and after on concrete signals with
symbolic entries; the evaluator itself is compared with scipy.signal.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.core import ops
from symconv.core.algebra import Polynomial
from symconv.core.signal import Signal
from symconv.lang.dsl import parse_statement
from symconv.prove.rules import (
    DslSide,
    NotApplicableError,
    RuleError,
    dsl_text,
    exchange,
    indicator_atom,
    indicator_box,
    indicator_name,
    is_finite,
    is_indicator,
    linearity,
    normal_indicator,
    numeric_period,
    order,
    reindex,
    rename,
    side_frame,
    unfold,
)
from symconv.prove.sums import (
    Atom,
    Const,
    EvaluationError,
    Index,
    LinearForm,
    Monomial,
    Phase,
    Prod,
    Sigma,
)
from symconv.strategies import int_arrays, kernel_and_image
from tests.term_values import evaluate_at, tabulate

x, i, j = Index.var("x"), Index.var("i"), Index.var("j")
ONE = Fraction(1)


def side(text: str) -> DslSide:
    """The left side of ``text == 0``-style statements, as a signal at x unless scalar."""
    from symconv.prove.rules import is_scalar

    node = parse_statement(f"{text} == {text}").left
    return DslSide(node, signal=not is_scalar(node))


def mono(*atoms: Atom, variables: tuple[str, ...] = ("i",), coef: Fraction = ONE) -> Monomial:
    return Monomial(coef, variables, atoms)


def symbolic_env(**shapes: tuple[int, ...]) -> dict[str, Signal]:
    return {name: Signal.symbolic(name, shape) for name, shape in shapes.items()}


def values_agree(before: LinearForm, after: LinearForm, env: dict[str, Signal],
                 points: list[tuple[int, ...]]) -> bool:
    tables = tabulate(env)
    ndim = len(points[0])
    return all(evaluate_at(before, tables, {"x": p}, ndim) == evaluate_at(after, tables, {"x": p}, ndim)
               for p in points)


POINTS_1D: list[tuple[int, ...]] = [(p,) for p in range(-6, 7)]


# --- index expressions -------------------------------------------------------------------

def test_index_arithmetic_and_text() -> None:
    index = x - i + Index.constant((1, -2))
    assert index.coeff("i") == -1 and index.coeff("x") == 1
    assert index.text() == "x − i + (1, -2)"
    assert (index - index) == Index()
    assert index.substitute("i", x - j) == j + Index.constant((1, -2))
    assert Index.constant((0, 0)) == Index()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=3, max_size=3),
       st.lists(st.integers(-5, 5), min_size=4, max_size=4))
def test_index_evaluation_is_affine(coeffs: list[int], point: list[int]) -> None:
    index = Index.var("x", coeffs[0]) + Index.var("i", coeffs[1]) + Index.constant((coeffs[2],))
    values = {"x": (point[0],), "i": (point[1],)}
    assert index.at(values, 1) == (coeffs[0] * point[0] + coeffs[1] * point[1] + coeffs[2],)
    # substituting then evaluating = evaluating the substituted value
    image = Index.var("j", -1) + Index.constant((point[2],))
    substituted = index.substitute("i", image)
    assert substituted.at({"x": (point[0],), "j": (point[3],)}, 1) == \
        index.at({"x": (point[0],), "i": image.at({"j": (point[3],)}, 1)}, 1)


# --- unfold -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("conv(F, I)", "Σ_{i∈Z^d} F(i)·I(x − i)"),
    ("corr(F, I)", "Σ_{i∈Z^d} F(i)·I(x + i)"),
    ("flip(F)", "F(−x)"),
    ("shift(F, 1, -2)", "F(x + (-1, 2))"),
    ("shift(F, 3)", "F(x − 3)"),
    ("hadamard(F, I)", "F(x)·I(x)"),
    ("F * I", "F(x)·I(x)"),
    ("sum(F)", "Σ_{i∈Z^d} F(i)"),
    ("frobenius(F, I)", "Σ_{i∈Z^d} F(i)·I(i)"),
    ("F - I / 2", "F(x) − (1/2)·I(x)"),
    ("conv(F, conv(G, I))", "Σ_{i∈Z^d} F(i)·Σ_{j∈Z^d} G(j)·I(x − i − j)"),
    ("corr(flip(F), I)", "Σ_{i∈Z^d} F(−i)·I(x + i)"),
    ('conv(F, I, mode="full", boundary="zero")', "Σ_{i∈Z^d} F(i)·I(x − i)"),
])
def test_unfold_definitions(text: str, expected: str) -> None:
    assert unfold(side(text)).text() == expected


@pytest.mark.parametrize("text", [
    'conv(F, I, mode="same")', 'corr(F, I, boundary="wrap")', "flip(F, 0)", "transpose(F)",
    "circconv(F, I)", "dft(F)", "F @ I", "zeropad(F, 2)", "trace(F)", "2j * F",
    "F / sum(F)", "idft(F)",
])
def test_unfold_refuses_what_it_cannot_define(text: str) -> None:
    with pytest.raises(NotApplicableError):
        unfold(side(text))


def torus_side(text: str, real: frozenset[str] = frozenset()) -> DslSide:
    return DslSide(parse_statement(f"{text} == {text}").left, signal=True, torus=True, real=real)


@pytest.mark.parametrize(("text", "expected"), [
    ("circconv(a, b)", "Σ_{i∈Z_n^d} a(i)·b(x − i)"),
    ("circcorr(a, flip(b))", "Σ_{i∈Z_n^d} a(i)·b(−x − i)"),
    ("dft(a)", "Σ_{i∈Z_n^d} a(i)·ω^(x·i)"),
    ("dft(shift(a, 2))", "Σ_{i∈Z_n^d} a(i − 2)·ω^(x·i)"),
    ("conj(dft(a))", "Σ_{i∈Z_n^d} a*(i)·ω^(−x·i)"),
    ("dft(a) * dft(b)", "(Σ_{i∈Z_n^d} a(i)·ω^(x·i))·Σ_{j∈Z_n^d} b(j)·ω^(x·j)"),
])
def test_unfold_on_the_torus(text: str, expected: str) -> None:
    assert unfold(torus_side(text)).text() == expected


def test_conj_of_a_real_signal_is_itself() -> None:
    assert unfold(torus_side("conj(dft(a))", frozenset({"a"}))).text() == \
        "Σ_{i∈Z_n^d} a(i)·ω^(−x·i)"
    assert unfold(side("conj(conj(a))")).text() == "a(x)"


@pytest.mark.parametrize("text", [
    "circconv(a, b, 5)",          # an explicit period: other sizes are other claims
    "dft(a, 4)",
    "idft(a, 2)",
    "flip(a, 0)",                 # without the number of axes
    "transpose(a)",
    "conv(a, b)",
])
def test_torus_refuses_what_it_does_not_model(text: str) -> None:
    with pytest.raises(NotApplicableError):
        unfold(torus_side(text))


@pytest.mark.parametrize(("text", "signal", "expected"), [
    # size(a, k) is n_(k+1) on Z_n1 x Z_n2; the product of every axis's size is N
    ("size(a, 1) * dft(a)", True, "n_2·Σ_{i∈Z_n^d} a(i)·ω^(x·i)"),
    ("dft(a) / size(a, 0)", True, "N^(-1)·n_2·Σ_{i∈Z_n^d} a(i)·ω^(x·i)"),
    ("size(a, 0) * size(a, 1) * sum(a)", False, "N·Σ_{i∈Z_n^d} a(i)"),
    ("size(a, 0) * size(a, 0) * sum(a)", False, "n_1^2·Σ_{i∈Z_n^d} a(i)"),
])
def test_sizes_on_a_torus_with_a_period_per_axis(text: str, signal: bool, expected: str) -> None:
    two_axes = DslSide(parse_statement(f"{text} == {text}").left, signal=signal, torus=True, ndim=2)
    assert order(linearity(unfold(two_axes))).text() == expected


@pytest.mark.parametrize(("text", "expected", "frame"), [
    # each axis keeps its own period: a transpose's value lives on Z_n2 x Z_n1
    ("dft(transpose(a))", "Σ_{i∈Z_n^d} a∘(2, 1)(i)·ω^(x·i)", (1, 0)),
    ("transpose(dft(a))", "Σ_{i∈Z_n^d} a∘(2, 1)(i)·ω^(x·i)", (1, 0)),
    ("transpose(circconv(a, b))", "Σ_{i∈Z_n^d} a∘(2, 1)(i)·b∘(2, 1)(x − i)", (1, 0)),
    ("dft(flip(a, 0))", "Σ_{i∈Z_n^d} a∘(1, −2)(−i)·ω^(x·i)", (0, 1)),
    ("flip(dft(a), 1)", "Σ_{i∈Z_n^d} a∘(1, −2)(i)·ω^(x·i)", (0, 1)),
    # a sum's variable is put into the signals' frame
    ("sum(transpose(a))", "Σ_{i∈Z_n^d} a(i)", (0, 1)),
    ("sum(dft(transpose(a)))", "Σ_{i∈Z_n^d} Σ_{j∈Z_n^d} a(j)·ω^(i·j)", (0, 1)),
])
def test_unfold_on_a_torus_with_a_period_per_axis(text: str, expected: str,
                                                  frame: tuple[int, ...]) -> None:
    node = parse_statement(f"{text} == {text}").left
    two_axes = DslSide(node, signal=not text.startswith("sum"), torus=True, ndim=2)
    assert unfold(two_axes).text() == expected
    assert side_frame(two_axes) == frame


@pytest.mark.parametrize(("text", "expected"), [
    # whether these are the statement's meaning depends on the boxes (recheck.periods_fit)
    ("a", "a(x)"),
    ("dft(hadamard(a, b))", "Σ_{i∈Z_n^d} a(i)·b(i)·ω^(x·i)"),
    ("idft(a)", "N^(-1)·Σ_{i∈Z_n^d} a(i)·ω^(−x·i)"),
])
def test_torus_unfolds_names_products_and_idft(text: str, expected: str) -> None:
    assert unfold(torus_side(text)).text() == expected


def test_unfold_on_the_torus_matches_ops_and_fourier() -> None:
    from symconv.core.fourier import dft

    env = {"a": Signal.symbolic("a", (3, 2), real=False), "b": Signal.symbolic("b", (3, 2))}
    period = (3, 2)
    tables = tabulate({name: ops.periodize(sig, period) for name, sig in env.items()})
    for text, expected in [
        ("circcorr(a, shift(b, 1, 1))", ops.circcorr(env["a"], ops.shift(env["b"], 1, 1))),
        ("dft(circconv(flip(a), b))", dft(ops.circconv(ops.flip(env["a"]), env["b"]))),
        ("dft(a) * dft(b)", dft(env["a"]) * dft(env["b"])),
    ]:
        term = unfold(torus_side(text))
        for p in [(u, v) for u in range(3) for v in range(2)]:
            got = evaluate_at(term, tables, {"x": p}, 2, period)
            assert (got - expected.value_at(p)).is_zero(), (text, p)


def test_phase_arithmetic() -> None:
    k, y = Index.var("x"), Index.var("i")
    phase = Phase.product(k, y)
    assert phase.text() == "ω^(x·i)"
    assert (phase * phase).text() == "ω^(2x·i)"
    # substitute i = j + 1: ω^(x·j + x·1)
    shifted = phase.substitute("i", Index.var("j") + Index.constant((1,)))
    assert shifted.text() == "ω^(x·j + x·(1,))"
    assert shifted.exponent({"x": (2,), "j": (3,)}, (1,)) == 2 * 3 + 2
    assert phase.rename({"i": "k"}) == Phase.product(k, Index.var("k"))


def test_unfold_matches_ops_on_symbolic_signals() -> None:
    env = symbolic_env(F=(2, 3), G=(3, 1), I=(2, 2))
    tables = tabulate(env)
    for text, expected in [
        ("conv(F, corr(G, I))", ops.conv(env["F"], ops.corr(env["G"], env["I"]))),
        ("flip(shift(F, 1, 2)) - 3 * hadamard(G, I)",
         ops.flip(ops.shift(env["F"], 1, 2)) - ops.hadamard(env["G"], env["I"]) * 3),
    ]:
        term = unfold(side(text))
        for p in [(a, b) for a in range(-5, 6) for b in range(-5, 6)]:
            assert evaluate_at(term, tables, {"x": p}, 2) == expected.value_at(p), (text, p)


def test_dsl_text_brackets_only_where_needed() -> None:
    node = parse_statement("2*a - (b - c)/3 == -(a + b)").left
    assert dsl_text(node) == "2 * a - (b - c) / 3"
    assert dsl_text(parse_statement("a == -(a + b)").right) == "-(a + b)"


# --- linearity ----------------------------------------------------------------------------

def test_linearity_flattens_nested_sums_and_constants() -> None:
    term = unfold(side("conv(2*a - b/3, c)"))
    form = linearity(term)
    assert form == LinearForm((
        mono(Atom("a", i), Atom("c", x - i), coef=Fraction(2)),
        mono(Atom("b", i), Atom("c", x - i), coef=Fraction(-1, 3)),
    ))
    env = symbolic_env(a=(2,), b=(3,), c=(2,))
    tables = tabulate(env)
    for p in POINTS_1D:
        assert evaluate_at(term, tables, {"x": p}, 1) == evaluate_at(form, tables, {"x": p}, 1)


def test_reindex_on_the_torus_moves_the_phase() -> None:
    k, y = Index.var("x"), Index.var("i")
    form = LinearForm((Monomial(ONE, ("i",), (Atom("a", k - y),), torus=True,
                                phase=Phase.product(k, y)),))
    after = reindex(form, 0, "i", "j", k - y)
    assert after.text() == "Σ_{j∈Z_n^d} a(j)·ω^(−x·j + x·x)"
    period = (4,)
    tables = tabulate({"a": ops.periodize(Signal.symbolic("a", (4,)), period)})
    for p in range(4):
        assert evaluate_at(form, tables, {"x": (p,)}, 1, period) == \
            evaluate_at(after, tables, {"x": (p,)}, 1, period)
    with pytest.raises(RuleError, match="coefficient 2"):
        reindex(form, 0, "i", "j", y.scaled(2))  # not a bijection of Z_4 either


def test_linearity_refuses_infinite_sums_and_capture() -> None:
    with pytest.raises(RuleError, match="not finite"):
        linearity(Sigma(("i", "j"), Atom("a", i)))  # j runs over all of Z^d
    with pytest.raises(RuleError, match="not finite"):
        linearity(Sigma(("i", "j"), Prod((Atom("a", i + j), Atom("b", i + j)))))
    with pytest.raises(RuleError, match="capture"):
        # pulling Σ_i out of the product would bind the i of b(i)
        linearity(Prod((Sigma(("i",), Atom("a", i)), Atom("b", i))))
    with pytest.raises(RuleError, match="bound twice"):
        linearity(Sigma(("i",), Sigma(("i",), Prod((Atom("a", i), Atom("b", x - i))))))


def test_is_finite_is_the_rank_condition() -> None:
    assert is_finite(mono(Atom("a", i), Atom("b", x - i)))
    assert is_finite(mono(Atom("a", i + j), Atom("b", i - j), variables=("i", "j")))
    assert not is_finite(mono(Atom("a", i + j), Atom("b", x + i + j), variables=("i", "j")))
    assert not is_finite(mono(Atom("a", x)))
    assert is_finite(mono(Atom("a", x), variables=()))


# --- re-indexing --------------------------------------------------------------------------

CONV = LinearForm((mono(Atom("a", i), Atom("b", x - i)),))


@pytest.mark.parametrize("image", [x - i, i + Index.constant((3,)), -i, x + Index.constant((-2,)) - i])
def test_reindex_by_a_bijection_keeps_the_value(image: Index) -> None:
    after = reindex(CONV, 0, "i", "k", image)
    assert after != CONV
    assert values_agree(CONV, after, symbolic_env(a=(3,), b=(2,)), POINTS_1D)


@pytest.mark.parametrize(("image", "message"), [
    (i.scaled(2), "coefficient 2"),       # i -> 2i misses the odd integers
    (x, "coefficient 0"),                 # i -> x is constant in i
    (i.scaled(-3) + x, "coefficient -3"),
])
def test_reindex_refuses_non_bijections(image: Index, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        reindex(CONV, 0, "i", "k", image)


def test_reindex_refuses_bad_variables() -> None:
    with pytest.raises(RuleError, match="not a summation variable"):
        reindex(CONV, 0, "x", "k", x - i)
    with pytest.raises(RuleError, match="not a fresh variable"):
        reindex(CONV, 0, "i", "x", x - i)
    two = LinearForm((mono(Atom("a", i), Atom("b", j), Atom("c", x - i - j), variables=("i", "j")),))
    with pytest.raises(RuleError, match="not a fresh variable"):
        reindex(two, 0, "i", "j", x - i)
    with pytest.raises(RuleError, match="no term number"):
        reindex(CONV, 3, "i", "k", x - i)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([1, -1]), st.integers(-3, 3), st.sampled_from([1, -1]), st.integers(-2, 2))
def test_reindex_property_on_double_sums(c1: int, k1: int, c2: int, k2: int) -> None:
    form = LinearForm((mono(Atom("a", j), Atom("b", i - j), Atom("c", x - i), variables=("i", "j")),))
    step1 = reindex(form, 0, "i", "u", i.scaled(c1) + j.scaled(c2) + Index.constant((k1,)))
    step2 = reindex(step1, 0, "j", "v", j.scaled(c2) + Index.var("u") + Index.constant((k2,)))
    env = symbolic_env(a=(2,), b=(3,), c=(2,))
    assert values_agree(form, step1, env, POINTS_1D)
    assert values_agree(form, step2, env, POINTS_1D)


# --- exchange, rename, order ----------------------------------------------------------------

DOUBLE = LinearForm((mono(Atom("a", j), Atom("b", i - j), Atom("c", x - i), variables=("i", "j")),))


def test_exchange_of_finite_sums() -> None:
    after = exchange(DOUBLE, 0, ("j", "i"))
    assert after.monomials[0].variables == ("j", "i")
    assert values_agree(DOUBLE, after, symbolic_env(a=(2,), b=(2,), c=(3,)), POINTS_1D)


def test_exchange_refusals() -> None:
    with pytest.raises(RuleError, match="not a reordering"):
        exchange(DOUBLE, 0, ("i", "k"))
    with pytest.raises(RuleError, match="not a reordering"):
        exchange(DOUBLE, 0, ("i",))
    # Σ_i Σ_j a(i + j): the summand is constant along i = -j, the double sum diverges
    infinite = LinearForm((mono(Atom("a", i + j), variables=("i", "j")),))
    with pytest.raises(RuleError, match="not finite"):
        exchange(infinite, 0, ("j", "i"))


def test_rename_bound_variables() -> None:
    after = rename(DOUBLE, 0, {"i": "j", "j": "i"})
    assert after.monomials[0].atoms == (Atom("a", i), Atom("b", j - i), Atom("c", x - j))
    assert values_agree(DOUBLE, after, symbolic_env(a=(2,), b=(2,), c=(3,)), POINTS_1D)
    with pytest.raises(RuleError, match="captures"):
        rename(DOUBLE, 0, {"i": "j"})  # j is still bound
    with pytest.raises(RuleError, match="captures"):
        rename(DOUBLE, 0, {"i": "x"})  # x is free
    with pytest.raises(RuleError, match="only bound"):
        rename(DOUBLE, 0, {"x": "k"})


def test_order_collects_like_terms_and_sorts_factors() -> None:
    a_b = mono(Atom("b", x - i), Atom("a", i), coef=Fraction(2))
    b_a = mono(Atom("a", i), Atom("b", x - i), coef=Fraction(-2))
    assert order(LinearForm((a_b, b_a))) == LinearForm(())
    ordered = order(LinearForm((a_b,)))
    assert ordered.monomials[0].atoms == (Atom("a", i), Atom("b", x - i))
    # different bound-variable names are not merged by 'order' (that is rename's job)
    other = mono(Atom("a", j), Atom("b", x - j), variables=("j",))
    assert len(order(LinearForm((a_b, other))).monomials) == 2


def test_constants_fold_into_coefficients() -> None:
    form = linearity(Prod((Const(Fraction(3)), Atom("a", x), Const(Fraction(1, 2)))))
    assert form == LinearForm((Monomial(Fraction(3, 2), (), (Atom("a", x),)),))


# --- the evaluator against peers ------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(kernel_and_image(1, max_kernel=4, max_image=5), st.sampled_from(["conv", "corr"]))
def test_evaluator_matches_scipy_signal(pair: tuple[np.ndarray, np.ndarray], op: str) -> None:
    kernel, image = pair
    env = {"F": Signal.literal(kernel.tolist(), origin=(0,)),
           "I": Signal.literal(image.tolist(), origin=(0,))}
    term = unfold(side(f"{op}(F, I)"))
    tables = tabulate(env)
    if op == "conv":  # conv(F, I)(x) for x = 0 .. len(F) + len(I) - 2
        peer = scipy.signal.convolve(image, kernel, method="direct")
        points = range(len(peer))
    else:  # scipy's full correlation starts at x = -(len(F) - 1)
        peer = scipy.signal.correlate(image, kernel, method="direct")
        points = range(-(len(kernel) - 1), len(image))
    got = [evaluate_at(term, tables, {"x": (p,)}, 1).constant_value() for p in points]
    assert got == list(peer)


@settings(max_examples=20, deadline=None)
@given(int_arrays(2, max_side=3))
def test_evaluator_sum_matches_numpy(array: np.ndarray) -> None:
    tables = tabulate({"F": Signal.literal(array.tolist(), origin=(-1, 2))})
    assert evaluate_at(unfold(side("sum(F)")), tables, {}, 2).constant_value() == array.sum()


def test_evaluator_refuses_unbounded_sums() -> None:
    tables = tabulate(symbolic_env(a=(3,)))
    with pytest.raises(EvaluationError, match="cannot bound"):
        evaluate_at(LinearForm((mono(Atom("a", i + j), variables=("i", "j")),)), tables, {}, 1)


def test_a_non_bijective_substitution_would_change_the_value() -> None:
    # Σ_i a(2i) sees only the even samples: the refusal in reindex guards a real error.
    tables = tabulate({"a": Signal.symbolic("a", (4,), origin=(0,))})
    whole = evaluate_at(LinearForm((mono(Atom("a", i)),)), tables, {}, 1)
    even = evaluate_at(LinearForm((mono(Atom("a", i.scaled(2))),)), tables, {}, 1)
    assert len(whole.terms) == 4 and len(even.terms) == 2 and whole != even


# --- concrete entries, signed permutations of the axes, trace (Z^d) ---------------------------

def plane_side(text: str, ndim: int = 2, literals: dict[str, Any] | None = None) -> DslSide:
    from symconv.prove.rules import is_scalar

    node = parse_statement(f"{text} == {text}").left
    entries = tuple((name, tuple(sorted((c, Fraction(v)) for c, v in values.items() if v)))
                    for name, values in sorted((literals or {}).items()))
    return DslSide(node, signal=not is_scalar(node), ndim=ndim, literals=entries)


def test_unfold_under_a_signed_permutation_and_trace_match_ops() -> None:
    """flip(·, k) and transpose around conv/corr (k = σ(j) in the sum), trace(a @ b), and a
    signal with concrete entries unfold to the values ops computes."""
    env = symbolic_env(F=(2, 3), G=(3, 2), I=(2, 2))
    values = [[Fraction(1), Fraction(0)], [Fraction(-2), Fraction(3, 2)]]
    env["K"] = Signal(np.array([[Polynomial.from_number(v) for v in row] for row in values],
                               dtype=object), (0, -1))
    literal = {"K": {(r, c - 1): values[r][c] for r in range(2) for c in range(2)}}
    tables = tabulate(env)
    points = [(a, b) for a in range(-5, 6) for b in range(-5, 6)]
    for text, expected in [
        ("flip(conv(F, I), 0)", ops.flip(ops.conv(env["F"], env["I"]), 0)),
        ("transpose(corr(F, G))", ops.transpose(ops.corr(env["F"], env["G"]))),
        ("flip(transpose(conv(F, flip(G, 1))), 1)",
         ops.flip(ops.transpose(ops.conv(env["F"], ops.flip(env["G"], 1))), 1)),
        ("conv(K, I)", ops.conv(env["K"], env["I"])),
        ("transpose(corr(flip(K, 0), F))", ops.transpose(ops.corr(ops.flip(env["K"], 0), env["F"]))),
    ]:
        term = unfold(plane_side(text, literals=literal))
        for p in points:
            assert evaluate_at(term, tables, {"x": p}, 2) == expected.value_at(p), (text, p)
    for text, value in [("trace(F @ G)", ops.trace(ops.matmul(env["F"], env["G"]))),
                        ("trace(transpose(F) @ flip(G))",
                         ops.trace(ops.matmul(ops.transpose(env["F"]), ops.flip(env["G"])))),
                        ("sum(K)", sum(literal["K"].values()))]:
        got = evaluate_at(unfold(plane_side(text, literals=literal)), tables, {}, 2)
        assert got == Polynomial.from_number(value) if isinstance(value, Fraction) \
            else got == value, text


@pytest.mark.parametrize("text", ["trace(F)", "trace(F + G)", "F @ G", "trace(flip(F @ G))"])
def test_trace_is_unfolded_only_of_a_matrix_product(text: str) -> None:
    with pytest.raises(NotApplicableError):
        unfold(plane_side(text))


def test_fix_sums_an_indicator_and_keeps_the_value() -> None:
    from symconv.prove.rules import fix, fix_one

    point = Index.var("i") - Index.constant((1, -1))
    before = LinearForm((Monomial(ONE, ("i",), (Atom("I", x - i),), points=(point,)),))
    after = fix(before, ((0, "i"),))
    assert after.text() == "I(x + (-1, 1))" and after == fix_one(before, 0, "i")
    env = symbolic_env(I=(3, 2))
    points2: list[tuple[int, ...]] = [(a, b) for a in range(-4, 4) for b in range(-4, 4)]
    assert values_agree(before, after, env, points2)
    with pytest.raises(RuleError, match="no indicator fixes"):
        fix_one(LinearForm((mono(Atom("I", x - i)),)), 0, "i")
    with pytest.raises(RuleError):
        fix_one(before, 0, "j")
    # a coefficient other than ±1 fixes nothing (2i = c has no integer solution for odd c)
    doubled = LinearForm((Monomial(ONE, ("i",), (Atom("I", i),), points=(i.scaled(2),)),))
    with pytest.raises(RuleError):
        fix_one(doubled, 0, "i")


def test_indicators_make_a_sum_finite() -> None:
    assert is_finite(Monomial(ONE, ("i",), (), points=(i,)))
    assert not is_finite(Monomial(ONE, ("i", "j"), (), points=(i - j,)))


@pytest.mark.parametrize("axes", [(2, 1), (1, -2), (-1, -2), (-2, 1)])
def test_permute_keeps_the_value_of_a_sum(axes: tuple[int, ...]) -> None:
    from symconv.prove.rules import permute

    env = symbolic_env(F=(2, 3), G=(3, 3))
    before = LinearForm((Monomial(ONE, ("i",), (Atom("F", i + Index.constant((1, 0))),
                                                 Atom("G", -i, (2, 1)))),))
    after = permute(before, 0, "i", axes, 2)
    tables = tabulate(env)
    assert evaluate_at(before, tables, {}, 2) == evaluate_at(after, tables, {}, 2)
    assert after != before
    assert all(not a.axes or a.axes[0] > 0 for a in after.monomials[0].atoms)  # one spelling


def test_permute_refuses_what_is_no_re_indexing() -> None:
    from symconv.prove.rules import can_permute, compose_axes, permute

    assert compose_axes((2, 1), (2, 1), 2) == ()
    assert compose_axes((1, -2), (2, 1), 2) == (2, -1)
    assert compose_axes((), (-1, 2), 2) == (-1, 2)
    # x − i mixes the free point with i: σ(i) would need σ(x) too
    mixed = LinearForm((mono(Atom("F", i), Atom("G", x - i)),))
    assert not can_permute(mixed.monomials[0], "i")
    with pytest.raises(RuleError):
        permute(mixed, 0, "i", (2, 1), 2)
    plain = LinearForm((mono(Atom("F", i)),))
    for bad in ((1, 1), (1, 3), (2,)):
        with pytest.raises(RuleError):
            permute(plain, 0, "i", bad, 2)


def test_permute_sums_needs_a_term_free_of_x() -> None:
    from symconv.prove.rules import permute_sums

    env = symbolic_env(a=(2, 3), b=(3, 3))
    two = LinearForm((Monomial(ONE, ("i", "j"), (Atom("a", j, (2, 1)),
                                                 Atom("b", i - j + Index.constant((0, 1))))),))
    after = permute_sums(two, 0, (2, -1), 2)
    tables = tabulate(env)
    assert evaluate_at(two, tables, {}, 2) == evaluate_at(after, tables, {}, 2) and after != two
    with pytest.raises(RuleError):
        permute_sums(LinearForm((mono(Atom("a", i), Atom("b", x - i)),)), 0, (2, 1), 2)
    with pytest.raises(RuleError):
        permute_sums(two, 0, (1, 1), 2)


def test_at_point_evaluates_the_other_factors_at_the_point() -> None:
    from symconv.prove.rules import at_point

    point = x - Index.constant((1, -1))
    before = LinearForm((Monomial(ONE, (), (Atom("I", -x, (2, 1)),), points=(point,)),))
    after = at_point(before, ((0, 0),))
    assert after.text() == "I∘(2, 1)((-1, 1))·[x + (-1, 1) = 0]"
    assert order(after).text() == "I((1, -1))·[x + (-1, 1) = 0]"
    env = symbolic_env(I=(3, 3))
    assert values_agree(before, after, env, [(a, b) for a in range(-3, 3) for b in range(-3, 3)])
    for bad in (((0, 1),), ((1, 0),)):
        with pytest.raises(RuleError):
            at_point(before, bad)
    summed = LinearForm((Monomial(ONE, ("i",), (Atom("I", i),), points=(x - i,)),))
    with pytest.raises(RuleError, match="does not fix"):
        at_point(summed, ((0, 0),))


# --- strides and dilations: downsample, upsample, divide -----------------------------------

def test_downsample_and_upsample_unfold_to_the_values_ops_computes() -> None:
    env = symbolic_env(F=(2, 3), I=(3, 2))
    tables = tabulate(env)
    points = [(a, b) for a in range(-7, 8) for b in range(-7, 8)]
    F, I = env["F"], env["I"]
    for text, expected in [
        ("downsample(F, 2, 2)", ops.downsample(F, 2, 2)),
        ("upsample(F, 3, 3)", ops.upsample(F, 3, 3)),
        ("downsample(corr(upsample(F, 2, 2), shift(I, 1, 1)), 3, 3)",
         ops.downsample(ops.corr(ops.upsample(F, 2, 2), ops.shift(I, 1, 1)), 3, 3)),
        # under one-axis flips and transposes the factor commutes with the permutation
        ("flip(upsample(transpose(F), 2, 2), 0)", ops.flip(ops.upsample(ops.transpose(F), 2, 2), 0)),
        ("transpose(downsample(flip(I, 1), 2, 2))",
         ops.transpose(ops.downsample(ops.flip(I, 1), 2, 2))),
    ]:
        term = unfold(plane_side(text))
        for p in points:
            assert evaluate_at(term, tables, {"x": p}, 2) == expected.value_at(p), (text, p)


def test_factors_that_differ_between_axes_are_not_unfolded() -> None:
    with pytest.raises(NotApplicableError, match="differ between axes"):
        unfold(plane_side("upsample(F, 2, 1)"))


def test_divide_by_the_common_factor_of_an_indicator() -> None:
    from symconv.prove.rules import divide

    env = symbolic_env(a=(4,))
    # Σ_j a(j)·[2x − 2j = 0] = Σ_j a(j)·[x − j = 0]; with [2x − 2j − 1 = 0] the term is 0
    even = LinearForm((Monomial(ONE, ("j",), (Atom("a", j),), points=((x - j).scaled(2),)),))
    after = divide(even, 0)
    assert after.monomials[0].points == (x - j,)
    assert values_agree(even, after, env, POINTS_1D)
    odd = LinearForm((Monomial(ONE, ("j",), (Atom("a", j),),
                               points=((x - j).scaled(2) - Index.constant((1,)),)),))
    assert divide(odd, 0).monomials[0].coef == 0
    assert values_agree(odd, divide(odd, 0), env, POINTS_1D)
    with pytest.raises(RuleError, match="no indicator"):
        divide(after, 0)
    torus = LinearForm((Monomial(ONE, ("j",), (Atom("a", j),), torus=True,
                                 deltas=((x - j).scaled(2),)),))
    with pytest.raises(RuleError, match="congruence"):
        divide(torus, 0)


@given(st.lists(st.lists(st.integers(-6, 6), min_size=2, max_size=2), min_size=2, max_size=4),
       st.sampled_from([((1, 2), (0, 1)), ((2, 1), (1, 1)), ((0, -1), (1, 0)), ((1, 0), (3, 1))]))
def test_column_hnf_is_unimodular_and_does_not_depend_on_a_re_indexing(
        rows: list[list[int]], change: tuple[tuple[int, ...], ...]) -> None:
    from symconv.prove.rules import column_hnf

    h, u = column_hnf(rows, 2)
    assert abs(u[0][0] * u[1][1] - u[0][1] * u[1][0]) == 1
    assert h == [[sum(r[m] * u[m][j] for m in range(2)) for j in range(2)] for r in rows]
    # rows·V for a unimodular V: the same lattice of sums, so the same normal form
    moved = [[sum(r[m] * change[m][j] for m in range(2)) for j in range(2)] for r in rows]
    assert column_hnf(moved, 2)[0] == h


def test_lattice_re_indexes_every_sum_by_a_unimodular_matrix() -> None:
    from symconv.prove.rules import lattice

    env = symbolic_env(a=(7,), b=(6,), c=(2,))
    k = Index.var("k")
    # Σ_{i,k} a(2i − 4k)·c(k)·b(2i) with i = 2j + l, k = j (j = k, l = i − 2k)
    before = LinearForm((Monomial(ONE, ("i", "k"), (Atom("a", i.scaled(2) - k.scaled(4)),
                                                      Atom("c", k), Atom("b", i.scaled(2)))),))
    after = lattice(before, 0, ("j", "l"), ((2, 1), (1, 0)), ((0, 1), (1, -2)), (Index(), Index()))
    assert after.text() == "Σ_{j,l∈Z^d} a(2l)·c(j)·b(4j + 2l)"
    assert values_agree(before, after, env, [(0,)])
    # a shift by the free point and a constant is a bijection too
    with_x = LinearForm((replace_atoms(before, x),))
    shifted = lattice(with_x, 0, ("j", "l"), ((1, 0), (0, 1)), ((1, 0), (0, 1)),
                      (x, Index.constant((1,))))
    assert values_agree(with_x, shifted, env, POINTS_1D)
    with pytest.raises(RuleError, match="not unimodular"):  # det 2: not a bijection of Z^2
        lattice(before, 0, ("j", "l"), ((2, 0), (0, 1)), ((1, 0), (0, 1)), (Index(), Index()))
    with pytest.raises(RuleError, match="captures"):
        lattice(before, 0, ("j", "l"), ((1, 0), (0, 1)), ((1, 0), (0, 1)),
                (Index.var("l"), Index()))


def replace_atoms(form: LinearForm, point: Index) -> Monomial:
    """The term of ``form`` with x free in it (a factor a(x) that the shift moves too)."""
    mono = form.monomials[0]
    return Monomial(mono.coef, mono.variables, (*mono.atoms, Atom("a", point)))


# --- box indicators in one spelling (crops under flips, transposes and shifts) -----------------

_SYMBOLS = ("n_I1", "n_I2", "o_I1", "o_I2")
affine_forms = st.dictionaries(st.sampled_from((*_SYMBOLS, "1")), st.integers(-3, 3)).map(
    lambda form: {v: c for v, c in form.items() if c})
signed_permutations = st.permutations([1, 2]).flatmap(
    lambda perm: st.tuples(*(st.sampled_from((t, -t)) for t in perm)))


def _value(form: dict[str, int], symbols: dict[str, int]) -> int:
    return sum(c * (1 if v == "1" else symbols[v]) for v, c in form.items())


def _inside(atom: Atom, symbols: dict[str, int], point: tuple[int, ...]) -> bool:
    """𝟙_B(σ(L)) at concrete sizes and a concrete value of L's variables (x = point)."""
    index = atom.apply(atom.index.at({"x": point, "i": (1, -2)}, 2))
    return all(_value(lo, symbols) <= q <= _value(hi, symbols)
               for q, (lo, hi) in zip(index, indicator_box(atom.signal), strict=True))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(affine_forms, affine_forms), min_size=2, max_size=2),
       st.sampled_from([(("x", 1),), (("x", -1),), (("i", -1), ("x", 1)), (("i", 1), ("x", -1))]),
       st.tuples(st.integers(-2, 2), st.integers(-2, 2)), signed_permutations,
       st.fixed_dictionaries({s: st.integers(-3, 4) for s in _SYMBOLS}),
       st.tuples(st.integers(-6, 6), st.integers(-6, 6)))
def test_an_indicator_in_one_spelling_is_the_same_function(
        box: list[tuple[dict[str, int], dict[str, int]]], coeffs: tuple[tuple[str, int], ...],
        const: tuple[int, int], axes: tuple[int, ...], symbols: dict[str, int],
        point: tuple[int, int]) -> None:
    index = Index(coeffs, const if any(const) else ())
    written = Atom(indicator_name(box), index, axes)
    spelled = indicator_atom(box, index, axes)
    assert _inside(written, symbols, point) == _inside(spelled, symbols, point)
    # one spelling: no axes, no constant, the first coefficient positive, and a fixed point
    assert not spelled.axes and not spelled.index.const and spelled.index.coeffs[0][1] > 0
    assert normal_indicator(spelled) == spelled
    assert normal_indicator(Atom(spelled.signal, -spelled.index)) == normal_indicator(
        Atom(indicator_name([(_neg(hi), _neg(lo)) for lo, hi in indicator_box(spelled.signal)]),
             spelled.index))


def _neg(form: dict[str, int]) -> dict[str, int]:
    return {v: -c for v, c in form.items()}


@pytest.mark.parametrize("name", ["𝟙[o_I1..n_I1 + o_I1 − 1]", "𝟙[3o_W1 − 2..0 × −n_I2..n_I2]"])
def test_a_box_name_reads_back_as_its_box(name: str) -> None:
    assert indicator_name(indicator_box(name)) == name


@pytest.mark.parametrize("name", ["𝟙[o_I1..n_I1 + + 1]", "𝟙[o_I1 n_I1..1]", "𝟙[1..2 ×]"])
def test_a_malformed_box_name_is_refused(name: str) -> None:
    with pytest.raises(RuleError):
        indicator_box(name)


def test_a_crop_under_a_flip_is_the_crop_of_the_flipped_box() -> None:
    boxes = (("F", (((("o_F1", 1),), (("n_F1", 1),)), ((("o_F2", 1),), (("n_F2", 1),)))),
             ("I", (((("o_I1", 1),), (("n_I1", 1),)), ((("o_I2", 1),), (("n_I2", 1),)))))
    def unfolded(text: str) -> LinearForm:
        return linearity(unfold(DslSide(parse_statement(f"{text} == {text}").left, True, ndim=2,
                                        boxes=boxes)))
    flipped = unfolded('flip(conv(F, I, mode="same"), 0)')
    direct = unfolded('conv(flip(F, 0), flip(I, 0), mode="same")')
    [left], [right] = flipped.monomials, direct.monomials
    assert [a for a in left.atoms if is_indicator(a.signal)] == \
        [a for a in right.atoms if is_indicator(a.signal)]
    # the image of a boundary under flips and shifts is the signal's extension, moved
    extended = unfolded('conv(F, flip(shift(I, 1, 0), 1), mode="same", boundary="wrap")')
    [image] = [a for a in extended.monomials[0].atoms if a.signal == "I⟨wrap⟩"]
    assert image.axes == (1, -2) and image.index.const == (-1, 0)
    # the extension of an expression other than a moved signal: one atom named by its text
    opaque = unfolded('conv(F, flip(conv(F, I)), mode="same", boundary="wrap")')
    assert "[conv(F, I)]⟨wrap⟩" in {a.signal for a in opaque.monomials[0].atoms}


# --- a box indicator absorbed by a signal factor whose box implies it ------------------------

_I_BOX = (("I", (((("o_I1", 1),), (("n_I1", 1),)), ((("o_I2", 1),), (("n_I2", 1),)))),)
_ABSORB_BOXES = (("F", (((("o_F1", 1),), (("n_F1", 1),)), ((("o_F2", 1),), (("n_F2", 1),)))), *_I_BOX)


def _unfolded(text: str) -> LinearForm:
    return linearity(unfold(DslSide(parse_statement(f"{text} == {text}").left, not text.startswith(
        ("frobenius", "sum")), ndim=2, real=frozenset({"F", "I"}), boxes=_ABSORB_BOXES)))


@pytest.mark.parametrize(("text", "absorbed"), [
    ('frobenius(corr(F, I, mode="same"), I)', True),  # B is I's box
    ('frobenius(corr(F, I + shift(I, 0, 1), mode="same"), conj(I))', True),  # B one longer on axis 2
    ('frobenius(corr(F, I + shift(I, 0, 1), mode="same"), shift(I, 0, 1))', True),
    ('frobenius(corr(F, I, mode="same"), shift(I, 0, 1))', False),  # a shift by one leaves B
    ('frobenius(corr(F, I, mode="same"), F)', False),  # F's box lies in I's for some origins only
    ('frobenius(corr(F, I, mode="same"), flip(I))', False),
    ('frobenius(corr(F, I, mode="same", boundary="reflect"), I)', True),
    ('corr(F, I, mode="same", boundary="reflect")', False),  # beside F(i) and I⟨reflect⟩ only
    ('corr(F, I, mode="same")', False),  # I(x + i) bounds x + i, not x
])
def test_absorb_drops_the_indicator_a_signals_box_implies(text: str, absorbed: bool) -> None:
    from symconv.prove.rules import absorb

    form = _unfolded(text)
    assert any(is_indicator(a.signal) for m in form.monomials for a in m.atoms)
    if not absorbed:
        with pytest.raises(RuleError, match="no box of a signal implies"):
            absorb(form, 0, _ABSORB_BOXES)
        return
    after = absorb(form, 0, _ABSORB_BOXES)
    assert not any(is_indicator(a.signal) for a in after.monomials[0].atoms)
    assert [a for a in form.monomials[0].atoms if not is_indicator(a.signal)] == \
        list(after.monomials[0].atoms)
    # without I's box nothing bounds the faces
    with pytest.raises(RuleError):
        absorb(form, 0, _ABSORB_BOXES[:1])


_READS = st.tuples(st.sampled_from([(("x", 1),), (("x", -1),), (("i", 1), ("x", 1)), (("i", 1),)]),
                   st.tuples(st.integers(-1, 1), st.integers(-1, 1)), signed_permutations)
# a bound of B minus I's bound on that axis: in its size n, its origin o and a constant
_BOUND_OFFSETS = st.dictionaries(st.sampled_from(("n", "o", "1")), st.integers(-1, 2))


@settings(max_examples=200, deadline=None)
@given(_READS, st.one_of(st.none(), _READS),
       st.lists(st.tuples(_BOUND_OFFSETS, _BOUND_OFFSETS), min_size=2, max_size=2),
       st.sampled_from(["I", "I*", "I⟨wrap⟩"]),
       st.fixed_dictionaries({s: st.integers(1, 3) if s.startswith("n") else st.integers(-2, 2)
                              for s in _SYMBOLS}))
def test_an_absorbed_indicator_is_1_wherever_the_signal_may_be_nonzero(
        indicator_read: tuple[Any, ...], signal_read: tuple[Any, ...] | None,
        offsets: list[tuple[dict[str, int], dict[str, int]]], signal: str,
        symbols: dict[str, int]) -> None:
    """𝟙_B(y)·I(z) = I(z) for every value of the variables: where the read point z lies in I's
    box (else I(z) = 0), y lies in B.  B is I's box with its bounds moved (outwards for
    positive offsets), z often y itself (``signal_read`` None), so that faces are implied."""
    from symconv.prove.rules import absorbing_signals

    box = []
    for a, (low, high) in enumerate(offsets, 1):
        low, high = ({f"{v}_I{a}" if v != "1" else v: c for v, c in moved.items()} for moved in (low, high))
        box.append((_sum({f"o_I{a}": 1}, low, -1), _sum({f"o_I{a}": 1, f"n_I{a}": 1, "1": -1}, high)))
    coeffs, const, axes = indicator_read
    indicator = Atom(indicator_name(box), Index(coeffs, const if any(const) else ()), axes)
    coeffs, const, axes = signal_read or indicator_read
    read = Atom(signal, Index(coeffs, const if any(const) else ()), axes)
    if not absorbing_signals(Monomial(ONE, ("i",), (indicator, read)), _I_BOX):
        return
    assert signal != "I⟨wrap⟩"  # an extension is not 0 off the box
    for x_value in itertools.product(range(-4, 5), repeat=2):
        for i_value in [(0, 0), (1, -2), (-2, 1)]:
            values = {"x": x_value, "i": i_value}
            z = read.apply(read.index.at(values, 2))
            in_box = all(symbols[f"o_I{a}"] <= q < symbols[f"o_I{a}"] + symbols[f"n_I{a}"]
                         for a, q in enumerate(z, 1))
            y = indicator.apply(indicator.index.at(values, 2))
            assert not in_box or all(_value(lo, symbols) <= q <= _value(hi, symbols)
                                     for q, (lo, hi) in zip(y, box, strict=True))


def _sum(a: dict[str, int], b: dict[str, int], k: int = 1) -> dict[str, int]:
    total = {v: a.get(v, 0) + k * b.get(v, 0) for v in {*a, *b}}
    return {v: c for v, c in total.items() if c}


def test_numeric_period_makes_each_power_of_n_a_number() -> None:
    """On Z_N^d with N = (2, 3): N·f(x) is 6·f(x) and (1/2)·N·n_2·g(x) (n_2: size(g, 1)) is
    9·g(x); no period of another dimension, none below 1."""
    f_at_x = Atom("f", x, ())
    form = LinearForm((Monomial(ONE, (), (f_at_x,), npow=1),
                       Monomial(Fraction(1, 2), (), (Atom("g", x, ()),), npow=1, axis_powers=(0, 1))))
    assert numeric_period(form, (2, 3)) == order(LinearForm((
        Monomial(Fraction(6), (), (f_at_x,)), Monomial(Fraction(9), (), (Atom("g", x, ()),)))))
    for bad in ((2,), (2, 0), ()):
        with pytest.raises(RuleError):
            numeric_period(form, bad)
