"""Running `adoption` in-process for tests: a fixed terminal, and a data set standing in for the reader; and
in a fresh interpreter, to see which modules a command imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from adoption_cli.cli.app import app
from adoption_cli.dataset import Dataset

SNAPSHOTS = Path(__file__).parent / "snapshots"
ROOT = Path(__file__).resolve().parents[1]
_PROBE = """
import json, sys
sys.argv = ["adoption", *sys.argv[1:]]
from adoption_cli.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""
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


def imported_modules(*args: str) -> set[str]:
    """The top-level modules `adoption ARGS` imports, run in a fresh interpreter (the modules a test process
    already imported would hide the truth)."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "100"},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stderr.splitlines()[-1]))
