"""The independent checker of general-tier certificates.

- it imports only the statement parser and exact arithmetic, never the prover;
- it accepts the certificate of every bundled claim the general tier derives;
- it rejects forged certificates: a wrong inverse, a dropped term, a changed sign, a
  non-bijective map, a map mixing axes on Z_n^d, a certificate moved to a false
  statement or to the wrong model, orthogonality on a variable an atom uses, malformed data;
- on Z^d with concrete entries (literal and named kernels), signed permutations of the axes
  (one-axis flips and transposes around sums, trace(a @ b)): other entries than the claim's,
  a dropped or misplaced collapse, a permutation with a sign off, a transpose missing.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import pytest

from symconv.lang.claims import claim_from_text, load_claims
from symconv.lang.dsl import parse_statement
from symconv.prove import checker
from symconv.prove.derivation import Derivation
from symconv.prove.general import derive

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
CHECKER = Path(checker.__file__)


def _derivation(statement: str, signals: dict[str, Any]) -> Derivation:
    derivation = derive(claim_from_text(statement, signals))
    assert derivation is not None, statement
    return derivation


def _accepts(derivation: Derivation, certificate: Any = None, statement: str | None = None,
             literals: Any = None) -> bool:
    try:
        checker.check(parse_statement(statement or derivation.statement), derivation.ndims,
                      derivation.real, derivation.certificate if certificate is None else certificate,
                      literals=derivation.literals if literals is None else literals)
    except checker.CertificateError:
        return False
    return True


def test_checker_imports_only_the_parser_and_arithmetic() -> None:
    tree = ast.parse(CHECKER.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "collections.abc", "dataclasses", "fractions", "typing",
                        "symconv.lang.dsl"}, imported


def test_checker_is_small() -> None:
    # issue 12 aims at 400 lines; modes, boundaries and padding added about 185, strides and
    # dilations (downsample, upsample, the divide step) about 35
    assert len(CHECKER.read_text(encoding="utf-8").splitlines()) < 630


def test_every_bundled_derivation_is_accepted() -> None:
    derived = [d for d in (derive(c) for c in load_claims([PROOFS])) if d is not None]
    assert len(derived) >= 50
    assert all(d.check() for d in derived)


def _maps(certificate: dict[str, Any]) -> list[list[Any]]:
    return [step for side in certificate["sides"] for term in side["terms"]
            for step in term["steps"] if step[0] == "map"]


MAPPED = [("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"}),
          ("conv(conv(a, b), c) == conv(a, conv(b, c))", {"a": "3x3", "b": "2x3", "c": "3x2"}),
          ("sum(conv(a, b)) == sum(a) * sum(b)", {"a": "3", "b": "4"}),
          ("frobenius(conv(a, b), c) == frobenius(b, corr(a, c))", {"a": "2x2", "b": "3x3", "c": "4x4"}),
          ("dft(circconv(f, g)) == dft(f) * dft(g)", {"f": "4", "g": "4"}),
          ("circcorr(a, b) == circconv(flip(a), b)", {"a": "4x4", "b": "4x4"})]


@pytest.mark.parametrize(("statement", "signals"), MAPPED)
def test_a_wrong_inverse_is_rejected(statement: str, signals: dict[str, Any]) -> None:
    derivation = _derivation(statement, signals)
    assert _accepts(derivation)
    count = 0
    for number, step in enumerate(_maps(derivation.certificate)):
        for which in (1, 2):
            for var, form in step[which].items():
                for key in [*form, "1"]:
                    forged = copy.deepcopy(derivation.certificate)
                    target = _maps(forged)[number][which][var]
                    target[key] = target.get(key, 0) + 1
                    assert not _accepts(derivation, forged), (which, var, key)
                    count += 1
    assert count >= 4


@pytest.mark.parametrize(("statement", "signals"), MAPPED)
def test_a_changed_sign_is_rejected(statement: str, signals: dict[str, Any]) -> None:
    """Negate one new variable in a map and its inverse: still a bijection, but the term no
    longer meets the other side."""
    derivation = _derivation(statement, signals)
    for number, step in enumerate(_maps(derivation.certificate)):
        for new_var in step[2]:
            forged = copy.deepcopy(derivation.certificate)
            forward, inverse = _maps(forged)[number][1:]
            for form in forward.values():
                if new_var in form:
                    form[new_var] = -form[new_var]
            inverse[new_var] = {k: -c for k, c in inverse[new_var].items()}
            assert not _accepts(derivation, forged), new_var


def test_a_non_bijective_map_is_rejected() -> None:
    derivation = _derivation("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"})
    forged = copy.deepcopy(derivation.certificate)
    step = _maps(forged)[0]
    # v0 = 2i: its "inverse" i = v0 composes to 2i, not the identity
    step[1] = {"v0.0": {"i.0": 2}}
    step[2] = {"i.0": {"v0.0": 1}}
    assert not _accepts(derivation, forged)
    # two old variables onto one new one
    two = _derivation("sum(conv(a, b)) == sum(a) * sum(b)", {"a": "3", "b": "4"})
    forged = copy.deepcopy(two.certificate)
    step = _maps(forged)[0]
    step[1] = {"v0.0": {"i.0": 1}, "v1.0": {"i.0": 1}}
    step[2] = {"i.0": {"v0.0": 1}, "j.0": {"v1.0": 1}}
    assert not _accepts(two, forged)


def test_a_dropped_term_is_rejected() -> None:
    derivation = _derivation("conv(a, b + c) == conv(a, b) + conv(a, c)",
                             {"a": "3", "b": "4", "c": "2"})
    for side in (0, 1):
        forged = copy.deepcopy(derivation.certificate)
        del forged["sides"][side]["terms"][-1]
        assert not _accepts(derivation, forged)
    # the certificate of a + b == b + a does not prove a == b + a
    plus = _derivation("a + b == b + a", {"a": "3", "b": "3"})
    assert _accepts(plus)
    assert not _accepts(plus, statement="a == b + a")


@pytest.mark.parametrize(("true", "false", "signals"), [
    ("corr(a, b) == flip(corr(b, a))", "corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}),
    ("conv(shift(a, 1), b) == shift(conv(a, b), 1)", "conv(shift(a, 1), b) == shift(conv(a, b), 2)",
     {"a": "3", "b": "4"}),
    ("dft(circcorr(f, g)) == conj(dft(f)) * dft(g)", "dft(circcorr(f, g)) == dft(f) * dft(g)",
     {"f": "4", "g": "4"}),
    ("conv(2*a, b) == 2*conv(a, b)", "conv(2*a, b) == 3*conv(a, b)", {"a": "3", "b": "4"}),
    ("flip(F) == flip(flip(F, 0), 1)", "flip(F) == flip(flip(F, 0), 0)", {"F": "3x4"}),
    ("flip(transpose(F)) == transpose(flip(F))", "flip(transpose(F)) == transpose(flip(F, 1))",
     {"F": "3x3"}),
    ("idft(dft(f)) == f", "idft(dft(f)) == flip(f)", {"f": {"shape": "4", "origin": [0]}}),
    ("numel(f) * sum(f * f) == sum(dft(f) * dft(flip(f)))",
     "numel(f) * numel(f) * sum(f * f) == sum(dft(f) * dft(flip(f)))", {"f": "4"}),
])
def test_a_certificate_does_not_prove_a_false_statement(true: str, false: str,
                                                        signals: dict[str, Any]) -> None:
    derivation = _derivation(true, signals)
    assert _accepts(derivation)
    assert not _accepts(derivation, statement=false)


def test_the_conjugate_of_a_complex_signal_is_not_the_signal() -> None:
    derivation = _derivation("dft(circcorr(f, g)) == conj(dft(conj(f))) * dft(g)",
                             {"f": {"shape": "5", "real": False}, "g": {"shape": "5", "real": False}})
    assert _accepts(derivation)
    assert not _accepts(derivation, statement="dft(circcorr(f, g)) == conj(dft(f)) * dft(g)")


def test_the_model_must_fit_the_statement() -> None:
    plane = _derivation("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"})
    forged = {**plane.certificate, "model": "Z_n^d"}
    assert not _accepts(plane, forged)  # conv is not an operation on Z_n^d here
    torus = _derivation("circconv(a, b) == circconv(b, a)", {"a": "4", "b": "4"})
    assert not _accepts(torus, {**torus.certificate, "model": "Z^d"})


def test_maps_may_not_mix_axes_on_the_torus() -> None:
    derivation = _derivation("circconv(a, b) == circconv(b, a)", {"a": "3x3", "b": "3x3"})
    forged = copy.deepcopy(derivation.certificate)
    step = _maps(forged)[0]
    # swap the axes of the new variable (a transposition: a bijection of Z^2, not of Z_m x Z_n)
    step[1] = {old: {(k[:-1] + str(1 - int(k[-1])) if k[0] == "i" else k): c for k, c in form.items()}
               for old, form in step[1].items()}
    step[2] = {(v[:-1] + str(1 - int(v[-1]))): form for v, form in step[2].items()}
    assert not _accepts(derivation, forged)


def test_orthogonality_and_collapse_need_their_conditions() -> None:
    derivation = _derivation("dft(circconv(f, g)) == dft(f) * dft(g)", {"f": "4", "g": "4"})
    for bad in (["orth", "v0.0"], ["orth", "i.0"], ["collapse", "i.0"], ["orth"], ["magic", "x"]):
        forged = copy.deepcopy(derivation.certificate)
        forged["sides"][0]["terms"][0]["steps"].append(bad)
        assert not _accepts(derivation, forged), bad
    plane = _derivation("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"})
    forged = copy.deepcopy(plane.certificate)
    forged["sides"][0]["terms"][0]["steps"].insert(0, ["orth", "v0.0"])
    assert not _accepts(plane, forged)  # no orthogonality on Z^d


@pytest.mark.parametrize("forged", [None, {}, {"model": "Z^d"}, {"model": "Z^d", "sides": [1, 2]},
                                    {"model": "Z^d", "sides": [{"terms": [{"steps": [["map", 1, 2]]}]},
                                                               {"terms": "x"}]},
                                    {"model": "Z^d", "sides": [{"terms": [{"steps": [
                                        ["map", {"v0.0": {"i.0": 1.5}}, {"i.0": {"v0.0": 1}}]]}]},
                                        {"terms": [{"steps": []}]}]}])
def test_malformed_certificates_are_rejected(forged: Any) -> None:
    derivation = _derivation("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"})
    assert not _accepts(derivation, forged if forged is not None else {"model": None})


# --- modes and boundaries: the boxes come from the declared shapes ---------------------------

VALID_LAYER = ('frobenius(corr(W, x, mode="valid"), corr(V, z, mode="valid")) == '
               'frobenius(x, conv(W, corr(V, z, mode="valid")))')
LAYER_SIGNALS = {"W": "3x3", "x": "6x6", "V": "3x3", "z": "6x6"}


def _accepts_declared(derivation: Derivation, certificate: Any = None, statement: str | None = None,
                      declared: Any = None) -> bool:
    try:
        checker.check(parse_statement(statement or derivation.statement), derivation.ndims,
                      derivation.real, derivation.certificate if certificate is None else certificate,
                      derivation.declared if declared is None else declared)
    except checker.CertificateError:
        return False
    return True


def test_a_crop_needs_the_declared_shapes() -> None:
    derivation = _derivation('conv(F, I, mode="valid") == corr(flip(F), I, mode="valid")',
                             {"F": "3x3", "I": "5x5"})
    assert _accepts_declared(derivation)
    assert not _accepts(derivation)  # without the declared shapes there are no boxes


@pytest.mark.parametrize("false", [
    'conv(F, I, mode="same", boundary="reflect") == corr(flip(F), I, mode="same", boundary="mirror")',
    'conv(F, I, mode="same", boundary="reflect") == corr(flip(F, 0), I, mode="same", boundary="reflect")',
    'conv(F, I, mode="same", boundary="reflect") == corr(flip(F), I, mode="full", boundary="reflect")',
    'conv(F, I, mode="same", boundary="reflect") == corr(flip(F), I, mode="same")',
    'conv(F, I, mode="same", boundary="reflect") == corr(flip(shift(F, 0, 1)), I, mode="same", '
    'boundary="reflect")',
])
def test_a_mode_certificate_does_not_prove_a_mutant(false: str) -> None:
    derivation = _derivation('conv(F, I, mode="same", boundary="reflect") == '
                             'corr(flip(F), I, mode="same", boundary="reflect")', {"F": "3x3", "I": "5x5"})
    assert _accepts_declared(derivation)
    assert not _accepts_declared(derivation, statement=false)


def test_shared_sizes_must_be_declared_alike() -> None:
    derivation = _derivation(VALID_LAYER, LAYER_SIGNALS)
    assert derivation.certificate["tied"] is True
    assert _accepts_declared(derivation)
    # without shared sizes the two output boxes differ: the certificate does not apply
    assert not _accepts_declared(derivation, {**derivation.certificate, "tied": False})
    # z one sample larger than x: g lives on a larger box than the layer's output
    declared = {**derivation.declared, "z": (((7, 7), None),)}
    assert not _accepts_declared(derivation, declared=declared)
    forged = copy.deepcopy(derivation.certificate)
    step = _maps(forged)[0]
    old = next(iter(step[1]))
    step[1][old] = {**step[1][old], "1": 1}  # a shift by one in the re-indexing
    assert not _accepts_declared(derivation, forged)


# --- zeropad to a length that follows the sizes --------------------------------------------

PADDED = "circconv(zeropad(a, len(a) + len(b) - 1), zeropad(b, len(a) + len(b) - 1)) == conv(a, b)"
AT_ORIGIN = {"a": {"shape": "3", "origin": [0]}, "b": {"shape": "5", "origin": [0]}}


@pytest.mark.parametrize("false", [
    PADDED.replace("- 1", "- 2"),                                   # padding one short
    PADDED.replace("conv(a, b)", "corr(a, b)").replace("circcorr", "circconv"),
    "circconv(zeropad(a, len(a) + len(b) - 1), zeropad(b, len(a) + len(b) - 2)) == conv(a, b)",
    "circconv(zeropad(a, len(a) - 1), zeropad(b, len(a) - 1)) == conv(a, b)",
    "circconv(zeropad(a, len(a) + len(b) - 1), zeropad(b, len(a) + len(b) - 1)) == shift(conv(a, b), 1)",
])
def test_a_padded_certificate_does_not_prove_a_mutant(false: str) -> None:
    derivation = _derivation(PADDED, AT_ORIGIN)
    assert derivation.certificate["padded"] is True
    assert _accepts_declared(derivation)
    assert not _accepts_declared(derivation, statement=false)


def test_the_padded_model_needs_declared_origins_zero() -> None:
    derivation = _derivation(PADDED, AT_ORIGIN)
    # a centred a (origin unknown) may stick out below 0: conv(a, b) is not on [0, N)
    declared = {**derivation.declared, "a": (((3,), None),)}
    assert not _accepts_declared(derivation, declared=declared)
    # without the padded model, zeropad has no expansion on Z_n^d
    assert not _accepts_declared(derivation, {**derivation.certificate, "padded": False})


# --- concrete entries, signed permutations, trace ------------------------------------------------

CENTROSYMMETRIC = [[1, 2, 3], [4, 5, 4], [3, 2, 1]]


def _collapses(certificate: dict[str, Any]) -> list[list[Any]]:
    return [term["steps"] for side in certificate["sides"] for term in side["terms"]
            if any(step[0] == "collapse" for step in term["steps"])]


def test_a_literal_certificate_is_checked_against_the_claims_entries() -> None:
    derivation = _derivation("conv(F, I) == corr(F, I)", {"F": CENTROSYMMETRIC, "I": "5x5"})
    assert derivation.certificate["literals"] == ["F"] and _accepts(derivation)
    entries = dict(derivation.literals["F"])
    for coord in entries:
        changed = {**entries, coord: entries[coord] + 1}
        # centrosymmetric still when the centre changes; else no longer
        assert _accepts(derivation, literals={"F": changed}) is (coord == (0, 0)), coord
    assert not _accepts(derivation, literals={})  # the entries the certificate reads are missing
    assert not _accepts(derivation, literals={"F": {(0, 0, 0): 1}})  # entries of another dimension
    without = {k: v for k, v in derivation.certificate.items() if k != "literals"}
    assert not _accepts(derivation, without)  # F symbolic: the steps no longer fit
    # the same certificate does not prove the antisymmetric (sign off) statement
    assert not _accepts(derivation, statement="conv(F, I) == -corr(F, I)")


def test_a_literal_in_a_crop_is_checked_against_the_claims_entries_and_boxes() -> None:
    law = 'conv(G, I, mode="same", boundary="reflect") == corr(G, I, mode="same", boundary="reflect")'
    derivation = _derivation(law, {"G": CENTROSYMMETRIC, "I": "5x5"})

    def accepts(literals: Any = None, declared: Any = None, statement: str | None = None) -> bool:
        try:
            checker.check(parse_statement(statement or derivation.statement), derivation.ndims,
                          derivation.real, derivation.certificate, declared,
                          literals=derivation.literals if literals is None else literals)
        except checker.CertificateError:
            return False
        return True

    assert derivation.certificate["literals"] == ["G"] and accepts(declared=derivation.declared)
    assert not accepts()  # without the declared shapes there are no boxes
    entries = dict(derivation.literals["G"])
    for coord in entries:
        changed = {**entries, coord: entries[coord] + 1}
        assert accepts({"G": changed}, derivation.declared) is (coord == (0, 0)), coord
    without_g = {k: v for k, v in derivation.declared.items() if k != "G"}
    assert not accepts(declared=without_g)  # G's box is not given
    left = law.split(" == ")[0]
    for false in (f'{left} == corr(G, I, mode="same", boundary="mirror")',
                  law.replace("== corr", "== -corr"), f'{left} == corr(G, I, mode="valid")'):
        assert not accepts(declared=derivation.declared, statement=false), false


def test_a_collapse_must_be_fixed_by_an_indicator() -> None:
    derivation = _derivation("conv(S, I) == -corr(S, I)", {"S": "sobel_x", "I": "5x5"})
    assert _accepts(derivation)
    steps = _collapses(derivation.certificate)
    assert steps and all(step[0] == "collapse" for term in steps for step in term)
    for bad in (["collapse", "x.0"], ["collapse", "v0.0"], ["collapse", "v9.0"]):
        forged = copy.deepcopy(derivation.certificate)
        _collapses(forged)[0].append(bad)  # v0.0 is gone once collapsed: no indicator left
        assert not _accepts(derivation, forged), bad
    forged = copy.deepcopy(derivation.certificate)
    _collapses(forged)[0].pop()  # one axis left summed: the term no longer meets the other side
    assert not _accepts(derivation, forged)


@pytest.mark.parametrize(("true", "false", "signals"), [
    ("flip(conv(a, b), 0) == conv(flip(a, 0), flip(b, 0))",
     "flip(conv(a, b), 0) == conv(flip(a), flip(b))", {"a": "2x3", "b": "3x3"}),
    ("transpose(conv(a, b)) == conv(transpose(a), transpose(b))",
     "transpose(conv(a, b)) == conv(transpose(a), b)", {"a": "2x3", "b": "3x3"}),
    ("frobenius(a, b) == trace(transpose(a) @ b)", "frobenius(a, b) == trace(a @ b)",
     {"a": "3x3", "b": "3x3"}),
    ("sum(flip(a, 1)) == sum(a)", "sum(flip(a, 1)) == -sum(a)", {"a": "3x4"}),
    ("conv(S, I) == corr(flip(S, 0), I)", "conv(S, I) == corr(flip(S, 1), I)",
     {"S": "sobel_y", "I": "4x4"}),
    ("conv(D, I) == I", "conv(D, I) == shift(I, 1)", {"D": [1], "I": "6"}),
    ("sum(transpose(conv(a, b))) == sum(a) * sum(b)", "sum(transpose(conv(a, b))) == sum(a) * sum(a)",
     {"a": "2x2", "b": "2x3"}),
    ("trace(conv(a, b) @ c) == frobenius(transpose(conv(a, b)), c)",
     "trace(conv(a, b) @ c) == frobenius(conv(a, b), c)", {"a": "2x2", "b": "2x2", "c": "3x3"}),
])
def test_a_permutation_or_literal_certificate_does_not_prove_a_slip(
        true: str, false: str, signals: dict[str, Any]) -> None:
    derivation = _derivation(true, signals)
    assert _accepts(derivation)
    assert not _accepts(derivation, statement=false)


@pytest.mark.parametrize(("statement", "signals"), [
    ("sum(flip(a, 1)) == sum(a)", {"a": "3x4"}),
    ("frobenius(flip(corr(a, b), 0), c) == frobenius(corr(flip(a, 0), flip(b, 0)), c) + 0 * sum(a)",
     {"a": "2x2", "b": "2x3", "c": "3x3"}),
    ("sum(flip(conv(a, b), 1)) == sum(a) * sum(b)", {"a": "2x2", "b": "2x3"}),
])
def test_a_signed_permutation_with_a_sign_off_is_rejected(statement: str,
                                                          signals: dict[str, Any]) -> None:
    """sum(flip(a, 1)) == sum(a) re-indexes i = σ(i), σ = (1, −2): with the sign dropped the
    map is still a bijection, but the term no longer meets the other side."""
    derivation = _derivation(statement, signals)
    [step] = _maps(derivation.certificate)[:1]
    assert any(c < 0 for form in step[1].values() for c in form.values())
    forged = copy.deepcopy(derivation.certificate)
    forward, inverse = _maps(forged)[0][1:]
    for form in (*forward.values(), *inverse.values()):
        for key in form:
            form[key] = abs(form[key])
    assert not _accepts(derivation, forged)


def test_entries_are_not_read_on_the_torus() -> None:
    torus = _derivation("circconv(a, b) == circconv(b, a)", {"a": "4", "b": "4"})
    forged = {**torus.certificate, "literals": ["a"]}
    assert not _accepts(torus, forged, literals={"a": {(0,): 1}})


def test_a_point_step_needs_an_indicator_on_the_free_point() -> None:
    derivation = _derivation("hadamard(D, I) == hadamard(D, flip(I))",
                             {"D": {"literal": [[1]], "origin": [0, 0]}, "I": "3x3"})
    assert _accepts(derivation)
    steps = derivation.certificate["sides"][1]["terms"][0]["steps"]
    assert ["point", "x.0"] in steps
    forged = copy.deepcopy(derivation.certificate)
    forged["sides"][1]["terms"][0]["steps"] = []  # I(−x) left as it is: no longer I(0)
    assert not _accepts(derivation, forged)
    summed = _derivation("conv(D, I) == I", {"D": [1], "I": "6"})
    forged = copy.deepcopy(summed.certificate)
    forged["sides"][0]["terms"][0]["steps"] = [["point", "v0.0"]]  # a summation variable
    assert not _accepts(summed, forged)
    torus = _derivation("circconv(a, b) == circconv(b, a)", {"a": "4", "b": "4"})
    forged = copy.deepcopy(torus.certificate)
    forged["sides"][0]["terms"][0]["steps"].insert(0, ["point", "x.0"])
    assert not _accepts(torus, forged)


# --- strides and dilations: downsample, upsample and the divide step ------------------------

GRAD_INPUT = ("frobenius(downsample(corr(upsample(W, 3, 3), shift(x, 1, 1)), 2, 2), g) == "
              "frobenius(x, shift(conv(upsample(W, 3, 3), upsample(g, 2, 2)), -1, -1))")
STRIDED = {"W": "2x3", "x": "7x7", "g": "4x3"}


@pytest.mark.parametrize("false", [
    GRAD_INPUT.replace("upsample(g, 2, 2)", "upsample(g, 3, 3)"),  # the stride off by one
    GRAD_INPUT.replace("downsample(corr(upsample(W, 3, 3), shift(x, 1, 1)), 2, 2)",
                       "downsample(corr(upsample(W, 3, 3), shift(x, 1, 1)), 3, 3)"),
    GRAD_INPUT.replace("upsample(g, 2, 2)", "upsample(g, 2, 1)"),  # one axis's stride
    GRAD_INPUT.replace("conv(upsample(W, 3, 3), upsample(g, 2, 2))",
                       "conv(upsample(W, 2, 2), upsample(g, 3, 3))"),  # dilation on g
    GRAD_INPUT.replace("shift(conv", "shift(corr"),  # unflipped
    GRAD_INPUT.replace("-1, -1))", "1, 1))"),  # the padding's sign
])
def test_a_strided_certificate_does_not_prove_a_wrong_stride(false: str) -> None:
    derivation = _derivation(GRAD_INPUT, STRIDED)
    assert _accepts(derivation)
    assert not _accepts(derivation, statement=false), false


def test_a_non_unimodular_map_claimed_bijective_is_rejected() -> None:
    """Σ_i a(2i) is not Σ_i a(i): i_new = 2·i_old would make the sides meet, but its "inverse"
    i_old = i_new composes to 2·i_old, and i_old = i_new/2 is no integer map."""
    derivation = _derivation("sum(upsample(a, 2)) == sum(a)", {"a": "4"})
    assert _accepts(derivation)
    false = "sum(downsample(a, 2)) == sum(a)"
    for forward, inverse in (({"v0.0": {"i.0": 1}}, {"i.0": {"v0.0": 2}}),
                             ({"v0.0": {"i.0": 0.5}}, {"i.0": {"v0.0": 2}})):
        forged = {"model": "Z^d", "sides": [{"terms": [{"steps": [["map", forward, inverse]]}]},
                                            {"terms": [{"steps": []}]}]}
        assert not _accepts(derivation, forged, statement=false)


def test_an_upsample_indicator_fixes_only_a_unit_coefficient() -> None:
    # flip(upsample(W, 3))(x) = Σ_j W(j)·[−x − 3j = 0]: j has coefficient 3, nothing fixes it
    derivation = _derivation("flip(upsample(W, 3, 3)) == upsample(flip(W), 3, 3)", {"W": "2x3"})
    assert _accepts(derivation)
    forged = copy.deepcopy(derivation.certificate)
    forged["sides"][0]["terms"][0]["steps"].insert(0, ["collapse", "v0.0"])
    assert not _accepts(derivation, forged)


def test_the_divide_step_is_checked() -> None:
    derivation = _derivation("downsample(upsample(a, 2, 2), 2, 2) == a", {"a": "3x4"})
    assert _accepts(derivation)
    steps = derivation.certificate["sides"][0]["terms"][0]["steps"]
    assert steps[0] == ["divide"]
    dropped = copy.deepcopy(derivation.certificate)
    del dropped["sides"][0]["terms"][0]["steps"][0]  # [2x − 2j = 0] fixes nothing undivided
    assert not _accepts(derivation, dropped)
    # the odd samples of a spread signal vanish ([2x − 1 − 2j = 0] never holds), the even
    # samples of a twice-shifted one do not: the same certificate proves only the first
    vanish = _derivation("downsample(shift(upsample(a, 2, 2), 1, 1), 2, 2) == 0 * a", {"a": "3x4"})
    assert _accepts(vanish)
    assert not _accepts(vanish, statement="downsample(shift(upsample(a, 2, 2), 2, 2), 2, 2) == 0 * a")
    # on Z_n^d an indicator is a congruence: no divide step there
    torus = _derivation("circconv(f, g) == circconv(g, f)", {"f": "4", "g": "4"})
    forged = copy.deepcopy(torus.certificate)
    forged["sides"][0]["terms"][0]["steps"].insert(0, ["divide"])
    assert not _accepts(torus, forged)
    # the checker expands downsample and upsample on Z^d only
    with pytest.raises(checker.CertificateError, match="downsample is outside the checked"):
        checker.check(parse_statement("circconv(f, g) == circconv(g, downsample(f, 1))"),
                      torus.ndims, torus.real, torus.certificate)


def test_a_lattice_re_indexing_is_checked_as_a_map() -> None:
    """Σ_{i,k} a(2i − 4k)·c(k)·b(2i) meets Σ_{i,k} a(2i)·c(k)·b(2i + 4k) by i = i′ − 2k (the
    Hermite normal form): a doubled coefficient (det 2) or another spread is rejected."""
    law = ("frobenius(downsample(conv(a, upsample(c, 4)), 2), downsample(b, 2)) == "
           "frobenius(downsample(a, 2), downsample(corr(upsample(c, 4), b), 2))")
    derivation = _derivation(law, {"a": "7", "b": "6", "c": "2"})
    assert _accepts(derivation)
    sheared = [step for step in _maps(derivation.certificate)
               if any(len(form) > 1 for form in step[1].values())]
    assert sheared  # one side is re-indexed by a map that mixes the two sums
    forged = copy.deepcopy(derivation.certificate)
    for step in _maps(forged):
        for form in step[1].values():
            if len(form) > 1:
                form.update({v: 2 * c for v, c in form.items()})
    assert not _accepts(derivation, forged)
    assert not _accepts(derivation, statement=law.replace("upsample(c, 4), b", "upsample(c, 3), b"))
