"""Exact values of the general tier's sum terms on concrete signals.

:func:`evaluate_at` computes a term or linear form of :mod:`symconv.prove.sums` at a point,
given each signal as a table of exact entries (:func:`tabulate`): sums over Z^d run over the
finite supports (the summation variables bounded by the atoms that read a signal, or solved
from the indicators), sums over Z_n^d over one period, powers of ω in Q(ζ_n).  The tests
re-check every step of the bundled derivations with it against :mod:`symconv.core.ops`
(:func:`recheck`): the tests' oracle of the prover's rules, which PROVED does not rely on (the
independent checker computes its own forms).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sympy.polys.domains import QQ

from symconv.core.algebra import Monomial as EntryMonomial
from symconv.core.algebra import Polynomial
from symconv.core.cyclotomic import cyclotomic_field
from symconv.core.ops import periodize
from symconv.core.signal import Signal
from symconv.lang.claims import Claim
from symconv.prove.derivation import Derivation
from symconv.prove.recheck import RecheckError, recheck_assignments
from symconv.prove.rules import DslSide, conjugate_name
from symconv.prove.sums import (
    FREE_VARIABLE,
    Add,
    Atom,
    Const,
    Delta,
    EvaluationError,
    Expression,
    Index,
    Kronecker,
    LinearForm,
    Numel,
    Phase,
    Point,
    Prod,
    Scale,
    Sigma,
    Term,
    inverse_matrix,
)
from symconv.prove.verdict import Budget

Table = Mapping[Point, Polynomial]


def tabulate(env: Mapping[str, Signal]) -> dict[str, Table]:
    """Each signal as a table point -> exact value over its box (absent: zero)."""
    return {name: {coord: as_polynomial(signal.value_at(coord)) for coord in signal.coordinates()}
            for name, signal in env.items()}


def as_polynomial(value: object) -> Polynomial:
    """An exact entry (Polynomial, int or Fraction) as a Polynomial."""
    if isinstance(value, Polynomial):
        return value
    if isinstance(value, int | Fraction):
        return Polynomial.from_number(value)
    raise EvaluationError(f"entry {value!r} is not exact")


@dataclass(frozen=True)
class _Context:
    tables: Mapping[str, Table]
    ndim: int
    # Z_n^d sums and periodized signals (tables then hold one period, at origin 0)
    period: tuple[int, ...] | None
    # values of products of entries, by factors and their variables' values (see evaluate_at)
    products: dict[Any, Polynomial] | None = None


def evaluate_at(expr: Expression, tables: Mapping[str, Table], values: Mapping[str, Point],
                ndim: int, period: tuple[int, ...] | None = None,
                products: dict[Any, Polynomial] | None = None) -> Polynomial:
    """The exact value of ``expr`` on signals ``tables`` (see :func:`tabulate`) with the
    free variables given by ``values``.

    Sums over Z^d run over the finite support only: each summation variable is
    enumerated over the box of a signal it indexes in a factor of the summand,
    outside which the summand is zero.  Sums over Z_n^d (``period`` given, and
    ``tables`` of periodized signals) run over the whole period box, and
    signals are read modulo n.

    ``products``, a dict kept by the caller between calls on the same ``tables``, keeps the
    value of each product of entries in a Z_n^d sum with a phase (it does not depend on the
    free variables, only the phase does), so that evaluating at every point computes each
    product once.
    """
    ctx = _Context({**tables, KRONECKER_TABLE: {(0,) * ndim: Polynomial.from_number(1)}},
                   ndim, period, products)
    if isinstance(expr, LinearForm):
        total = Polynomial.zero()
        for mono in expr.monomials:
            total = total + _evaluate(mono.as_term(), ctx, dict(values))
        return total
    return _evaluate(expr, ctx, dict(values))


# [L = 0] is evaluated as an atom of this one-point signal (1 at the origin), so that it
# also bounds a summation variable as a signal's box does
KRONECKER_TABLE = "[=0]"


def _lookup(atom: Atom, ctx: _Context, values: Mapping[str, Point]) -> Polynomial | None:
    if atom.signal not in ctx.tables:
        raise EvaluationError(f"no signal named {atom.signal}")
    point = atom.apply(atom.index.at(values, ctx.ndim))
    if ctx.period is not None:
        point = tuple(p % n for p, n in zip(point, ctx.period, strict=True))
    return ctx.tables[atom.signal].get(point)


def _evaluate(term: Term, ctx: _Context, values: dict[str, Point]) -> Polynomial:
    if isinstance(term, Atom | Kronecker):
        found = _lookup(_as_atom(term), ctx, values)
        return Polynomial.zero() if found is None else found
    if isinstance(term, Const):
        return Polynomial.from_number(term.value)
    if isinstance(term, Phase):
        return _omega_power(term, ctx, values)
    if isinstance(term, Numel | Delta):
        if ctx.period is None:
            raise EvaluationError(f"{term.text()} needs a period n")
        if isinstance(term, Numel):
            return Polynomial.from_number(Fraction(math.prod(ctx.period)) ** term.power)
        point = term.index.at(values, ctx.ndim)
        return Polynomial.from_number(int(all(p % n == 0 for p, n in zip(point, ctx.period,
                                                                        strict=True))))
    if isinstance(term, Scale):
        return _evaluate(term.term, ctx, values) * term.coef
    if isinstance(term, Add):
        total = Polynomial.zero()
        for t in term.terms:
            total = total + _evaluate(t, ctx, values)
        return total
    if isinstance(term, Prod):
        # Atoms first: one outside its box makes the product zero without arithmetic.
        found_atoms = [_lookup(_as_atom(f), ctx, values) for f in term.factors
                       if isinstance(f, Atom | Kronecker)]
        product: Polynomial | None = None  # the empty product 1, without a multiplication
        for v in found_atoms:
            if v is None or v.is_zero():
                return Polynomial.zero()
            product = v if product is None else product * v
        if product is None:
            product = Polynomial.from_number(1)
        for f in term.factors:
            if not isinstance(f, Atom | Kronecker):
                product = product * _evaluate(f, ctx, values)
        return product
    if term.torus != (ctx.period is not None):
        raise EvaluationError(f"{term.text()} needs {'a' if term.torus else 'no'} period")
    if isinstance(term.body, Add):
        # A sum of finite sums, term by term.
        total = Polynomial.zero()
        for t in term.body.terms:
            total = total + _evaluate(Sigma(term.variables, t, term.torus), ctx, values)
        return total
    variables, body = _lift_sums(term)
    if isinstance(body, Prod) and any(isinstance(f, Add) for f in body.factors):
        # Σ (a + b)·c = Σ a·c + Σ b·c: each summand then has its factors as guards (the
        # entries of a concrete signal are a sum of indicators)
        at = next(k for k, f in enumerate(body.factors) if isinstance(f, Add))
        added = body.factors[at]
        assert isinstance(added, Add)
        return _evaluate(Sigma(variables, Add(tuple(
            Prod((*body.factors[:at], t, *body.factors[at + 1:])) for t in added.terms)),
            term.torus), ctx, values)
    total = Polynomial.zero()
    if ctx.period is not None:
        box = list(itertools.product(*(range(n) for n in ctx.period)))
        assignments: Iterator[dict[str, Point]] = (
            {**values, **dict(zip(variables, points, strict=True))}
            for points in itertools.product(box, repeat=len(variables)))
    else:
        assignments = _enumerate(list(variables), list(_guards(body)), ctx, values)
    phases = [f for f in body.factors if isinstance(f, Phase)] if isinstance(body, Prod) else []
    if not phases:
        for assignment in assignments:
            total = total + _evaluate(body, ctx, assignment)
        return total
    # Collect the summands by power of ω first: one field multiplication per power.
    assert isinstance(body, Prod) and ctx.period is not None
    phase = phases[0]
    for other in phases[1:]:
        phase = phase * other
    rest = Prod(tuple(f for f in body.factors if not isinstance(f, Phase)))
    order = math.lcm(*ctx.period)
    weights = tuple(order // n for n in ctx.period)
    buckets: dict[int, Polynomial] = {}
    # a product of entries is a function of its atoms' variables alone: remembered by them
    memo = ctx.products if all(isinstance(f, Atom) for f in rest.factors) else None
    used = sorted({v for f in rest.factors if isinstance(f, Atom) for v in f.index.variables()})
    for assignment in assignments:
        if memo is None:
            value = _evaluate(rest, ctx, assignment)
        else:
            key = (rest, tuple(assignment.get(v) for v in used))  # unbound: _lookup says so
            found = memo.get(key)
            value = memo.setdefault(key, _evaluate(rest, ctx, assignment)) if found is None \
                else found
        if not value.is_zero():
            e = phase.exponent(assignment, weights) % order
            buckets[e] = buckets[e] + value if e in buckets else value
    if order > 2 and all(v.domain.is_ZZ or v.domain.is_QQ for v in buckets.values()):
        # Σ_e value_e ω^e with rational values: each monomial's coefficient is built once
        # from its exponents, rather than converting and multiplying bucket by bucket.
        field = cyclotomic_field(order)
        by_monomial: dict[EntryMonomial, dict[int, object]] = {}
        for e, value in buckets.items():
            rational = value.to_domain(QQ)
            zeta = -e % order  # ω^e = ζ^(-e)
            for m, c in rational.terms.items():
                exponents = by_monomial.setdefault(m, {})
                exponents[zeta] = exponents[zeta] + c if zeta in exponents else c
        return total + Polynomial({m: field.from_zeta_exponents(exponents)
                                   for m, exponents in by_monomial.items()}, field)
    for e, value in buckets.items():
        total = total + value * _omega(order, e)
    return total


def _omega_power(phase: Phase, ctx: _Context, values: Mapping[str, Point]) -> Polynomial:
    """ω^e exactly, in the cyclotomic field Q(ζ_L), L = lcm of the periods (as symconv.core.fourier)."""
    if ctx.period is None:
        raise EvaluationError(f"{phase.text()} needs a period n")
    order = math.lcm(*ctx.period)
    return _omega(order, phase.exponent(values, tuple(order // n for n in ctx.period)))


def _omega(order: int, exponent: int) -> Polynomial:
    """ω_L^exponent with ω_L = exp(−2πi/L), as a constant polynomial."""
    if order <= 2:
        return Polynomial.from_number((-1) ** (exponent % order) if order == 2 else 1)
    field = cyclotomic_field(order)
    return Polynomial.constant(field.omega_power(exponent), field)


def _lift_sums(term: Sigma) -> tuple[tuple[str, ...], Term]:
    """``Σ_i Σ_j A`` and ``Σ_i (Σ_j A)·B`` as one sum over (i, j), so that every
    summation variable can be bounded by a factor (the bound variables are distinct)."""
    variables, body = term.variables, term.body
    while True:
        if isinstance(body, Sigma):
            variables, body = variables + body.variables, body.body
        elif isinstance(body, Prod) and any(isinstance(f, Sigma) for f in body.factors):
            factors: list[Term] = []
            for f in body.factors:
                if isinstance(f, Sigma):
                    variables += f.variables
                    factors.append(f.body)
                else:
                    factors.append(f)
            body = Prod(tuple(factors))
        else:
            return variables, body


def _as_atom(term: Atom | Kronecker) -> Atom:
    return Atom(KRONECKER_TABLE, term.index) if isinstance(term, Kronecker) else term


def _guards(term: Term) -> Iterator[Atom]:
    """Atoms that are factors of ``term``: where one is zero, so is ``term``."""
    if isinstance(term, Atom | Kronecker):
        yield _as_atom(term)
    elif isinstance(term, Prod):
        for f in term.factors:
            yield from _guards(f)
    elif isinstance(term, Scale):
        yield from _guards(term.term)


def _enumerate(pending: list[str], guards: list[Atom], ctx: _Context,
               values: dict[str, Point]) -> Iterator[dict[str, Point]]:
    if not pending:
        yield values
        return
    for atom in guards:
        unknown = [v for v in atom.index.variables() if v not in values]
        if len(unknown) != 1 or unknown[0] not in pending or abs(atom.index.coeff(unknown[0])) != 1:
            continue
        var = unknown[0]
        c = atom.index.coeff(var)
        rest = atom.index.substitute(var, Index()).at(values, ctx.ndim)
        rest_pending = [v for v in pending if v != var]
        for point in map(atom.preimage, ctx.tables[atom.signal]):
            value = tuple(c * (p - r) for p, r in zip(point, rest, strict=True))
            yield from _enumerate(rest_pending, guards, ctx, {**values, var: value})
        return
    yield from _enumerate_by_solving(pending, guards, ctx, values)


def _enumerate_by_solving(pending: list[str], guards: list[Atom], ctx: _Context,
                          values: dict[str, Point]) -> Iterator[dict[str, Point]]:
    """Choose len(pending) factors whose indices determine the pending variables (an
    invertible coefficient matrix), run through their boxes and solve for integers."""
    usable = [a for a in guards if a.index.variables() - set(values) <= set(pending)]
    for chosen in itertools.combinations(usable, len(pending)):
        matrix = [[Fraction(a.index.coeff(v)) for v in pending] for a in chosen]
        inverse = inverse_matrix(matrix)
        if inverse is None:
            continue
        rests = [Index(tuple((v, c) for v, c in a.index.coeffs if v not in pending),
                       a.index.const).at(values, ctx.ndim) for a in chosen]
        boxes = [list(map(a.preimage, ctx.tables[a.signal])) for a in chosen]
        for points in itertools.product(*boxes):
            rhs = [[p - r for p, r in zip(point, rest, strict=True)]
                   for point, rest in zip(points, rests, strict=True)]
            solution = {}
            for row, var in zip(inverse, pending, strict=True):
                coords = [sum(row[k] * rhs[k][axis] for k in range(len(rhs)))
                          for axis in range(ctx.ndim)]
                if any(c.denominator != 1 for c in coords):
                    break
                solution[var] = tuple(int(c) for c in coords)
            else:
                yield {**values, **solution}
        return
    raise EvaluationError(f"cannot bound the summation variables {', '.join(pending)}")


def recheck(claim: Claim, derivation: Derivation, budget: Budget, every_step: bool = True) -> None:
    """Evaluate the statement and every intermediate expression (``every_step`` False: the
    common canonical form only) at small sizes: a check of the prover's rules.

    Raises RecheckError at the first disagreement.  The statement is evaluated
    by the exact tier's evaluator (:mod:`symconv.core.ops` on symbolic signals);
    each intermediate is evaluated by summing over the finite supports, at
    every point of the result's box and one sample around it.
    """
    from symconv.prove.counterexample import build_env, claim_sides, difference, sizes_of

    for assignment in recheck_assignments(claim, derivation.torus):
        budget.check()
        env = build_env(assignment)
        left, right = claim_sides(claim, env)
        if difference(left, right) is not None:
            raise RecheckError(f"the sides differ at sizes {sizes_of(assignment)}")
        ndim = next(iter(env.values())).ndim
        period = next(iter(env.values())).shape if derivation.torus else None
        if period is not None:
            # on Z_n^d the signals are read periodized, and only [0, n)^d is compared
            tables = tabulate(with_conjugates({name: periodize(sig, period)
                                               for name, sig in env.items()}))
            points: list[tuple[int, ...] | None] = list(
                itertools.product(*(range(n) for n in period))) if isinstance(left, Signal) \
                else [None]
            if isinstance(left, Signal) and not _on_box(left, period):
                raise RecheckError(f"the left side is not supported on [0, n) at {period}")
        else:
            tables = tabulate(with_conjugates(env))
            points = _points_around(left) if isinstance(left, Signal) else [None]
        products: dict[Any, Polynomial] = {}  # shared by the points: same tables
        # (per axis: each axis's chain is of the statement read on that axis, rechecked alone)
        canonical = [] if derivation.per_axis else [derivation.canonical]
        for expr in _expressions(derivation) if every_step else canonical:
            if isinstance(expr, DslSide):
                continue
            for point in points:
                values = {} if point is None else {FREE_VARIABLE: point}
                expected = left.value_at(point) if point is not None else left
                got = evaluate_at(expr, tables, values, ndim, period, products)
                if got != as_polynomial(expected):  # canonical forms: equal iff same terms
                    raise RecheckError(f"{expr.text()} differs from the statement at "
                                       f"{FREE_VARIABLE} = {point}, sizes {sizes_of(assignment)}")
        derivation.rechecked.append(sizes_of(assignment))


def _expressions(derivation: Derivation) -> list[Expression | DslSide]:
    """Every expression of the chain, left side first, right side last (per axis: none of the
    statement's own; each axis's derivation has its chain)."""
    chain = [] if derivation.per_axis else derivation.steps
    return [chain[0].before] + [s.after for s in chain] if chain else []


def with_conjugates(env: dict[str, Signal]) -> dict[str, Signal]:
    """The signals and their complex conjugates (named ``f*``)."""
    conjugates = {conjugate_name(name): sig.map(lambda p: as_polynomial(p).conjugate())
                  for name, sig in env.items()}
    return {**env, **conjugates}


def _on_box(value: Any, period: tuple[int, ...]) -> bool:
    """Whether a value is a signal that vanishes outside [0, n)^d."""
    if not isinstance(value, Signal):
        return False
    box = set(itertools.product(*(range(n) for n in period)))
    return all(coord in box or as_polynomial(value.value_at(coord)).is_zero()
               for coord in value.coordinates())


def _points_around(signal: Signal) -> list[tuple[int, ...] | None]:
    ranges = [range(o - 1, o + n + 1) for o, n in zip(signal.origin, signal.shape, strict=True)]
    return list(itertools.product(*ranges))
