"""An independent reference evaluator for claim statements (tests only).

It follows the definitions literally -- those of the README's "Conventions" and of
symconv.core.ops's docstring: sums over boxes of coordinates with exact Fractions,
boundary rules as index maps -- and shares
nothing with symconv.core.ops or the tiers except the parsed syntax tree.  Tests use
it to re-check every counterexample the engine prints and to decide whether a
mutant statement is really false.  It is itself checked against scipy.signal
and scipy.ndimage in tests/test_soundness.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from sympy.polys.domains import QQ

from symconv.core.algebra import (
    Generator,
    Monomial,
    Polynomial,
    complex_generator,
    conjugate_generator,
    real_generator,
)
from symconv.lang.dsl import BinOp, Call, Imag, Name, Neg, Node, Number, Statement, Str, integer_value


class Ref:
    """A finitely supported function on Z^d: entries (object array) at ``origin``."""

    def __init__(self, entries: Any, origin: Sequence[int]) -> None:
        self.entries = np.array(entries, dtype=object)
        self.origin = tuple(int(o) for o in origin)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.entries.shape)

    def box(self) -> list[range]:
        return [range(o, o + n) for o, n in zip(self.origin, self.shape, strict=True)]

    def __call__(self, coord: Sequence[int]) -> Any:
        pos = tuple(c - o for c, o in zip(coord, self.origin, strict=True))
        if all(0 <= p < n for p, n in zip(pos, self.shape, strict=True)):
            return self.entries[pos]
        return 0


def from_box(lo: Sequence[int], hi: Sequence[int], func: Any) -> Ref:
    """The function ``func`` sampled on the inclusive box [lo, hi]."""
    shape = tuple(h - l + 1 for l, h in zip(lo, hi, strict=True))
    out = np.empty(shape, dtype=object)
    for pos in itertools.product(*(range(n) for n in shape)):
        out[pos] = func(tuple(p + l for p, l in zip(pos, lo, strict=True)))
    return Ref(out, lo)


def _union(a: Ref, b: Ref) -> tuple[list[int], list[int]]:
    lo = [min(x, y) for x, y in zip(a.origin, b.origin, strict=True)]
    hi = [max(x + n - 1, y + m - 1) for x, n, y, m in zip(a.origin, a.shape, b.origin, b.shape,
                                                          strict=True)]
    return lo, hi


def _extend_index(c: int, o: int, n: int, boundary: str) -> int | None:
    k = c - o
    if 0 <= k < n:
        return c
    if boundary in ("zero", "fill", "constant"):
        return None
    if boundary in ("wrap", "circular"):
        return o + k % n
    if boundary == "nearest":
        return o + min(max(k, 0), n - 1)
    if boundary in ("reflect", "symm"):  # half-sample symmetric: period 2n
        k %= 2 * n
        return o + (k if k < n else 2 * n - 1 - k)
    if boundary == "mirror":  # whole-sample symmetric: period 2n - 2
        if n == 1:
            return o
        k %= 2 * n - 2
        return o + (k if k < n else 2 * n - 2 - k)
    raise ValueError(boundary)


def sliding(kernel: Ref, image: Ref, sign: int, mode: str = "full", boundary: str = "zero") -> Ref:
    """conv (sign +1): sum_i F(i) I(x - i); corr (sign -1): sum_i F(i) I(x + i)."""
    lo, hi = [], []
    for fo, fn, io, n in zip(kernel.origin, kernel.shape, image.origin, image.shape, strict=True):
        fe, ie = fo + fn - 1, io + n - 1
        offsets = (fo, fe) if sign > 0 else (-fe, -fo)  # range of x - input
        if mode == "full":
            lo.append(io + offsets[0])
            hi.append(ie + offsets[1])
        elif mode == "same":
            lo.append(io)
            hi.append(ie)
        else:  # valid: every input index inside the image box
            lo.append(io + offsets[1])
            hi.append(ie + offsets[0])
    if any(l > h for l, h in zip(lo, hi, strict=True)):
        raise ValueError("valid mode with a kernel larger than the image")
    mode_boundary = "zero" if mode == "valid" else boundary

    def value(x: tuple[int, ...]) -> Any:
        total: Any = 0
        for i in itertools.product(*kernel.box()):
            src = []
            for xk, ik, o, n in zip(x, i, image.origin, image.shape, strict=True):
                mapped = _extend_index(xk - sign * ik, o, n, mode_boundary)
                if mapped is None:
                    break
                src.append(mapped)
            else:
                total += kernel(i) * image(src)
        return total

    return from_box(lo, hi, value)


def periodize(a: Ref, period: Sequence[int]) -> Ref:
    out = np.zeros(tuple(period), dtype=object)
    for c in itertools.product(*a.box()):
        out[tuple(ck % p for ck, p in zip(c, period, strict=True))] += a(c)
    return Ref(out, (0,) * len(period))


def circular(a: Ref, b: Ref, sign: int, period: Sequence[int] | None) -> Ref:
    if period is None:
        assert a.shape == b.shape
        period = a.shape
    pa, pb = periodize(a, period), periodize(b, period)

    def value(x: tuple[int, ...]) -> Any:
        return sum(pa(k) * pb(tuple((xk - sign * kk) % p for xk, kk, p in
                                     zip(x, k, period, strict=True)))
                   for k in itertools.product(*(range(p) for p in period)))

    return from_box([0] * len(period), [p - 1 for p in period], value)


def pointwise(a: Ref, b: Ref, op: Any) -> Ref:
    lo, hi = _union(a, b)
    return from_box(lo, hi, lambda c: op(a(c), b(c)))


def total(a: Ref) -> Any:
    return sum(a(c) for c in itertools.product(*a.box()))


def flip(a: Ref, axis: int | None = None) -> Ref:
    axes = range(a.entries.ndim) if axis is None else [axis % a.entries.ndim]
    entries, origin = a.entries, list(a.origin)
    for k in axes:
        entries = np.flip(entries, axis=k)
        origin[k] = -(a.origin[k] + a.shape[k] - 1)
    return Ref(entries, origin)


def matmul(a: Ref, b: Ref) -> Ref:
    rows, inner, cols = a.box()[0], a.box()[1], b.box()[1]
    lo, hi = [rows.start, cols.start], [rows.stop - 1, cols.stop - 1]
    return from_box(lo, hi, lambda c: sum(a((c[0], j)) * b((j, c[1])) for j in inner))


def evaluate(node: Node, env: Mapping[str, Ref]) -> Any:
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Imag | Str):
        raise NotImplementedError
    if isinstance(node, Neg):
        value = evaluate(node.operand, env)
        return scale(value, -1)
    if isinstance(node, BinOp):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        if node.op == "+":
            return pointwise(left, right, lambda x, y: x + y) if isinstance(left, Ref) else (
                left + right)
        if node.op == "-":
            return pointwise(left, right, lambda x, y: x - y) if isinstance(left, Ref) else (
                left - right)
        if node.op == "*":
            if isinstance(left, Ref) and isinstance(right, Ref):
                return pointwise(left, right, lambda x, y: x * y)
            if isinstance(left, Ref):
                return scale(left, right)
            return scale(right, left)
        if node.op == "/":
            return scale(left, Fraction(1) / right)
        return matmul(left, right)
    assert isinstance(node, Call)
    if node.func in ("len", "size", "numel"):
        shape = evaluate(node.args[0], env).entries.shape
        axis = integer_value(node.args[1]) if node.func == "size" else 0
        return Fraction(int(np.prod(shape)) if node.func == "numel" else shape[axis or 0])
    sized = {"zeropad": 1, "periodize": 1, "circconv": 2, "circcorr": 2}  # signals, then sizes
    if node.func in sized:  # its lengths may be size expressions: len(a) + len(b) - 1
        args = [evaluate(a, env) for a in node.args[:sized[node.func]]]
        ints = [int(evaluate(a, env)) for a in node.args[sized[node.func]:]]
    else:
        args = [evaluate(a, env) for a in node.args if integer_value(a) is None]
        ints = [v for v in (integer_value(a) for a in node.args) if v is not None]
    opts: dict[str, Any] = {k: (v.value if isinstance(v, Str) else integer_value(v))
                            for k, v in node.kwargs}
    f = node.func
    if f in ("conv", "corr"):
        return sliding(args[0], args[1], 1 if f == "conv" else -1, opts.get("mode", "full"),
                       opts.get("boundary", "zero"))
    if f == "flip":
        return flip(args[0], ints[0] if ints else opts.get("axis"))
    if f == "shift":
        return Ref(args[0].entries, [o + k for o, k in zip(args[0].origin, ints, strict=True)])
    if f == "transpose":
        return Ref(args[0].entries.T, args[0].origin[::-1])
    if f == "zeropad":
        a = args[0]
        return from_box(a.origin, [o + n - 1 for o, n in zip(a.origin, ints, strict=True)], a)
    if f == "periodize":
        return periodize(args[0], ints)
    if f in ("circconv", "circcorr"):
        return circular(args[0], args[1], 1 if f == "circconv" else -1, ints or None)
    if f == "sum":
        return total(args[0])
    if f == "frobenius":
        return total(pointwise(args[0], args[1], lambda x, y: x * y))
    if f == "hadamard":
        return pointwise(args[0], args[1], lambda x, y: x * y)
    if f == "trace":
        a = args[0]
        return sum(a((i, i)) for i in range(min(a.origin) - 1, max(a.origin) + max(a.shape) + 1))
    if f == "conj":
        return args[0]
    if f in ("downsample", "upsample"):
        if len(ints) != args[0].entries.ndim or any(s < 1 for s in ints):
            raise ValueError(f"{f} needs one positive factor per axis")
        return (downsample if f == "downsample" else upsample)(args[0], ints)
    raise NotImplementedError(f)


def downsample(a: Ref, factors: Sequence[int]) -> Ref:
    """a(s·x): x runs over the coordinates whose multiple s·x lies in a's box."""
    lo = [-((-o) // s) for o, s in zip(a.origin, factors, strict=True)]  # ceil(o / s)
    hi = [(o + n - 1) // s for o, n, s in zip(a.origin, a.shape, factors, strict=True)]
    return from_box(lo, hi, lambda x: a(tuple(s * xk for s, xk in zip(factors, x, strict=True))))


def upsample(a: Ref, factors: Sequence[int]) -> Ref:
    """a(x/s) where every s divides x, else 0: zeros inserted between the samples."""
    lo = [s * o for o, s in zip(a.origin, factors, strict=True)]
    hi = [s * (o + n - 1) if n else s * o - 1  # an empty signal stays empty
          for o, n, s in zip(a.origin, a.shape, factors, strict=True)]

    def value(x: tuple[int, ...]) -> Any:
        if any(xk % s for xk, s in zip(x, factors, strict=True)):
            return 0
        return a(tuple(xk // s for xk, s in zip(x, factors, strict=True)))

    return from_box(lo, hi, value)


def scale(value: Any, factor: Any) -> Any:
    if isinstance(value, Ref):
        return Ref(value.entries * factor, value.origin)
    return value * factor


def differs(left: Any, right: Any) -> tuple[tuple[int, ...] | None, Any, Any] | None:
    """First coordinate (row-major over the union box) where two values differ."""
    if not isinstance(left, Ref):
        return None if left == right else (None, left, right)
    lo, hi = _union(left, right)
    for c in itertools.product(*(range(l, h + 1) for l, h in zip(lo, hi, strict=True))):
        if left(c) != right(c):
            return c, left(c), right(c)
    return None


def sides(statement: Statement, env: Mapping[str, Ref]) -> tuple[Any, Any]:
    return evaluate(statement.left, env), evaluate(statement.right, env)


def value_at(value: Any, coordinate: tuple[int, ...] | None) -> Any:
    return value if coordinate is None else value(coordinate)


def polynomial_from_expr(expr: Any) -> Polynomial:
    """Canonical form of a SymPy polynomial in entries ``F[i, j]`` (and their conjugates).

    The inverse of :meth:`~symconv.core.algebra.Polynomial.as_expr`, so that forms the
    engine shows as SymPy expressions (expanded sums, ``sympy.diff`` of a layer) can be
    compared with the engine's Polynomials.  Raises ``ValueError`` on a non-polynomial.
    """
    expr = sympy.sympify(expr)
    conjugates = {c: sympy.Dummy() for c in expr.atoms(sympy.conjugate)}
    expr = expr.xreplace(conjugates)
    gens: dict[sympy.Expr, Generator] = {}
    for atom in expr.atoms(sympy.Indexed):
        real = bool(atom.base.label.is_real)
        index = tuple(int(i) for i in atom.indices)
        name = str(atom.base.label)
        gens[atom] = real_generator(name, index) if real else complex_generator(name, index)
    for conj, dummy in conjugates.items():
        inner = conj.args[0]
        if not isinstance(inner, sympy.Indexed):
            raise ValueError(f"conjugate of {inner} is not an entry")
        gens[dummy] = conjugate_generator(
            complex_generator(str(inner.base.label), tuple(int(i) for i in inner.indices)))
    if not gens:
        return Polynomial.from_number(Fraction(str(sympy.Rational(expr))))
    atoms = list(gens)
    poly = sympy.Poly(expr, *atoms, domain=QQ)
    terms: dict[Monomial, Any] = {}
    for exponents, coeff in poly.terms():
        mono = tuple(sorted(g for a, e in zip(atoms, exponents, strict=True)
                            for g in [gens[a]] * e))
        terms[mono] = QQ.convert(coeff)
    return Polynomial(terms, QQ)
