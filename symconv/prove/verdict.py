"""Verdicts and what a tier reports: :class:`Verdict`, :class:`Result`,
:class:`Counterexample`, and the :class:`Budget` a claim's tiers share.

A result and a counterexample show themselves (``repr``, ``str``, ``_latex`` for SymPy's
printer and report tables, ``_repr_latex_`` and ``_repr_html_`` for notebooks) with the
pure functions of :mod:`symconv.core.show`: a one-line repr (verdict, method, sizes,
seconds), readable text, the derivation chain condensed, the counterexample's signals as
small matrices with coordinate 0 marked, and the error bound of a PROBABLE verdict.

Each tier reports only what its method establishes: PROVED for all sizes (general
derivation), VERIFIED at the listed sizes (exact canonical comparison), PROBABLE
(random evaluation, with an error bound), REFUTED with a counterexample, or
INCONCLUSIVE.
"""

from __future__ import annotations

import enum
import html
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

import sympy

from symconv.core.show import (
    display_math,
    grid_html,
    grid_latex,
    latex_escape,
    nested_array,
    nested_shape,
    value_latex,
    value_text,
)


class Verdict(enum.Enum):
    PROVED = "PROVED"
    VERIFIED = "VERIFIED"
    PROBABLE = "PROBABLE"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"


class BudgetExhausted(Exception):
    """Raised inside a tier when its time is up (never escapes the tier runner)."""


class TierTimeout(BaseException):
    """Raised by the interval timer in a tier that outran its share.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` inside a
    tier can swallow it; it never escapes :func:`run_tiers`.
    """


@dataclass
class Budget:
    """Wall-clock seconds for one claim, shared by its tiers.

    ``memory_bytes`` is the address-space cap the claim runs under, when one is set
    (by the worker process); it only names the cap in an out-of-memory verdict.
    ``witness`` False asks only for the verdict: a REFUTED result may then come without
    the search for a minimal counterexample (what :mod:`symconv.prove.repair` needs of the
    candidates it discards when false).
    """

    seconds: float
    started: float = field(default_factory=time.monotonic)
    memory_bytes: int | None = None
    witness: bool = True

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.seconds - self.elapsed()

    def exhausted(self) -> bool:
        return self.remaining() <= 0

    def check(self) -> None:
        """Raise :class:`BudgetExhausted` when the time is up."""
        if self.exhausted():
            raise BudgetExhausted(f"budget of {self.seconds:g} s exhausted")


def format_sizes(sizes: dict[str, tuple[int, ...]]) -> str:
    """The one way sizes are written: ``F=1x2, I=1x1``."""
    return ", ".join(f"{name}={'x'.join(map(str, shape))}" for name, shape in sizes.items())


def _plain_value(value: Any) -> Any:
    """JSON-friendly form of an exact value: ints stay ints, the rest become strings."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return str(value)


@dataclass(repr=False)
class Counterexample:
    """Concrete signals on which the two sides differ, small enough to check by hand.

    ``signals`` maps each signal name to its entries (nested lists of exact
    numbers) and ``origins`` to the coordinate of its first entry; ``coordinate``
    is where the sides differ (``None`` when both sides are scalars), with
    ``left`` and ``right`` the two values there.  Exact numbers are ints (of any
    size), Fractions, or :class:`~symconv.prove.counterexample.CyclotomicNumber`
    (Gaussian rationals written ``1 + (1/2)j``, other elements of Q(ζ_n) as
    ``1 - 2*zeta8^3 [zeta8 = exp(2*pi*i/8)]``).
    """

    signals: dict[str, Any]
    origins: dict[str, tuple[int, ...]]
    coordinate: tuple[int, ...] | None
    left: Any
    right: Any
    # the claim's integers (``integers = { N = 9 }``) where they are not the declared values
    integers: dict[str, int] = field(default_factory=dict)

    @property
    def sizes(self) -> dict[str, tuple[int, ...]]:
        return {name: nested_shape(v) for name, v in self.signals.items()}

    def sizes_text(self) -> str:
        return format_sizes(self.sizes)

    def describe(self) -> str:
        """A multi-line, human-checkable account."""
        lines = [f"  {name} = {value}  (an integer of the claim)" for name, value in self.integers.items()]
        for name, entries in self.signals.items():
            origin = self.origins[name]
            lines.append(f"  {name} = {_nested_text(entries)}  (first entry at {origin})")
        where = "" if self.coordinate is None else f" at {self.coordinate}"
        lines.append(f"  left side{where} = {_nested_text(self.left)}")
        lines.append(f"  right side{where} = {_nested_text(self.right)}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "signals": {k: _json_nested(v) for k, v in self.signals.items()},
            "origins": {k: list(v) for k, v in self.origins.items()},
            "coordinate": None if self.coordinate is None else list(self.coordinate),
            "left": _plain_value(self.left),
            "right": _plain_value(self.right),
        } | ({"integers": dict(self.integers)} if self.integers else {})

    def _where(self) -> str:
        return "" if self.coordinate is None else f" at {tuple(self.coordinate)}"

    def __repr__(self) -> str:
        return (f"<Counterexample {self.sizes_text()}: left {value_text(self.left)} != right "
                f"{value_text(self.right)}{self._where()}>")

    def __str__(self) -> str:
        return self.describe()

    def _latex(self, printer: Any = None) -> str:
        """The signals as matrices (coordinate 0 boxed, the origin as a subscript), then
        the two sides."""
        parts = [rf"{name} = {value}" for name, value in self.integers.items()]
        parts += [rf"{name} = {grid_latex(nested_array(v), self.origins[name])}"
                  for name, v in self.signals.items()]
        where = "" if self.coordinate is None else rf"\text{{ at }} {tuple(self.coordinate)}"
        parts.append(rf"\text{{left}} = {value_latex(self.left)} \neq "
                     rf"{value_latex(self.right)} = \text{{right}}{where}")
        return r",\quad ".join(parts)

    def _repr_latex_(self) -> str:
        return display_math(self._latex())

    def _repr_html_(self) -> str:
        cells = []
        for name, entries in self.signals.items():
            origin = self.origins[name]
            cells.append(f'<td style="vertical-align: top; padding-right: 1.5em">'
                         f"<b>{html.escape(name)}</b>, origin {html.escape(str(tuple(origin)))}"
                         f"{grid_html(nested_array(entries), origin)}</td>")
        sides = html.escape(f"left {value_text(self.left)} ≠ right "
                            f"{value_text(self.right)}{self._where()}")
        return (f'<div><table style="border: none"><tr>{"".join(cells)}</tr></table>'
                f"<div>{sides} (outlined: coordinate 0)</div></div>")



def repair_text(repair: Any) -> str:
    """A repair (:class:`symconv.prove.repair.Repair`) as ``verify`` shows it, claiming no
    more than its verdict: ``holds if A is replaced by B (PROVED)``; a VERIFIED or PROBABLE
    edit holds at its sizes, ``holds at f=4 if ... (VERIFIED, not proved for other sizes)``,
    and its warnings say where it fails (``fails at f=2: the statement depends on the size``)."""
    edit = f"{repair.original} is replaced by {repair.replacement}"
    verdict = repair.verdict.value
    if repair.verdict is Verdict.PROVED or not repair.sizes:
        head = f"holds if {edit} ({verdict}"
    else:
        sizes = "; ".join(dict.fromkeys(format_sizes(s) for s in repair.sizes))
        head = f"holds at {sizes} if {edit} ({verdict}"
        if not repair.warnings:
            head += ", not proved for other sizes"
    return head + "".join(f"; {w}" for w in repair.warnings) + ")"


def _nested_text(value: Any) -> str:
    """Nested lists of exact numbers as ``[[1, 2], [3, 1/2]]``."""
    if isinstance(value, list):
        return "[" + ", ".join(_nested_text(v) for v in value) + "]"
    return str(value)


def _json_nested(value: Any) -> Any:
    if isinstance(value, list):
        return [_json_nested(v) for v in value]
    return _plain_value(value)


# The scope of a PROVED verdict whose proof has no restriction.
UNSCOPED = "for all sizes and dimensions"
# The method of a result no tier produced (nothing applied, or the budget ran out first).
NO_METHOD = "none"


@dataclass(repr=False)
class Result:
    """What a tier established about a claim."""

    verdict: Verdict
    method: str
    sizes: list[dict[str, tuple[int, ...]]]
    seconds: float
    error_bound: float | None = None
    counterexample: Counterexample | None = None
    derivation: object | None = None
    detail: str = ""
    # Things the verdict does not cover, e.g. "fails at f=2: the statement depends on the size".
    warnings: list[str] = field(default_factory=list)
    # Undeclared sizes (tried by a tier on its own) at which the claim fails.
    undeclared_failures: list[dict[str, tuple[int, ...]]] = field(default_factory=list)
    # How the two sides differ, each checked exactly (symconv.prove.explain.Explanation).
    explanations: list[Any] = field(default_factory=list)
    # Nearest true statements (symconv.prove.repair.Repair).
    repairs: list[Any] = field(default_factory=list)
    # The seed of the tier's random choices (the random tier), to repeat the run exactly.
    seed: int | None = None
    # A refutation its claim expected, whose explanations and repairs were not searched
    # (``run_tiers(diagnose="unexpected")``, what ``symconv verify`` does by default).
    diagnosis_skipped: bool = False
    # A VERIFIED or PROBABLE verdict of a claim that lists the general tier: why that tier
    # gave no proof for all sizes (symconv.prove.general.why_not_proved), "" otherwise.
    not_proved: str = ""

    def meets(self, expect: str) -> bool:
        """Whether the verdict matches a claim's expectation ("holds" or "fails")."""
        if expect == "holds":
            return self.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE)
        return self.verdict is Verdict.REFUTED

    def by_method(self) -> str:
        """``by exact``, or ``(no tier decided it)`` when no tier produced the result."""
        return "(no tier decided it)" if self.method == NO_METHOD else f"by {self.method}"

    def sizes_text(self) -> str:
        """Sizes, e.g. ``F=3x3, I=5x5; F=5x5, I=7x7``."""
        return "; ".join(format_sizes(assignment) for assignment in self.sizes)

    def _distinct_sizes_text(self) -> str:
        return "; ".join(dict.fromkeys(format_sizes(s) for s in self.sizes))  # each once

    def _at(self) -> str:
        return f" at {self._distinct_sizes_text()}" if self.sizes else ""

    def _shown_derivation(self) -> ShownDerivation | None:
        return self.derivation if isinstance(self.derivation, ShownDerivation) else None

    def _refuted_at(self, counterexample: Counterexample) -> str:
        """`` at F=3x3, I=5x5; counterexample at F=1x2, I=1x1`` (the sizes refuted, then the
        smallest counterexample's when they differ): what repr and str both say."""
        found = counterexample.sizes_text()
        declared = self._distinct_sizes_text()
        if not declared or declared == found:
            return f" at {found}"
        return f" at {declared}; counterexample at {found}"

    def __repr__(self) -> str:
        at = (self._refuted_at(self.counterexample) if self.counterexample is not None
              else self._at())
        return f"<Result {self.verdict.value} {self.by_method()}{at}, {self.seconds:.2f} s>"

    def scope_text(self) -> str:
        """What a PROVED verdict covers, e.g. ``for all sizes and dimensions`` or the proof's
        own scope (modes, tied sizes, fixed kernels, per-axis factors on Z^d)."""
        derivation = self._shown_derivation()
        if derivation is None:
            return UNSCOPED
        return derivation.scope_text("for all n and d (signals of shape n, read modulo n)"
                                     if derivation.torus else UNSCOPED)

    def __str__(self) -> str:
        """One readable sentence: the verdict, its method and scope, the seconds."""
        verdict = self.verdict.value
        derivation = self._shown_derivation()
        if self.verdict is Verdict.PROVED:
            counted = f" ({len(derivation.steps)} checked steps)" if derivation is not None else ""
            text = f"{verdict} by {self.method} {self.scope_text()}{counted}"
        elif self.verdict is Verdict.REFUTED and self.counterexample is not None:
            c = self.counterexample
            text = (f"{verdict} by {self.method}{self._refuted_at(c)}: left "
                    f"{value_text(c.left)} != right {value_text(c.right)}{c._where()}")
        elif self.verdict is Verdict.INCONCLUSIVE:
            how = "" if self.method == NO_METHOD else f" ({self.method})"
            text = f"{verdict}{how}{self._at()}: {self.detail}"
        else:
            text = f"{verdict} by {self.method}{self._at()}"
        if self.error_bound is not None:
            text += f", error probability <= {self.error_bound:.3g}"
        if self.warnings:
            text += f"; {len(self.warnings)} warning{'s' if len(self.warnings) > 1 else ''}"
        return f"{text}, {self.seconds:.2f} s"

    def _extra_lines(self) -> list[str]:
        return ([f"not PROVED for all sizes: {self.not_proved}"] if self.not_proved else []) + \
            [f"warning: {w}" for w in self.warnings] + [f"repair: {repair_text(r)}" for r in self.repairs]

    def text(self) -> str:
        """The readable account: verdict line, detail, derivation or counterexample."""
        lines = [str(self)]
        if self.detail:
            lines.append(self.detail)
        lines += self._extra_lines()
        if self.derivation is not None:
            lines.append(str(self.derivation))
        if self.counterexample is not None:
            lines.append("counterexample:")
            lines.append(self.counterexample.describe())
        return "\n".join(lines)

    def _head_latex(self) -> str:
        text = rf"\textbf{{{self.verdict.value}}}\ \text{{({latex_escape(self.method)})}}"
        if self.sizes:
            text += rf"\ \text{{at {latex_escape(self._distinct_sizes_text())}}}"
        if self.error_bound is not None:
            text += rf",\ \Pr[\text{{error}}] \le {sympy.latex(sympy.Float(self.error_bound, 3))}"
        return text

    def _latex(self, printer: Any = None) -> str:
        """The verdict line and the counterexample, on one line (report tables)."""
        text = self._head_latex()
        if self.counterexample is not None:
            text += rf":\ {self.counterexample._latex()}"
        return text

    def block_latex(self) -> str:
        """The verdict, then the condensed derivation or the counterexample, for ``$$ $$``."""
        rows = [self._head_latex()]
        derivation = self._shown_derivation()
        if derivation is not None:
            rows.append(derivation.condensed_latex())
        if self.counterexample is not None:
            rows.append(self.counterexample._latex())
        return r"\begin{array}{l}" + r" \\ ".join(rows) + r"\end{array}"

    def _repr_latex_(self) -> str:
        return display_math(self.block_latex())

    def _repr_html_(self) -> str:
        head = html.escape(repr(self)[1:-1].removeprefix("Result "))
        parts = [f"<div><b>{head}</b>"]
        if self.error_bound is not None:
            parts.append(f"<div>error probability ≤ {self.error_bound:.3g}</div>")
        if self.detail:
            parts.append(f"<div>{html.escape(self.detail)}</div>")
        parts += [f"<div>{html.escape(line)}</div>" for line in self._extra_lines()]
        derivation = self._shown_derivation()
        if derivation is not None:
            parts.append(derivation._repr_html_())
        if self.counterexample is not None:
            parts.append(self.counterexample._repr_html_())
        parts.append("</div>")
        return "".join(parts)


@runtime_checkable
class ShownDerivation(Protocol):
    """What a result shows of its derivation: :class:`~symconv.prove.general.Derivation`,
    which imports this module (so this one names only what it needs)."""

    torus: bool

    @property
    def steps(self) -> Sequence[Any]: ...

    def condensed_latex(self, condensed: bool = True) -> str: ...

    def scope_text(self, default: str) -> str: ...

    def _repr_html_(self) -> str: ...


def exact_check_verdict(holds: bool) -> Verdict:
    """The verdict of an exact comparison at fixed sizes (the exact tier's, or another exact
    check's, such as the CNN gradients against sympy.diff): VERIFIED or REFUTED."""
    return Verdict.VERIFIED if holds else Verdict.REFUTED


def strict_sizes(result: Result) -> Result:
    """``--strict-sizes``: a claim that holds at its declared sizes but fails at a size the
    tier tried on its own is REFUTED at that size (the claim is read as a law for all sizes)."""
    if result.verdict is not Verdict.VERIFIED or not result.undeclared_failures:
        return result
    return replace(result, verdict=Verdict.REFUTED, sizes=list(result.undeclared_failures),
                   detail="with --strict-sizes: " + "; ".join(result.warnings))

