from __future__ import annotations

from pathlib import Path

import pytest

from adoption_cli.config import Settings, load_settings
from tests.store.exports import write_exports


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_exports(tmp_path / "data")


@pytest.fixture
def store_dir(data_dir: Path) -> Path:
    return data_dir / ".adoption-store"


@pytest.fixture
def settings() -> Settings:
    return load_settings(None, environ={})
