"""CNN-layer claims through apps.cnn's layers: stride, dilation, groups, one learning step.

The strided, dilated and padded identities are also statements of the language, proved for
all sizes in proofs/cnn_strided.toml (downsample, upsample); these procedures check
apps.cnn's own implementation of them.  Groups and the learning step need channels.

Run with ``symconv verify --allow-python proofs/cnn_layers.py``.  Each procedure
receives the declared signals (symbolic entries) and returns the two sides; the
exact tier compares them as canonical polynomials.  ``g`` stands for dL/dy and
is placed on the layer's output box.
"""

from __future__ import annotations

import numpy as np

from symconv.apps import cnn
from symconv.core.algebra import Polynomial
from symconv.lang.claims import python_claim
from symconv.core.signal import Signal

STRIDED = {"stride": 2, "padding": 1, "dilation": 2}


def _channels(s: Signal) -> np.ndarray:
    """A 2D signal as a one-channel input (1, H, W)."""
    return s.entries[None]


def _weights(s: Signal) -> np.ndarray:
    """A 2D signal as the weights of a one-in, one-out layer (1, 1, kH, kW)."""
    return s.entries[None, None]


def _on_output(g: Signal, y: np.ndarray) -> np.ndarray:
    """g's entries over the output box of y (zero-filled or cropped when sizes differ)."""
    if g.ndim == y.ndim:
        return g.embed(g.origin, y.shape)
    return g.embed(g.origin, y.shape[1:])[None]


def _loss_and_input_term(x: Signal, W: Signal, g: Signal, flip: bool,
                         **settings: int) -> tuple[Polynomial, Polynomial]:
    X, K = _channels(x), _weights(W)
    y = cnn.layer(X, K, **settings)
    G = _on_output(g, y)
    backward = cnn.grad_input(G, cnn.flip_kernels(K) if flip else K, X.shape, **settings)
    return cnn.inner(y, G), cnn.inner(X, backward)


@python_claim("cnn-grad-input-stride-dilation-padding", {"x": "7x7", "W": "2x3", "g": "4x3"})
def grad_input_strided(x: Signal, W: Signal, g: Signal) -> tuple[Polynomial, Polynomial]:
    """<layer(x), g> == <x, conv_transpose(g)>: dL/dx is the transposed layer, s=2, p=1, d=2."""
    return _loss_and_input_term(x, W, g, flip=False, **STRIDED)


@python_claim("cnn-grad-input-stride-dilation-unflipped", {"x": "7x7", "W": "2x3", "g": "4x3"},
              expect="fails")
def grad_input_strided_unflipped(x: Signal, W: Signal, g: Signal) -> tuple[Polynomial, Polynomial]:
    """The transposed layer with flipped weights (correlation instead of convolution) is wrong."""
    return _loss_and_input_term(x, W, g, flip=True, **STRIDED)


@python_claim("cnn-grad-weight-stride-dilation-padding", {"x": "7x7", "W": "2x3", "g": "4x3"})
def grad_weight_strided(x: Signal, W: Signal, g: Signal) -> tuple[Polynomial, Polynomial]:
    """<layer(x), g> == <W, dL/dW> with dL/dW = corr(g spread by the stride, padded x)."""
    X, K = _channels(x), _weights(W)
    y = cnn.layer(X, K, **STRIDED)
    G = _on_output(g, y)
    return cnn.inner(y, G), cnn.inner(K, cnn.grad_weight(X, G, K.shape, **STRIDED))


@python_claim("cnn-grad-input-groups", {"x": "4x4x4", "W": "4x2x2x2", "g": "4x2x2"})
def grad_input_groups(x: Signal, W: Signal, g: Signal) -> tuple[Polynomial, Polynomial]:
    """Two groups, stride 2: the transposed grouped layer is the adjoint."""
    settings = {"stride": 2, "groups": 2}
    y = cnn.layer(x.entries, W.entries, **settings)
    G = _on_output(g, y)
    return cnn.inner(y, G), cnn.inner(x.entries, cnn.grad_input(G, W.entries, x.shape,
                                                                 **settings))


def _one_step(x: Signal, W0: np.ndarray, t: Signal, eta: Polynomial, op: str) -> np.ndarray:
    """W0 - eta dL/dW for L = 1/2 sum (layer(x) - t)^2."""
    X = _channels(x)
    y = cnn.layer(X, W0, op=op)
    residual = y - _on_output(t, y)
    return W0 - cnn.grad_weight(X, residual, W0.shape, op=op) * eta


@python_claim("cnn-learning-one-step-flip-equivariant",
              {"x": "5x5", "W": "3x3", "t": "3x3", "eta": "1"})
def learning_one_step(x: Signal, W: Signal, t: Signal, eta: Signal) -> tuple[Signal, Signal]:
    """Gradient descent from W on a correlation layer and from flip(W) on a convolution
    layer: after one step (any learning rate eta, any targets t) the weights are flips."""
    rate = eta.entries.flat[0]
    corr_step = _one_step(x, _weights(W), t, rate, "corr")
    conv_step = _one_step(x, cnn.flip_kernels(_weights(W)), t, rate, "conv")
    return Signal(cnn.flip_kernels(conv_step)[0, 0]), Signal(corr_step[0, 0])


@python_claim("cnn-learning-one-step-without-flipped-start",
              {"x": "5x5", "W": "3x3", "t": "3x3", "eta": "1"}, expect="fails")
def learning_one_step_unflipped(x: Signal, W: Signal, t: Signal,
                                eta: Signal) -> tuple[Signal, Signal]:
    """Started from the same W, the two layer types do not stay flip-related."""
    rate = eta.entries.flat[0]
    corr_step = _one_step(x, _weights(W), t, rate, "corr")
    conv_step = _one_step(x, _weights(W), t, rate, "conv")
    return Signal(cnn.flip_kernels(conv_step)[0, 0]), Signal(corr_step[0, 0])
