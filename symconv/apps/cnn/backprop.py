"""The closed-form gradients of a layer checked against ``sympy.diff`` of the expanded loss."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from sympy.polys.domains import QQ

from symconv.apps.cnn.layers import (
    _per_axis,
    _sum,
    grad_bias,
    grad_input,
    grad_weight,
    layer,
    output_size,
    symbolic_tensor,
)
from symconv.core.algebra import Generator, Polynomial
from symconv.core.ops import normalize_boundary
from symconv.core.signal import parse_shape
from symconv.errors import ShapeError, SizeLimitError
from symconv.prove.verdict import exact_check_verdict

# check_backprop differentiates a loss of T terms by each of V variables with sympy.diff:
# the work grows like V * T (about 60 microseconds per unit); this keeps a check under ~15 s.
MAX_BACKPROP_WORK = 200_000

# --- backprop checked by sympy.diff -----------------------------------------------------------


@dataclass
class GradientCheck:
    """sympy.diff of the expanded loss against the closed forms, compared canonically."""

    settings: dict[str, Any]
    checked: dict[str, int]  # gradient name -> entries compared
    mismatches: list[str]
    seconds: float

    @property
    def holds(self) -> bool:
        return not self.mismatches

    def summary(self) -> str:
        verdict = exact_check_verdict(self.holds).value
        counts = ", ".join(f"{k}: {n} entries" for k, n in self.checked.items())
        lines = [f"{verdict} backprop closed forms ({counts}) for {self.settings} "
                 f"in {self.seconds:.2f} s"]
        lines.extend(self.mismatches[:5])
        return "\n".join(lines)

    def _latex(self, printer: Any = None) -> str:
        verdict = exact_check_verdict(self.holds).value
        return (r"\frac{\partial L}{\partial x} = \text{conv\_transpose}"
                r"\left(\frac{\partial L}{\partial y}, W\right),\ "
                r"\frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} \circ x"
                rf"\quad\text{{({verdict})}}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


class _DisplaySymbols:
    """Plain SymPy symbols for generators: sympy.diff by an ``Indexed`` entry is far slower."""

    def __init__(self) -> None:
        self.symbol: dict[Generator, sympy.Symbol] = {}
        self.generator: dict[sympy.Symbol, Generator] = {}

    def __call__(self, gen: Generator) -> sympy.Symbol:
        if gen not in self.symbol:
            index = ",".join(map(str, gen.index))
            sym = sympy.Symbol(f"{gen.name}[{index}]")  # no assumptions: faster diff
            self.symbol[gen], self.generator[sym] = sym, gen
        return self.symbol[gen]

    def expr(self, p: Any) -> sympy.Expr:
        """Display form of a Polynomial entry."""
        return p.as_expr(self)

    def polynomial(self, expr: sympy.Expr) -> Polynomial:
        """Canonical form of a polynomial expression in these symbols."""
        symbols = sorted(expr.free_symbols, key=str)
        if not symbols:
            return Polynomial.from_number(Fraction(str(sympy.Rational(expr))))
        terms = {}
        for exponents, coeff in sympy.Poly(expr, *symbols, domain=QQ).terms():
            mono = tuple(sorted(g for sym, e in zip(symbols, exponents, strict=True)
                                for g in [self.generator[sym]] * e))
            terms[mono] = QQ.convert(coeff)
        return Polynomial(terms, QQ)


def _gradient_by_diff(loss: sympy.Expr, entries: np.ndarray, names: _DisplaySymbols
                      ) -> np.ndarray:
    """sympy.diff of ``loss`` by each symbolic entry, converted back to canonical form."""
    # Summands free of a variable differentiate to 0: skip them (sympy.diff is slow).
    summands = [(term, term.free_symbols) for term in sympy.Add.make_args(loss)]
    out = np.empty(entries.shape, dtype=object)
    for pos, entry in np.ndenumerate(entries):
        (gen,) = entry.generators()
        var = names(gen)
        relevant = sympy.Add(*(term for term, free in summands if var in free))
        out[pos] = names.polynomial(sympy.diff(relevant, var))
    return out


def _compare(name: str, by_diff: np.ndarray, closed: np.ndarray, mismatches: list[str]) -> int:
    if by_diff.shape != closed.shape:
        mismatches.append(f"{name}: shape {closed.shape} of the closed form, {by_diff.shape} "
                          "by differentiation")
        return 0
    for pos, value in np.ndenumerate(by_diff):
        expected: Any = closed[pos]
        if value != expected:
            mismatches.append(f"{name}{list(pos)}: sympy.diff gives {value.as_expr()}, the "
                              f"closed form {expected.as_expr()}")
    return int(by_diff.size)


def check_backprop(in_channels: int = 1, out_channels: int = 1, input_size: Sequence[int] = (4, 4),
                   kernel: Sequence[int] = (2, 2), *, stride: int | Sequence[int] = 1,
                   padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1,
                   groups: int = 1, boundary: str = "zero", op: str = "corr") -> GradientCheck:
    """Differentiate L = sum_{o,q} g[o,q] y[o,q] (g = dL/dy, any loss) with sympy.diff.

    The layer is linear in x, W and b, so this L covers every scalar loss by
    the chain rule.  The input gradient's closed form is checked for zero
    padding (other boundaries fold the padding back; only dW and db are checked).
    """
    start = time.perf_counter()
    if groups < 1 or in_channels % groups or out_channels % groups:
        raise ShapeError(f"groups {groups} does not divide {in_channels} input and "
                         f"{out_channels} output channels")
    _check_backprop_work(in_channels, out_channels, input_size, kernel, stride, padding,
                         dilation, groups)
    x = symbolic_tensor("x", (in_channels, *input_size))
    W = symbolic_tensor("W", (out_channels, in_channels // groups, *kernel))
    b = symbolic_tensor("b", (out_channels,))
    kwargs: dict[str, Any] = {"stride": stride, "padding": padding, "dilation": dilation,
                              "groups": groups}
    y = layer(x, W, b, boundary=boundary, op=op, **kwargs)
    g = symbolic_tensor("g", y.shape)
    names = _DisplaySymbols()
    loss = sympy.Add(*(names.expr(g[pos]) * names.expr(y[pos]) for pos in np.ndindex(*y.shape)))
    mismatches: list[str] = []
    checked = {
        "dL/dW": _compare("dL/dW", _gradient_by_diff(loss, W, names),
                          grad_weight(x, g, W.shape, boundary=boundary, op=op, **kwargs),
                          mismatches),
        "dL/db": _compare("dL/db", _gradient_by_diff(loss, b, names), grad_bias(g), mismatches),
    }
    if normalize_boundary(boundary) == "zero":
        checked["dL/dx"] = _compare("dL/dx", _gradient_by_diff(loss, x, names),
                                    grad_input(g, W, x.shape, op=op, **kwargs), mismatches)
    settings = {"channels": (in_channels, out_channels), "input": tuple(input_size),
                "kernel": tuple(kernel), "boundary": boundary, "op": op, **kwargs}
    return GradientCheck(settings, checked, mismatches, time.perf_counter() - start)


def _check_backprop_work(in_channels: int, out_channels: int, input_size: Sequence[int],
                         kernel: Sequence[int], stride: int | Sequence[int],
                         padding: int | Sequence[int], dilation: int | Sequence[int],
                         groups: int) -> None:
    """Refuse, before building anything, a check that sympy.diff would take minutes over."""
    input_size = parse_shape(input_size, "input size")
    kernel = parse_shape(kernel, "kernel")
    nd = len(kernel)
    if len(input_size) != nd:
        raise ShapeError(f"input size {input_size} and kernel {kernel} have different dimensions")
    s, p = _per_axis(stride, nd, "stride", 1), _per_axis(padding, nd, "padding", 0)
    d = _per_axis(dilation, nd, "dilation", 1)
    outputs = out_channels * math.prod(
        max(output_size(i, k, si, pi, di), 0)
        for i, k, si, pi, di in zip(input_size, kernel, s, p, d, strict=True))
    per_group = in_channels // groups
    terms = outputs * (per_group * math.prod(kernel) + 1)
    variables = (in_channels * math.prod(input_size)
                 + out_channels * per_group * math.prod(kernel) + out_channels)
    if terms * variables > MAX_BACKPROP_WORK:
        raise SizeLimitError(
            f"a backprop check of {in_channels}x{out_channels} channels, input {input_size} and "
            f"kernel {kernel} differentiates {terms} loss terms by {variables} variables; the "
            f"limit is {MAX_BACKPROP_WORK} terms x variables (try a smaller --input or --kernel)")


def inner(a: np.ndarray, b: np.ndarray) -> Polynomial:
    """<a, b> = sum of a * b over all entries (exact): the loss term of a gradient check."""
    total: Polynomial = _sum((a * b).flat)
    return total
