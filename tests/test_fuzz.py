"""Hostile input through the command line: every input ends fast, with exit 0, 1 or 2, no
traceback and no "internal error".

A corpus of the cases found by hand (issue 16 and the limits they led to), then hypothesis
over statement text and claim-file text.  Everything runs in-process through ``main``;
time is the process's CPU time, so a loaded machine does not fail the 5 s bound.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from symconv.cli import main
from symconv.strategies import dsl_claims

LIMIT_SECONDS = 5.0


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``main(argv)``, checked for the fuzz properties."""
    start = time.process_time()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    seconds = time.process_time() - start
    captured = capsys.readouterr()
    both = captured.out + captured.err
    assert seconds < LIMIT_SECONDS, f"{argv!r} took {seconds:.1f} s of CPU"
    assert code in (0, 1, 2), (argv, code, captured.err)
    assert "Traceback" not in both, (argv, captured.err)
    assert "internal error" not in both, (argv, both[-500:])
    if code == 2 and "usage:" not in captured.err:
        lines = captured.err.strip().splitlines()
        assert lines and lines[-1].startswith("symconv: error: "), (argv, captured.err)
    return code, captured.out, captured.err


def _claim_file(tmp_path: Path, body: str) -> str:
    path = tmp_path / "claims.toml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _claim(statement: str = "F == F", signals: str = 'F = "3"') -> str:
    return (f'[[claim]]\nname = "c"\nstatement = {_toml_string(statement)}\n'
            f'signals = {{ {signals} }}\nexpect = "holds"\n')


def _squared(text: str, times: int) -> str:
    for _ in range(times):
        text = f"({text} * {text})"
    return text


CHECKS = [  # (statement, --signals): each refused in one line, exit 2
    ("sum(\uff26) == sum(F)", "F=1,\uff26=2"),  # the look-alikes, once PROVED
    ("\ufb01 == fi", "fi=1,\ufb01=3"),
    ("sum(F) == sum(F)", "F=1,\uff26=2"),
    ("F == F", "F=3,G=3"),
    ("-" * 5000 + "F == F", "F=3"),  # deep unary minus: was a RecursionError traceback
    ("-" * 900 + "F == F", "F=3"),
    ("F" + " + F" * 5000 + " == F", "F=3"),  # a left-associated sum thousands deep
    ("F" + " + F" * 200 + " == F", "F=3"),
    ("(" * 500 + "F" + ")" * 500 + " == F", "F=3"),
    ("conv(" * 60 + "F" + ", F)" * 60 + " == F", "F=3"),
    ("F * 2**10**10 == F", "F=3"),  # huge exponents: ran past 60 s
    ("F * 1e1000000000 == F", "F=3"),
    ("F * 1e-1000000000 == F", "F=3"),
    ("F * " + " * ".join(["1" + "0" * 99] * 10) + " == F", "F=3"),
    (_squared("a", 6) + " == a", "a=1"),  # degree 64: values past Python's 4300-digit print
    ("F / (1 - 1) == F", "F=3"),  # found only at verification time, in 8 lines
    ("F / (2j * 2j + 4) == F", "F=3"),
    ("zeropad(F, 1000000, 1000000) == F", "F=3x3"),
    ("F == F", "F=" + "x".join(["1"] * 100)),  # a 100-axis shape: internal ValueError
    ("F == F", "F=" + "9" * 5000),
    ("F == F", "F=99999x99999"),
    ("F" * 100 + " == F", "F=3"),
    ("conv(F, F, boundary=[1]) == F", "F=3"),
    ("conv(F, F, mode=F) == F", "F=3"),
    ("F == F", "F=3," * 3000),
]


@pytest.mark.parametrize(("statement", "signals"), CHECKS,
                         ids=[f"check-{k}" for k in range(len(CHECKS))])
def test_corpus_of_statements(statement: str, signals: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", statement, "--signals", signals], capsys)
    assert code == 2 and "PROVED" not in out + err
    assert err.count("\n") == 1 and len(err) < 600, err


FILES = [  # claim-file text: each refused in one line, exit 2
    _claim(signals="F = { literal = " + "[" * 1000 + "1" + "]" * 1000 + " }"),
    _claim(signals="F = { literal = " + "[" * 70 + "1" + "]" * 70 + " }"),  # was RuntimeError
    _claim(signals='F = "' + "x".join(["2"] * 100) + '"'),  # was ValueError
    _claim(signals='F = { literal = ["1e1000000000"] }'),  # ran past 60 s
    _claim(signals="F = { literal = [" + "9" * 5000 + "] }"),
    _claim(signals="F = { literal = [1e308] }"),
    _claim(signals="F = { literal = [" + ", ".join(["[" + "1, " * 299 + "1]"] * 300) + "] }"),
    _claim("F / (1 - 1) == F"),
    _claim("sum(F) == sum(F)", 'F = "1", "\uff26" = "2"'),
    _claim("sum(\uff26) == sum(F)", 'F = "1", "\uff26" = "2"'),
    '[[claim]]\nname = "c"\nx = ' + "{a = " * 1000 + "1" + "}" * 1000 + "\n",
    "[[claim]]\nname = 'c'\n" + "a" * 100_000 + " = 1\n",
    _claim(signals='F = "3", G = "3"'),
    _claim(signals='F = "3", conv = "3"'),
    _claim(signals="F = [" + ", ".join(['"3"'] * 100) + "]"),
    "\x00\xff garbage",
]


@pytest.mark.parametrize("body", FILES, ids=[f"file-{k}" for k in range(len(FILES))])
def test_corpus_of_claim_files(body: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["verify", _claim_file(tmp_path, body)], capsys)
    assert code == 2 and "PROVED" not in out
    assert err.strip().splitlines()[-1].startswith("symconv: error: ")


COMMANDS = [  # the other subcommands with hostile options
    ["cnn", "pixel", "--kernel", "9x9", "--input", "5x5"],  # printed x[0, 8, 8] and exit 0
    ["cnn", "pixel", "--kernel", "3x3x3x3", "--input", "5"],
    ["cnn", "pixel", "--stride", "0"],
    ["cnn", "pixel", "--kernel", "9" * 50],
    ["cnn", "backprop", "--kernel", "9x9", "--input", "5x5"],
    ["cnn", "backprop", "--boundary", "['zero']"],
    ["cnn", "learn", "--lr", "nan", "--steps", "2"],
    ["derive", "conv", "--size", "-3"],
    ["derive", "conv", "--size", "10000001"],
    ["derive", "conv", "--dim", "100"],
    ["derive", "conv", "--matrix", "--input", "100000"],
    ["dft", "--size", "0"],
    ["dft", "--size", "100000"],
    ["dft", "--size", "3", "--dim", "40"],
    ["identify", ""],
    ["identify", ":"],
    ["identify", "numpy:"],
    ["identify", "a..b"],
    ["identify", "no_such_module_here.f"],
    ["identify", "os.path:join", "--args", "image,kernel"],
    ["identify", "numpy.convolve", "--ndim", "3"],
    ["identify", "numpy.convolve", "--kwarg", "mode=nothing"],
    ["identify", "numpy.add", "--args", "image,kernel", "--vary", "dtype=int,float"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(a)[:40] for a in COMMANDS])
def test_corpus_of_other_commands(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    run(argv, capsys)


# --- hypothesis ---------------------------------------------------------------------------

_TOKENS = [
    "F", "G", "fi", "\uff26", "\ufb01", "x", "conv", "corr", "flip", "shift", "dft", "idft",
    "circconv", "zeropad", "sum", "conj", "transpose", "trace", "hadamard", "frobenius",
    "(", ")", ",", " + ", " - ", " * ", " / ", " @ ", "**", " == ", " != ", "-", "=",
    "0", "1", "2", "-1", "0.5", "1e9", "1e99999", "1j", "0x10", "(1 - 1)", "1_0",
    'mode="same"', 'boundary="wrap"', 'mode="nothing"', "axis=0", "axis=9", "[1]", "{}",
    "lambda: 0", "F.x", "F[0]", "__import__('os')", "\t", "\n", "\x00", "\u202e", "#",
]
statement_texts = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=14).map("".join),
    st.text(max_size=40),
)


def _declarations(text: str) -> str:
    """Small 1D signals for the names the text mentions (so that claims get checked)."""
    used = [n for n in ("F", "G", "fi", "\uff26", "\ufb01") if re.search(re.escape(n), text)]
    return ",".join(f"{n}={2 + k % 2}" for k, n in enumerate(used)) or "F=2"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=statement_texts)
def test_any_statement_text(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", text, "--signals", _declarations(text), "--budget", "5"],
                         capsys)
    event(f"exit {code}")
    if "\uff26" in text or "\ufb01" in text:
        assert code == 2 and "PROVED" not in out


_VALUES = [
    '"3"', '"2x2"', '"0"', '"3x"', '"1x1x1x1x1x1x1x1x1"', '["2", "3"]', "[[1, 2], [3]]",
    "[1, 2]", '["1/3", "2"]', '["1e999"]', "[1e308]", "[[[[[[[[[1]]]]]]]]]", '"sobel_x"',
    '"gaussian5"', '{ shape = "3", real = false }', '{ literal = [1], origin = [0] }',
    '{ literal = [1], origin = [true] }', '{ kernel = "nothing" }', "3", "true", "[]",
]
_KEYS = ["F", "G", '"\uff26"', '"\ufb01"', "fi", '"F "', "conv", '""']
_STATEMENTS = ["F == F", "conv(F, G) == conv(G, F)", "sum(fi) == sum(F)", "F / 0 == F",
               "flip(flip(F)) == F", "F @ G == G @ F", "dft(idft(F)) == F", "-" * 50 + "F == F"]


@st.composite
def claim_texts(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=3, unique=True))
    signals = ", ".join(f"{k} = {draw(st.sampled_from(_VALUES))}" for k in keys)
    statement = draw(st.one_of(st.sampled_from(_STATEMENTS), statement_texts))
    fields = [
        "[[claim]]", 'name = "fuzz"', f"statement = {_toml_string(statement)}",
        f"signals = {{ {signals} }}",
        draw(st.sampled_from(['expect = "holds"', 'expect = "fails"', "expect = 1", ""])),
        draw(st.sampled_from(["", 'tiers = ["exact"]', 'tiers = ["magic"]', "budget = 2",
                              "budget = -1", 'sizes = { F = "5" }', 'note = "n"'])),
    ]
    text = "\n".join(fields) + "\n"
    if draw(st.booleans()):  # a little damage: drop or repeat a slice
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 8)))
        text = text[:start] + draw(st.sampled_from(["", text[start:end] * 2, "[", "{", '"']))\
            + text[end:]
    return text


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=claim_texts())
def test_any_claim_file_text(text: str, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", _claim_file(tmp_path, text), "--budget", "5"], capsys)
    event(f"exit {code}")
    if "\uff26" in text or "\ufb01" in text:
        assert "PROVED" not in out


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(case=dsl_claims(max_depth=2))
def test_well_typed_claim_files(case: tuple[str, dict[str, object]], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """Claims that get past loading run through the tiers, still within the bounds."""
    statement, signals = case
    table = ", ".join(f"{name} = {_toml_value(value)}" for name, value in signals.items())
    code, _, _ = run(["verify", _claim_file(tmp_path, _claim(statement, table)), "--budget", "5"],
                     capsys)
    event(f"exit {code}")
