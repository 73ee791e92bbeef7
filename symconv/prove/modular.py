"""Exact arithmetic modulo a prime on numeric signals: the random tier's backend.

Entries are int64 residues in [0, p) with p < 2^31, so a product fits in 62
bits (:data:`MAX_PRIME`).  Convolutions use a number-theoretic transform (an
exact FFT over Z_p) for the primes of :data:`NTT_PRIMES` (c * 2^k + 1 < 2^25
with k >= 20, so lengths up to 2^20, and thousands of products summed before a
reduction), FLINT's ``nmod_poly`` products for any other prime, or, for small
kernels, shift-and-accumulate.  Modes and boundaries reuse the index
bookkeeping of :mod:`symconv.core.ops`, so the semantics are the exact ones.
No floating point is involved anywhere.  :class:`WideBackend` works modulo primes
below 2^62 instead, with FLINT's products.

:class:`CyclotomicBackend` adds the DFT, ``1j`` and complex entries through
the ring homomorphism Z[ζ_L] -> F_p, ζ_L -> r, for a prime p ≡ 1 (mod L) and
r a primitive L-th root of unity mod p; :class:`ConjugatePairs` carries each
value with its image under the conjugate homomorphism ζ_L -> r^-1, which is
how ``conj`` is evaluated.

>>> import numpy as np
>>> from symconv.core.signal import Signal
>>> backend = ModularBackend(7340033)
>>> a, b = Signal.from_array([1, 2, 3]), Signal.from_array([4, 5])
>>> backend.call("conv", [a, b], [], {}).entries.tolist()
[4, 13, 22, 15]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from symconv.core import ops
from symconv.core.fourier import dft_period
from symconv.core.signal import Signal, union_box
from symconv.errors import NotSupportedError, ShapeError, SizeLimitError
from symconv.lang.operations import OPERATIONS, Implementation, Unsupported, dispatch_table
from symconv.prove.evaluate import moves, size_functions, size_value

# (prime, primitive root): p = c * 2^k + 1 < 2^25, k >= 20 (checked in the tests).
NTT_PRIMES: tuple[tuple[int, int], ...] = (
    (7340033, 3),
    (13631489, 15),
    (23068673, 3),
    (26214401, 3),
    (28311553, 5),
)
MAX_NTT_LENGTH = 2**20
# Residues stay below this, so a product of two fits an int64 (below 2^62).
MAX_PRIME = 2**31
# WideBackend's primes: below this, a sum of two residues fits an int64.
MAX_WIDE_PRIME = 2**62
# Transforms of other lengths than powers of two use an n x n matrix: up to this n.
MAX_MATRIX_TRANSFORM = 4096


class NotModular(NotSupportedError):
    """The statement uses something without a modular meaning here (complex, DFT)."""


def _powers(base: int, count: int, prime: int) -> np.ndarray:
    """``base**k mod prime`` for k < count, by repeated doubling of the array."""
    out = np.ones(1, dtype=np.int64)
    while out.size < count:
        step = pow(base, out.size, prime)
        out = np.concatenate((out, out * step % prime))
    return out[:count]


def _bit_reversal(n: int) -> np.ndarray:
    bits = n.bit_length() - 1
    index = np.arange(n, dtype=np.int64)
    rev = np.zeros(n, dtype=np.int64)
    for b in range(bits):
        rev |= ((index >> b) & 1) << (bits - 1 - b)
    return rev


def ntt(values: np.ndarray, prime: int, root: int, inverse: bool = False,
        order: np.ndarray | None = None) -> np.ndarray:
    """Number-theoretic transform of a power-of-two length array of residues.

    ``order`` is the bit-reversal permutation of the length (computed if not given).
    """
    n = values.size
    if n & (n - 1) or (prime - 1) % n:
        raise ShapeError(f"transform length {n} is not a power of two dividing {prime - 1}")
    a = values[_bit_reversal(n) if order is None else order]
    w_n = pow(root, (prime - 1) // n, prime)
    if inverse:
        w_n = pow(w_n, prime - 2, prime)
    twiddles = _powers(w_n, max(n // 2, 1), prime)
    length = 2
    while length <= n:
        half = length // 2
        w = twiddles[:: n // length][:half]
        blocks = a.reshape(-1, length)
        u = blocks[:, :half]
        v = blocks[:, half:] * w % prime
        out = np.empty_like(blocks)
        # No reduction of the sums: after k stages entries stay below (k + 2) p < 2^30,
        # so the next product v * w stays below 2^55.
        np.add(u, v, out=out[:, :half])
        np.subtract(u, v, out=out[:, half:])
        out[:, half:] += prime
        a = out.reshape(-1)
        length *= 2
    a %= prime
    if inverse:
        a = a * pow(n, prime - 2, prime) % prime
    return a


def full_conv_mod(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...], prime: int,
                  root: int | None) -> np.ndarray:
    """``out[x] = sum_i kern[i] img[x - i]`` (the full linear convolution) modulo ``prime``
    (``root``: a primitive root of an NTT prime, or None for FLINT's products)."""
    if np.count_nonzero(img) < np.count_nonzero(kern):
        kern, img = img, kern  # the full convolution is symmetric: loop over the sparser one
    nonzero = np.count_nonzero(kern)
    size = int(np.prod(out_shape))
    length = 1 << max(size - 1, 1).bit_length()
    ntt_cost = 3 * length * max(length.bit_length(), 1) * 4
    if nonzero * img.size <= ntt_cost:
        return _direct_conv_mod(kern, img, out_shape, prime)
    if root is None:
        return _flint_conv_mod(kern, img, out_shape, prime)
    if length > MAX_NTT_LENGTH:
        return _direct_conv_mod(kern, img, out_shape, prime)
    # Kronecker layout: an nD index maps to its row-major offset in out_shape, and sums of
    # kernel and image offsets never wrap, so one 1D convolution does the nD one.
    flat_k = np.zeros(length, dtype=np.int64)
    flat_i = np.zeros(length, dtype=np.int64)
    flat_k[:size] = _embed_top_left(kern, out_shape).reshape(-1)
    flat_i[:size] = _embed_top_left(img, out_shape).reshape(-1)
    order = _bit_reversal(length)
    product = ntt(flat_k, prime, root, order=order) * ntt(flat_i, prime, root, order=order) % prime
    return ntt(product, prime, root, inverse=True, order=order)[:size].reshape(out_shape)


def _embed_top_left(arr: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.int64)
    out[tuple(slice(0, n) for n in arr.shape)] = arr
    return out


def _direct_conv_mod(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...],
                     prime: int) -> np.ndarray:
    out = np.zeros(out_shape, dtype=np.int64)
    # Each product is below p^2 and the sum starts below p: this many fit below 2^62.
    headroom = max(1, (2**62 - prime) // (prime * prime))
    for count, pos in enumerate(zip(*np.nonzero(kern), strict=True), start=1):
        window = tuple(slice(p, p + n) for p, n in zip(pos, img.shape, strict=True))
        out[window] += int(kern[pos]) * img
        if count % headroom == 0:
            out %= prime
    return out % prime


def _flint_conv_mod(kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...],
                    prime: int) -> np.ndarray:
    """The full convolution by one FLINT ``nmod_poly`` product (any word-size prime), in the
    Kronecker layout of :func:`full_conv_mod`."""
    from flint import nmod_poly  # a runtime dependency of the DFT claims' random tier

    size = int(np.prod(out_shape))
    # The Kronecker layout needs the strides of out_shape on every axis but the first; the
    # padding of the first axis is trailing zeros, which a polynomial does not store.
    a, b = (nmod_poly(_embed_top_left(x, (*x.shape[:1], *out_shape[1:])).reshape(-1).tolist(),
                      prime) for x in (kern, img))
    coeffs = list(map(int, (a * b).coeffs()))[:size]
    out = np.zeros(size, dtype=np.int64)
    out[:len(coeffs)] = coeffs
    return out.reshape(out_shape)


class ModularBackend:
    """Statement arithmetic on int64 residue signals modulo one NTT prime."""

    # op name -> implementation (Any: CyclotomicBackend's table extends this one)
    operations: ClassVar[dict[str, Implementation[Any] | Unsupported]]

    def __init__(self, prime: int, root: int | None = None) -> None:
        if prime >= MAX_PRIME:
            raise ValueError(f"prime {prime} is not below {MAX_PRIME}")
        self.prime = prime
        # a primitive root for the NTT; None (any other prime): FLINT's products
        self.root = root if root is not None else dict(NTT_PRIMES).get(prime)

    def reduce(self, signal: Signal) -> Signal:
        return Signal(np.asarray(signal.entries, dtype=np.int64) % self.prime, signal.origin)

    def residue(self, value: Fraction) -> int:
        if value.denominator % self.prime == 0:
            raise NotModular(f"denominator {value.denominator} is divisible by {self.prime}")
        return value.numerator % self.prime * pow(value.denominator, -1, self.prime) % self.prime

    def number(self, value: Fraction) -> Any:
        return self.residue(value)

    def imag(self, value: Fraction) -> Any:
        raise NotModular("imaginary constants have no modular evaluation here")

    def _full_conv(self, kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
        """The array-level core for ``ops.sliding_sum``: exact convolution mod p."""
        return full_conv_mod(np.asarray(kern, dtype=np.int64) % self.prime,
                             np.asarray(img, dtype=np.int64) % self.prime, out_shape,
                             self.prime, self.root)

    def _apply(self, kernel: Signal, image: Signal, sign: int, mode: str,
               boundary: str) -> Signal:
        return ops.sliding_sum(kernel, image, sign, mode, boundary, full_conv=self._full_conv)

    def _circular(self, a: Signal, b: Signal, sign: int, ints: list[int]) -> Signal:
        return self.reduce(ops.circular_sum(a, b, sign, ints or None, full_conv=self._full_conv))

    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any:
        impl = self.operations[func]
        if isinstance(impl, Unsupported):
            raise NotModular(impl.reason)
        return impl(self, signals, ints, options)

    def total(self, signal: Signal) -> int:
        """``sum`` of a residue signal."""
        return int(np.sum(signal.entries % self.prime, dtype=object)) % self.prime

    def binary(self, op: str, left: Any, right: Any) -> Any:
        p = self.prime
        if op == "@":
            return self._matmul(left, right)
        if op == "/":
            if right % p == 0:
                raise ShapeError("division by zero")
            inverse = pow(int(right), -1, p)
            return self.binary("*", left, inverse)
        if isinstance(left, Signal) or isinstance(right, Signal):
            if op == "*" and not isinstance(left, Signal):
                left, right = right, left
            result = {"+": lambda: left + right, "-": lambda: left - right,
                      "*": lambda: left * right}[op]()
            return self.reduce(result)
        value = {"+": left + right, "-": left - right, "*": left * right}[op]
        return int(value) % p

    def _matmul(self, left: Signal, right: Signal) -> Signal:
        """``left @ right`` mod p: the left entries in 16-bit halves, so that each int64 dot
        sums products below 2^47 (exact up to an inner size of 2^16)."""
        if min(left.shape[1], right.shape[0]) > 2**15:
            raise NotModular("matrix product with an inner size above 32768")
        entries = np.asarray(left.entries, dtype=np.int64)
        high = Signal(entries >> 16, left.origin)
        low = Signal(entries & 0xFFFF, left.origin)
        upper, lower = self.reduce(ops.matmul(high, right)), self.reduce(ops.matmul(low, right))
        return Signal((upper.entries * 2**16 + lower.entries) % self.prime, lower.origin)

    def neg(self, value: Any) -> Any:
        if isinstance(value, Signal):
            return self.reduce(-value)
        return (-int(value)) % self.prime


ModularBackend.operations = dispatch_table("ModularBackend", {
    **size_functions(lambda backend, value, ints, func:
                     backend.residue(Fraction(size_value(func, value.shape, ints)))),
    **moves(),
    "conv": lambda backend, signals, ints, options: backend._apply(
        signals[0], signals[1], 1, options.get("mode", "full"), options.get("boundary", "zero")),
    "corr": lambda backend, signals, ints, options: backend._apply(
        signals[0], signals[1], -1, options.get("mode", "full"), options.get("boundary", "zero")),
    "circconv": lambda backend, signals, ints, options: backend._circular(
        signals[0], signals[1], 1, ints),
    "circcorr": lambda backend, signals, ints, options: backend._circular(
        signals[0], signals[1], -1, ints),
    # real entries only (complex claims go to CyclotomicBackend with ConjugatePairs)
    "conj": lambda backend, signals, ints, options: signals[0],
    "hadamard": lambda backend, signals, ints, options: backend.reduce(ops.hadamard(*signals)),
    "periodize": lambda backend, signals, ints, options: backend.reduce(
        ops.periodize(signals[0], ints)),
    "sum": lambda backend, signals, ints, options: backend.total(signals[0]),
    "frobenius": lambda backend, signals, ints, options: backend.total(
        backend.reduce(ops.hadamard(*signals))),
    "trace": lambda backend, signals, ints, options: int(ops.trace(signals[0])) % backend.prime,
    "dft": Unsupported("dft has no modular evaluation here: it needs roots of unity "
                       "(CyclotomicBackend)"),
    "idft": Unsupported("idft has no modular evaluation here: it needs roots of unity "
                        "(CyclotomicBackend)"),
})


def _axis_transform(values: np.ndarray, axis: int, w: int, prime: int) -> np.ndarray:
    """``X[k] = Σ_x a[x] w^(k x) mod p`` along ``axis`` (w of order dividing its length n):
    radix-2 butterflies for a power of two, else the n x n matrix in 16-bit halves."""
    a = np.moveaxis(values, axis, -1)
    n = a.shape[-1]
    rows = a.reshape(-1, n)
    if n & (n - 1) == 0:
        out = rows[:, _bit_reversal(n)] if n > 1 else rows.copy()
        spare = np.empty_like(out)
        length = 2
        while length <= n:
            half = length // 2
            twiddle = _powers(pow(w, n // length, prime), half, prime)
            blocks = out.reshape(rows.shape[0], -1, length)
            target = spare.reshape(blocks.shape)
            u = blocks[..., :half]
            v = blocks[..., half:] * twiddle
            v %= prime
            np.add(u, v, out=target[..., :half])
            np.subtract(u, v, out=target[..., half:])
            target[..., half:] += prime
            target %= prime
            out, spare = spare, out
            length *= 2
    else:
        if n > MAX_MATRIX_TRANSFORM:
            raise SizeLimitError(f"a transform of length {n} (not a power of two) mod p; the "
                                 f"limit is {MAX_MATRIX_TRANSFORM}")
        powers = _powers(w, n, prime)
        matrix = powers[np.outer(np.arange(n), np.arange(n)) % n]
        high, low = rows >> 16, rows & 0xFFFF
        out = ((high @ matrix.T) % prime * 2**16 + (low @ matrix.T)) % prime
    return np.moveaxis(out.reshape(a.shape), -1, axis)


class CyclotomicBackend(ModularBackend):
    """:class:`ModularBackend` through the homomorphism Z[ζ_L] -> F_p, ζ_L -> ``root_of_unity``
    (a primitive L-th root of unity mod p, p ≡ 1 mod L): ``dft``/``idft`` of sizes dividing
    L and ``1j`` (4 | L) get their images; ``conj`` needs :class:`ConjugatePairs`.

    >>> backend = CyclotomicBackend(17, 4, 4)  # 4 has order 4 mod 17: it stands for i
    >>> backend.call("dft", [Signal.from_array([1, 2, 3, 4], origin=(0,))], [], {}).entries.tolist()
    [10, 6, 15, 7]
    >>> [(10, 6, 15, 7)[k] == (10, (-2 + 2 * 4) % 17, -2 % 17, (-2 - 2 * 4) % 17)[k] for k in range(4)]
    [True, True, True, True]
    """

    def __init__(self, prime: int, order: int, root_of_unity: int) -> None:
        super().__init__(prime, dict(NTT_PRIMES).get(prime))
        if (prime - 1) % order or any(pow(root_of_unity, order // q, prime) == 1
                                      for q in _prime_factors(order)):
            raise ValueError(f"{root_of_unity} is not a primitive {order}-th root of unity "
                             f"mod {prime}")
        self.order, self.root_of_unity = order, root_of_unity

    def zeta(self, n: int, power: int = 1) -> int:
        """The image of ζ_n^power (n divides the order)."""
        if self.order % n:
            raise NotModular(f"ζ_{n} lies outside Q(ζ_{self.order})")
        return pow(self.root_of_unity, (self.order // n) * power % self.order, self.prime)

    def imag(self, value: Fraction) -> Any:
        return self.residue(value) * self.zeta(4) % self.prime

    def _circular(self, a: Signal, b: Signal, sign: int, ints: list[int]) -> Signal:
        period = ops.circular_period(a, b, ints or None)
        if all(self.order % n == 0 for n in period):
            return self._circular_by_transforms(a, b, period, sign)
        return super()._circular(a, b, sign, ints)

    def _on_torus(self, signal: Signal, period: tuple[int, ...]) -> np.ndarray:
        """The residues of :func:`symconv.core.ops.periodize` (a signal already on [0, n) as is)."""
        if signal.shape == period and not any(signal.origin):
            return np.asarray(signal.entries, dtype=np.int64) % self.prime
        return self.reduce(ops.periodize(signal, period)).entries

    def _circular_by_transforms(self, a: Signal, b: Signal, period: tuple[int, ...],
                                sign: int) -> Signal:
        """circconv (sign 1) / circcorr (sign -1) on Z_n^d, every n_i dividing L, as the
        pointwise product of transforms of length n_i over F_p (the convolution theorem of
        F_p, which has primitive n_i-th roots of unity; n_i < p is invertible)."""
        p = self.prime
        pa, pb = self._on_torus(a, period), self._on_torus(b, period)
        for axis, n in enumerate(period):
            w = self.zeta(n, -1)
            # circcorr(a, b)(x) = Σ_i a(i) b(x + i): transform a with the inverse root
            pa = _axis_transform(pa, axis, w if sign == 1 else pow(w, -1, p), p)
            pb = _axis_transform(pb, axis, w, p)
        values = pa * pb % p
        for axis, n in enumerate(period):
            values = _axis_transform(values, axis, self.zeta(n, 1), p)
        values = values * pow(int(np.prod(period)), -1, p) % p
        return Signal(values, (0,) * len(period))

    def _dft(self, signal: Signal, sizes: tuple[int, ...], inverse: bool) -> Signal:
        """As :func:`symconv.core.fourier.dft`: ω = ζ_n^-1 (numpy's sign), 1/N on the inverse."""
        dims = dft_period(signal, sizes)
        values = self._on_torus(signal, dims)
        for axis, n in enumerate(dims):
            values = _axis_transform(values, axis, self.zeta(n, 1 if inverse else -1), self.prime)
        if inverse:
            values = values * pow(int(np.prod(dims)), -1, self.prime) % self.prime
        return Signal(values, (0,) * len(dims))


CyclotomicBackend.operations = dispatch_table("CyclotomicBackend", {
    **ModularBackend.operations,
    "dft": lambda backend, signals, ints, options: backend._dft(signals[0], tuple(ints), False),
    "idft": lambda backend, signals, ints, options: backend._dft(signals[0], tuple(ints), True),
    "conj": Unsupported("conj needs the conjugate images (ConjugatePairs)"),
})


class Conjugated:
    """A value φ(v) with its conjugate image φ̄(v), the latter computed only when a ``conj``
    asks for it (most of a statement never needs it)."""

    def __init__(self, value: Any, conjugate: Callable[[], Any]) -> None:
        self.value = value
        self._conjugate: Callable[[], Any] | None = conjugate
        self._cached: Any = None

    @classmethod
    def of(cls, value: Any, conjugate: Any) -> Conjugated:
        return cls(value, lambda: conjugate)

    def conjugate(self) -> Any:
        if self._conjugate is not None:
            self._cached, self._conjugate = self._conjugate(), None
        return self._cached


class ConjugatePairs:
    """Each value as (φ(v), φ̄(v)) for the homomorphisms φ: ζ -> r and φ̄ = φ ∘ conj: ζ -> r^-1
    (and a complex entry z -> its value, conj(z) -> an independent value): both are ring
    homomorphisms, every operation acts on each side, and ``conj`` swaps them.  Values are
    :class:`Conjugated`, the φ̄ side evaluated lazily."""

    def __init__(self, backend: CyclotomicBackend) -> None:
        self.first = backend
        self.second = CyclotomicBackend(backend.prime, backend.order,
                                        pow(backend.root_of_unity, -1, backend.prime))

    def number(self, value: Fraction) -> Conjugated:
        return Conjugated(self.first.number(value), lambda: self.second.number(value))

    def imag(self, value: Fraction) -> Conjugated:
        return Conjugated(self.first.imag(value), lambda: self.second.imag(value))

    def call(self, func: str, signals: list[Conjugated], ints: list[int],
             options: dict[str, Any]) -> Conjugated:
        if OPERATIONS[func].conjugates:
            return Conjugated(signals[0].conjugate(), lambda: signals[0].value)
        return Conjugated(self.first.call(func, [s.value for s in signals], ints, options),
                          lambda: self.second.call(func, [s.conjugate() for s in signals], ints,
                                                   options))

    def binary(self, op: str, left: Conjugated, right: Conjugated) -> Conjugated:
        return Conjugated(self.first.binary(op, left.value, right.value),
                          lambda: self.second.binary(op, left.conjugate(), right.conjugate()))

    def neg(self, value: Conjugated) -> Conjugated:
        return Conjugated(self.first.neg(value.value), lambda: self.second.neg(value.conjugate()))


class WideBackend(ModularBackend):
    """:class:`ModularBackend` modulo a prime below 2^62 (:data:`MAX_WIDE_PRIME`), so that a
    non-zero difference of degree D survives a trial but with probability <= D/2^61.

    Entries stay int64 residues in [0, p), but no int64 product or long sum of them fits:
    convolutions are FLINT ``nmod_poly`` products (exact for any word-size prime, in the
    Kronecker layout of :func:`full_conv_mod`), pointwise products are taken in Python
    integers, matrix products in 21-bit limbs, and sums that fold many entries (periodize,
    trace) in 31-bit halves.

    >>> backend = WideBackend(4611686018427387847)  # the largest prime below 2^62
    >>> a, b = Signal.from_array([1, 2, 3]), Signal.from_array([4, -5])
    >>> [int(v) - backend.prime if v > 2**61 else int(v)
    ...  for v in backend.call("conv", [backend.reduce(a), backend.reduce(b)], [], {}).entries]
    [4, 3, 2, -15]
    """

    def __init__(self, prime: int) -> None:
        if not MAX_PRIME <= prime < MAX_WIDE_PRIME:
            raise ValueError(f"prime {prime} is not in [2^31, 2^62)")
        self.prime = prime
        self.root = None

    def _full_conv(self, kern: np.ndarray, img: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
        return _flint_conv_mod(np.asarray(kern, dtype=np.int64) % self.prime,
                               np.asarray(img, dtype=np.int64) % self.prime, out_shape, self.prime)

    def _circular(self, a: Signal, b: Signal, sign: int, ints: list[int]) -> Signal:
        # ops.circular_sum folds in int64: fold in halves instead.  Folding the full sum of
        # the two signals, each folded first or not, gives the same circular sum; an input
        # is folded first only when its box exceeds the period.
        period = ops.circular_period(a, b, ints or None)
        a, b = (s if s.entries.size <= math.prod(period) else self._periodize(s, period)
                for s in (a, b))
        full = ops.sliding_sum(a, b, sign, full_conv=self._full_conv)
        return self._periodize(full, period)

    def _periodize(self, signal: Signal, period: tuple[int, ...]) -> Signal:
        high, low = self._halves(signal)
        return self._join(ops.periodize(high, period), ops.periodize(low, period))

    @staticmethod
    def _halves(signal: Signal) -> tuple[Signal, Signal]:
        """(high, low) 31-bit halves: a sum of up to 2^32 of them fits an int64."""
        entries = np.asarray(signal.entries, dtype=np.int64)
        return Signal(entries >> 31, signal.origin), Signal(entries & (2**31 - 1), signal.origin)

    def _join(self, high: Signal, low: Signal) -> Signal:
        values = (high.entries.astype(object) * 2**31 + low.entries.astype(object)) % self.prime
        return Signal(values.astype(np.int64), low.origin)

    def _product(self, left: np.ndarray, right: Any) -> np.ndarray:
        """Pointwise ``left * right mod p`` (exact, in Python integers)."""
        values = np.asarray(left, dtype=np.int64).astype(object) * np.asarray(right).astype(object)
        return np.asarray(values % self.prime).astype(np.int64)

    def _hadamard(self, a: Signal, b: Signal) -> Signal:
        lo, shape = union_box(a, b)
        return Signal(self._product(a.embed(lo, shape), b.embed(lo, shape)), lo)

    def _trace(self, signal: Signal) -> int:
        high, low = self._halves(signal)
        return (int(ops.trace(high)) * 2**31 + int(ops.trace(low))) % self.prime

    def binary(self, op: str, left: Any, right: Any) -> Any:
        if op != "*":
            return super().binary(op, left, right)
        if not isinstance(left, Signal):
            left, right = right, left
        if not isinstance(left, Signal):
            return int(left) * int(right) % self.prime
        if not isinstance(right, Signal):
            return Signal(self._product(left.entries, int(right)), left.origin)
        return self._hadamard(left, right)

    def _matmul(self, left: Signal, right: Signal) -> Signal:
        """``left @ right`` mod p in 21-bit limbs: each int64 dot sums products below 2^42
        (exact up to an inner size of 2^20)."""
        if min(left.shape[1], right.shape[0]) > 2**20:
            raise NotModular("matrix product with an inner size above 2^20")
        total: Any = 0
        for i, a in enumerate(self._limbs(left)):
            for j, b in enumerate(self._limbs(right)):
                product = ops.matmul(a, b)
                total = total + product.entries.astype(object) * 2**(21 * (i + j))
        return Signal(np.asarray(total % self.prime).astype(np.int64), product.origin)

    @staticmethod
    def _limbs(signal: Signal) -> list[Signal]:
        entries = np.asarray(signal.entries, dtype=np.int64)
        return [Signal((entries >> (21 * k)) & (2**21 - 1), signal.origin) for k in range(3)]


# ModularBackend's operations, with the four whose int64 arithmetic would overflow mod a
# 62-bit prime done as above.
WideBackend.operations = dispatch_table("WideBackend", {
    **ModularBackend.operations,
    "hadamard": lambda backend, signals, ints, options: backend._hadamard(*signals),
    "periodize": lambda backend, signals, ints, options: backend._periodize(signals[0],
                                                                            tuple(ints)),
    "frobenius": lambda backend, signals, ints, options: backend.total(
        backend._hadamard(*signals)),
    "trace": lambda backend, signals, ints, options: backend._trace(signals[0]),
})

def _prime_factors(n: int) -> list[int]:
    factors, q = [], 2
    while q * q <= n:
        if n % q == 0:
            factors.append(q)
            while n % q == 0:
                n //= q
        q += 1
    return [*factors, n] if n > 1 else factors
