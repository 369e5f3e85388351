"""Running `adoption` in-process for tests: a fixed terminal, and a data set standing in for the reader."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from adoption_cli.cli.app import app
from adoption_cli.dataset import Dataset

SNAPSHOTS = Path(__file__).parent / "snapshots"
# A fixed, colourless terminal 120 columns wide: outputs are comparable byte for byte.
ENV: dict[str, str | None] = {
    "COLUMNS": "120",
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "ADOPTION_LANG": "",
}


def invoke(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """Run `adoption ARGS`; a variable given as None in `env` is removed from the environment."""
    return CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})


def serve(monkeypatch: pytest.MonkeyPatch, dataset: Dataset) -> None:
    """Make every command read `dataset` instead of files."""
    monkeypatch.setattr("adoption_cli.sources.load_dataset", lambda *args, **kwargs: dataset)


def assert_snapshot(name: str, text: str) -> None:
    """Compare with tests/snapshots/NAME; UPDATE_SNAPSHOTS=1 rewrites it (review the diff before committing)."""
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
        pytest.fail(f"snapshot {name} written; review it and run again")
    assert text == path.read_text(encoding="utf-8")
