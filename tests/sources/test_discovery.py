"""Which files are what: names, the [[sources]] manifest, and the folder-level errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from sources_helpers import INN_A, INN_B, REGISTRY, REGISTRY_SOURCE, load, write, write_manifest, write_registry

from adoption_cli.config import load_settings
from adoption_cli.errors import ConfigError, DataError
from adoption_cli.schema import Kind


def events_csv(platform_column: bool = False) -> str:
    head = "platform,user_id,role,school_id,ts\n" if platform_column else "user_id,role,school_id,ts\n"
    row = f"{'sferum,' if platform_column else ''}u1,учитель,{INN_A},2024-09-02 10:00\n"
    return head + row


def test_name_based_discovery(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "Sferum_Events_2024-09.csv", events_csv())
    write(tmp_path / "myschool_accounts.csv", f"user_id,role,school_id\nm1,ученик,{INN_B}\n")
    write(tmp_path / "assistant_stats.csv", f"school_id,month,role,active\n{INN_A},2024-09,ученик,10\n")
    write(tmp_path / "content_items.csv", "content_id,kind,available_from\nc1,ЦОК,01.09.2024\n")
    write(tmp_path / "content_views.csv", "content_id,user_id,ts\nc1,u1,02.09.2024\n")
    write(tmp_path / "notes.csv", "a,b\n")  # readable but unnamed: warned, not loaded
    write(tmp_path / "README.md", "about")  # not a table: ignored
    write(tmp_path / "~$schools.xlsx", "lock")  # Excel's lock file
    write(tmp_path / "old" / "sferum_events.csv", events_csv())  # sub-folders need a manifest: warned
    dataset = load(tmp_path)
    found = {(f.path, f.kind, f.platform, tuple(f.platforms)) for f in dataset.report.files}
    assert found == {
        ("schools.csv", Kind.SCHOOLS, None, ()),
        ("Sferum_Events_2024-09.csv", Kind.EVENTS, "sferum", ("sferum",)),
        ("myschool_accounts.csv", Kind.ACCOUNTS, "myschool", ("myschool",)),
        ("assistant_stats.csv", Kind.SCHOOL_STATS, "assistant", ("assistant",)),
        ("content_items.csv", Kind.CONTENT_ITEMS, None, ()),
        ("content_views.csv", Kind.CONTENT_VIEWS, None, ()),
    }
    assert dataset.report.files[0].path == "schools.csv"  # the registry is read first
    assert [w.split(";")[0] for w in dataset.report.warnings] == [
        "notes.csv: файл не распознан по имени и не загружен",
        "old/: файлы в подпапках не читаются (old/sferum_events.csv)",
    ]
    assert dataset.platform_grain() == {"sferum": "user", "myschool": "user", "assistant": "school"}


def test_manifest_with_cyrillic_folders_column_mapping_and_platform_fill(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Код ОО", "Наименование", "МО", "Форма собственности", "Педагогов", "Обучающихся"])
    book.active.append([int(INN_A), "Школа", "МО", "муниципальная", 10, 100])
    (tmp_path / "реестр").mkdir()
    book.save(tmp_path / "реестр" / "ОО-1 2024.xlsx")
    write(
        tmp_path / "выгрузки" / "Сферум" / "входы сентябрь.csv",
        f"Логин;Роль;ИНН;Когда\nu1;Учитель;{INN_A};30.09.2024\n",
    )
    write(
        tmp_path / "выгрузки" / "Сферум" / "входы октябрь.csv", f"Логин;Роль;ИНН;Когда\nu2;Ученик;{INN_A};01.10.2024\n"
    )
    write_manifest(
        tmp_path,
        {"path": "реестр/*.xlsx", "kind": "schools", "columns": {"school_id": "Код ОО"}},
        {
            "path": "выгрузки/Сферум/входы *.csv",
            "kind": "events",
            "platform": "sferum",
            "columns": {"user_id": "Логин", "ts": "Когда"},
        },
    )
    dataset = load(tmp_path)
    assert [(f.path, f.platform, f.platforms, f.loaded) for f in dataset.report.files] == [
        ("реестр/ОО-1 2024.xlsx", None, [], 1),
        ("выгрузки/Сферум/входы октябрь.csv", "sferum", ["sferum"], 1),
        ("выгрузки/Сферум/входы сентябрь.csv", "sferum", ["sferum"], 1),
    ]
    events = dataset.frame(Kind.EVENTS).collect().sort("user_id")
    assert events.select("platform", "user_id", "role").rows() == [
        ("sferum", "u1", "teacher"),
        ("sferum", "u2", "student"),
    ]


def test_manifest_names_a_header_the_file_lacks(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write_manifest(tmp_path, {**REGISTRY_SOURCE, "columns": {"school_id": "Код"}})
    with pytest.raises(DataError, match=r"^schools\.csv: нет столбца «Код», который \[sources\.columns\] назначает"):
        load(tmp_path)


def test_platform_column_and_manifest_platform(tmp_path: Path) -> None:
    write_registry(tmp_path)
    rows = f"platform,user_id,role,school_id,ts\nСферум,u1,учитель,{INN_A},2024-09-02\n,u2,ученик,{INN_A},2024-09-03\n"
    rows += f"Моя школа,u3,ученик,{INN_A},2024-09-04\n"
    write(tmp_path / "logins.csv", rows)
    write_manifest(tmp_path, REGISTRY_SOURCE, {"path": "logins.csv", "kind": "events", "platform": "sferum"})
    dataset = load(tmp_path)
    assert dataset.frame(Kind.EVENTS).collect()["platform"].to_list() == ["sferum", "sferum"]  # empty cell filled
    assert dataset.rejects.collect().select("row", "column", "value", "reason").rows() == [
        (4, "platform", "Моя школа", "platform_mismatch")
    ]


def test_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^Папка с данными .*нет-такой не найдена"):
        load(tmp_path / "нет-такой")


def test_glob_matching_nothing(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write_manifest(tmp_path, REGISTRY_SOURCE, {"path": "сферум/*.csv", "kind": "events", "platform": "sferum"})
    with pytest.raises(DataError, match=r"^adoption\.toml: шаблон path = «сферум/\*\.csv» не нашёл ни одного файла"):
        load(tmp_path)


def test_a_glob_never_reads_hidden_folders_or_a_store(tmp_path: Path) -> None:
    """`**` would reach the default store (.adoption-store: its Parquet parts are no exports), any hidden folder
    (which the store's freshness check does not watch: a file added there would go unnoticed) and a store kept
    in a visible folder of the data folder. Only the export itself is read."""
    write_registry(tmp_path)
    write(tmp_path / "in" / "sferum_events.csv", events_csv())
    write(tmp_path / ".hidden" / "more_events.csv", events_csv())
    write(tmp_path / ".adoption-store" / "events" / "part-1-events.csv", events_csv())
    write(tmp_path / "store" / "manifest.json", "{}")
    write(tmp_path / "store" / "events" / "part-2-events.csv", events_csv())
    write_manifest(tmp_path, REGISTRY_SOURCE, {"path": "**/*events*.csv", "kind": "events", "platform": "sferum"})
    assert [f.path for f in load(tmp_path).report.files] == ["schools.csv", "in/sferum_events.csv"]


def test_a_glob_that_finds_only_hidden_files_says_so(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / ".exports" / "sferum_events.csv", events_csv())
    write_manifest(tmp_path, REGISTRY_SOURCE, {"path": ".exports/*.csv", "kind": "events", "platform": "sferum"})
    with pytest.raises(DataError, match=r"находит файлы только в скрытых папках или в хранилище \(\.exports/"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("", "пустой шаблон"),
        ("/srv/выгрузки/*.csv", "абсолютный путь"),
        ("2024**/*.csv", "«**» может быть только целым звеном пути, например «выгрузки/**/*.csv»"),
    ],
)
def test_a_pattern_pathlib_refuses_is_explained_in_russian(tmp_path: Path, pattern: str, why: str) -> None:
    """pathlib's reasons («Non-relative patterns are unsupported», «Unacceptable pattern») are English."""
    write_registry(tmp_path)
    write_manifest(tmp_path, {"path": pattern, "kind": "schools"})
    with pytest.raises(DataError) as error:
        load(tmp_path)
    assert error.value.message.startswith(f"adoption.toml: шаблон path = «{pattern}» не годится ({why}); укажите")
    assert "pattern" not in error.value.message


def test_same_file_matched_by_two_sources(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write_manifest(tmp_path, {"path": "*.csv", "kind": "schools"}, {"path": "school*.csv", "kind": "schools"})
    with pytest.raises(
        DataError, match=r"^schools\.csv: файл подходит под два источника .*«\*\.csv» и «school\*\.csv»"
    ):
        load(tmp_path)


def test_no_registry(tmp_path: Path) -> None:
    write(tmp_path / "sferum_events.csv", events_csv())
    with pytest.raises(DataError, match=r"нет реестра школ") as raised:
        load(tmp_path)
    assert "не распознанные по имени" not in str(raised.value)


def test_no_registry_names_the_files_not_recognised_by_name(tmp_path: Path) -> None:
    """The error stops the run before the warning about unrecognised files: it names them itself."""
    write(tmp_path / "sferum_events.csv", events_csv())
    write(tmp_path / "Реестр ОО-1 2024.csv", REGISTRY)
    write(tmp_path / "notes.docx", "")  # not a data file: not named
    with pytest.raises(DataError, match=r"не распознанные по имени: Реестр ОО-1 2024\.csv — если реестр среди них"):
        load(tmp_path)


def test_kinds_without_schools_need_no_registry(tmp_path: Path) -> None:
    write(tmp_path / "content_items.csv", "content_id,kind,available_from\nc1,ЦОК,01.09.2024\n")
    write(tmp_path / "sferum_events.csv", events_csv())
    dataset = load(tmp_path, kinds=[Kind.CONTENT_ITEMS])
    assert [f.path for f in dataset.report.files] == ["content_items.csv"]
    assert set(dataset.frames) == {Kind.CONTENT_ITEMS}


def test_requested_kind_brings_the_registry(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "sferum_events.csv", events_csv())
    write(tmp_path / "content_items.csv", "content_id,kind,available_from\nc1,ЦОК,01.09.2024\n")
    dataset = load(tmp_path, kinds=[Kind.EVENTS])
    assert [f.path for f in dataset.report.files] == ["schools.csv", "sferum_events.csv"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    path.chmod(0)
    try:
        with pytest.raises(DataError, match=r"^schools\.csv: файл не удаётся открыть"):
            load(tmp_path)
    finally:
        path.chmod(0o644)


def test_broken_link_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "schools.csv").symlink_to(tmp_path / "moved-away.csv")
    with pytest.raises(DataError, match=r"^schools\.csv: файл не удаётся открыть"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("entry", "key"),
    [('kind = "logins"', "sources.0.kind"), ('kind = "events"\nplatform = "vk"', "sources.0.platform")],
)
def test_unknown_kind_or_platform_in_manifest(tmp_path: Path, entry: str, key: str) -> None:
    write(tmp_path / "adoption.toml", f'[[sources]]\npath = "*.csv"\n{entry}\n')
    with pytest.raises(ConfigError, match=f"ключ «{key}»"):
        load_settings(tmp_path, environ={})


def test_files_the_loader_cannot_read_are_named_with_what_to_do(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "myschool_events_2024-09.xls", "old Excel")
    write(tmp_path / "sferum_events.xlsm", "macros")
    write(tmp_path / "assistant_stats.ods", "LibreOffice")
    write(tmp_path / "sferum_events.csv.gz", "gzip")
    write(tmp_path / "выгрузки.zip", "zip")
    write(tmp_path / "schools", "no extension")
    write(tmp_path / "сентябрь" / "sferum_events.csv", events_csv())
    write(tmp_path / "сентябрь" / "архив" / "myschool_events.xls", "old Excel")
    # no exports, or the tool's own: nothing to say
    write(tmp_path / "README.md", "about")
    write(tmp_path / ".hidden.xls", "hidden")
    write(tmp_path / "~$schools.xlsx", "lock")
    write(tmp_path / "adoption.toml", "")
    write(tmp_path / "документы" / "приказ.pdf", "pdf")
    write(tmp_path / ".adoption-store" / "schools" / "part-1.parquet", "store")
    write(tmp_path / "хранилище" / "manifest.json", "{}")  # a store kept in the data folder (--store)
    write(tmp_path / "хранилище" / "events" / "part-1.parquet", "store")
    assert load(tmp_path).report.warnings == [
        "сентябрь/: файлы в подпапках не читаются (сентябрь/sferum_events.csv, сентябрь/архив/myschool_events.xls); "
        "перенесите их в саму папку данных или опишите в [[sources]] в adoption.toml.",
        "assistant_stats.ods: формат .ods не читается — сохраните как .xlsx.",
        "myschool_events_2024-09.xls: формат .xls не читается — сохраните как .xlsx.",
        "schools: файл без расширения не читается — добавьте расширение по его формату (.csv, .xlsx…).",
        "sferum_events.csv.gz, выгрузки.zip: архив не читается — распакуйте его в папку данных.",
        "sferum_events.xlsm: формат .xlsm не читается — сохраните как .xlsx.",
    ]


def test_a_registry_the_loader_cannot_read_is_named_in_the_error(tmp_path: Path) -> None:
    write(tmp_path / "schools.xls", "old Excel")
    with pytest.raises(DataError, match=r"нет реестра школ, который можно прочитать: schools\.xls: формат \.xls не"):
        load(tmp_path)
    (tmp_path / "schools.xls").unlink()
    write_registry(tmp_path / "реестр")
    with pytest.raises(DataError, match=r"прочитать: реестр/schools\.csv лежит в подпапке — перенесите его"):
        load(tmp_path)


def test_with_a_manifest_files_no_entry_names_are_warned(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "myschool_events.csv", events_csv())
    write(tmp_path / "sferum_events.xls", "old Excel")
    write(tmp_path / "реестр" / "schools.csv", "a copy")
    write(tmp_path / "реестр" / "schools.xls", "old Excel")
    write(tmp_path / "Сферум" / "входы.csv", events_csv())  # listed below: read, no warning
    write_manifest(tmp_path, REGISTRY_SOURCE, {"path": "Сферум/*.csv", "kind": "events", "platform": "sferum"})
    dataset = load(tmp_path)
    assert [f.path for f in dataset.report.files] == ["schools.csv", "Сферум/входы.csv"]
    assert dataset.report.warnings == [
        "sferum_events.xls, реестр/schools.xls: формат .xls не читается — сохраните как .xlsx.",
        "Файлы, которых нет в [[sources]] в adoption.toml, не читаются: myschool_events.csv, реестр/schools.csv; "
        "добавьте для них записи [[sources]] или уберите их из папки данных.",
    ]


def test_a_registry_the_manifest_does_not_list_is_named(tmp_path: Path) -> None:
    """With a manifest only its files are read: a schools.csv beside it is named, with the entry to add."""
    write_registry(tmp_path)
    write(tmp_path / "all_events.csv", "platform,user_id,role,school_id,ts\n")
    write_manifest(tmp_path, {"path": "all_events.csv", "kind": "events"})
    with pytest.raises(DataError) as error:
        load(tmp_path)
    assert error.value.message.endswith(
        "schools.csv лежит в папке, но adoption.toml его не перечисляет (читаются только файлы из [[sources]]): "
        'добавьте запись с path = "schools.csv" и kind = "schools".'
    )
