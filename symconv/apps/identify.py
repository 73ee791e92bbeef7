"""What does a library's "convolution" really compute?  Find out by probing it.

:func:`identify` calls a numeric function with impulses and random integer
inputs and derives, from its answers alone, whether it is a convolution
``sum_i F(i) I(x - i)`` or a correlation ``sum_i F(i) I(x + i)`` (or neither),
the output box (``full``, ``same``, ``valid`` or another offset), the centre
it uses for even-sized kernels, the boundary rule, and which argument it
conjugates on complex input, in 1, 2 or 3 dimensions.  Linearity in each argument
is checked first; a function that is not bilinear is refused with
:class:`IdentifyError`.  A constant factor is found first and divided out, so
``3 * np.convolve`` is reported as 3 × convolution (every probe then checked
against 3 times the model).

The answers are facts about the probed calls (an 11-sample, 9x11 or 6x7x8
image, kernels of sizes 3/4, 3x5/4x2 or 3x3x5/2x4x2, integer entries; output rounding up to 1e-6
relative is tolerated for FFT methods), each hypothesis confirmed on random
integer inputs, not a proof for every size.

An :class:`Adapter` only says how to *call* the function (argument order,
array layout, keyword variants to try); the built-in adapters in
:data:`BUILTIN_ADAPTERS` carry no knowledge of the answer.

>>> report = identify("numpy:convolve")
>>> [(row.variant, row.operation, row.mode) for row in report.rows][:2]
[('default', 'convolution', 'full'), ("mode='full'", 'convolution', 'full')]
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from symconv.core.ops import NUMPY_PAD_MODES
from symconv.errors import IdentifyError, did_you_mean

Probe = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (kernel, image) -> output

# Boundary rules in the vocabulary of symconv.core.ops, with numpy.pad's spelling.
BOUNDARY_PAD_MODES = NUMPY_PAD_MODES

# Probe sizes: non-square kernels reveal swapped axes; odd and even sizes reveal the centre.
IMAGE_SHAPES = {1: (11,), 2: (9, 11), 3: (6, 7, 8)}
ODD_KERNELS = {1: (3,), 2: (3, 5), 3: (3, 3, 5)}
EVEN_KERNELS = {1: (4,), 2: (4, 2), 3: (2, 4, 2)}
# How probes are handed over: numpy arrays; (1, 1, *shape) torch tensors or numpy arrays;
# a PIL filter built from (size, kernel values) and applied to a 32-bit integer PIL image,
# whose border (copied from the input, whatever the kernel) is cut off.
PROBE_LAYOUTS = ("plain", "nchw", "nchw-array", "pil")


# (label, keyword arguments) for each variant of a call that identify probes.
Variants = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]


@dataclass(frozen=True)
class Attr:
    """A keyword value looked up on the target's module at call time (``cv2.BORDER_WRAP``)."""

    name: str

    def __repr__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Adapter:
    """How to call a function: positional ``args`` ("image", "kernel" or a literal),
    array ``layout`` (one of :data:`PROBE_LAYOUTS`), the number of spatial dimensions, keyword
    ``variants`` to probe (label -> kwargs), and ``kernel_shapes`` for libraries that take
    only some kernel sizes (default: an odd and an even shape of ``ndim`` axes)."""

    ndim: int = 1
    args: tuple[Any, ...] = ("image", "kernel")
    layout: str = "plain"
    variants: Variants = (("default", ()),)
    kernel_shapes: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.ndim not in IMAGE_SHAPES:
            raise IdentifyError(f"adapter ndim {self.ndim} is not supported; expected 1, 2 or 3")
        if self.layout not in PROBE_LAYOUTS:
            raise IdentifyError(
                f"adapter layout {self.layout!r} is unknown; expected {', '.join(PROBE_LAYOUTS)}"
            )
        if any(len(shape) != self.ndim or min(shape) < 2 for shape in self.kernel_shapes):
            raise IdentifyError(f"adapter kernel shapes {self.kernel_shapes} need {self.ndim} "
                                "sizes of at least 2 each")
        if sorted(a for a in self.args if a in ("image", "kernel")) != ["image", "kernel"]:
            raise IdentifyError(
                f"adapter args {self.args!r} must name 'image' and 'kernel' exactly once each"
            )

    def describe(self) -> str:
        args = ", ".join(str(a) for a in self.args)
        return f"f({args}) {self.ndim}D {self.layout}"

    @property
    def probe_kernels(self) -> tuple[tuple[int, ...], ...]:
        return self.kernel_shapes or (ODD_KERNELS[self.ndim], EVEN_KERNELS[self.ndim])


def _variants(name: str, values: Sequence[Any], fixed: tuple[tuple[str, Any], ...] = ()
              ) -> Variants:
    return (("default", fixed), *((f"{name}={v!r}", (*fixed, (name, v))) for v in values))


def _torch(name: str, ndim: int, padding: bool = True) -> tuple[str, Adapter]:
    variants = _variants("padding", ("same",)) if padding else (("default", ()),)
    return f"torch.nn.functional:{name}", Adapter(ndim, ("image", "kernel"), "nchw", variants)


# astropy divides by the kernel's sum unless told not to (not bilinear), and then refuses
# to interpolate NaNs (there are none) with an unnormalised kernel.
_ASTROPY_FIXED = (("normalize_kernel", False), ("nan_treatment", "fill"))


_MODES = ("full", "same", "valid")
BUILTIN_ADAPTERS: dict[str, Adapter] = {
    "numpy:convolve": Adapter(1, variants=_variants("mode", _MODES)),
    "numpy:correlate": Adapter(1, variants=_variants("mode", _MODES)),
    "scipy.signal:convolve": Adapter(2, variants=_variants("mode", _MODES)),
    "scipy.signal:correlate": Adapter(2, variants=_variants("mode", _MODES)),
    **{
        f"scipy.signal:{name}": Adapter(2, variants=(
            *_variants("mode", _MODES),
            *((f"mode='same', boundary={b!r}", (("mode", "same"), ("boundary", b)))
              for b in ("wrap", "symm")),
        ))
        for name in ("convolve2d", "correlate2d")
    },
    **{
        f"scipy.ndimage:{name}": Adapter(
            2, variants=_variants("mode", ("constant", "nearest", "mirror", "wrap"))
        )
        for name in ("convolve", "correlate")
    },
    **dict(_torch(f"conv{d}d", d) for d in (1, 2, 3)),
    # padding of a transposed convolution crops its output; no "same" to probe
    **dict(_torch(f"conv_transpose{d}d", d, padding=False) for d in (1, 2, 3)),
    # scikit-image pads for odd kernels only ("must not be even on any dimension")
    "skimage.filters:correlate_sparse": Adapter(2, variants=_variants(
        "mode", ("constant", "edge", "wrap", "symmetric", "valid")),
        kernel_shapes=(ODD_KERNELS[2],)),
    # astropy: odd kernels only ("Kernel size must be odd in all axes")
    "astropy.convolution:convolve": Adapter(2, variants=_variants(
        "boundary", (None, "fill", "wrap", "extend"), _ASTROPY_FIXED),
        kernel_shapes=(ODD_KERNELS[2],)),
    "astropy.convolution:convolve_fft": Adapter(2, variants=_variants(
        "boundary", ("fill", "wrap"), _ASTROPY_FIXED), kernel_shapes=(ODD_KERNELS[2],)),
    # Pillow takes 3x3 and 5x5 kernels; scale=1 keeps the sum as it is
    "PIL.ImageFilter:Kernel": Adapter(2, layout="pil", variants=(("default", (("scale", 1),)),),
                                      kernel_shapes=((3, 3), (5, 5))),
    "jax.lax:conv_general_dilated": Adapter(2, ("image", "kernel", (1, 1)), "nchw-array",
                                            _variants("padding", ("VALID", "SAME"))[1:]),
    "jax.scipy.signal:convolve": Adapter(2, variants=_variants("mode", _MODES)),
    "jax.scipy.signal:correlate": Adapter(2, variants=_variants("mode", _MODES)),
    "cv2:filter2D": Adapter(2, ("image", -1, "kernel"), "plain", _variants("borderType", tuple(
        Attr(f"BORDER_{b}") for b in ("CONSTANT", "REPLICATE", "REFLECT", "REFLECT_101")
    ))),
}


def canonical_target(target: str) -> str:
    """``module:function`` for ``target`` written so or as ``module.function``: the longest
    importable module prefix is the module (``numpy.convolve`` is ``numpy:convolve``)."""
    if ":" in target:
        return target
    parts = target.split(".")
    if len(parts) < 2 or not all(parts):
        raise IdentifyError(f"target {target!r} is not of the form module:function "
                            "or module.function")
    with _current_directory_importable():
        for cut in range(len(parts) - 1, 0, -1):
            module_name = ".".join(parts[:cut])
            try:
                importlib.import_module(module_name)
            except ImportError:
                continue
            return f"{module_name}:{'.'.join(parts[cut:])}"
    raise IdentifyError(f"cannot import module {parts[0]!r} for {target}: no module of that "
                        "name here or in the current directory")


class _current_directory_importable:
    """``python -m``-like: a module in the current directory can be probed without
    setting PYTHONPATH (the path is restored afterwards)."""

    def __enter__(self) -> None:
        self.added = os.getcwd() not in sys.path and "" not in sys.path
        if self.added:
            sys.path.insert(0, os.getcwd())

    def __exit__(self, *exc: object) -> None:
        if self.added and os.getcwd() in sys.path:
            sys.path.remove(os.getcwd())


def load_target(target: str) -> Callable[..., Any]:
    """Import ``module:function`` or ``module.function`` (the function may be a dotted
    attribute path); the current directory is searched too."""
    target = canonical_target(target)
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise IdentifyError(f"target {target!r} is not of the form module:function")
    try:
        with _current_directory_importable():
            obj: Any = importlib.import_module(module_name)
    except ImportError as err:
        raise IdentifyError(f"cannot import module {module_name!r} for {target}: {err}") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            public = (n for n in dir(obj) if not n.startswith("_"))
            raise IdentifyError(f"module {module_name!r} has no attribute {attr!r}"
                                f"{did_you_mean(part, public)}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise IdentifyError(f"{target} is not callable")
    return obj


def make_probe(func: Callable[..., Any], adapter: Adapter, kwargs: Mapping[str, Any],
               module: Any = None) -> Probe:
    """A ``(kernel, image) -> ndarray`` caller for ``func`` under ``adapter``."""
    resolved = {k: getattr(module, v.name) if isinstance(v, Attr) else v for k, v in kwargs.items()}

    if adapter.layout == "pil":
        return _pil_probe(func, resolved)
    if adapter.layout == "nchw":
        import torch  # optional dependency, only for the nchw layout

        def convert(a: np.ndarray) -> Any:
            return torch.from_numpy(np.ascontiguousarray(a)).reshape(1, 1, *a.shape)
    elif adapter.layout == "nchw-array":
        def convert(a: np.ndarray) -> Any:
            return a.reshape(1, 1, *a.shape)
    else:
        def convert(a: np.ndarray) -> Any:
            return a

    def probe(kernel: np.ndarray, image: np.ndarray) -> np.ndarray:
        roles = {"image": convert(image), "kernel": convert(kernel)}
        args = [roles[a] if isinstance(a, str) and a in roles else a for a in adapter.args]
        out = func(*args, **resolved)
        if adapter.layout == "nchw":
            out = out.detach().numpy()
        if adapter.layout in ("nchw", "nchw-array"):
            out = np.asarray(out).reshape(out.shape[2:])
        return np.asarray(out)

    return probe


def _pil_probe(make_filter: Callable[..., Any], kwargs: Mapping[str, Any]) -> Probe:
    """``make_filter((width, height), values, **kwargs)`` applied to a 32-bit integer image,
    without the border of (k - 1)/2 samples that Pillow copies from the input (whatever
    the kernel: no part of a bilinear map).  Pillow clips negative results to 0, so each
    probe is four calls on the non-negative parts of kernel and image, combined."""
    from PIL import Image  # optional dependency, only for the pil layout

    def apply(kernel: np.ndarray, image: np.ndarray) -> np.ndarray:
        picture = Image.fromarray(image.astype(np.int32), mode="I")
        rows, cols = kernel.shape
        filtered = picture.filter(make_filter((cols, rows), kernel.ravel().tolist(), **kwargs))
        out = np.asarray(filtered, dtype=np.float64)
        return out[rows // 2: out.shape[0] - rows // 2, cols // 2: out.shape[1] - cols // 2]

    def probe(kernel: np.ndarray, image: np.ndarray) -> np.ndarray:
        if np.iscomplexobj(kernel) or np.iscomplexobj(image):
            raise TypeError("PIL images have no complex mode")
        kp, kn = np.maximum(kernel, 0), np.maximum(-kernel, 0)
        xp, xn = np.maximum(image, 0), np.maximum(-image, 0)
        return apply(kp, xp) - apply(kn, xp) - apply(kp, xn) + apply(kn, xn)

    return probe


# --- the reference model the hypotheses are checked against ------------------------


def predict(kernel: np.ndarray, image: np.ndarray, sigma: Sequence[int], offset: Sequence[int],
            boundary: str, out_shape: Sequence[int]) -> np.ndarray:
    """``out[o] = sum_a kernel[a] * ext(image)[o + sigma*a + offset]`` (array indices).

    ``sigma`` = +1 on an axis is correlation, -1 convolution; ``ext`` extends the
    image by the boundary rule.
    """
    pads = []
    for s, t, k, n, m in zip(sigma, offset, kernel.shape, image.shape, out_shape, strict=True):
        lo = t + min(0, s * (k - 1))
        hi = m - 1 + t + max(0, s * (k - 1))
        pads.append((max(0, -lo), max(0, hi - (n - 1))))
    ext = np.pad(image, pads, mode=BOUNDARY_PAD_MODES[boundary])  # type: ignore[call-overload]
    out = np.zeros(tuple(out_shape), dtype=np.result_type(kernel, image))
    for a in np.ndindex(*kernel.shape):
        if kernel[a] == 0:
            continue
        window = tuple(
            slice(p[0] + s * i + t, p[0] + s * i + t + m)
            for p, s, i, t, m in zip(pads, sigma, a, offset, out_shape, strict=True)
        )
        out += kernel[a] * ext[window]
    return out


# --- probing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """What one variant of a function computes, as found by probing."""

    variant: str
    operation: str  # convolution | correlation | neither | error
    flips_kernel: bool | None
    mode: str  # full | same | valid | other (shape, offset) | -
    even_centre: str  # which kernel index is the centre of an even kernel, e.g. "k//2"
    boundary: str  # zero | wrap | reflect | mirror | nearest | n/a | unrecognised
    complex_input: str  # no conjugation | conjugates kernel | ... | not accepted
    detail: str = ""
    scale: str = "1"  # the constant factor: "3" for 3 * np.convolve

    @property
    def computes(self) -> str:
        """``convolution``, or ``3 × convolution`` for a multiple."""
        return self.operation if self.scale == "1" else f"{self.scale} × {self.operation}"


@dataclass
class Identification:
    """The result of :func:`identify`: one :class:`Row` per probed variant."""

    target: str
    adapter: str
    rows: list[Row]
    seconds: float
    calls: int = 0

    def table(self) -> str:
        """A plain-text table for the terminal."""
        head = ["variant", "computes", "flips kernel", "output", "even-kernel centre",
                "boundary", "complex input"]
        body = [[r.variant, r.computes, _yes_no(r.flips_kernel), r.mode, r.even_centre,
                 r.boundary, r.complex_input] for r in self.rows]
        widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
        lines = [f"{self.target}  [{self.adapter}]  probed in {self.seconds:.2f} s "
                 f"({self.calls} calls)"]
        for line in [head, ["-" * w for w in widths], *body]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        lines.extend(f"  {r.variant}: {r.detail}" for r in self.rows if r.detail)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "adapter": self.adapter, "seconds": self.seconds,
                "calls": self.calls, "rows": [asdict(r) for r in self.rows]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def _latex(self, printer: Any = None) -> str:
        def cell(text: str) -> str:
            return r"\text{" + text.replace("_", r"\_").replace("%", r"\%") + "}"

        head = ["variant", "computes", "flips", "output", "boundary", "complex input"]
        lines = [" & ".join(cell(h) for h in head)]
        lines += [" & ".join(cell(c) for c in (r.variant, r.computes, _yes_no(r.flips_kernel),
                                                r.mode, r.boundary, r.complex_input))
                  for r in self.rows]
        body = r" \\ ".join(lines)
        return rf"\begin{{array}}{{llllll}} {body} \end{{array}}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


class _Counted:
    """Wraps a probe, counting calls and turning integer-valued float output into ints."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self.calls = 0

    def __call__(self, kernel: np.ndarray, image: np.ndarray) -> np.ndarray:
        self.calls += 1
        with warnings.catch_warnings():  # a library's advice about its inputs is probe noise
            warnings.simplefilter("ignore")
            out = np.asarray(self.probe(kernel, image))
        if out.dtype.kind not in "iufc":
            raise _NotAnArray(f"returned {out.dtype} output, not numbers")
        rounded = np.round(out)
        # Integer inputs give integer outputs in exact arithmetic; FFT methods add rounding.
        if not np.allclose(out, rounded, rtol=0, atol=1e-6 * max(1.0, float(np.abs(out).max(
                initial=0)))):
            raise _NotAnArray("gives non-integer output on integer inputs")
        return rounded


class _NotAnArray(Exception):
    """A probe answer that is no integer-valued array."""


def _random_ints(rng: np.random.Generator, shape: Sequence[int],
                 complex_: bool = False) -> np.ndarray:
    real = rng.integers(-9, 10, size=tuple(shape)).astype(np.float64)
    if not complex_:
        return real
    return real + 1j * rng.integers(-9, 10, size=tuple(shape))


def _check_bilinear(f: _Counted, adapter: Adapter, rng: np.random.Generator) -> str | None:
    """None if f is additive and homogeneous in each argument on random integer inputs."""
    kshape, ishape = adapter.probe_kernels[0], IMAGE_SHAPES[adapter.ndim]
    w1, w2 = _random_ints(rng, kshape), _random_ints(rng, kshape)
    x1, x2 = _random_ints(rng, ishape), _random_ints(rng, ishape)
    fw1 = f(w1, x1)
    checks = [
        ("kernel", f(2 * w1 - 3 * w2, x1), 2 * fw1 - 3 * f(w2, x1)),
        ("image", f(w1, 2 * x1 - 3 * x2), 2 * fw1 - 3 * f(w1, x2)),
    ]
    for arg, lhs, rhs in checks:
        if lhs.shape != rhs.shape:
            return f"output shape changes with the {arg} values ({lhs.shape} vs {rhs.shape})"
        if not np.array_equal(lhs, rhs):
            where = tuple(int(i) for i in np.argwhere(lhs != rhs)[0])
            return (f"f(2a - 3b) = {lhs[where]:g} but 2 f(a) - 3 f(b) = {rhs[where]:g} at "
                    f"output index {where} (linearity in the {arg})")
    if np.any(f(np.zeros(kshape), x1)) or np.any(f(w1, np.zeros(ishape))):
        return "a zero argument gives a non-zero output"
    return None


def _impulse_shift(f: _Counted, kernel_shape: tuple[int, ...], a: tuple[int, ...],
                   image: np.ndarray, lookup: dict[float, tuple[int, ...]]
                   ) -> tuple[tuple[int, ...] | None, tuple[int, ...], str]:
    """The offset s with f(e_a, x)[o] = x[o + s] for interior o, or None and why."""
    impulse = np.zeros(kernel_shape)
    impulse[a] = 1.0
    out = f(impulse, image)
    shifts: Counter[tuple[int, ...]] = Counter()
    for o in zip(*np.nonzero(out), strict=True):
        q = lookup.get(float(out[o]))
        if q is None:
            where = tuple(map(int, o))
            return None, out.shape, (f"kernel impulse at {a}: output {out[o]:g} at {where} "
                                     "is not a single image sample")
        shifts[tuple(qi - int(oi) for qi, oi in zip(q, o, strict=True))] += 1
    if not shifts:
        return None, out.shape, f"kernel impulse at {a} gives a zero output"
    shift = shifts.most_common(1)[0][0]
    for o in np.ndindex(*out.shape):
        q = tuple(oi + si for oi, si in zip(o, shift, strict=True))
        if all(0 <= qi < n for qi, n in zip(q, image.shape, strict=True)) and out[o] != image[q]:
            return None, out.shape, (f"kernel impulse at {a}: the output is not a shifted copy of "
                                     "the image (reversed, transposed or mixed)")
    return shift, out.shape, ""


@dataclass(frozen=True)
class _Fit:
    sigma: tuple[int, ...]
    offset: tuple[int, ...]
    out_shape: tuple[int, ...]


def _fit_shift_model(f: _Counted, kernel_shape: tuple[int, ...], image: np.ndarray
                     ) -> _Fit | str:
    """Fit s(a) = sigma*a + offset to the impulse responses of every kernel entry."""
    lookup = {float(v): tuple(int(i) for i in idx) for idx, v in np.ndenumerate(image)}
    shifts = {}
    out_shape: tuple[int, ...] = ()
    for a in np.ndindex(*kernel_shape):
        shift, out_shape, why = _impulse_shift(f, kernel_shape, a, image, lookup)
        if shift is None:
            return why
        shifts[a] = shift
    origin = (0,) * len(kernel_shape)
    sigma = []
    for d in range(len(kernel_shape)):
        step = tuple(1 if e == d else 0 for e in range(len(kernel_shape)))
        sigma.append(shifts[step][d] - shifts[origin][d])
    if any(s not in (1, -1) for s in sigma):
        return f"moving the kernel impulse one step moves the output by {tuple(sigma)}, not ±1"
    offset = shifts[origin]
    for a, s in shifts.items():
        expected = tuple(si * ai + t for si, ai, t in zip(sigma, a, offset, strict=True))
        if s != expected:
            return (f"kernel impulse at {a} shifts the image by {s}; a convolution or correlation "
                    f"would shift it by {expected}")
    return _Fit(tuple(sigma), offset, out_shape)


def _classify_mode(fit: _Fit, kernel_shape: tuple[int, ...], image_shape: tuple[int, ...]
                   ) -> tuple[str, tuple[int | None, ...]]:
    """Mode name and, for same-size output, the kernel index used as centre on each axis."""
    names, centres = set(), []
    for s, t, k, n, m in zip(fit.sigma, fit.offset, kernel_shape, image_shape, fit.out_shape,
                             strict=True):
        centre = None
        # full: out(y) over every y the sum can reach; valid: only where the kernel fits.
        if m == n + k - 1 and t == (0 if s < 0 else -(k - 1)):
            names.add("full")
        elif m == n - k + 1 and t == (k - 1 if s < 0 else 0):
            names.add("valid")
        elif m == n and 0 <= -s * t < k:
            names.add("same")
            centre = -s * t
        else:
            names.add("other")
        centres.append(centre)
    if len(names) == 1 and "other" not in names:
        return names.pop(), tuple(centres)
    return f"other (shape {fit.out_shape}, offset {fit.offset})", tuple(centres)


def _describe_centre(centres: tuple[int | None, ...], kernel_shape: tuple[int, ...]) -> str:
    found = set()
    for c, k in zip(centres, kernel_shape, strict=True):
        if c is None:
            return "-"
        found.add("k//2" if c == k // 2 else "(k-1)//2" if c == (k - 1) // 2 else f"index {c}")
    return " / ".join(sorted(found))


def _boundaries(f: _Counted, fit: _Fit, kernel_shape: tuple[int, ...], image: np.ndarray,
                rng: np.random.Generator) -> list[str]:
    """The boundary rules consistent with random kernels on the fitted model."""
    kernels = [_random_ints(rng, kernel_shape) for _ in range(2)]
    outputs = [f(w, image) for w in kernels]
    return [
        b for b in BOUNDARY_PAD_MODES
        if all(out.shape == fit.out_shape and np.array_equal(
            out, predict(w, image, fit.sigma, fit.offset, b, fit.out_shape))
            for w, out in zip(kernels, outputs, strict=True))
    ]


def _conjugation(f: _Counted, fit: _Fit, boundary: str, kernel_shape: tuple[int, ...],
                 rng: np.random.Generator) -> str:
    w = _random_ints(rng, kernel_shape, complex_=True)
    x = _random_ints(rng, IMAGE_SHAPES[len(kernel_shape)], complex_=True)
    try:
        out = f(w, x)
    except Exception as err:  # the library's own refusal of complex input is an answer
        return f"not accepted ({type(err).__name__})"
    if not np.iscomplexobj(out) or not np.any(out.imag):
        return "imaginary part dropped"
    for label, kw, kx in (("no conjugation", w, x), ("conjugates kernel", w.conj(), x),
                          ("conjugates image", w, x.conj()),
                          ("conjugates both", w.conj(), x.conj())):
        if np.array_equal(out, predict(kw, kx, fit.sigma, fit.offset, boundary, fit.out_shape)):
            return label
    return "not a conjugation of the real rule"


def _analyse(f: _Counted, adapter: Adapter, rng: np.random.Generator) -> Row | str:
    """Row fields (variant left blank) for one caller, or why it fits no model."""
    image_shape = IMAGE_SHAPES[adapter.ndim]
    image = rng.permutation(np.arange(1, int(np.prod(image_shape)) + 1)).reshape(
        image_shape).astype(np.float64)
    fits = []
    for kernel_shape in adapter.probe_kernels:
        fit = _fit_shift_model(f, kernel_shape, image)
        if isinstance(fit, str):
            return fit
        fits.append((kernel_shape, fit))
    if len({fit.sigma for _, fit in fits}) != 1:
        return "the probe kernels are not all flipped or all unflipped"
    sigma = fits[0][1].sigma
    if len(set(sigma)) != 1:
        flipped = [d for d, s in enumerate(sigma) if s < 0]
        return f"flips the kernel on axes {flipped} only"
    modes, boundary_sets = [], []
    for kernel_shape, fit in fits:
        modes.append(_classify_mode(fit, kernel_shape, image_shape))
        boundary_sets.append(_boundaries(f, fit, kernel_shape, image, rng))
    mode = modes[0][0]
    if modes[-1][0] != mode:
        mode = f"{mode} (odd) / {modes[-1][0]} (even)"
    even = [k for k, (kernel_shape, _) in enumerate(fits) if any(n % 2 == 0 for n in kernel_shape)]
    centre = _describe_centre(modes[even[0]][1], fits[even[0]][0]) if even else "-"
    common = [b for b in boundary_sets[0] if all(b in found for found in boundary_sets)]
    if not common:
        boundary = "unrecognised"
    elif len(common) == len(BOUNDARY_PAD_MODES):
        boundary = "n/a"  # the output never reads outside the image
    else:
        boundary = " or ".join(common)
    operation = "convolution" if sigma[0] < 0 else "correlation"
    complex_input = (_conjugation(f, fits[-1][1], common[0], fits[-1][0], rng)
                     if common else "-")
    detail = ""
    if boundary == "unrecognised":
        detail = "values read outside the image match none of zero, wrap, reflect, mirror, nearest"
    return Row("", operation, sigma[0] < 0, mode, centre, boundary, complex_input, detail)


def identify_callable(func: Callable[..., Any], adapter: Adapter, target: str = "<callable>",
                      module: Any = None, seed: int = 0) -> Identification:
    """Probe ``func`` under ``adapter``; raise IdentifyError if it is not bilinear."""
    start = time.perf_counter()
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise IdentifyError(f"seed {seed!r}; expected a non-negative integer")
    rows, calls = [], 0
    for label, kwargs in adapter.variants:
        probe = make_probe(func, adapter, dict(kwargs), module)
        factor = _factor(probe, adapter)
        calls += 1
        row = None
        if factor is not None:  # a hypothesis: kept only if c times a model fits every probe
            try:
                row, used = _variant_row(_divided(probe, factor), adapter, target, label, seed)
                calls += used
            except IdentifyError:
                row = None
            if row is not None and row.operation in ("convolution", "correlation"):
                row = replace(row, scale=_number_text(factor))
            else:
                row = None
        if row is None:
            row, used = _variant_row(probe, adapter, target, label, seed)
            calls += used
        rows.append(row)
    return Identification(target, adapter.describe(), rows, time.perf_counter() - start, calls)


def _variant_row(probe: Probe, adapter: Adapter, target: str, label: str, seed: int
                 ) -> tuple[Row, int]:
    """The row of one variant and the calls it took (a swapped-argument retry included)."""
    f = _Counted(probe)
    row = _probe_variant(f, adapter, target, label, np.random.default_rng(seed))
    calls = f.calls
    if row.operation == "neither" and row.flips_kernel is None:
        swapped = _Counted(_swap(f.probe))
        try:
            found = _analyse(swapped, adapter, np.random.default_rng(seed))
        except Exception as err:  # swapped arguments the library refuses: no better fit
            found = str(err)
        calls += swapped.calls
        if isinstance(found, Row):
            row = Row(label, "neither", None, "-", "-", "-", "-",
                      f"{row.detail}; it fits {found.operation} with kernel and image "
                      "swapped: the adapter's argument order looks wrong")
    return row, calls


def _factor(probe: Probe, adapter: Adapter) -> float | None:
    """The constant c of a function that computes c times a convolution or correlation,
    or None when c is 1 or cannot be read off.

    With a kernel impulse and an all-ones image every output sample is c or, where a
    zero boundary is read, 0; c is the most common non-zero value.  Dividing by it only
    makes a hypothesis to test: the analysis then checks every probe against c times
    the model, so a wrong c ends in "neither", never in a wrong answer.
    """
    impulse = np.zeros(adapter.probe_kernels[0])
    impulse[(0,) * adapter.ndim] = 1.0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = np.asarray(probe(impulse, np.ones(IMAGE_SHAPES[adapter.ndim])))
    except Exception:  # a library's refusal is reported by the analysis itself
        return None
    if out.dtype.kind not in "iuf" or not out.size:
        return None
    values = Counter(float(v) for v in out.ravel() if v != 0 and np.isfinite(v))
    if not values:
        return None
    factor = values.most_common(1)[0][0]
    return None if abs(factor - 1.0) <= 1e-9 else factor


def _divided(probe: Probe, factor: float) -> Probe:
    def divided(kernel: np.ndarray, image: np.ndarray) -> np.ndarray:
        return np.asarray(probe(kernel, image)) / factor

    return divided


def _number_text(value: float) -> str:
    """``3``, ``-1/2`` or ``0.3183...``: the shortest exact spelling of a factor."""
    fraction = Fraction(value).limit_denominator(1000)
    if float(fraction) == value:
        return str(fraction)
    return f"{value:.12g}"


def _swap(probe: Probe) -> Probe:
    def swapped(kernel: np.ndarray, image: np.ndarray) -> np.ndarray:
        return probe(image, kernel)

    return swapped


def _probe_variant(f: _Counted, adapter: Adapter, target: str, label: str,
                   rng: np.random.Generator) -> Row:
    try:
        problem = _check_bilinear(f, adapter, rng)
    except _NotAnArray as err:
        problem = str(err)
    except Exception as err:  # a variant the library rejects is reported, not fatal
        return Row(label, "error", None, "-", "-", "-", "-", f"{type(err).__name__}: {err}")
    if problem is not None:
        raise IdentifyError(f"{target} ({label}) is not bilinear: {problem}")
    try:
        found = _analyse(f, adapter, rng)
    except _NotAnArray as err:
        found = str(err)
    except Exception as err:
        return Row(label, "error", None, "-", "-", "-", "-", f"{type(err).__name__}: {err}")
    if isinstance(found, str):
        return Row(label, "neither", None, "-", "-", "-", "-", found)
    return replace(found, variant=label)


def identify(target: str, adapter: Adapter | None = None, seed: int = 0) -> Identification:
    """Probe ``module:function`` (or ``module.function``); a built-in adapter is used
    unless one is given.

    Raises IdentifyError for an unknown target without an adapter, an import
    failure, or a function that is not bilinear.
    """
    target = canonical_target(target)
    func = load_target(target)
    if adapter is None:
        if target not in BUILTIN_ADAPTERS:
            raise IdentifyError(
                f"no built-in adapter for {target!r}; say how to call it, e.g. "
                f"symconv identify {target} --ndim 1 --args image,kernel (--ndim 1, 2 or 3; "
                "--args in call order, literals allowed: image,-1,kernel; --layout nchw for "
                "torch tensors; --kwarg NAME=VALUE, --vary NAME=V1,V2)"
            )
        adapter = BUILTIN_ADAPTERS[target]
    module = importlib.import_module(target.partition(":")[0])
    return identify_callable(func, adapter, target, module, seed)


# --- which libraries flip (a table of the targets' default variants) ------------------------


def which_libraries_flip(targets: Sequence[str]) -> list[dict[str, Any]]:
    """One row per target's default variant, probed now (the lecture's slide lists its
    targets in :data:`symconv.report.library_table.FLIP_SLIDE_TARGETS`).

    Keys: target, operation, flips_kernel, mode, even_centre, boundary,
    complex_input, available (False when the library is not installed; the
    other fields are then None).
    """
    rows: list[dict[str, Any]] = []
    for target in targets:
        adapter = BUILTIN_ADAPTERS[target]
        default_only = replace(adapter, variants=adapter.variants[:1])
        try:
            found = identify(target, default_only)
        except IdentifyError as err:
            if "cannot import" not in str(err):
                raise
            rows.append({"target": target, "available": False, **dict.fromkeys(
                ("operation", "flips_kernel", "mode", "even_centre", "boundary",
                 "complex_input"))})
            continue
        row = found.rows[0]
        rows.append({"target": target, "available": True, "operation": row.operation,
                     "flips_kernel": row.flips_kernel, "mode": row.mode,
                     "even_centre": row.even_centre, "boundary": row.boundary,
                     "complex_input": row.complex_input})
    return rows


def parse_kwarg(text: str) -> tuple[str, Any]:
    """``name=value`` from the command line; value is an int, float, None/True/False or a string."""
    name, sep, raw = text.partition("=")
    if not sep or not name.isidentifier():
        raise IdentifyError(f"keyword {text!r} is not of the form name=value")
    value: Any = raw
    for convert in (int, float):
        try:
            value = convert(raw)
            break
        except ValueError:
            continue
    else:
        value = {"None": None, "True": True, "False": False}.get(raw, raw)
    return name, value


def adapter_from_options(ndim: int, args: str, layout: str, kwargs: Sequence[str],
                         vary: str | None) -> Adapter:
    """A user adapter from command-line options (see ``symconv identify --help``)."""
    parsed_args = tuple(parse_kwarg(f"x={a}")[1] if a not in ("image", "kernel") else a
                        for a in args.split(","))
    fixed = tuple(parse_kwarg(k) for k in kwargs)
    variants: Variants = (("default", fixed),)
    if vary:
        name, sep, values = vary.partition("=")
        if not sep or not values:
            raise IdentifyError(f"--vary {vary!r} is not of the form name=value1,value2")
        options = [parse_kwarg(f"{name}={v}") for v in values.split(",")]
        variants = tuple((f"{n}={v!r}", (*fixed, (n, v))) for n, v in options)
    return Adapter(ndim, parsed_args, layout, variants)


__all__ = [
    "BUILTIN_ADAPTERS", "PROBE_LAYOUTS", "Adapter", "Attr", "Identification",
    "Row", "adapter_from_options", "canonical_target", "identify", "identify_callable",
    "load_target", "predict",
    "which_libraries_flip",
]
