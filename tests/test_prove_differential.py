"""Differential test of the general tier against the exact tier, on random statements.

Statements are drawn from the fragment: a law template (true or a usual slip) with its
holes filled by random sub-expressions and, optionally, one context applied to both sides;
on Z_n^d (circconv, circcorr with and without a period len(f), dft, idft, conj, flip,
shift, pointwise products, numel, sum, the impulse zero-padded to len(f), periodize to
len(f)) and on Z^d
(conv, corr, flip, shift, +, sum, same-mode crops, a reflected boundary around both sides).

- PROVED implies the exact tier agrees at three random sizes other than the declared one.
- When both sides reach canonical forms that differ ("not an identity"), the exact tier
  finds a counterexample at some size with every signal at most ``BOUND`` samples per axis
  (on Z_n^d all signals of one shape n <= BOUND, as the model reads them).

The bound holds for the shifts drawn here (offsets -1, 0, 1, so every phase or index
difference has small coefficients).  It is false for large offsets: a difference that is a
multiple of lcm(1, ..., BOUND) = 12 is invisible up to n = 4
(:func:`test_the_bound_needs_small_offsets`).
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.errors import SymconvError
from symconv.lang.claims import Claim, claim_from_text
from symconv.lang.dsl import names, parse_statement
from symconv.prove import Budget, Verdict, run_tiers
from symconv.prove.counterexample import build_env, exact_difference
from symconv.prove.derivation import Derivation
from symconv.prove.general import attempt, compare

BOUND = 4  # every signal at most this many samples per axis in the counterexample search
DELTA = {"literal": [1], "origin": [0]}

TORUS_TRUE = [
    "circconv({a}, {b}) == circconv({b}, {a})",
    "circconv({a}, {b}, len(f)) == idft(dft({a}) * dft({b}))",
    "circcorr({a}, {b}) == idft(conj(dft(conj({a}))) * dft({b}))",
    "dft({a} * {b}) == circconv(dft({a}), dft({b})) / numel(f)",
    "dft(shift({a}, 1)) == dft({a}) * dft(shift(zeropad(d, len(f)), 1))",
    "dft(dft({a})) == numel(f) * dft(idft(flip({a})))",
    "conj(dft(conj(dft({a})))) / numel(f) == dft(idft({a})) + 0 * {b}",
    "sum(dft({a}) * conj(dft({b}))) == numel(f) * sum(dft(idft({a})) * conj(dft(idft({b}))))",
    # periodize(x, len(f)): x read mod n, brought back to [0, n)
    "periodize(shift(circconv({a}, {b}), 1), len(f)) == circconv(shift({a}, 1), {b})",
    "periodize(flip({a}), len(f)) == dft(idft(flip({a})))",
]
TORUS_FALSE = [
    "circcorr({a}, {b}) == circcorr({b}, {a})",
    "circcorr({a}, {b}, len(g)) == circconv({a}, {b})",
    "circcorr({a}, {b}) == idft(dft({a}) * dft({b}))",
    "dft({a} * {b}) == circconv(dft({a}), dft({b}))",
    "dft(shift({a}, 1)) == dft({a}) * dft(shift(zeropad(d, len(f)), -1))",
    "dft(dft({a})) == numel(f) * dft(idft({a}))",
    "conj(dft(dft({a}))) / numel(f) == dft(idft({a})) + 0 * {b}",
    "idft(dft({a})) == idft(dft(shift({b}, 1)))",
    "periodize(shift(circconv({a}, {b}), 1), len(f)) == circconv(shift({a}, -1), {b})",
    "periodize(flip({a}), len(f)) == flip({a})",
]
TORUS_HOLES = ["f", "g", "conj(f)", "flip(g)", "shift(f, -1)", "circconv(f, g)", "dft(g)",
               "idft(f)", "circcorr(g, f)", "periodize(shift(f, -1), len(g))"]
TORUS_CONTEXTS = ["{s}", "dft({s})", "idft({s})", "conj({s})", "circconv({s}, g)",
                  "{s} * dft(f)", "numel(f) * {s}"]

PLANE_TRUE = [
    "conv({a}, {b}) == conv({b}, {a})",
    "conv({a}, {b}) == corr(flip({a}), {b})",
    "flip(conv({a}, {b})) == conv(flip({a}), flip({b}))",
    "shift(conv({a}, {b}), 1) == conv(shift({a}, 1), {b})",
    "corr({a}, {b}) == flip(corr({b}, {a}))",
    "conv({a}, {b} + {a}) == conv({a}, {b}) + conv({a}, {a})",
]
PLANE_FALSE = [
    "conv({a}, {b}) == corr({a}, {b})",
    "corr({a}, {b}) == corr({b}, {a})",
    "shift(conv({a}, {b}), 1) == conv(shift({a}, 1), shift({b}, 1))",
    "flip(conv({a}, {b})) == conv(flip({a}), {b})",
    "conv({a}, {b}) == conv({a}, shift({b}, -1))",
]
PLANE_HOLES = ["f", "g", "flip(f)", "shift(g, 1)", "conv(f, g)", "corr(g, f)", "f + shift(f, -1)",
               # crops: indicators, which equal sums may spell as 𝟙_B(L), 𝟙_{−B}(−L), 𝟙_{B+c}(L + c)
               'conv(f, g, mode="same")', 'shift(corr(g, f, mode="same"), 1)']
PLANE_CONTEXTS = ["{s}", "flip({s})", "shift({s}, -1)", "conv({s}, g)", "corr(f, {s})",
                  # an image extended by a boundary: two spellings of it meet through a lemma
                  'conv(f, {s}, mode="same", boundary="reflect")']


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, bool]:
    """A statement and whether it is on Z_n^d."""
    torus = draw(st.booleans())
    laws = TORUS_TRUE + TORUS_FALSE if torus else PLANE_TRUE + PLANE_FALSE
    holes, contexts = (TORUS_HOLES, TORUS_CONTEXTS) if torus else (PLANE_HOLES, PLANE_CONTEXTS)
    law = draw(st.sampled_from(laws)).format(a=draw(st.sampled_from(holes)),
                                             b=draw(st.sampled_from(holes)))
    left, right = law.split(" == ")
    context = draw(st.sampled_from(contexts))
    if "sum(" in law:
        context = "{s}"  # a scalar side: no signal context
    return f"{context.format(s=left)} == {context.format(s=right)}", torus


def _signals(statement: str, torus: bool, sizes: dict[str, int]) -> dict[str, Any]:
    used = names(parse_statement(statement))
    table: dict[str, Any] = {}
    for name in ("f", "g"):
        if name in used:
            table[name] = {"shape": str(sizes[name]), "real": False} | (
                {"origin": [0]} if torus else {})
    if "d" in used:
        table["d"] = DELTA
    return table


def _claim(statement: str, torus: bool, sizes: dict[str, int]) -> Claim:
    return claim_from_text(statement, _signals(statement, torus, sizes))


def _differs(statement: str, torus: bool, sizes: dict[str, int]) -> bool:
    claim = _claim(statement, torus, sizes)
    return exact_difference(claim, build_env(claim.assignments()[0])) is not None


def _search_sizes(torus: bool) -> list[dict[str, int]]:
    """Every size assignment within BOUND, fewest samples first (one shape n on Z_n^d)."""
    if torus:
        return [{"f": n, "g": n} for n in range(1, BOUND + 1)]
    pairs = [(m, n) for m in range(1, BOUND + 1) for n in range(1, BOUND + 1)]
    return [{"f": m, "g": n} for m, n in sorted(pairs, key=lambda p: (p[0] + p[1], p))]


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(statements(), st.lists(st.sampled_from([1, 2, 4, 5]), min_size=3, max_size=3),
       st.lists(st.sampled_from([1, 2, 4, 5]), min_size=3, max_size=3))
def test_the_general_tier_agrees_with_the_exact_tier(drawn: tuple[str, bool], f_sizes: list[int],
                                                     g_sizes: list[int]) -> None:
    statement, torus = drawn
    claim = _claim(statement, torus, {"f": 3, "g": 3})
    derivation, forms = compare(claim)
    if derivation is not None:
        result = attempt(claim, Budget(30))
        if result is None or result.verdict is not Verdict.PROVED:
            return  # the checker, backstop or re-check declined: the exact tier decides
        for m, n in zip(f_sizes, g_sizes, strict=True):
            sizes = {"f": m, "g": m if torus else n}  # Z_n^d: one shape n for all signals
            try:
                assert not _differs(statement, torus, sizes), (statement, sizes)
            except SymconvError:
                continue  # the statement does not apply at this size
        return
    if forms is None:
        return  # outside the fragment the tier normalises
    for sizes in _search_sizes(torus):
        try:
            if _differs(statement, torus, sizes):
                return
        except SymconvError:
            continue  # the statement does not apply at this size (e.g. a zeropad too short)
    raise AssertionError(f"not an identity by the normal forms, yet no counterexample up to "
                         f"{BOUND} per axis: {statement}")


def test_the_bound_needs_small_offsets() -> None:
    """The stated bound is for offsets -1..1: idft(dft(shift(f, 12))) == f differs from f by
    a shift of 12, which is 0 mod n for every n <= 4 (and 6, 12): the normal forms differ,
    the first counterexample is at n = 5."""
    statement = "idft(dft(shift(f, 12))) == f"
    _, forms = compare(_claim(statement, True, {"f": 3}))
    assert forms is not None and forms[0] != forms[1]
    assert not any(_differs(statement, True, {"f": n}) for n in range(1, BOUND + 1))
    assert _differs(statement, True, {"f": 5})


# The padded model Z_N^d with N an integer zeropad length: PROVED under hypotheses on the
# sizes (n_f ≤ 5, n_a + n_b ≤ 6) is checked at every size within them, up to N per signal.
PADDED_LAWS = [
    "sum(dft(zeropad({a}, {n})) * conj(dft(zeropad({b}, {n})))) == {n} * sum({a} * conj({b}))",
    "sum(dft(zeropad({a}, {n})) * conj(dft(zeropad({b}, {n})))) == {m} * sum({a} * conj({b}))",
    "sum(dft(zeropad({a}, {n})) * dft(zeropad({b}, {n}))) == {n} * sum({a} * {b})",
    "conj(dft(conj(dft(zeropad({a}, {n}))))) / {n} == {a}",
    "conj(dft(conj(dft(zeropad({a}, {n}))))) / {m} == {a}",
    "dft(dft(zeropad({a}, {n}))) / {n} == {a}",
    "idft(dft(zeropad({a}, {n})) * dft(zeropad({b}, {n}))) == conv({a}, {b})",
    "circconv(zeropad({a}, {n}), zeropad({b}, {n})) == conv({a}, {b})",
    "circconv(zeropad({a}, {n}), zeropad({b}, {n})) == corr({a}, {b})",
    "sum(circconv(zeropad({a}, {n}), zeropad({b}, {n}))) == sum({a}) * sum({b})",
    # pointwise combinations of zeropads as arguments of a circular operation
    "idft(zeropad({a}, {n})) == conj(dft(conj(zeropad({b}, {n})))) / {n}",
    "dft(zeropad({a}, {n}) - conj(zeropad({b}, {n}))) == "
    "dft(zeropad({a}, {n})) - conj(dft(zeropad({b}, {n})))",
]
PADDED_HOLES = ["f", "g", "conj(f)", "f + g", "shift(f, 1)", "flip(g)"]


def padded_scope(certificate: dict[str, Any], sizes: dict[str, int]) -> bool:
    """Whether a padded proof covers these sizes: signals declared alike of one size where it
    ties them, every hypothesis h ≥ 0 of the verdict's scope."""
    if certificate.get("tied") and len(set(sizes.values())) > 1:
        return False
    return all(sum(c * (1 if v == "1" else sizes[v.removeprefix("n:").split(".")[0]])
                   for v, c in h.items()) >= 0 for h in certificate.get("hypotheses", []))


def padded_differs(statement: str, table: dict[str, Any], sizes: dict[str, int]) -> bool | None:
    """Whether the exact tier finds the sides different at these sizes (None: the statement
    does not apply there)."""
    resized = claim_from_text(statement, {name: spec | {"shape": str(sizes[name])}
                                          for name, spec in table.items()})
    try:
        return exact_difference(resized, build_env(resized.assignments()[0])) is not None
    except SymconvError:
        return None


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PADDED_LAWS), st.sampled_from(PADDED_HOLES), st.sampled_from(PADDED_HOLES),
       st.sampled_from([2, 3, 4]), st.booleans())
def test_the_padded_model_agrees_with_the_exact_tier(law: str, a: str, b: str, n: int,
                                                     at_origin: bool) -> None:
    """PROVED: no size within the hypotheses (and ties) where the exact tier finds the sides
    different.  Canonical forms that differ on Z_N^d (N = 3, 4): a counterexample at some
    size up to N per signal.  At N = 2 a law of that one period can have forms that differ
    (ω = −1, −x ≡ x: the forms are those of every period), which the exact tier VERIFIES."""
    statement = law.format(a=a, b=b, n=n, m=n - 1)
    table = {name: {"shape": "2", "real": False} | ({"origin": [0]} if at_origin else {})
             for name in names(parse_statement(statement)) & {"f", "g"}}
    claim = claim_from_text(statement, table)
    every = [dict(zip(sorted(table), k, strict=True))
             for k in itertools.product(range(1, n + 1), repeat=len(table))]
    if compare(claim)[1] is not None and n > 2:
        assert any(padded_differs(statement, table, sizes) for sizes in every), statement
    result = attempt(claim, Budget(30))
    if result is None or result.verdict is not Verdict.PROVED or result.derivation is None:
        return  # no proof: the exact tier decides
    for sizes in every:
        if padded_scope(result.derivation.certificate, sizes):
            assert not padded_differs(statement, table, sizes), (statement, sizes)


# Free integers: N a size of its own, under the claim's assumption (or none).  PROVED is
# checked at every size up to FREE_BOUND per signal and every N up to FREE_N the assumption
# (and the certificate's hypotheses) admit; a REFUTED verdict's counterexample at its N.
FREE_LAWS = [
    "circconv(zeropad({a}, N), zeropad({b}, N)) == conv({a}, {b})",
    "circconv(zeropad({a}, N), zeropad({b}, N)) == zeropad(conv({a}, {b}), N)",
    "idft(dft(zeropad({a}, N)) * dft(zeropad({b}, N))) == conv({a}, {b})",
    "dft(zeropad(conv({a}, {b}), N)) == dft(zeropad({a}, N)) * dft(zeropad({b}, N))",
    "dft(conv({a}, {b})) == dft(zeropad({a}, N)) * dft(zeropad({b}, N))",
    "idft(dft(zeropad({a}, N))) == zeropad({b}, N)",
    "sum(dft(zeropad({a}, N)) * idft(zeropad(conj({b}), N))) == sum({a} * conj({b}))",
    "sum(circconv(zeropad({a}, N), zeropad({b}, N))) == sum({a}) * sum({b})",
    # N as a number: Parseval's factor and inversion's 1/N, the period of Z_N
    "N * sum({a} * conj({b})) == sum(dft(zeropad({a}, N)) * conj(dft(zeropad({b}, N))))",
    "conj(dft(conj(dft(zeropad({a}, N))))) / N == zeropad({b}, N)",
]
FREE_ASSUMPTIONS = [[], ["N >= len(f)"], ["N >= len(f) + len(g) - 1"], ["N >= len(f) + len(g) - 2"],
                    ["N > len(f) + len(g)"], ["N >= len(f)", "N >= len(g)"]]
FREE_BOUND, FREE_N = 3, 6


def _free_differs(statement: str, table: dict[str, Any], sizes: dict[str, int], n: int) -> bool | None:
    from symconv.lang.assumptions import substitute_integers

    return padded_differs(substitute_integers(parse_statement(statement), {"N": n}).text, table, sizes)


def free_outcome(law: str, a: str, b: str, assume: list[str]) -> dict[str, Any] | None:
    """The verdict on one free-integer statement (N = 5 declared, signals of 2 at origin 0),
    with every admitted size and N up to the bounds compared by the exact tier: ``unsound``,
    those inside a PROVED verdict's scope where the sides differ; ``failing``, the first
    admitted one where they differ; ``refuted_at``, a general-tier counterexample's sizes and
    N, with whether it is admitted and fails there.  None: no claim (an integer or signal
    the statement does not use)."""
    from symconv.lang.assumptions import size_symbols

    statement = law.format(a=a, b=b)
    table = {"f": {"shape": "2", "real": False, "origin": [0]},
             "g": {"shape": "2", "real": False, "origin": [0]}}
    table = {k: v for k, v in table.items() if k in names(parse_statement(statement))}
    assume = [text for text in assume if all(f"len({s})" not in text for s in "fg" if s not in table)]
    try:
        claim = claim_from_text(statement, table, integers={"N": 5}, assume=assume)
    except SymconvError:
        return None
    result = run_tiers(claim, diagnose=False)
    certificate = result.derivation.certificate \
        if result.verdict is Verdict.PROVED and isinstance(result.derivation, Derivation) else {}
    hypotheses = certificate.get("hypotheses", [])
    out: dict[str, Any] = {"claim": claim, "result": result, "unsound": [], "failing": None,
                           "rechecked": 0, "refuted_at": None}
    for k in itertools.product(range(1, FREE_BOUND + 1), repeat=len(table)):
        sizes = dict(zip(sorted(table), k, strict=True))
        for n in range(1, FREE_N + 1):
            values = size_symbols({name: (size,) for name, size in sizes.items()}, {"N": n})
            if not all(x.holds(values) for x in claim.assumptions):
                continue
            differs = _free_differs(statement, table, sizes, n)
            if differs and out["failing"] is None:
                out["failing"] = (sizes, n)
            in_scope = not (certificate.get("tied") and len(set(k)) > 1) and all(
                sum(c * (1 if v == "1" else values[v]) for v, c in h.items()) >= 0 for h in hypotheses)
            if result.verdict is Verdict.PROVED and in_scope and differs is not None:
                out["rechecked"] += 1
                if differs:
                    out["unsound"].append((sizes, n))
    cex = result.counterexample
    if result.verdict is Verdict.REFUTED and cex is not None and cex.integers:
        values = size_symbols(cex.sizes, cex.integers)
        sizes = {name: shape[0] for name, shape in cex.sizes.items()}
        out["refuted_at"] = (sizes, cex.integers["N"], all(x.holds(values) for x in claim.assumptions)
                             and bool(_free_differs(statement, table, sizes, cex.integers["N"])))
    return out


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FREE_LAWS), st.sampled_from(PADDED_HOLES), st.sampled_from(PADDED_HOLES),
       st.sampled_from(FREE_ASSUMPTIONS))
def test_free_integers_agree_with_the_exact_tier(law: str, a: str, b: str, assume: list[str]) -> None:
    """PROVED for every N: no admitted size and N in its scope where the exact tier finds the
    sides different; REFUTED at other integers: the counterexample is admitted and fails
    there; a claim with assumptions that fails at an admitted size is never PROVED."""
    out = free_outcome(law, a, b, assume)
    if out is None:
        return
    assert not out["unsound"], (law, a, b, assume, out["unsound"])
    if out["refuted_at"] is not None:
        assert out["refuted_at"][2], (law, a, b, assume, out["refuted_at"])
    if out["claim"].assumptions and out["failing"] is not None:
        assert out["result"].verdict is not Verdict.PROVED, (law, a, b, assume, out["failing"])
