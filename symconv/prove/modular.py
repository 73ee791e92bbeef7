"""Exact arithmetic modulo a prime on numeric signals: the random tier's backend.

Entries are int64 residues in [0, p) with p < 2^25, so a product fits in 50
bits and thousands of products can be summed without overflow.  Convolutions
use a number-theoretic transform (an exact FFT over Z_p; every prime here is
c * 2^k + 1 with k >= 20, so lengths up to 2^20 are supported) or, for small
kernels, shift-and-accumulate.  Modes and boundaries reuse the index
bookkeeping of :mod:`symconv.ops`, so the semantics are the exact ones.
No floating point is involved anywhere.

>>> import numpy as np
>>> from symconv.signal import Signal
>>> backend = ModularBackend(7340033)
>>> a, b = Signal.from_array([1, 2, 3]), Signal.from_array([4, 5])
>>> backend.call("conv", [a, b], [], {}).entries.tolist()
[4, 13, 22, 15]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from symconv import ops
from symconv.dsl import SIZE_FUNCTIONS
from symconv.errors import NotSupportedError, ShapeError
from symconv.prove.evaluate import reindex, size_value
from symconv.signal import Signal

# (prime, primitive root): p = c * 2^k + 1 < 2^25, k >= 20 (checked in the tests).
NTT_PRIMES: tuple[tuple[int, int], ...] = (
    (7340033, 3),
    (13631489, 15),
    (23068673, 3),
    (26214401, 3),
    (28311553, 5),
)
MAX_NTT_LENGTH = 2**20


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
                  root: int) -> np.ndarray:
    """``out[x] = sum_i kern[i] img[x - i]`` (the full linear convolution) modulo ``prime``."""
    if np.count_nonzero(img) < np.count_nonzero(kern):
        kern, img = img, kern  # the full convolution is symmetric: loop over the sparser one
    nonzero = np.count_nonzero(kern)
    size = int(np.prod(out_shape))
    length = 1 << max(size - 1, 1).bit_length()
    ntt_cost = 3 * length * max(length.bit_length(), 1) * 4
    if nonzero * img.size <= ntt_cost or length > MAX_NTT_LENGTH:
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
    # Each product is below 2^50, so 2^12 of them can pile up before a reduction.
    for count, pos in enumerate(zip(*np.nonzero(kern), strict=True), start=1):
        window = tuple(slice(p, p + n) for p, n in zip(pos, img.shape, strict=True))
        out[window] += int(kern[pos]) * img
        if count % 4096 == 0:
            out %= prime
    return out % prime


class ModularBackend:
    """Statement arithmetic on int64 residue signals modulo one NTT prime."""

    def __init__(self, prime: int, root: int | None = None) -> None:
        self.prime = prime
        self.root = root if root is not None else dict(NTT_PRIMES)[prime]

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
        p = self.prime
        if func in SIZE_FUNCTIONS:
            return self.residue(Fraction(size_value(func, signals[0].shape, ints)))
        moved = reindex(func, signals, ints, options)
        if moved is not None:
            return moved
        if func in ("conv", "corr"):
            return self._apply(signals[0], signals[1], 1 if func == "conv" else -1,
                               options.get("mode", "full"), options.get("boundary", "zero"))
        if func in ("circconv", "circcorr"):
            return self._circular(signals[0], signals[1], 1 if func == "circconv" else -1, ints)
        if func == "conj":
            return signals[0]  # real entries only (complex claims are not modular here)
        if func == "hadamard":
            return self.reduce(ops.hadamard(signals[0], signals[1]))
        if func == "periodize":
            return self.reduce(ops.periodize(signals[0], ints))
        if func == "sum":
            return int(np.sum(signals[0].entries % p, dtype=object)) % p
        if func == "frobenius":
            return self.call("sum", [self.reduce(ops.hadamard(*signals))], [], {})
        if func == "trace":
            return int(ops.trace(signals[0])) % p
        raise NotModular(f"{func} has no modular evaluation yet")

    def binary(self, op: str, left: Any, right: Any) -> Any:
        p = self.prime
        if op == "@":
            # int64 dot: each product < 2^50, so up to 2^13 of them can be summed exactly.
            if min(left.shape[1], right.shape[0]) > 2**13:
                raise NotModular("matrix product with an inner size above 8192")
            return self.reduce(ops.matmul(left, right))
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

    def neg(self, value: Any) -> Any:
        if isinstance(value, Signal):
            return self.reduce(-value)
        return (-int(value)) % self.prime
