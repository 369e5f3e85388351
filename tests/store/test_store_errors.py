"""A store that cannot be written: one line naming the store and what to do, never «непредвиденная ошибка»."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_an_error_reading_an_export_is_not_called_a_store_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(data_dir / "schools.csv"))

    monkeypatch.setattr("adoption_cli.store.writer._Run.run", failing)
    result = invoke("ingest", "--data", str(data_dir))
    assert "хранилище" not in result.stderr
