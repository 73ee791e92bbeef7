"""How far the general tier is a decision procedure for its fragment: outcome counts.

Draws statements of the fragment (a law template, true or a usual slip, with its holes
filled by sub-expressions and one context around both sides; on Z^2: conv/corr with
every mode and boundary, flip, one-axis flip, transpose, shift, conj, +, sum, frobenius;
on Z_n^2: circconv, circcorr, dft, idft, conj, flip, transpose, shift, products) and
counts the general tier's outcomes:

- PROVED: a derivation the checker accepts (``attempt`` gives PROVED); each is re-checked
  by the exact tier at ``--sizes`` random sizes (a disagreement is reported as UNSOUND);
- not-an-identity: the two canonical forms differ (the exact tier is asked for a
  counterexample at small sizes with ``--refute``; none found is reported, apart from
  statements defined at none of those sizes, counted on their own);
- gave up: no canonical form (the reason: the last RuleError a side raised), or a
  derivation the checker, backstop or re-check declined (counted apart when the statement
  is not defined at the declared sizes: valid mode with a kernel larger than the image);
  with ``--refute`` the exact tier is asked for a counterexample to these too (the statement
  is then false, and REFUTED by the tiers that follow: what is left may be true and missed).

Run from the repository root (``PYTHONPATH=$PWD`` in a worktree); about 2 minutes for 300::

    python benchmarks/fragment_coverage.py                 # 400 statements, seed 0
    python benchmarks/fragment_coverage.py -n 1000 --seed 3 --refute --show 5

It prints the counts and the give-up reasons, most common first, with examples.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter, defaultdict
from typing import Any

from symconv.errors import SymconvError
from symconv.lang.claims import Claim, claim_from_text
from symconv.lang.dsl import names, parse_statement
from symconv.prove import Budget, Verdict, general
from symconv.prove.counterexample import build_env, exact_difference
from symconv.prove.recheck import backstop, periods_fit
from symconv.prove.rules import RuleError

MODES = ('mode="full"', 'mode="same"', 'mode="valid"')
BOUNDARIES = ("", 'boundary="wrap"', 'boundary="reflect"', 'boundary="nearest"',
              'boundary="mirror"')

PLANE_LAWS = [  # (template, holds as written for every hole); {k}, {k2}: keyword lists
    "conv({a}, {b}{k}) == corr(flip({a}), {b}{k})",
    "conv({a}, {b}{k}) == corr({a}, {b}{k})",
    "conv({a}, {b}) == conv({b}, {a})",
    "flip(conv({a}, {b}{k})) == conv(flip({a}), flip({b}){k})",
    "flip(conv({a}, {b}{k})) == conv(flip({a}), {b}{k})",
    "flip(conv({a}, {b}{k}), 0) == conv(flip({a}, 0), flip({b}, 0){k})",
    "transpose(conv({a}, {b}{k})) == conv(transpose({a}), transpose({b}){k})",
    "transpose(conv({a}, {b}{k})) == conv({a}, transpose({b}){k})",
    "shift(conv({a}, {b}{k}), 1, 0) == conv({a}, shift({b}, 1, 0){k})",
    "shift(conv({a}, {b}{k}), 1, 0) == conv({a}, shift({b}, 0, 1){k})",
    "conj(conv({a}, {b}{k})) == conv(conj({a}), conj({b}){k})",
    "conj(conv({a}, {b}{k})) == conv(conj({a}), {b}{k})",
    "conv({a}, {b} + {c}{k}) == conv({a}, {b}{k}) + conv({a}, {c}{k})",
    "conv({a}, {b}{k}) == conv({a}, {b}{k2})",
    "corr({a}, {b}) == flip(corr({b}, {a}))",
    "sum(conv({a}, {b})) == sum({a}) * sum({b})",
    "frobenius(corr({a}, {b}{k}), {c}) == frobenius({b}, conv({a}, {c}))",
    "frobenius(corr({a}, {b}, mode=\"valid\"), {c}) == frobenius({b}, conv({a}, {c}))",
]
PLANE_HOLES = ["f", "g", "flip(f)", "flip(g, 1)", "transpose(f)", "shift(g, 1, 0)", "conj(f)",
               "conv(f, g, mode=\"same\")", "corr(f, g, mode=\"valid\")", "f + shift(f, 0, 1)",
               "conv(f, g, boundary=\"wrap\")"]
PLANE_CONTEXTS = ["{s}", "{s}", "flip({s})", "shift({s}, -1, 0)", "conv({s}, g)", "corr(f, {s})",
                  "transpose({s})", "conj({s})", "conv(f, {s}, mode=\"same\")",
                  "conv(f, {s}, mode=\"same\", boundary=\"reflect\")"]

TORUS_LAWS = [
    "circconv({a}, {b}) == circconv({b}, {a})",
    "circcorr({a}, {b}) == circcorr({b}, {a})",
    "circconv({a}, {b}) == idft(dft({a}) * dft({b}))",
    "circcorr({a}, {b}) == idft(conj(dft(conj({a}))) * dft({b}))",
    "circcorr({a}, {b}) == idft(dft({a}) * dft({b}))",
    "dft(dft({a})) == numel(f) * flip({a})",
    "dft(dft({a})) == numel(f) * {a}",
    "transpose(circconv({a}, {b})) == circconv(transpose({a}), transpose({b}))",
    "transpose(circconv({a}, {b})) == circconv({a}, transpose({b}))",
    "dft(transpose({a})) == transpose(dft({a}))",
    "dft(transpose({a})) == dft({a})",
    "flip(circconv({a}, {b})) == circconv(flip({a}), flip({b}))",
    "conj(dft({a})) == dft(conj(flip({a})))",
    "conj(dft({a})) == dft(conj({a}))",
    "circconv(shift({a}, 1, 0), {b}) == shift(circconv({a}, {b}), 1, 0)",
    "circconv(shift({a}, 1, 0), {b}) == shift(circconv({a}, {b}), 0, 1)",
]
TORUS_HOLES = ["f", "g", "conj(f)", "flip(g)", "transpose(f)", "shift(f, -1, 0)",
               "circconv(f, g)", "dft(g)", "idft(f)", "circcorr(g, f)", "transpose(dft(g))"]
TORUS_CONTEXTS = ["{s}", "{s}", "dft({s})", "idft({s})", "conj({s})", "circconv({s}, g)",
                  "transpose({s})", "flip({s})", "{s} * dft(f)"]


def draw(rng: random.Random) -> tuple[str, bool]:
    """A statement and whether it is on Z_n^d."""
    torus = rng.random() < 0.4
    laws, holes, contexts = (TORUS_LAWS, TORUS_HOLES, TORUS_CONTEXTS) if torus else (
        PLANE_LAWS, PLANE_HOLES, PLANE_CONTEXTS)

    def keywords() -> str:
        parts = [rng.choice(MODES), rng.choice(BOUNDARIES)]
        return "".join(f", {p}" for p in parts if p)

    law = rng.choice(laws).format(a=rng.choice(holes), b=rng.choice(holes), c=rng.choice(holes),
                                  k=keywords(), k2=keywords())
    left, right = law.split(" == ")
    context = rng.choice(contexts)
    if left.startswith(("sum(", "frobenius(")):
        context = "{s}"  # a scalar side: no signal context
    return f"{context.format(s=left)} == {context.format(s=right)}", torus


def claim_at(statement: str, torus: bool, sizes: dict[str, tuple[int, int]]) -> Claim:
    used = names(parse_statement(statement))
    table: dict[str, Any] = {}
    for name in ("f", "g"):
        if name in used:
            table[name] = {"shape": "x".join(map(str, sizes[name])), "real": False} | (
                {"origin": [0, 0]} if torus else {})
    return claim_from_text(statement, table)


DECLARED = {"f": (3, 3), "g": (4, 4)}


def random_sizes(rng: random.Random, torus: bool) -> dict[str, tuple[int, int]]:
    if torus:
        n = rng.choice([2, 4, 5])
        return {"f": (n, n), "g": (n, n)}
    return {name: (rng.randint(1, 5), rng.randint(1, 5)) for name in ("f", "g")}


def differs(statement: str, torus: bool, sizes: dict[str, tuple[int, int]]) -> bool:
    claim = claim_at(statement, torus, sizes)
    return exact_difference(claim, build_env(claim.assignments()[0])) is not None


def confirm(statement: str, torus: bool, rng: random.Random, count: int) -> bool:
    """Whether the exact tier agrees at ``count`` random sizes where the statement applies."""
    checked = tries = 0
    while checked < count and tries < 40:
        tries += 1
        try:
            if differs(statement, torus, random_sizes(rng, torus)):
                return False
        except SymconvError:
            continue  # e.g. valid mode with a kernel that does not fit
        checked += 1
    return True


def refuted(statement: str, torus: bool) -> bool | None:
    """Whether the exact tier finds a counterexample at small sizes; None when the statement
    applies at none of them (valid mode with a kernel larger than the image at every size)."""
    sides = range(1, 4)
    options = [{"f": (n, n), "g": (n, n)} for n in range(1, 5)] if torus else [
        {"f": (a, b), "g": (c, d)} for a in sides for b in sides for c in sides for d in sides]
    applies = False
    for sizes in sorted(options, key=lambda s: sum(x * y for x, y in s.values())):
        try:
            if differs(statement, torus, sizes):
                return True
        except SymconvError:
            continue
        applies = True
    return False if applies else None


def classify(statement: str, torus: bool, reasons: list[str]) -> tuple[str, str]:
    reasons.clear()
    claim = claim_at(statement, torus, DECLARED if not torus else {"f": (3, 3), "g": (3, 3)})
    derivation, forms = general.compare(claim)
    if derivation is not None:
        result = general.attempt(claim, Budget(30))
        if result is not None and result.verdict is Verdict.PROVED:
            return "PROVED", ""
        checked = derivation.check(claim)
        if checked:
            try:
                backstop(claim, Budget(30))
            except SymconvError:  # valid mode with a kernel larger than the image
                return "derivation, but not defined at the declared sizes", ""
        return "gave up", "derivation declined: " + ("backstop/re-check" if checked else "checker")
    if forms is not None:
        return "not an identity", ""
    if not reasons and torus and not all(periods_fit(side, a) for a in claim.assignments()
                                         for side in (claim.statement.left, claim.statement.right)):
        return "gave up", "Z_n^d is not what ops computes (a side off [0, n)^d, or periods differ)"
    why = reasons[-1] if reasons else "no rule error (an early refusal in compare)"
    return "gave up", re.sub(r"\b([a-z]\w*)\(.*\)", r"\1(…)", why)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=400, help="statements to draw")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", type=int, default=3, help="exact re-checks per PROVED")
    parser.add_argument("--refute", action="store_true",
                        help="ask the exact tier for a counterexample to each not-an-identity")
    parser.add_argument("--show", type=int, default=2, help="examples per give-up reason")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sizes = random.Random(args.seed + 1)  # its own stream: the statements drawn stay the same
    reasons: list[str] = []
    side_steps = general.side_steps

    def recording(side: Any) -> Any:
        try:
            return side_steps(side)
        except RuleError as exc:
            reasons.append(str(exc))
            raise

    general.side_steps = recording  # the reason of a give-up is the rule error compare swallows
    outcomes: Counter[str] = Counter()
    why: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    while len(seen) < args.n:
        statement, torus = draw(rng)
        if statement in seen:
            continue
        seen.add(statement)
        outcome, reason = classify(statement, torus, reasons)
        outcomes[outcome] += 1
        if outcome == "PROVED" and not confirm(statement, torus, sizes, args.sizes):
            outcomes["UNSOUND"] += 1
            print("UNSOUND:", statement)
        found = refuted(statement, torus) if outcome == "not an identity" and args.refute \
            else True
        if found is None:
            outcomes["not an identity, defined at no size tried"] += 1
        elif not found:
            outcomes["no counterexample found"] += 1
            print("no counterexample:", statement)
        if outcome == "gave up" and args.refute:  # false (the exact tier decides) or not
            outcomes["gave up, and the exact tier finds a counterexample"] += bool(
                refuted(statement, torus))
        if reason:
            why[reason].append(statement)
    print(", ".join(f"{k}: {v}" for k, v in outcomes.most_common()))
    for reason, statements in sorted(why.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(statements):4d}  {reason}")
        for statement in statements[:args.show]:
            print(f"        {statement}")


if __name__ == "__main__":
    main()
