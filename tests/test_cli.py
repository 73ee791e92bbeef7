"""The command line, called in-process: derive, --version, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from symconv import __version__
from symconv.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"symconv {__version__}"


def test_derive_prints_the_expanded_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "conv", "--dim", "2", "--size", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("(F * I)(x, y) = sum of the entries of")
    assert "F[1, 1]⋅I[x - 1, y - 1]" in out


def test_derive_latex(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "corr", "--dim", "1", "--size", "5", "--latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r"(F \circ I)(x) = \sum")
    assert "{F}_{-2} {I}_{x - 2}" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["derive", "conv", "--size", "4"], "odd kernel sizes"),
        (["derive", "conv", "--size", "0"], "at least 1"),
        (["derive", "corr", "--size", "99", "--dim", "3"], "limit"),
        (["derive", "corr", "--dim", "0"], "dimension"),
        (["cnn", "learn", "--steps", "-1"], "steps -1; expected"),  # before any output
        (["check", "F == F", "--signals", "F=3", "--memory", "0.0001"],
         "--memory 0.0001; expected at least"),  # no worker could start under it
    ],
)
def test_bad_input_is_one_line_and_status_2(argv: list[str], fragment: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symconv: error:") and fragment in lines[0]


def test_help_lists_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for status in ("0 success", "1 a verdict", "2 bad input", "3 an internal error",
                   "4 none contradicts its expectation but a claim is INCONCLUSIVE",
                   "130 interrupted", "141 the reader of stdout"):
        assert status in shown


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["convolve"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "suggestion"), [
    (["verfy"], "did you mean 'verify'?"),
    (["repot", "derivation"], "did you mean 'report'?"),
    (["derive", "cnv"], "did you mean 'conv'?"),
    (["dft", "--size", "3", "--form", "trg"], "did you mean 'trig'?"),
    (["verify", "--jsn", "out.json"], "did you mean '--json'?"),
    (["identify", "numpy.convolve", "--layot", "nchw"], "did you mean '--layout'?"),
    (["check", "F == F", "--signals", "F=3", "--tiers=exact", "--budgt=3"],
     "did you mean '--budget'?"),
])
def test_a_mistyped_word_gets_the_nearest_valid_one(argv: list[str], suggestion: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert suggestion in err.splitlines()[-1] and "Traceback" not in err


def test_an_unknown_option_of_a_command_shows_that_commands_usage(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["verify", "--zzzzzz"])
    err = capsys.readouterr().err
    assert err.startswith("usage: symconv verify") and "did you mean" not in err
    assert err.splitlines()[-1] == "symconv verify: error: unrecognized arguments: --zzzzzz"


@pytest.mark.parametrize("argv", [
    ["derive", "conv", "--matrix", "--dim", "64", "--size", "2"],
    ["cnn", "pixel", "--kernel", "1000x1000"],
    ["cnn", "backprop", "--input", "40x40", "--channels", "1x1"],
    ["cnn", "backprop", "--padding", "1000000"],
    ["cnn", "learn", "--steps", "-1"],
    ["cnn", "learn", "--seed", "-5"],
])
def test_absurd_sizes_are_refused_in_one_line(argv: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("symconv: error: ") and err.count("\n") == 1


@pytest.mark.parametrize("command", ["check", "verify"])
def test_a_budget_too_long_for_a_timer_is_refused(command: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # 1e12 s overflowed the interval timer: "internal error ... OverflowError"
    argv = ["check", "f == f", "--signals", "f=3"] if command == "check" else ["verify"]
    assert main([*argv, "--budget", "1e12", "-q"]) == 2
    err = capsys.readouterr().err
    assert err == "symconv: error: --budget 1e+12; expected a positive finite number of at " \
                  "most 1e+06\n"


@pytest.mark.parametrize("memory", ["0.1", "1e12"])
def test_a_memory_cap_a_worker_cannot_use_is_refused(memory: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # 1e12 GiB overflowed setrlimit (a worker traceback); 0.1 GiB left no room to start the
    # worker, which was stopped only at its deadline, a minute later
    assert main(["check", "f == f", "--signals", "f=3", "--memory", memory, "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"symconv: error: --memory {float(memory):g}; expected ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(("action", "options"), [
    # pixel and claims printed the zero-padded layer for --boundary reflect, unchanged
    ("pixel", ["--padding", "1", "--boundary", "reflect"]),
    ("claims", ["--padding", "1", "--boundary", "reflect"]),
    # learn trained its fixed 3x3 stride-1 layer whatever the layer options said
    ("learn", ["--stride", "2"]),
    ("learn", ["--kernel", "3x3"]),
    ("learn", ["--boundary", "reflect"]),
    ("pixel", ["--groups", "2"]),
    ("backprop", ["--steps", "5"]),
])
def test_cnn_options_an_action_would_ignore_are_refused(
        action: str, options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cnn", action, *options]) == 2
    err = capsys.readouterr().err
    option = next(o for o in options if o.startswith("--") and o != "--padding")
    assert err.startswith(f"symconv: error: {option} is not used by cnn {action}: ")
    assert err.count("\n") == 1


def test_cnn_options_at_their_defaults_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cnn", "claims", "--padding", "1", "--boundary", "fill"]) == 0  # zero's alias
    assert main(["cnn", "pixel", "--groups", "1", "--stride", "1"]) == 0


def test_cnn_channels_need_input_and_output(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["cnn", "backprop", "--channels", "2"])  # was an IndexError traceback
    assert info.value.code == 2
    assert "input x output channels" in capsys.readouterr().err


@pytest.fixture
def workers_asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of workers each verify asks for (the claims then run in one)."""
    from symconv.prove import runner

    seen: list[int] = []
    real = runner.run_claims

    def spy(claims: Any, jobs: int, *args: Any, **options: Any) -> Any:
        seen.append(jobs)
        return real(claims, 1, *args, **options)

    monkeypatch.setattr(runner, "run_claims", spy)
    return seen


def test_verify_starts_no_more_workers_than_claims(tmp_path: Path,
                                                   workers_asked: list[int]) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[claim]]\nname = "a"\nstatement = "flip(flip(F)) == F"\n'
                    'signals = { F = "3" }\nexpect = "holds"\n')
    assert main(["verify", str(path), "--jobs", "100000"]) == 0
    assert workers_asked == [1]


def test_verify_defaults_to_a_worker_per_cpu_or_to_symconv_jobs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], workers_asked: list[int]) -> None:
    from symconv.prove import pool

    monkeypatch.setattr(pool, "available_cpus", lambda: 3)
    path = tmp_path / "c.toml"
    path.write_text("".join(f'[[claim]]\nname = "c{k}"\nstatement = "flip(flip(F)) == F"\n'
                            'signals = { F = "3" }\nexpect = "holds"\n' for k in range(5)))
    monkeypatch.delenv(pool.JOBS_ENV)
    assert main(["verify", str(path)]) == 0
    monkeypatch.setenv(pool.JOBS_ENV, "2")
    assert main(["verify", str(path)]) == 0
    assert main(["verify", str(path), "--jobs", "auto"]) == 0  # the option wins
    auto = pool.default_workers()  # 3 CPUs, fewer only on a machine under 6 GiB
    assert workers_asked == [auto, 2, auto]
    monkeypatch.setenv(pool.JOBS_ENV, "many")
    capsys.readouterr()
    assert main(["verify", str(path)]) == 2
    assert capsys.readouterr().err == ("symconv: error: $SYMCONV_JOBS=many; expected a positive "
                                       "number of workers or auto\n")


def test_output_under_a_file_is_one_line(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["report", "derivation", "--no-pdf", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err == (f"symconv: error: cannot write the report to {blocker / 'sub'}: "
                   f"{blocker} is a file, not a folder\n")


def test_proofs_list_names_every_bundled_file(capsys: pytest.CaptureFixture[str]) -> None:
    from symconv.api import bundled_claim_files

    assert main(["proofs", "list"]) == 0
    out = capsys.readouterr().out
    for path in bundled_claim_files():
        assert path.name in out
    assert "claims: conv-is-corr-of-flip" in out


def test_proofs_copy_gives_a_verifiable_starting_point(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from symconv.api import bundled_claim_files

    target = tmp_path / "mine"
    assert main(["proofs", "copy", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == [p.name for p in bundled_claim_files()]
    assert main(["proofs", "copy", str(target)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["proofs", "copy", str(target), "--force"]) == 0
    assert main(["proofs", "copy"]) == 2
    assert main(["verify", str(target / "shift.toml")]) == 0


def test_verify_without_a_path_outside_a_repository_runs_the_bundled_proofs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from symconv import api

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "one.toml").write_text('[[claim]]\nname = "a"\nstatement = "flip(flip(F)) == F"\n'
                                      'signals = { F = "3" }\nexpect = "holds"\n')
    monkeypatch.setattr(api, "bundled_proofs", lambda: bundled)
    monkeypatch.chdir(tmp_path)
    assert main(["verify"]) == 0
    captured = capsys.readouterr()
    assert "verifying the proofs bundled with symconv" in captured.err
    assert "1 claims: 1 as expected" in captured.out
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "own.toml").write_text(
        '[[claim]]\nname = "b"\nstatement = "flip(F) == F"\nsignals = { F = "3" }\n'
        'expect = "fails"\n')
    assert main(["verify"]) == 0
    captured = capsys.readouterr()
    assert "bundled" not in captured.err and "\nb " in captured.out


# --- shell behaviour: broken pipes, --debug, no tracebacks --------------------------------


class _ClosedPipe:
    """A stdout whose reader has gone (``symconv ... | head``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("argv", [
    ["derive", "conv", "--size", "5"],
    ["derive", "conv", "--matrix"],
    ["dft", "--size", "4"],
])
def test_a_broken_pipe_is_silent(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(argv) == 141  # 128 + SIGPIPE, as a process the pipe killed
    assert capsys.readouterr().err == ""


@pytest.mark.slow  # a subprocess writes 790 kB into a closed pipe: about 5 s
def test_a_broken_pipe_is_silent_in_a_real_pipe() -> None:
    import subprocess
    import sys

    # 790 kB of output, far more than a pipe (64 kB) and our unbuffered read hold, so the
    # writer meets the closed pipe however fast the machine is
    process = subprocess.Popen([sys.executable, "-m", "symconv", "dft", "--size", "64"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
                               cwd=Path(__file__).parents[1])
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"F(0) = ")
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert err == ""


def _boom(exc: BaseException) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return build


@pytest.mark.parametrize(("exc", "code", "line"), [
    (RuntimeError("a bug"), 3, "symconv: internal error: RuntimeError: a bug (run symconv "
                               "--debug ... for the traceback)"),
    (KeyboardInterrupt(), 130, "symconv: interrupted"),
    (MemoryError(), 2, "symconv: error: out of memory; try smaller sizes"),
])
def test_no_traceback_without_debug(exc: BaseException, code: int, line: str,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("symconv.cli.ExpandedForm.build", _boom(exc))
    assert main(["derive", "conv"]) == code
    assert capsys.readouterr().err == line + "\n"


@pytest.mark.parametrize("argv", [
    ["--debug", "check", "F / (1 - 1) == F", "--signals", "F=3"],
    ["check", "F / (1 - 1) == F", "--signals", "F=3", "--debug"],
])
def test_debug_shows_the_traceback(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].startswith("symconv: error: ")
    assert "division by zero: (1 - 1) is 0" in err.splitlines()[-1]


def test_debug_after_a_separator_is_an_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["derive", "conv", "--", "--debug"])
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(("statement", "signals"), [
    ("sum(\uff26) == sum(F)", "F=1,\uff26=2"),
    ("\ufb01 == fi", "fi=1,\ufb01=3"),
    ("sum(F) == sum(F)", "F=1,\uff26=2"),
])
def test_look_alike_names_are_not_proved(statement: str, signals: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The first unsound verdict of the project: these false claims were PROVED."""
    assert main(["check", statement, "--signals", signals]) == 2
    captured = capsys.readouterr()
    assert "PROVED" not in captured.out + captured.err
    assert captured.err.count("\n") == 1 and captured.err.startswith("symconv: error: ")


@pytest.mark.parametrize("kernel", ["9x9", "7x3"])
def test_cnn_pixel_and_backprop_agree_on_sizes(kernel: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    messages = []
    for action in ("pixel", "backprop"):
        assert main(["cnn", action, "--kernel", kernel, "--input", "5x5"]) == 2
        messages.append(capsys.readouterr().err)
    assert messages[0] == messages[1]
    assert "is smaller than the dilated kernel" in messages[0]


def test_cnn_pixel_checks_the_input_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cnn", "pixel", "--kernel", "3x3", "--input", "5x5"]) == 0
    assert "x[1, 2, 2]" in capsys.readouterr().out
    assert main(["cnn", "pixel", "--kernel", "3", "--input", "5x5"]) == 2
    assert "differ in dimension" in capsys.readouterr().err
    assert main(["cnn", "pixel", "--kernel", "9x9"]) == 0  # no input size: the form for any


def test_check_seed_is_reported_and_repeats_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "conv(a, b) == conv(b, a)", "--signals", "a=5,b=5", "--tiers", "random",
            "--quiet"]
    details = []
    for seed in ("7", "7", "8"):
        assert main([*argv, "--seed", seed]) == 0
        out = capsys.readouterr().out
        assert f"seed {seed} (repeat the run with --seed {seed})" in out
        details.append(next(line for line in out.splitlines() if "primes [" in line))
    assert details[0] == details[1] != details[2]


def test_verify_json_carries_the_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from symconv.lang.claims import load_claims
    from symconv.prove.random import claim_seed

    path = tmp_path / "c.toml"
    path.write_text('[[claim]]\nname = "a"\nstatement = "conv(a, b) == conv(b, a)"\n'
                    'signals = { a = "4", b = "3" }\nexpect = "holds"\ntiers = ["random"]\n')
    out = tmp_path / "out.json"
    assert main(["verify", str(path), "--no-cache", "--quiet", "--json", str(out),
                 "--seed", "123"]) == 0
    assert json.loads(out.read_text())[0]["seed"] == 123
    assert main(["verify", str(path), "--no-cache", "--quiet", "--json", str(out)]) == 0
    assert json.loads(out.read_text())[0]["seed"] == claim_seed(load_claims([path])[0])


@pytest.mark.parametrize("seed", ["-1", str(2**64)])
def test_a_seed_out_of_range_is_one_line(seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "a == a", "--signals", "a=3", "--seed", seed]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symconv: error: --seed") and err.count("\n") == 1


def test_cnn_claims_prints_loadable_claims_or_one_line(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    from symconv.lang.claims import load_toml

    assert main(["cnn", "claims", "--channels", "2x4", "--groups", "2", "--kernel", "3"]) == 0
    path = tmp_path / "groups.toml"
    path.write_text(capsys.readouterr().out)
    claims = load_toml(path)
    assert [c.name for c in claims][:2] == ["cnn-groups-2x4-groups2-grad-input",
                                            "cnn-groups-2x4-groups2-grad-weight"]
    assert claims[0].signals["x0"][0].shape == (7,)  # 1D: the kernel's axes, input 7 each
    assert main(["cnn", "claims", "--channels", "3x2", "--groups", "2"]) == 2
    assert capsys.readouterr().err.strip().endswith("groups 2 does not divide 3 input and 2 "
                                                   "output channels")


@pytest.mark.parametrize(("argv", "fits"), [
    (["--channels", "5x5"], "at most 4x4 channels fit"),
    (["--channels", "8x8", "--groups", "2"], "at most 6x6 channels fit"),
    (["--channels", "16x16", "--groups", "16"], "no fewer channels (a multiple of the 16 groups)"),
])
def test_cnn_claims_too_long_for_the_language_name_the_channels_that_fit(
        capsys: pytest.CaptureFixture[str], argv: list[str], fits: str) -> None:
    # the statements grow with the channels; the language's length limit used to surface as
    # 'column 1001: the statement has 1298 characters' with no word of --channels
    assert main(["cnn", "claims", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert "channels give statements too long for the statement language" in line
    assert fits in line


LINEAR_ANY_N = "circconv(zeropad(a, N), zeropad(b, N)) == zeropad(conv(a, b), N)"


def test_check_takes_free_integers_and_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    # dft reads its argument mod N: the law holds for every origin (--signals gives none)
    law = "dft(zeropad(conv(a, b), N)) == dft(zeropad(a, N)) * dft(zeropad(b, N))"
    code = main(["check", law, "--signals", "a=3,b=4", "--integers", "N=6",
                 "--assume", "N >= len(a) + len(b) - 1"])
    out = capsys.readouterr().out
    assert code == 0 and "PROVED" in out and "N >= len(a) + len(b) - 1 (the claim's assumption)" in out
    # true at N = len(a) + len(b) - 1 = 6 alone: N = 7 is admitted too
    code = main(["check", "dft(conv(a, b)) == dft(zeropad(a, N)) * dft(zeropad(b, N))", "--signals",
                 "a=3,b=4", "--integers", "N=6", "--assume", "N >= len(a) + len(b) - 1",
                 "--expect", "fails"])
    out = capsys.readouterr().out
    assert code == 0 and "REFUTED by general" in out and "(an integer of the claim)" in out


@pytest.mark.parametrize(("options", "fragment"), [
    (["--integers", "N=x"], "--integers item 'N=x' is not NAME=INTEGER"),
    (["--integers", "N=6,N=7"], "--integers names 'N' twice"),
    (["--integers", "N=5", "--assume", "N >= len(a) + len(b) - 1"], "do not satisfy the assumption"),
    (["--integers", "N=6", "--assume", "N >= len(c)"], "'c', which is not a declared signal"),
    (["--integers", "a=6"], "'a' is declared both in signals and in integers"),
    ([], "statement uses 'N', which is not declared"),
])
def test_check_integer_errors_are_one_line_with_status_2(
        options: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", LINEAR_ANY_N, "--signals", "a=3,b=4", *options]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err
