"""Speed of the verification engine against the plain-SymPy way, in one run.

1. Exact tier vs plain SymPy on 2D commutativity conv(F, G) == conv(G, F) with
   symbolic n x n F and G: SymPy builds each output entry as an ``Expr`` sum and
   checks ``expand(left - right) == 0``; symconv compares canonical polynomials.
   Both at the declared size only, so the work is the same.  Target: >= 50x at 12x12.
2. Random tier at large sizes (1D length 10^5, 2D 512x512 with 15x15): target < 5 s
   per claim, for both arithmetics (FLINT mod 62-bit primes, numpy mod 31-bit primes), and
   the 2D DFT theorems at 512x512.  Plain SymPy cannot expand these at all.
3. ``symconv verify proofs/ --jobs 2``: target < 60 s.

Run: ``python benchmarks/bench_verify.py [--sizes 8 12] [--skip-verify]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sympy

from symconv.lang.claims import claim_from_text
from symconv.prove import Budget
from symconv.prove import random as random_tier
from symconv.prove.counterexample import build_env, claim_sides, difference, exact_difference

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def sympy_commutativity(n: int) -> bool:
    """The plain-SymPy way: Expr sums, then expand(left - right) == 0 per entry."""
    f = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"F_{i}_{j}"))
    g = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"G_{i}_{j}"))

    def conv(a: sympy.Matrix, b: sympy.Matrix) -> list[list[sympy.Expr]]:
        size = 2 * n - 1
        out: list[list[sympy.Expr]] = [[sympy.Integer(0)] * size for _ in range(size)]
        for i in range(n):
            for j in range(n):
                for k in range(n):
                    for m in range(n):
                        out[i + k][j + m] += a[i, j] * b[k, m]
        return out

    left, right = conv(f, g), conv(g, f)
    return all(sympy.expand(x - y) == 0 for lr, rr in zip(left, right, strict=True)
               for x, y in zip(lr, rr, strict=True))


def _commutativity_claim(n: int) -> tuple[Any, Any]:
    claim = claim_from_text("conv(F, G) == conv(G, F)", {"F": f"{n}x{n}", "G": f"{n}x{n}"})
    (assignment,) = claim.assignments()
    return claim, assignment


def symconv_commutativity(n: int) -> bool:
    """The exact tier's comparison at the declared size (packed arithmetic)."""
    claim, assignment = _commutativity_claim(n)
    return exact_difference(claim, build_env(assignment)) is None


def polynomial_commutativity(n: int) -> bool:
    """The same comparison through Polynomial entries (symconv.core.ops on Signals)."""
    claim, assignment = _commutativity_claim(n)
    return difference(*claim_sides(claim, build_env(assignment))) is None


def timed(func: Callable[..., T], *args: Any, **options: Any) -> tuple[float, T]:
    start = time.perf_counter()
    value = func(*args, **options)
    return time.perf_counter() - start, value


def bench_exact(sizes: list[int]) -> None:
    print("1. exact tier vs plain SymPy: conv(F, G) == conv(G, F), F and G symbolic n x n")
    for n in sizes:
        t_sympy, ok_sympy = timed(sympy_commutativity, n)
        t_ours, ok_ours = timed(symconv_commutativity, n)
        t_poly, ok_poly = timed(polynomial_commutativity, n)
        assert ok_sympy and ok_ours and ok_poly
        print(f"   n={n:3d}: plain SymPy {t_sympy:7.2f} s   symconv {t_ours:6.3f} s   "
              f"ratio {t_sympy / t_ours:6.1f}x   (Polynomial entries {t_poly:6.3f} s)")


def bench_random() -> None:
    print("2. random tier at large sizes: claims without roots of unity mod random primes of "
          "[2^61, 2^62) with FLINT (wide), or with numpy mod primes of [2^30, 2^31) (word), "
          f"trials until the bound is below {random_tier.TARGET_ERROR:g}")
    cases = [
        ("conv(a, b) == conv(b, a)", {"a": "5", "b": "5"}, {"a": "100000", "b": "100000"}),
        ("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "5x5"},
         {"F": "15x15", "I": "512x512"}),
        ("frobenius(conv(a, b), c) == frobenius(b, corr(a, c))",
         {"a": "3x3", "b": "5x5", "c": "5x5"}, {"a": "15x15", "b": "512x512", "c": "526x526"}),
        ("conv(F, I) == corr(F, I)", {"F": "3x3", "I": "5x5"}, {"F": "15x15", "I": "512x512"}),
    ]
    for statement, signals, sizes in cases:
        claim = claim_from_text(statement, signals, tiers=["random"], sizes=sizes)
        for wide in (True, False):
            seconds, result = timed(random_tier.attempt, claim, Budget(120), wide=wide)
            assert result is not None
            bound = "" if result.error_bound is None else f"  error bound {result.error_bound:.1e}"
            print(f"   {'wide' if wide else 'word'} {statement:53s} {result.sizes_text():32s} "
                  f"{result.verdict.value:9s} {seconds:5.2f} s{bound}")
    bench_transform()
    print("   the DFT theorems at 512x512 through Z[ζ_512] -> F_p (target < 5 s each), and "
          "their mutants")
    square = {"f": {"shape": "4x4", "origin": [0, 0]}, "g": {"shape": "4x4", "origin": [0, 0]}}
    large = {"f": "512x512", "g": "512x512"}
    for statement in ("dft(circconv(f, g)) == dft(f) * dft(g)",
                      "dft(circcorr(f, g)) == conj(dft(f)) * dft(g)",
                      f"dft(f * g) == circconv(dft(f), dft(g)) / {512 * 512}",
                      "dft(circcorr(f, g)) == dft(f) * conj(dft(g))",
                      "dft(f * g) == circconv(dft(f), dft(g))",
                      "dft(circconv(f, shift(g, 1, 0))) == dft(f) * dft(g)"):
        # declared at 512x512 itself: the random tier is the only one that runs there
        claim = claim_from_text(statement, {n: {**s, "shape": "512x512"} for n, s in square.items()},
                                tiers=["random"], sizes=large)
        seconds, result = timed(random_tier.attempt, claim, Budget(120))
        assert result is not None
        bound = "" if result.error_bound is None else f"  error bound {result.error_bound:.1e}"
        print(f"   {statement:55s} {result.verdict.value:9s} {seconds:5.2f} s{bound}")


def bench_transform() -> None:
    """One axis of a 512x512 DFT mod p: numpy's radix-2 butterflies mod a 31-bit prime (what
    the cyclotomic trials use) against FLINT's nmod_mat product with the 512x512 DFT matrix
    mod a 62-bit prime (python-flint has no NTT), conversions included."""
    import numpy as np
    from flint import nmod_mat

    from symconv.prove.modular import _axis_transform, _powers

    rng = np.random.default_rng(0)
    word = int(random_tier.prime_candidates(512)[0])
    root = next(r for g in range(2, 100)  # a primitive 512th root of unity
                if pow(r := pow(g, (word - 1) // 512, word), 256, word) != 1)
    values = rng.integers(0, word, (512, 512))
    numpy_s, _ = timed(_axis_transform, values, 1, root, word)
    wide = 4611686018427379201  # the largest prime ≡ 1 (mod 512) below 2^62
    wide_root = next(r for g in range(2, 100)
                     if pow(r := pow(g, (wide - 1) // 512, wide), 256, wide) != 1)
    powers = _powers(wide_root, 512, wide)
    matrix = nmod_mat(512, 512, powers[np.outer(np.arange(512), np.arange(512)) % 512]
                      .reshape(-1).tolist(), wide)
    data = rng.integers(0, wide, (512, 512))

    def flint_axis() -> list[int]:
        product = matrix * nmod_mat(512, 512, data.reshape(-1).tolist(), wide)
        return [int(v) for v in product.entries()]

    flint_s, _ = timed(flint_axis)
    print(f"   one axis of a 512x512 DFT mod p: numpy mod a 31-bit prime {numpy_s:.3f} s, "
          f"FLINT nmod_mat mod a 62-bit prime {flint_s:.3f} s")


def bench_verify() -> None:
    print("3. symconv verify proofs/ --jobs 2")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "symconv", "verify", "proofs", "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    claims = max(len(done.stdout.splitlines()) - 2, 0)
    print(f"   exit {done.returncode}, {seconds:.1f} s wall for the table of {claims} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[8, 12])
    parser.add_argument("--skip-verify", action="store_true")
    args = parser.parse_args()
    bench_exact(args.sizes)
    bench_random()
    if not args.skip_verify:
        bench_verify()


if __name__ == "__main__":
    main()
