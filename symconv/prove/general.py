"""The general tier: derivations valid for all sizes (verdict PROVED).

Both sides of an ``==`` statement are unfolded into sums over Z^d of products
of signal values at affine indices, flattened by linearity, and brought to a
canonical form: in each term, the factors are visited in a fixed order and
each summation variable is re-indexed so that the next factor's index becomes
a plain variable (a bijection of Z^d: coefficient ±1), the sums are reordered
and the variables renamed.  Among all factor orders the smallest result is
kept, so two terms that differ by a re-indexing meet: the result of a sequence of
pivoted factors depends only on their indices, an indicator is pivoted from its one
spelling in both signs (𝟙_B(L) = 𝟙_{B+c}(L + c) = 𝟙_{−B}(−L)), and a factor whose
coefficients on the variables left are coprime without a ±1 is brought to one by Euclid's
re-indexings first, so whether it pivots does not depend on how the sum is written.

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
its declared sizes by the exact tier's comparison (:func:`backstop`) and (4) by the
same comparison at two small sizes that are not declared (:func:`recheck_statement`;
:func:`recheck_modes` for modes).  Anything
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
crop under a one-axis flip, transpose or shift is its indicator at the moved point, in one
spelling (:func:`~symconv.prove.rules.indicator_atom`: the signed permutation, the constant
and the sign of the index moved into the box), so ``flip(conv(F, I, mode="same"), 0) ==
conv(flip(F, 0), flip(I, 0), mode="same")``; the image of a boundary may be a signal under
flips, shifts and transposes, as every extension commutes with them (E(flip(I, 1))(p) =
E(I)(flip(p, 1))) and with conj (it acts on values); conj keeps its argument's box, and a
sum of signals whose boxes differ by constants (``I + shift(I, 0, 1)``) has ops' union box,
bound by bound.  A signal with concrete entries has its box at the origin it is built
with, its size a symbol while the entries stay symbolic
(``conv(G, I, mode="same") == corr(G, I, mode="same")`` for a centrosymmetric G) and its
own number once they are unfolded (valid mode, full mode with a boundary: a Laplacian's
``conv(L, I, mode="valid") == corr(L, I, mode="valid")``).

Zeropad to a length that follows the sizes (:func:`padded_period`): with N the common
zeropad length (``len(a) + len(b) - 1``), both sides are read on Z_N^d (zeropad(a, N) as
a, conv as the circular convolution) and each must lie on [0, N)^d, decided by linear
arithmetic on the sizes.  A circular operation's argument may also be any expression
that ops gives period N (its box N long: ``dft(shift(f, 1))`` with N = len(f)), and a
signal with concrete entries reads mod N as Σ_c v_c·[p − c ≡ 0] (its box as built), which
states the modulation factor for every n: ``dft(shift(zeropad(d, len(f)), 1))``.  A
circconv/circcorr period that names the sizes in axis order (``size(f, 0), size(f, 1)``)
is the period of Z_n^d.

When both sides reach canonical forms that differ, the statement is no identity of the
model and :func:`not_an_identity` looks for a counterexample: at the declared sizes
(REFUTED), then at small undeclared sizes (VERIFIED at the declared sizes, with a
warning naming the failing size: the declared sizes decide).  A term free of the point x
may also have one signed permutation applied to all its sums at once.  Not covered:
one-axis flips and transposes on Z_n^d; concrete entries on Z_n^d without a zeropad to the
size; the extension of an expression other than a signal under flips, shifts, transposes and conj
(a crop, a sum on a union box); union boxes of different signals' boxes (min of two symbols);
trace of anything but a matrix product; @ outside trace; signed permutations of sums in a
term that uses x; zeropad other than to one length that follows the sizes; fixed periods
or DFT sizes; scalar factors other than numbers in the padded model; factors that differ
between axes together with an operation that mixes axes (transpose, trace, @) or concrete
entries, and terms that vanish on one axis alone (``0 * a`` sides); ``!=`` statements.

Strides and dilations: ``downsample(a, s)(p) = a(s·p)`` keeps the factor as a coefficient of
the index, ``upsample(a, s)(p) = Σ_j a(j)·[p − s·j = 0]`` is an indicator that the fix step
removes once a variable with coefficient ±1 is in it (a conv or corr around the upsample,
a frobenius or sum around the layer); an indicator whose coefficients share a factor g is
divided by it (``divide``: [s·x − s·j = 0] = [x − j = 0], and 0 where g does not divide the
constant).  The atoms keep their non-unit coefficients.  A term none of whose factor orders
pivots every variable with coefficient ±1 (a strided layer's output s·o) is re-indexed
instead by one unimodular substitution of all its sums, v = U·w + r (``lattice``), to the
column Hermite normal form of its index matrix with the rests reduced modulo the pivots
(:func:`~symconv.prove.rules.column_hnf`): equal sums then have equal normal forms for the
same order of factors, and the smallest over the orders is kept.  Factors that differ between
axes (``downsample(a, 2, 1)``: diag(2, 1), no scalar coefficient) are read axis by axis when
every operation acts on each axis alone (:func:`on_axis`): each axis's 1D statement is derived
as above, and one certificate joins the axes' steps for the statement itself (the checker's
variables are components v.a already; a divide names its axis).

This module is the search.  The records it returns, :class:`~symconv.prove.derivation.Derivation`
(``steps``, ``text()``, ``latex()``, ``_repr_latex_``) made of
:class:`~symconv.prove.derivation.Step` records, are in :mod:`symconv.prove.derivation`; the
certificate it emits for the checker in :mod:`symconv.prove.certificate`; the side
condition on Z_n^d, the backstop and the re-checks against ops in :mod:`symconv.prove.recheck`.

>>> from symconv.lang.claims import claim_from_text
>>> from symconv.prove import Budget
>>> claim = claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"})
>>> result = attempt(claim, Budget(10))
>>> result.verdict.value, [s.rule for s in result.derivation.steps]
('PROVED', ['unfold', 'reindex', 'rename', 'order', 'unfold'])
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import SymconvError
from symconv.lang.dsl import (
    FUNCTIONS,
    SIZED_CALLS,
    BinOp,
    Call,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    Str,
    commuted,
    integer_value,
    parse_statement,
    unparse,
    walk,
)
from symconv.lang.dsl import names as names_in
from symconv.lang.operations import Definition, Ints
from symconv.prove import checker
from symconv.prove.certificate import certificate_side
from symconv.prove.derivation import Derivation, Step, _rename_note, declared_signals
from symconv.prove.recheck import (
    RecheckError,
    _as_polynomial,
    backstop,
    periods_fit,
    recheck_modes,
    recheck_statement,
    size_classes,
)
from symconv.prove.rules import (
    DEFINITIONS,
    DEFINITIONS_LATEX,
    LITERAL_DEFINITION,
    LITERAL_DEFINITION_LATEX,
    RULES,
    DslSide,
    RuleError,
    SignalBoxes,
    SizeForm,
    _rank,
    _UnfoldContext,
    absorbing_signals,
    atom_key,
    box_of,
    can_permute,
    column_hnf,
    definitions_used,
    dsl_latex,
    dsl_text,
    equal_periods,
    form_text,
    free_variables,
    fresh_names,
    indicator_box,
    is_indicator,
    is_opaque_extension,
    is_scalar,
    linearity,
    mentions_torus,
    mode_and_boundary,
    nonnegative_for_all_sizes,
    normal_indicator,
    numeric_period,
    on_padded_torus,
    on_torus,
    opaque_expression,
    order,
    shared_unfolds,
    unfold,
)
from symconv.prove.rules import absorb as absorb_rule
from symconv.prove.rules import at_point as at_point_rule
from symconv.prove.rules import collapse as collapse_rule
from symconv.prove.rules import divide as divide_rule
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
    Atom,
    Index,
    LinearForm,
    Monomial,
    inverse_matrix,
    same_expression,
)
from symconv.prove.verdict import Budget, Result, Verdict, format_sizes

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec

METHOD = "general"


# Factor orders tried per term (a depth-first walk over their prefixes), at most this many:
# 7! orders of 7 factors take about 1 s on a nested filter of crops, 8! took 3 to 5 s
# (benchmarks/fragment_coverage.py's terms of 8 factors).  A larger term is tried in the
# orders that take its factors signal by signal (:func:`_factor_groups`), when those are few
# enough; else it is left to the exact tier.
MAX_ORDERS = math.factorial(7)


# The sides already brought to canonical form during one claim's run (:func:`shared_sides`):
# its repair candidates and explanations differ from the statement in one place, so the
# other side, and on per-axis claims most axes, recur.  None outside such a run.
_SIDES_OF_THIS_RUN: ContextVar[dict[DslSide, tuple[list[Step], LinearForm] | RuleError] | None] \
    = ContextVar("sides_of_this_run", default=None)


@contextmanager
def shared_sides() -> Iterator[None]:
    """Within this block, :func:`side_steps` derives each distinct side once (the memo is
    dropped when the block ends: nothing outlives one claim's run)."""
    token = _SIDES_OF_THIS_RUN.set({})
    try:
        with shared_unfolds():
            yield
    finally:
        _SIDES_OF_THIS_RUN.reset(token)


# The reasons sides gave no canonical form, while :func:`why_not_proved` asks (else None).
_GAVE_UP: ContextVar[list[str] | None] = ContextVar("gave_up", default=None)


def _gave_up(reason: str) -> None:
    """Record why no derivation was found, while :func:`why_not_proved` asks."""
    reasons = _GAVE_UP.get()
    if reasons is not None:
        reasons.append(reason)


def side_steps(side: DslSide) -> tuple[list[Step], LinearForm]:
    """Steps rewriting one side into canonical form, and that form; RuleError if some
    step does not apply.  The steps after ``linearity`` rewrite its flat form term by term
    (their ``monomial`` parameter), which is what :func:`certificate_side` reads."""
    try:
        return _memoized_side_steps(side)
    except RuleError as exc:
        _gave_up(str(exc))
        raise


def _memoized_side_steps(side: DslSide) -> tuple[list[Step], LinearForm]:
    known = _SIDES_OF_THIS_RUN.get()
    if known is None:
        return _side_steps(side)
    found = known.get(side)
    if found is None:
        try:
            found = _side_steps(side)
        except RuleError as exc:  # as deterministic as a form; other exceptions are not kept
            found = exc
        known[side] = found
    if isinstance(found, RuleError):
        raise found.with_traceback(None)
    steps, form = found
    return list(steps), form  # Steps and forms are frozen; the list is the caller's


def _side_steps(side: DslSide) -> tuple[list[Step], LinearForm]:
    unfolded = unfold(side)
    used = definitions_used(side.node)
    if side.padded:  # the size functions are in zeropad lengths: N, not the size of Z_n
        used = [f for f in used if f not in ("len", "size", "numel")]
    concrete = {name for name, _ in side.literals}
    entries = any(isinstance(n, Name) and n.id in concrete for n in walk(side.node))
    notes = [DEFINITIONS[f] for f in used] + ([LITERAL_DEFINITION] if entries else [])
    notes_latex = [DEFINITIONS_LATEX[f] for f in used] + \
        ([LITERAL_DEFINITION_LATEX] if entries else [])
    spelled = {dsl_text(commuted(node)) for node in walk(side.node)}
    for y, x in side.aliases:  # the lemmas this side reads in the image of a boundary
        if y in spelled:
            y_node, why = parse_statement(f"{y} == {y}").left, "on one box (a lemma, derived " \
                "for all sizes), so they have one extension"
            notes.append(f"{y} = {dsl_text(x)} {why}")
            notes_latex.append(f"${dsl_latex(y_node)} = {dsl_latex(x)}$ {why}")
    steps = [Step(side, unfolded, "unfold", "; ".join(notes) or "a signal at a point",
                  "; ".join(notes_latex) or "a signal at a point")]
    form = linearity(unfolded)
    if not same_expression(form, unfolded):
        note = "pull constants and finite sums out of products, split sums over +"
        steps.append(Step(unfolded, form, "linearity", note, note))
    if not side.torus and any(mono.points for mono in form.monomials):
        form = _at_point_steps(_divide_steps(_fix_steps(form, steps), steps), steps)
    for number in range(len(form.monomials)):
        if side.torus:
            form = _orthogonality_steps(_free_steps(_orthogonality_steps(form, number, steps),
                                                    number, steps), number, steps)
        # on Z^d a re-indexing may leave a variable alone in its atoms (Σ_x Σ_k fᵀ(k)·g(x − k)
        # becomes f(i)·gᵀ(j)): permute it and bring the term to canonical form again
        for again in range(1 if side.torus else PERMUTE_PASSES):
            if not side.torus:
                permuted = _permute_steps(form, number, steps, side.ndim)
                if again and permuted == form:
                    break
                form = permuted
            form = _idempotence_steps(_absorb_steps(form, number, steps, side.boxes), number, steps)
            moves, reached = _canonical_moves(form.monomials[number], form)
            for k, (rule, params, why, why_latex) in enumerate(moves):
                # a one-term form is the form the pivot search rewrote: its results are these
                after = reached[k] if len(form.monomials) == 1 else \
                    RULES[rule](form, monomial=number, **params)
                steps.append(Step(form, after, rule, why, why_latex, {"monomial": number, **params}))
                form = after  # type: ignore[assignment]
    final = order(form)
    if final != form:
        note = "commute factors, collect like terms, sort terms"
        steps.append(Step(form, final, "order", note, note))
    return steps, final


# Rounds of signed permutations and canonical re-indexing per term on Z^d (the second finds
# what the first re-indexing freed; a third changes nothing in the fragment's statements).
PERMUTE_PASSES = 3


def _idempotence_steps(form: LinearForm, number: int, steps: list[Step]) -> LinearForm:
    while any(is_indicator(a.signal) for a in form.monomials[number].atoms):
        try:
            deduped = idempotence_rule(form, number)
        except RuleError:
            break
        note = "𝟙_B(y)·𝟙_B(y) = 𝟙_B(y) (one output box, reached twice)"
        steps.append(Step(form, deduped, "idempotence", note, note, {"monomial": number}))
        form = deduped
    return form


def _absorb_steps(form: LinearForm, number: int, steps: list[Step], boxes: SignalBoxes) -> LinearForm:
    """Drop the indicators of term ``number`` that its signal factors' boxes imply."""
    absorbed = absorbing_signals(form.monomials[number], boxes)
    if not absorbed:
        return form
    after = absorb_rule(form, number, boxes)
    names = sorted({name for found in absorbed.values() for name in found})
    points = [("z", "z")] if len(names) == 1 else [(f"z{k}", f"z_{k}") for k in range(1, len(names) + 1)]
    reads = "·".join(f"{n}({z})" for n, (z, _) in zip(names, points, strict=True))
    reads_latex = r"\,".join(f"{n}({z})" for n, (_, z) in zip(names, points, strict=True))
    why_of = (f"{names[0]} is 0 off its box, which lies in B" if len(names) == 1 else
              f"{', '.join(names[:-1])} and {names[-1]} are 0 off their boxes, which bound every face of B")
    why = f"𝟙_B(y)·{reads} = {reads}: {why_of}"
    why_latex = rf"$\mathbb{{1}}_B(y)\,{reads_latex} = {reads_latex}$: " + \
        why_of.replace(" B", " $B$")
    steps.append(Step(form, after, "absorb", why, why_latex, {"monomial": number, "boxes": boxes}))
    return after


def _orthogonality_steps(form: LinearForm, number: int, steps: list[Step]) -> LinearForm:
    """Sum out, by character orthogonality, every variable of term ``number`` that only the
    phase uses, and let each indicator it leaves fix another variable (appending the steps);
    RuleError when an indicator on summation variables remains."""
    while True:
        mono = form.monomials[number]
        # an indicator already there (the entries of a concrete signal) fixes a variable first
        held = next((v for d in mono.deltas for v in mono.variables if abs(d.coeff(v)) == 1), None)
        if held is not None:
            after = collapse_rule(form, number, held)
            why = f"the indicator fixes {held} in Z_n^d (the summand is n-periodic in {held})"
            why_latex = (rf"the indicator fixes ${held}$ in $\mathbb{{Z}}_n^d$ (the summand is"
                         rf" $n$-periodic in ${held}$)")
            steps.append(Step(form, after, "collapse", why, why_latex,
                              {"monomial": number, "var": held}))
            form = after
            continue
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


def _free_steps(form: LinearForm, number: int, steps: list[Step]) -> LinearForm:
    """On Z_n^d, a term with more sums than its factors' indices span (Σ_{i,j,k} f(k)·g(i + j)
    ·ω^(−x·i − j·k)): re-index so that each factor in turn gets a plain variable, which
    leaves the other variables in the phase alone, for orthogonality to sum them out
    (i = u − j: ω^(j·(x − k))).  Unchanged when the indices span every sum, or when a factor
    keeps a variable no factor pivots."""
    mono = form.monomials[number]
    rows = [[a.index.coeff(v) for v in mono.variables] for a in mono.atoms]
    if not mono.atoms or _rank(rows) == len(mono.variables):
        return form
    used = {v for m in form.monomials for a in m.atoms for v in a.index.variables()}
    used |= {v for m in form.monomials for v in (*m.variables, *free_variables(m))}
    state: _PivotState = (LinearForm((mono,)), mono.variables, (), (), ())
    for position in range(len(mono.atoms)):
        current = set(state[0].monomials[0].variables)
        new_var = next(n for n in fresh_names(used) if n not in current)
        state = _pivot_steps(state, position, new_var, True, used)[0]
    left = set(state[1])
    if not left or any(left & a.index.variables() for a in state[0].monomials[0].atoms):
        return form
    for rule, params, why in state[3]:
        after = RULES[rule](form, monomial=number, **params)
        assert isinstance(after, LinearForm)
        steps.append(Step(form, after, rule, *why(), {"monomial": number, **params}))
        form = after
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


def _divide_steps(form: LinearForm, steps: list[Step]) -> LinearForm:
    """Divide the indicators that no variable with coefficient ±1 is left to fix by their
    common factor ([s·x − s·j = 0] = [x − j = 0] on Z^d), then let them fix (strides)."""
    divided = form
    for number, mono in enumerate(form.monomials):
        if any(set(p.variables()) & set(mono.variables) for p in mono.points):
            try:
                after = divide_rule(divided, number)
            except RuleError:
                continue
            note = "[g·L + k = 0] = [L + k/g = 0] on Z^d, and 0 where g does not divide k"
            steps.append(Step(divided, after, "divide", note, note, {"monomial": number}))
            divided = after
    return divided if divided is form else _fix_steps(divided, steps)


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


def _canonical_moves(mono: Monomial, form: LinearForm) -> tuple[list[Move], list[LinearForm]]:
    """The re-indexings, exchange and renaming that bring one term to canonical form, and the
    one-term forms they give in turn (starting from ``LinearForm((mono,))``)."""
    # every order while there are not too many, else those signal by signal: which ones is
    # decided by the number of factors and their names, alike for equal terms
    groups: list[str] | None = None
    if math.factorial(len(mono.atoms)) > MAX_ORDERS:
        groups = _factor_groups(mono)
        grouped = math.prod(math.factorial(groups.count(g)) for g in set(groups))
        if grouped > MAX_ORDERS:
            raise RuleError(f"a term of {len(mono.atoms)} factors with {grouped} orders signal "
                            f"by signal (up to {MAX_ORDERS} are tried)")
    used = {v for m in form.monomials for a in m.atoms for v in a.index.variables()}
    used |= {v for m in form.monomials for v in m.variables}
    used |= {v for m in form.monomials for v in free_variables(m)}
    best: tuple[Any, ...] | None = None
    best_moves: list[_LazyMove] = []
    best_forms: list[LinearForm] = []
    # when no order pivots every variable (a strided layer's output s·o has no factor with
    # coefficient ±1), the Hermite normal form of the term's index matrix, on Z^d
    for hermite in (False, True) if not mono.torus else (False,):
        attempts = _hermite_attempts(mono, used, groups) if hermite else \
            _pivot_attempts(mono, used, groups)
        for result, moves, forms in attempts:
            key = (tuple(sorted(atom_key(normal_indicator(a)) for a in result.atoms)),
                   result.phase.quadratic,
                   result.phase.linear, result.phase.constant,
                   tuple(sorted((p.coeffs, p.const) for p in result.points)))
            if best is None or key < best:
                best, best_moves, best_forms = key, moves, forms
        if best is not None:
            break
    if best is None:
        raise RuleError(f"no factor order re-indexes {mono.as_term().text()}")
    return [(rule, params, *why()) for rule, params, why in best_moves], best_forms


Move = tuple[str, dict[str, Any], str, str]  # rule, params, justification (text, LaTeX)
# a move whose justification is written only if its factor order is the one kept
_LazyMove = tuple[str, dict[str, Any], Callable[[], tuple[str, str]]]
# a lattice substitution v = U·w + r: U's rows, and each r_i as integers (its coefficients
# on the term's other variables, then its constant vector)
_Substitution = tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]


def _factor_groups(mono: Monomial) -> list[str]:
    """Per factor its signal's name (every indicator one name ""): no re-indexing changes
    it, so the factor orders that take the names in sorted order (any order within one
    name) correspond one to one between equal terms, and the best result over them is a
    canonical form as much as the best over every order (another one: terms of more than 7
    factors only, so that the derivations of smaller ones stay as they were).  An
    indicator's box has several spellings, its name is no invariant; neither are a signal's
    axes, f(−i) being flip(f)(i)."""
    return ["" if is_indicator(a.signal) else a.signal for a in mono.atoms]


def _next_factors(left: tuple[int, ...], groups: list[str] | None) -> tuple[int, ...]:
    """The factors an order may take next: any left, or (signal by signal) those of the
    first name left."""
    if groups is None or not left:
        return left
    first = min(groups[p] for p in left)
    return tuple(p for p in left if groups[p] == first)


def _reindex_note(var: str, new_var: str, index: Index, torus: bool) -> tuple[str, str]:
    inverse = (Index.var(new_var) - index.substitute(var, Index())).scaled(index.coeff(var))
    # on Z_n^d the summand is n-periodic in each variable (signals read mod n, ω^n = 1)
    group, group_latex = ("Z_n^d (the summand is n-periodic: ω^n = 1)",
                          r"$\mathbb{Z}_n^d$ (the summand is $n$-periodic: $\omega^n = 1$)") \
        if torus else ("Z^d", r"$\mathbb{Z}^d$")
    why = (f"substitute {new_var} = {index.text()}, i.e. {var} = {inverse.text()}, "
           f"a bijection of {group}")
    why_latex = (rf"substitute ${new_var} = {index.latex()}$, i.e.\ ${var} = {inverse.latex()}$,"
                 rf" a bijection of {group_latex}")
    return why, why_latex


def _hermite_attempts(mono: Monomial, used: set[str], groups: list[str] | None
                      ) -> Iterator[tuple[Monomial, list[_LazyMove], list[LinearForm]]]:
    """For each factor order in turn (``groups``: those signal by signal, see
    :func:`_factor_groups`), every sum re-indexed at once, v = U·(w + s), so that
    the factors' index matrix, rows in that order and the indicators' after them, is in
    column Hermite normal form (U unimodular) and each pivot row's rest (its x and constant
    parts) is reduced modulo its pivot (the shift s): equal terms get equal forms.  Orders
    whose rows do not have full rank give nothing.

    U and s depend only on the rows up to the one that completes the rank (:func:`column_hnf`
    has chosen U by then, and later rows' rests enter no pivot), so they are computed once per
    such prefix, in integers; a substitution met before is not given again (its term was
    compared already, and the first one met is kept on ties)."""
    variables = mono.variables
    k = len(variables)
    # an indicator's rows in both of its spellings (:func:`_indicator_pivots`): the form
    # reached does not depend on which one the term happened to have
    indicators = [n for n, a in enumerate(mono.atoms) if is_indicator(a.signal)]
    spellings = {n: _indicator_pivots(mono.atoms[n]) for n in indicators}
    variants = [[spellings[n][chosen[n]] if n in chosen else a.index
                 for n, a in enumerate(mono.atoms)] + list(mono.points)
                for chosen in (dict(zip(indicators, signs, strict=True)) for signs in
                               itertools.product((0, 1), repeat=len(indicators)))]
    every = [index for indices in variants for index in indices]
    others = sorted({v for index in every for v, _ in index.coeffs} - set(variables))
    width = max((len(index.const) for index in every), default=0)
    if any(index.const and len(index.const) != width for index in every):
        raise SymconvError("constant vectors with different numbers of axes")
    ranks: dict[frozenset[int], int] = {}
    first = [tuple(index.coeff(v) for v in variables) for index in variants[0]]

    def rank(positions: tuple[int, ...]) -> int:  # of a set of rows: their order and signs
        key = frozenset(positions)                 # are no matter
        if key not in ranks:
            ranks[key] = _rank([list(first[p]) for p in key])
        return ranks[key]

    new_vars = tuple(itertools.islice(fresh_names(used), k))
    by_prefix: dict[tuple[tuple[tuple[int, ...], tuple[int, ...]], ...], _Substitution] = {}
    seen: set[_Substitution] = set()
    points = tuple(range(len(mono.atoms), len(variants[0])))
    tables = [([tuple(index.coeff(v) for v in variables) for index in indices],
               [tuple(index.coeff(v) for v in others) + (index.const or (0,) * width)
                for index in indices]) for indices in variants]
    def orders(taken: tuple[int, ...], left: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        """The prefixes of the factor orders (then the points) that complete the rank, in
        the order of the orders that first have them: a prefix decides U and s."""
        if rank(taken) == k:
            yield taken
        elif not left:
            sequence = taken + points
            yield from (sequence[:m] for m in range(len(taken), len(sequence) + 1)
                        if rank(sequence[:m]) == k and rank(sequence[:m - 1]) < k)
        else:
            for position in _next_factors(left, groups):
                yield from orders((*taken, position), tuple(p for p in left if p != position))

    for rows, rests in tables:
        for factor_order in orders((), tuple(range(len(mono.atoms)))):
            prefix = tuple((rows[p], rests[p]) for p in factor_order)
            if prefix not in by_prefix:
                by_prefix[prefix] = _hermite_substitution(prefix, k)
            substitution = by_prefix[prefix]
            if substitution not in seen:
                seen.add(substitution)
                yield _lattice_moves(mono, substitution, new_vars, others)


def _hermite_substitution(prefix: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...],
                          k: int) -> _Substitution:
    """U and the rests r = U·s of :func:`_hermite_attempts` for rows (coefficients, rest) of
    rank k, the last one completing it."""
    matrix, unimodular = column_hnf([list(row) for row, _ in prefix], k)
    rests = [list(rest) for _, rest in prefix]
    width = len(rests[0]) if rests else 0
    shifts = [[0] * width for _ in range(k)]
    col = 0
    for r, row in enumerate(matrix):
        if col == k or row[col] == 0:
            continue
        pivot = row[col]
        shifts[col] = [-(c // pivot) for c in rests[r]]
        rests = [[a + matrix[q][col] * b for a, b in zip(other, shifts[col], strict=True)]
                 for q, other in enumerate(rests)]
        col += 1
    offsets = tuple(tuple(sum(unimodular[i][j] * shifts[j][c] for j in range(k))
                          for c in range(width)) for i in range(k))
    return tuple(map(tuple, unimodular)), offsets


def _lattice_moves(mono: Monomial, substitution: _Substitution, new_vars: tuple[str, ...],
                   others: list[str]) -> tuple[Monomial, list[_LazyMove], list[LinearForm]]:
    """The lattice re-indexing of one term by ``substitution`` (rests on the variables
    ``others``), then the renaming to canonical names: the result, the moves, the forms."""
    unimodular, vectors = substitution
    offsets = tuple(Index(tuple((v, c) for v, c in zip(others, vector, strict=False) if c),
                          vector[len(others):] if any(vector[len(others):]) else ())
                    for vector in vectors)
    inverse = inverse_matrix([[Fraction(c) for c in row] for row in unimodular])
    assert inverse is not None and all(c.denominator == 1 for row in inverse for c in row)
    params: dict[str, Any] = {
        "new_vars": new_vars, "matrix": unimodular,
        "inverse": tuple(tuple(int(c) for c in row) for row in inverse), "rests": offsets}
    form = RULES["lattice"](LinearForm((mono,)), monomial=0, **params)
    assert isinstance(form, LinearForm)
    moves: list[_LazyMove] = [("lattice", params, functools.partial(
        _lattice_note, mono.variables, new_vars, unimodular, offsets))]
    forms = [form]
    mapping = {old: new for old, new in zip(new_vars, fresh_names(set()), strict=False)
               if old != new}
    if mapping:
        form = rename_rule(form, 0, mapping)
        moves.append(("rename", {"mapping": mapping}, functools.partial(_rename_note, mapping)))
        forms.append(form)
    return form.monomials[0], moves, forms


def _lattice_note(variables: tuple[str, ...], new_vars: tuple[str, ...],
                  unimodular: tuple[tuple[int, ...], ...], offsets: tuple[Index, ...]
                  ) -> tuple[str, str]:
    images = [sum((Index.var(w, row[j]) for j, w in enumerate(new_vars)), offset)
              for row, offset in zip(unimodular, offsets, strict=True)]
    shown = ", ".join(f"{v} = {image.text()}" for v, image in zip(variables, images, strict=True))
    why = (f"substitute {shown} (an integer matrix with an integer inverse: a bijection of "
           f"Z^d for each sum), the Hermite normal form of the indices")
    return why, why


# one factor order's pivot search after some of its factors: the form, the variables not yet
# pivoted, the pivots in order, the moves and the form after each
_PivotState = tuple[LinearForm, tuple[str, ...], tuple[str, ...], tuple[_LazyMove, ...],
                    tuple[LinearForm, ...]]


def _pivot_attempts(mono: Monomial, used: set[str], groups: list[str] | None
                    ) -> Iterator[tuple[Monomial, list[_LazyMove], list[LinearForm]]]:
    """For each factor order in turn (``groups``: those signal by signal, see
    :func:`_factor_groups`), the term re-indexed so that the factors, in that order, get
    plain variable indices (nothing when a variable is left): the result, the
    moves and the form after each move.

    A search after a prefix of an order is that of every order with that prefix, so it is
    one depth-first walk over the prefixes.  An indicator is pivoted both ways, new variable
    = its index or minus it: 𝟙_B(L) = 𝟙_{−B}(−L) are one atom (:func:`normal_indicator`),
    so equal terms may spell it with either sign, and only both pivots give both terms the
    same set of results (the result of a pivot sequence depends only on the pivoted indices;
    for an indicator, :func:`_indicator_pivots`)."""
    start: _PivotState = (LinearForm((mono,)), mono.variables, (), (), ())

    def walk(state: _PivotState, left: tuple[int, ...]
             ) -> Iterator[tuple[Monomial, list[_LazyMove], list[LinearForm]]]:
        if not state[1]:
            yield _pivot_end(*state)
            return
        # the first fresh name not in the sum yet (the m-th one after m re-indexings)
        current = set(state[0].monomials[0].variables)
        new_var = next(n for n in fresh_names(used) if n not in current)
        for position in _next_factors(left, groups):
            rest = tuple(p for p in left if p != position)
            for after in _pivot_steps(state, position, new_var, mono.torus, used):
                yield from walk(after, rest)

    yield from walk(start, tuple(range(len(mono.atoms))))


def _pivot_steps(state: _PivotState, position: int, new_var: str, torus: bool,
                 used: set[str]) -> list[_PivotState]:
    """The searches after one more factor: its first variable with coefficient ±1 not yet
    pivoted becomes a plain variable (re-indexed to ``new_var`` unless it is one); for an
    indicator also minus a plain variable (:func:`_pivot_attempts`).  Coefficients on the
    variables left that are coprime but none ±1 are brought to a ±1 first
    (:func:`_euclid_steps`), so whether a factor pivots depends on the sum, not on how its
    variables happen to be written."""
    state = _euclid_steps(state, position, new_var, torus, used)
    form, remaining, pivots, moves, forms = state
    atom = form.monomials[0].atoms[position]
    index = atom.index
    var = next((v for v in remaining if abs(index.coeff(v)) == 1), None)
    if var is None:
        return [state]
    remaining = remaining[:remaining.index(var)] + remaining[remaining.index(var) + 1:]
    found = []
    for image in _indicator_pivots(atom) if is_indicator(atom.signal) else (index,):
        if image == Index.var(var):
            found.append((form, remaining, (*pivots, var), moves, forms))
            continue
        params: dict[str, Any] = {"var": var, "new_var": new_var, "image": image}
        after = reindex_rule(form, 0, var, new_var, image)
        move: _LazyMove = ("reindex", params,
                           functools.partial(_reindex_note, var, new_var, image, torus))
        found.append((after, remaining, (*pivots, new_var), (*moves, move), (*forms, after)))
    return found


def _euclid_steps(state: _PivotState, position: int, new_var: str, torus: bool,
                  used: set[str]) -> _PivotState:
    """When the factor's coefficients on the variables not yet pivoted have gcd 1 but none is
    ±1 (3·u + 2·v), Euclid's algorithm by re-indexings u' = u + q·v (coefficient 1: a
    bijection) until one is: the factor then pivots, as it does in every spelling of the sum
    (the gcd does not change under a re-indexing of those variables).  The result of the
    pivots does not depend on these steps: each pivot makes the factor's whole index a
    variable."""
    form, remaining, pivots, moves, forms = state
    coeffs = {v: form.monomials[0].atoms[position].index.coeff(v) for v in remaining}
    present = [v for v in remaining if coeffs[v]]
    if not present or any(abs(coeffs[v]) == 1 for v in present) or \
            math.gcd(*coeffs.values()) != 1:
        return state
    mono = form.monomials[0]
    spare = fresh_names(used | free_variables(mono) | set(mono.variables) | {new_var})
    while not any(abs(coeffs[v]) == 1 for v in present):
        small, large = sorted(present, key=lambda v: (abs(coeffs[v]), v))[:2]
        q = coeffs[large] // coeffs[small]  # u = u' − q·v: v's coefficient becomes c_v − q·c_u
        renamed = next(spare)
        image = Index.var(small) + Index.var(large, q)
        params: dict[str, Any] = {"var": small, "new_var": renamed, "image": image}
        form = reindex_rule(form, 0, small, renamed, image)
        moves = (*moves, ("reindex", params,
                          functools.partial(_reindex_note, small, renamed, image, torus)))
        forms = (*forms, form)
        remaining = tuple(renamed if v == small else v for v in remaining)
        coeffs = {v: form.monomials[0].atoms[position].index.coeff(v) for v in remaining}
        present = [v for v in remaining if coeffs[v]]
    return form, remaining, pivots, moves, forms


def _indicator_pivots(atom: Atom) -> tuple[Index, Index]:
    """The two indices an indicator is pivoted to, one for each sign: 𝟙_B(L) = 𝟙_{B+c}(L + c)
    = 𝟙_{−B+c}(−L + c) for every constant c, so its index is read from its one spelling
    (:func:`normal_indicator`, linear L) shifted by the c that puts each lower bound's
    constant at 0; equal indicators then pivot to equal indices."""
    spelled = normal_indicator(atom)
    box = indicator_box(spelled.signal)
    linear = Index(spelled.index.coeffs)
    lower = tuple(-lo.get("1", 0) for lo, _ in box)
    upper = tuple(hi.get("1", 0) for _, hi in box)
    return (Index(linear.coeffs, lower if any(lower) else ()),
            Index((-linear).coeffs, upper if any(upper) else ()))


def _pivot_end(form: LinearForm, remaining: tuple[str, ...], pivots: tuple[str, ...],
               moves: tuple[_LazyMove, ...], forms: tuple[LinearForm, ...]
               ) -> tuple[Monomial, list[_LazyMove], list[LinearForm]]:
    """A finished pivot search: the sums in the order of the pivots, renamed canonically."""
    all_moves, all_forms = list(moves), list(forms)
    if pivots != form.monomials[0].variables:
        order_params = {"order": pivots}
        form = exchange_rule(form, 0, **order_params)
        note = "the sums are finite, so their order may be exchanged"
        all_moves.append(("exchange", order_params, lambda: (note, note)))
        all_forms.append(form)
    canonical = dict(zip(pivots, fresh_names(set()), strict=False))
    mapping = {old: new for old, new in canonical.items() if old != new}
    if mapping:
        form = rename_rule(form, 0, mapping)
        all_moves.append(("rename", {"mapping": mapping},
                          functools.partial(_rename_note, mapping)))
        all_forms.append(form)
    return form.monomials[0], all_moves, all_forms


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


# Operations that are bijections of the signals on Z^d (flip, transpose and shift permute
# Z^d, conj and minus are involutions): op(A) == op(B), with the same further arguments,
# exactly when A == B.
_BIJECTIONS = frozenset({"flip", "transpose", "shift", "conj"})


def _peeled(statement: Statement) -> Statement | None:
    """``A == B`` for ``op(A) == op(B)`` with ``op`` one of :data:`_BIJECTIONS` (or minus)."""
    left, right = statement.left, statement.right
    if isinstance(left, Neg) and isinstance(right, Neg):
        inner = left.operand, right.operand
    elif isinstance(left, Call) and isinstance(right, Call) and left.func == right.func and \
            left.func in _BIJECTIONS and len(left.args) == len(right.args) >= 1 and \
            left.args[1:] == right.args[1:] and left.kwargs == right.kwargs:
        inner = left.args[0], right.args[0]
    else:
        return None
    return Statement(inner[0], "==", inner[1], f"{unparse(inner[0])} == {unparse(inner[1])}")


def _peeled_compare(claim: Claim, statement: Statement,
                    literals: Mapping[str, tuple[tuple[tuple[int, ...], Fraction], ...]]
                    ) -> tuple[Derivation | None, tuple[LinearForm, LinearForm] | None]:
    """A circular statement whose sides are not what Z_n^d computes (ops' flip of a signal
    on [0, n)^d lies on (−n, 0]^d) but are one bijection of Z^d around sides that are
    (``flip(dft(dft(f))) == flip(numel(f) * f)``): the two forms of the inner statement when
    they differ (the statement is then no identity either: the exact tier refutes it, and
    ``not_an_identity`` shows those inner forms), else the inner derivation, its certificate
    with one more common bijection peeled (``"peel"``, which the checker strips itself)."""
    inner = _peeled(statement)
    if inner is None:
        return None, None
    derivation, forms = _compare(dataclasses.replace(claim, statement=inner), literals)
    if derivation is None:
        return None, forms
    peel = derivation.certificate.get("peel", 0) + 1
    return dataclasses.replace(derivation, statement=statement.text,
                               certificate={**derivation.certificate, "peel": peel}), None


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
    statement = claim.symbolic_statement
    if statement is None or statement.op != "==":
        return None, None
    numbers = _integers_as_numbers(statement, claim.integers)  # on Z_N^d alone: a period N
    signal = not is_scalar(statement.left, numbers)
    if signal == is_scalar(statement.right, numbers):
        return None, None
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    ndim = max(ndims.values())
    torus = not numbers and len(set(ndims.values())) == 1 and on_torus(statement.left, ndim) and \
        on_torus(statement.right, ndim) and (mentions_torus(statement.left)
                                             or mentions_torus(statement.right))
    if torus and not all(periods_fit(statement.left, assignment)
                         and periods_fit(statement.right, assignment)
                         for assignment in claim.assignments()):
        return _peeled_compare(claim, statement, literals)
    if torus and literals:
        return None, None  # concrete entries are unfolded on Z^d only
    real = frozenset(name for name, specs in claim.signals.items() if all(s.real for s in specs))
    if not literals:
        padded = _padded_derivation(claim, statement, signal, ndims, real, numbers)
        if isinstance(padded, Derivation):
            return padded, None
        if padded is not None:  # the model fits, the forms differ: no identity on Z_N^d
            return None, padded
    if numbers:
        _gave_up("an integer of the claim is used as a number, and Z_N^d with that N as the zeropad "
                 "length of one axis does not fit the statement")
        return None, None
    if claim.integers:  # the claim's integers are lengths of Z_N^d alone
        return None, None
    used = names_in(statement)
    entries = tuple((name, literals[name]) for name in sorted(literals) if name in used)
    modes = not torus and (uses_modes(statement.left) or uses_modes(statement.right))
    declared = _declared_boxes(claim) if modes else {}
    if not torus and not entries and ndim > 1 and factors_differ(statement):
        return _per_axis_compare(statement, signal, ndims, real, declared)
    # modes: first every signal with sizes of its own, then signals declared alike share them
    ties = _tie_passes(declared)
    forms = None
    lemmas: list[list[Any]] = []
    for tied in ties:
        boxes = symbolic_boxes(declared, tied) if modes else ()
        if entries:  # a signal read with its entries has its own size, not a symbol
            boxes = _concrete_sizes(boxes, claim, {name for name, _ in entries})
        sides = [DslSide(node, signal, torus, real, ndim, boxes=boxes, literals=entries)
                 for node in (statement.left, statement.right)]
        if tied is False and len(ties) > 1 and not _may_meet(*sides):
            continue  # different boxes on the two sides: only shared sizes can make them meet
        try:
            left, left_form = side_steps(sides[0])
            right, right_form = side_steps(sides[1])
        except RuleError:
            if tied is False and len(ties) > 1:
                continue  # e.g. a boundary of I + J needs one box: the sizes they share
            return None, None
        if left_form == right_form:
            break
        with_lemmas = _with_lemmas(claim, sides, (left_form, right_form), tied is True,
                                   {name for name, _ in entries})
        if with_lemmas is not None:
            (left, left_form), (right, right_form), lemmas = with_lemmas
            break
        forms = (left_form, right_form)
    else:
        if forms is not None and _opaque(forms) and not _fails_at_declared(claim):
            return None, None  # [X]⟨b⟩ is not a free function: different forms decide nothing
        return None, forms
    try:
        cert: dict[str, Any] = {"model": "Z_n^d" if torus else "Z^d",
                                "sides": [certificate_side(left, ndims, statement.left),
                                          certificate_side(right, ndims, statement.right)],
                                "normal_form": left_form.text()}
        accepted = _accepted(claim, cert) if torus else ()
        if accepted is None:
            cert["sides"] = [certificate_side(left, ndims, statement.left, square=True),
                             certificate_side(right, ndims, statement.right, square=True)]
            cert["square"] = True
    except RuleError:
        return None, None
    if entries:
        cert["literals"] = [name for name, _ in entries]
    if lemmas:
        cert["lemmas"] = lemmas
    concrete = {name: dict(values) for name, values in entries}
    if not modes:
        return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                          ndims=ndims, real=real, literals=concrete, accepted=accepted,
                          scope=fixed_axes_scope(statement, torus, "square" in cert,
                                                 set(ndims.values()))), None
    cert["tied"] = tied
    return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                      ndims=ndims, real=real, declared=declared, literals=concrete,
                      accepted=accepted, scope=modes_scope(statement, declared, tied)), None


def _with_lemmas(claim: Claim, sides: list[DslSide], forms: tuple[LinearForm, LinearForm],
                 tied: bool, read: set[str]) -> tuple[tuple[list[Step], LinearForm],
                                                      tuple[list[Step], LinearForm],
                                                      list[list[Any]]] | None:
    """Forms that differ in opaque atoms [X]⟨b⟩ (left) and [Y]⟨b⟩ (right): each Y proved
    equal to X or to the conjugate, a flip, the transpose or a shift (by an offset of the
    statement's shifts) of X is read as that, Z: a lemma
    Z == Y derived on Z^d for sizes and signals as general as the claim's (tied only where
    the claim's sizes are, entries read only where the claim's are, ``read``).  Sound since
    ops gives equal functions one box (which the checker verifies), the extension of a
    function from its box is one function, and it commutes with conj, flips, transposes and
    shifts.  When no Y differs from every X but one X is read in two ways (the image of a
    flip of X on one side), a symmetry Z == X is read on one side only.
    The sides again with those aliases and the lemmas ``[Z, Y, certificate]`` (a fourth
    entry 0 or 1: on that side only) when their forms are then equal, else None."""
    texts = [{opaque_expression(atom.signal) for mono in form.monomials for atom in mono.atoms
              if is_opaque_extension(atom.signal)} for form in forms]
    aliases: dict[str, Node] = {}
    lemmas: list[list[Any]] = []
    offsets = _shift_offsets(claim.statement) if claim.statement is not None else []
    for y, boundary in sorted(texts[1] - texts[0]):
        for x, other in sorted(texts[0] - texts[1]):
            if other != boundary or y in aliases:
                continue
            for z in _reindexed(x, sides[0].ndim, offsets):
                lemma = _lemma(claim, z, y, tied, read)
                if lemma is not None:
                    aliases[y] = lemma[0]
                    lemmas.append([z, y, lemma[1]])
                    break
    try:
        if aliases:
            left, right = (side_steps(dataclasses.replace(side, aliases=tuple(sorted(
                aliases.items(), key=lambda item: item[0])))) for side in sides)
            return (left, right, lemmas) if left[1] == right[1] else None
        for x, _ in sorted(texts[0] & texts[1]):
            for z in _reindexed(x, sides[0].ndim, offsets)[1:]:
                lemma = _lemma(claim, z, x, tied, read)
                if lemma is None:
                    continue
                for one in (1, 0):
                    both = [side_steps(dataclasses.replace(side, aliases=((x, lemma[0]),))
                                       if k == one else side) for k, side in enumerate(sides)]
                    if both[0][1] == both[1][1]:
                        return both[0], both[1], [[z, x, lemma[1], one]]
    except RuleError:
        return None
    return None


def _lemma(claim: Claim, z: str, y: str, tied: bool, read: set[str]
           ) -> tuple[Node, dict[str, Any]] | None:
    """Z (parsed) and the certificate of Z == Y derived on Z^d for sizes and signals as
    general as the claim's (:func:`_with_lemmas`), else None."""
    try:
        inner = parse_statement(f"{z} == {y}")
    except SymconvError:
        return None
    derivation, _ = compare(dataclasses.replace(claim, statement=inner))
    if derivation is None or derivation.torus or (
            derivation.certificate.get("tied") is True and not tied) or \
            not set(derivation.certificate.get("literals", [])) <= read:
        return None
    return inner.left, derivation.certificate


def _reindexed(text: str, ndim: int, offsets: Sequence[tuple[int, ...]]) -> list[str]:
    """An expression, its conjugate, flips, transpose and shifts by ``offsets``, which an
    extension commutes with."""
    flips = [f"flip({text})"] + ([f"flip({text}, {a})" for a in range(ndim)] if ndim > 1 else [])
    shifts = [f"shift({text}, {', '.join(map(str, k))})" for k in offsets if len(k) == ndim]
    return [text, f"conj({text})", *flips, *([f"transpose({text})"] if ndim == 2 else []), *shifts]


def _shift_offsets(statement: Statement) -> list[tuple[int, ...]]:
    """The offsets of the statement's shifts and their opposites: the shifts a lemma under a
    boundary may need (shift(conv(a, b, mode="same")) is conv(a, shift(b), mode="same"))."""
    offsets: set[tuple[int, ...]] = set()
    for node in walk(statement):
        if isinstance(node, Call) and node.func == "shift":
            values = [integer_value(a) for a in node.args[1:]]
            k = tuple(v for v in values if v is not None)
            if k and len(k) == len(values):
                offsets |= {k, tuple(-c for c in k)}
    return sorted(offsets)


def _opaque(forms: tuple[LinearForm, LinearForm]) -> bool:
    """Whether a form reads the extension of an expression ([X]⟨b⟩, named by X's text)."""
    return any(is_opaque_extension(atom.signal) for form in forms for mono in form.monomials
               for atom in mono.atoms)


def _fails_at_declared(claim: Claim) -> bool:
    """Whether the exact tier finds the sides different at a declared size (symbolic entries,
    up to :data:`SEARCH_SYMBOLIC_ENTRIES`): a witness that the statement is no identity when
    its canonical forms do not decide it."""
    from symconv.prove.counterexample import build_env, exact_differs

    try:
        return any(_entries(assignment) <= SEARCH_SYMBOLIC_ENTRIES
                   and exact_differs(claim, build_env(assignment))
                   for assignment in claim.assignments())
    except SymconvError:
        return False


def _accepted(claim: Claim, cert: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """None when a derivation on Z_n^d needs one period for all axes: its signals are n×⋯×n at
    every declared size (a transpose then keeps the periods) and the checker, which gives each
    axis its own period, rejects the certificate.  PROVED then holds for n×⋯×n signals only.
    Otherwise what the checker accepted, for Derivation.accepted (empty when it did not run)."""
    statement = claim.symbolic_statement
    if statement is None or not all(len(set(spec.shape)) == 1 and len(spec.shape) > 1
                                    for specs in claim.signals.values() for spec in specs):
        return ()
    signals = declared_signals(claim)
    try:
        checker.check(statement, signals, cert)
    except checker.CertificateError:
        return None
    return statement, signals, pickle.dumps(cert)


def _tie_passes(declared: Mapping[str, Any]) -> tuple[bool, ...]:
    """The passes of a comparison with crops: every signal with sizes of its own, then, when
    some signals are declared alike, with those sharing sizes."""
    return (False, True) if declared and len(set(declared.values())) < len(declared) else (False,)


# --- strides and dilations that differ between axes ------------------------------------------
# An index is a vector with one integer coefficient per variable, so downsample(a, 2, 1) has no
# term of its own.  When every operation acts on each axis alone (conv, corr, their crops and
# boundaries, shift, flip, up/downsample, pointwise products, sum, frobenius), a term's indices
# are one affine form per axis in that axis's components only, and a re-indexing of Z^d may be
# one re-indexing per axis: the statement read on axis a (each operation with its axis-a
# argument, each signal 1D) is derived by the rules above, and the certificate for the d-axis
# statement joins the axes' steps (the checker names the components v.0, v.1 anyway).

def factors_differ(statement: Statement) -> bool:
    """Whether a downsample or upsample of the statement has factors that differ between axes."""
    return any(isinstance(n, Call) and n.func in ("downsample", "upsample") and
               len({integer_value(a) for a in n.args[1:]}) > 1 for n in walk(statement))


def on_axis(node: Node, axis: int, ndim: int) -> Node | None:
    """The statement side read on one axis of Z^ndim (None: an operation that mixes axes or
    reads concrete entries: transpose, trace, @, circular operations, zeropad, size functions)."""
    if isinstance(node, Name | Number | Str):
        return node
    if isinstance(node, Neg):
        operand = on_axis(node.operand, axis, ndim)
        return None if operand is None else Neg(operand)
    if isinstance(node, BinOp):
        left, right = on_axis(node.left, axis, ndim), on_axis(node.right, axis, ndim)
        return None if left is None or right is None or node.op == "@" else \
            BinOp(node.op, left, right)
    if not isinstance(node, Call):
        return None
    arity = FUNCTIONS[node.func].signals if node.func in FUNCTIONS else 0
    args = [on_axis(a, axis, ndim) for a in node.args[:arity]]
    if None in args:
        return None
    kept = tuple(a for a in args if a is not None)
    ints = [integer_value(a) for a in node.args[arity:]]
    if node.func in ("conv", "corr", "sum", "frobenius", "conj", "hadamard") and not ints:
        return Call(node.func, kept, node.kwargs)
    if node.func in ("shift", "downsample", "upsample") and len(ints) == ndim and \
            None not in ints and not node.kwargs:
        return Call(node.func, (*kept, Number(Fraction(ints[axis] or 0))), ())
    if node.func == "flip":  # flip(a), flip(a, k), flip(a, axis=k): axis k alone turns
        turned = ints + [integer_value(v) if k == "axis" else None for k, v in node.kwargs]
        if len(turned) > 1 or None in turned:
            return None
        return Call("flip", kept, ()) if not turned or (turned[0] or 0) % ndim == axis else kept[0]
    return None


def _per_axis_compare(statement: Statement, signal: bool, ndims: Mapping[str, int],
                      real: frozenset[str], declared: Mapping[str, Any]
                      ) -> tuple[Derivation | None, tuple[LinearForm, LinearForm] | None]:
    """:func:`_compare` axis by axis (see above): a derivation per axis and one certificate
    for the statement, or the forms of the first axis where the sides differ."""
    ndim = max(ndims.values())
    if set(ndims.values()) != {ndim}:
        return None, None
    projected: list[tuple[Node, Node]] = []
    for a in range(ndim):
        left_node, right_node = on_axis(statement.left, a, ndim), on_axis(statement.right, a, ndim)
        if left_node is None or right_node is None:
            return None, None
        projected.append((left_node, right_node))
    ones = {name: 1 for name in ndims}
    ties = _tie_passes(declared)
    forms = None
    for tied in ties:
        boxes = symbolic_boxes(declared, tied) if declared else ()
        axes: list[tuple[list[Step], list[Step], LinearForm]] = []
        for a, nodes in enumerate(projected):
            axis_boxes = tuple((name, (per_axis[a],)) for name, per_axis in boxes)
            sides = [DslSide(node, signal, False, real, 1, boxes=axis_boxes) for node in nodes]
            if tied is False and len(ties) > 1 and not _may_meet(*sides):
                break  # different boxes on the two sides: only shared sizes can make them meet
            try:
                left, left_form = side_steps(sides[0])
                right, right_form = side_steps(sides[1])
            except RuleError:
                return None, None
            if left_form != right_form:
                forms = (left_form, right_form)
                break
            axes.append((left, right, left_form))
        else:
            break
    else:
        return None, forms
    try:
        certificates = [[certificate_side(steps, ones, node)
                         for steps, node in zip(derived[:2], projected[a], strict=True)]
                        for a, derived in enumerate(axes)]
    except RuleError:
        return None, None
    cert: dict[str, Any] = {"model": "Z^d", "sides": [
        _joined_side([c[number] for c in certificates]) for number in range(2)],
        "normal_form": " | ".join(form.text() for _, _, form in axes)}
    # the factors fix the number of axes: a law for all sizes of these signals in d = ndim
    scope = f"for all sizes, on Z^{ndim} (the factors per axis fix the number of axes)"
    if declared:
        cert["tied"] = tied
        scope = modes_scope(statement, declared, tied) + f", on Z^{ndim}"
    per_axis = tuple(
        Derivation(f"{dsl_text(nodes[0])} == {dsl_text(nodes[1])}", left, right, form,
                   ndims=ones, real=real, scope="on this axis, for all finite supports",
                   certificate={k: v for k, v in cert.items() if k != "sides"} | {"sides": sides},
                   axis=a)
        for a, ((left, right, form), nodes, sides) in enumerate(
            zip(axes, projected, certificates, strict=True)))
    return Derivation(statement.text, [], [], axes[0][2], certificate=cert, ndims=ndims, real=real,
                      declared=declared, scope=scope, per_axis=per_axis), None


def _joined_side(sides: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's certificate from its axes' (1D, the components named v.0): per term, each
    axis's steps on its own components (a divide on that axis's indicators only), then one
    map joining the axes' re-indexings."""
    def moved(name: str, axis: int) -> str:
        return name if name == "1" else f"{name.rsplit('.', 1)[0]}.{axis}"

    counts = {len(side["terms"]) for side in sides}
    if len(counts) != 1:
        raise RuleError("the axes expand into different numbers of terms")
    terms = []
    for number in range(counts.pop()):
        steps: list[list[Any]] = []
        forward: dict[str, dict[str, int]] = {}
        inverse: dict[str, dict[str, int]] = {}
        for axis, side in enumerate(sides):
            for step in side["terms"][number]["steps"]:
                if step[0] == "map":
                    for mine, theirs in ((forward, step[1]), (inverse, step[2])):
                        mine.update({moved(v, axis): {moved(u, axis): c for u, c in form.items()}
                                     for v, form in theirs.items()})
                elif step[0] == "divide":
                    steps.append(["divide", axis])
                else:
                    steps.append([step[0], moved(step[1], axis)])
        terms.append({"steps": steps + ([["map", forward, inverse]] if forward else [])})
    return {"terms": terms}


def _concrete_sizes(boxes: tuple[tuple[str, tuple[tuple[SizeForm, SizeForm], ...]], ...],
                    claim: Claim, fixed: set[str]
                    ) -> tuple[tuple[str, tuple[tuple[SizeForm, SizeForm], ...]], ...]:
    """The symbolic boxes with the size of each signal in ``fixed`` (read with its concrete
    entries: one declared spec) the number it is built with, so that a crop whose box needs
    the kernel's size (valid mode, full mode with a boundary) meets its twin."""
    out = []
    for name, axes in boxes:
        if name in fixed:
            shape = claim.signals[name][0].build(name).shape
            axes = tuple((origin, (("1", n),)) for (origin, _), n in zip(axes, shape, strict=True))
        out.append((name, axes))
    return tuple(out)


def _padded_derivation(claim: Claim, statement: Statement, signal: bool, ndims: Mapping[str, int],
                       real: frozenset[str], numbers: frozenset[str] = frozenset()
                       ) -> Derivation | tuple[LinearForm, LinearForm] | None:
    """A derivation on Z_N^d, N the common zeropad length (a size expression), when both sides
    are functions on [0, N)^d equal to their reading mod N (see :func:`padded_period`); the
    two canonical forms when they differ there; else None.  ``numbers``: the claim's integers
    used as numbers, each of which must be, alone, the zeropad length of some axis."""
    if not any(isinstance(n, Call) and n.func == "zeropad" for n in walk(statement)):
        return None  # no zeropad, no N (padded_period)
    ndim = max(ndims.values())
    declared = {name: tuple((s.shape, s.origin) for s in specs)
                for name, specs in claim.signals.items() if all(s.is_symbolic for s in specs)}
    # a signal with concrete entries keeps its box (shape and origin as built) and its entries
    literals = {name: values for name, values in _literal_entries(claim).items()
                if name not in declared}
    for name in literals:
        built = claim.signals[name][0].build(name)
        declared[name] = ((tuple(built.shape), tuple(built.origin)),)
    if len(set(ndims.values())) != 1 or declared.keys() != ndims.keys() or not (
            on_padded_torus(statement.left, ndim) and on_padded_torus(statement.right, ndim)):
        return None
    # every signal with sizes of its own, then signals declared alike sharing them
    for tied in _tie_passes(declared):
        found = padded_period(statement, declared, frozenset(literals), tied, numbers)
        if found is not None:
            break
    if found is None:
        return None
    period, conditions = found
    # an integer read as a number is n_a, the period of the first axis a whose length it is
    # (axes of one length share it: equal_periods below)
    read_as = tuple((name, period.index({f"n_{name}": 1})) for name in sorted(numbers)
                    if {f"n_{name}": 1} in period)
    if len(read_as) < len(numbers):
        return None
    classes = tuple(period.index(n) for n in period)
    symbol = {(f"n_{name}{a + 1}" if ndims[name] > 1 else f"n_{name}"): f"n:{name}.{a}"
              for name in ndims for a in range(ndims[name])} | {f"n_{n}": f"n:{n}.0" for n in claim.integers}
    hypotheses = [{symbol.get(v, v): c for v, c in h.items()} for h in conditions]
    assumed = [form for a in claim.assumptions for form in a.forms]
    # a condition one assumption implies (c − h ≥ 0 for all sizes) is the claim's own
    beyond = [h for h in hypotheses if not any(nonnegative_for_all_sizes(_symbols_as_sizes(_sum(h, a, -1)))
                                               for a in assumed)]
    if claim.assumptions and beyond:
        _gave_up(f"on Z_N^d the proof needs {hypotheses_scope({'hypotheses': beyond}, ndims)[8:]}, "
                 "which no assumption of the claim implies")
        return None
    used = names_in(statement)
    entries = tuple((name, literals[name]) for name in sorted(literals) if name in used)
    try:
        left, left_form = side_steps(DslSide(statement.left, signal, True, real, ndim, padded=True,
                                             literals=entries, numbers=read_as))
        right, right_form = side_steps(DslSide(statement.right, signal, True, real, ndim,
                                               padded=True, literals=entries, numbers=read_as))
    except RuleError:
        return None
    numeric = all(set(n) <= {"1"} for n in period)
    if classes != tuple(range(len(period))) and not numeric:  # n_a = n_b where their lengths are one
        left_form, right_form = (_equal_periods_step(steps, form, classes) for steps, form in
                                 ((left, left_form), (right, right_form)))
    if numeric:  # N a number per axis: its powers are numbers
        values = tuple(n.get("1", 0) for n in period)
        left_form, right_form = (_numeric_period_step(steps, form, values) for steps, form in
                                 ((left, left_form), (right, right_form)))
    if left_form != right_form:
        return left_form, right_form
    cert: dict[str, Any] = {"model": "Z_n^d", "padded": True, "tied": tied,
                            "sides": [certificate_side(left, ndims, statement.left),
                                      certificate_side(right, ndims, statement.right)],
                            "normal_form": left_form.text()}
    if entries:
        cert["literals"] = [name for name, _ in entries]
    if hypotheses or assumed:  # the checker's size symbols: n:name.axis
        cert["hypotheses"] = assumed + [h for h in hypotheses if h not in assumed and claim.assumptions == ()]
    lengths = _period_text([form_text({v.removeprefix("n_") if v.removeprefix("n_") in claim.integers
                                       else v: c for v, c in n.items()}) for n in period])
    origins = "origins as declared" if all(o is not None for specs in declared.values()
                                           for _, o in specs) else "and origins o, where none is declared"
    placed = "each lies on [0, N)" if signal else "each is a sum over Z_N^d of such a reading"
    free = all(len(n) == 1 and next(iter(n)).removeprefix("n_") in claim.integers for n in period)
    follows = "" if numeric else " (it follows the sizes)"
    length = f"N = {lengths} the zeropad length{follows}"
    if free:  # the claim's own integers
        axes = ", ".join(f"n_{a + 1}" for a in range(len(period)))  # the steps' names of N_a
        length = (f"({axes}) = {lengths} the zeropad lengths, integers of the claim" if len(period) > 1
                  else "N the zeropad length, an integer of the claim" if lengths == "N"
                  else f"N = {lengths} the zeropad length, an integer of the claim")
    where = (f", where {' and '.join(a.text for a in claim.assumptions)} (the claim's "
             f"assumption{'s' if len(claim.assumptions) > 1 else ''})" if claim.assumptions
             else hypotheses_scope(cert, ndims))
    integers = f" and integers {', '.join(claim.integers)} ≥ 1" if claim.integers else ""
    scope = (f"for all sizes n ≥ 1 of the signals ({origins}){integers}{where}, "
             f"with {length}: both sides read modulo N agree, "
             f"and {placed} (every zeropad fits)" + (shared_sizes_note(declared) if tied else ""))
    return Derivation(statement.text, left, right, left_form, True, certificate=cert,
                      ndims=ndims, real=real, declared=declared, scope=scope,
                      literals={name: dict(values) for name, values in entries})


def _period_text(lengths: list[str]) -> str:
    """N as the verdicts write it: ``5`` on one axis, ``(2, 3)`` on several."""
    return lengths[0] if len(lengths) == 1 else "(" + ", ".join(lengths) + ")"


def _equal_periods_step(steps: list[Step], form: LinearForm, classes: tuple[int, ...]) -> LinearForm:
    """The step n_a = n_b for axes of one zeropad length (appended to ``steps``), where the
    form has size factors it changes."""
    after = equal_periods(form, classes)
    if after == form:
        return form
    same = [" = ".join(f"n_{a + 1}" for a in range(len(classes)) if classes[a] == c)
            for c in sorted(set(classes)) if classes.count(c) > 1]
    note = f"{', '.join(same)}: axes of one zeropad length"
    latex = "$" + r",\ ".join(same) + "$: axes of one zeropad length"
    steps.append(Step(form, after, "equal_periods", note, latex, {"classes": classes}))
    return after


def _numeric_period_step(steps: list[Step], form: LinearForm, lengths: tuple[int, ...]
                         ) -> LinearForm:
    """The step N = (c_1, …, c_d) on a form with size factors (appended to ``steps``)."""
    if not any(m.npow or any(m.axis_powers) for m in form.monomials):
        return form
    after = numeric_period(form, lengths)
    if len(lengths) == 1:
        note, latex = f"N = {lengths[0]}, the zeropad length", f"$N = {lengths[0]}$, the zeropad length"
    else:
        shown, total = ", ".join(map(str, lengths)), math.prod(lengths)
        note = f"the zeropad lengths n = ({shown}): N = n_1⋯n_d = {total}"
        latex = rf"the zeropad lengths $n = ({shown})$: $N = n_1 \cdots n_d = {total}$"
    steps.append(Step(form, after, "numeric_period", note, latex, {"lengths": lengths}))
    return after


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


def _size_form(node: Node, ndims: Mapping[str, int]) -> dict[str, int] | None:
    """A zeropad length as an affine form in the size symbols of :func:`symbolic_boxes`."""
    value = integer_value(node)
    if value is not None:
        return {"1": value} if value else {}
    if isinstance(node, Name):  # an integer of the claim (a signal is no length)
        return None if node.id in ndims else {f"n_{node.id}": 1}
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


def _symbols_as_sizes(form: Mapping[str, int]) -> dict[str, int]:
    """A form in the checker's symbols n:name.axis read in the prover's (every one a size)."""
    return {("n_" + v if v.startswith("n:") else v): c for v, c in form.items()}


def _integers_as_numbers(statement: Statement, integers: Mapping[str, int]) -> frozenset[str]:
    """The claim's integers that occur outside lengths (zeropad, circular periods): numbers."""
    inside: set[int] = set()
    for node in walk(statement):
        if isinstance(node, Call) and FUNCTIONS[node.func].size_lengths:
            inside |= {id(n) for a in node.args[FUNCTIONS[node.func].signals:] for n in walk(a)}
    return frozenset(n.id for n in walk(statement) if isinstance(n, Name) and n.id in integers
                     and id(n) not in inside)


def padded_period(statement: Statement, declared: Mapping[str, Any], fixed: frozenset[str] = frozenset(),
                  tied: bool = False, numbers: frozenset[str] = frozenset()
                  ) -> tuple[list[dict[str, int]], list[dict[str, int]]] | None:
    """N per axis, and the hypotheses on the sizes (affine forms h ≥ 0) where that is not so
    for all sizes, when every zeropad of the statement has the lengths N, every zeropad fits
    (N ≥ the signal's size), and each side is a function on [0, N)^d equal to its reading
    mod N: a circular operation of signals on [0, N)^d (zeropad of a signal at origin 0, or
    circular results), or an expression whose box lies in [0, N)^d (a zeropad's: its
    argument's origin, N long; ``zeropad(conv(a, b), N)`` with N ≥ len(a) + len(b) − 1).
    A number side needs no box (reading mod N keeps sums); a pointwise product of factors
    off [0, N)^d needs both on one box at most N long (then the product of the readings mod
    N is the reading of the product).  ``tied``: signals declared alike share sizes;
    ``numbers``: names of numbers (the claim's integers outside lengths)."""
    ndims = {name: len(specs[0][0]) for name, specs in declared.items()}
    pads = [c for c in walk(statement) if isinstance(c, Call) and c.func == "zeropad"]
    lengths = [[_size_form(a, ndims) for a in c.args[1:]] for c in pads]
    if not lengths or any(f is None for row in lengths for f in row) or \
            any(row != lengths[0] for row in lengths):
        return None
    period: list[dict[str, int]] = lengths[0]  # type: ignore[assignment]
    boxes = dict(symbolic_boxes(declared, tied))
    for name in fixed:  # a signal with concrete entries: its box as built, sizes numbers
        (shape, origin), = declared[name]
        boxes[name] = tuple(((("1", o),) if o else (), (("1", n),))
                            for n, o in zip(shape, origin, strict=True))
    ctx = _UnfoldContext(iter(()), frozenset(), len(period), boxes)
    conditions: list[dict[str, int]] = []  # those not true for all sizes: the hypotheses

    def condition(form: dict[str, int]) -> None:
        if not nonnegative_for_all_sizes(form) and form not in conditions:
            conditions.append(form)

    for pad in pads:
        try:
            box = box_of(pad.args[0], ctx)
        except RuleError:
            return None
        # N − (hi − lo + 1) ≥ 0: ops refuses a zeropad shorter than the signal
        for n, (lo, hi) in zip(period, box, strict=True):
            condition(_sum(_sum(_sum(n, hi, -1), lo), {"1": -1}))
    def on_period_box(node: Node) -> bool:
        return _on_period_box(node, declared, sized=lambda node: _period_sized(node, ctx, period),
                              numbers=numbers)

    for node in walk(statement):
        factors = _pointwise_factors(node, numbers)
        if factors and not all(on_period_box(f) for f in factors):
            try:
                first, second = (box_of(f, ctx) for f in factors)
            except RuleError:
                return None
            if first != second:
                return None
            for n, (lo, hi) in zip(period, first, strict=True):
                condition(_sum(_sum(_sum(n, hi, -1), lo), {"1": -1}))
    for side in (statement.left, statement.right):
        if is_scalar(side, numbers) or on_period_box(side):
            continue
        while isinstance(side, Neg) or (isinstance(side, BinOp) and side.op in "*/" and (
                is_scalar(side.right, numbers) or (side.op == "*" and is_scalar(side.left, numbers)))):
            side = side.operand if isinstance(side, Neg) else \
                side.left if is_scalar(side.right, numbers) else side.right  # a number keeps the box
        try:
            if isinstance(side, Call) and side.func == "zeropad":  # [lo, lo + N): N long
                box = [(lo, _sum(lo, _sum(n, {"1": -1}))) for n, (lo, _) in
                       zip(period, box_of(side.args[0], ctx), strict=True)]
            else:
                box = box_of(side, ctx)
        except RuleError:
            return None
        for n, (lo, hi) in zip(period, box, strict=True):
            condition(lo)
            condition(_sum(_sum(n, hi, -1), {"1": -1}))
    # a condition on nothing but constants (origins declared as numbers) is no hypothesis on
    # the sizes: such a side is off [0, N) at every size; nor is one on an undeclared origin
    # (ops centres the box: o = −⌊n/2⌋, no affine form)
    if any(not any(v.startswith("n_") for v in form) or any(v.startswith("o_") for v in form)
           for form in conditions):
        return None
    # those another implies (n_a ≤ 7 beside n_a + n_b ≤ 8) are not shown; the checker too
    # accepts a condition c with c − h ≥ 0 for all sizes, h a hypothesis
    return period, [c for c in conditions if not any(
        other != c and nonnegative_for_all_sizes(_sum(c, other, -1)) for other in conditions)]


def _pointwise_factors(node: Node, numbers: frozenset[str] = frozenset()) -> tuple[Node, Node] | None:
    """The two signal factors of a pointwise product (a * b, hadamard, frobenius), else None."""
    if isinstance(node, BinOp) and node.op == "*" and not (is_scalar(node.left, numbers)
                                                           or is_scalar(node.right, numbers)):
        return node.left, node.right
    if isinstance(node, Call) and node.func in ("hadamard", "frobenius"):
        return node.args[0], node.args[1]
    return None


def _sum(a: Mapping[str, int], b: Mapping[str, int], k: int = 1) -> dict[str, int]:
    out = dict(a)
    for v, c in b.items():
        out[v] = out.get(v, 0) + k * c
    return {v: c for v, c in out.items() if c}


def _on_period_box(node: Node, declared: Mapping[str, Any], argument: bool = False,
                   sized: Callable[[Node], bool] | None = None,
                   numbers: frozenset[str] = frozenset()) -> bool:
    """Whether ops puts ``node`` on the box [0, N)^d with the values of its reading mod N:
    circular operations (of such signals), their pointwise products and combinations, and
    (as an argument) zeropad of a signal at origin 0, or what ``sized`` accepts (an
    argument of period N: :func:`_period_sized`); times or over a number (``numbers``:
    names of numbers)."""
    def on(a: Node, argument: bool = False) -> bool:
        return _on_period_box(a, declared, argument, sized, numbers) or (
            argument and sized is not None and sized(a))

    def number(a: Node) -> bool:  # built from numbers alone: N * N, 2 * N
        return is_scalar(a, numbers) and all(isinstance(n, Number | BinOp | Neg) or (
            isinstance(n, Name) and n.id in numbers) for n in walk(a))

    if isinstance(node, Call) and node.func == "zeropad":
        arg = node.args[0]
        return argument and isinstance(arg, Name) and all(
            origin is not None and not any(origin) for _, origin in declared.get(arg.id, ((0, None),)))
    if isinstance(node, Call) and FUNCTIONS[node.func].circular:
        return len(node.args) == FUNCTIONS[node.func].signals and all(on(a, True) for a in node.args)
    # (an argument's pointwise combinations are arguments too: dft(conj(zeropad(f, N))))
    if isinstance(node, Call) and FUNCTIONS[node.func].pointwise:
        return all(on(a, argument) for a in node.args)
    if isinstance(node, Neg):
        return on(node.operand, argument)
    if isinstance(node, BinOp) and node.op in "+-":
        return on(node.left, argument) and on(node.right, argument)
    if isinstance(node, BinOp) and node.op == "*":
        return (on(node.left, argument) or number(node.left)) and (on(node.right, argument) or number(
            node.right)) and not (number(node.left) and number(node.right))
    if isinstance(node, BinOp) and node.op == "/":
        return on(node.left, argument) and number(node.right) and not (
            isinstance(node.right, Number) and node.right.value == 0)
    return False


def _period_sized(node: Node, ctx: _UnfoldContext, period: list[dict[str, int]]) -> bool:
    """Whether an argument of a circular operation gets period N from ops (its box is N long
    on every axis) and is built from operations that commute with reading mod N (signals,
    zeropad, shift, flip of all axes, full conv/corr, conj, sums): then the
    operation's periodization is the model's reading mod N, wherever the box lies."""
    if not _commutes_with_periodization(node):
        return False
    try:
        box = _padded_box(node, ctx, period)
    except RuleError:
        return False
    return all(_sum(_sum(hi, lo, -1), {"1": 1}) == n for n, (lo, hi) in zip(period, box, strict=True))


def _commutes_with_periodization(node: Node) -> bool:
    if isinstance(node, Call) and node.func in ("zeropad", "shift", "flip", "conv", "corr", "conj"):
        return not node.kwargs and (node.func != "flip" or len(node.args) == 1) and \
            all(_commutes_with_periodization(a) for a in node.args[:FUNCTIONS[node.func].signals])
    if isinstance(node, BinOp) and node.op in "+-":  # reading mod N is linear
        return _commutes_with_periodization(node.left) and _commutes_with_periodization(node.right)
    if isinstance(node, Neg):
        return _commutes_with_periodization(node.operand)
    return isinstance(node, Name)


def _padded_box(node: Node, ctx: _UnfoldContext, period: list[dict[str, int]]
                ) -> list[tuple[dict[str, int], dict[str, int]]]:
    """The box ops gives ``node``: :func:`~symconv.prove.rules.box_of`, and zeropad to N at
    the signal's origin, N long (under shift and flip)."""
    if isinstance(node, Call) and node.func == "zeropad":
        return [(lo, _sum(lo, _sum(n, {"1": -1}))) for (lo, _), n in
                zip(_padded_box(node.args[0], ctx, period), period, strict=True)]
    if isinstance(node, Call) and node.func in ("shift", "flip") and not isinstance(node.args[0], Name):
        inner = _padded_box(node.args[0], ctx, period)
        if node.func == "flip":
            return [(_sum({}, hi, -1), _sum({}, lo, -1)) for lo, hi in inner]
        offsets = [integer_value(a) or 0 for a in node.args[1:]]
        return [(_sum(lo, {"1": k}), _sum(hi, {"1": k})) for (lo, hi), k in zip(inner, offsets, strict=True)]
    return box_of(node, ctx)


def _may_meet(left: DslSide, right: DslSide) -> bool:
    """Whether the two sides' terms have the same signals and indicators (a cheap test before
    the canonical forms; false also where like terms would cancel, which only costs the
    proof with sizes of their own)."""
    def signature(side: DslSide) -> list[tuple[str, ...]]:
        try:
            form = linearity(unfold(side))
        except RuleError:
            return []
        # an indicator repeated at one index counts once (idempotence), one that a signal
        # factor's box implies not at all (absorb)
        kept = [{(a.signal, a.index if is_indicator(a.signal) else k) for k, a in enumerate(m.atoms)
                 if k not in absorbed} for m in form.monomials
                for absorbed in [absorbing_signals(m, side.boxes)]]
        return sorted(tuple(sorted(name for name, _ in atoms)) for atoms in kept)
    return signature(left) == signature(right)


def uses_modes(node: Node) -> bool:
    """Whether a side has a conv/corr with a mode other than full or a boundary other than
    zero."""
    for call in walk(node):
        if isinstance(call, Call) and FUNCTIONS[call.func].sliding and call.kwargs:
            try:
                if mode_and_boundary(call) != ("full", "zero"):
                    return True
            except RuleError:
                return True
    return False


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


def _operation_ndim(func: str) -> int | None:
    """The one number of axes an operation accepts (trace, len) or its meaning reads
    (transpose), else None."""
    op = FUNCTIONS[func]
    meaning = op.general.on_z if isinstance(op.general, Definition) else None
    return op.ndim or getattr(meaning, "ndim", None)


def fixed_axes_scope(statement: Statement, torus: bool, square: bool = False,
                     declared: set[int] | frozenset[int] = frozenset()) -> str:
    """The scope when the statement itself fixes the number of axes d:
    one integer per axis (shift's offsets, factors, zeropad sizes, periods) or an operation
    of one dimension (transpose, trace); an axis named (size(f, 1), flip(f, 0), axis=) fixes
    the ``declared`` one: numel(f) == size(f, 0) * size(f, 1) and flip(f) == flip(flip(f, 0), 1)
    hold in 2D only.  ``shift(f, 1, 1)`` means nothing in 3D, so the law is
    one of Z^2 (Z_n^2), not of every d.  "" when d is free, unless ``square`` (one period n
    on every axis: signals of shape n×⋯×n only)."""
    ndims = set()
    for call in (c for side in (statement.left, statement.right) for c in walk(side)
                 if isinstance(c, Call)):
        op = FUNCTIONS[call.func]
        if one := _operation_ndim(call.func):
            ndims.add(one)
        per_axis = len(call.args) - op.signals
        if op.ints in (Ints.OFFSETS, Ints.SIZES, Ints.PERIOD, Ints.FACTORS) and per_axis:
            ndims.add(per_axis)
        if op.ints in (Ints.AXIS, Ints.INDEX) and (per_axis or call.kwargs):
            ndims |= declared
    if len(ndims) != 1:  # d is free (or the statement has no value: the checker decides that)
        return "for all n and d: signals of shape n×⋯×n, read modulo n" if square else ""
    (d,) = ndims
    what = "for all n (signals of shape n×⋯×n, read modulo n)" if square \
        else "for all n (signals of shape n, read modulo n)" if torus else "for all sizes"
    group = f"Z_n^{d}" if torus else f"Z^{d}"
    return f"{what}, on {group} (the statement fixes the number of axes)"


def hypotheses_scope(certificate: Mapping[str, Any], ndims: Mapping[str, int]) -> str:
    """The certificate's hypotheses h ≥ 0 on the sizes (the checker's symbols n:name.axis), as
    the verdict states them: ", where n_a + n_b ≤ 8" ("" without any)."""
    def term(v: str, c: int) -> str:
        if v == "1":
            return str(c)
        name, axis = v.removeprefix("n:").rsplit(".", 1)
        symbol = name if name not in ndims else f"n_{name}{int(axis) + 1}" if ndims[name] > 1 \
            else f"n_{name}"  # a name that is no signal: an integer of the claim
        return f"{c}{symbol}" if c != 1 else symbol

    shown = []
    for h in certificate.get("hypotheses", []):
        small = " + ".join([term(v, -c) for v, c in sorted(h.items()) if c < 0 and v != "1"]
                           + ([str(-h["1"])] if h.get("1", 0) < 0 else [])) or "0"
        large = " + ".join(term(v, c) for v, c in sorted(h.items()) if c > 0) or "0"
        shown.append(f"{small} ≤ {large}")
    return f", where {' and '.join(shown)}" if shown else ""


def modes_scope(statement: Statement, declared: Mapping[str, Any], tied: bool) -> str:
    """What the proof covers: every size (and origin where none is declared), valid mode
    only where it is defined, signals declared alike sharing sizes when ``tied``."""
    text = "for all sizes n ≥ 1 (and origins o, where none is declared) of the signals"
    if any(isinstance(c, Call) and FUNCTIONS[c.func].sliding and
           dict((k, v.value) for k, v in c.kwargs if isinstance(v, Str)).get("mode") == "valid"
           for side in (statement.left, statement.right) for c in walk(side)):
        text += ("; valid mode where it is defined: the kernel fits inside the image on every "
                 "axis (otherwise ops refuses: the output would be empty)")
    return text + (shared_sizes_note(declared) if tied else "")


def shared_sizes_note(declared: Mapping[str, Any]) -> str:
    """"; signals declared alike share their sizes: a, b" (the tied pass's scope)."""
    groups: dict[str, list[str]] = {}
    for name, rep in size_classes(declared, True).items():
        groups.setdefault(rep, []).append(name)
    shared = [", ".join(g) for g in groups.values() if len(g) > 1]
    return "; signals declared alike share their sizes: " + "; ".join(shared)




def attempt(claim: Claim, budget: Budget) -> Result | None:
    """PROVED with a checked derivation; when the two canonical forms differ, REFUTED at a
    declared size, VERIFIED at the declared sizes with a warning naming a small other size
    where the claim fails (:func:`not_an_identity`), or INCONCLUSIVE saying why; None when
    not applicable or no derivation is found."""
    start = time.monotonic()
    derivation, forms = compare(claim)
    if derivation is None and claim.assumptions and claim.integers and not _fails_at_declared(claim):
        refuted = _refuted_at_other_integers(claim, budget, start)
        if refuted is not None:
            return refuted
    if derivation is None and forms is not None:
        return not_an_identity(claim, forms, budget, start)
    if derivation is None or not derivation.check(claim):
        return None  # no derivation, or the independent checker rejects its certificate
    try:
        if backstop(claim, budget) is not None:
            return None  # the model does not describe the statement: let the exact tier decide
        if derivation.declared:
            recheck_modes(claim, derivation, budget)
        else:
            # the statement at small undeclared sizes; the prover's own normal form and its
            # intermediate steps are re-checked against ops in the tests (recheck)
            recheck_statement(claim, derivation, budget)
    except RecheckError:
        return None  # a bug in a rule: never PROVED, let the exact tier decide
    except SymconvError:
        return None  # e.g. a declared signal cannot be resized for the re-check
    sizes = "; ".join(",".join(f"{k}={'x'.join(map(str, v))}" for k, v in s.items())
                      + (" (random integer entries)" if s in derivation.rechecked_at_random else "")
                      for s in derivation.rechecked)
    sizes += "".join(f" ({', '.join(f'{k}={v}' for k, v in claim.integers.items())} where not named)"
                     for _ in [0] if claim.integers)
    scope = derivation.scope_text(
        "all n and dimensions (circular operations on signals of shape n)" if derivation.torus
        else "all sizes and dimensions").removeprefix("for ")
    return Result(Verdict.PROVED, METHOD, [], time.monotonic() - start, derivation=derivation,
                  detail=f"derivation of {len(derivation.steps)} checked steps, valid for "
                         f"{scope}; re-checked at {sizes}")


# The claim's integers are searched from 1 to their declared value plus this (at most
# SEARCH_INTEGERS_UP_TO), with the sizes of :func:`search_assignments`, where the
# assumptions hold.
SEARCH_INTEGERS_ABOVE = 2
SEARCH_INTEGERS_UP_TO = 12


def _refuted_at_other_integers(claim: Claim, budget: Budget, start: float) -> Result | None:
    """REFUTED at the first size (signals of 1 to SEARCH_SIDE samples per axis and the
    declared ones; every value of the claim's integers from 1) where the assumptions hold
    and the sides differ, fewest entries first: the claim states its integers free."""
    from symconv.prove.counterexample import build_env, minimal_counterexample

    names = list(claim.integers)
    tops = [min(v + SEARCH_INTEGERS_ABOVE, SEARCH_INTEGERS_UP_TO) for v in claim.integers.values()]
    values = list(itertools.product(*(range(1, top + 1) for top in tops)))
    unbound = dataclasses.replace(claim, assumptions=())  # its sizes are filtered here
    bound = {numbers: claim.at_integers(dict(zip(names, numbers, strict=True))) for numbers in values}
    def height(numbers: tuple[int, ...], admitted: set[tuple[int, ...]]) -> int:
        """How far above the edge of the assumptions: 0 where one integer one less is not
        admitted (a law needs its bound exactly there), 1 one above, ..."""
        steps = 0
        while all((*numbers[:k], numbers[k] - steps - 1, *numbers[k + 1:]) in admitted
                  for k in range(len(numbers))):
            steps += 1
        return steps

    candidates = []
    for assignment in [*search_assignments(unbound), *claim.assignments()]:
        admitted = {numbers for numbers in values if bound[numbers].admits(assignment)}
        candidates += [(height(numbers, admitted), _entries(assignment), numbers, assignment)
                       for numbers in admitted]
    candidates.sort(key=lambda c: c[:3])
    from symconv.prove.counterexample import exact_difference
    for *_, numbers, assignment in candidates[:SEARCH_ASSIGNMENTS * 4]:
        bound_claim = bound[numbers]
        budget.check()
        try:
            if exact_difference(bound_claim, build_env(assignment)) is None:
                continue
            counterexample, sizes = minimal_counterexample(bound_claim, assignment, budget)
        except SymconvError:
            continue  # the statement is not defined there (a zeropad shorter than its signal)
        sizes |= {k: (v,) for k, v in bound_claim.integers.items()}  # shown with the signals' sizes
        counterexample = dataclasses.replace(counterexample, integers=dict(bound_claim.integers))
        return Result(Verdict.REFUTED, METHOD, [sizes], time.monotonic() - start,
                      counterexample=counterexample,
                      detail=f"not an identity where the claim's assumptions hold: fails at "
                             f"{format_sizes(sizes)}, which the assumptions admit")
    return None


def why_not_proved(claim: Claim) -> str:
    """In a sentence, why this tier gave no proof for all sizes of a claim that another tier
    VERIFIED: the statement names integer sizes, the model on Z_n^d is not what ops
    computes at the declared sizes, a derivation was found but not accepted, the canonical
    forms differ, or the reason the search stopped ("" for a claim it does not read)."""
    statement = claim.symbolic_statement
    if statement is None or statement.op != "==":
        return ""
    # (an integer zeropad length is read on Z_N^d, under the hypotheses it needs)
    fixed = [n for n in walk(statement) if isinstance(n, Call) and n.func in SIZED_CALLS - {"zeropad"}
             and any(integer_value(a) is not None for a in n.args[FUNCTIONS[n.func].signals:])]
    if fixed:
        return (f"the statement names integer sizes ({unparse(fixed[0])}), so it is a claim at "
                "those sizes; with len or size in their place it can read as a law for all sizes")
    token = _GAVE_UP.set([])
    try:
        derivation, forms = compare(claim)
        reasons = _GAVE_UP.get() or []
    finally:
        _GAVE_UP.reset(token)
    ndim = max(len(specs[0].shape) for specs in claim.signals.values())
    sides = (statement.left, statement.right)
    if all(on_torus(side, ndim) for side in sides) and any(mentions_torus(s) for s in sides) and \
            not all(periods_fit(side, a) for a in claim.assignments() for side in sides):
        return ("on Z_n^d a side is not what ops computes at the declared sizes (it lies off "
                "[0, n)^d, or the periods differ): compare with periodize(x, size(a, 0), ...)")
    if derivation is not None:
        return ("the general tier found a derivation, but its independent checker or the exact "
                "re-check at the declared or other sizes did not accept it")
    pads = [n for n in walk(statement) if isinstance(n, Call) and n.func == "zeropad"]
    numbers = pads and all(integer_value(a) is not None for a in pads[0].args[1:])
    lengths = _period_text([unparse(a) for a in pads[0].args[1:]]) if numbers else ""
    if forms is not None and numbers:
        return (f"the canonical forms on Z_N^d, N = {lengths}, differ; but they are those of "
                "a period n for every n, and a law of one number N alone (at N = 2, ω = −1 "
                "and −x ≡ x) is left to the exact tier")
    if forms is not None:
        return "not an identity for all sizes: the canonical forms of the two sides differ"
    if numbers:
        return (f"the zeropad lengths are numbers, so the general tier reads the statement on "
                f"Z_N^d with N = {lengths}, under hypotheses on the sizes; that model is what ops "
                "computes only when every zeropad has length N, every circular operation reads a "
                "zeropad to N or a circular result, and every product is of signals on one box "
                "at most N long, and here one of these fails")
    if reasons:
        return f"the general tier's search stopped: {reasons[-1]}"
    return "the statement is outside the fragment the general tier normalises"


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
    found = [a for a in found if a not in declared and claim.admits(a)]
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
                detail = (f"not an identity for all sizes ({why}); fails at the declared sizes "
                          f"{format_sizes(sizes_of(assignment))}")
                if not budget.witness:  # the verdict alone was asked for (repair candidates)
                    return Result(Verdict.REFUTED, METHOD, [sizes_of(assignment)],
                                  time.monotonic() - start, detail=detail)
                counterexample, sizes = minimal_counterexample(claim, assignment, budget)
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
