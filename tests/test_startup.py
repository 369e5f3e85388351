"""`adoption --help` / `--version` stay light: no Polars, openpyxl, Pydantic or Rich on their path.

Each case runs in a fresh interpreter (the modules a test process already imported would hide the truth).
Command modules import heavy libraries inside `command` (see cli/app.py).
"""

from __future__ import annotations

import pytest

from adoption_cli.cli.app import app
from tests.cli_support import imported_modules

HEAVY = ("polars", "openpyxl", "fastexcel", "pydantic", "rich")


@pytest.mark.parametrize(
    "args", [("--help",), ("--version",), *((command.name or "", "--help") for command in app.registered_commands)]
)
def test_help_and_version_import_nothing_heavy(args: tuple[str, ...]) -> None:
    assert imported_modules(*args).isdisjoint(HEAVY), (
        f"adoption {' '.join(args)} imports {set(HEAVY) & imported_modules(*args)}"
    )


def test_the_probe_can_see_heavy_imports() -> None:
    # A command that really runs (and fails on a missing folder) imports Rich for its error line.
    assert "rich" in imported_modules("indicator", "--data", "/nonexistent", "--month", "2024-09")
