"""Packed exact arithmetic: a whole signal as sorted numpy arrays of terms (the exact tier).

:class:`~symconv.algebra.Polynomial` keeps one Python dict per entry, which is
the right tool for display but too slow for the large expansions of the DFT
theorems: ``dft(circconv(f, g)) == dft(f) * dft(g)`` on 16x16 has 16.7 million
terms per side.  Here a signal is one set of arrays with a row per term
``c · ζ_L^j · m`` at box position ``p``:

* ``pos``  -- the row-major offset of the term's entry in the signal's box;
* ``mono`` -- the monomial ``m``: its generator ids, sorted in descending order,
  as the digits (lowest place first) of an integer in base G + 1;
* ``exp``  -- ``j``, the power of ζ_L = exp(2πi/L), taken modulo L;
* ``coef`` -- an int64; the signal's value is ``scale · Σ coef ζ^j m`` with one
  exact rational ``scale`` for the whole signal.

Arithmetic is done in the group ring Q[C_L]: ζ's exponent is kept modulo L
(a product of ζ^a and ζ^b is ζ^(a+b mod L), and a DFT entry keeps one term per
input sample), and every :class:`PackedSignal` has its like terms combined,
zero terms dropped, rows sorted by (pos, mono, exp), and its coefficients
divided by their gcd with the first one positive (the rest goes into
``scale``).  The map Q[C_L] -> Q(ζ_L) sending the generator to ζ is a ring
homomorphism, so equal rows mean equal values; the converse needs the kernel
of that map, so a difference of rows is reduced modulo the cyclotomic
polynomial Φ_L (the basis 1, ζ, ..., ζ^(φ(L)-1), a unique form) before it is
called non-zero.  That is the same decision procedure as the Polynomial dicts,
with numpy sorts instead of Python loops.

Soundness: nothing here ever wraps around.  Before each int64 product, sum or
key is formed, a bound is checked with Python integers; where it could be
exceeded, or a feature has no packed form, :class:`PackedUnsupported` is
raised and the caller evaluates with the Polynomial arithmetic instead.  The
index bookkeeping of modes, boundaries and re-indexings is not written again:
:mod:`symconv.ops` computes it on arrays of entry indices (see :func:`index_signal`).

>>> from symconv.dsl import parse_statement
>>> from symconv.signal import Signal
>>> env = {n: Signal.symbolic(n, (4, 4), origin=(0, 0)) for n in "fg"}
>>> packed_difference(parse_statement("dft(circconv(f, g)) == dft(f) * dft(g)"), env) is None
True
>>> packed_difference(parse_statement("dft(circcorr(f, g)) == dft(f) * dft(g)"), env)[0]
(0, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
from sympy.polys.domains import QQ

from symconv import ops
from symconv.algebra import Generator, Monomial, Polynomial, conjugate_generator
from symconv.cyclotomic import cyclotomic_field, euler_phi, field_order, power_reductions
from symconv.dsl import SIZE_FUNCTIONS, Statement
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.fourier import dft_period
from symconv.prove.evaluate import degree, evaluate_sides, reindex, size_value
from symconv.signal import Signal, union_box

# Every int64 that is formed stays below this in absolute value (checked first).
INT_LIMIT = 2**62
# Rows one packed operation may produce (about 40 bytes each, several arrays at once).
MAX_PACKED_TERMS = 40_000_000
# Entries in one box: index_signal and ops allocate int64 arrays of the box (32 MB here).
MAX_PACKED_BOX = 4_000_000


class TooManyProducts(SizeLimitError):
    """A product of two packed signals would exceed :data:`MAX_PACKED_TERMS` (checked first)."""


class PackedUnsupported(SymconvError):
    """No packed evaluation here (an int64 bound, a divisor that is not rational):
    evaluate with the Polynomial arithmetic instead."""


Difference = tuple[tuple[int, ...] | None, Any, Any]


@dataclass(frozen=True, eq=False)
class PackedSignal:
    """A signal (``shape`` and ``origin`` as in :class:`Signal`) or, with shape (), a scalar.

    Built only by :class:`PackedBackend`, which keeps every instance canonical.
    """

    shape: tuple[int, ...]
    origin: tuple[int, ...]
    pos: np.ndarray
    mono: np.ndarray
    exp: np.ndarray
    coef: np.ndarray
    scale: Fraction
    order: int

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        """Entries in the box (a scalar has one)."""
        return math.prod(self.shape)

    @property
    def terms(self) -> int:
        return int(self.pos.size)

    @property
    def stop(self) -> tuple[int, ...]:
        return tuple(o + n for o, n in zip(self.origin, self.shape, strict=True))


class MonomialCodec:
    """Monomials of degree <= ``degree`` in a fixed set of generators, as int64 codes.

    A generator's id is its rank + 1 (0 is an empty digit); a monomial's code has
    its ids in descending order as base-(G + 1) digits, lowest place first, so a
    generator's own code is its id and the constant monomial is 0.

    >>> from symconv.algebra import real_generator
    >>> codec = MonomialCodec([real_generator("f", (0,)), real_generator("f", (1,))], 2)
    >>> codec.decode(int(codec.multiply(np.array([1]), np.array([2]))[0]))
    (Generator(name='f', kind='r', index=(0,)), Generator(name='f', kind='r', index=(1,)))
    """

    def __init__(self, generators: Iterable[Generator], degree: int) -> None:
        gens = set(generators)
        gens |= {conjugate_generator(g) for g in gens}
        self.generators: list[Generator] = sorted(gens)
        self.ids = {g: i + 1 for i, g in enumerate(self.generators)}
        self.base = len(self.generators) + 1
        self.degree = max(degree, 1)
        self.space = self.base**self.degree  # codes lie in [0, space)
        if self.space >= INT_LIMIT:
            raise PackedUnsupported(f"{len(self.generators)} generators to degree {self.degree} "
                                    "overflow an int64 monomial code")
        self._conjugate_ids = np.array(
            [0, *(self.ids[conjugate_generator(g)] for g in self.generators)], dtype=np.int64)
        self._places = self.base ** np.arange(self.degree, dtype=np.int64)

    def encode(self, monomial: Monomial) -> int:
        digits = sorted((self.ids[g] for g in monomial), reverse=True)
        if len(digits) > self.degree:
            raise PackedUnsupported(f"a monomial of degree {len(digits)} exceeds the bound "
                                    f"{self.degree}")
        return sum(d * self.base**i for i, d in enumerate(digits))

    def decode(self, code: int) -> Monomial:
        digits = []
        while code:
            code, d = divmod(code, self.base)
            digits.append(self.generators[d - 1])
        return tuple(sorted(digits))

    def digits(self, codes: np.ndarray) -> np.ndarray:
        """(n, degree) digit array of ``codes``."""
        # A product sorts twice this many cells: bound them like rows.
        _check_terms(2 * codes.size * self.degree, f"a product of degree-{self.degree} monomials")
        return (codes[:, None] // self._places[None, :]) % self.base

    def from_digits(self, digits: np.ndarray) -> np.ndarray:
        """Codes of rows of digits in any order (zeros are empty places)."""
        ordered = -np.sort(-digits, axis=1)
        if ordered.shape[1] > self.degree and ordered[:, self.degree:].any():
            raise PackedUnsupported(f"a product exceeds the degree bound {self.degree}")
        ordered = ordered[:, : self.degree]
        return ordered @ self._places[: ordered.shape[1]]

    def multiply(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Codes of the products of the monomials ``a[i] * b[i]``."""
        if not a.size:
            return a.copy()
        if int(a.max()) < self.base and int(b.max()) < self.base:
            # Both of degree <= 1 (the common case): the larger id is the lower place.
            high, low = np.maximum(a, b), np.minimum(a, b)
            if self.degree == 1 and low.any():
                raise PackedUnsupported(f"a product exceeds the degree bound {self.degree}")
            low *= self.base  # in place: these arrays can have tens of millions of entries
            low += high
            return low
        return self.from_digits(np.concatenate((self.digits(a), self.digits(b)), axis=1))

    def conjugate(self, codes: np.ndarray) -> np.ndarray:
        """Codes with every complex generator swapped for its conjugate."""
        if not codes.size:
            return codes.copy()
        return self.from_digits(self._conjugate_ids[self.digits(codes)])


@lru_cache(maxsize=64)
def _reduction(order: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, int]:
    """(φ(L), start, j, c, max |c|): ζ^t = Σ c[k] ζ^j[k] over k in start[t]..start[t+1]."""
    table = power_reductions(order)
    counts = np.array([len(row) for row in table], dtype=np.int64)
    start = np.concatenate(([0], np.cumsum(counts)))
    js = np.array([j for row in table for j, _ in row], dtype=np.int64)
    cs = np.array([c for row in table for _, c in row], dtype=np.int64)
    return euler_phi(order), start, js, cs, int(np.abs(cs).max())


def _bound(values: np.ndarray) -> int:
    return int(np.abs(values).max()) if values.size else 0


def _check_terms(count: int, what: str, error: type[SizeLimitError] = SizeLimitError) -> None:
    if count > MAX_PACKED_TERMS:
        raise error(f"{what} has {count} terms; the exact limit is {MAX_PACKED_TERMS}")


def _check_box(shape: tuple[int, ...]) -> None:
    # Checked before any array of the box is made (a period of 10^5 x 10^5, say).
    if math.prod(shape) > MAX_PACKED_BOX:
        raise SizeLimitError(f"a box of shape {shape} has {math.prod(shape)} entries; the packed "
                             f"exact limit is {MAX_PACKED_BOX}")


def _offsets(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For blocks of ``counts`` rows: (block of each row, index of each row in its block)."""
    block = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    return block, np.arange(block.size) - first[block]


def _coordinates(pos: np.ndarray, shape: tuple[int, ...]) -> list[np.ndarray]:
    if not shape:
        return []
    return list(np.unravel_index(pos, shape)) if pos.size else [pos.copy() for _ in shape]


def _flat(coords: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    if not shape:
        return np.zeros(coords[0].size if coords else 0, dtype=np.int64)
    return np.ravel_multi_index(tuple(coords), shape).astype(np.int64, copy=False)


def index_signal(signal: PackedSignal) -> Signal:
    """A numeric signal with the same box whose entries are 1 + their row-major offset.

    :mod:`symconv.ops` moves, pads (wrap, reflect, ...) and crops it like any
    signal; afterwards each entry says which original entry lands there (0: none).
    """
    return Signal(np.arange(1, signal.size + 1, dtype=np.int64).reshape(signal.shape),
                  signal.origin)


def _union_box(a: PackedSignal, b: PackedSignal) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The union box of :class:`Signal` arithmetic, size-checked."""
    origin, shape = union_box(a, b)
    _check_box(shape)  # before offsets in it are formed: far-apart boxes would overflow
    return origin, shape


def _repositioned(signal: PackedSignal, origin: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
    """``signal.pos`` as offsets in a box that contains its own (order is kept)."""
    if not shape or (signal.origin == origin and signal.shape == shape):
        return signal.pos
    coords = _coordinates(signal.pos, signal.shape)
    moved = [c + (o - lo) for c, o, lo in zip(coords, signal.origin, origin, strict=True)]
    return _flat(moved, shape)


def _matching_pairs(keys_a: np.ndarray, keys_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All index pairs (i, k) with ``keys_a[i] == keys_b[k]``."""
    order_a, order_b = np.argsort(keys_a, kind="stable"), np.argsort(keys_b, kind="stable")
    ua, first_a, count_a = np.unique(keys_a[order_a], return_index=True, return_counts=True)
    ub, first_b, count_b = np.unique(keys_b[order_b], return_index=True, return_counts=True)
    _, in_a, in_b = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    na, nb = count_a[in_a], count_b[in_b]
    sizes = na * nb
    _check_terms(int(sizes.sum()), "a product", TooManyProducts)
    block, within = _offsets(sizes)
    ia = order_a[first_a[in_a][block] + within // nb[block]]
    ib = order_b[first_b[in_b][block] + within % nb[block]]
    return ia, ib


def _all_pairs(na: int, nb: int) -> tuple[np.ndarray, np.ndarray]:
    _check_terms(na * nb, "a product", TooManyProducts)
    return np.repeat(np.arange(na), nb), np.tile(np.arange(nb), na)


class PackedBackend:
    """The statement walker's arithmetic (see :mod:`symconv.prove.evaluate`) on packed signals."""

    def __init__(self, codec: MonomialCodec) -> None:
        self.codec = codec

    # --- canonical form ------------------------------------------------------
    def _canonical(self, shape: tuple[int, ...], origin: tuple[int, ...], pos: np.ndarray,
                   mono: np.ndarray, exp: np.ndarray, coef: np.ndarray, scale: Fraction,
                   order: int) -> PackedSignal:
        """Exponents mod L, like terms combined, rows sorted, coefficients normalized."""
        _check_box(shape)
        if exp.size and (int(exp.min()) < 0 or int(exp.max()) >= order):
            exp = exp % order
        space = self.codec.space
        key_space = max(math.prod(shape), 1) * space * order
        if key_space >= INT_LIMIT:
            raise PackedUnsupported(f"{key_space} term keys overflow an int64")
        if _bound(coef) * max(coef.size, 1) >= INT_LIMIT:
            raise PackedUnsupported("a sum of like terms may overflow an int64")
        key = pos * space  # in place from here on: the inputs may belong to other signals
        key += mono
        key *= order
        key += exp
        key, coef = _sorted_sums(key, coef, key_space)
        rest, exp = np.divmod(key, order)
        pos, mono = np.divmod(rest, space)
        return self._normalized(shape, origin, pos, mono, exp, coef, scale, order)

    def _reduced(self, a: PackedSignal) -> PackedSignal:
        """The same values with every ζ^t written in the basis 1, ζ, ..., ζ^(φ(L)-1) of
        Q(ζ_L), i.e. reduced modulo Φ_L: the form in which zero is only the empty signal."""
        phi, start, js, cs, top = _reduction(a.order)
        exp, pos, mono, coef = a.exp, a.pos, a.mono, a.coef
        if not exp.size or int(exp.max()) < phi:
            return a
        if _bound(coef) * top >= INT_LIMIT:
            raise PackedUnsupported("a reduction modulo the cyclotomic polynomial may overflow")
        counts = start[exp + 1] - start[exp]
        if bool((counts == 1).all()):  # every ζ^t is ±ζ^j (orders 2^k and many more)
            coef, exp = coef * cs[start[exp]], js[start[exp]]
        else:
            _check_terms(int(counts.sum()), "a reduction modulo the cyclotomic polynomial")
            row, within = _offsets(counts)
            entry = start[exp][row] + within
            pos, mono, coef, exp = pos[row], mono[row], coef[row] * cs[entry], js[entry]
        return self._canonical(a.shape, a.origin, pos, mono, exp, coef, a.scale, a.order)

    def _normalized(self, shape: tuple[int, ...], origin: tuple[int, ...], pos: np.ndarray,
                    mono: np.ndarray, exp: np.ndarray, coef: np.ndarray, scale: Fraction,
                    order: int) -> PackedSignal:
        """Sorted, combined rows -> coefficients divided by their gcd, the first one positive."""
        _check_box(shape)
        if not coef.size:
            scale, order = Fraction(1), 1  # zero lies in every field: never widen one for it
        else:
            g = int(np.gcd.reduce(coef)) * (1 if coef[0] > 0 else -1)
            if g != 1:
                coef = coef // g
                scale = scale * g
        return PackedSignal(tuple(shape), tuple(origin), pos, mono, exp, coef, scale, order)

    def _empty(self, shape: tuple[int, ...], origin: tuple[int, ...]) -> PackedSignal:
        _check_box(shape)
        none = np.zeros(0, dtype=np.int64)
        return PackedSignal(tuple(shape), tuple(origin), none, none, none, none, Fraction(1), 1)

    def _lifted(self, signal: PackedSignal, order: int) -> PackedSignal:
        """The same values with coefficients in Q(ζ_order) (``signal.order`` divides it)."""
        if signal.order == order:
            return signal
        return self._canonical(signal.shape, signal.origin, signal.pos, signal.mono,
                               signal.exp * (order // signal.order), signal.coef, signal.scale,
                               order)

    # --- conversion ----------------------------------------------------------
    def pack(self, signal: Signal) -> PackedSignal:
        """The packed form of an exact (or integer) signal."""
        exact = signal.exact()
        orders = {_order_of(p.domain) for p in exact.entries.flat}
        order = math.lcm(1, *orders)
        pos, mono, exp, nums, dens = [], [], [], [], []
        for flat, p in enumerate(exact.entries.flat):
            step = order // _order_of(p.domain)
            for m, c in p.terms.items():
                code = self.codec.encode(m)
                parts = ([(0, c)] if p.domain.is_QQ or p.domain.is_ZZ else
                         [(j * step, q) for j, q in p.domain.zeta_exponents(c).items()])
                for e, q in parts:
                    pos.append(flat)
                    mono.append(code)
                    exp.append(e)
                    nums.append(int(q.numerator))  # ZZ and QQ elements both have these
                    dens.append(int(q.denominator))
        common = math.lcm(1, *dens)
        coef = [n * (common // d) for n, d in zip(nums, dens, strict=True)]
        if any(abs(c) >= INT_LIMIT for c in coef):
            raise PackedUnsupported("an entry's coefficient does not fit an int64")
        pos_, mono_, exp_, coef_ = (np.array(v, dtype=np.int64) for v in (pos, mono, exp, coef))
        return self._canonical(exact.shape, exact.origin, pos_, mono_, exp_, coef_,
                               Fraction(1, common), order)

    def entry(self, signal: PackedSignal, coordinate: tuple[int, ...] | None) -> Polynomial:
        """The value at ``coordinate`` (None for a scalar) as a Polynomial."""
        if coordinate is None:
            flat = 0
        else:
            inside = [c - o for c, o in zip(coordinate, signal.origin, strict=True)]
            if not all(0 <= i < n for i, n in zip(inside, signal.shape, strict=True)):
                return Polynomial.zero()
            flat = int(np.ravel_multi_index(tuple(inside), signal.shape))
        lo, hi = np.searchsorted(signal.pos, [flat, flat + 1])
        scale = QQ(signal.scale.numerator, signal.scale.denominator)
        buckets: dict[int, dict[int, Any]] = {}
        for m, j, c in zip(signal.mono[lo:hi].tolist(), signal.exp[lo:hi].tolist(),
                           signal.coef[lo:hi].tolist(), strict=True):
            buckets.setdefault(m, {})[j] = QQ(c) * scale
        if signal.order <= 2:  # Q(ζ_1) = Q(ζ_2) = Q, with ζ_2 = -1
            return Polynomial({self.codec.decode(m): sum((c if j == 0 else -c for j, c in b.items()),
                                                         QQ.zero)
                               for m, b in buckets.items()}, QQ)
        field = cyclotomic_field(signal.order)
        return Polynomial({self.codec.decode(m): field.from_zeta_exponents(b)
                           for m, b in buckets.items()}, field)

    # --- the Backend protocol -------------------------------------------------
    def number(self, value: Fraction) -> PackedSignal:
        return self._constant(value, 0, 1)

    def imag(self, value: Fraction) -> PackedSignal:
        return self._constant(value, 1, 4)  # i = ζ_4

    def _constant(self, value: Fraction, exp: int, order: int) -> PackedSignal:
        if not value:
            return self._empty((), ())
        one = np.ones(1, dtype=np.int64)
        return self._normalized((), (), one * 0, one * 0, one * exp, one, Fraction(value), order)

    def neg(self, value: PackedSignal) -> PackedSignal:
        if not value.terms:
            return value
        return PackedSignal(value.shape, value.origin, value.pos, value.mono, value.exp,
                            value.coef, -value.scale, value.order)

    def binary(self, op: str, left: PackedSignal, right: PackedSignal) -> PackedSignal:
        if op in "+-":
            return self._add(left, self.neg(right) if op == "-" else right)
        if op == "*":
            return self._mul(left, right)
        if op == "/":
            return self._divide(left, right)
        return self._bilinear(self._matmul, left, right)

    def call(self, func: str, signals: list[Any], ints: list[int],
             options: dict[str, Any]) -> PackedSignal:
        if func in SIZE_FUNCTIONS:
            return self.number(Fraction(size_value(func, signals[0].shape, ints)))
        if func in ("flip", "shift", "zeropad", "transpose"):
            moved = reindex(func, [index_signal(signals[0])], ints, options)
            assert moved is not None
            return self._gather(signals[0], moved)
        if func in ("conv", "corr"):
            sign, mode = 1 if func == "conv" else -1, options.get("mode", "full")
            boundary = options.get("boundary", "zero")
            return self._bilinear(lambda k, i: self._sliding(k, i, sign, mode, boundary),
                                  signals[0], signals[1])
        if func in ("circconv", "circcorr"):
            a, b = signals
            period = ops.circular_period(index_signal(a), index_signal(b), ints or None)
            sign = 1 if func == "circconv" else -1
            full = self._bilinear(lambda x, y: self._sliding(x, y, sign, "full", "zero"),
                                  self._periodize(a, period), self._periodize(b, period))
            return self._periodize(full, period)
        if func in ("dft", "idft"):
            return self._dft(signals[0], tuple(ints), inverse=func == "idft")
        if func == "periodize":
            return self._periodize(signals[0], tuple(ints))
        if func == "conj":
            return self._conjugate(signals[0])
        if func == "sum":
            return self._total(signals[0])
        if func == "trace":
            return self._trace(signals[0])
        if func == "frobenius":
            return self._total(self._mul(signals[0], signals[1]))
        if func == "hadamard":
            return self._mul(signals[0], signals[1])
        raise PackedUnsupported(f"{func} has no packed evaluation")

    # --- arithmetic ------------------------------------------------------------
    def _add(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        if a.ndim != b.ndim:
            raise ShapeError(f"cannot combine a {a.ndim}D signal with a {b.ndim}D signal")
        origin, shape = _union_box(a, b)
        order = math.lcm(a.order, b.order)
        scale = Fraction(math.gcd(a.scale.numerator, b.scale.numerator),
                         math.lcm(a.scale.denominator, b.scale.denominator))
        parts = [(s, int(s.scale / scale)) for s in (a, b) if s.terms]
        if not parts:
            return self._empty(shape, origin)
        if any(_bound(s.coef) * abs(k) >= INT_LIMIT for s, k in parts):
            raise PackedUnsupported("aligning the scales of a sum overflows an int64")
        return self._canonical(
            shape, origin,
            np.concatenate([_repositioned(s, origin, shape) for s, _ in parts]),
            np.concatenate([s.mono for s, _ in parts]),
            np.concatenate([s.exp * (order // s.order) for s, _ in parts]),
            np.concatenate([s.coef * k for s, k in parts]),
            scale, order)

    def _product(self, a: PackedSignal, b: PackedSignal, ia: np.ndarray, ib: np.ndarray,
                 shape: tuple[int, ...], origin: tuple[int, ...], pos: np.ndarray) -> PackedSignal:
        """Σ over the pairs (ia[k], ib[k]) of term products, placed at ``pos[k]``."""
        if _bound(a.coef) * _bound(b.coef) >= INT_LIMIT:
            raise PackedUnsupported("a product of coefficients may overflow an int64")
        order = math.lcm(a.order, b.order)
        # Built in place from the gathered copies: fresh pages cost more than the arithmetic.
        exp = a.exp[ia]
        if order != a.order:
            exp *= order // a.order
        exp += b.exp[ib] if order == b.order else b.exp[ib] * (order // b.order)
        coef = a.coef[ia]
        coef *= b.coef[ib]
        return self._canonical(shape, origin, pos, self.codec.multiply(a.mono[ia], b.mono[ib]),
                               exp, coef, a.scale * b.scale, order)

    def _bilinear(self, op: Callable[[PackedSignal, PackedSignal], PackedSignal],
                  a: PackedSignal, b: PackedSignal) -> PackedSignal:
        """``op(a, b)``; if it would form too many products, ``op`` of the operands reduced
        modulo Φ_L: in Q[C_L] terms that cancel in Q(ζ_L) are still rows, and they multiply."""
        try:
            return op(a, b)
        except TooManyProducts:
            smaller = self._reduced(a), self._reduced(b)
            if smaller[0].terms >= a.terms and smaller[1].terms >= b.terms:
                raise
            return op(*smaller)

    def _mul(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        return self._bilinear(self._pointwise, a, b)

    def _pointwise(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        """Pointwise product of signals (union box, as Signal); a scalar scales."""
        if not a.shape and b.shape:
            a, b = b, a
        if not b.shape:  # signal (or scalar) times scalar
            ia, ib = _all_pairs(a.terms, b.terms)
            return self._product(a, b, ia, ib, a.shape, a.origin, a.pos[ia])
        if a.ndim != b.ndim:
            raise ShapeError(f"cannot combine a {a.ndim}D signal with a {b.ndim}D signal")
        origin, shape = _union_box(a, b)
        pa, pb = _repositioned(a, origin, shape), _repositioned(b, origin, shape)
        ia, ib = _matching_pairs(pa, pb)
        return self._product(a, b, ia, ib, shape, origin, pa[ia])

    def _divide(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        b = self._reduced(b)  # e.g. (1j * 1j) is ζ_4^2 in Q[C_4], -1 in Q(ζ_4)
        if not b.terms:
            raise ShapeError("division by zero in the statement")
        if b.shape or b.terms != 1 or b.mono[0] or b.exp[0]:
            raise PackedUnsupported("division by a constant that is not rational")
        divisor = b.scale * int(b.coef[0])
        if not a.terms:
            return a
        return PackedSignal(a.shape, a.origin, a.pos, a.mono, a.exp, a.coef, a.scale / divisor,
                            a.order)

    def _matmul(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        """``(a @ b)(i, k) = Σ_j a(i, j) b(j, k)`` on the box of :func:`symconv.ops.matmul`."""
        if a.ndim != 2 or b.ndim != 2:
            raise ShapeError(f"matrix product of {a.ndim}D and {b.ndim}D signals; expected 2D and 2D")
        shape, origin = (a.shape[0], b.shape[1]), (a.origin[0], b.origin[1])
        ai, aj = _coordinates(a.pos, a.shape)
        bj, bk = _coordinates(b.pos, b.shape)
        # aj + a.o1 == bj + b.o0, the origins' difference taken in Python ints (no int64 wrap)
        offset = b.origin[0] - a.origin[1]
        if -b.shape[0] < offset < a.shape[1]:
            ia, ib = _matching_pairs(aj, bj + offset)
        else:  # the inner ranges do not overlap
            ia = ib = np.zeros(0, dtype=np.int64)
        return self._product(a, b, ia, ib, shape, origin, _flat([ai[ia], bk[ib]], shape))

    def _total(self, a: PackedSignal) -> PackedSignal:
        return self._canonical((), (), np.zeros_like(a.pos), a.mono, a.exp, a.coef, a.scale,
                               a.order)

    def _trace(self, a: PackedSignal) -> PackedSignal:
        if a.ndim != 2:
            raise ShapeError(f"trace of a {a.ndim}D signal; expected 2D")
        i, j = _coordinates(a.pos, a.shape)
        # i + o0 == j + o1 with the origins' difference taken in Python ints (no int64 wrap)
        offset = a.origin[1] - a.origin[0]
        on_diagonal = (i - j == offset) if abs(offset) < max(a.shape) else np.zeros(i.size, bool)
        return self._total(self._rows(a, on_diagonal))

    def _rows(self, a: PackedSignal, keep: np.ndarray) -> PackedSignal:
        return self._normalized(a.shape, a.origin, a.pos[keep], a.mono[keep], a.exp[keep],
                                a.coef[keep], a.scale, a.order)

    def _conjugate(self, a: PackedSignal) -> PackedSignal:
        return self._canonical(a.shape, a.origin, a.pos, self.codec.conjugate(a.mono),
                               -a.exp, a.coef, a.scale, a.order)

    # --- moving entries ------------------------------------------------------------
    def _gather(self, a: PackedSignal, moved: Signal) -> PackedSignal:
        """The signal whose entry at each place of ``moved``'s box is the entry of ``a`` that
        ``moved`` names there (an :func:`index_signal` after ops have moved it)."""
        flat = np.asarray(moved.entries, dtype=np.int64).reshape(-1)
        targets = np.flatnonzero(flat)
        sources = flat[targets] - 1
        first = np.searchsorted(a.pos, sources, side="left")
        counts = np.searchsorted(a.pos, sources, side="right") - first
        _check_terms(int(counts.sum()), "a re-indexed signal")
        block, within = _offsets(counts)
        rows = first[block] + within
        # Targets ascend and each takes one source's sorted rows: still sorted, no sums.
        return self._normalized(moved.shape, moved.origin, targets[block].astype(np.int64),
                                a.mono[rows], a.exp[rows], a.coef[rows], a.scale, a.order)

    def _periodize(self, a: PackedSignal, period: tuple[int, ...]) -> PackedSignal:
        """As :func:`symconv.ops.periodize`: ``Σ_m a(x + m n)`` on [0, n) at origin 0."""
        _check_box(period)
        coords = [(c + o % n) % n for c, o, n in
                  zip(_coordinates(a.pos, a.shape), a.origin, period, strict=True)]
        return self._canonical(period, (0,) * len(period), _flat(coords, period), a.mono, a.exp,
                               a.coef, a.scale, a.order)

    def _sliding(self, kernel: PackedSignal, image: PackedSignal, sign: int, mode: str,
                 boundary: str) -> PackedSignal:
        """``conv`` / ``corr`` with :func:`symconv.ops.sliding_sum` doing every index step."""
        full: list[PackedSignal] = []

        def full_conv(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
            # kern and img are index arrays: kernel (reversed for corr) and the extended image.
            k = self._gather(kernel, Signal(kern, (0,) * kern.ndim))
            i = self._gather(image, Signal(img, (0,) * img.ndim))
            ik, ii = _all_pairs(k.terms, i.terms)
            coords = [x + y for x, y in zip(_coordinates(k.pos[ik], k.shape),
                                            _coordinates(i.pos[ii], i.shape), strict=True)]
            full.append(self._product(k, i, ik, ii, out_shape, (0,) * len(out_shape),
                                      _flat(coords, out_shape)))
            return np.arange(1, math.prod(out_shape) + 1, dtype=np.int64).reshape(out_shape)

        moved = ops.sliding_sum(index_signal(kernel), index_signal(image), sign, mode, boundary,
                                full_conv=full_conv)
        if not full:  # an empty kernel or image: the zero function on the output box
            return self._empty(moved.shape, moved.origin)
        return self._gather(full[0], moved)

    # --- Fourier ---------------------------------------------------------------------
    def _dft(self, a: PackedSignal, sizes: tuple[int, ...], inverse: bool) -> PackedSignal:
        """As :func:`symconv.fourier.dft` / ``idft`` (numpy's sign, 1/N on the inverse)."""
        dims = dft_period(index_signal(a), sizes)
        torus = self._periodize(a, dims)
        if not torus.terms:
            return torus
        count = math.prod(dims)
        _check_terms(torus.terms * count, f"an exact DFT of shape {dims}")
        order = math.lcm(torus.order, *dims)
        sign = 1 if inverse else -1
        # exp[k, t] = e_t + sign Σ_i k_i x_i L/n_i, built in place: at 16x16 every array here
        # has 16.7M entries, and fresh pages cost more than the arithmetic.
        exp = np.empty((count, torus.terms), dtype=np.int64)
        exp[:] = torus.exp * (order // torus.order)
        step = np.empty_like(exp)
        frequencies = np.indices(dims).reshape(len(dims), -1)
        for k, x, n in zip(frequencies, _coordinates(torus.pos, dims), dims, strict=True):
            np.multiply(k[:, None], (x * (sign * (order // n)))[None, :], out=step)
            exp += step
        del step
        return self._canonical(
            dims, (0,) * len(dims), np.repeat(np.arange(count, dtype=np.int64), torus.terms),
            np.tile(torus.mono, count), exp.reshape(-1), np.tile(torus.coef, count),
            torus.scale / count if inverse else torus.scale, order)

    # --- comparison -------------------------------------------------------------------
    def difference(self, left: PackedSignal, right: PackedSignal) -> Difference | None:
        """As :func:`symconv.prove.counterexample.difference`: the first coordinate (row-major
        over the union box) where the sides differ, with both values; None if equal."""
        if bool(left.shape) != bool(right.shape):
            raise SymconvError("one side is a signal and the other a scalar")
        if left.ndim != right.ndim:
            raise ShapeError(f"cannot compare a {left.ndim}D signal with a {right.ndim}D signal")
        order = math.lcm(left.order, right.order)
        a, b = self._lifted(left, order), self._lifted(right, order)
        origin, shape = _union_box(a, b)
        if (a.terms == b.terms and a.scale == b.scale
                and np.array_equal(_repositioned(a, origin, shape), _repositioned(b, origin, shape))
                and np.array_equal(a.mono, b.mono) and np.array_equal(a.exp, b.exp)
                and np.array_equal(a.coef, b.coef)):
            return None
        gap = self._reduced(self._add(a, self.neg(b)))
        if not gap.terms:  # different rows of Q[C_L], the same values in Q(ζ_L)
            return None
        if not shape:
            return None, self.entry(left, None), self.entry(right, None)
        coordinate = tuple(int(c[0]) + o for c, o in
                           zip(_coordinates(gap.pos[:1], gap.shape), gap.origin, strict=True))
        return coordinate, self.entry(left, coordinate), self.entry(right, coordinate)


def _sorted_sums(key: np.ndarray, coef: np.ndarray, key_space: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys in ascending order with the sums of their coefficients (zeros dropped).

    ``key`` is consumed (overwritten); ``coef`` is not.
    """
    if not key.size:
        return key, coef
    low = _bound(coef)
    bits = (2 * low).bit_length()
    if key_space << bits < INT_LIMIT:
        # One plain sort of key and coefficient packed together is ~3x faster than argsort.
        key <<= bits
        key |= coef + low
        key.sort()
        coef = key & ((1 << bits) - 1)
        coef -= low
        key >>= bits
    else:
        order = np.argsort(key)
        key, coef = key[order], coef[order]
    repeated = key[1:] == key[:-1]
    if repeated.any():
        starts = np.flatnonzero(np.concatenate(([True], ~repeated)))
        key, coef = key[starts], np.add.reduceat(coef, starts)
    if not coef.all():
        keep = coef != 0
        key, coef = key[keep], coef[keep]
    return key, coef


def _order_of(domain: Any) -> int:
    order = field_order(domain)
    if order is None:
        raise PackedUnsupported(f"coefficients in {domain} have no packed form")
    return order


def packed_difference(statement: Statement, env: Mapping[str, Signal]) -> Difference | None:
    """Where the two sides of ``statement`` differ on ``env`` (exact signals), or None.

    Raises :class:`PackedUnsupported` when the statement needs the Polynomial arithmetic.
    """
    generators = {name: s.generators() for name, s in env.items()}
    symbolic = {name for name, gens in generators.items() if gens}
    bound = max(degree(statement.left, symbolic), degree(statement.right, symbolic))
    backend = PackedBackend(MonomialCodec(set().union(*generators.values()), bound))
    packed = {name: backend.pack(s) for name, s in env.items()}
    left, right = evaluate_sides(statement, packed, backend)
    return backend.difference(left, right)
