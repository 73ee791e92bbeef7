"""The independent checker of general-tier certificates (the trusted kernel of PROVED).

It imports nothing of the prover: only the statement parser (:mod:`symconv.lang.dsl`) and exact
integer/rational arithmetic.  From the statement alone it expands each side into its own flat sum
of terms ``c·Π_a n_a^(p_a) Σ_vars Π atoms · Π_a ω_a^(e_a) · Π [L ≡ 0 mod n_a]``, every vector
variable split into one integer variable per axis (``i.0``, ``i.1``; ``x.0`` is the free point).
The certificate then gives, for every term of each side, in the order of that expansion, steps:

- ``["map", forward, inverse]``: the re-indexing ``old = forward(new)``; the checker verifies
  ``inverse`` ∘ ``forward`` and ``forward`` ∘ ``inverse`` are the identity (integer coefficients
  both ways: a bijection of Z^k, hence of Z_n^k; on Z_n^d each axis maps to itself), substitutes;
- ``["orth", k]`` (on Z_n^d): k occurs in no atom and only linearly in the phase,
  ``Σ_{k∈Z_n} ω^(k·L) = n·[L ≡ 0 mod n]``;
- ``["collapse", v]``: an indicator ``[±v + r ≡ 0]`` fixes v: substitute ``v = ∓r`` (on Z_n^d
  the summand is n-periodic in v; on Z^d ``[±v + r = 0]`` is 1 at one point).  ``["point", x]``
  (on Z^d): the same for a free x, the indicator kept.  The ``"literals"`` are read with the
  entries the claim gives: ``D(p) = Σ_c v_c·Π_a [p_a = c_a]``.

Both sides must end with the same collected terms (sums are finite, so the order of summation is
immaterial).  On Z_n^d the claim is that of the model: every signal read modulo the common shape
n; that the model is the statement's meaning at the declared sizes is established separately,
from :mod:`symconv.core.ops`'s own box bookkeeping (``symconv.prove.general.periods_fit``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from symconv.lang.dsl import FUNCTIONS, BinOp, Call, Name, Neg, Node, Number, Statement, Str, integer_value

Aff = dict[str, int]  # integer affine form: variable -> coefficient, "1" the constant
Poly = dict[tuple[str, ...], int]  # phase exponent: sorted variable tuple (degree <= 2) -> coeff
Atom = tuple[str, bool, tuple[tuple[tuple[str, int], ...], ...]]  # name, conjugated, index/axis
CIRCULAR = frozenset({"circconv", "circcorr", "dft", "idft"})  # only on Z_n^d, period n
SIZES = frozenset({"numel", "len", "size"})  # n_1⋯n_d, n_1, n_axis: only on Z_n^d
PLANE = frozenset({"conv", "corr", "transpose", "trace"})  # only on Z^d


class CertificateError(ValueError):
    """The certificate does not establish the statement."""


@dataclass
class Term:
    coef: Fraction
    npow: tuple[int, ...]
    vars: list[str]
    atoms: list[Atom]
    phase: list[Poly]
    deltas: list[tuple[int, Aff]] = field(default_factory=list)


def _frozen(a: Aff) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((v, c) for v, c in a.items() if c))


def _add(a: Aff, b: Aff, k: int = 1) -> Aff:
    out = dict(a)
    for v, c in b.items():
        out[v] = out.get(v, 0) + k * c
    return {v: c for v, c in out.items() if c}


def _subst(a: Mapping[str, int], m: Mapping[str, Aff]) -> Aff:
    out: Aff = {}
    for v, c in a.items():
        out = _add(out, m.get(v, {v: 1}), c)
    return out


def _psubst(p: Poly, m: Mapping[str, Aff]) -> Poly:
    out: Poly = {}
    for key, c in p.items():
        factors = [m.get(v, {v: 1}) for v in key]
        products: Poly = {(): c}
        for f in factors:
            products = _pmul(products, {() if v == "1" else (v,): k for v, k in f.items()})
        out = _padd(out, products)
    return out


def _padd(p: Poly, q: Poly, k: int = 1) -> Poly:
    out = dict(p)
    for key, c in q.items():
        out[key] = out.get(key, 0) + k * c
    return {key: c for key, c in out.items() if c}


def _pmul(p: Poly, q: Poly) -> Poly:
    out: Poly = {}
    for a, c in p.items():
        for b, d in q.items():
            out = _padd(out, {tuple(sorted(a + b)): c * d})
    return out


def _dot(a: Aff, b: Aff) -> Poly:
    return _pmul({() if v == "1" else (v,): c for v, c in a.items()},
                 {() if v == "1" else (v,): c for v, c in b.items()})


def _axis(var: str) -> int:
    return int(var.rsplit(".", 1)[1])


class _Expander:
    def __init__(self, ndims: Mapping[str, int], real: frozenset[str], torus: int | None,
                 literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] | None = None) -> None:
        self.ndims, self.real, self.torus, self.count, self.literals = ndims, real, torus, 0, literals or {}

    def ndim(self, node: Node) -> int:
        if isinstance(node, Name):
            return self.ndims[node.id]
        if isinstance(node, Neg):
            return self.ndim(node.operand)
        if isinstance(node, BinOp):
            return max(self.ndim(node.left), self.ndim(node.right))
        if isinstance(node, Call) and node.func not in SIZES | {"sum", "frobenius", "trace"}:
            return self.ndim(node.args[0])
        return 0

    def one(self, coef: Fraction = Fraction(1)) -> Term:
        d = self.torus or 0
        return Term(coef, (0,) * d, [], [], [{} for _ in range(d)])

    def fresh(self, ndim: int) -> list[Aff]:
        name, self.count = f"v{self.count}", self.count + 1
        return [{f"{name}.{a}": 1} for a in range(ndim)]

    def bind(self, point: list[Aff], terms: list[Term]) -> list[Term]:
        names = [v for p in point for v in p]
        return [replace(t, vars=names + t.vars) for t in terms]

    def expand(self, node: Node, p: list[Aff] | None) -> list[Term]:
        if isinstance(node, Name):
            if p is None:
                raise CertificateError(f"signal {node.id} used as a number")
            if node.id in self.literals:
                return [replace(self.one(Fraction(v)), deltas=[(a, _add(q, {"1": -c[a]}))
                                                               for a, q in enumerate(p)])
                        for c, v in sorted(self.literals[node.id].items()) if v]
            return [replace(self.one(), atoms=[(node.id, False, tuple(_frozen(a) for a in p))])]
        if isinstance(node, Number):
            return [self.one(node.value)]
        if isinstance(node, Neg):
            return self.scale(self.expand(node.operand, p), Fraction(-1))
        if isinstance(node, BinOp):
            return self.binop(node, p)
        if isinstance(node, Call):
            return self.call(node, p)
        raise CertificateError(f"{type(node).__name__} is outside the checked fragment")

    def scale(self, terms: list[Term], c: Fraction) -> list[Term]:
        return [replace(t, coef=t.coef * c) for t in terms]

    def binop(self, node: BinOp, p: list[Aff] | None) -> list[Term]:
        if node.op in "+-":
            return self.expand(node.left, p) + self.scale(self.expand(node.right, p),
                                                          Fraction(1 if node.op == "+" else -1))
        if node.op == "*":
            left = self.expand(node.left, p if self.ndim(node.left) else None)
            return self.product(left, self.expand(node.right, p if self.ndim(node.right) else None))
        if node.op == "/" and isinstance(node.right, Number) and node.right.value:
            return self.scale(self.expand(node.left, p), 1 / node.right.value)
        if node.op == "/" and isinstance(node.right, Call) and node.right.func in SIZES:
            size = self.expand(node.right, None)[0]  # 1/n_a: the power of n_a negated
            return self.product(self.expand(node.left, p), [replace(size, npow=tuple(
                -e for e in size.npow))])
        if node.op == "@" and p is not None and self.torus is None:  # Σ_k A(x0, k)·B(k, x1)
            k = self.fresh(1)[0]
            left = self.expand(node.left, [p[0], k])
            return self.bind([k], self.product(left, self.expand(node.right, [k, p[1]])))
        raise CertificateError(f"operator {node.op} is outside the checked fragment")

    def product(self, left: list[Term], right: list[Term]) -> list[Term]:
        return [Term(a.coef * b.coef, tuple(x + y for x, y in zip(a.npow, b.npow, strict=True)),
                     a.vars + b.vars, a.atoms + b.atoms,
                     [_padd(x, y) for x, y in zip(a.phase, b.phase, strict=True)],
                     a.deltas + b.deltas) for a in left for b in right]

    def call(self, node: Call, p: list[Aff] | None) -> list[Term]:
        f, args = node.func, node.args
        ints = [integer_value(a) or 0 for a in args[FUNCTIONS[f].signals:]]
        ints += [integer_value(v) or 0 for k, v in node.kwargs if k == "axis"]
        for key, value in node.kwargs:
            if key != "axis" and not (isinstance(value, Str) and (key, value.value) in (("mode", "full"),
                                                                      ("boundary", "zero"))):
                raise CertificateError(f"{f} with {key} is outside the checked fragment")
        if (f in CIRCULAR and (self.torus is None or ints)) or (f in SIZES and self.torus is None) \
                or (f in PLANE and self.torus is not None):
            raise CertificateError(f"{f} is outside the checked fragment of this model")
        if f in SIZES:
            assert self.torus is not None
            axes = range(self.torus) if f == "numel" else [ints[0] % self.torus if ints else 0]
            return [replace(self.one(), npow=tuple(int(a in axes) for a in range(self.torus)))]
        if f == "conj":
            return [self.conj(t) for t in self.expand(args[0], p)]
        if f in ("sum", "frobenius", "trace"):
            d = self.ndim(args[0])
            k = self.fresh(1) * d if f == "trace" else self.fresh(d)
            terms = self.expand(args[0], k)
            if f == "frobenius":
                terms = self.product(terms, self.expand(args[1], k))
            return self.bind(k[:1] if f == "trace" else k, terms)
        if p is None:
            raise CertificateError(f"{f} is a signal used as a number")
        if f == "flip":
            axes = range(len(p)) if not ints else [ints[0] % len(p)]
            return self.expand(args[0], [_add({}, q, -1) if a in axes else q
                                         for a, q in enumerate(p)])
        if f == "shift":
            return self.expand(args[0], [_add(q, {"1": -(k or 0)}) for q, k in zip(p, ints,
                                                                                  strict=True)])
        if f == "transpose":
            return self.expand(args[0], p[::-1])
        if f == "hadamard":
            return self.product(self.expand(args[0], p), self.expand(args[1], p))
        k = self.fresh(len(p))
        if f in ("dft", "idft"):
            sign = 1 if f == "dft" else -1
            phase = [_padd({}, _dot(q, kk), sign) for q, kk in zip(p, k, strict=True)]
            terms = [replace(t, phase=[_padd(x, y) for x, y in zip(t.phase, phase, strict=True)],
                             npow=tuple(e - (f == "idft") for e in t.npow))
                     for t in self.expand(args[0], k)]
            return self.bind(k, terms)
        sign = -1 if f in ("conv", "circconv") else 1
        outer = [_add(q, kk, sign) for q, kk in zip(p, k, strict=True)]
        return self.bind(k, self.product(self.expand(args[0], k), self.expand(args[1], outer)))

    def conj(self, t: Term) -> Term:
        atoms = [(s, c if s in self.real else not c, i) for s, c, i in t.atoms]
        return replace(t, atoms=atoms, phase=[_padd({}, x, -1) for x in t.phase])


# --- the certificate steps ------------------------------------------------------------------

def _aff(data: Any) -> Aff:
    if not isinstance(data, dict) or not all(isinstance(v, str) and type(c) is int
                                             for v, c in data.items()):
        raise CertificateError(f"{data!r} is not an integer affine form")
    return {v: c for v, c in data.items() if c}


def _apply_map(t: Term, forward: Mapping[str, Aff], inverse: Mapping[str, Aff],
               torus: bool) -> Term:
    old, new = set(t.vars), set(inverse)
    free = {v for a in t.atoms for ax in a[2] for v, _ in ax} | {v for p in t.phase for k in p
                                                                  for v in k}
    free |= {v for _, d in t.deltas for v in d}
    free -= old | {"1"}
    if set(forward) != old or len(new) != len(old) or new & free or "1" in new:
        raise CertificateError("the map does not re-index exactly the summation variables")
    for target, source, allowed in ((forward, inverse, new), (inverse, forward, old)):
        for v, image in target.items():
            if set(image) - allowed - free - {"1"} or (torus and any(
                    u != "1" and _axis(u) != _axis(v) for u in image)):
                raise CertificateError(f"the image of {v} uses other variables or axes")
            if _subst(image, source) != {v: 1}:
                raise CertificateError(f"the inverse does not invert the map at {v}")
    return _substitute(t, forward, list(inverse))


def _substitute(t: Term, m: Mapping[str, Aff], variables: list[str]) -> Term:
    atoms = [(s, c, tuple(_frozen(_subst(dict(ax), m)) for ax in i)) for s, c, i in t.atoms]
    return replace(t, vars=variables, atoms=atoms, phase=[_psubst(p, m) for p in t.phase],
                   deltas=[(a, _subst(d, m)) for a, d in t.deltas])


def _orthogonality(t: Term, k: str) -> Term:
    if k not in t.vars or any(k == v for a in t.atoms for ax in a[2] for v, _ in ax) or any(
            k in d for _, d in t.deltas):
        raise CertificateError(f"{k} is not a summation variable free of the atoms")
    a = _axis(k)
    linear: Aff = {}
    rest: Poly = {}
    for key, c in t.phase[a].items():
        if key.count(k) > 1:
            raise CertificateError(f"the phase is quadratic in {k}")
        if k in key:
            other = [v for v in key if v != k]
            linear = _add(linear, {other[0] if other else "1": c})
        else:
            rest[key] = c
    phase = list(t.phase)
    phase[a] = rest
    npow = tuple(e + (b == a) for b, e in enumerate(t.npow))
    return replace(t, vars=[v for v in t.vars if v != k], phase=phase, npow=npow,
                   deltas=[*t.deltas, (a, linear)])


def _collapse(t: Term, v: str, torus: bool, point: bool = False) -> Term:
    for number, (a, d) in enumerate(t.deltas):
        c = d.get(v, 0)
        if (v in t.vars) != point and abs(c) == 1 and (a == _axis(v) or not torus):
            value = _add({}, _add(d, {v: -c}), -c)
            rest = t.deltas[:number] + t.deltas[number + 1:]
            done = _substitute(replace(t, deltas=rest), {v: value}, [u for u in t.vars if u != v])
            return replace(done, deltas=[*done.deltas, (a, d)]) if point else done
    raise CertificateError(f"no indicator fixes {v}")


def _run(t: Term, steps: Any, torus: bool) -> Term:
    if not isinstance(steps, list):
        raise CertificateError("the steps of a term must be a list")
    for step in steps:
        kind = step[0] if isinstance(step, list) and step else None
        if kind == "map" and len(step) == 3 and all(isinstance(s, dict) for s in step[1:]):
            t = _apply_map(t, {v: _aff(a) for v, a in step[1].items()},
                           {v: _aff(a) for v, a in step[2].items()}, torus)
        elif kind in ("orth", "collapse", "point") and (kind == "collapse" or (kind == "orth") == torus) \
                and len(step) == 2 and isinstance(step[1], str):
            t = _orthogonality(t, step[1]) if kind == "orth" else \
                _collapse(t, step[1], torus, kind == "point")
        else:
            raise CertificateError(f"unknown or malformed step {step!r}")
    return t


def _key(t: Term) -> tuple[Any, ...]:
    deltas = []
    for a, d in t.deltas:
        first = next((c for _, c in sorted(d.items()) if c), 0)
        deltas.append((a, _frozen(_add({}, d, -1 if first < 0 else 1))))
    return (tuple(sorted(t.vars)), t.npow, tuple(sorted(t.atoms)),
            tuple(tuple(sorted(p.items())) for p in t.phase), tuple(sorted(deltas)))


def normal_form(terms: list[Term]) -> dict[tuple[Any, ...], Fraction]:
    collected: dict[tuple[Any, ...], Fraction] = {}
    for t in terms:
        key = _key(t)
        collected[key] = collected.get(key, Fraction(0)) + t.coef
    return {k: c for k, c in collected.items() if c}


def expand_side(node: Node, ndims: Mapping[str, int], real: frozenset[str], torus: int | None,
                signal: bool, literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] | None = None
                ) -> list[Term]:
    expander = _Expander(ndims, real, torus, literals)
    point = [{f"x.{a}": 1} for a in range(expander.ndim(node))] if signal else None
    return expander.expand(node, point)


def check(statement: Statement, ndims: Mapping[str, int], real: frozenset[str],
          certificate: Mapping[str, Any],
          literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] | None = None) -> None:
    """Accept (return None) or raise CertificateError.

    ``ndims``: each declared signal's number of axes; ``real``: the signals with
    real entries (conj leaves them alone); ``literals``: the concrete entries
    (coordinate -> value) of signals declared with them.  Malformed data is rejected,
    never raised.
    """
    try:
        _check(statement, ndims, real, certificate, literals or {})
    except CertificateError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise CertificateError(f"malformed certificate: {type(exc).__name__}: {exc}") from None


def _check(statement: Statement, ndims: Mapping[str, int], real: frozenset[str],
           certificate: Mapping[str, Any],
           literals: Mapping[str, Mapping[tuple[int, ...], Fraction]]) -> None:
    if statement.op != "==":
        raise CertificateError("only == statements are proved")
    model = certificate.get("model")
    if model not in ("Z^d", "Z_n^d"):
        raise CertificateError(f"unknown model {model!r}")
    torus = len(set(ndims.values())) == 1 and model == "Z_n^d"
    if model == "Z_n^d" and not torus:
        raise CertificateError("Z_n^d needs signals of one dimension")
    d = next(iter(ndims.values())) if torus else None
    sides = certificate.get("sides")
    if not isinstance(sides, list) or len(sides) != 2:
        raise CertificateError("a certificate has two sides")
    expanded = certificate.get("literals", [])
    if not isinstance(expanded, list) or (expanded and torus) or any(
            name not in literals or any(len(c) != ndims[name] for c in literals[name])
            for name in expanded):
        raise CertificateError("the certificate reads entries the claim does not give")
    probe = _Expander(ndims, real, d)
    signal = [probe.ndim(statement.left) > 0, probe.ndim(statement.right) > 0]
    if signal[0] != signal[1]:
        raise CertificateError("a signal is compared with a number")
    forms = []
    for node, side in zip((statement.left, statement.right), sides, strict=True):
        terms = expand_side(node, ndims, real, d, signal[0], {n: literals[n] for n in expanded})
        steps = side.get("terms") if isinstance(side, dict) else None
        if not isinstance(steps, list) or len(steps) != len(terms):
            raise CertificateError(f"the side has {len(terms)} terms; the certificate "
                                   f"gives steps for {len(steps) if isinstance(steps, list) else 0}")
        forms.append(normal_form([_run(t, s.get("steps") if isinstance(s, dict) else None, torus)
                                  for t, s in zip(terms, steps, strict=True)]))
    if forms[0] != forms[1]:
        raise CertificateError("the two sides have different normal forms")
