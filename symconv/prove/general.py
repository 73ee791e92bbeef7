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
at a signed permutation of its index).  Not covered: modes other than full,
boundaries other than zero, one-axis flips or transpose around a sum, @, trace,
zeropad, explicit periods or DFT sizes, ``!=`` statements.

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
from symconv.errors import SymconvError
from symconv.lang.dsl import Name, Node, parse_statement, walk
from symconv.prove import checker
from symconv.prove.evaluate import ExactBackend, evaluate
from symconv.prove.rules import (
    DEFINITIONS,
    DEFINITIONS_LATEX,
    RULES,
    DslSide,
    RuleError,
    atom_key,
    conjugate_name,
    definitions_used,
    free_variables,
    fresh_names,
    is_scalar,
    linearity,
    mentions_torus,
    on_torus,
    order,
    unfold,
)
from symconv.prove.rules import collapse as collapse_rule
from symconv.prove.rules import exchange as exchange_rule
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
            checker.check(parse_statement(self.statement), self.ndims, self.real, self.certificate)
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
        scope = ("for all n and d: signals of shape n, read modulo n" if self.torus
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
    steps = [Step(side, unfolded, "unfold", "; ".join(DEFINITIONS[f] for f in used) or "a signal at a point",
                  "; ".join(DEFINITIONS_LATEX[f] for f in used) or "a signal at a point")]
    form = linearity(unfolded)
    if not same_expression(form, unfolded):
        note = "pull constants and finite sums out of products, split sums over +"
        steps.append(Step(unfolded, form, "linearity", note, note))
    for number in range(len(form.monomials)):
        if side.torus:
            form = _orthogonality_steps(form, number, steps)
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
    try:
        left, left_form = side_steps(DslSide(statement.left, signal, torus, real, ndim))
        right, right_form = side_steps(DslSide(statement.right, signal, torus, real, ndim))
    except RuleError:
        return None
    if left_form != right_form:
        return None
    cert = {"model": "Z_n^d" if torus else "Z^d",
            "sides": [certificate_side(left, ndims, statement.left),
                      certificate_side(right, ndims, statement.right)],
            "normal_form": left_form.text()}
    return Derivation(statement.text, left, right, left_form, torus, certificate=cert,
                      ndims=ndims, real=real)


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
        for expr in derivation.expressions() if every_step else [derivation.canonical]:
            if isinstance(expr, DslSide):
                continue
            for point in points:
                values = {} if point is None else {FREE_VARIABLE: point}
                expected = left.value_at(point) if point is not None else left
                got = evaluate_at(expr, tables, values, ndim, period)
                if not (got - _as_polynomial(expected)).is_zero():
                    raise RecheckError(f"{expr.text()} differs from the statement at "
                                       f"{FREE_VARIABLE} = {point}, sizes {sizes_of(assignment)}")
        derivation.rechecked.append(sizes_of(assignment))


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
    from symconv.prove.counterexample import build_env, concrete_env, exact_difference

    rng = random.Random(len(claim.text))
    for assignment in claim.assignments():
        budget.check()
        env = build_env(assignment)
        keys = {(g.name, g.index) for sig in env.values() for g in sig.generators()}
        if len(keys) > BACKSTOP_SYMBOLIC_ENTRIES:
            env = concrete_env(env, {k: rng.randrange(-2**20, 2**20) for k in keys})
        if exact_difference(claim, env) is not None:
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
        # the chain's intermediate steps are re-checked in the tests; here the normal form
        recheck(claim, derivation, budget, every_step=False)
    except RecheckError:
        return None  # a bug in a rule: never PROVED, let the exact tier decide
    except SymconvError:
        return None  # e.g. a declared signal cannot be resized for the re-check
    sizes = "; ".join(",".join(f"{k}={'x'.join(map(str, v))}" for k, v in s.items())
                      for s in derivation.rechecked)
    scope = ("all n and dimensions (circular operations on signals of shape n)"
             if derivation.torus else "all sizes and dimensions")
    return Result(Verdict.PROVED, METHOD, [], time.monotonic() - start, derivation=derivation,
                  detail=f"derivation of {len(derivation.steps)} checked steps, valid for "
                         f"{scope}; re-checked at {sizes}")
