"""Exact DFT: peers (numpy.fft, sympy.discrete.fft), theorems, mutants, display, CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.discrete import fft as sympy_fft

from symconv.cli import main
from symconv.core.fourier import Spectrum, complex_values, dft, idft, symbolic_spectrum
from symconv.core.ops import circconv, circcorr, conj, conv, flip, periodize, shift
from symconv.core.signal import Signal
from symconv.errors import ShapeError, UnknownNameError
from symconv.lang.claims import load_toml
from symconv.strategies import int_arrays

RNG_SEED = 20261125
PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "fourier.toml"


def exact(array: np.ndarray, origin: tuple[int, ...] | None = None) -> Signal:
    """Exact entries, first entry at 0 unless told (numpy.fft's indexing)."""
    array = np.asarray(array, dtype=object)
    return Signal.from_array(array, (0,) * array.ndim if origin is None else origin)


def rng_ints(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(-9, 10, size=shape)


# --- peers ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 17))
def test_exact_dft_matches_numpy_1d(n: int) -> None:
    x = rng_ints((n,), RNG_SEED + n)
    spectrum = dft(exact(x))
    np.testing.assert_allclose(complex_values(spectrum), np.fft.fft(x), atol=1e-9)
    np.testing.assert_allclose(complex_values(idft(exact(x))), np.fft.ifft(x), atol=1e-9)


@pytest.mark.parametrize("n", range(1, 17))
def test_exact_dft_matches_numpy_2d(n: int) -> None:
    x = rng_ints((n, n), RNG_SEED - n)
    np.testing.assert_allclose(complex_values(dft(exact(x))), np.fft.fft2(x), atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(int_arrays(2, max_side=9))
def test_exact_dft_matches_numpy_rectangular(x: np.ndarray) -> None:
    np.testing.assert_allclose(complex_values(dft(exact(x))), np.fft.fft2(x), atol=1e-8)
    assert idft(dft(exact(x))) == exact(x)


@settings(max_examples=25, deadline=None)
@given(int_arrays(1, max_side=9), st.sampled_from(["backward", "ortho", "forward"]),
       st.sampled_from([-1, 1]))
def test_exact_and_numeric_paths_agree_for_every_convention(x: np.ndarray, norm: str,
                                                            sign: int) -> None:
    exact_spectrum = dft(exact(x), sign=sign, norm=norm)
    numeric_spectrum = dft(Signal.from_array(x, (0,) * x.ndim), sign=sign, norm=norm)
    np.testing.assert_allclose(complex_values(exact_spectrum), numeric_spectrum.entries, atol=1e-9)
    assert idft(exact_spectrum, sign=sign, norm=norm) == exact(x)


@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
def test_numeric_path_is_numpy_fft(norm: Any) -> None:
    x = rng_ints((3, 5), RNG_SEED)
    np.testing.assert_allclose(dft(Signal.from_array(x, (0,) * x.ndim), norm=norm).entries,
                               np.fft.fftn(x, norm=norm))
    np.testing.assert_allclose(idft(Signal.from_array(x, (0,) * x.ndim), norm=norm).entries,
                               np.fft.ifftn(x, norm=norm))


@pytest.mark.parametrize("n", [1, 2, 4, 8, 16])  # sympy pads to a power of two
def test_plus_sign_is_sympy_discrete_fft(n: int) -> None:
    x = rng_ints((n,), RNG_SEED + 7 * n)
    expected = np.array([complex(sympy.N(v)) for v in sympy_fft([int(v) for v in x])])
    np.testing.assert_allclose(complex_values(dft(exact(x), sign=1)), expected, atol=1e-9)


def test_centred_signal_is_periodized_like_numpy_ifftshift() -> None:
    x = rng_ints((5,), RNG_SEED)
    centred = exact(x, origin=(-2,))  # indices -2..2: numpy sees them rolled by ifftshift
    np.testing.assert_allclose(complex_values(dft(centred)),
                               np.fft.fft(np.fft.ifftshift(x)), atol=1e-9)


def test_unitary_dft_preserves_the_norm_exactly() -> None:
    f = Signal.symbolic("f", (5,), real=False)
    spectrum = dft(f, norm="ortho")
    energy = sum((v * v.conjugate() for v in spectrum.entries.flat), start=f.entries[0] * 0)
    assert energy == sum((v * v.conjugate() for v in f.entries.flat), start=f.entries[0] * 0)


# --- theorems (exact, symbolic entries) --------------------------------------------------

SHAPES = [(1,), (2,), (3,), (4,), (5,), (6,), (8,), (2, 3), (3, 3), (2, 2, 2)]


@pytest.mark.parametrize("shape", SHAPES)
def test_convolution_theorem(shape: tuple[int, ...]) -> None:
    f, g = Signal.symbolic("f", shape), Signal.symbolic("g", shape)
    assert dft(circconv(f, g)) == dft(f) * dft(g)


@pytest.mark.parametrize("shape", [(3,), (4,), (2, 3)])
def test_correlation_theorem_real_and_complex(shape: tuple[int, ...]) -> None:
    f, g = Signal.symbolic("f", shape), Signal.symbolic("g", shape)
    assert dft(circcorr(f, g)) == conj(dft(f)) * dft(g)
    fc, gc = Signal.symbolic("f", shape, real=False), Signal.symbolic("g", shape, real=False)
    assert dft(circcorr(fc, gc)) == conj(dft(conj(fc))) * dft(gc)
    assert dft(circcorr(fc, gc)) == dft(flip(fc)) * dft(gc)


@pytest.mark.parametrize("shape", [(4,), (5,), (2, 3)])
def test_product_theorem_parseval_shift_flip(shape: tuple[int, ...]) -> None:
    size = int(np.prod(shape))
    f, g = Signal.symbolic("f", shape, real=False), Signal.symbolic("g", shape, real=False)
    assert dft(f * g) == circconv(dft(f), dft(g)) / size
    lhs = sum((a * b.conjugate() for a, b in zip(dft(f).entries.flat, dft(g).entries.flat,
                                                  strict=True)), start=f.entries.flat[0] * 0)
    rhs = sum((a * b.conjugate() for a, b in zip(f.entries.flat, g.entries.flat, strict=True)),
              start=f.entries.flat[0] * 0)
    assert lhs == rhs * size
    steps = (1,) * len(shape)
    impulse = Signal.literal(np.ones((1,) * len(shape), dtype=int).tolist())
    modulation = dft(shift(impulse, *steps), *shape)
    assert dft(shift(f, *steps)) == dft(f) * modulation
    real = Signal.symbolic("r", shape)
    assert dft(flip(real)) == conj(dft(real))
    assert dft(flip(conj(f))) == conj(dft(f))


@pytest.mark.parametrize("a_len, b_len", [(1, 1), (2, 3), (3, 5), (4, 4)])
def test_linear_convolution_needs_len_a_plus_len_b_minus_1(a_len: int, b_len: int) -> None:
    a = Signal.symbolic("a", (a_len,), origin=(0,))
    b = Signal.symbolic("b", (b_len,), origin=(0,))
    enough = a_len + b_len - 1
    assert idft(dft(a, enough) * dft(b, enough)) == conv(a, b)
    if enough > 1:
        short = enough - 1
        assert idft(dft(a, short) * dft(b, short)) != conv(a, b)
        # what the short product does compute: the linear result wrapped onto Z_short
        assert idft(dft(a, short) * dft(b, short)) == periodize(conv(a, b), (short,))


# --- mutants: refuted, with a counterexample re-checked by numpy -------------------------

Side = Callable[[Signal, Signal], Signal]
NumpySide = Callable[[np.ndarray, np.ndarray], np.ndarray]


def np_circconv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = len(a)
    return np.array([sum(a[k] * b[(x - k) % n] for k in range(n)) for x in range(n)])


def np_circcorr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = len(a)
    return np.array([sum(a[k] * b[(x + k) % n] for k in range(n)) for x in range(n)])


def np_linear_via_dft(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    return np.fft.ifft(np.fft.fft(a, n) * np.fft.fft(b, n))


MUTANTS: dict[str, tuple[Side, Side, NumpySide, NumpySide]] = {
    "wrong sign": (
        lambda f, g: dft(circconv(f, g)),
        lambda f, g: dft(f, sign=1) * dft(g, sign=1),
        lambda f, g: np.fft.fft(np_circconv(f, g)),
        lambda f, g: np.fft.ifft(f) * np.fft.ifft(g) * len(f) ** 2,
    ),
    "missing conj": (
        lambda f, g: dft(circcorr(f, g)),
        lambda f, g: dft(f) * dft(g),
        lambda f, g: np.fft.fft(np_circcorr(f, g)),
        lambda f, g: np.fft.fft(f) * np.fft.fft(g),
    ),
    "missing 1/n": (
        lambda f, g: dft(f * g),
        lambda f, g: circconv(dft(f), dft(g)),
        lambda f, g: np.fft.fft(f * g),
        lambda f, g: np_circconv(np.fft.fft(f), np.fft.fft(g)),
    ),
    "padding one short": (
        lambda f, g: conv(f, g),
        lambda f, g: idft(dft(f, 2 * len(f.entries) - 2) * dft(g, 2 * len(g.entries) - 2)),
        lambda f, g: np.convolve(f, g),
        lambda f, g: np_linear_via_dft(f, g, 2 * len(f) - 2),
    ),
}


def find_counterexample(lhs: Side, rhs: Side, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Small integer signals (origin 0) and a coordinate where the exact sides differ."""
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(50):
        f, g = rng.integers(-3, 4, size=n), rng.integers(-3, 4, size=n)
        found = lhs(exact(f, (0,)), exact(g, (0,))).difference(rhs(exact(f, (0,)), exact(g, (0,))))
        if found is not None:
            coordinate, _, _ = found
            return f, g, coordinate[0]
    raise AssertionError("no counterexample found")


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
@pytest.mark.parametrize("n", [3, 4, 5])
def test_mutant_is_refuted_and_counterexample_rechecks_numerically(mutant: str, n: int) -> None:
    lhs, rhs, np_lhs, np_rhs = MUTANTS[mutant]
    f, g = Signal.symbolic("f", (n,), origin=(0,)), Signal.symbolic("g", (n,), origin=(0,))
    assert lhs(f, g) != rhs(f, g)
    fv, gv, x = find_counterexample(lhs, rhs, n)
    left, right = np_lhs(fv, gv), np_rhs(fv, gv)
    # the numeric sides differ at the coordinate (0 outside the numeric box)
    at = lambda arr: arr[x] if 0 <= x < len(arr) else 0  # noqa: E731
    assert abs(at(left) - at(right)) > 1e-6


def test_mutant_complex_correlation_without_input_conj_is_refuted() -> None:
    f, g = Signal.symbolic("f", (3,), real=False), Signal.symbolic("g", (3,), real=False)
    assert dft(circcorr(f, g)) != conj(dft(f)) * dft(g)
    assert dft(flip(f)) != conj(dft(f))


def test_inverse_has_the_1_over_n() -> None:
    f = Signal.symbolic("f", (4,), origin=(0,))
    assert idft(dft(f)) == f
    assert idft(dft(f)) * 4 != f
    assert conj(dft(conj(dft(f)))) / 4 == f


# --- mixing lengths, errors, display -------------------------------------------------------


def test_spectra_of_different_lengths_combine_in_the_lcm_field() -> None:
    f = Signal.symbolic("f", (4,), origin=(0,))
    g = Signal.symbolic("g", (6,), origin=(0,))
    product = dft(f, 12) * dft(g, 12)
    assert product == dft(circconv(f, g, (12,)))
    x, y = rng_ints((4,), 1), rng_ints((6,), 2)
    mixed = dft(exact(x, (0,))) * dft(exact(y, (0,)))  # Q(ζ_4) times Q(ζ_6): in Q(ζ_12)
    assert mixed.domain.order == 12
    expected = np.fft.fft(x, 6) * 0
    expected[:4] = np.fft.fft(x)
    expected *= np.fft.fft(y)
    expected[4:] = 0  # the product of the boxes 0..3 and 0..5 is zero beyond 3
    np.testing.assert_allclose(complex_values(mixed)[:4], expected[:4], atol=1e-9)


def test_bad_arguments_are_one_line_errors() -> None:
    f = Signal.symbolic("f", (4,))
    with pytest.raises(ShapeError, match="DFT sizes"):
        dft(f, 4, 4)
    with pytest.raises(ShapeError, match="sign"):
        dft(f, sign=0)
    with pytest.raises(UnknownNameError, match="norm"):
        dft(f, norm="unit")
    with pytest.raises(ShapeError, match="size 0"):
        dft(f, 0)


@pytest.mark.parametrize("n", [3, 5, 8])
@pytest.mark.parametrize("form", ["omega", "trig"])
def test_display_forms_evaluate_to_the_numeric_dft(n: int, form: str) -> None:
    x = rng_ints((n,), RNG_SEED + n)
    shown = Spectrum(dft(exact(x)), form).to_matrix()
    omega = sympy.exp(-2 * sympy.pi * sympy.I / n)
    values = [complex(sympy.N(e.subs(sympy.Symbol(f"omega_{n}"), omega))) for e in shown]
    np.testing.assert_allclose(values, np.fft.fft(x), atol=1e-9)


def test_latex_of_symbolic_spectrum() -> None:
    text = symbolic_spectrum(4)._latex()
    assert r"\omega_{4}" in text and text.count("&=") == 4
    assert r"\cos" in symbolic_spectrum(3, form="trig")._latex()
    assert symbolic_spectrum(3)._repr_latex_().startswith("$")


def test_cli_dft(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dft", "--size", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "F(0) = f[0] + f[1] + f[2]" and "omega_3" in out[1]
    assert main(["dft", "--size", "2", "--dim", "2", "--latex"]) == 0
    assert capsys.readouterr().out.count("&=") == 4
    assert main(["dft", "--size", "4", "--form", "trig"]) == 0
    assert "sin" in capsys.readouterr().out


def test_cli_dft_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dft", "--size", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symconv: error:") and err.count("\n") == 1
    assert main(["dft", "--size", "20", "--dim", "2"]) == 2
    assert "at most" in capsys.readouterr().err


def test_claim_file_parses_with_holds_and_fails() -> None:
    claims = load_toml(PROOFS)
    names = {c.name for c in claims}
    assert {"dft-convolution-theorem-2d", "mutant-linear-conv-by-dft-one-short"} <= names
    assert all(c.expect == ("fails" if c.name.startswith("mutant") else "holds") for c in claims)


def test_exact_dft_refuses_work_it_cannot_finish() -> None:
    from symconv.core.fourier import MAX_EXACT_DFT_WORK
    from symconv.errors import SizeLimitError

    with pytest.raises(SizeLimitError, match=str(MAX_EXACT_DFT_WORK)):
        dft(Signal.symbolic("f", (45, 45), origin=(0, 0)))


def test_spectrum_terms_are_shown_in_index_order() -> None:
    # SymPy's printer would sort f[10] before f[2]; a student reads f[0] + f[1] + ... + f[11]
    text = str(symbolic_spectrum(12)).splitlines()
    assert text[0] == "F(0) = " + " + ".join(f"f[{i}]" for i in range(12))
    assert text[6].startswith("F(6) = f[0] - f[1] + f[2] - f[3]")
    latex = symbolic_spectrum(12)._latex()
    assert latex.index("{f}_{2}") < latex.index("{f}_{10}")
