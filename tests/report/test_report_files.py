"""`adoption report` end to end on export files read by the real loader (cp1251, `;`, Russian headers)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from adoption_cli.cli.app import app
from tests.report.conftest import ENV

# valid ИНН (check digits by hand, see tests/sources/sources_helpers.py)
INN_A, INN_B, INN_OUTSIDE = "2310031475", "2308000007", "7707083893"
BAD_CHECKSUM = "2310031476"

SCHOOLS = (
    "ИНН;Наименование;Муниципальное образование;Форма собственности;Педагогов;Обучающихся\n"
    f"{INN_A};=1+2 школа;г. Сочи;муниципальная;2;2\n"
    f"{INN_B};Лицей\x07 №2;г. Сочи;государственная;4;4\n"
)
EVENTS = (
    "Платформа;ID пользователя;Роль;ИНН;Дата и время\n"
    f"Моя школа;t1;Педагог;{INN_A};02.09.2024 10:00\n"
    f"Моя школа;s1;Обучающийся;{INN_A};03.09.2024 11:00\n"
    f"Моя школа;t9;Педагог;{BAD_CHECKSUM};03.09.2024 11:00\n"
    f"Моя школа;t8;Педагог;{INN_OUTSIDE};04.09.2024 12:00\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("cp1251"))
    return path


def test_report_on_files(tmp_path: Path) -> None:
    data = tmp_path / "exports"
    data.mkdir()
    schools = _write(data / "schools.csv", SCHOOLS)
    events = _write(data / "myschool_events.csv", EVENTS)
    before = {path: path.read_bytes() for path in (schools, events)}
    result = CliRunner().invoke(
        app, ["report", "--data", str(data), "--month", "2024-09", "--out", str(tmp_path)], env=ENV
    )
    assert result.exit_code == 0, result.stderr
    assert {path: path.read_bytes() for path in before} == before  # inputs never changed
    book = load_workbook(tmp_path / "adoption-2024-09.xlsx")

    schools_sheet = {row[0]: row for row in book["Школы"].iter_rows(values_only=True)}
    assert schools_sheet[INN_A][1] == "=1+2 школа" and schools_sheet[INN_B][1] == "Лицей №2"
    assert schools_sheet[INN_A][9] == "да"  # 1 of 2 teachers, 1 of 2 students

    quality = [row for row in book["Качество данных"].iter_rows(values_only=True)]
    rejected = next(row for row in quality if row[0] == "myschool_events.csv" and row[2] == 1)
    assert rejected[1] == "неверная контрольная цифра ИНН"
    # the file's row 4 (header = row 1), its column named as the file names it
    assert rejected[3:6] == (4, "ИНН", BAD_CHECKSUM)
    unknown = next(row for row in quality if row[0] == "myschool_events.csv" and row[1] == "входы")
    assert unknown[2] == 1  # one row names a school outside the registry
    assert (INN_OUTSIDE, 1, "myschool_events.csv") in [row[:3] for row in quality]  # and which school that is
    assert all("t9" not in str(value) and "t8" not in str(value) for row in quality for value in row)

    about = {row[0]: row for row in book["Об отчёте"].iter_rows(values_only=True) if row[0]}
    for path in (schools, events):
        row = about[path.name]
        assert row[3] == path.stat().st_size and row[7] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert about["myschool_events.csv"][4:7] == (4, 3, 1)  # rows, loaded, rejected
    summary = [row[0] for row in book["Сводка"].iter_rows(values_only=True)]
    assert any(str(line).startswith("Данные по: Моя школа (входы) — 04.09.2024") for line in summary)


@pytest.mark.parametrize("with_config", [True, False])
def test_about_names_the_settings_file_that_was_read(tmp_path: Path, with_config: bool) -> None:
    """«Об отчёте» says which adoption.toml set the targets, or that none did (independent check 9: it said
    «adoption.toml в папке с данными, если есть» either way)."""
    data = tmp_path / "exports"
    data.mkdir()
    _write(data / "schools.csv", SCHOOLS)
    _write(data / "myschool_events.csv", EVENTS)
    if with_config:
        (data / "adoption.toml").write_text("[indicator]\ntarget_pct = 45.0\n", encoding="utf-8")
    args = ["report", "--data", str(data), "--month", "2024-09", "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.stderr
    about = {
        row[0]: row[1]
        for row in load_workbook(tmp_path / "adoption-2024-09.xlsx")["Об отчёте"].iter_rows(values_only=True)
        if row[0]
    }
    expected = (
        str(data / "adoption.toml")
        if with_config
        else "нет (в папке с данными нет adoption.toml): значения по умолчанию"
    )
    assert about["Файл настроек"] == expected
    assert about["Индикатор: цель в силе"] == (0.45 if with_config else 0.33)


def test_freshness_gives_a_month_of_statistics_by_its_last_day(tmp_path: Path) -> None:
    """A month of school statistics covers all of it: «по 30.09.2024», not its 1st (how it is stored)."""
    data = tmp_path / "exports"
    data.mkdir()
    _write(data / "schools.csv", SCHOOLS)
    _write(data / "myschool_events.csv", EVENTS)
    _write(data / "assistant_stats.csv", f"ИНН;Период;Роль;Активных\n{INN_A};09.2024;Обучающийся;1\n")
    result = CliRunner().invoke(
        app, ["report", "--data", str(data), "--month", "2024-09", "--out", str(tmp_path)], env=ENV
    )
    assert result.exit_code == 0, result.stderr
    summary = [
        str(row[0]) for row in load_workbook(tmp_path / "adoption-2024-09.xlsx")["Сводка"].iter_rows(values_only=True)
    ]
    (line,) = [line for line in summary if line.startswith("Данные по: ")]
    assert "30.09.2024" in line and "01.09.2024" not in line, line


def test_the_workbook_shows_a_rejected_example_as_validate_does(tmp_path: Path) -> None:
    """A whole row withheld (it may hold a user id) and an empty required cell: «(скрыто)» and «(пусто)» on
    «Качество данных», as in `validate`'s table (the workbook wrote «(скрыто: идентификатор пользователя)» for a
    ragged row, which names no user id, and an empty cell for a missing value)."""
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "schools.csv", SCHOOLS)
    _write(
        data / "myschool_events.csv",
        EVENTS + f"Моя школа;t7;Педагог;{INN_A};05.09.2024 10:00;лишнее\nМоя школа;t6;;{INN_A};05.09.2024 10:00\n",
    )
    result = CliRunner().invoke(
        app, ["report", "--data", str(data), "--month", "2024-09", "--out", str(tmp_path)], env=ENV
    )
    assert result.exit_code == 0, result.stderr
    quality = list(load_workbook(tmp_path / "adoption-2024-09.xlsx")["Качество данных"].iter_rows(values_only=True))
    shown = {row[1]: row[5] for row in quality if row[0] == "myschool_events.csv" and isinstance(row[3], int)}
    assert shown["в строке больше полей, чем в заголовке"] == "(скрыто)"
    assert shown["не заполнено обязательное значение"] == "(пусто)"
    table = CliRunner().invoke(app, ["validate", "--data", str(data)], env=ENV).stdout
    assert "(скрыто)" in table and "(пусто)" in table
