"""Running a command on an in-memory data set: the reader is replaced by a builders Dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from adoption_cli.cli.app import app
from adoption_cli.dataset import Dataset

ENV = {"COLUMNS": "120", "_TYPER_FORCE_DISABLE_TERMINAL": "1", "NO_COLOR": "1"}


def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, build: Callable[[], Dataset], *args: str) -> Result:
    monkeypatch.setattr("adoption_cli.sources.load_dataset", lambda data_dir, settings, kinds=None: build())
    return CliRunner().invoke(app, [*args, "--data", str(tmp_path)], env=ENV)
