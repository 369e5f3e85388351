"""`--memory-limit` / ADOPTION_MEMORY_LIMIT_MB: the engine's memory budget, past which Polars' streaming
engine writes what its group_by, join and sort hold to disk (docs/performance.md, «Memory»).

Polars reads the budget once, when it is imported: these cases run in a fresh interpreter, as the command
line does, except the one about a process that already runs the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from tests.cli_support import ROOT, invoke

SAMPLE = ROOT / "sample_data"
# The exports themselves (sample_data/ has a store): every file is parsed and counted by the engine.
EXPORTS = (
    "indicator",
    "--data",
    str(SAMPLE),
    "--store",
    "/nonexistent-store",
    "--month",
    "2024-10",
    "--format",
    "json",
)
_RUN = """
import os, sys
sys.argv = ["adoption", *sys.argv[1:]]
from adoption_cli.cli.app import main
try:
    main()
finally:
    sys.stderr.write("\\nBUDGET " + os.environ.get("POLARS_OOC_MEMORY_BUDGET_MB", "-") + "\\n")
"""


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "120", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_limit_reaches_the_engine_before_it_starts_and_changes_no_number() -> None:
    plain = _run(*EXPORTS)
    by_flag = _run(*EXPORTS, "--memory-limit", "512")
    by_env = _run(*EXPORTS, env={"ADOPTION_MEMORY_LIMIT_MB": "640"})
    assert plain.returncode == by_flag.returncode == by_env.returncode == 0, by_flag.stderr
    assert plain.stderr.splitlines()[-1] == "BUDGET -"
    assert by_flag.stderr.splitlines()[-1] == "BUDGET 512"
    assert by_env.stderr.splitlines()[-1] == "BUDGET 640"
    assert "не применён" not in by_flag.stderr + by_env.stderr
    assert json.loads(plain.stdout)["region"]["schools"] > 0
    assert plain.stdout == by_flag.stdout == by_env.stdout


def test_results_computed_while_the_engine_spills_to_disk_are_the_same(tmp_path: Path) -> None:
    # A budget of 0 with no minimum makes Polars spill whatever it can (its own test settings).
    forced = {
        "POLARS_OOC_MEMORY_BUDGET_MB": "0",
        "POLARS_OOC_SPILL_MIN_BYTES": "1",
        "POLARS_OOC_DRIFT_THRESHOLD": "0",
        "POLARS_OOC_SPILL_DIR": str(tmp_path),
        "POLARS_VERBOSE": "1",
    }
    plain = _run(*EXPORTS)
    spilled = _run(*EXPORTS, env=forced)
    assert spilled.returncode == 0, spilled.stderr
    assert "ooc: spilling" in spilled.stderr  # (Polars says so when it starts spilling)
    assert spilled.stdout == plain.stdout
    validate = ("validate", "--data", str(SAMPLE), "--store", "/nonexistent-store", "--format", "json")
    assert _run(*validate, env=forced).stdout == _run(*validate).stdout


def test_in_a_process_already_running_the_engine_the_limit_is_said_not_to_apply(monkeypatch) -> None:
    assert pl.__version__  # this test process has imported Polars
    monkeypatch.delenv("POLARS_OOC_MEMORY_BUDGET_MB", raising=False)
    result = invoke("validate", "--data", str(SAMPLE), "--memory-limit", "512")
    assert "--memory-limit не применён: движок расчёта уже запущен в этом процессе." in result.stderr


def test_a_limit_below_256_mb_is_a_usage_error() -> None:
    result = invoke("indicator", "--data", str(SAMPLE), "--month", "2024-10", "--memory-limit", "100")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Ошибка: недопустимое значение --memory-limit (переменная окружения ADOPTION_MEMORY_LIMIT_MB): "
        "должно быть не меньше 256."
    )


def test_a_spill_folder_that_cannot_be_written_is_one_line_before_anything_runs(monkeypatch, tmp_path: Path) -> None:
    # Polars would go on in memory, each of its spilling threads printing a panic's backtrace.
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("POLARS_OOC_SPILL_DIR", str(blocker / "spill"))
    result = invoke(*EXPORTS, "--memory-limit", "512")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Ошибка: --memory-limit: в папку «{blocker / 'spill'}», куда уходят данные сверх предела, нельзя писать. "
        "Укажите другую в переменной POLARS_OOC_SPILL_DIR."
    ]
