"""symconv.apps.identify: verdicts derived by probing, checked against the libraries' documentation."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.apps.identify import (
    BOUNDARY_PAD_MODES,
    Adapter,
    Identification,
    adapter_from_options,
    identify,
    identify_callable,
    load_target,
    predict,
    which_libraries_flip,
)
from symconv.cli import main
from symconv.core.ops import conv, corr
from symconv.core.signal import Signal
from symconv.errors import IdentifyError
from symconv.report.library_table import FLIP_SLIDE_TARGETS
from symconv.strategies import kernel_and_image


def rows_by_variant(found: Identification) -> dict[str, tuple[str, str, str, str, str]]:
    return {r.variant: (r.operation, r.mode, r.even_centre, r.boundary, r.complex_input)
            for r in found.rows}


def test_numpy_convolve_and_correlate_match_their_documentation() -> None:
    convolve = rows_by_variant(identify("numpy:convolve"))
    assert convolve["default"][:2] == ("convolution", "full")  # "mode: default 'full'"
    assert convolve["mode='valid'"][1] == "valid"
    assert convolve["default"][4] == "no conjugation"
    correlate = rows_by_variant(identify("numpy:correlate"))
    assert correlate["default"][:2] == ("correlation", "valid")  # "mode: default 'valid'"
    # numpy: c_k = sum_n a[n+k] conj(v[n]) -- the second argument (the kernel) is conjugated.
    assert {row[4] for row in correlate.values()} == {"conjugates kernel"}


def test_scipy_signal_2d_functions() -> None:
    conv2d = rows_by_variant(identify("scipy.signal:convolve2d"))
    corr2d = rows_by_variant(identify("scipy.signal:correlate2d"))
    assert conv2d["default"][:2] == ("convolution", "full")
    assert corr2d["default"][:2] == ("correlation", "full")
    # boundary: 'fill' pads with zeros, 'wrap' is circular, 'symm' is half-sample symmetric.
    assert corr2d["mode='same'"][3] == "zero"
    assert corr2d["mode='same', boundary='wrap'"][3] == "wrap"
    assert corr2d["mode='same', boundary='symm'"][3] == "reflect"
    assert corr2d["mode='valid'"][3] == "n/a"


def test_correlate2d_same_is_shifted_for_even_kernels() -> None:
    """correlate2d 'same' centres an even kernel one sample away from ndimage.correlate's centre."""
    corr2d = rows_by_variant(identify("scipy.signal:correlate2d"))["mode='same'"]
    ndimage = rows_by_variant(identify("scipy.ndimage:correlate"))["mode='constant'"]
    assert corr2d[2] == "(k-1)//2"
    assert ndimage[2] == "k//2"
    # and the verdict is the real behaviour: an even kernel gives different outputs
    rng = np.random.default_rng(1)
    image, kernel = rng.integers(-9, 10, (6, 7)), rng.integers(-9, 10, (2, 4))
    assert not np.array_equal(scipy.signal.correlate2d(image, kernel, mode="same"),
                              scipy.ndimage.correlate(image, kernel, mode="constant"))


def test_scipy_ndimage_boundaries_and_conjugation() -> None:
    convolve = rows_by_variant(identify("scipy.ndimage:convolve"))
    assert convolve["default"][:4] == ("convolution", "same", "k//2", "reflect")
    expected = {"constant": "zero", "nearest": "nearest", "mirror": "mirror", "wrap": "wrap"}
    for mode, boundary in expected.items():
        assert convolve[f"mode={mode!r}"][3] == boundary
    correlate = rows_by_variant(identify("scipy.ndimage:correlate"))
    assert correlate["default"][0] == "correlation"
    assert correlate["default"][4] == "conjugates kernel"  # "as for np.correlate"
    assert convolve["default"][4] == "no conjugation"


def test_torch_conv2d_is_correlation() -> None:
    pytest.importorskip("torch", reason="torch is optional (pip install torch==2.13.0)")
    conv2d = rows_by_variant(identify("torch.nn.functional:conv2d"))
    assert conv2d["default"][:2] == ("correlation", "valid")  # padding=0
    assert conv2d["padding='same'"][:2] == ("correlation", "same")
    assert rows_by_variant(identify("torch.nn.functional:conv1d"))["default"][0] == "correlation"


def test_cv2_filter2d_is_correlation() -> None:
    cv2 = pytest.importorskip("cv2", reason="optional: pip install opencv-python-headless")
    found = rows_by_variant(identify("cv2:filter2D"))
    # docs: "does actually compute correlation, not the convolution"; default BORDER_REFLECT_101
    assert found["default"][:4] == ("correlation", "same", "k//2", "mirror")
    assert found["borderType=BORDER_CONSTANT"][3] == "zero"
    assert found["borderType=BORDER_REPLICATE"][3] == "nearest"
    assert found["borderType=BORDER_REFLECT"][3] == "reflect"
    assert cv2.BORDER_DEFAULT == cv2.BORDER_REFLECT_101


def test_wrong_argument_order_is_caught() -> None:
    found = identify("scipy.signal:correlate2d", Adapter(2, ("kernel", "image")))
    row = found.rows[0]
    assert row.operation == "neither"
    assert "swapped" in row.detail


def test_transposed_kernel_layout_is_caught() -> None:
    """An adapter that hands the kernel over transposed (e.g. a column-major layout)."""
    found = identify_callable(
        lambda x, w: scipy.ndimage.correlate(x, w.T, mode="constant"), Adapter(2)
    )
    assert found.rows[0].operation == "neither"
    assert found.rows[0].flips_kernel is None


def test_one_axis_flip_is_neither() -> None:
    found = identify_callable(
        lambda x, w: scipy.ndimage.correlate(x, w[::-1, :], mode="constant"), Adapter(2)
    )
    assert found.rows[0].operation == "neither"
    assert "axes [0] only" in found.rows[0].detail


@pytest.mark.parametrize("func", [
    lambda x, w: np.convolve(x, w) ** 2,
    lambda x, w: np.convolve(x, w) + 1,
    lambda x, w: np.convolve(np.abs(x), w),
])
def test_non_bilinear_function_is_refused(func: object) -> None:
    with pytest.raises(IdentifyError, match="not bilinear"):
        identify_callable(func, Adapter(1))  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(op=st.sampled_from(["conv", "corr"]), mode=st.sampled_from(["full", "same", "valid"]),
       boundary=st.sampled_from(["zero", "wrap", "reflect", "mirror", "nearest"]),
       ndim=st.sampled_from([1, 2]))
def test_identifies_the_cores_operations(op: str, mode: str, boundary: str, ndim: int) -> None:
    """The core's conv/corr (kernel centred at k//2) are recognised with their parameters."""
    func = conv if op == "conv" else corr

    def target(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        out = func(Signal.from_array(kernel, tuple(-(k // 2) for k in kernel.shape)),
                   Signal.from_array(image), mode=mode, boundary=boundary)
        return out.entries

    row = identify_callable(target, Adapter(ndim)).rows[0]
    assert row.operation == ("convolution" if op == "conv" else "correlation")
    assert row.mode == mode
    assert row.boundary == ("n/a" if mode == "valid" else boundary)
    assert row.even_centre == ("k//2" if mode == "same" else "-")


@settings(max_examples=40, deadline=None)
@given(kernel_and_image(2, max_kernel=4, max_image=6),
       st.sampled_from(sorted(BOUNDARY_PAD_MODES)))
def test_reference_model_matches_scipy_ndimage(pair: tuple[np.ndarray, np.ndarray],
                                               boundary: str) -> None:
    """predict(), the model hypotheses are checked against, is scipy.ndimage.correlate."""
    kernel, image = pair
    ndimage_mode = {"zero": "constant", "reflect": "reflect", "mirror": "mirror",
                    "nearest": "nearest", "wrap": "grid-wrap"}[boundary]
    if boundary == "mirror" and min(image.shape) < 2:
        return  # numpy's reflect pad needs two samples
    expected = scipy.ndimage.correlate(image, kernel, mode=ndimage_mode)
    offset = tuple(-(k // 2) for k in kernel.shape)
    got = predict(kernel, image, (1, 1), offset, boundary, image.shape)
    assert np.array_equal(got, expected)


def test_flip_slide_data() -> None:
    rows = {r["target"]: r for r in which_libraries_flip(FLIP_SLIDE_TARGETS)}
    assert rows["numpy:convolve"]["flips_kernel"] is True
    assert rows["scipy.ndimage:correlate"]["flips_kernel"] is False
    assert rows["scipy.signal:correlate2d"]["operation"] == "correlation"
    for row in rows.values():
        assert row["available"] or row["operation"] is None


def test_latex_of_a_result() -> None:
    found = identify("numpy:convolve")
    assert found._latex().startswith(r"\begin{array}")
    assert "convolution" in found._repr_latex_()


def test_cli_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identify", "numpy:correlate"]) == 0
    assert "conjugates kernel" in capsys.readouterr().out
    assert main(["identify", "scipy.ndimage:convolve", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"][0]["operation"] == "convolution"


def test_cli_user_adapter(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["identify", "scipy.signal:correlate2d", "--ndim", "2", "--args", "kernel,image"])
    assert code == 0
    assert "argument order looks wrong" in capsys.readouterr().out
    code = main(["identify", "scipy.ndimage:correlate1d", "--args", "image,kernel",
                 "--vary", "mode=constant,wrap"])
    assert code == 0
    out = capsys.readouterr().out
    assert "mode='constant'  correlation" in out and "wrap" in out


@pytest.mark.parametrize("argv, message", [
    (["identify", "numpy:nothing"], "no attribute"),
    (["identify", "no_such_module_xyz:f"], "cannot import"),
    (["identify", "numpy"], "module:function"),
    (["identify", "numpy:add"], "no built-in adapter"),
    (["identify", "numpy:polyadd", "--args", "image,kernel"], "not bilinear"),
    (["identify", "numpy:convolve", "--args", "image,image"], "exactly once"),
    (["identify", "numpy:convolve", "--kwarg", "mode"], "name=value"),
])
def test_cli_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_cli_user_adapter_with_literal_argument(capsys: pytest.CaptureFixture[str]) -> None:
    cv2 = pytest.importorskip("cv2", reason="optional: pip install opencv-python-headless")
    argv = ["identify", "cv2:filter2D", "--ndim", "2", "--args", "image,-1,kernel",
            "--vary", f"borderType={cv2.BORDER_CONSTANT},{cv2.BORDER_REPLICATE}", "--json"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["operation"], r["boundary"]) for r in rows] == [("correlation", "zero"),
                                                               ("correlation", "nearest")]


def test_negative_seed_and_malformed_vary_are_identify_errors(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(IdentifyError, match="seed -5"):
        identify("numpy:convolve", seed=-5)  # was numpy's ValueError traceback
    with pytest.raises(IdentifyError, match="--vary 'mode'"):
        adapter_from_options(1, "image,kernel", "plain", [], "mode")
    assert main(["identify", "numpy:convolve", "--seed", "-5"]) == 2
    assert capsys.readouterr().err == "symconv: error: seed -5; expected a non-negative integer\n"


# --- module.function, the current directory, 3D, multiples, more libraries ------------------


def test_module_dot_function_is_module_colon_function() -> None:
    dotted, colon = identify("numpy.convolve"), identify("numpy:convolve")
    assert dotted.target == "numpy:convolve"
    assert rows_by_variant(dotted) == rows_by_variant(colon)
    assert identify("scipy.signal.correlate2d").target == "scipy.signal:correlate2d"


def test_a_module_in_the_current_directory_is_found(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "symconv_probe_here.py").write_text(
        "import numpy as np\n\ndef scaled(x, w):\n    return 3 * np.convolve(x, w)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "symconv_probe_here", raising=False)
    path_before = list(sys.path)
    assert main(["identify", "symconv_probe_here.scaled", "--args", "image,kernel"]) == 0
    assert "3 × convolution" in capsys.readouterr().out
    assert sys.path == path_before  # the current directory was added for the import only
    monkeypatch.delitem(sys.modules, "symconv_probe_here", raising=False)


@pytest.mark.parametrize(("func", "computes", "scale"), [
    (lambda x, w: 3 * np.convolve(x, w), "3 × convolution", "3"),
    (lambda x, w: -np.correlate(x, w, mode="full") / 2, "-1/2 × correlation", "-1/2"),
    (lambda x, w: np.convolve(x, w) * 1, "convolution", "1"),
    (lambda x, w: 0.125 * np.convolve(x, w, mode="same"), "1/8 × convolution", "1/8"),
])
def test_scalar_multiples_are_recognised(func: Any, computes: str, scale: str) -> None:
    row = identify_callable(func, Adapter(1)).rows[0]
    assert (row.computes, row.scale) == (computes, scale)
    assert row.mode in ("full", "same")


@pytest.mark.parametrize("func", [
    # 3 times a convolution on most samples, 2 times on the rest: no constant multiple
    lambda x, w: np.convolve(x, w) * np.where(np.arange(len(x) + len(w) - 1) < 4, 2, 3),
    # a multiple of a convolution plus a shifted copy: bilinear, not a multiple
    lambda x, w: 3 * np.convolve(x, w) + np.roll(np.convolve(x, w), 1),
])
def test_a_factor_is_only_a_hypothesis(func: Any) -> None:
    row = identify_callable(func, Adapter(1)).rows[0]
    assert row.operation == "neither" and row.scale == "1"


def test_three_dimensions() -> None:
    found = identify_callable(scipy.ndimage.correlate, Adapter(3, variants=(
        ("default", ()), ("mode='wrap'", (("mode", "wrap"),)))))
    assert [(r.operation, r.mode, r.even_centre, r.boundary) for r in found.rows] == [
        ("correlation", "same", "k//2", "reflect"), ("correlation", "same", "k//2", "wrap")]
    found = identify_callable(scipy.signal.convolve, Adapter(3))
    assert (found.rows[0].operation, found.rows[0].mode) == ("convolution", "full")
    flipped = identify_callable(lambda x, w: scipy.ndimage.correlate(x, w[:, ::-1, :]),
                                Adapter(3)).rows[0]
    assert flipped.operation == "neither" and "axes [1] only" in flipped.detail


def test_cli_three_dimensions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identify", "scipy.signal.fftconvolve", "--ndim", "3", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["rows"][0]
    assert (row["operation"], row["mode"], row["scale"]) == ("convolution", "full", "1")


def test_no_adapter_error_gives_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identify", "numpy.add"]) == 2
    err = capsys.readouterr().err
    assert "symconv identify numpy:add --ndim 1 --args image,kernel" in err
    assert err.count("\n") == 1


def _skip_without(module: str, install: str) -> Any:
    return pytest.importorskip(module, reason=f"optional peer: pip install {install}")


def test_torch_transposed_and_3d_convolutions() -> None:
    _skip_without("torch", "torch==2.13.0 (CPU)")
    # conv_transpose is the adjoint of correlation: a full convolution
    for d in (1, 2, 3):
        row = identify(f"torch.nn.functional.conv_transpose{d}d").rows[0]
        assert (row.operation, row.mode, row.boundary) == ("convolution", "full", "zero")
    conv3d = rows_by_variant(identify("torch.nn.functional:conv3d"))
    assert conv3d["default"][:2] == ("correlation", "valid")
    assert conv3d["padding='same'"][:3] == ("correlation", "same", "(k-1)//2")


def test_skimage_correlate_sparse() -> None:
    _skip_without("skimage", "scikit-image")
    found = rows_by_variant(identify("skimage.filters:correlate_sparse"))
    # docs: "Compute valid cross-correlation of padded_array and kernel"; mode as ndimage's
    assert found["default"][:2] == ("correlation", "same")
    assert found["default"][3] == "reflect"
    expected = {"constant": "zero", "edge": "nearest", "wrap": "wrap", "symmetric": "reflect"}
    for mode, boundary in expected.items():
        assert found[f"mode={mode!r}"][3] == boundary
    assert found["mode='valid'"][1:4:2] == ("valid", "n/a")


def test_astropy_convolve() -> None:
    _skip_without("astropy", "astropy")
    for name in ("convolve", "convolve_fft"):
        found = rows_by_variant(identify(f"astropy.convolution:{name}"))
        assert found["default"][:2] == ("convolution", "same")  # boundary='fill', 0
        assert found["boundary='fill'"][3] == "zero"
        assert found["boundary='wrap'"][3] == "wrap"
    assert rows_by_variant(identify("astropy.convolution:convolve"))["boundary='extend'"][3] \
        == "nearest"


def test_pil_kernel_flips_rows_only() -> None:
    _skip_without("PIL", "pillow")
    row = identify("PIL.ImageFilter.Kernel").rows[0]
    # docs: "The kernel will be flipped vertically before being applied to the image."
    assert row.operation == "neither"
    assert "flips the kernel on axes [0] only" in row.detail


@pytest.mark.slow  # importing jax and compiling its convolutions: about 10 s
def test_jax_convolutions() -> None:
    _skip_without("jax", "jax jaxlib (CPU)")
    lax = rows_by_variant(identify("jax.lax.conv_general_dilated"))
    assert lax["padding='VALID'"][:2] == ("correlation", "valid")
    assert lax["padding='SAME'"][:3] == ("correlation", "same", "(k-1)//2")
    assert rows_by_variant(identify("jax.scipy.signal:convolve"))["default"][:2] == (
        "convolution", "full")
    assert rows_by_variant(identify("jax.scipy.signal:correlate"))["default"][:2] == (
        "correlation", "full")


def test_a_misspelt_function_suggests_the_close_names() -> None:
    with pytest.raises(IdentifyError, match=r"no attribute 'convolve2' \(did you mean 'convolve2d'\?\)"):
        load_target("scipy.signal:convolve2")
    with pytest.raises(IdentifyError) as info:
        load_target("numpy:zzzqqq")
    assert "did you mean" not in str(info.value)
