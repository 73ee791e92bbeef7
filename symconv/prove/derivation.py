"""The general tier's proof records: :class:`Step` and :class:`Derivation`, their text and
LaTeX, and the link to the independent checker (:meth:`Derivation.check`)."""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from symconv.core.show import MAX_STEPS_SHOWN, condensed_steps, latex_escape
from symconv.core.signal import default_origin
from symconv.lang import dsl
from symconv.prove import checker
from symconv.prove.rules import (
    RULES,
    DslSide,
    RuleError,
)
from symconv.prove.sums import (
    Expression,
    LinearForm,
    Term,
)

if TYPE_CHECKING:
    from symconv.lang.claims import Claim, SignalSpec



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
    "absorb": "an indicator absorbed",
    "fix": "summing an indicator",
    "permute": "re-indexing",
    "permute_sums": "re-indexing",
    "at_point": "evaluating at a point",
    "divide": "dividing an indicator",
    "lattice": "re-indexing",
    "numeric_period": "the period is a number",
    "equal_periods": "equal periods",
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


def peel_layers(statement: str, k: int) -> list[tuple[str, dsl.Statement, dsl.Statement]]:
    """The ``k`` common outer bijections a certificate's ``"peel"`` strips (outermost first):
    each one's name, the statement around it and the statement inside it."""
    layers = []
    outer = dsl.parse_statement(statement)
    for _ in range(k):
        left, right = outer.left, outer.right
        if isinstance(left, dsl.Neg) and isinstance(right, dsl.Neg):
            name, inner = "negation", (left.operand, right.operand)
        elif isinstance(left, dsl.Call) and isinstance(right, dsl.Call):
            name, inner = left.func, (left.args[0], right.args[0])
        else:  # the checker accepted the peel, so this does not happen
            break
        text = f"{dsl.unparse(inner[0])} {outer.op} {dsl.unparse(inner[1])}"
        layers.append((name, outer, dsl.Statement(inner[0], outer.op, inner[1], text)))
        outer = layers[-1][2]
    return layers


def peel_note(name: str, outer: str, inner: str) -> str:
    """Why a peeled statement follows from the one inside (text or LaTeX text mode)."""
    return f"{name} is a bijection of signals: {outer} holds exactly when {inner} does"


AXES_NOTE = ("Every operation acts on each axis alone (its stride, dilation and padding per axis): "
             "a sum over Z^d is one sum over Z per axis, and each axis is re-indexed on its own.")


def one_axis_text(text: str) -> str:
    """Text or LaTeX of an axis of a per-axis proof, its group named: the sums and the rules'
    notes say Z^d (they hold for every number of axes), and one axis is Z."""
    return text.replace(r"\mathbb{Z}^d", r"\mathbb{Z}").replace("Z^d", "Z")


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
    # those of them compared with random integer entries (too many terms symbolically)
    rechecked_at_random: list[dict[str, tuple[int, ...]]] = field(default_factory=list)
    # the witnesses the independent checker re-verifies against the claim (see
    # symconv.prove.checker); the prover's own bookkeeping, which the checker never reads:
    # each signal's number of axes, the real ones
    certificate: dict[str, Any] = field(default_factory=dict)
    ndims: Mapping[str, int] = field(default_factory=dict)
    real: frozenset[str] = frozenset()
    # modes and boundaries: each signal's declared (shape, origin) specs, for the prover's
    # symbolic boxes, and the scope of the proof (empty: the plain Z^d or Z_n^d scope)
    declared: Mapping[str, tuple[tuple[tuple[int, ...], tuple[int, ...] | None], ...]] = \
        field(default_factory=dict)
    scope: str = ""
    # what the checker accepted while this was derived, (statement, declared signals, the
    # certificate pickled, a copy): check accepts the very same without running it again
    accepted: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)
    # signals with concrete entries that the derivation unfolded into their entries (the
    # statement is then proved for all sizes of the other signals, these fixed as given)
    literals: Mapping[str, Mapping[tuple[int, ...], Fraction]] = field(default_factory=dict)
    # strides that differ between axes: the derivation of the statement read on each axis (its
    # own steps then empty; the certificate joins the axes', for the statement itself)
    per_axis: tuple[Derivation, ...] = ()
    # this derivation is axis ``axis`` of a per-axis proof: its sums run over Z, not Z^d
    axis: int | None = None

    @property
    def steps(self) -> list[Step]:
        if self.per_axis:
            return [step for axis in self.per_axis for step in axis.steps]
        return _without_detours(self.left_steps + [s.backwards() for s in reversed(self.right_steps)])

    def check(self, claim: Claim) -> bool:
        """Whether the independent checker accepts the certificate for the claim: its
        statement and its declared signals (:func:`declared_signals`), nothing of the prover."""
        statement = claim.symbolic_statement  # the claim's integers as sizes of their own
        if statement is None:
            return False
        signals = declared_signals(claim)
        if self.accepted == (statement, signals, pickle.dumps(self.certificate)):
            return True
        assumed = [form for a in claim.assumptions for form in a.forms] if claim.assumptions else None
        try:
            checker.check(statement, signals, self.certificate, assumed)
        except checker.CertificateError:
            return False
        return True

    def replay(self) -> bool:
        """Replay every step with its rule and check that consecutive steps link up (a
        consistency check of the readable chain; :meth:`check` is what makes it a proof)."""
        if self.per_axis:
            return all(axis.replay() for axis in self.per_axis)
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
        text = self._text()
        return text if self.axis is None else one_axis_text(text)

    def _text(self) -> str:
        chain = self.steps
        scope = self.scope_text("for all n and d: signals of shape n, read modulo n" if self.torus
                                else "for all d, all finite supports")
        if self.per_axis:
            lines = [f"Claim: {self.statement}  ({scope})",
                     AXES_NOTE]
            for a, axis in enumerate(self.per_axis):
                lines += [f"Axis {a}:"] + ["  " + line for line in axis.text().splitlines()]
            return "\n".join(lines)
        lines = [f"Claim: {self.statement}  ({scope})"]
        lines += [f"  [{peel_note(name, outer.text, inner.text)}]" for name, outer, inner in self.peeled()]
        lines.append(f"    {chain[0].before.text()}")
        for step in chain:
            lines.append(f"  = {step.after.text()}")
            lines.append(f"      [{RULE_TITLES[step.rule]}: {step.justification}]")
        lines.append("The two sides are equal.  ∎")
        return "\n".join(lines)

    def peeled(self) -> list[tuple[str, dsl.Statement, dsl.Statement]]:
        """The common outer bijections the certificate strips before the chain (which then
        proves the statement inside them): :func:`peel_layers`."""
        return peel_layers(self.statement, self.certificate.get("peel", 0))

    def _peel_rows(self) -> list[str]:
        return [rf"&\text{{{latex_escape(peel_note(name, outer.text, inner.text))}}}"
                for name, outer, inner in self.peeled()]

    def __str__(self) -> str:
        return self.text()

    def latex(self) -> str:
        """An ``align*`` environment: one line per step, the rule on the right."""
        text = self._latex_chain()
        return text if self.axis is None else one_axis_text(text)

    def _latex_chain(self) -> str:
        if self.per_axis:
            return "\n".join(rf"\text{{Axis {a}: {latex_escape(axis.statement)}}}" + "\n" +
                             axis.latex() for a, axis in enumerate(self.per_axis))
        chain = self.steps
        rows = [row + r" \\" for row in self._peel_rows()] + [rf"&{chain[0].before.latex()} \\"]
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
        text = self._condensed(condensed)
        return text if self.axis is None else one_axis_text(text)

    def _condensed(self, condensed: bool) -> str:
        chain = self.steps
        if self.per_axis:
            return " \\\\\n".join(rf"\text{{Axis {a}:}} \\ {axis.condensed_latex(condensed)}"
                                for a, axis in enumerate(self.per_axis))
        if not chain:
            return rf"\text{{{latex_escape(self.statement)}}}"
        rows = [*self._peel_rows(), rf"&{chain[0].before.latex()}"]
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


def declared_signals(claim: Claim) -> dict[str, tuple[checker.Declared, ...]]:
    """The claim's declared signals as the checker reads them (plain data)."""
    return {name: tuple(_declared(name, spec) for spec in specs)
            for name, specs in claim.signals.items()}


def _declared(name: str, spec: SignalSpec) -> checker.Declared:
    """A symbolic spec as declared; a signal with fixed entries as built (its origin and its
    entries, when all are rational; otherwise it is read as an unknown complex signal)."""
    if spec.is_symbolic:
        origin = default_origin(spec.shape) if spec.origin is None else spec.origin
        return checker.Declared(spec.shape, origin, spec.real, centred=spec.origin is None)
    signal = spec.build(name)
    shape, origin = tuple(signal.shape), tuple(signal.origin)
    try:
        entries = {tuple(c): Fraction(str(signal.value_at(c).constant_value()))
                   for c in signal.coordinates()}
    except ValueError:  # not a rational constant
        return checker.Declared(shape, origin, real=False)
    return checker.Declared(shape, origin, entries=entries)


def _without_detours(chain: list[Step]) -> list[Step]:
    """The chain with every stretch that returns to an expression already reached cut out
    (e.g. renaming i -> j on one side and j -> i on the other)."""
    kept: list[Step] = []
    befores: list[Term | DslSide] = []  # each kept step's ``before``, spelled once (_spelled)
    for step in chain:
        after = _spelled(step.after)
        # (never back to the statement itself: "X == X" keeps its two unfold steps)
        back = next((k for k in range(1, len(kept)) if befores[k] == after), None)
        if back is not None:
            del kept[back:], befores[back:]
            continue
        kept.append(step)
        befores.append(_spelled(step.before))
    return kept


def _linked(a: Expression | DslSide, b: Expression | DslSide) -> bool:
    return _spelled(a) == _spelled(b)


def _spelled(a: Expression | DslSide) -> Term | DslSide:
    """What :func:`same_expression` compares: a flat form as its nested term (a side as is)."""
    return a.as_term() if isinstance(a, LinearForm) else a


def _rename_note(mapping: Mapping[str, str]) -> tuple[str, str]:
    text = ", ".join(f"{old} → {new}" for old, new in mapping.items())
    latex = ", ".join(rf"${old} \to {new}$" for old, new in mapping.items())
    return text, latex
