from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import adoption_cli.sources
from adoption_cli.cli import app as app_module
from adoption_cli.cli.commands import report as report_command
from tests.report.fixtures import report_dataset

ENV = {"COLUMNS": "120", "_TYPER_FORCE_DISABLE_TERMINAL": "1", "NO_COLOR": "1"}
RunReport = Callable[..., Result]


@pytest.fixture
def run_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RunReport:
    """Run `adoption report --data <tmp>/data ARGS` on the fixture data set, «today» being 2024-10-15."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(adoption_cli.sources, "load_dataset", lambda *args, **kwargs: report_dataset())
    monkeypatch.setattr(report_command, "today", lambda timezone: date(2024, 10, 15))
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        return CliRunner().invoke(app_module.app, ["report", "--data", str(data), *args], env=ENV)

    return run
