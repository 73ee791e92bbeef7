"""Cyclotomic fields: canonical forms, products, conjugation, unification, embeddings."""

from __future__ import annotations

import cmath
import math
import pickle

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.polys.domains import QQ
from sympy.polys.polyclasses import ANP

from symconv.core.algebra import Polynomial, real_generator
from symconv.core.cyclotomic import cyclotomic_field, euler_phi, field_order, power_reductions
from symconv.errors import ShapeError, SizeLimitError

ORDERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 24]

elements = st.dictionaries(st.integers(0, 47), st.integers(-4, 4), max_size=4)


def value(K, a) -> complex:  # type: ignore[no-untyped-def]
    return sum(float(c) * cmath.exp(2j * cmath.pi * j / K.order)
               for j, c in enumerate(K.zeta_coefficients(a)))


@pytest.mark.parametrize("n", ORDERS)
def test_generator_is_exp_2pi_i_over_n_and_degree_is_phi(n: int) -> None:
    K = cyclotomic_field(n)
    assert K.degree == euler_phi(n)
    for t in range(2 * n):
        assert abs(value(K, K.zeta_power(t)) - cmath.exp(2j * cmath.pi * t / n)) < 1e-9
        assert abs(value(K, K.omega_power(t)) - cmath.exp(-2j * cmath.pi * t / n)) < 1e-9


@pytest.mark.parametrize("n", [3, 5, 12, 16])
def test_the_given_modulus_is_sympys_minimal_polynomial_of_the_root(n: int) -> None:
    # the field is built with Φ_n as the root's minimal polynomial, not derived again
    x = sympy.Symbol("x")
    derived = sympy.minimal_polynomial(sympy.exp(2 * sympy.pi * sympy.I / n), x, polys=True)
    assert cyclotomic_field(n).mod.to_list() == derived.rep.to_list()


@pytest.mark.parametrize("n", ORDERS)
def test_powers_cycle_and_differ(n: int) -> None:
    K = cyclotomic_field(n)
    assert K.zeta_power(n) == K.one
    distinct = {K.zeta_power(t) for t in range(n)}
    assert len(distinct) == n  # ζ is a primitive n-th root: no two powers coincide


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ORDERS), elements, elements)
def test_fast_product_agrees_with_sympy_and_numbers(n: int, a: dict, b: dict) -> None:
    K = cyclotomic_field(n)
    x = K.from_zeta_exponents({e: QQ(c) for e, c in a.items()})
    y = K.from_zeta_exponents({e: QQ(c) for e, c in b.items()})
    product = x * y
    assert product == ANP.mul(x, y)
    assert hash(product) == hash(ANP.mul(x, y))
    assert abs(value(K, product) - value(K, x) * value(K, y)) < 1e-6


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ORDERS), elements)
def test_conjugation_is_complex_conjugate(n: int, a: dict) -> None:
    K = cyclotomic_field(n)
    x = K.from_zeta_exponents({e: QQ(c) for e, c in a.items()})
    assert abs(value(K, K.conjugate_element(x)) - value(K, x).conjugate()) < 1e-9
    assert K.conjugate_element(K.conjugate_element(x)) == x


def test_non_trivial_relations_are_decided() -> None:
    # 1 + ζ + ... + ζ^(p-1) = 0 for a prime p, though no single term cancels.
    K = cyclotomic_field(7)
    assert K.from_zeta_exponents({t: QQ.one for t in range(7)}) == K.zero
    assert K.from_zeta_exponents({t: QQ.one for t in range(6)}) != K.zero
    # ζ_8^2 = i = ζ_4 once both are embedded in Q(ζ_8).
    K8, K4 = cyclotomic_field(8), cyclotomic_field(4)
    assert K8.convert_from(K4.zeta_power(1), K4) == K8.zeta_power(2)
    assert K8.convert_from(K4.zeta_power(1), K4) != K8.zeta_power(6)


def test_unify_picks_the_lcm_field_and_embeds_exactly() -> None:
    K4, K6 = cyclotomic_field(4), cyclotomic_field(6)
    assert K4.unify(K6).order == 12 and K6.unify(K4).order == 12
    assert QQ.unify(K4) == K4 and K4.unify(QQ) == K4
    i = Polynomial.constant(K4.zeta_power(1), K4)
    w = Polynomial.constant(K6.zeta_power(1), K6)
    assert (i * w).domain.order == 12
    assert i * w == Polynomial.constant(cyclotomic_field(12).zeta_power(5), cyclotomic_field(12))
    assert i * i == Polynomial.constant(-1)
    assert i * w != w * w


def test_polynomial_conjugate_uses_the_field_hook() -> None:
    K = cyclotomic_field(5)
    f = Polynomial.from_generator(real_generator("f", (0,)))
    p = f * Polynomial.constant(K.zeta_power(2), K)
    assert p.conjugate() == f * Polynomial.constant(K.zeta_power(3), K)
    assert p.conjugate() != p


def test_bad_order_is_a_one_line_error() -> None:
    with pytest.raises(ShapeError, match="cyclotomic order 0"):
        cyclotomic_field(0)


@pytest.mark.parametrize("n", [*ORDERS, 30, 105])  # Φ_105 has a coefficient -2
def test_power_reductions_are_the_fields_powers(n: int) -> None:
    """The table the packed arithmetic reduces with: ζ^t = Σ c ζ^j, j < φ(n), numerically
    and as field elements."""
    K = cyclotomic_field(n)
    table = power_reductions(n)
    assert len(table) == n
    for t, row in enumerate(table):
        assert all(0 <= j < euler_phi(n) for j, _ in row)
        reduced = sum(c * cmath.exp(2j * cmath.pi * j / n) for j, c in row)
        assert abs(reduced - cmath.exp(2j * cmath.pi * t / n)) < 1e-9
        assert K.from_zeta_exponents({j: QQ(c) for j, c in row}) == K.zeta_power(t)


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
    a = K.from_zeta_exponents({1: QQ(2), 5: QQ(-3, 7)})
    assert pickle.loads(pickle.dumps(a)) == a
    assert pickle.loads(pickle.dumps(a)) != K.from_zeta_exponents({1: QQ(2)})
    assert pickle.loads(pickle.dumps(K)) == K


@pytest.mark.parametrize("n", [5, 8, 12])
def test_shared_unit_powers_multiply_by_table(n: int) -> None:
    K = cyclotomic_field(n)
    units = [K.from_zeta_exponents({t: QQ(s)}) for t in range(n) for s in (1, -1)]
    for a in units:
        for b in units:
            assert a * b == ANP.mul(a, b)


def test_orders_beyond_the_limit_are_refused_up_front() -> None:
    from symconv.core.cyclotomic import MAX_CYCLOTOMIC_ORDER
    from symconv.errors import SizeLimitError

    with pytest.raises(SizeLimitError, match=str(MAX_CYCLOTOMIC_ORDER)):
        cyclotomic_field(MAX_CYCLOTOMIC_ORDER + 1)
