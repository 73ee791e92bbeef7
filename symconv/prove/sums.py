"""The symbolic-sum term language of the general tier.

A value of a statement side at a point ``x`` of Z^d is written as sums over
Z^d of products of signal values at affine index expressions, with the sizes
and the dimension d left symbolic::

    Σ_{i∈Z^d} F(i)·I(x − i)

Index expressions (:class:`Index`) are integer combinations of vector
variables plus a constant vector; terms (:class:`Atom`, :class:`Const`,
:class:`Prod`, :class:`Add`, :class:`Scale`, :class:`Sigma`, and :class:`Phase`
for powers of ω = exp(−2πi/n) in sums over Z_n^d) are nested as the
definitions unfold; :class:`LinearForm` is the flat normal form
``Σ_m c_m Σ_{vars_m} Π atoms_m`` that the rules of :mod:`symconv.prove.rules`
rewrite.  Every expression renders as plain text (``text()``) and LaTeX
(``latex()``); ``evaluate_at`` in tests/term_values.py computes it exactly on
concrete signals, which is how the tests re-check a derivation at small sizes.

>>> term = Sigma(("i",), Prod((Atom("F", Index.var("i")),
...                            Atom("I", Index.var("x") - Index.var("i")))))
>>> term.text()
'Σ_{i∈Z^d} F(i)·I(x − i)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TypeAlias

from symconv.core.show import latex_escape
from symconv.errors import SymconvError

FREE_VARIABLE = "x"
Point = tuple[int, ...]


class EvaluationError(SymconvError):
    """A term cannot be evaluated on the given concrete signals."""


def _sorted_coeffs(coeffs: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((v, c) for v, c in coeffs.items() if c != 0))


def _display_order(name: str) -> tuple[int, str]:
    # The free variable first, as a textbook writes x − i rather than −i + x.
    return (0 if name == FREE_VARIABLE else 1, name)


@dataclass(frozen=True)
class Index:
    """An affine index ``Σ c_v·v + const`` over vector variables (const () is 0)."""

    coeffs: tuple[tuple[str, int], ...] = ()
    const: tuple[int, ...] = ()

    @staticmethod
    def var(name: str, coeff: int = 1) -> Index:
        return Index(((name, coeff),))

    @staticmethod
    def constant(vector: tuple[int, ...]) -> Index:
        return Index((), vector if any(vector) else ())

    def coeff(self, name: str) -> int:
        return dict(self.coeffs).get(name, 0)

    def variables(self) -> set[str]:
        return {v for v, _ in self.coeffs}

    def __add__(self, other: Index) -> Index:
        coeffs = dict(self.coeffs)
        for v, c in other.coeffs:
            coeffs[v] = coeffs.get(v, 0) + c
        return Index(_sorted_coeffs(coeffs), _add_vectors(self.const, other.const))

    def __neg__(self) -> Index:
        return self.scaled(-1)

    def __sub__(self, other: Index) -> Index:
        return self + (-other)

    def scaled(self, factor: int) -> Index:
        return Index(_sorted_coeffs({v: c * factor for v, c in self.coeffs}),
                     tuple(factor * k for k in self.const) if factor else ())

    def substitute(self, name: str, value: Index) -> Index:
        """This index with variable ``name`` replaced by ``value``."""
        c = self.coeff(name)
        if c == 0:
            return self
        rest = Index(tuple((v, k) for v, k in self.coeffs if v != name), self.const)
        return rest + value.scaled(c)

    def rename(self, mapping: Mapping[str, str]) -> Index:
        coeffs: dict[str, int] = {}
        for v, c in self.coeffs:
            new = mapping.get(v, v)
            coeffs[new] = coeffs.get(new, 0) + c
        return Index(_sorted_coeffs(coeffs), self.const)

    def at(self, values: Mapping[str, Point], ndim: int) -> Point:
        """The concrete point for concrete values of the variables."""
        point = list(self.const) if self.const else [0] * ndim
        if len(point) != ndim:
            raise EvaluationError(f"constant {self.const} has {len(self.const)} axes; expected {ndim}")
        for v, c in self.coeffs:
            if v not in values:
                raise EvaluationError(f"variable {v} has no value")
            point = [p + c * q for p, q in zip(point, values[v], strict=True)]
        return tuple(point)

    def text(self) -> str:
        return self._render("−", lambda vec: str(vec))

    def latex(self) -> str:
        return self._render("-", lambda vec: "(" + ", ".join(map(str, vec)) + ")")

    def _render(self, minus: str, vector: Callable[[tuple[int, ...]], str]) -> str:
        parts = [(c, v) for v, c in sorted(self.coeffs, key=lambda vc: _display_order(vc[0]))]
        if len(self.const) == 1:
            parts.append((self.const[0], "1"))
        elif self.const:
            parts.append((1, vector(self.const)))
        out = ""
        for k, (c, name) in enumerate(parts):
            sign = (f" {minus} " if k else minus) if c < 0 else (" + " if k else "")
            body = str(abs(c)) if name == "1" else name if abs(c) == 1 else f"{abs(c)}{name}"
            out += sign + body
        return out or "0"


def _add_vectors(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    if not a:
        return b
    if not b:
        return a
    if len(a) != len(b):
        raise SymconvError(f"constant vectors {a} and {b} have different numbers of axes")
    total = tuple(p + q for p, q in zip(a, b, strict=True))
    return total if any(total) else ()


@dataclass(frozen=True)
class Atom:
    """The value of signal ``signal`` at ``index``; with ``axes`` (a signed permutation, axes
    numbered from 1) at σ(index), σ(p)_a = ±p_|axes[a]|: ``F∘(−1, 2)(x)`` is F(−x_1, x_2)
    (a one-axis flip), ``F∘(2, 1)(x)`` is F(x_2, x_1) (a transpose)."""

    signal: str
    index: Index
    axes: tuple[int, ...] = ()

    def text(self) -> str:
        return f"{self.signal}{_axes_text(self.axes, '−')}({self.index.text()})"

    def latex(self) -> str:
        # the conjugate of f is named f*; a box indicator 𝟙[lo..hi × ...]; an extension S⟨b⟩
        if self.signal.startswith("𝟙["):
            return rf"\bigl[{self.index.latex()} \in {_box_latex(self.signal[2:-1])}\bigr]"
        conjugated = self.signal.endswith("*")
        name = self.signal[:-1] if conjugated else self.signal
        if "⟨" in name:
            base, boundary = name[:-1].rsplit("⟨", 1)
            if base.startswith("[") and base.endswith("]"):  # [X]⟨b⟩: X as a formula
                base = rf"\left[{_expression_latex(base[1:-1])}\right]"
            name = rf"{base}^{{\mathrm{{{boundary}}}}}"
        name = rf"\overline{{{name}}}" if conjugated else name
        return rf"{name}{_axes_text(self.axes, '-', True)}({self.index.latex()})"

    def apply(self, point: Point) -> Point:
        """σ(point): the coordinate of the signal's entry for an index value."""
        if not self.axes:
            return point
        return tuple(point[abs(t) - 1] * (1 if t > 0 else -1) for t in self.axes)

    def preimage(self, coord: Point) -> Point:
        """The index value whose σ is the signal coordinate ``coord``."""
        if not self.axes:
            return coord
        point = [0] * len(coord)
        for a, t in enumerate(self.axes):
            point[abs(t) - 1] = coord[a] * (1 if t > 0 else -1)
        return tuple(point)


def _expression_latex(text: str) -> str:
    """A statement expression (the text of an opaque extension atom) as LaTeX: its text,
    upright (the formulas of the language are rendered above this module)."""
    return rf"\text{{{latex_escape(text)}}}"


def _box_latex(box: str) -> str:
    """A box name ``lo..hi × ...`` (rules.indicator_name) as integer intervals: the size and
    origin symbols ``n_W1``, ``o_x2`` become n_{W,1}, o_{x,2}."""
    def symbol(match: re.Match[str]) -> str:
        return f"{match.group(1)}_{{{match.group(2)},{match.group(3)}}}"

    def end(text: str) -> str:  # the positive terms first: o_{x,1} - o_{W,1}, not the reverse
        terms = re.findall(r"([+−-]?)\s*([^\s+−-]+)", text)
        terms.sort(key=lambda t: t[0] in "−-" and t[0] != "")
        out = ""
        for k, (sign, term) in enumerate(terms):
            negative = sign in ("−", "-")
            out += ("-" if negative else "") if k == 0 else (" - " if negative else " + ")
            # (a multiple such as 3o_W1, from a dilated kernel's box, is a symbol too)
            out += re.sub(r"(?<![A-Za-z_])([no])_([A-Za-z][A-Za-z0-9]*?)(\d+)\b", symbol, term)
        return out

    return r" \times ".join(rf"[{end(lo)} \,..\, {end(hi)}]"
                             for lo, hi in (axis.split("..") for axis in box.split(" × ")))


def _axes_text(axes: tuple[int, ...], minus: str, latex: bool = False) -> str:
    if not axes:
        return ""
    shown = ", ".join(f"{minus}{-t}" if t < 0 else str(t) for t in axes)
    return rf"\circ({shown})" if latex else f"∘({shown})"


@dataclass(frozen=True)
class Const:
    value: Fraction

    def text(self) -> str:
        return str(self.value)

    def latex(self) -> str:
        return _latex_fraction(self.value)


@dataclass(frozen=True)
class Prod:
    factors: tuple[Term, ...]

    def text(self) -> str:
        if not self.factors:
            return "1"
        last = len(self.factors) - 1
        # A sum that is not the last factor is bracketed: (Σ_j a(j)·b(i − j))·c(x − i).
        return "·".join(f"({f.text()})" if isinstance(f, Sigma) and k < last else _wrap_text(f)
                        for k, f in enumerate(self.factors))

    def latex(self) -> str:
        if not self.factors:
            return "1"
        last = len(self.factors) - 1
        return r"\, ".join(rf"\left({f.latex()}\right)" if isinstance(f, Sigma) and k < last
                           else _wrap_latex(f) for k, f in enumerate(self.factors))


@dataclass(frozen=True)
class Add:
    terms: tuple[Term, ...]

    def text(self) -> str:
        return _add_join(self.terms, latex=False)

    def latex(self) -> str:
        return _add_join(self.terms, latex=True)


def _add_join(terms: tuple[Term, ...], latex: bool) -> str:
    if not terms:
        return "0"
    out = ""
    for k, t in enumerate(terms):
        negative = isinstance(t, Scale) and t.coef < 0
        shown = Scale(-t.coef, t.term) if isinstance(t, Scale) and negative else t
        body = shown.latex() if latex else shown.text()
        if k == 0:
            out = ("-" if latex else "−") + body if negative else body
        else:
            out += (" - " if latex else " − ") + body if negative else " + " + body
    return out


@dataclass(frozen=True)
class Scale:
    coef: Fraction
    term: Term

    def _merged(self) -> tuple[Fraction, Term]:
        # c·(d·t) is shown as (c·d)·t
        coef, term = self.coef, self.term
        while isinstance(term, Scale):
            coef, term = coef * term.coef, term.term
        return coef, term

    def text(self) -> str:
        coef, term = self._merged()
        return f"{_coef_text(coef)}{_wrap_text(term)}"

    def latex(self) -> str:
        coef, term = self._merged()
        return f"{_coef_latex(coef)}{_wrap_latex(term)}"


@dataclass(frozen=True)
class Sigma:
    """``Σ_{vars ∈ Z^d} body``: a sum over Z^d for each variable, finite by support.

    With ``torus`` the sum runs over Z_n^d instead (circular operations), and
    every signal in it is read periodized, modulo n.
    """

    variables: tuple[str, ...]
    body: Term
    torus: bool = False

    def text(self) -> str:
        group = "Z_n^d" if self.torus else "Z^d"
        return f"Σ_{{{','.join(self.variables)}∈{group}}} {_wrap_text(self.body)}"

    def latex(self) -> str:
        bound = ", ".join(self.variables)
        group = r"\mathbb{Z}_n^d" if self.torus else r"\mathbb{Z}^d"
        return rf"\sum_{{{bound} \in {group}}} {_wrap_latex(self.body)}"


def _collect_product(a: Index, b: Index, quadratic: dict[tuple[str, str], int],
                     linear: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """Add the quadratic and linear parts of a·b to ``quadratic`` and ``linear``; its
    constant part."""
    for u, cu in a.coeffs:
        for v, cv in b.coeffs:
            key = (min(u, v), max(u, v))
            quadratic[key] = quadratic.get(key, 0) + cu * cv
    for coeffs, const in ((a.coeffs, b.const), (b.coeffs, a.const)):
        for u, cu in coeffs:
            if const:
                linear[u] = _add_vectors(linear.get(u, ()), tuple(cu * k for k in const))
    return tuple(p * q for p, q in zip(a.const, b.const, strict=True)) if a.const and b.const else ()


@dataclass(frozen=True)
class Phase:
    """``ω^e`` with ω = exp(−2πi/n) and ``e`` a bilinear form in the vector variables.

    ``quadratic`` holds ((u, v), c) for c·(u·v) with u <= v, ``linear`` holds
    (u, w) for u·w with w a constant vector, ``constant`` the per-axis products
    of two constant vectors.  On Z_n^d only e mod n matters (ω^n = 1).
    """

    quadratic: tuple[tuple[tuple[str, str], int], ...] = ()
    linear: tuple[tuple[str, tuple[int, ...]], ...] = ()
    constant: tuple[int, ...] = ()

    @staticmethod
    def product(a: Index, b: Index) -> Phase:
        """ω^(a·b) for two index expressions."""
        quadratic: dict[tuple[str, str], int] = {}
        linear: dict[str, tuple[int, ...]] = {}
        constant = _collect_product(a, b, quadratic, linear)
        return Phase._normal(quadratic, linear, constant)

    @staticmethod
    def _normal(quadratic: Mapping[tuple[str, str], int], linear: Mapping[str, tuple[int, ...]],
                constant: tuple[int, ...]) -> Phase:
        return Phase(tuple(sorted((k, c) for k, c in quadratic.items() if c)),
                     tuple(sorted((u, w) for u, w in linear.items() if any(w))),
                     constant if any(constant) else ())

    def __mul__(self, other: Phase) -> Phase:
        """ω^a·ω^b = ω^(a+b)."""
        quadratic = dict(self.quadratic)
        for k, c in other.quadratic:
            quadratic[k] = quadratic.get(k, 0) + c
        linear = dict(self.linear)
        for u, w in other.linear:
            linear[u] = _add_vectors(linear.get(u, ()), w)
        return Phase._normal(quadratic, linear, _add_vectors(self.constant, other.constant))

    def variables(self) -> set[str]:
        return {v for (u, w), _ in self.quadratic for v in (u, w)} | {u for u, _ in self.linear}

    def substitute(self, name: str, value: Index) -> Phase:
        """This phase with variable ``name`` replaced by ``value``."""
        def index(v: str) -> Index:
            return value if v == name else Index.var(v)

        # the products c·(u'·v') and u'·w collected at once, as in rename
        quadratic: dict[tuple[str, str], int] = {}
        linear: dict[str, tuple[int, ...]] = {}
        constant = self.constant
        for (u, v), c in self.quadratic:
            constant = _add_vectors(
                constant, _collect_product(index(u).scaled(c), index(v), quadratic, linear))
        for u, w in self.linear:
            constant = _add_vectors(
                constant, _collect_product(index(u), Index.constant(w), quadratic, linear))
        return Phase._normal(quadratic, linear, constant)

    def rename(self, mapping: Mapping[str, str]) -> Phase:
        if not self.quadratic and not self.linear:
            return self
        # the products c·(u'·v') and u'·w collected at once (names that meet add up)
        quadratic: dict[tuple[str, str], int] = {}
        for (u, v), c in self.quadratic:
            u, v = mapping.get(u, u), mapping.get(v, v)
            key = (min(u, v), max(u, v))
            quadratic[key] = quadratic.get(key, 0) + c
        linear: dict[str, tuple[int, ...]] = {}
        for u, w in self.linear:
            u = mapping.get(u, u)
            linear[u] = _add_vectors(linear.get(u, ()), w)
        return Phase._normal(quadratic, linear, self.constant)

    def exponent(self, values: Mapping[str, Point], weights: tuple[int, ...]) -> int:
        """The exponent of ζ_L^(−1) for concrete values, axis a weighted by L / n_a."""
        def dot(p: Point, q: Point) -> int:
            return sum(x * y * w for x, y, w in zip(p, q, weights, strict=True))

        total = dot(self.constant, (1,) * len(weights)) if self.constant else 0
        for (u, v), c in self.quadratic:
            total += c * dot(values[u], values[v])
        for u, w in self.linear:
            total += dot(values[u], w)
        return total

    def _parts(self, times: str) -> list[tuple[int, str]]:
        parts = [(c, times.join(sorted((u, v), key=_display_order))) for (u, v), c in self.quadratic]
        parts += [(1, f"{u}{times}{w}") for u, w in self.linear]
        if self.constant:
            parts.append((1, str(self.constant)))
        return parts

    def text(self) -> str:
        return f"ω^({_signed(self._parts('·'), '−')})"

    def latex(self) -> str:
        exponent = _signed(self._parts(r" \cdot "), "-")
        return rf"\omega^{{{exponent}}}"


def _exponent(e: int) -> str:
    """``2`` as it is, ``(-1)`` in parentheses: N^2, N^(-1)."""
    return str(e) if e > 0 else f"({e})"


@dataclass(frozen=True)
class Numel:
    """``N^power`` with N = n_1⋯n_d, the number of points of Z_n^d (a size function's value);
    with ``axes`` (one exponent per axis from 0, size(a, k) = n_(k+1)) Π_k n_(k+1)^axes[k]."""

    power: int
    axes: tuple[int, ...] = ()

    def text(self) -> str:
        if self.axes:
            return "·".join(f"n_{k}" if e == 1 else f"n_{k}^{_exponent(e)}"
                            for k, e in enumerate(self.axes, 1) if e)
        return "N" if self.power == 1 else f"N^{_exponent(self.power)}"

    def latex(self) -> str:
        if self.axes:
            return r"\, ".join(f"n_{{{k}}}" if e == 1 else f"n_{{{k}}}^{{{e}}}"
                               for k, e in enumerate(self.axes, 1) if e)
        return "N" if self.power == 1 else f"N^{{{self.power}}}"


@dataclass(frozen=True)
class Delta:
    """``[L ≡ 0 mod n]``: 1 where the index ``L`` is 0 in Z_n^d, else 0 (character
    orthogonality: Σ_{k∈Z_n^d} ω^(k·L) = N·[L ≡ 0])."""

    index: Index

    def text(self) -> str:
        return f"[{self.index.text()} ≡ 0]"

    def latex(self) -> str:
        return rf"[{self.index.latex()} \equiv 0]"


def _signed(parts: list[tuple[int, str]], minus: str) -> str:
    out = ""
    for k, (c, body) in enumerate(parts):
        sign = (f" {minus} " if k else minus) if c < 0 else (" + " if k else "")
        out += sign + (body if abs(c) == 1 else f"{abs(c)}{body}")
    return out or "0"


@dataclass(frozen=True)
class Kronecker:
    """``[L = 0]`` on Z^d: 1 where the index ``L`` is the zero vector, else 0 (a signal with
    concrete entries is the finite sum Σ_c v_c·[p − c = 0] of its non-zero entries)."""

    index: Index

    def text(self) -> str:
        return f"[{self.index.text()} = 0]"

    def latex(self) -> str:
        return rf"[{self.index.latex()} = 0]"


Term: TypeAlias = Atom | Const | Prod | Add | Scale | Sigma | Phase | Numel | Delta | Kronecker


def _wrap_text(term: Term) -> str:
    return f"({term.text()})" if isinstance(term, Add | Scale) else term.text()


def _wrap_latex(term: Term) -> str:
    return rf"\left({term.latex()}\right)" if isinstance(term, Add | Scale) else term.latex()


def _coef_text(coef: Fraction) -> str:
    if abs(coef) == 1:
        return "" if coef == 1 else "−"
    return f"{coef}·" if coef.denominator == 1 else f"({coef})·"


def _coef_latex(coef: Fraction) -> str:
    if coef == 1:
        return ""
    if coef == -1:
        return "-"
    return _latex_fraction(coef) + r"\, "


def _latex_fraction(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return rf"{sign}\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


@dataclass(frozen=True)
class Monomial:
    """``coef · Σ_{variables} Π atoms`` (no variables: a plain product)."""

    coef: Fraction
    variables: tuple[str, ...]
    atoms: tuple[Atom, ...]
    torus: bool = False
    phase: Phase = Phase()
    npow: int = 0  # a factor N^npow, N = n_1⋯n_d
    deltas: tuple[Index, ...] = ()  # factors [L ≡ 0 mod n]
    points: tuple[Index, ...] = ()  # factors [L = 0] on Z^d (entries of concrete signals)
    # and Π_k n_(k+1)^axis_powers[k] (size(a, k)); kept with min 0 (N factored out, see rules.order)
    axis_powers: tuple[int, ...] = ()

    def as_term(self) -> Term:
        """The same monomial in the nested term language."""
        if self.npow or any(self.axis_powers):
            rest = replace(self, coef=Fraction(1), npow=0, axis_powers=()).as_term()
            size = Numel(self.npow) if not any(self.axis_powers) else \
                Numel(0, self.axis_powers) if not self.npow else \
                Prod((Numel(self.npow), Numel(0, self.axis_powers)))
            term: Term = size if rest == Prod(()) else Prod((size, rest))
            return term if self.coef == 1 else Scale(self.coef, term)
        factors: tuple[Term, ...] = self.atoms + ((self.phase,) if self.phase != Phase() else ())
        factors += tuple(Delta(d) for d in self.deltas)
        factors += tuple(Kronecker(p) for p in self.points)
        body: Term = Prod(factors) if len(factors) != 1 else factors[0]
        summed: Term = Sigma(self.variables, body, self.torus) if self.variables else body
        return summed if self.coef == 1 else Scale(self.coef, summed)


@dataclass(frozen=True)
class LinearForm:
    """The flat normal form: a sum of :class:`Monomial` (empty: zero)."""

    monomials: tuple[Monomial, ...]

    def as_term(self) -> Term:
        """The same sum in the nested term language (one term: that term)."""
        if len(self.monomials) == 1:
            return self.monomials[0].as_term()
        return Add(tuple(m.as_term() for m in self.monomials))

    def text(self) -> str:
        return _signed_join([(m.coef, m) for m in self.monomials], latex=False)

    def latex(self) -> str:
        return _signed_join([(m.coef, m) for m in self.monomials], latex=True)


def _signed_join(items: list[tuple[Fraction, Monomial]], latex: bool) -> str:
    if not items:
        return "0"
    out = ""
    for k, (coef, mono) in enumerate(items):
        positive = replace(mono, coef=abs(coef)).as_term()
        body = positive.latex() if latex else positive.text()
        minus = "-" if latex else "−"
        sign = (f" {minus} " if k else minus) if coef < 0 else (" + " if k else "")
        out += sign + body
    return out


Expression: TypeAlias = Term | LinearForm


def same_expression(a: Expression, b: Expression) -> bool:
    """Whether two expressions are the same term (a flat form or its nested spelling)."""
    return (a.as_term() if isinstance(a, LinearForm) else a) == \
        (b.as_term() if isinstance(b, LinearForm) else b)




# --- exact evaluation on concrete signals ------------------------------------


def inverse_matrix(matrix: list[list[Fraction]]) -> list[list[Fraction]] | None:
    """The inverse of a square matrix by Gauss-Jordan elimination, None if singular."""
    n = len(matrix)
    rows = [row[:] + [Fraction(int(r == c)) for c in range(n)] for r, row in enumerate(matrix)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col][col]
        rows[col] = [v / head for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [row[n:] for row in rows]
