"""`symconv verify` and `symconv check`, called in-process."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.cli import main

CLAIMS = '''
[[claim]]
name = "flip-equivalence"
statement = "conv(F, I) == corr(flip(F), I)"
signals = { F = "3x3", I = "4x4" }
expect = "holds"

[[claim]]
name = "corr-not-associative"
statement = "corr(corr(a, b), c) == corr(a, corr(b, c))"
signals = { a = "3", b = "3", c = "3" }
expect = "fails"
'''

WRONG = '''
[[claim]]
name = "conv-is-corr"
statement = "conv(F, I) == corr(F, I)"
signals = { F = "3x3", I = "4x4" }
expect = "holds"
'''


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_all_expectations_met_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.toml", CLAIMS)
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["claim", "expect", "verdict", "method", "sizes", "seconds",
                                "status"]
    assert "flip-equivalence" in lines[2] and lines[2].endswith("ok")
    assert "VERIFIED" in lines[2] or "PROVED" in lines[2]
    assert "REFUTED" in lines[3]


def test_mismatch_exit_1_with_counterexample(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "good.toml", CLAIMS)
    _write(tmp_path, "wrong.toml", WRONG)
    json_path, junit_path = tmp_path / "out.json", tmp_path / "out.xml"
    code = main(["verify", str(tmp_path), "--json", str(json_path), "--junit", str(junit_path)])
    assert code == 1
    out = capsys.readouterr().out
    assert "MISMATCH" in out and "counterexample:" in out and "left side at" in out
    data = json.loads(json_path.read_text())
    assert [d["name"] for d in data] == ["flip-equivalence", "corr-not-associative",
                                         "conv-is-corr"]
    wrong = data[2]
    assert set(wrong) >= {"name", "statement", "expect", "verdict", "method", "sizes", "seconds",
                          "error_bound", "counterexample", "derivation"}
    assert (wrong["verdict"], wrong["ok"], wrong["expect"]) == ("REFUTED", False, "holds")
    cex = wrong["counterexample"]
    # re-check the JSON counterexample numerically: conv vs corr at the coordinate
    f, i = np.array(cex["signals"]["F"]), np.array(cex["signals"]["I"])
    fo, io = cex["origins"]["F"], cex["origins"]["I"]
    x = cex["coordinate"]

    def value(sign: int) -> int:
        total = 0
        for (p, q), w in np.ndenumerate(f):
            r, s = x[0] - sign * (p + fo[0]) - io[0], x[1] - sign * (q + fo[1]) - io[1]
            if 0 <= r < i.shape[0] and 0 <= s < i.shape[1]:
                total += int(w) * int(i[r, s])
        return total

    assert (value(1), value(-1)) == (cex["left"], cex["right"])
    assert data[0]["counterexample"] is None and data[0]["verdict"] in ("VERIFIED", "PROVED")
    suite = ET.parse(junit_path).getroot()
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["conv-is-corr"]


def test_jobs_run_in_processes_with_same_results(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "good.toml", CLAIMS)
    json1, json2 = tmp_path / "1.json", tmp_path / "2.json"
    assert main(["verify", str(tmp_path), "--json", str(json1)]) == 0
    assert main(["verify", str(tmp_path), "--jobs", "2", "--json", str(json2)]) == 0
    first, second = json.loads(json1.read_text()), json.loads(json2.read_text())
    assert [(d["name"], d["verdict"]) for d in first] == [(d["name"], d["verdict"])
                                                          for d in second]


def test_budget_option_gives_inconclusive(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "good.toml", CLAIMS)
    assert main(["verify", str(tmp_path), "--budget", "0.000001"]) == 1
    assert "INCONCLUSIVE" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "fragment"), [
    (["verify", "MISSING"], "MISSING: no such file"),
    (["verify", "--jobs", "0", "."], "--jobs 0"),
    (["verify", "--budget", "-3", "."], "--budget -3"),
    (["check", "conv(F, I) == F", "--signals", "F=3"], "'I', which is not declared"),
    (["check", "conv(F, I) == F", "--signals", "F"], "NAME=SHAPE"),
    (["check", "F.x == F", "--signals", "F=3"], "attribute access"),
    (["check", "F == F", "--signals", "F=3", "--tiers", "magic"], "tiers"),
    (["check", "a / (1 - 1) == a", "--signals", "a=3"], "division by zero"),
])
def test_bad_input_exit_2_one_line(argv: list[str], fragment: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_claim_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CLAIMS + '\n[[claim]]\nname = "x"\nstatement = "conv(F, I) == lambda: 1"\n' \
                    'signals = { F = "3", I = "3" }\nexpect = "holds"\n'
    _write(tmp_path, "bad.toml", text)
    header_line = text.splitlines().index("[[claim]]", 10) + 1
    assert main(["verify", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"symconv: error: {tmp_path / 'bad.toml'}:{header_line}: claim 'x': ")
    assert "column 15" in err and "lambda" in err


def test_evaluation_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "dft.toml", '[[claim]]\nname = "d"\nstatement = "dft(a) == a"\n'
                                 'signals = { a = "4" }\nexpect = "holds"\n')
    code = main(["verify", str(tmp_path)])
    captured = capsys.readouterr()
    if code == 2:  # until the exact DFT lands
        assert "dft is not yet supported" in captured.err
    else:
        assert code == 1  # dft(a) == a is false


def test_default_path_is_proofs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "proofs").mkdir()
    _write(tmp_path / "proofs", "a.toml", CLAIMS)
    monkeypatch.chdir(tmp_path)
    assert main(["verify"]) == 0
    assert "flip-equivalence" in capsys.readouterr().out


def test_check_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "conv(F, I) == conv(I, F)", "--signals", "F=3x3,I=5x5"]) == 0
    out = capsys.readouterr().out
    assert "VERIFIED" in out or "PROVED" in out
    assert main(["check", "conv(F, I) == corr(F, I)", "--signals", "F=emboss,I=4x4"]) == 1
    out = capsys.readouterr().out
    assert "REFUTED" in out and "counterexample" in out
    assert main(["check", "conv(F, I) == corr(F, I)", "--signals", "F=emboss,I=4x4",
                 "--expect", "fails"]) == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet='[]=" \nabcimnls{}(),.xF0123', max_size=80))
def test_random_files_never_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      text: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text("[[claim]]\n" + text)
    code = main(["verify", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in captured.err
    if code == 2:
        assert captured.err.count("\n") == 1


SIZE_DEPENDENT = '''
[[claim]]
name = "parseval-for-length-6"
statement = "6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))"
signals = { f = "6" }
expect = "holds"
'''


def test_declared_sizes_decide_and_the_warning_reaches_every_output(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "sizes.toml", SIZE_DEPENDENT)
    json_path, junit_path = tmp_path / "out.json", tmp_path / "out.xml"
    assert main(["verify", str(path), "--json", str(json_path), "--junit", str(junit_path)]) == 0
    out = capsys.readouterr().out
    warning = "fails at f=4: the statement depends on the size"
    assert f"warning: parseval-for-length-6: {warning}" in out
    row = json.loads(json_path.read_text())[0]
    assert (row["verdict"], row["ok"]) == ("VERIFIED", True)
    assert warning in row["warnings"]
    case = ET.parse(junit_path).getroot().find("testcase")
    assert case is not None and case.find("failure") is None
    err = case.find("system-err")
    assert err is not None and warning in (err.text or "")


def test_strict_sizes_fails_a_size_dependent_claim(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "sizes.toml", SIZE_DEPENDENT)
    json_path = tmp_path / "out.json"
    assert main(["verify", str(path), "--strict-sizes", "--json", str(json_path)]) == 1
    row = json.loads(json_path.read_text())[0]
    assert (row["verdict"], row["ok"]) == ("REFUTED", False)
    assert row["sizes"] == [{"f": [4]}, {"f": [8]}]
    capsys.readouterr()
    assert main(["check", "6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))",
                 "--signals", "f=6", "--strict-sizes"]) == 1
    assert main(["check", "6 * sum(f * conj(f)) == sum(dft(f) * conj(dft(f)))",
                 "--signals", "f=6"]) == 0
    assert main(["check", "conv(a, b) == conv(b, a)", "--signals", "a=3,b=2",
                 "--strict-sizes"]) == 0
