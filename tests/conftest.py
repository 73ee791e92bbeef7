"""Shared test setup: no test reads or writes the user's symconv result cache; hypothesis
profiles, derandomized in CI (CI=true), so that a red run repeats exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from symconv.prove.cache import CACHE_ENV

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow run first, each group in its collected order.  Under xdist both
    workers then start on the long tests and end on short ones, instead of one worker running
    a long LaTeX build at the end while the other waits (longest first: the classic rule for
    filling parallel workers).  Every worker computes the same order."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty cache folder of its own (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("symconv-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
