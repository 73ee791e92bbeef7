"""Verdicts and what a tier reports: :class:`Verdict`, :class:`Result`,
:class:`Counterexample`, and the :class:`Budget` a claim's tiers share.

Each tier reports only what its method establishes: PROVED for all sizes (general
derivation), VERIFIED at the listed sizes (exact canonical comparison), PROBABLE
(random evaluation, with an error bound), REFUTED with a counterexample, or
INCONCLUSIVE.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from symconv.core.rendering import Rendered, render


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
class Counterexample(Rendered):
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

    @property
    def sizes(self) -> dict[str, tuple[int, ...]]:
        return {name: _nested_shape(v) for name, v in self.signals.items()}

    def sizes_text(self) -> str:
        return format_sizes(self.sizes)

    def describe(self) -> str:
        """A multi-line, human-checkable account."""
        lines = []
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
        }



def _nested_shape(value: Any) -> tuple[int, ...]:
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


def _nested_text(value: Any) -> str:
    """Nested lists of exact numbers as ``[[1, 2], [3, 1/2]]``."""
    if isinstance(value, list):
        return "[" + ", ".join(_nested_text(v) for v in value) + "]"
    return str(value)


def _json_nested(value: Any) -> Any:
    if isinstance(value, list):
        return [_json_nested(v) for v in value]
    return _plain_value(value)


@dataclass(repr=False)
class Result(Rendered):
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

    def meets(self, expect: str) -> bool:
        """Whether the verdict matches a claim's expectation ("holds" or "fails")."""
        if expect == "holds":
            return self.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.PROBABLE)
        return self.verdict is Verdict.REFUTED

    def sizes_text(self) -> str:
        """Sizes, e.g. ``F=3x3, I=5x5; F=5x5, I=7x7``."""
        return "; ".join(format_sizes(assignment) for assignment in self.sizes)

    # str(result) is one readable line; text() has the detail, derivation, counterexample.
    def text(self) -> str:
        """The readable account: verdict line, detail, derivation or counterexample."""
        return render(self, "text")


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

