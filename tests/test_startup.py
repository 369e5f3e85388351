"""`adoption --help` / `--version` stay light: no Polars, openpyxl, Pydantic or Rich on their path.

Each case runs in a fresh interpreter (the modules a test process already imported would hide the truth).
Command modules import heavy libraries inside `command` (see cli/app.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from adoption_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("polars", "openpyxl", "fastexcel", "pydantic", "rich")
PROBE = """
import json, sys
sys.argv = ["adoption", *sys.argv[1:]]
from adoption_cli.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _imported(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "100"},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stderr.splitlines()[-1]))


@pytest.mark.parametrize(
    "args", [("--help",), ("--version",), *((command.name or "", "--help") for command in app.registered_commands)]
)
def test_help_and_version_import_nothing_heavy(args: tuple[str, ...]) -> None:
    assert _imported(*args).isdisjoint(HEAVY), f"adoption {' '.join(args)} imports {set(HEAVY) & _imported(*args)}"


def test_the_probe_can_see_heavy_imports() -> None:
    # A command that really runs (and fails on a missing folder) imports Rich for its error line.
    assert "rich" in _imported("indicator", "--data", "/nonexistent", "--month", "2024-09")
