"""The pytest plugin: claims as test items, failures with counterexamples, xdist."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from tests.sample_claims import CONV_IS_CORR, FLIP_EQUIVALENCE, PY_FLIP_MODULE, claim_toml

pytest_plugins = ["pytester"]

# Installed, the pytest11 entry point loads the plugin (test_each_claim_is_an_item runs it so).
ENTRY_POINT = any(e.name == "symconv" for e in entry_points(group="pytest11"))
# Elsewhere the subprocesses load no installed plugin but this one (claim_dir): the others
# (hypothesis, xdist) would more than double each run's start-up; the xdist test asks for xdist.
PLUGIN = ["-p", "symconv.pytest_plugin"]

CLAIMS = FLIP_EQUIVALENCE + CONV_IS_CORR + claim_toml(
    "corr-commutes", "corr(a, b) == corr(b, a)", {"a": "3", "b": "4"}, expect="fails")


# Subprocesses throughout: an in-process run re-imports modules (concurrent.futures among
# them), which would break process pools used later in the same session.
@pytest.fixture
def claim_dir(pytester: pytest.Pytester, source_on_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (pytester.path / "proofs").mkdir()
    (pytester.path / "proofs" / "laws.toml").write_text(CLAIMS)
    (pytester.path / "proofs" / "other.toml").write_text('[tool]\nx = 1\n')  # not claims
    return pytester


@pytest.mark.slow  # a pytest run in a subprocess, every claim decided
def test_each_claim_is_an_item(claim_dir: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    if ENTRY_POINT:  # as users run it: the entry point loads the plugin
        monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    result = claim_dir.runpytest_subprocess(*([] if ENTRY_POINT else PLUGIN), "proofs", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*laws.toml::flip-equivalence PASSED*",
        "*laws.toml::conv-is-corr FAILED*",
        "*laws.toml::corr-commutes PASSED*",
    ])
    # the failure shows verdict and a counterexample, not a Python traceback
    result.stdout.fnmatch_lines(["*expected holds; verdict REFUTED*", "*counterexample:*",
                                 "*left side at*"])
    # an unexpected refutation is diagnosed (the plugin skips the search only for mutants
    # refuted as expected, which pass)
    result.stdout.fnmatch_lines(["*repair: holds if*"])
    assert "Traceback" not in result.stdout.str()


def test_collection_error_is_one_line(claim_dir: pytest.Pytester) -> None:
    (claim_dir.path / "proofs" / "bad.toml").write_text(
        '[[claim]]\nname = "b"\nstatement = "F.x == F"\nsignals = { F = "3" }\nexpect = "holds"\n')
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs")
    result.stdout.fnmatch_lines(["*bad.toml:1: claim 'b': statement 'F.x == F': column 1:"
                                 " attribute access*"])
    assert result.ret != 0


GENERAL_ONLY = claim_toml("commutes-general-only", "conv(a, b) == conv(b, a)",
                          {"a": "3", "b": "4"}, tiers=["general"])


@pytest.fixture
def mixed_dir(claim_dir: pytest.Pytester) -> pytest.Pytester:
    (claim_dir.path / "proofs" / "more.py").write_text(PY_FLIP_MODULE)
    # never to be imported: it is not a claim module
    (claim_dir.path / "proofs" / "helper.py").write_text("raise RuntimeError('imported')\n")
    return claim_dir


@pytest.mark.slow  # two pytest runs in subprocesses
def test_python_claim_modules_behind_a_flag_or_ini_option(mixed_dir: pytest.Pytester) -> None:
    """Python claim modules only when asked (the ini option here, the flag in the xdist test
    below), in a stable order."""
    result = mixed_dir.runpytest_subprocess(*PLUGIN, "proofs")
    result.assert_outcomes(passed=2, failed=1)
    mixed_dir.makeini("[pytest]\nsymconv_allow_python = true\n")
    result = mixed_dir.runpytest_subprocess(*PLUGIN, "proofs", "-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*more.py::py-flip PASSED*"])
    assert "imported" not in result.stdout.str()
    # the items in run (collection) order: the file order of each file's claims, files
    # sorted, so that every xdist worker agrees
    assert [line.split()[0] for line in result.stdout.lines if line.startswith("proofs/")] == [
        "proofs/laws.toml::flip-equivalence", "proofs/laws.toml::conv-is-corr",
        "proofs/laws.toml::corr-commutes", "proofs/more.py::py-flip"]


@pytest.mark.slow  # a pytest run in a subprocess with two xdist workers
def test_worksteal_with_two_workers(mixed_dir: pytest.Pytester) -> None:
    result = mixed_dir.runpytest_subprocess(*PLUGIN, "-p", "xdist", "proofs",
                                            "--symconv-allow-python", "-n", "2", "--dist",
                                            "worksteal")
    # the one xdist run of this file (worker processes each import the package)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*counterexample:*"])


@pytest.mark.slow  # two pytest runs in subprocesses
def test_budget_and_tiers_options(claim_dir: pytest.Pytester) -> None:
    (claim_dir.path / "proofs" / "general.toml").write_text(GENERAL_ONLY)
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs", "--symconv-budget", "0.000001")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*verdict INCONCLUSIVE*"])
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs", "--symconv-tiers", "exact",
                                            "--junitxml", "r.xml", "-rs")
    result.assert_outcomes(passed=2, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*none of its tiers (general) is among --symconv-tiers exact*"])
    suite = ET.parse(claim_dir.path / "r.xml").getroot()
    verdicts = {case.get("name"): prop.get("value") for case in suite.iter("testcase")
                for prop in case.iter("property") if prop.get("name") == "verdict"}
    assert verdicts["flip-equivalence"] == "VERIFIED"  # the general tier would say PROVED


def test_a_budget_that_is_not_a_positive_finite_number_is_a_usage_error(
        claim_dir: pytest.Pytester) -> None:
    # one run in a subprocess shows the one-line error; the other values are checked in process
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs", "--symconv-budget=0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--symconv-budget 0; expected a positive finite number*"])
    assert "Traceback" not in result.stderr.str()


@pytest.mark.parametrize("budget", [math.inf, -1.0, math.nan])
def test_pytest_configure_refuses_a_budget_that_is_not_a_positive_finite_number(
        budget: float) -> None:
    from symconv.pytest_plugin import pytest_configure

    with pytest.raises(pytest.UsageError, match=f"--symconv-budget {budget:g}; expected a positive"):
        pytest_configure(_Config(None, budget=budget))  # type: ignore[arg-type]


def test_a_marker_per_claim_file(claim_dir: pytest.Pytester) -> None:
    (claim_dir.path / "proofs" / "general.toml").write_text(GENERAL_ONLY)
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs", "--strict-markers",
                                            "-m", "symconv and not claims_laws")
    result.assert_outcomes(passed=1, deselected=3)


STUCK_MODULE = '''
import signal
import time

from symconv.lang.claims import python_claim
from symconv.core.ops import conv


@python_claim("stuck", {"a": "3", "b": "4"}, budget=1)
def stuck(a, b):
    # blocks the tier timer's signal and sleeps, as a long C call would: only a kill stops it
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)
    return conv(a, b), conv(b, a)
'''


def test_a_claim_that_does_not_stop_is_killed_at_its_budget(claim_dir: pytest.Pytester) -> None:
    (claim_dir.path / "proofs" / "stuck.py").write_text(STUCK_MODULE)
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs/stuck.py", "--symconv-allow-python")
    result.assert_outcomes(failed=1)
    # written only by the worker pool's deadline path, which kills the worker (had it been
    # waited for, the claim would have held after 60 s)
    result.stdout.fnmatch_lines(["*verdict INCONCLUSIVE*",
                                 "*budget of 1 s exhausted in * (the worker was stopped)*"])


# Four claims that log the process that runs them.
PID_MODULE = '''# symconv-claims
import os

from symconv.lang.claims import python_claim
from symconv.core.ops import conv


def _commutes(a, b):
    with open("pids.txt", "a") as log:
        log.write(f"{os.getpid()}\\n")
    return conv(a, b), conv(b, a)
''' + "".join(f'''

@python_claim("p{k}", {{"a": "3", "b": "2"}})
def p{k}(a, b):
    return _commutes(a, b)
''' for k in range(4))


def test_symconv_jobs_runs_claims_ahead_in_that_many_workers(claim_dir: pytest.Pytester) -> None:
    (claim_dir.path / "proofs" / "pids.py").write_text(PID_MODULE)
    (claim_dir.path / "proofs" / "wrong.toml").write_text(CONV_IS_CORR)
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs/pids.py", "proofs/wrong.toml",
                                            "--symconv-allow-python", "--symconv-jobs", "2", "-v")
    result.assert_outcomes(passed=4, failed=1)  # each item gets its own claim's verdict
    result.stdout.fnmatch_lines(["*pids.py::p3 PASSED*", "*wrong.toml::conv-is-corr FAILED*",
                                 "*expected holds; verdict REFUTED*"])
    # the first two claims went to two workers at once, before either item ran
    pids = (claim_dir.path / "pids.txt").read_text().split()
    assert len(pids) == 4 and len(set(pids)) == 2


def test_symconv_jobs_with_xdist_is_a_usage_error(claim_dir: pytest.Pytester) -> None:
    # plugin autoloading is off in claim_dir: xdist is loaded by name (a bad number of jobs
    # is test_session_workers_..., in process)
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs", "--symconv-jobs", "2",
                                            "-p", "xdist", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--symconv-jobs 2 with pytest-xdist: *"])
    assert "Traceback" not in result.stderr.str()


class _Config:
    """What session_workers reads of a pytest config."""

    def __init__(self, jobs: str | None, xdist_worker: bool = False,
                 budget: float | None = None) -> None:
        self.options: dict[str, object] = {"symconv_jobs": jobs, "symconv_budget": budget}
        if xdist_worker:
            self.workerinput: dict[str, str] = {}

    def getoption(self, name: str) -> object:
        return self.options[name]

    def addinivalue_line(self, name: str, line: str) -> None:
        assert name == "markers"


def test_session_workers_as_verify_jobs_and_one_in_an_xdist_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from symconv.prove import pool
    from symconv.pytest_plugin import session_workers

    monkeypatch.setattr(pool, "available_cpus", lambda: 3)
    auto = pool.default_workers()
    monkeypatch.delenv(pool.JOBS_ENV)
    assert [session_workers(_Config(j)) for j in (None, "auto", "2")] == [auto, auto, 2]  # type: ignore[arg-type]
    monkeypatch.setenv(pool.JOBS_ENV, "5")
    assert session_workers(_Config(None)) == 5  # type: ignore[arg-type]
    # xdist already runs a process per CPU (its -n): one claim at a time in each
    assert session_workers(_Config(None, xdist_worker=True)) == 1  # type: ignore[arg-type]
    with pytest.raises(pytest.UsageError, match="--symconv-jobs many; expected"):
        session_workers(_Config("many"))  # type: ignore[arg-type]
    with pytest.raises(pytest.UsageError,
                       match="--symconv-jobs 0; expected a positive number of workers or auto"):
        session_workers(_Config("0"))  # type: ignore[arg-type]
