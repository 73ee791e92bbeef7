"""Convolutional layers, exactly: what a CNN layer computes, its gradients, and the flip.

By job: :mod:`~symconv.apps.cnn.layers` (sizes, padding, the layer, its transpose, the
closed-form gradients), :mod:`~symconv.apps.cnn.pixel` (one output pixel expanded),
:mod:`~symconv.apps.cnn.backprop` (the gradients against ``sympy.diff``, the adjoint),
:mod:`~symconv.apps.cnn.learning` (learning from W0 and from flip(W0)) and
:mod:`~symconv.apps.cnn.grouped` (a grouped layer's closed forms as statements of the
language, one signal per channel).

A layer maps ``x`` (channels C, then spatial axes) with weights ``W`` (shape
``(O, C // groups, *kernel)``) and biases ``b`` (O) to

    y[o] = b[o] + sum_{c in group(o)} W[o, c] ⋆ x[c]

where ⋆ is correlation (``op="corr"``, what every CNN library computes) or
convolution (``op="conv"``), with stride, padding (torch's ``padding_mode`` -- zeros, reflect, replicate,
circular, with torch's meanings -- or symconv's ``boundary`` rules say how the
input is extended), dilation and groups.
All indices are array indices from 0, as in PyTorch.  The layer is built from
:func:`symconv.core.ops.corr` / :func:`symconv.core.ops.conv` in ``valid`` mode on the
padded input, with the kernel dilated and the output subsampled by the stride,
so entries are exact :class:`~symconv.core.algebra.Polynomial` objects when the
inputs are symbolic and plain numbers on the numeric path.

Closed forms (checked against ``sympy.diff`` by :func:`check_backprop`):

* dL/dx = the transposed layer applied to dL/dy (full convolution with W for
  stride 1: correlation with flip(W));
* dL/dW[o, c] = correlation of dL/dy (spread out by the stride) with the padded
  x[c], read every ``dilation`` samples;
* dL/db[o] = the sum of dL/dy[o].

>>> import numpy as np
>>> x = symbolic_tensor("x", (1, 3))
>>> W = symbolic_tensor("W", (1, 1, 2))
>>> layer(x, W)[0, 0]
Polynomial(W[0, 0, 0]*x[0, 0] + W[0, 0, 1]*x[0, 1])
"""

from symconv.apps.cnn.backprop import (
    MAX_BACKPROP_WORK,
    GradientCheck,
    check_backprop,
    inner,
)
from symconv.apps.cnn.grouped import BUNDLED_LAYERS, GroupedLayerText, claims_toml
from symconv.apps.cnn.layers import (
    LAYER_OPS,
    TORCH_PADDING_MODES,
    ZERO,
    LayerShape,
    check_output_sizes,
    conv_transpose,
    effective_kernel_size,
    flip_kernels,
    grad_bias,
    grad_input,
    grad_weight,
    layer,
    output_size,
    pad,
    padding_pairs,
    spread,
    symbolic_tensor,
    torch_boundary,
    transposed_output_size,
)
from symconv.apps.cnn.learning import (
    MAX_LEARN_STEPS,
    LearningReport,
    OneStepResult,
    Trajectory,
    exact_counterexample,
    learning_equivalence,
    one_step_equivalence,
    train,
)
from symconv.apps.cnn.pixel import (
    pixel_form,
    pixel_terms,
)

__all__ = [
    "BUNDLED_LAYERS",
    "LAYER_OPS",
    "MAX_BACKPROP_WORK",
    "MAX_LEARN_STEPS",
    "TORCH_PADDING_MODES",
    "ZERO",
    "GradientCheck",
    "GroupedLayerText",
    "LayerShape",
    "LearningReport",
    "OneStepResult",
    "Trajectory",
    "check_backprop",
    "check_output_sizes",
    "claims_toml",
    "conv_transpose",
    "effective_kernel_size",
    "exact_counterexample",
    "flip_kernels",
    "grad_bias",
    "grad_input",
    "grad_weight",
    "inner",
    "layer",
    "learning_equivalence",
    "one_step_equivalence",
    "output_size",
    "pad",
    "padding_pairs",
    "pixel_form",
    "pixel_terms",
    "spread",
    "symbolic_tensor",
    "torch_boundary",
    "train",
    "transposed_output_size",
]
