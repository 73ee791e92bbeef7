"""The condensing pass: the chain a person writes, drawn from the machine's chain."""

from __future__ import annotations

import itertools

import pytest

from symconv.lang.claims import claim_from_text
from symconv.prove import Verdict, run_tiers
from symconv.report.condense import condense, note_latex, side_latex

CLAIMS = [
    ("conv(F, conv(G, I)) == conv(conv(F, G), I)", {"F": "2", "G": "2", "I": "3"}),
    ("corr(F, corr(G, I)) == corr(conv(F, G), I)", {"F": "2", "G": "2", "I": "3"}),
    ("conv(F, I) == corr(flip(F), I)", {"F": "3", "I": "4"}),
    ("conv(F, I) == conv(I, F)", {"F": "3", "I": "4"}),
    ("flip(flip(F)) == F", {"F": "3"}),
    ("dft(circconv(a, b)) == dft(a) * dft(b)", {"a": "4", "b": "4"}),
    ("frobenius(corr(W, x), g) == frobenius(W, corr(g, x))", {"W": "3", "x": "5", "g": "7"}),
]


def _derivation(statement: str, signals: dict[str, str]):  # type: ignore[no-untyped-def]
    result = run_tiers(claim_from_text(statement, signals))
    assert result.verdict is Verdict.PROVED
    return result.derivation


@pytest.mark.parametrize(("statement", "signals"), CLAIMS)
def test_condensed_chain_is_drawn_from_the_machine_chain(statement: str,
                                                         signals: dict[str, str]) -> None:
    steps = _derivation(statement, signals).steps
    shown = condense(steps)
    assert shown is not None
    machine = [side_latex(steps[0].before)] + [side_latex(s.after) for s in steps]
    # same start and end, every expression shown is one the machine reached, in order
    assert shown.start == machine[0] and shown.steps[-1].after == machine[-1]
    positions = [machine.index(s.after) for s in shown.steps]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    # no two consecutive lines print the same, no renaming left as a step of its own
    lines = [shown.start] + [s.after for s in shown.steps]
    assert all(a != b for a, b in itertools.pairwise(lines))
    assert all(s.title != "renaming bound variables" for s in shown.steps)


def test_associativity_is_one_substitution_of_both_variables() -> None:
    steps = _derivation(*CLAIMS[0]).steps
    shown = condense(steps)
    assert shown is not None and len(steps) == 10 and len(shown.steps) == 5
    (merged,) = [s for s in shown.steps if s.title == "re-indexing"]
    assert r"$(i, j) \mapsto (j, i - j)$" in merged.note


def test_flip_equivalence_is_one_reflection() -> None:
    shown = condense(_derivation(*CLAIMS[2]).steps)
    assert shown is not None
    assert [s.title for s in shown.steps] == ["definition", "re-indexing", "definition"]
    assert r"$i \mapsto -i$" in shown.steps[1].note


def test_no_op_steps_are_dropped() -> None:
    steps = _derivation(*CLAIMS[4]).steps
    shown = condense(steps)
    assert shown is not None and len(steps) == 2 and [s.after for s in shown.steps] == ["F(x)"]


def test_circular_substitution_names_the_torus() -> None:
    shown = condense(_derivation(*CLAIMS[5]).steps)
    assert shown is not None
    assert any(r"\mathbb{Z}_n^d" in s.note and r"\omega^n = 1" in s.note for s in shown.steps)


def test_engine_notes_use_the_report_notation() -> None:
    assert note_latex(r"$\operatorname{conv}(a, b)(x) = \sum_i a(i)\, b(x - i)$") == \
        r"$(a \ast b)(x) = \sum_i a(i)\, b(x - i)$"
    # a call the language cannot parse stays as the engine wrote it
    assert note_latex(r"$\operatorname{shift}(a, k)(x)$") == r"$\operatorname{shift}(a, k)(x)$"
