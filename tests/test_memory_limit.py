"""`--memory-limit` / ADOPTION_MEMORY_LIMIT_MB: the engine's memory budget, past which Polars' streaming
engine writes what its group_by, join and sort hold to disk (docs/performance.md, «Memory limit»).

Polars reads the budget once, when it is imported: these cases run in a fresh interpreter, as the command
line does, except the one about a process that already runs the engine."""

from __future__ import annotations

import json
import os
import shutil
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
    sys.stderr.write("\\nDISK " + os.environ.get("POLARS_OOC_DISK_BUDGET_MB", "-") + "\\n")
    sys.stderr.write("BUDGET " + os.environ.get("POLARS_OOC_MEMORY_BUDGET_MB", "-") + "\\n")
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


def _spilling_everything(folder: Path) -> dict[str, str]:
    """A budget of 0 with no minimum: Polars spills whatever it can (its own tests' settings)."""
    return {
        "POLARS_OOC_MEMORY_BUDGET_MB": "0",
        "POLARS_OOC_SPILL_MIN_BYTES": "1",
        "POLARS_OOC_DRIFT_THRESHOLD": "0",
        "POLARS_OOC_SPILL_DIR": str(folder),
    }


def test_the_limit_reaches_the_engine_before_it_starts_and_changes_no_number(tmp_path: Path) -> None:
    spill = {"POLARS_OOC_SPILL_DIR": str(tmp_path)}
    plain = _run(*EXPORTS, env=spill)
    free_before = shutil.disk_usage(tmp_path).free >> 20
    by_flag = _run(*EXPORTS, "--memory-limit", "512", env=spill)
    free_after = shutil.disk_usage(tmp_path).free >> 20
    by_env = _run(*EXPORTS, env={"ADOPTION_MEMORY_LIMIT_MB": "640", **spill})
    assert plain.returncode == by_flag.returncode == by_env.returncode == 0, by_flag.stderr
    assert plain.stderr.splitlines()[-1] == "BUDGET -"
    assert by_flag.stderr.splitlines()[-1] == "BUDGET 512"
    assert by_env.stderr.splitlines()[-1] == "BUDGET 640"
    assert "не применён" not in by_flag.stderr + by_env.stderr
    # What Polars may write to disk: 90 % of the free space where it spills, unless set. (The free space is
    # measured around the run: other processes write to the same disk meanwhile, and the test failed once by
    # 4 MB of 38 GB.)
    assert plain.stderr.splitlines()[-2] == "DISK -"
    disk = int(by_flag.stderr.splitlines()[-2].removeprefix("DISK "))
    assert 0.8 * min(free_before, free_after) < disk <= 0.9 * max(free_before, free_after) + 1
    preset = _run(*EXPORTS, "--memory-limit", "512", env={"POLARS_OOC_DISK_BUDGET_MB": "77", **spill})
    assert preset.stderr.splitlines()[-2] == "DISK 77"
    assert json.loads(plain.stdout)["region"]["schools"] > 0
    assert plain.stdout == by_flag.stdout == by_env.stdout


def test_results_computed_while_the_engine_spills_to_disk_are_the_same(tmp_path: Path) -> None:
    forced = {**_spilling_everything(tmp_path), "POLARS_VERBOSE": "1"}
    plain = _run(*EXPORTS)
    spilled = _run(*EXPORTS, env=forced)
    assert spilled.returncode == 0, spilled.stderr
    assert "ooc: spilling" in spilled.stderr  # (Polars says so when it starts spilling)
    assert spilled.stdout == plain.stdout
    validate = ("validate", "--data", str(SAMPLE), "--store", "/nonexistent-store", "--format", "json")
    assert _run(*validate, env=forced).stdout == _run(*validate).stdout


def test_in_a_process_already_running_the_engine_the_limit_is_said_not_to_apply(monkeypatch, tmp_path: Path) -> None:
    assert pl.__version__  # this test process has imported Polars
    # (set, then removed: so that monkeypatch restores them, as the command sets them in this process)
    for name in ("POLARS_OOC_MEMORY_BUDGET_MB", "POLARS_OOC_DISK_BUDGET_MB"):
        monkeypatch.setenv(name, "0")
        monkeypatch.delenv(name)
    monkeypatch.setenv("POLARS_OOC_SPILL_DIR", str(tmp_path))
    result = invoke("validate", "--data", str(SAMPLE), "--memory-limit", "512")
    assert "--memory-limit не применён: движок расчёта уже запущен в этом процессе." in result.stderr


def test_a_limit_below_256_mb_is_a_usage_error() -> None:
    result = invoke("indicator", "--data", str(SAMPLE), "--month", "2024-10", "--memory-limit", "100")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Ошибка: недопустимое значение --memory-limit (или переменной окружения ADOPTION_MEMORY_LIMIT_MB): "
        "должно быть не меньше 256."
    )
    huge = invoke("indicator", "--data", str(SAMPLE), "--month", "2024-10", "--memory-limit", "99999999999999999999")
    assert huge.exit_code == 2
    assert huge.stderr.splitlines()[-1].endswith("должно быть не больше 10000000.")


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


def test_spilled_data_past_the_disk_budget_is_one_line_naming_the_disk_not_a_file(tmp_path: Path) -> None:
    forced = {**_spilling_everything(tmp_path), "POLARS_OOC_DISK_BUDGET_MB": "0"}
    result = _run(*EXPORTS, env=forced)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()[:-3]  # (the last three: the probe's)
    assert [line for line in lines if line.startswith("Ошибка")] == [
        f"Ошибка: данным сверх предела памяти не хватило места на диске в «{tmp_path}» (можно 0 МБ): освободите "
        "место, укажите другую папку в POLARS_OOC_SPILL_DIR или поднимите --memory-limit."
    ]
    # In about a third of runs a spill task still in flight when Polars aborts the query prints its own panic
    # report (Rust's hook, before or after our line; nothing Python can silence). Anything besides our line
    # must be that report: no traceback of ours, no input file blamed.
    others = [line for line in lines if line.strip() and not line.startswith("Ошибка")]
    assert not others or "__POLARS_ABORT_OOC_OUT_OF_DISK" in result.stderr
    assert "Traceback" not in result.stderr
    assert "не удаётся разобрать" not in result.stderr


def test_a_spill_disk_with_less_than_64_mb_free_is_refused_and_90_percent_of_the_free_space_is_the_disk_budget(
    monkeypatch, tmp_path: Path
) -> None:
    from collections import namedtuple

    from adoption_cli import engine
    from adoption_cli.errors import ConfigError

    usage = namedtuple("usage", "total used free")
    for name in ("POLARS_OOC_MEMORY_BUDGET_MB", "POLARS_OOC_DISK_BUDGET_MB"):
        monkeypatch.setenv(name, "0")
        monkeypatch.delenv(name)
    monkeypatch.setenv("POLARS_OOC_SPILL_DIR", str(tmp_path))
    monkeypatch.setattr(engine.shutil, "disk_usage", lambda _: usage(0, 0, 63 << 20))
    try:
        engine.limit_memory(512)
    except ConfigError as exc:
        assert "свободно 63 МБ (нужно хотя бы 64)" in exc.message
    else:
        raise AssertionError("63 MB free was accepted")
    monkeypatch.setattr(engine.shutil, "disk_usage", lambda _: usage(0, 0, 1000 << 20))
    engine.limit_memory(512)
    assert os.environ["POLARS_OOC_DISK_BUDGET_MB"] == "900"
    assert os.environ["POLARS_OOC_MEMORY_BUDGET_MB"] == "512"
