"""Free integer sizes and the assumptions a claim states on its sizes.

A claim may name integers of its own (``integers = { N = 9 }``) and use them wherever a
number is, for example as a zeropad length, and state linear assumptions on them and on the
signals' sizes (``assume = ["N >= len(a) + len(b) - 1"]``).  The claim then says: for all
sizes where every assumption holds.  Every tier but the general one reads the statement with
the declared values in place of the names (:func:`substitute_integers`); the general tier
reads the names as sizes n ≥ 1, and its verdict states the assumptions.

An assumption is kept as an integer affine form h with h ≥ 0, in the size symbols of the
general tier's certificates: ``n:a.0`` (size of axis 0 of signal a), ``n:N.0`` (integer N),
``"1"`` the constant.

>>> from symconv.lang.dsl import parse_statement
>>> parse_assumption("N >= len(a) + len(b) - 1", {"a": 1, "b": 1}, {"N": 9}).form
{'n:N.0': 1, 'n:a.0': -1, 'n:b.0': -1, '1': 1}
>>> substitute_integers(parse_statement("zeropad(a, N + 1) == a"), {"N": 4}).text
'zeropad(a, 5) == a'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from symconv.errors import ClaimFileError, InputLimitError
from symconv.lang.dsl import (
    BinOp,
    Call,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    integer_value,
    parse_statement,
    unparse,
)

_COMPARISON = re.compile(r"^([^<>=!]+)(>=|<=|==|>|<)([^<>=!]+)$")
_COLUMN = re.compile(r"^column \d+: ")
MAX_ASSUMPTIONS = 16
MAX_INTEGERS = 3  # the general tier searches their values jointly


@dataclass(frozen=True)
class Assumption:
    """``text``, as the claim writes it, and its forms h ≥ 0 (two for an equality)."""

    text: str
    forms: tuple[dict[str, int], ...]
    # the comparison as parsed: left side, operator, right side (for renderers)
    left: Node | None = field(default=None, compare=False, repr=False)
    op: str = field(default=">=", compare=False, repr=False)
    right: Node | None = field(default=None, compare=False, repr=False)

    @property
    def form(self) -> dict[str, int]:
        return self.forms[0]

    def holds(self, sizes: Mapping[str, int]) -> bool:
        """Whether h ≥ 0 for every form, ``sizes`` giving each symbol's value."""
        return all(sum(c * (1 if v == "1" else sizes[v]) for v, c in form.items()) >= 0
                   for form in self.forms)


def size_symbols(shapes: Mapping[str, tuple[int, ...]], integers: Mapping[str, int]) -> dict[str, int]:
    """The value of every size symbol at these shapes and integers."""
    values = {f"n:{name}.{axis}": n for name, shape in shapes.items() for axis, n in enumerate(shape)}
    return values | {f"n:{name}.0": value for name, value in integers.items()}


def _form(node: Node, ndims: Mapping[str, int], integers: Mapping[str, int]) -> dict[str, int]:
    value = integer_value(node)
    if value is not None:
        return {"1": value} if value else {}
    if isinstance(node, Name):
        if node.id not in integers:
            raise ClaimFileError(f"{node.id!r} is not an integer of the claim (declared: "
                                 f"{', '.join(integers) or 'none'}); a signal's size is len({node.id})")
        return {f"n:{node.id}.0": 1}
    if isinstance(node, Call) and node.func in ("len", "size") and isinstance(node.args[0], Name):
        name = node.args[0].id
        axis = integer_value(node.args[1]) if node.func == "size" else 0
        if name not in ndims:
            raise ClaimFileError(f"{unparse(node)} names {name!r}, which is not a declared signal")
        if axis is None or not 0 <= axis < ndims[name] or (node.func == "len" and ndims[name] != 1):
            raise ClaimFileError(f"{unparse(node)}: no such axis of {name}")
        return {f"n:{name}.{axis}": 1}
    if isinstance(node, Neg):
        return {v: -c for v, c in _form(node.operand, ndims, integers).items()}
    if isinstance(node, BinOp) and node.op in "+-*":
        left, right = _form(node.left, ndims, integers), _form(node.right, ndims, integers)
        if node.op == "*":
            factor, other = (left, right) if set(left) <= {"1"} else (right, left)
            if not set(factor) <= {"1"}:
                raise ClaimFileError(f"{unparse(node)} is not linear in the sizes")
            return {v: c * factor.get("1", 0) for v, c in other.items() if c * factor.get("1", 0)}
        total = dict(left)
        for v, c in right.items():
            total[v] = total.get(v, 0) + (c if node.op == "+" else -c)
        return {v: c for v, c in total.items() if c}
    raise ClaimFileError(f"{unparse(node)} is not an integer, len(a), size(a, k) or an integer "
                         "of the claim, nor a sum of such times integers")


def comparison_sides(text: object) -> tuple[Node, str, Node]:
    """``lhs op rhs`` parsed (op one of >= <= > < ==), or ClaimFileError naming the problem."""
    if not isinstance(text, str):
        raise ClaimFileError(f"assumption {text!r} is not a string like \"N >= len(a)\"")
    match = _COMPARISON.match(text.strip())
    if match is None:
        raise ClaimFileError(f"assumption {text!r} is not one comparison like "
                             "\"N >= len(a) + len(b) - 1\" (>=, <=, >, < or ==)")
    left_text, op, right_text = match.groups()
    try:
        parsed = parse_statement(f"{left_text} == {right_text}")
    except ClaimFileError as exc:  # its column is one of "lhs == rhs", not of the assumption
        raise ClaimFileError(f"assumption {text!r}: {_COLUMN.sub('', str(exc))}") from None
    return parsed.left, op, parsed.right


def parse_assumption(text: object, ndims: Mapping[str, int], integers: Mapping[str, int]) -> Assumption:
    """One assumption ``lhs op rhs`` (op one of >= <= > < ==), linear in the sizes."""
    left_node, op, right_node = comparison_sides(text)
    assert isinstance(text, str)  # comparison_sides refuses anything else
    try:
        left, right = (_form(side, ndims, integers) for side in (left_node, right_node))
    except ClaimFileError as exc:
        raise ClaimFileError(f"assumption {text!r}: {exc}") from None
    difference = dict(left)  # left − right
    for v, c in right.items():
        difference[v] = difference.get(v, 0) - c
    difference = {v: c for v, c in difference.items() if c}
    negated = {v: -c for v, c in difference.items()}
    strict = {">": (difference, -1), "<": (negated, -1), ">=": (difference, 0), "<=": (negated, 0)}
    if op == "==":
        return Assumption(text.strip(), (difference, negated), left_node, op, right_node)
    form, shift = strict[op]
    form = dict(form)
    form["1"] = form.get("1", 0) + shift
    return Assumption(text.strip(), ({v: c for v, c in form.items() if c},), left_node, op,
                      right_node)


def parse_integers(table: object) -> dict[str, int]:
    """The ``integers`` table: a name per free integer size and its declared value ≥ 1."""
    if not isinstance(table, dict):
        raise ClaimFileError("integers must be a table like { N = 9 }")
    if len(table) > MAX_INTEGERS:
        raise InputLimitError(f"{len(table)} integers; the limit is {MAX_INTEGERS}")
    out = {}
    for name, value in table.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            raise ClaimFileError(f"integer name {name!r} is not a name (ASCII letters, digits and _)")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**6:
            raise ClaimFileError(f"integers.{name} = {value!r}; expected an integer from 1 to 1000000")
        out[str(name)] = value
    return out


def substitute_integers(statement: Statement, values: Mapping[str, int]) -> Statement:
    """The statement with each integer's value in place of its name, and integer sums and
    products folded (``N + 1`` with N = 4 is ``5``), so it reads as a claim at those sizes."""
    if not values:
        return statement

    def walk(node: Node) -> Node:
        if isinstance(node, Name) and node.id in values:
            return Number(Fraction(values[node.id]), col=node.col)
        if isinstance(node, Neg):
            return Neg(walk(node.operand), col=node.col)
        if isinstance(node, BinOp):
            left, right = walk(node.left), walk(node.right)
            a, b = integer_value(left), integer_value(right)
            if a is not None and b is not None and node.op in "+-*":
                folded = a + b if node.op == "+" else a - b if node.op == "-" else a * b
                return Number(Fraction(folded), col=node.col) if folded >= 0 else \
                    Neg(Number(Fraction(-folded), col=node.col), col=node.col)
            return BinOp(node.op, left, right, col=node.col)
        if isinstance(node, Call):
            return Call(node.func, tuple(walk(a) for a in node.args),
                        tuple((k, walk(v)) for k, v in node.kwargs), col=node.col)
        return node

    left, right = walk(statement.left), walk(statement.right)
    done = Statement(left, statement.op, right, text="", col=statement.col)
    return Statement(left, statement.op, right, text=unparse(done), col=statement.col)
