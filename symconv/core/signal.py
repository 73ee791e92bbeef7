"""Signals: finitely supported functions on Z^d.

A :class:`Signal` is a dense box of entries plus the integer coordinate of its
first entry (``origin``); outside the box it is zero.  Entries are either exact
(an object array of :class:`~symconv.core.algebra.Polynomial`) or numeric (a plain
numpy array of ints, floats or complex numbers: the fast path for concrete
data).  Two signals are equal when they are equal as functions on Z^d.

>>> from symconv.core.signal import Signal
>>> F = Signal.symbolic("F", (3, 3))
>>> F.origin
(-1, -1)
>>> F.value_at((-1, 0))
Polynomial(F[-1, 0])
>>> Signal.literal([0, 1, 2, 0], origin=(0,)) == Signal.literal([1, 2], origin=(1,))
True

Default origins follow one rule, :func:`default_origin`: every constructor
(``Signal(...)``, :meth:`Signal.symbolic`, :meth:`Signal.from_array`,
:meth:`Signal.literal`, :func:`~symconv.core.kernels.get_kernel`, the arrays and
nested lists that the operations accept, and a claim's signal tables) centres
the box, as scipy.ndimage does, unless an ``origin`` is given:

>>> Signal.from_array([1, 2, 3]).origin, Signal.literal([[1, 2], [3, 4]]).origin
((-1,), (-1, -1))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from functools import lru_cache, reduce
from typing import Any, Protocol

import numpy as np
import sympy
from sympy.polys.domains import QQ, ZZ
from sympy.polys.domains.domain import Domain

from symconv.core.algebra import (
    Generator,
    Polynomial,
    polynomial_sum,
    unify_domains,
)
from symconv.core.show import box_html, box_latex, box_text
from symconv.errors import ShapeError, SizeLimitError

# Exact signals hold one Python object per entry; past this the exact path is
# the wrong tool (use the random tier or numeric arrays).
MAX_EXACT_ENTRIES = 200_000
# Numeric (numpy) arrays: past this one zero-filled box takes gigabytes.
MAX_NUMERIC_ENTRIES = 50_000_000

ZERO = Polynomial.zero()



def default_origin(shape: Sequence[int]) -> tuple[int, ...]:
    """The origin every constructor uses when none is given: the box centred on 0.

    Size 2N+1 gets indices -N..N; an even size n gets -(n//2)..n//2-1, the centre
    at index n//2 as in scipy.ndimage and scipy.signal.correlate (scipy.signal's
    convolve, convolve2d and correlate2d ``same`` centre an even kernel at (n-1)//2
    instead: give ``origin=-((n-1)//2)`` for those).  With
    this default ``conv(k, I, mode="same")`` on arrays agrees with
    ``scipy.ndimage.convolve(I, k, mode="constant")`` for every kernel and with
    ``scipy.signal.convolve2d(I, k, "same")`` for odd kernels.

    >>> default_origin((3, 4))
    (-1, -2)
    """
    return tuple(-(n // 2) for n in shape)


def parse_shape(shape: Iterable[Any], what: str = "shape") -> tuple[int, ...]:
    """Validate a shape: a non-empty tuple of positive ints."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise ShapeError(f"{what} {shape!r} is not a sequence of positive integers") from None
    if not dims:
        raise ShapeError(f"{what} {shape!r} is empty; expected at least one dimension")
    for n in dims:
        if isinstance(n, bool) or not isinstance(n, int | np.integer):
            raise ShapeError(f"{what} {shape!r} has a non-integer size {n!r}")
        if n < 1:
            raise ShapeError(f"{what} {shape!r} has size {n}; sizes must be at least 1")
    return tuple(int(n) for n in dims)


def _exact_entry(value: Any) -> Polynomial:
    if isinstance(value, Polynomial):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | Fraction | float | complex):
        return Polynomial.from_number(value)
    if isinstance(value, sympy.Rational):
        return Polynomial.from_number(Fraction(int(value.p), int(value.q)))
    raise ShapeError(f"entry {value!r} is not a number or polynomial")



@lru_cache(maxsize=64)
def _symbolic_entries(name: str, kind: str, origin: tuple[int, ...],
                      dims: tuple[int, ...]) -> tuple[Polynomial, ...]:
    """The entries of :meth:`Signal.symbolic`, row-major; cached because the backstop and the
    re-checks rebuild the same signals (Polynomials are immutable, so sharing them is safe).
    The Generator and its one-term Polynomial are built directly (no per-entry validation: a
    generator with coefficient one is a canonical non-zero polynomial)."""
    one = ZZ.one
    wrap = Polynomial.from_nonzero_terms
    return tuple(wrap({(Generator(name, kind, coord),): one}, ZZ)
                 for coord in itertools.product(*(range(o, o + n)
                                                  for o, n in zip(origin, dims, strict=True))))

class Signal:
    """A finitely supported function Z^d -> values: ``entries`` placed at ``origin``."""

    __slots__ = ("entries", "origin")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, entries: np.ndarray, origin: Sequence[int] | None = None) -> None:
        """``entries`` placed with its first entry at ``origin`` (default: :func:`default_origin`)."""
        entries = np.asarray(entries)
        if entries.ndim == 0:
            raise ShapeError("a signal needs at least one dimension; got a scalar")
        if origin is None:
            origin = default_origin(entries.shape)
        origin = tuple(int(o) for o in origin)
        if len(origin) != entries.ndim:
            raise ShapeError(
                f"origin {origin} has {len(origin)} coordinates; expected {entries.ndim}"
            )
        if entries.dtype == object and entries.size > MAX_EXACT_ENTRIES:
            raise SizeLimitError(
                f"{entries.size} exact entries exceed the limit of {MAX_EXACT_ENTRIES}"
            )
        self.entries = entries
        self.origin = origin

    # --- constructors ----------------------------------------------------
    @classmethod
    def symbolic(
        cls,
        name: str,
        shape: Sequence[int],
        origin: Sequence[int] | None = None,
        real: bool = True,
    ) -> Signal:
        """Independent symbolic entries ``name[i, j, ...]`` indexed by their coordinates."""
        dims = parse_shape(shape)
        size = math.prod(dims)  # exact: np.prod wraps around past 2**63
        if size > MAX_EXACT_ENTRIES:
            raise SizeLimitError(
                f"symbolic signal {name} of shape {dims} has {size} entries; "
                f"the exact limit is {MAX_EXACT_ENTRIES}"
            )
        org = default_origin(dims) if origin is None else tuple(origin)
        if len(org) != len(dims):
            raise ShapeError(f"origin {tuple(org)} has {len(org)} coordinates; expected {len(dims)}")
        entries = np.empty(size, dtype=object)
        entries[:] = _symbolic_entries(name, "r" if real else "c", tuple(org), tuple(dims))
        return cls(entries.reshape(dims), org)

    @classmethod
    def from_array(cls, array: Any, origin: Sequence[int] | None = None) -> Signal:
        """A signal from a numpy array or nested list, first entry at ``origin``.

        Without ``origin`` the box is centred (:func:`default_origin`).  Numeric
        dtypes stay numeric (the fast path); object arrays of ints, Fractions or
        Polynomials become exact.

        >>> s = Signal.from_array([[1, 2, 3]], origin=(0, 0))
        >>> s.value_at((0, 2)), s.to_array().tolist()
        (3, [[1, 2, 3]])
        """
        arr = np.asarray(array)
        if arr.ndim == 0 or arr.size == 0:
            raise ShapeError(f"array of shape {arr.shape} is empty; expected at least one entry")
        if arr.dtype == bool:
            arr = arr.astype(np.int64)
        if arr.dtype == object:
            return cls(_map_entries(arr, _exact_entry), origin)
        if arr.dtype.kind not in "iufc":
            raise ShapeError(f"array of dtype {arr.dtype} is not numeric")
        return cls(arr.copy(), origin)

    @classmethod
    def literal(cls, nested: Any, origin: Sequence[int] | None = None) -> Signal:
        """Exact constant entries from a nested list (ints, Fractions, floats).

        Without ``origin`` the box is centred (:func:`default_origin`).
        """
        try:
            arr = np.array(nested, dtype=object)
        except ValueError:
            raise ShapeError(f"literal {nested!r} is ragged; rows must have equal length") from None
        if arr.ndim == 0 or arr.size == 0:
            raise ShapeError(f"literal {nested!r} is empty; expected at least one entry")
        if any(isinstance(v, list) for v in arr.flat):
            raise ShapeError(f"literal {nested!r} is ragged; rows must have equal length")
        return cls(_map_entries(arr, _exact_entry), origin)

    @classmethod
    def zeros(cls, ndim: int, exact: bool = True) -> Signal:
        """The zero function on Z^ndim (an empty box)."""
        return cls(np.empty((0,) * ndim, dtype=object if exact else np.int64), (0,) * ndim)

    # --- basic properties ------------------------------------------------
    @property
    def ndim(self) -> int:
        return int(self.entries.ndim)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.entries.shape  # numpy's shape: a tuple of Python ints

    @property
    def stop(self) -> tuple[int, ...]:
        """One past the last coordinate of the box, per axis."""
        return tuple(o + n for o, n in zip(self.origin, self.shape, strict=True))

    @property
    def is_exact(self) -> bool:
        return bool(self.entries.dtype == object)

    @property
    def domain(self) -> Domain:
        """Common coefficient domain of exact entries (QQ for numeric or empty signals)."""
        if not self.is_exact:
            return QQ
        return reduce(unify_domains, (p.domain for p in self.entries.flat), QQ)

    def coordinates(self) -> Iterable[tuple[int, ...]]:
        """All coordinates of the box, in row-major order."""
        return itertools.product(
            *(range(o, o + n) for o, n in zip(self.origin, self.shape, strict=True))
        )

    def value_at(self, coord: Sequence[int]) -> Any:
        """The value at ``coord`` (zero outside the box)."""
        if len(coord) != self.ndim:
            raise ShapeError(f"coordinate {tuple(coord)} has {len(coord)} axes; expected {self.ndim}")
        pos = tuple(c - o for c, o in zip(coord, self.origin, strict=True))
        if all(0 <= p < n for p, n in zip(pos, self.shape, strict=True)):
            value = self.entries[pos]
            return value.item() if isinstance(value, np.generic) else value
        return ZERO if self.is_exact else self.entries.dtype.type(0).item()

    def generators(self) -> set[Generator]:
        if not self.is_exact:
            return set()
        return {g for p in self.entries.flat for m in p.terms for g in m}

    # --- conversions -----------------------------------------------------
    def to_array(self) -> np.ndarray:
        """The entries as a numpy array (the origin is dropped; see :attr:`origin`).

        Numeric signals give a copy of their array; exact ones give int64 when
        every entry is an integer that fits, else an object array of ints and
        Fractions, or of :class:`~symconv.core.algebra.Polynomial` when an entry is
        symbolic or complex.  ``Signal.from_array(s.to_array(), s.origin) == s``.

        >>> Signal.literal([[1, 2], [3, 4]]).to_array()
        array([[1, 2],
               [3, 4]])
        >>> Signal.literal([1, 0.5]).to_array().tolist()
        [1, Fraction(1, 2)]
        """
        if not self.is_exact:
            return self.entries.copy()
        if not all(p.is_constant() and (p.domain.is_QQ or p.domain.is_ZZ)
                   for p in self.entries.flat):
            return self.entries.copy()
        values = [_constant_number(p) for p in self.entries.flat]
        if all(isinstance(v, int) and abs(v) < 2**63 for v in values):
            return np.array(values, dtype=np.int64).reshape(self.shape)
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out.reshape(self.shape)

    def exact(self) -> Signal:
        """Exact version (numeric entries become exact rationals)."""
        if self.is_exact:
            return self
        return Signal(_map_entries(self.entries, _exact_entry), self.origin)

    def numeric(self) -> Signal:
        """Numeric version of an exact constant signal (int64 when all entries are integers)."""
        if not self.is_exact:
            return self
        values = [_constant_number(p) for p in self.entries.flat]
        if all(isinstance(v, int) for v in values):
            small = all(abs(v) < 2**62 for v in values if isinstance(v, int))
            dtype: Any = np.int64 if small else object
        elif all(isinstance(v, int | Fraction) for v in values):
            dtype = np.float64
        else:
            dtype = np.complex128
        return Signal(np.array(values, dtype=dtype).reshape(self.shape), self.origin)

    def evaluate(self, values: Mapping[Generator, Any]) -> Signal:
        """Substitute numbers for the generators: an exact constant signal."""
        def evaluated(p: Polynomial) -> Polynomial:
            field = p.domain if p.domain.is_Field else p.domain.get_field()
            return Polynomial.constant(p.evaluate(values), field)

        return Signal(_map_entries(self.exact().entries, evaluated), self.origin)

    def embed(self, origin: Sequence[int], shape: Sequence[int]) -> np.ndarray:
        """Entries over another box (zero-filled, cropped where the box is smaller)."""
        out = _zero_array(tuple(shape), self.is_exact, self.entries.dtype)
        src, dst = [], []
        for o, n, oo, nn in zip(self.origin, self.shape, origin, shape, strict=True):
            lo, hi = max(o, oo), min(o + n, oo + nn)
            if lo >= hi:
                return out
            src.append(slice(lo - o, hi - o))
            dst.append(slice(lo - oo, hi - oo))
        out[tuple(dst)] = self.entries[tuple(src)]
        return out

    def trim(self) -> Signal:
        """The same function on the smallest box holding its non-zero entries."""
        nonzero = _nonzero_mask(self.entries)
        if not nonzero.any():
            return Signal.zeros(self.ndim, self.is_exact)
        slices, origin = [], []
        for axis in range(self.ndim):
            other = tuple(a for a in range(self.ndim) if a != axis)
            used = np.flatnonzero(nonzero.any(axis=other) if other else nonzero)
            slices.append(slice(int(used[0]), int(used[-1]) + 1))
            origin.append(self.origin[axis] + int(used[0]))
        return Signal(self.entries[tuple(slices)], origin)

    def map(self, func: Callable[[Any], Any]) -> Signal:
        """Apply ``func`` to every entry (exact entries stay exact)."""
        if self.is_exact:
            return Signal(_map_entries(self.entries, func), self.origin)
        return Signal(np.vectorize(func)(self.entries), self.origin)

    # --- equality ----------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signal):
            return NotImplemented
        if self.ndim != other.ndim:
            return False
        a, b = self, other
        if a.is_exact != b.is_exact:
            a, b = a.exact(), b.exact()
        a, b = a.trim(), b.trim()
        if a.shape != b.shape:
            return False
        if a.entries.size == 0:
            return True
        if a.origin != b.origin:
            return False
        if a.is_exact:
            return all(x == y for x, y in zip(a.entries.flat, b.entries.flat, strict=True))
        return bool(np.array_equal(a.entries, b.entries))

    def difference(self, other: Signal) -> tuple[tuple[int, ...], Any, Any] | None:
        """The first coordinate (row-major over the union box) where the two differ, or None."""
        if self.ndim != other.ndim:
            raise ShapeError(f"cannot compare a {self.ndim}D signal with a {other.ndim}D signal")
        lo, shape = union_box(self, other)
        a, b = self.embed(lo, shape), other.embed(lo, shape)
        if self.is_exact != other.is_exact:
            a = _map_entries(a, _exact_entry) if not self.is_exact else a
            b = _map_entries(b, _exact_entry) if not other.is_exact else b
        for pos in np.ndindex(*shape):
            x, y = a[pos], b[pos]
            if x != y:
                coord = tuple(p + o for p, o in zip(pos, lo, strict=True))
                return coord, _plain(x), _plain(y)
        return None

    # --- arithmetic ---------------------------------------------------------
    def _combine(self, other: Signal, op: Callable[[Any, Any], Any]) -> Signal:
        if self.ndim != other.ndim:
            raise ShapeError(f"cannot combine a {self.ndim}D signal with a {other.ndim}D signal")
        a, b = (self, other) if self.is_exact == other.is_exact else (self.exact(), other.exact())
        lo, shape = union_box(a, b)
        result = op(a.embed(lo, shape), b.embed(lo, shape))
        return Signal(result, lo)

    def __add__(self, other: Any) -> Signal:
        if not isinstance(other, Signal):
            return NotImplemented
        return self._combine(other, lambda x, y: x + y)

    def __sub__(self, other: Any) -> Signal:
        if not isinstance(other, Signal):
            return NotImplemented
        return self._combine(other, lambda x, y: x - y)

    def __neg__(self) -> Signal:
        return Signal(-self.entries, self.origin)

    def __mul__(self, other: Any) -> Signal:
        if isinstance(other, Signal):
            return self._combine(other, lambda x, y: x * y)
        if isinstance(other, Polynomial) and not self.is_exact:
            return self.exact() * other
        if isinstance(other, Polynomial | int | float | complex | Fraction | np.number):
            if self.is_exact and not isinstance(other, Polynomial):
                other = _exact_entry(other)
            return Signal(self.entries * other, self.origin)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Signal:
        if isinstance(other, Signal):
            return NotImplemented
        if other == 0:
            raise ShapeError("division of a signal by zero")
        if self.is_exact:
            divisor = _exact_entry(other) if not isinstance(other, Polynomial) else other
            if not divisor.is_constant():
                raise ShapeError("a signal can only be divided by a constant")
            return Signal(_map_entries(self.entries, lambda p: p / divisor), self.origin)
        return Signal(self.entries / other, self.origin)

    # --- display --------------------------------------------------------------
    def to_matrix(self) -> sympy.Matrix:
        """Entries as a SymPy matrix (1D as a row) for display."""
        if self.ndim > 2:
            raise ShapeError(f"a {self.ndim}D signal has no matrix form; use slices")
        exprs = [_display(v) for v in self.entries.flat]
        rows = 1 if self.ndim == 1 else self.shape[0]
        return sympy.Matrix(rows, len(exprs) // max(rows, 1), exprs)

    def _kind(self) -> str:
        return "exact" if self.is_exact else str(self.entries.dtype)

    def __repr__(self) -> str:
        return f"Signal(shape={self.shape}, origin={self.origin}, {self._kind()})"

    def __str__(self) -> str:
        return box_text(self.entries, self.origin, self._kind())

    def _repr_latex_(self) -> str:
        return box_latex(self.entries, self.origin)

    def _repr_html_(self) -> str:
        return box_html(self.entries, self.origin, self._kind())

    def _latex(self, printer: Any = None) -> str:
        if self.entries.size == 0:
            return r"0"
        if self.ndim <= 2:
            body = sympy.latex(self.to_matrix())
        else:
            body = r",\;".join(
                Signal(self.entries[i], self.origin[1:])._latex() for i in range(self.shape[0])
            )
        origin = ",".join(str(o) for o in self.origin)
        return rf"{body}_{{\text{{origin }}({origin})}}"



def as_signal(value: Any) -> Signal:
    """``value`` as a Signal: a Signal as is; a numpy array or nested list by
    :meth:`Signal.from_array` with the default origin (:func:`default_origin`).

    >>> as_signal([1, 2, 3]) == Signal.literal([1, 2, 3])
    True
    """
    if isinstance(value, Signal):
        return value
    if isinstance(value, np.ndarray | list | tuple):
        return Signal.from_array(value)
    raise ShapeError(f"{type(value).__name__} {value!r:.60} is not a signal, numpy array or "
                     "nested list")


# --- helpers shared with symconv.core.ops ---------------------------------------------


def _map_entries(arr: np.ndarray, func: Callable[[Any], Any]) -> np.ndarray:
    out = np.empty(arr.size, dtype=object)
    for k, value in enumerate(arr.flat):
        out[k] = func(value)
    return out.reshape(arr.shape)


def check_box(shape: tuple[int, ...], exact: bool) -> None:
    """SizeLimitError for a box beyond the exact or numeric entry limit.

    Checked before allocating: a shift by 10**12 or zeropad to 10**9 would otherwise
    spend minutes (or all memory) filling a box before any limit could see it.
    """
    count = math.prod(shape)
    limit = MAX_EXACT_ENTRIES if exact else MAX_NUMERIC_ENTRIES
    if count > limit:
        kind = "exact" if exact else "numeric"
        raise SizeLimitError(f"a box of shape {shape} has {count} entries; the {kind} limit is "
                             f"{limit}")


def _zero_array(shape: tuple[int, ...], exact: bool, dtype: Any = np.int64) -> np.ndarray:
    check_box(shape, exact)
    if exact:
        out = np.empty(shape, dtype=object)
        out.fill(ZERO)
        return out
    return np.zeros(shape, dtype=dtype)


def _nonzero_mask(entries: np.ndarray) -> np.ndarray:
    if entries.dtype == object:
        return np.vectorize(lambda p: not p.is_zero(), otypes=[bool])(entries) if entries.size else (
            np.zeros(entries.shape, dtype=bool)
        )
    return np.asarray(entries != 0)


class Box(Protocol):
    """Anything placed on Z^d as a box (a Signal, a packed signal)."""

    @property
    def ndim(self) -> int: ...
    @property
    def shape(self) -> tuple[int, ...]: ...
    @property
    def origin(self) -> tuple[int, ...]: ...
    @property
    def stop(self) -> tuple[int, ...]: ...


def union_box(a: Box, b: Box) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(origin, shape) of the smallest box holding both boxes; empty boxes do not count."""
    boxes = [s for s in (a, b) if math.prod(s.shape)]
    if not boxes:
        return (0,) * a.ndim, (0,) * a.ndim
    lo = tuple(min(s.origin[k] for s in boxes) for k in range(a.ndim))
    hi = tuple(max(s.stop[k] for s in boxes) for k in range(a.ndim))
    return lo, tuple(h - l for l, h in zip(lo, hi, strict=True))


def _constant_number(p: Polynomial) -> int | Fraction | complex:
    if not p.is_constant():
        raise ShapeError(f"entry {p.as_expr()} is symbolic; expected a number")
    c = p.constant_value()
    if p.domain.is_QQ or p.domain.is_ZZ:
        q = Fraction(int(c.numerator), int(c.denominator)) if p.domain.is_QQ else Fraction(int(c))
        return q.numerator if q.denominator == 1 else q
    value = complex(sympy.N(p.domain.to_sympy(c), 30, chop=True))
    return value


def _display(value: Any) -> sympy.Expr:
    if isinstance(value, Polynomial):
        return value.as_expr()
    return sympy.sympify(value.item() if isinstance(value, np.generic) else value)


def _plain(value: Any) -> Any:
    """A printable value: exact constants as int/Fraction, symbolic as Polynomial."""
    if isinstance(value, Polynomial):
        return _constant_number(value) if value.is_constant() else value
    return value.item() if isinstance(value, np.generic) else value


def sum_entries(values: Iterable[Any], exact: bool) -> Any:
    """Sum of exact entries (one Polynomial) or numeric entries (a Python number)."""
    if exact:
        return polynomial_sum(values)
    total = sum(values)
    return total.item() if isinstance(total, np.generic) else total
