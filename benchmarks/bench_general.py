"""The general tier (PROVED for all sizes) on the coverage list of issue 4, vs plain SymPy.

symconv: ``symconv.prove.general.attempt`` -- find the derivation, replay every
step, re-check it at two small sizes with symbolic entries.  Plain SymPy can
only check one size at a time: signals as dicts of Symbols over their boxes,
each operation a sum of products, then ``expand(left - right) == 0`` at every
output point, at the claim's declared sizes.  Both run in the same process;
the plain-SymPy figure is for *one* size, the symconv figure for all of them.

The laws that need the orthogonality of characters (inversion, Parseval) are also
given to plain SymPy with a symbolic n, as ``summation``/``simplify`` of the textbook
sums with ``f`` an undefined function: it evaluates the character sum itself (a
Piecewise) but leaves the inversion and Parseval sums unevaluated.  ``--proofs``
times every general proof of the bundled claims (target: under 0.5 s each).

    python benchmarks/bench_general.py           # best of 3 per claim
    python benchmarks/bench_general.py --quick   # one run each
    python benchmarks/bench_general.py --proofs  # every general proof in proofs/
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy

from symconv.lang.claims import claim_from_text
from symconv.lang.dsl import BinOp, Call, Name, Neg, Node, Number, parse_statement
from symconv.prove import Budget, Verdict
from symconv.prove.general import attempt

COVERAGE: list[tuple[str, dict[str, str]]] = [
    ("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "5x5"}),
    ("corr(F, I) == conv(flip(F), I)", {"F": "3x3", "I": "5x5"}),
    ("conv(a, b) == conv(b, a)", {"a": "3x3", "b": "4x4"}),
    ("conv(conv(a, b), c) == conv(a, conv(b, c))", {"a": "3x3", "b": "3x3", "c": "3x3"}),
    ("conv(a, b + c) == conv(a, b) + conv(a, c)", {"a": "3x3", "b": "4x4", "c": "4x4"}),
    ("flip(conv(a, b)) == conv(flip(a), flip(b))", {"a": "3x3", "b": "4x4"}),
    ("corr(a, b) == flip(corr(b, a))", {"a": "3x3", "b": "4x4"}),
    ("flip(corr(a, b)) == corr(flip(a), flip(b))", {"a": "3x3", "b": "4x4"}),
    ("conv(shift(a, 1, 2), b) == shift(conv(a, b), 1, 2)", {"a": "3x3", "b": "4x4"}),
    ("corr(shift(a, 1, 2), b) == shift(corr(a, b), -1, -2)", {"a": "3x3", "b": "4x4"}),
    ("sum(conv(a, b)) == sum(a) * sum(b)", {"a": "3x3", "b": "4x4"}),
    ("sum(corr(a, b)) == sum(a) * sum(b)", {"a": "3x3", "b": "4x4"}),
    ("frobenius(conv(a, b), c) == frobenius(b, corr(a, c))", {"a": "3x3", "b": "4x4", "c": "4x4"}),
    ("corr(a, corr(b, c)) == corr(conv(a, b), c)", {"a": "3x3", "b": "3x3", "c": "3x3"}),
    ("corr(corr(a, b), c) == conv(a, corr(b, c))", {"a": "3x3", "b": "3x3", "c": "3x3"}),
    # for every n (plain SymPy: one n, exp(-2πi/n) expanded and simplified)
    ("circconv(a, b) == circconv(b, a)", {"a": "8", "b": "8"}),
    ("circconv(circconv(a, b), c) == circconv(a, circconv(b, c))", {"a": "6", "b": "6", "c": "6"}),
    ("dft(circconv(f, g)) == dft(f) * dft(g)", {"f": "8", "g": "8"}),
    ("dft(circcorr(f, g)) == conj(dft(f)) * dft(g)", {"f": "8", "g": "8"}),
]

# --- plain SymPy: a signal is a dict coordinate -> Expr (zero elsewhere) ----------------------

Plain = dict[tuple[int, ...], sympy.Expr]


def _symbols(name: str, shape: tuple[int, ...], real: bool = False) -> Plain:
    origin = [-(n // 2) for n in shape]
    return {tuple(o + k for o, k in zip(origin, idx, strict=True)):
            sympy.Symbol(f"{name}_{'_'.join(map(str, idx))}", real=real or None)
            for idx in itertools.product(*(range(n) for n in shape))}


def _slide(a: Plain, b: Plain, sign: int) -> Plain:
    out: dict[tuple[int, ...], Any] = {}
    for (i, av), (y, bv) in itertools.product(a.items(), b.items()):
        # conv: x - i = y, corr: x + i = y
        x = tuple(yy + sign * ii for yy, ii in zip(y, i, strict=True))
        out[x] = out.get(x, 0) + av * bv
    return out


def _combine(a: Plain, b: Plain, op: Callable[[Any, Any], Any]) -> Plain:
    return {k: op(a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b)}


def _plain(node: Node, env: dict[str, Plain]) -> Any:
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Number):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, Neg):
        value = _plain(node.operand, env)
        return {k: -v for k, v in value.items()} if isinstance(value, dict) else -value
    if isinstance(node, BinOp):
        left, right = _plain(node.left, env), _plain(node.right, env)
        if node.op in "+-":
            op = (lambda p, q: p + q) if node.op == "+" else (lambda p, q: p - q)
            return _combine(left, right, op) if isinstance(left, dict) else op(left, right)
        if isinstance(left, dict) and isinstance(right, dict):
            return _combine(left, right, lambda p, q: p * q)
        if isinstance(left, dict):
            return {k: v * right for k, v in left.items()}
        return {k: left * v for k, v in right.items()} if isinstance(right, dict) else left * right
    assert isinstance(node, Call)
    args = [_plain(a, env) for a in node.args]
    if node.func in ("conv", "corr"):
        return _slide(args[0], args[1], 1 if node.func == "conv" else -1)
    if node.func == "flip":
        return {tuple(-c for c in k): v for k, v in args[0].items()}
    if node.func == "shift":
        offsets = [int(Fraction(a)) for a in args[1:]]
        return {tuple(c + o for c, o in zip(k, offsets, strict=True)): v for k, v in args[0].items()}
    if node.func == "sum":
        return sympy.Add(*args[0].values())
    if node.func == "frobenius":
        return sympy.Add(*(v * args[1].get(k, 0) for k, v in args[0].items()))
    if node.func in ("circconv", "circcorr"):
        return _circular(args[0], args[1], 1 if node.func == "circconv" else -1)
    if node.func == "dft":
        return _dft(args[0])
    if node.func == "conj":
        return {k: sympy.conjugate(v) for k, v in args[0].items()}
    raise ValueError(node.func)


def _period(a: Plain) -> int:
    return max(max(k) for k in a) - min(min(k) for k in a) + 1


def _circular(a: Plain, b: Plain, sign: int) -> Plain:
    """1D circular operations with n the common length (signals read mod n)."""
    n = _period(a)
    out: dict[tuple[int, ...], Any] = {}
    for (i,), av in a.items():
        for (y,), bv in b.items():
            x = ((y + sign * i) % n,)
            out[x] = out.get(x, 0) + av * bv
    return out


def _dft(a: Plain) -> Plain:
    n = _period(a)
    omega = sympy.exp(-2 * sympy.pi * sympy.I / n)
    return {(k,): sympy.Add(*(v * omega ** ((k * x) % n) for (x,), v in a.items()))
            for k in range(n)}


def plain_sympy(statement: str, signals: dict[str, str]) -> tuple[bool, float]:
    start = time.perf_counter()
    parsed = parse_statement(statement)
    env = {name: _symbols(name, tuple(int(n) for n in shape.split("x")), "dft" in statement)
           for name, shape in signals.items()}
    left, right = _plain(parsed.left, env), _plain(parsed.right, env)
    if isinstance(left, dict):
        # roots of unity need expand(complex=True) and simplify: plain expand misses them
        decide = ((lambda e: sympy.simplify(sympy.expand(e, complex=True)) == 0)
                  if "dft" in statement else (lambda e: sympy.expand(e) == 0))
        ok = all(decide(left.get(k, 0) - right.get(k, 0)) for k in set(left) | set(right))
    else:
        ok = sympy.expand(left - right) == 0
    return ok, time.perf_counter() - start


def symconv_general(statement: str, signals: dict[str, str]) -> tuple[bool, float]:
    claim = claim_from_text(statement, signals)
    start = time.perf_counter()
    result = attempt(claim, Budget(60))
    return result is not None and result.verdict is Verdict.PROVED, time.perf_counter() - start


# --- for every n: the general tier against SymPy's summation with a symbolic n -----------------

def _sympy_laws() -> list[tuple[str, dict[str, Any], Callable[[], Any]]]:
    n = sympy.Symbol("n", integer=True, positive=True)
    k, j, x, m = sympy.symbols("k j x m", integer=True)
    f, g = sympy.Function("f"), sympy.Function("g")

    def omega(e: Any) -> Any:
        return sympy.exp(-2 * sympy.pi * sympy.I * e / n)

    def dft(a: Any, at: Any, var: Any) -> Any:
        return sympy.Sum(a(var) * omega(at * var), (var, 0, n - 1))

    at_zero = {"shape": "5", "origin": [0], "real": False}
    complex5 = {"shape": "5", "real": False}
    return [
        ("orthogonality: Σ_k ω^(k·m) == n·[m ≡ 0 mod n]", {},
         lambda: sympy.summation(omega(k * m), (k, 0, n - 1)) - n * sympy.KroneckerDelta(m, 0)),
        ("idft(dft(f)) == f", {"f": at_zero},
         lambda: sympy.Sum(dft(f, k, j) * omega(-k * x), (k, 0, n - 1)).doit() / n - f(x)),
        ("numel(f) * frobenius(f, conj(g)) == sum(dft(f) * conj(dft(g)))",
         {"f": complex5, "g": complex5},
         lambda: n * sympy.Sum(f(j) * sympy.conjugate(g(j)), (j, 0, n - 1))
         - sympy.Sum(dft(f, k, j) * sympy.conjugate(dft(g, k, m)), (k, 0, n - 1)).doit()),
    ]


def symbolic_n() -> None:
    print(f"\n{'law (for every n)':<66} {'general s':>9} {'sympy s':>8}  sympy result")
    for statement, signals, build in _sympy_laws():
        if signals:
            proved, fast = symconv_general(statement, signals)
            shown = f"{fast:9.3f}" if proved else "  not PROVED"
        else:
            shown = "        -"
        start = time.perf_counter()
        value = sympy.simplify(build())
        slow = time.perf_counter() - start
        verdict = "0 (proved)" if value == 0 else f"not 0: {str(value)[:60]}"
        print(f"{statement:<66} {shown} {slow:8.2f}  {verdict}")


def bundled_proofs() -> None:
    from pathlib import Path

    from symconv.lang.claims import load_claims

    root = Path(__file__).resolve().parent.parent / "proofs"
    times = []
    for claim in load_claims([root]):
        if "general" not in claim.tiers:
            continue
        start = time.perf_counter()
        result = attempt(claim, Budget(60))
        if result is not None and result.verdict is Verdict.PROVED:  # (it also refutes now)
            times.append((time.perf_counter() - start, claim.name))
    times.sort(reverse=True)
    for seconds, name in times[:10]:
        print(f"{name:<56} {seconds:7.3f}")
    print(f"{len(times)} general proofs; slowest {times[0][0]:.3f} s, "
          f"{sum(t > 0.5 for t, _ in times)} over 0.5 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per claim")
    parser.add_argument("--proofs", action="store_true", help="time every bundled general proof")
    args = parser.parse_args()
    if args.proofs:
        bundled_proofs()
        return
    repeats = 1 if args.quick else 3
    print(f"{'claim':<56} {'general s':>9} {'sympy s (1 size)':>16} {'ratio':>7}")
    worst = 0.0
    for statement, signals in COVERAGE:
        ok_fast, fast = min((symconv_general(statement, signals) for _ in range(repeats)),
                            key=lambda r: r[1])
        ok_slow, slow = plain_sympy(statement, signals)
        assert ok_fast and ok_slow, f"both must conclude that {statement} holds"
        worst = max(worst, fast)
        print(f"{statement:<56} {fast:9.3f} {slow:16.3f} {slow / fast:7.1f}")
    print(f"slowest general proof: {worst:.3f} s (target: under 0.5 s each)")
    symbolic_n()


if __name__ == "__main__":
    main()
