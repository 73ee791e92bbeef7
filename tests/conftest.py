"""Shared test setup: no test reads or writes the user's symconv result cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.prove.cache import CACHE_ENV


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty cache folder of its own (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("symconv-cache")
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
