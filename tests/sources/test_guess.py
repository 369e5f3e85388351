"""A file no name pattern matches is named with what its header says it is (sources.guess): never read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources_helpers import INN_A, RU_REGISTRY_HEADER, load, save_book, write, write_registry

from adoption_cli.errors import DataError
from adoption_cli.schema import Kind
from adoption_cli.sources.guess import Guess, guess

EVENTS = f"Отчёт о входах за сентябрь 2024\nID пользователя;Роль;ИНН;Дата и время входа\nu1;Учитель;{INN_A};15.09.2024 10:00\n"


def test_an_export_named_in_russian_is_named_with_the_name_to_give_it(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "Сферум входы сентябрь 2024.csv", EVENTS, encoding="cp1251")
    dataset = load(tmp_path)
    assert not [f for f in dataset.report.files if "Сферум" in f.path]  # not read: a guess decides nothing
    (warning,) = [w for w in dataset.report.warnings if w.startswith("Сферум входы")]
    assert warning == (
        "Сферум входы сентябрь 2024.csv: файл не распознан по имени и не загружен; по заголовку это выгрузка вида "
        "events платформы sferum: назовите его sferum_events.csv (имя может продолжаться: "
        "sferum_events_2024-09.csv) или опишите в [[sources]]."
    )


def test_a_registry_under_another_name_is_pointed_at(tmp_path: Path) -> None:
    save_book(
        tmp_path / "Реестр ОО-1 2024.xlsx",
        {"Лист1": [list(RU_REGISTRY_HEADER), [int(INN_A), "Ш", "М", "муниципальная", 1, 2]]},
    )
    write(tmp_path / "sferum_events.csv", EVENTS)
    with pytest.raises(DataError) as error:
        load(tmp_path)
    assert error.value.message.endswith(
        "В папке есть файлы, не распознанные по имени: Реестр ОО-1 2024.xlsx — если реестр среди них, назовите его "
        "schools.csv (schools.xlsx…). По заголовку реестр школ — Реестр ОО-1 2024.xlsx."
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("входы МШ.csv", EVENTS, Guess(Kind.EVENTS, "myschool")),
        ("входы.csv", EVENTS, Guess(Kind.EVENTS, None)),  # the name gives no platform
        (
            "a.csv",
            "Платформа,ID пользователя,Роль,ИНН,Последний вход\nЦПУ,u,ученик,1,\n",
            Guess(Kind.ACCOUNTS, None, True),
        ),
        ("notes.txt", "Протокол совещания\nпункт 1\n", None),
        ("two.csv", "ID пользователя,ИНН\nu,1\n", None),  # (no kind's required columns)
    ],
)
def test_the_kind_and_platform_a_header_says(tmp_path: Path, name: str, text: str, expected: Guess | None) -> None:
    assert guess(write(tmp_path / name, text)) == expected


def test_a_file_that_cannot_be_read_gives_no_guess(tmp_path: Path) -> None:
    assert guess(write(tmp_path / "broken.xlsx", "not a workbook")) is None


@pytest.mark.parametrize(
    ("name", "header", "suggested"),
    [
        # the name discovery knows (<платформа>_stats*), not the kind's own (assistant_school_stats)
        ("статистика помощник.csv", "ИНН;Месяц;Роль;Активных", "assistant_stats.csv"),
        # the platform of the name, though the file has a platform column too (the warning then says more)
        ("Сферум входы.csv", "Платформа;ID пользователя;Роль;ИНН;Дата и время", "sferum_events.csv"),
    ],
)
def test_the_name_suggested_is_one_discovery_recognises(tmp_path: Path, name: str, header: str, suggested: str) -> None:
    found = guess(write(tmp_path / name, header + "\n"))
    assert found is not None and found.file_name(".csv") == suggested


def test_a_file_with_a_platform_column_is_pointed_at_the_manifest(tmp_path: Path) -> None:
    """Its rows may be of several platforms, and a name gives every row one: the others would be rejected."""
    write_registry(tmp_path)
    write(tmp_path / "входы Сферум.csv", f"Платформа;ID пользователя;Роль;ИНН;Дата и время\nМШ;u;учитель;{INN_A};\n")
    (warning,) = [w for w in load(tmp_path).report.warnings if w.startswith("входы Сферум")]
    assert warning.endswith(
        "по заголовку это выгрузка вида events платформы sferum со столбцом платформы: опишите её в [[sources]] "
        '(path = "входы Сферум.csv", kind = "events", без platform) или, если платформа в ней одна, назовите её '
        "sferum_events.csv (имя может продолжаться: sferum_events_2024-09.csv)."
    )
