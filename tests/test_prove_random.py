"""The random tier: modular arithmetic, the NTT, Schwartz–Zippel verdicts."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.signal
import sympy
from hypothesis import given, settings

from symconv.core.algebra import Polynomial
from symconv.core.signal import Signal, default_origin
from symconv.lang.claims import claim_from_text
from symconv.prove import Budget, Result, Verdict, run_tiers
from symconv.prove import random as random_tier
from symconv.prove.counterexample import build_env, claim_sides
from symconv.prove.evaluate import ExactBackend, evaluate_sides
from symconv.prove.modular import (
    NTT_PRIMES,
    CyclotomicBackend,
    ModularBackend,
    WideBackend,
    full_conv_mod,
    ntt,
)
from symconv.strategies import kernel_and_image

P, ROOT = NTT_PRIMES[0]


@pytest.mark.parametrize(("prime", "root"), NTT_PRIMES)
def test_ntt_primes(prime: int, root: int) -> None:
    assert sympy.isprime(prime)
    assert prime < 2**25  # products of residues fit in 50 bits
    assert (prime - 1) % 2**20 == 0
    assert sympy.is_primitive_root(root, prime)


def test_ntt_round_trip() -> None:
    values = np.random.default_rng(0).integers(0, P, 1024)
    assert np.array_equal(ntt(ntt(values, P, ROOT), P, ROOT, inverse=True), values)


@pytest.mark.parametrize("length", [5, 600])  # direct path and NTT path
def test_full_conv_mod_matches_numpy_exactly(length: int) -> None:
    rng = np.random.default_rng(length)
    a, b = rng.integers(0, P, length), rng.integers(0, P, length)
    peer = np.convolve(a.astype(object), b.astype(object)) % P
    got = full_conv_mod(a, b, (2 * length - 1,), P, ROOT)
    assert got.tolist() == peer.tolist()


@settings(max_examples=40, deadline=None)
@given(kernel_and_image(2, max_kernel=4, max_image=6))
def test_full_conv_mod_2d_matches_scipy(pair: tuple[np.ndarray, np.ndarray]) -> None:
    kernel, image = pair
    out_shape = tuple(k + n - 1 for k, n in zip(kernel.shape, image.shape, strict=True))
    got = full_conv_mod(kernel % P, image % P, out_shape, P, ROOT)
    assert np.array_equal(got, scipy.signal.convolve(image, kernel) % P)


def test_2d_ntt_path_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    kernel, image = rng.integers(-9, 10, (20, 20)), rng.integers(-9, 10, (40, 40))
    got = full_conv_mod(kernel % P, image % P, (59, 59), P, ROOT)
    assert np.array_equal(got, scipy.signal.convolve(image, kernel, method="direct") % P)


STATEMENTS = [
    ('conv(F, I, mode="same", boundary="reflect") - corr(F, I, mode="valid") * 0 == F * 0',
     {"F": "3x3", "I": "5x4"}),
    ('corr(F, I, mode="same", boundary="wrap") + conv(F, I, boundary="nearest") == F',
     {"F": "2x3", "I": "4x4"}),
    ("circconv(a, b) - circcorr(b, a) / 3 == a", {"a": "4x3", "b": "4x3"}),
    ("sum(conv(a, b)) * frobenius(a, b) - trace(a @ b) == sum(a)", {"a": "3x3", "b": "3x3"}),
    ("hadamard(flip(a, 1), shift(transpose(b), 1, -1)) + zeropad(a, 4, 4) == -a",
     {"a": "3x3", "b": "3x3"}),
    ("circconv(a, b, 3) == conv(a, b)", {"a": "4", "b": "2"}),
]


def _residue(backend: ModularBackend, value: Polynomial) -> int:
    return backend.residue(Fraction(str(value.constant_value())))


def _assert_agrees_with_exact(statement: str, signals: dict[str, str], backend: ModularBackend,
                              draw: Callable[[tuple[int, ...]], np.ndarray]) -> None:
    """Both sides, evaluated by ``backend`` on the integers ``draw(shape)`` reduced mod its
    prime, are the exact values reduced mod the prime."""
    claim = claim_from_text(statement, signals)
    assert claim.statement is not None
    exact_env, modular_env = {}, {}
    for name, specs in claim.signals.items():
        shape = specs[0].shape
        values, origin = draw(shape), default_origin(shape)
        exact_env[name] = Signal.literal(values.tolist(), origin)
        modular_env[name] = Signal(values % backend.prime, origin)
    for exact_value, value in zip(evaluate_sides(claim.statement, exact_env, ExactBackend()),
                                  evaluate_sides(claim.statement, modular_env, backend),
                                  strict=True):
        if isinstance(exact_value, Signal):
            assert isinstance(value, Signal) and value.origin == exact_value.origin
            assert value.entries.dtype == np.int64
            assert value.entries.reshape(-1).tolist() == [_residue(backend, p)
                                                          for p in exact_value.entries.flat]
        else:
            assert value == _residue(backend, exact_value)


@pytest.mark.parametrize(("statement", "signals"), STATEMENTS)
@pytest.mark.parametrize("seed", [0, 1])
def test_modular_backend_agrees_with_exact_evaluation(statement: str, signals: dict[str, str],
                                                      seed: int) -> None:
    rng = np.random.default_rng(seed)
    _assert_agrees_with_exact(statement, signals, ModularBackend(P),
                              lambda shape: rng.integers(-20, 21, shape))


ORIGIN0_3 = {"shape": "3", "origin": [0]}
ORIGIN0_2x2 = {"shape": "2x2", "origin": [0, 0]}
WIDE_PRIME = 4611686018427387847  # the largest prime below 2^62
WIDE_STATEMENTS = [*STATEMENTS,
                   ("periodize(conv(a, b), 2, 3) + trace(a @ b) * periodize(a, 2, 3) == a",
                    {"a": "3x4", "b": "4x3"}),
                   ("circcorr(a, b, 2, 2) * (3 * frobenius(a, b) / 7) - a == a",
                    {"a": "3x3", "b": "3x3"})]


@pytest.mark.parametrize(("statement", "signals"), WIDE_STATEMENTS)
@pytest.mark.parametrize("seed", [0, 1])
def test_wide_backend_agrees_with_exact_evaluation(statement: str, signals: dict[str, str],
                                                   seed: int) -> None:
    """Residues anywhere in [0, p) for p just below 2^62 (most near the top, where an int64
    product or a sum of three would overflow), against exact integers reduced mod p."""
    rng = np.random.default_rng(seed)
    _assert_agrees_with_exact(statement, signals, WideBackend(WIDE_PRIME), lambda shape: np.where(
        rng.random(shape) < 0.7, WIDE_PRIME - 1 - rng.integers(0, 5, shape),
        rng.integers(0, WIDE_PRIME, shape)))


def test_wide_backend_at_the_largest_residues() -> None:
    backend, top = WideBackend(WIDE_PRIME), WIDE_PRIME - 1  # top = -1 mod p
    full = Signal(np.full((8, 8), top, dtype=np.int64), (0, 0))
    assert backend.call("hadamard", [full, full], [], {}).entries.tolist() == [[1] * 8] * 8
    assert backend.call("trace", [full], [], {}) == WIDE_PRIME - 8
    assert backend.call("periodize", [full], [1, 1], {}).entries.tolist() == [[WIDE_PRIME - 64]]
    assert backend.binary("@", full, full).entries.tolist() == [[8] * 8] * 8
    assert backend.binary("*", full, top).entries.tolist() == [[1] * 8] * 8
    assert backend.call("conv", [full, full], [], {}).entries[7, 7] == 64
    with pytest.raises(ValueError, match="not in"):
        WideBackend(P)


def _random(statement: str, signals: dict[str, Any],
            sizes: dict[str, str] | None = None) -> Result:
    options: dict[str, Any] = {"tiers": ["random"], **({"sizes": sizes} if sizes else {})}
    return run_tiers(claim_from_text(statement, signals, **options))


def test_true_claim_is_probable_with_error_bound() -> None:
    result = _random("frobenius(conv(a, b), c) == frobenius(b, corr(a, c))",
                     {"a": "3x3", "b": "5x5", "c": "5x5"},
                     {"a": "7x7", "b": "64x64", "c": "70x70"})
    assert result.verdict is Verdict.PROBABLE
    assert result.error_bound is not None
    # degree 3, one trial mod a prime of [2^61, 2^62) (coefficients far below 2^61)
    assert result.error_bound == pytest.approx(3 / 2**61)
    assert "p in [2^61, 2^62)" in result.detail and "Schwartz–Zippel" in result.detail
    # the declared sizes are evaluated too
    assert result.sizes == [{"a": (3, 3), "b": (5, 5), "c": (5, 5)},
                            {"a": (7, 7), "b": (64, 64), "c": (70, 70)}]


def test_a_scalar_difference_names_no_coordinate() -> None:
    result = _random("sum(conv(a, b)) == sum(a) * sum(b) + sum(a)", {"a": "3", "b": "4"})
    assert result.verdict is Verdict.REFUTED
    assert "differ mod" in result.detail and " at None" not in result.detail


def test_false_claim_is_refuted_with_small_counterexample() -> None:
    result = _random("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, {"a": "5000", "b": "5000"})
    assert result.verdict is Verdict.REFUTED
    cex = result.counterexample
    assert cex is not None and cex.coordinate is not None
    a, b = np.array(cex.signals["a"]), np.array(cex.signals["b"])
    # direct check: corr(a, b)(x) = sum_i a(i) b(x + i)
    def corr_at(f: np.ndarray, fo: int, g: np.ndarray, go: int, x: int) -> int:
        return sum(int(f[i]) * int(g[x + fo + i - go]) for i in range(len(f))
                   if 0 <= x + fo + i - go < len(g))
    (x,) = cex.coordinate
    (ao,), (bo,) = cex.origins["a"], cex.origins["b"]
    assert corr_at(a, ao, b, bo, x) == cex.left
    assert corr_at(b, bo, a, ao, x) == cex.right


@pytest.mark.parametrize("op", ["==", "!="])
def test_verdict_only_budget_skips_the_counterexample_search_not_the_verdict(op: str) -> None:
    claim = claim_from_text(f"corr(a, b) {op} corr(b, a)", {"a": "3", "b": "4"}, tiers=["random"],
                            sizes={"a": "50", "b": "50"})
    verdict = Verdict.REFUTED if op == "==" else Verdict.VERIFIED
    quick = run_tiers(claim, Budget(60, witness=False), diagnose=False)
    assert quick.verdict is verdict and quick.counterexample is None
    full = run_tiers(claim, Budget(60))
    assert full.verdict is verdict and full.counterexample is not None


def test_not_equal_claims() -> None:
    witness = _random("corr(a, b) != corr(b, a)", {"a": "3", "b": "4"}, {"a": "50", "b": "50"})
    assert witness.verdict is Verdict.VERIFIED
    equal = _random("conv(a, b) != conv(b, a)", {"a": "3", "b": "4"}, {"a": "50", "b": "50"})
    assert equal.verdict is Verdict.INCONCLUSIVE


def test_default_large_sizes() -> None:
    claim = claim_from_text("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "4x4"})
    first = next(random_tier.large_sizes(claim))
    assert first == {"F": (15, 15), "I": (512, 512)}
    claim = claim_from_text("conv(a, b) == conv(b, a)", {"a": "5", "b": "5"})
    assert next(random_tier.large_sizes(claim)) == {"a": (100_001,), "b": (100_001,)}


def test_fixed_kernels_are_reduced_not_randomized() -> None:
    result = _random("conv(G, I, mode=\"same\") == corr(G, I, mode=\"same\")",
                     {"G": "gaussian5", "I": "5x5"}, {"I": "40x40"})
    assert result.verdict is Verdict.PROBABLE  # gaussian5/273: the denominator is invertible
    assert result.sizes == [{"I": (5, 5)}, {"I": (40, 40)}]


@pytest.mark.parametrize("statement", ["conv(S, G) == conv(G, S)", "conv(S, G) == corr(S, G)",
                                       "circconv(S, S, 3, 3) == circconv(S, S, 3, 3)"])
def test_all_fixed_signals_say_why_the_tier_cannot_decide(statement: str) -> None:
    """Nothing to draw: INCONCLUSIVE naming the fixed signals and the tier that decides, with
    no seed (nothing random ran); the exact tier then decides the same claim."""
    signals = {"S": "sobel_x", "G": [[1, 2], [3, 5]]}
    claim = claim_from_text(statement, {k: v for k, v in signals.items() if k in statement},
                            tiers=["random"])
    result = random_tier.attempt(claim, Budget(10))
    assert result is not None and result.verdict is Verdict.INCONCLUSIVE and result.seed is None
    names = ", ".join(sorted(n for n in signals if n in statement))
    assert f"every signal has fixed entries ({names})" in result.detail
    assert "tier 'exact'" in result.detail
    exact = run_tiers(replace(claim, tiers=("exact",)), Budget(30))
    assert exact.verdict in (Verdict.VERIFIED, Verdict.REFUTED)


def test_complex_entries_and_imaginary_constants_are_decided() -> None:
    """Complex entries and 1j go through Z[ζ_L] -> F_p (conj(z) an independent residue)."""
    complex_claim = claim_from_text("conj(conj(a)) == a", {"a": {"shape": "3", "real": False}},
                                    tiers=["random"])
    assert random_tier.attempt(complex_claim, Budget(10)).verdict is Verdict.PROBABLE
    for false in ("2j * a == a", "conj(a) == a", "1j * 1j * a == a"):
        claim = claim_from_text(false, {"a": {"shape": "3", "real": False}}, tiers=["random"])
        assert random_tier.attempt(claim, Budget(10)).verdict is Verdict.REFUTED, false
    python_claim = claim_from_text("a == a", {"a": "3"}, tiers=["random"])
    assert random_tier.attempt(replace(python_claim, statement=None), Budget(10)) is None


@pytest.mark.slow
def test_shape_mismatch_at_large_sizes_falls_back() -> None:
    result = _random("circconv(a, b) == circconv(b, a)", {"a": "4x4", "b": "4x4"})
    # equal declared shapes all become 512x512 (512x512 with 15x15 could not be circularly
    # convolved)
    assert result.verdict is Verdict.PROBABLE
    assert result.sizes == [{"a": (4, 4), "b": (4, 4)}, {"a": (512, 512), "b": (512, 512)}]


SAME_MODE_COMMUTES = 'conv(a, b, mode="same") == conv(b, a, mode="same")'


def test_claim_false_only_at_its_declared_shapes_is_refuted() -> None:
    # In 1D every signal becomes 100001 long, where 'same' crops both sides to one box; at
    # the declared sizes the boxes differ.
    assert _random(SAME_MODE_COMMUTES, {"a": "3", "b": "5"}).verdict is Verdict.REFUTED


def test_claim_false_only_at_its_declared_shapes_is_refuted_by_default_tiers() -> None:
    # 1001 and 30001: 30M-term products, beyond the exact tier's limit; the random tier
    claim = claim_from_text(SAME_MODE_COMMUTES, {"a": "1001", "b": "30001"})
    # the verdict alone (the repair search at these sizes would double the time, finding none)
    assert run_tiers(claim, diagnose=False).verdict is Verdict.REFUTED


def test_not_equal_needs_a_witness_at_the_declared_sizes() -> None:
    # equal at the declared sizes (both 3x3), different only at 512x512 with 15x15
    result = _random('conv(a, b, mode="same") != conv(b, a, mode="same")',
                     {"a": "3x3", "b": "3x3"})
    assert result.verdict is not Verdict.VERIFIED


@pytest.mark.parametrize("statement", [
    # coefficients divisible by the five NTT primes (the primes of an earlier version)
    "7340033*13631489*23068673*a == 0*a",
    "(7340033*13631489*23068673 + 1)*a == a",
    "7340033*13631489*23068673*26214401*28311553*a == 0*a",
    "conv(a, b)*(7*1048576 + 1)*(13*1048576 + 1)*(11*2097152 + 1) == 0*conv(b, a)",
])
@pytest.mark.parametrize("wide", [True, False])
def test_difference_divisible_by_small_primes_is_refuted(statement: str, wide: bool) -> None:
    claim = claim_from_text(statement, {"a": "3", "b": "3"} if "b" in statement else {"a": "3"})
    result = random_tier.attempt(claim, Budget(30), wide=wide)
    assert result is not None and result.verdict is Verdict.REFUTED


def test_a_difference_divisible_by_every_candidate_prime_is_never_probable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two candidate primes, and a difference divisible by both: every trial misses it, so
    the bound must count them (it would be PROBABLE if the height were ignored)."""
    primes = np.array([1073741827, 1073741831], dtype=np.int64)
    assert all(sympy.isprime(int(p)) for p in primes)
    monkeypatch.setattr(random_tier, "prime_candidates", lambda order: primes)
    false = claim_from_text(f"{primes[0] * primes[1]}*a == 0*a", {"a": "3"})
    result = random_tier.attempt(false, Budget(30), wide=False)
    assert result is not None
    assert result.verdict is Verdict.INCONCLUSIVE, result.detail
    assert "may vanish at up to 2 of the 2·1 primes" in result.detail
    true = claim_from_text("2*a == a + a", {"a": "3"})
    probable = random_tier.attempt(true, Budget(30), wide=False)
    assert probable is not None and probable.verdict is Verdict.PROBABLE


def test_error_bound_counts_primes_that_may_divide_the_difference() -> None:
    # coefficients up to 2 * 3 * 2^62 (65 bits): one prime of [2^61, 2^62) may divide them
    result = _random(f"{3 * 2**62}*a == {3 * 2**62}*flip(flip(a))", {"a": "3"})
    assert result.verdict is Verdict.PROBABLE
    assert f"<= 1/({random_tier.WIDE_PRIME_COUNT}·1)" in result.detail
    assert result.error_bound == pytest.approx(1 / random_tier.WIDE_PRIME_COUNT + 1 / 2**61)


def test_the_wide_prime_count_is_a_lower_bound() -> None:
    # Rosser–Schoenfeld with the constants checked against the primes near 2^61 (density
    # 1/ln x): the bound is within a factor 2 of the true count (about 6.2e16)
    estimate = (2**61) / math.log(2**61.5)
    assert estimate / 2 < random_tier.WIDE_PRIME_COUNT < estimate


def test_degree_counts_a_signal_symbolic_in_any_declared_assignment() -> None:
    # F is a fixed kernel in the first assignment and symbolic in the second: degree 2, not 0
    result = _random("hadamard(F, F) == hadamard(F, F)", {"F": ["prewitt_x", "3x3"]})
    assert result.verdict is Verdict.PROBABLE and result.error_bound is not None
    assert result.error_bound == pytest.approx(2 / 2**61)


def test_every_declared_assignment_is_evaluated() -> None:
    # x^3 = x for the entries -1, 0, 1 of prewitt_x, not for a symbolic F
    statement = "hadamard(hadamard(F, F), F) == F"
    assert _random(statement, {"F": ["prewitt_x", "3x3"]}).verdict is Verdict.REFUTED


@pytest.mark.parametrize(("statement", "signals"), [
    ("conv(k, conv(k, a)) == 0 * a", {"k": {"literal": [1] * 5}, "a": "3"}),
    ("corr(k, corr(k, a)) == 0 * a", {"k": {"literal": [1] * 5}, "a": "3"}),
    ("circconv(k, circconv(k, a)) == 0 * a", {"k": {"literal": [1] * 8}, "a": "8"}),
    # a period shorter than both signals folds four entries of each onto one sample: an
    # output entry sums 8 * 4 products, not the period times the larger fold (2 * 4)
    ("circconv(k, k, 2) == 0 * periodize(k, 2)", {"k": {"literal": [1] * 8, "origin": [0]}}),
    ("circcorr(k, circconv(k, a, 3), 3) == 0 * periodize(a, 3)",
     {"k": {"literal": [1] * 9, "origin": [0]}, "a": "9"}),
    ("conv(k, conv(a, a)) == 0 * a", {"k": {"literal": [2, 3, 2]}, "a": "3"}),
    ("conv(conv(a, a), conv(a, a)) == 0 * a", {"a": "3"}),
    ("sum(conv(k, a)) * 2 == 0", {"k": {"literal": [1] * 5}, "a": "3"}),
    ("frobenius(conv(k, a), conv(k, a)) == 0", {"k": {"literal": [1, 2, 1]}, "a": "3"}),
])
def test_the_height_bound_covers_every_exact_coefficient(statement: str,
                                                         signals: dict[str, Any]) -> None:
    """The bound that decides how many primes could divide a difference must hold: here the
    difference is the left side, whose coefficients (sums of like terms inside convolutions)
    are computed exactly.  A bound that ignored the terms a convolution adds would fail."""
    claim = claim_from_text(statement, signals, tiers=["random"])
    (assignment,) = claim.assignments()
    left, _ = claim_sides(claim, build_env(assignment))
    entries = left.entries.flat if isinstance(left, Signal) else [left]
    largest = max(abs(Fraction(str(c))) for p in entries for c in p.terms.values())
    height, order = random_tier._difference_height(claim, assignment, {})
    assert order == 1 and largest <= height, (largest, height)


# --- claims with roots of unity: Z[ζ_L] -> F_p ----------------------------------------------


def test_prime_candidates_are_exactly_the_primes_of_the_progression() -> None:
    for order in (1, 12, 512):
        primes = random_tier.prime_candidates(order)
        assert primes.size > 1000 and bool(((primes - 1) % order == 0).all())
        assert primes[0] >= 2**30 and primes[-1] < 2**31
        window = [p for p in range(int(primes[0]), int(primes[0]) + 3000 * order, order)
                  if sympy.isprime(p)]
        assert primes[:len(window)].tolist() == window
        assert all(sympy.isprime(int(p)) for p in primes[-50:])


def _exact_image(value: Any, backend: CyclotomicBackend) -> int:
    """An exact constant of Q(ζ_L) mapped to F_p by ζ_L -> the backend's root."""
    poly = Polynomial.constant(value) if not isinstance(value, Polynomial) else value
    c = poly.constant_value()
    domain = poly.domain
    if domain.is_QQ or domain.is_ZZ:
        return backend.residue(Fraction(int(c.numerator), int(c.denominator)))
    total = 0
    for j, q in domain.zeta_exponents(c).items():
        total += backend.residue(Fraction(int(q.numerator), int(q.denominator))) * backend.zeta(
            domain.order, j)
    return total % backend.prime


@pytest.mark.parametrize("shape", [(8,), (6,), (4, 4), (2, 6)])
def test_cyclotomic_dft_is_the_exact_dft_through_the_homomorphism(shape: tuple[int, ...]) -> None:
    """The transform mod p (radix 2, or the matrix for other lengths) against the exact DFT
    in Q(ζ_n) (symconv.core.fourier) mapped entry by entry with ζ_n -> r^(L/n)."""
    rng = np.random.default_rng(7)
    order = int(np.lcm.reduce(shape))
    prime = int(random_tier.prime_candidates(order)[3])
    backend = CyclotomicBackend(prime, order, random_tier._root_of_unity(prime, order, rng))
    values = rng.integers(-5, 6, shape)
    exact = ExactBackend()
    for func in ("dft", "idft"):
        expected = exact.call(func, [Signal(values, (0,) * len(shape)).exact()],
                              [], {})
        found = backend.call(func, [backend.reduce(Signal(values, (0,) * len(shape)))], [], {})
        images = [_exact_image(v, backend) for v in expected.entries.flat]
        assert found.entries.reshape(-1).tolist() == images, func


def test_circular_sums_by_transforms_match_the_direct_ones() -> None:
    rng = np.random.default_rng(3)
    prime = int(random_tier.prime_candidates(8)[0])
    backend = CyclotomicBackend(prime, 8, random_tier._root_of_unity(prime, 8, rng))
    direct = ModularBackend(prime)
    a = Signal(rng.integers(0, prime, (8, 4)), (0, 0))
    b = Signal(rng.integers(0, prime, (8, 4)), (-2, 1))
    for func in ("circconv", "circcorr"):
        by_transforms = backend.call(func, [a, b], [], {})
        assert by_transforms.entries.tolist() == direct.call(func, [a, b], [], {}).entries.tolist()


THEOREMS_2D = [
    "dft(circconv(f, g)) == dft(f) * dft(g)",
    "dft(circcorr(f, g)) == conj(dft(f)) * dft(g)",
    "dft(f * g) == circconv(dft(f), dft(g)) / 4096",
]
MUTANTS_2D = [
    "dft(circcorr(f, g)) == dft(f) * conj(dft(g))",  # conj misplaced
    "dft(f * g) == circconv(dft(f), dft(g))",  # the 1/n missing
    "dft(circconv(f, shift(g, 1, 0))) == dft(f) * dft(g)",  # a shift of one
]
SQUARE_64 = {"f": {"shape": "64x64", "origin": [0, 0]}, "g": {"shape": "64x64", "origin": [0, 0]}}
AT_64 = {"f": "64x64", "g": "64x64"}


@pytest.mark.parametrize("statement", THEOREMS_2D)
def test_dft_theorems_are_probable_with_a_bound(statement: str) -> None:
    claim = claim_from_text(statement, SQUARE_64, tiers=["random"], sizes=AT_64)
    result = random_tier.attempt(claim, Budget(60))
    assert result is not None and result.verdict is Verdict.PROBABLE, result
    assert result.error_bound is not None and result.error_bound < random_tier.TARGET_ERROR
    assert "Z[ζ_64] -> F_p" in result.detail and "Schwartz–Zippel" in result.detail
    assert f"seed {random_tier.claim_seed(claim)}" in result.detail


@pytest.mark.parametrize("statement", MUTANTS_2D)
def test_dft_theorem_mutants_are_refuted(statement: str) -> None:
    """Refuted, with a small exact counterexample (declared 4x4, large size 64x64)."""
    small = {"f": {"shape": "4x4", "origin": [0, 0]}, "g": {"shape": "4x4", "origin": [0, 0]}}
    result = random_tier.attempt(claim_from_text(statement, small, tiers=["random"],
                                                 sizes=AT_64), Budget(60))
    assert result is not None and result.verdict is Verdict.REFUTED
    assert result.counterexample is not None


def test_seeds_make_a_run_reproducible() -> None:
    claim = claim_from_text(THEOREMS_2D[1], {"f": "8x8", "g": "8x8"}, tiers=["random"],
                            sizes={"f": "16x16", "g": "16x16"})
    first, again = (random_tier.attempt(claim, Budget(30)) for _ in range(2))
    other = random_tier.attempt(claim, Budget(30), seed=12345)
    assert first is not None and again is not None and other is not None
    assert first.detail == again.detail
    assert "seed 12345" in other.detail and other.detail != first.detail
    assert other.verdict is first.verdict is Verdict.PROBABLE


@pytest.mark.parametrize(("statement", "signals", "scaled"), [
    ("circconv(zeropad(a, 5), zeropad(b, 5)) == zeropad(conv(a, b), 5)",
     {"a": ORIGIN0_3, "b": ORIGIN0_3}, {"a": (49999,), "b": (49999,)}),
    ("circconv(f, g, 4, 4) == conv(f, g)", {"f": ORIGIN0_2x2, "g": ORIGIN0_2x2},
     {"f": (171, 171), "g": (171, 171)}),
    ("dft(conv(f, g), 6) == dft(f, 6) * dft(g, 6)", {"f": ORIGIN0_3, "g": ORIGIN0_3},
     {"f": (1639,), "g": (1639,)}),  # wraps at 6 as at 4096; roots of unity of order 4096
])
def test_claims_naming_sizes_are_scaled_with_them(statement: str, signals: dict[str, Any],
                                                  scaled: dict[str, tuple[int, ...]]) -> None:
    """Zeropad lengths, periods and DFT sizes scale with the shapes, x -> k(x - 1) + 1: PROBABLE
    at the declared and the scaled sizes (it was INCONCLUSIVE, then declared sizes only)."""
    claim = claim_from_text(statement, signals, tiers=["random"])
    result = random_tier.attempt(claim, Budget(60))
    assert result is not None
    assert result.verdict is Verdict.PROBABLE, result.detail
    declared = {n: s[0].shape for n, s in claim.signals.items()}
    assert result.sizes == [declared, scaled]
    assert "the large sizes scaled as declared" in result.detail


@pytest.mark.parametrize(("statement", "signals", "why"), [
    ("len(f) * sum(f) == 3 * sum(f)", {"f": ORIGIN0_3}, "a size function"),
    ("circconv(k, a, 5) == conv(k, a)", {"k": {"literal": [1, 2], "origin": [0]},
                                         "a": ORIGIN0_3}, "a fixed signal"),
    ("circconv(a, a, 5) == periodize(conv(a, a), 5)", {"a": {"shape": "3", "origin": [-1]}},
     "an explicit non-zero origin"),
])
def test_claims_that_cannot_be_scaled_say_why(statement: str, signals: dict[str, Any],
                                              why: str) -> None:
    result = random_tier.attempt(claim_from_text(statement, signals, tiers=["random"]),
                                 Budget(30))
    assert result is not None
    assert result.verdict is Verdict.PROBABLE, result.detail
    assert len(result.sizes) == 1 and f"at the declared sizes only: {why}" in result.detail


def test_a_false_claim_naming_sizes_is_refuted_at_its_declared_sizes() -> None:
    false = claim_from_text("circconv(zeropad(a, 4), zeropad(b, 4)) == zeropad(conv(a, b), 5)",
                            {"a": ORIGIN0_3, "b": ORIGIN0_3}, tiers=["random"])
    result = random_tier.attempt(false, Budget(30))
    assert result is not None and result.verdict is Verdict.REFUTED
    assert result.sizes == [{"a": (3,), "b": (3,)}] and "scaled" not in result.detail


def test_a_size_dependent_dft_claim_is_inconclusive_with_a_note() -> None:
    """1/N written as a number holds at the declared size only: a difference at the large
    sizes alone decides nothing (INCONCLUSIVE, saying why); the exact tier decides the
    declared size."""
    claim = claim_from_text("dft(f * g) == circconv(dft(f), dft(g)) / 16",
                            {"f": "4x4", "g": "4x4"}, tiers=["random"])
    result = random_tier.attempt(claim, Budget(60))
    assert result is not None and result.verdict is Verdict.INCONCLUSIVE
    assert "depends on the size" in result.detail and "f=512x512" in result.detail
    exact = run_tiers(replace(claim, tiers=("exact",)))
    assert exact.verdict is Verdict.VERIFIED


@pytest.mark.parametrize(("statement", "signals", "holds"), [
    ("len(f) * sum(f) == 5 * sum(f)", {"f": "5"}, True),
    ("numel(f) * sum(g) == 9 * sum(g)", {"f": "3x3", "g": "3x3"}, True),
    ("size(f, 0) * f == 3 * f", {"f": "3"}, True),
    # false at the declared size, true at the large size the tier would pick (100001, 2^16)
    ("len(f) * sum(f) == 100001 * sum(f)", {"f": "5"}, False),
    ("len(f) * dft(f) == 65536 * dft(f)", {"f": "4"}, False),
    # an explicit period wraps at the large sizes, not at the declared ones
    ("circconv(f, g, 5) == conv(f, g)", {"f": {"shape": "2", "origin": [0]},
                                         "g": {"shape": "2", "origin": [0]}}, True),
    ("circconv(f, g, 4, 4) == conv(f, g)", {"f": {"shape": "2x2", "origin": [0, 0]},
                                            "g": {"shape": "2x2", "origin": [0, 0]}}, True),
])
def test_named_sizes_are_evaluated_at_the_declared_sizes(statement: str, signals: dict[str, Any],
                                                            holds: bool) -> None:
    # A size function reads the signal's box and a period is a size: at other sizes the
    # statement is another claim.
    result = random_tier.attempt(claim_from_text(statement, signals), Budget(30))
    assert result is not None
    assert result.verdict is (Verdict.PROBABLE if holds else Verdict.REFUTED), result.detail


@pytest.mark.parametrize("op", ["==", "!="])
def test_a_difference_only_at_the_large_sizes_decides_nothing(op: str) -> None:
    # circconv(f, g) == conv(f, g) holds at length 1 (origin 0) and fails at the large sizes
    one = {"shape": "1", "origin": [0]}
    claim = claim_from_text(f"circconv(f, g) {op} conv(f, g)", {"f": one, "g": one})
    result = random_tier.attempt(claim, Budget(30))
    assert result is not None
    assert result.verdict is Verdict.INCONCLUSIVE, result.detail


def test_the_seed_is_in_every_result() -> None:
    true = claim_from_text("conv(a, b) == conv(b, a)", {"a": "4", "b": "3"}, tiers=["random"])
    result = random_tier.attempt(true, Budget(30))
    assert result is not None and result.seed == random_tier.claim_seed(true)
    seeded = random_tier.attempt(replace(true, seed=5), Budget(30))
    assert seeded is not None and seeded.seed == 5 and "seed 5" in seeded.detail
    false = claim_from_text("conv(a, b) == corr(b, a)", {"a": "4", "b": "3"}, tiers=["random"])
    refuted = random_tier.attempt(replace(false, seed=9), Budget(30))
    assert refuted is not None and refuted.verdict is Verdict.REFUTED and refuted.seed == 9


@pytest.mark.parametrize("wide", [True, False])
def test_both_arithmetics_give_a_bound_below_the_target(wide: bool) -> None:
    claim = claim_from_text("conv(F, I) == corr(flip(F), I)", {"F": "3x3", "I": "5x5"},
                            tiers=["random"], sizes={"F": "7x7", "I": "40x40"})
    result = random_tier.attempt(claim, Budget(30), wide=wide)
    assert result is not None and result.verdict is Verdict.PROBABLE
    assert result.error_bound is not None and result.error_bound < random_tier.TARGET_ERROR
    assert ("[2^61, 2^62)" if wide else "[2^30, 2^31)") in result.detail


def test_large_sizes_without_a_bound_fall_back_to_the_declared_sizes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No prime ≡ 1 (mod L) for the roots of unity of any large size (all L > 2): the
    declared sizes (2x2, L = 2) decide alone."""
    real = random_tier.prime_candidates
    monkeypatch.setattr(random_tier, "prime_candidates",
                        lambda order: real(order) if order <= 2 else real(order)[:0])
    claim = claim_from_text("dft(circconv(f, g)) == dft(f) * dft(g)",
                            {"f": ORIGIN0_2x2, "g": ORIGIN0_2x2}, tiers=["random"])
    result = random_tier.attempt(claim, Budget(30))
    assert result is not None
    assert result.verdict is Verdict.PROBABLE, result.detail
    assert result.sizes == [{"f": (2, 2), "g": (2, 2)}]
    assert "declared sizes only" in result.detail and "no prime ≡ 1 (mod 16)" in result.detail
