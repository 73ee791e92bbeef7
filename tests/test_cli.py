"""The command line, called in-process: derive, --version, errors."""

from __future__ import annotations

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
    ],
)
def test_bad_input_is_one_line_and_status_2(argv: list[str], fragment: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symconv: error:") and fragment in lines[0]


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["convolve"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
