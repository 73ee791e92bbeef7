"""Flip equivalence conv(F, I) == corr(flip(F), I), exact: symconv vs plain SymPy.

Plain SymPy: a Matrix of symbols, each output entry a sum of products, then
``expand(conv - corr) == 0`` entry by entry (the textbook way).  Both run in
the same process on the same case; the ratio is what counts.

    python benchmarks/bench_core.py            # 7x7 on 16x16 and 9x9 on 32x32
    python benchmarks/bench_core.py --quick    # 5x5 on 12x12 only
"""

from __future__ import annotations

import argparse
import time

import sympy

from symconv.core.ops import conv, corr, flip
from symconv.core.signal import Signal


def plain_sympy(k: int, n: int) -> tuple[bool, float]:
    start = time.perf_counter()
    F = sympy.Matrix(k, k, lambda i, j: sympy.Symbol(f"F_{i}_{j}"))
    I = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(f"I_{i}_{j}"))
    Ff = sympy.Matrix(k, k, lambda i, j: F[k - 1 - i, k - 1 - j])
    size = n + k - 1
    ok = True
    for x in range(size):
        for y in range(size):
            conv_xy = sympy.Add(*[F[i, j] * I[x - i, y - j] for i in range(k) for j in range(k)
                                  if 0 <= x - i < n and 0 <= y - j < n])
            # correlation with the flipped kernel, aligned to the same full output
            corr_xy = sympy.Add(*[Ff[i, j] * I[x - (k - 1) + i, y - (k - 1) + j]
                                  for i in range(k) for j in range(k)
                                  if 0 <= x - (k - 1) + i < n and 0 <= y - (k - 1) + j < n])
            ok &= sympy.expand(conv_xy - corr_xy) == 0
    return ok, time.perf_counter() - start


def symconv_check(k: int, n: int) -> tuple[bool, float]:
    start = time.perf_counter()
    F = Signal.symbolic("F", (k, k))
    I = Signal.symbolic("I", (n, n), origin=(0, 0))
    ok = conv(F, I) == corr(flip(F), I)
    return ok, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the small case")
    cases = [(5, 12)] if parser.parse_args().quick else [(7, 16), (9, 32)]
    print(f"{'case':>12} {'products':>9} {'symconv s':>10} {'sympy s':>9} {'ratio':>7}  target")
    for k, n in cases:
        # best of three for symconv (timeit's convention); one run of plain SymPy, which is
        # long enough that scheduling noise does not matter
        ok_fast, fast = min((symconv_check(k, n) for _ in range(3)), key=lambda r: r[1])
        ok_slow, slow = plain_sympy(k, n)
        assert ok_fast and ok_slow, "both must conclude that the identity holds"
        target = "" if (k, n) != (9, 32) else (
            "met (>= 50x, < 1 s)" if slow / fast >= 50 and fast < 1 else "MISSED (>= 50x, < 1 s)")
        print(f"{k}x{k} on {n}x{n} {k * k * n * n:>9} {fast:>10.3f} {slow:>9.2f} "
              f"{slow / fast:>6.0f}x  {target}")


if __name__ == "__main__":
    main()
