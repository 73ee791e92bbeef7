"""The general tier: derivations valid for all sizes (verdict PROVED).

Both sides of an ``==`` statement are unfolded into sums over Z^d of products
of signal values at affine indices, flattened by linearity, and brought to a
canonical form: in each term, the factors are visited in a fixed order and
each summation variable is re-indexed so that the next factor's index becomes
a plain variable (a bijection of Z^d: coefficient ±1), the sums are reordered
and the variables renamed.  Among all factor orders the smallest result is
kept, so two terms that differ by a re-indexing meet.

Statements built from circular operations (circconv, circcorr, dft, idft without
explicit sizes; names, conj, flip, shift, pointwise products, sum, frobenius, the
size functions and linear combinations) are proved on Z_n^d for every n instead:
signals of one shape n read modulo n, sums over Z_n^d, powers of ω = exp(−2πi/n)
multiplied by adding exponents, and the orthogonality of characters,
Σ_{k∈Z_n^d} ω^(k·L) = N·[L ≡ 0] (N = numel), after which the indicator fixes
another variable.  That covers the convolution, correlation and product
theorems, DFT inversion and Parseval/Plancherel.  Whether that model is the
statement's meaning at the declared sizes is read from the boxes :mod:`symconv.core.ops`
gives (:func:`periods_fit`).

A verdict is PROVED only when (1) the two canonical forms are identical, (2) the
independent checker :mod:`symconv.prove.checker` accepts the certificate (each
term's re-indexing map with its inverse, the orthogonality steps:
:attr:`Derivation.certificate`, also in the JSON output), (3) the claim holds at
its declared sizes by the exact tier's comparison (:func:`backstop`) and (4) the
normal form agrees with the statement at small sizes (:func:`recheck`).  Anything
short of that returns None, and the exact tier takes over; None does not say the
statement is false.  One-axis flips and transposes are an atom at a signed permutation σ
of its index; around a sum, the summation variable k = σ(j) is re-indexed with them
(``flip(conv(a, b), 0) == conv(flip(a, 0), flip(b, 0))``), and a sum whose atoms use its
variable alone is re-indexed by the signed permutation that brings one of them to the
identity (``sum(flip(a, 1)) == sum(a)``, ``trace(transpose(a) @ b) == frobenius(a, b)``:
trace(a @ b) is one sum over Z^2).  A signal with concrete entries (a literal or named
kernel) is first kept symbolic (a law for every such signal); when the forms differ, it
is unfolded into Σ_c v_c·[p − c = 0] over its non-zero entries, each indicator fixes a
summation variable, and the law is proved for all sizes of the other signals, the
concrete ones fixed as given (``conv(G, I) == corr(G, I)`` for a centrosymmetric G).

Modes and boundaries (:func:`symbolic_boxes`): every signal gets a symbolic box per
axis, origin o (or the declared one) and size n; ops' crop boxes are affine in those,
and a crop multiplies the full sum by the indicator 𝟙_B(x) of its box, so two crops meet
when their affine forms are equal.  A boundary other than zero reads the image through
its extension I⟨b⟩ (one function on Z^d, shared by both sides).  The proof holds for all
sizes and origins, valid mode where it is defined (the kernel fits); when the sides meet
only if signals declared alike share sizes (the CNN valid layers), the scope says so.  A
signal with concrete entries has its box at the origin it is built with, its size kept a
symbol (``conv(G, I, mode="same") == corr(G, I, mode="same")`` for a centrosymmetric G).

Zeropad to a length that follows the sizes (:func:`padded_period`): with N the common
zeropad length (``len(a) + len(b) - 1``), both sides are read on Z_N^d (zeropad(a, N) as
a, conv as the circular convolution) and each must lie on [0, N)^d, decided by linear
arithmetic on the sizes.

When both sides reach canonical forms that differ, the statement is no identity of the
model and :func:`not_an_identity` looks for a counterexample: at the declared sizes
(REFUTED), then at small undeclared sizes (VERIFIED at the declared sizes, with a
warning naming the failing size: the declared sizes decide).  A term free of the point x
may also have one signed permutation applied to all its sums at once.  Not covered:
one-axis flips and transposes inside a crop; concrete entries in a padded statement or on
Z_n^d, or in a crop that needs the concrete kernel's size (full mode with a boundary);
trace of anything but a matrix product; @ outside trace; signed permutations of sums in a
term that uses x; zeropad other than to one length that follows the sizes; explicit
periods or DFT sizes; stride and dilation; ``!=`` statements.

The API the reports use: :class:`Derivation` (``steps``, ``text()``,
``latex()``, ``_repr_latex_``) made of :class:`Step` records (``before``,
``after``, ``rule``, ``justification``, ``justification_latex``); every
expression has ``text()`` and ``latex()``.

>>> from symconv.lang.claims import claim_from_text
>>> from symconv.prove import Budget
>>> claim = claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"})
>>> result = attempt(claim, Budget(10))
>>> result.verdict.value, [s.rule for s in result.derivation.steps]
('PROVED', ['unfold', 'reindex', 'rename', 'order', 'unfold'])
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.core.algebra import Polynomial
from symconv.core.ops import periodize
from symconv.core.show import MAX_STEPS_SHOWN, condensed_steps, latex_escape
from symconv.core.signal import Signal
from symconv.errors import ShapeError, SymconvError
from symconv.lang.dsl import (
    FUNCTIONS,
    BinOp,
    Call,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    Str,
    integer_value,
    parse_statement,
    walk,
)
from symconv.lang.dsl import names as names_in
from symconv.prove import checker
from symconv.prove.evaluate import ExactBackend, evaluate
from symconv.prove.rules import (
    DEFINITIONS,
    DEFINITIONS_LATEX,
    LITERAL_DEFINITION,
    LITERAL_DEFINITION_LATEX,
    RULES,
    DslSide,
    RuleError,
    SizeForm,
    _UnfoldContext,
    atom_key,
    box_of,
    can_permute,
    conjugate_name,
    definitions_used,
    form_text,
    free_variables,
    fresh_names,
    is_indicator,
    is_scalar,
    linearity,
    mentions_torus,
    mode_and_boundary,
    on_padded_torus,
    on_torus,
    order,
    unfold,
    unfold_correspondence,
)
from symconv.prove.rules import at_point as at_point_rule
from symconv.prove.rules import collapse as collapse_rule
from symconv.prove.rules import exchange as exchange_rule
from symconv.prove.rules import fix_one as fix_one_rule
from symconv.prove.rules import idempotence as idempotence_rule
from symconv.prove.rules import orthogonality as orthogonality_rule
from symconv.prove.rules import permute as permute_rule
from symconv.prove.rules import permute_sums as permute_sums_rule
from symconv.prove.rules import reindex as reindex_rule
from symconv.prove.rules import rename as rename_rule
from symconv.prove.sums import (
    FREE_VARIABLE,
    Expression,
    Index,
    LinearForm,
    Monomial,
    evaluate_at,
    same_expression,
    tabulate,
)
from symconv.prove.verdict import Budget, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

METHOD = "general"
# Factor orders tried per term: all permutations up to this many factors.
MAX_FACTORS = 6
# Sides per axis of the symbolic signals in the concrete re-checks.
RECHECK_SIDES = ((2, 1, 2), (1, 2, 3))
# circular claims: all signals of one shape n (2 then 3 per axis, alternating in 2D and up)
RECHECK_TORUS_SIDES = ((2, 3), (3, 2))
# The backstop at the declared sizes is symbolic up to this many entries, then numeric.
BACKSTOP_SYMBOLIC_ENTRIES = 64

RULE_TITLES = {
    "unfold": "definition",
    "linearity": "linearity",
    "reindex": "re-indexing",
    "exchange": "exchange of finite sums",
    "rename": "renaming bound variables",
    "order": "canonical order",
    "orthogonality": "orthogonality",
    "collapse": "summing an indicator",
    "idempotence": "an indicator squared is itself",
    "fix": "summing an indicator",
    "permute": "re-indexing",
    "permute_sums": "re-indexing",
    "at_point": "evaluating at a point",
}


@dataclass(frozen=True)
class Step:
    """One equality ``before = after`` obtained by ``rule`` with ``params``.

    ``reversed`` marks a step of the right-hand side read backwards: the rule
    rewrote ``after`` into ``before``.
    """

    before: Expression | DslSide
    after: Expression | DslSide
    rule: str
    justification: str
    justification_latex: str
    params: Mapping[str, Any] = field(default_factory=dict)
    reversed: bool = False

    def backwards(self) -> Step:
        """The same equality read from right to left."""
        text, latex = self.justification, self.justification_latex
        if self.rule == "rename":
            text, latex = _rename_note({new: old for old, new in self.params["mapping"].items()})
        return Step(self.after, self.before, self.rule, text, latex, self.params,
                    not self.reversed)

    def replay(self) -> bool:
        """Whether applying the rule again gives the recorded result."""
        source, target = (self.after, self.before) if self.reversed else (self.before, self.after)
        try:
            return RULES[self.rule](source, **self.params) == target
        except RuleError:
            return False


@dataclass
class Derivation:
    """A machine-checked proof that a statement's two sides are equal for all sizes.

    ``steps`` is the chain of equalities from the left side to the right side
    (each :class:`Step` has ``before``, ``after``, ``rule``, ``justification``);
    ``left_steps`` and ``right_steps`` rewrite each side into the common
    ``canonical`` form.  ``text()`` and ``latex()`` render it as a proof.
    """

    statement: str
    left_steps: list[Step]
    right_steps: list[Step]
    canonical: LinearForm
    # True: an identity on Z_n^d for every n (circular operations on signals of shape n)
    torus: bool = False
    rechecked: list[dict[str, tuple[int, ...]]] = field(default_factory=list)
    # the witnesses the independent checker re-verifies (see symconv.prove.checker), and
    # what it needs besides the statement: each signal's number of axes, the real ones
    certificate: dict[str, Any] = field(default_factory=dict)
    ndims: Mapping[str, int] = field(default_factory=dict)
    real: frozenset[str] = frozenset()
    # modes and boundaries: each signal's declared (shape, origin) specs, for the checker's
    # symbolic boxes, and the scope of the proof (empty: the plain Z^d or Z_n^d scope)
    declared: Mapping[str, tuple[tuple[tuple[int, ...], tuple[int, ...] | None], ...]] = \
        field(default_factory=dict)
    scope: str = ""
    # signals with concrete entries that the derivation unfolded into their entries (the
    # statement is then proved for all sizes of the other signals, these fixed as given)
    literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] = field(default_factory=dict)

    @property
    def steps(self) -> list[Step]:
        return _without_detours(self.left_steps + [s.backwards() for s in reversed(self.right_steps)])

    def expressions(self) -> list[Expression | DslSide]:
        """Every expression of the chain, left side first, right side last."""
        chain = self.steps
        return [chain[0].before] + [s.after for s in chain] if chain else []

    def check(self) -> bool:
        """Whether the independent checker accepts the certificate for the statement."""
        try:
            checker.check(parse_statement(self.statement), self.ndims, self.real, self.certificate,
                          self.declared or None, self.literals)
        except checker.CertificateError:
            return False
        return True

    def replay(self) -> bool:
        """Replay every step with its rule and check that consecutive steps link up (a
        consistency check of the readable chain; :meth:`check` is what makes it a proof)."""
        chain = self.steps
        linked = all(_linked(a.after, b.before) for a, b in itertools.pairwise(chain))
        ends = all(_linked(side[-1].after, self.canonical)
                   for side in (self.left_steps, self.right_steps))
        return linked and ends and all(s.replay() for s in chain)

    def scope_text(self, default: str) -> str:
        """What the proof covers: the modes' or padded scope, else ``default``; signals with
        concrete entries the derivation unfolded are fixed as given."""
        if not self.literals:
            return self.scope or default
        fixed = f"{', '.join(sorted(self.literals))} fixed as given (entries and origin)"
        if self.scope:
            return f"{self.scope}; {fixed}"
        others = sorted(set(self.ndims) - set(self.literals))
        return (f"for all sizes of {', '.join(others)}; " if others else "") + fixed

    def text(self) -> str:
        chain = self.steps
        scope = self.scope_text("for all n and d: signals of shape n, read modulo n" if self.torus
                                else "for all d, all finite supports")
        lines = [f"Claim: {self.statement}  ({scope})",
                 f"    {chain[0].before.text()}"]
        for step in chain:
            lines.append(f"  = {step.after.text()}")
            lines.append(f"      [{RULE_TITLES[step.rule]}: {step.justification}]")
        lines.append("The two sides are equal.  ∎")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def latex(self) -> str:
        """An ``align*`` environment: one line per step, the rule on the right."""
        chain = self.steps
        rows = [rf"&{chain[0].before.latex()} \\"]
        for step in chain:
            note = rf"\text{{{RULE_TITLES[step.rule]}: {step.justification_latex}}}"
            rows.append(rf"&= {step.after.latex()} && {note} \\")
        return "\\begin{align*}\n" + "\n".join(rows) + "\n\\end{align*}"

    def _latex(self, printer: Any = None) -> str:
        return self.latex()

    def _repr_latex_(self) -> str:
        return self.latex()

    def condensed_latex(self, condensed: bool = True) -> str:
        """An ``aligned`` block (usable inside ``$$ $$``, unlike :meth:`latex`): one line
        per step, the rule on the right, the middle elided past ``MAX_STEPS_SHOWN`` steps."""
        chain = self.steps
        if not chain:
            return rf"\text{{{latex_escape(self.statement)}}}"
        rows = [rf"&{chain[0].before.latex()}"]
        for step in condensed_steps(chain) if condensed else chain:
            if step is None:
                rows.append(rf"&\;\;\vdots && \text{{({len(chain) - MAX_STEPS_SHOWN} more steps)}}")
                continue
            note = rf"\text{{{RULE_TITLES[step.rule]}: {step.justification_latex}}}"
            rows.append(rf"&= {step.after.latex()} && {note}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_html_(self) -> str:
        return (f"<div><b>Derivation</b> ({len(self.steps)} steps)"
                f"<div>$$\n{self.condensed_latex()}\n$$</div></div>")

    def __repr__(self) -> str:
        return f"<Derivation {self.statement}: {len(self.steps)} steps>"


def _without_detours(chain: list[Step]) -> list[Step]:
    """The chain with every stretch that returns to an expression already reached cut out
    (e.g. renaming i -> j on one side and j -> i on the other)."""
    kept: list[Step] = []
    for step in chain:
        # (never back to the statement itself: "X == X" keeps its two unfold steps)
        back = next((k for k, s in enumerate(kept) if k > 0 and _linked(s.before, step.after)), None)
        if back is not None:
            del kept[back:]
            continue
        kept.append(step)
    return kept


def _linked(a: Expression | DslSide, b: Expression | DslSide) -> bool:
    if isinstance(a, DslSide) or isinstance(b, DslSide):
        return a == b
    return same_expression(a, b)


def _rename_note(mapping: Mapping[str, str]) -> tuple[str, str]:
    text = ", ".join(f"{old} → {new}" for old, new in mapping.items())
    latex = ", ".join(rf"${old} \to {new}$" for old, new in mapping.items())
    return text, latex


# --- search ----------------------------------------------------------------------------

def side_steps(side: DslSide) -> tuple[list[Step], LinearForm]:
    """Steps rewriting one side into canonical form, and that form; RuleError if some
    step does not apply.  The steps after ``linearity`` rewrite its flat form term by term
    (their ``monomial`` parameter), which is what :func:`certificate_side` reads."""
    unfolded = unfold(side)
    used = definitions_used(side.node)
    if side.padded:  # the size functions are in zeropad lengths: N, not the size of Z_n
        used = [f for f in used if f not in ("len", "size", "numel")]
    concrete = {name for name, _ in side.literals}
    entries = any(isinstance(n, Name) and n.id in concrete for n in walk(side.node))
    notes = [DEFINITIONS[f] for f in used] + ([LITERAL_DEFINITION] if entries else [])
    notes_latex = [DEFINITIONS_LATEX[f] for f in used] + \
        ([LITERAL_DEFINITION_LATEX] if entries else [])
    steps = [Step(side, unfolded, "unfold", "; ".join(notes) or "a signal at a point",
                  "; ".join(notes_latex) or "a signal at a point")]
    form = linearity(unfolded)
    if not same_expression(form, unfolded):
        note = "pull constants and finite sums out of products, split sums over +"
        steps.append(Step(unfolded, form, "linearity", note, note))
    if not side.torus and any(mono.points for mono in form.monomials):
        form = _at_point_steps(_fix_steps(form, steps), steps)
    for number in range(len(form.monomials)):
        if side.torus:
            form = _orthogonality_steps(form, number, steps)
        else:
            form = _permute_steps(form, number, steps, side.ndim)
        while any(is_indicator(a.signal) for a in form.monomials[number].atoms):
            try:
                deduped = idempotence_rule(form, number)
            except RuleError:
                break
            note = "𝟙_B(y)·𝟙_B(y) = 𝟙_B(y) (one output box, reached twice)"
            steps.append(Step(form, deduped, "idempotence", note, note, {"monomial": number}))
            form = deduped
        for rule, params, why, why_latex in _canonical_moves(form.monomials[number], form):
            after = RULES[rule](form, monomial=number, **params)
            steps.append(Step(form, after, rule, why, why_latex, {"monomial": number, **params}))
            form = after  # type: ignore[assignment]
    final = order(form)
    if final != form:
        note = "commute factors, collect like terms, sort terms"
        steps.append(Step(form, final, "order", note, note))
    return steps, final


def _orthogonality_steps(form: LinearForm, number: int, steps: list[Step]) -> LinearForm:
    """Sum out, by character orthogonality, every variable of term ``number`` that only the
    phase uses, and let each indicator it leaves fix another variable (appending the steps);
    RuleError when an indicator on summation variables remains."""
    while True:
        mono = form.monomials[number]
        for var in mono.variables:
            try:
                after = orthogonality_rule(form, number, var)
            except RuleError:
                continue
            level = after.monomials[number].deltas[-1]
            why = (f"Σ_{{{var}∈Z_n^d}} ω^({var}·({level.text()})) = N·[{level.text()} ≡ 0], "
                   f"N = n_1⋯n_d (orthogonality of characters)")
            why_latex = (rf"$\sum_{{{var} \in \mathbb{{Z}}_n^d}} \omega^{{{var} \cdot ({level.latex()})}}"
                         rf" = N\,[{level.latex()} \equiv 0]$ (orthogonality of characters)")
            steps.append(Step(form, after, "orthogonality", why, why_latex,
                              {"monomial": number, "var": var}))
            form = after
            fixed = next((v for v in form.monomials[number].variables if abs(level.coeff(v)) == 1),
                         None)
            if fixed is not None:
                after = collapse_rule(form, number, fixed)
                why = (f"the indicator fixes {fixed} in Z_n^d (the summand is n-periodic in "
                       f"{fixed})")
                why_latex = (rf"the indicator fixes ${fixed}$ in $\mathbb{{Z}}_n^d$ (the summand is"
                             rf" $n$-periodic in ${fixed}$)")
                steps.append(Step(form, after, "collapse", why, why_latex,
                                  {"monomial": number, "var": fixed}))
                form = after
            break
        else:
            mono = form.monomials[number]
            if any(set(d.variables()) & set(mono.variables) for d in mono.deltas):
                raise RuleError("an indicator on summation variables remains")
            return form


def _fix_steps(form: LinearForm, steps: list[Step]) -> LinearForm:
    """Let the indicators [L = 0] (entries of a concrete signal) fix summation variables, in
    every term, while one has coefficient ±1 in an indicator (one step for all terms)."""
    moves: list[tuple[int, str]] = []
    after = form
    for number in range(len(form.monomials)):
        while True:
            mono = after.monomials[number]
            var = next((v for v in mono.variables
                        if any(abs(p.coeff(v)) == 1 for p in mono.points)), None)
            if var is None:
                break
            after = fix_one_rule(after, number, var)
            moves.append((number, var))
    if not moves:
        return form
    fixed = ", ".join(dict.fromkeys(v for _, v in moves))
    why = f"each indicator fixes its variable ({fixed}) in Z^d: Σ_v [v − c = 0]·F(v) = F(c)"
    why_latex = (rf"each indicator fixes its variable (${fixed}$) in $\mathbb{{Z}}^d$: "
                 r"$\sum_v [v - c = 0]\, F(v) = F(c)$")
    steps.append(Step(form, after, "fix", why, why_latex, {"moves": tuple(moves)}))
    return after


def _at_point_steps(form: LinearForm, steps: list[Step]) -> LinearForm:
    """In every term, the first indicator [±x + k = 0] on the free point alone fixes x in the
    term's other factors (one step for all terms)."""
    moves = []
    for number, mono in enumerate(form.monomials):
        eligible = (k for k, p in enumerate(mono.points) if p.variables() == {FREE_VARIABLE}
                    and abs(p.coeff(FREE_VARIABLE)) == 1)
        first = next(eligible, None)
        if first is not None and (any(FREE_VARIABLE in a.index.variables() for a in mono.atoms)
                                  or len(mono.points) > 1):
            moves.append((number, first))
    if not moves:
        return form
    after = at_point_rule(form, tuple(moves))
    why = f"[{FREE_VARIABLE} = p]·F({FREE_VARIABLE}) = [{FREE_VARIABLE} = p]·F(p)"
    why_latex = rf"$[{FREE_VARIABLE} = p]\, F({FREE_VARIABLE}) = [{FREE_VARIABLE} = p]\, F(p)$"
    steps.append(Step(form, after, "at_point", why, why_latex, {"moves": tuple(moves)}))
    return after


def _permute_steps(form: LinearForm, number: int, steps: list[Step], ndim: int) -> LinearForm:
    """For each summation variable that term ``number`` uses only as ±var + k in its atoms
    (:func:`~symconv.prove.rules.can_permute`), re-index var = σ(var) by the signed
    permutation that takes one such atom's axes to the identity, the one giving the
    smallest atoms (the candidates are those of every atom, so equal terms meet)."""
    for var in form.monomials[number].variables:
        mono = form.monomials[number]
        if ndim < 2 or not can_permute(mono, var):
            continue
        users = [a for a in mono.atoms if var in a.index.variables()]
        best: tuple[Any, ...] | None = None
        best_form, best_axes = form, tuple[int, ...]()
        for axes in sorted({_inverse_axes(a.axes) for a in users}):
            after = permute_rule(form, number, var, axes or tuple(range(1, ndim + 1)), ndim)
            key = tuple(sorted((a.signal, a.axes, a.index.coeff(var))
                               for a in after.monomials[number].atoms
                               if var in a.index.variables()))
            if best is None or key < best:
                best, best_form, best_axes = key, after, axes
        if best_axes:
            shown = ", ".join(f"−{-t}" if t < 0 else str(t) for t in best_axes)
            why = (f"substitute {var} = σ({var}) with σ = ({shown}) (a signed permutation of "
                   f"the axes), a bijection of Z^d")
            why_latex = (rf"substitute ${var} = \sigma({var})$ with $\sigma = ({shown})$ (a "
                         rf"signed permutation of the axes), a bijection of $\mathbb{{Z}}^d$")
            steps.append(Step(form, best_form, "permute", why, why_latex,
                              {"monomial": number, "var": var, "axes": best_axes,
                               "ndim": ndim}))
            form = best_form
    return _permute_all_steps(form, number, steps, ndim)


def _permute_all_steps(form: LinearForm, number: int, steps: list[Step], ndim: int) -> LinearForm:
    """A term whose atoms use summation variables only (a scalar side): re-index every sum
    v = σ(v) at once, σ taking one atom's axes to the identity, the smallest result kept."""
    mono = form.monomials[number]
    if ndim < 2 or mono.torus or mono.points or not mono.variables or \
            any(not a.index.variables() <= set(mono.variables) for a in mono.atoms):
        return form
    best: tuple[Any, ...] | None = None
    best_form, best_axes = form, tuple[int, ...]()
    for axes in sorted({_inverse_axes(a.axes) for a in mono.atoms}):
        after = permute_sums_rule(form, number, axes or tuple(range(1, ndim + 1)), ndim)
        key = tuple(sorted((a.signal, a.axes) for a in after.monomials[number].atoms))
        if best is None or key < best:
            best, best_form, best_axes = key, after, axes
    if not best_axes:
        return form
    shown = ", ".join(f"−{-t}" if t < 0 else str(t) for t in best_axes)
    names = ", ".join(mono.variables)
    why = (f"substitute v = σ(v) for every v of {names}, σ = ({shown}) (a signed permutation "
           f"of the axes), a bijection of Z^d")
    why_latex = (rf"substitute $v = \sigma(v)$ for every $v$ of ${names}$, $\sigma = ({shown})$"
                 rf" (a signed permutation of the axes), a bijection of $\mathbb{{Z}}^d$")
    steps.append(Step(form, best_form, "permute_sums", why, why_latex,
                      {"monomial": number, "axes": best_axes, "ndim": ndim}))
    return best_form


def _inverse_axes(axes: tuple[int, ...]) -> tuple[int, ...]:
    """σ⁻¹ of a signed permutation (() the identity): σ(p)_a = s_a·p_|σ_a|."""
    inverse = [0] * len(axes)
    for a, t in enumerate(axes):
        inverse[abs(t) - 1] = (a + 1) * (1 if t > 0 else -1)
    return tuple(inverse)


def _canonical_moves(mono: Monomial, form: LinearForm) -> list[Move]:
    """The re-indexings, exchange and renaming that bring one term to canonical form."""
    if len(mono.atoms) > MAX_FACTORS:
        raise RuleError(f"{len(mono.atoms)} factors: too many orders to try")
    used = {v for m in form.monomials for a in m.atoms for v in a.index.variables()}
    used |= {v for m in form.monomials for v in m.variables}
    used |= {v for m in form.monomials for v in free_variables(m)}
    best: tuple[Any, ...] | None = None
    best_moves: list[Move] = []
    for factor_order in itertools.permutations(range(len(mono.atoms))):
        attempt_moves = _pivot(mono, factor_order, used)
        if attempt_moves is None:
            continue
        result, moves = attempt_moves
        key = (tuple(sorted(atom_key(a) for a in result.atoms)), result.phase.quadratic,
               result.phase.linear, result.phase.constant,
               tuple(sorted((p.coeffs, p.const) for p in result.points)))
        if best is None or key < best:
            best, best_moves = key, moves
    if best is None:
        raise RuleError(f"no factor order re-indexes {mono.as_term().text()}")
    return best_moves


Move = tuple[str, dict[str, Any], str, str]  # rule, params, justification (text, LaTeX)


def _pivot(mono: Monomial, factor_order: tuple[int, ...],
           used: set[str]) -> tuple[Monomial, list[Move]] | None:
    """Re-index so that the factors, in ``factor_order``, get plain variable indices."""
    form = LinearForm((mono,))
    remaining = list(mono.variables)
    pivots: list[str] = []
    moves: list[Move] = []
    names = fresh_names(used)
    for position in factor_order:
        if not remaining:
            break
        index = form.monomials[0].atoms[position].index
        var = next((v for v in remaining if abs(index.coeff(v)) == 1), None)
        if var is None:
            continue
        remaining.remove(var)
        if index == Index.var(var):
            pivots.append(var)
            continue
        new_var = next(names)
        rest = index.substitute(var, Index())
        inverse = (Index.var(new_var) - rest).scaled(index.coeff(var))
        # on Z_n^d the summand is n-periodic in each variable (signals read mod n, ω^n = 1)
        group, group_latex = ("Z_n^d (the summand is n-periodic: ω^n = 1)",
                              r"$\mathbb{Z}_n^d$ (the summand is $n$-periodic: $\omega^n = 1$)") \
            if mono.torus else ("Z^d", r"$\mathbb{Z}^d$")
        why = (f"substitute {new_var} = {index.text()}, i.e. {var} = {inverse.text()}, "
               f"a bijection of {group}")
        why_latex = (rf"substitute ${new_var} = {index.latex()}$, i.e.\ ${var} = {inverse.latex()}$,"
                     rf" a bijection of {group_latex}")
        params: dict[str, Any] = {"var": var, "new_var": new_var, "image": index}
        form = reindex_rule(form, 0, var, new_var, index)
        moves.append(("reindex", params, why, why_latex))
        pivots.append(new_var)
    if remaining:
        return None
    current = form.monomials[0]
    if tuple(pivots) != current.variables:
        order_params = {"order": tuple(pivots)}
        form = exchange_rule(form, 0, **order_params)
        note = "the sums are finite, so their order may be exchanged"
        moves.append(("exchange", order_params, note, note))
    canonical = dict(zip(pivots, fresh_names(set()), strict=False))
    mapping = {old: new for old, new in canonical.items() if old != new}
    if mapping:
        form = rename_rule(form, 0, mapping)
        moves.append(("rename", {"mapping": mapping}, *_rename_note(mapping)))
    return form.monomials[0], moves


def derive(claim: Claim) -> Derivation | None:
    """A derivation of the claim's statement, or None when none is found."""
    return compare(claim)[0]


def compare(claim: Claim) -> tuple[Derivation | None, tuple[LinearForm, LinearForm] | None]:
    """A derivation of the claim's statement, or the two different canonical forms both
    sides reach (the statement is then not an identity of the model), or (None, None) when
    a side cannot be brought to canonical form.

    A claim with signals of concrete entries is first derived with those signals symbolic
    (a law for every such signal); when the forms differ there, their entries are unfolded
    (:data:`~symconv.prove.rules.LITERAL_DEFINITION`): a law for all sizes of the others.
    """
    derivation, forms = _compare(claim, {})
    literals = _literal_entries(claim) if derivation is None else {}
    if literals:
        with_entries = _compare(claim, literals)
        if with_entries != (None, None):
            return with_entries
    return derivation, forms


def _literal_entries(claim: Claim) -> dict[str, tuple[tuple[tuple[int, ...], Fraction], ...]]:
    """The signals declared with one set of rational entries: their non-zero entries in the
    order of the coordinates."""
    found = {}
    for name, specs in claim.signals.items():
        if len(specs) != 1 or specs[0].is_symbolic:
            continue
        signal = specs[0].build(name)
        entries = []
        for coord in sorted(signal.coordinates()):
            value = _as_polynomial(signal.value_at(coord))
            if not value.is_constant():
                break
            try:
                number = Fraction(str(value.constant_value()))
            except ValueError:
                break  # not rational (a complex entry): left symbolic
            if number:
                entries.append((tuple(coord), number))
        else:
            found[name] = tuple(entries)
    return found


def _compare(claim: Claim, literals: Mapping[str, tuple[tuple[tuple[int, ...], Fraction], ...]]
             ) -> tuple[Derivation | None, tuple[LinearForm, LinearForm] | None]:
    statement = claim.statement
    if statement is None or statement.op != "==":
        return None, None
    signal = not is_scalar(statement.left)
    if signal == is_scalar(statement.right):
        return None, None
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    ndim = max(ndims.values())
    torus = len(set(ndims.values())) == 1 and on_torus(statement.left, ndim) and \
        on_torus(statement.right, ndim) and (mentions_torus(statement.left)
                                             or mentions_torus(statement.right))
    if torus and not all(periods_fit(statement.left, assignment)
                         and periods_fit(statement.right, assignment)
                         for assignment in claim.assignments()):
        return None, None
    if torus and literals:
        return None, None  # concrete entries are unfolded on Z^d only
    real = frozenset(name for name, specs in claim.signals.items() if all(s.real for s in specs))
    if not literals:
        padded = _padded_derivation(claim, statement, signal, ndims, real)
        if padded is not None:
            return padded, None
    used = names_in(statement)
    entries = tuple((name, literals[name]) for name in sorted(literals) if name in used)
    modes = not torus and (uses_modes(statement.left) or uses_modes(statement.right))
    declared = _declared_boxes(claim) if modes else {}
    # modes: first every signal with sizes of its own, then signals declared alike share them
    ties = (False, True) if modes and len(set(declared.values())) < len(declared) else (False,)
    forms = None
    for tied in ties:
        boxes = symbolic_boxes(declared, tied) if modes else ()
        sides = [DslSide(node, signal, torus, real, ndim, boxes=boxes, literals=entries)
                 for node in (statement.left, statement.right)]
        if tied is False and len(ties) > 1 and not _may_meet(*sides):
            continue  # different boxes on the two sides: only shared sizes can make them meet
        try:
            left, left_form = side_steps(sides[0])
            right, right_form = side_steps(sides[1])
        except RuleError:
            return None, None
        if left_form == right_form:
            break
        forms = (left_form, right_form)
    else:
        return None, forms
    try:
        cert: dict[str, Any] = {"model": "Z_n^d" if torus else "Z^d",
                                "sides": [certificate_side(left, ndims, statement.left),
                                          certificate_side(right, ndims, statement.right)],
                                "normal_form": left_form.text()}
    except RuleError:
        return None, None
    if entries:
        cert["literals"] = [name for name, _ in entries]
    concrete = {name: dict(values) for name, values in entries}
    if not modes:
        return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                          ndims=ndims, real=real, literals=concrete), None
    cert["tied"] = tied
    cert["declared"] = _declared_json(declared)  # what the checker reads besides the statement
    return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                      ndims=ndims, real=real, declared=declared, literals=concrete,
                      scope=modes_scope(statement, declared, tied)), None


# --- zeropad lengths that follow the sizes: Z_N^d with N the padded length -----------------

def _padded_derivation(claim: Claim, statement: Statement, signal: bool, ndims: Mapping[str, int],
                       real: frozenset[str]) -> Derivation | None:
    """A derivation on Z_N^d, N the common zeropad length (a size expression), when both sides
    are functions on [0, N)^d equal to their reading mod N (see :func:`padded_period`)."""
    ndim = max(ndims.values())
    declared = {name: tuple((s.shape, s.origin) for s in specs)
                for name, specs in claim.signals.items() if all(s.is_symbolic for s in specs)}
    if not signal or len(set(ndims.values())) != 1 or declared.keys() != ndims.keys() or not (
            on_padded_torus(statement.left, ndim) and on_padded_torus(statement.right, ndim)):
        return None
    period = padded_period(statement, declared)
    if period is None:
        return None
    try:
        left, left_form = side_steps(DslSide(statement.left, True, True, real, ndim, padded=True))
        right, right_form = side_steps(DslSide(statement.right, True, True, real, ndim,
                                               padded=True))
    except RuleError:
        return None
    if left_form != right_form:
        return None
    cert: dict[str, Any] = {"model": "Z_n^d", "padded": True, "tied": False,
                            "declared": _declared_json(declared),
                            "sides": [certificate_side(left, ndims, statement.left),
                                      certificate_side(right, ndims, statement.right)],
                            "normal_form": left_form.text()}
    lengths = ", ".join(form_text(n) for n in period)
    scope = (f"for all sizes n ≥ 1 of the signals (origins as declared), N = ({lengths}) the "
             f"zeropad length that follows them: both sides read modulo N agree, and each lies "
             f"on [0, N) (every zeropad fits)")
    return Derivation(statement.text, left, right, left_form, True, certificate=cert,
                      ndims=ndims, real=real, declared=declared, scope=scope)


def _declared_boxes(claim: Claim) -> dict[str, tuple[tuple[tuple[int, ...], tuple[int, ...] | None], ...]]:
    """Each signal's declared (shape, origin) specs for the symbolic boxes: a symbolic signal's
    origin as declared (None: any), a signal with concrete entries at the origin it is built
    with (its size stays a symbol: a law for every size is one for its own)."""
    declared = {}
    for name, specs in claim.signals.items():
        if all(s.is_symbolic for s in specs):
            declared[name] = tuple((s.shape, s.origin) for s in specs)
        elif len(specs) == 1:
            signal = specs[0].build(name)
            declared[name] = ((tuple(signal.shape), tuple(signal.origin)),)
    return declared


def _declared_json(declared: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {name: [{"shape": list(shape), "origin": None if origin is None else list(origin)}
                   for shape, origin in specs] for name, specs in declared.items()}


def _size_form(node: Node, ndims: Mapping[str, int]) -> dict[str, int] | None:
    """A zeropad length as an affine form in the size symbols of :func:`symbolic_boxes`."""
    value = integer_value(node)
    if value is not None:
        return {"1": value} if value else {}
    if isinstance(node, Call) and node.func in ("len", "size") and isinstance(node.args[0], Name):
        name = node.args[0].id
        axis = integer_value(node.args[1]) if node.func == "size" else 0
        if axis is None or name not in ndims or not 0 <= axis < ndims[name]:
            return None
        return {f"n_{name}{axis + 1}" if ndims[name] > 1 else f"n_{name}": 1}
    if isinstance(node, Neg):
        inner = _size_form(node.operand, ndims)
        return None if inner is None else {v: -c for v, c in inner.items()}
    if isinstance(node, BinOp) and node.op in "+-*":
        left, right = _size_form(node.left, ndims), _size_form(node.right, ndims)
        if left is None or right is None:
            return None
        if node.op == "*":
            factor, form = (left, right) if set(left) <= {"1"} else (right, left)
            if not set(factor) <= {"1"}:
                return None
            return {v: c * factor.get("1", 0) for v, c in form.items() if c * factor.get("1", 0)}
        total = dict(left)
        for v, c in right.items():
            total[v] = total.get(v, 0) + (c if node.op == "+" else -c)
        return {v: c for v, c in total.items() if c}
    return None


def nonnegative_for_all_sizes(form: Mapping[str, int]) -> bool:
    """Whether an affine form is ≥ 0 for every size n ≥ 1 and every origin o (exact: the
    symbols are independent)."""
    if any(c and not v.startswith("n_") and v != "1" for v, c in form.items()):
        return False
    return all(c >= 0 for v, c in form.items() if v != "1") and sum(form.values()) >= 0


def padded_period(statement: Statement, declared: Mapping[str, Any]) -> list[dict[str, int]] | None:
    """N per axis when every zeropad of the statement has the lengths N, every zeropad fits
    (N ≥ the signal's size), and each side is a function on [0, N)^d equal to its reading
    mod N: a circular operation of signals on [0, N)^d (zeropad of a signal at origin 0, or
    circular results), or an expression whose box lies in [0, N)^d."""
    ndims = {name: len(specs[0][0]) for name, specs in declared.items()}
    pads = [c for c in walk(statement) if isinstance(c, Call) and c.func == "zeropad"]
    lengths = [[_size_form(a, ndims) for a in c.args[1:]] for c in pads]
    if not lengths or any(f is None for row in lengths for f in row) or \
            any(row != lengths[0] for row in lengths):
        return None
    period: list[dict[str, int]] = lengths[0]  # type: ignore[assignment]
    ctx = _UnfoldContext(iter(()), frozenset(), len(period), dict(symbolic_boxes(declared, False)))
    for pad in pads:
        try:
            box = box_of(pad.args[0], ctx)
        except RuleError:
            return None
        # N − (hi − lo + 1) ≥ 0: ops refuses a zeropad shorter than the signal
        if not all(nonnegative_for_all_sizes(_sum(_sum(_sum(n, hi, -1), lo), {"1": -1}))
                   for n, (lo, hi) in zip(period, box, strict=True)):
            return None
    for side in (statement.left, statement.right):
        if _on_period_box(side, declared):
            continue
        try:
            box = box_of(side, ctx)
        except RuleError:
            return None
        if not all(nonnegative_for_all_sizes(lo) and
                   nonnegative_for_all_sizes(_sum(_sum(n, hi, -1), {"1": -1}))
                   for n, (lo, hi) in zip(period, box, strict=True)):
            return None
    return period


def _sum(a: Mapping[str, int], b: Mapping[str, int], k: int = 1) -> dict[str, int]:
    out = dict(a)
    for v, c in b.items():
        out[v] = out.get(v, 0) + k * c
    return {v: c for v, c in out.items() if c}


def _on_period_box(node: Node, declared: Mapping[str, Any], argument: bool = False) -> bool:
    """Whether ops puts ``node`` on the box [0, N)^d with the values of its reading mod N:
    circular operations (of such signals), their pointwise products and combinations, and
    (as an argument) zeropad of a signal at origin 0."""
    if isinstance(node, Call) and node.func == "zeropad":
        arg = node.args[0]
        return argument and isinstance(arg, Name) and all(
            origin is not None and not any(origin) for _, origin in declared.get(arg.id, ((0, None),)))
    if isinstance(node, Call) and node.func in ("circconv", "circcorr", "dft", "idft"):
        return len(node.args) == FUNCTIONS[node.func].signals and all(
            _on_period_box(a, declared, True) for a in node.args)
    if isinstance(node, Call) and node.func in ("hadamard", "conj"):
        return all(_on_period_box(a, declared) for a in node.args)
    if isinstance(node, Neg):
        return _on_period_box(node.operand, declared)
    if isinstance(node, BinOp) and node.op in "+-":
        return _on_period_box(node.left, declared) and _on_period_box(node.right, declared)
    if isinstance(node, BinOp) and node.op == "*":
        return (_on_period_box(node.left, declared) or isinstance(node.left, Number)) and \
            (_on_period_box(node.right, declared) or isinstance(node.right, Number)) and \
            not (isinstance(node.left, Number) and isinstance(node.right, Number))
    if isinstance(node, BinOp) and node.op == "/":
        return _on_period_box(node.left, declared) and isinstance(node.right, Number) and \
            node.right.value != 0
    return False


# --- modes and boundaries: symbolic boxes -------------------------------------------------

def _may_meet(left: DslSide, right: DslSide) -> bool:
    """Whether the two sides' terms have the same signals and indicators (a cheap test before
    the canonical forms; false also where like terms would cancel, which only costs the
    proof with sizes of their own)."""
    def signature(side: DslSide) -> list[tuple[str, ...]]:
        try:
            form = linearity(unfold(side))
        except RuleError:
            return []
        # an indicator repeated at one index counts once (idempotence)
        kept = [{(a.signal, a.index if is_indicator(a.signal) else k) for k, a in enumerate(m.atoms)}
                for m in form.monomials]
        return sorted(tuple(sorted(name for name, _ in atoms)) for atoms in kept)
    return signature(left) == signature(right)


def uses_modes(node: Node) -> bool:
    """Whether a side has a conv/corr with a mode other than full or a boundary other than
    zero."""
    for call in walk(node):
        if isinstance(call, Call) and call.func in ("conv", "corr") and call.kwargs:
            try:
                if mode_and_boundary(call) != ("full", "zero"):
                    return True
            except RuleError:
                return True
    return False


def size_classes(declared: Mapping[str, Any], tied: bool) -> dict[str, str]:
    """Each signal's representative: itself, or (``tied``) the first declared alike."""
    first: dict[Any, str] = {}
    return {name: first.setdefault(spec, name) if tied else name for name, spec in declared.items()}


def symbolic_boxes(declared: Mapping[str, tuple[tuple[tuple[int, ...], tuple[int, ...] | None], ...]],
                   tied: bool) -> tuple[tuple[str, tuple[tuple[SizeForm, SizeForm], ...]], ...]:
    """Per signal and axis (origin, size): symbols o_S, n_S (axis a > 1 of nD: o_Sa, n_Sa), S the
    signal's representative; a declared origin stays that number."""
    classes = size_classes(declared, tied)
    boxes = []
    for name, specs in declared.items():
        # a declared origin stays a number only when every declared spec has it
        rep, (shape, origin) = classes[name], specs[0]
        origin = origin if all(o == origin for _, o in specs) else None
        axes = []
        for a in range(len(shape)):
            suffix = f"{rep}{a + 1}" if len(shape) > 1 else rep
            o: SizeForm = ((f"o_{suffix}", 1),) if origin is None else \
                ((("1", origin[a]),) if origin[a] else ())
            axes.append((o, ((f"n_{suffix}", 1),)))
        boxes.append((name, tuple(axes)))
    return tuple(boxes)


def modes_scope(statement: Statement, declared: Mapping[str, Any], tied: bool) -> str:
    """What the proof covers: every size (and origin where none is declared), valid mode
    only where it is defined, signals declared alike sharing sizes when ``tied``."""
    text = "for all sizes n ≥ 1 (and origins o, where none is declared) of the signals"
    if any(isinstance(c, Call) and c.func in ("conv", "corr") and
           dict((k, v.value) for k, v in c.kwargs if isinstance(v, Str)).get("mode") == "valid"
           for side in (statement.left, statement.right) for c in walk(side)):
        text += ("; valid mode where it is defined: the kernel fits inside the image on every "
                 "axis (otherwise ops refuses: the output would be empty)")
    if tied:
        groups: dict[str, list[str]] = {}
        for name, rep in size_classes(declared, True).items():
            groups.setdefault(rep, []).append(name)
        shared = [", ".join(g) for g in groups.values() if len(g) > 1]
        text += "; signals declared alike share their sizes: " + "; ".join(shared)
    return text


# --- the certificate --------------------------------------------------------------------------

def _simultaneous(index: Index, mapping: Mapping[str, Index]) -> Index:
    """``index`` with every variable of ``mapping`` replaced at once."""
    result = Index.constant(index.const)
    for v, c in index.coeffs:
        result = result + mapping.get(v, Index.var(v)).scaled(c)
    return result


def _per_axis(index: Index, ndim: int, names: Mapping[str, str]) -> list[dict[str, int]]:
    """The checker's spelling of a vector index: one integer affine form per axis."""
    forms = []
    for axis in range(ndim):
        form = {f"{names.get(v, v)}.{axis}": c for v, c in index.coeffs}
        if index.const and index.const[axis]:
            form["1"] = index.const[axis]
        forms.append(form)
    return forms


def _side_ndim(node: Node, ndims: Mapping[str, int]) -> int:
    """The number of axes of the summation variables (one dimension per statement)."""
    return max((ndims[n.id] for n in walk(node) if isinstance(n, Name)), default=0)


def certificate_side(steps: list[Step], ndims: Mapping[str, int], node: Node) -> dict[str, Any]:
    """For each term of the side's flat form, the re-indexing it underwent, composed into one
    map (old variables in terms of the final ones) with its inverse.

    The checker names the n-th summation variable created when unfolding ``v{n}``; the
    unfold names it with the n-th of :func:`fresh_names`.
    """
    flat = next((s.after for s in steps if s.rule == "linearity"), None)
    if flat is None:
        flat = linearity(steps[0].after)  # type: ignore[arg-type]
    assert isinstance(flat, LinearForm)
    side = steps[0].before
    assert isinstance(side, DslSide)
    if not side.torus:
        return _certificate_plane(steps, flat, unfold_correspondence(side), side.ndim)
    bound = {name for mono in flat.monomials for name in mono.variables}
    created: dict[str, str] = {}
    for number, name in enumerate(fresh_names(set())):
        if len(created) == len(bound):
            break
        if name in bound:
            created[name] = f"v{number}"
    forward = [{v: Index.var(v) for v in mono.variables} for mono in flat.monomials]
    inverse = [{v: Index.var(v) for v in mono.variables} for mono in flat.monomials]
    ndim = _side_ndim(node, ndims)
    # orthogonality and collapse come first in a term, on the variables as unfolded
    summed: list[list[list[str]]] = [[] for _ in flat.monomials]
    for step in steps:
        if step.rule not in ("reindex", "rename", "orthogonality", "collapse"):
            continue
        m = step.params["monomial"]
        if step.rule in ("orthogonality", "collapse"):
            var = step.params["var"]
            if any(e != Index.var(v) for v, e in forward[m].items()):
                raise RuleError("orthogonality after a re-indexing")
            kind = "orth" if step.rule == "orthogonality" else "collapse"
            summed[m] += [[kind, f"{created[var]}.{a}"] for a in range(ndim)]
            del forward[m][var], inverse[m][var]
            continue
        if step.rule == "rename":
            mapping = step.params["mapping"]
            forward[m] = {o: e.rename(mapping) for o, e in forward[m].items()}
            inverse[m] = {mapping.get(v, v): e for v, e in inverse[m].items()}
            continue
        var, new_var, image = step.params["var"], step.params["new_var"], step.params["image"]
        rest = image.substitute(var, Index())
        solved = (Index.var(new_var) - rest).scaled(image.coeff(var))
        forward[m] = {o: e.substitute(var, solved) for o, e in forward[m].items()}
        new_image = _simultaneous(image, inverse[m])
        inverse[m] = {v: e for v, e in inverse[m].items() if v != var}
        inverse[m][new_var] = new_image
    terms = []
    for fwd, inv, first in zip(forward, inverse, summed, strict=True):
        old = {f"{created[o]}.{a}": form for o, e in fwd.items()
               for a, form in enumerate(_per_axis(e, ndim, {}))}
        new = {f"{v}.{a}": form for v, e in inv.items()
               for a, form in enumerate(_per_axis(e, ndim, created))}
        terms.append({"steps": first + ([["map", old, new]] if old else [])})
    return {"terms": terms}


Affine = dict[str, int]  # the checker's integer affine forms: "v.axis" -> coefficient, "1"


def _affine(index: Index, axis: int) -> Affine:
    form = {f"{v}.{axis}": c for v, c in index.coeffs}
    if index.const and index.const[axis]:
        form["1"] = index.const[axis]
    return form


def _substituted(form: Mapping[str, int], mapping: Mapping[str, Affine]) -> Affine:
    out: Affine = {}
    for v, c in form.items():
        for u, k in mapping.get(v, {v: 1}).items():
            out[u] = out.get(u, 0) + c * k
    return {v: c for v, c in out.items() if c}


def _certificate_plane(steps: list[Step], flat: LinearForm,
                       correspondence: Mapping[str, list[tuple[int, str]]], ndim: int
                       ) -> dict[str, Any]:
    """:func:`certificate_side` on Z^d, axis by axis: a summation variable o of the unfold is
    o_b = sign·name, a variable of the checker's expansion (``correspondence``: one-axis
    flips and transposes around sums, the two sums of trace(a @ b)).  Per term, ``old``
    holds each checker variable in terms of the current variables, ``new`` each current
    variable in terms of the checker's."""
    old: list[dict[str, Affine]] = []
    new: list[dict[str, Affine]] = []
    for mono in flat.monomials:
        old.append({name: {f"{o}.{b}": sign} for o in mono.variables
                    for b, (sign, name) in enumerate(correspondence[o])})
        new.append({f"{o}.{b}": {name: sign} for o in mono.variables
                    for b, (sign, name) in enumerate(correspondence[o])})
    fixed: list[list[list[str]]] = [[] for _ in flat.monomials]
    touched = [False for _ in flat.monomials]
    for step in steps:
        if step.rule not in ("reindex", "rename", "fix", "permute", "permute_sums", "at_point"):
            continue
        if step.rule == "at_point":  # after the fixes, on the free point only
            for m, _ in step.params["moves"]:
                if touched[m]:
                    raise RuleError("an indicator fixes the point after a re-indexing")
                fixed[m] += [["point", f"{FREE_VARIABLE}.{a}"] for a in range(ndim)]
            continue
        if step.rule == "fix":  # fixes come first, on the variables as unfolded
            for m, fixed_var in step.params["moves"]:
                gone = [f"{fixed_var}.{b}" for b in range(ndim)]
                if touched[m]:
                    raise RuleError("an indicator fixes a variable after a re-indexing")
                fixed[m] += [["collapse", name] for _, name in correspondence[fixed_var]]
                old[m] = {k: e for k, e in old[m].items() if not set(e) & set(gone)}
                new[m] = {k: e for k, e in new[m].items() if k not in gone}
            continue
        m = step.params["monomial"]
        var: str = step.params.get("var", "")
        axes = [f"{var}.{b}" for b in range(ndim)]
        touched[m] = True
        if step.rule == "rename":
            renamed = {f"{o}.{b}": {f"{n}.{b}": 1} for o, n in step.params["mapping"].items()
                       for b in range(ndim)}
            old[m] = {k: _substituted(e, renamed) for k, e in old[m].items()}
            new[m] = {next(iter(renamed[k])) if k in renamed else k: e for k, e in new[m].items()}
        elif step.rule in ("permute", "permute_sums"):  # v = σ(v'): v_a = s_a·v'_|σ_a|
            sigma = step.params["axes"]
            source = step.after if step.reversed else step.before
            assert isinstance(source, LinearForm)
            moved = (var,) if step.rule == "permute" else source.monomials[m].variables
            into = {f"{v}.{a}": {f"{v}.{abs(t) - 1}": 1 if t > 0 else -1}
                    for v in moved for a, t in enumerate(sigma)}
            old[m] = {k: _substituted(e, into) for k, e in old[m].items()}
            before = dict(new[m])
            for v in moved:
                for a, t in enumerate(sigma):  # v'_|σ_a| = s_a·v_a
                    new[m][f"{v}.{abs(t) - 1}"] = {k: (1 if t > 0 else -1) * c
                                                    for k, c in before[f"{v}.{a}"].items()}
        else:  # new_var = image, i.e. var = c·(new_var − rest)
            new_var, image = step.params["new_var"], step.params["image"]
            c = image.coeff(var)
            rest = image.substitute(var, Index())
            solved = {f"{var}.{b}": _affine((Index.var(new_var) - rest).scaled(c), b)
                      for b in range(ndim)}
            old[m] = {k: _substituted(e, solved) for k, e in old[m].items()}
            images = {f"{new_var}.{b}": _substituted(_affine(image, b), new[m])
                      for b in range(ndim)}
            new[m] = {k: e for k, e in new[m].items() if k not in axes} | images
    terms = [{"steps": first + ([["map", fwd, inv]] if fwd else [])}
             for fwd, inv, first in zip(old, new, fixed, strict=True)]
    return {"terms": terms}


def periods_fit(node: Node, assignment: Mapping[str, SignalSpec]) -> bool:
    """Whether, at these sizes, the model on Z_n^d is what :mod:`symconv.core.ops` computes.

    The derivation on Z_n^d reads every signal mod n, n the common shape of the
    signals.  The statement is evaluated with :mod:`symconv.core.ops` itself on zero
    signals of the declared shapes and origins (:class:`_TorusProbe`), so that every
    box is the one ops gives; the model holds when every circular operation takes
    period n from its argument (its box has shape n), every pointwise product
    multiplies two signals on one box of shape n (periodizing commutes with it), and
    a signal side lives on [0, n)^d (it is its own periodization).
    """
    shapes = {spec.shape for spec in assignment.values()}
    if len(shapes) != 1:
        return False
    probe = _TorusProbe(shapes.pop())
    env = {name: Signal(np.zeros(spec.shape), spec.build(name).origin)
           for name, spec in assignment.items()}
    try:
        value = evaluate(node, env, probe)
    except (RuleError, SymconvError):
        return False
    return not isinstance(value, Signal) or probe.on_torus(value)


class _TorusProbe(ExactBackend):
    """ops on numeric zero signals, refusing what the model on Z_n^d does not cover."""

    def __init__(self, period: tuple[int, ...]) -> None:
        self.period = period

    def on_torus(self, value: Signal) -> bool:
        return value.shape == self.period and not any(value.origin)

    def number(self, value: Fraction) -> Any:
        return float(value)  # the probe's signals are numeric: only their boxes matter

    def call(self, func: str, signals: list[Any], ints: list[int], options: dict[str, Any]) -> Any:
        if func in ("circconv", "circcorr", "dft", "idft") and (
                ints or any(s.shape != self.period for s in signals)):
            raise RuleError(f"{func} does not have period {self.period} here")
        if func in ("hadamard", "frobenius"):
            self._same_box(signals[0], signals[1])
        if func in ("transpose", "zeropad", "conv", "corr", "trace") or \
                (func == "flip" and (ints or options)):
            raise RuleError(f"{func} is not modelled on Z_n^d")
        return super().call(func, signals, ints, options)

    def binary(self, op: str, left: Any, right: Any) -> Any:
        if op == "*" and isinstance(left, Signal) and isinstance(right, Signal):
            self._same_box(left, right)
        if op == "@":
            raise RuleError("@ is not modelled on Z_n^d")
        return super().binary(op, left, right)

    def _same_box(self, a: Signal, b: Signal) -> None:
        if a.origin != b.origin or a.shape != self.period or b.shape != self.period:
            raise RuleError("a pointwise product of signals on different boxes")


# --- re-check at concrete sizes --------------------------------------------------------

class RecheckError(SymconvError):
    """A derivation disagrees with the exact evaluation at a concrete size (a bug)."""


def recheck_assignments(claim: Claim, torus: bool = False) -> list[dict[str, SignalSpec]]:
    """Two or three small assignments: every symbolic signal 1 to 3 samples per axis
    (with ``torus``, all signals of one shape n = 2, 3)."""
    base = claim.assignments()[0]
    assignments: list[dict[str, SignalSpec]] = []
    for sides in RECHECK_TORUS_SIDES if torus else RECHECK_SIDES:
        assignment = {}
        for number, (name, spec) in enumerate(base.items()):
            if torus:
                shape = tuple(sides[axis % len(sides)] for axis in range(len(spec.shape)))
            else:
                shape = (sides[number % len(sides)],) * len(spec.shape)
            assignment[name] = spec.resized(shape)
        if assignment not in assignments:
            assignments.append(assignment)
    return assignments


def recheck(claim: Claim, derivation: Derivation, budget: Budget, every_step: bool = True) -> None:
    """Evaluate the statement and every intermediate expression (``every_step`` False: the
    common canonical form only) at small sizes.

    Raises RecheckError at the first disagreement.  The statement is evaluated
    by the exact tier's evaluator (:mod:`symconv.core.ops` on symbolic signals);
    each intermediate is evaluated by summing over the finite supports, at
    every point of the result's box and one sample around it.
    """
    from symconv.prove.counterexample import build_env, claim_sides, difference, sizes_of

    for assignment in recheck_assignments(claim, derivation.torus):
        budget.check()
        env = build_env(assignment)
        left, right = claim_sides(claim, env)
        if difference(left, right) is not None:
            raise RecheckError(f"the sides differ at sizes {sizes_of(assignment)}")
        ndim = next(iter(env.values())).ndim
        period = next(iter(env.values())).shape if derivation.torus else None
        if period is not None:
            # on Z_n^d the signals are read periodized, and only [0, n)^d is compared
            tables = tabulate(_with_conjugates({name: periodize(sig, period)
                                                for name, sig in env.items()}))
            points: list[tuple[int, ...] | None] = list(
                itertools.product(*(range(n) for n in period))) if isinstance(left, Signal) \
                else [None]
            if isinstance(left, Signal) and not _on_box(left, period):
                raise RecheckError(f"the left side is not supported on [0, n) at {period}")
        else:
            tables = tabulate(_with_conjugates(env))
            points = _points_around(left) if isinstance(left, Signal) else [None]
        products: dict[Any, Polynomial] = {}  # shared by the points: same tables
        for expr in derivation.expressions() if every_step else [derivation.canonical]:
            if isinstance(expr, DslSide):
                continue
            for point in points:
                values = {} if point is None else {FREE_VARIABLE: point}
                expected = left.value_at(point) if point is not None else left
                got = evaluate_at(expr, tables, values, ndim, period, products)
                if got != _as_polynomial(expected):  # canonical forms: equal iff same terms
                    raise RecheckError(f"{expr.text()} differs from the statement at "
                                       f"{FREE_VARIABLE} = {point}, sizes {sizes_of(assignment)}")
        derivation.rechecked.append(sizes_of(assignment))


# sizes per axis of each size class in the re-checks of modes (axis a adds a)
RECHECK_MODE_SIDES = (1, 2, 3)
RECHECK_MODE_ASSIGNMENTS = 4


def recheck_modes(claim: Claim, derivation: Derivation, budget: Budget) -> None:
    """Evaluate the statement at small sizes within the proof's scope (signals that share
    sizes get equal ones; sizes where valid mode is undefined are skipped): RecheckError at
    a difference, or when fewer than two assignments are in scope."""
    from symconv.prove.counterexample import build_env, claim_sides, difference, sizes_of

    base = claim.assignments()[0]
    classes = size_classes(derivation.declared, bool(derivation.certificate.get("tied")))
    # signals with concrete entries keep theirs: only the symbolic ones are resized
    classes = {name: rep for name, rep in classes.items() if base[name].is_symbolic}
    reps = list(dict.fromkeys(classes.values()))
    combos = list(itertools.product(RECHECK_MODE_SIDES, repeat=len(reps)))
    random.Random(len(claim.text)).shuffle(combos)
    done = 0
    for sides in combos:
        if done == RECHECK_MODE_ASSIGNMENTS:
            break
        budget.check()
        size = dict(zip(reps, sides, strict=True))
        assignment = {name: spec.resized(tuple(size[classes[name]] + a for a in range(len(spec.shape))))
                      if name in classes else spec for name, spec in base.items()}
        try:
            left, right = claim_sides(claim, build_env(assignment))
        except ShapeError:
            continue  # valid mode with a kernel larger than the image: outside the scope
        if difference(left, right) is not None:
            raise RecheckError(f"the sides differ at sizes {sizes_of(assignment)}")
        derivation.rechecked.append(sizes_of(assignment))
        done += 1
    if done < 2:
        raise RecheckError("fewer than two sizes in the proof's scope to re-check")


def _with_conjugates(env: dict[str, Signal]) -> dict[str, Signal]:
    """The signals and their complex conjugates (named ``f*``)."""
    conjugates = {conjugate_name(name): sig.map(lambda p: _as_polynomial(p).conjugate())
                  for name, sig in env.items()}
    return {**env, **conjugates}


def _on_box(value: Any, period: tuple[int, ...]) -> bool:
    """Whether a value is a signal that vanishes outside [0, n)^d."""
    if not isinstance(value, Signal):
        return False
    box = set(itertools.product(*(range(n) for n in period)))
    return all(coord in box or _as_polynomial(value.value_at(coord)).is_zero()
               for coord in value.coordinates())


def _points_around(signal: Signal) -> list[tuple[int, ...] | None]:
    ranges = [range(o - 1, o + n + 1) for o, n in zip(signal.origin, signal.shape, strict=True)]
    return list(itertools.product(*ranges))


def _as_polynomial(value: Any) -> Polynomial:
    return value if isinstance(value, Polynomial) else Polynomial.from_number(value)


# --- the backstop at the declared sizes ------------------------------------------------------

def backstop(claim: Claim, budget: Budget) -> str | None:
    """Evaluate the claim at every declared size with the exact tier's comparison; None when
    the sides agree everywhere, else the sizes where they differ.

    Up to :data:`BACKSTOP_SYMBOLIC_ENTRIES` symbolic entries the comparison is symbolic (it
    decides the claim at those sizes); beyond, the entries are random integers below 2^20
    (a difference is then found unless the random point is a root of the difference).
    """
    from symconv.prove.counterexample import build_env, concrete_env, exact_differs

    rng = random.Random(len(claim.text))
    for assignment in claim.assignments():
        budget.check()
        env = build_env(assignment)
        keys = {(g.name, g.index) for sig in env.values() for g in sig.generators()}
        if len(keys) > BACKSTOP_SYMBOLIC_ENTRIES:
            env = concrete_env(env, {k: rng.randrange(-2**20, 2**20) for k in keys})
        if exact_differs(claim, env):
            return ", ".join(f"{k}={'x'.join(map(str, v.shape))}" for k, v in assignment.items())
    return None


# --- the tier ---------------------------------------------------------------------------

def attempt(claim: Claim, budget: Budget) -> Result | None:
    """PROVED with a checked derivation; when the two canonical forms differ, REFUTED at a
    declared size, VERIFIED at the declared sizes with a warning naming a small other size
    where the claim fails (:func:`not_an_identity`), or INCONCLUSIVE saying why; None when
    not applicable or no derivation is found."""
    start = time.monotonic()
    derivation, forms = compare(claim)
    if derivation is None and forms is not None:
        return not_an_identity(claim, forms, budget, start)
    if derivation is None or not derivation.check():
        return None  # no derivation, or the independent checker rejects its certificate
    try:
        if backstop(claim, budget) is not None:
            return None  # the model does not describe the statement: let the exact tier decide
        if derivation.declared:
            recheck_modes(claim, derivation, budget)
        else:
            # the chain's intermediate steps are re-checked in the tests; here the normal form
            recheck(claim, derivation, budget, every_step=False)
    except RecheckError:
        return None  # a bug in a rule: never PROVED, let the exact tier decide
    except SymconvError:
        return None  # e.g. a declared signal cannot be resized for the re-check
    sizes = "; ".join(",".join(f"{k}={'x'.join(map(str, v))}" for k, v in s.items())
                      for s in derivation.rechecked)
    scope = derivation.scope_text(
        "all n and dimensions (circular operations on signals of shape n)" if derivation.torus
        else "all sizes and dimensions").removeprefix("for ")
    return Result(Verdict.PROVED, METHOD, [], time.monotonic() - start, derivation=derivation,
                  detail=f"derivation of {len(derivation.steps)} checked steps, valid for "
                         f"{scope}; re-checked at {sizes}")


# --- not an identity for all sizes ---------------------------------------------------------

# Undeclared sizes searched for a counterexample: every symbolic signal 1 to SEARCH_SIDE
# samples per axis, fewest entries first, at most SEARCH_ASSIGNMENTS of them.
SEARCH_SIDE = 3
SEARCH_ASSIGNMENTS = 40
# Declared sizes are compared symbolically up to this many symbolic entries (else None).
SEARCH_SYMBOLIC_ENTRIES = 400


def search_assignments(claim: Claim) -> list[dict[str, SignalSpec]]:
    """Undeclared small sizes for the counterexample search, fewest symbolic entries first."""
    base = claim.assignments()[0]
    options = []
    for spec in base.values():
        if not spec.is_symbolic:
            options.append([spec])
            continue
        shapes = itertools.product(range(1, SEARCH_SIDE + 1), repeat=len(spec.shape))
        options.append([spec.resized(shape) for shape in shapes])
    declared = claim.assignments()
    found = [dict(zip(base, combo, strict=True)) for combo in itertools.product(*options)]
    found = [a for a in found if a not in declared]
    found.sort(key=lambda a: (_entries(a), [s.shape for s in a.values()]))
    return found[:SEARCH_ASSIGNMENTS]


def _entries(assignment: Mapping[str, SignalSpec]) -> int:
    return sum(int(np.prod(s.shape)) for s in assignment.values() if s.is_symbolic)


def not_an_identity(claim: Claim, forms: tuple[LinearForm, LinearForm], budget: Budget,
                    start: float) -> Result | None:
    """The canonical forms differ: the statement is no identity of the model (every finite
    support on Z^d; every n on Z_n^d).  The declared sizes decide, compared exactly with
    symbolic entries: REFUTED at the first failing one, with the smallest counterexample.
    When all hold and the exact tier follows, None: it gives VERIFIED at the declared sizes
    and warns of the sizes around them where the claim fails.  Without it, small undeclared
    sizes (:func:`search_assignments`) are searched in order: a failure there gives VERIFIED
    (declared sizes) with a warning naming it, as the exact tier does; none found gives
    INCONCLUSIVE saying why (the normal form is not complete outside its fragment).
    Declared sizes too large to compare symbolically: None."""
    from symconv.prove.counterexample import (
        build_env,
        exact_difference,
        minimal_counterexample,
        sizes_of,
    )
    from symconv.prove.exact import _has_explicit_sizes

    why = f"the canonical forms differ: {forms[0].text()} vs {forms[1].text()}"
    declared = claim.assignments()
    if any(_entries(a) > SEARCH_SYMBOLIC_ENTRIES for a in declared):
        return None
    checked = []
    try:
        for assignment in declared:
            budget.check()
            if exact_difference(claim, build_env(assignment)) is not None:
                counterexample, sizes = minimal_counterexample(claim, assignment, budget)
                detail = (f"not an identity for all sizes ({why}); fails at the declared sizes "
                          f"{format_sizes(sizes_of(assignment))}")
                if sizes != sizes_of(assignment):
                    detail += f"; smallest counterexample at {format_sizes(sizes)}"
                return Result(Verdict.REFUTED, METHOD, [sizes_of(assignment)],
                              time.monotonic() - start, counterexample=counterexample,
                              detail=detail)
            checked.append(sizes_of(assignment))
        later = claim.tiers[claim.tiers.index(METHOD) + 1:] if METHOD in claim.tiers else claim.tiers
        if _has_explicit_sizes(claim) or "exact" in later:
            # the statement names sizes (other sizes are other claims), or the exact tier
            # follows, which decides the declared sizes and tries sizes around them itself
            return None
        searched = search_assignments(claim)
        for assignment in searched:
            budget.check()
            try:
                differs = exact_difference(claim, build_env(assignment)) is not None
            except SymconvError:
                continue  # the statement does not apply at this size
            if differs:
                failing = format_sizes(sizes_of(assignment))
                return Result(Verdict.VERIFIED, METHOD, checked, time.monotonic() - start,
                              warnings=[f"fails at {failing}: the statement depends on the size"],
                              undeclared_failures=[sizes_of(assignment)],
                              detail=f"holds at the declared sizes; not an identity for all "
                                     f"sizes ({why}): fails at {failing}")
    except SymconvError:
        return None  # e.g. too large for the exact comparison: the next tiers decide
    return Result(Verdict.INCONCLUSIVE, METHOD, checked, time.monotonic() - start,
                  detail=f"{why}; yet no counterexample at the declared sizes nor at "
                         f"{len(searched)} sizes up to {SEARCH_SIDE} samples per axis")
