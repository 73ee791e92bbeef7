"""Cyclotomic fields Q(ζ_n) as SymPy domains: the exact coefficients of a DFT.

An element of Q(ζ_n), ζ = exp(2πi/n), is stored by SymPy as an ``ANP``: its
coefficients in the basis 1, ζ, ..., ζ^(φ(n)-1), i.e. the remainder modulo the
cyclotomic polynomial Φ_n.  That remainder is unique, so two elements are
equal iff their coefficient lists are equal -- a decision procedure, unlike
``simplify``.  :class:`CyclotomicField` adds to SymPy's algebraic field what a
DFT needs: powers of ζ built without polynomial division, complex conjugation
(ζ -> ζ^(n-1)), and unification of Q(ζ_m) with Q(ζ_n) into Q(ζ_lcm(m, n)).

>>> from symconv.core.cyclotomic import cyclotomic_field
>>> K = cyclotomic_field(8)
>>> K.zeta_power(2) * K.zeta_power(2) == K.convert(-1)
True
>>> K.conjugate_element(K.zeta_power(1)) == K.zeta_power(7)
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property, lru_cache
from typing import Any

from sympy import AlgebraicNumber, Dummy, I, Poly, cyclotomic_poly, exp, pi
from sympy.polys.domains import QQ
from sympy.polys.domains.algebraicfield import AlgebraicField
from sympy.polys.domains.domain import Domain
from sympy.polys.polyclasses import ANP, DMP

from symconv.errors import ShapeError, SizeLimitError


class CyclotomicField(AlgebraicField):
    """Q(ζ_n) with ζ = exp(2πi/n).

    Build instances with :func:`cyclotomic_field` (cached), not directly.
    """

    def __init__(self, n: int) -> None:
        # Elements of this field are instances of a per-field ANP subclass that
        # knows the field's power table (fast products); set before SymPy's
        # __init__ builds zero and one from it.
        self._element: type[CyclotomicElement] = type(
            f"Zeta{n}Element", (CyclotomicElement,), {"__slots__": (), "field": self})
        self.dtype = self._element
        # The root is given as exp(2πi/n) itself: SymPy's CRootOf index order
        # does not reliably pick it (index -1 of Φ_16 is exp(6πi/16)).  Its minimal
        # polynomial is Φ_n (irreducible over Q), given here so that SymPy does not
        # derive it again (up to 0.2 s per field).
        minpoly = Poly(cyclotomic_poly(n, Dummy("x")), domain=QQ)
        alpha = AlgebraicNumber((minpoly, exp(2 * pi * I / n)), alias=f"zeta{n}")
        super().__init__(QQ, alpha, alias=f"zeta{n}")
        self.order = n
        # Φ_n low-order first, monic: x^deg = -sum(low[j] x^j).
        low = list(reversed(self.mod.to_list()))
        self.degree = len(low) - 1
        self._powers = _reduced_powers(n, self.degree, low[:-1])
        self._zeros = [QQ.zero] * self.degree

    def __hash__(self) -> int:
        return hash(("CyclotomicField", self.order))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CyclotomicField):
            return self.order == other.order
        return super().__eq__(other)

    def __reduce__(self) -> tuple[Any, ...]:
        return cyclotomic_field, (self.order,)

    # --- elements ----------------------------------------------------------
    def zeta_power(self, t: int) -> Any:
        """ζ^t, reduced (t any integer)."""
        return self._element_from_dense(self._dense_power(t % self.order))

    def omega_power(self, t: int) -> Any:
        """ω^t with ω = exp(-2πi/n) = ζ^(n-1), the numpy DFT root."""
        return self.zeta_power(-t)

    def from_zeta_exponents(self, bucket: Mapping[int, Any]) -> Any:
        """The element Σ c ζ^e for ``bucket = {e: c}`` (rational c, any integer e)."""
        if len(bucket) == 1:
            ((e, c),) = bucket.items()
            return self._monomial(e % self.order, c)
        dense = [QQ.zero] * self.degree
        for e, c in bucket.items():
            if c:
                for j, r in self._powers[e % self.order]:
                    dense[j] += c * r
        return self._element_from_dense(dense)

    def product(self, a: Any, b: Any) -> Any:
        """a·b by the sparse exponent sums of their coefficients (SymPy divides dense lists)."""
        # DFT coefficients are mostly the shared ±ζ^t objects: multiply by table.
        units = self._unit_index
        unit_a, unit_b = units.get(id(a)), units.get(id(b))
        if unit_a is not None and unit_b is not None:
            t = (unit_a[0] + unit_b[0]) % self.order
            return self._unit_powers[t] if unit_a[1] == unit_b[1] else self._negated_unit_powers[t]
        rep_a, rep_b = a._rep.to_list(), b._rep.to_list()
        top_a, top_b = len(rep_a) - 1, len(rep_b) - 1
        # Why the shortcut: DFT coefficients are mostly c·ζ^j, stored as [c, 0, ..., 0].
        zeros = self._zeros  # list == tests identity first: a C-speed scan
        if rep_a[1:] == zeros[:top_a] and rep_b[1:] == zeros[:top_b]:
            if not rep_a or not rep_b:
                return self.zero
            return self._monomial((top_a + top_b) % self.order, rep_a[0] * rep_b[0])
        bucket: dict[int, Any] = {}
        low_a = [(top_a - i, c) for i, c in enumerate(rep_a) if c]
        for jb, cb in enumerate(rep_b):
            if cb:
                j = top_b - jb
                for i, ca in low_a:
                    bucket[i + j] = bucket[i + j] + ca * cb if i + j in bucket else ca * cb
        return self.from_zeta_exponents(bucket)

    def _monomial(self, t: int, c: Any) -> Any:
        """c·ζ^t for 0 <= t < n, built directly when ζ^t reduces to a single ±ζ^j."""
        # The common case in a DFT, c = ±1: share one immutable element per power
        # (ints and QQ elements both have numerator/denominator; cheaper than ==).
        if c.denominator == 1 and c.numerator in (1, -1):
            return self._unit_powers[t] if c.numerator == 1 else self._negated_unit_powers[t]
        if not c:
            return self.zero
        if isinstance(c, int):
            c = QQ(c)
        reduced = self._powers[t]
        if len(reduced) == 1 and reduced[0][1] in (1, -1):
            j, sign = reduced[0]
            rep = [c if sign == 1 else -c, *([QQ.zero] * j)]
            return self._element.new(DMP(rep, QQ, 0), self.mod, QQ)
        dense = [QQ.zero] * self.degree
        for j, r in reduced:
            dense[j] = c * r
        return self._element_from_dense(dense)

    def zeta_coefficients(self, a: Any) -> list[Any]:
        """Rational coefficients of ``a`` in the basis 1, ζ, ..., ζ^(deg-1)."""
        rep = list(reversed(a.rep))
        return rep + [QQ.zero] * (self.degree - len(rep))

    def zeta_exponents(self, a: Any) -> dict[int, Any]:
        """``a`` as ``{e: c}`` with Σ c ζ^e = a (the inverse of :meth:`from_zeta_exponents`)."""
        return {j: c for j, c in enumerate(self.zeta_coefficients(a)) if c}

    def as_omega_monomial(self, a: Any) -> tuple[Any, int] | None:
        """(q, t) with a = q·ω^t (rational q, 0 <= t < n), or None: for display only."""
        coefficients = tuple(self.zeta_coefficients(a))
        lead = next((c for c in coefficients if c), None)
        if lead is None:
            return None
        match = self._omega_directions.get(tuple(c / lead for c in coefficients))
        if match is None:
            return None
        t, power_lead = match
        return lead / power_lead, t

    @cached_property
    def _unit_powers(self) -> tuple[Any, ...]:
        return tuple(self._element_from_dense(self._dense_power(t)) for t in range(self.order))

    @cached_property
    def _negated_unit_powers(self) -> tuple[Any, ...]:
        return tuple(-p for p in self._unit_powers)

    @cached_property
    def _unit_index(self) -> dict[int, tuple[int, int]]:
        """id of each shared ±ζ^t object -> (t, ±1); the tuples above keep them alive."""
        index = {id(p): (t, 1) for t, p in enumerate(self._unit_powers)}
        index.update({id(p): (t, -1) for t, p in enumerate(self._negated_unit_powers)})
        return index

    @cached_property
    def _omega_directions(self) -> dict[tuple[Any, ...], tuple[int, Any]]:
        table: dict[tuple[Any, ...], tuple[int, Any]] = {}
        for t in range(self.order - 1, -1, -1):  # the smallest t wins (ω^t = -ω^(t+n/2))
            coefficients = self.zeta_coefficients(self.omega_power(t))
            lead = next(c for c in coefficients if c)
            table[tuple(c / lead for c in coefficients)] = (t, lead)
        return table

    def conjugate_element(self, a: Any) -> Any:
        """Complex conjugate: ζ -> ζ^-1 (Polynomial.conjugate looks this hook up)."""
        return self.from_zeta_exponents({-j: c for j, c in self.zeta_exponents(a).items()})

    def _dense_power(self, t: int) -> list[Any]:
        dense = [QQ.zero] * self.degree
        for j, r in self._powers[t]:
            dense[j] = QQ(r)
        return dense

    def _element_from_dense(self, dense: list[Any]) -> Any:
        # Already reduced below degree φ(n): build the ANP without division.
        top = len(dense)
        while top and not dense[top - 1]:
            top -= 1
        return self._element.new(DMP(dense[top - 1::-1] if top else [], QQ, 0), self.mod, QQ)

    # --- domain plumbing -----------------------------------------------------
    def unify(self, other: Domain, symbols: Any = None) -> Domain:
        if symbols is None and isinstance(other, CyclotomicField):
            return cyclotomic_field(math.lcm(self.order, other.order))
        if symbols is None and (other.is_QQ or other.is_ZZ):
            return self
        return super().unify(other, symbols)

    def from_AlgebraicField(self, a: Any, source: Domain) -> Any:
        """Embed Q(ζ_m) into Q(ζ_n) for m | n by ζ_m -> ζ_n^(n/m); otherwise SymPy's way."""
        if isinstance(source, CyclotomicField) and self.order % source.order == 0:
            step = self.order // source.order
            return self.from_zeta_exponents(
                {j * step: c for j, c in source.zeta_exponents(a).items()}
            )
        return super().from_AlgebraicField(a, source)

    # Domain.convert_from dispatches on the source's class name.
    from_CyclotomicField = from_AlgebraicField


class CyclotomicElement(ANP):
    """SymPy's ANP with products through the field's power table."""

    __slots__ = ()
    field: CyclotomicField

    @classmethod
    def zero(cls, mod: Any, dom: Domain) -> Any:
        return cls(0, mod, dom)

    @classmethod
    def one(cls, mod: Any, dom: Domain) -> Any:
        return cls(1, mod, dom)

    def mul(self, other: Any) -> Any:
        if type(other) is type(self):
            return self.field.product(self, other)
        return super().mul(other)

    def __mul__(self, other: Any) -> Any:
        if type(other) is type(self):  # skip ANP's dispatch on the hot path
            return self.field.product(self, other)
        return super().__mul__(other)

    def __eq__(self, other: object) -> bool:
        # Same field: compare the canonical coefficient lists directly (SymPy
        # first unifies moduli and domains, the main cost of filtering zeros).
        if type(other) is type(self):
            return bool(self.to_list() == other.to_list())
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        # Equal to plain ANPs of the same value, so hash as SymPy does for ANP.
        return hash(("ANP", self.to_tuple(), self._mod.to_tuple(), self.dom))

    def __reduce__(self) -> tuple[Any, ...]:
        # The class is made per field, so pickle (e.g. for worker processes) by value.
        coefficients = tuple((int(c.numerator), int(c.denominator))
                             for c in self.field.zeta_coefficients(self))
        return _rebuild_element, (self.field.order, coefficients)


def _rebuild_element(order: int, coefficients: tuple[tuple[int, int], ...]) -> Any:
    field = cyclotomic_field(order)
    return field.from_zeta_exponents({j: QQ(p, q) for j, (p, q) in enumerate(coefficients)})


def _reduced_powers(n: int, degree: int, tail: list[Any]) -> tuple[tuple[tuple[int, Any], ...], ...]:
    """ζ^t mod Φ_n for t = 0..n-1 as sparse ((j, coefficient), ...), by repeated x-shifts."""
    powers = []
    dense = [QQ.zero] * degree
    dense[0] = QQ.one
    for _ in range(n):
        # Φ_n is monic with integer coefficients, so every ζ^t has integer coefficients.
        powers.append(tuple((j, int(c)) for j, c in enumerate(dense) if c))
        top = dense[-1]
        dense = [QQ.zero, *dense[:-1]]
        if top:
            dense = [d - top * t for d, t in zip(dense, tail, strict=True)]
    return tuple(powers)


# Building Q(ζ_n) tabulates n reduced powers of degree φ(n): quadratic in n.
MAX_CYCLOTOMIC_ORDER = 2048


def power_reductions(n: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """ζ_n^t mod Φ_n for t = 0..n-1, each as sparse integer pairs ((j, c), ...).

    The same table :class:`CyclotomicField` multiplies with, computed from Φ_n's
    integer coefficients alone (no SymPy field is built), for the packed
    arithmetic of :mod:`symconv.prove.packed`.

    >>> power_reductions(4)  # Φ_4 = x^2 + 1: ζ^2 = -1, ζ^3 = -ζ
    (((0, 1),), ((1, 1),), ((0, -1),), ((1, -1),))
    """
    _check_order(n)
    low = [int(c) for c in reversed(cyclotomic_poly(n, polys=True).all_coeffs())]
    return _reduced_powers(n, len(low) - 1, low[:-1])


def _check_order(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ShapeError(f"cyclotomic order {n!r} is not a positive integer")
    if n > MAX_CYCLOTOMIC_ORDER:
        raise SizeLimitError(
            f"cyclotomic field of order {n} is beyond the exact limit {MAX_CYCLOTOMIC_ORDER} "
            "(use numeric entries for long transforms)"
        )


@lru_cache(maxsize=64)
def cyclotomic_field(n: int) -> CyclotomicField:
    """The field Q(ζ_n) (one shared instance per n; fields are immutable)."""
    _check_order(n)
    return CyclotomicField(n)


def field_order(domain: Domain) -> int | None:
    """n for Q(ζ_n), 1 for QQ and ZZ; None for any other domain."""
    if domain.is_QQ or domain.is_ZZ:
        return 1
    if isinstance(domain, CyclotomicField):
        return domain.order
    return None


def euler_phi(n: int) -> int:
    """φ(n), the degree of Q(ζ_n)."""
    result, m, p = n, n, 2
    while p * p <= m:
        if m % p == 0:
            while m % p == 0:
                m //= p
            result -= result // p
        p += 1
    if m > 1:
        result -= result // m
    return result
