"""The ``lecture`` report: a 50-minute beamer deck, every number on a slide computed here.

The identities the slides display are ``[[claim]]`` tables of the lecture's
specification (``symconv/report/specs/lecture.toml``), verified by the build
and rendered with ``formula(name)``.  This module computes the rest:

* the sliding window (one overlay per output cell, products written in the
  window) and both results side by side, from :func:`symconv.apps.expanded.hadamard_form`
  checked against :mod:`symconv.core.ops`;
* the flip in two steps (rows, then columns), from :func:`symconv.core.ops.flip`;
* the Gaussian /273 and the emboss kernel on matplotlib's sample portrait;
* the matrix view (Toeplitz, circulant, the DFT diagonalising it), from
  :mod:`symconv.apps.matrices`;
* padding, stride and dilation pictures whose footprints are read off
  :func:`symconv.apps.cnn.layer` with impulses, shapes by the output-size law;
* backprop checks and the filters learned by a conv and a corr layer;
* which libraries flip (:mod:`symconv.report.library_table`);
* direct vs FFT timings (:mod:`symconv.report.timings`, cached per machine);
* the source's index slips (:func:`symconv.report.source_matrices.audit_matrix`);
* exercises with worked solutions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from matplotlib.cbook import get_sample_data
from matplotlib.figure import Figure
from matplotlib.image import imread
from sympy.parsing.sympy_parser import parse_expr

from symconv.apps import cnn
from symconv.apps.expanded import ExpandedForm, hadamard_form
from symconv.apps.matrices import (
    circulant_matrix,
    conv_matrix,
    corr_matrix,
    dft_matrix,
    diagonal_matrix,
    idft_matrix,
)
from symconv.core.fourier import dft, idft
from symconv.core.kernels import get_kernel, integer_weights
from symconv.core.ops import circconv, conv, corr, flip, periodize, transpose, zeropad
from symconv.core.signal import Signal
from symconv.errors import ReportError
from symconv.report.cnn_section import cnn_data, grouped_layers
from symconv.report.condense import definition_latex
from symconv.report.figures import FigureFolder
from symconv.report.library_table import library_rows
from symconv.report.source_matrices import audit_matrix
from symconv.report.spec import ReportSpec
from symconv.report.timings import timing_plot

# The sliding-window example: conv and corr differ at all 9 valid outputs, and
# neither result is the transpose or the flip of the other.
WINDOW_IMAGE = ((3, 2, 2, 1, 1), (0, 0, 0, 0, 3), (2, 3, 2, 2, 3), (2, 2, 2, 2, 3),
                (1, 3, 2, 0, 1))
WINDOW_KERNEL = ((2, 0, 1), (0, 1, 0), (0, 0, 0))
PORTRAIT = "grace_hopper.jpg"
PORTRAIT_STEP = 3  # keep every 3rd pixel: a 5x5 blur is then visible on a slide
# (name, input size, kernel, stride, padding, dilation) of the layer pictures
LAYER_PICTURES = (
    ("padding", 3, 3, 1, 1, 1),
    ("stride", 5, 3, 2, 0, 1),
    ("dilation", 6, 3, 1, 0, 2),
)
# The aliasing picture: lengths 3 and 5, full result of length 7, DFTs of length 6.
ALIAS_A, ALIAS_B, ALIAS_PERIOD = (1, 2, 3), (1, 0, 2, 0, 1), 6
CIRCULANT_PERIOD = 4


@dataclass(frozen=True)
class WindowFrame:
    """One window position: the kernel as laid over the window, the products and their sum."""

    position: tuple[int, int]
    laid_kernel: tuple[tuple[int, ...], ...]
    products: tuple[tuple[int, int], ...]
    value: int

    def sum_latex(self) -> str:
        terms = " + ".join(rf"{k}\cdot {v}" for k, v in self.products)
        return f"{terms} = {self.value}".replace("+ -", "- ")


def _int(value: Any) -> int:
    number = value.constant_value() if hasattr(value, "constant_value") else value
    return int(number)


def _window_signals() -> tuple[Signal, Signal]:
    kernel = Signal.literal([list(r) for r in WINDOW_KERNEL], origin=(-1, -1))
    image = Signal.literal([list(r) for r in WINDOW_IMAGE], origin=(0, 0))
    return kernel, image


def sliding_frames(op: str) -> list[WindowFrame]:
    """The frames of the animation, from the Hadamard form at each valid position.

    Each frame's sum is checked against :func:`symconv.core.ops.conv`/``corr`` in
    ``valid`` mode, so the slide cannot show a value the engine disagrees with.
    """
    kernel, image = _window_signals()
    operation = conv if op == "conv" else corr
    expected = operation(kernel, image, mode="valid")
    F, I = sympy.IndexedBase("F", real=True), sympy.IndexedBase("I", real=True)
    frames = []
    for x, y in expected.coordinates():
        form = hadamard_form(op, 3, 2, at=(x, y))
        laid, products = [], []
        for row in range(3):
            laid_row = []
            for col in range(3):
                factors = {str(a.base): a for a in form[row, col].args}
                f_index = tuple(int(v) for v in factors[str(F)].indices)
                i_index = tuple(int(v) for v in factors[str(I)].indices)
                weight = _int(kernel.value_at(f_index))
                laid_row.append(weight)
                products.append((weight, _int(image.value_at(i_index))))
            laid.append(tuple(laid_row))
        value = sum(k * v for k, v in products)
        if value != _int(expected.value_at((x, y))):
            raise ReportError(f"{op} at {(x, y)}: the Hadamard sum {value} disagrees with "
                              f"symconv.ops ({expected.value_at((x, y))})")
        frames.append(WindowFrame((x, y), tuple(laid), tuple(products), value))
    return frames


def _rows(signal: Signal) -> list[list[int]]:
    return [[_int(v) for v in row] for row in signal.entries.tolist()]


def window_example() -> dict[str, Any]:
    """The sliding window's data and both valid results side by side."""
    kernel, image = _window_signals()
    by_corr = corr(kernel, image, mode="valid")
    by_conv = conv(kernel, image, mode="valid")
    corr_rows, conv_rows = _rows(by_corr), _rows(by_conv)
    differ = [[a != b for a, b in zip(r, s, strict=True)] for r, s in zip(corr_rows, conv_rows,
                                                                          strict=True)]
    return {
        "image": [list(r) for r in WINDOW_IMAGE],
        "kernel": [list(r) for r in WINDOW_KERNEL],
        "flipped": _rows(flip(kernel)),
        "frames": {"corr": sliding_frames("corr"), "conv": sliding_frames("conv")},
        "corr": corr_rows,
        "conv": conv_rows,
        "flipped_corr": _rows(corr(flip(kernel), image, mode="valid")),
        "differ": differ,
        "differ_count": sum(map(sum, differ)),
        "outputs": by_corr.entries.size,
    }


def flip_steps() -> dict[str, Any]:
    """F, F with its rows reversed, then its columns: the last is flip(F) (checked)."""
    F = Signal.symbolic("F", (3, 3))
    rows_reversed = flip(F, 0)
    both = flip(rows_reversed, 1)
    if both != flip(F):
        raise ReportError("reversing rows then columns is not flip(F)")

    def cells(signal: Signal) -> list[list[str]]:
        return [[v._latex() for v in row] for row in signal.entries.tolist()]

    return {"original": cells(F), "rows": cells(rows_reversed), "flipped": cells(both)}


def _portrait() -> np.ndarray:
    """Matplotlib's sample portrait as an integer grey image (0..255)."""
    rgb = imread(get_sample_data(PORTRAIT, asfileobj=False), format="jpg")
    grey = rgb[..., :3].astype(np.int64) @ np.array([299, 587, 114]) // 1000
    return np.asarray(grey[::PORTRAIT_STEP, ::PORTRAIT_STEP], dtype=np.int64)


def _filtered(weights: list[list[int]], image: Signal, op: str) -> np.ndarray:
    """``op`` of the integer weights with the image ('same' mode, reflect), exact integers."""
    kernel = Signal.from_array(np.array(weights, dtype=np.int64))  # centred
    operation = conv if op == "conv" else corr
    result = operation(kernel, image, mode="same", boundary="reflect")
    return np.asarray(result.entries, dtype=np.int64)


def image_examples(figures: FigureFolder) -> dict[str, Any]:
    """Gaussian /273 (centrosymmetric) and emboss (not) on the portrait, by conv and corr."""
    portrait = _portrait()
    image = Signal.from_array(portrait, origin=(0, 0))
    examples: dict[str, Any] = {}
    for name in ("gaussian5", "emboss"):
        weights, divisor = integer_weights(name)
        by_conv = _filtered(weights, image, "conv")
        by_corr = _filtered(weights, image, "corr")
        difference = by_conv - by_corr
        largest = int(np.abs(difference).max())
        scale = (0, 255 * divisor) if name == "gaussian5" else (None, None)
        examples[name] = {
            "weights": sympy.latex(sympy.Matrix(weights)),
            "divisor": divisor,
            "max_difference": Fraction(largest, divisor),
            "conv": figures.save_image(by_conv, f"{name}-conv.png", vmin=scale[0], vmax=scale[1]),
            "corr": figures.save_image(by_corr, f"{name}-corr.png", vmin=scale[0], vmax=scale[1]),
            "difference": figures.save_image(difference, f"{name}-difference.png", cmap="RdBu",
                                             vmin=-float(largest or 1), vmax=float(largest or 1)),
        }
    examples["original"] = figures.save_image(portrait, "portrait.png", vmin=0, vmax=255)
    examples["shape"] = portrait.shape
    examples["step"] = PORTRAIT_STEP
    return examples


def kernel_table() -> list[dict[str, Any]]:
    """Named kernels with their symmetries, computed (the slide's claims name the same ones)."""
    rows = []
    for name in ("gaussian5", "emboss", "sobel_x"):
        kernel = get_kernel(name)
        weights, divisor = integer_weights(name)
        rows.append({"name": name, "weights": sympy.latex(sympy.Matrix(weights)),
                     "rows": r" \\ ".join(" & ".join(str(w) for w in row) for row in weights),
                     "divisor": divisor, "transpose_symmetric": transpose(kernel) == kernel,
                     "centrosymmetric": flip(kernel) == kernel})
    return rows


def _i_for_zeta4(latex: str) -> str:
    """ζ_4 = exp(2πi/4) is i; the slides write one root of unity, ω, and i."""
    text = latex.replace(r"\zeta_{4}", "i")
    if r"\zeta" in text:
        raise ReportError(f"unexpected root of unity in {latex!r}")
    return text


def matrix_view() -> dict[str, Any]:
    """Toeplitz and circulant matrices of a 3-tap kernel, W C W^{-1} diagonal, transposes."""
    F = Signal.symbolic("F", (3,))
    toeplitz = conv_matrix(F, (4,))
    out_origin = toeplitz.rows[0]
    adjoint = corr_matrix(F, (toeplitz.shape[0],), input_origin=out_origin,
                          output_box=((0,), (4,)))
    n = CIRCULANT_PERIOD
    circulant = circulant_matrix(F, (n,))
    diagonalised = dft_matrix((n,)) @ circulant @ idft_matrix((n,))
    eigenvalues = dft(periodize(F, (n,)))
    off_diagonal = [diagonalised.entries[r, c] for r in range(n) for c in range(n) if r != c]
    return {
        "toeplitz": toeplitz._latex(),
        "toeplitz_shape": toeplitz.shape,
        "is_toeplitz": toeplitz.is_toeplitz(),
        "transpose": toeplitz.transpose()._latex(),
        "transpose_is_corr": toeplitz.transpose() == adjoint,
        "circulant": circulant._latex(),
        "is_circulant": circulant.is_circulant((n,)),
        "dft_matrix": _i_for_zeta4(dft_matrix((n,))._latex()),
        "is_diagonal": not any(off_diagonal),
        "eigenvalues": [_i_for_zeta4(v._latex()) for v in eigenvalues.entries],
        "diagonal_is_dft": diagonalised == diagonal_matrix(eigenvalues),
        "period": n,
    }


@dataclass(frozen=True)
class LayerPicture:
    """A square layer drawn as in conv_arithmetic: which padded input cells each output reads."""

    title: str
    size: int
    kernel: int
    stride: int
    padding: int
    dilation: int
    out: int
    footprints: tuple[tuple[tuple[int, int], ...], ...]  # per output cell, row-major

    @property
    def padded(self) -> int:
        return self.size + 2 * self.padding

    @property
    def positions(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(self.out) for c in range(self.out)]

    def is_padding(self, row: int, col: int) -> bool:
        low, high = self.padding, self.padding + self.size
        return not (low <= row < high and low <= col < high)


def layer_picture(title: str, size: int, kernel: int, stride: int, padding: int,
                  dilation: int) -> LayerPicture:
    """Footprints read off :func:`symconv.apps.cnn.layer` by an impulse at every padded cell.

    The layer with ``padding`` is first checked to be the layer without it on
    the zero-padded input, and its output shape against :func:`cnn.output_size`.
    """
    out = cnn.output_size(size, kernel, stride, padding, dilation)
    W = np.ones((1, 1, kernel, kernel), dtype=np.int64)
    x = np.arange(1, size * size + 1, dtype=np.int64).reshape(1, size, size)
    padded_x = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    with_padding = cnn.layer(x, W, stride=stride, padding=padding, dilation=dilation)
    if with_padding.shape != (1, out, out) or not np.array_equal(
            with_padding, cnn.layer(padded_x, W, stride=stride, dilation=dilation)):
        raise ReportError(f"{title}: the layer's padding or output size disagrees with the law")
    padded = size + 2 * padding
    cells: list[list[tuple[int, int]]] = [[] for _ in range(out * out)]
    for r in range(padded):
        for c in range(padded):
            impulse = np.zeros((1, padded, padded), dtype=np.int64)
            impulse[0, r, c] = 1
            response = cnn.layer(impulse, W, stride=stride, dilation=dilation)[0]
            for o_r, o_c in zip(*np.nonzero(response), strict=True):
                cells[int(o_r) * out + int(o_c)].append((r, c))
    return LayerPicture(title, size, kernel, stride, padding, dilation, out,
                        tuple(tuple(c) for c in cells))


def output_size_law() -> dict[str, Any]:
    """The output-size law as SymPy renders it, checked against the layer on a grid."""
    symbols = {name: sympy.Symbol(name, integer=True, positive=True) for name in "ikspd"}
    text = "floor((i + 2*p - d*(k - 1) - 1)/s) + 1"
    shown = parse_expr(text, local_dict=symbols, evaluate=False)
    law = parse_expr(text, local_dict=symbols)
    i, k, s, p, d = (symbols[name] for name in "ikspd")
    for size, kern, st, pd, dil in [(5, 3, 1, 0, 1), (7, 3, 2, 1, 2), (6, 4, 3, 2, 1)]:
        value = law.subs({i: size, k: kern, s: st, p: pd, d: dil})
        if value != cnn.output_size(size, kern, st, pd, dil):
            raise ReportError("the displayed output-size law disagrees with symconv.apps.cnn")
    problems = cnn.check_output_sizes()
    grid = 8 * 4 * 3 * 3 * 3
    return {"latex": "o = " + sympy.latex(shown, order="none"), "problems": len(problems),
            "layers": grid}


def aliasing() -> dict[str, Any]:
    """Linear convolution (length 7) and the circular one on Z_6 that the short DFT computes."""
    a = Signal.literal(list(ALIAS_A), origin=(0,))
    b = Signal.literal(list(ALIAS_B), origin=(0,))
    n = ALIAS_PERIOD
    linear = [_int(v) for v in conv(a, b).entries]
    by_dft = idft(dft(zeropad(a, n)) * dft(zeropad(b, n)))
    circular = [_int(v) for v in circconv(a, b, (n,)).entries]
    if [_int(v) for v in by_dft.entries] != circular:
        raise ReportError("the length-6 DFT route is not the circular convolution on Z_6")
    return {"a": list(ALIAS_A), "b": list(ALIAS_B), "linear": linear, "circular": circular}


def pixel_lines() -> list[str]:
    """A two-channel layer's output pixel, expanded by symconv, six terms a display line."""
    terms = sympy.latex(cnn.pixel_form(2, 0, (3, 3), (0, 0))).split(" + ")
    lines = [" + ".join(terms[k:k + 6]) for k in range(0, len(terms), 6)]
    return [line + " +" for line in lines[:-1]] + lines[-1:]


def learned_filters(figures: FigureFolder, learning: cnn.LearningReport) -> str:
    """Heat maps: the target, the corr layer's filter, the conv layer's, its flip."""
    panels = [("target: Sobel $x$", learning.target_kernel),
              ("corr layer learned", learning.learned_corr),
              ("conv layer learned", learning.learned_conv),
              ("flip(conv layer's)", learning.learned_conv[::-1, ::-1])]
    fig = Figure(figsize=(10, 2.9))
    limit = float(max(np.abs(p).max() for _, p in panels))
    for k, (label, weights) in enumerate(panels):
        ax = fig.add_subplot(1, 4, k + 1)
        ax.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (r, c), value in np.ndenumerate(weights):
            ax.text(c, r, f"{value:.2f}".replace("-0.00", "0.00"), ha="center", va="center",
                    fontsize=13, color="white" if abs(value) > 0.6 * limit else "black")
        ax.set_title(label, fontsize=14)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return figures.save_figure(fig, "learned-filters.png")


def backprop_data(figures: FigureFolder) -> dict[str, Any]:
    """Gradients checked against sympy.diff, grouped layers' gradients proved, one symbolic
    step, learned filters."""
    learning = cnn.learning_equivalence()
    data = cnn_data(learned=learning)
    data["learned_plot"] = learned_filters(figures, learning)
    data["learning"]["final_unflipped_difference"] = learning.final_unflipped_difference
    data["groups"] = grouped_layers()
    return data


def _values_1d(label: str, signal: Signal) -> str:
    """``label(a), ..., label(b) = v_a, ..., v_b`` for a 1D signal: its indices, as in the source."""
    first, count = signal.origin[0], signal.shape[0]
    values = r",\ ".join(sympy.latex(v) for v in signal.to_matrix())
    if count <= 3:
        points = r",\ ".join(f"{label}({first + k})" for k in range(count))
    else:
        points = rf"{label}({first}), \dots, {label}({first + count - 1})"
    return f"{points} = {values}"


def exercise_one() -> dict[str, Any]:
    """1D conv and corr by hand: each output as its sum, then the results."""
    kernel = Signal.literal([1, 2, -1], origin=(-1,))
    signal = Signal.literal([2, 0, 1, 3], origin=(0,))

    def sums(op: str) -> list[str]:
        result = (corr if op == "corr" else conv)(kernel, signal)
        sign = 1 if op == "corr" else -1
        lines = []
        for (x,) in result.coordinates():
            terms = [(i, _int(kernel.value_at((i,))), _int(signal.value_at((x + sign * i,))))
                     for i in range(-1, 2)]
            shown = " + ".join(rf"{f}\cdot{v}" for _, f, v in terms).replace("+ -", "- ")
            value = sum(f * v for _, f, v in terms)
            if value != _int(result.value_at((x,))):
                raise ReportError(f"exercise 1: {op} at {x} disagrees with symconv.core.ops")
            lines.append(rf"x = {x}:\ {shown} = {value}")
        return lines

    return {
        "question": rf"{_values_1d('F', kernel)}, \quad {_values_1d('I', signal)}",
        "corr_sums": sums("corr"), "conv_sums": sums("conv"),
        "corr_form": ExpandedForm.build("corr", 3, 1)._latex(),
        "conv_form": ExpandedForm.build("conv", 3, 1)._latex(),
        "corr": _values_1d(r"(F\circ I)", corr(kernel, signal).trim()),
        "conv": _values_1d(r"(F\ast I)", conv(kernel, signal).trim()),
    }


def exercise_layer() -> dict[str, Any]:
    """A layer's output size by the law, step by step, and the cells output (0, 0) reads."""
    size, kern, stride, padding, dilation = 7, 3, 2, 1, 2
    effective = cnn.effective_kernel_size(kern, dilation)
    numerator = size + 2 * padding - effective
    out = cnn.output_size(size, kern, stride, padding, dilation)
    if numerator // stride + 1 != out:
        raise ReportError("exercise: the step-by-step output size disagrees with symconv.apps.cnn")
    picture = layer_picture("exercise", size, kern, stride, padding, dilation)
    first = [(r - padding, c - padding) for r, c in picture.footprints[0]]
    return {"size": size, "kernel": kern, "stride": stride, "padding": padding,
            "dilation": dilation, "effective": effective, "numerator": numerator, "out": out,
            "first_cells": first,
            "first_real": [rc for rc in first if 0 <= rc[0] < size and 0 <= rc[1] < size]}


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``lecture.tex``."""
    return {
        "window": window_example(),
        "flip": flip_steps(),
        "definitions": {op: definition_latex(op) for op in ("corr", "conv", "flip")},
        "hadamard": {op: ExpandedForm.build(op, 3, 2)._latex() for op in ("corr", "conv")},
        "images": image_examples(figures),
        "kernels": kernel_table(),
        "matrix": matrix_view(),
        "aliasing": aliasing(),
        "layers": [layer_picture(*args) for args in LAYER_PICTURES],
        "cnn_pixel": pixel_lines(),
        "size_law": output_size_law(),
        "cnn": backprop_data(figures),
        "libraries": library_rows(),
        "timing": timing_plot(spec.timing_sizes, figures),
        "slips": [audit_matrix("corr"), audit_matrix("conv")],
        "exercise_one": exercise_one(),
        "exercise_layer": exercise_layer(),
        "solutions": spec.solutions,
    }
