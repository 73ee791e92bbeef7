"""What verify shows while claims run: flushed lines off a terminal, a live display on one."""

from __future__ import annotations

import io
import os
import sys

import pytest
from rich.console import Console

from symconv.lang.claims import parse_toml
from symconv.progress import LineProgress, LiveProgress, finished_line
from symconv.prove import runner
from symconv.prove.pool import Event
from tests.sample_claims import CONV_IS_CORR, FLIP_EQUIVALENCE

CLAIMS = FLIP_EQUIVALENCE + CONV_IS_CORR


def test_line_progress_prints_finished_claims_and_stages() -> None:
    claims = parse_toml(CLAIMS)
    stream = io.StringIO()
    lines = LineProgress(stream, verbose=True)
    outcomes = runner.run_claims(claims, progress=lines)
    lines.event(claims[0], Event("stage", 0, "exact", "attempt > _differs", 12.4))
    text = stream.getvalue().splitlines()
    assert "  ... flip-equivalence: tier general" in text  # verbose: each tier as it starts
    assert finished_line(1, 2, outcomes[0]) in text
    assert text[-2].startswith("[2/2] MISMATCH conv-is-corr REFUTED general ")
    assert text[-1] == "  ... flip-equivalence: 12 s, in exact: attempt > _differs"


def test_line_progress_holds_the_lines_of_a_claim_until_the_claims_before_it_finish() -> None:
    claims = parse_toml(CLAIMS)
    first, second = runner.run_claims(claims)
    stream = io.StringIO()
    lines = LineProgress(stream, verbose=True)
    # two workers: the second claim enters a tier and reports a stage while the first runs
    lines.event(claims[0], Event("tier", 0, "general"))
    lines.event(claims[1], Event("tier", 1, "general"))
    lines.event(claims[1], Event("stage", 1, "general", "attempt", 7.0))
    assert stream.getvalue().splitlines() == ["  ... flip-equivalence: tier general"]
    lines.finished(1, 2, first)
    lines.finished(2, 2, second)
    assert stream.getvalue().splitlines() == [
        "  ... flip-equivalence: tier general", finished_line(1, 2, first),
        "  ... conv-is-corr: tier general", "  ... conv-is-corr: 7 s, in general: attempt",
        finished_line(2, 2, second)]


def test_a_log_whose_reader_has_gone_is_dropped_and_the_run_goes_on() -> None:
    claims = parse_toml(CLAIMS)
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w") as broken:
        lines = LineProgress(broken)
        outcomes = runner.run_claims(claims, progress=lines)  # no BrokenPipeError
        assert [o.claim.name for o in outcomes] == ["flip-equivalence", "conv-is-corr"]
        assert lines.stream is None
        broken.write("pending text")
        broken.flush()  # the file now goes to /dev/null: this and the flush at exit succeed


def test_a_log_that_shares_its_pipe_with_stdout_stops_the_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w") as broken:
        monkeypatch.setattr(sys, "stdout", broken)  # `symconv verify 2>&1 | head`
        outcome, = runner.run_claims(parse_toml(FLIP_EQUIVALENCE))
        with pytest.raises(BrokenPipeError):
            LineProgress(broken).finished(1, 1, outcome)
        monkeypatch.undo()
        os.dup2(os.open(os.devnull, os.O_WRONLY), write_end)  # let the file close quietly


def test_live_display_on_a_terminal() -> None:
    claims = parse_toml(CLAIMS)
    stream = io.StringIO()
    display = LiveProgress(len(claims), Console(file=stream, force_terminal=True, width=100))
    runner.run_claims(claims, progress=display)
    display.close()
    text = stream.getvalue()
    assert "2/2" in text and "slowest so far:" in text
    assert "[2/2] MISMATCH conv-is-corr REFUTED" in text  # printed above the display
