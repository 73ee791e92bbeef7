"""The ``lecture`` report (beamer slides): every number on a slide is computed here.

* a sliding-window animation of correlation and of convolution on a small
  grid, one window position per overlay, with the running sum;
* the flip as a picture (entries of ``flip(F)`` from :func:`symconv.ops.flip`);
* the source's Gaussian /273 and the emboss kernel applied to matplotlib's
  sample portrait by conv and by corr, with the difference;
* which libraries flip (:func:`symconv.identify.which_libraries_flip`);
* measured time of direct vs FFT convolution against kernel size;
* exercises whose solutions come from the engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from matplotlib.cbook import get_sample_data
from matplotlib.figure import Figure
from matplotlib.image import imread

from symconv import cnn
from symconv.derive import ExpandedForm, hadamard_form
from symconv.errors import ReportError
from symconv.identify import which_libraries_flip
from symconv.kernels import get_kernel, integer_weights
from symconv.ops import conv, corr, flip, transpose
from symconv.report.checks import check
from symconv.report.figures import FigureFolder
from symconv.report.spec import ReportSpec
from symconv.signal import Signal

# The animation's grid: small integers so the products can be checked mentally.
WINDOW_IMAGE = ((1, 2, 0, 1), (3, 1, 2, 0), (0, 2, 1, 3), (1, 0, 2, 1))
WINDOW_KERNEL = ((0, 1, 2), (0, 1, 0), (1, 0, 0))  # not centrosymmetric: conv != corr
PORTRAIT = "grace_hopper.jpg"
PORTRAIT_STEP = 3  # keep every 3rd pixel: a 5x5 blur is then visible on a slide
TIMING_IMAGE_SIDE = 128
TIMING_REPEATS = 3
CELL = 0.75  # cm: side of a TikZ grid cell on the slides


def cell_at(x0: float, y0: float, row: int, col: int, width: float = CELL,
            height: float = CELL) -> str:
    """TikZ coordinate of the centre of cell (row, col) of a grid whose cell (0, 0) is at (x0, y0)."""
    return f"({x0 + col * width:.2f},{y0 - row * height:.2f})"


def cells_box(x0: float, y0: float, row: int, col: int, rows: int, cols: int) -> str:
    """TikZ rectangle around ``rows`` x ``cols`` cells starting at cell (row, col)."""
    half = CELL / 2
    return (f"({x0 + col * CELL - half:.2f},{y0 - row * CELL + half:.2f}) rectangle "
            f"({x0 + (col + cols - 1) * CELL + half:.2f},{y0 - (row + rows - 1) * CELL - half:.2f})")


@dataclass(frozen=True)
class WindowFrame:
    """One window position: the kernel as laid over the window, the products and their sum."""

    position: tuple[int, int]
    laid_kernel: tuple[tuple[int, ...], ...]
    products: tuple[tuple[int, int], ...]
    value: int

    @property
    def running_sums(self) -> list[int]:
        """The sum after each product, in the order of the window's cells."""
        sums, total = [], 0
        for weight, pixel in self.products:
            total += weight * pixel
            sums.append(total)
        return sums

    def _latex(self, printer: Any = None) -> str:
        return self.sum_latex()

    def _repr_latex_(self) -> str:
        return f"${self._latex()}$"

    def sum_latex(self) -> str:
        terms = " + ".join(rf"{k}\cdot {v}" for k, v in self.products)
        return f"{terms} = {self.value}".replace("+ -", "- ")


def _int(value: Any) -> int:
    number = value.constant_value() if hasattr(value, "constant_value") else value
    return int(number)


def sliding_frames(op: str) -> list[WindowFrame]:
    """The frames of the animation, from the Hadamard form at each valid position.

    Each frame's sum is checked against :func:`symconv.ops.conv`/``corr`` in
    ``valid`` mode, so the slide cannot show a value the engine disagrees with.
    """
    kernel = Signal.literal([list(r) for r in WINDOW_KERNEL], origin=(-1, -1))
    image = Signal.literal([list(r) for r in WINDOW_IMAGE], origin=(0, 0))
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


def flip_picture() -> dict[str, Any]:
    """LaTeX of the entries of F and flip(F), 3x3, row by row."""
    F = Signal.symbolic("F", (3, 3))
    flipped = flip(F)
    coords = [[(i, j) for j in range(-1, 2)] for i in range(-1, 2)]
    return {
        "original": [[F.value_at(c)._latex() for c in row] for row in coords],
        "flipped": [[flipped.value_at(c)._latex() for c in row] for row in coords],
    }


def _portrait() -> np.ndarray:
    """Matplotlib's sample portrait as an integer grey image (0..255)."""
    rgb = imread(get_sample_data(PORTRAIT, asfileobj=False), format="jpg")
    grey = rgb[..., :3].astype(np.int64) @ np.array([299, 587, 114]) // 1000
    return np.asarray(grey[::PORTRAIT_STEP, ::PORTRAIT_STEP], dtype=np.int64)


def _filtered(weights: list[list[int]], image: Signal, op: str) -> np.ndarray:
    """``op`` of the integer weights with the image ('same' mode, reflect), exact integers."""
    origin = (-(len(weights) // 2), -(len(weights[0]) // 2))
    kernel = Signal.from_array(np.array(weights, dtype=np.int64), origin=origin)
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
        kernel = get_kernel(name)
        scale = (0, 255 * divisor) if name == "gaussian5" else (None, None)
        examples[name] = {
            "weights": sympy.latex(sympy.Matrix(weights)),
            "divisor": divisor,
            "centrosymmetric": flip(kernel) == kernel,
            "transpose_symmetric": transpose(kernel) == kernel,
            "max_difference": Fraction(int(np.abs(difference).max()), divisor),
            "identical": bool(np.array_equal(by_conv, by_corr)),
            "conv": figures.save_image(by_conv, f"{name}-conv.png", vmin=scale[0], vmax=scale[1]),
            "corr": figures.save_image(by_corr, f"{name}-corr.png", vmin=scale[0], vmax=scale[1]),
            "difference": figures.save_image(difference, f"{name}-difference.png", cmap="RdBu",
                                             vmin=-float(np.abs(difference).max() or 1),
                                             vmax=float(np.abs(difference).max() or 1)),
        }
    examples["original"] = figures.save_image(portrait, "portrait.png", vmin=0, vmax=255)
    examples["shape"] = portrait.shape
    examples["step"] = PORTRAIT_STEP
    return examples


def _best_time(func: Any) -> float:
    best = float("inf")
    for _ in range(TIMING_REPEATS):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def timing_plot(sizes: tuple[int, ...], figures: FigureFolder) -> dict[str, Any]:
    """Time direct (scipy.ndimage) vs FFT (scipy.signal.fftconvolve) convolution now; plot it.

    The crossover is the smallest measured size from which FFT is faster at
    every larger measured size (timings on a shared machine are noisy).
    """
    from scipy.ndimage import convolve as direct_convolve
    from scipy.signal import fftconvolve

    rng = np.random.default_rng(0)
    image = rng.standard_normal((TIMING_IMAGE_SIDE, TIMING_IMAGE_SIDE))
    rows = []
    for k in sizes:
        kernel = rng.standard_normal((k, k))
        direct = _best_time(lambda kernel=kernel: direct_convolve(image, kernel, mode="constant"))
        fft = _best_time(lambda kernel=kernel: fftconvolve(image, kernel, mode="same"))
        rows.append({"size": k, "direct": direct, "fft": fft})
    crossover = None
    for row in reversed(rows):
        if row["fft"] >= row["direct"]:
            break
        crossover = row["size"]
    fig = Figure(figsize=(4.6, 3.0))  # small: the slide shows it near full size
    ax = fig.add_subplot()
    ax.semilogy(sizes, [r["direct"] * 1e3 for r in rows], "o-", label="direct (scipy.ndimage)")
    ax.semilogy(sizes, [r["fft"] * 1e3 for r in rows], "s-", label="FFT (scipy.signal)")
    if crossover is not None:
        ax.axvline(crossover, color="grey", linestyle=":", label=f"FFT faster from k = {crossover}")
    ax.set_xlabel(f"kernel size k (k×k kernel, {TIMING_IMAGE_SIDE}×{TIMING_IMAGE_SIDE} image)")
    ax.set_ylabel("time (ms)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    return {"rows": rows, "crossover": crossover, "image_side": TIMING_IMAGE_SIDE,
            "plot": figures.save_figure(fig, "direct-vs-fft.png")}


def _values_1d(label: str, signal: Signal) -> str:
    """``label(a), ..., label(b) = v_a, ..., v_b`` for a 1D signal: its indices, as in the source."""
    first, count = signal.origin[0], signal.shape[0]
    values = r",\ ".join(sympy.latex(v) for v in signal.to_matrix())
    if count <= 3:
        points = r",\ ".join(f"{label}({first + k})" for k in range(count))
    else:
        points = rf"{label}({first}), \dots, {label}({first + count - 1})"
    return f"{points} = {values}"


def exercises() -> list[dict[str, Any]]:
    """Exercises with solutions computed by the engine."""
    kernel = Signal.literal([1, 2, -1], origin=(-1,))
    signal = Signal.literal([2, 0, 1, 3], origin=(0,))
    associative = check("corr-associative", "corr(F, corr(G, I)) == corr(corr(F, G), I)",
                        {"F": "2", "G": "2", "I": "2"}, "fails")
    emboss = check("conv-vs-corr-emboss", "conv(F, I) == corr(F, I)",
                   {"F": "emboss", "I": "3x3"}, "fails")
    return [
        {"question": rf"${_values_1d('F', kernel)}$ and ${_values_1d('I', signal)}$, zero "
                     r"elsewhere.  Compute $F\circ I$ and $F\ast I$ on all of $\mathbb{Z}$.",
         "solution": "$" + _values_1d(r"(F\circ I)", corr(kernel, signal).trim()) + r"$\\"
                     + "$" + _values_1d(r"(F\ast I)", conv(kernel, signal).trim())
                     + "$, zero elsewhere."},
        {"question": r"Is correlation associative?  Compare $F\circ(G\circ I)$ with "
                     r"$(F\circ G)\circ I$ on signals of length 2.",
         "solution": associative},
        {"question": r"The emboss kernel equals its transpose.  Does $F\ast I = F\circ I$ "
                     r"for it?",
         "solution": emboss},
        {"question": r"Write $(F\ast I)(x,y)$ for a $3\times 3$ filter as the sum of a "
                     r"Hadamard product.",
         "solution": "$" + ExpandedForm.build("conv", 3, 2)._latex() + "$"},
    ]


def context(spec: ReportSpec, figures: FigureFolder) -> dict[str, Any]:
    """Values for ``lecture.tex``."""
    return {
        "window_image": WINDOW_IMAGE,
        "window_kernel": WINDOW_KERNEL,
        "frames": {"corr": sliding_frames("corr"), "conv": sliding_frames("conv")},
        "flip": flip_picture(),
        "images": image_examples(figures),
        "libraries": which_libraries_flip(),
        "cnn": cnn.report_data(),
        "timing": timing_plot(spec.timing_sizes, figures),
        "exercises": exercises(),
        "solutions": spec.solutions,
        "cell_at": cell_at,
        "cells_box": cells_box,
    }
