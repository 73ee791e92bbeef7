"""The pytest plugin: claims as test items, failures with counterexamples, xdist."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

import symconv

pytest_plugins = ["pytester"]

ROOT = Path(symconv.__file__).resolve().parent.parent
# Installed, the pytest11 entry point loads the plugin; from a source tree, ask for it.
PLUGIN = [] if any(e.name == "symconv" for e in entry_points(group="pytest11")) else [
    "-p", "symconv.pytest_plugin"]

CLAIMS = '''
[[claim]]
name = "flip-equivalence"
statement = "conv(F, I) == corr(flip(F), I)"
signals = { F = "3x3", I = "4x4" }
expect = "holds"

[[claim]]
name = "conv-is-corr"
statement = "conv(F, I) == corr(F, I)"
signals = { F = "3x3", I = "4x4" }
expect = "holds"

[[claim]]
name = "corr-commutes"
statement = "corr(a, b) == corr(b, a)"
signals = { a = "3", b = "4" }
expect = "fails"
'''


# Subprocesses throughout: an in-process run re-imports modules (concurrent.futures among
# them), which would break process pools used later in the same session.
@pytest.fixture
def claim_dir(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    (pytester.path / "proofs").mkdir()
    (pytester.path / "proofs" / "laws.toml").write_text(CLAIMS)
    (pytester.path / "proofs" / "other.toml").write_text('[tool]\nx = 1\n')  # not claims
    return pytester


def test_each_claim_is_an_item(claim_dir: pytest.Pytester) -> None:
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*laws.toml::flip-equivalence PASSED*",
        "*laws.toml::conv-is-corr FAILED*",
        "*laws.toml::corr-commutes PASSED*",
    ])
    # the failure shows verdict and a counterexample, not a Python traceback
    result.stdout.fnmatch_lines(["*expected holds; verdict REFUTED*", "*counterexample:*",
                                 "*left side at*"])
    assert "Traceback" not in result.stdout.str()


def test_collection_error_is_one_line(claim_dir: pytest.Pytester) -> None:
    (claim_dir.path / "proofs" / "bad.toml").write_text(
        '[[claim]]\nname = "b"\nstatement = "F.x == F"\nsignals = { F = "3" }\nexpect = "holds"\n')
    result = claim_dir.runpytest_subprocess(*PLUGIN, "proofs")
    result.stdout.fnmatch_lines(["*bad.toml:1: claim 'b': statement 'F.x == F': column 1:"
                                 " attribute access*"])
    assert result.ret != 0


@pytest.mark.slow  # starts worker processes that import the package (~45 s on 2 busy cores)
def test_runs_under_xdist(claim_dir: pytest.Pytester) -> None:
    result = claim_dir.runpytest_subprocess(*PLUGIN, "-n", "2", "proofs")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*counterexample:*"])
