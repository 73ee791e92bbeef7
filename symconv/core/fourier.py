"""Exact and numeric discrete Fourier transforms of signals on Z_n^d.

``dft(f, n1, ..., nd)`` first periodizes ``f`` onto Z_n^d (the value at x goes
to x mod n by :func:`symconv.core.ops.periodize`; sizes default to the shape of
``f``), then computes

    F(k) = Σ_x f(x) ω^(k·x),   ω = exp(sign · 2πi / n)   (sign = -1: numpy's convention)

with the result placed at origin 0.  A size smaller than the signal therefore
wraps it around (sums the values congruent mod n); numpy's ``fft(a, n)``
truncates instead -- the two agree whenever n is at least the signal's length
and its origin is 0.  ``idft`` inverts it with the factor 1/N
(N = n1···nd).  ``norm`` follows numpy: ``"backward"`` (default), ``"ortho"``
(1/√N on both sides, the unitary DFT) or ``"forward"`` (1/N on the forward
transform).  ``sign=+1`` gives ``sympy.discrete.fft``'s convention.

Exact signals get coefficients in the cyclotomic field Q(ζ_L), L = lcm of the
sizes (see :mod:`symconv.core.cyclotomic`), so every identity between transforms is
decided by a canonical-form comparison; numeric signals go through numpy.fft.

>>> from symconv.core.signal import Signal
>>> from symconv.core.ops import circconv
>>> f, g = Signal.symbolic("f", (6,)), Signal.symbolic("g", (6,))
>>> dft(circconv(f, g)) == dft(f) * dft(g)
True
>>> dft(circconv(f, g)) == dft(f) * dft(g) / 6
False
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import sympy
from flint import fmpq
from sympy.polys.domains import QQ
from sympy.polys.domains.domain import Domain

from symconv.core.algebra import Monomial, Polynomial
from symconv.core.cyclotomic import CyclotomicField, cyclotomic_field, field_order, to_fmpq
from symconv.core.ops import accepts_arrays, periodize
from symconv.core.signal import Signal, parse_shape
from symconv.errors import NotSupportedError, ShapeError, SizeLimitError, UnknownNameError

NORMS = ("backward", "ortho", "forward")


@accepts_arrays(1)
def dft(signal: Signal, *sizes: int, sign: int = -1, norm: str = "backward") -> Signal:
    """The DFT of ``signal`` on Z_n^d (sizes default to its shape; one size serves all axes).

    ``F(k) = sum_x f(x) omega^(k.x)``, ``omega = exp(sign 2 pi i / n)``, exact in Q(zeta_n)
    for exact signals; the result is stored on the representative box [0, n).  An array
    gets the default, centred origin: for numpy.fft's indexing give ``origin=0``.

    >>> from symconv.core.signal import Signal
    >>> dft(Signal.literal([1, 2, 3, 4], origin=(0,))).to_array().tolist()
    [Polynomial(10), Polynomial(-2 + 2*zeta4), Polynomial(-2), Polynomial(-2 - 2*zeta4)]
    """
    return _transform(signal, sizes, sign, norm, inverse=False)


@accepts_arrays(1)
def idft(signal: Signal, *sizes: int, sign: int = -1, norm: str = "backward") -> Signal:
    """The inverse of :func:`dft` with the same ``sign`` and ``norm`` (1/n for ``backward``).

    >>> from symconv.core.signal import Signal
    >>> f = Signal.literal([1, 2, 3, 4], origin=(0,))
    >>> idft(dft(f)) == f
    True
    """
    return _transform(signal, sizes, sign, norm, inverse=True)


def dft_period(signal: Signal, sizes: tuple[int, ...]) -> tuple[int, ...]:
    """The torus Z_n^d a DFT of ``signal`` with these ``sizes`` lives on (validated)."""
    if not sizes:
        if 0 in signal.shape:  # e.g. a downsample that keeps no sample
            raise ShapeError(f"the DFT of a signal with an empty box (shape {signal.shape}) "
                             "has no period; give the DFT size")
        return signal.shape
    if len(sizes) == 1 and signal.ndim > 1:
        sizes = sizes * signal.ndim
    if len(sizes) != signal.ndim:
        raise ShapeError(
            f"DFT sizes {sizes} have {len(sizes)} axes; the signal has {signal.ndim}"
        )
    return parse_shape(sizes, "DFT size")


def _transform(signal: Signal, sizes: tuple[int, ...], sign: int, norm: str,
               inverse: bool) -> Signal:
    if sign not in (-1, 1):
        raise ShapeError(f"DFT sign {sign!r} must be -1 (numpy) or +1 (sympy.discrete.fft)")
    if norm not in NORMS:
        raise UnknownNameError(f"DFT norm {norm!r} is unknown; expected one of {', '.join(NORMS)}")
    dims = dft_period(signal, sizes)
    if signal.is_exact and signal.entries.size <= math.prod(dims):
        # no more entries than the torus: each is read at its place mod n (no periodized copy)
        return _exact_transform(signal, dims, -sign if inverse else sign,
                                _scale_kind(norm, inverse))
    on_torus = periodize(signal, dims)
    if not signal.is_exact:
        return _numeric_transform(on_torus, sign, norm, inverse)
    return _exact_transform(on_torus, dims, -sign if inverse else sign, _scale_kind(norm, inverse))


def _scale_kind(norm: str, inverse: bool) -> str:
    """Which factor this direction carries: "one", "sqrt" (1/√N) or "full" (1/N)."""
    if norm == "ortho":
        return "sqrt"
    return "full" if (norm == "forward") != inverse else "one"


def _numeric_transform(torus: Signal, sign: int, norm: str, inverse: bool) -> Signal:
    # numpy's fftn has sign -1 and ifftn sign +1; a +1 forward transform is an
    # ifftn with the scaling of the opposite direction.
    swapped: Any = {"backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]
    norm_: Any = norm
    if (sign == -1) != inverse:
        values = np.fft.fftn(torus.entries, norm=norm_ if not inverse else swapped)
    else:
        values = np.fft.ifftn(torus.entries, norm=norm_ if inverse else swapped)
    return Signal(values, (0,) * torus.ndim)


# Coefficient additions an exact DFT may do before it refuses (about 10 s here).
MAX_EXACT_DFT_WORK = 4_000_000


def _exact_transform(signal: Signal, dims: tuple[int, ...], sign: int, scale_kind: str) -> Signal:
    """Σ_x f(x) ζ_L^(sign·k·x·L/n) for every k on Z_n^d (n = ``dims``; each entry of
    ``signal`` at its place mod n), accumulated per monomial by exponent of ζ_L.

    Why buckets: each output coefficient is a sum of rational multiples of
    powers of ζ; collecting them by exponent and reducing modulo Φ_L once per
    monomial avoids one field multiplication per input term.
    """
    order = math.lcm(*dims, *(_order_of(p.domain) for p in signal.entries.flat))
    field = cyclotomic_field(order)
    steps = [order // n for n in dims]
    inputs = []
    for pos, value in zip(itertools.product(*map(range, signal.shape)), signal.entries.flat,
                          strict=True):
        if value.is_zero():
            continue
        terms = [(m, _zeta_terms(c, value.domain, order)) for m, c in value.terms.items()]
        inputs.append(([(p + o) % n * s for p, o, n, s
                        in zip(pos, signal.origin, dims, steps, strict=True)], terms))
    size = math.prod(dims)
    work = size * sum(len(zeta) for _, terms in inputs for _, zeta in terms)
    if work > MAX_EXACT_DFT_WORK:
        raise SizeLimitError(
            f"exact DFT of shape {dims} needs {work} coefficient additions; the limit is "
            f"{MAX_EXACT_DFT_WORK} (use numeric entries for large transforms)"
        )
    rational_scale = fmpq(1) if scale_kind != "full" else fmpq(1, size)
    field_scale = _inverse_sqrt(size, field) if scale_kind == "sqrt" else None
    if field_scale is not None and _order_of(field_scale[0]) != order:
        field = field_scale[0]  # √N needs a larger cyclotomic field
        order, inputs = _lift(inputs, order, field.order)
    out = np.empty(dims, dtype=object)
    for k in itertools.product(*map(range, dims)):
        buckets: dict[Monomial, dict[int, Any]] = {}
        for phases, terms in inputs:
            shift = sign * sum(a * b for a, b in zip(k, phases, strict=True))
            for m, zeta_terms in terms:
                bucket = buckets.get(m)
                if bucket is None:
                    bucket = buckets[m] = {}
                for e, c in zeta_terms:
                    t = (e + shift) % order
                    bucket[t] = bucket[t] + c if t in bucket else c
        if rational_scale != 1:
            for b in buckets.values():
                for t in b:
                    b[t] *= rational_scale
        coefficients = {m: field.from_zeta_exponents(b) for m, b in buckets.items()}
        if field_scale is not None:
            coefficients = {m: c * field_scale[1] for m, c in coefficients.items()}
        out[k] = Polynomial(coefficients, field)
    return _in_smallest_domain(Signal(out, (0,) * len(dims)))


def _order_of(domain: Domain) -> int:
    order = field_order(domain)
    if order is None:
        raise NotSupportedError(f"exact DFT of coefficients in {domain}; expected QQ or a "
                                "cyclotomic field")
    return order


def _zeta_terms(c: Any, domain: Domain, order: int) -> list[tuple[int, fmpq]]:
    if domain.is_QQ or domain.is_ZZ:
        return [(0, to_fmpq(c))]
    step = order // domain.order
    return [(j * step, r) for j, r in domain.zeta_exponents(c).items()]


def _lift(inputs: list[Any], old: int, new: int) -> tuple[int, list[Any]]:
    step = new // old
    lifted = [([p * step for p in phases], [(m, [(e * step, c) for e, c in zt]) for m, zt in terms])
              for phases, terms in inputs]
    return new, lifted


def _in_smallest_domain(signal: Signal) -> Signal:
    """All-rational results come back over QQ (n = 1, 2; real symmetric inputs).

    One domain for the whole signal: mixing QQ and field entries in one signal
    would leave the domain of later sums to whichever entry comes first.
    """
    entries = list(signal.entries.flat)
    if not all(p.domain.is_QQ or p.domain.is_ZZ or c.poly.degree() <= 0
               for p in entries for c in p.terms.values()):
        return signal
    return signal.map(lambda p: Polynomial({m: _rational_value(c, p.domain)
                                            for m, c in p.terms.items()}, QQ))


def _rational_value(c: Any, domain: Domain) -> Any:
    """The QQ element of a rational coefficient of ``domain`` (QQ, ZZ or Q(ζ_n))."""
    q = c.poly[0] if isinstance(domain, CyclotomicField) else to_fmpq(c)
    return QQ(int(q.numerator), int(q.denominator))


def _inverse_sqrt(size: int, field: CyclotomicField) -> tuple[CyclotomicField, Any]:
    """(K, 1/√size) with K ⊇ field a cyclotomic field containing √size (Gauss sums)."""
    square, free = 1, 1
    rest, p = size, 2
    while rest > 1:
        while rest % p == 0:
            rest //= p
            if free % p == 0:
                free //= p
                square *= p
            else:
                free *= p
        p += 1
    needed = [8 if q == 2 else (q if q % 4 == 1 else 4 * q) for q in _primes(free)]
    big = cyclotomic_field(math.lcm(field.order, *needed))
    root = big.convert(square)
    for q in _primes(free):
        root = root * _sqrt_prime(q, big)
    return big, big.quo(big.one, root)


def _primes(n: int) -> list[int]:
    return [p for p in range(2, n + 1) if n % p == 0 and all(p % d for d in range(2, p))]


def _sqrt_prime(p: int, field: CyclotomicField) -> Any:
    """√p: ζ_8 + ζ_8^-1 for 2; the Gauss sum Σ ζ_p^(a²) (times -i when p ≡ 3 mod 4)."""
    n = field.order
    if p == 2:
        return field.from_zeta_exponents({n // 8: 1, -n // 8: 1})
    gauss = field.from_zeta_exponents(_count_exponents(a * a * (n // p) for a in range(p)))
    return gauss if p % 4 == 1 else gauss * field.zeta_power(3 * n // 4)


def _count_exponents(exponents: Any) -> dict[int, int]:
    counts: dict[int, int] = {}
    for e in exponents:
        counts[e] = counts.get(e, 0) + 1
    return counts


def complex_values(signal: Signal) -> np.ndarray:
    """The entries of an exact constant signal as complex128 (ζ = exp(2πi/n) evaluated by numpy)."""
    if not signal.is_exact:
        return np.asarray(signal.entries, dtype=np.complex128)
    out = np.empty(signal.shape, dtype=np.complex128)
    for pos, value in zip(itertools.product(*map(range, signal.shape)), signal.entries.flat,
                          strict=True):
        if not value.is_constant():
            raise ShapeError(f"entry {value.as_expr()} at {pos} is symbolic; expected a number")
        out[pos] = _complex_of(value.constant_value(), value.domain)
    return out


def _complex_of(c: Any, domain: Domain) -> complex:
    if not isinstance(domain, CyclotomicField):
        return complex(float(domain.to_sympy(c)))
    return domain.to_complex(c)


# --- display --------------------------------------------------------------------


class Spectrum:
    """An exact DFT result shown as powers of ω = exp(-2πi/n) or as explicit cos/sin.

    >>> from symconv.core.signal import Signal
    >>> s = Spectrum(dft(Signal.literal([1, 2, 3, 4], origin=(0,))))
    >>> s.to_matrix()
    Matrix([[10, -2*omega_4 - 2, -2, 2*omega_4 - 2]])
    >>> Spectrum(dft(Signal.literal([1, 2, 3, 4], origin=(0,))), "trig").to_matrix()[1]
    -2 - 2*cos(pi/2) + 2*I*sin(pi/2)
    """

    def __init__(self, spectrum: Signal, form: str = "omega") -> None:
        if form not in ("omega", "trig"):
            raise UnknownNameError(f"display form {form!r} is unknown; expected omega or trig")
        if not spectrum.is_exact:
            raise NotSupportedError("a numeric spectrum has no exact display; use an exact signal")
        self.signal = spectrum
        self.form = form

    def entry_expr(self, value: Any) -> sympy.Expr:
        """One entry: Σ coefficient(ω or cos/sin) · monomial."""
        return sympy.Add(*self._parts(value))

    def _parts(self, value: Any) -> list[sympy.Expr]:
        """The terms of one entry in the signal's index order (f[0], f[1], ..., f[10])."""
        domain = value.domain
        return [sympy.Mul(coefficient_expr(c, domain, self.form), Polynomial({m: QQ.one}).as_expr())
                for m, c in sorted(value.terms.items(), key=lambda item: (len(item[0]), item[0]))]

    def _entry_text(self, value: Any, show: Any) -> str:
        """``show`` (sympy.sstr or sympy.latex) of each term, joined in index order: SymPy's
        own printing would sort them as strings (f[0] + f[10] + f[1] + ...)."""
        text = ""
        for part in self._parts(value):
            shown = show(part)
            if not text:
                text = shown
            elif shown.startswith("-"):
                text += " - " + shown[1:].lstrip()
            else:
                text += " + " + shown
        return text or "0"

    def to_matrix(self) -> sympy.Matrix:
        exprs = [self.entry_expr(v) for v in self.signal.entries.flat]
        rows = 1 if self.signal.ndim == 1 else self.signal.shape[0]
        if self.signal.ndim > 2:
            raise ShapeError(f"a {self.signal.ndim}D spectrum has no matrix form")
        return sympy.Matrix(rows, len(exprs) // rows, exprs)

    def _latex(self, printer: Any = None) -> str:
        """One aligned line per frequency, ``F(k) &= ...``."""
        lines = [f"F({_index(k)}) &= {self._entry_text(self.signal.entries[k], sympy.latex)}"
                 for k in np.ndindex(*self.signal.shape)]
        return "\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"

    def __repr__(self) -> str:
        return f"Spectrum(shape={self.signal.shape}, form={self.form!r})"

    def __str__(self) -> str:
        """One line per frequency: ``F(k) = ...``."""
        return "\n".join(f"F({_index(k)}) = {self._entry_text(self.signal.entries[k], sympy.sstr)}"
                         for k in np.ndindex(*self.signal.shape))


def _index(k: tuple[int, ...]) -> str:
    return ", ".join(map(str, k))


# Beyond this many entries the printed spectrum is unreadable (N entries of N terms).
MAX_DISPLAY_ENTRIES = 64


def symbolic_spectrum(size: int, dim: int = 1, form: str = "omega", sign: int = -1,
                      norm: str = "backward", real: bool = True) -> Spectrum:
    """The exact DFT of a symbolic signal f on Z_size^dim (origin 0), for display."""
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
        raise ShapeError(f"dimension {dim!r} is not a positive integer")
    shape = parse_shape((size,) * dim, "DFT size")
    if math.prod(shape) > MAX_DISPLAY_ENTRIES:
        raise ShapeError(f"a {'x'.join(map(str, shape))} spectrum has {math.prod(shape)} entries; "
                         f"at most {MAX_DISPLAY_ENTRIES} can be displayed")
    signal = Signal.symbolic("f", shape, origin=(0,) * len(shape), real=real)
    return Spectrum(dft(signal, sign=sign, norm=norm), form)


def coefficient_expr(c: Any, domain: Domain, form: str = "omega") -> sympy.Expr:
    """A field element as Σ q ω_n^j (form "omega") or Σ q (cos θ_j - i sin θ_j) (form "trig").

    A single power q·ω^t is shown as such; otherwise the canonical ω-basis
    coefficients (ω is also a root of Φ_n, so the coefficients of conj(c) in
    powers of ζ are those of c in powers of ω).  Display only: equality is
    decided on the field elements.
    """
    if not isinstance(domain, CyclotomicField):
        return domain.to_sympy(c)
    n = domain.order
    monomial = domain.as_omega_monomial(c)
    if monomial is not None:
        q, t = monomial
        return _rational(q) * _omega_term(t, n, form)
    return sympy.Add(*(_rational(q) * _omega_term(j, n, form) for j, q in
                       domain.zeta_exponents(domain.conjugate_element(c)).items()))


def _rational(q: Any) -> sympy.Rational:
    return sympy.Rational(int(q.numerator), int(q.denominator))


def _omega_term(j: int, n: int, form: str) -> sympy.Expr:
    if not j:
        return sympy.Integer(1)
    if form == "omega":
        return sympy.Symbol(f"omega_{n}") ** j
    angle = sympy.Rational(2 * j, n) * sympy.pi
    return sympy.cos(angle, evaluate=False) - sympy.I * sympy.sin(angle, evaluate=False)
