"""The independent checker of general-tier certificates: the trusted kernel of PROVED.

It imports only the statement parser and exact arithmetic.  From the claim alone -- its statement
and declared signals (:class:`Declared`: shape, origin, realness, fixed entries) -- it expands each
side into a flat sum of terms ``c·Π_a n_a^(p_a) Σ_vars Π atoms·Π_a ω_a^(e_a)·Π [L = 0]`` (an atom
is a signal read at an integer affine index; vector variables split per axis: ``i.0``, ``i.1``,
``x.0`` the free point; on Z_n^d an indicator is [L ≡ 0 mod n_a] and a variable's axis names its
period n_l, so a transpose's variables are ``i.1``, ``i.0``).  The certificate only witnesses: for
every term, in the order of that expansion, steps that are equalities (:func:`_run`):

- ``["map", forward, inverse]``: old = forward(new); both compositions must be the identity with
  integer coefficients, a bijection of Z^k (on Z_n^d each variable keeps its period);
- ``["orth", k]`` (Z_n^d): k in no atom and linear in the phase: Σ_k ω^(k·L) = n·[L ≡ 0 mod n];
- ``["collapse", v]``: an indicator [±v + r = 0] fixes v; ``["point", x]`` (Z^d) does the same for
  the free point and keeps the indicator;
- ``["divide"]``, ``["divide", a]`` (Z^d): indicators (of axis a) divided by their coefficients' gcd.

Both sides must then collect to the same terms, after ``"peel": k`` strips k common outer
functions of a signal from them (:func:`_peel`).  The model the certificate names is verified
from the declared signals to be what :mod:`symconv.core.ops` computes:

- ``"Z^d"``: finite supports.  ``"literals"`` names signals read with the claim's entries,
  D(p) = Σ_c v_c·Π_a [p_a = c_a].  A crop multiplies by the indicator of ops' output box (an atom
  per face, 1 beside a signal whose box implies it), from symbolic boxes (size n, origin as
  declared else o; ``"tied"``: shared by signals declared alike); a boundary reads each signal
  of the image through one extension atom S|b, a sub-expression it does not pass through (a crop,
  a union of boxes) as one atom X|b, X its text (real if X's signals are), or as the expansion of
  Z where ``"lemmas"`` prove Z == X on its box (:func:`_aliases`; on both sides or one).
- ``"Z_n^d"``: signals read modulo the common shape n.  For every n and origin (symbolic boxes,
  so at the declared sizes): the statement is circular, all signals have one shape, each circular
  operation and size is of a signal on a box of shape n (periodize(a, n) is a), each pointwise
  product is of signals on one box, each signal side lies on [0, n)^d (:meth:`_Expander.box`).
  ``"square"``: one period n for all axes (a transpose keeps the periods; one phase, one power
  of n), only for signals n×⋯×n at every declared size.
- ``"padded"``: Z_N^d, N the common zeropad length: zeropad(a, N) is a, conv and corr are
  circular; the same conditions with N (a product may be of signals on one box at most N
  long: reading mod N keeps it), and no zeropad shorter than its signal, for all sizes or for
  those where each of the ``"hypotheses"`` h ≥ 0 holds (the verdict states them; when the
  claim states assumptions, only those), signals ``"tied"`` or not; an integer N makes each
  power n_a^p the number N_a^p; a name that is no signal is the claim's integer, a size.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, NamedTuple

from symconv.lang import dsl
from symconv.lang.dsl import BinOp, Call, Name, Neg, Node, Number, Str

Aff = dict[str, int]  # integer affine form: variable -> coefficient, "1" the constant; in a
# phase (degree <= 2), monomials such as "v0.0*x.0"
Atom = tuple[str, bool, tuple[tuple[tuple[str, int], ...], ...]]  # name, conjugated, index/axis
Box = list[tuple[Aff, Aff]]  # per axis inclusive (lo, hi), affine in size/origin symbols; [] a number
CIRCULAR = frozenset({"circconv", "circcorr", "dft", "idft", "periodize"})  # Z_n^d only, period n
SIZES = frozenset({"numel", "len", "size"})  # n_1⋯n_d, n_1, n_axis: only on Z_n^d
SCALAR = SIZES | {"sum", "frobenius", "trace"}
UNREAD = {"Z^d": CIRCULAR | SIZES,  # the operations a model does not read (Z_N^d: padded Z_n^d)
          "Z_n^d": frozenset({"conv", "corr", "trace", "downsample", "upsample"}),
          "Z_N^d": SIZES | {"transpose", "trace", "downsample", "upsample"}}
INDICATOR = "box "  # the atom [f ≥ 0] of a face of a crop's box; "S|b": S extended by boundary b
BOUNDARIES = {"zero": "zero", "fill": "zero", "constant": "zero", "wrap": "wrap", "circular": "wrap",
              "reflect": "reflect", "symm": "reflect", "mirror": "mirror", "nearest": "nearest"}


class CertificateError(ValueError):
    """The certificate does not establish the statement."""


def _need(condition: object, why: str) -> None:
    if not condition:
        raise CertificateError(why)


class Declared(NamedTuple):
    """One declared spec of a signal, as plain data: its shape, the origin ops places it at
    (``centred``: the claim gives none and ops centres the box; on Z^d a proof then holds for
    every origin), whether its entries are real, and its fixed entries (coordinate -> value)."""

    shape: tuple[int, ...]
    origin: tuple[int, ...]
    real: bool = True
    entries: Mapping[tuple[int, ...], Fraction] | None = None
    centred: bool = False


@dataclass
class Term:
    coef: Fraction
    npow: tuple[int, ...]
    vars: list[str]
    atoms: list[Atom]
    phase: list[Aff]
    deltas: list[tuple[int, Aff]] = field(default_factory=list)


def _frozen(a: Aff) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((v, c) for v, c in a.items() if c))


def _add(a: Mapping[str, int], b: Mapping[str, int], k: int = 1) -> Aff:
    out = dict(a)
    for v, c in b.items():
        out[v] = out.get(v, 0) + k * c
    return {v: c for v, c in out.items() if c}


def _neg(a: Aff) -> Aff:
    return _add({}, a, -1)


def _const(c: int) -> Aff:
    return {"1": c} if c else {}


def _mul(p: Aff, q: Aff) -> Aff:
    out: Aff = {}
    for (a, c), (b, d) in itertools.product(p.items(), q.items()):
        key = "*".join(sorted(v for v in f"{a}*{b}".split("*") if v != "1")) or "1"
        out[key] = out.get(key, 0) + c * d
    return {v: c for v, c in out.items() if c}


def _subst(p: Mapping[str, int], m: Mapping[str, Aff]) -> Aff:
    out: Aff = {}
    for key, c in p.items():
        product = {"1": c}
        for v in key.split("*"):
            product = _mul(product, m.get(v, {v: 1}))
        out = _add(out, product)
    return out


def _axis(var: str) -> int:
    return int(var.rsplit(".", 1)[1])


def _axes(ints: list[int], d: int) -> set[int]:
    """The axes a flip turns: the one given (negative counts from the end), else all."""
    _need(all(-d <= a < d for a in ints), "a flip axis that does not exist")
    return {a % d for a in ints} if ints else set(range(d))


def _shape(box: Box) -> list[Aff]:
    return [_add(_add(hi, lo, -1), _const(1)) for lo, hi in box]


# The re-indexings: op(a)(p) = a(index(p, ints)), and the box ops gives op(a) from a's box.
REINDEX: dict[str, tuple[Callable[[list[Aff], list[int]], list[Aff]], Callable[[Box, list[int]], Box]]] = {
    "flip": (lambda p, ints: [_neg(q) if a in _axes(ints, len(p)) else q for a, q in enumerate(p)],
             lambda box, ints: [(_neg(hi), _neg(lo)) if a in _axes(ints, len(box)) else (lo, hi)
                                for a, (lo, hi) in enumerate(box)]),
    "shift": (lambda p, ints: [_add(q, _const(-k)) for q, k in zip(p, ints, strict=True)],
              lambda box, ints: [(_add(lo, _const(k)), _add(hi, _const(k)))
                                 for (lo, hi), k in zip(box, ints, strict=True)]),
    "transpose": (lambda p, ints: p[::-1], lambda box, ints: box[::-1]),
}
SLIDING = {"conv": -1, "corr": 1, "circconv": -1, "circcorr": 1}  # Σ_k a(k)·b(p + sign·k)
FOURIER = {"dft": 1, "idft": -1}  # Σ_k a(k)·ω^(sign·p·k), idft with 1/n per axis


def _nonneg(f: Aff) -> bool:
    """f ≥ 0 for all sizes n ≥ 1 and origins o (independent symbols)."""
    return all(c >= 0 and v.startswith("n:") for v, c in f.items() if v != "1") and sum(f.values()) >= 0


def _size(node: Node, ndims: Mapping[str, int], torus: bool = False, square: bool = False) -> Aff:
    """A length (integers, len/size of named signals, + − and integer multiples) in the size
    symbols of declared_boxes (``torus``: one size n for all signals, ``square``: for all axes)."""
    if dsl.integer_value(node) is not None:
        return _const(dsl.integer_value(node) or 0)
    if isinstance(node, Name) and node.id not in ndims:  # an integer of the claim: a size n ≥ 1
        return {f"n:{node.id}.0": 1}
    if isinstance(node, Call) and node.func in ("len", "size") and isinstance(node.args[0], Name):
        axis = dsl.integer_value(node.args[1]) if node.func == "size" else 0
        _need(axis is not None and 0 <= axis < ndims[node.args[0].id], "a size axis that does not exist")
        return {f"n:{'torus' if torus else node.args[0].id}.{0 if square else axis}": 1}
    if isinstance(node, BinOp) and node.op in "+-":
        left, right = (_size(side, ndims, torus, square) for side in (node.left, node.right))
        return _add(left, right, 1 if node.op == "+" else -1)
    if isinstance(node, BinOp) and node.op == "*" and dsl.integer_value(node.left) is not None:
        return _add({}, _size(node.right, ndims, torus, square), dsl.integer_value(node.left) or 0)
    raise CertificateError("a length outside the checked fragment")


def declared_boxes(signals: Mapping[str, Sequence[Declared]], tied: bool, torus: bool = False,
                   read: Sequence[str] = (), square: bool = False) -> dict[str, Box]:
    """Per signal and axis the declared origin (else a symbol o) and a size symbol n, shared
    (``tied``) by signals of one identical declaration (one spec: equal at every declared size).
    ``torus``: one size n for all signals, so centred origins (a function of n) are one symbol;
    ``square``: one for all axes too.
    A signal ``read`` with its entries has its one spec's box."""
    first: dict[Any, str] = {}
    boxes = {}
    for name, specs in signals.items():
        key = (specs[0].shape, specs[0].origin, specs[0].centred)
        rep = first.setdefault(key, name) if tied and len(specs) == 1 else name
        origins = {None if s.centred else s.origin for s in specs}
        origin = origins.pop() if len(origins) == 1 else name  # name: the specs differ
        o, n = ("" if origin is None else name, "torus") if torus else (rep, rep)
        los = [_const(origin[a]) if isinstance(origin, tuple) else {f"o:{o}.{a}": 1}
               for a in range(len(key[0]))]
        boxes[name] = [(lo, _add(lo, {f"n:{n}.{0 if square else a}": 1, "1": -1}))
                       for a, lo in enumerate(los)]
        if name in read:
            boxes[name] = [(_const(o), _const(o + k - 1)) for o, k in zip(key[1], key[0], strict=True)]
    return boxes


@dataclass
class _Expander:
    ndims: Mapping[str, int]
    real: frozenset[str]
    torus: int | None = None  # d on Z_n^d
    boxes: Mapping[str, Box] = field(default_factory=dict)
    padded: bool = False  # Z_N^d: zeropad(a, N) is a, conv and corr are circular
    literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] = field(default_factory=dict)
    period: list[Aff] | None = None  # the box conditions of Z_n^d (n) or Z_N^d (N)
    square: bool = False  # Z_n^d with one period n for all axes
    count: int = 0
    extension: str = ""  # inside a crop's image: the boundary that extends each signal
    hypotheses: Sequence[Aff] = ()  # Z_N^d: the certificate's conditions h ≥ 0 on the sizes
    aliases: Mapping[str, Node] = field(default_factory=dict)  # E(Y) read as E(X), Y = X (lemmas)
    numbers: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # Z_N^d: integer -> n_a
    # axes of each node asked for (by id, with the node kept alive): the recursion asks again
    known: dict[int, tuple[Node, list[int]]] = field(default_factory=dict)

    def holds(self, f: Aff) -> bool:
        """f ≥ 0 for all sizes, or for those where a hypothesis h ≥ 0 holds and f − h ≥ 0."""
        return _nonneg(f) or any(_nonneg(_add(f, h, -1)) for h in self.hypotheses)

    def ints(self, node: Call) -> list[int]:
        """The integer arguments (and a flip's axis keyword)."""
        ints = [dsl.integer_value(a) for a in node.args[dsl.FUNCTIONS[node.func].signals:]]
        ints += [dsl.integer_value(v) for k, v in node.kwargs if k == "axis"]
        _need(None not in ints, f"{node.func} with an argument that is not an integer")
        return [i for i in ints if i is not None]

    def options(self, node: Call) -> tuple[str, str]:
        found = {"mode": "full", "boundary": "zero"} | {
            k: v.value if isinstance(v, Str) else "" for k, v in node.kwargs}
        mode, boundary = found["mode"], BOUNDARIES.get(found["boundary"], "")
        _need(len(found) == 2 and mode in ("full", "same", "valid") and boundary,
              f"{node.func} with unknown options")
        return mode, boundary

    def box(self, node: Node) -> Box:
        """The box :mod:`symconv.core.ops` gives the value of ``node``.  With a ``period`` P, also
        the conditions under which the model Z_P^d is what ops computes."""
        if isinstance(node, Number | Neg):
            return self.box(node.operand) if isinstance(node, Neg) else []
        if isinstance(node, Name):
            return self.boxes[node.id] if node.id in self.ndims else []  # else an integer
        if isinstance(node, BinOp) and node.op in "+-*/":
            left, right = self.box(node.left), self.box(node.right)
            if not left or not right:
                return left or right
            return self.union(left, right) if node.op in "+-" else self.same(left, right, node.left)
        if not isinstance(node, Call):
            raise CertificateError("a box outside the checked fragment")
        f, period = node.func, self.period or []
        inner = [self.box(a) for a in node.args[:dsl.FUNCTIONS[f].signals]]
        _need(f not in SIZES or not period or _shape(inner[0]) == self.periods(node.args[0]),  # read as n
              f"{f} of a signal whose box is not of shape n (ops gives the box's size)")
        if f in SCALAR | {"conj", "hadamard"}:
            product = self.same(inner[0], inner[-1], node.args[0]) if f in ("frobenius", "hadamard") \
                else inner[0]
            return [] if f in SCALAR else product
        if f == "upsample":  # strides (lattice): s times the box
            return [(_add({}, lo, s), _add({}, hi, s))
                    for (lo, hi), s in zip(inner[0], self.ints(node), strict=True)]
        if f in REINDEX:
            return REINDEX[f][1](inner[0], self.ints(node))
        if f == "zeropad" and period:
            _need([_size(a, self.ndims) for a in node.args[1:]] == period and all(
                self.holds(_add(n, s, -1)) for n, s in zip(period, _shape(inner[0]), strict=True)),
                "zeropads of different lengths, or one shorter than its signal")
            return [(lo, _add(lo, _add(n, _const(-1)))) for (lo, _), n in zip(inner[0], period, strict=True)]
        if f in CIRCULAR and period:  # periods given, if any, are the model's
            own = self.periods(node.args[0]) or []
            given = [_size(a, self.ndims, not self.padded, self.square) for a in node.args[len(inner):]]
            _need(given in ([], own) and all(_shape(b) == own for b in inner),
                  f"{f} does not take the period of the model")
            return [({}, _add(n, _const(-1))) for n in own]
        _need(f in ("conv", "corr"), f"the box of {f} is outside the checked fragment")
        mode, out = self.options(node)[0], []
        for (klo, khi), (lo, hi) in zip(*inner, strict=True):
            if f == "corr":  # the offsets x − input
                klo, khi = _neg(khi), _neg(klo)
            out.append({"full": (_add(lo, klo), _add(hi, khi)), "same": (lo, hi),
                        "valid": (_add(lo, khi), _add(hi, klo))}[mode])
        return out

    def union(self, a: Box, b: Box) -> Box:  # bounds that differ by constants (boxes non-empty)
        _need(all(_add(p[e], q[e], -1).keys() <= {"1"} for p, q in zip(a, b, strict=True) for e in (0, 1)),
              "a sum of signals on different symbolic boxes")
        return [(_add(lo, _const(min(0, low.get("1", 0) - lo.get("1", 0)))),
                 _add(hi, _const(max(0, high.get("1", 0) - hi.get("1", 0)))))
                for (lo, hi), (low, high) in zip(a, b, strict=True)]

    def same(self, a: Box, b: Box, node: Node) -> Box:
        """One box (of shape n on Z_n^d; on Z_N^d at most N long: reading mod N keeps the product)."""
        periods = self.periods(node) or []
        _need(a and a == b and (self.period is None or _shape(a) == periods or (self.padded and all(
            self.holds(_add(n, s, -1)) for n, s in zip(periods, _shape(a), strict=True)))),
              "a pointwise product of signals on different boxes")
        return a

    def labels(self, node: Node) -> list[int]:
        """On Z_n^d, the axis l of n each axis of ``node``'s value is periodic in (transpose
        reverses them), which names the variables (``v3.l``); on Z^d the axes in order."""
        return self.axes(node) if self.torus is not None or self.period is not None \
            else list(range(self.ndim(node)))

    def axes(self, node: Node) -> list[int]:
        """The axes of the signals that ``node``'s value has, in order (transpose reverses them).
        The dimensions are the language's (as symconv.lang.check, which the checker does not
        import): + − of one kind, a number times or over anything, arguments of one kind."""
        if id(node) not in self.known:
            self.known[id(node)] = (node, self._axes(node))
        return list(self.known[id(node)][1])

    def _axes(self, node: Node) -> list[int]:
        if isinstance(node, Name):
            return list(range(self.ndims[node.id])) if node.id in self.ndims else []
        if isinstance(node, Number | Neg):
            return self.axes(node.operand) if isinstance(node, Neg) else []
        if isinstance(node, BinOp):
            left, right = self.axes(node.left), self.axes(node.right)
            _need(len(left) == len(right) or (node.op in "*/" and not (left and right)),
                  f"{node.op} of values of different dimensions")
            return max(left, right, key=len)
        if not isinstance(node, Call):
            raise CertificateError(f"{node} is outside the checked fragment")
        spec = dsl.FUNCTIONS[node.func]
        inner = [self.axes(a) for a in node.args[:spec.signals]]
        _need(inner[0] and {len(a) for a in inner} == {len(inner[0])} and spec.ndim in (None, len(inner[0])),
              f"{node.func} of a number, or of signals of other dimensions")
        return [] if node.func in SCALAR else inner[0][::-1] if node.func == "transpose" else inner[0]

    def periods(self, node: Node) -> list[Aff] | None:
        return None if self.period is None else [self.period[a] for a in self.labels(node)]

    def ndim(self, node: Node) -> int:
        return len(self.axes(node))

    def one(self, coef: Fraction = Fraction(1), npow: tuple[int, ...] | None = None) -> Term:
        d = self.torus or 0
        return Term(coef, (0,) * d if npow is None else npow, [], [], [{} for _ in range(d)])

    def atom(self, name: str, p: list[Aff]) -> Term:
        return replace(self.one(), atoms=[(name, False, tuple(_frozen(a) for a in p))])

    def fresh(self, labels: Sequence[int]) -> list[Aff]:
        name, self.count = f"v{self.count}", self.count + 1
        return [{f"{name}.{a}": 1} for a in labels]

    def bind(self, point: list[Aff], terms: list[Term]) -> list[Term]:
        names = [v for p in point for v in p]
        return [replace(t, vars=names + t.vars) for t in terms]

    def product(self, left: list[Term], right: list[Term]) -> list[Term]:
        return [Term(a.coef * b.coef, tuple(x + y for x, y in zip(a.npow, b.npow, strict=True)),
                     a.vars + b.vars, a.atoms + b.atoms,
                     [_add(x, y) for x, y in zip(a.phase, b.phase, strict=True)],
                     a.deltas + b.deltas) for a in left for b in right]

    def expand(self, node: Node, p: list[Aff] | None) -> list[Term]:
        if self.extension and not self.extends(node):  # E(X): one function of X, named by its text
            _need(p is not None, "the extension of a number")
            name, aliases = dsl.unparse(dsl.commuted(node)), self.aliases
            if name in aliases:  # once each on the way: no loop of lemmas
                self.aliases = {k: v for k, v in aliases.items() if k != name}
                terms, self.aliases = self.expand(aliases[name], p), aliases
                return terms
            if all(n.id in self.real if isinstance(n, Name) else not isinstance(n, dsl.Imag)
                   for n in dsl.walk(node)):  # X of real signals and real numbers is real
                self.real |= {name}
            return [self.atom(f"{name}|{self.extension}", p or [])]
        if isinstance(node, Number):
            return [self.one(node.value)]
        if isinstance(node, Name) and node.id not in self.ndims:  # an integer N: n_a, N axis a's period
            _need(node.id in self.numbers, f"{node.id} is not the zeropad length of one axis")
            return [self.one(npow=self.numbers[node.id])]
        if isinstance(node, Name) and p is not None and self.extension:  # S extended by a boundary
            return [self.atom(f"{node.id}|{self.extension}", p)]
        if isinstance(node, Name) and p is not None and node.id in self.literals:
            return [replace(self.one(Fraction(v)), deltas=[(a, _add(q, _const(-c[a]))) for a, q in
                                                           enumerate(p)])
                    for c, v in sorted(self.literals[node.id].items()) if v]  # Σ_c v_c·Π_a [p_a = c_a]
        if isinstance(node, Name) and p is not None:
            return [self.atom(node.id, p)]
        if isinstance(node, Neg):
            return self.product([self.one(Fraction(-1))], self.expand(node.operand, p))
        if isinstance(node, BinOp):
            return self.binop(node, p)
        if isinstance(node, Call):
            return self.call(node, p)
        raise CertificateError(f"{node} is outside the checked fragment")

    def extends(self, node: Node) -> bool:
        """E(S) = S∘r_B commutes with flips, shifts, transposes and pointwise operations on one box B."""
        if isinstance(node, BinOp):
            scaled = node.op in "*/" and 0 in (self.ndim(node.left), self.ndim(node.right))
            return scaled or self.box(node.left) == self.box(node.right) != []
        return isinstance(node, Name | Number | Neg) or (isinstance(node, Call) and (
            node.func in REINDEX or node.func == "conj"))  # conj acts on values, E on indices

    def binop(self, node: BinOp, p: list[Aff] | None) -> list[Term]:
        if node.op in "+-":
            sign = self.one(Fraction(1 if node.op == "+" else -1))
            return self.expand(node.left, p) + self.product([sign], self.expand(node.right, p))
        if node.op == "*":
            left = self.expand(node.left, p if self.ndim(node.left) else None)
            return self.product(left, self.expand(node.right, p if self.ndim(node.right) else None))
        if node.op == "/" and isinstance(node.right, Number | Call | Name | BinOp) and \
                not self.ndim(node.right):
            [r] = self.expand(node.right, None)  # a number or a size c·Π n_a^(p_a): its inverse
            _need(r.coef and not r.atoms + r.vars + r.deltas and not any(r.phase), "a division by 0 or a sum")
            return self.product([self.one(1 / r.coef, tuple(-e for e in r.npow))], self.expand(node.left, p))
        if node.op == "@" and p is not None and len(p) == 2 and self.torus is None:  # Σ_k A(x0, k)·B(k, x1)
            k = self.fresh([0])[0]
            left = self.expand(node.left, [p[0], k])
            return self.bind([k], self.product(left, self.expand(node.right, [k, p[1]])))
        raise CertificateError(f"operator {node.op} is outside the checked fragment")

    def call(self, node: Call, p: list[Aff] | None) -> list[Term]:
        f, args = node.func, node.args
        model = "Z^d" if self.torus is None else "Z_N^d" if self.padded else "Z_n^d"
        _need(f not in UNREAD[model] and (f in SLIDING or all(k == "axis" for k, _ in node.kwargs)),
              f"{f} is outside the checked fragment of this model")
        if f == "periodize" or (self.padded and f == "zeropad"):  # read mod n (N), a is a (a mod N)
            return self.expand(args[0], p)
        if f in SIZES:
            d = self.torus or 0
            axes = range(d) if f == "numel" else [self.labels(args[0])[(self.ints(node) or [0])[0] % d]]
            return [self.one(npow=tuple(int(a in axes) for a in range(d)))]
        if f == "conj":  # the atoms of complex signals (S|b as S) conjugated, the phase negated
            return [replace(t, atoms=[(s, c if s.split("|")[0] in self.real else not c, i)
                                      for s, c, i in t.atoms],
                            phase=[_add({}, x, -1) for x in t.phase]) for t in self.expand(args[0], p)]
        if f in ("sum", "frobenius", "trace"):
            d = self.ndim(args[0])
            k = self.fresh([0]) * d if f == "trace" else self.fresh(self.labels(args[0]))
            terms = self.expand(args[0], k)
            terms = self.product(terms, self.expand(args[1], k)) if f == "frobenius" else terms
            return self.bind(k[:1] if f == "trace" else k, terms)
        if p is None:
            raise CertificateError(f"{f} is a signal used as a number")
        if f in REINDEX:
            return self.expand(args[0], REINDEX[f][0](p, self.ints(node)))
        if f == "hadamard":
            return self.product(self.expand(args[0], p), self.expand(args[1], p))
        if f in ("downsample", "upsample"):  # strides and dilations: Z^d only, factors s_a ≥ 1
            s = self.ints(node)
            _need(len(s) == len(p) and min(s) >= 1,
                  f"{f} is outside the checked fragment of this model")
            if f == "downsample":  # downsample(a, s)(p) = a(s·p)
                return self.expand(args[0], [_add({}, q, c) for q, c in zip(p, s, strict=True)])
            j = self.fresh(range(len(p)))  # upsample(a, s)(p) = Σ_j a(j)·Π_a [p_a − s_a·j_a = 0]
            deltas = [(a, _add(q, jj, -c)) for a, (q, jj, c) in enumerate(zip(p, j, s, strict=True))]
            return self.bind(j, [replace(t, deltas=t.deltas + deltas) for t in self.expand(args[0], j)])
        _need(f in SLIDING or f in FOURIER, f"{f} is outside the checked fragment")
        if f in FOURIER:  # Σ_k a(k)·ω_l^(±p_a·k_a) (l: axis a's period), and 1/n per axis for idft
            k, at = self.fresh(self.labels(args[0])), self.labels(args[0]).index
            phase = [_add({}, _mul(p[at(b)], k[at(b)]), FOURIER[f]) for b in range(len(p))]
            factor = replace(self.one(npow=(-(f == "idft"),) * len(p)), phase=phase)
            return self.bind(k, self.product([factor], self.expand(args[0], k)))
        return self.sliding(node, p, *self.options(node))

    def sliding(self, node: Call, p: list[Aff], mode: str, boundary: str) -> list[Term]:
        """Σ_k a(k)·b(x ∓ k); with a mode or boundary 𝟙_B(x)·Σ_k a(k)·b⟨boundary⟩(x ∓ k), B the
        mode's box (an atom [f ≥ 0] per face), valid mode does not extend."""
        k = self.fresh(self.labels(node.args[0]))
        outer = [_add(q, kk, SLIDING[node.func]) for q, kk in zip(p, k, strict=True)]
        kernel = self.expand(node.args[0], k)  # before the image: the order unfold creates sums
        # E(S) = S∘r_B, r_B the boundary's map into S's box B: each signal S read as S|b
        self.extension = "" if boundary == "zero" or mode == "valid" else boundary
        terms, self.extension = self.expand(node.args[1], outer), ""
        terms = self.bind(k, self.product(kernel, terms))
        if (mode, boundary) == ("full", "zero"):
            return terms
        _need(self.torus is None, "a crop is outside the checked fragment of Z_n^d")
        box: list[Atom] = [(INDICATOR, False, (_frozen(f),)) for q, (lo, hi) in zip(p, self.box(node),
                           strict=True) for f in (_add(q, lo, -1), _add(hi, q, -1))]
        return self.product([replace(self.one(), atoms=box)], terms)


# --- the certificate steps ------------------------------------------------------------------

def _aff(data: Any) -> Aff:
    _need(isinstance(data, dict) and all(isinstance(v, str) and "*" not in v and type(c) is int
                                         for v, c in data.items()), f"{data!r} is not an integer affine form")
    return {v: c for v, c in data.items() if c}


def _substitute(t: Term, m: Mapping[str, Aff], variables: list[str]) -> Term:
    atoms = [(s, c, tuple(_frozen(_subst(dict(ax), m)) for ax in i)) for s, c, i in t.atoms]
    return replace(t, vars=variables, atoms=atoms, phase=[_subst(p, m) for p in t.phase],
                   deltas=[(a, _subst(d, m)) for a, d in t.deltas])


def _apply_map(t: Term, forward: Mapping[str, Aff], inverse: Mapping[str, Aff], torus: bool) -> Term:
    old, new = set(t.vars), set(inverse)
    free = {v for a in t.atoms for ax in a[2] for v, _ in ax} | {v for _, d in t.deltas for v in d}
    free = (free | {v for p in t.phase for key in p for v in key.split("*")}) - old - {"1"}
    _need(set(forward) == old and len(new) == len(old) and not new & free and all(
        v != "1" and "*" not in v for v in new), "the map does not re-index exactly the summation variables")
    for target, source, allowed in ((forward, inverse, new), (inverse, forward, old)):
        for v, image in target.items():
            _need(set(image) <= allowed | free | {"1"} and _subst(image, source) == {v: 1} and not (
                torus and any(u != "1" and _axis(u) != _axis(v) for u in image)),
                f"the map and its inverse are not inverse bijections at {v}")
    return _substitute(t, forward, list(inverse))


def _divide(t: Term, axis: int | None = None) -> Term:
    """The step ["divide"] (["divide", a]: axis a's indicators only): [g·L + k = 0] =
    [L + k/g = 0] on Z^d (L integer), g the gcd of the variables' coefficients; the term is
    0 where g does not divide k."""
    deltas, coef = [], t.coef
    for a, d in t.deltas:
        g = max(1, math.gcd(*(c for v, c in d.items() if v != "1"))) if axis in (None, a) else 1
        coef *= d.get("1", 0) % g == 0  # 0 unless g divides k
        deltas.append((a, {v: c // g for v, c in d.items()}))
    return replace(t, coef=coef, deltas=deltas)


def _orthogonality(t: Term, k: str) -> Term:
    a = _axis(k) if len(t.phase) > 1 else 0  # one period (square): one phase
    _need(k in t.vars and all(k != v for at in t.atoms for ax in at[2] for v, _ in ax) and all(
        k not in d for _, d in t.deltas) and all(key.split("*").count(k) <= 1 for key in t.phase[a]),
        f"{k} is not a summation variable free of the atoms, linear in the phase")
    linear = {next((v for v in key.split("*") if v != k), "1"): c for key, c in t.phase[a].items()
              if k in key.split("*")}
    phase = [{key: c for key, c in x.items() if k not in key.split("*")} if b == a else x
             for b, x in enumerate(t.phase)]
    return replace(t, vars=[v for v in t.vars if v != k], phase=phase, deltas=[*t.deltas, (a, linear)],
                   npow=tuple(e + (b == a) for b, e in enumerate(t.npow)))


def _collapse(t: Term, v: str, torus: bool, point: bool) -> Term:
    for number, (a, d) in enumerate(t.deltas):
        c = d.get(v, 0)
        if (v in t.vars) != point and abs(c) == 1 and (a == _axis(v) or not torus):
            rest = t.deltas[:number] + t.deltas[number + 1:]
            done = _substitute(replace(t, deltas=rest), {v: _add({}, _add(d, {v: -c}), -c)},
                               [u for u in t.vars if u != v])
            return replace(done, deltas=[*done.deltas, (a, d)]) if point else done
    raise CertificateError(f"no indicator fixes {v}")


def _one_period(t: Term) -> Term:
    """On Z_n^d with one period n for all axes ("square"): ω_a = ω and n_a = n, so one phase,
    one power of n, and every indicator modulo n."""
    phase: Aff = {}
    for p in t.phase:
        phase = _add(phase, p)
    return replace(t, npow=(sum(t.npow),), phase=[phase], deltas=[(0, d) for _, d in t.deltas])


def _run(t: Term, steps: Any, torus: bool, square: bool = False) -> Term:
    periods = torus and not square  # a period per axis: maps and collapses keep each axis apart
    for step in steps if isinstance(steps, list) else [steps]:
        kind = step[0] if isinstance(step, list) and step else None
        if kind == "map" and len(step) == 3 and all(isinstance(s, dict) for s in step[1:]):
            forward, inverse = ({v: _aff(a) for v, a in s.items()} for s in step[1:])
            t = _apply_map(t, forward, inverse, periods)
        elif kind == "divide" and len(step) in (1, 2) and all(type(a) is int for a in step[1:]) and not torus:
            t = _divide(t, *step[1:])
        elif kind in ("collapse", "orth" if torus else "point") and len(step) == 2 and \
                isinstance(step[1], str):
            t = _orthogonality(t, step[1]) if kind == "orth" else \
                _collapse(t, step[1], periods, kind == "point")
        else:
            raise CertificateError(f"unknown or malformed step {step!r}")
    return t


def normal_form(terms: list[Term], boxes: Mapping[str, Box]) -> dict[tuple[Any, ...], Fraction]:
    """The collected terms: indicators up to sign, a crop's indicator idempotent, and 1 beside
    a signal S(L) of ``boxes`` (0 off its box) whose bound L_a − lo_a or hi_a − L_a it
    exceeds by a constant ≥ 0 for all sizes and origins."""
    collected: dict[tuple[Any, ...], Fraction] = {}
    for t in terms:
        deltas = sorted((a, _frozen(_add({}, d, -1 if sorted(d.items())[0][1] < 0 else 1) if d else d))
                        for a, d in t.deltas)
        bounds = [b for s, _, index in t.atoms if s in boxes for q, (lo, hi) in zip(
            index, boxes[s], strict=True) for b in (_add(dict(q), lo, -1), _add(hi, dict(q), -1))]
        atoms = [a for n, a in enumerate(t.atoms) if not (a[0] == INDICATOR and (a in t.atoms[:n] or any(
            _nonneg(_add(dict(a[2][0]), b, -1)) for b in bounds)))]
        key = (tuple(sorted(t.vars)), t.npow, tuple(sorted(atoms)),
               tuple(tuple(sorted(p.items())) for p in t.phase), tuple(deltas))
        collected[key] = collected.get(key, Fraction(0)) + t.coef
    return {k: c for k, c in collected.items() if c}


# --- the claim and the model ----------------------------------------------------------------

def check(statement: dsl.Statement, signals: Mapping[str, Sequence[Declared]],
          certificate: Mapping[str, Any], assumed: Sequence[Aff] | None = None) -> None:
    """Accept (return None) or raise CertificateError: ``certificate`` proves ``statement`` for
    the declared ``signals`` (each signal's specs), under no hypotheses but the ``assumed``
    ones (h ≥ 0) when the claim states its own.  Malformed data is rejected, never raised."""
    try:
        _need(assumed is None or all(h in assumed for h in certificate.get("hypotheses", [])),
              "hypotheses the claim does not assume")
        _check(statement, signals, certificate)
    except CertificateError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError) as exc:
        raise CertificateError(f"malformed certificate: {type(exc).__name__}: {exc}") from None


def torus_fits(statement: dsl.Statement, signals: Mapping[str, Sequence[Declared]],
               padded: list[Aff] | None = None, read: Sequence[str] = (), square: bool = False,
               hypotheses: Sequence[Aff] = (), tied: bool = False) -> None:
    """Z_n^d (or Z_N^d, N the zeropad length ``padded``) is what ops computes for every size and
    origin, so at the declared ones (a centred box moves with n: shift(f, 1) of a centred f lies
    on [0, n) for n = 2, 3 only), or CertificateError (module docstring)."""
    ndims = {name: len(specs[0].shape) for name, specs in signals.items()}
    period = padded
    if period is None:
        _need(any(isinstance(n, Call) and n.func in CIRCULAR | SIZES for n in dsl.walk(statement)),
              "Z_n^d for a statement without a circular operation")
        _need(all(len({s.shape for s in specs}) == 1 for specs in itertools.product(*signals.values())),
              "Z_n^d for signals of different shapes")
        period = [{f"n:torus.{0 if square else a}": 1} for a in range(max(ndims.values(), default=0))]
    boxes = declared_boxes(signals, tied, torus=padded is None, read=read, square=square)
    expander = _Expander(ndims, frozenset(), boxes=boxes, period=period, padded=padded is not None,
                         square=square, hypotheses=hypotheses)
    for side in (statement.left, statement.right):
        box = expander.box(side)
        _need(not box or all(expander.holds(lo) and expander.holds(_add(_add(n, hi, -1), _const(-1)))
                             for n, (lo, hi) in zip(expander.periods(side) or [], box, strict=True)),
              "a side that is not on [0, n)^d")


PEELABLE = frozenset({"flip", "transpose", "shift", "conj"})  # with integer arguments: functions of a signal


def _peel(statement: dsl.Statement, k: Any, ndims: Mapping[str, int]) -> dsl.Statement:
    """A == B for op(A) == op(B), ``k`` times: op the same function of a signal on both sides
    (minus, or one of PEELABLE with the same integer arguments, as many as it needs), so equal
    A and B give equal sides."""
    _need(type(k) is int and k >= 0, "a peel that is not a count")
    left, right = statement.left, statement.right
    expander = _Expander(ndims, frozenset())
    for _ in range(k):
        if isinstance(left, Neg) and isinstance(right, Neg):
            left, right = left.operand, right.operand
            continue
        _need(isinstance(left, Call) and isinstance(right, Call) and left.func == right.func
              and left.func in PEELABLE and left.args[1:] == right.args[1:] and left.kwargs == right.kwargs
              and all(key == "axis" for key, _ in left.kwargs),
              "the sides are not the same function of a signal around the peeled ones")
        assert isinstance(left, Call) and isinstance(right, Call)
        ints, point = expander.ints(left), [dict[str, int]() for _ in expander.axes(left)]
        # of a signal, with the integers it takes: a flip's axes and a shift's offsets exist
        _need(REINDEX[left.func][0](point, ints) if left.func in REINDEX else not ints,
              f"{left.func} with arguments it does not take")
        left, right = left.args[0], right.args[0]
    return replace(statement, left=left, right=right)


def _aliases(certificate: Mapping[str, Any], signals: Mapping[str, Sequence[Declared]],
             boxes: Mapping[str, Box], depth: int) -> tuple[dict[str, Node], dict[str, Node]]:
    """``"lemmas"``: each [X, Y, c] with c a certificate of X == Y on Z^d for sizes and signals
    as general as this one's (tied only if it is, entries read only where it reads them),
    X and Y on one box: equal functions on one box have one extension, so E(Y) is E(X), on
    both sides or (a fourth entry 0 or 1) on that one."""
    aliases: tuple[dict[str, Node], dict[str, Node]] = ({}, {})
    lemmas = certificate.get("lemmas", [])
    _need(isinstance(lemmas, list) and depth < 8, "lemmas that are not a list, or nested too deep")
    expander = _Expander({n: len(specs[0].shape) for n, specs in signals.items()}, frozenset(),
                         boxes=boxes)  # for the boxes alone
    for lemma in lemmas:
        _need(isinstance(lemma, list) and len(lemma) in (3, 4) and lemma[3:] in ([], [0], [1]) and
              all(type(s) is int for s in lemma[3:]) and isinstance(lemma[2], dict) and
              lemma[2].get("model") == "Z^d" and (certificate.get("tied") is True or
                                                  lemma[2].get("tied") is not True) and
              set(lemma[2].get("literals", [])) <= set(certificate.get("literals", [])),
              "a lemma that is malformed, or proved for fewer sizes or signals")
        statement = dsl.parse_statement(f"{lemma[0]} == {lemma[1]}")
        _check(statement, signals, lemma[2], depth + 1)
        _need(expander.box(statement.left) == expander.box(statement.right), "a lemma's sides "
              "on different boxes")
        for side in lemma[3:] or (0, 1):
            aliases[side][dsl.unparse(dsl.commuted(statement.right))] = statement.left
    return aliases


def _check(statement: dsl.Statement, signals: Mapping[str, Sequence[Declared]],
           certificate: Mapping[str, Any], depth: int = 0) -> None:
    ndims = {name: len(specs[0].shape) for name, specs in signals.items()}
    statement = _peel(statement, certificate.get("peel", 0), ndims)
    _need(statement.op == "==" and all(len(s.shape) == len(s.origin) == ndims[name] and all(
        len(c) == ndims[name] for c in s.entries or ()) for name, specs in signals.items() for s in specs),
        "a statement other than ==, or a signal declared with different axes")
    real = frozenset(name for name, specs in signals.items() if all(s.real for s in specs)) | {INDICATOR}
    model, sides = certificate.get("model"), certificate["sides"]
    padded = certificate.get("padded") is True
    torus, d = model == "Z_n^d", next(iter(ndims.values()), 0)
    _need(model in ("Z^d", "Z_n^d") and (torus or not padded) and (not torus or set(ndims.values()) == {d}),
          f"model {model!r} unknown, or not one for signals of these dimensions")
    read = certificate.get("literals", [])
    _need(isinstance(read, list) and not (read and torus and not padded) and all(
        len(signals[n]) == 1 and signals[n][0].entries is not None for n in read),
        "the certificate reads entries the claim does not give")
    # one period for all axes only where every declared shape of every signal is n×⋯×n
    square = certificate.get("square") is True
    _need(not square or (torus and not padded and all(len(set(s.shape)) == 1 for specs in signals.values()
                                                      for s in specs)),
          "a square model for signals that are not n×⋯×n at every declared size")
    pads = [n for n in dsl.walk(statement) if isinstance(n, Call) and n.func == "zeropad"]
    hypotheses = certificate.get("hypotheses", [])  # stated in the verdict's scope
    _need(isinstance(hypotheses, list) and (padded or not hypotheses) and all(isinstance(h, dict) and all(
        v == "1" or v.startswith("n:") for v in h) for h in hypotheses), "hypotheses off Z_N^d or its sizes")
    lengths: list[int] = []  # N as numbers: n_a^p is the number N_a^p
    numbers: dict[str, tuple[int, ...]] = {}  # integers the period of one axis alone: n_a
    classes: list[int] = []
    if padded:
        _need(pads, "a padded model without a zeropad")
        period = [_size(a, ndims) for a in pads[0].args[1:]]
        torus_fits(statement, signals, period, read, hypotheses=[_aff(h) for h in hypotheses],
                   tied=certificate.get("tied") is True)
        lengths = [n.get("1", 0) for n in period] if all(n.keys() <= {"1"} for n in period) else []
        classes = [period.index(n) for n in period]  # axes of one length: n_a = n_(first such a)
        numbers = {v[2:-2]: tuple(int(a == c) for a in range(len(period)))
                   for n, c in zip(period, classes, strict=True) for v in n if n == {v: 1}}  # n:N.0: axis c
    elif torus:
        torus_fits(statement, signals, square=square)
    boxes = declared_boxes(signals, certificate.get("tied") is True, read=read)
    literals = {n: signals[n][0].entries or {} for n in read}
    aliases = _aliases(certificate, signals, boxes, depth)
    forms = []
    for node, side, alias in zip((statement.left, statement.right), sides, aliases, strict=True):
        expander = _Expander(ndims, real, d if torus else None, boxes, padded, literals, square=square,
                             aliases=alias, numbers=numbers)
        labels = expander.labels(node)  # axis a of the point is periodic in n_labels[a]; [] a number
        _need(labels == expander.labels(statement.left) or (square and len(labels) == len(
            expander.labels(statement.left))), "sides of different dimensions or periods")
        point = [{f"x.{a if square else label}": 1} for a, label in enumerate(labels)] if labels else None
        terms = expander.expand(node, point)
        terms = [_one_period(t) for t in terms] if square else terms
        steps = side["terms"]
        _need(isinstance(steps, list) and len(steps) == len(terms), f"the side has {len(terms)} terms")
        terms = [_run(t, s.get("steps") if isinstance(s, dict) else None, torus, square)
                 for t, s in zip(terms, steps, strict=True)]
        terms = [replace(t, npow=tuple(sum(e for e, c in zip(t.npow, classes, strict=True) if c == a)
                                       for a in range(len(t.npow)))) for t in terms] if padded else terms
        terms = [replace(t, coef=t.coef * math.prod(Fraction(n) ** e for n, e in zip(
            lengths, t.npow, strict=True)), npow=(0,) * len(t.npow)) for t in terms] if lengths else terms
        forms.append(normal_form(terms, {} if torus else boxes))
    _need(forms[0] == forms[1], "the two sides have different normal forms")
