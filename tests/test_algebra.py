"""The canonical polynomial form decides equality: true identities hold, false ones fail."""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.polys.domains import QQ, ZZ

from symconv.core.algebra import (
    Polynomial,
    complex_generator,
    conjugate_generator,
    polynomial_sum,
    real_generator,
)
from tests.reference_eval import polynomial_from_expr

X = [Polynomial.from_generator(real_generator("x", (i,))) for i in range(4)]


@st.composite
def polynomials(draw: st.DrawFn) -> Polynomial:
    """Random small polynomials in x0..x3 built by ring operations."""
    p = Polynomial.from_number(draw(st.integers(-3, 3)))
    for _ in range(draw(st.integers(0, 4))):
        term = Polynomial.from_number(Fraction(draw(st.integers(-4, 4)), draw(st.integers(1, 3))))
        for _ in range(draw(st.integers(0, 3))):
            term = term * X[draw(st.integers(0, 3))]
        p = p + term
    return p


@settings(max_examples=100, deadline=None)
@given(polynomials(), polynomials(), polynomials())
def test_ring_axioms_hold_exactly(a: Polynomial, b: Polynomial, c: Polynomial) -> None:
    assert a + b == b + a
    assert a * b == b * a
    assert a * (b + c) == a * b + a * c
    assert (a * b) * c == a * (b * c)
    assert a - a == 0


@settings(max_examples=100, deadline=None)
@given(polynomials(), polynomials())
def test_equality_agrees_with_sympy_poly_canonical_form(a: Polynomial, b: Polynomial) -> None:
    """Peer: sympy.Poly's canonical form of the same expressions."""
    ours = a * b + a == b * a + b
    gens = sorted({g for p in (a, b) for g in p.as_expr().atoms(sympy.Indexed)}, key=str) or [
        sympy.Symbol("t")]
    left = sympy.Poly(a.as_expr() * b.as_expr() + a.as_expr(), *gens, domain=QQ)
    right = sympy.Poly(b.as_expr() * a.as_expr() + b.as_expr(), *gens, domain=QQ)
    assert ours == (left == right)


@settings(max_examples=60, deadline=None)
@given(polynomials())
def test_expr_round_trip(a: Polynomial) -> None:
    assert polynomial_from_expr(a.as_expr()) == a


def test_false_identities_are_unequal() -> None:
    x, y = X[0], X[1]
    assert (x + y) ** 2 != x * x + y * y
    assert (x + y) * (x - y) == x * x - y * y
    assert x * y != y * y
    assert x / 2 != x / 3
    assert x + 1 != x


def test_rational_and_integer_domains_compare_exactly() -> None:
    x = X[0]
    half = x / 2
    assert half.domain == QQ and x.domain == ZZ
    assert half * 2 == x
    assert half + half == x


def test_conjugation_swaps_complex_generators_only() -> None:
    z = Polynomial.from_generator(complex_generator("z", (0,)))
    r = X[0]
    assert z.conjugate() != z
    assert z.conjugate().conjugate() == z
    assert (z * r).conjugate() == z.conjugate() * r
    assert conjugate_generator(real_generator("x", (0,))) == real_generator("x", (0,))


def test_evaluation_exact() -> None:
    x, y = X[0], X[1]
    p = (x + y) ** 3 / 3 - x * y
    values = {real_generator("x", (0,)): 2, real_generator("x", (1,)): 5}
    assert p.evaluate(values) == QQ(343, 3) - 10


def test_polynomial_sum_is_the_sum() -> None:
    assert polynomial_sum(X) == X[0] + X[1] + X[2] + X[3]
    assert polynomial_sum([]) == 0


def test_polynomial_sum_widens_from_one_cyclotomic_field_to_another() -> None:
    from symconv.core.cyclotomic import cyclotomic_field

    x0 = (real_generator("x", (0,)),)
    a = Polynomial({x0: cyclotomic_field(4).zeta_power(1)}, cyclotomic_field(4))  # i x0
    b = Polynomial({x0: cyclotomic_field(5).zeta_power(1)}, cyclotomic_field(5))  # ζ_5 x0
    total = polynomial_sum([a, b, a])
    assert total.domain == cyclotomic_field(20)
    assert total == a + b + a
    assert total != a + b
