"""symconv.apps.cnn.grouped: a grouped layer's closed forms as statements, against torch and
apps.cnn, proved for all sizes, mutants refuted; proofs/cnn_groups.toml is its output."""

from __future__ import annotations

import contextlib
import io
import itertools
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.apps import cnn
from symconv.apps.cnn import GroupedLayerText
from symconv.cli import main
from symconv.core.signal import Signal
from symconv.errors import InputLimitError, ShapeError
from symconv.lang.claims import claim_from_text, load_toml
from symconv.lang.dsl import parse_statement
from symconv.prove import Budget, Verdict
from symconv.prove.evaluate import ExactBackend, evaluate
from symconv.prove.general import attempt

BUNDLED = Path(__file__).resolve().parent.parent / "proofs" / "cnn_groups.toml"


def _value(expression: str, env: dict[str, Signal]) -> Signal:
    """An expression of the language evaluated with ops on the signals of ``env``."""
    return evaluate(parse_statement(f"{expression} == {expression}").left, env, ExactBackend())


def _as_int_array(s: Signal, shape: tuple[int, ...]) -> np.ndarray:
    """``s`` on the box [0, shape) (ops keeps integer entries integers)."""
    return np.asarray(s.embed((0,) * len(shape), shape), dtype=np.int64)


def test_bundled_file_is_the_output_of_the_commands_it_names() -> None:
    """Nothing in proofs/cnn_groups.toml is typed by hand: its claims are the output of the
    ``symconv cnn claims`` commands its header lists, in order."""
    text = BUNDLED.read_text()
    header, _, body = text.partition("\n\n[[claim]]")
    commands = [line.removeprefix("#").strip() for line in header.splitlines()
                if line.removeprefix("#").strip().startswith("symconv cnn claims")]
    assert len(commands) == 2
    outputs = []
    for command in commands:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(shlex.split(command)[1:]) == 0
        outputs.append(out.getvalue())
    assert "[[claim]]" + body == "\n".join(outputs)


def test_bundled_layers_are_the_file_the_lecture_verifies() -> None:
    """cnn.BUNDLED_LAYERS (what the lecture verifies in its build) writes the bundled file."""
    body = "[[claim]]" + BUNDLED.read_text().partition("\n\n[[claim]]")[2]
    assert cnn.claims_toml(cnn.BUNDLED_LAYERS) == body


def test_bundled_claims_verdicts() -> None:
    """The laws PROVED for all sizes, every mutant REFUTED by the general tier."""
    for claim in load_toml(BUNDLED):
        result = attempt(claim, Budget(60))
        assert result is not None, claim.name
        want = Verdict.PROVED if claim.expect == "holds" else Verdict.REFUTED
        assert result.verdict is want, (claim.name, result.detail)


def test_group_assignments() -> None:
    layer = GroupedLayerText(4, 6, 2)
    assert [list(layer.inputs_of(o)) for o in range(6)] == [[0, 1]] * 3 + [[2, 3]] * 3
    assert [list(layer.inputs_of(o, "interleaved")) for o in range(6)] == [[0, 1], [2, 3]] * 3
    assert [list(layer.inputs_of(o, "next")) for o in range(6)] == [[2, 3]] * 3 + [[0, 1]] * 3
    # the assignment is torch's, as apps.cnn reads it
    assert [layer.inputs_of(o) for o in range(6)] == [
        cnn.LayerShape.check((4, 5), (6, 2, 2), 1, 0, 1, 2).group_of_output(o) for o in range(6)]


def test_statements_name_what_they_read() -> None:
    layer = GroupedLayerText(2, 2, 1, stride=3, dilation=2, padding=1, ndim=1)
    assert layer.output(1) == ("downsample(corr(upsample(W1_0, 2), shift(x0, 1)), 3) + "
                               "downsample(corr(upsample(W1_1, 2), shift(x1, 1)), 3)")
    assert layer.grad_input(1) == ("shift(conv(upsample(W0_1, 2), upsample(g0, 3)), -1) + "
                                   "shift(conv(upsample(W1_1, 2), upsample(g1, 3)), -1)")
    assert layer.grad_weight(0, 1) == "downsample(corr(upsample(g0, 3), shift(x1, 1)), 2)"
    assert layer.name() == "cnn-groups-2x2-groups1-stride3-dilation2-padding1"
    # one group: no group mutants
    assert [c.name.removeprefix(layer.name() + "-")
            for c in layer.claims((9,), (2,))] == ["grad-input", "grad-weight",
                                                    "grad-input-unflipped"]


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: GroupedLayerText(3, 2, 2), ShapeError, "does not divide"),
    (lambda: GroupedLayerText(2, 2, 0), ShapeError, "groups 0"),
    (lambda: GroupedLayerText(2, 2, 1, stride=0), ShapeError, "stride 0"),
    (lambda: GroupedLayerText(2, 2, 1, ndim=0), ShapeError, "spatial axis"),
    (lambda: GroupedLayerText(2, 2, 1, dilation=3).signals((3, 4), (2, 2)), ShapeError,
     "does not fit"),
    (lambda: GroupedLayerText(2, 2, 1).signals((4,), (2, 2)), ShapeError, "spatial axes"),
    (lambda: GroupedLayerText(8, 8, 2, stride=2).claims((7, 7), (2, 2)), InputLimitError,
     "limit is 1000"),
])
def test_bad_layers_are_one_line_errors(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


SETTINGS = [(2, 2, 2, 1, 1, 0), (4, 4, 2, 2, 2, 0), (2, 2, 2, 2, 2, 1), (2, 4, 2, 1, 1, 1),
            (4, 2, 2, 2, 1, 0), (2, 2, 1, 1, 1, 0)]


@pytest.mark.parametrize(("channels", "outputs", "groups", "stride", "dilation", "padding"),
                         SETTINGS)
def test_statements_compute_torch_conv2d_and_its_gradients(
        channels: int, outputs: int, groups: int, stride: int, dilation: int,
        padding: int) -> None:
    torch = pytest.importorskip("torch", reason="torch is optional (pip install torch==2.13.0)")
    text = GroupedLayerText(channels, outputs, groups, stride, dilation, padding)
    rng = np.random.default_rng(channels + 10 * outputs + 100 * stride + 1000 * padding)
    x = rng.integers(-5, 6, (channels, 7, 6))
    W = rng.integers(-5, 6, (outputs, channels // groups, 2, 3))
    xt = torch.tensor(x[None], dtype=torch.float64, requires_grad=True)
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt, Wt, stride=stride, padding=padding, dilation=dilation,
                                   groups=groups)
    g = rng.integers(-5, 6, y.shape[1:])
    (y * torch.tensor(g[None], dtype=torch.float64)).sum().backward()
    assert xt.grad is not None and Wt.grad is not None

    env = {text.input_name(c): Signal(x[c], (0, 0)) for c in range(channels)}
    env |= {text.weight_name(o, j): Signal(W[o, j], (0, 0))
            for o, j in itertools.product(range(outputs), range(channels // groups))}
    env |= {text.gradient_name(o): Signal(g[o], (0, 0)) for o in range(outputs)}
    out_shape = tuple(y.shape[2:])
    for o in range(outputs):
        assert np.array_equal(_as_int_array(_value(text.output(o), env), out_shape),
                              y[0, o].detach().numpy())
    for c in range(channels):
        assert np.array_equal(_as_int_array(_value(text.grad_input(c), env), x.shape[1:]),
                              xt.grad[0, c].numpy())
    for o, j in itertools.product(range(outputs), range(channels // groups)):
        assert np.array_equal(_as_int_array(_value(text.grad_weight(o, j), env), W.shape[2:]),
                              Wt.grad[o, j].numpy())
    # and apps.cnn's grouped layer computes the same outputs
    assert np.array_equal(cnn.layer(x, W, stride=stride, padding=padding, dilation=dilation,
                                    groups=groups), y[0].detach().numpy())
    # the mutants' gradients are not torch's
    if groups > 1:
        wrong = [_as_int_array(_value(text.grad_input(c, "next"), env), x.shape[1:])
                 for c in range(channels)]
        assert not np.array_equal(np.array(wrong), xt.grad[0].numpy())
    unflipped = [_as_int_array(_value(text.grad_input(c, op="corr"), env), x.shape[1:])
                 for c in range(channels)]
    assert not np.array_equal(np.array(unflipped), xt.grad[0].numpy())


@pytest.mark.slow  # eight layers, every closed form and mutant through the general tier
@settings(max_examples=8, deadline=None)
@given(st.sampled_from([(2, 2, 2), (2, 4, 2), (4, 2, 2), (3, 3, 3), (2, 2, 1)]),
       st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2))
def test_closed_forms_proved_for_all_sizes_and_mutants_refuted(
        layer: tuple[int, int, int], stride: int, dilation: int, padding: int,
        ndim: int) -> None:
    text = GroupedLayerText(*layer, stride=stride, dilation=dilation, padding=padding,
                            ndim=ndim)
    for claim in text.claims((7,) * ndim, (2,) * ndim):
        result = attempt(claim_from_text(claim.statement, claim.signals, claim.expect),
                         Budget(60))
        assert result is not None, claim.name
        want = Verdict.PROVED if claim.expect == "holds" else Verdict.REFUTED
        assert result.verdict is want, (claim.name, result.detail)
