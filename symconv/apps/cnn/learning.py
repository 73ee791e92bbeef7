"""Learning with a correlation layer from W0 and a convolution layer from flip(W0): one
symbolic gradient step, exactly, and many in floating point."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from symconv.apps.cnn.backprop import _DisplaySymbols, _gradient_by_diff
from symconv.apps.cnn.layers import flip_kernels, grad_weight, layer, symbolic_tensor
from symconv.core.algebra import Polynomial, real_generator
from symconv.errors import SizeLimitError, SymconvError

# Numeric gradient-descent steps of learning_equivalence (about 7 ms each, three runs).
MAX_LEARN_STEPS = 2_000

# --- learning equivalence --------------------------------------------------------------------


@dataclass
class OneStepResult:
    """One gradient step, symbolic in x, targets, W0 and the learning rate eta."""

    outputs_equal: bool  # conv layer with flip(W0) computes what corr layer with W0 computes
    weights_flip_related: bool  # W1_conv == flip(W1_corr), entry by entry
    entries: int
    seconds: float

    @property
    def holds(self) -> bool:
        return self.outputs_equal and self.weights_flip_related


def one_step_equivalence(input_size: Sequence[int] = (4, 4), kernel: Sequence[int] = (3, 3)
                         ) -> OneStepResult:
    """W1 = W0 - eta dL/dW for L = ½ sum (y - t)^2, gradients by sympy.diff, exact comparison.

    The correlation layer starts from symbolic W0, the convolution layer from
    independent symbolic V, into whose gradient V = flip(W0) is substituted.
    """
    start = time.perf_counter()
    x = symbolic_tensor("x", (1, *input_size))
    W0 = symbolic_tensor("W", (1, 1, *kernel))
    V = symbolic_tensor("V", (1, 1, *kernel))
    eta = Polynomial.from_generator(real_generator("eta", (0,)))
    y_corr, y_conv = layer(x, W0, op="corr"), layer(x, V, op="conv")
    t = symbolic_tensor("t", y_corr.shape)
    flipped = flip_kernels(W0)
    rename = {next(iter(v.generators())): w for v, w in zip(V.flat, flipped.flat, strict=True)}

    def substitute(p: Polynomial) -> Polynomial:
        return p.substitute(rename.get)

    outputs_equal = all(substitute(a) == b for a, b in zip(y_conv.flat, y_corr.flat, strict=True))

    names = _DisplaySymbols()

    def loss(y: np.ndarray) -> sympy.Expr:
        half = sympy.Rational(1, 2)
        return half * sympy.Add(*(names.expr(y[p] - t[p]) ** 2 for p in np.ndindex(*y.shape)))

    step_corr = W0 - eta * _gradient_by_diff(loss(y_corr), W0, names)
    step_conv = flipped - eta * np.vectorize(substitute, otypes=[object])(
        _gradient_by_diff(loss(y_conv), V, names))
    related = all(a == b for a, b in zip(step_conv.flat, flip_kernels(step_corr).flat,
                                         strict=True))
    return OneStepResult(outputs_equal, related, int(W0.size), time.perf_counter() - start)


@dataclass
class Trajectory:
    """Gradient descent on ½ mean (y - t)^2 for one single-channel layer (numeric)."""

    op: str
    weights: list[np.ndarray]  # W_0 .. W_steps, each (k, k)
    losses: list[float]


def train(op: str, W0: np.ndarray, images: Sequence[np.ndarray], targets: Sequence[np.ndarray],
          learning_rate: float, steps: int) -> Trajectory:
    """Plain gradient descent with the closed-form weight gradient."""
    W = np.asarray(W0, dtype=np.float64)[None, None]
    weights, losses = [W[0, 0].copy()], []
    for _ in range(steps):
        grad = np.zeros_like(W)
        loss = 0.0
        for x, t in zip(images, targets, strict=True):
            y = layer(x[None], W, op=op)
            residual = (y - t[None]) / len(images)
            loss += 0.5 * float(np.sum((y - t[None]) ** 2)) / len(images)
            grad += grad_weight(x[None], residual, W.shape, op=op)
        W = W - learning_rate * grad
        weights.append(W[0, 0].copy())
        losses.append(loss)
    return Trajectory(op, weights, losses)


@dataclass
class LearningReport:
    """Correlation from W0 vs convolution from flip(W0) (and from W0, the counterexample)."""

    steps: int
    target_kernel: np.ndarray
    max_flip_difference: float  # max over steps of |W_conv - flip(W_corr)|, flipped start
    max_unflipped_difference: float  # the same with the convolution layer started from W0
    first_step_difference: float  # |W_conv - flip(W_corr)| after one step, unflipped start
    final_unflipped_difference: float  # ... after the last step (convex task: both converge)
    final_loss_corr: float
    final_loss_conv: float
    learned_corr: np.ndarray
    learned_conv: np.ndarray
    seconds: float
    exact_counterexample: str = field(default="")

    def summary(self) -> str:
        return "\n".join([
            f"gradient descent, {self.steps} steps, learning the correlation kernel",
            f"{np.array2string(self.target_kernel)}",
            f"corr from W0 vs conv from flip(W0): max |W_conv - flip(W_corr)| = "
            f"{self.max_flip_difference:.3g} over all steps",
            "corr from W0 vs conv from W0 (no flip): max difference "
            f"{self.max_unflipped_difference:.3g}, after the first step "
            f"{self.first_step_difference:.3g}, after the last "
            f"{self.final_unflipped_difference:.3g} (a convex task: both reach the same minimum)",
            f"final loss: corr {self.final_loss_corr:.3g}, conv {self.final_loss_conv:.3g}",
            f"learned by corr (rounded):\n{np.array2string(np.round(self.learned_corr, 3))}",
            f"learned by conv (rounded):\n{np.array2string(np.round(self.learned_conv, 3))}",
            f"exact counterexample: {self.exact_counterexample}",
            f"({self.seconds:.2f} s)",
        ])

    def _latex(self, printer: Any = None) -> str:
        return (rf"\max_t \lVert W^{{conv}}_t - \operatorname{{flip}}(W^{{corr}}_t)\rVert_\infty"
                rf" = {self.max_flip_difference:.3g}\ \text{{({self.steps} steps)}}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


def learning_equivalence(steps: int = 200, learning_rate: float = 0.002, seed: int = 0,
                         target: np.ndarray | None = None, image_size: int = 8,
                         samples: int = 4) -> LearningReport:
    """Learn an edge detector (Sobel x by default) with both layer types; compare weights."""
    start = time.perf_counter()
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_LEARN_STEPS:
        raise SizeLimitError(f"steps {steps!r}; expected an integer from 1 to {MAX_LEARN_STEPS}")
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise SymconvError(f"learning rate {learning_rate!r}; expected a positive finite number")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SymconvError(f"seed {seed!r}; expected a non-negative integer")
    rng = np.random.default_rng(seed)
    kernel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64) if target is None \
        else np.asarray(target, dtype=np.float64)
    images = [rng.integers(-3, 4, (image_size, image_size)).astype(np.float64)
              for _ in range(samples)]
    targets = [layer(x[None], kernel[None, None])[0] for x in images]
    W0 = rng.normal(size=kernel.shape)
    with np.errstate(all="ignore"):
        corr_run = train("corr", W0, images, targets, learning_rate, steps)
        conv_run = train("conv", W0[::-1, ::-1], images, targets, learning_rate, steps)
        unflipped = train("conv", W0, images, targets, learning_rate, steps)
    runs = (corr_run, conv_run, unflipped)
    if not all(np.isfinite(w).all() for run in runs for w in run.weights):
        raise SymconvError(f"gradient descent with learning rate {learning_rate:g} diverges "
                           "(the weights overflow); use a smaller learning rate")

    def max_difference(run: Trajectory) -> float:
        return max(float(np.max(np.abs(w - c[::-1, ::-1])))
                   for w, c in zip(run.weights, corr_run.weights, strict=True))

    return LearningReport(
        steps, kernel, max_difference(conv_run), max_difference(unflipped),
        float(np.max(np.abs(unflipped.weights[1] - corr_run.weights[1][::-1, ::-1]))),
        float(np.max(np.abs(unflipped.weights[-1] - corr_run.weights[-1][::-1, ::-1]))),
        corr_run.losses[-1], conv_run.losses[-1], corr_run.weights[-1], conv_run.weights[-1],
        time.perf_counter() - start, exact_counterexample(),
    )


def exact_counterexample() -> str:
    """One exact step from the same W0 for both layers: the weights are not flip-related."""
    x = np.array([[[1, 2, 0], [0, 1, 3], [2, 0, 1]]], dtype=object)
    W0 = np.array([[[[1, 0], [2, 1]]]], dtype=object)
    t = np.array([[[1, 0], [0, 1]]], dtype=object)
    eta = Fraction(1, 10)

    def step(op: str) -> np.ndarray:
        Wx = _exactify(W0)
        y = layer(_exactify(x), Wx, op=op)
        return Wx - grad_weight(_exactify(x), y - _exactify(t), W0.shape, op=op) * \
            Polynomial.from_number(eta)

    corr_w, conv_w = step("corr"), flip_kernels(step("conv"))
    for pos in np.ndindex(*corr_w.shape):
        a: Any = corr_w[pos]
        b: Any = conv_w[pos]
        if a != b:
            return (f"x = {x[0].tolist()}, W0 = {W0[0, 0].tolist()}, t = {t[0].tolist()}, "
                    f"eta = 1/10: after one step flip(W_conv)[{', '.join(map(str, pos[2:]))}] = "
                    f"{b.constant_value()} but W_corr = {a.constant_value()}")
    return "none found (W0 is centrosymmetric)"


def _exactify(a: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: v if isinstance(v, Polynomial) else Polynomial.from_number(v),
                        otypes=[object])(a)
