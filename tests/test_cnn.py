"""symconv.apps.cnn: layers against a direct implementation and torch, gradients, learning equivalence."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import scipy.signal
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.apps import cnn
from symconv.apps.cnn import (
    check_backprop,
    check_output_sizes,
    conv_transpose,
    flip_kernels,
    grad_input,
    layer,
    learning_equivalence,
    one_step_equivalence,
    output_size,
    pixel_form,
    symbolic_tensor,
    transposed_output_size,
)
from symconv.core.algebra import Polynomial, polynomial_sum
from symconv.core.signal import Signal
from symconv.errors import ShapeError, UnknownNameError
from tests.reference_eval import polynomial_from_expr


def direct_layer(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, stride: int, padding: int,
                 dilation: int, groups: int) -> np.ndarray:
    """The textbook loops (zero padding, PyTorch indexing), independent of symconv.core.ops."""
    channels, h, w = x.shape
    out_channels, per_group, kh, kw = W.shape
    xp = np.zeros((channels, h + 2 * padding, w + 2 * padding), dtype=x.dtype)
    xp[:, padding:padding + h, padding:padding + w] = x
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((out_channels, oh, ow), dtype=np.result_type(x, W))
    for o, i, j in itertools.product(range(out_channels), range(oh), range(ow)):
        g = o // (out_channels // groups)
        for c, a, bb in itertools.product(range(per_group), range(kh), range(kw)):
            y[o, i, j] += W[o, c, a, bb] * xp[g * per_group + c, i * stride + a * dilation,
                                               j * stride + bb * dilation]
        if b is not None:
            y[o, i, j] += b[o]
    return y


layer_settings = st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from([0, 1, 2]),
                           st.sampled_from([1, 2]), st.sampled_from([1, 2]))


@settings(max_examples=40, deadline=None)
@given(layer_settings, st.integers(0, 2**32 - 1))
def test_layer_matches_direct_loops(config: tuple[int, int, int, int], seed: int) -> None:
    stride, padding, dilation, groups = config
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, (2 * groups, 7, 6))
    W = rng.integers(-5, 6, (2 * groups, 2, 3, 2))
    b = rng.integers(-5, 6, 2 * groups)
    got = layer(x, W, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert np.array_equal(got, direct_layer(x, W, b, stride, padding, dilation, groups))


def test_symbolic_layer_evaluates_to_numeric_layer() -> None:
    rng = np.random.default_rng(3)
    x, W, b = symbolic_tensor("x", (2, 5, 4)), symbolic_tensor("W", (2, 1, 2, 3)), \
        symbolic_tensor("b", (2,))
    y = layer(x, W, b, stride=2, padding=1, dilation=1, groups=2, boundary="reflect")
    values = {}
    numbers = {}
    for name, arr in (("x", x), ("W", W), ("b", b)):
        numbers[name] = rng.integers(-5, 6, arr.shape)
        for pos, p in np.ndenumerate(arr):
            (gen,) = p.generators()
            values[gen] = int(numbers[name][pos])
    numeric = layer(numbers["x"], numbers["W"], numbers["b"], stride=2, padding=1, groups=2,
                    boundary="reflect")
    evaluated = np.vectorize(lambda p: p.evaluate(values), otypes=[object])(y)
    assert np.array_equal(evaluated.astype(np.int64), numeric)


@pytest.mark.parametrize("boundary, scipy_boundary", [("wrap", "wrap"), ("reflect", "symm")])
def test_padding_boundaries_match_scipy(boundary: str, scipy_boundary: str) -> None:
    """Padding N = (k-1)/2 with a boundary rule is scipy.signal.correlate2d 'same' with it."""
    rng = np.random.default_rng(5)
    x, W = rng.integers(-5, 6, (1, 6, 7)), rng.integers(-5, 6, (1, 1, 3, 5))
    got = layer(x, W, padding=(1, 2), boundary=boundary)[0]
    expected = scipy.signal.correlate2d(x[0], W[0, 0], mode="same", boundary=scipy_boundary)
    assert np.array_equal(got, expected)


def test_conv_layer_is_corr_layer_with_flipped_kernels() -> None:
    x, W = symbolic_tensor("x", (2, 5, 5)), symbolic_tensor("W", (3, 2, 3, 2))
    assert np.array_equal(layer(x, flip_kernels(W), op="conv"), layer(x, W))
    differs = layer(x, W, op="conv") != layer(x, W)
    assert differs.any()


def test_pixel_form_is_the_layer_entry() -> None:
    x, W, b = symbolic_tensor("x", (2, 7, 7)), symbolic_tensor("W", (2, 2, 3, 3)), \
        symbolic_tensor("b", (2,))
    for op in ("corr", "conv"):
        y = layer(x, W, b, stride=2, dilation=2, op=op)
        form = pixel_form(2, 1, (3, 3), (1, 0), stride=2, dilation=2, op=op)
        assert polynomial_from_expr(form) == y[1, 1, 0]
    assert "{W}_{1,0,0,0} {x}_{0,0,0}" in sympy.latex(pixel_form(2, 1))
    corr_terms, conv_terms = cnn.pixel_terms(1, 0, (3, 3)), cnn.pixel_terms(1, 0, (3, 3),
                                                                           op="conv")
    W_, x_ = sympy.IndexedBase("W", real=True), sympy.IndexedBase("x", real=True)
    assert corr_terms[0][0, 0] == W_[0, 0, 0, 0] * x_[0, 0, 0]
    assert conv_terms[0][0, 0] == W_[0, 0, 2, 2] * x_[0, 0, 0]  # the kernel laid over rotated


def test_output_sizes_by_construction() -> None:
    """Dumoulin & Visin's relationships hold for every layer built on the grid."""
    assert check_output_sizes() == []
    assert output_size(5, 3, stride=2, padding=1) == 3  # their figure 2.6 / relationship 6
    assert transposed_output_size(3, 3, stride=2, padding=1, output_padding=1) == 6


def test_output_size_formula_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong formula (ceil instead of floor) disagrees with the constructed layers."""
    def ceil_size(i: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
        return -(-(i + 2 * padding - cnn.effective_kernel_size(k, dilation)) // stride) + 1

    monkeypatch.setattr(cnn.layers, "output_size", ceil_size)
    assert check_output_sizes(sizes=range(4, 7), kernels=(2,), strides=(2,), paddings=(0,),
                              dilations=(1,)) != []


@pytest.mark.parametrize("kwargs", [
    {},
    {"stride": 2},
    {"dilation": 2},
    {"stride": 2, "padding": 1, "dilation": 2},
    {"stride": (2, 1), "padding": (1, 0), "groups": 2},
])
def test_backprop_closed_forms_match_sympy_diff(kwargs: dict[str, Any]) -> None:
    found = check_backprop(2, 2, (5, 4), (2, 2), **kwargs)
    assert found.holds, found.summary()
    assert found.checked["dL/dx"] == 40
    assert found.checked["dL/dW"] == 16 // kwargs.get("groups", 1)


def test_backprop_with_a_boundary_rule_checks_dw_and_db() -> None:
    found = check_backprop(1, 2, (4, 4), (2, 2), padding=1, boundary="wrap")
    assert found.holds, found.summary()
    assert set(found.checked) == {"dL/dW", "dL/db"}


def test_wrong_input_gradient_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    """dL/dx without the flip (correlating dL/dy with W) disagrees with sympy.diff."""
    real = cnn.grad_input

    def unflipped(g: np.ndarray, W: np.ndarray, *args: Any, **kwargs: Any) -> np.ndarray:
        return real(g, flip_kernels(W), *args, **kwargs)

    monkeypatch.setattr(cnn.backprop, "grad_input", unflipped)
    found = check_backprop(1, 1, (4, 4), (2, 2))
    assert not found.holds
    assert found.mismatches[0].startswith("dL/dx")


def test_wrong_weight_gradient_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cnn.grad_weight
    monkeypatch.setattr(cnn.backprop, "grad_weight", lambda *a, **k: flip_kernels(real(*a, **k)))
    assert not check_backprop(1, 1, (4, 4), (2, 2)).holds


def _inner(a: np.ndarray, b: np.ndarray) -> Polynomial:
    """<a, b>: the sum of a * b over all entries (exact)."""
    return polynomial_sum((a * b).flat)


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2, "dilation": 2, "padding": 1},
                                    {"stride": 3, "groups": 2}])
def test_transposed_layer_is_the_adjoint(kwargs: dict[str, Any]) -> None:
    """<layer(x), y> == <x, conv_transpose(y)> for symbolic x, y and W."""
    x = symbolic_tensor("x", (2, 5, 5))
    W = symbolic_tensor("W", (2, 2 // kwargs.get("groups", 1), 3, 2))
    forward = layer(x, W, **kwargs)
    y = symbolic_tensor("y", forward.shape)
    assert (_inner(forward, y) - _inner(x, grad_input(y, W, x.shape, **kwargs))).is_zero()


def test_backward_pass_is_full_convolution_not_correlation() -> None:
    """For stride 1: dL/dx = g padded by k-1 correlated with flip(W), i.e. convolved with W."""
    x, W = symbolic_tensor("x", (1, 4, 4)), symbolic_tensor("W", (1, 1, 2, 2))
    y = layer(x, W)
    g = symbolic_tensor("g", y.shape)
    wrong = layer(g, W, padding=1)  # correlating dL/dy with W, unflipped
    assert _inner(y, g) != _inner(x, wrong)
    assert _inner(y, g) == _inner(x, layer(g, flip_kernels(W), padding=1))
    assert _inner(y, g) == _inner(x, layer(g, W, padding=1, op="conv"))


def test_one_gradient_step_is_flip_equivariant() -> None:
    result = one_step_equivalence((4, 4), (3, 2))
    assert result.outputs_equal and result.weights_flip_related


def test_learning_equivalence_200_steps() -> None:
    report = learning_equivalence(steps=200)
    assert report.max_flip_difference <= 1e-12
    assert report.first_step_difference > 0.1  # without the flipped start, step 1 differs
    assert np.allclose(report.learned_corr, report.target_kernel, atol=1e-3)
    assert np.allclose(report.learned_conv, report.target_kernel[::-1, ::-1], atol=1e-3)
    assert "W_corr" in report.exact_counterexample
    assert "200 steps" in report._latex()


def test_torch_conv2d_and_transpose_agree() -> None:
    torch = pytest.importorskip("torch", reason="torch is optional (pip install torch==2.13.0)")
    functional = torch.nn.functional
    rng = np.random.default_rng(7)
    for stride, padding, dilation, groups in itertools.product((1, 2), (0, 1), (1, 2), (1, 2)):
        x = rng.integers(-5, 6, (2 * groups, 7, 6))
        W = rng.integers(-5, 6, (2, 2, 3, 2))
        expected = functional.conv2d(torch.tensor(x[None], dtype=torch.float64),
                                     torch.tensor(W, dtype=torch.float64), stride=stride,
                                     padding=padding, dilation=dilation, groups=groups)
        got = layer(x, W, stride=stride, padding=padding, dilation=dilation, groups=groups)
        assert np.array_equal(got, expected[0].numpy()), (stride, padding, dilation, groups)
        extra = (stride - 1, 0) if stride > 1 else (0, 0)
        Wt = rng.integers(-5, 6, (2 * groups, 2, 3, 2))
        y = rng.integers(-5, 6, (2 * groups, 4, 3))
        expected_t = functional.conv_transpose2d(
            torch.tensor(y[None], dtype=torch.float64), torch.tensor(Wt, dtype=torch.float64),
            stride=stride, padding=padding, output_padding=extra, dilation=dilation,
            groups=groups)
        got_t = conv_transpose(y, Wt, stride=stride, padding=padding, output_padding=extra,
                               dilation=dilation, groups=groups)
        assert np.array_equal(got_t, expected_t[0].numpy()), (stride, padding, dilation, groups)


@pytest.mark.parametrize("call, message", [
    (lambda: layer(np.ones((3, 4, 4)), np.ones((2, 1, 2, 2)), groups=2), "does not divide"),
    (lambda: layer(np.ones((2, 4, 4)), np.ones((2, 3, 2, 2))), "input channels per group"),
    (lambda: layer(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3))), "smaller than the dilated"),
    (lambda: layer(np.ones((1, 4)), np.ones((1, 1, 2)), stride=0), "stride 0"),
    (lambda: layer(np.ones((1, 4)), np.ones((1, 1, 2, 2))), "same spatial dimension"),
    (lambda: conv_transpose(np.ones((1, 3)), np.ones((1, 1, 2)), stride=2, output_padding=2),
     "output_padding"),
])
def test_shape_errors_name_the_problem(call: Any, message: str) -> None:
    with pytest.raises(ShapeError, match=message):
        call()


def test_unknown_layer_operation() -> None:
    with pytest.raises(UnknownNameError, match="'xcorr'"):
        layer(np.ones((1, 4)), np.ones((1, 1, 2)), op="xcorr")


def test_cli_cnn_backprop_and_pixel(capsys: pytest.CaptureFixture[str]) -> None:
    from symconv.cli import main

    assert main(["cnn", "backprop", "--stride", "2", "--dilation", "2", "--channels", "1x2",
                 "--input", "5x4"]) == 0
    assert capsys.readouterr().out.startswith("VERIFIED")
    assert main(["cnn", "pixel", "--channels", "1x1", "--kernel", "3"]) == 0
    assert "W[0, 0, 2]*x[0, 2]" in capsys.readouterr().out
    assert main(["cnn", "backprop", "--groups", "3"]) == 2
    assert capsys.readouterr().err.strip() == (
        "symconv: error: groups 3 does not divide 2 input and 2 output channels")


def test_pixel_terms_refuse_huge_forms_and_show_3d_kernels() -> None:
    from symconv.errors import SizeLimitError

    with pytest.raises(SizeLimitError, match="terms"):
        cnn.pixel_terms(2, 0, (1000, 1000))
    with pytest.raises(SizeLimitError):
        cnn.pixel_terms(10**6, 0, (2, 2))
    form = cnn.pixel_form(1, 0, (2, 2, 2), (0, 0, 0))  # was an AttributeError on N-dim arrays
    assert len(form.args) == 9


def test_backprop_check_refuses_work_it_cannot_finish() -> None:
    from symconv.errors import SizeLimitError

    with pytest.raises(SizeLimitError, match="terms x variables"):
        cnn.check_backprop(2, 2, (20, 20), (2, 2))
    with pytest.raises(SizeLimitError):
        cnn.check_backprop(2, 2, (5, 5), (2, 2), padding=10**6)
    with pytest.raises(SizeLimitError, match="exact entries"):
        cnn.check_backprop(1, 1, (3, 3), (2, 2), dilation=10**5)
    with pytest.raises(ShapeError, match="different dimensions"):
        cnn.check_backprop(1, 1, (5, 5, 5), (2, 2))


def test_learning_equivalence_validates_its_settings() -> None:
    from symconv.errors import SizeLimitError, SymconvError

    with pytest.raises(SizeLimitError, match="steps"):
        cnn.learning_equivalence(steps=-1)
    with pytest.raises(SizeLimitError, match="steps"):
        cnn.learning_equivalence(steps=10**9)
    with pytest.raises(SymconvError, match="seed"):
        cnn.learning_equivalence(steps=2, seed=-5)
    with pytest.raises(SymconvError, match="learning rate"):
        cnn.learning_equivalence(steps=2, learning_rate=float("nan"))
    with pytest.raises(SymconvError, match="diverges"):
        cnn.learning_equivalence(steps=50, learning_rate=1e300)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(("padding", "kernel", "dilation", "stride"), [
    (1, (3, 3), 1, 1), ((2, 1), (3, 2), 1, 2), ("same", (3, 3), 1, 1), ("same", (2, 4), (2, 1), 1),
    ("valid", (3, 2), 1, 1), (2, (2, 2), 2, (1, 2)),
])
def test_padding_vocabulary_is_torchs(padding_mode: str, padding: Any, kernel: tuple[int, int],
                                      dilation: Any, stride: Any) -> None:
    """torch's padding_mode names with torch's meanings (reflect = symconv's mirror)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(hash((padding_mode, str(padding))) % 2**32)
    x, W = rng.integers(-5, 6, (2, 6, 7)), rng.integers(-5, 6, (3, 2, *kernel))
    b = rng.integers(-5, 6, 3)
    module = torch.nn.Conv2d(2, 3, kernel, stride=stride, padding=padding, dilation=dilation,
                             padding_mode=padding_mode, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(W.astype(np.float64)))
        module.bias.copy_(torch.from_numpy(b.astype(np.float64)))
        expected = module(torch.from_numpy(x.astype(np.float64))).numpy()
    got = layer(x, W, b, stride=stride, padding=padding, dilation=dilation,
                padding_mode=padding_mode)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected.astype(np.int64))
    # the exact path agrees
    exact = layer(Signal.from_array(x.astype(object)).entries, W, b, stride=stride,
                  padding=padding, dilation=dilation, padding_mode=padding_mode)
    assert np.array_equal(np.vectorize(lambda p: int(p.as_expr()))(exact), got)


def test_torch_reflect_is_symconv_mirror_not_reflect() -> None:
    x, W = np.arange(1, 6).reshape(1, 5), np.ones((1, 1, 3), dtype=np.int64)
    torch_reflect = layer(x, W, padding=1, padding_mode="reflect")
    assert np.array_equal(torch_reflect, layer(x, W, padding=1, boundary="mirror"))
    assert not np.array_equal(torch_reflect, layer(x, W, padding=1, boundary="reflect"))


@pytest.mark.parametrize(("kwargs", "error", "fragment"), [
    ({"padding_mode": "mirror"}, UnknownNameError, "unknown padding_mode 'mirror'"),
    ({"padding_mode": "reflect", "boundary": "wrap"}, ShapeError, "give one"),
    ({"padding": "same", "stride": 2}, ShapeError, "needs stride 1"),
    ({"padding": "full"}, UnknownNameError, "unknown padding 'full'"),
])
def test_bad_padding_is_one_line(kwargs: dict[str, Any], error: type[Exception],
                                 fragment: str) -> None:
    with pytest.raises(error, match=fragment) as info:
        layer(np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), **kwargs)
    assert "\n" not in str(info.value)


def test_pixel_terms_check_the_output_pixel_against_an_input_size() -> None:
    """cnn pixel printed x[0, 8, 8] for a 9x9 kernel on a 5x5 input, which layer() refuses."""
    with pytest.raises(ShapeError, match="smaller than the dilated kernel"):
        cnn.pixel_terms(1, 0, (9, 9), (0, 0), input_size=(5, 5))
    with pytest.raises(ShapeError, match="smaller than the dilated kernel"):
        cnn.pixel_terms(1, 0, (3, 3), (0, 0), dilation=3, input_size=(6, 6))
    with pytest.raises(ShapeError, match=r"position \(2, 0\) is outside the output of shape \(2, 2\)"):
        cnn.pixel_terms(1, 0, (3, 1), (2, 0), stride=2, input_size=(5, 4))
    # where the pixel exists, the terms are those of the layer entry (with or without the size)
    assert cnn.pixel_terms(2, 0, (3, 3), (1, 1), padding=1, input_size=(3, 3)) == \
        cnn.pixel_terms(2, 0, (3, 3), (1, 1), padding=1)
    x = symbolic_tensor("x", (1, 5, 5))
    W = symbolic_tensor("W", (1, 1, 5, 5))
    with pytest.raises(ShapeError, match="smaller than the dilated kernel") as layer_error:
        cnn.layer(x[:, :3, :3], W)
    with pytest.raises(ShapeError) as pixel_error:
        cnn.pixel_terms(1, 0, (5, 5), (0, 0), input_size=(3, 3))
    assert str(pixel_error.value) == str(layer_error.value)
