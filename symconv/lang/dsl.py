"""The claim statement language: a safe parser into a small syntax tree.

A statement is one Python-like expression with a single top-level ``==`` or
``!=``.  It is parsed with :mod:`ast` and then rebuilt node by node from a
whitelist (names, numbers, whitelisted function calls, ``+ - * / @``); any
other construct -- attribute access, subscripts, lambdas, comprehensions,
``__import__`` -- is rejected with its column.  Nothing is ever evaluated by
Python: no ``eval``, no ``exec``, no ``sympify``.

Hostile input is refused before any work: a statement is ASCII (Python's parser
folds look-alike letters such as ``Ｆ`` or ``ﬁ`` into ``F`` and ``fi``, which would
let one name stand for two signals), and its length, nesting depth, names and
numbers are bounded by the ``MAX_*`` limits below, each reported by name.

>>> s = parse_statement("conv(F, I) == corr(flip(F), I)")
>>> s.op, s.left
('==', Call(func='conv', args=(Name(id='F'), Name(id='I')), kwargs=()))
>>> parse_statement("F.__class__ == F")
Traceback (most recent call last):
  ...
symconv.errors.ClaimFileError: column 1: attribute access is not allowed in a statement
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any, TypeAlias

from symconv.errors import ClaimFileError, InputLimitError, did_you_mean
from symconv.lang.operations import (
    MAX_AXES,
    OPERATIONS,
    SCALAR_FUNCTIONS,
    SIZE_FUNCTIONS,
    SIZED_CALLS,
    Operation,
)


@dataclass(frozen=True)
class _Located:
    """A piece of a statement; ``col``, its column in the statement, is for error messages
    only (given by keyword, not compared, not shown)."""

    col: int = field(default=0, compare=False, repr=False, kw_only=True)

    def __hash__(self) -> int:
        # The memos of the search hash whole trees again and again (repair candidates are
        # built from the claim's own nodes): each node keeps its hash, the dataclass one
        # (every class below names this one, or the decorator would generate its own).
        known = self.__dict__.get("_hash")
        if known is None:
            known = hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare))
            self.__dict__["_hash"] = known  # not a field: never compared, shown or replaced
        return known

    def __getstate__(self) -> dict[str, Any]:
        # string hashes differ between processes (PYTHONHASHSEED): a copy computes its own
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}


@dataclass(frozen=True)
class Name(_Located):
    """A signal named in the claim's ``signals`` table."""

    id: str
    __hash__ = _Located.__hash__


@dataclass(frozen=True)
class Number(_Located):
    """An exact real constant (``3``, ``0.25`` and ``1e-3`` become Fractions)."""

    value: Fraction
    __hash__ = _Located.__hash__


@dataclass(frozen=True)
class Imag(_Located):
    """An imaginary constant ``value * i`` (written ``2j``)."""

    value: Fraction
    __hash__ = _Located.__hash__


@dataclass(frozen=True)
class Str(_Located):
    """A string; only allowed as a keyword value (``mode="same"``)."""

    value: str
    __hash__ = _Located.__hash__


@dataclass(frozen=True)
class Call(_Located):
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...]
    __hash__ = _Located.__hash__


@dataclass(frozen=True)
class BinOp(_Located):
    """``left op right`` with ``op`` one of ``+ - * / @``."""

    op: str
    left: Node
    right: Node
    __hash__ = _Located.__hash__


@dataclass(frozen=True)
class Neg(_Located):
    operand: Node
    __hash__ = _Located.__hash__


Node: TypeAlias = Name | Number | Imag | Str | Call | BinOp | Neg


@dataclass(frozen=True)
class Statement(_Located):
    """``left op right`` with ``op`` ``"=="`` or ``"!="``; ``text`` is the source."""

    left: Node
    op: str
    right: Node
    text: str
    __hash__ = _Located.__hash__


# Limits on a statement, checked before any work is done (see InputLimitError).
MAX_STATEMENT_LENGTH = 1000  # characters
MAX_EXPRESSION_DEPTH = 32  # nested operators, calls and parentheses
MAX_NAME_LENGTH = 64  # characters of a signal name
MAX_NUMBER_DIGITS = 100  # digits of one number, its exponent counted as digits
MAX_STATEMENT_DIGITS = 200  # digits of all the numbers of a statement together
MAX_SIZE_ENTRIES = 4_000_000  # entries of the box a padding or a period asks for
# Degree of either side in the signals: with MAX_NUMBER_DIGITS per entry, values stay
# within a few thousand digits (Python refuses to print integers of more than 4300).
MAX_DEGREE = 16

_MANY = MAX_AXES  # at most one integer argument per axis
_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DECIMAL = re.compile(r"[+-]?(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?")

# The functions of the language: one record each (arity, keywords, kind rules, meaning).
FUNCTIONS: dict[str, Operation] = OPERATIONS

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.MatMult: "@",
}
_COMPARISONS: dict[type[ast.cmpop], str] = {ast.Eq: "==", ast.NotEq: "!="}

_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripting",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "assignment",
    ast.Starred: "star arguments",
    ast.IfExp: "a conditional expression",
    ast.BoolOp: "and/or",
    ast.Await: "await",
    ast.JoinedStr: "an f-string",
}


def _lone_equals(source: str) -> bool:
    """Whether ``source`` has an ``=`` outside parentheses that is not part of ``==``, ``!=``,
    ``<=`` or ``>=`` (``a = b`` for ``a == b``; keyword arguments sit inside a call)."""
    depth = 0
    for k, char in enumerate(source):
        depth += (char in "([") - (char in ")]")
        if char == "=" and depth == 0 and source[k - 1:k] not in ("=", "!", "<", ">") \
                and source[k + 1:k + 2] != "=":
            return True
    return False


def parse_statement(text: str) -> Statement:
    """Parse ``text`` into a :class:`Statement`; malformed input raises ClaimFileError.

    The error message starts with ``column N:`` (1-based) so that a claim file
    loader can prefix the file, line and claim name.
    """
    if not isinstance(text, str):
        raise ClaimFileError(f"column 1: statement {text!r} is not a string")
    return _parse_text(text)


# A suite states one identity at many sizes and declarations: a statement is parsed once per
# text (its nodes are frozen, so they may be shared; errors are raised again, never kept).
@functools.lru_cache(maxsize=1024)
def _parse_text(text: str) -> Statement:
    if len(text) > MAX_STATEMENT_LENGTH:
        raise InputLimitError(f"column {MAX_STATEMENT_LENGTH + 1}: the statement has {len(text)} "
                              f"characters; the limit is {MAX_STATEMENT_LENGTH}")
    if "\n" in text.strip() or "\r" in text:
        raise ClaimFileError("column 1: a statement must be a single line")
    source = text.strip()
    if not source:
        raise ClaimFileError("column 1: the statement is empty; expected an identity such as "
                             "conv(F, I) == conv(I, F)")
    offset = len(text) - len(text.lstrip())
    # the column of the first character refused, searched only when there is one
    for col, char in enumerate(() if text.isascii() and text.replace("\t", " ").isprintable()
                               else text, 1):
        if not char.isascii():
            raise ClaimFileError(f"column {col}: character {describe_character(char)} is not "
                                 "allowed in a statement: it is not ASCII (a name is ASCII "
                                 "letters, digits and _)")
        if not (char.isprintable() or char == "\t"):
            raise ClaimFileError(f"column {col}: character {char!r} is not allowed in a statement")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1) - 1 + offset
        if "too many nested parentheses" in exc.msg:
            raise _too_deep(col + 1) from None
        hint = "; a comparison is written == or !=" if _lone_equals(source) else ""
        raise ClaimFileError(f"column {col + 1}: syntax error: {exc.msg}{hint}") from None
    except (RecursionError, MemoryError):  # Python's own parser gave up on the nesting
        raise _too_deep(offset + 1) from None
    _check_depth(tree.body, offset)
    statement = _Builder(source, offset).statement(tree.body)
    digits = sum(_value_digits(side) for side in (statement.left, statement.right))
    if digits > MAX_STATEMENT_DIGITS:
        raise InputLimitError(f"column {offset + 1}: the numbers of the statement have {digits} "
                              f"digits in all; the limit is {MAX_STATEMENT_DIGITS}")
    for side in (statement.left, statement.right):
        if (found := degree_bound(side)) > MAX_DEGREE:
            raise InputLimitError(f"column {side.col + 1}: this side has degree up to {found} "
                                  f"in the signals; the degree limit is {MAX_DEGREE}")
    return statement


def _value_digits(node: Node) -> int:
    """Digits of the numbers that enter values (the integer arguments of calls, such as
    shifts, only move entries and do not count)."""
    if isinstance(node, Number | Imag):
        return len(str(abs(node.value.numerator))) + len(str(node.value.denominator)) - 1
    if isinstance(node, Neg):
        return _value_digits(node.operand)
    if isinstance(node, BinOp):
        return _value_digits(node.left) + _value_digits(node.right)
    if isinstance(node, Call):
        return sum(_value_digits(a) for a in node.args[: FUNCTIONS[node.func].signals])
    return 0


def degree_bound(node: Node) -> int:
    """An upper bound on the degree of a side's entries, every signal of degree 1:
    products (``*``, ``@``, two-signal functions) add degrees, everything else keeps them."""
    if isinstance(node, Name):
        return 1
    if isinstance(node, Number | Imag | Str):
        return 0
    if isinstance(node, Neg):
        return degree_bound(node.operand)
    if isinstance(node, BinOp):
        left, right = degree_bound(node.left), degree_bound(node.right)
        return left + right if node.op in "*@" else max(left, right)
    op = FUNCTIONS[node.func]
    return op.degree([degree_bound(a) for a in node.args[: op.signals]])


def describe_character(char: str) -> str:
    """``'Ｆ' (U+FF26 FULLWIDTH LATIN CAPITAL LETTER F)``: a character and its Unicode name."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'without a name')})"


def check_signal_name(name: str) -> str:
    """``name`` if it can name a signal: ASCII letters, digits and ``_``, not a keyword,
    a function or longer than MAX_NAME_LENGTH; otherwise a one-line ClaimFileError."""
    if not isinstance(name, str):
        raise ClaimFileError(f"signal name {name!r} is not a string")
    if len(name) > MAX_NAME_LENGTH:
        raise InputLimitError(f"signal name {name[:20]!r}... has {len(name)} characters; "
                              f"the name length limit is {MAX_NAME_LENGTH}")
    for position, char in enumerate(name, 1):
        if not char.isascii():
            raise ClaimFileError(f"signal name {name!r}: character {position}, "
                                 f"{describe_character(char)}, is not ASCII; a name is ASCII "
                                 "letters, digits and _")
    if not _ASCII_NAME.fullmatch(name) or keyword.iskeyword(name) or name in FUNCTIONS:
        raise ClaimFileError(f"signal name {name!r} is not a usable name (letters, digits and "
                             "_, not starting with a digit, not a keyword or function)")
    return name


def _too_deep(col: int) -> InputLimitError:
    return InputLimitError(f"column {col}: the expression is nested too deeply; the expression "
                           f"depth limit is {MAX_EXPRESSION_DEPTH}")


def _check_depth(root: ast.expr, offset: int) -> None:
    """Refuse trees deeper than MAX_EXPRESSION_DEPTH (iteratively: no recursion to exhaust)."""
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            raise _too_deep(getattr(node, "col_offset", 0) + offset + 1)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + isinstance(child, ast.expr)))


class _Builder:
    """Rebuilds a whitelisted :mod:`ast` tree as DSL nodes, with character columns."""

    def __init__(self, source: str, offset: int) -> None:
        self.source = source
        self.encoded = source.encode("utf-8")
        self.ascii = source.isascii()
        self.offset = offset

    def col(self, node: ast.AST) -> int:
        # ast offsets count UTF-8 bytes; columns count characters (the same in ASCII).
        byte_col = getattr(node, "col_offset", 0)
        if self.ascii:
            return byte_col + self.offset
        return len(self.encoded[:byte_col].decode("utf-8", errors="ignore")) + self.offset

    def fail(self, node: ast.AST, message: str) -> ClaimFileError:
        return ClaimFileError(f"column {self.col(node) + 1}: {message}")

    def segment(self, node: ast.AST) -> str:
        start = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or len(self.encoded)
        return self.encoded[start:end].decode("utf-8", errors="replace")

    def statement(self, node: ast.expr) -> Statement:
        if not isinstance(node, ast.Compare):
            raise self.fail(node, "a statement needs one top-level == or !=")
        if len(node.ops) != 1:
            raise self.fail(node.comparators[1], "only one comparison is allowed in a statement")
        op = _COMPARISONS.get(type(node.ops[0]))
        if op is None:
            raise self.fail(node, "the comparison must be == or !=")
        return Statement(
            self.expr(node.left), op, self.expr(node.comparators[0]),
            text=self.source, col=self.col(node),
        )

    def expr(self, node: ast.expr) -> Node:
        col = self.col(node)
        if isinstance(node, ast.Name):
            if len(node.id) > MAX_NAME_LENGTH:
                raise InputLimitError(f"column {col + 1}: name {node.id[:20]!r}... has "
                                      f"{len(node.id)} characters; the name length limit is "
                                      f"{MAX_NAME_LENGTH}")
            return Name(node.id, col=col)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self.fail(node, f"operator {type(node.op).__name__} is not allowed; "
                                      "expected one of + - * / @")
            left, right = self.expr(node.left), self.expr(node.right)
            if op == "/" and constant_value(right) == (0, 0):
                raise self.fail(node.right, f"division by zero: {_bracketed(unparse(right))} is 0")
            return BinOp(op, left, right, col=col)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return Neg(self.expr(node.operand), col=col)
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand)
            raise self.fail(node, "only unary + and - are allowed")
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            raise self.fail(node, "only one comparison is allowed in a statement")
        what = _FORBIDDEN.get(type(node), type(node).__name__)
        raise self.fail(node, f"{what} is not allowed in a statement")

    def constant(self, node: ast.Constant) -> Node:
        col = self.col(node)
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(node, f"constant {value!r} is not allowed; expected a number")
        if isinstance(value, str):
            return Str(value, col=col)
        if isinstance(value, int | float):
            return Number(self.number(node, self.segment(node)), col=col)
        if isinstance(value, complex):
            return Imag(self.number(node, self.segment(node).rstrip("jJ")), col=col)
        raise self.fail(node, f"constant {value!r} is not allowed; expected a number")

    def number(self, node: ast.Constant, text: str) -> Fraction:
        try:
            number_digits(text)
        except InputLimitError as exc:
            raise InputLimitError(f"column {self.col(node) + 1}: {exc}") from None
        return _exact_literal(text)

    def call(self, node: ast.Call) -> Call:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "only named functions can be called")
        name = node.func.id
        spec = FUNCTIONS.get(name)
        if spec is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise self.fail(node.func, f"unknown function {name!r}"
                            f"{did_you_mean(name, FUNCTIONS)}; expected one of {known}")
        args = tuple(self.expr(a) for a in node.args)
        kwargs: list[tuple[str, Node]] = []
        for kw in node.keywords:
            if kw.arg is None:
                raise self.fail(kw.value, "** arguments are not allowed")
            if kw.arg not in spec.keywords:
                allowed = ", ".join(sorted(spec.keywords)) or "none"
                raise self.fail(kw.value, f"{name}() has no keyword {kw.arg!r} "
                                          f"(allowed: {allowed})")
            if any(kw.arg == key for key, _ in kwargs):  # ast keeps both; Python refuses too
                raise self.fail(kw.value, f"{name}() is given the keyword {kw.arg!r} twice")
            kwargs.append((kw.arg, self.expr(kw.value)))
        result = Call(name, args, tuple(kwargs), col=self.col(node))
        _check_arity(result, spec)
        return result


def number_digits(text: str) -> int:
    """The digits a number written as ``text`` has, its exponent counted as digits (``1e9``
    has 10); InputLimitError past MAX_NUMBER_DIGITS, checked before converting anything.

    Text that is not a number counts its characters; converting it fails later.
    """
    cleaned = text.strip().replace("_", "")
    if cleaned.lower().lstrip("+-").startswith(("0x", "0o", "0b")):
        # a power-of-two base: len * log10(16) digits at most
        digits = (len(cleaned) * 6) // 5 + 1
    else:
        digits = 0
        for part in cleaned.split("/", 1):
            match = _DECIMAL.fullmatch(part.strip())
            if match is None:
                digits += len(part)
                continue
            exponent = (match.group(3) or "0").lstrip("+-")
            # an exponent of more than 12 digits is refused whatever it is, unconverted
            digits += len(match.group(1)) + len(match.group(2)) + (
                int(exponent) if len(exponent) <= 12 else 10**12)
    if digits > MAX_NUMBER_DIGITS:
        shown = text if len(text) <= 24 else f"{text[:20]}..."
        raise InputLimitError(f"number {shown!r} has {digits} digits (its exponent counted); "
                              f"the limit is {MAX_NUMBER_DIGITS}")
    return digits


def constant_value(node: Node) -> tuple[Fraction, Fraction] | None:
    """The exact value ``(real, imaginary)`` of a node made of numbers only, else None."""
    if isinstance(node, Number):
        return node.value, Fraction(0)
    if isinstance(node, Imag):
        return Fraction(0), node.value
    if isinstance(node, Neg):
        inner = constant_value(node.operand)
        return None if inner is None else (-inner[0], -inner[1])
    if not isinstance(node, BinOp) or node.op == "@":
        return None
    left, right = constant_value(node.left), constant_value(node.right)
    if left is None or right is None:
        return None
    (a, b), (c, d) = left, right
    if node.op == "+":
        return a + c, b + d
    if node.op == "-":
        return a - c, b - d
    if node.op == "*":
        return a * c - b * d, a * d + b * c
    norm = c * c + d * d
    if norm == 0:  # refused where it is written; an inner zero divisor makes no value
        return None
    return (a * c + b * d) / norm, (b * c - a * d) / norm


def _exact_literal(text: str) -> Fraction:
    """The exact value of a numeric literal as written (``0.1`` is 1/10, not a binary float)."""
    cleaned = text.replace("_", "")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return Fraction(int(cleaned, 0))
        return Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ClaimFileError(f"number {text!r} is not a finite decimal") from None


def _bracketed(text: str) -> str:
    """``(1 - 1)`` for a compound expression in a message, ``0`` as it is."""
    return f"({text})" if " " in text else text


def _check_arity(call: Call, spec: Operation) -> None:
    n_ints = len(call.args) - spec.signals
    if n_ints < spec.min_ints or n_ints > spec.max_ints:
        want = _describe(spec)
        raise ClaimFileError(
            f"column {call.col + 1}: {call.func}() takes {want}; got {len(call.args)} arguments"
        )
    for arg in call.args[spec.signals:]:
        if spec.size_lengths and is_size_expression(arg):
            continue  # a length that follows the sizes: len(a) + len(b) - 1
        if integer_value(arg) is None:
            raise ClaimFileError(
                f"column {arg.col + 1}: {call.func}() expects an integer here, not {unparse(arg)}"
            )
    if call.func in SIZED_CALLS:  # shifts only move an origin: any size will do
        entries = 1
        for arg in call.args[spec.signals:]:
            entries *= abs(integer_value(arg) or 1)
        if entries > MAX_SIZE_ENTRIES:
            raise InputLimitError(f"column {call.col + 1}: {call.func}() asks for a box of "
                                  f"{entries} entries; the limit is {MAX_SIZE_ENTRIES}")
    for key, value in call.kwargs:
        if key == "axis" and integer_value(value) is None:
            raise ClaimFileError(f"column {value.col + 1}: axis must be an integer")
        if key in ("mode", "boundary") and not isinstance(value, Str):
            raise ClaimFileError(f"column {value.col + 1}: {key} must be a string like \"full\"")
    for arg in call.args[: spec.signals]:
        if isinstance(arg, Str):
            raise ClaimFileError(
                f"column {arg.col + 1}: a string is only allowed as a keyword value"
            )


def _describe(spec: Operation) -> str:
    parts = f"{spec.signals} signal argument{'s' if spec.signals > 1 else ''}"
    if spec.max_ints == 0:
        return parts
    if spec.min_ints == spec.max_ints:
        return f"{parts} and {spec.min_ints} integer(s)"
    if spec.max_ints == _MANY:
        return f"{parts} and at least {spec.min_ints} integer(s)" if spec.min_ints else (
            f"{parts} and optional integers")
    return f"{parts} and {spec.min_ints} to {spec.max_ints} integer(s)"


def is_size_expression(node: Node) -> bool:
    """Whether ``node`` is an integer combination of size functions of named signals and of
    names (a zeropad length such as ``len(a) + len(b) - 1``, or ``N`` with N one of the
    claim's integers, which the claim check verifies; a plain integer is not one)."""
    if isinstance(node, Name):
        return True
    if isinstance(node, Call):
        return node.func in SIZE_FUNCTIONS and isinstance(node.args[0], Name)
    if isinstance(node, Neg):
        return is_size_expression(node.operand)
    if isinstance(node, BinOp) and node.op in "+-":
        return any(is_size_expression(n) for n in (node.left, node.right)) and all(
            is_size_expression(n) or integer_value(n) is not None for n in (node.left, node.right))
    if isinstance(node, BinOp) and node.op == "*":
        return (integer_value(node.left) is not None and is_size_expression(node.right)) or (
            integer_value(node.right) is not None and is_size_expression(node.left))
    return False


def size_expression_value(node: Node, shape_of: Callable[[Node], tuple[int, ...]]) -> int:
    """The integer a size expression (or integer) denotes, ``shape_of`` giving the shape of
    a size function's signal argument."""
    value = integer_value(node)
    if value is not None:
        return value
    if isinstance(node, Call):
        box_size = OPERATIONS[node.func].box_size
        assert box_size is not None  # a size expression calls size functions only
        return box_size(shape_of(node.args[0]), [integer_value(a) or 0 for a in node.args[1:]])
    if isinstance(node, Neg):
        return -size_expression_value(node.operand, shape_of)
    if isinstance(node, BinOp):
        left, right = (size_expression_value(n, shape_of) for n in (node.left, node.right))
        return left + right if node.op == "+" else left - right if node.op == "-" else left * right
    raise ClaimFileError(f"{unparse(node)} is not a size")


def integer_value(node: Node) -> int | None:
    """The integer a node denotes (``3``, ``-2``), or None if it is not an integer literal."""
    if isinstance(node, Neg):
        inner = integer_value(node.operand)
        return None if inner is None else -inner
    if isinstance(node, Number) and node.value.denominator == 1:
        return int(node.value)
    return None


def walk(node: Node | Statement) -> Iterator[Node]:
    """Every node of a tree, parents before children."""
    if isinstance(node, Statement):
        yield from walk(node.left)
        yield from walk(node.right)
        return
    yield node
    if isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)
        for _, value in node.kwargs:
            yield from walk(value)
    elif isinstance(node, BinOp):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Neg):
        yield from walk(node.operand)


def names(node: Node | Statement) -> set[str]:
    """The signal names a statement uses."""
    return {n.id for n in walk(node) if isinstance(n, Name)}


def is_scalar(node: Node, numbers: Collection[str] = ()) -> bool:
    """Whether a node denotes a number rather than a signal, read from its syntax alone:
    numbers, scalar functions, and their sums, products and quotients (the one reading the
    general tier and the LaTeX renderer share; :func:`symconv.prove.evaluate.kind_of`
    agrees on every checked statement).  ``numbers``: names that are numbers (a claim's
    integers), not signals.

    >>> is_scalar(parse_statement("2j * sum(f) == f").left), is_scalar(parse_statement("2 * f == f").left)
    (True, False)
    >>> is_scalar(parse_statement("N * sum(f) == f").left, numbers={"N"})
    True
    """
    if isinstance(node, Number | Imag):
        return True
    if isinstance(node, Name):
        return node.id in numbers
    if isinstance(node, Call):
        return node.func in SCALAR_FUNCTIONS
    if isinstance(node, Neg):
        return is_scalar(node.operand, numbers)
    if isinstance(node, BinOp):
        if node.op == "/":
            return is_scalar(node.left, numbers)
        return is_scalar(node.left, numbers) and is_scalar(node.right, numbers)
    return False


def names_sizes(node: Node | Statement) -> bool:
    """Whether a statement reads or names sizes: a size function, or the integers of a
    zeropad, a period or a DFT size (then at other sizes it is another claim)."""
    return any(isinstance(n, Call) and (n.func in SIZE_FUNCTIONS or (
        n.func in SIZED_CALLS and len(n.args) > FUNCTIONS[n.func].signals)) for n in walk(node))


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2}
_UNARY = 3  # unary minus binds tighter than * / @, as in Python
_ATOM = 4


def unparse(node: Node | Statement) -> str:
    """Canonical text of a tree with the fewest parentheses that parse back to the same tree
    (used for display and for building mutants and repairs).

    >>> unparse(parse_statement("(a + b) - (c * (d * e)) == -(a - b) * 2"))
    'a + b - c * (d * e) == -(a - b) * 2'
    """
    if isinstance(node, Statement):
        return f"{unparse(node.left)} {node.op} {unparse(node.right)}"
    return _unparse(node)[0]


# two-argument calls that are symmetric in their arguments (conv only in full mode, zero
# boundary: its box, the sum of the two boxes, is symmetric too; a crop is not)
_SYMMETRIC_CALLS = frozenset({"conv", "hadamard", "frobenius"})


def commuted(node: Node) -> Node:
    """``node`` with the operands of its commutative operations in text order, so that two
    spellings of one function of the signals are one tree.

    >>> unparse(commuted(parse_statement("conv(g, f) + 2 * a == 0").left))
    '2 * a + conv(f, g)'
    """
    if isinstance(node, Call):
        args = tuple(commuted(a) for a in node.args)
        if node.func in _SYMMETRIC_CALLS and len(args) == 2 and not node.kwargs:
            args = tuple(sorted(args, key=unparse))
        return Call(node.func, args, node.kwargs)
    if isinstance(node, BinOp):
        left, right = commuted(node.left), commuted(node.right)
        if node.op in "+*":  # pointwise on the union of the boxes, or by a number
            left, right = sorted((left, right), key=unparse)
        return BinOp(node.op, left, right)
    if isinstance(node, Neg):
        return Neg(commuted(node.operand))
    return node


def _unparse(node: Node) -> tuple[str, int]:
    """Text and precedence of ``node``."""
    if isinstance(node, Name):
        return node.id, _ATOM
    if isinstance(node, Number):
        return _number_text(node.value), _ATOM
    if isinstance(node, Imag):
        text = _number_text(node.value)
        return (f"{text}j" if not text.startswith("(") else f"({node.value.numerator}j/"
                f"{node.value.denominator})"), _ATOM
    if isinstance(node, Str):
        return repr(node.value).replace("'", '"'), _ATOM
    if isinstance(node, Call):
        parts = [unparse(a) for a in node.args]
        parts += [f"{k}={unparse(v)}" for k, v in node.kwargs]
        return f"{node.func}({', '.join(parts)})", _ATOM
    if isinstance(node, BinOp):
        level = _PRECEDENCE[node.op]
        left, left_level = _unparse(node.left)
        right, right_level = _unparse(node.right)
        if left_level < level:
            left = f"({left})"
        if right_level <= level:  # operators are left-associative: a - (b - c) keeps them
            right = f"({right})"
        return f"{left} {node.op} {right}", level
    operand, level = _unparse(node.operand)
    return (f"-{operand}" if level >= _UNARY else f"-({operand})"), _UNARY


def _number_text(value: Fraction) -> str:
    """A literal that parses back to ``value``: an integer, a finite decimal or ``(n/d)``."""
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"({value.numerator}/{value.denominator})"
    digits = max(twos, fives)
    scaled = abs(value.numerator) * 10**digits // value.denominator
    sign = "-" if value < 0 else ""
    return f"{sign}{scaled // 10**digits}.{scaled % 10**digits:0{digits}d}"
