"""pytest plugin: every ``[[claim]]`` of a TOML claim file is a test item.

Registered through the ``pytest11`` entry point, so ``pytest proofs/`` runs the
claims once symconv is installed (or use ``pytest -p symconv.pytest_plugin``).
A claim passes when its verdict meets its expectation; a failure shows the
verdict, the detail and the counterexample.  Items are plain pytest items, so
``pytest -n 2`` (pytest-xdist) spreads them over processes or machines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from symconv.claims import Claim, is_claim_file, load_toml
from symconv.errors import ClaimFileError


class ClaimFailure(Exception):
    """A claim whose verdict contradicts its expectation (or that could not run)."""


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and is_claim_file(file_path):
        file: ClaimFile = ClaimFile.from_parent(parent, path=file_path)
        return file
    return None


class ClaimFile(pytest.File):
    """A TOML claim file."""

    def collect(self) -> Iterator[ClaimItem]:
        try:
            claims = load_toml(self.path)
        except ClaimFileError as exc:
            raise self.CollectError(str(exc)) from None
        for claim in claims:
            yield ClaimItem.from_parent(self, name=claim.name, claim=claim)


class ClaimItem(pytest.Item):
    """One claim; runs the tiers and compares the verdict with the expectation."""

    def __init__(self, *, claim: Claim, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim

    def runtest(self) -> None:
        from symconv.prove import runner

        outcome = runner.verify_one(self.claim)
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
