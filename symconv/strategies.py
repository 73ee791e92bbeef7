"""Hypothesis strategies: signals, kernels and statements, to property-test code against symconv.

Needs hypothesis (``pip install 'symconv[strategies]'``).  Test your own
convolution against symconv's exact one on random integer signals of any origin:

>>> from hypothesis import given, settings
>>> from symconv import conv
>>> from symconv.strategies import signals
>>> def my_conv(k, x):          # yours: a direct double loop, origins added
...     out = {}
...     for i in k.coordinates():
...         for j in x.coordinates():
...             s = tuple(a + b for a, b in zip(i, j))
...             out[s] = out.get(s, 0) + k.value_at(i) * x.value_at(j)
...     return out
>>> @settings(max_examples=20, deadline=None)
... @given(signals(ndim=2, max_side=3), signals(ndim=2, max_side=4))
... def test_my_conv(k, x):
...     expected = conv(k, x)
...     assert all(expected.value_at(s) == v for s, v in my_conv(k, x).items())
>>> test_my_conv()

:func:`signals` draws shapes, origins and integer, rational, complex or symbolic
entries; :func:`kernels` the named kernels and small arrays; :func:`statements` a
statement of the claim language with its ``signals`` table (about half of them
true), e.g. to test a tool that rewrites statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

try:
    from hypothesis import assume
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # hypothesis is an optional extra
    raise ImportError("symconv.strategies needs hypothesis; install it with "
                      "pip install 'symconv[strategies]'") from exc

from symconv.core.algebra import Polynomial
from symconv.core.cyclotomic import cyclotomic_field
from symconv.core.kernels import KERNEL_NAMES, get_kernel
from symconv.core.ops import BOUNDARIES
from symconv.core.signal import Signal, default_origin
from symconv.lang.dsl import names as dsl_names
from symconv.lang.dsl import parse_statement
from symconv.prove.evaluate import degree

ENTRY_KINDS = ("integer", "rational", "complex", "symbolic")


@st.composite
def signals(draw: st.DrawFn, ndim: int | None = None, max_side: int = 5,
            shape: Sequence[int] | None = None, entries: str = "integer",
            origin: Sequence[int] | str | None = None, max_abs: int = 9,
            name: str = "s") -> Signal:
    """Signals of ``ndim`` (1-3 when not given) dimensions with sides up to ``max_side``
    (or of ``shape``).

    ``entries``: ``integer`` (numeric int64), ``rational`` and ``complex`` (exact),
    ``symbolic`` (independent symbols ``name[...]``).  ``origin``: drawn from -4..4
    when None, ``"default"`` for the default (centred) origin, or a fixed coordinate.
    """
    if entries not in ENTRY_KINDS:
        raise ValueError(f"entries={entries!r}; expected one of {', '.join(ENTRY_KINDS)}")
    if shape is None:
        nd = ndim if ndim is not None else draw(st.integers(1, 3))
        dims = tuple(draw(st.integers(1, max_side)) for _ in range(nd))
    else:
        dims = tuple(shape)
    if origin is None:
        at = tuple(draw(st.integers(-4, 4)) for _ in dims)
    elif origin == "default":
        at = default_origin(dims)
    else:
        at = tuple(int(o) for o in origin)
    if entries == "symbolic":
        return Signal.symbolic(name, dims, origin=at)
    ints = st.integers(-max_abs, max_abs)
    if entries == "integer":
        return Signal.from_array(draw(hnp.arrays(np.int64, dims, elements=ints)), at)
    if entries == "rational":
        element: st.SearchStrategy[Any] = st.fractions(-max_abs, max_abs, max_denominator=6)
    else:  # a + b i, exact in Q(i) = Q(zeta_4)
        field = cyclotomic_field(4)
        i = Polynomial.constant(field.zeta_power(1), field)
        element = st.builds(lambda re, im: (Polynomial.from_number(re).to_domain(field)
                                            + Polynomial.from_number(im).to_domain(field) * i),
                            ints, ints)
    values = np.empty(dims, dtype=object)
    for pos in np.ndindex(*dims):
        values[pos] = draw(element)
    return Signal.from_array(values, at)


def kernels(ndim: int = 2, max_side: int = 5, named: bool = True) -> st.SearchStrategy[Signal]:
    """Kernels: the named kernels (2D, when ``named``) and integer arrays with odd and even
    sides at the default, centred origin."""
    arrays = signals(ndim=ndim, max_side=max_side, origin="default")
    if named and ndim == 2:
        return st.one_of(st.sampled_from(KERNEL_NAMES).map(get_kernel), arrays)
    return arrays


def statements(max_depth: int = 3, big: bool = False) -> st.SearchStrategy[tuple[str, dict[str, object]]]:
    """A well-typed statement of the claim language and its ``signals`` table, for
    :func:`symconv.check` (``check(text, **table)``); about half hold.  See
    :func:`dsl_claims` for the parameters."""
    return dsl_claims(max_depth=max_depth, big=big)

small_ints = st.integers(min_value=-9, max_value=9)


def int_arrays(ndim: int, max_side: int = 6, min_side: int = 1) -> st.SearchStrategy[np.ndarray]:
    """Integer arrays of ``ndim`` dimensions with sides in [min_side, max_side]."""
    return hnp.arrays(
        np.int64,
        hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=min_side, max_side=max_side),
        elements=small_ints,
    )


@st.composite
def kernel_and_image(
    draw: st.DrawFn, ndim: int, max_kernel: int = 5, max_image: int = 7
) -> tuple[np.ndarray, np.ndarray]:
    """A kernel and an image of the same dimension (odd and even, rectangular sizes)."""
    kernel = draw(int_arrays(ndim, max_kernel))
    image = draw(int_arrays(ndim, max_image))
    return kernel, image


@st.composite
def kernel_fitting_image(
    draw: st.DrawFn, ndim: int, max_kernel: int = 4, max_image: int = 7
) -> tuple[np.ndarray, np.ndarray]:
    """A kernel no larger than the image on every axis (for 'valid' mode)."""
    image = draw(int_arrays(ndim, max_image))
    sides = tuple(draw(st.integers(1, min(max_kernel, n))) for n in image.shape)
    kernel = draw(hnp.arrays(np.int64, sides, elements=small_ints))
    return kernel, image


origins = st.integers(min_value=-4, max_value=4)


# --- random claim statements over the whole DSL (tests/test_prove_packed.py) ---------------------

STATEMENT_MODES = ("full", "same", "valid")
# Every boundary, and two of scipy's spellings that mean the same thing.
STATEMENT_BOUNDARIES = (*BOUNDARIES, "fill", "symm")
KERNEL_NAMES_2D = ("sobel_x", "gaussian3", "emboss", "laplacian", "box3", "gaussian5")
# Signal sides per dimension: small enough for the Polynomial path to stay quick.
MAX_SIDE = {1: 4, 2: 3, 3: 2}
# Divisors: rational ones (also a rational one written with i), zero, and non-rational ones.
# (no zero divisor: a constant zero divisor is refused when the statement is parsed)
DIVISORS = ("2", "3", "-4", "0.5", "(1/3)", "(1j * 1j)", "2j", "(1 + 1j)")
DIVISOR_WEIGHTS = (8, 6, 4, 4, 3, 3, 1, 1)
SCALAR_CONSTANTS = ("2", "-1", "0.5", "(1/3)", "0", "2j", "-1j", "(1 + 0.5j)")


small_entries = st.one_of(st.integers(-3, 3), st.sampled_from(["1/2", "-2/3", 0.25]))
# Entries up to and beyond the int64 range, half of them small enough that products of two
# still fit (strings: claim literals read them as exact fractions).
big_entries = st.one_of(
    st.integers(-9, 9), st.integers(2**20, 2**34), st.integers(-(2**34), -(2**20)),
    st.integers(2**20, 2**34), st.integers(2**58, 2**64), st.integers(-(2**64), -(2**58)),
).map(str)


def _literal(draw: st.DrawFn, shape: tuple[int, ...], entry: st.SearchStrategy[object]) -> object:
    if len(shape) == 1:
        return [draw(entry) for _ in range(shape[0])]
    return [_literal(draw, shape[1:], entry) for _ in range(shape[0])]


@st.composite
def signal_declarations(draw: st.DrawFn, ndim: int, big: bool = False) -> object:
    """One ``signals`` value of a claim: symbolic (real or complex), literal, a named kernel
    (2D), or a list of two shapes; origins default or given.  ``big``: mostly literals with
    entries near the int64 range."""
    kinds = ["literal", "literal", "literal", "real"] if big else [
        "real", "real", "real", "complex", "literal", "kernel", "shapes"]
    kind = draw(st.sampled_from(kinds))
    if kind == "kernel" and ndim == 2:
        return draw(st.sampled_from(KERNEL_NAMES_2D))
    shape = tuple(draw(st.integers(1, MAX_SIDE[ndim])) for _ in range(ndim))
    text = "x".join(map(str, shape))
    if kind == "shapes":  # two sizes of one dimension: the claim has two assignments
        other = tuple(draw(st.integers(1, MAX_SIDE[ndim])) for _ in range(ndim))
        return [text, "x".join(map(str, other))]
    origin = draw(st.none() | st.lists(st.integers(-2, 2), min_size=ndim, max_size=ndim))
    entries = big_entries if big else small_entries
    table: dict[str, object] = {"literal": _literal(draw, shape, entries)} if kind == "literal" else {
        "shape": text}
    if kind == "complex":
        table["real"] = False
    if origin is not None:
        table["origin"] = origin
    return table if len(table) > 1 or kind == "literal" else text


def _ints(draw: st.DrawFn, ndim: int, low: int, high: int) -> str:
    return ", ".join(str(draw(st.integers(low, high))) for _ in range(ndim))


def _conv_options(draw: st.DrawFn) -> str:
    mode = draw(st.sampled_from((None, *STATEMENT_MODES)))
    boundary = draw(st.sampled_from((None, *STATEMENT_BOUNDARIES)))
    options = ([f'mode="{mode}"'] if mode else []) + ([f'boundary="{boundary}"'] if boundary else [])
    return "".join(f", {o}" for o in options)


SIGNAL_FORMS = ("conv", "corr", "flip", "shift", "transpose", "zeropad", "circular", "fourier",
                "conj", "hadamard", "+", "-", "neg", "*", "scale", "/", "@", "rewrite", "mutate",
                "resample")
SIGNAL_WEIGHTS = (5, 5, 3, 2, 2, 2, 4, 4, 2, 1, 3, 2, 1, 2, 3, 2, 2, 5, 2, 2)


@st.composite
def signal_pairs(draw: st.DrawFn, names: tuple[str, ...], ndim: int, depth: int,
                 root: bool = False) -> tuple[str, str]:
    """Two texts of a signal expression: the second is usually the same function written
    differently (commuted, flipped twice, conv as corr of the flip, ...), sometimes a
    near miss (shifted by one, conv for corr, another boundary).

    Taking the first text of two independent pairs gives unrelated sides instead.  A
    ``root`` is never a bare name.
    """
    if depth == 0 or (not root and draw(st.integers(0, 4)) == 4):  # shrinks towards a call
        name = draw(st.sampled_from(names))
        return name, name
    form = draw(st.sampled_from([f for f, w in zip(SIGNAL_FORMS, SIGNAL_WEIGHTS, strict=True)
                                 for _ in range(w)]))
    if form == "@" and ndim != 2:
        form = "+"

    def sub() -> tuple[str, str]:
        return draw(signal_pairs(names, ndim, depth - 1))

    x, y = sub(), ("", "")
    if form in ("conv", "corr"):
        y = sub()
        options = _conv_options(draw)
        left = f"{form}({x[0]}, {y[0]}{options})"
        other = "corr" if form == "conv" else "conv"
        variant = draw(st.integers(0, 2))
        if variant == 0:
            return left, f"{other}(flip({x[1]}), {y[1]}{options})"
        if variant == 1 and form == "conv" and not options:
            return left, f"conv({y[1]}, {x[1]})"
        return left, f"{form}({x[1]}, {y[1]}{options})"
    if form == "flip":
        axis = draw(st.sampled_from([None, *range(-ndim, ndim)]))
        spelled = "" if axis is None else draw(st.sampled_from([f", {axis}", f", axis={axis}"]))
        return f"flip({x[0]}{spelled})", f"flip({x[1]}{spelled})"
    if form == "shift":
        k = _ints(draw, ndim, -2, 2)
        return f"shift({x[0]}, {k})", f"shift({x[1]}, {k})"
    if form == "transpose":
        return f"transpose({x[0]})", f"transpose({x[1]})"
    if form == "resample":  # a stride or a dilation; spread then read back, or not
        factors = _ints(draw, ndim, 1, 2)
        func = draw(st.sampled_from(["downsample", "upsample"]))
        return f"{func}({x[0]}, {factors})", draw(st.sampled_from([
            f"{func}({x[1]}, {factors})",
            f"downsample(upsample({func}({x[1]}, {factors}), {factors}), {factors})",
            f"upsample(downsample({func}({x[1]}, {factors}), {factors}), {factors})"]))
    if form == "zeropad":  # sizes below the box do not fit: an error on both paths
        sizes = _ints(draw, ndim, 1, MAX_SIDE[ndim] + 2)
        return f"zeropad({x[0]}, {sizes})", f"zeropad({x[1]}, {sizes})"
    if form == "circular":
        y = sub()
        func = draw(st.sampled_from(["circconv", "circcorr"]))
        period = "" if draw(st.booleans()) else ", " + _ints(draw, ndim, 1, MAX_SIDE[ndim] + 1)
        left = f"{func}({x[0]}, {y[0]}{period})"
        if func == "circconv" and draw(st.booleans()):
            return left, f"circconv({y[1]}, {x[1]}{period})"
        if func == "circcorr" and draw(st.booleans()):
            return left, f"circconv(flip({x[1]}), {y[1]}{period})"
        return left, f"{func}({x[1]}, {y[1]}{period})"
    if form == "fourier":
        func = draw(st.sampled_from(["dft", "idft"]))
        sizes = "" if draw(st.booleans()) else ", " + _ints(draw, ndim, 1, MAX_SIDE[ndim] + 1)
        return f"{func}({x[0]}{sizes})", f"{func}({x[1]}{sizes})"
    if form == "conj":
        return f"conj({x[0]})", f"conj({x[1]})"
    if form in ("hadamard", "*"):
        y = sub()
        return f"hadamard({x[0]}, {y[0]})", draw(st.sampled_from(
            [f"({y[1]} * {x[1]})", f"hadamard({x[1]}, {y[1]})"]))
    if form == "+":
        y = sub()
        return f"({x[0]} + {y[0]})", draw(st.sampled_from([f"({y[1]} + {x[1]})",
                                                            f"({x[1]} - -{y[1]})"]))
    if form == "-":
        y = sub()
        return f"({x[0]} - {y[0]})", f"(-{y[1]} + {x[1]})"
    if form == "neg":
        return f"-{x[0]}", f"(-1 * {x[1]})"
    if form == "scale":
        s = draw(scalar_pairs(names, ndim, depth - 1))
        return f"({s[0]} * {x[0]})", f"({x[1]} * {s[1]})"
    if form == "/":
        divisor = draw(st.sampled_from([d for d, w in zip(DIVISORS, DIVISOR_WEIGHTS, strict=True)
                                        for _ in range(w)]))
        return f"({x[0]} / {divisor})", f"({x[1]} / {divisor})"
    if form == "@":
        y = sub()
        return f"({x[0]} @ {y[0]})", draw(st.sampled_from(
            [f"({x[1]} @ {y[1]})", f"transpose(transpose({y[1]}) @ transpose({x[1]}))"]))
    if form == "rewrite":  # the same function, written another way
        offsets = [draw(st.integers(-2, 2)) for _ in range(ndim)]
        forward, back = ", ".join(map(str, offsets)), ", ".join(str(-v) for v in offsets)
        return x[0], draw(st.sampled_from([
            f"flip(flip({x[1]}))", f"transpose(transpose({x[1]}))", f"conj(conj({x[1]}))",
            f"shift(shift({x[1]}, {forward}), {back})", f"-(-{x[1]})",
            # origins beyond int64 on the way: Python ints, never an int64 that wraps
            f"shift(shift({x[1]}, {', '.join(['9223372036854775808'] * ndim)}), "
            f"{', '.join(['-9223372036854775808'] * ndim)})",
            f"(({x[1]} * 2) / 2)", f"(({x[1]} + {x[1]}) * 0.5)", f"({x[1]} + 0 * {x[1]})",
            f"idft(dft({x[1]}))",  # equal only where the box starts at 0
        ]))
    # a near miss
    return x[0], draw(st.sampled_from([
        f"shift({x[1]}, {_ints(draw, ndim, 0, 1)})", f"flip({x[1]})", f"conj({x[1]})",
        f"transpose({x[1]})", f"(2 * {x[1]})", f"dft({x[1]})",
        f"zeropad({x[1]}, {_ints(draw, ndim, MAX_SIDE[ndim], MAX_SIDE[ndim] + 2)})",
    ]))


@st.composite
def scalar_pairs(draw: st.DrawFn, names: tuple[str, ...], ndim: int, depth: int) -> tuple[str, str]:
    """As :func:`signal_pairs` for scalars: constants (real and imaginary), sum, frobenius,
    trace, the size functions and their arithmetic."""
    forms = ["sum", "frobenius", "constant", "size"] + (["trace"] if ndim == 2 else [])
    if depth > 0:
        forms += ["+", "*", "-", "/"]
    form = draw(st.sampled_from(forms))
    if form == "constant":
        c = draw(st.sampled_from(SCALAR_CONSTANTS))
        return c, c
    if form == "size":  # len, size, numel: numbers read from a value's box
        x = draw(signal_pairs(names, ndim, max(depth - 1, 0)))
        axis = draw(st.integers(0, ndim - 1))
        left = draw(st.sampled_from([f"numel({x[0]})", f"size({x[0]}, {axis})"]
                                    + ([f"len({x[0]})"] if ndim == 1 else [])))
        return left, f"numel(flip({x[1]}))" if left.startswith("numel") else \
            f"size(flip({x[1]}), {axis})"
    if form in ("sum", "trace"):
        x = draw(signal_pairs(names, ndim, max(depth - 1, 0)))
        if form == "trace":
            return f"trace({x[0]})", f"trace(transpose({x[1]}))"
        return f"sum({x[0]})", draw(st.sampled_from([f"sum({x[1]})", f"sum(flip({x[1]}))"]))
    if form == "frobenius":
        x = draw(signal_pairs(names, ndim, max(depth - 1, 0)))
        y = draw(signal_pairs(names, ndim, max(depth - 1, 0)))
        return f"frobenius({x[0]}, {y[0]})", draw(st.sampled_from(
            [f"frobenius({y[1]}, {x[1]})", f"sum({x[1]} * {y[1]})"]))
    s = draw(scalar_pairs(names, ndim, depth - 1))
    if form == "/":
        divisor = draw(st.sampled_from(DIVISORS[:6]))
        return f"({s[0]} / {divisor})", f"({s[1]} / {divisor})"
    t = draw(scalar_pairs(names, ndim, depth - 1))
    if form == "-":
        return f"({s[0]} - {t[0]})", f"(-{t[1]} + {s[1]})"
    return f"({s[0]} {form} {t[0]})", f"({t[1]} {form} {s[1]})"


@st.composite
def dsl_claims(draw: st.DrawFn, max_depth: int = 4, big: bool = False,
               max_degree: int = 4) -> tuple[str, dict[str, object]]:
    """A well-typed statement and its ``signals`` table: 1D, 2D and some 3D signals,
    about half of the pairs written to be equal and half unrelated or near misses
    (``big``: literal entries near the int64 range, see :func:`signal_declarations`).

    Entries are polynomials of degree at most ``max_degree``: nested products beyond that
    have too many terms for the Polynomial path (seconds to minutes per statement)."""
    ndim = draw(st.sampled_from([1, 1, 1, 2, 2, 2, 3]))
    names = ("a", "b", "c")[: draw(st.integers(1, 3))]
    signals = {name: draw(signal_declarations(ndim, big)) for name in names}
    top = max_depth if ndim < 3 else 2
    depth = top - draw(st.integers(0, top - 1))  # shrinks towards the deepest statements
    scalar = draw(st.integers(0, 4)) == 0

    def pair() -> tuple[str, str]:
        if scalar:
            return draw(scalar_pairs(names, ndim, depth))
        return draw(signal_pairs(names, ndim, depth, root=True))

    left, right = pair()
    if draw(st.booleans()):  # unrelated sides
        right = pair()[draw(st.integers(0, 1))]
    op = "!=" if draw(st.integers(0, 9)) == 0 else "=="
    statement = parse_statement(f"{left} {op} {right}")
    assume(max(degree(statement.left, set(names)), degree(statement.right, set(names)))
           <= max_degree)
    used = dsl_names(statement)  # a claim declares only the signals its statement uses
    assume(used)
    return statement.text, {name: value for name, value in signals.items() if name in used}
