"""Tests of symconv.prove.sums: the typeset forms of its terms, a renamed phase."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symconv.prove.sums import Atom, Index, Phase, _box_latex


def test_a_box_is_typeset_as_integer_intervals_with_indexed_symbols() -> None:
    assert _box_latex("−o_W1 + o_x1..−n_W1 + n_x1 − o_W1 + o_x1 × 0..5") == (
        r"[o_{x,1} - o_{W,1} \,..\, n_{x,1} + o_{x,1} - n_{W,1} - o_{W,1}] \times [0 \,..\, 5]")
    assert _box_latex("−3..n_W1 − 2") == r"[-3 \,..\, n_{W,1} - 2]"
    # a dilated kernel's box has multiples of the symbols
    assert _box_latex("o_x1 − 3o_W1..n_x1 − 3n_W1") == \
        r"[o_{x,1} - 3o_{W,1} \,..\, n_{x,1} - 3n_{W,1}]"


def test_an_indicator_atom_is_an_iverson_bracket() -> None:
    atom = Atom("𝟙[0..n_I1 − 1]", Index.var("x"))
    assert atom.latex() == r"\bigl[x \in [0 \,..\, n_{I,1} - 1]\bigr]"


@pytest.mark.parametrize(("signal", "latex"), [
    ("f⟨reflect⟩", r"f^{\mathrm{reflect}}(x)"),
    ("f⟨reflect⟩*", r"\overline{f^{\mathrm{reflect}}}(x)"),  # once f⟨reflect⟩ with a stray ⟩
    ("[corr(a, b)]⟨wrap⟩", r"\left[\text{corr(a, b)}\right]^{\mathrm{wrap}}(x)"),
    ("[corr(a_1, b)]⟨wrap⟩*", r"\overline{\left[\text{corr(a\_1, b)}\right]^{\mathrm{wrap}}}(x)"),
])
def test_extension_atoms_in_latex(signal: str, latex: str) -> None:
    """S⟨b⟩ and the extension [X]⟨b⟩ of an expression, conjugated or not: no ⟨ or ⟩ reaches
    LaTeX, and X's text is escaped."""
    assert Atom(signal, Index.var("x")).latex() == latex


_NAMES = st.sampled_from(["x", "i", "j", "k"])
_VECTORS = st.lists(st.integers(-3, 3), min_size=2, max_size=2).map(tuple)


@st.composite
def _phases(draw: st.DrawFn) -> Phase:
    phase = Phase((), (), draw(_VECTORS))
    for _ in range(draw(st.integers(0, 4))):
        left = Index.var(draw(_NAMES), draw(st.integers(-3, 3)))
        right = Index.var(draw(_NAMES)) if draw(st.booleans()) else Index.constant(draw(_VECTORS))
        phase = phase * Phase.product(left, right)
    return phase


@given(_phases(), st.dictionaries(_NAMES, _NAMES))
def test_a_renamed_phase_is_the_product_of_its_renamed_parts(phase: Phase,
                                                             mapping: dict[str, str]) -> None:
    # the definition: ω^(Σ c·u·v + Σ u·w) with each variable renamed, one factor at a time
    # (a mapping that is not injective merges terms, which may cancel)
    expected = Phase((), (), phase.constant)
    for (u, v), c in phase.quadratic:
        expected = expected * Phase.product(Index.var(mapping.get(u, u), c),
                                            Index.var(mapping.get(v, v)))
    for u, w in phase.linear:
        expected = expected * Phase.product(Index.var(mapping.get(u, u)), Index.constant(w))
    assert phase.rename(mapping) == expected


_INDICES = st.builds(lambda terms, const: Index(tuple(sorted(dict(terms).items())), const),
                     st.lists(st.tuples(_NAMES, st.integers(-3, 3).filter(bool)), max_size=3),
                     _VECTORS.map(lambda v: v if any(v) else ()))


@given(_phases(), _NAMES, _INDICES, st.dictionaries(_NAMES, _VECTORS, min_size=4))
def test_a_substituted_phase_has_the_exponent_at_the_substituted_point(
        phase: Phase, name: str, value: Index, values: dict[str, tuple[int, ...]]) -> None:
    # the definition: e with ``name`` replaced by value's point, at every point
    point = {**values, name: value.at(values, 2)}
    assert phase.substitute(name, value).exponent(values, (1, 5)) == phase.exponent(point, (1, 5))
