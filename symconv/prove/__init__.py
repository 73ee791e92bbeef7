"""Verdicts and the tier interface.

A *tier* is a function ``attempt(claim, budget) -> Result | None``: ``None``
means "not applicable here, ask the next tier".  Tiers run in the order the
claim lists them (default: general, exact, random).  The first decisive
result (PROVED, VERIFIED, PROBABLE or REFUTED) is the verdict; an
INCONCLUSIVE result (budget exhausted, size limit) hands over to the next tier
and is returned only if no later tier decides.  Each tier reports only what its
method establishes: PROVED for all sizes (general derivation), VERIFIED at the
listed sizes (exact canonical comparison), PROBABLE (random evaluation, with an
error bound).
"""

from __future__ import annotations

import enum
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from symconv import display

if TYPE_CHECKING:
    from symconv.claims import Claim

TIER_NAMES = ("general", "exact", "random")


class Verdict(enum.Enum):
    PROVED = "PROVED"
    VERIFIED = "VERIFIED"
    PROBABLE = "PROBABLE"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"


class BudgetExhausted(Exception):
    """Raised inside a tier when its time is up (never escapes the tier runner)."""


@dataclass
class Budget:
    """Wall-clock seconds for one claim, shared by its tiers."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

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


def _plain_value(value: Any) -> Any:
    """JSON-friendly form of an exact value: ints stay ints, the rest become strings."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return str(value)


@dataclass
class Counterexample:
    """Concrete signals on which the two sides differ, small enough to check by hand.

    ``signals`` maps each signal name to its entries (nested lists of exact
    numbers) and ``origins`` to the coordinate of its first entry; ``coordinate``
    is where the sides differ (``None`` when both sides are scalars), with
    ``left`` and ``right`` the two values there.
    """

    signals: dict[str, Any]
    origins: dict[str, tuple[int, ...]]
    coordinate: tuple[int, ...] | None
    left: Any
    right: Any

    @property
    def sizes(self) -> dict[str, tuple[int, ...]]:
        return {name: _nested_shape(v) for name, v in self.signals.items()}

    def describe(self) -> str:
        """A multi-line, human-checkable account."""
        lines = []
        for name, entries in self.signals.items():
            origin = self.origins[name]
            lines.append(f"  {name} = {_show(entries)}  (first entry at {origin})")
        where = "" if self.coordinate is None else f" at {self.coordinate}"
        lines.append(f"  left side{where} = {_show(self.left)}")
        lines.append(f"  right side{where} = {_show(self.right)}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "signals": {k: _json_nested(v) for k, v in self.signals.items()},
            "origins": {k: list(v) for k, v in self.origins.items()},
            "coordinate": None if self.coordinate is None else list(self.coordinate),
            "left": _plain_value(self.left),
            "right": _plain_value(self.right),
        }

    def _latex(self, printer: Any = None) -> str:
        parts = [rf"{name} = {_latex_nested(v)}" for name, v in self.signals.items()]
        where = "" if self.coordinate is None else rf"\text{{ at }} {self.coordinate}"
        parts.append(rf"\text{{left}} = {_show(self.left)} \neq {_show(self.right)}"
                     rf" = \text{{right}}{where}")
        return r",\quad ".join(parts)

    def _repr_latex_(self) -> str:
        return f"$${display.counterexample_latex(self)}$$"

    def _repr_html_(self) -> str:
        return display.counterexample_html(self)

    def __repr__(self) -> str:
        return display.counterexample_repr(self)

    def __str__(self) -> str:
        return self.describe()


def _nested_shape(value: Any) -> tuple[int, ...]:
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _json_nested(value: Any) -> Any:
    if isinstance(value, list):
        return [_json_nested(v) for v in value]
    return _plain_value(value)


def _latex_nested(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], list):
        rows = r" \\ ".join(" & ".join(str(v) for v in row) for row in value)
        return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"
    return _show(value)


@dataclass
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

    def meets(self, expect: str) -> bool:
        """Whether the verdict matches a claim's expectation ("holds" or "fails")."""
        if expect == "holds":
            return self.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE)
        return self.verdict is Verdict.REFUTED

    def sizes_text(self) -> str:
        """Compact sizes, e.g. ``F=3x3,I=5x5; F=5x5,I=7x7``."""
        return "; ".join(
            ",".join(f"{k}={'x'.join(map(str, v))}" for k, v in assignment.items())
            for assignment in self.sizes
        )

    def _latex(self, printer: Any = None) -> str:
        text = rf"\textbf{{{self.verdict.value}}}\ \text{{({self.method})}}"
        if self.error_bound is not None:
            text += rf",\ \Pr[\text{{error}}] \le {self.error_bound:.3g}"
        if self.counterexample is not None:
            text += rf":\ {self.counterexample._latex()}"
        return text

    def _repr_latex_(self) -> str:
        return f"$${display.result_latex(self)}$$"

    def _repr_html_(self) -> str:
        return display.result_html(self)

    def __repr__(self) -> str:
        return display.result_repr(self)

    def __str__(self) -> str:
        """One readable line; :meth:`text` has the detail, derivation and counterexample."""
        return display.result_line(self)

    def text(self) -> str:
        """The readable account: verdict line, detail, derivation or counterexample."""
        return display.result_text(self)


Tier = Callable[["Claim", Budget], "Result | None"]


def load_tier(name: str) -> Tier | None:
    """The ``attempt`` function of tier ``name``, or None when that tier is not installed."""
    if name not in TIER_NAMES:
        raise ValueError(f"unknown tier {name!r}")
    module_name = f"symconv.prove.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:  # a real import error inside the tier
            raise
        return None
    attempt: Tier = module.attempt
    return attempt


def run_tiers(claim: Claim, budget: Budget | None = None) -> Result:
    """The verdict on ``claim``: its tiers in order, first decisive result wins."""
    from symconv.errors import NotSupportedError

    budget = budget or Budget(claim.budget)
    last: Result | None = None
    unsupported: NotSupportedError | None = None
    for name in claim.tiers:
        tier = load_tier(name)
        if tier is None:
            continue
        if budget.exhausted():
            break
        try:
            result = tier(claim, budget)
        except BudgetExhausted as exc:
            result = Result(Verdict.INCONCLUSIVE, name, [], budget.elapsed(), detail=str(exc))
        except NotSupportedError as exc:  # this tier cannot do it; a later one may
            unsupported = exc
            continue
        if result is None:
            continue
        if result.verdict is not Verdict.INCONCLUSIVE:
            return result
        last = result
    if last is not None:
        return last
    if unsupported is not None:
        raise unsupported
    detail = ("budget exhausted before any tier decided" if budget.exhausted()
              else f"no tier among {', '.join(claim.tiers)} applies to this claim")
    return Result(Verdict.INCONCLUSIVE, "none", [], budget.elapsed(), detail=detail)
