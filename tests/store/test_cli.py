"""`adoption ingest` and the commands that then read the store."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_support import invoke
from tests.store.exports import C, append_line


def test_ingest_says_what_it_read_then_that_nothing_changed(data_dir: Path, no_store: Path) -> None:
    first = invoke("ingest", "--data", str(data_dir))
    assert first.exit_code == 0, first.output
    assert "Файлов загружено: 5, без изменений: 0, удалено: 0." in first.stdout
    assert "отклонено: 2." in first.stdout and "adoption validate" in first.stdout
    assert (no_store / "manifest.json").is_file()

    again = invoke("ingest", "--data", str(data_dir))
    assert "Файлов загружено: 0, без изменений: 5, удалено: 0." in again.stdout


def test_ingest_into_the_data_folder_itself_is_refused(data_dir: Path) -> None:
    result = invoke("ingest", "--data", str(data_dir), "--store", str(data_dir))
    assert result.exit_code == 1
    assert "не может совпадать с папкой данных" in result.stderr


def test_commands_read_a_fresh_store_and_the_exports_once_a_file_changed(data_dir: Path, tmp_path: Path) -> None:
    month = ["--month", "2024-09", "--format", "json", "--data", str(data_dir), "-v"]
    stored = invoke("indicator", *month)
    assert stored.exit_code == 0, stored.output
    assert "Данные из хранилища" in stored.stderr
    raw = invoke("indicator", *month, "--store", str(tmp_path / "none"))
    assert "его нет" in raw.stderr
    assert json.loads(stored.stdout) == json.loads(raw.stdout)
    assert "отклонено строк: 2" in stored.stderr  # rejects are reported from the store too

    append_line(data_dir / "sferum_events.csv", f"sferum,u8,student,{C},2024-09-08 08:00:00")
    stale = invoke("indicator", *month)
    assert "изменён файл sferum_events.csv" in stale.stderr and "adoption ingest" in stale.stderr
    # the numbers are those of the files as they are now: a second active student at the lyceum
    assert [_students_active(r.stdout, C) for r in (stored, stale)] == [1, 2]


def _students_active(output: str, school_id: str) -> int:
    return next(s["students_active"] for s in json.loads(output)["schools"] if s["school_id"] == school_id)
