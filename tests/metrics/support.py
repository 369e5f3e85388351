"""Shared test support: default settings, and running `adoption` on an in-memory data set (the reader is
replaced by the builder's Dataset)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from adoption_cli.config import Settings, load_settings
from adoption_cli.dataset import Dataset


def defaults() -> Settings:
    """Built-in settings, unaffected by the caller's ADOPTION_* environment."""
    return load_settings(None, environ={})


ENV = {"COLUMNS": "120", "_TYPER_FORCE_DISABLE_TERMINAL": "1", "NO_COLOR": "1"}


def invoke(monkeypatch: pytest.MonkeyPatch, data_dir: Path, ds: Dataset, *args: str) -> Result:
    from adoption_cli.cli.app import app

    monkeypatch.setattr("adoption_cli.sources.load_dataset", lambda *_, **__: ds)
    return CliRunner().invoke(app, [*args, "--data", str(data_dir)], env=ENV)


def invoke_json(monkeypatch: pytest.MonkeyPatch, data_dir: Path, ds: Dataset, *args: str) -> Any:
    result = invoke(monkeypatch, data_dir, ds, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def plain(text: str) -> str:
    """Terminal text with the narrow no-break spaces of Russian number style made ordinary spaces."""
    return text.replace("\u202f", " ")
