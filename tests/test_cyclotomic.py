"""Cyclotomic fields on FLINT: canonical forms, field axioms, conjugation, unification,
embeddings, checked against SymPy's minimal polynomial and numpy's complex numbers."""

from __future__ import annotations

import math
import pickle
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.polys.domains import QQ

from symconv.core.algebra import Polynomial, real_generator
from symconv.core.cyclotomic import (
    MAX_CYCLOTOMIC_ORDER,
    CyclotomicElement,
    CyclotomicField,
    cyclotomic_field,
    euler_phi,
    field_order,
    power_reductions,
)
from symconv.errors import NotSupportedError, ShapeError, SizeLimitError

ORDERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 24]
X = sympy.Symbol("x")

rationals = st.fractions(min_value=-3, max_value=3, max_denominator=4)
buckets = st.dictionaries(st.integers(-50, 50), rationals, max_size=5)


@st.composite
def elements_of(draw: st.DrawFn, field: CyclotomicField) -> CyclotomicElement:
    return field.from_zeta_exponents(draw(buckets))


@st.composite
def field_and_elements(draw: st.DrawFn, count: int) -> tuple[Any, ...]:
    field = cyclotomic_field(draw(st.sampled_from([*ORDERS, 30, 97])))
    return (field, *(draw(elements_of(field)) for _ in range(count)))


def value(field: CyclotomicField, a: CyclotomicElement) -> complex:
    """a at ζ = exp(2πi/n), evaluated by numpy from the coefficients alone."""
    coefficients = np.array([int(c.numerator) / int(c.denominator)
                             for c in field.zeta_coefficients(a)])
    return complex(np.dot(coefficients, np.exp(2j * np.pi * np.arange(field.degree) / field.order)))


def bucket_value(n: int, bucket: dict[int, Fraction]) -> complex:
    return complex(sum(float(c) * np.exp(2j * np.pi * e / n) for e, c in bucket.items()))


@pytest.mark.parametrize("n", [*ORDERS, 30, 97, 105])  # Φ_105 has a coefficient -2
def test_modulus_is_sympys_minimal_polynomial_of_exp_2pi_i_over_n(n: int) -> None:
    """The reduction is modulo the minimal polynomial of ζ = exp(2πi/n) itself, as SymPy
    computes it from the number (not from a cyclotomic-polynomial table)."""
    minimal = sympy.Poly(sympy.minimal_polynomial(sympy.exp(2 * sympy.pi * sympy.I / n), X), X)
    field = cyclotomic_field(n)
    assert [int(c) for c in field.modulus.coeffs()] == [int(c) for c in reversed(minimal.all_coeffs())]
    assert field.degree == minimal.degree() == euler_phi(n)


@pytest.mark.parametrize("n", ORDERS)
def test_generator_is_exp_2pi_i_over_n_and_omega_its_inverse(n: int) -> None:
    K = cyclotomic_field(n)
    for t in range(-n, 2 * n):
        assert abs(value(K, K.zeta_power(t)) - np.exp(2j * np.pi * t / n)) < 1e-9
        assert abs(value(K, K.omega_power(t)) - np.exp(-2j * np.pi * t / n)) < 1e-9
        assert abs(K.to_complex(K.zeta_power(t)) - np.exp(2j * np.pi * t / n)) < 1e-9


@pytest.mark.parametrize("n", [*ORDERS, 97])
def test_powers_cycle_and_differ(n: int) -> None:
    K = cyclotomic_field(n)
    assert K.zeta_power(n) == K.one and K.zeta_power(1) ** n == K.one
    distinct = {K.zeta_power(t) for t in range(n)}
    assert len(distinct) == n  # ζ is a primitive n-th root: no two powers coincide
    assert all(K.zeta_power(1) ** t != K.one for t in range(1, n))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([*ORDERS, 97]), st.integers(-300, 300), st.integers(-300, 300))
def test_zeta_powers_obey_the_exponent_laws(n: int, s: int, t: int) -> None:
    K = cyclotomic_field(n)
    zeta = K.zeta_power(1)
    assert zeta**t == K.zeta_power(t) == K.zeta_power(t + n)
    assert K.zeta_power(s) * K.zeta_power(t) == K.zeta_power(s + t)
    assert K.zeta_power(t) ** n == K.one
    assert K.omega_power(t) == K.zeta_power(-t)


@settings(max_examples=80, deadline=None)
@given(field_and_elements(3))
def test_field_axioms(case: tuple[Any, ...]) -> None:
    K, a, b, c = case
    assert a + b == b + a and a * b == b * a
    assert (a + b) + c == a + (b + c) and (a * b) * c == a * (b * c)
    assert a * (b + c) == a * b + a * c
    assert a + K.zero == a and a * K.one == a and a * K.zero == K.zero
    assert a + (-a) == K.zero and a - b == a + (-b)
    if a:
        assert a * a.inverse() == K.one and (b / a) * a == b and a**-2 * a**2 == K.one
    else:
        with pytest.raises(ZeroDivisionError):
            a.inverse()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([*ORDERS, 30, 97]), buckets, buckets)
def test_products_agree_with_sympy_remainders_and_numpy(n: int, a: dict, b: dict) -> None:
    """Independent reference: SymPy's polynomial product and remainder modulo
    its own cyclotomic polynomial, and numpy's complex product of the values."""
    K = cyclotomic_field(n)
    x, y = K.from_zeta_exponents(a), K.from_zeta_exponents(b)
    phi = sympy.Poly(sympy.cyclotomic_poly(n, X), X, domain=sympy.QQ)

    def poly(bucket: dict[int, Fraction]) -> sympy.Poly:
        return sum((sympy.Poly(sympy.Rational(c.numerator, c.denominator) * X ** (e % n), X,
                               domain=sympy.QQ) for e, c in bucket.items()),
                   sympy.Poly(0, X, domain=sympy.QQ))

    for ours, theirs in ((x, poly(a)), (x * y, poly(a) * poly(b))):
        reference = theirs.rem(phi)
        expected = [Fraction(int(c.p), int(c.q)) for c in reversed(reference.all_coeffs())]
        got = [Fraction(int(c.numerator), int(c.denominator)) for c in K.zeta_coefficients(ours)]
        assert got[:len(expected)] == expected and not any(got[len(expected):])
    assert abs(value(K, x * y) - bucket_value(n, a) * bucket_value(n, b)) < 1e-6
    assert abs(value(K, x + y) - bucket_value(n, a) - bucket_value(n, b)) < 1e-9


@settings(max_examples=60, deadline=None)
@given(field_and_elements(2))
def test_conjugation_is_the_complex_conjugate_and_an_automorphism(case: tuple[Any, ...]) -> None:
    K, a, b = case
    conj = K.conjugate_element
    assert conj(K.zeta_power(1)) == K.zeta_power(1) ** -1 == K.zeta_power(K.order - 1)
    assert abs(value(K, conj(a)) - value(K, a).conjugate()) < 1e-9
    assert conj(conj(a)) == a
    assert conj(a * b) == conj(a) * conj(b) and conj(a + b) == conj(a) + conj(b)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([(4, 12), (3, 12), (8, 24), (5, 15), (2, 6), (1, 7)]), buckets, buckets)
def test_embedding_is_a_homomorphism_that_keeps_values(orders: tuple[int, int], a: dict,
                                                       b: dict) -> None:
    small, big = (cyclotomic_field(n) for n in orders)
    x, y = small.from_zeta_exponents(a), small.from_zeta_exponents(b)
    embed = big.convert  # ζ_m -> ζ_n^(n/m)
    assert embed(x * y) == embed(x) * embed(y) and embed(x + y) == embed(x) + embed(y)
    assert abs(value(big, embed(x)) - value(small, x)) < 1e-9


@pytest.mark.parametrize("n", [5, 8, 12, 97])
def test_products_of_tagged_powers_are_the_reduced_polynomial_products(n: int) -> None:
    """c·ζ^t times c'·ζ^t' goes through the power table; the general product agrees."""
    K = cyclotomic_field(n)
    units = [K.from_zeta_exponents({t: c}) for t in range(0, 2 * n, 3) for c in (1, -2)]
    for a in units:
        for b in units[::5]:
            assert a.unit is not None and b.unit is not None
            general = CyclotomicElement(K, a.poly) * CyclotomicElement(K, b.poly)
            assert general.unit is None and a * b == general and (a * b).unit is not None
            assert abs(value(K, a * b) - value(K, a) * value(K, b)) < 1e-9
    assert (units[1] + units[2]).unit is None  # a sum is no longer c·ζ^t


def test_a_field_rebuilt_after_the_cache_dropped_it_still_interoperates() -> None:
    cached, rebuilt = cyclotomic_field(8), CyclotomicField(8)
    assert rebuilt == cached and rebuilt.of_type(cached.zeta_power(1))
    assert rebuilt.zeta_power(3) * cached.zeta_power(5) == rebuilt.one
    assert rebuilt.zeta_power(1) + cached.zeta_power(1) == cached.zeta_power(1) * 2
    p = Polynomial.constant(rebuilt.zeta_power(2), rebuilt)
    assert p * Polynomial.constant(cached.zeta_power(2), cached) == Polynomial.constant(-1)


def test_non_trivial_relations_are_decided() -> None:
    # 1 + ζ + ... + ζ^(p-1) = 0 for a prime p, though no single term cancels.
    K = cyclotomic_field(7)
    assert K.from_zeta_exponents(dict.fromkeys(range(7), 1)) == K.zero
    assert K.from_zeta_exponents(dict.fromkeys(range(6), 1)) != K.zero
    # ζ_8^2 = i = ζ_4 once both are embedded in Q(ζ_8).
    K8, K4 = cyclotomic_field(8), cyclotomic_field(4)
    assert K8.convert_from(K4.zeta_power(1), K4) == K8.zeta_power(2)
    assert K8.convert_from(K4.zeta_power(1), K4) != K8.zeta_power(6)


def test_rationals_are_field_constants_with_the_same_hash() -> None:
    K = cyclotomic_field(12)
    for q in (0, 3, -2, Fraction(1, 2), QQ(-5, 3)):
        assert K.convert(q) == q and hash(K.convert(q)) == hash(q)
        assert K.zeta_power(1) + q - q == K.zeta_power(1)
    assert K.zeta_power(1) != 1 and K.zeta_power(3) * K.zeta_power(3) == -1
    assert (K.zeta_power(1) * Fraction(3, 2)) / Fraction(3, 2) == K.zeta_power(1)
    assert 1 / K.zeta_power(1) == K.zeta_power(-1) and 2 - K.one == 1


def test_elements_of_different_fields_do_not_mix_silently() -> None:
    K4, K8 = cyclotomic_field(4), cyclotomic_field(8)
    with pytest.raises(NotSupportedError, match="common field"):
        K4.zeta_power(1) + K8.zeta_power(2)
    with pytest.raises(NotSupportedError, match="common field"):
        assert K4.zeta_power(1) != K8.zeta_power(2)
    with pytest.raises(NotSupportedError, match="not a subfield"):
        K4.convert(K8.zeta_power(1))
    with pytest.raises(TypeError, match="not a rational"):
        K8.convert(0.5)
    with pytest.raises(ZeroDivisionError):
        K8.one / 0


def test_unify_picks_the_lcm_field_and_embeds_exactly() -> None:
    K4, K6 = cyclotomic_field(4), cyclotomic_field(6)
    assert K4.unify(K6).order == 12 and K6.unify(K4).order == 12
    assert K4.unify(QQ) == K4 and K4.unify(sympy.ZZ) == K4
    i = Polynomial.constant(K4.zeta_power(1), K4)
    w = Polynomial.constant(K6.zeta_power(1), K6)
    assert (i * w).domain.order == 12 and (i + 1).domain == K4 and (1 + i).domain == K4
    assert i * w == Polynomial.constant(cyclotomic_field(12).zeta_power(5), cyclotomic_field(12))
    assert i * i == Polynomial.constant(-1)
    assert i * w != w * w


def test_polynomial_conjugate_uses_the_field_hook() -> None:
    K = cyclotomic_field(5)
    f = Polynomial.from_generator(real_generator("f", (0,)))
    p = f * Polynomial.constant(K.zeta_power(2), K)
    assert p.conjugate() == f * Polynomial.constant(K.zeta_power(3), K)
    assert p.conjugate() != p


def test_display_names_the_root() -> None:
    K = cyclotomic_field(8)
    a = K.from_zeta_exponents({0: 1, 3: Fraction(-1, 2)})
    assert repr(a) == "1 - (1/2)*zeta8^3 in Q(zeta8), zeta8 = exp(2*pi*i/8)"
    expr = K.to_sympy(a)
    assert str(expr) == "1 - zeta8**3/2"
    assert abs(complex(sympy.N(expr)) - value(K, a)) < 1e-12


def test_bad_order_is_a_one_line_error() -> None:
    with pytest.raises(ShapeError, match="cyclotomic order 0"):
        cyclotomic_field(0)


@pytest.mark.parametrize("n", [*ORDERS, 30, 105])
def test_power_reductions_are_the_fields_powers(n: int) -> None:
    """The table the packed arithmetic reduces with: ζ^t = Σ c ζ^j, j < φ(n), numerically
    and as field elements."""
    K = cyclotomic_field(n)
    table = power_reductions(n)
    assert len(table) == n
    for t, row in enumerate(table):
        assert all(0 <= j < euler_phi(n) and isinstance(c, int) for j, c in row)
        reduced = sum(c * np.exp(2j * np.pi * j / n) for j, c in row)
        assert abs(reduced - np.exp(2j * np.pi * t / n)) < 1e-9
        assert K.from_zeta_exponents(dict(row)) == K.zeta_power(t)


def test_power_reductions_refuse_orders_beyond_the_limit() -> None:
    with pytest.raises(SizeLimitError, match="order 4096"):
        power_reductions(4096)


def test_field_order() -> None:
    assert field_order(QQ) == 1
    assert field_order(cyclotomic_field(12)) == 12
    assert field_order(QQ.algebraic_field(sympy.sqrt(2))) is None  # not cyclotomic


@pytest.mark.parametrize("n", [1, 2, 5, 12, 36, 97, 128])
def test_euler_phi(n: int) -> None:
    assert euler_phi(n) == sum(1 for k in range(1, n + 1) if math.gcd(k, n) == 1)


def test_fields_and_elements_pickle_by_value() -> None:
    K = cyclotomic_field(12)
    a = K.from_zeta_exponents({1: 2, 5: Fraction(-3, 7)})
    assert pickle.loads(pickle.dumps(a)) == a
    assert pickle.loads(pickle.dumps(a)) != K.from_zeta_exponents({1: 2})
    assert pickle.loads(pickle.dumps(K)) is K


def test_orders_beyond_the_limit_are_refused_up_front() -> None:
    with pytest.raises(SizeLimitError, match=str(MAX_CYCLOTOMIC_ORDER)):
        cyclotomic_field(MAX_CYCLOTOMIC_ORDER + 1)
