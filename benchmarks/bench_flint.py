"""symconv's exact tier against python-flint, SymEngine and plain SymPy, in one run (issue 17).

Every peer builds both sides of an identity from symbolic entries, straight from the
definitions (Python loops over output coordinates, the ring's own arithmetic), and
decides equality exactly; roots of unity are an extra generator ``z`` and a difference
counts as zero only if its remainder modulo the cyclotomic polynomial Φ_n(z) is zero
(one polynomial is a Gröbner basis of its ideal, so the remainder is unique).

* FLINT: ``fmpz_mpoly`` (python-flint; a benchmark-only dependency: the column is
  skipped, with a note, where it is not installed);
* SymEngine: ``expand`` of Expr sums; it has no polynomial remainder, so the DFT rows
  are marked "cannot decide" (it leaves roots of unity unreduced and says "not zero");
* SymPy: ``sympy.polys.rings`` (sparse polynomials, the fast part of SymPy), only below
  ``--sympy-terms`` products (plain SymPy needs a minute for flip 9x9 on 32x32).

symconv is measured three times:

* "declared sizes": ``exact_difference`` at the declared sizes, from the parsed claim (the
  same work as the peers);
* "claim -> verdict (exact)": from the statement text to the verdict (parse, kind check,
  symbolic signals, packing, ``run_tiers`` with the exact tier), which also checks the
  extra sizes the tier adds (two samples smaller per axis, and larger while small), so it
  does more work than the peers;
* "claim -> verdict (all tiers)": the same with the default tiers, what ``symconv check``
  and ``verify`` run: the general tier's derivation, its independent certificate check,
  the backstop at the declared sizes and the re-check at small sizes, for PROVED.

A row ``fixed1x1`` (flip equivalence with 1x1 signals, no peers) shows the fixed cost per
claim: nearly everything in it is set-up, not arithmetic.

Times are wall clock per claim (``--clock cpu``: the process's CPU time, which a loaded
shared machine inflates far less), median (min-max) over rounds (at least 3, more while
under ``--seconds`` per column); each round runs every column of a row once, so that they
share the load of the (shared) machine, whose load average is printed before and after.
The last column says whether symconv's claim -> verdict (all tiers) is at or ahead of
FLINT (ratio of medians).  Imports are excluded.

Run: ``python benchmarks/bench_flint.py [--cases assoc6 dft1d16 ...] [--sympy-terms N]``
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.polys.rings import ring as sympy_ring

from symconv.lang.claims import claim_from_text
from symconv.prove import Budget, run_tiers
from symconv.prove.counterexample import build_env, exact_difference

try:
    import flint
except ImportError:  # a benchmark-only dependency
    flint = None
try:
    import symengine
except ImportError:
    symengine = None

Index = tuple[int, ...]
Dense = dict[Index, Any]


@dataclass(frozen=True)
class Case:
    name: str
    statement: str
    signals: dict[str, str]
    build: Callable[[Ring], tuple[Dense, Dense]] | None  # None: symconv only
    order: int  # of the roots of unity (1: none)
    products: int  # term products one side forms, to skip slow peers


class Ring:
    """Entries as polynomials of one library, with generators per signal entry and ``z``."""

    def __init__(self, kind: str, names: list[str], order: int) -> None:
        self.kind, self.order = kind, order
        all_names = [*names, "z"]
        if kind == "flint":
            self.ctx = flint.fmpz_mpoly_ctx.get(tuple(all_names), "degrevlex")
            gens = self.ctx.gens()
            self.zero = self.ctx.from_dict({})
        elif kind == "sympy":
            _, *gens = sympy_ring(all_names, sympy.ZZ)
            self.zero = gens[0] * 0
        else:
            gens = [symengine.Symbol(n) for n in all_names]
            self.zero = symengine.Integer(0)
        self.gen = dict(zip(all_names, gens, strict=True))
        self.powers = [gens[-1] ** k for k in range(max(order, 1))]
        if order > 1:
            phi = sympy.Poly(sympy.cyclotomic_poly(order, sympy.Symbol("z")))
            self.phi = sum((int(c) * self.powers[0] * gens[-1] ** k
                            for (k,), c in phi.terms()), self.zero)

    def is_zero(self, value: Any) -> bool:
        if self.order > 1:
            if self.kind == "symengine":
                raise NotImplementedError
            value = divmod(value, self.phi)[1] if self.kind == "flint" else value.rem(self.phi)
        if self.kind == "symengine":
            return symengine.expand(value) == 0
        return bool(value == 0)


def symbols(ring: Ring, name: str, shape: Index) -> Dense:
    return {ix: ring.gen[_entry(name, ix)] for ix in itertools.product(*map(range, shape))}


def _entry(name: str, ix: Index) -> str:
    return f"{name}_{'_'.join(map(str, ix))}"


def balanced_sum(ring: Ring, terms: list[Any]) -> Any:
    """Σ terms by pairwise halving: sorted-array polynomials (FLINT, SymPy rings) merge on
    each +, so a running sum of m terms would cost m times the final size."""
    while len(terms) > 1:
        terms = [terms[k] + terms[k + 1] if k + 1 < len(terms) else terms[k]
                 for k in range(0, len(terms), 2)]
    return terms[0] if terms else ring.zero


def sums(ring: Ring, products: Iterator[tuple[Index, Any]]) -> Dense:
    collected: dict[Index, list[Any]] = {}
    for x, value in products:
        collected.setdefault(x, []).append(value)
    return {x: balanced_sum(ring, terms) for x, terms in collected.items()}


def conv(ring: Ring, a: Dense, b: Dense) -> Dense:
    """Σ_i a(i) b(x - i)."""
    return sums(ring, ((tuple(p + q for p, q in zip(i, j, strict=True)), u * v)
                       for i, u in a.items() for j, v in b.items()))


def flip(a: Dense) -> Dense:
    return {tuple(-i for i in ix): v for ix, v in a.items()}


def corr(ring: Ring, a: Dense, b: Dense) -> Dense:
    """Σ_i a(i) b(x + i)."""
    return sums(ring, ((tuple(q - p for p, q in zip(i, j, strict=True)), u * v)
                       for i, u in a.items() for j, v in b.items()))


def circconv(ring: Ring, a: Dense, b: Dense, n: Index) -> Dense:
    return sums(ring, ((tuple((p + q) % m for p, q, m in zip(i, j, n, strict=True)), u * v)
                       for i, u in a.items() for j, v in b.items()))


def dft(ring: Ring, a: Dense, n: Index) -> Dense:
    """Σ_x a(x) ζ^(-k·x), ζ = z of order ``ring.order`` (a multiple of every n_i)."""
    return sums(ring, ((k, v * ring.powers[-sum(ki * xi * (ring.order // m) for ki, xi, m
                                               in zip(k, x, n, strict=True)) % ring.order])
                       for k in itertools.product(*map(range, n)) for x, v in a.items()))


def pointwise(a: Dense, b: Dense) -> Dense:
    return {k: a[k] * b[k] for k in a}


def equal(ring: Ring, left: Dense, right: Dense) -> bool:
    return all(ring.is_zero(left.get(k, ring.zero) - right.get(k, ring.zero))
               for k in set(left) | set(right))


def associativity(n: int) -> Callable[[Ring], tuple[Dense, Dense]]:
    def build(ring: Ring) -> tuple[Dense, Dense]:
        a, b, c = (symbols(ring, s, (n, n)) for s in "abc")
        return conv(ring, conv(ring, a, b), c), conv(ring, a, conv(ring, b, c))
    return build


def dft_theorem(shape: Index) -> Callable[[Ring], tuple[Dense, Dense]]:
    def build(ring: Ring) -> tuple[Dense, Dense]:
        f, g = (symbols(ring, s, shape) for s in "fg")
        return dft(ring, circconv(ring, f, g, shape), shape), pointwise(dft(ring, f, shape),
                                                                         dft(ring, g, shape))
    return build


def flip_equivalence(k: int, n: int) -> Callable[[Ring], tuple[Dense, Dense]]:
    def build(ring: Ring) -> tuple[Dense, Dense]:
        f, i = symbols(ring, "F", (k, k)), symbols(ring, "I", (n, n))
        return conv(ring, f, i), corr(ring, flip(f), i)
    return build


def commutativity(n: int) -> Callable[[Ring], tuple[Dense, Dense]]:
    def build(ring: Ring) -> tuple[Dense, Dense]:
        f, g = symbols(ring, "F", (n, n)), symbols(ring, "G", (n, n))
        return conv(ring, f, g), conv(ring, g, f)
    return build


DFT = "dft(circconv(f, g)) == dft(f) * dft(g)"
CASES = [
    Case("fixed1x1", "conv(F, I) == corr(flip(F), I)", {"F": "1x1", "I": "1x1"}, None, 1, 1),
    Case("assoc6", "conv(conv(a, b), c) == conv(a, conv(b, c))",
         {s: "6x6" for s in "abc"}, associativity(6), 1, 2 * 36**3),
    Case("dft1d16", DFT, {"f": "16", "g": "16"}, dft_theorem((16,)), 16, 2 * 16**3),
    Case("dft2d4", DFT, {"f": "4x4", "g": "4x4"}, dft_theorem((4, 4)), 4, 2 * 16**3),
    Case("dft2d8", DFT, {"f": "8x8", "g": "8x8"}, dft_theorem((8, 8)), 8, 2 * 64**3),
    Case("flip9on32", "conv(F, I) == corr(flip(F), I)", {"F": "9x9", "I": "32x32"},
         flip_equivalence(9, 32), 1, 2 * 81 * 1024),
    Case("comm16", "conv(F, G) == conv(G, F)", {"F": "16x16", "G": "16x16"},
         commutativity(16), 1, 2 * 256**2),
    Case("dft1d64", DFT, {"f": "64", "g": "64"}, dft_theorem((64,)), 64, 2 * 64**3),
]


def peer(case: Case, kind: str) -> bool:
    assert case.build is not None
    names = [_entry(s, ix) for s, shape in case.signals.items()
             for ix in itertools.product(*(range(int(d)) for d in shape.split("x")))]
    ring = Ring(kind, names, case.order)
    left, right = case.build(ring)
    return equal(ring, left, right)


def symconv_difference(case: Case) -> bool:
    claim = claim_from_text(case.statement, case.signals)
    (assignment,) = claim.assignments()
    return exact_difference(claim, build_env(assignment)) is None


def symconv_verdict(case: Case) -> bool:
    claim = claim_from_text(case.statement, case.signals, tiers=["exact"])
    return run_tiers(claim, Budget(600)).verdict.value == "VERIFIED"


def symconv_all_tiers(case: Case) -> bool:
    claim = claim_from_text(case.statement, case.signals)
    return run_tiers(claim, Budget(600)).verdict.value in ("PROVED", "VERIFIED")


@dataclass(frozen=True)
class Cell:
    median: float
    low: float
    high: float
    ok: bool


def timed(funcs: dict[str, Callable[[], bool]], budget: float,
          clock: Callable[[], float] = time.perf_counter) -> dict[str, Cell]:
    """Median, min and max wall seconds of each function and whether its answer was right, over
    >= 3 rounds (more while all fit in ``budget`` seconds per function).  Each round runs every
    function once, so that all columns of a row see the same load on a shared machine."""
    answers = {label: func() for label, func in funcs.items()}  # warm caches, as a suite would
    times: dict[str, list[float]] = {label: [] for label in funcs}
    start = time.perf_counter()
    rounds = 0
    while rounds < 3 or (time.perf_counter() - start < budget * len(funcs) and rounds < 51):
        for label, func in funcs.items():
            t = clock()
            answers[label] = func() and answers[label]
            times[label].append(clock() - t)
        rounds += 1
    return {label: Cell(statistics.median(ts), min(ts), max(ts), answers[label])
            for label, ts in times.items()}


ALL_TIERS = "symconv claim -> verdict (all tiers)"
# what a cell measures: elapsed time, or the CPU time of this process (all its threads)
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def columns(args: argparse.Namespace, case: Case) -> dict[str, Cell | str]:
    funcs: dict[str, Callable[[], bool]] = {
        "symconv (declared sizes)": lambda: symconv_difference(case),
        "symconv claim -> verdict (exact)": lambda: symconv_verdict(case),
        ALL_TIERS: lambda: symconv_all_tiers(case)}
    notes: dict[str, str] = {}
    for kind, module, skip in (("flint", flint, "python-flint not installed"),
                               ("symengine", symengine, "symengine not installed"),
                               ("sympy", sympy, "")):
        if module is None:
            notes[kind] = f"skipped: {skip}"
        elif kind == "symengine" and case.order > 1:
            notes[kind] = "cannot decide (roots of unity unreduced)"
        elif case.build is None:
            notes[kind] = "-"
        elif kind == "sympy" and case.products > args.sympy_terms:
            notes[kind] = f"skipped: > {args.sympy_terms} products"
        else:
            funcs[kind] = lambda k=kind: peer(case, k)
    cells: dict[str, Cell | str] = {**timed(funcs, args.seconds, CLOCKS[args.clock]), **notes}
    return {label: cells[label] for label in [*list(funcs)[:3], "flint", "symengine", "sympy"]}


def lead(cells: dict[str, Cell | str]) -> str:
    """Whether symconv's claim -> verdict (all tiers) is at or ahead of FLINT (medians)."""
    ours, theirs = cells[ALL_TIERS], cells["flint"]
    if not isinstance(ours, Cell) or not isinstance(theirs, Cell):
        return "-"
    ratio = ours.median / theirs.median
    return f"{'yes' if ratio <= 1 else 'NO'} ({ratio:.2f}x FLINT)"


def _text(cell: Cell | str) -> str:
    if isinstance(cell, str):
        return cell
    text = f"{_seconds(cell.median)} ({_seconds(cell.low)}-{_seconds(cell.high)})"
    return text if cell.ok else f"{text} WRONG ANSWER"


def _seconds(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=[c.name for c in CASES],
                        choices=[c.name for c in CASES])
    parser.add_argument("--sympy-terms", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="time per cell for repeats beyond the first three")
    parser.add_argument("--clock", choices=list(CLOCKS), default="wall",
                        help="wall clock, or this process's CPU time (less noisy when shared)")
    args = parser.parse_args()
    before = _load()
    print(f"load average before {before} (1, 5, 15 min), {os.cpu_count()} CPUs; "
          f"python-flint {getattr(flint, '__version__', 'absent')}, "
          f"symengine {getattr(symengine, '__version__', 'absent')}, sympy {sympy.__version__}",
          flush=True)
    rows = []
    for case in (c for c in CASES if c.name in args.cases):
        cells = columns(args, case)
        rows.append((case.name, cells))
        print(f"{case.name}: " + "; ".join(f"{k} {_text(v)}" for k, v in cells.items()),
              flush=True)
    header = ["case", *rows[0][1], "symconv (all tiers) at or ahead of FLINT"] if rows else ["case"]
    print("\n| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for name, cells in rows:
        print(f"| {name} | " + " | ".join(map(_text, cells.values())) + f" | {lead(cells)} |")
    leads = [name for name, cells in rows if lead(cells).startswith("yes")]
    behind = [name for name, cells in rows if lead(cells).startswith("NO")]
    print(f"\nsymconv (claim -> verdict, all tiers) at or ahead of FLINT: "
          f"{', '.join(leads) or 'none'}; behind: {', '.join(behind) or 'none'}")
    print(f"median (min-max) {args.clock} time per claim, imports excluded; at least 3 runs, repeats "
          f"for {args.seconds:g} s per cell; load average before {before}, after {_load()}")


if __name__ == "__main__":
    main()
