"""Shared test setup: no test reads or writes the user's symconv result cache; hypothesis
profiles, derandomized in CI (CI=true), so that a red run repeats exactly; subprocesses that
import this source tree; the slow tests first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from symconv.prove.cache import CACHE_ENV
from symconv.prove.pool import JOBS_ENV

# The source tree's root: subprocesses import symconv from here.
SOURCE_ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow run first, each group in collection order (a stable sort, the same
    on every xdist worker): with `-n 2` the long ones then overlap the many short ones instead
    of leaving one worker busy at the end of the run while the other idles."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty cache folder of its own (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("symconv-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture(autouse=True)
def _one_worker_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """`symconv verify` without --jobs runs one worker in tests: pytest-xdist already runs a
    test per CPU, and a worker per CPU in each would oversubscribe the machine.  Tests of
    several workers say --jobs; tests of the default unset the variable."""
    monkeypatch.setenv(JOBS_ENV, "1")


@pytest.fixture
def source_on_path(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Subprocesses the test starts import symconv from this source tree."""
    monkeypatch.setenv("PYTHONPATH", str(SOURCE_ROOT))
    return SOURCE_ROOT
