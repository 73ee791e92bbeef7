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
  (on Z^d): the same for a free x, the indicator kept.  The ``"literals"`` (Z^d) are read with the
  entries the claim gives: ``D(p) = Σ_c v_c·Π_a [p_a = c_a]``.

Modes and boundaries (Z^d, with the declared shapes): a crop is the indicator atom of the
ops output box, computed here from symbolic boxes (origin o, size n per signal and axis,
shared by signals declared alike when the certificate says ``tied``); a boundary other
than zero reads the image through one extension atom; indicators are idempotent.  With
``padded`` (Z_n^d), n is the common zeropad length N, zeropad(a, N) reads as a and
conv/corr as the circular operations, and each side must lie on [0, N)^d with its
values mod N (:func:`padded_period`, linear arithmetic on the sizes).

Both sides must end with the same collected terms (sums are finite, so the order of summation is
immaterial).  On Z_n^d the claim is that of the model: every signal read modulo the common shape
n; that the model is the statement's meaning at the declared sizes is established separately,
from :mod:`symconv.core.ops`'s own box bookkeeping (``symconv.prove.recheck.periods_fit``).
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


Box = list[tuple[Aff, Aff]]  # per axis inclusive (lo, hi), affine in size symbols
INDICATOR = "box "  # the atom of a crop's indicator 𝟙_B; "S|b": S extended by boundary b


def declared_boxes(declared: Mapping[str, Any], tied: bool) -> dict[str, Box]:
    """Symbolic boxes from each signal's declared ``(shape, origin)`` specs: origin o (or the
    declared one) and size n per axis, shared (``tied``) by signals declared alike."""
    first: dict[Any, str] = {}
    boxes = {}
    for name, specs in declared.items():
        rep = first.setdefault(tuple(map(tuple, specs)), name) if tied else name
        shape, origin = specs[0]
        origin = origin if all(o == origin for _, o in specs) else None
        boxes[name] = [({f"o:{rep}.{a}": 1} if origin is None else {"1": origin[a]},
                        _add({f"o:{rep}.{a}": 1} if origin is None else {"1": origin[a]},
                             {f"n:{rep}.{a}": 1, "1": -1})) for a in range(len(shape))]
    return boxes


def _nonneg(f: Aff) -> bool:
    """f ≥ 0 for all sizes n ≥ 1 and origins o (independent symbols)."""
    return all(c >= 0 and v.startswith("n:") for v, c in f.items() if v != "1") and \
        sum(f.values()) >= 0


def _size(node: Node, ndims: Mapping[str, int]) -> Aff:
    """A zeropad length (integers, len/size of named signals, + − and integer multiples)."""
    if integer_value(node) is not None:
        return {"1": integer_value(node) or 0}
    if isinstance(node, Call) and node.func in ("len", "size") and isinstance(node.args[0], Name):
        axis = integer_value(node.args[1]) if node.func == "size" else 0
        if axis is None or not 0 <= axis < ndims[node.args[0].id]:
            raise CertificateError("a size axis that does not exist")
        return {f"n:{node.args[0].id}.{axis}": 1}
    if isinstance(node, BinOp) and node.op in "+-":
        return _add(_size(node.left, ndims), _size(node.right, ndims), 1 if node.op == "+" else -1)
    if isinstance(node, BinOp) and node.op == "*" and integer_value(node.left) is not None:
        return _add({}, _size(node.right, ndims), integer_value(node.left) or 0)
    raise CertificateError("a zeropad length outside the checked fragment")


def _on_box(node: Node, origins: Mapping[str, Any], argument: bool = False) -> bool:
    """ops puts ``node`` on [0, N)^d with its values mod N: circular results (of such signals
    or, as arguments, zeropad of a signal at origin 0), their products and combinations."""
    if isinstance(node, Call) and node.func == "zeropad":
        return argument and isinstance(node.args[0], Name) and origins.get(node.args[0].id) == 0
    if isinstance(node, Call) and node.func in CIRCULAR | {"hadamard", "conj"}:
        return len(node.args) == FUNCTIONS[node.func].signals and not node.kwargs and all(
            _on_box(a, origins, node.func in CIRCULAR) for a in node.args)
    if isinstance(node, Neg):
        return _on_box(node.operand, origins)
    if isinstance(node, BinOp) and node.op in "+-*":
        sides = [_on_box(n, origins) for n in (node.left, node.right)]
        scaled = node.op == "*" and any(isinstance(n, Number) for n in (node.left, node.right))
        return all(sides) or (scaled and any(sides))
    return isinstance(node, BinOp) and node.op == "/" and isinstance(node.right, Number) and \
        bool(node.right.value) and _on_box(node.left, origins)


def padded_period(statement: Statement, declared: Mapping[str, Any]) -> list[Aff]:
    """N per axis, every zeropad's lengths; each zeropad fits, and each side lies on [0, N)^d
    and equals its reading mod N (on the box, or its box inside [0, N)^d)."""
    ndims = {name: len(specs[0][0]) for name, specs in declared.items()}
    expander = _Expander(ndims, frozenset(), None, declared_boxes(declared, False))
    nodes = [n for side in (statement.left, statement.right) for n in _nodes(side)]
    pads = [n for n in nodes if isinstance(n, Call) and n.func == "zeropad"]
    if not pads or any(isinstance(n, Call) and n.func in SIZES for side in (statement.left,
                       statement.right) for n in _nodes(side, skip="zeropad")):
        raise CertificateError("no zeropad, or a size function outside a zeropad length")
    period = [_size(a, ndims) for a in pads[0].args[1:]]
    for pad in pads:
        box = expander.box(pad.args[0])
        if [_size(a, ndims) for a in pad.args[1:]] != period or not all(
                _nonneg(_add(_add(_add(n, hi, -1), lo), {"1": -1})) for n, (lo, hi) in zip(
                    period, box, strict=True)):
            raise CertificateError("zeropads of different lengths, or one shorter than its signal")
    origins = {name: 0 for name, specs in declared.items()
               if all(o is not None and not any(o) for _, o in specs)}
    for side in (statement.left, statement.right):
        if not _on_box(side, origins) and not all(
                _nonneg(lo) and _nonneg(_add(_add(n, hi, -1), {"1": -1}))
                for n, (lo, hi) in zip(period, expander.box(side), strict=True)):
            raise CertificateError("a side that is not on [0, N)")
    return period


def _nodes(node: Node, skip: str = "") -> list[Node]:
    if isinstance(node, Call):
        inner = node.args[:1] if node.func == skip else node.args + tuple(v for _, v in node.kwargs)
        return [node] + [n for a in inner for n in _nodes(a, skip)]
    if isinstance(node, BinOp):
        return [node, *_nodes(node.left, skip), *_nodes(node.right, skip)]
    return [node, *_nodes(node.operand, skip)] if isinstance(node, Neg) else [node]


class _Expander:
    def __init__(self, ndims: Mapping[str, int], real: frozenset[str], torus: int | None,
                 boxes: Mapping[str, Box] | None = None, padded: bool = False,
                 literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] | None = None) -> None:
        self.ndims, self.real, self.torus, self.count = ndims, real, torus, 0
        self.boxes, self.padded, self.literals = boxes, padded, literals or {}

    def box(self, node: Node) -> Box:
        """The box ops gives the value of ``node`` (symconv.core.ops: flip, shift, _output_box)."""
        if isinstance(node, Name) and self.boxes is not None and node.id in self.boxes:
            return self.boxes[node.id]
        if isinstance(node, Call) and node.func == "shift":
            ks = [integer_value(a) for a in node.args[1:]]
            if None in ks:
                raise CertificateError("a shift offset is not an integer")
            return [(_add(lo, {"1": k or 0}), _add(hi, {"1": k or 0}))
                    for (lo, hi), k in zip(self.box(node.args[0]), ks, strict=True)]
        if isinstance(node, Call) and node.func == "upsample":  # strides (lattice): s times the box
            return [(_add({}, lo, s or 0), _add({}, hi, s or 0)) for (lo, hi), s in zip(
                self.box(node.args[0]), [integer_value(a) for a in node.args[1:]], strict=True)]
        if isinstance(node, Call) and node.func in ("conv", "corr", "flip") and node.args:
            inner = self.box(node.args[-1] if node.func != "flip" else node.args[0])
            if node.func == "flip":
                axes = [integer_value(a) for a in node.args[1:]] + [
                    integer_value(v) for k, v in node.kwargs if k == "axis"]
                if None in axes:
                    raise CertificateError("a flip axis is not an integer")
                flipped = [a % len(inner) for a in axes if a is not None] or range(len(inner))
                return [(_add({}, hi, -1), _add({}, lo, -1)) if a in flipped else (lo, hi)
                        for a, (lo, hi) in enumerate(inner)]
            kernel, mode = self.box(node.args[0]), self.options(node)[0]
            out = []
            for (klo, khi), (lo, hi) in zip(kernel, inner, strict=True):
                if node.func == "corr":  # the offsets x − input
                    klo, khi = _add({}, khi, -1), _add({}, klo, -1)
                out.append({"full": (_add(lo, klo), _add(hi, khi)), "same": (lo, hi),
                            "valid": (_add(lo, khi), _add(hi, klo))}[mode])
            return out
        raise CertificateError("a box outside the checked fragment")

    def options(self, node: Call) -> tuple[str, str]:
        found = {"mode": "full", "boundary": "zero"} | {k: v.value for k, v in node.kwargs
                                                         if isinstance(v, Str)}
        aliases = {"fill": "zero", "constant": "zero", "symm": "reflect", "circular": "wrap"}
        mode, boundary = found["mode"], aliases.get(found["boundary"], found["boundary"])
        if len(found) != 2 or mode not in ("full", "same", "valid") or \
                boundary not in ("zero", "wrap", "reflect", "mirror", "nearest"):
            raise CertificateError(f"{node.func} with unknown options")
        return mode, boundary

    def cropped(self, node: Call, p: list[Aff]) -> list[Term]:
        """𝟙_B(x)·Σ_k a(k)·b⟨boundary⟩(x ∓ k): B the mode's box; valid mode does not extend."""
        mode, boundary = self.options(node)
        box = self.box(node)
        name = INDICATOR + repr([(_frozen(lo), _frozen(hi)) for lo, hi in box])
        self.real = self.real | {name}
        k = self.fresh(len(p))
        outer = [_add(q, kk, -1 if node.func == "conv" else 1) for q, kk in zip(p, k, strict=True)]
        image = node.args[1]
        kernel = self.expand(node.args[0], k)  # before the image: the order unfold creates sums
        if boundary == "zero" or mode == "valid":
            terms = self.expand(image, outer)
        elif isinstance(image, Name):
            ext = f"{image.id}|{boundary}"
            self.real = self.real | ({ext} if image.id in self.real else set())
            terms = [replace(self.one(), atoms=[(ext, False, tuple(_frozen(a) for a in outer))])]
        else:
            raise CertificateError("the extension of an expression is outside the fragment")
        body = self.bind(k, self.product(kernel, terms))
        return self.product([replace(self.one(), atoms=[(name, False, tuple(map(_frozen, p)))])],
                            body)

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
        if f in ("conv", "corr") and self.boxes is not None and p is not None and \
                self.options(node) != ("full", "zero"):
            return self.cropped(node, p)
        if self.padded and (f in SIZES or node.kwargs):
            raise CertificateError(f"{f} is outside the checked fragment of Z_N^d")
        if self.padded and f == "zeropad":  # zeropad(a, N) read mod N is a mod N
            return self.expand(args[0], p)
        if self.padded and f in ("conv", "corr"):  # read mod N: the circular operation
            f = "circ" + f
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
        if f in ("downsample", "upsample"):
            return self.resampled(node, p, ints)
        if f not in ("conv", "corr", "circconv", "circcorr", "dft", "idft"):
            raise CertificateError(f"{f} is outside the checked fragment")
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

    # --- strides and dilations (lattice): on Z^d only, one positive factor s_a per axis ---
    def resampled(self, node: Call, p: list[Aff], factors: list[int]) -> list[Term]:
        """downsample(a, s)(p) = a(s·p); upsample(a, s)(p) = Σ_j a(j)·Π_a [p_a − s_a·j_a = 0]."""
        if self.torus is not None or self.padded or len(factors) != len(p) or min(factors) < 1:
            raise CertificateError(f"{node.func} is outside the checked fragment of this model")
        if node.func == "downsample":
            return self.expand(node.args[0], [_add({}, q, s) for q, s in zip(p, factors, strict=True)])
        j = self.fresh(len(p))
        return self.bind(j, [replace(t, deltas=t.deltas + [(a, _add(q, jj, -s)) for a, (q, jj, s)
                                                           in enumerate(zip(p, j, factors, strict=True))])
                             for t in self.expand(node.args[0], j)])

    @staticmethod
    def divide(t: Term) -> Term:
        """The step ["divide"]: [g·L + k = 0] = [L + k/g = 0] on Z^d (L integer), g the gcd of
        the variables' coefficients; the term is 0 where g does not divide k."""
        deltas, coef = [], t.coef
        for a, d in t.deltas:
            g = 0
            for v, c in d.items():
                while c and v != "1":  # Euclid: g = gcd(g, c)
                    g, c = c, g % c
            if abs(g) > 1:
                coef = coef if d.get("1", 0) % g == 0 else Fraction(0)
                d = {v: c // abs(g) for v, c in d.items()}
            deltas.append((a, d))
        return replace(t, coef=coef, deltas=deltas)
    # --- end of strides and dilations ---

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
        elif kind == "divide" and len(step) == 1 and not torus:
            t = _Expander.divide(t)
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
    atoms = [a for n, a in enumerate(t.atoms) if not (a[0].startswith(INDICATOR) and a in t.atoms[:n])]
    return (tuple(sorted(t.vars)), t.npow, tuple(sorted(atoms)),
            tuple(tuple(sorted(p.items())) for p in t.phase), tuple(sorted(deltas)))


def normal_form(terms: list[Term]) -> dict[tuple[Any, ...], Fraction]:
    collected: dict[tuple[Any, ...], Fraction] = {}
    for t in terms:
        key = _key(t)
        collected[key] = collected.get(key, Fraction(0)) + t.coef
    return {k: c for k, c in collected.items() if c}


def expand_side(node: Node, ndims: Mapping[str, int], real: frozenset[str], torus: int | None,
                signal: bool, boxes: Mapping[str, Box] | None = None, padded: bool = False,
                literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] | None = None) -> list[Term]:
    expander = _Expander(ndims, real, torus, boxes, padded, literals)
    point = [{f"x.{a}": 1} for a in range(expander.ndim(node))] if signal else None
    return expander.expand(node, point)


def check(statement: Statement, ndims: Mapping[str, int], real: frozenset[str],
          certificate: Mapping[str, Any], declared: Mapping[str, Any] | None = None,
          literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] | None = None) -> None:
    """Accept (return None) or raise CertificateError.

    ``ndims``: each declared signal's number of axes; ``real``: the signals with
    real entries (conj leaves them alone); ``declared``: each signal's declared (shape,
    origin) specs, needed for modes and boundaries (certificate ``tied``: signals declared
    alike share sizes); ``literals``: the concrete entries (coordinate -> value) of signals
    declared with them.  Malformed data is rejected, never raised.
    """
    try:
        _check(statement, ndims, real, certificate, declared, literals or {})
    except CertificateError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise CertificateError(f"malformed certificate: {type(exc).__name__}: {exc}") from None


def signal_side(statement: Statement, ndims: Mapping[str, int]) -> bool:
    return _Expander(ndims, frozenset(), None).ndim(statement.left) > 0


def _check(statement: Statement, ndims: Mapping[str, int], real: frozenset[str],
           certificate: Mapping[str, Any], declared: Mapping[str, Any] | None,
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
    padded = certificate.get("padded") is True
    if padded and (not torus or declared is None or not signal_side(statement, ndims)):
        raise CertificateError("a padded model needs signals of one dimension, declared shapes")
    if padded:
        padded_period(statement, declared or {})
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
        boxes = None if declared is None or torus else \
            declared_boxes(declared, certificate.get("tied") is True)
        terms = expand_side(node, ndims, real, d, signal[0], boxes, padded,
                            {n: literals[n] for n in expanded})
        steps = side.get("terms") if isinstance(side, dict) else None
        if not isinstance(steps, list) or len(steps) != len(terms):
            raise CertificateError(f"the side has {len(terms)} terms; the certificate "
                                   f"gives steps for {len(steps) if isinstance(steps, list) else 0}")
        forms.append(normal_form([_run(t, s.get("steps") if isinstance(s, dict) else None, torus)
                                  for t, s in zip(terms, steps, strict=True)]))
    if forms[0] != forms[1]:
        raise CertificateError("the two sides have different normal forms")
