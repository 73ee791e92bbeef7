"""Tests of symconv.prove.sums: the typeset forms of its terms."""

from __future__ import annotations

from symconv.prove.sums import Atom, Index, _box_latex


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
