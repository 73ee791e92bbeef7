"""Circular convolution theorem dft(circconv(f, g)) == dft(f) * dft(g), exact: symconv vs SymPy.

Plain SymPy: symbols f_x, g_x, omega^(k.x) = exp(-2 pi i k.x / n), both sides
of the theorem built as expressions at every frequency k, and
``simplify(lhs - rhs) == 0`` (the only plain way that concludes: ``expand``
leaves the same root of unity in two forms that never cancel, see the
"expand" column).  It runs in a child process under a cut-off.  symconv: the
exact tier's decision at the declared size (the claim's sides in the packed
arithmetic, canonical forms with coefficients in Q(zeta_n)), in this process;
the "Polynomial" column is the same comparison through Polynomial entries
(``dft(circconv(f, g)) == dft(f) * dft(g)`` on Signals), for the sizes where it
finishes in reasonable time.  All must conclude "holds"; the ratios are what count.

    python benchmarks/bench_fourier.py              # all sizes (several minutes)
    python benchmarks/bench_fourier.py --quick      # 1D n = 16 and 2D 4x4 only
    python benchmarks/bench_fourier.py --cutoff 30  # seconds allowed to plain SymPy
    python benchmarks/bench_fourier.py --sweep      # symconv alone at every n <= 64, n x n <= 16x16
    python benchmarks/bench_fourier.py --theorems   # symconv alone: the other theorems at 16x16
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

import sympy

from symconv.core.fourier import dft
from symconv.core.ops import circconv
from symconv.core.signal import Signal
from symconv.errors import SizeLimitError
from symconv.lang.claims import claim_from_text
from symconv.prove.counterexample import build_env, exact_difference

Shape = tuple[int, ...]

# (shape, run plain SymPy too?, run the Polynomial-entry path too?) -- SymPy's simplify is
# hopeless far beyond these sizes; Polynomial entries take ~10 s at 12x12 and ~1 min at 16x16.
CASES: list[tuple[Shape, bool, bool]] = [
    ((5,), True, True), ((8,), True, True), ((16,), True, True), ((24,), True, True),
    ((32,), False, True), ((48,), False, True), ((64,), False, True),
    ((2, 2), True, True), ((3, 3), True, True), ((4, 4), True, True), ((5, 5), True, True),
    ((8, 8), False, True), ((12, 12), False, True), ((16, 16), False, False),
]
QUICK = [((16,), True, True), ((4, 4), True, True)]
# symconv's 50x target applies to these (plain SymPy measured at 15 s and 10 s).
TARGET_50X = {(16,), (4, 4)}


def plain_sympy_theorem(shape: Shape, simplifier: Callable[[sympy.Expr], sympy.Expr]) -> bool:
    """Both sides as SymPy expressions; True when ``simplifier(lhs - rhs)`` is 0 at every k."""
    points = list(itertools.product(*(range(n) for n in shape)))
    f = {x: sympy.Symbol("f_" + "_".join(map(str, x))) for x in points}
    g = {x: sympy.Symbol("g_" + "_".join(map(str, x))) for x in points}

    def omega(k: Shape, x: Shape) -> sympy.Expr:
        phase = sum(sympy.Rational(a * b, n) for a, b, n in zip(k, x, shape, strict=True))
        return sympy.exp(-2 * sympy.pi * sympy.I * phase)

    def minus(x: Shape, a: Shape) -> Shape:
        return tuple((p - q) % n for p, q, n in zip(x, a, shape, strict=True))

    conv = {x: sympy.Add(*(f[a] * g[minus(x, a)] for a in points)) for x in points}
    for k in points:
        lhs = sympy.Add(*(conv[x] * omega(k, x) for x in points))
        rhs = (sympy.Add(*(f[x] * omega(k, x) for x in points))
               * sympy.Add(*(g[x] * omega(k, x) for x in points)))
        if simplifier(lhs - rhs) != 0:
            return False
    return True


def _child(shape: Shape, method: str, queue: Any) -> None:
    simplifier = sympy.simplify if method == "simplify" else sympy.expand
    start = time.perf_counter()
    result = plain_sympy_theorem(shape, simplifier)
    queue.put((result, time.perf_counter() - start))


def run_plain(shape: Shape, method: str, cutoff: float) -> tuple[bool | None, float]:
    """(concluded holds?, seconds); None when the cut-off stopped it."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(shape, method, queue))
    start = time.perf_counter()
    child.start()
    child.join(cutoff)
    if child.is_alive():
        child.terminate()
        child.join()
        return None, time.perf_counter() - start
    ok, seconds = queue.get()
    return bool(ok), seconds


def symconv_theorem(shape: Shape) -> tuple[bool, float]:
    """The exact tier's comparison at the declared size (packed arithmetic)."""
    start = time.perf_counter()
    side = "x".join(map(str, shape))
    origin = [0] * len(shape)
    claim = claim_from_text("dft(circconv(f, g)) == dft(f) * dft(g)",
                            {"f": {"shape": side, "origin": origin},
                             "g": {"shape": side, "origin": origin}})
    (assignment,) = claim.assignments()
    ok = exact_difference(claim, build_env(assignment)) is None
    return ok, time.perf_counter() - start


def polynomial_theorem(shape: Shape) -> tuple[bool, float]:
    """The same comparison on Signals with Polynomial entries (the display-side engine)."""
    start = time.perf_counter()
    f = Signal.symbolic("f", shape, origin=(0,) * len(shape))
    g = Signal.symbolic("g", shape, origin=(0,) * len(shape))
    ok = dft(circconv(f, g)) == dft(f) * dft(g)
    return ok, time.perf_counter() - start


def sweep() -> None:
    """The 10 s target is for every size: the slowest of each range, and all must hold."""
    for label, shapes in (("1D n = 1..64", [(n,) for n in range(1, 65)]),
                          ("2D n x n = 1..16", [(n, n) for n in range(1, 17)])):
        times = {}
        for shape in shapes:
            ok, seconds = symconv_theorem(shape)
            assert ok, f"symconv must prove the theorem at {shape}"
            times[shape] = seconds
        slowest = max(times, key=times.__getitem__)
        print(f"{label}: all hold; total {sum(times.values()):.2f} s, slowest "
              f"{'x'.join(map(str, slowest))} in {times[slowest]:.3f} s "
              f"(10 s: {'met' if times[slowest] < 10 else 'MISSED'})", flush=True)


COMPLEX = {"shape": "16x16", "real": False}
THEOREMS_16X16: list[tuple[str, dict[str, Any]]] = [
    ("dft(circcorr(f, g)) == conj(dft(f)) * dft(g)", {"f": "16x16", "g": "16x16"}),
    ("dft(circcorr(f, g)) == conj(dft(conj(f))) * dft(g)", {"f": COMPLEX, "g": COMPLEX}),
    ("sum(dft(zeropad(f, 16, 16)) * conj(dft(zeropad(g, 16, 16)))) == sum(f * conj(g)) * 256",
     {"f": COMPLEX, "g": COMPLEX}),
    ("idft(dft(f)) == f", {"f": {"shape": "16x16", "origin": [0, 0]}}),
    ("dft(f * g) == circconv(dft(f), dft(g), 8, 8) / 64", {"f": "8x8", "g": "8x8"}),
    # N^4 = 4.3e9 term products: beyond the exact limit, refused up front
    ("dft(f * g) == circconv(dft(f), dft(g), 16, 16) / 256", {"f": "16x16", "g": "16x16"}),
]


def theorems() -> None:
    """The exact tier's decision at the declared size for the other theorems."""
    for statement, signals in THEOREMS_16X16:
        claim = claim_from_text(statement, signals)
        (assignment,) = claim.assignments()
        start = time.perf_counter()
        try:
            outcome = "holds" if exact_difference(claim, build_env(assignment)) is None else "FAILS"
        except SizeLimitError as exc:
            outcome = f"size limit: {exc}"
        print(f"{time.perf_counter() - start:7.2f} s  {outcome:10s} {statement}", flush=True)


def _show(ok: bool | None, seconds: float, cutoff: float) -> str:
    if ok is None:
        return f"> {cutoff:.0f} s (cut off)"
    return f"{seconds:.2f} s ({'holds' if ok else 'NOT proved'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1D n = 16 and 2D 4x4 only")
    parser.add_argument("--cutoff", type=float, default=90.0, help="seconds for plain SymPy")
    parser.add_argument("--no-expand", action="store_true", help="skip the expand column")
    parser.add_argument("--sweep", action="store_true",
                        help="symconv alone at every 1D n <= 64 and every 2D n x n <= 16x16")
    parser.add_argument("--theorems", action="store_true",
                        help="symconv alone: the other DFT theorems at 16x16")
    args = parser.parse_args()
    if args.sweep:
        sweep()
        return
    if args.theorems:
        theorems()
        return
    cases = QUICK if args.quick else CASES
    print(f"{'size':>6} {'N':>5} {'symconv':>10} {'Polynomial':>11} {'sympy simplify':>26} "
          f"{'ratio':>7} {'sympy expand':>24}  target")
    for shape, with_plain, with_polynomial in cases:
        ok_fast, fast = symconv_theorem(shape)
        assert ok_fast, f"symconv must prove the theorem at {shape}"
        polynomial_text = "-"
        if with_polynomial:
            ok_poly, poly_seconds = polynomial_theorem(shape)
            assert ok_poly, f"the Polynomial path must prove the theorem at {shape}"
            polynomial_text = f"{poly_seconds:.3f} s"
        simplify_text, ratio_text, expand_text, target = "-", "-", "-", ""
        if with_plain:
            ok_slow, slow = run_plain(shape, "simplify", args.cutoff)
            simplify_text = _show(ok_slow, slow, args.cutoff)
            ratio_text = f"{slow / fast:.0f}x" + ("+" if ok_slow is None else "")
            if shape in TARGET_50X:
                target = "50x: " + ("met" if slow / fast >= 50 else "MISSED")
            if not args.no_expand:
                ok_expand, expand_seconds = run_plain(shape, "expand", args.cutoff)
                expand_text = _show(ok_expand, expand_seconds, args.cutoff)
        target = (target + "; " if target else "") + ("10 s: " + ("MISSED" if fast >= 10 else "met"))
        label = "x".join(map(str, shape))
        print(f"{label:>6} {math.prod(shape):>5} {fast:>8.3f} s {polynomial_text:>11} "
              f"{simplify_text:>26} {ratio_text:>7} {expand_text:>24}  {target}", flush=True)


if __name__ == "__main__":
    main()
