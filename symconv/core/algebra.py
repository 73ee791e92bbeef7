"""Exact arithmetic: sparse multivariate polynomials in canonical form.

Every entry symconv computes is a polynomial in the symbolic entries of the
input signals, with coefficients in a domain (SymPy's ``QQ``, or a cyclotomic
field Q(ζ_n) on FLINT once a DFT is involved, :mod:`symconv.core.cyclotomic`).
A :class:`Polynomial` stores exactly one representation per value -- a dict
from monomial to non-zero coefficient -- so two polynomials are equal iff their
dicts are equal.  That is a decision procedure, unlike ``simplify(a - b) == 0``.

Why not ``sympy.polys.rings.PolyRing``: it stores monomials as dense exponent
tuples over *all* generators, and a 9x9 kernel on a 32x32 image has 1105 of
them; a convolution then costs ~12 s.  Here a monomial is the sorted tuple of
its generators (with repetition), so a product of two entries is a short tuple
merge; the same convolution takes ~0.15 s.  SymPy still supplies the
coefficient domains and all conversion to ``Expr`` for display.

>>> from symconv.core.algebra import Polynomial, real_generator
>>> f = Polynomial.from_generator(real_generator("F", (0,)))
>>> g = Polynomial.from_generator(real_generator("G", (1,)))
>>> (f + g) * (f - g) == f * f - g * g
True
>>> (f + g) ** 2 == f * f + g * g
False
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, NamedTuple, TypeAlias

import sympy
from sympy.polys.domains import QQ, ZZ
from sympy.polys.domains.domain import Domain

from symconv.core.cyclotomic import CyclotomicField, power_by_squaring


class Generator(NamedTuple):
    """One symbolic entry: signal ``name`` at integer ``index``.

    ``kind`` is ``"r"`` for a real entry, ``"c"`` for a complex entry and
    ``"c*"`` for the complex conjugate of a complex entry (an independent
    generator, so that polynomials in entries and their conjugates stay
    polynomials).
    """

    name: str
    kind: str
    # shadows tuple.index, which nothing here uses; the name is the mathematical one
    index: tuple[int, ...]  # type: ignore[assignment]


Monomial: TypeAlias = tuple[Generator, ...]
Number: TypeAlias = int | Fraction | complex | float


def real_generator(name: str, index: tuple[int, ...]) -> Generator:
    return Generator(name, "r", tuple(index))


def complex_generator(name: str, index: tuple[int, ...]) -> Generator:
    return Generator(name, "c", tuple(index))


def conjugate_generator(gen: Generator) -> Generator:
    if gen.kind == "r":
        return gen
    return Generator(gen.name, "c*" if gen.kind == "c" else "c", gen.index)


def _mul_monomials(a: Monomial, b: Monomial) -> Monomial:
    if not a:
        return b
    if not b:
        return a
    return tuple(sorted(a + b))


def unify_domains(a: Domain, b: Domain) -> Domain:
    """The smaller domain holding both (QQ and ZZ are SymPy's; a cyclotomic field unifies
    itself with them, since SymPy's domains do not know it)."""
    if a == b:
        return a
    return b.unify(a) if isinstance(b, CyclotomicField) else a.unify(b)


class Polynomial:
    """A polynomial over a SymPy domain in canonical sparse form.

    ``terms`` maps each monomial (a sorted tuple of :class:`Generator`) to its
    non-zero coefficient, an element of ``domain``.  Instances are treated as
    immutable.
    """

    __slots__ = ("domain", "terms")

    def __init__(self, terms: Mapping[Monomial, Any], domain: Domain = ZZ) -> None:
        # truthiness is the domains' zero test (cheaper than == zero for field elements)
        self.terms: dict[Monomial, Any] = {m: c for m, c in terms.items() if c}
        self.domain: Domain = domain

    # --- constructors -------------------------------------------------
    @classmethod
    def from_nonzero_terms(cls, terms: dict[Monomial, Any], domain: Domain) -> Polynomial:
        """Wrap ``terms`` whose coefficients are known to be non-zero (no copy, no check)."""
        poly = cls.__new__(cls)
        poly.terms = terms
        poly.domain = domain
        return poly

    @classmethod
    def zero(cls, domain: Domain = ZZ) -> Polynomial:
        return cls({}, domain)

    @classmethod
    def constant(cls, value: Any, domain: Domain = ZZ) -> Polynomial:
        if isinstance(value, Polynomial):
            return value
        if isinstance(value, float | complex) and (domain.is_QQ or domain.is_ZZ):
            raise TypeError("inexact number in an exact polynomial; use Polynomial.from_number")
        return cls({(): domain.convert(value)}, domain)

    @classmethod
    def from_number(cls, value: Number) -> Polynomial:
        """Exact polynomial of a Python number (floats convert to their exact binary value)."""
        if isinstance(value, complex):
            if value.imag != 0:
                raise TypeError(f"complex constant {value!r} needs a field containing i")
            value = value.real
        if isinstance(value, float):
            value = Fraction(value)
        if isinstance(value, Fraction) and value.denominator != 1:
            return cls({(): QQ(value.numerator, value.denominator)}, QQ)
        return cls({(): ZZ(int(value))}, ZZ)

    @classmethod
    def from_generator(cls, gen: Generator, domain: Domain = ZZ) -> Polynomial:
        return cls({(gen,): domain.one}, domain)

    # --- queries --------------------------------------------------------
    def is_zero(self) -> bool:
        return not self.terms

    def is_constant(self) -> bool:
        return not self.terms or (len(self.terms) == 1 and () in self.terms)

    def constant_value(self) -> Any:
        """The domain element of a constant polynomial (zero for the zero polynomial)."""
        if not self.is_constant():
            raise ValueError("not a constant polynomial")
        return self.terms.get((), self.domain.zero)

    def generators(self) -> set[Generator]:
        return {g for m in self.terms for g in m}

    def degree(self) -> int:
        return max((len(m) for m in self.terms), default=0)

    # --- arithmetic ------------------------------------------------------
    def _coerce(self, other: Any) -> Polynomial | None:
        if isinstance(other, Polynomial):
            return other
        if isinstance(other, int | Fraction):
            return Polynomial.from_number(other)
        if not isinstance(other, float | complex) and self.domain.of_type(other):
            return Polynomial.constant(other, self.domain)
        return None

    def to_domain(self, domain: Domain) -> Polynomial:
        """The same polynomial with coefficients in ``domain`` (which must contain them)."""
        if domain == self.domain:
            return self
        return Polynomial({m: domain.convert_from(c, self.domain) for m, c in self.terms.items()},
                          domain)

    def _aligned(self, other: Polynomial) -> tuple[Polynomial, Polynomial, Domain]:
        domain = unify_domains(self.domain, other.domain)
        return self.to_domain(domain), other.to_domain(domain), domain

    def __add__(self, other: Any) -> Polynomial:
        q = self._coerce(other)
        if q is None:
            return NotImplemented
        a, b, domain = self._aligned(q)
        terms = dict(a.terms)
        for m, c in b.terms.items():
            terms[m] = terms[m] + c if m in terms else c
        return Polynomial(terms, domain)

    __radd__ = __add__

    def __neg__(self) -> Polynomial:
        return Polynomial({m: -c for m, c in self.terms.items()}, self.domain)

    def __sub__(self, other: Any) -> Polynomial:
        q = self._coerce(other)
        if q is None:
            return NotImplemented
        return self + (-q)

    def __rsub__(self, other: Any) -> Polynomial:
        return (-self) + other

    def __mul__(self, other: Any) -> Polynomial:
        q = other if isinstance(other, Polynomial) else self._coerce(other)
        if q is None:
            return NotImplemented
        if len(self.terms) == 1 and len(q.terms) == 1 and q.domain == self.domain:
            # one term times one term (products of entries): a non-zero product, since
            # every domain here is an integral domain
            ((m1, c1),), ((m2, c2),) = self.terms.items(), q.terms.items()
            return Polynomial.from_nonzero_terms({_mul_monomials(m1, m2): c1 * c2}, self.domain)
        a, b, domain = self._aligned(q)
        terms: dict[Monomial, Any] = {}
        for m1, c1 in a.terms.items():
            for m2, c2 in b.terms.items():
                m = _mul_monomials(m1, m2)
                c = c1 * c2
                terms[m] = terms[m] + c if m in terms else c
        return Polynomial(terms, domain)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Polynomial:
        q = self._coerce(other)
        if q is None or not q.is_constant() or q.is_zero():
            return NotImplemented
        a, b, domain = self._aligned(q)
        if not domain.is_Field:
            domain = domain.get_field()
            a, b = a.to_domain(domain), b.to_domain(domain)
        inverse = domain.quo(domain.one, b.constant_value())
        return Polynomial({m: c * inverse for m, c in a.terms.items()}, domain)

    def __pow__(self, exponent: int) -> Polynomial:
        if not isinstance(exponent, int) or exponent < 0:
            return NotImplemented
        return power_by_squaring(self, exponent, Polynomial.constant(1, self.domain))

    def __eq__(self, other: object) -> bool:
        q = self._coerce(other)
        if q is None:
            return NotImplemented
        if q.domain != self.domain:
            a, b, _ = self._aligned(q)
            return a.terms == b.terms
        return self.terms == q.terms

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def conjugate(self) -> Polynomial:
        """Complex conjugate: conjugates coefficients and swaps complex generators."""
        conj_coeff = _coefficient_conjugator(self.domain)
        terms: dict[Monomial, Any] = {}
        for m, c in self.terms.items():
            key = tuple(sorted(conjugate_generator(g) for g in m))
            terms[key] = conj_coeff(c)
        return Polynomial(terms, self.domain)

    def substitute(self, mapping: Callable[[Generator], Polynomial | None]) -> Polynomial:
        """Replace each generator ``g`` by ``mapping(g)`` (``None`` keeps it)."""
        result = Polynomial.zero(self.domain)
        for m, c in self.terms.items():
            term = Polynomial.constant(c, self.domain)
            for g in m:
                image = mapping(g)
                term = term * (Polynomial.from_generator(g, self.domain) if image is None else image)
            result = result + term
        return result

    # --- evaluation ------------------------------------------------------
    def evaluate(self, values: Mapping[Generator, Any]) -> Any:
        """Exact value with every generator replaced by ``values[g]``.

        Values may be ints, Fractions or domain elements; the result is a
        domain element (a rational for ``QQ``).
        """
        domain = self.domain if self.domain.is_Field else self.domain.get_field()
        total = domain.zero
        for m, c in self.terms.items():
            term = domain.convert_from(c, self.domain)
            for g in m:
                term = term * _value_in(domain, values[g])
            total = total + term
        return total

    def as_expr(self, symbol: Callable[[Generator], sympy.Expr] | None = None) -> sympy.Expr:
        """The SymPy expression, for display (never used to decide equality)."""
        to_symbol = symbol or generator_expr
        to_sympy = self.domain.to_sympy
        parts = []
        for m, c in sorted(self.terms.items(), key=lambda item: (len(item[0]), item[0])):
            factors = [to_symbol(g) for g in m]
            parts.append(sympy.Mul(to_sympy(c), *factors))
        return sympy.Add(*parts)

    def _latex(self, printer: Any = None) -> str:
        return sympy.latex(self.as_expr())

    def _repr_latex_(self) -> str:
        return f"${self._latex()}$"

    def __repr__(self) -> str:
        return f"Polynomial({self.as_expr()})"

    __str__ = __repr__


def _value_in(domain: Domain, value: Any) -> Any:
    if isinstance(value, Fraction):
        return domain.convert(QQ(value.numerator, value.denominator))
    return domain.convert(value)


def _coefficient_conjugator(domain: Domain) -> Callable[[Any], Any]:
    if domain.is_QQ or domain.is_ZZ:
        return lambda c: c
    conj = getattr(domain, "conjugate_element", None)
    if conj is not None:
        return conj
    raise TypeError(f"cannot conjugate coefficients in {domain}")


def generator_expr(gen: Generator) -> sympy.Expr:
    """Display form ``F_{i,j}`` (``\\overline{F_{i,j}}`` for a conjugated complex entry)."""
    base = sympy.IndexedBase(gen.name, real=gen.kind == "r")
    entry = base[gen.index] if gen.index else sympy.Symbol(gen.name, real=gen.kind == "r")
    return sympy.conjugate(entry) if gen.kind == "c*" else entry


def polynomial_sum(polys: Iterable[Polynomial], domain: Domain = ZZ) -> Polynomial:
    """Sum of many polynomials, accumulating into one dict (linear, not quadratic)."""
    terms: dict[Monomial, Any] = {}
    for p in polys:
        if p.domain != domain:
            wider = unify_domains(domain, p.domain)
            # convert_from: convert() cannot tell which field a cyclotomic element is from
            terms = {m: wider.convert_from(c, domain) for m, c in terms.items()}
            domain = wider
            p = p.to_domain(domain)
        for m, c in p.terms.items():
            terms[m] = terms[m] + c if m in terms else c
    return Polynomial(terms, domain)
