"""Claim statements as LaTeX, rendered from their syntax tree (never typed by hand).

The notation is the source's, one symbol per operation (the table is repeated
in ``templates/macros.tex`` for template authors):

=====================  ==================================================
statement              LaTeX (math mode)
=====================  ==================================================
``conv(F, I)``         ``F \\ast I``  (``mode``/``boundary`` as a subscript)
``corr(F, I)``         ``F \\circ I``
``a * b`` (signals)    ``a \\odot b``  (pointwise; ``hadamard(a, b)`` too)
``c * a`` (a number)   ``c\\,a``
``flip(F)``            ``\\operatorname{flip}(F)`` (``flip_k`` on one axis)
``transpose(F)``       ``F^{\\mathsf T}``
``shift(a, k)``        ``\\operatorname{shift}_{k}(a)``, ``shift_k(a)(x) = a(x - k)``
``circconv(a, b)``     ``a \\circledast b`` (``circcorr``: ``a \\circledcirc b``)
``dft(a)``             ``\\operatorname{DFT}(a)`` (``DFT^{-1}`` for ``idft``)
``conj(a)``            ``\\overline{a}``
``zeropad(a, n)``      ``\\operatorname{pad}_{n}(a)``
``periodize(a, n)``    ``\\operatorname{per}_{n}(a)``, the function on Z_n (box [0, n))
``downsample(a, s)``   ``\\operatorname{down}_{s}(a)``, ``down_s(a)(x) = a(s x)`` (a stride)
``upsample(a, s)``     ``\\operatorname{up}_{s}(a)``, zeros inserted (a dilation)
``sum(a)``             ``\\textstyle\\sum_{x} a(x)``
``frobenius(a, b)``    ``\\langle a, b \\rangle``
``trace(a)``           ``\\operatorname{tr}(a)``
``len(a)``             ``\\operatorname{len}(a)`` (entries of a 1D signal)
``numel(a)``           ``\\operatorname{numel}(a)`` (entries in all)
``size(a, k)``         ``\\operatorname{size}_{k}(a)`` (entries along axis k)
``a @ b``              ``a\\,b`` (matrix product)
``==``, ``!=``         ``=``, ``\\neq``
=====================  ==================================================

Every nested product is parenthesised, so that ``(F \\ast G) \\circ I`` and
``F \\ast (G \\circ I)`` can never be confused.

>>> from symconv.lang.dsl import parse_statement
>>> statement_latex(parse_statement("conv(F, I) == corr(flip(F), I)"))
'F \\\\ast I = \\\\operatorname{flip}(F) \\\\circ I'
>>> statement_latex(parse_statement("corr(F, corr(G, I)) == corr(conv(F, G), I)"))
'F \\\\circ (G \\\\circ I) = (F \\\\ast G) \\\\circ I'
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from fractions import Fraction

from symconv.errors import ReportError
from symconv.lang.assumptions import Assumption, comparison_sides
from symconv.lang.claims import Claim
from symconv.lang.dsl import (
    BinOp,
    Call,
    Imag,
    Name,
    Neg,
    Node,
    Number,
    Statement,
    Str,
    integer_value,
    is_scalar,
)
from symconv.lang.operations import OPERATIONS, Unsupported, dispatch_table

# Binding strength: a child weaker than its parent's slot is parenthesised.
_SUM, _NEG, _PRODUCT, _ATOM = 1, 2, 3, 4

# Functions written as infix operators between their two signal arguments.
_INFIX = {
    "conv": r"\ast",
    "corr": r"\circ",
    "circconv": r"\circledast",
    "circcorr": r"\circledcirc",
    "hadamard": r"\odot",
}
_COMPARISON = {"==": "=", "!=": r"\neq"}


def _name_latex(name: str) -> str:
    """``F`` stays ``F``; ``W0`` and ``W_0`` become ``W_{0}``, ``W1_0`` (two indices)
    ``W_{1,0}``; a long name is italic text."""
    head, underscore, tail = name.partition("_")
    base = head.rstrip("0123456789")
    if underscore and tail and base and base != head:  # one subscript holds both indices
        return f"{_name_latex(base)}_{{{head[len(base):]},{_name_latex(tail)}}}"
    if not underscore:
        head = name.rstrip("0123456789")
        tail = name[len(head):]
    if head and tail:
        return f"{_name_latex(head)}_{{{_name_latex(tail) if underscore else tail}}}"
    if len(name) == 1:
        return name
    return r"\mathit{" + name.replace("_", r"\_") + "}"


def _number_latex(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return rf"{sign}\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


class _Renderer:
    def __init__(self, names: Mapping[str, str], numbers: Collection[str] = ()) -> None:
        self.names = names
        self.numbers = numbers  # names of numbers (a claim's integers), not of signals

    def render(self, node: Node) -> tuple[str, int]:
        """LaTeX of ``node`` and its binding strength."""
        if isinstance(node, Name):
            return self.names.get(node.id, _name_latex(node.id)), _ATOM
        if isinstance(node, Number):
            return _number_latex(node.value), _ATOM if node.value >= 0 else _NEG
        if isinstance(node, Imag):
            if node.value == 1:
                return "i", _ATOM
            return f"{_number_latex(node.value)}i", _ATOM if node.value >= 0 else _NEG
        if isinstance(node, Str):
            return rf"\text{{{node.value}}}", _ATOM
        if isinstance(node, Neg):
            return f"-{self.slot(node.operand, _PRODUCT)}", _NEG
        if isinstance(node, BinOp):
            return self.binop(node)
        return self.call(node)

    def slot(self, node: Node, strength: int) -> str:
        text, own = self.render(node)
        return text if own >= strength else rf"\left({text}\right)" if "\\frac" in text \
            else f"({text})"

    def binop(self, node: BinOp) -> tuple[str, int]:
        if node.op in "+-":
            left = self.slot(node.left, _SUM)
            right = self.slot(node.right, _NEG if node.op == "+" else _PRODUCT)
            return f"{left} {node.op} {right}", _SUM
        if node.op == "/":
            top, _ = self.render(node.left)
            bottom, _ = self.render(node.right)
            return rf"\frac{{{top}}}{{{bottom}}}", _ATOM
        if node.op == "@":
            return rf"{self.slot(node.left, _ATOM)}\,{self.slot(node.right, _ATOM)}", _PRODUCT
        # ``*``: a number times anything scales; two signals multiply pointwise.
        number_left, number_right = is_scalar(node.left, self.numbers), is_scalar(node.right, self.numbers)
        if number_left and number_right and isinstance(node.right, Name):  # M N, 2 N
            return rf"{self.slot(node.left, _PRODUCT)}\,{self.slot(node.right, _ATOM)}", _PRODUCT
        if number_left and number_right:
            return rf"{self.slot(node.left, _PRODUCT)} \cdot {self.slot(node.right, _ATOM)}", _PRODUCT
        if number_left or number_right:
            factor, signal = (node.left, node.right) if number_left else (node.right, node.left)
            return rf"{self.slot(factor, _PRODUCT)}\,{self.slot(signal, _ATOM)}", _PRODUCT
        return self.infix(r"\odot", node.left, node.right), _PRODUCT

    def infix(self, symbol: str, left: Node, right: Node, sub: str = "") -> str:
        text = f"{self.slot(left, _ATOM)} {symbol} {self.slot(right, _ATOM)}"
        return f"({text})_{{{sub}}}" if sub else text

    def circular(self, symbol: str, left: Node, right: Node, size: str) -> str:
        operator = f"{symbol}_{{{size}}}" if size else symbol
        return f"{self.slot(left, _ATOM)} \\mathbin{{{operator}}} {self.slot(right, _ATOM)}"

    def call(self, node: Call) -> tuple[str, int]:
        notation = _CALLS[node.func]
        if isinstance(notation, Unsupported):
            raise ReportError(notation.reason)
        # an integer as it is; a zeropad length may be a size expression: len(a) + len(b) - 1
        size = ", ".join(str(n) if (n := integer_value(a)) is not None else self.render(a)[0]
                         for a in node.args[OPERATIONS[node.func].signals:])
        return notation(self, node, size)

    def headed(self, node: Call, head: str, sub: str = "", inverse: bool = False) -> tuple[str, int]:
        """``head_{sub}^{-1}(a)``: a named operation of one signal."""
        head += f"_{{{sub}}}" if sub else ""
        head += "^{-1}" if inverse else ""
        return rf"{head}({self.render(node.args[0])[0]})", _ATOM

    def sliding(self, node: Call) -> tuple[str, int]:
        """conv, corr, hadamard: an infix symbol, with ``mode``/``boundary`` as a subscript."""
        sub = ", ".join(v.value for _, v in node.kwargs if isinstance(v, Str))
        text = self.infix(_INFIX[node.func], node.args[0], node.args[1],
                          rf"\text{{{sub}}}" if sub else "")
        return text, _ATOM if sub else _PRODUCT

    def summed(self, node: Call) -> tuple[str, int]:
        inner, strength = self.render(node.args[0])
        body = f"{inner}(x)" if strength == _ATOM and isinstance(node.args[0], Name) \
            else rf"\bigl({inner}\bigr)(x)"
        return rf"\textstyle\sum_{{x}} {body}", _PRODUCT


# How a call of each operation is written: (renderer, call, its integers as text) -> LaTeX and
# binding strength.
_Notation = Callable[[_Renderer, Call, str], tuple[str, int]]


def _circular(r: _Renderer, node: Call, size: str) -> tuple[str, int]:
    return r.circular(_INFIX[node.func], node.args[0], node.args[1], size), _PRODUCT


def _per_axis(size: str) -> str:
    """One integer as it is, several as a tuple."""
    return size if "," not in size else f"({size})"


def _flip(r: _Renderer, node: Call, size: str) -> tuple[str, int]:
    """``flip(a)``; ``flip(a, k)`` and ``flip(a, axis=k)`` as ``flip_k(a)``."""
    axis = dict(node.kwargs).get("axis")
    return r.headed(node, r"\operatorname{flip}", size if axis is None else str(integer_value(axis)))


_CALLS: dict[str, _Notation | Unsupported] = dispatch_table("formulas", {
    "conv": lambda r, node, size: r.sliding(node),
    "corr": lambda r, node, size: r.sliding(node),
    "hadamard": lambda r, node, size: r.sliding(node),
    "circconv": _circular,
    "circcorr": _circular,
    "transpose": lambda r, node, size: (rf"{r.slot(node.args[0], _ATOM)}^{{\mathsf T}}", _ATOM),
    "conj": lambda r, node, size: (rf"\overline{{{r.render(node.args[0])[0]}}}", _ATOM),
    "frobenius": lambda r, node, size: (
        rf"\langle {r.render(node.args[0])[0]}, {r.render(node.args[1])[0]} \rangle", _ATOM),
    "sum": lambda r, node, size: r.summed(node),
    "len": lambda r, node, size: r.headed(node, r"\operatorname{len}"),
    "numel": lambda r, node, size: r.headed(node, r"\operatorname{numel}"),
    "size": lambda r, node, size: r.headed(node, r"\operatorname{size}", size),
    "flip": _flip,
    "shift": lambda r, node, size: r.headed(node, r"\operatorname{shift}", _per_axis(size)),
    "zeropad": lambda r, node, size: r.headed(node, r"\operatorname{pad}", _per_axis(size)),
    "downsample": lambda r, node, size: r.headed(node, r"\operatorname{down}", _per_axis(size)),
    "upsample": lambda r, node, size: r.headed(node, r"\operatorname{up}", _per_axis(size)),
    "periodize": lambda r, node, size: r.headed(node, r"\operatorname{per}", _per_axis(size)),
    "dft": lambda r, node, size: r.headed(node, r"\operatorname{DFT}", size),
    "idft": lambda r, node, size: r.headed(node, r"\operatorname{DFT}", size, inverse=True),
    "trace": lambda r, node, size: r.headed(node, r"\operatorname{tr}"),
})


def expr_latex(expr: Node, names: Mapping[str, str] | None = None, numbers: Collection[str] = ()) -> str:
    """LaTeX (math mode, no ``$``) of one side of a statement.

    ``names`` replaces signal names by LaTeX, e.g. ``{"g": r"\\partial L/\\partial y"}``;
    ``numbers`` names numbers (a claim's integers), not signals.
    """
    return _Renderer(names or {}, numbers).render(expr)[0]


def statement_latex(statement: Statement, names: Mapping[str, str] | None = None,
                    negate: bool = False, numbers: Collection[str] = ()) -> str:
    """LaTeX (math mode, no ``$``) of a whole statement, ``==`` as ``=``.

    ``negate`` writes the opposite comparison: how a refuted ``==`` reads
    (``F \\circ I \\neq I \\circ F``: not equal for every choice of the signals).
    """
    return " ".join(statement_parts(statement, names, negate, numbers))


def statement_parts(statement: Statement, names: Mapping[str, str] | None = None,
                    negate: bool = False, numbers: Collection[str] = ()) -> tuple[str, str, str]:
    """The LaTeX of a statement's left side, comparison (``negate``: the opposite one) and
    right side: what :func:`statement_latex` joins, for a display that breaks between them."""
    renderer = _Renderer(names or {}, numbers)
    left, right = renderer.render(statement.left)[0], renderer.render(statement.right)[0]
    op = {"==": "!=", "!=": "=="}[statement.op] if negate else statement.op
    return left, _COMPARISON[op], right


def claim_latex(claim: Claim, side: str | None = None, arg: int | None = None,
                names: Mapping[str, str] | None = None, negate: bool = False) -> str:
    """A claim's statement (``negate``: with the opposite comparison), or one ``side``
    (``"left"``/``"right"``), or argument ``arg`` (1-based) of that side's outer call."""
    statement = claim.symbolic_statement  # the claim's integers by their names
    if statement is None:
        raise ReportError(f"claim {claim.name!r} is a Python procedure; it has no formula")
    if side is None:
        if arg is not None:
            raise ReportError(f"formula({claim.name!r}, arg={arg}) needs side='left' or 'right'")
        return statement_latex(statement, names, negate, claim.integers) + where_latex(claim, names, negate)
    if side not in ("left", "right"):
        raise ReportError(f"formula({claim.name!r}, side={side!r}): expected 'left' or 'right'")
    node = statement.left if side == "left" else statement.right
    if arg is not None:
        if not isinstance(node, Call) or not 1 <= arg <= len(node.args):
            raise ReportError(f"formula({claim.name!r}, side={side!r}, arg={arg}): that side "
                              "has no such argument")
        node = node.args[arg - 1]
    return expr_latex(node, names, claim.integers)


def where_latex(claim: Claim, names: Mapping[str, str] | None = None, negate: bool = False) -> str:
    r"""The claim's assumptions after its statement, ``\quad\text{for } N \geq ...`` ("" if none);
    ``negate``: "for some", since a refuted claim fails somewhere they hold, not everywhere."""
    where = r",\ ".join(assumption_latex(a, names) for a in claim.assumptions)
    return rf"\quad\text{{{'for some ' if negate else 'for '}}} {where}" if where else ""


COMPARISON_LATEX = {">=": r"\geq", ">": ">", "<=": r"\leq", "<": "<", "==": "="}


def assumption_latex(assumption: Assumption | str, names: Mapping[str, str] | None = None) -> str:
    r"""A claim's assumption (or its text): ``N \geq \operatorname{len}(a) + \operatorname{len}(b) - 1``."""
    left, op, right = comparison_sides(assumption) if isinstance(assumption, str) else (
        assumption.left, assumption.op, assumption.right)
    if left is None or right is None:
        raise ReportError(f"assumption {assumption!r} was not parsed")
    return f"{expr_latex(left, names)} {COMPARISON_LATEX[op]} {expr_latex(right, names)}"


def applied_latex(expr: Node, variable: str, numbers: Collection[str] = ()) -> str:
    """A signal expression evaluated at ``variable``: ``F(x)``, ``(F \\ast I)(x)``."""
    text, strength = _Renderer({}, numbers).render(expr)
    return f"{text}({variable})" if strength == _ATOM else f"({text})({variable})"
