"""symconv.strategies: the strategies users property-test their code with."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv import Signal, check, conv, corr, flip
from symconv.core.signal import default_origin
from symconv.errors import SymconvError
from symconv.prove import Verdict
from symconv.strategies import kernels, signals, statements


@settings(max_examples=40, deadline=None)
@given(signals(ndim=2, max_side=3, entries="rational"), signals(ndim=2, max_side=3))
def test_rational_signals_are_exact(k: Signal, x: Signal) -> None:
    assert k.is_exact and not x.is_exact
    assert conv(k, x) == corr(flip(k), x)


@settings(max_examples=30, deadline=None)
@given(signals(entries="complex", max_side=3))
def test_complex_signals_have_complex_entries(s: Signal) -> None:
    assert s.is_exact and 1 <= s.ndim <= 3
    assert all(p.is_constant() for p in s.entries.flat)


@given(st.data())
def test_shapes_and_origins_are_as_asked(data: st.DataObject) -> None:
    s = data.draw(signals(shape=(2, 3), origin="default"))
    assert s.shape == (2, 3) and s.origin == default_origin((2, 3))
    t = data.draw(signals(ndim=1, origin=(5,), entries="symbolic", name="f"))
    assert t.origin == (5,) and all(g.name == "f" for g in t.generators())


@settings(max_examples=30, deadline=None)
@given(kernels())
def test_kernels_are_centred(k: Signal) -> None:
    assert k.ndim == 2 and k.origin == default_origin(k.shape)


@settings(max_examples=8, deadline=None)
@given(statements(max_depth=2))
def test_statements_can_be_checked(claim: tuple[str, dict[str, object]]) -> None:
    text, table = claim
    try:
        result = check(text, budget=10, tiers=["exact"], **table)
    except SymconvError as exc:  # a generated shape that does not fit (zeropad below the box)
        assert "\n" not in str(exc)
        return
    assert result.verdict in (Verdict.VERIFIED, Verdict.REFUTED, Verdict.INCONCLUSIVE)


def test_without_hypothesis_the_error_names_the_extra() -> None:
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "try:\n    import symconv.strategies\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "pip install 'symconv[strategies]'" in out


def test_the_documented_example_finds_a_wrong_convolution() -> None:
    """The property of the module docstring fails for a convolution that forgets an origin."""
    import pytest

    def wrong_conv(k: Signal, x: Signal) -> Signal:
        return conv(Signal(k.to_array(), (0,) * k.ndim), x)

    @settings(max_examples=50, deadline=None)
    @given(signals(ndim=1, max_side=3), signals(ndim=1, max_side=3))
    def prop(k: Signal, x: Signal) -> None:
        assert wrong_conv(k, x) == conv(k, x)

    with pytest.raises(AssertionError):
        prop()
    assert np.array_equal(conv([1, 2], [1]).to_array(), [1, 2])
