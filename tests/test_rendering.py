"""symconv.core.rendering: the registry the engine's types ask for their forms."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symconv.core import rendering
from symconv.core.signal import Signal
from symconv.prove.verdict import Counterexample, Result, Verdict


class _Shown(rendering.Rendered):
    pass


class _Child(_Shown):
    pass


def test_an_unregistered_type_falls_back_to_object_repr() -> None:
    shown = _Shown()
    assert repr(shown) == object.__repr__(shown)
    assert rendering.render(shown, "html") == object.__repr__(shown)


def test_a_registered_renderer_serves_subclasses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "_RENDERERS", {})
    rendering.register(_Shown, "repr", lambda value: "shown")
    rendering.register(_Shown, "str", lambda value: type(value).__name__)
    assert repr(_Child()) == "shown" and str(_Child()) == "_Child"


@pytest.mark.parametrize("value", [
    Signal.literal([[1, 2], [3, 4]]),
    Counterexample({"a": [1, Fraction(1, 2)]}, {"a": (0,)}, (0,), 1, 2),
    Result(Verdict.VERIFIED, "exact", [{"a": (2,)}], 0.5),
])
def test_import_symconv_registers_every_form_of_the_engine_types(value: object) -> None:
    # display registers them; none may fall back to object.__repr__
    fallback = object.__repr__(value)
    for form in (repr, str, lambda v: v._repr_html_(), lambda v: v._repr_latex_()):
        assert form(value) != fallback


def test_inline_latex_of_a_refutation_names_both_sides() -> None:
    found = Counterexample({"a": [[1, 0], [0, 2]]}, {"a": (0, 0)}, (1, 1), 3, 4)
    result = Result(Verdict.REFUTED, "exact", [], 0.1, counterexample=found)
    text = result._latex()
    assert r"\textbf{REFUTED}" in text and r"3 \neq 4" in text and "bmatrix" in text
