from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adoption_cli.config import Settings, load_settings
from adoption_cli.store import ingest
from tests.store.exports import write_exports


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(None, environ={})


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """The exports with a store built by a first, full ingest: made once, copied for each test."""
    data_dir = write_exports(tmp_path_factory.mktemp("pristine") / "data")
    assert ingest(data_dir, settings, data_dir / ".adoption-store").rebuilt
    return data_dir


@pytest.fixture
def data_dir(pristine: Path, tmp_path: Path) -> Path:
    """A private copy of the exports and their up-to-date store (copied with their mtimes)."""
    return Path(shutil.copytree(pristine, tmp_path / "data"))


@pytest.fixture
def store_dir(data_dir: Path) -> Path:
    return data_dir / ".adoption-store"


@pytest.fixture
def no_store(store_dir: Path) -> Path:
    """The store folder, removed: as before the first ingest."""
    shutil.rmtree(store_dir)
    return store_dir
