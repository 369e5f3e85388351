"""A store that cannot be written, or whose parts are missing or damaged: one line naming the store and what to do,
never «непредвиденная ошибка»; a part missing or cut short makes the store not up to date, and ingest rebuilds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from adoption_cli.store.manifest import damaged_copies, damaged_part, read_manifest
from tests.cli_support import invoke
from tests.reliability.support import assert_one_line_error

ADVICE = "укажите другое место: --store ПАПКА"


def test_a_store_path_naming_an_existing_file(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = invoke("ingest", "--data", str(data_dir), "--store", str(tmp_path / "afile"))
    message = assert_one_line_error(result, names=f"не удалось записать хранилище «{tmp_path / 'afile'}»")
    assert "уже есть файл" in message and ADVICE in message


def test_a_store_path_under_a_file(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = invoke("ingest", "--data", str(data_dir), "--store", str(tmp_path / "afile" / "store"))
    message = assert_one_line_error(result, names="не удалось записать хранилище")
    assert "часть пути — не папка" in message and ADVICE in message


def test_a_read_only_data_folder(data_dir: Path, no_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where permissions deny nothing: creating the store folder is made to fail.
    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", denied)
    result = invoke("ingest", "--data", str(data_dir))
    message = assert_one_line_error(result, names=f"не удалось записать хранилище «{no_store}»")
    assert "нет прав доступа" in message and ADVICE in message


def test_a_full_disk_under_a_parquet_sink(data_dir: Path, no_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Polars' sinks report a full disk as their own error (a ComputeError naming «os error 28»), not an OSError:
    still the store's one line, not «непредвиденная ошибка» (found on a small tmpfs)."""
    import polars as pl

    def full(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.ComputeError(
            "parquet: File out of specification: underlying IO error: No space left on device (os error 28)"
        )

    monkeypatch.setattr("adoption_cli.store.writer._Run.run", full)
    result = invoke("ingest", "--data", str(data_dir))
    message = assert_one_line_error(result, names=f"не удалось записать хранилище «{no_store}»")
    assert "на диске нет места" in message and ADVICE in message


def test_a_full_disk_while_a_command_spills_is_one_line(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same error of Polars under any other command: what could not be written and why, not a bug to report."""
    import polars as pl

    def full(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.ComputeError("underlying IO error: No space left on device (os error 28)")

    monkeypatch.setattr("adoption_cli.sources.load_dataset", full)
    result = invoke("indicator", "--data", str(data_dir), "--month", "2024-09", "--store", str(data_dir / "none"))
    message = assert_one_line_error(result, names="не удалось записать данные расчёта на диск: нет места на диске")
    assert "POLARS_OOC_SPILL_DIR" in message and "непредвиденная" not in message


def test_an_error_reading_an_export_is_not_called_a_store_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(data_dir / "schools.csv"))

    monkeypatch.setattr("adoption_cli.store.writer._Run.run", failing)
    result = invoke("ingest", "--data", str(data_dir))
    assert "хранилище" not in result.stderr


# --- parts the manifest lists, missing or damaged ---

MONTH = ["--month", "2024-09", "--format", "json"]


def _a_part(store_dir: Path, folder: str) -> Path:
    manifest = read_manifest(store_dir)
    assert manifest is not None
    return store_dir / next(p for p in sorted(manifest.all_parts()) if p.startswith(f"{folder}/"))


@pytest.mark.parametrize("damage", ["deleted", "emptied", "cut short"])
def test_a_missing_or_cut_part_makes_the_store_not_up_to_date_and_ingest_rebuilds_it(
    data_dir: Path, store_dir: Path, tmp_path: Path, damage: str
) -> None:
    part = _a_part(store_dir, "monthly_active")
    if damage == "deleted":
        part.unlink()
    else:
        part.write_bytes(b"" if damage == "emptied" else part.read_bytes()[:100])
    manifest = read_manifest(store_dir)
    assert manifest is not None and damaged_part(store_dir, manifest) == part.relative_to(store_dir).as_posix()

    exports = invoke("rating", *MONTH, "--data", str(data_dir), "--store", str(tmp_path / "none"))
    damaged = invoke("rating", *MONTH, "--data", str(data_dir))
    assert damaged.exit_code == 0, damaged.stderr
    assert f"хранилище {store_dir} повреждено" in damaged.stderr and "adoption ingest" in damaged.stderr
    assert damaged.stdout == exports.stdout

    repaired = invoke("ingest", "--data", str(data_dir))
    assert repaired.exit_code == 0, repaired.stderr
    manifest = read_manifest(store_dir)
    assert manifest is not None and damaged_part(store_dir, manifest) is None
    stored = invoke("rating", *MONTH, "--data", str(data_dir), "-v")
    assert "Данные из хранилища" in stored.stderr and "повреждено" not in stored.stderr
    assert stored.stdout == exports.stdout


def test_a_part_damaged_inside_is_one_line_saying_how_to_rebuild(data_dir: Path, store_dir: Path) -> None:
    # Start and end intact (the cheap check passes), the pages between unreadable.
    for part in (_a_part(store_dir, folder) for folder in ("user_days", "monthly_active")):
        data = bytearray(part.read_bytes())
        data[8:-200] = b"\xff" * len(data[8:-200])
        part.write_bytes(bytes(data))
    result = invoke("activity", "--as-of", "2024-09-20", "--data", str(data_dir), "--quiet")
    message = assert_one_line_error(result, names=f"хранилище {store_dir} повреждено")
    assert f"Удалите папку {store_dir} и запустите adoption ingest" in message


@pytest.mark.parametrize("copy", ["indicator", "school_cards"])
def test_a_damaged_json_copy_is_said_and_written_again_by_ingest(data_dir: Path, store_dir: Path, copy: str) -> None:
    """The copies are derived (commands compute the same rows from the tables, only slower), so nothing fails;
    the indicator says so, and an ingest with nothing new to read writes them again (independent check 6)."""
    manifest = read_manifest(store_dir)
    assert manifest is not None and damaged_copies(store_dir, manifest) == []
    part = _a_part(store_dir, copy) if copy == "school_cards" else store_dir / manifest.indicator_months["2024-09"]
    part.write_bytes(part.read_bytes()[:100])
    assert damaged_copies(store_dir, manifest) == [part.relative_to(store_dir).as_posix()]
    indicator = invoke("indicator", *MONTH, "--data", str(data_dir), "--format", "json")
    assert indicator.exit_code == 0, indicator.stderr
    said = "копия строк индикатора за 2024-09 в хранилище не читается — считаю по его таблицам"
    assert (said in indicator.stderr) == (copy == "indicator")

    repaired = invoke("ingest", "--data", str(data_dir))
    assert repaired.exit_code == 0, repaired.stderr
    assert "Файлов загружено: 0" in repaired.stdout
    assert "Восстановлены повреждённые копии строк карточек и индикатора: 1." in repaired.stdout
    manifest = read_manifest(store_dir)
    assert manifest is not None and damaged_copies(store_dir, manifest) == [] and not part.exists()
    again = invoke("indicator", *MONTH, "--data", str(data_dir), "--format", "json")
    assert again.stdout == indicator.stdout and "не читается" not in again.stderr
    assert "Восстановлены" not in invoke("ingest", "--data", str(data_dir)).stdout
