"""A grouped layer with a fixed number of channels, written as statements of the language.

The statement language has no channel axis, but a layer with C input and O output channels
in ``groups`` groups is a finite sum of one-channel layers: output channel o reads the input
channels of its group (torch's assignment: o // (O/groups) is the group, see
:meth:`~symconv.apps.cnn.layers.LayerShape.group_of_output`), one kernel W[o, j] for each,

    y_o = Σ_j downsample(corr(upsample(W[o, j], d), shift(x[c_j], p)), s)

(stride s, dilation d, padding p, zero boundary: the one-channel layer of
``proofs/cnn_strided.toml``).  With one signal per channel and kernel (``x0``, ``W1_0``, ``g2``)
the backprop closed forms become statements whose spatial sizes stay free, so the general
tier proves them for all sizes: <y, g> = Σ_o frobenius(y_o, g_o) equals
Σ_c frobenius(x_c, dL/dx_c) with dL/dx_c = Σ_{o reading c} shift(conv(upsample(W[o, j], d),
upsample(g_o, s)), −p), and Σ_{o,j} frobenius(W[o, j], dL/dW[o, j]) with
dL/dW[o, j] = downsample(corr(upsample(g_o, s), shift(x[c_j], p)), d).

:class:`GroupedLayerText` writes those statements (and the mutants that must fail: the
backward pass with the channels of the wrong groups, or with the unflipped kernel) as the
TOML claims of ``proofs/cnn_groups.toml``; ``symconv cnn claims`` prints them, and a test
checks that the bundled file is exactly this output.

>>> text = GroupedLayerText(in_channels=2, out_channels=2, groups=2)
>>> text.output(1)
'corr(W1_0, x1)'
>>> text.grad_input(0)
'conv(W0_0, g0)'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from symconv.apps.cnn.layers import LayerShape, output_size
from symconv.errors import InputLimitError, ShapeError
from symconv.lang.dsl import MAX_STATEMENT_LENGTH, parse_statement

# How output channels are assigned to groups: torch's blocks (o // (O/groups)), or, mistakes
# for the backward pass to refute, interleaved (o % groups) or the next group along.
Assignment = Literal["blocks", "interleaved", "next"]
_DEFAULTS = {"stride": 1, "dilation": 1, "padding": 0}


@dataclass(frozen=True)
class GeneratedClaim:
    """One ``[[claim]]`` table: the statement with its declared shapes and expectation."""

    name: str
    statement: str
    expect: str
    signals: dict[str, str]
    note: str = ""


def _ints(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)


@dataclass(frozen=True)
class GroupedLayerText:
    """The statements of one grouped correlation layer with ``ndim`` spatial axes; stride,
    dilation and padding are the same on every axis."""

    in_channels: int
    out_channels: int
    groups: int
    stride: int = 1
    dilation: int = 1
    padding: int = 0
    ndim: int = 2

    def __post_init__(self) -> None:
        if self.ndim < 1:
            raise ShapeError(f"a layer needs at least one spatial axis, not {self.ndim}")
        # the same checks (and messages) as a layer of arrays: groups divide both channels
        LayerShape.check((self.in_channels, *(1,) * self.ndim),
                         (self.out_channels, self.in_channels // max(self.groups, 1),
                          *(1,) * self.ndim),
                         self.stride, self.padding, self.dilation, self.groups)

    def _too_large(self, exc: InputLimitError) -> str:
        """Why this layer's claims cannot be written, and the largest channels that can."""
        fits = None
        for channels in range(max(self.in_channels, self.out_channels) - 1, 0, -1):
            if channels % self.groups:
                continue
            smaller = dataclasses.replace(self, in_channels=channels, out_channels=channels)
            if all(
                    len(statement) <= MAX_STATEMENT_LENGTH for _, statement, _, _ in smaller._table()):
                fits = channels
                break
        hint = (f"; with these options at most {fits}x{fits} channels fit" if fits
                else f"; no fewer channels (a multiple of the {self.groups} groups) fit")
        return (f"{self.in_channels}x{self.out_channels} channels give statements too long for "
                f"the statement language ({exc}){hint}")

    @property
    def shape(self) -> LayerShape:
        return LayerShape(self.in_channels, self.out_channels, self.groups, (1,) * self.ndim,
                          (self.stride,) * self.ndim, (self.padding,) * self.ndim,
                          (self.dilation,) * self.ndim)

    # --- names --------------------------------------------------------------------------
    @staticmethod
    def input_name(c: int) -> str:
        return f"x{c}"

    @staticmethod
    def weight_name(o: int, j: int) -> str:
        """W[o, j]: output channel o's kernel for the j-th input channel of its group."""
        return f"W{o}_{j}"

    @staticmethod
    def gradient_name(o: int) -> str:
        """dL/dy_o."""
        return f"g{o}"

    def inputs_of(self, o: int, assignment: Assignment = "blocks") -> range:
        """The input channels output channel o reads."""
        blocks = self.shape.group_of_output(o)
        if assignment == "blocks":
            return blocks
        per_in = self.in_channels // self.groups
        group = o % self.groups if assignment == "interleaved" else \
            (blocks.start // per_in + 1) % self.groups
        return range(group * per_in, (group + 1) * per_in)

    # --- expressions --------------------------------------------------------------------
    def _resampled(self, a: str, factor: int, op: str) -> str:
        """op(a, factor, ..., factor) (downsample or upsample), or a itself for factor 1."""
        return a if factor == 1 else f"{op}({a}, {_ints([factor] * self.ndim)})"

    def _shifted(self, a: str, offset: int) -> str:
        return a if offset == 0 else f"shift({a}, {_ints([offset] * self.ndim)})"

    def output(self, o: int) -> str:
        """y_o: the sum of the one-channel layers of output channel o's group."""
        return " + ".join(
            self._resampled(f"corr({self._resampled(self.weight_name(o, j), self.dilation, 'upsample')}, "
                          f"{self._shifted(self.input_name(c), self.padding)})",
                          self.stride, "downsample")
            for j, c in enumerate(self.inputs_of(o)))

    def loss(self) -> str:
        """<y, g> = Σ_o frobenius(y_o, g_o): the part of the loss the gradients come from."""
        return " + ".join(f"frobenius({self.output(o)}, {self.gradient_name(o)})"
                          for o in range(self.out_channels))

    def grad_input(self, c: int, assignment: Assignment = "blocks", op: str = "conv") -> str:
        """dL/dx_c: the transposed layers of the output channels that read c (``op="corr"``
        leaves the kernel unflipped, a mutant)."""
        terms = [self._shifted(f"{op}({self._resampled(self.weight_name(o, j), self.dilation, 'upsample')}, "
                               f"{self._resampled(self.gradient_name(o), self.stride, 'upsample')})",
                               -self.padding)
                 for o in range(self.out_channels)
                 for j, read in enumerate(self.inputs_of(o, assignment)) if read == c]
        return " + ".join(terms)

    def grad_weight(self, o: int, j: int, assignment: Assignment = "blocks") -> str:
        """dL/dW[o, j]: g_o spread by the stride, correlated with the padded input channel,
        read every ``dilation`` samples."""
        c = self.inputs_of(o, assignment)[j]
        return self._resampled(
            f"corr({self._resampled(self.gradient_name(o), self.stride, 'upsample')}, "
            f"{self._shifted(self.input_name(c), self.padding)})", self.dilation, "downsample")

    # --- statements ---------------------------------------------------------------------
    def grad_input_statement(self, assignment: Assignment = "blocks", op: str = "conv") -> str:
        """<y, g> == Σ_c frobenius(x_c, dL/dx_c)."""
        right = " + ".join(f"frobenius({self.input_name(c)}, "
                           f"{self.grad_input(c, assignment, op)})"
                           for c in range(self.in_channels)
                           if self.grad_input(c, assignment, op))
        return f"{self.loss()} == {right}"

    def grad_weight_statement(self, assignment: Assignment = "blocks") -> str:
        """<y, g> == Σ_{o,j} frobenius(W[o, j], dL/dW[o, j])."""
        right = " + ".join(f"frobenius({self.weight_name(o, j)}, "
                           f"{self.grad_weight(o, j, assignment)})"
                           for o in range(self.out_channels)
                           for j in range(self.in_channels // self.groups))
        return f"{self.loss()} == {right}"

    def signals(self, input_size: Sequence[int], kernel: Sequence[int]) -> dict[str, str]:
        """Declared shapes: every input channel ``input_size``, every kernel ``kernel``, every
        g_o the layer's output size (the statements hold for every g_o, on the output box or
        not)."""
        if len(input_size) != self.ndim or len(kernel) != self.ndim:
            raise ShapeError(f"input size {tuple(input_size)} and kernel {tuple(kernel)} need "
                             f"{self.ndim} spatial axes")
        out = [output_size(n, k, self.stride, self.padding, self.dilation)
               for n, k in zip(input_size, kernel, strict=True)]
        if min(out) < 1:
            raise ShapeError(f"a kernel of size {tuple(kernel)} (dilation {self.dilation}) does "
                             f"not fit an input of size {tuple(input_size)} with padding "
                             f"{self.padding}")
        def text(sizes: Sequence[int]) -> str:
            return "x".join(str(n) for n in sizes)

        declared = {self.input_name(c): text(input_size) for c in range(self.in_channels)}
        declared |= {self.weight_name(o, j): text(kernel) for o in range(self.out_channels)
                     for j in range(self.in_channels // self.groups)}
        declared |= {self.gradient_name(o): text(out) for o in range(self.out_channels)}
        return declared

    def name(self) -> str:
        settings = "".join(f"-{what}{getattr(self, what)}" for what, default in _DEFAULTS.items()
                           if getattr(self, what) != default)
        return (f"cnn-groups-{self.in_channels}x{self.out_channels}-groups{self.groups}"
                f"{settings}")

    def describe(self) -> str:
        """``4 input and 4 output channels in 2 groups, stride 2, dilation 2, padding 0``."""
        return (f"{self.in_channels} input and {self.out_channels} output channels in "
                f"{self.groups} groups, stride {self.stride}, dilation {self.dilation}, "
                f"padding {self.padding}")

    def claims(self, input_size: Sequence[int], kernel: Sequence[int]) -> list[GeneratedClaim]:
        """The claims: the two closed forms (hold) and their mutants (fail)."""
        name, signals, found = self.name(), self.signals(input_size, kernel), self._table()
        for _, statement, _, _ in found:
            try:
                parse_statement(statement)  # the language's limits (length, depth) hold
            except InputLimitError as exc:
                raise InputLimitError(self._too_large(exc)) from None
        return [GeneratedClaim(f"{name}-{suffix}", statement, expect, signals, note)
                for suffix, statement, expect, note in found]

    def _table(self) -> list[tuple[str, str, str, str]]:
        """(name suffix, statement, expect, note) of each claim."""
        layer = self.describe()
        found = [
            ("grad-input", self.grad_input_statement(), "holds",
             f"{layer}: dL/dx_c is the sum of the transposed layers of the output channels "
             "whose group reads c."),
            ("grad-weight", self.grad_weight_statement(), "holds",
             f"{layer}: dL/dW[o, j] correlates g_o (spread by the stride) with the input "
             "channel of o's group that W[o, j] reads."),
            ("grad-input-unflipped", self.grad_input_statement(op="corr"), "fails",
             "Correlating with the kernels (no flip) is the wrong input gradient."),
        ]
        if self.groups > 1:
            found += [
                ("grad-input-from-the-next-group", self.grad_input_statement(assignment="next"),
                 "fails", "The backward pass that sends each output channel's gradient to the "
                 "inputs of the next group is wrong."),
                ("grad-weight-from-the-next-group",
                 self.grad_weight_statement(assignment="next"), "fails", ""),
            ]
        if self.groups > 1 and self.out_channels > self.groups:
            # o % groups differs from o // (O/groups) only when a group has several outputs
            found += [
                ("grad-input-interleaved-groups",
                 self.grad_input_statement(assignment="interleaved"), "fails",
                 "Output channel o belongs to group o // (O/groups), not o % groups: the "
                 "backward pass through the interleaved groups is wrong."),
                ("grad-weight-interleaved-groups",
                 self.grad_weight_statement(assignment="interleaved"), "fails", ""),
            ]
        return found


def claims_toml(layers: Sequence[tuple[GroupedLayerText, Sequence[int], Sequence[int]]]) -> str:
    """The ``[[claim]]`` tables of ``(layer, input size, kernel)`` triples, as TOML text."""
    blocks = []
    for text, input_size, kernel in layers:
        for claim in text.claims(input_size, kernel):
            lines = ["[[claim]]", f"name = {_toml_string(claim.name)}"]
            if claim.note:
                lines.append(f"note = {_toml_string(claim.note)}")
            signals = ", ".join(f"{k} = {_toml_string(v)}" for k, v in claim.signals.items())
            lines += [f"statement = {_toml_string(claim.statement)}",
                      f"signals = {{ {signals} }}", f"expect = {_toml_string(claim.expect)}"]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# The layers of proofs/cnn_groups.toml, as its header's commands write them (a test checks the
# file against both), which the lecture verifies in its own build: (layer, input size, kernel).
BUNDLED_LAYERS: tuple[tuple[GroupedLayerText, tuple[int, ...], tuple[int, ...]], ...] = (
    (GroupedLayerText(4, 4, 2, stride=2, dilation=2), (7, 7), (2, 3)),
    (GroupedLayerText(2, 2, 2, stride=2, dilation=2, padding=1), (7, 7), (2, 3)),
)


def _toml_string(value: str) -> str:
    """A TOML basic string (the statements quote nothing; escape \\ and " anyway)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
