"""Cyclotomic fields Q(ζ_n), ζ = exp(2πi/n): the exact coefficients of a DFT.

An element of Q(ζ_n) is a FLINT ``fmpq_poly`` in ζ reduced modulo the n-th
cyclotomic polynomial Φ_n (``fmpz_poly.cyclotomic``): its coefficients in the
basis 1, ζ, ..., ζ^(φ(n)-1).  Φ_n is the minimal polynomial of ζ, so that
remainder is unique and two elements are equal iff their reduced polynomials are
equal -- a decision procedure, unlike ``simplify``.  Every operation keeps
elements reduced (sums and rational multiples stay below degree φ(n); products
and inverses are reduced once).

:class:`CyclotomicField` offers the part of SymPy's domain interface that
:class:`~symconv.core.algebra.Polynomial` uses (``zero``, ``one``, ``convert``,
``convert_from``, ``unify``, ``to_sympy``, ...) without subclassing SymPy, plus
what a DFT needs: powers of ζ, complex conjugation (ζ -> ζ^-1), and unification
of Q(ζ_m) with Q(ζ_n) into Q(ζ_lcm(m, n)).  Rational coefficients come out as
FLINT ``fmpq`` (``numerator``/``denominator`` like ``Fraction``).

The generator is ζ = exp(+2πi/n); the DFT root of :mod:`symconv.core.fourier` and
of the reports is ω = exp(-2πi/n) = ζ^-1 (:meth:`CyclotomicField.omega_power`).

>>> from symconv.core.cyclotomic import cyclotomic_field
>>> K = cyclotomic_field(8)
>>> K.zeta_power(2) * K.zeta_power(2) == K.convert(-1)
True
>>> K.conjugate_element(K.zeta_power(1)) == K.zeta_power(7)
True
>>> K.zeta_power(3) + K.omega_power(1) / 2  # ω = ζ^7 = -ζ^3
(1/2)*zeta8^3 in Q(zeta8), zeta8 = exp(2*pi*i/8)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property, lru_cache
from typing import Any

import sympy
from flint import fmpq, fmpq_poly, fmpz, fmpz_poly

from symconv.errors import NotSupportedError, ShapeError, SizeLimitError

# Rationals an element accepts as the other operand (SymPy's QQ/ZZ elements are
# fmpq/fmpz under its FLINT ground types, PythonMPQ/int otherwise).
_FLINT_RATIONALS = (int, fmpz, fmpq)
_ONE, _MINUS_ONE = fmpq(1), fmpq(-1)


def to_fmpq(value: Any) -> fmpq:
    """A rational (int, Fraction, fmpq, SymPy's QQ element) as fmpq; TypeError otherwise."""
    if type(value) is fmpq:
        return value
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not a rational coefficient")
    if isinstance(value, _FLINT_RATIONALS):
        return fmpq(value)
    numerator = getattr(value, "numerator", None)
    denominator = getattr(value, "denominator", None)
    if isinstance(value, float | complex) or numerator is None or denominator is None:
        raise TypeError(f"{value!r} is not a rational coefficient")
    return fmpq(int(numerator), int(denominator))


def power_by_squaring(base: Any, exponent: int, one: Any) -> Any:
    """``base ** exponent`` (exponent >= 0) by repeated squaring, from the ring's ``one``."""
    result = one
    while exponent:
        if exponent & 1:
            result = result * base
        base = base * base
        exponent >>= 1
    return result

class CyclotomicField:
    """Q(ζ_n) with ζ = exp(2πi/n); build instances with :func:`cyclotomic_field` (cached).

    The attributes ``is_ZZ``, ``is_QQ`` and ``is_Field`` and the methods below
    follow SymPy's domain protocol, so a :class:`~symconv.core.algebra.Polynomial`
    treats this field like ``QQ``.
    """

    is_ZZ = False
    is_QQ = False
    is_Field = True

    def __init__(self, n: int) -> None:
        self.order = n
        self.modulus = fmpq_poly(fmpz_poly.cyclotomic(n))
        self.degree = self.modulus.degree()
        self.zero = CyclotomicElement(self, fmpq_poly())
        self.one = CyclotomicElement(self, fmpq_poly([1]))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CyclotomicField) and self.order == other.order

    def __hash__(self) -> int:
        return hash(("CyclotomicField", self.order))

    def __reduce__(self) -> tuple[Any, ...]:
        return cyclotomic_field, (self.order,)

    def __repr__(self) -> str:
        return f"Q(zeta{self.order})"

    __str__ = __repr__

    # --- elements ----------------------------------------------------------
    def zeta_power(self, t: int) -> CyclotomicElement:
        """ζ^t, reduced (t any integer)."""
        return self._powers[t % self.order]

    def omega_power(self, t: int) -> CyclotomicElement:
        """ω^t with ω = exp(-2πi/n) = ζ^(n-1), the numpy DFT root."""
        return self._powers[-t % self.order]

    def from_zeta_exponents(self, bucket: Mapping[int, Any]) -> CyclotomicElement:
        """The element Σ c ζ^e for ``bucket = {e: c}`` (rational c, any integer e)."""
        n = self.order
        if len(bucket) == 1:  # c·ζ^e, the common case in a DFT: no reduction needed
            ((e, c),) = bucket.items()
            return self._scaled_power(e % n, to_fmpq(c))
        dense = [fmpq()] * n
        for e, c in bucket.items():
            dense[e % n] += to_fmpq(c)
        return self._reduced(fmpq_poly(dense))

    def zeta_coefficients(self, a: CyclotomicElement) -> list[fmpq]:
        """Rational coefficients of ``a`` in the basis 1, ζ, ..., ζ^(deg-1)."""
        coefficients = a.poly.coeffs()
        return coefficients + [fmpq()] * (self.degree - len(coefficients))

    def zeta_exponents(self, a: CyclotomicElement) -> dict[int, fmpq]:
        """``a`` as ``{e: c}`` with Σ c ζ^e = a (the inverse of :meth:`from_zeta_exponents`)."""
        return {j: c for j, c in enumerate(a.poly.coeffs()) if c}

    def conjugate_element(self, a: CyclotomicElement) -> CyclotomicElement:
        """Complex conjugate: ζ -> ζ^-1 (Polynomial.conjugate looks this hook up)."""
        return self.from_zeta_exponents({-j: c for j, c in self.zeta_exponents(a).items()})

    def to_complex(self, a: CyclotomicElement) -> complex:
        """The value of ``a`` as a complex float, ζ = exp(2πi/n) (display and numerics only)."""
        return sum((int(c.numerator) / int(c.denominator) * self._complex_powers[j]
                    for j, c in enumerate(a.poly.coeffs()) if c), 0j)

    def as_omega_monomial(self, a: CyclotomicElement) -> tuple[fmpq, int] | None:
        """(q, t) with a = q·ω^t (rational q, 0 <= t < n), or None: for display only."""
        coefficients = self.zeta_coefficients(a)
        lead = next((c for c in coefficients if c), None)
        if lead is None:
            return None
        match = self._omega_directions.get(tuple(c / lead for c in coefficients))
        if match is None:
            return None
        t, power_lead = match
        return lead / power_lead, t

    def _scaled_power(self, t: int, c: fmpq) -> CyclotomicElement:
        """c·ζ^t for 0 <= t < n: ±ζ^t are shared (immutable) elements, made once."""
        if c == _ONE:
            return self._powers[t]
        if c == _MINUS_ONE:
            return self._negated_powers[t]
        return CyclotomicElement(self, self._powers[t].poly * c, (t, c) if c else None)

    def _reduced(self, poly: fmpq_poly) -> CyclotomicElement:
        if poly.degree() >= self.degree:
            poly = poly % self.modulus
        return CyclotomicElement(self, poly)

    @cached_property
    def _powers(self) -> tuple[CyclotomicElement, ...]:
        """ζ^t mod Φ_n for t = 0..n-1, by repeated x-shifts."""
        powers, power, x, one = [], fmpq_poly([1]), fmpq_poly([0, 1]), fmpq(1)
        for t in range(self.order):
            powers.append(CyclotomicElement(self, power, (t, one)))
            power = power * x
            if power.degree() >= self.degree:
                power = power % self.modulus
        return tuple(powers)

    @cached_property
    def _negated_powers(self) -> tuple[CyclotomicElement, ...]:
        return tuple(CyclotomicElement(self, -p.poly, (t, _MINUS_ONE))
                     for t, p in enumerate(self._powers))

    @cached_property
    def _complex_powers(self) -> list[complex]:
        return [complex(math.cos(2 * math.pi * j / self.order),
                        math.sin(2 * math.pi * j / self.order)) for j in range(self.degree)]

    @cached_property
    def _omega_directions(self) -> dict[tuple[fmpq, ...], tuple[int, fmpq]]:
        table: dict[tuple[fmpq, ...], tuple[int, fmpq]] = {}
        for t in range(self.order - 1, -1, -1):  # the smallest t wins (ω^t = -ω^(t+n/2))
            coefficients = self.zeta_coefficients(self.omega_power(t))
            lead = next(c for c in coefficients if c)
            table[tuple(c / lead for c in coefficients)] = (t, lead)
        return table

    @cached_property
    def _sympy_zeta(self) -> sympy.AlgebraicNumber:
        # Given with its minimal polynomial, so SymPy need not compute one.
        x = sympy.Dummy("x")
        phi = sympy.Poly(self.modulus.numer().coeffs()[::-1], x)
        root = sympy.exp(2 * sympy.pi * sympy.I / self.order)
        return sympy.AlgebraicNumber((phi, root), alias=f"zeta{self.order}")

    # --- SymPy's domain protocol -------------------------------------------
    def of_type(self, a: Any) -> bool:
        return type(a) is CyclotomicElement and a.field == self

    def convert(self, a: Any) -> CyclotomicElement:
        """An element of this field from a rational or an element of a subfield Q(ζ_m), m | n."""
        if type(a) is CyclotomicElement:
            return self.convert_from(a, a.field)
        return CyclotomicElement(self, fmpq_poly([to_fmpq(a)]))

    def convert_from(self, a: Any, source: Any) -> CyclotomicElement:
        """Embed ``a`` from ``source`` (QQ, ZZ or Q(ζ_m) for m | n; ζ_m -> ζ_n^(n/m))."""
        if source is self:
            return a
        if isinstance(source, CyclotomicField):
            if self.order % source.order:
                raise NotSupportedError(f"{source} is not a subfield of {self}")
            step = self.order // source.order
            return self.from_zeta_exponents(
                {j * step: c for j, c in source.zeta_exponents(a).items()})
        if source.is_QQ or source.is_ZZ:
            return CyclotomicElement(self, fmpq_poly([to_fmpq(a)]))
        raise NotSupportedError(f"cannot convert an element of {source} into {self}")

    def unify(self, other: Any) -> Any:
        """The smallest field holding both: Q(ζ_lcm) for two cyclotomic fields, self for QQ/ZZ."""
        if isinstance(other, CyclotomicField):
            return cyclotomic_field(math.lcm(self.order, other.order))
        if other.is_QQ or other.is_ZZ:
            return self
        raise NotSupportedError(f"no common field of {self} and {other}")

    def get_field(self) -> CyclotomicField:
        return self

    def quo(self, a: CyclotomicElement, b: CyclotomicElement) -> CyclotomicElement:
        return a / b

    def to_sympy(self, a: CyclotomicElement) -> sympy.Expr:
        """Σ q·zeta_n^j with zeta_n a SymPy AlgebraicNumber (it prints as ``zeta8``, and
        evaluates numerically): display only."""
        zeta = self._sympy_zeta
        return sympy.Add(*(sympy.Rational(int(c.numerator), int(c.denominator)) * zeta**j
                           for j, c in enumerate(a.poly.coeffs()) if c))


class CyclotomicElement:
    """An element of Q(ζ_n): ``poly`` in ζ, reduced modulo Φ_n (degree < φ(n)).

    Immutable; equal iff the fields and the reduced polynomials are equal.  A rational
    operand (int, Fraction, fmpq, SymPy's QQ) is read as a constant of the field.
    ``unit`` is (t, c) when the element is known to be c·ζ^t (c != 0, 0 <= t < n), else
    None: a DFT multiplies mostly such elements, and their product c·c'·ζ^(t+t') is a
    table look-up and a scaling instead of a product and a reduction.
    """

    __slots__ = ("field", "poly", "unit")

    def __init__(self, field: CyclotomicField, poly: fmpq_poly,
                 unit: tuple[int, fmpq] | None = None) -> None:
        self.field = field
        self.poly = poly
        self.unit = unit

    def _other_poly(self, other: Any) -> fmpq_poly | fmpq | None:
        """``other``'s polynomial in this field, a rational, or None if it is neither."""
        if type(other) is CyclotomicElement:
            if _same_field(self, other):
                return other.poly
            raise NotSupportedError(f"arithmetic between {self.field} and {other.field}; "
                                    "convert both into a common field first")
        try:
            return to_fmpq(other)
        except TypeError:
            return None

    def __add__(self, other: Any) -> CyclotomicElement:
        b = self._other_poly(other)
        if b is None:
            return NotImplemented
        return CyclotomicElement(self.field, self.poly + b)

    __radd__ = __add__

    def __sub__(self, other: Any) -> CyclotomicElement:
        b = self._other_poly(other)
        if b is None:
            return NotImplemented
        return CyclotomicElement(self.field, self.poly - b)

    def __rsub__(self, other: Any) -> CyclotomicElement:
        b = self._other_poly(other)
        if b is None:
            return NotImplemented
        return CyclotomicElement(self.field, b - self.poly)

    def __neg__(self) -> CyclotomicElement:
        unit = self.unit
        return CyclotomicElement(self.field, -self.poly,
                                 None if unit is None else (unit[0], -unit[1]))

    def __mul__(self, other: Any) -> CyclotomicElement:
        field = self.field
        if type(other) is CyclotomicElement and _same_field(self, other):  # the hot path
            a, b = self.unit, other.unit
            if a is not None and b is not None:
                return field._scaled_power((a[0] + b[0]) % field.order, a[1] * b[1])
            return field._reduced(self.poly * other.poly)
        q = self._other_poly(other)
        if q is None:
            return NotImplemented
        if isinstance(q, fmpq):
            return CyclotomicElement(field, self.poly * q,
                                     None if self.unit is None or not q else
                                     (self.unit[0], self.unit[1] * q))
        return field._reduced(self.poly * q)

    __rmul__ = __mul__

    def inverse(self) -> CyclotomicElement:
        """1/self by the extended Euclidean algorithm with Φ_n (irreducible, so coprime)."""
        if not self.poly:
            raise ZeroDivisionError(f"division by zero in {self.field}")
        _, s, _ = self.poly.xgcd(self.field.modulus)  # FLINT's gcd is monic: s·a = 1 mod Φ_n
        return CyclotomicElement(self.field, s)

    def __truediv__(self, other: Any) -> CyclotomicElement:
        b = self._other_poly(other)
        if b is None:
            return NotImplemented
        if isinstance(b, fmpq):
            if not b:
                raise ZeroDivisionError(f"division by zero in {self.field}")
            return CyclotomicElement(self.field, self.poly / b)
        return self * CyclotomicElement(self.field, b).inverse()

    def __rtruediv__(self, other: Any) -> CyclotomicElement:
        b = self._other_poly(other)
        if b is None:
            return NotImplemented
        return self.inverse() * b

    def __pow__(self, exponent: int) -> CyclotomicElement:
        if isinstance(exponent, bool) or not isinstance(exponent, int):
            return NotImplemented
        return power_by_squaring(self if exponent >= 0 else self.inverse(), abs(exponent),
                                 self.field.one)

    def __eq__(self, other: object) -> bool:
        if type(other) is CyclotomicElement:
            if not _same_field(self, other):
                raise NotSupportedError(f"comparison of elements of {self.field} and "
                                        f"{other.field}; convert both into a common field first")
            return self.poly == other.poly
        try:
            return self.poly == fmpq_poly([to_fmpq(other)])
        except TypeError:
            return NotImplemented

    def __ne__(self, other: object) -> bool:
        if type(other) is CyclotomicElement and _same_field(self, other):  # Polynomial's filter
            return self.poly != other.poly
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        # A rational element hashes as the rational it equals (fmpq hashes like Fraction).
        coefficients = self.poly.coeffs()
        if len(coefficients) <= 1:
            return hash(coefficients[0] if coefficients else 0)
        return hash((self.field.order, *coefficients))

    def __bool__(self) -> bool:
        return bool(self.poly)

    def __reduce__(self) -> tuple[Any, ...]:
        coefficients = tuple((int(c.numerator), int(c.denominator)) for c in self.poly.coeffs())
        return _rebuild_element, (self.field.order, coefficients)

    def __repr__(self) -> str:
        """Σ q·zeta_n^j, with the root it stands for."""
        n = self.field.order
        parts = []
        for j, c in enumerate(self.poly.coeffs()):
            if not c:
                continue
            power = "" if j == 0 else f"zeta{n}" + (f"^{j}" if j > 1 else "")
            size = abs(c)
            shown = str(size) if size.denominator == 1 else f"({size})"
            text = shown if not power else power if size == 1 else f"{shown}*{power}"
            parts.append(("-" if c < 0 else "+", text))
        body = "0" if not parts else ("-" if parts[0][0] == "-" else "") + parts[0][1] + "".join(
            f" {sign} {text}" for sign, text in parts[1:])
        return f"{body} in Q(zeta{n}), zeta{n} = exp(2*pi*i/{n})"


def _same_field(a: CyclotomicElement, b: CyclotomicElement) -> bool:
    # Identity first: fields are shared per order, unless the cache of
    # cyclotomic_field has dropped one that elements still refer to.
    return a.field is b.field or a.field.order == b.field.order


def _rebuild_element(order: int, coefficients: tuple[tuple[int, int], ...]) -> CyclotomicElement:
    field = cyclotomic_field(order)
    return CyclotomicElement(field, fmpq_poly([fmpq(p, q) for p, q in coefficients]))


# Building Q(ζ_n) tabulates n reduced powers of degree φ(n): quadratic in n.
MAX_CYCLOTOMIC_ORDER = 2048


def power_reductions(n: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """ζ_n^t mod Φ_n for t = 0..n-1, each as sparse integer pairs ((j, c), ...).

    The powers :class:`CyclotomicField` tabulates, as plain integers (Φ_n is monic
    with integer coefficients), for the packed arithmetic of :mod:`symconv.prove.packed`.

    >>> power_reductions(4)  # Φ_4 = x^2 + 1: ζ^2 = -1, ζ^3 = -ζ
    (((0, 1),), ((1, 1),), ((0, -1),), ((1, -1),))
    """
    field = cyclotomic_field(n)
    # Below φ(n), ζ^t is its own basis element: only the rest need their coefficients read.
    return tuple(((t, 1),) if t < field.degree else
                 tuple((j, int(c)) for j, c in enumerate(power.poly.numer().coeffs()) if c)
                 for t, power in enumerate(field._powers))


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


def field_order(domain: Any) -> int | None:
    """n for Q(ζ_n), 1 for QQ and ZZ; None for any other domain."""
    if isinstance(domain, CyclotomicField):
        return domain.order
    if domain.is_QQ or domain.is_ZZ:
        return 1
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
