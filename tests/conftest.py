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


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty cache folder of its own (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("symconv-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
