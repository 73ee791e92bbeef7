"""How long `symconv identify` takes, against the plain-SymPy way of finding out.

The plain-SymPy way: call the function on object arrays of SymPy symbols (only
functions that accept object arrays allow this: numpy.convolve/correlate,
scipy.signal.convolve/correlate), build the candidate expansions (convolution
or correlation, full/same/valid, both centres for an even kernel, conjugated or
not) and compare each with ``simplify(a - b) == 0``.  It answers fewer questions
(no boundary rule) on fewer functions.  symconv identify probes numerically.

Run: python benchmarks/bench_identify.py
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

from symconv.apps.identify import BUILTIN_ADAPTERS, identify

SYMPY_TARGETS = ("numpy:convolve", "numpy:correlate", "scipy.signal:convolve",
                 "scipy.signal:correlate")
IMAGE_SIZE = 11


def _candidates(x: list[Any], w: list[Any], out_len: int) -> dict[str, list[Any]]:
    """Expansions out[o] = sum_a w[a] x[o + sigma a + t] for every named hypothesis."""
    n, k = len(x), len(w)
    found = {}
    for op, sigma in (("convolution", -1), ("correlation", 1)):
        offsets = {"full": 0 if sigma < 0 else -(k - 1), "valid": k - 1 if sigma < 0 else 0}
        for c in sorted({k // 2, (k - 1) // 2}):
            offsets[f"same, centre {c}"] = c if sigma < 0 else -c
        for conj in (False, True):
            kernel = [sympy.conjugate(v) for v in w] if conj else w
            for mode, t in offsets.items():
                expr = [sympy.Add(*(kernel[a] * x[o + sigma * a + t] for a in range(k)
                                    if 0 <= o + sigma * a + t < n)) for o in range(out_len)]
                found[f"{op}, {mode}{', conjugates kernel' if conj else ''}"] = expr
    return found


def sympy_way(func: Callable[..., Any]) -> list[str]:
    """What the default call computes, for an odd and an even kernel, by simplify."""
    answers = []
    for k in (3, 4):
        x = list(sympy.symbols(f"x0:{IMAGE_SIZE}"))
        w = list(sympy.symbols(f"w0:{k}"))
        out = list(func(np.array(x, dtype=object), np.array(w, dtype=object)))
        matches = [name for name, expr in _candidates(x, w, len(out)).items()
                   if len(expr) == len(out)
                   and all(sympy.simplify(a - b) == 0 for a, b in zip(out, expr, strict=True))]
        answers.append(f"k={k}: {' | '.join(matches) or 'no match'}")
    return answers


def main() -> None:
    print(f"{'target':32} {'symconv s':>10} {'sympy s':>10} {'ratio':>8}  answer (symconv)")
    for target in SYMPY_TARGETS:
        module, _, name = target.partition(":")
        func = getattr(importlib.import_module(module), name)
        start = time.perf_counter()
        found = identify(target)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        plain = sympy_way(func)
        theirs = time.perf_counter() - start
        row = found.rows[0]
        print(f"{target:32} {ours:10.3f} {theirs:10.3f} {theirs / ours:7.1f}x  "
              f"{row.operation}, {row.mode}, {row.complex_input}  (sympy: {'; '.join(plain)})")
    print("\nsymconv identify on every built-in target (all variants; includes importing "
          "the library):")
    for target in BUILTIN_ADAPTERS:
        start = time.perf_counter()
        try:
            found = identify(target)
        except Exception as err:  # an optional library that is not installed
            print(f"  {target:32} skipped: {err}")
            continue
        total = time.perf_counter() - start
        print(f"  {target:32} {total:6.3f} s total, {found.seconds:6.3f} s probing, "
              f"{len(found.rows)} variants, {found.calls} calls")


if __name__ == "__main__":
    main()
