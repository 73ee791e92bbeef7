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
statement is false.  One-axis flips and transpose are covered outside sums (an atom
at a signed permutation of its index).

Modes and boundaries (:func:`symbolic_boxes`): every signal gets a symbolic box per
axis, origin o (or the declared one) and size n; ops' crop boxes are affine in those,
and a crop multiplies the full sum by the indicator 𝟙_B(x) of its box, so two crops meet
when their affine forms are equal.  A boundary other than zero reads the image through
its extension I⟨b⟩ (one function on Z^d, shared by both sides).  The proof holds for all
sizes and origins, valid mode where it is defined (the kernel fits); when the sides meet
only if signals declared alike share sizes (the CNN valid layers), the scope says so.

Zeropad to a length that follows the sizes (:func:`padded_period`): with N the common
zeropad length (``len(a) + len(b) - 1``), both sides are read on Z_N^d (zeropad(a, N) as
a, conv as the circular convolution) and each must lie on [0, N)^d, decided by linear
arithmetic on the sizes.  Not covered: one-axis flips or transpose around a sum, @,
trace, explicit periods or DFT sizes, stride and dilation, ``!=`` statements.

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
from symconv.core.rendering import render
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
from symconv.prove import checker
from symconv.prove.evaluate import ExactBackend, evaluate
from symconv.prove.rules import (
    DEFINITIONS,
    DEFINITIONS_LATEX,
    RULES,
    DslSide,
    RuleError,
    SizeForm,
    _UnfoldContext,
    atom_key,
    box_of,
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
)
from symconv.prove.rules import collapse as collapse_rule
from symconv.prove.rules import exchange as exchange_rule
from symconv.prove.rules import idempotence as idempotence_rule
from symconv.prove.rules import orthogonality as orthogonality_rule
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
from symconv.prove.verdict import Budget, Result, Verdict

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
                          self.declared or None)
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

    def text(self) -> str:
        chain = self.steps
        scope = self.scope or ("for all n and d: signals of shape n, read modulo n" if self.torus
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

    def _repr_html_(self) -> str:
        return render(self, "html")

    def __repr__(self) -> str:
        return render(self, "repr")


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
    steps = [Step(side, unfolded, "unfold", "; ".join(DEFINITIONS[f] for f in used) or "a signal at a point",
                  "; ".join(DEFINITIONS_LATEX[f] for f in used) or "a signal at a point")]
    form = linearity(unfolded)
    if not same_expression(form, unfolded):
        note = "pull constants and finite sums out of products, split sums over +"
        steps.append(Step(unfolded, form, "linearity", note, note))
    for number in range(len(form.monomials)):
        if side.torus:
            form = _orthogonality_steps(form, number, steps)
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
               result.phase.linear, result.phase.constant)
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
    statement = claim.statement
    if statement is None or statement.op != "==":
        return None
    signal = not is_scalar(statement.left)
    if signal == is_scalar(statement.right):
        return None
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    ndim = max(ndims.values())
    torus = len(set(ndims.values())) == 1 and on_torus(statement.left, ndim) and \
        on_torus(statement.right, ndim) and (mentions_torus(statement.left)
                                             or mentions_torus(statement.right))
    if torus and not all(periods_fit(statement.left, assignment)
                         and periods_fit(statement.right, assignment)
                         for assignment in claim.assignments()):
        return None
    real = frozenset(name for name, specs in claim.signals.items() if all(s.real for s in specs))
    padded = _padded_derivation(claim, statement, signal, ndims, real)
    if padded is not None:
        return padded
    modes = not torus and (uses_modes(statement.left) or uses_modes(statement.right))
    declared = {name: tuple((s.shape, s.origin) for s in specs)
                for name, specs in claim.signals.items() if all(s.is_symbolic for s in specs)}
    # modes: first every signal with sizes of its own, then signals declared alike share them
    ties = (False, True) if modes and len(set(declared.values())) < len(declared) else (False,)
    for tied in ties:
        boxes = symbolic_boxes(declared, tied) if modes else ()
        if tied is False and len(ties) > 1 and not _may_meet(
                DslSide(statement.left, signal, torus, real, ndim, boxes),
                DslSide(statement.right, signal, torus, real, ndim, boxes)):
            continue  # different boxes on the two sides: only shared sizes can make them meet
        try:
            left, left_form = side_steps(DslSide(statement.left, signal, torus, real, ndim, boxes))
            right, right_form = side_steps(DslSide(statement.right, signal, torus, real, ndim,
                                                   boxes))
        except RuleError:
            return None
        if left_form == right_form:
            break
    else:
        return None
    cert: dict[str, Any] = {"model": "Z_n^d" if torus else "Z^d",
                            "sides": [certificate_side(left, ndims, statement.left),
                                      certificate_side(right, ndims, statement.right)],
                            "normal_form": left_form.text()}
    if not modes:
        return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                          ndims=ndims, real=real)
    cert["tied"] = tied
    cert["declared"] = _declared_json(declared)  # what the checker reads besides the statement
    return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                      ndims=ndims, real=real, declared=declared,
                      scope=modes_scope(statement, declared, tied))


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
    """PROVED with a checked derivation, or None (not applicable / no derivation found)."""
    start = time.monotonic()
    derivation = derive(claim)
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
    scope = derivation.scope.removeprefix("for ") or (
        "all n and dimensions (circular operations on signals of shape n)"
        if derivation.torus else "all sizes and dimensions")
    return Result(Verdict.PROVED, METHOD, [], time.monotonic() - start, derivation=derivation,
                  detail=f"derivation of {len(derivation.steps)} checked steps, valid for "
                         f"{scope}; re-checked at {sizes}")
