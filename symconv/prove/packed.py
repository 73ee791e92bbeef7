"""Packed exact arithmetic: a whole signal as two sorted numpy arrays of terms (the exact tier).

:class:`~symconv.core.algebra.Polynomial` keeps one Python dict per entry, which is
the right tool for display but too slow for the large expansions of the DFT
theorems: ``dft(circconv(f, g)) == dft(f) * dft(g)`` on 16x16 has 16.7 million
terms per side.  Here a signal is two int64 arrays with a row per term
``c · ζ_L^j · m`` at box position ``p``:

* ``key``  -- ``(p · S + m) · L + j``, strictly ascending, where
  ``p`` is the row-major offset of the term's entry in the signal's box,
  ``m`` the monomial as an integer code below ``S`` (its generator ids, sorted
  in descending order, as the digits of a number in base G + 1, lowest place
  first) and ``j`` the power of ζ_L = exp(2πi/L), taken modulo L;
* ``coef`` -- the signal's value is ``scale · Σ coef ζ^j m`` with one exact
  rational ``scale`` for the whole signal.

``pos``, ``mono`` and ``exp`` are read back from the key.  One key per row
halves the memory of four separate arrays, and the canonical form is one
ascending array, so a form that is built in order (a DFT, the product of two
DFTs) is recognised by one comparison pass instead of a sort.

Arithmetic is done in the group ring Q[C_L]: ζ's exponent is kept modulo L
(a product of ζ^a and ζ^b is ζ^(a+b mod L), and a DFT entry keeps one term per
input sample), and every :class:`PackedSignal` has its like terms combined,
zero terms dropped, keys ascending, and its coefficients divided by their gcd
with the first one positive (the rest goes into ``scale``).  The map
Q[C_L] -> Q(ζ_L) sending the generator to ζ is a ring homomorphism, so equal
rows mean equal values; the converse needs the kernel of that map, so a
difference of rows is reduced modulo the cyclotomic polynomial Φ_L (the basis
1, ζ, ..., ζ^(φ(L)-1), a unique form) before it is called non-zero.  That is the
same decision procedure as the Polynomial dicts, with numpy instead of Python
loops.

Soundness: nothing here ever wraps around.  Every int64 step that can grow a
value goes through one of a few checked helpers (:func:`_require`,
:func:`_products`, :func:`_scaled`, :class:`_Layout` for keys and
:func:`_sorted_sums` for like-term sums), which first bound the result with
Python integers; where it could reach 2**62, or a feature has no packed form,
:class:`PackedUnsupported` is raised and the caller evaluates with the
Polynomial arithmetic instead.  The index bookkeeping of modes, boundaries and
re-indexings is not written again: :mod:`symconv.core.ops` computes it on arrays of
entry indices (see :func:`index_signal`).

>>> from symconv.lang.dsl import parse_statement
>>> from symconv.core.signal import Signal
>>> env = {n: Signal.symbolic(n, (4, 4), origin=(0, 0)) for n in "fg"}
>>> packed_difference(parse_statement("dft(circconv(f, g)) == dft(f) * dft(g)"), env) is None
True
>>> packed_difference(parse_statement("dft(circcorr(f, g)) == dft(f) * dft(g)"), env)[0]
(0, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, ClassVar, Literal

import numpy as np
from sympy.polys.domains import QQ, ZZ

from symconv.core import ops
from symconv.core.algebra import Generator, Monomial, Polynomial, conjugate_generator
from symconv.core.cyclotomic import cyclotomic_field, euler_phi, field_order, power_reductions
from symconv.core.fourier import dft_period
from symconv.core.signal import Signal, union_box
from symconv.errors import ShapeError, SizeLimitError, SymconvError
from symconv.lang.dsl import Statement
from symconv.lang.operations import Implementation, Unsupported, dispatch_table
from symconv.prove.evaluate import MOVES, degree, evaluate_sides, size_functions, size_value

# Every int64 that is formed stays below this in absolute value (checked first).
INT_LIMIT = 2**62
# Rows one packed operation may produce (16 bytes each, plus bounded temporaries): the
# 16x16 DFT theorem needs 16.7M; 20M keeps a comparison of two such sides within 1 GB.
MAX_PACKED_TERMS = 20_000_000
# Entries in one box: index_signal and ops allocate int64 arrays of the box (32 MB here).
MAX_PACKED_BOX = 4_000_000
# Rows handled at once by products and comparisons: bounds their temporaries (~8 MB each).
CHUNK_ROWS = 1 << 20
# Products whose blocks of pairs average this many are formed block by block, by broadcasting.
BROADCAST_BLOCK = 4096
# Boxes of at most this many entries take DFT phases and circular places from cached tables
# (box² entries each): one gather instead of a dozen index steps, whose fixed cost dominates there.
TABLE_BOX = 256
# Boxes of at most this many entries take their index signal, their places on a torus and
# their positions' first keys from cached tables (one int64 per entry, at most 512 KB each).
PLACES_BOX = 1 << 16


class TooManyProducts(SizeLimitError):
    """A product of two packed signals would exceed :data:`MAX_PACKED_TERMS` (checked first)."""


class PackedUnsupported(SymconvError):
    """No packed evaluation here (an int64 bound, a divisor that is not rational):
    evaluate with the Polynomial arithmetic instead."""


Difference = tuple[tuple[int, ...] | None, Any, Any]


# --- checked int64 steps ------------------------------------------------------------------


def _require(bound: int, what: str) -> None:
    """Refuse a step whose int64 values could reach :data:`INT_LIMIT` (``bound`` is exact
    Python integer arithmetic on the operands' bounds)."""
    if bound >= INT_LIMIT:
        raise PackedUnsupported(f"{what} may overflow an int64")


def _bound(values: np.ndarray) -> int:
    """max |values| (0 for none), without an absolute-value temporary."""
    if not values.size:
        return 0
    return max(int(values.max()), -int(values.min()))


def _products(x: np.ndarray, bound_x: int, y: np.ndarray, bound_y: int,
              out: np.ndarray | None = None) -> np.ndarray:
    """``x * y`` elementwise (broadcast; into ``out`` if given), refused if
    ``bound_x · bound_y`` could overflow."""
    _require(bound_x * bound_y, "a product of coefficients")
    return np.multiply(x, y, out=out)


def _reduce_modulo(x: np.ndarray, order: int) -> None:
    """``x %= order`` in place (a mask for powers of two: the same residues, also of negatives)."""
    if order & (order - 1) == 0:
        x &= order - 1
    else:
        x %= order


def _scaled(x: np.ndarray, bound_x: int, factor: int) -> np.ndarray:
    """``x * factor`` as a new array, refused if it could overflow."""
    _require(bound_x * abs(factor), "aligning the scales of a sum")
    return x * factor


@dataclass(frozen=True)
class _Layout:
    """The key of a row, ``(pos · space + mono) · order + exp``, for boxes of ``size`` entries:
    checked once to stay below :data:`INT_LIMIT` for every pos < size, mono < space, exp < order."""

    size: int
    space: int
    order: int

    def __post_init__(self) -> None:
        _require(max(self.size, 1) * self.space * self.order, "the term keys")

    @property
    def cell(self) -> int:
        """Keys per box position."""
        return self.space * self.order

    def keys(self, pos: np.ndarray, mono: np.ndarray, exp: np.ndarray) -> np.ndarray:
        """Keys of rows (``exp`` already reduced modulo ``order``)."""
        key = pos * self.space + mono  # broadcast: pos may be one column
        key *= self.order
        key += exp
        return key


@lru_cache(maxsize=256)
def _layout(size: int, space: int, order: int) -> _Layout:
    return _Layout(size, space, order)


def _fresh(shape: int | tuple[int, ...]) -> np.ndarray:
    """An int64 array to be filled in blocks.  Touched once in one sweep first: writing fresh
    (huge) pages block by block measured 2-3x slower than a fill followed by the same writes."""
    if (shape if isinstance(shape, int) else math.prod(shape)) <= CHUNK_ROWS:
        return np.zeros(shape, dtype=np.int64)  # small: one call, pages written in one sweep
    array = np.empty(shape, dtype=np.int64)
    array.fill(0)
    return array


def _strictly_ascending(key: np.ndarray) -> bool:
    return key.size < 2 or bool((key[1:] > key[:-1]).all())


def _sorted_sums(key: np.ndarray, coef: np.ndarray, bound: int, key_space: int,
                 runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys in ascending order with the sums of their coefficients (zeros dropped).

    ``key`` is consumed (overwritten); ``coef`` is not.  ``bound`` bounds |coef|; the sum of
    like terms is refused when ``bound`` times the row count could overflow.  ``runs``: the
    keys are a few ascending runs (a sort that merges them is used).
    """
    if not key.size:
        return key, coef
    _require(bound * key.size, "a sum of like terms")
    bits = (2 * bound).bit_length()
    kind: Any = "stable" if runs else None
    if key_space << bits < INT_LIMIT:
        # One plain sort of key and coefficient packed together is ~3x faster than argsort.
        key <<= bits
        key |= coef + bound
        key.sort(kind=kind)
        coef = key & ((1 << bits) - 1)
        coef -= bound
        key >>= bits
    else:
        order = np.argsort(key, kind=kind)
        key, coef = key[order], coef[order]
    repeated = key[1:] == key[:-1]
    if repeated.any():
        starts = np.flatnonzero(np.concatenate(([True], ~repeated)))
        key, coef = key[starts], np.add.reduceat(coef, starts)
    if not coef.all():
        keep = coef != 0
        key, coef = key[keep], coef[keep]
    return key, coef


@dataclass(frozen=True, eq=False)
class PackedSignal:
    """A signal (``shape`` and ``origin`` as in :class:`Signal`) or, with shape (), a scalar.

    Built only by :class:`PackedBackend`, which keeps every instance canonical.  ``bound``
    is max |coef|.
    """

    shape: tuple[int, ...]
    origin: tuple[int, ...]
    key: np.ndarray
    coef: np.ndarray
    bound: int
    scale: Fraction
    order: int
    space: int

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        """Entries in the box (a scalar has one)."""
        return math.prod(self.shape)

    @property
    def terms(self) -> int:
        return int(self.key.size)

    @property
    def stop(self) -> tuple[int, ...]:
        return tuple(o + n for o, n in zip(self.origin, self.shape, strict=True))

    @property
    def cell(self) -> int:
        return self.space * self.order

    @property
    def pos(self) -> np.ndarray:
        """Each row's row-major offset in the box (ascending)."""
        return self.key // self.cell

    @property
    def mono(self) -> np.ndarray:
        """Each row's monomial code."""
        return (self.key // self.order) % self.space

    @property
    def exp(self) -> np.ndarray:
        """Each row's power of ζ_order."""
        return self.key % self.order

    @property
    def within(self) -> np.ndarray:
        """Each row's key within its position, ``mono · order + exp``."""
        return self.key % self.cell

class MonomialCodec:
    """Monomials of degree <= ``degree`` in a fixed set of generators, as int64 codes.

    A generator's id is its rank + 1 (0 is an empty digit); a monomial's code has
    its ids in descending order as base-(G + 1) digits, lowest place first, so a
    generator's own code is its id and the constant monomial is 0.

    >>> from symconv.core.algebra import real_generator
    >>> codec = MonomialCodec([real_generator("f", (0,)), real_generator("f", (1,))], 2)
    >>> codec.decode(int(codec.multiply(np.array([1]), np.array([2]))[0]))
    (Generator(name='f', kind='r', index=(0,)), Generator(name='f', kind='r', index=(1,)))
    """

    def __init__(self, generators: Iterable[Generator], degree: int) -> None:
        gens = set(generators)
        real = all(g.kind == "r" for g in gens)  # real entries are their own conjugates
        if not real:
            gens |= {conjugate_generator(g) for g in gens}
        self.generators: list[Generator] = sorted(gens)
        self.ids = {g: i for i, g in enumerate(self.generators, 1)}
        self.base = len(self.generators) + 1
        self.degree = max(degree, 1)
        self.space = self.base**self.degree  # codes lie in [0, space)
        if self.space >= INT_LIMIT:
            raise PackedUnsupported(f"{len(self.generators)} generators to degree {self.degree} "
                                    "overflow an int64 monomial code")
        self._conjugate_ids = np.arange(self.base, dtype=np.int64) if real else np.array(
            [0, *(self.ids[conjugate_generator(g)] for g in self.generators)], dtype=np.int64)
        self._places = self.base ** np.arange(self.degree, dtype=np.int64)
        # a codec is shared (_codec): its tables are read only
        self._conjugate_ids.flags.writeable = self._places.flags.writeable = False

    def encode(self, monomial: Monomial) -> int:
        if len(monomial) == 1:  # a symbolic entry
            return self.ids[monomial[0]]
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
        """Codes of the products of the monomials ``a * b``, elementwise (``a`` and ``b``
        broadcast against each other)."""
        shape = np.broadcast_shapes(a.shape, b.shape)
        if not math.prod(shape):
            return np.zeros(shape, dtype=np.int64)
        if int(a.max()) < self.base and int(b.max()) < self.base:
            # Both of degree <= 1 (the common case): the larger id is the lower place.
            high, low = np.maximum(a, b), np.minimum(a, b)
            if self.degree == 1 and low.any():
                raise PackedUnsupported(f"a product exceeds the degree bound {self.degree}")
            low *= self.base  # in place: these arrays can have tens of millions of entries
            low += high
            return low
        a, b = (np.broadcast_to(x, shape).reshape(-1) for x in (a, b))
        return self.from_digits(np.concatenate((self.digits(a), self.digits(b)), axis=1)).reshape(
            shape)

    def split_product(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(p, q) with code(a[i] * b[k]) = p[i] + q[k] for all i, k, or None.

        It exists when one side has degree <= 1 and its ids lie above every id of the other
        (they become the lowest place), or below every id of the other and that side has one
        degree k (they become place k): products of distinct signals, as in the DFT theorems
        and associativity.
        """
        if not a.size or not b.size:
            return None
        for x, y, swapped in ((a, b, False), (b, a, True)):
            if int(y.max()) >= self.base:
                continue
            parts = self._appended(x, y)
            if parts is not None:
                return (parts[1], parts[0]) if swapped else parts
        return None

    def _appended(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The split of :meth:`split_product` for ``y`` of degree <= 1, in the roles (x, y)."""
        top_x, top_y = int(x.max()), int(y.max())
        if int(y.min()) > int((x % self.base).max()):  # y's ids above x's: the lowest place
            if top_x * self.base + top_y < self.space:
                return x * self.base, y
            return None
        low_x = int(x.min())
        if not low_x:
            return None
        place = 1  # base^(degree - 1) of x's smallest code: x's degree, if all of x have it
        while low_x >= place * self.base:
            place *= self.base
        if top_x >= place * self.base or top_x + top_y * place * self.base >= self.space:
            return None
        if top_y < int((x // place).min()):  # y's ids below x's: the next place up
            return x, y * (place * self.base)
        return None

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


@lru_cache(maxsize=64)
def _frequencies(dims: tuple[int, ...]) -> np.ndarray:
    """Every frequency of the box ``dims`` in row-major order, one row per axis (read-only)."""
    freqs = np.indices(dims, dtype=np.int64).reshape(len(dims), math.prod(dims))
    freqs.flags.writeable = False
    return freqs


@lru_cache(maxsize=64)
def _phase_table(dims: tuple[int, ...], order: int, sign: int) -> np.ndarray:
    """``sign · Σ_i k_i x_i L / n_i mod L`` (L = ``order``) for every frequency k (rows) and
    position x (columns) of the box ``dims`` in row-major order (read-only): a small DFT's
    phases are then one gather instead of a product of two index matrices."""
    freqs = _frequencies(dims)
    steps = np.array([sign * (order // n) for n in dims], dtype=np.int64)
    table = freqs.T @ (freqs * steps[:, None])  # each sum is below d · n · L: no overflow
    _reduce_modulo(table, order)
    table.flags.writeable = False
    return table


def _torus_coordinates(pos: np.ndarray, shape: tuple[int, ...], origin: tuple[int, ...],
                       period: tuple[int, ...]) -> list[np.ndarray]:
    """The coordinates mod n of the positions ``pos`` of the box ``shape`` at ``origin``."""
    return [(c + o % n) % n for c, o, n in
            zip(_coordinates(pos, shape), origin, period, strict=True)]


@lru_cache(maxsize=64)
def _torus_places(shape: tuple[int, ...], origin: tuple[int, ...],
                  period: tuple[int, ...]) -> np.ndarray:
    """For each position of the box ``shape`` at ``origin`` (row-major), the row-major offset
    on the torus ``period`` of its coordinate mod n (read-only): where periodizing puts it."""
    places = _flat(_torus_coordinates(np.arange(math.prod(shape), dtype=np.int64), shape, origin,
                                      period), period)
    places.flags.writeable = False
    return places


@lru_cache(maxsize=64)
def _cells(count: int, cell: int) -> np.ndarray:
    """The first key of each of ``count`` box positions, ``p · cell`` (read-only)."""
    first = np.arange(count, dtype=np.int64) * cell
    first.flags.writeable = False
    return first


@lru_cache(maxsize=32)
def _circular_places(period: tuple[int, ...], sign: int) -> np.ndarray:
    """``[p, q]``: the row-major offset of ``(y + sign · x) mod n`` for the positions p (at x) and
    q (at y) of the torus ``period`` (read-only): where circconv / circcorr put a product."""
    coords = _frequencies(period)  # every position's coordinates, one row per axis
    moved = (coords[:, None, :] + sign * coords[:, :, None]) % np.array(period)[:, None, None]
    table = _flat(list(moved), period)
    table.flags.writeable = False
    return table


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

    :mod:`symconv.core.ops` moves, pads (wrap, reflect, ...) and crops it like any
    signal; afterwards each entry says which original entry lands there (0: none).
    """
    if signal.size <= PLACES_BOX:
        return _index_signal(signal.shape, signal.origin)
    return Signal(np.arange(1, signal.size + 1, dtype=np.int64).reshape(signal.shape),
                  signal.origin)


@lru_cache(maxsize=256)
def _index_signal(shape: tuple[int, ...], origin: tuple[int, ...]) -> Signal:
    # one per small box (an evaluation asks for the same boxes many times); read-only, so
    # that no operation of ops can change the entries another reads
    entries = np.arange(1, math.prod(shape) + 1, dtype=np.int64).reshape(shape)
    entries.flags.writeable = False
    return Signal(entries, origin)


def _union_box(a: PackedSignal, b: PackedSignal) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The union box of :class:`Signal` arithmetic, size-checked."""
    if a.shape == b.shape and a.origin == b.origin and a.size:
        origin, shape = a.origin, a.shape  # one (non-empty) box: the common case, no min/max
    else:
        origin, shape = union_box(a, b)
    _check_box(shape)  # before offsets in it are formed: far-apart boxes would overflow
    return origin, shape


def _repositioned(signal: PackedSignal, origin: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
    """``signal.pos`` as offsets in a box that contains its own (ascending, as before)."""
    if not shape or (signal.origin == origin and signal.shape == shape):
        return signal.pos
    coords = _coordinates(signal.pos, signal.shape)
    moved = [c + (o - lo) for c, o, lo in zip(coords, signal.origin, origin, strict=True)]
    return _flat(moved, shape)


class _Pairs:
    """Index pairs (ia, ib) in blocks: block k pairs ``na[k]`` rows of a from ``first_a[k]`` with
    ``nb[k]`` rows of b from ``first_b[k]`` (all of them), through the permutations ``order_a``,
    ``order_b`` (None: the identity).  Produced in chunks, so that no pair array of the whole
    product is ever held."""

    def __init__(self, first_a: np.ndarray, na: np.ndarray, first_b: np.ndarray, nb: np.ndarray,
                 order_a: np.ndarray | None = None, order_b: np.ndarray | None = None) -> None:
        self.first_a, self.na, self.first_b, self.nb = first_a, na, first_b, nb
        self.order_a, self.order_b = order_a, order_b
        sizes = na * nb
        self.ends = np.cumsum(sizes)
        self.count = int(self.ends[-1]) if sizes.size else 0
        _check_terms(self.count, "a product", TooManyProducts)
        self.starts = self.ends - sizes

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ia, ib) index arrays of at most about :data:`CHUNK_ROWS` pairs, in order: flat arrays
        for many small blocks, or for large blocks a column and a row that broadcast to the
        block's pairs (no gathered pair arrays, no search)."""
        blocks = self.na.size
        if blocks and self.count >= BROADCAST_BLOCK * blocks:
            for k in range(blocks):
                na, nb, fa, fb = (int(v[k]) for v in (self.na, self.nb, self.first_a, self.first_b))
                ib = np.arange(fb, fb + nb, dtype=np.int64)
                ib = ib if self.order_b is None else self.order_b[ib]
                step = max(1, CHUNK_ROWS // max(nb, 1))
                for lo in range(fa, fa + na, step):
                    ia = np.arange(lo, min(lo + step, fa + na), dtype=np.int64)
                    ia = ia if self.order_a is None else self.order_a[ia]
                    yield ia[:, None], ib[None, :]
            return
        if blocks and bool((self.na == self.na[0]).all()) and bool((self.nb == self.nb[0]).all()):
            # Blocks of one size (a pointwise product of two DFTs): a (block, a-row, b-row)
            # grid broadcast from three ranges, in the same order as the pairs below.
            na, nb = int(self.na[0]), int(self.nb[0])
            rows_a = np.arange(na, dtype=np.int64)[None, :, None]
            rows_b = np.arange(nb, dtype=np.int64)[None, None, :]
            step = max(1, CHUNK_ROWS // max(na * nb, 1))
            for lo in range(0, blocks, step):
                ia = self.first_a[lo:lo + step, None, None] + rows_a
                ib = self.first_b[lo:lo + step, None, None] + rows_b
                yield (ia if self.order_a is None else self.order_a[ia],
                       ib if self.order_b is None else self.order_b[ib])
            return
        for lo in range(0, self.count, CHUNK_ROWS):
            pair = np.arange(lo, min(lo + CHUNK_ROWS, self.count), dtype=np.int64)
            block = np.searchsorted(self.ends, pair, side="right")
            within = pair - self.starts[block]
            width = self.nb[block]
            ia = self.first_a[block] + within // width
            ib = self.first_b[block] + within % width
            yield (ia if self.order_a is None else self.order_a[ia],
                   ib if self.order_b is None else self.order_b[ib])


class _AllPairs:
    """Every pair of ``na`` rows of a with ``nb`` rows of b, in one chunk: a column and a row
    (the pairs of :class:`_Pairs` with one block, without its block arrays)."""

    def __init__(self, na: int, nb: int) -> None:
        self.na, self.nb, self.count = na, nb, na * nb

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        yield (np.arange(self.na, dtype=np.int64)[:, None],
               np.arange(self.nb, dtype=np.int64)[None, :])


def _all_pairs(na: int, nb: int) -> _Pairs | _AllPairs:
    if na * nb <= CHUNK_ROWS:
        return _AllPairs(na, nb)
    one = np.zeros(1, dtype=np.int64)
    return _Pairs(one, one + na, one, one + nb)


def _runs(ascending: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct values, index of the first of each, count of each) of a non-decreasing array."""
    if not ascending.size:
        return ascending, ascending, ascending
    starts = np.empty(ascending.size, dtype=bool)  # (no concatenate: a fixed cost per product)
    starts[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=starts[1:])
    first = np.flatnonzero(starts)
    count = np.empty_like(first)
    np.subtract(first[1:], first[:-1], out=count[:-1])
    count[-1] = ascending.size - first[-1]
    return ascending[first], first, count


def _matching_pairs(keys_a: np.ndarray, keys_b: np.ndarray) -> _Pairs:
    """All index pairs (i, k) with ``keys_a[i] == keys_b[k]``."""
    if np.array_equal(keys_a, keys_b) and bool((keys_a[1:] >= keys_a[:-1]).all()):
        # one ascending array on both sides (two DFTs on one torus): its runs pair with themselves
        _, first, count = _runs(keys_a)
        return _Pairs(first, count, first, count)
    orders = [None if bool((k[1:] >= k[:-1]).all()) else np.argsort(k, kind="stable")
              for k in (keys_a, keys_b)]
    (ua, first_a, count_a), (ub, first_b, count_b) = (
        _runs(k if o is None else k[o]) for k, o in zip((keys_a, keys_b), orders, strict=True))
    if np.array_equal(ua, ub):  # the same keys on both sides (two signals on one box)
        return _Pairs(first_a, count_a, first_b, count_b, *orders)
    _, in_a, in_b = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    return _Pairs(first_a[in_a], count_a[in_a], first_b[in_b], count_b[in_b], *orders)


class PackedBackend:
    """The statement walker's arithmetic (see :mod:`symconv.prove.evaluate`) on packed signals."""

    operations: ClassVar[dict[str, Implementation[PackedBackend] | Unsupported]]

    def __init__(self, codec: MonomialCodec) -> None:
        self.codec = codec
        # periodizations already made, by (id of the signal, period): dft(f) and circconv(f, g)
        # in one statement both periodize f; the signal is kept so that its id stays unique
        self._periodized: dict[tuple[int, tuple[int, ...]], tuple[PackedSignal, PackedSignal]] = {}

    def _layout(self, shape: tuple[int, ...], order: int) -> _Layout:
        return _layout(math.prod(shape), self.codec.space, order)

    # --- canonical form ------------------------------------------------------
    def _from_rows(self, shape: tuple[int, ...], origin: tuple[int, ...], pos: np.ndarray,
                   mono: np.ndarray, exp: np.ndarray, coef: np.ndarray, bound: int,
                   scale: Fraction, order: int) -> PackedSignal:
        """The canonical signal of rows in any order (exponents taken modulo ``order``)."""
        _check_box(shape)
        layout = self._layout(shape, order)
        if exp.size and (int(exp.min()) < 0 or int(exp.max()) >= order):
            exp = exp % order
        return self._canonical(shape, origin, layout.keys(pos, mono, exp), coef, bound, scale,
                               order)

    def _canonical(self, shape: tuple[int, ...], origin: tuple[int, ...], key: np.ndarray,
                   coef: np.ndarray, bound: int, scale: Fraction, order: int,
                   runs: bool = False) -> PackedSignal:
        """Keys (of :class:`_Layout` for this box and order) in any order -> like terms combined,
        keys ascending, coefficients normalized.  ``key`` is consumed."""
        if not _strictly_ascending(key):
            key_space = self._layout(shape, order).size * self.codec.space * order
            key, coef = _sorted_sums(key, coef, bound, key_space, runs)
            bound = _bound(coef)
        elif coef.size and not coef.all():
            keep = coef != 0
            key, coef = key[keep], coef[keep]
        return self._normalized(shape, origin, key, coef, bound, scale, order)

    def _reduced(self, a: PackedSignal) -> PackedSignal:
        """The same values with every ζ^t written in the basis 1, ζ, ..., ζ^(φ(L)-1) of
        Q(ζ_L), i.e. reduced modulo Φ_L: the form in which zero is only the empty signal."""
        phi, start, js, cs, top = _reduction(a.order)
        exp = a.exp
        if not exp.size or int(exp.max()) < phi:
            return a
        counts = start[exp + 1] - start[exp]
        rest = a.key - exp  # (pos · space + mono) · order
        if bool((counts == 1).all()):  # every ζ^t is ±ζ^j (orders 2^k and many more)
            coef = _products(cs[start[exp]], top, a.coef, a.bound)
            rest += js[start[exp]]
        else:
            _check_terms(int(counts.sum()), "a reduction modulo the cyclotomic polynomial")
            row, within = _offsets(counts)
            entry = start[exp][row] + within
            coef = _products(cs[entry], top, a.coef[row], a.bound)
            rest = rest[row] + js[entry]
        return self._canonical(a.shape, a.origin, rest, coef, a.bound * top, a.scale, a.order)

    def _normalized(self, shape: tuple[int, ...], origin: tuple[int, ...], key: np.ndarray,
                    coef: np.ndarray, bound: int, scale: Fraction, order: int) -> PackedSignal:
        """Ascending, combined rows -> coefficients divided by their gcd, the first one positive.
        ``bound`` bounds |coef|; the signal gets the exact max."""
        _check_box(shape)
        if not coef.size:
            return self._empty(shape, origin)  # zero lies in every field: never widen one for it
        # |coef| <= 1 (a symbolic signal, a product of DFTs of them): every coefficient is ±1
        g = 1 if bound <= 1 else int(np.gcd.reduce(coef[:1024]))
        if g != 1:
            g = int(np.gcd.reduce(coef))
        if coef[0] < 0:
            g = -g
        if g != 1:
            coef = coef // g
            scale = scale * g
        bound = _bound(coef) if bound > 1 else bound
        return PackedSignal(tuple(shape), tuple(origin), key, coef, bound, scale, order,
                            self.codec.space)

    def _empty(self, shape: tuple[int, ...], origin: tuple[int, ...]) -> PackedSignal:
        _check_box(shape)
        none = np.zeros(0, dtype=np.int64)
        return PackedSignal(tuple(shape), tuple(origin), none, none, 0, Fraction(1), 1,
                            self.codec.space)

    def _rekeyed(self, signal: PackedSignal, shape: tuple[int, ...], origin: tuple[int, ...],
                 order: int) -> np.ndarray:
        """``signal``'s keys in a box containing its own and a field order that its own divides:
        both maps keep the keys ascending and distinct."""
        if signal.order == order and signal.shape == shape and signal.origin == origin:
            return signal.key
        layout = self._layout(shape, order)
        exp = signal.exp
        if order != signal.order:
            exp *= order // signal.order
        return layout.keys(_repositioned(signal, origin, shape), signal.mono, exp)

    # --- conversion ----------------------------------------------------------
    def pack(self, signal: Signal) -> PackedSignal:
        """The packed form of an exact (or integer) signal."""
        exact = signal.exact()
        entries = list(exact.entries.flat)
        if all(p.domain.is_ZZ for p in entries):
            return self._pack_integer(exact, entries)
        domains = {id(p.domain): p.domain for p in entries}
        field_orders = {key: _order_of(domain) for key, domain in domains.items()}
        order = math.lcm(1, *field_orders.values())
        rational = {key for key, domain in domains.items() if domain.is_QQ or domain.is_ZZ}
        encode = self.codec.encode
        pos, mono, exp, nums, dens = [], [], [], [], []
        for flat, p in enumerate(entries):
            if id(p.domain) in rational:  # one row per term, ζ^0
                for m, c in p.terms.items():
                    pos.append(flat)
                    mono.append(encode(m))
                    exp.append(0)
                    nums.append(int(c.numerator))  # ZZ and QQ elements both have these
                    dens.append(int(c.denominator))
                continue
            step = order // field_orders[id(p.domain)]
            for m, c in p.terms.items():
                code = encode(m)
                for j, q in p.domain.zeta_exponents(c).items():
                    pos.append(flat)
                    mono.append(code)
                    exp.append(j * step)
                    nums.append(int(q.numerator))
                    dens.append(int(q.denominator))
        common = math.lcm(1, *dens)
        coef = [n * (common // d) for n, d in zip(nums, dens, strict=True)]
        bound = max((abs(c) for c in coef), default=0)
        _require(bound, "an entry's coefficient")
        pos_, mono_, exp_, coef_ = (np.array(v, dtype=np.int64) for v in (pos, mono, exp, coef))
        return self._from_rows(exact.shape, exact.origin, pos_, mono_, exp_, coef_, bound,
                               Fraction(1, common), order)

    def _pack_integer(self, exact: Signal, entries: list[Polynomial]) -> PackedSignal:
        """:meth:`pack` of a signal whose entries all have integer coefficients (symbolic
        signals, integer literals): one row per term, ζ^0, no common denominator."""
        ids = self.codec.ids
        one = ZZ.one
        if entries and all(len(p.terms) == 1 for p in entries):
            # one term per entry (independent symbolic entries): rows ascend with the entry, so
            # with every term a bare generator of coefficient 1 they are canonical as they are
            # (keys pos · space + id, gcd 1, first coefficient positive); 0 marks any other term
            codes = [ids[m[0]] if len(m) == 1 and c == one else 0
                     for p in entries for m, c in p.terms.items()]
            if all(codes):
                _check_box(exact.shape)
                layout = self._layout(exact.shape, 1)
                key = np.arange(len(codes), dtype=np.int64) * layout.space
                key += np.array(codes, dtype=np.int64)
                return PackedSignal(tuple(exact.shape), tuple(exact.origin), key,
                                    np.ones(len(codes), dtype=np.int64), 1, Fraction(1), 1,
                                    self.codec.space)
        encode = self.codec.encode
        pos, mono, coef = [], [], []
        for flat, p in enumerate(entries):
            for m, c in p.terms.items():
                pos.append(flat)
                mono.append(encode(m))
                coef.append(int(c))
        bound = max(map(abs, coef), default=0)
        _require(bound, "an entry's coefficient")
        pos_, mono_ = np.array(pos, dtype=np.int64), np.array(mono, dtype=np.int64)
        return self._from_rows(exact.shape, exact.origin, pos_, mono_, np.zeros_like(pos_),
                               np.array(coef, dtype=np.int64), bound, Fraction(1), 1)

    def entry(self, signal: PackedSignal, coordinate: tuple[int, ...] | None) -> Polynomial:
        """The value at ``coordinate`` (None for a scalar) as a Polynomial."""
        if coordinate is None:
            flat = 0
        else:
            inside = [c - o for c, o in zip(coordinate, signal.origin, strict=True)]
            if not all(0 <= i < n for i, n in zip(inside, signal.shape, strict=True)):
                return Polynomial.zero()
            flat = int(np.ravel_multi_index(tuple(inside), signal.shape))
        lo, hi = np.searchsorted(signal.key, [flat * signal.cell, (flat + 1) * signal.cell])
        scale = QQ(signal.scale.numerator, signal.scale.denominator)
        buckets: dict[int, dict[int, Any]] = {}
        rows = signal.key[lo:hi] % signal.cell
        for m, j, c in zip((rows // signal.order).tolist(), (rows % signal.order).tolist(),
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
        return self._normalized((), (), np.array([exp], dtype=np.int64),
                                np.ones(1, dtype=np.int64), 1, Fraction(value), order)

    def neg(self, value: PackedSignal) -> PackedSignal:
        if not value.terms:
            return value
        return PackedSignal(value.shape, value.origin, value.key, value.coef, value.bound,
                            -value.scale, value.order, value.space)

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
        impl = self.operations[func]
        if isinstance(impl, Unsupported):
            raise PackedUnsupported(impl.reason)
        result: PackedSignal = impl(self, signals, ints, options)
        return result

    def _moved(self, func: str, a: PackedSignal, ints: list[int],
               options: dict[str, Any]) -> PackedSignal:
        """flip, shift, zeropad, transpose: ops moves the entries' indices, then they are read."""
        return self._gather(a, MOVES[func](index_signal(a), ints, options))

    def _conv_or_corr(self, sign: int, signals: list[PackedSignal],
                      options: dict[str, Any]) -> PackedSignal:
        mode, boundary = options.get("mode", "full"), options.get("boundary", "zero")
        return self._bilinear(lambda k, i: self._sliding(k, i, sign, mode, boundary), *signals)

    def _circular(self, sign: int, signals: list[PackedSignal], ints: list[int]) -> PackedSignal:
        """As :func:`symconv.core.ops.circular_sum`: both periodized, then every product of
        terms a(k)·b(j) placed at k + j (circconv) or j - k (circcorr) modulo the period."""
        a, b = signals
        index_a, index_b = index_signal(a), index_signal(b)
        ops._same_ndim(index_a, index_b)
        period = ops.circular_period(index_a, index_b, ints or None)
        return self._bilinear(lambda x, y: self._circular_product(x, y, sign, period),
                              self._periodize(a, period), self._periodize(b, period))

    def _circular_product(self, a: PackedSignal, b: PackedSignal, sign: int,
                          period: tuple[int, ...]) -> PackedSignal:
        if math.prod(period) <= TABLE_BOX:
            table, pos_a, pos_b = _circular_places(period, sign), a.pos, b.pos

            def place(ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
                return table[pos_a[ia], pos_b[ib]]
        else:
            coords_a, coords_b = _coordinates(a.pos, period), _coordinates(b.pos, period)

            def place(ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
                return _flat([(y[ib] + sign * x[ia]) % n for x, y, n
                              in zip(coords_a, coords_b, period, strict=True)], period)

        return self._product(a, b, _all_pairs(a.terms, b.terms), period, (0,) * len(period), place)

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
        coefs = [_scaled(s.coef, s.bound, k) for s, k in parts]
        return self._canonical(
            shape, origin, np.concatenate([self._rekeyed(s, shape, origin, order) for s, _ in parts]),
            np.concatenate(coefs), max(s.bound * abs(k) for s, k in parts), scale, order,
            runs=True)

    def _product(self, a: PackedSignal, b: PackedSignal, pairs: _Pairs | _AllPairs,
                 shape: tuple[int, ...],
                 origin: tuple[int, ...],
                 place: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> PackedSignal:
        """Σ over the pairs (ia, ib) of term products, each placed at ``place(ia, ib)``."""
        _check_box(shape)
        order = math.lcm(a.order, b.order)
        layout = self._layout(shape, order)
        bound = a.bound * b.bound
        _require(bound, "a product of coefficients")
        mono_a, mono_b = a.mono, b.mono
        # (in Q[C_1] every power of ζ is ζ^0: the exponents are the fresh zeros)
        exps = None if order == 1 else tuple(
            s.exp if s.order == order else s.exp * (order // s.order) for s in (a, b))
        # When the product's code is a sum of one part per factor (distinct signals of degree 1,
        # the DFT theorems), a key is two gathered parts and an exponent: no codec work per pair.
        split = self.codec.split_product(mono_a, mono_b)
        if split is not None and order > 1:
            # each part times the order once per row of its factor, not once per pair (each
            # part is below the code space: below the layout's checked bound)
            split = split[0] * order, split[1] * order
        key, coef = _fresh(pairs.count), _fresh(pairs.count)
        done = 0
        for ia, ib in pairs.chunks():
            block = np.broadcast(ia, ib).shape
            end = done + math.prod(block)
            out = key[done:end].reshape(block)
            if exps is not None:
                np.add(exps[0][ia], exps[1][ib], out=out)
                _reduce_modulo(out, order)
            if split is not None:
                out += place(ia, ib) * layout.cell + split[0][ia]
                out += split[1][ib]
            else:
                monomial = self.codec.multiply(mono_a[ia], mono_b[ib])
                monomial += place(ia, ib) * layout.space
                monomial *= order
                out += monomial
            _products(a.coef[ia], a.bound, b.coef[ib], b.bound, out=coef[done:end].reshape(block))
            done = end
        return self._canonical(shape, origin, key, coef, bound, a.scale * b.scale, order)

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
            pos = a.pos
            return self._product(a, b, _all_pairs(a.terms, b.terms), a.shape, a.origin,
                                 lambda ia, _: pos[ia])
        if a.ndim != b.ndim:
            raise ShapeError(f"cannot combine a {a.ndim}D signal with a {b.ndim}D signal")
        origin, shape = _union_box(a, b)
        pa, pb = _repositioned(a, origin, shape), _repositioned(b, origin, shape)
        return self._product(a, b, _matching_pairs(pa, pb), shape, origin, lambda ia, _: pa[ia])

    def _divide(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        b = self._reduced(b)  # e.g. (1j * 1j) is ζ_4^2 in Q[C_4], -1 in Q(ζ_4)
        if not b.terms:
            raise ShapeError("division by zero in the statement")
        if b.shape or b.terms != 1 or b.key[0]:
            raise PackedUnsupported("division by a constant that is not rational")
        divisor = b.scale * int(b.coef[0])
        if not a.terms:
            return a
        return PackedSignal(a.shape, a.origin, a.key, a.coef, a.bound, a.scale / divisor,
                            a.order, a.space)

    def _matmul(self, a: PackedSignal, b: PackedSignal) -> PackedSignal:
        """``(a @ b)(i, k) = Σ_j a(i, j) b(j, k)`` on the box of :func:`symconv.core.ops.matmul`."""
        if a.ndim != 2 or b.ndim != 2:
            raise ShapeError(f"matrix product of {a.ndim}D and {b.ndim}D signals; expected 2D and 2D")
        shape, origin = (a.shape[0], b.shape[1]), (a.origin[0], b.origin[1])
        ai, aj = _coordinates(a.pos, a.shape)
        bj, bk = _coordinates(b.pos, b.shape)
        # aj + a.o1 == bj + b.o0, the origins' difference taken in Python ints (no int64 wrap)
        offset = b.origin[0] - a.origin[1]
        if -b.shape[0] < offset < a.shape[1]:
            pairs = _matching_pairs(aj, bj + offset)
        else:  # the inner ranges do not overlap
            pairs = _matching_pairs(aj[:0], bj[:0])
        return self._product(a, b, pairs, shape, origin,
                             lambda ia, ib: _flat([ai[ia], bk[ib]], shape))

    def _total(self, a: PackedSignal) -> PackedSignal:
        return self._canonical((), (), a.within, a.coef, a.bound, a.scale, a.order)

    def _trace(self, a: PackedSignal) -> PackedSignal:
        if a.ndim != 2:
            raise ShapeError(f"trace of a {a.ndim}D signal; expected 2D")
        i, j = _coordinates(a.pos, a.shape)
        # i + o0 == j + o1 with the origins' difference taken in Python ints (no int64 wrap)
        offset = a.origin[1] - a.origin[0]
        on_diagonal = (i - j == offset) if abs(offset) < max(a.shape) else np.zeros(i.size, bool)
        return self._canonical((), (), a.within[on_diagonal], a.coef[on_diagonal], a.bound,
                               a.scale, a.order)

    def _conjugate(self, a: PackedSignal) -> PackedSignal:
        return self._from_rows(a.shape, a.origin, a.pos, self.codec.conjugate(a.mono),
                               -a.exp, a.coef, a.bound, a.scale, a.order)

    # --- moving entries ------------------------------------------------------------
    def _gather(self, a: PackedSignal, moved: Signal) -> PackedSignal:
        """The signal whose entry at each place of ``moved``'s box is the entry of ``a`` that
        ``moved`` names there (an :func:`index_signal` after ops have moved it)."""
        flat = np.asarray(moved.entries, dtype=np.int64).reshape(-1)
        if moved.shape == a.shape and np.array_equal(flat, np.arange(1, a.size + 1)):
            # every entry stays at its offset (a full-mode operand): same keys, moved origin
            return PackedSignal(a.shape, tuple(moved.origin), a.key, a.coef, a.bound, a.scale,
                                a.order, a.space)
        targets = np.flatnonzero(flat)
        sources = flat[targets] - 1
        first = np.searchsorted(a.key, sources * a.cell, side="left")
        counts = np.searchsorted(a.key, (sources + 1) * a.cell, side="left") - first
        _check_terms(int(counts.sum()), "a re-indexed signal")
        block, within = _offsets(counts)
        rows = first[block] + within
        _check_box(moved.shape)
        layout = self._layout(moved.shape, a.order)
        key = targets[block].astype(np.int64) * layout.cell
        key += a.key[rows] % a.cell
        # Targets ascend and each takes one source's ascending rows: still canonical, no sums.
        return self._canonical(moved.shape, moved.origin, key, a.coef[rows], a.bound, a.scale,
                               a.order)

    def _periodize(self, a: PackedSignal, period: tuple[int, ...]) -> PackedSignal:
        """As :func:`symconv.core.ops.periodize`: ``Σ_m a(x + m n)`` on [0, n) at origin 0."""
        if a.shape == period and not any(a.origin):
            return a  # already on [0, n): its own periodization
        made = self._periodized.get((id(a), period))
        if made is not None:
            return made[1]
        _check_box(period)
        layout = self._layout(period, a.order)
        if a.size <= PLACES_BOX:
            key = _torus_places(a.shape, a.origin, period)[a.pos] * layout.cell
        else:
            key = _flat(_torus_coordinates(a.pos, a.shape, a.origin, period), period) * layout.cell
        key += a.within
        if a.shape == period:
            # one box of shape n: a cyclic shift, distinct positions stay distinct, so the
            # rows only reorder (no like terms to sum)
            rows = np.argsort(key, kind="stable")
            torus = self._normalized(period, (0,) * len(period), key[rows], a.coef[rows],
                                     a.bound, a.scale, a.order)
        else:
            torus = self._canonical(period, (0,) * len(period), key, a.coef, a.bound, a.scale,
                                    a.order)
        self._periodized[id(a), period] = (a, torus)
        return torus

    def _sliding(self, kernel: PackedSignal, image: PackedSignal, sign: int, mode: str,
                 boundary: str) -> PackedSignal:
        """``conv`` / ``corr`` with :func:`symconv.core.ops.sliding_sum` doing every index step."""
        full: list[PackedSignal] = []

        def full_conv(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
            # kern and img are index arrays: kernel (reversed for corr) and the extended image.
            k = self._gather(kernel, Signal(kern, (0,) * kern.ndim))
            i = self._gather(image, Signal(img, (0,) * img.ndim))
            k_coords, i_coords = _coordinates(k.pos, k.shape), _coordinates(i.pos, i.shape)

            def place(ik: np.ndarray, ii: np.ndarray) -> np.ndarray:
                return _flat([x[ik] + y[ii] for x, y in zip(k_coords, i_coords, strict=True)],
                             out_shape)

            full.append(self._product(k, i, _all_pairs(k.terms, i.terms), out_shape,
                                      (0,) * len(out_shape), place))
            return np.arange(1, math.prod(out_shape) + 1, dtype=np.int64).reshape(out_shape)

        moved = ops.sliding_sum(index_signal(kernel), index_signal(image), sign, mode, boundary,
                                full_conv=full_conv)
        if not full:  # an empty kernel or image: the zero function on the output box
            return self._empty(moved.shape, moved.origin)
        return self._gather(full[0], moved)

    # --- Fourier ---------------------------------------------------------------------
    def _dft(self, a: PackedSignal, sizes: tuple[int, ...], inverse: bool) -> PackedSignal:
        """As :func:`symconv.core.fourier.dft` / ``idft`` (numpy's sign, 1/N on the inverse)."""
        dims = dft_period(index_signal(a), sizes)
        torus = self._periodize(a, dims)
        if not torus.terms:
            return torus
        count = math.prod(dims)
        _check_terms(torus.terms * count, f"an exact DFT of shape {dims}")
        order = math.lcm(torus.order, *dims)
        layout = self._layout(dims, order)
        sign = 1 if inverse else -1
        # Sample rows ordered by (mono, exp): at each frequency the keys then ascend whenever
        # no monomial repeats across samples (a symbolic signal), and need no sort.
        within = torus.within
        rows = np.argsort(within, kind="stable")
        if torus.order == 1:  # every exponent is 0: the key within a position is the monomial
            mono, exp = within[rows], np.zeros(torus.terms, dtype=np.int64)
        else:
            mono = (within // torus.order)[rows]
            exp = (within % torus.order)[rows] * (order // torus.order)
        coef = np.empty((count, torus.terms), dtype=np.int64)
        coef[:] = torus.coef[rows]
        scale = torus.scale / count if inverse else torus.scale
        # The exponent at frequency k is e_t + sign Σ_i k_i x_t,i L / n_i (mod L).
        axis_steps = [sign * (order // n) for n in dims]
        if count * torus.terms <= CHUNK_ROWS:
            # small: every frequency at once, k = each row of the box in row-major order, the
            # phases of all (frequency, sample) pairs one integer matrix product (each sum is
            # below d · n · L: no overflow)
            if count <= TABLE_BOX:
                key = _phase_table(dims, order, sign)[:, torus.pos[rows]]  # reduced already
            else:
                freqs = _frequencies(dims)
                phases = freqs[:, torus.pos[rows]] * np.array(axis_steps, dtype=np.int64)[:, None]
                _reduce_modulo(phases, order)
                key = freqs.T @ phases
            if torus.order > 1 or count > TABLE_BOX:  # (in Q[C_1] every sample's exp is 0)
                key += exp[None, :]
                _reduce_modulo(key, order)
            key += (mono * order)[None, :]
            key += (_cells(count, layout.cell) if count <= PLACES_BOX else
                    np.arange(count, dtype=np.int64) * layout.cell)[:, None]
            return self._canonical(dims, (0,) * len(dims), key.reshape(-1), coef.reshape(-1),
                                   torus.bound, scale, order)
        # all axes but the last add a row per leading frequency, the last axis an outer product
        # per block
        coords = [x[rows] for x in _coordinates(torus.pos, dims)]
        steps = [x * step % order for x, step in zip(coords, axis_steps, strict=True)]
        key = _fresh((count, torus.terms))
        last = dims[-1]
        block = max(1, CHUNK_ROWS // torus.terms)
        cells = np.arange(last, dtype=np.int64) * layout.cell
        base = mono * order  # the monomial part of each sample's key
        for lead, k_lead in enumerate(np.ndindex(*dims[:-1])):
            start = exp.copy()
            for k, step in zip(k_lead, steps, strict=False):
                start += k * step
            for lo in range(0, last, block):
                k_last = np.arange(lo, min(lo + block, last), dtype=np.int64)
                part = key[lead * last + lo: lead * last + lo + k_last.size]
                np.multiply(k_last[:, None], steps[-1][None, :], out=part)
                part += start
                _reduce_modulo(part, order)
                part += base
                part += (cells[k_last] + lead * last * layout.cell)[:, None]
        return self._canonical(dims, (0,) * len(dims), key.reshape(-1), coef.reshape(-1),
                               torus.bound, scale, order)

    # --- comparison -------------------------------------------------------------------
    def difference(self, left: PackedSignal, right: PackedSignal) -> Difference | None:
        """As :func:`symconv.prove.counterexample.difference`: the first coordinate (row-major
        over the union box) where the sides differ, with both values; None if equal."""
        coordinate = self._first_difference(left, right)
        if coordinate is False:
            return None
        return coordinate, self.entry(left, coordinate), self.entry(right, coordinate)

    def differ(self, left: PackedSignal, right: PackedSignal) -> bool:
        """Whether the sides differ: :meth:`difference` without building the two values."""
        return self._first_difference(left, right) is not False

    def _first_difference(self, left: PackedSignal,
                          right: PackedSignal) -> tuple[int, ...] | Literal[False] | None:
        """The first coordinate where the sides differ (None for scalars), False if equal."""
        if bool(left.shape) != bool(right.shape):
            raise SymconvError("one side is a signal and the other a scalar")
        if left.ndim != right.ndim:
            raise ShapeError(f"cannot compare a {left.ndim}D signal with a {right.ndim}D signal")
        order = math.lcm(left.order, right.order)
        origin, shape = _union_box(left, right)
        a, b = (self._placed(s, shape, origin, order) for s in (left, right))
        if a.terms == b.terms and a.scale == b.scale and np.array_equal(a.key, b.key) and (
                np.array_equal(a.coef, b.coef)):
            return False
        gap = self._first_gap(a, b)
        if gap is None:  # different rows of Q[C_L], the same values in Q(ζ_L)
            return False
        if not shape:
            return None
        return tuple(int(c[0]) + o for c, o in
                     zip(_coordinates(np.array([gap]), shape), origin, strict=True))

    def _placed(self, s: PackedSignal, shape: tuple[int, ...], origin: tuple[int, ...],
                order: int) -> PackedSignal:
        """``s`` with the keys of the box ``shape`` at ``origin`` and field order ``order``."""
        return PackedSignal(shape, origin, self._rekeyed(s, shape, origin, order), s.coef,
                            s.bound, s.scale, order, s.space)

    def _first_gap(self, a: PackedSignal, b: PackedSignal) -> int | None:
        """The first box position where ``a`` and ``b`` (same box and order) differ in Q(ζ_L), or
        None: compared in blocks of positions, so that no difference of two whole sides is held."""
        cell = a.cell
        edges = np.unique(np.concatenate((a.key[::CHUNK_ROWS], b.key[::CHUNK_ROWS])) // cell)
        bounds = [*edges.tolist()[1:], max(a.size, 1)]
        lo = 0
        for hi in bounds:
            parts = []
            for s in (a, b):
                i, j = np.searchsorted(s.key, [lo * cell, hi * cell])
                parts.append(PackedSignal(s.shape, s.origin, s.key[i:j], s.coef[i:j], s.bound,
                                          s.scale, s.order, s.space))
            gap = self._reduced(self._add(parts[0], self.neg(parts[1])))
            if gap.terms:
                return int(gap.key[0] // cell)
            lo = hi
        return None

def _moves() -> dict[str, Implementation[PackedBackend]]:
    def implementation(func: str) -> Implementation[PackedBackend]:
        return lambda backend, signals, ints, options: backend._moved(func, signals[0], ints,
                                                                      options)
    return {func: implementation(func) for func in MOVES}


PackedBackend.operations = dispatch_table("PackedBackend", {
    **size_functions(lambda backend, value, ints, func:
                     backend.number(Fraction(size_value(func, value.shape, ints)))),
    **_moves(),
    "conv": lambda backend, signals, ints, options: backend._conv_or_corr(1, signals, options),
    "corr": lambda backend, signals, ints, options: backend._conv_or_corr(-1, signals, options),
    "circconv": lambda backend, signals, ints, options: backend._circular(1, signals, ints),
    "circcorr": lambda backend, signals, ints, options: backend._circular(-1, signals, ints),
    "dft": lambda backend, signals, ints, options: backend._dft(signals[0], tuple(ints), False),
    "idft": lambda backend, signals, ints, options: backend._dft(signals[0], tuple(ints), True),
    "periodize": lambda backend, signals, ints, options: backend._periodize(signals[0],
                                                                            tuple(ints)),
    "conj": lambda backend, signals, ints, options: backend._conjugate(signals[0]),
    "sum": lambda backend, signals, ints, options: backend._total(signals[0]),
    "trace": lambda backend, signals, ints, options: backend._trace(signals[0]),
    "frobenius": lambda backend, signals, ints, options: backend._total(backend._mul(*signals)),
    "hadamard": lambda backend, signals, ints, options: backend._mul(*signals),
})


def _order_of(domain: Any) -> int:
    order = field_order(domain)
    if order is None:
        raise PackedUnsupported(f"coefficients in {domain} have no packed form")
    return order


def packed_difference(statement: Statement, env: Mapping[str, Signal]) -> Difference | None:
    """Where the two sides of ``statement`` differ on ``env`` (exact signals), or None.

    Raises :class:`PackedUnsupported` when the statement needs the Polynomial arithmetic.
    """
    backend, left, right = _packed_sides(statement, env)
    return backend.difference(left, right)


def packed_differ(statement: Statement, env: Mapping[str, Signal]) -> bool:
    """Whether the sides of ``statement`` differ on ``env``: :func:`packed_difference` without
    the values at the coordinate (what a verdict alone needs)."""
    backend, left, right = _packed_sides(statement, env)
    return backend.differ(left, right)


@lru_cache(maxsize=256)
def _degree_bound(statement: Statement, symbolic: frozenset[str]) -> int:
    # a backstop and its re-checks evaluate one statement on the same symbolic signals
    return max(degree(statement.left, set(symbolic)), degree(statement.right, set(symbolic)))


@lru_cache(maxsize=64)
def _codec(generators: frozenset[Generator], degree: int) -> MonomialCodec:
    # never changed once made; a backstop's sizes recur in other claims and checks
    return MonomialCodec(generators, degree)


def _packed_sides(statement: Statement, env: Mapping[str, Signal],
                  ) -> tuple[PackedBackend, PackedSignal, PackedSignal]:
    generators = {name: s.generators() for name, s in env.items()}
    bound = _degree_bound(statement, frozenset(name for name, gens in generators.items() if gens))
    backend = PackedBackend(_codec(frozenset().union(*generators.values()), bound))
    packed = {name: backend.pack(s) for name, s in env.items()}
    # packed values are never mutated, so a sub-expression both sides share is evaluated once
    left, right = evaluate_sides(statement, packed, backend, memo={})
    return backend, left, right
