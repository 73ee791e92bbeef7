"""Claims: identities with an expectation, loaded from TOML files or Python modules.

A TOML claim file holds ``[[claim]]`` tables (see ``proofs/``)::

    [[claim]]
    name = "flip-equivalence"
    statement = "conv(F, I) == corr(flip(F), I)"
    signals = { F = "3x3", I = "5x5" }     # shape, list of shapes, literal, kernel name
    expect = "holds"                       # or "fails"
    tiers = ["general", "exact", "random"] # optional
    sizes = { F = "15x15", I = "512x512" } # optional: sizes for the random tier
    budget = 60                            # optional: seconds
    integers = { N = 9 }                   # optional: free integer sizes, used like len(a)
    assume = ["N >= len(F) + len(I) - 1"]  # optional: where the claim is stated

A signal may also be a table: ``{ shape = "3x3", real = false }``,
``{ literal = [[1, 2], [2, 3]], origin = [0, 0] }`` or ``{ kernel = "sobel_x" }``.
Literal entries are exact (``0.1`` is 1/10; a string such as ``"1/3"`` is a
fraction).  Loading never runs Python; every problem is a ClaimFileError naming
file, line, claim and (for statements) column.

Python claim modules (``*.py``, loaded only on request since they execute code)
declare procedures the DSL cannot express with :func:`python_claim`; the
decorated function receives one Signal per declared name and returns the two
sides, which must be equal.

>>> claim = claim_from_text("conv(F, I) == conv(I, F)", {"F": "3", "I": "4"})
>>> [spec.shape for spec in claim.signals["I"]]
[(4,)]
"""

from __future__ import annotations

import codecs
import dataclasses
import importlib.util
import itertools
import math
import re
import reprlib
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from symconv.core.kernels import KERNEL_NAMES, get_kernel
from symconv.core.signal import Signal, default_origin
from symconv.errors import ClaimFileError, InputLimitError, SymconvError, did_you_mean
from symconv.lang.assumptions import (
    MAX_ASSUMPTIONS,
    Assumption,
    parse_assumption,
    parse_integers,
    size_symbols,
    substitute_integers,
)
from symconv.lang.check import Kind, check_statement
from symconv.lang.dsl import (
    MAX_AXES,
    MAX_NUMBER_DIGITS,
    Statement,
    check_signal_name,
    names,
    number_digits,
    parse_statement,
)

# The tiers a claim may name, in their default order (symconv.prove.tiers runs them).
TIER_NAMES = ("general", "exact", "random")
DEFAULT_BUDGET = 60.0
# The most seconds a budget may be: it becomes an interval timer, which overflows past ~1e10 s.
MAX_BUDGET = 10**6
EXPECTATIONS = ("holds", "fails")
CLAIM_KEYS = frozenset({"name", "statement", "signals", "expect", "tiers", "sizes", "budget",
                        "note", "integers", "assume"})
SIGNAL_KEYS = frozenset({"shape", "literal", "kernel", "real", "origin"})
_SHAPE_RE = re.compile(r"^\s*\d+(\s*x\s*\d+)*\s*$")
# Largest entry count a declared shape may have (the exact and random tiers cap further).
MAX_DECLARED_ENTRIES = 4_000_000
# Entries of a literal (they are parsed one by one into Fractions).
MAX_LITERAL_ENTRIES = 65_536
# Shapes a signal may list, and combinations of the signals' shapes (each one is checked).
MAX_SHAPES_PER_SIGNAL = 16
MAX_SHAPE_COMBINATIONS = 64
PYTHON_CLAIM_ATTRIBUTE = "__symconv_claim__"
MAX_SIGNAL_OPTION_LENGTH = 10_000


@dataclass(frozen=True)
class SignalSpec:
    """How to build one signal: symbolic entries of ``shape``, or fixed entries.

    ``literal`` holds exact entries (nested tuples of Fractions) or ``kernel`` a
    named kernel; otherwise the entries are independent symbols.
    """

    shape: tuple[int, ...]
    real: bool = True
    literal: Any = None
    kernel: str | None = None
    origin: tuple[int, ...] | None = None

    @property
    def is_symbolic(self) -> bool:
        return self.literal is None and self.kernel is None

    def build(self, name: str) -> Signal:
        """The exact signal: symbolic entries ``name[...]`` or the fixed entries."""
        if self.kernel is not None:
            return get_kernel(self.kernel)
        if self.literal is not None:
            return Signal.literal(_to_lists(self.literal), origin=self.origin_at(self.shape))
        return Signal.symbolic(name, self.shape, origin=self.origin, real=self.real)

    def origin_at(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The origin of this signal at ``shape``: its own where that has as many axes,
        else the default (:func:`~symconv.core.signal.default_origin`)."""
        if self.origin is not None and len(self.origin) == len(shape):
            return self.origin
        return default_origin(shape)

    def resized(self, shape: tuple[int, ...]) -> SignalSpec:
        """The same kind of symbolic signal with another shape (fixed entries stay)."""
        if not self.is_symbolic:
            return self
        keep = self.origin if self.origin is not None and len(self.origin) == len(shape) else None
        return SignalSpec(shape, self.real, origin=keep)

    def describe(self) -> str:
        if self.kernel is not None:
            return self.kernel
        text = "x".join(map(str, self.shape))
        return text if self.is_symbolic else f"literal {text}"


def _to_lists(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_to_lists(v) for v in value]
    return value


@dataclass(frozen=True)
class Claim:
    """One identity to check, with where it came from."""

    name: str
    statement: Statement | None
    text: str
    signals: dict[str, list[SignalSpec]]
    expect: str = "holds"
    tiers: tuple[str, ...] = TIER_NAMES
    budget: float = DEFAULT_BUDGET
    source: str = "<string>"
    line: int = 0
    random_sizes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # The random tier's seed (``--seed``); None: a hash of the claim (random.claim_seed).
    seed: int | None = None
    # A Python procedure returning the two sides (Python claim modules only).
    procedure: Callable[..., tuple[Any, Any]] | None = None
    # the file's ``note``: a sentence a report may print with the claim
    note: str = field(default="", compare=False)
    # free integer sizes (``integers = { N = 9 }``): ``statement`` reads each as its declared
    # value, ``free_statement`` (the general tier's) as the name; ``assume``: where the claim
    # is stated (every declared size satisfies each assumption)
    integers: dict[str, int] = field(default_factory=dict)
    assumptions: tuple[Assumption, ...] = ()
    free_statement: Statement | None = None

    @property
    def symbolic_statement(self) -> Statement | None:
        """The statement with the claim's integers as names (the statement without any)."""
        return self.free_statement or self.statement

    def at_integers(self, values: Mapping[str, int]) -> Claim:
        """The claim with its integers at other values (the statement read at them)."""
        if not self.integers or dict(values) == self.integers:
            return self
        free = self.symbolic_statement
        assert free is not None  # a claim with integers has a statement
        return dataclasses.replace(self, statement=substitute_integers(free, values),
                                   integers=dict(values))

    def admits(self, assignment: Mapping[str, SignalSpec]) -> bool:
        """Whether every assumption holds at these sizes (and the declared integers)."""
        if not self.assumptions:
            return True
        values = size_symbols({n: s.shape for n, s in assignment.items()}, self.integers)
        return all(a.holds(values) for a in self.assumptions)

    def assignments(self) -> list[dict[str, SignalSpec]]:
        """Every combination of the declared shapes, one spec per signal."""
        names = list(self.signals)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(self.signals[n] for n in names))]

    @property
    def where(self) -> str:
        """``file:line``, or the source alone for a claim without a line (``check``'s)."""
        return f"{self.source}:{self.line}" if self.line else self.source


def _error(source: str, line: int, claim: str | None, message: str,
           kind: type[ClaimFileError] = ClaimFileError) -> ClaimFileError:
    where = f"{source}:{line}" if line else source
    who = f" claim {_shown(claim)}:" if claim else ""
    return kind(f"{where}:{who} {message}")


# Echoes of user input in error messages stay short (and never recurse into deep lists).
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 3, 6, 6


def _shown(value: Any) -> str:
    return _SHORT.repr(value)


def parse_shape_text(text: str) -> tuple[int, ...]:
    """``"3x3"`` -> ``(3, 3)``; raises ClaimFileError on anything else."""
    if not _SHAPE_RE.match(text):
        raise ClaimFileError(f"shape {_shown(text)} is not of the form 5, 3x3 or 2x3x4")
    parts = text.lower().split("x")
    if len(parts) > MAX_AXES:
        raise InputLimitError(f"shape {_shown(text)} has {len(parts)} axes; the limit is "
                              f"{MAX_AXES} axes")
    if any(len(part.strip()) > 9 for part in parts):
        raise InputLimitError(f"shape {_shown(text)} has a size beyond {MAX_DECLARED_ENTRIES} "
                              "entries, the declared entries limit")
    dims = tuple(int(part) for part in parts)
    if any(n < 1 for n in dims):
        raise ClaimFileError(f"shape {_shown(text)} has a zero size; sizes must be at least 1")
    total = math.prod(dims)
    if total > MAX_DECLARED_ENTRIES:
        raise ClaimFileError(f"shape {_shown(text)} has {total} entries; the limit is "
                             f"{MAX_DECLARED_ENTRIES}")
    return dims


def _exact_number(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ClaimFileError(f"entry {_shown(value)} is not a number")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_NUMBER_DIGITS:
            raise InputLimitError(f"entry of {len(str(abs(value)))} digits has more than "
                                  f"{MAX_NUMBER_DIGITS} digits, the number digits limit")
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ClaimFileError(f"entry {_shown(value)} is not a finite number")
        # TOML floats are decimal text; the shortest repr recovers what was written.
        number_digits(repr(value))
        return Fraction(repr(value))
    if isinstance(value, str):
        number_digits(value)
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ClaimFileError(f"entry {_shown(value)} is not a number or fraction like \"1/3\"") from None
    raise ClaimFileError(f"entry {_shown(value)} is not a number")


def _literal(value: Any) -> tuple[Any, tuple[int, ...]]:
    """Nested tuples of Fractions and their shape, checking the nesting is rectangular and
    within MAX_AXES levels and MAX_LITERAL_ENTRIES entries before converting any entry."""
    shape = []
    row = value
    while isinstance(row, list) and row:
        shape.append(len(row))
        if len(shape) > MAX_AXES:
            raise InputLimitError(f"literal is nested more than {MAX_AXES} levels deep; the "
                                  f"limit is {MAX_AXES} axes")
        row = row[0]
    entries = math.prod(shape)
    if entries > MAX_LITERAL_ENTRIES:
        raise InputLimitError(f"literal of shape {tuple(shape)} has {entries} entries; the "
                              f"literal size limit is {MAX_LITERAL_ENTRIES}")
    return _literal_rows(value)


def _literal_rows(value: Any, depth: int = 1) -> tuple[Any, tuple[int, ...]]:
    if not isinstance(value, list):
        return _exact_number(value), ()
    if not value:
        raise ClaimFileError("literal has an empty row; expected at least one entry")
    if depth > MAX_AXES:  # deeper in a later row than in the first
        raise ClaimFileError("literal is ragged; rows must have equal length")
    parts = [_literal_rows(v, depth + 1) for v in value]
    shapes = {shape for _, shape in parts}
    if len(shapes) != 1:
        raise ClaimFileError("literal is ragged; rows must have equal length")
    return tuple(p for p, _ in parts), (len(value), *shapes.pop())


def _kernel_spec(name: str) -> SignalSpec:
    if name not in KERNEL_NAMES:
        raise ClaimFileError(f"{_shown(name)} is neither a shape like 3x3 nor a kernel "
                             f"({', '.join(KERNEL_NAMES)}){did_you_mean(name, KERNEL_NAMES)}")
    return SignalSpec(get_kernel(name).shape, kernel=name)


def parse_signal(value: Any) -> list[SignalSpec]:
    """One ``signals`` entry: a shape, list of shapes, literal, kernel name or table."""
    if isinstance(value, str):
        if _SHAPE_RE.match(value):
            return [SignalSpec(parse_shape_text(value))]
        return [_kernel_spec(value.strip())]
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            if len(value) > MAX_SHAPES_PER_SIGNAL:
                raise InputLimitError(f"{len(value)} shapes for one signal; the limit is "
                                      f"{MAX_SHAPES_PER_SIGNAL}")
            return [spec for v in value for spec in parse_signal(v)]
        entries, shape = _literal(value)
        return [SignalSpec(shape, literal=entries)]
    if isinstance(value, dict):
        return [_signal_table(value)]
    raise ClaimFileError(f"signal {_shown(value)} is not a shape, list of shapes, literal or table")


def _signal_table(table: dict[str, Any]) -> SignalSpec:
    unknown = set(table) - SIGNAL_KEYS
    if unknown:
        raise ClaimFileError(f"unknown signal key {_shown(sorted(unknown)[0])}; expected "
                             f"{', '.join(sorted(SIGNAL_KEYS))}")
    kinds = [k for k in ("shape", "literal", "kernel") if k in table]
    if len(kinds) != 1:
        raise ClaimFileError("a signal table needs exactly one of shape, literal, kernel")
    real = table.get("real", True)
    if not isinstance(real, bool):
        raise ClaimFileError(f"real = {_shown(real)} is not true or false")
    if "kernel" in table:
        if not isinstance(table["kernel"], str):
            raise ClaimFileError(f"kernel {_shown(table['kernel'])} is not a name")
        spec = _kernel_spec(table["kernel"])
    elif "literal" in table:
        entries, shape = _literal(table["literal"])
        spec = SignalSpec(shape, literal=entries)
    else:
        if not isinstance(table["shape"], str):
            raise ClaimFileError(f"shape {_shown(table['shape'])} is not a string like \"3x3\"")
        spec = SignalSpec(parse_shape_text(table["shape"]), real=real)
    origin = table.get("origin")
    if origin is not None:
        if (not isinstance(origin, list) or len(origin) != len(spec.shape)
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in origin)):
            raise ClaimFileError(f"origin {_shown(origin)} is not a list of {len(spec.shape)} integers")
        if spec.kernel is not None:
            raise ClaimFileError("a named kernel has its own origin")
        spec = SignalSpec(spec.shape, spec.real, spec.literal, None, tuple(origin))
    if not real and not spec.is_symbolic:
        raise ClaimFileError("real = false applies to symbolic signals only")
    return spec


def _statement(text: Any, source: str, line: int, name: str) -> Statement:
    if not isinstance(text, str):
        raise _error(source, line, name, f"statement {_shown(text)} is not a string")
    try:
        return parse_statement(text)
    except ClaimFileError as exc:
        shown = text if len(text) <= 80 else f"{text[:76]}..."
        raise _error(source, line, name, f"statement {shown!r}: {exc}", type(exc)) from None


def build_claim(table: Mapping[str, Any], source: str = "<string>", line: int = 0,
                index: int = 0) -> Claim:
    """A Claim from one ``[[claim]]`` table (or an equivalent dict)."""
    raw_name = table.get("name")
    name = raw_name if isinstance(raw_name, str) and raw_name.strip() else None
    if name is None:
        raise _error(source, line, None, f"claim #{index + 1} needs a non-empty string 'name'")
    unknown = set(table) - CLAIM_KEYS
    if unknown:
        first = sorted(unknown)[0]
        raise _error(source, line, name, f"unknown key {_shown(first)}"
                                         f"{did_you_mean(str(first), CLAIM_KEYS)}; expected "
                                         f"{', '.join(sorted(CLAIM_KEYS))}")
    for key in ("statement", "signals", "expect"):
        if key not in table:
            raise _error(source, line, name, f"missing key {_shown(key)}")
    free = _statement(table["statement"], source, line, name)
    try:
        integers = parse_integers(table.get("integers", {}))
        # parsed again: the limits on sizes and digits hold at the declared values too
        statement = parse_statement(substitute_integers(free, integers).text) if integers else free
        signals = _signals(table["signals"], free, integers)
        ndims = {key: len(specs[0].shape) for key, specs in signals.items()}
        assumptions = _assumptions(table.get("assume", []), ndims, integers)
        expect = table["expect"]
        if expect not in EXPECTATIONS:
            raise ClaimFileError(f"expect = {_shown(expect)}; expected \"holds\" or \"fails\"")
        tiers = _tiers(table.get("tiers", list(TIER_NAMES)))
        budget = _budget(table.get("budget", DEFAULT_BUDGET))
        random_sizes = _random_sizes(table.get("sizes", {}), signals)
        note = table.get("note", "")
        if not isinstance(note, str):
            raise ClaimFileError(f"note {_shown(note)} is not a string")
        claim = Claim(name, statement, free.text, signals, expect, tiers, budget, source,
                      line, random_sizes, note=note, integers=integers, assumptions=assumptions,
                      free_statement=free if integers else None)

        check_claim(claim)
        _check_reachable(signals, statement)
        _check_assumed(claim)
    except ClaimFileError as exc:
        raise _error(source, line, name, str(exc), type(exc)) from None
    except SymconvError as exc:
        raise _error(source, line, name, str(exc)) from None
    return claim


def _signals(table: Any, statement: Statement,
             integers: Mapping[str, int] | None = None) -> dict[str, list[SignalSpec]]:
    if not isinstance(table, dict) or not table:
        raise ClaimFileError("signals must be a table like { F = \"3x3\", I = \"5x5\" }")
    folded: dict[str, str] = {}
    for key in table:
        # Python's parser reads identifiers in NFKC form: Ｆ is F, ﬁ is fi.
        same = folded.setdefault(unicodedata.normalize("NFKC", str(key)), key)
        if same != key:
            raise ClaimFileError(f"signals {_shown(same)} and {_shown(key)} collide: Python reads both as "
                                 f"{_shown(unicodedata.normalize('NFKC', key))}")
    signals: dict[str, list[SignalSpec]] = {}
    for key, value in table.items():
        check_signal_name(key)
        try:
            specs = parse_signal(value)
        except ClaimFileError as exc:
            raise type(exc)(f"signal {key}: {exc}") from None
        if len({len(s.shape) for s in specs}) != 1:
            raise ClaimFileError(f"signal {key}: all shapes must have the same dimension")
        signals[key] = specs
    integers = integers or {}
    both = sorted(set(signals) & set(integers))
    if both:
        raise ClaimFileError(f"{_shown(both[0])} is declared both in signals and in integers")
    missing = names(statement) - set(signals) - set(integers)
    if missing:
        also = " nor in integers" if integers else ""
        raise ClaimFileError(f"statement uses {_shown(sorted(missing)[0])}, which is not declared "
                             f"in signals ({', '.join(signals)}){also}")
    unused = [n for n in integers if n not in names(statement)]
    if unused:
        raise ClaimFileError(f"integer {_shown(unused[0])} is declared but the statement does not "
                             "use it; remove it or use it")
    combinations = 1
    for specs in signals.values():
        combinations *= len(specs)
    if combinations > MAX_SHAPE_COMBINATIONS:
        raise InputLimitError(f"the declared shapes make {combinations} combinations; the limit "
                              f"is {MAX_SHAPE_COMBINATIONS}")
    return signals


def _assumptions(value: Any, ndims: Mapping[str, int], integers: Mapping[str, int]
                 ) -> tuple[Assumption, ...]:
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list):
        raise ClaimFileError(f"assume = {_shown(value)}; expected a list of comparisons like "
                             "[\"N >= len(a) + len(b) - 1\"]")
    if len(texts) > MAX_ASSUMPTIONS:
        raise InputLimitError(f"{len(texts)} assumptions; the limit is {MAX_ASSUMPTIONS}")
    return tuple(parse_assumption(text, ndims, integers) for text in texts)


def _check_assumed(claim: Claim) -> None:
    """Every declared size (and the random tier's) satisfies every assumption: a claim is
    checked only where it is stated."""
    for assignment in claim.assignments():
        if not claim.admits(assignment):
            sizes = ", ".join(f"{n}={s.describe()}" for n, s in assignment.items())
            integers = "".join(f", {n}={v}" for n, v in claim.integers.items())
            failed = next(a.text for a in claim.assumptions if not a.holds(size_symbols(
                {n: s.shape for n, s in assignment.items()}, claim.integers)))
            raise ClaimFileError(f"the declared sizes {sizes}{integers} do not satisfy the "
                                 f"assumption {failed}")
    if claim.random_sizes:
        base = claim.assignments()[0]
        at = {n: s.resized(claim.random_sizes.get(n, s.shape)) for n, s in base.items()}
        if not claim.admits(at):
            raise ClaimFileError("the random tier's sizes do not satisfy the assumptions")


def _check_reachable(signals: Mapping[str, Any], statement: Statement) -> None:
    """A declared signal the statement never names would be checked for nothing (and hid
    look-alike names: ``Ｆ`` declared, ``F`` read)."""
    used = names(statement)
    unused = [name for name in signals if name not in used]
    if unused:
        raise ClaimFileError(f"signal {_shown(unused[0])} is declared but the statement does not use "
                             "it; remove it or use it")


def _tiers(value: Any) -> tuple[str, ...]:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v in TIER_NAMES for v in value)):
        unknown = next((v for v in value if isinstance(v, str) and v not in TIER_NAMES), None) \
            if isinstance(value, list) else None
        hint = did_you_mean(unknown, TIER_NAMES) if unknown is not None else ""
        raise ClaimFileError(f"tiers = {_shown(value)}{hint}; expected a non-empty list from "
                             f"{', '.join(TIER_NAMES)}")
    return tuple(value)


def _budget(value: Any) -> float:
    # inf is refused: the budget becomes a timer, which needs a finite time
    if (isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
            or not value <= MAX_BUDGET):
        raise ClaimFileError(f"budget = {_shown(value)}; expected a positive finite number of "
                             f"seconds, at most {MAX_BUDGET}")
    return float(value)


def _random_sizes(table: Any, signals: dict[str, list[SignalSpec]]) -> dict[str, tuple[int, ...]]:
    if not isinstance(table, dict):
        raise ClaimFileError("sizes must be a table like { F = \"15x15\", I = \"512x512\" }")
    sizes: dict[str, tuple[int, ...]] = {}
    for key, value in table.items():
        if key not in signals:
            raise ClaimFileError(f"sizes names {_shown(key)}, which is not a declared signal")
        if not isinstance(value, str):
            raise ClaimFileError(f"sizes.{key} = {_shown(value)} is not a shape like \"512x512\"")
        shape = parse_shape_text(value)
        if len(shape) != len(signals[key][0].shape):
            raise ClaimFileError(f"sizes.{key} = {_shown(value)} has the wrong dimension")
        if not signals[key][0].is_symbolic:
            raise ClaimFileError(f"sizes.{key}: signal {key} has fixed entries")
        sizes[key] = shape
    return sizes


def check_claim(claim: Claim) -> Kind | None:
    """Load-time check of a claim's statement against its declared signals."""
    if claim.statement is None:
        return None
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    return check_statement(claim.statement, ndims)


def claim_from_text(statement: str, signals: Mapping[str, Any], expect: str = "holds",
                    name: str = "claim", where: str = "<command line>", **options: Any) -> Claim:
    """A claim from a statement and a signals mapping (the ``check`` command's input);
    ``where`` is what its messages name as the source."""
    table = {"name": name, "statement": statement, "signals": dict(signals), "expect": expect,
             **options}
    return build_claim(table, where, 0)


def _option_items(text: str) -> list[str]:
    """``--signals`` split at the commas outside brackets (a literal's own commas stay)."""
    items, depth, start = [], 0, 0
    for k, char in enumerate(text):
        depth += (char == "[") - (char == "]")
        if char == "," and depth == 0:
            items.append(text[start:k])
            start = k + 1
    return [*items, text[start:]]


def parse_signal_option(text: str) -> dict[str, Any]:
    """``"F=3x3,I=sobel_x"`` -> ``{"F": "3x3", "I": "sobel_x"}`` (the ``--signals`` option);
    a value in brackets is a literal, read as in a claim file: ``k=[[1,2],[2,1]]`` ->
    ``{"k": {"literal": [[1, 2], [2, 1]]}}``."""
    signals: dict[str, Any] = {}
    if len(text) > MAX_SIGNAL_OPTION_LENGTH:
        raise InputLimitError(f"--signals has {len(text)} characters; the limit is "
                              f"{MAX_SIGNAL_OPTION_LENGTH}")
    for part in _option_items(text):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ClaimFileError(f"--signals item {_shown(part)} is not NAME=SHAPE (like F=3x3, "
                                 "or F=[[1,2],[3,4]] for fixed entries)")
        if name.strip() in signals:
            raise ClaimFileError(f"--signals gives {name.strip()} twice")
        signals[name.strip()] = value.strip()
        if value.strip().startswith("["):
            try:
                signals[name.strip()] = {"literal": tomllib.loads(f"v = {value.strip()}")["v"]}
            except tomllib.TOMLDecodeError:
                raise ClaimFileError(f"--signals {name.strip()}={_shown(value.strip())} is not a "
                                     "literal like [[1, 2], [3, 4]] or [1, \"1/3\"]") from None
    return signals


def _claim_lines(text: str) -> list[int]:
    """1-based line numbers of the ``[[claim]]`` headers, in order."""
    return [i + 1 for i, line in enumerate(text.splitlines())
            if re.match(r"^\s*\[\[\s*claim\s*\]\]", line)]


_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _claim_file_text(raw: bytes, source: str) -> str:
    """The text of a claim file: UTF-8, with or without the byte-order mark some editors
    write; anything else is a ClaimFileError naming the first bad byte's line and column."""
    if raw.startswith(_UTF16_MARKS):
        raise ClaimFileError(f"{source}: UTF-16 text; a claim file must be UTF-8 "
                             "(save it as UTF-8)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ClaimFileError(f"{source}:{line}: byte 0x{raw[exc.start]:02x} at column {column} "
                             "is not UTF-8; a claim file must be UTF-8 (save it as UTF-8)"
                             ) from None


def load_toml(path: Path | str) -> list[Claim]:
    """All claims of one TOML file (a ClaimFileError on the first problem)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ClaimFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_toml(_claim_file_text(raw, str(path)), str(path))


def parse_toml(text: str, source: str = "<string>") -> list[Claim]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimFileError(f"{source}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise InputLimitError(f"{source}: invalid TOML: arrays or tables nested too deeply "
                              f"for the TOML parser; a literal has at most {MAX_AXES} "
                              "levels") from None
    except ValueError as exc:  # an integer beyond Python's digit limit
        raise InputLimitError(f"{source}: invalid TOML: {exc}".split("; use")[0]) from None
    unknown = set(data) - {"claim"}
    if unknown:
        raise ClaimFileError(f"{source}: unknown top-level key {_shown(sorted(unknown)[0])}; "
                             "expected [[claim]] tables")
    tables = data.get("claim", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ClaimFileError(f"{source}: 'claim' must be an array of tables ([[claim]])")
    lines = _claim_lines(text)
    claims: list[Claim] = []
    seen: set[str] = set()
    for k, table in enumerate(tables):
        line = lines[k] if k < len(lines) else 0
        claim = build_claim(table, source, line, k)
        if claim.name in seen:
            raise _error(source, line, claim.name, "duplicate claim name in this file")
        seen.add(claim.name)
        claims.append(claim)
    return claims


# --- Python claim modules -------------------------------------------------------------


@dataclass(frozen=True)
class PythonClaimSpec:
    name: str
    signals: dict[str, Any]
    expect: str
    budget: float


def python_claim(name: str, signals: Mapping[str, Any], expect: str = "holds",
                 budget: float = DEFAULT_BUDGET) -> Callable[[Callable[..., Any]],
                                                             Callable[..., Any]]:
    """Mark a function ``f(**signals) -> (left, right)`` as a claim (no global registry:
    the mark is an attribute that :func:`load_python` looks for).

    >>> from symconv.core.ops import conv
    >>> @python_claim("commutes", {"a": "3", "b": "4"})
    ... def commutes(a, b):
    ...     return conv(a, b), conv(b, a)
    >>> commutes.__symconv_claim__.name
    'commutes'
    """
    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, PYTHON_CLAIM_ATTRIBUTE, PythonClaimSpec(name, dict(signals), expect,
                                                              budget))
        return func

    return mark


def load_python(path: Path | str) -> list[Claim]:
    """The marked claims of a Python module (this executes the module)."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"symconv_claims_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ClaimFileError(f"{path}: not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SymconvError:
        raise
    except (Exception, SystemExit) as exc:  # sys.exit() in a module must not end the caller
        raise ClaimFileError(f"{path}: importing failed: {type(exc).__name__}: {exc}") from None
    claims = []
    for attr in vars(module).values():
        mark = getattr(attr, PYTHON_CLAIM_ATTRIBUTE, None)
        if not isinstance(mark, PythonClaimSpec):
            continue
        line = getattr(getattr(attr, "__code__", None), "co_firstlineno", 0)
        try:
            signals = {k: parse_signal(v) for k, v in mark.signals.items()}
            if mark.expect not in EXPECTATIONS:
                raise ClaimFileError(f"expect = {mark.expect!r}; expected holds or fails")
        except ClaimFileError as exc:
            raise _error(str(path), line, mark.name, str(exc)) from None
        claims.append(Claim(mark.name, None, f"{attr.__name__}(...)", signals, mark.expect,
                            ("exact",), _budget(mark.budget), str(path), line,
                            procedure=attr))
    return claims


def claim_files(paths: Sequence[Path | str] | Path | str, python: bool = False) -> Iterator[Path]:
    """Claim files under ``paths`` (directories are searched recursively), sorted; one path
    alone is a list of one (a string is not a sequence of one-letter paths).

    ``python=True`` adds the Python claim modules (:func:`is_python_claim_file`); other
    ``.py`` files are never listed, so they are never imported.
    """
    for given in [paths] if isinstance(paths, str | Path) else paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(path.rglob("*.toml"))
            yield from (p for p in found if is_claim_file(p))
            if python:
                yield from python_claim_files([path])
        elif path.exists():
            if not path.is_file():  # a FIFO or a device would block or never end the read
                raise ClaimFileError(f"{path}: not a regular file; expected a claim file or "
                                     "a folder")
            if python and path.suffix == ".py" and not is_python_claim_file(path):
                raise ClaimFileError(f"{path}: not a claim module (it has no @python_claim and "
                                     f"no '{PYTHON_CLAIM_MARKER}' comment); not imported")
            yield path
        else:
            raise ClaimFileError(f"{path}: no such file or directory")


def python_claim_files(paths: Sequence[Path | str]) -> Iterator[Path]:
    """The Python claim modules in the folders among ``paths``, sorted (read, not imported)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*.py")) if is_python_claim_file(p))


# A Python claim module says so in its text, checked before it is imported: a line
# "# symconv-claims" or a use of the decorator.
PYTHON_CLAIM_MARKER = "symconv-claims"
_PYTHON_CLAIM_RE = re.compile(r"^\s*(#\s*symconv-claims\b|@\s*(\w+\s*\.\s*)*python_claim\b)",
                              re.MULTILINE)


def is_python_claim_file(path: Path) -> bool:
    """A ``.py`` file that declares claims: an ``@python_claim`` decorator or a
    ``# symconv-claims`` comment line (a textual check; nothing is imported)."""
    if path.suffix != ".py":
        return False
    try:
        return _PYTHON_CLAIM_RE.search(path.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def is_claim_file(path: Path) -> bool:
    """A regular TOML file with at least one ``[[claim]]`` table.

    Undecodable bytes, a byte-order mark or UTF-16 do not hide the tables: such a file is a
    claim file, and loading it names the problem (skipping it would drop its claims from a
    run without a word).
    """
    if not path.is_file():  # a FIFO or a device in a folder would block the scan
        return False
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    codec = "utf-16" if raw.startswith(_UTF16_MARKS) else "utf-8-sig"
    return bool(_claim_lines(raw.decode(codec, errors="replace")))


def load_claims(paths: Sequence[Path | str] | Path | str, python: bool = False) -> list[Claim]:
    """Every claim under ``paths`` (one path or several); ``python=True`` also imports
    ``*.py`` claim modules."""
    claims: list[Claim] = []
    for path in claim_files(paths, python):
        if path.suffix == ".py":
            if not python:
                raise ClaimFileError(f"{path}: Python claim modules run code; "
                                     "pass --allow-python to load them")
            claims.extend(load_python(path))
        else:
            claims.extend(load_toml(path))
    return claims
