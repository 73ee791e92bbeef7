"""The registry of the statement language's operations: one record per function.

Each :class:`Operation` says, once, what a function of the statement language is:

- its shape as a call: signal arguments, integer arguments (:class:`Ints`) and keywords;
- its kind rules: whether its value is a scalar, the one number of axes it accepts, whether
  its integers are sizes, whether its value is a function on Z_n^d (``circular``) or keeps
  that property (``pointwise``), whether it needs roots of unity;
- its degree rule: every operation is linear in each signal argument, so the degree of its
  value is the sum of its signal arguments' degrees (:meth:`Operation.degree`);
- its meaning for the general tier (:class:`Definition`): text and LaTeX, and as data the
  unfolding interprets, on Z^d, on Z_n^d and read modulo a zeropad length: an index map
  plus a multilinear combination (:class:`Multilinear`: e.g. conv(a, b)(x) = Σ_v a(v)·b(x − v)
  is two :class:`Read` s at v and x − v under one sum), a :class:`Structural` case with a
  rule of its own (the trace), or an explicit :class:`Unsupported` with the reason; whether
  a call is modelled on Z_n^d is whether its record has a meaning there;
- ``sliding``: whether its value is ops' sliding sum, which modes crop and boundaries extend;
- for the size functions, the number they read from a box (:attr:`Operation.box_size`).

Every arithmetic and renderer keeps its implementations in one table per op name, built
with :func:`dispatch_table`, which refuses a table that leaves an operation out: an
operation a backend cannot evaluate is an :class:`Unsupported` entry with its reason, never
a missing branch.  Nothing here imports a backend (the language layer sits below them).

>>> OPERATIONS["circconv"].circular, OPERATIONS["circconv"].sized, OPERATIONS["sum"].scalar
(True, True, True)
>>> OPERATIONS["size"].box_size((3, 5), [1])
5
>>> [(r.arg, r.point, r.bound) for r in OPERATIONS["circconv"].general.on_torus.reads]
[(0, 0, 1), (1, 1, -1)]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, TypeAlias, TypeVar

MAX_AXES = 8  # axes of a signal, hence integer arguments of a call


class Ints(Enum):
    """What the integer arguments after the signals are."""

    NONE = "none"
    AXIS = "axis"  # an optional axis from -d to d - 1 (or the axis= keyword): flip
    INDEX = "index"  # one axis from 0 to d - 1: size
    OFFSETS = "offsets"  # one integer per axis: shift
    SIZES = "sizes"  # one positive size per axis: zeropad, periodize
    PERIOD = "period"  # none (the operands' own box) or one positive size per axis
    FACTORS = "factors"  # one positive integer per axis, not a size: downsample, upsample

    @property
    def bounds(self) -> tuple[int, int]:
        """The fewest and the most integer arguments."""
        return _INT_COUNTS[self]


_INT_COUNTS = {
    Ints.NONE: (0, 0),
    Ints.AXIS: (0, 1),
    Ints.INDEX: (1, 1),
    Ints.OFFSETS: (1, MAX_AXES),
    Ints.SIZES: (1, MAX_AXES),
    Ints.PERIOD: (0, MAX_AXES),
    Ints.FACTORS: (1, MAX_AXES),
}


@dataclass(frozen=True)
class Unsupported:
    """An operation a backend, renderer or tier does not handle, and why (an error message)."""

    reason: str


@dataclass(frozen=True)
class Read:
    """One factor of a :class:`Multilinear` meaning: signal argument ``arg`` read at the
    affine index ``point``·x + ``bound``·v − (``offsets`` = 1: the integer arguments k), x the
    point the value is taken at and v the bound variable.  On Z^d the index may also move
    the axes: ``negate_axes`` negates the axes the integer arguments name (flip(a, k); with
    none named the point itself is negated), ``reverse_axes`` reverses them (transpose)."""

    arg: int
    point: int = 0
    bound: int = 0
    offsets: bool = False
    negate_axes: bool = False
    reverse_axes: bool = False

    @property
    def moves_axes(self) -> bool:
        return self.negate_axes or self.reverse_axes


@dataclass(frozen=True)
class Multilinear:
    """A meaning as an index map plus a multilinear combination: the product of ``reads``
    (times ω^(``phase``·x·v) when ``phase``), summed over one bound variable v (over Z^d, or
    Z_n^d on the torus) when ``summed``, times N^``numel`` (N = n_1⋯n_d), conjugated when
    ``conjugate``.  ``takes_ints``: a call with integer arguments is in the fragment (they
    are the offsets, the axes or the lengths the meaning names); ``ndim``: only with this
    many axes."""

    reads: tuple[Read, ...]
    summed: bool = False
    phase: int = 0
    numel: int = 0
    conjugate: bool = False
    takes_ints: bool = False
    ndim: int | None = None
    one_axis: bool = False  # N^numel on the axis k its integer argument names only: n_(k+1)^numel

    @property
    def pointwise_product(self) -> bool:
        """Whether it multiplies signals read at one index (on Z_n^d they must share a box)."""
        return len(self.reads) >= 2 and len({(r.point, r.bound, r.offsets)
                                             for r in self.reads}) == 1


@dataclass(frozen=True)
class Structural:
    """A meaning the unfolding writes with a rule of its own, named by ``case`` (the trace
    of a matrix product reads the operands of ``@``, not the call's arguments)."""

    case: str


Meaning: TypeAlias = "Multilinear | Structural | Unsupported"


@dataclass(frozen=True)
class Definition:
    """An operation's meaning as the general tier unfolds it: as text and LaTeX, and as data
    on Z^d (``on_z``), on Z_n^d in a circular statement (``on_torus``) and on Z_N^d read
    modulo a zeropad length N (``mod_pad``; None: as ``on_torus``)."""

    text: str
    latex: str
    on_z: Meaning
    on_torus: Meaning
    mod_pad: Meaning | None = None

    @property
    def on_padded_torus(self) -> Meaning:
        return self.on_torus if self.mod_pad is None else self.mod_pad


@dataclass(frozen=True)
class Operation:
    """One function of the statement language (see the module docstring)."""

    name: str
    signals: int
    general: Definition | Unsupported
    ints: Ints = Ints.NONE
    keywords: frozenset[str] = frozenset()
    scalar: bool = False  # its value is a number, not a signal
    ndim: int | None = None  # the one number of axes it accepts
    ndim_hint: str = ""  # appended to the error when the number of axes is wrong
    circular: bool = False  # without explicit period its value lives on Z_n^d, box [0, n)^d
    pointwise: bool = False  # its value at x reads its arguments at x only
    roots_of_unity: bool = False  # its value needs ζ_n (a DFT)
    box_size: Callable[[tuple[int, ...], Sequence[int]], int] | None = None
    # ±1: its value is symconv.core.ops.sliding_sum with this sign (conv +1, corr −1), which
    # its keywords crop (mode) and extend (boundary); 0 for every other operation
    sliding: int = 0
    # its integers are lengths or periods that may follow the sizes
    # (zeropad(a, len(a) + len(b) - 1), circconv(a, b, size(a, 0), size(a, 1)))
    size_lengths: bool = False

    @property
    def min_ints(self) -> int:
        return self.ints.bounds[0]

    @property
    def max_ints(self) -> int:
        return self.ints.bounds[1]

    @property
    def sized(self) -> bool:
        """Whether its integer arguments are sizes (of a padded box or a period)."""
        return self.ints in (Ints.SIZES, Ints.PERIOD)

    @property
    def conjugates(self) -> bool:
        """Whether its value is the complex conjugate of its argument (its meaning says so)."""
        return isinstance(self.general, Definition) and \
            isinstance(self.general.on_z, Multilinear) and self.general.on_z.conjugate

    def degree(self, signal_degrees: Sequence[int]) -> int:
        """The degree of its value in the entries: it is linear in each signal argument."""
        return sum(signal_degrees)


_SLIDING = frozenset({"mode", "boundary"})


def _operations(*records: Operation) -> dict[str, Operation]:
    return {op.name: op for op in records}


def _circular_only(name: str) -> Unsupported:
    return Unsupported(f"{name} outside a circular statement")


def _not_on_torus(name: str) -> Unsupported:
    return Unsupported(f"{name} has no definition on Z_n^d in the general tier")


_AT_X = Read(0, point=1)  # the argument at the point itself
# Σ_v a(v)·b(x ∓ v): conv and circconv (−), corr and circcorr (+)
_CONVOLUTION = Multilinear((Read(0, bound=1), Read(1, point=1, bound=-1)), summed=True)
_CORRELATION = Multilinear((Read(0, bound=1), Read(1, point=1, bound=1)), summed=True)
_SIZE = Multilinear((), numel=1)  # a size function is N on Z_n^d (len and size: n on Z_n)
_SIZE_MOD_PAD = Unsupported("a size function read modulo a zeropad length is not N")

OPERATIONS: dict[str, Operation] = _operations(
    Operation("conv", 2, Definition(
        "conv(a, b)(x) = Σ_i a(i)·b(x − i)",
        r"$\operatorname{conv}(a, b)(x) = \sum_i a(i)\, b(x - i)$",
        on_z=_CONVOLUTION, on_torus=_not_on_torus("conv"), mod_pad=_CONVOLUTION),
        keywords=_SLIDING, sliding=1),
    Operation("corr", 2, Definition(
        "corr(a, b)(x) = Σ_i a(i)·b(x + i)",
        r"$\operatorname{corr}(a, b)(x) = \sum_i a(i)\, b(x + i)$",
        on_z=_CORRELATION, on_torus=_not_on_torus("corr"), mod_pad=_CORRELATION),
        keywords=_SLIDING, sliding=-1),
    Operation("flip", 1, Definition(
        "flip(a)(x) = a(−x); flip(a, k) negates axis k only",
        r"$\operatorname{flip}(a)(x) = a(-x)$; $\operatorname{flip}(a, k)$ negates axis $k$ only",
        on_z=Multilinear((Read(0, point=1, negate_axes=True),), takes_ints=True),
        on_torus=Multilinear((Read(0, point=1, negate_axes=True),), takes_ints=True),
        mod_pad=Multilinear((Read(0, point=1, negate_axes=True),))),
        ints=Ints.AXIS, keywords=frozenset({"axis"})),
    Operation("shift", 1, Definition(
        "shift(a, k)(x) = a(x − k)",
        r"$\operatorname{shift}(a, k)(x) = a(x - k)$",
        on_z=Multilinear((Read(0, point=1, offsets=True),), takes_ints=True),
        on_torus=Multilinear((Read(0, point=1, offsets=True),), takes_ints=True)),
        ints=Ints.OFFSETS),
    # strides and dilations: a strided, dilated, padded CNN layer is
    # downsample(corr(upsample(W, d), shift(x, p)), s), its adjoint
    # shift(conv(upsample(W, d), upsample(g, s)), -p)
    Operation("downsample", 1, Definition(
        "downsample(a, s)(x) = a(s·x), s one positive integer per axis",
        r"$\operatorname{down}_s(a)(x) = a(s x)$, $s$ one positive integer per axis",
        on_z=Structural("resample"), on_torus=_not_on_torus("downsample")),
        ints=Ints.FACTORS),
    Operation("upsample", 1, Definition(
        "upsample(a, s)(x) = Σ_j a(j)·[x = s·j]: a(x/s) where s divides x, else 0",
        r"$\operatorname{up}_s(a)(x) = \sum_j a(j)\,[x = s j]$: $a(x/s)$ where $s \mid x$,"
        r" else $0$",
        on_z=Structural("resample"), on_torus=_not_on_torus("upsample")),
        ints=Ints.FACTORS),
    Operation("transpose", 1, Definition(
        "transpose(a)(x_1, x_2) = a(x_2, x_1)",
        r"$\operatorname{transpose}(a)(x_1, x_2) = a(x_2, x_1)$",
        on_z=Multilinear((Read(0, point=1, reverse_axes=True),), ndim=2),
        # on Z_n1 x Z_n2 its value lives on Z_n2 x Z_n1: each axis keeps its own period
        on_torus=Multilinear((Read(0, point=1, reverse_axes=True),), ndim=2),
        mod_pad=_not_on_torus("transpose"))),
    Operation("circconv", 2, Definition(
        "circconv(a, b)(x) = Σ_{i∈Z_n} a(i)·b(x − i), signals read mod n",
        r"$\operatorname{circconv}(a, b)(x) = \sum_{i \in \mathbb{Z}_n^d} a(i)\, b(x - i)$,"
        r" signals read mod $n$",
        on_z=_circular_only("circconv"), on_torus=_CONVOLUTION),
        ints=Ints.PERIOD, circular=True, size_lengths=True),
    Operation("circcorr", 2, Definition(
        "circcorr(a, b)(x) = Σ_{i∈Z_n} a(i)·b(x + i), signals read mod n",
        r"$\operatorname{circcorr}(a, b)(x) = \sum_{i \in \mathbb{Z}_n^d} a(i)\, b(x + i)$,"
        r" signals read mod $n$",
        on_z=_circular_only("circcorr"), on_torus=_CORRELATION),
        ints=Ints.PERIOD, circular=True, size_lengths=True),
    Operation("dft", 1, Definition(
        "dft(a)(k) = Σ_{i∈Z_n} a(i)·ω^(k·i), ω = exp(−2πi/n), a read mod n",
        r"$\operatorname{dft}(a)(k) = \sum_{i \in \mathbb{Z}_n^d} a(i)\, \omega^{k \cdot i}$,"
        r" $\omega = e^{-2\pi i/n}$, $a$ read mod $n$",
        on_z=_circular_only("dft"),
        on_torus=Multilinear((Read(0, bound=1),), summed=True, phase=1)),
        ints=Ints.PERIOD, circular=True, roots_of_unity=True),
    Operation("idft", 1, Definition(
        "idft(a)(k) = N^(−1)·Σ_{i∈Z_n} a(i)·ω^(−k·i), N = n_1⋯n_d",
        r"$\operatorname{idft}(a)(k) = N^{-1} \sum_{i \in \mathbb{Z}_n^d} a(i)\,"
        r" \omega^{-k \cdot i}$, $N = n_1 \cdots n_d$",
        on_z=_circular_only("idft"),
        on_torus=Multilinear((Read(0, bound=1),), summed=True, phase=-1, numel=-1)),
        ints=Ints.PERIOD, circular=True, roots_of_unity=True),
    Operation("conj", 1, Definition(
        "conj(a)(x) = a*(x), the complex conjugate (a* = a for real a; ω* = ω^(−1))",
        r"$\operatorname{conj}(a)(x) = \overline{a(x)}$ ($\bar a = a$ for real $a$;"
        r" $\bar\omega = \omega^{-1}$)",
        on_z=Multilinear((_AT_X,), conjugate=True),
        on_torus=Multilinear((_AT_X,), conjugate=True)), pointwise=True),
    Operation("zeropad", 1, Definition(
        "zeropad(a, N) = a on the box [o, o + N); read mod N it is a mod N, and conv(a, b) read "
        "mod N is circconv of a and b read mod N",
        r"$\operatorname{zeropad}(a, N) = a$ on $[o, o + N)$; read mod $N$ it is $a$ mod $N$, "
        r"and $\operatorname{conv}(a, b)$ read mod $N$ is the circular convolution",
        on_z=Unsupported("zeropad has no definition in the general tier"),
        on_torus=_not_on_torus("zeropad"),
        mod_pad=Multilinear((_AT_X,), takes_ints=True)),
              ints=Ints.SIZES, size_lengths=True),
    # its value lives on [0, N)^d: in a circular statement with N the sizes, a read mod n
    Operation("periodize", 1, Definition(
        "periodize(a, N)(x) = Σ_m a(x + m·N) on [0, N)^d: on Z_n^d with N = n, a read mod n",
        r"$\operatorname{per}_N(a)(x) = \sum_m a(x + mN)$ on $[0, N)^d$: on $\mathbb{Z}_n^d$"
        r" with $N = n$, $a$ read mod $n$",
        on_z=_circular_only("periodize"), on_torus=Multilinear((_AT_X,)),
        mod_pad=Unsupported("periodize read modulo a zeropad length is not modelled")),
              ints=Ints.SIZES, circular=True, size_lengths=True),
    Operation("sum", 1, Definition(
        "sum(a) = Σ_i a(i)",
        r"$\operatorname{sum}(a) = \sum_i a(i)$",
        on_z=Multilinear((Read(0, bound=1),), summed=True),
        on_torus=Multilinear((Read(0, bound=1),), summed=True)), scalar=True),
    Operation("frobenius", 2, Definition(
        "frobenius(a, b) = Σ_i a(i)·b(i)",
        r"$\operatorname{frobenius}(a, b) = \sum_i a(i)\, b(i)$",
        on_z=Multilinear((Read(0, bound=1), Read(1, bound=1)), summed=True),
        on_torus=Multilinear((Read(0, bound=1), Read(1, bound=1)), summed=True)), scalar=True),
    Operation("trace", 1, Definition(
        "trace(a @ b) = Σ_{(i_1, i_2)∈Z^2} a(i_1, i_2)·b(i_2, i_1)",
        r"$\operatorname{trace}(a \mathbin{@} b) = \sum_{(i_1, i_2) \in \mathbb{Z}^2}"
        r" a(i_1, i_2)\, b(i_2, i_1)$",
        on_z=Structural("trace"), on_torus=_not_on_torus("trace")), scalar=True, ndim=2),
    Operation("hadamard", 2, Definition(
        "hadamard(a, b)(x) = a(x)·b(x)",
        r"$\operatorname{hadamard}(a, b)(x) = a(x)\, b(x)$",
        on_z=Multilinear((_AT_X, Read(1, point=1))),
        on_torus=Multilinear((_AT_X, Read(1, point=1)))), pointwise=True),
    # size functions: numbers read from a box, usable wherever a number is
    Operation("len", 1, Definition(
        "len(a) = n = N on Z_n",
        r"$\operatorname{len}(a) = n = N$ on $\mathbb{Z}_n$",
        on_z=_circular_only("len"), on_torus=replace(_SIZE, ndim=1), mod_pad=_SIZE_MOD_PAD),
        scalar=True, ndim=1, ndim_hint=" (use size(a, axis))",
        box_size=lambda shape, ints: shape[0]),
    Operation("size", 1, Definition(
        "size(a, k) = n_(k+1) on Z_n1 × ⋯ × Z_nd, axes from 0 (n = N on Z_n)",
        r"$\operatorname{size}(a, k) = n_{k+1}$ on $\mathbb{Z}_{n_1} \times \cdots \times \mathbb{Z}_{n_d}$"
        r" ($n = N$ on $\mathbb{Z}_n$)",
        on_z=_circular_only("size"), on_torus=replace(_SIZE, takes_ints=True, one_axis=True),
        mod_pad=_SIZE_MOD_PAD),
        ints=Ints.INDEX, scalar=True, box_size=lambda shape, ints: shape[ints[0]]),
    Operation("numel", 1, Definition(
        "numel(a) = N = n_1⋯n_d on Z_n^d",
        r"$\operatorname{numel}(a) = N = n_1 \cdots n_d$ on $\mathbb{Z}_n^d$",
        on_z=_circular_only("numel"), on_torus=_SIZE, mod_pad=_SIZE_MOD_PAD),
        scalar=True, box_size=lambda shape, ints: math.prod(shape)),
)

# Views of the records, for the checks that ask one question of every call.
SIZE_FUNCTIONS = frozenset(n for n, op in OPERATIONS.items() if op.box_size is not None)
SIZED_CALLS = frozenset(n for n, op in OPERATIONS.items() if op.sized)
SCALAR_FUNCTIONS = frozenset(n for n, op in OPERATIONS.items() if op.scalar)
CIRCULAR = frozenset(n for n, op in OPERATIONS.items() if op.circular)
ROOTS_OF_UNITY = frozenset(n for n, op in OPERATIONS.items() if op.roots_of_unity)

B = TypeVar("B")
# An implementation in one arithmetic: (backend, signal values, integers, keyword options).
Implementation: TypeAlias = Callable[[B, list[Any], list[int], dict[str, Any]], Any]
T = TypeVar("T")


def dispatch_table(owner: str, table: Mapping[str, T | Unsupported]) -> dict[str, T | Unsupported]:
    """``table`` (op name -> implementation or :class:`Unsupported`) if it names every
    operation and nothing else; RuntimeError naming the gaps otherwise (an import-time check:
    a new operation cannot be forgotten by a backend or renderer)."""
    missing, extra = set(OPERATIONS) - set(table), set(table) - set(OPERATIONS)
    if missing or extra:
        raise RuntimeError(f"{owner}: the operations table lacks {sorted(missing)} and has "
                           f"unknown {sorted(extra)}")
    return dict(table)
