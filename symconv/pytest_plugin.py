"""pytest plugin: every claim of a claim file is a test item.

Registered through the ``pytest11`` entry point, so ``pytest proofs/`` runs the
claims once symconv is installed (from a source tree that is not installed, use
``pytest -p symconv.pytest_plugin``; installed, ``-p`` would register it twice).
A claim passes when its verdict meets its expectation; a failure shows the
verdict, the detail and the counterexample.  An INCONCLUSIVE claim fails too, shown as
``UNDECIDED`` (not established, and not shown wrong either), as ``symconv verify`` shows it.

- TOML claim files are always collected.  Python claim modules (``@python_claim``
  or a ``# symconv-claims`` comment, checked before importing) only with
  ``--symconv-allow-python`` or the ini option ``symconv_allow_python = true``.
- ``--symconv-budget S`` overrides every claim's budget; ``--symconv-tiers
  general,exact`` runs only those of each claim's tiers (a claim with none of them
  is skipped).
- Every item has the marker ``symconv`` and one per file, ``claims_<stem>``
  (``-m claims_fourier`` runs ``fourier.toml``).
- Items are plain pytest items with stable ids (``path::claim-name``) collected in
  file order, so ``pytest -n 4 --dist worksteal`` (pytest-xdist) spreads them
  over processes or machines.
- Each claim runs as ``symconv verify`` runs it: in a worker process
  (:class:`~symconv.prove.pool.ClaimPool`, forked at the first claim) under the same
  memory cap, each tier stopped at its share of the budget, and the
  worker killed at the budget plus :data:`~symconv.prove.pool.GRACE` if it does not stop
  (stuck in one long C call); the claim is then INCONCLUSIVE "budget of B s exhausted in
  TIER (the worker was stopped)".
- Workers: ``--symconv-jobs N|auto`` as ``symconv verify --jobs`` (default
  ``$SYMCONV_JOBS``, else auto: a worker per usable CPU, at most one per claim and per
  2 GiB); with more than one, the claims run ahead of their items, in item order.  Under
  pytest-xdist every xdist process runs one worker and one claim at a time (xdist hands
  out items one by one, and ``-n`` already sets the parallelism), so ``-n 4`` runs 4
  claims at once, not 4 per CPU; ``--symconv-jobs`` together with ``-n`` is a usage error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from symconv.errors import ClaimFileError, SymconvError
from symconv.lang.claims import TIER_NAMES, Claim, is_claim_file, is_python_claim_file, load_python, load_toml
from symconv.prove import runner
from symconv.prove.pool import ClaimPool, default_memory_bytes, resolve_jobs
from symconv.prove.verdict import Result


def _xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _distributed(config: pytest.Config) -> bool:
    """pytest-xdist's controller will hand the items to worker processes (-n, --tx)."""
    return getattr(config.option, "dist", "no") != "no" and bool(getattr(config.option, "tx", None))


def session_workers(config: pytest.Config) -> int:
    """Claim workers of this pytest process: ``--symconv-jobs`` (else $SYMCONV_JOBS, else
    auto), as ``symconv verify --jobs``; one in a pytest-xdist worker, which xdist hands one
    item at a time (its ``-n`` is the parallelism, so no process runs claims ahead)."""
    if _xdist_worker(config):
        return 1
    try:
        return resolve_jobs(config.getoption("symconv_jobs"), "--symconv-jobs ")
    except SymconvError as exc:
        raise pytest.UsageError(str(exc)) from None


class _Workers:
    """The session's worker pool over the claims it runs, configured by the options.

    With one worker, a claim runs when its item does; with several, the claims run ahead
    in item order (each item waits for its own verdict), so that N claims run at a time.
    """

    def __init__(self, items: list[pytest.Item], workers: int) -> None:
        claims = [item for item in items
                  if isinstance(item, ClaimItem) and item.configured()[1] is None]
        self.index: dict[pytest.Item, int] = {item: k for k, item in enumerate(claims)}
        self.claims = [item.configured()[0] for item in claims]
        # a failure's message shows its diagnosis; a mutant refuted as expected needs none
        self.pool = ClaimPool(self.claims, max(1, min(workers, len(self.claims))),
                              default_memory_bytes(), diagnose="unexpected")
        self.done: dict[int, tuple[Result | None, str | None]] = {}
        self.running = (self.pool.run(range(len(self.claims)), [c.budget for c in self.claims])
                        if workers > 1 else None)

    def run(self, item: ClaimItem) -> runner.Outcome:
        index = self.index[item]
        if self.running is None:
            [(_, result, error)] = self.pool.run([index], [self.claims[index].budget])
        else:
            while index not in self.done:
                finished, result, error = next(self.running)
                self.done[finished] = (result, error)
            result, error = self.done.pop(index)
        return runner.Outcome(self.claims[index], result, error)

    def close(self) -> None:
        if self.running is not None:
            self.running.close()
        self.pool.close()


_WORKERS = pytest.StashKey[_Workers]()


class ClaimFailure(Exception):
    """A claim whose verdict contradicts its expectation (or that could not run)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symconv", "symconv claim files")
    group.addoption("--symconv-budget", type=float, default=None, metavar="SECONDS",
                    help="seconds per claim, overriding each claim's budget")
    group.addoption("--symconv-tiers", default=None, metavar="TIERS",
                    help="comma-separated tiers to run (of those each claim lists), e.g. "
                    "general,exact")
    group.addoption("--symconv-jobs", default=None, metavar="N|auto",
                    help="claim workers, as symconv verify --jobs (default $SYMCONV_JOBS, else "
                    "auto: one per usable CPU); not with pytest-xdist's -n, where each xdist "
                    "process runs one claim at a time")
    group.addoption("--symconv-allow-python", action="store_true", default=None,
                    help="also collect Python claim modules (this imports them)")
    parser.addini("symconv_allow_python", type="bool", default=False,
                  help="collect Python claim modules (@python_claim); this imports them")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "symconv: a claim from a symconv claim file")
    budget = config.getoption("symconv_budget")
    if budget is not None and not (budget > 0 and math.isfinite(budget)):  # a timer needs a finite time
        raise pytest.UsageError(f"--symconv-budget {budget:g}; expected a positive finite number")
    jobs = config.getoption("symconv_jobs")
    if jobs is not None and _distributed(config) and not _xdist_worker(config):
        raise pytest.UsageError(f"--symconv-jobs {jobs} with pytest-xdist: its -n already runs "
                                "claims in parallel, one at a time in each process; give one "
                                "of the two")
    if not _distributed(config):
        session_workers(config)  # a bad --symconv-jobs or $SYMCONV_JOBS is a usage error now
    tiers = config.getoption("symconv_tiers")
    if tiers is not None:
        names = tuple(t.strip() for t in tiers.split(",") if t.strip())
        unknown = [t for t in names if t not in TIER_NAMES]
        if unknown or not names:
            raise pytest.UsageError(f"--symconv-tiers {tiers!r}; expected a comma-separated "
                                    f"list from {', '.join(TIER_NAMES)}")


def _allow_python(config: pytest.Config) -> bool:
    flag = config.getoption("symconv_allow_python")
    return bool(flag) if flag is not None else bool(config.getini("symconv_allow_python"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and is_claim_file(file_path):
        file: ClaimFile = ClaimFile.from_parent(parent, path=file_path)
        return file
    if (file_path.suffix == ".py" and _allow_python(parent.config)
            and is_python_claim_file(file_path)):
        module: ClaimFile = PythonClaimFile.from_parent(parent, path=file_path)
        return module
    return None


def file_marker(path: Path) -> str:
    """The marker of a claim file's items: ``claims_`` and the file's stem as a name."""
    return "claims_" + re.sub(r"\W", "_", path.stem)


class ClaimFile(pytest.File):
    """A TOML claim file."""

    def load(self) -> list[Claim]:
        return load_toml(self.path)

    def collect(self) -> Iterator[ClaimItem]:
        try:
            claims = self.load()
        except ClaimFileError as exc:
            raise self.CollectError(str(exc)) from None
        marker = file_marker(self.path)
        self.config.addinivalue_line("markers", f"{marker}: the claims of {self.path.name}")
        for claim in claims:
            item = ClaimItem.from_parent(self, name=claim.name, claim=claim)
            item.add_marker("symconv")
            item.add_marker(marker)
            yield item


class PythonClaimFile(ClaimFile):
    """A Python claim module (imported at collection)."""

    def load(self) -> list[Claim]:
        return load_python(self.path)


class ClaimItem(pytest.Item):
    """One claim; runs the tiers and compares the verdict with the expectation."""

    def __init__(self, *, claim: Claim, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim

    def configured(self) -> tuple[Claim, str | None]:
        """The claim as the options configure it, and why to skip it (None: run it)."""
        claim = self.claim
        budget = self.config.getoption("symconv_budget")
        if budget is not None:
            claim = replace(claim, budget=budget)
        tiers = self.config.getoption("symconv_tiers")
        if tiers is not None:
            chosen = {t.strip() for t in tiers.split(",")}
            kept = tuple(t for t in claim.tiers if t in chosen)
            if not kept:
                return claim, (f"none of its tiers ({', '.join(claim.tiers)}) is among "
                               f"--symconv-tiers {tiers}")
            claim = replace(claim, tiers=kept)
        return claim, None

    def runtest(self) -> None:
        if (skip := self.configured()[1]) is not None:
            pytest.skip(skip)
        # In a worker process, as `symconv verify` runs claims: a claim that does not stop at
        # its budget is killed, not waited for (and its timer is not pytest-timeout's SIGALRM)
        if _WORKERS not in self.config.stash:
            workers = self.config.stash[_WORKERS] = _Workers(self.session.items,
                                                             session_workers(self.config))
            self.config.add_cleanup(workers.close)
        outcome = self.config.stash[_WORKERS].run(self)
        self.user_properties.append(
            ("verdict", outcome.result.verdict.value if outcome.result else "ERROR"))
        if not outcome.ok:
            raise ClaimFailure(runner.explain(outcome))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.claim.line - 1, 0), f"claim {self.claim.name}: {self.claim.text}"
