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

Each tier gets a share of what is left of the claim's budget, in proportion to
:data:`TIER_WEIGHTS` among the tiers still to run, so that one tier cannot
starve the next; time a tier leaves unused passes on.  Tiers check their share
between steps (:meth:`Budget.check`); with ``preempt=True`` (what the worker
processes of :mod:`symconv.prove.pool` use) an interval timer also stops a tier
inside a long step when its share runs out.
"""

from __future__ import annotations

import enum
import importlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from symconv import display

if TYPE_CHECKING:
    from symconv.lang.claims import Claim

TIER_NAMES = ("general", "exact", "random")
# Relative shares of the budget: the exact tier decides most claims, the general tier's
# search and the random tier's large sizes get less.
TIER_WEIGHTS = {"general": 1.0, "exact": 2.0, "random": 1.0}


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


@dataclass
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


def strict_sizes(result: Result) -> Result:
    """``--strict-sizes``: a claim that holds at its declared sizes but fails at a size the
    tier tried on its own is REFUTED at that size (the claim is read as a law for all sizes)."""
    if result.verdict is not Verdict.VERIFIED or not result.undeclared_failures:
        return result
    return replace(result, verdict=Verdict.REFUTED, sizes=list(result.undeclared_failures),
                   detail="with --strict-sizes: " + "; ".join(result.warnings))


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


def run_tiers(claim: Claim, budget: Budget | None = None, diagnose: bool = True, *,
              preempt: bool = False, on_tier: Callable[[str], None] | None = None) -> Result:
    """The verdict on ``claim``: its tiers in order, first decisive result wins.

    Each tier runs on its share of the remaining budget (:data:`TIER_WEIGHTS`).
    ``preempt`` stops a tier with an interval timer when its share runs out (main
    thread only); ``on_tier(name)`` is called as each tier starts.  With ``diagnose``,
    a REFUTED ``==`` claim also gets its checked explanations and nearest true repairs,
    within the same budget.
    """
    budget = budget or Budget(claim.budget)
    result = _first_decisive(claim, budget, preempt, on_tier)
    if diagnose and result.verdict is Verdict.REFUTED:
        from symconv.prove.explain import explanations
        from symconv.prove.repair import repairs

        began = time.monotonic()
        result.explanations = explanations(claim, result, budget)
        result.repairs = repairs(claim, budget, result)
        result.seconds += time.monotonic() - began
    return result


def _first_decisive(claim: Claim, budget: Budget, preempt: bool,
                    on_tier: Callable[[str], None] | None) -> Result:
    from symconv.errors import NotSupportedError

    tiers = [(name, tier) for name in claim.tiers if (tier := load_tier(name)) is not None]
    last: Result | None = None
    unsupported: NotSupportedError | None = None
    for k, (name, tier) in enumerate(tiers):
        remaining = budget.remaining()
        if remaining <= 0:
            break
        weights = [TIER_WEIGHTS[n] for n, _ in tiers[k:]]
        share = remaining * weights[0] / sum(weights)
        if on_tier is not None:
            on_tier(name)
        try:
            with _preempted_after(share if preempt else None):
                result = tier(claim, Budget(share, memory_bytes=budget.memory_bytes,
                                             witness=budget.witness))
        except (BudgetExhausted, TierTimeout):
            detail = (f"budget of {budget.seconds:g} s exhausted in {name}" if k == len(tiers) - 1
                      else f"{name} stopped at its share of the budget ({share:.3g} of "
                           f"{budget.seconds:g} s)")
            result = Result(Verdict.INCONCLUSIVE, name, [], budget.elapsed(), detail=detail)
        except MemoryError:
            cap = budget.memory_bytes
            detail = (f"memory cap of {cap / 2**30:.3g} GiB reached in {name}" if cap
                      else f"out of memory in {name}")
            result = Result(Verdict.INCONCLUSIVE, name, [], budget.elapsed(), detail=detail)
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
    detail = (f"budget of {budget.seconds:g} s exhausted before any tier decided"
              if budget.exhausted()
              else f"no tier among {', '.join(claim.tiers)} applies to this claim")
    return Result(Verdict.INCONCLUSIVE, "none", [], budget.elapsed(), detail=detail)


def _raise_timeout(signum: int, frame: object) -> None:
    raise TierTimeout


@contextmanager
def _preempted_after(seconds: float | None) -> Iterator[None]:
    """Raise TierTimeout in this thread after ``seconds`` (None, or not the main thread:
    no timer; the tier's own budget checks still apply)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
