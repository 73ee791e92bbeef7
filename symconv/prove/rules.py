"""The rules of the general tier: each rewrites an expression and checks its own conditions.

A derivation may only use these rules; each is a function ``rule(before,
**params) -> after`` that raises :class:`RuleError` when its side conditions
fail, so a derivation can be replayed and re-checked step by step
(:data:`RULES`).

- ``unfold``: replace the operations of a statement side by their definitions
  on Z^d, or on Z_n^d for circular statements: each call by its record's meaning
  (:mod:`symconv.lang.operations`, one interpreter, :func:`_interpret`), crops and the
  trace by rules of their own, + - * / here;
- ``linearity``: pull constants and sums out of products, split sums over +
  and multiply powers of ω by adding exponents, giving the flat
  :class:`~symconv.prove.sums.LinearForm`; every sum must be finite (see
  :func:`is_finite`);
- ``reindex``: a substitution ``u = c·v + rest`` of one summation variable with
  c = ±1 and ``rest`` free of v, a bijection of Z^d and of Z_n^d with inverse
  ``v = c·(u − rest)`` (on Z_n^d the summand is n-periodic: signals are read
  mod n and ω^n = 1);
- ``exchange``: reorder the summation variables of a finite multiple sum;
- ``rename``: rename bound variables (injectively, without capture);
- ``order``: commute factors, collect like terms and sort the terms (a box indicator in its
  one spelling, :func:`indicator_atom`);
- ``idempotence``: a box indicator repeated at one index counts once (a crop reached twice);
- ``absorb``: on Z^d, a box indicator whose faces the box of a signal factor implies is 1
  wherever that factor is not 0 (a crop of what is zero off the box anyway);
- ``fix``: on Z^d, an indicator [c·v + r = 0] (the entries of a concrete signal) with
  c = ±1 fixes the summation variable v = −c·r;
- ``permute``: on Z^d, v = σ(v) for a signed permutation σ of the axes, in a term whose
  atoms use v alone (±v plus a constant): it changes only those atoms' axes;
  ``permute_sums``: the same σ on every summation variable of a term free of x;
- ``at_point``: on Z^d, an indicator [±x + k = 0] on the free point fixes x in the other
  factors of its term (the indicator kept).

>>> from symconv.lang.dsl import parse_statement
>>> side = DslSide(parse_statement("conv(F, I) == conv(I, F)").left, signal=True)
>>> unfold(side).text()
'Σ_{i∈Z^d} F(i)·I(x − i)'
>>> reindex(linearity(unfold(side)), monomial=0, var="i", new_var="k",
...         image=Index.var("x") - Index.var("i")).text()
'Σ_{k∈Z^d} F(x − k)·I(k)'
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from typing import Any

from symconv.core.ops import (
    BOUNDARIES,
    BOUNDARY_ALIASES,
    MODES,
    flipped_box,
    shifted_box,
    sliding_box,
    upsampled_box,
)
from symconv.errors import SymconvError
from symconv.lang.dsl import (
    SIZE_FUNCTIONS,
    BinOp,
    Call,
    Imag,
    Name,
    Neg,
    Node,
    Number,
    Str,
    commuted,
    integer_value,
    is_scalar,
    walk,
)
from symconv.lang.operations import (
    CIRCULAR,
    OPERATIONS,
    Definition,
    Ints,
    Meaning,
    Multilinear,
    Read,
    Structural,
    Unsupported,
    dispatch_table,
)
from symconv.prove.sums import (
    FREE_VARIABLE,
    Add,
    Atom,
    Const,
    Delta,
    Expression,
    Index,
    Kronecker,
    LinearForm,
    Monomial,
    Numel,
    Phase,
    Prod,
    Scale,
    Sigma,
    Term,
)

# Summation variables are named from this list in order, then i1, j1, ...
VARIABLE_NAMES = ("i", "j", "k", "l", "m", "p", "q", "r", "s", "t")


class RuleError(SymconvError):
    """A rule's side condition fails (e.g. a substitution that is not a bijection)."""


class NotApplicableError(RuleError):
    """The statement uses something the general tier has no definition for."""


def fresh_names(used: set[str]) -> Iterator[str]:
    """Variable names not in ``used`` (and never the free variable), in a fixed order."""
    for suffix in itertools.count():
        for base in VARIABLE_NAMES:
            name = base if suffix == 0 else f"{base}{suffix}"
            if name not in used and name != FREE_VARIABLE:
                yield name


# --- statement sides -----------------------------------------------------------

@dataclass(frozen=True)
class DslSide:
    """One side of a statement as written: a signal evaluated at x, or a scalar."""

    node: Node
    signal: bool
    torus: bool = False
    real: frozenset[str] = frozenset()  # signals with real values (conj leaves them alone)
    ndim: int = 0  # the signals' number of axes (one-axis flips and transpose need it)
    # each signal's box per axis: (origin, size), affine in the size symbols (see
    # :func:`box_of`); empty: modes other than full and boundaries other than zero refused
    boxes: SignalBoxes = ()
    # on Z_N^d with N the zeropad length: zeropad(a, N) and conv/corr read modulo N
    padded: bool = False
    # signals with concrete entries, unfolded into the sum of their non-zero entries:
    # (name, ((coordinate, value), ...)) in the order of the coordinates
    literals: tuple[tuple[str, tuple[tuple[tuple[int, ...], Fraction], ...]], ...] = ()
    # expressions proved equal (a lemma) on one box: (the text of Y, X), E(Y) read as E(X)
    aliases: tuple[tuple[str, Node], ...] = ()
    # on Z_N^d: the claim's integers read as numbers, each the period N of one axis: (name, axis)
    numbers: tuple[tuple[str, int], ...] = ()

    def text(self) -> str:
        body = dsl_text(self.node)
        if not self.signal:
            return body
        return f"{body}({FREE_VARIABLE})" if isinstance(self.node, Name | Call) else \
            f"({body})({FREE_VARIABLE})"

    def latex(self) -> str:
        body = dsl_latex(self.node)
        if not self.signal:
            return body
        return rf"{body}({FREE_VARIABLE})" if isinstance(self.node, Name | Call) else \
            rf"\left({body}\right)({FREE_VARIABLE})"


def dsl_text(node: Node) -> str:
    """A statement side written back as text."""
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Number):
        return str(node.value)
    if isinstance(node, Str):
        return repr(node.value)
    if isinstance(node, Neg):
        inner = dsl_text(node.operand)
        return f"-({inner})" if _needs_brackets(node.operand, None, True) else f"-{inner}"
    if isinstance(node, BinOp):
        left, right = dsl_text(node.left), dsl_text(node.right)
        left = f"({left})" if _needs_brackets(node.left, node, False) else left
        right = f"({right})" if _needs_brackets(node.right, node, True) else right
        return f"{left} {node.op} {right}"
    if isinstance(node, Call):
        args = [dsl_text(a) for a in node.args] + [f"{k}={dsl_text(v)}" for k, v in node.kwargs]
        return f"{node.func}({', '.join(args)})"
    return f"{node.value}j"


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2}


def _needs_brackets(node: Node, parent: BinOp | None, right: bool) -> bool:
    """Whether an operand needs brackets under ``parent`` (None: under unary minus)."""
    if not isinstance(node, BinOp):
        return False
    if parent is None:
        return True
    inner, outer = _PRECEDENCE[node.op], _PRECEDENCE[parent.op]
    return inner < outer or (right and inner == outer and parent.op in "-/")


def dsl_latex(node: Node) -> str:
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Number):
        return Const(node.value).latex()
    if isinstance(node, Neg):
        inner = dsl_latex(node.operand)
        return rf"-\left({inner}\right)" if _needs_brackets(node.operand, None, True) \
            else f"-{inner}"
    if isinstance(node, BinOp):
        if node.op == "/":
            return rf"\frac{{{dsl_latex(node.left)}}}{{{dsl_latex(node.right)}}}"
        op = {"*": r"\cdot", "@": r"\mathbin{@}"}.get(node.op, node.op)
        left, right = dsl_latex(node.left), dsl_latex(node.right)
        left = rf"\left({left}\right)" if _needs_brackets(node.left, node, False) else left
        right = rf"\left({right}\right)" if _needs_brackets(node.right, node, True) else right
        return f"{left} {op} {right}"
    if isinstance(node, Call):
        args = [dsl_latex(a) for a in node.args if not isinstance(a, Str)]
        # a mode or boundary as a subscript: conv_{same, reflect}(F, I)
        options = ", ".join(v.value for _, v in node.kwargs if isinstance(v, Str))
        sub = rf"_{{\text{{{options}}}}}" if options else ""
        return rf"\operatorname{{{node.func}}}{sub}({', '.join(args)})"
    return rf"\text{{{dsl_text(node)}}}"


# --- unfold ----------------------------------------------------------------------

# The general tier's definitions (text and LaTeX), read from the registry of operations.
DEFINITIONS = {name: op.general.text for name, op in OPERATIONS.items()
               if isinstance(op.general, Definition)}
DEFINITIONS_LATEX = {name: op.general.latex for name, op in OPERATIONS.items()
                     if isinstance(op.general, Definition)}
# the unfold note of a signal with concrete entries
LITERAL_DEFINITION = "a signal with concrete entries v_c is Σ_c v_c·[p − c = 0]"
LITERAL_DEFINITION_LATEX = r"a signal with concrete entries $v_c$ is $\sum_c v_c\,[p - c = 0]$"


def torus_meaning(func: str, padded: bool = False) -> Meaning:
    """The record's meaning of ``func`` on Z_n^d (``padded``: on Z_N^d read modulo the
    zeropad length N)."""
    general = OPERATIONS[func].general
    if not isinstance(general, Definition):
        return general
    return general.on_padded_torus if padded else general.on_torus


def integer_arguments(node: Call) -> tuple[Node, ...]:
    """The integer arguments of a call: those after its signals, and an axis= keyword."""
    op = OPERATIONS[node.func]
    axis = tuple(v for _, v in node.kwargs) if op.ints is Ints.AXIS else ()
    return node.args[op.signals:] + axis


def _torus_call(node: Call, ndim: int | None, padded: bool) -> Multilinear | None:
    """The meaning of a call on Z_n^d when the call is in its fragment (no keywords, integer
    arguments only where the meaning reads them, the number of axes it needs), else None."""
    meaning = torus_meaning(node.func, padded)
    # a period that names the sizes is Z_n^d's own (on Z_N^d the sizes are not N)
    own_period = not padded and names_the_period(node)
    if not isinstance(meaning, Multilinear) or node.kwargs or \
            (integer_arguments(node) and not meaning.takes_ints and not own_period) or \
            (ndim is not None and meaning.ndim is not None and ndim != meaning.ndim):
        return None
    return meaning


def names_the_period(node: Call) -> bool:
    """Whether a circconv/circcorr period (a periodize's sizes) is the sizes of Z_n^d in axis
    order: ``circconv(a, b, size(a, 0), size(a, 1))`` or ``periodize(a, len(a))`` (signals
    of one shape n read mod n: every size(s, axis) is n_axis)."""
    periods = node.args[OPERATIONS[node.func].signals:]
    # axis k of a transposed argument is periodic in n_frame[k]: size(a, frame[k])
    frame = torus_frame(node.args[0], len(periods)) or ()
    return node.func in ("circconv", "circcorr", "periodize") and len(frame) == len(periods) > 0 and all(
        isinstance(a, Call) and isinstance(a.args[0], Name) and (
            (a.func == "size" and len(a.args) == 2 and integer_value(a.args[1]) == frame[axis])
            or (a.func == "len" and len(periods) == 1)) for axis, a in enumerate(periods))


def on_torus(node: Node, ndim: int, padded: bool = False) -> bool:
    """Whether a side can be unfolded on Z_n^d (signals read mod n, sums over Z_n^d): names,
    numbers, + - *, / by a number or a size function, and the calls whose record has a
    meaning on Z_n^d (:func:`torus_meaning`) with their arguments (``padded``: on Z_N^d
    read modulo the zeropad length).  Whether that is the statement's meaning at the
    declared sizes is checked separately, from the boxes of :mod:`symconv.core.ops`."""
    if isinstance(node, Name | Number):
        return True
    if isinstance(node, Neg):
        return on_torus(node.operand, ndim, padded)
    if isinstance(node, BinOp):
        if node.op == "/":
            return ((isinstance(node.right, Number) and node.right.value != 0)
                    or (padded and all(isinstance(n, Name) or (isinstance(n, BinOp) and n.op == "*")
                                       for n in walk(node.right)))  # the claim's integers: N, N * N
                    or (isinstance(node.right, Call) and node.right.func in SIZE_FUNCTIONS
                        and on_torus(node.right, ndim, padded))) and on_torus(node.left, ndim, padded)
        return node.op in "+-*" and on_torus(node.left, ndim, padded) and \
            on_torus(node.right, ndim, padded)
    if isinstance(node, Call):
        meaning = _torus_call(node, ndim, padded)
        return meaning is not None and all(on_torus(node.args[read.arg], ndim, padded)
                                           for read in meaning.reads)
    return False


def on_padded_torus(node: Node, ndim: int) -> bool:
    """:func:`on_torus` on Z_N^d, N the zeropad length: zeropad (its lengths the period N)
    and conv/corr in full mode read modulo N; size functions only in zeropad lengths
    (elsewhere they would not be N)."""
    return on_torus(node, ndim, padded=True)


def mentions_torus(node: Node) -> bool:
    """Whether a side uses a circular operation or a size function (then a statement whose
    sides are both :func:`on_torus` is read on Z_n^d)."""
    if isinstance(node, Call):
        return node.func in CIRCULAR | SIZE_FUNCTIONS or any(mentions_torus(a) for a in node.args)
    if isinstance(node, BinOp):
        return mentions_torus(node.left) or mentions_torus(node.right)
    if isinstance(node, Neg):
        return mentions_torus(node.operand)
    return False


@dataclass
class _UnfoldContext:
    names: Iterator[str]  # fresh summation variables
    real: frozenset[str]  # signals whose values are real: conj leaves them alone
    ndim: int = 0
    boxes: Mapping[str, tuple[tuple[SizeForm, SizeForm], ...]] = field(default_factory=dict)
    padded: bool = False
    literals: Mapping[str, tuple[tuple[tuple[int, ...], Fraction], ...]] = field(default_factory=dict)
    # For the certificate, on Z^d: each summation variable v, axis by axis, as ±(a variable
    # of the checker's expansion, which numbers them v0, v1, ... as they are created):
    # v_b = sign·name.  ``count`` is how many the checker has created so far.
    correspondence: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    count: int = 0
    # inside the image of a crop with a boundary: the signal is read through its extension
    # S⟨extension⟩ (flips, shifts and transposes on the way commute with every extension)
    extension: str = ""
    # On Z_n^d: the period of each axis of every variable of the side (the axis of n it is
    # read modulo), the side's frame (:func:`torus_frame`); a transpose moves the periods
    frame: tuple[int, ...] = ()
    aliases: Mapping[str, Node] = field(default_factory=dict)  # see DslSide.aliases
    numbers: Mapping[str, int] = field(default_factory=dict)  # see DslSide.numbers

    def created(self, var: str, axes: tuple[int, ...], labels: tuple[int, ...] = ()) -> None:
        """The checker creates one vector variable k = σ(var) (σ = ``axes``) where unfold
        creates ``var``: var_|σ_a| = sign(σ_a)·k_a.  On Z_n^d the checker names k's axis a
        by its period, ``labels[a]``, instead of by a."""
        sigma = axes or tuple(range(1, self.ndim + 1))
        entries: list[tuple[int, str]] = [(1, "")] * len(sigma)
        for a, t in enumerate(sigma):
            entries[abs(t) - 1] = (1 if t > 0 else -1, f"v{self.count}.{labels[a] if labels else a}")
        self.correspondence[var] = entries
        self.count += 1


def conjugate(term: Term, real: frozenset[str]) -> Term:
    """The complex conjugate: signals other than ``real`` ones get a ``*``, ω^e becomes
    ω^(−e); rational constants are their own conjugates."""
    if isinstance(term, Atom):
        # a box indicator is real; an extension of a real signal is real
        keep = term.signal in real or is_indicator(term.signal) or \
            extended_signal(term.signal) in real
        return term if keep else replace(term, signal=conjugate_name(term.signal))
    if isinstance(term, Phase):
        return Phase(tuple((k, -c) for k, c in term.quadratic),
                     tuple((u, tuple(-x for x in w)) for u, w in term.linear),
                     tuple(-x for x in term.constant))
    if isinstance(term, Prod):
        return Prod(tuple(conjugate(f, real) for f in term.factors))
    if isinstance(term, Add):
        return Add(tuple(conjugate(t, real) for t in term.terms))
    if isinstance(term, Scale):
        return Scale(term.coef, conjugate(term.term, real))
    if isinstance(term, Sigma):
        return replace(term, body=conjugate(term.body, real))
    return term


def conjugate_name(signal: str) -> str:
    """``f*`` for ``f`` and ``f`` for ``f*``."""
    return signal[:-1] if signal.endswith("*") else f"{signal}*"


def unfold(side: DslSide) -> Term:
    """The side with every operation replaced by its definition on Z^d (or Z_n^d)."""
    return _unfold_side(side)[0]


def unfold_correspondence(side: DslSide) -> dict[str, list[tuple[int, str]]]:
    """For a side on Z^d: each summation variable :func:`unfold` creates, axis by axis, as
    ±(a variable of the independent checker's expansion of the same side)."""
    return _unfold_side(side)[1].correspondence


# The sides already unfolded during one claim's run (:func:`shared_unfolds`): the proof and
# its certificate both read a side's unfold (its term, and its correspondence).
_UNFOLDS_OF_THIS_RUN: ContextVar[dict[DslSide, tuple[Term, _UnfoldContext]] | None] \
    = ContextVar("unfolds_of_this_run", default=None)


@contextmanager
def shared_unfolds() -> Iterator[None]:
    """Within this block, each distinct side is unfolded once (the memo is dropped when the
    block ends)."""
    token = _UNFOLDS_OF_THIS_RUN.set({})
    try:
        yield
    finally:
        _UNFOLDS_OF_THIS_RUN.reset(token)


def _unfold_side(side: DslSide) -> tuple[Term, _UnfoldContext]:
    known = _UNFOLDS_OF_THIS_RUN.get()
    if known is None:
        return _unfolded_side(side)
    found = known.get(side)
    if found is None:
        found = known[side] = _unfolded_side(side)
    return found  # a Term is frozen; callers only read the context's correspondence


def _unfolded_side(side: DslSide) -> tuple[Term, _UnfoldContext]:
    point = Index.var(FREE_VARIABLE) if side.signal else None
    ctx = _UnfoldContext(fresh_names(set()), side.real, side.ndim, dict(side.boxes), side.padded,
                         dict(side.literals), aliases=dict(side.aliases), numbers=dict(side.numbers))
    if side.torus:
        ctx.frame = side_frame(side)
        return _unfold_torus(side.node, point, ctx), ctx
    return _unfold(side.node, point, ctx), ctx


def torus_frame(node: Node, ndim: int) -> tuple[int, ...] | None:
    """On Z_n^d (n the signals' common shape, axes from 0): the axis of n that each axis of
    ``node``'s value is periodic in, None for a number.  transpose reverses it (its value on
    Z_n1 × Z_n2 lives on Z_n2 × Z_n1); every other operation keeps its argument's (operands
    with different frames are refused by the box conditions)."""
    if isinstance(node, Name):
        return tuple(range(ndim))
    if isinstance(node, Neg):
        return torus_frame(node.operand, ndim)
    if isinstance(node, BinOp):
        return torus_frame(node.left, ndim) or torus_frame(node.right, ndim)
    if isinstance(node, Call) and not OPERATIONS[node.func].scalar and node.args:
        inner = torus_frame(node.args[0], ndim)
        return inner[::-1] if inner is not None and node.func == "transpose" else inner
    return None


def side_frame(side: DslSide) -> tuple[int, ...]:
    """The frame every variable of a side on Z_n^d lives in: the value's for a signal side
    (the free point's periods), else the signals' own (sums are re-indexed into it)."""
    identity = tuple(range(side.ndim))
    return (torus_frame(side.node, side.ndim) or identity) if side.signal else identity


def _into_frame(frame: tuple[int, ...], inner: tuple[int, ...] | None) -> Axes:
    """τ with a(τ(k)) for k in ``frame`` reading a value whose axis a has period
    ``inner[a]``: τ_a = 1 + the axis of ``frame`` with that period (() the identity)."""
    if inner is None or not frame or inner == frame:
        return ()
    return tuple(frame.index(label) + 1 for label in inner)


def _unfold_torus(node: Node, point: Index | None, ctx: _UnfoldContext, axes: Axes = ()) -> Term:
    """Unfold on Z_n^d at σ(point) (σ = ``axes``: transposes and one-axis flips, each axis
    read modulo its own period): periodization commutes with flip, shift, transpose and
    linear combinations, and the output of a circular operation is its own periodization
    (``point`` None: a scalar)."""
    if is_scalar(node, ctx.numbers):
        return _unfold_torus_scalar(node, ctx)
    if point is None:
        raise NotApplicableError(f"{dsl_text(node)} is a signal used where a number is expected")
    if isinstance(node, Name) and node.id in ctx.literals:
        # read mod n, concrete entries v_c are Σ_c v_c·[p − σ⁻¹(c) ≡ 0] (the entries mod n)
        where = Atom(node.id, point, axes)
        terms = tuple(Delta(point - Index.constant(where.preimage(coord))) if value == 1 else
                      Scale(value, Delta(point - Index.constant(where.preimage(coord))))
                      for coord, value in ctx.literals[node.id])
        return terms[0] if len(terms) == 1 else Add(terms)
    if isinstance(node, Name):
        if axes and axes[0] < 0:  # a∘σ(p) = a∘(−σ)(−p): one spelling, σ's first entry > 0
            axes, point = tuple(-t for t in axes), -point
        return Atom(node.id, point, () if axes == tuple(range(1, ctx.ndim + 1)) else axes)
    if isinstance(node, Neg):
        return Scale(Fraction(-1), _unfold_torus(node.operand, point, ctx, axes))
    if isinstance(node, BinOp) and node.op in "+-":
        left = _unfold_torus(node.left, point, ctx, axes)
        right = _unfold_torus(node.right, point, ctx, axes)
        return Add((left, right if node.op == "+" else Scale(Fraction(-1), right)))
    if isinstance(node, BinOp) and node.op == "*" and isinstance(node.left, Number):
        return Scale(node.left.value, _unfold_torus(node.right, point, ctx, axes))
    if isinstance(node, BinOp) and node.op == "*" and isinstance(node.right, Number):
        return Scale(node.right.value, _unfold_torus(node.left, point, ctx, axes))
    if isinstance(node, BinOp) and node.op == "/" and isinstance(node.right, Number) \
            and node.right.value != 0:
        return Scale(1 / node.right.value, _unfold_torus(node.left, point, ctx, axes))
    if isinstance(node, BinOp) and node.op == "/" and isinstance(node.right, Call) \
            and node.right.func in SIZE_FUNCTIONS:
        return Prod((_unfold_torus(node.left, point, ctx, axes), _reciprocal(node.right, ctx)))
    if isinstance(node, BinOp) and node.op == "/" and \
            (inverse := _period_number(node.right, ctx, -1)) is not None:  # over N (N * N)
        return Prod((_unfold_torus(node.left, point, ctx, axes), inverse))
    # a pointwise product of signals (on one box of shape n: checked from the boxes of ops),
    # or a number times a signal
    if isinstance(node, BinOp) and node.op == "*":
        return Prod((_unfold_torus(node.left, point, ctx, axes),
                     _unfold_torus(node.right, point, ctx, axes)))
    if isinstance(node, Call):
        return _unfold_torus_call(node, point, ctx, axes)
    raise NotApplicableError(f"{dsl_text(node)} has no definition on Z_n^d in the general tier")


def _unfold_torus_scalar(node: Node, ctx: _UnfoldContext) -> Term:
    if isinstance(node, Number):
        return Const(node.value)
    if isinstance(node, Name) and (number := _period_number(node, ctx)) is not None:  # N: n_(axis+1)
        return number
    if isinstance(node, Neg):
        return Scale(Fraction(-1), _unfold_torus(node.operand, None, ctx))
    if isinstance(node, BinOp) and node.op in "+-":
        left, right = _unfold_torus(node.left, None, ctx), _unfold_torus(node.right, None, ctx)
        return Add((left, right if node.op == "+" else Scale(Fraction(-1), right)))
    if isinstance(node, BinOp) and node.op == "*":
        return Prod((_unfold_torus(node.left, None, ctx), _unfold_torus(node.right, None, ctx)))
    if isinstance(node, BinOp) and node.op == "/" and isinstance(node.right, Number) \
            and node.right.value != 0:
        return Scale(1 / node.right.value, _unfold_torus(node.left, None, ctx))
    if isinstance(node, BinOp) and node.op == "/" and isinstance(node.right, Call) \
            and node.right.func in SIZE_FUNCTIONS:
        return Prod((_unfold_torus(node.left, None, ctx), _reciprocal(node.right, ctx)))
    if isinstance(node, BinOp) and node.op == "/" and \
            (inverse := _period_number(node.right, ctx, -1)) is not None:
        return Prod((_unfold_torus(node.left, None, ctx), inverse))
    if isinstance(node, Call):
        return _unfold_torus_call(node, None, ctx)
    raise NotApplicableError(f"{dsl_text(node)} has no definition on Z_n^d in the general tier")


def _sizes(node: Call, meaning: Multilinear, ndim: int, sign: int = 1) -> Numel:
    """N^numel, or with ``one_axis`` (size(a, k), d > 1 axes) n_(k+1)^numel."""
    if not meaning.one_axis or ndim < 2:
        return Numel(sign * meaning.numel)
    axis = integer_value(node.args[1]) if len(node.args) == 2 else None
    if axis is None or not -ndim <= axis < ndim:
        raise NotApplicableError(f"{dsl_text(node)} names no axis of Z_n^d")
    # axis k of a transpose has the period of the signals' axis frame[k]
    period = (torus_frame(node.args[0], ndim) or tuple(range(ndim)))[axis % ndim]
    return Numel(0, tuple(sign * meaning.numel * (a == period) for a in range(ndim)))


def _period_number(node: Node, ctx: _UnfoldContext, sign: int = 1) -> Term | None:
    """An integer of the claim that is the period of one axis of Z_N^d, as a number (its
    inverse: ``sign`` −1): N^sign in 1D, else n_(axis+1)^sign; a product of such integers
    (N * N) the product; None for anything else."""
    if isinstance(node, BinOp) and node.op == "*":
        left, right = _period_number(node.left, ctx, sign), _period_number(node.right, ctx, sign)
        return Prod((left, right)) if left is not None and right is not None else None
    if not (isinstance(node, Name) and node.id in ctx.numbers):
        return None
    axis = ctx.numbers[node.id]
    return Numel(sign) if ctx.ndim < 2 else Numel(0, tuple(sign * (a == axis) for a in range(ctx.ndim)))


def _reciprocal(divisor: Call, ctx: _UnfoldContext) -> Term:
    """1 / (a size function) on Z_n^d: its record's meaning there is N^k (n_(k+1)^k for one
    axis), so N^(−k)."""
    meaning = _torus_call(divisor, None, ctx.padded)
    if meaning is None or meaning.reads:
        raise NotApplicableError(f"{dsl_text(divisor)} is not a size on Z_n^d")
    return _sizes(divisor, meaning, ctx.ndim, -1)


def _unfold_torus_call(node: Call, point: Index | None, ctx: _UnfoldContext,
                       axes: Axes = ()) -> Term:
    """A call on Z_n^d by its record's meaning there (the fragment of :func:`on_torus`; the
    number of axes a meaning needs is checked there, from the statement)."""
    meaning = _torus_call(node, None, ctx.padded)
    if meaning is None:
        raise NotApplicableError(f"{dsl_text(node)} has no definition on Z_n^d in the general tier")
    return _interpret(node, meaning, point, ctx, axes, torus=True)


def _interpret(node: Call, meaning: Multilinear, point: Index | None, ctx: _UnfoldContext,
               axes: Axes, torus: bool) -> Term:
    """``node`` at σ(point) (σ = ``axes``) by a :class:`Multilinear` meaning: the product of
    its reads (and phase), summed over a fresh variable, times N^numel, conjugated.

    Under σ a sum's variable is put k = σ(j) (a bijection of Z^d), so that
    conv(a, b)(σ(p)) = Σ_j a(σ(j))·b(σ(p − j)) as σ is linear."""
    op = OPERATIONS[node.func]
    if op.scalar:
        # a number does not depend on the point's axes; on Z_n^d a sum's variable is put
        # into the side's frame (a bijection: it matches the periods axis by axis)
        axes = _into_frame(ctx.frame, torus_frame(node.args[0], ctx.ndim)) \
            if torus and meaning.summed else ()
    if point is None and meaning.phase:
        raise NotApplicableError(f"{node.func}(...) is a signal used where a number is expected")
    var = ""
    if meaning.summed:
        var = next(ctx.names)
        labels = torus_frame(node.args[0], ctx.ndim) if torus else None
        ctx.created(var, axes, labels or ())
    if not torus and meaning.ndim is not None and ctx.ndim != meaning.ndim:
        raise NotApplicableError(f"{dsl_text(node)} needs the number of axes")
    # the integers a read uses (offsets, axes); a zeropad's lengths are sizes, read elsewhere
    used = [integer_value(a) for a in integer_arguments(node)] if any(
        r.offsets or r.moves_axes for r in meaning.reads) else []
    if any(k is None for k in used):
        raise NotApplicableError(f"the integer arguments of {dsl_text(node)} are not integers")
    ints = [k or 0 for k in used]
    factors: list[Term] = []
    for read in meaning.reads:
        index, read_axes = _read_index(node, read, point, var, ints, ctx, axes)
        argument = node.args[read.arg]
        factors.append(_unfold_torus(argument, index, ctx, read_axes) if torus
                       else _unfold(argument, index, ctx, read_axes))
    if meaning.phase and point is not None:  # ω^(±x·v): dft, idft
        factors.append(Phase.product(point.scaled(meaning.phase), Index.var(var)))
    body: Term | None = None if not factors else factors[0] if len(factors) == 1 \
        else Prod(tuple(factors))
    if body is not None and meaning.conjugate:
        body = conjugate(body, ctx.real)
    if body is not None and meaning.summed:
        body = Sigma((var,), body, torus=torus)
    if meaning.numel:
        size = _sizes(node, meaning, ctx.ndim)
        body = size if body is None else Prod((size, body))
    if body is None:
        raise NotApplicableError(f"{dsl_text(node)} has an empty meaning")
    return body


def _read_index(node: Call, read: Read, point: Index | None, var: str, ints: list[int],
                ctx: _UnfoldContext, axes: Axes) -> tuple[Index | None, Axes]:
    """The index and axes one read takes its argument at: ``read.point``·p + ``read.bound``·v
    − k under σ = ``axes``, where a(σ(p) − k) = a(σ(p − σ⁻¹(k)))."""
    if (read.moves_axes and ints) or read.reverse_axes:
        if ctx.ndim < 1 or point is None:
            raise NotApplicableError(f"{dsl_text(node)} needs the number of axes")
        sigma = list(axes or range(1, ctx.ndim + 1))
        if read.reverse_axes:  # transpose(a)(y) = a(y_2, y_1)
            return point, tuple(reversed(sigma))
        for axis in ints:  # flip(a, k)(y) = a(y with y_k negated)
            sigma[axis % ctx.ndim] = -sigma[axis % ctx.ndim]
        return point, tuple(sigma)
    index: Index | None = None
    if read.point:
        if point is None:  # a pointwise map of a number (conj(sum(a))) is a number
            if read == Read(read.arg, point=1):
                return None, axes
            raise NotApplicableError(f"{node.func}(...) is a signal used where a number is expected")
        # flip(a)(σ(p)) = a(σ(−p)): with no axis named, every axis is negated
        index = -point if read.point < 0 or read.negate_axes else point
    if read.bound:
        inner = Index.var(var)
        index = inner if index is None else index + inner if read.bound > 0 else index - inner
    if read.offsets:
        assert index is not None
        moved = Atom("", Index(), axes).preimage(tuple(ints))
        index = index - Index.constant(moved)
    return index, axes


def definitions_used(node: Node) -> list[str]:
    """The operations :func:`unfold` defines away in ``node``, outermost first, once each
    (keys of :data:`DEFINITIONS`)."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, Call):
            if current.func in DEFINITIONS and current.func not in found:
                found.append(current.func)
            stack.extend(current.args)
        elif isinstance(current, BinOp):
            stack.extend([current.left, current.right])
        elif isinstance(current, Neg):
            stack.append(current.operand)
    return found


Axes = tuple[int, ...]  # a signed permutation of the axes (see Atom); () the identity


def _unfold(node: Node, point: Index | None, ctx: _UnfoldContext, axes: Axes = ()) -> Term:
    """``node`` at σ(point), σ the signed permutation ``axes`` (one-axis flips, transpose)."""
    if ctx.extension and point is not None and not _extension_commutes(node, ctx):
        # E(X) of an expression X the extension does not pass through (a crop, a sum of
        # signals on different boxes): one function of X, named by X's text, so that only
        # the same expression meets it (the checker names it likewise, by its own text);
        # commuted: conv(f, g) and conv(g, f) are one function, and one atom
        text, aliases = dsl_text(commuted(node)), ctx.aliases
        if text in aliases:  # E(Y) = E(X) for Y = X on one box (a lemma), each once on the way
            ctx.aliases = {k: v for k, v in aliases.items() if k != text}
            try:
                return _unfold(aliases[text], point, ctx, axes)
            finally:
                ctx.aliases = aliases
        if all(n.id in ctx.real if isinstance(n, Name) else not isinstance(n, Imag)
               for n in walk(node)):  # X of real signals and real numbers is real
            ctx.real |= {f"{_OPAQUE}{text}]"}
        node = Name(f"{_OPAQUE}{text}]")
    if isinstance(node, Name):
        if point is None:
            raise NotApplicableError(f"signal {node.id} used where a number is expected")
        if ctx.extension:
            node = Name(f"{node.id}{_EXTENSION}{ctx.extension}⟩")
        elif node.id in ctx.literals:
            # D(σ(p)) = Σ_c v_c·[σ(p) = c] = Σ_c v_c·[p − σ⁻¹(c) = 0]
            where = Atom(node.id, point, axes)
            terms = tuple(Kronecker(point - Index.constant(where.preimage(coord))) if value == 1
                          else Scale(value, Kronecker(point - Index.constant(where.preimage(coord))))
                          for coord, value in ctx.literals[node.id])
            return terms[0] if len(terms) == 1 else Add(terms)
        if axes and axes[0] < 0:  # a∘σ(p) = a∘(−σ)(−p): one spelling, σ's first entry > 0
            axes, point = tuple(-t for t in axes), -point
        return Atom(node.id, point, () if axes == tuple(range(1, ctx.ndim + 1)) else axes)
    if isinstance(node, Number):
        return Const(node.value)
    if isinstance(node, Neg):
        return Scale(Fraction(-1), _unfold(node.operand, point, ctx, axes))
    if isinstance(node, BinOp):
        return _unfold_binop(node, point, ctx, axes)
    if isinstance(node, Call):
        return _unfold_call(node, point, ctx, axes)
    raise NotApplicableError(f"{dsl_text(node)} has no definition in the general tier")


def _unfold_binop(node: BinOp, point: Index | None, ctx: _UnfoldContext, axes: Axes) -> Term:
    if node.op in "+-":
        if is_scalar(node.left) != is_scalar(node.right):
            raise NotApplicableError(f"{dsl_text(node)} adds a number and a signal")
        left, right = _unfold(node.left, point, ctx, axes), _unfold(node.right, point, ctx, axes)
        return Add((left, right if node.op == "+" else Scale(Fraction(-1), right)))
    if node.op == "*":
        # Signal times signal is pointwise; a scalar factor scales.
        return Prod((_unfold(node.left, point, ctx, axes), _unfold(node.right, point, ctx, axes)))
    if node.op == "/" and isinstance(node.right, Number) and node.right.value != 0:
        return Scale(1 / node.right.value, _unfold(node.left, point, ctx, axes))
    raise NotApplicableError(f"operator {node.op} in {dsl_text(node)} is not supported")


def _unfold_call(node: Call, point: Index | None, ctx: _UnfoldContext, axes: Axes) -> Term:
    """A call on Z^d by its record's meaning there; crops (a mode or boundary of a sliding
    sum) and the trace are the structural cases."""
    op = OPERATIONS[node.func]
    general = op.general
    meaning = general.on_z if isinstance(general, Definition) else general
    if isinstance(meaning, Unsupported):
        raise NotApplicableError(meaning.reason)
    if isinstance(meaning, Structural):
        return STRUCTURAL[meaning.case](node, point, ctx, axes)
    if op.sliding and mode_and_boundary(node) != ("full", "zero"):
        return _unfold_cropped(node, point, ctx, axes)
    for key, value in node.kwargs:
        # Only the exact Z^d operation: other modes crop and other boundaries extend.
        if op.ints is not Ints.AXIS and \
                (key, value) not in (("mode", Str("full")), ("boundary", Str("zero"))):
            raise NotApplicableError(f"{node.func} with {key}={dsl_text(value)} is not the Z^d "
                                     "operation")
    return _interpret(node, meaning, point, ctx, axes, torus=False)


def _unfold_resampled(node: Call, point: Index | None, ctx: _UnfoldContext, axes: Axes) -> Term:
    """``downsample(a, s)(p) = a(s·p)`` and ``upsample(a, s)(p) = Σ_j a(j)·[p − s·j = 0]`` for
    one factor s on every axis (an index is a vector with one integer coefficient per
    variable: per-axis factors that differ are not modelled).  Under a signed permutation σ
    the factor commutes with σ, and upsample's j = σ(k) as for conv."""
    if point is None:
        raise NotApplicableError(f"{node.func}(...) is a signal used where a number is expected")
    factors = {integer_value(a) for a in node.args[1:]}
    if len(factors) != 1 or None in factors or min(f or 0 for f in factors) < 1:
        raise NotApplicableError(f"{dsl_text(node)}: factors that differ between axes are not "
                                 "modelled in the general tier")
    factor = factors.pop() or 1
    if node.func == "downsample":
        return _unfold(node.args[0], point.scaled(factor), ctx, axes)
    var = next(ctx.names)
    ctx.created(var, axes)
    inner = Index.var(var)
    return Sigma((var,), Prod((_unfold(node.args[0], inner, ctx, axes),
                               Kronecker(point - inner.scaled(factor)))))


def _unfold_trace(node: Call, ctx: _UnfoldContext) -> Term:
    """trace(a @ b) = Σ_{i_1} Σ_{i_2} a(i_1, i_2)·b(i_2, i_1): one sum over i ∈ Z^2, with b
    read at the transposed index (a trace of anything but a matrix product is not unfolded:
    its diagonal is no re-indexing of Z^2)."""
    product = node.args[0]
    if not (isinstance(product, BinOp) and product.op == "@") or ctx.ndim != 2:
        raise NotApplicableError(f"{dsl_text(node)} is not the trace of a matrix product of 2D "
                                 "signals")
    var = next(ctx.names)
    # the checker sums trace(a @ b) as Σ_t Σ_s a(t, s)·b(s, t): i_1 = t, i_2 = s
    ctx.correspondence[var] = [(1, f"v{ctx.count}.0"), (1, f"v{ctx.count + 1}.0")]
    ctx.count += 2
    here = Index.var(var)
    return Sigma((var,), Prod((_unfold(product.left, here, ctx),
                               _unfold(product.right, here, ctx, (2, 1)))))


# The meanings the unfolding writes with a rule of its own (Structural records).
STRUCTURAL: dict[str, Callable[[Call, Index | None, _UnfoldContext, Axes], Term]] = {
    "trace": lambda node, point, ctx, axes: _unfold_trace(node, ctx),
    "resample": lambda node, point, ctx, axes: _unfold_resampled(node, point, ctx, axes),
}


# --- linearity ---------------------------------------------------------------------

def linearity(term: Term) -> LinearForm:
    """Distribute products over sums, pull constants and sums out of products.

    ``(Σ_i A)·(Σ_j B) = Σ_{i,j} A·B`` needs i and j distinct and not free in
    the other factor (else the rule refuses), and every resulting sum finite.
    """
    form = LinearForm(tuple(_flatten(term)))
    for mono in form.monomials:
        if not is_finite(mono):
            raise RuleError(f"the sum {mono.as_term().text()} is not finite")
    return form


def _flatten(term: Term) -> list[Monomial]:
    if isinstance(term, Atom):
        return [Monomial(Fraction(1), (), (term,))]
    if isinstance(term, Phase):
        return [Monomial(Fraction(1), (), (), phase=term)]
    if isinstance(term, Const):
        return [Monomial(term.value, (), ())]
    if isinstance(term, Numel):
        return [Monomial(Fraction(1), (), (), npow=term.power, axis_powers=term.axes)]
    if isinstance(term, Delta):
        return [Monomial(Fraction(1), (), (), deltas=(term.index,))]
    if isinstance(term, Kronecker):
        return [Monomial(Fraction(1), (), (), points=(term.index,))]
    if isinstance(term, Scale):
        return [replace(m, coef=m.coef * term.coef) for m in _flatten(term.term)]
    if isinstance(term, Add):
        return [m for t in term.terms for m in _flatten(t)]
    if isinstance(term, Sigma):
        monos = _flatten(term.body)
        for m in monos:
            if set(m.variables) & set(term.variables) or len(set(term.variables)) < len(term.variables):
                raise RuleError(f"variable bound twice in {term.text()}")
            if m.variables and m.torus != term.torus:
                raise RuleError(f"sums over Z^d and Z_n^d mixed in {term.text()}")
        return [replace(m, variables=term.variables + m.variables, torus=term.torus) for m in monos]
    products = [Monomial(Fraction(1), (), ())]
    for factor in term.factors:
        products = [_multiply(p, m) for p in products for m in _flatten(factor)]
    return products


def _multiply(a: Monomial, b: Monomial) -> Monomial:
    free_a = free_variables(a)
    free_b = free_variables(b)
    if set(a.variables) & (set(b.variables) | free_b) or set(b.variables) & free_a:
        raise RuleError("pulling a sum out of a product would capture a variable")
    if a.variables and b.variables and a.torus != b.torus:
        raise RuleError("a sum over Z^d times a sum over Z_n^d")
    # ω^a·ω^b = ω^(a+b)
    axis_powers = tuple(p + q for p, q in itertools.zip_longest(a.axis_powers, b.axis_powers,
                                                                  fillvalue=0))
    return Monomial(a.coef * b.coef, a.variables + b.variables, a.atoms + b.atoms,
                    a.torus or b.torus, a.phase * b.phase, a.npow + b.npow, a.deltas + b.deltas,
                    a.points + b.points, axis_powers)


def free_variables(mono: Monomial) -> set[str]:
    """Every variable in the atoms, phase and indicators of a term (bound ones included)."""
    return {v for atom in mono.atoms for v in atom.index.variables()} | mono.phase.variables() \
        | {v for d in mono.deltas + mono.points for v in d.variables()}


def is_finite(mono: Monomial) -> bool:
    """Whether the multiple sum has finitely many non-zero terms for all finite supports.

    It does iff the linear map from the summation variables to the atoms'
    indices is injective (rank = number of variables): then a non-zero term
    fixes every index in a finite support, hence the variables in a finite set;
    otherwise the summand is constant along a direction of the kernel.
    """
    if len(set(mono.variables)) != len(mono.variables):
        return False
    if mono.torus:
        return True  # Z_n^d is finite
    # an extension (wrap, reflect, ...) is not finitely supported: it bounds nothing; an
    # indicator [L = 0] fixes L as a signal's finite support bounds an atom's index
    indices = [atom.index for atom in mono.atoms if not extended_signal(atom.signal)] + \
        list(mono.points)
    rows = [[index.coeff(v) for v in mono.variables] for index in indices]
    return _rank(rows) == len(mono.variables)


def _rank(rows: list[list[int]]) -> int:
    # in integers: a row minus a multiple of the pivot row becomes that, times the pivot
    rows = [list(r) for r in rows]
    rank = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                head, factor = rows[rank][col], rows[r][col]
                rows[r] = [head * a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


# --- re-indexing, exchange, renaming, ordering -------------------------------------------

def _monomial(form: LinearForm, monomial: int) -> Monomial:
    if not 0 <= monomial < len(form.monomials):
        raise RuleError(f"no term number {monomial} in {form.text()}")
    return form.monomials[monomial]


def _with(form: LinearForm, monomial: int, mono: Monomial) -> LinearForm:
    monos = list(form.monomials)
    monos[monomial] = mono
    return LinearForm(tuple(monos))


def reindex(form: LinearForm, monomial: int, var: str, new_var: str, image: Index) -> LinearForm:
    """Substitute ``new_var = image`` for the summation variable ``var`` in one term.

    ``image = c·var + rest`` with c = ±1 and ``rest`` free of ``var`` and of
    ``new_var`` is a bijection of Z^d (inverse ``var = c·(new_var − rest)``),
    so the sum over ``var`` equals the sum over ``new_var``.
    """
    mono = _monomial(form, monomial)
    if var not in mono.variables:
        raise RuleError(f"{var} is not a summation variable of {mono.as_term().text()}")
    c = image.coeff(var)
    if abs(c) != 1:
        raise RuleError(f"{new_var} = {image.text()} is not a bijection of Z^d in {var} "
                        f"(coefficient {c}, expected ±1)")
    used = free_variables(mono) | set(mono.variables)
    if new_var in used - {var} or image.coeff(new_var) != 0 or new_var == FREE_VARIABLE:
        raise RuleError(f"{new_var} is not a fresh variable in {mono.as_term().text()}")
    rest = image.substitute(var, Index())
    inverse = (Index.var(new_var) - rest).scaled(c)
    atoms = tuple(replace(a, index=a.index.substitute(var, inverse)) for a in mono.atoms)
    variables = tuple(new_var if v == var else v for v in mono.variables)
    # on Z_n^d the phase is n-periodic in each variable since ω^n = 1
    return _with(form, monomial, replace(mono, variables=variables, atoms=atoms,
                                         phase=mono.phase.substitute(var, inverse),
                                         deltas=tuple(d.substitute(var, inverse)
                                                      for d in mono.deltas),
                                         points=tuple(p.substitute(var, inverse)
                                                      for p in mono.points)))


def lattice(form: LinearForm, monomial: int, new_vars: tuple[str, ...],
            matrix: tuple[tuple[int, ...], ...], inverse: tuple[tuple[int, ...], ...],
            rests: tuple[Index, ...]) -> LinearForm:
    """On Z^d, substitute every summation variable at once: v_i = Σ_j U_ij·w_j + r_i, U an
    integer matrix with an integer inverse (unimodular: a bijection of (Z^d)^k, as the scalar
    U acts on every axis alike) and r_i free of the summation variables; the sum over v is
    the sum over w = U⁻¹(v − r).  It brings a term to Hermite normal form
    (:func:`column_hnf`) when no factor indexes a variable with coefficient ±1."""
    mono = _monomial(form, monomial)
    k = len(mono.variables)
    if mono.torus or len(new_vars) != k or len(set(new_vars)) != k or len(rests) != k:
        raise RuleError("a lattice re-indexing needs one new variable and one rest per sum on Z^d")
    if any(len(row) != k for row in matrix + inverse) or len(matrix) != k or len(inverse) != k \
            or any(sum(matrix[i][m] * inverse[m][j] for m in range(k)) != int(i == j)
                   for i in range(k) for j in range(k)):
        raise RuleError("the matrix of a lattice re-indexing is not unimodular with that inverse")
    free = free_variables(mono) - set(mono.variables)
    if set(new_vars) & (free | {FREE_VARIABLE}) or any(
            r.variables() & (set(mono.variables) | set(new_vars)) for r in rests):
        raise RuleError("a lattice re-indexing captures a variable")
    image = {v: rest + sum((Index.var(w, matrix[i][j]) for j, w in enumerate(new_vars)), Index())
             for i, (v, rest) in enumerate(zip(mono.variables, rests, strict=True))}

    def moved(index: Index) -> Index:
        result = Index(tuple((v, c) for v, c in index.coeffs if v not in image), index.const)
        for v, c in index.coeffs:
            if v in image:
                result = result + image[v].scaled(c)
        return result

    return _with(form, monomial, replace(
        mono, variables=new_vars, atoms=tuple(replace(a, index=moved(a.index)) for a in mono.atoms),
        points=tuple(moved(p) for p in mono.points)))


def column_hnf(rows: list[list[int]], k: int) -> tuple[list[list[int]], list[list[int]]]:
    """(H, U) with H = rows·U in column Hermite normal form and U unimodular (k × k): row by
    row, the first row not in the span of the earlier ones gets the next pivot column, its
    pivot positive and its entries left of the pivot reduced into [0, pivot), the entries
    right of it zero.  For rows of rank k, H does not depend on the U chosen: sums equal
    up to a unimodular re-indexing get the same H for the same order of factors."""
    a = [list(r) for r in rows]
    u = [[int(i == j) for j in range(k)] for i in range(k)]

    def combine(target: int, source: int, q: int) -> None:  # column target −= q·column source
        for m in (a, u):
            for row in m:
                row[target] -= q * row[source]

    def swap(c1: int, c2: int) -> None:
        for m in (a, u):
            for row in m:
                row[c1], row[c2] = row[c2], row[c1]

    col = 0
    for r in range(len(a)):
        if col == k:
            break
        while any(a[r][c] for c in range(col + 1, k)) or (a[r][col] == 0 and any(
                a[r][c] for c in range(col, k))):
            swap(col, min((c for c in range(col, k) if a[r][c]), key=lambda c: abs(a[r][c])))
            for c in range(col + 1, k):
                combine(c, col, a[r][c] // a[r][col])
        if a[r][col] == 0:
            continue  # in the span of the earlier rows
        if a[r][col] < 0:
            combine(col, col, 2)  # negate the column
        for c in range(col):
            combine(c, col, a[r][c] // a[r][col])
        col += 1
    return a, u


def exchange(form: LinearForm, monomial: int, order: tuple[str, ...]) -> LinearForm:
    """Sum one term's variables in another ``order``: allowed for finite sums only."""
    mono = _monomial(form, monomial)
    if sorted(order) != sorted(mono.variables):
        raise RuleError(f"({', '.join(order)}) is not a reordering of "
                        f"({', '.join(mono.variables)})")
    if not is_finite(mono):
        raise RuleError(f"the sum {mono.as_term().text()} is not finite: its order may not change")
    return _with(form, monomial, replace(mono, variables=tuple(order)))


def rename(form: LinearForm, monomial: int, mapping: Mapping[str, str]) -> LinearForm:
    """Rename bound variables of one term (injective, no capture of other variables)."""
    mono = _monomial(form, monomial)
    if not set(mapping) <= set(mono.variables):
        raise RuleError(f"only bound variables can be renamed, not {sorted(set(mapping))}")
    kept = set(mono.variables) - set(mapping)
    free = free_variables(mono) - set(mono.variables)
    targets = list(mapping.values())
    if len(set(targets)) != len(targets) or set(targets) & (kept | free | {FREE_VARIABLE}):
        raise RuleError(f"renaming {dict(mapping)} is not injective or captures a variable")
    atoms = tuple(replace(a, index=a.index.rename(mapping)) for a in mono.atoms)
    return _with(form, monomial, replace(mono, variables=tuple(mapping.get(v, v)
                                                                for v in mono.variables), atoms=atoms,
                                         phase=mono.phase.rename(mapping),
                                         deltas=tuple(d.rename(mapping) for d in mono.deltas),
                                         points=tuple(p.rename(mapping) for p in mono.points)))


def atom_key(atom: Atom) -> tuple[Any, ...]:
    return (atom.signal, atom.axes, atom.index.coeffs, atom.index.const)


def monomial_key(mono: Monomial) -> tuple[Any, ...]:
    return (mono.torus, len(mono.variables), mono.variables, tuple(atom_key(a) for a in mono.atoms),
            mono.phase.quadratic, mono.phase.linear, mono.phase.constant, mono.npow, mono.axis_powers,
            tuple((d.coeffs, d.const) for d in mono.deltas),
            tuple((p.coeffs, p.const) for p in mono.points))


def order(form: LinearForm) -> LinearForm:
    """Commute factors into a fixed order, collect like terms, sort the terms."""
    collected: dict[tuple[Any, ...], Monomial] = {}
    for mono in form.monomials:
        # (a term without sums is the same on Z^d and Z_n^d)
        # a signal at a constant point under σ is the signal at σ(point): F∘σ(k) = F(σ(k))
        atoms = tuple(normal_indicator(a) if is_indicator(a.signal) else
                      Atom(a.signal, Index.constant(a.apply(a.index.const)) if a.index.const
                           else Index(), ())
                      if a.axes and not a.index.coeffs else a for a in mono.atoms)
        # n_1⋯n_d = N (axis_powers has all d axes): the per-axis powers keep their minimum 0
        common = min(mono.axis_powers, default=0)
        sizes = tuple(p - common for p in mono.axis_powers)
        mono = replace(mono, npow=mono.npow + common, axis_powers=sizes if any(sizes) else ())
        sorted_mono = replace(mono, atoms=tuple(sorted(atoms, key=atom_key)),
                              torus=mono.torus and bool(mono.variables),
                              points=tuple(sorted({_signed_point(p) for p in mono.points},
                                                  key=lambda p: (p.coeffs, p.const))))
        key = monomial_key(sorted_mono)
        if key in collected:
            sorted_mono = replace(sorted_mono, coef=collected[key].coef + sorted_mono.coef)
        collected[key] = sorted_mono
    kept = [m for m in collected.values() if m.coef != 0]
    return LinearForm(tuple(sorted(kept, key=monomial_key)))


def numeric_period(form: LinearForm, lengths: tuple[int, ...]) -> LinearForm:
    """On Z_N^d with N = (c_1, …, c_d) numbers (integer zeropad lengths): the size factors
    N^p·Π_k n_k^(p_k) that orthogonality leaves are the number Π_k c_k^(p + p_k)."""
    if not lengths or min(lengths) < 1:
        raise RuleError("the period is not a tuple of positive numbers")
    out = []
    for mono in form.monomials:
        factor = math.prod(Fraction(c) ** e for c, e in zip(lengths, _axis_exponents(mono, len(lengths)),
                                                             strict=True))
        out.append(replace(mono, coef=mono.coef * factor, npow=0, axis_powers=()))
    return order(LinearForm(tuple(out)))


def _axis_exponents(mono: Monomial, ndim: int) -> tuple[int, ...]:
    """The power of each n_a in a monomial's size factors N^p·Π_a n_a^(p_a) (N = n_1⋯n_d)."""
    powers = mono.axis_powers or (0,) * ndim
    if len(powers) != ndim:
        raise RuleError("a size factor of another dimension")
    return tuple(mono.npow + p for p in powers)


def equal_periods(form: LinearForm, classes: tuple[int, ...]) -> LinearForm:
    """On Z_N^d where axes share one zeropad length (``classes``: for each axis a, the first
    axis of the same length; (0, 0) for zeropad(F, N, N)): n_a is n_classes[a], so the size
    factors N^p·Π_a n_a^(p_a) are Π_a n_a^(the powers of its class, N = n_1⋯n_d)."""
    if any(not 0 <= c <= a or classes[c] != c for a, c in enumerate(classes)):
        raise RuleError("not the first axis of each length")
    out = []
    for mono in form.monomials:
        exponents = _axis_exponents(mono, len(classes))
        folded = tuple(sum(e for e, c in zip(exponents, classes, strict=True) if c == a)
                       for a in range(len(classes)))
        out.append(replace(mono, npow=0, axis_powers=folded))
    return order(LinearForm(tuple(out)))


def _signed_point(index: Index) -> Index:
    """[L = 0] is [−L = 0]: the spelling whose first coefficient (or constant) is positive."""
    first = next((c for _, c in index.coeffs), None)
    if first is None:
        first = next((c for c in index.const if c), 1)
    return index if first > 0 else -index


def fix(form: LinearForm, moves: tuple[tuple[int, str], ...]) -> LinearForm:
    """:func:`fix_one` for each (term number, variable) of ``moves`` in turn."""
    for monomial, var in moves:
        form = fix_one(form, monomial, var)
    return form


def fix_one(form: LinearForm, monomial: int, var: str) -> LinearForm:
    """``Σ_{v∈Z^d} [c·v + r = 0]·F(v) = F(−c·r)`` for c = ±1 (the first indicator in which
    ``var`` has coefficient ±1): on Z^d the indicator is 1 at that one point only."""
    mono = _monomial(form, monomial)
    if mono.torus or var not in mono.variables:
        raise RuleError(f"{var} is not a summation variable over Z^d")
    value, rest = _fixed_value(mono.points, var)
    atoms = tuple(replace(a, index=a.index.substitute(var, value)) for a in mono.atoms)
    return _with(form, monomial, replace(
        mono, variables=tuple(v for v in mono.variables if v != var), atoms=atoms,
        points=tuple(p.substitute(var, value) for p in rest)))


def _fixed_value(indicators: tuple[Index, ...], var: str) -> tuple[Index, tuple[Index, ...]]:
    """The value ``−c·r`` the first indicator ``[c·var + r = 0]`` with c = ±1 gives ``var``,
    and the other indicators; RuleError when none has such a coefficient."""
    for number, indicator in enumerate(indicators):
        c = indicator.coeff(var)
        if abs(c) == 1:
            return (indicator.substitute(var, Index()).scaled(-c),
                    indicators[:number] + indicators[number + 1:])
    raise RuleError(f"no indicator fixes {var}")


def divide(form: LinearForm, monomial: int) -> LinearForm:
    """On Z^d, ``[g·L + k = 0] = [L + k/g = 0]`` for g the gcd of an indicator's variable
    coefficients when g divides every entry of k, and 0 otherwise (L is an integer point):
    the indicators of a downsampled upsample, [s·x − s·j = 0], fix j after it."""
    mono = _monomial(form, monomial)
    if mono.torus:
        raise RuleError("an indicator on Z_n^d is a congruence: its coefficients do not divide")
    points, coef = [], mono.coef
    for point in mono.points:
        g = math.gcd(*(c for _, c in point.coeffs))
        if g > 1:
            if any(k % g for k in point.const):
                coef = Fraction(0)
            point = Index(tuple((v, c // g) for v, c in point.coeffs),
                          tuple(k // g for k in point.const))
        points.append(point)
    if tuple(points) == mono.points and coef == mono.coef:
        raise RuleError(f"no indicator of {mono.as_term().text()} has a common factor")
    return _with(form, monomial, replace(mono, coef=coef, points=tuple(points)))


def at_point(form: LinearForm, moves: tuple[tuple[int, int], ...]) -> LinearForm:
    """For each (term number, indicator number) of ``moves``: an indicator [c·x + k = 0] on the
    free point x alone (c = ±1) fixes x = −c·k in the term's other factors, the indicator
    kept: [x = p]·F(x) = [x = p]·F(p)."""
    for monomial, number in moves:
        mono = _monomial(form, monomial)
        point = mono.points[number] if 0 <= number < len(mono.points) else Index()
        c = point.coeff(FREE_VARIABLE)
        if mono.torus or abs(c) != 1 or point.variables() != {FREE_VARIABLE}:
            raise RuleError(f"indicator {number} does not fix {FREE_VARIABLE} alone")
        value = point.substitute(FREE_VARIABLE, Index()).scaled(-c)
        atoms = tuple(replace(a, index=a.index.substitute(FREE_VARIABLE, value)) for a in mono.atoms)
        points = tuple(p if k == number else p.substitute(FREE_VARIABLE, value)
                       for k, p in enumerate(mono.points))
        form = _with(form, monomial, replace(mono, atoms=atoms, points=points))
    return form


def compose_axes(outer: Axes, inner: Axes, ndim: int) -> Axes:
    """τ∘σ for signed permutations (() the identity): (τ∘σ)(p) = τ(σ(p))."""
    tau = outer or tuple(range(1, ndim + 1))
    sigma = inner or tuple(range(1, ndim + 1))
    composed = tuple((1 if t > 0 else -1) * sigma[abs(t) - 1] for t in tau)
    return () if composed == tuple(range(1, ndim + 1)) else composed


def can_permute(mono: Monomial, var: str) -> bool:
    """Whether every atom using ``var`` is indexed by ±var plus a constant (then putting
    var = σ(j) for a signed permutation σ of the axes changes only those atoms' axes)."""
    return not mono.torus and var in mono.variables and \
        not any(var in p.variables() for p in mono.points + mono.deltas) and \
        var not in mono.phase.variables() and \
        all(a.index.variables() == {var} for a in mono.atoms if var in a.index.variables())


def permute(form: LinearForm, monomial: int, var: str, axes: Axes, ndim: int) -> LinearForm:
    """Substitute ``var`` = σ(var) (σ = ``axes``, a signed permutation: a bijection of Z^d) in
    one term whose atoms use var only as c·var + k (:func:`can_permute`):
    a∘τ(c·σ(j) + k) = a∘(τ∘σ)(c·j + σ⁻¹(k))."""
    mono = _monomial(form, monomial)
    if not can_permute(mono, var) or sorted(abs(t) for t in axes) != list(range(1, ndim + 1)) \
            or ndim < 1:
        raise RuleError(f"{var} = σ({var}) with σ = {axes} is not a re-indexing of this term")
    atoms = []
    for atom in mono.atoms:
        if var not in atom.index.variables():
            atoms.append(atom)
            continue
        c = atom.index.coeff(var)
        moved = Atom("", Index(), axes).preimage(atom.index.const) if atom.index.const else ()
        composed = compose_axes(atom.axes, axes, ndim)
        index = Index(((var, c),), moved if any(moved) else ())
        if composed and composed[0] < 0:  # the one spelling: σ's first entry > 0
            composed, index = tuple(-t for t in composed), -index
        atoms.append(Atom(atom.signal, index, () if composed == tuple(range(1, ndim + 1))
                          else composed))
    return _with(form, monomial, replace(mono, atoms=tuple(atoms)))


def permute_sums(form: LinearForm, monomial: int, axes: Axes, ndim: int) -> LinearForm:
    """Substitute v = σ(v) for every summation variable of one term at once (σ = ``axes``,
    a signed permutation: a bijection of (Z^d)^k), where the atoms use summation variables
    only: an index L(v) + k, L integer-linear, becomes σ(L(v) + σ⁻¹(k)), so
    a∘τ(L + k) = a∘(τ∘σ)(L + σ⁻¹(k))."""
    mono = _monomial(form, monomial)
    if mono.torus or mono.points or mono.deltas or mono.phase.variables() or ndim < 1 or \
            sorted(abs(t) for t in axes) != list(range(1, ndim + 1)) or \
            any(not a.index.variables() <= set(mono.variables) for a in mono.atoms):
        raise RuleError(f"σ = {axes} on every sum is not a re-indexing of this term")
    atoms = []
    for atom in mono.atoms:
        moved = Atom("", Index(), axes).preimage(atom.index.const) if atom.index.const else ()
        composed = compose_axes(atom.axes, axes, ndim)
        index = Index(atom.index.coeffs, moved if any(moved) else ())
        if composed and composed[0] < 0:  # the one spelling: σ's first entry > 0
            composed, index = tuple(-t for t in composed), -index
        atoms.append(Atom(atom.signal, index, () if composed == tuple(range(1, ndim + 1))
                          else composed))
    return _with(form, monomial, replace(mono, atoms=tuple(atoms)))


def orthogonality(form: LinearForm, monomial: int, var: str) -> LinearForm:
    """Character orthogonality on Z_n^d: ``Σ_{k∈Z_n^d} ω^(k·L) = N·[L ≡ 0 mod n]`` for the
    summation variable ``var`` = k, which no atom or indicator may use and the phase only
    linearly (ω^(k·L) times a factor free of k)."""
    mono = _monomial(form, monomial)
    if not mono.torus or var not in mono.variables:
        raise RuleError(f"{var} is not a summation variable over Z_n^d")
    if any(var in a.index.variables() for a in mono.atoms) or any(
            var in d.variables() for d in mono.deltas):
        raise RuleError(f"{var} occurs outside the phase")
    coeffs: dict[str, int] = {}
    quadratic = []
    for (u, v), c in mono.phase.quadratic:
        if u == v == var:
            raise RuleError(f"the phase is quadratic in {var}")
        if var in (u, v):
            other = v if u == var else u
            coeffs[other] = coeffs.get(other, 0) + c
        else:
            quadratic.append(((u, v), c))
    const = dict(mono.phase.linear).get(var, ())
    linear = tuple((u, w) for u, w in mono.phase.linear if u != var)
    level = Index(tuple(sorted((v, c) for v, c in coeffs.items() if c)), const)
    phase = Phase(tuple(quadratic), linear, mono.phase.constant)
    return _with(form, monomial, replace(
        mono, variables=tuple(v for v in mono.variables if v != var), phase=phase,
        npow=mono.npow + 1, deltas=(*mono.deltas, level)))


def collapse(form: LinearForm, monomial: int, var: str) -> LinearForm:
    """``Σ_{v∈Z_n^d} [c·v + r ≡ 0]·F(v) = F(−c·r)`` for c = ±1: the summand is n-periodic
    in v (signals read mod n, ω^n = 1), so the indicator fixes v."""
    mono = _monomial(form, monomial)
    if not mono.torus or var not in mono.variables:
        raise RuleError(f"{var} is not a summation variable over Z_n^d")
    value, rest = _fixed_value(mono.deltas, var)
    atoms = tuple(replace(a, index=a.index.substitute(var, value)) for a in mono.atoms)
    return _with(form, monomial, replace(
        mono, variables=tuple(v for v in mono.variables if v != var), atoms=atoms,
        phase=mono.phase.substitute(var, value),
        deltas=tuple(d.substitute(var, value) for d in rest)))


def idempotence(form: LinearForm, monomial: int) -> LinearForm:
    """``𝟙_B(y)·𝟙_B(y) = 𝟙_B(y)``: a box indicator repeated at one index counts once."""
    mono = _monomial(form, monomial)
    kept: list[Atom] = []
    for atom in mono.atoms:
        if not (is_indicator(atom.signal) and atom in kept):
            kept.append(atom)
    if len(kept) == len(mono.atoms):
        raise RuleError(f"no indicator repeats in {mono.as_term().text()}")
    return _with(form, monomial, replace(mono, atoms=tuple(kept)))


def absorb(form: LinearForm, monomial: int, boxes: SignalBoxes) -> LinearForm:
    """``𝟙_B(y)·S(z)·… = S(z)·…`` on Z^d: S, a signal of ``boxes`` (each signal's (origin,
    size) per axis, as unfolded), is zero off its box, so where S(z) ≠ 0 a face of B holds
    when it is a bound of S's box on one axis plus a constant ≥ 0 for all sizes and origins;
    an indicator all of whose faces hold so is dropped (:func:`absorbing_signals`)."""
    mono = _monomial(form, monomial)
    absorbed = absorbing_signals(mono, boxes)
    if not absorbed:
        raise RuleError(f"no box of a signal implies an indicator of {mono.as_term().text()}")
    return _with(form, monomial, replace(
        mono, atoms=tuple(a for n, a in enumerate(mono.atoms) if n not in absorbed)))


def absorbing_signals(mono: Monomial, boxes: SignalBoxes) -> dict[int, tuple[str, ...]]:
    """The indicators of a term on Z^d that the boxes of its signal factors imply, by
    position, each with the signals whose bounds imply its faces (see :func:`absorb`)."""
    if mono.torus or not any(is_indicator(atom.signal) for atom in mono.atoms):
        return {}
    known = dict(boxes)
    bounds: list[tuple[str, dict[str, int]]] = []  # (signal, bound ≥ 0 where the factor is not 0)
    for atom in mono.atoms:
        name = atom.signal[:-1] if atom.signal.endswith("*") else atom.signal  # conj: same box
        if name not in known:
            continue  # an indicator, an extension or an opaque atom: no box of its own
        for coordinate, (origin, size) in zip(_coordinates(atom, len(known[name])), known[name],
                                              strict=True):
            lo = dict(origin)
            hi = _form_add(_form_add(lo, dict(size)), {"1": -1})
            bounds += [(name, _form_add(coordinate, lo, -1)), (name, _form_add(hi, coordinate, -1))]
    absorbed = {}
    for number, atom in enumerate(mono.atoms):
        if not is_indicator(atom.signal):
            continue
        box = indicator_box(atom.signal)
        faces = [face for coordinate, (lo, hi) in zip(_coordinates(atom, len(box)), box, strict=True)
                 for face in (_form_add(coordinate, lo, -1), _form_add(hi, coordinate, -1))]
        found = [next((name for name, bound in bounds
                       if nonnegative_for_all_sizes(_form_add(face, bound, -1))), "") for face in faces]
        if all(found):
            absorbed[number] = tuple(dict.fromkeys(found))
    return absorbed


def _coordinates(atom: Atom, ndim: int) -> list[dict[str, int]]:
    """Each coordinate of the point an atom reads, σ(L)_a = ±L_|σ_a|, as an affine form in the
    variables' axes (``i.0``: axis 1 of i)."""
    out = []
    for t in atom.axes or range(1, ndim + 1):
        sign, axis = (1 if t > 0 else -1), abs(t) - 1
        form = {f"{v}.{axis}": sign * c for v, c in atom.index.coeffs}
        out.append(_form_add(form, {"1": sign * atom.index.const[axis]} if atom.index.const else {}))
    return out


def nonnegative_for_all_sizes(form: Mapping[str, int]) -> bool:
    """Whether an affine form is ≥ 0 for every size n ≥ 1 and every origin o (exact: the
    symbols are independent)."""
    if any(c and not v.startswith("n_") and v != "1" for v, c in form.items()):
        return False
    return all(c >= 0 for v, c in form.items() if v != "1") and sum(form.values()) >= 0


# --- modes and boundaries on symbolic boxes --------------------------------------------
#
# A signal S has on axis a the box [o, o + n − 1] with symbolic origin o (or the declared
# one) and size n ≥ 1.  The boxes of ops (symconv.core.ops._output_box) are affine in
# those symbols, so two crops are the same when their affine forms are equal.  A crop
# multiplies the full sum by the indicator 𝟙_B(x) of the output box B; a boundary other
# than zero reads the image through its extension S⟨b⟩, one function on Z^d that agrees
# with S on S's box (numpy's pad of any width is a window of it), shared by both sides.

SizeForm = tuple[tuple[str, int], ...]  # affine in size symbols: sorted (symbol, coeff), "1" constant
# per signal and axis: (origin, size)
SignalBoxes = tuple[tuple[str, tuple[tuple[SizeForm, SizeForm], ...]], ...]
_Box = list[tuple[dict[str, int], dict[str, int]]]  # per axis: inclusive (lo, hi)
INDICATOR = "𝟙"
_EXTENSION = "⟨"


def is_indicator(signal: str) -> bool:
    return signal.startswith(INDICATOR)


_OPAQUE = "["  # E(X) of an expression X: the atom [X]⟨b⟩


def is_opaque_extension(signal: str) -> bool:
    """Whether an atom is the extension of an expression other than a moved signal."""
    return signal.startswith(_OPAQUE)


def opaque_expression(signal: str) -> tuple[str, str]:
    """The expression text and the boundary of an opaque atom ``[X]⟨b⟩`` (``[X]⟨b⟩*`` when
    conjugated)."""
    text, boundary = signal[len(_OPAQUE):].rsplit("]" + _EXTENSION, 1)
    return text, boundary.split("⟩")[0]


def extended_signal(signal: str) -> str:
    """The signal an extension atom ``S⟨b⟩`` extends ("" for any other atom)."""
    return signal.split(_EXTENSION)[0] if _EXTENSION in signal else ""


def mode_and_boundary(node: Call) -> tuple[str, str]:
    """The mode and boundary of a conv/corr call (NotApplicableError for other keywords)."""
    options = {"mode": "full", "boundary": "zero"}
    for key, value in node.kwargs:
        if key not in options or not isinstance(value, Str):
            raise NotApplicableError(f"{node.func} with {key}={dsl_text(value)} is not modelled")
        options[key] = BOUNDARY_ALIASES.get(value.value, value.value) if key == "boundary" \
            else value.value
    if options["mode"] not in MODES or options["boundary"] not in BOUNDARIES:
        raise NotApplicableError(f"{dsl_text(node)}: unknown mode or boundary")
    return options["mode"], options["boundary"]


def _form_add(a: Mapping[str, int], b: Mapping[str, int], k: int = 1) -> dict[str, int]:
    out = dict(a)
    for v, c in b.items():
        out[v] = out.get(v, 0) + k * c
    return {v: c for v, c in out.items() if c}


class _Form(dict[str, int]):
    """An affine form in the size symbols with + and unary −, as ops' box rules need."""

    def __add__(self, other: Mapping[str, int]) -> _Form:
        return _Form(_form_add(self, other))

    def __neg__(self) -> _Form:
        return _Form(_form_add({}, self, -1))

    def __rmul__(self, factor: int) -> _Form:
        return _Form(_form_add({}, self, factor))


def _forms(box: Iterable[tuple[Mapping[str, int], Mapping[str, int]]]) -> list[tuple[_Form, _Form]]:
    return [(_Form(lo), _Form(hi)) for lo, hi in box]


def _dicts(box: Iterable[tuple[_Form, _Form]]) -> _Box:
    return [(dict(lo), dict(hi)) for lo, hi in box]


def box_of(node: Node, ctx: _UnfoldContext) -> _Box:
    """The box of a signal-valued expression, per axis (lo, hi), by ops' own box rules
    (:data:`BOXES`) on affine forms in the size symbols."""
    if isinstance(node, Name) and node.id in ctx.boxes:
        return [(dict(o), _form_add(_form_add(dict(o), dict(n)), {"1": -1}))
                for o, n in ctx.boxes[node.id]]
    if _combined(node) is not None:  # e.g. flip(f + shift(f, 0, 1)): the box of the sum
        return operand_box(node, ctx)
    if isinstance(node, Call):
        rule = BOXES[node.func]
        if not isinstance(rule, Unsupported):
            return rule(node, ctx)
    raise NotApplicableError(f"the box of {dsl_text(node)} is not modelled")


def _flip_box(node: Call, ctx: _UnfoldContext) -> _Box:
    box = box_of(node.args[0], ctx)
    axis = [integer_value(a) for a in integer_arguments(node)]
    if None in axis:
        raise NotApplicableError(f"the axis of {dsl_text(node)} is not an integer")
    flipped = [k % len(box) for k in axis if k is not None] if axis else range(len(box))
    return _dicts(flipped_box(_forms(box), flipped))


def _shift_box(node: Call, ctx: _UnfoldContext) -> _Box:
    offsets = [integer_value(a) for a in node.args[1:]]
    box = box_of(node.args[0], ctx)
    if len(offsets) != len(box) or any(k is None for k in offsets):
        raise NotApplicableError(f"the offsets of {dsl_text(node)} are not integers")
    return _dicts(shifted_box(_forms(box), [_Form({"1": k or 0}) for k in offsets]))


def _transpose_box(node: Call, ctx: _UnfoldContext) -> _Box:
    """transpose(a)(i, j) = a(j, i): the axes of a's box reversed (ops.transpose's origin)."""
    return box_of(node.args[0], ctx)[::-1]


def _conj_box(node: Call, ctx: _UnfoldContext) -> _Box:
    """conj acts on the values: its argument's box (ops.conj keeps the origin and shape)."""
    return box_of(node.args[0], ctx)


def _upsample_box(node: Call, ctx: _UnfoldContext) -> _Box:
    """A dilated kernel: s times its argument's box (ops' upsample keeps the origin times s)."""
    factors = [integer_value(a) for a in node.args[1:]]
    box = box_of(node.args[0], ctx)
    if len(factors) != len(box) or any(s is None for s in factors):
        raise NotApplicableError(f"the factors of {dsl_text(node)} are not integers")
    return _dicts(upsampled_box(_forms(box), [s or 0 for s in factors]))


def _sliding_box(node: Call, ctx: _UnfoldContext) -> _Box:
    mode, _ = mode_and_boundary(node)
    return output_box(operand_box(node.args[0], ctx), operand_box(node.args[1], ctx),
                      OPERATIONS[node.func].sliding, mode)


def operand_box(node: Node, ctx: _UnfoldContext) -> _Box:
    """:func:`box_of`, and for a pointwise combination (+ −, products, times or over a number)
    of signals on one box, that box; a sum or difference of signals whose boxes differ by
    constants only has ops' union box (every symbolic box is non-empty: n ≥ 1), bound by bound
    the smaller lower and the larger upper constant."""
    parts = _combined(node)
    if parts is None:
        return box_of(node, ctx)
    boxes = [operand_box(part, ctx) for part in parts]
    if all(box == boxes[0] for box in boxes):
        return boxes[0]
    if isinstance(node, BinOp) and node.op in "+-" and all(
            _symbolic(x) == _symbolic(y) for a, b in zip(*boxes, strict=True)
            for x, y in zip(a, b, strict=True)):
        return [(_bound(lo, low, min), _bound(hi, high, max))
                for (lo, hi), (low, high) in zip(*boxes, strict=True)]
    raise NotApplicableError(f"the box of {dsl_text(node)} (a union of boxes) is not modelled")


def _symbolic(form: Mapping[str, int]) -> dict[str, int]:
    return {v: c for v, c in form.items() if v != "1"}


def _bound(a: Mapping[str, int], b: Mapping[str, int], pick: Callable[[int, int], int]) -> dict[str, int]:
    """One bound of a union box: ``a``'s symbols, the constant ``pick`` chooses."""
    return _form_add(_symbolic(a), {"1": pick(a.get("1", 0), b.get("1", 0))})


def _combined(node: Node) -> list[Node] | None:
    """The signal operands of a pointwise combination: + −, products, times or over a number
    (None for anything else)."""
    if isinstance(node, Neg):
        return [node.operand]
    if isinstance(node, BinOp) and node.op in "*/" and isinstance(node.right, Number):
        return [node.left]
    if isinstance(node, BinOp) and node.op == "*" and isinstance(node.left, Number):
        return [node.right]
    if isinstance(node, BinOp) and node.op in "+-*" and not (is_scalar(node.left) or is_scalar(node.right)):
        return [node.left, node.right]
    return None


def output_box(kernel: _Box, image: _Box, sign: int, mode: str) -> _Box:
    """symconv.core.ops.sliding_box (the rule ops crops by) on symbolic boxes."""
    return _dicts(sliding_box(_forms(kernel), _forms(image), sign, mode))


_NO_BOX = Unsupported("its box is not modelled")
# The box rule of each operation the general tier crops through (ops' rules on affine forms).
BOXES: dict[str, Callable[[Call, _UnfoldContext], _Box] | Unsupported] = dispatch_table(
    "the general tier's boxes",
    {name: _NO_BOX for name in OPERATIONS} | {"flip": _flip_box, "shift": _shift_box,
                                              "conv": _sliding_box, "corr": _sliding_box,
                                              "upsample": _upsample_box,
                                              "transpose": _transpose_box,
                                              "conj": _conj_box})


def form_text(form: Mapping[str, int]) -> str:
    parts = sorted((v, c) for v, c in form.items() if v != "1") + \
        ([("1", form["1"])] if form.get("1") else [])
    out = ""
    for k, (v, c) in enumerate(parts):
        sign = (" − " if k else "−") if c < 0 else (" + " if k else "")
        out += sign + (str(abs(c)) if v == "1" else v if abs(c) == 1 else f"{abs(c)}{v}")
    return out or "0"


def indicator_name(box: _Box) -> str:
    """``𝟙[lo..hi × ...]``, canonical: equal boxes give equal names."""
    return INDICATOR + "[" + " × ".join(f"{form_text(lo)}..{form_text(hi)}" for lo, hi in box) + "]"


def _unfold_cropped(node: Call, point: Index | None, ctx: _UnfoldContext, axes: Axes) -> Term:
    """``conv(a, b, mode, boundary)(x) = 𝟙_B(x)·Σ_i a(i)·b⟨boundary⟩(x − i)``, B the box of
    ``mode`` (valid mode reads b inside its box only: no extension)."""
    mode, boundary = mode_and_boundary(node)
    if point is None or not ctx.boxes or ctx.extension:
        raise NotApplicableError(f"{dsl_text(node)} is not modelled here")
    sign = OPERATIONS[node.func].sliding
    box = output_box(operand_box(node.args[0], ctx), operand_box(node.args[1], ctx), sign, mode)
    # at σ(p) (σ = axes, a one-axis flip or transpose around the crop), k = σ(j) as for conv
    var = next(ctx.names)
    ctx.created(var, axes)
    inner = Index.var(var)
    outer = point - inner if sign > 0 else point + inner
    kernel = _unfold(node.args[0], inner, ctx, axes)
    if boundary != "zero" and mode != "valid":
        # E(S) = S∘r_B, r_B the boundary's map of Z^d into S's box B: the same on each axis and
        # symmetric about the box, so E(flip(S))(p) = E(S)(flip(p)), likewise shift and transpose,
        # and E(S + T) = E(S) + E(T), E(S·T) = E(S)·E(T) for S and T on one box
        ctx.extension = boundary
        try:
            image = _unfold(node.args[1], outer, ctx, axes)
        finally:
            ctx.extension = ""
    else:
        image = _unfold(node.args[1], outer, ctx, axes)
    return Prod((indicator_atom(box, point, axes), Sigma((var,), Prod((kernel, image)))))


# the operations between a crop and the signal its boundary extends (conj acts on values)
_EXTENSION_COMMUTES = frozenset({"flip", "shift", "transpose", "conj"})


def _extension_commutes(node: Node, ctx: _UnfoldContext) -> bool:
    """Whether the extension of ``node`` is that of its operands at the moved points: a flip,
    shift, transpose or conj, minus or a number factor, a pointwise combination of operands
    on one box (the checker's ``extends``), a signal or a number."""
    parts = _combined(node)
    if parts is not None and len(parts) > 1:
        try:
            boxes = [operand_box(part, ctx) for part in parts]
        except NotApplicableError:
            return False
        return all(box == boxes[0] for box in boxes)
    return parts is not None or isinstance(node, Name | Number) or (
        isinstance(node, Call) and node.func in _EXTENSION_COMMUTES)


def indicator_atom(box: _Box, index: Index, axes: Axes = ()) -> Atom:
    """``𝟙_B(σ(L))`` in its one spelling: 𝟙_{B'}(L') with σ, the constant of L and the sign
    of its first coefficient moved into the box (σ(L) ∈ B iff L ∈ σ⁻¹(B); L + k ∈ B iff
    L ∈ B − k; −L ∈ B iff L ∈ −B; at a constant, B or −B, whichever name sorts first), so
    that equal indicators have equal atoms."""
    ndim = len(box)
    sigma = axes or tuple(range(1, ndim + 1))
    moved: _Box = [({}, {}) for _ in range(ndim)]
    for a, t in enumerate(sigma):  # σ(L)_a = s_a·L_|t|
        lo, hi = box[a]
        moved[abs(t) - 1] = (dict(lo), dict(hi)) if t > 0 else \
            (_form_add({}, hi, -1), _form_add({}, lo, -1))
    const = index.const or (0,) * ndim
    moved = [(_form_add(lo, {"1": -k}), _form_add(hi, {"1": -k}))
             for (lo, hi), k in zip(moved, const, strict=True)]
    linear = Index(index.coeffs)
    negated = [(_form_add({}, hi, -1), _form_add({}, lo, -1)) for lo, hi in moved]
    if linear.coeffs and linear.coeffs[0][1] < 0:
        linear, moved = -linear, negated
    elif not linear.coeffs:  # 0 ∈ B iff 0 ∈ −B: the name that sorts first
        return Atom(min(indicator_name(moved), indicator_name(negated)), linear)
    return Atom(indicator_name(moved), linear)


def normal_indicator(atom: Atom) -> Atom:
    """An indicator atom in the spelling of :func:`indicator_atom` (after a re-indexing)."""
    if not is_indicator(atom.signal):
        return atom
    return _respelled(atom)


# A pure function of an immutable atom, asked for the same atoms thousands of times by the
# canonical-form search (reading the box back from its name is most of its cost); bounded.
@lru_cache(maxsize=8192)
def _respelled(atom: Atom) -> Atom:
    return indicator_atom(indicator_box(atom.signal), atom.index, atom.axes)


_FORM_TERM = re.compile(r"\s*([+−-])?\s*(\d*)([A-Za-z_][A-Za-z0-9_]*)?")


def _parse_form(text: str) -> dict[str, int]:
    """The affine form :func:`form_text` wrote (RuleError unless it writes it back alike)."""
    form: dict[str, int] = {}
    position = 0
    while position < len(text):
        match = _FORM_TERM.match(text, position)
        if match is None or match.end() == position:
            raise RuleError(f"{text!r} is not an affine form of sizes")
        sign, count, symbol = match.groups()
        value = (-1 if sign in ("−", "-") else 1) * int(count or 1)
        if not count and not symbol:
            raise RuleError(f"{text!r} is not an affine form of sizes")
        form = _form_add(form, {symbol or "1": value})
        position = match.end()
    if text != "0" and form_text(form) != text:
        raise RuleError(f"{text!r} is not an affine form of sizes")
    return form


def indicator_box(signal: str) -> _Box:
    """The box of an indicator atom's name (:func:`indicator_name`)."""
    body = signal[len(INDICATOR) + 1:-1]
    box = []
    for axis in body.split(" × "):
        lo, hi = axis.split("..")
        box.append((_parse_form(lo), _parse_form(hi)))
    if indicator_name(box) != signal:
        raise RuleError(f"{signal} is not the name of a box indicator")
    return box


Rule = Callable[..., Expression]

# Every step of a derivation names one of these; replaying it must give its result.
RULES: dict[str, Rule] = {
    "unfold": unfold,
    "linearity": linearity,
    "reindex": reindex,
    "exchange": exchange,
    "rename": rename,
    "order": order,
    "orthogonality": orthogonality,
    "collapse": collapse,
    "idempotence": idempotence,
    "absorb": absorb,
    "fix": fix,
    "permute": permute,
    "permute_sums": permute_sums,
    "at_point": at_point,
    "divide": divide,
    "lattice": lattice,
    "numeric_period": numeric_period,
    "equal_periods": equal_periods,
}
