"""The top-level API: check, verify, derive, and the packaging of the bundled proofs."""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import symconv
from symconv import Signal, Verdict, check, derive, verify
from symconv.api import bundled_claim_files, bundled_proofs, signal_declaration
from symconv.errors import SymconvError
from symconv.lang.claims import claim_from_text

ROOT = Path(__file__).resolve().parent.parent


def test_check_takes_shapes_and_reports_one_line() -> None:
    result = check("conv(F, I) == corr(flip(F), I)", F="3x3", I="5x5")
    assert result.verdict is Verdict.PROVED
    assert "\n" not in str(result) and str(result).startswith("PROVED by general")
    assert "\n" not in repr(result) and len(repr(result)) < 120


def test_check_refutes_a_false_statement() -> None:
    result = check("conv(F, I) == corr(F, I)", F="3x3", I="5x5")
    assert result.verdict is Verdict.REFUTED
    assert result.counterexample is not None
    assert str(result).startswith("REFUTED") and "!=" in str(result)


@pytest.mark.parametrize("kernel", [
    [[1, 2], [3, 4]],
    np.array([[1, 2], [3, 4]]),
    np.array([[0.5, 2.0]]),
    [[Fraction(1, 3), 1]],
    "sobel_x",
    Signal.literal([[1, -1]], origin=(0, 3)),
    Signal.symbolic("k", (2, 3)),
    Signal.symbolic("k", (2, 2), origin=(0, 0), real=False),
    {"shape": "2x2", "real": False},
    (3, 3),
])
def test_check_takes_every_kind_of_signal(kernel: object) -> None:
    assert check("conv(k, I) == corr(flip(k), I)", k=kernel, I="4x4").verdict is Verdict.PROVED
    assert check("conv(k, I) == corr(k, I)", k=kernel, I="4x4",
                 expect="fails").verdict is not Verdict.PROVED


def test_arrays_keep_their_entries_and_signals_their_origin() -> None:
    # a fixed symmetric kernel: conv equals corr; an asymmetric one: it does not
    assert check("conv(k, I) == corr(k, I)", k=[[1, 2, 1]], I="3x5").meets("holds")
    assert check("conv(k, I) == corr(k, I)", k=[[1, 2, 3]], I="3x5").verdict is Verdict.REFUTED
    # the origin of a Signal is kept: shifted by one, k is no longer symmetric about 0
    shifted = Signal.literal([[1, 2, 1]], origin=(0, 0))
    assert check("conv(k, I) == corr(k, I)", k=shifted, I="3x5").verdict is Verdict.REFUTED
    assert signal_declaration("k", shifted) == {"literal": [[1, 2, 1]], "origin": [0, 0]}
    assert signal_declaration("k", Signal.symbolic("k", (3,))) == {
        "shape": "3", "origin": [-1], "real": True}


@pytest.mark.parametrize(("value", "fragment"), [
    (Signal.symbolic("F", (3,)), r"Signal\.symbolic\('k'"),
    ([1j, 2], "complex"),
    (Signal.from_array(np.array([1j, 2])), "complex"),  # a Signal's entries too, not TypeError
    ([[1, 2], [3]], "ragged"),
    ([float("nan"), 1], "not a finite number"),
    (np.array([1.0, np.inf]), "not a finite number"),
    (3.5, "not a shape"),
])
def test_bad_signals_are_one_line_errors(value: object, fragment: str) -> None:
    with pytest.raises(SymconvError, match=fragment) as info:
        check("conv(k, I) == conv(I, k)", k=value, I="4")
    assert "\n" not in str(info.value)


def test_check_needs_signals_and_known_names() -> None:
    with pytest.raises(SymconvError, match="needs the statement's signals"):
        check("conv(F, I) == conv(I, F)")
    with pytest.raises(SymconvError, match="not declared"):
        check("conv(F, I) == conv(I, F)", F="3")


def test_check_passes_tiers_and_budget() -> None:
    result = check("conv(F, I) == conv(I, F)", F="3x3", I="5x5", tiers=["exact"], budget=30)
    assert result.verdict is Verdict.VERIFIED and result.method == "exact"


@pytest.mark.parametrize(("tiers", "verdict"), [("exact", Verdict.VERIFIED),
                                               ("general,exact", Verdict.PROVED)])
def test_check_takes_tier_names_as_one_string(tiers: str, verdict: Verdict) -> None:
    result = check("conv(F, I) == conv(I, F)", F="3x3", I="5x5", tiers=tiers)
    assert result.verdict is verdict and result.method == tiers.split(",")[0]
    with pytest.raises(SymconvError, match=r"tiers = \['exat'\]"):
        check("conv(F, I) == conv(I, F)", F="3x3", I="5x5", tiers="exat")


def test_verify_of_a_folder_without_claims_is_an_error_not_an_empty_success(
        tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no claims here\n")
    with pytest.raises(SymconvError, match=re.escape(f"no claims found in {tmp_path}") + "$"):
        verify(tmp_path)
    (tmp_path / "laws.py").write_text("# symconv-claims\n")
    with pytest.raises(SymconvError, match=r"1 Python claim module.* allow_python=True"):
        verify(tmp_path)


@pytest.mark.parametrize(("given", "fragment"), [
    ([], "verify() got no claims"),
    (42, "verify(42): expected a claim file or folder, a Claim, or a list of them"),
    ([ROOT / "proofs" / "shift.toml", 3.5], "verify(): float 3.5 is not a claim file"),
])
def test_verify_of_nothing_or_not_claims_is_an_error(given: Any, fragment: str) -> None:
    with pytest.raises(SymconvError, match=re.escape(fragment)):
        verify(given)


@pytest.mark.parametrize("budget", [float("inf"), float("nan"), 0.0, -1.0])
def test_verify_refuses_a_budget_that_is_not_a_positive_finite_number(budget: float) -> None:
    with pytest.raises(SymconvError, match="expected a positive finite number"):
        verify(bundled_proofs() / "shift.toml", budget=budget)


def test_verify_takes_paths_and_claims_in_order() -> None:
    claims = [claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"}, name="commutes"),
              claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, "fails",
                              name="corr-does-not")]
    outcomes = verify([*claims, ROOT / "proofs" / "shift.toml"])
    assert [o.claim.name for o in outcomes[:2]] == ["commutes", "corr-does-not"]
    assert len(outcomes) == 2 + len(tomllib.loads((ROOT / "proofs" / "shift.toml").read_text())
                                    ["claim"])
    assert all(o.ok for o in outcomes)
    assert repr(outcomes[0]).startswith("<Outcome commutes: PROVED by general")
    assert "commutes" in str(outcomes[0]) and "verdict PROVED" in str(outcomes[0])


@pytest.fixture
def api_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of workers each verify() asks for (the claims then run in one), on a
    machine of 3 CPUs."""
    from symconv import api
    from symconv.prove import pool

    seen: list[int] = []
    real = api.run_claims

    def spy(claims: Any, jobs: int, *args: Any, **options: Any) -> Any:
        seen.append(jobs)
        return real(claims, 1, *args, **options)

    monkeypatch.setattr(api, "run_claims", spy)
    monkeypatch.setattr(pool, "available_cpus", lambda: 3)
    return seen


def test_verify_diagnoses_expected_refutations_only_when_asked() -> None:
    mutant = claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, "fails")
    (quick,) = verify(mutant, jobs=1)
    assert quick.result is not None and quick.result.diagnosis_skipped
    assert quick.result.repairs == []
    (full,) = verify(mutant, jobs=1, diagnose_all=True)
    assert full.result is not None and not full.result.diagnosis_skipped
    assert full.result.repairs


def test_verify_takes_jobs_as_the_command_line_does(monkeypatch: pytest.MonkeyPatch,
                                                    api_workers: list[int]) -> None:
    from symconv.prove import pool

    claims = [claim_from_text("flip(flip(F)) == F", {"F": "3"}, name=f"c{k}") for k in range(5)]
    auto = pool.default_workers()  # 3 CPUs, fewer only on a machine under 6 GiB
    monkeypatch.delenv(pool.JOBS_ENV)
    verify(claims)  # the default: auto
    verify(claims, jobs="auto")
    verify(claims, jobs=2)
    verify(claims[:2], jobs=8)  # no more workers than claims
    monkeypatch.setenv(pool.JOBS_ENV, "4")
    verify(claims)  # $SYMCONV_JOBS sets the default, as for symconv verify
    verify(claims, jobs=1)  # the argument wins
    assert api_workers == [auto, auto, 2, 2, 4, 1]


@pytest.mark.parametrize("jobs", [0, -2, "many", "", True, 2.5])
def test_verify_refuses_jobs_that_are_not_a_number_of_workers(jobs: Any) -> None:
    with pytest.raises(SymconvError, match=re.escape(f"jobs = {jobs}; expected a positive "
                                                     "number of workers or auto")):
        verify(bundled_proofs() / "shift.toml", jobs=jobs)


def test_verify_with_two_workers_gives_the_outcomes_of_one() -> None:
    claims = [claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "2"}, name="commutes"),
              claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "2"}, name="wrong")]
    shown = [[(o.claim.name, o.status, o.result and o.result.verdict) for o in verify(claims, jobs=j)]
             for j in (1, 2)]
    assert shown[0] == shown[1] == [("commutes", "ok", Verdict.PROVED),
                                    ("wrong", "MISMATCH", Verdict.REFUTED)]


def test_verify_reports_a_mismatch() -> None:
    wrong = claim_from_text("corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, name="wrong")
    (outcome,) = verify(wrong)
    assert not outcome.ok and outcome.status == "MISMATCH"


def test_derive_and_the_fourier_functions_at_top_level() -> None:
    form = derive("corr", dim=2, size=3)
    assert "F[-1, -1]*I[x - 1, y - 1]" in str(form.value())
    f = Signal.literal([1, 2, 3, 4], origin=(0,))
    assert symconv.idft(symconv.dft(f)) == f
    assert symconv.hadamard_form("conv", 3).shape == (1, 3)


def test_bundled_proofs_are_the_repository_proofs() -> None:
    assert bundled_proofs().resolve() == (ROOT / "proofs").resolve()
    names = {p.name for p in bundled_claim_files()}
    assert {"flip.toml", "fourier.toml", "cnn_layers.py"} <= names


def test_every_subpackage_is_listed_for_installation() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "symconv").rglob("__init__.py")}
    assert found | {"symconv.proofs"} == set(config["packages"])
    assert config["package-dir"]["symconv.proofs"] == "proofs"


def test_public_names_are_exported() -> None:
    for name in ("check", "verify", "derive", "dft", "idft", "hadamard_form", "Result", "Outcome",
                 "Counterexample", "Derivation", "Signal", "default_origin"):
        assert name in symconv.__all__ and getattr(symconv, name) is not None


@pytest.mark.parametrize(("statement", "signals", "scope"), [
    # a fixed kernel: the proof covers every image, not every kernel
    ("conv(L, I) == corr(L, I)", {"L": "laplacian", "I": "5x5"},
     "for all sizes of I; L fixed as given"),
    # strides that differ between axes fix the number of axes
    ("downsample(upsample(a, 2, 3), 2, 3) == a", {"a": "3x4"}, "on Z^2"),
    ("conv(F, I, mode='valid') == corr(flip(F), I, mode='valid')", {"F": "3x3", "I": "5x5"},
     "valid mode where it is defined"),
    # two offsets, or a transpose, fix d = 2: shift(f, 1, 1) means nothing in 3D
    ("conv(shift(f, 1, 1), g) == shift(conv(f, g), 1, 1)", {"f": "2x2", "g": "3x3"},
     "for all sizes, on Z^2 (the statement fixes the number of axes)"),
    ("dft(transpose(f)) == transpose(dft(f))", {"f": "2x3"}, "on Z_n^2"),
])
def test_the_one_line_verdict_states_the_proofs_own_scope(statement: str, signals: dict[str, str],
                                                          scope: str) -> None:
    text = str(symconv.check(statement, **signals))
    assert text.startswith("PROVED by general ")
    assert scope in text
    assert "all sizes and dimensions" not in text


def test_check_errors_name_check_not_the_command_line() -> None:
    """A notebook user called check(): its messages say so, not '<command line>'."""
    with pytest.raises(SymconvError) as info:
        symconv.check("conv(F, I) == conv(I, F)", F="3x3")
    assert str(info.value).startswith("check(): claim 'claim': statement uses 'I'")
