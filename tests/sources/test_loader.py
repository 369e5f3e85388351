"""Loader rules: counts per file, registry duplicates and branches, unknown schools, other roles, rejects."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from sources_helpers import (
    CANONICAL,
    INN_A,
    INN_B,
    INN_OUTSIDE,
    INN_REGION_01,
    REGISTRY_HEADER,
    file_load,
    load,
    write,
    write_mixed_dialects,
    write_registry,
)

from adoption_cli.dataset import BranchMerge
from adoption_cli.schema import Kind


def test_registry_duplicates_dropped_and_branches_summed(tmp_path: Path) -> None:
    write(
        tmp_path / "schools.csv",
        f"{REGISTRY_HEADER}\n"
        f"{INN_A},СОШ № 1,г. Сочи,municipal,40,600\n"
        f"{INN_A},СОШ № 1,г. Сочи,municipal,40,600\n"  # exact duplicate: dropped
        f"{INN_A}, СОШ  № 1 ,г. Сочи,муниципальная,40,600\n"  # the same after normalising: dropped
        f"{INN_A},СОШ № 1 (филиал),г. Сочи,municipal,5,45\n"  # a branch: summed
        f"{INN_B},Лицей,г. Сочи,state,30,\n"
        f"{INN_B},Лицей (филиал),г. Сочи,state,3,20\n",  # one branch lacks a total: unknown
    )
    dataset = load(tmp_path)
    registry = file_load(dataset, "schools.csv")
    assert (registry.rows, registry.loaded, registry.rejected, registry.duplicates_dropped) == (6, 6, 0, 2)
    assert dataset.report.branches_merged == [
        BranchMerge(school_id=INN_A, rows=2),
        BranchMerge(school_id=INN_B, rows=2),
    ]
    assert dataset.schools.collect().rows() == [
        (INN_A, "СОШ № 1", "г. Сочи", "municipal", 45, 645),  # name etc. from the first row
        (INN_B, "Лицей", "г. Сочи", "state", 33, None),
    ]


def test_duplicates_across_two_registry_files_count_on_the_later_one(tmp_path: Path) -> None:
    write_registry(tmp_path)
    book = Workbook()
    book.active.append(REGISTRY_HEADER.split(","))
    book.active.append([INN_A, "Школа 1", "г. Краснодар", "municipal", 40, 600])
    book.save(tmp_path / "schools.xlsx")
    dataset = load(tmp_path)
    assert file_load(dataset, "schools.csv").duplicates_dropped == 0
    assert file_load(dataset, "schools.xlsx").duplicates_dropped == 1
    assert dataset.schools.collect().height == 2
    assert dataset.report.branches_merged == []


def test_a_dash_for_a_total_keeps_the_school_without_it(tmp_path: Path) -> None:
    """ОО-1 tables write a dash where there is no figure: the school stays, its total unknown (as if empty)."""
    write(
        tmp_path / "schools.csv",
        f"{REGISTRY_HEADER}\n{INN_A},Школа 1,г. Краснодар,municipal,-,600\n{INN_B},Школа 2,г. Сочи,state,25,—\n",
    )
    write(
        tmp_path / "sferum_stats.csv",
        f"Период;ИНН;Роль;Зарегистрировано;Активных\n09.2024;{INN_A};Учитель;–;7\n09.2024;{INN_A};Ученик;12;-\n",
    )
    dataset = load(tmp_path)
    assert file_load(dataset, "schools.csv").rejected == 0
    assert dataset.schools.collect().select("school_id", "teachers_total", "students_total").rows() == [
        (INN_A, None, 600),
        (INN_B, 25, None),
    ]
    stats = file_load(dataset, "sferum_stats.csv")
    assert [(e.row, e.column, e.value, e.reason) for e in stats.examples] == [(3, "active", "-", "missing_value")]
    assert dataset.frame(Kind.SCHOOL_STATS).collect().select("registered", "active").rows() == [(None, 7)]


def test_a_registry_without_a_school_is_said(tmp_path: Path) -> None:
    """A header-only (or wholly rejected) registry loads, but every export row is then of an unknown school:
    every command says so, instead of each metric reporting «no data» for exports that are there."""
    write(tmp_path / "schools.csv", f"{REGISTRY_HEADER}\n")
    write(
        tmp_path / "myschool_events.csv",
        f"platform,user_id,role,school_id,ts\nmyschool,u1,teacher,{INN_A},2024-09-02\n",
    )
    dataset = load(tmp_path)
    assert file_load(dataset, "myschool_events.csv").unknown_school == 1
    assert dataset.report.warnings == [
        "schools.csv: в реестре школ не загружено ни одной школы — строки всех выгрузок окажутся «неизвестная "
        "школа» и не войдут в метрики; проверьте файл реестра (adoption validate)."
    ]


def test_one_inn_in_two_registry_files_is_summed_and_said(tmp_path: Path) -> None:
    """Two versions of the registry (schools.csv and schools.2023.csv, both schools.*) merge like branches
    and double the totals: every command is told, on the later file. Branches within one file are not."""
    write(
        tmp_path / "schools.csv",
        f"{REGISTRY_HEADER}\n{INN_A},Школа 1,г. Краснодар,municipal,40,600\n{INN_A},Филиал,г. Краснодар,municipal,5,50\n",
    )
    write(tmp_path / "schools.2023.csv", f"{REGISTRY_HEADER}\n{INN_A},Школа 1,г. Краснодар,municipal,38,590\n")
    dataset = load(tmp_path)
    assert dataset.schools.collect().select("teachers_total", "students_total").row(0) == (83, 1240)
    warning = (
        "schools.csv: 1 ИНН из этого файла есть и в schools.2023.csv — их строки сложены как филиалы, численности "
        "ОО-1 суммированы; чтобы оставить одну версию реестра, уберите лишний файл или опишите в [[sources]] "
        "только нужный."
    )
    assert file_load(dataset, "schools.csv").warnings == [warning]
    assert file_load(dataset, "schools.2023.csv").warnings == []
    assert dataset.report.warnings == [warning]
    (tmp_path / "schools.2023.csv").unlink()
    assert load(tmp_path).report.warnings == []  # branches of one file: validate's note only


def test_rows_of_one_key_in_two_school_stats_files_are_summed_and_said(tmp_path: Path) -> None:
    """An export saved twice («assistant_stats (1).csv») doubles its figures: the sum is documented, and
    every command says which files share which keys. Other months or platforms are no repeat."""
    write_registry(tmp_path)
    stats = f"Период;Роль;ИНН;Зарегистрировано;Активных\n09.2024;обучающийся;{INN_A};100;50\n"
    stats += f"09.2024;учитель;{INN_B};10;5\n"
    write(tmp_path / "assistant_stats.csv", stats)
    write(tmp_path / "assistant_stats (1).csv", stats)
    write(tmp_path / "assistant_stats_10.csv", stats.replace("09.2024", "10.2024"))
    write(tmp_path / "sferum_stats.csv", stats)
    dataset = load(tmp_path)
    frame = dataset.frame(Kind.SCHOOL_STATS).collect()
    september = frame.filter((pl.col("platform") == "assistant") & (pl.col("month") == date(2024, 9, 1)))
    assert september["active"].sum() == 110
    assert dataset.report.warnings == [
        "assistant_stats.csv: одни и те же платформа, школа, месяц и роль есть и в assistant_stats (1).csv (таких "
        "сочетаний: 2) — их числа сложены; если это повторная выгрузка, уберите лишний файл из папки."
    ]


def test_unknown_school_other_role_blocked_status(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(
        tmp_path / "myschool_accounts.csv",
        "user_id;role;school_id;status;last_login_at\n"
        f"m1;Учитель;{INN_A};Заблокирована;15.09.2024 10:00\n"
        f"m2;Ученик;{INN_A};;20.09.2024\n"  # empty status: active
        f"m3;Администратор;{INN_A};активна;21.09.2024\n"  # other role: counted, kept out
        f"m4;Учитель;{INN_OUTSIDE};активна;22.09.2024\n"  # valid ИНН, not in the registry
        f"m5;Администратор;{INN_OUTSIDE};активна;23.09.2024\n"  # unknown school takes precedence
        f"m6;Учитель;{INN_A};неактивна;24.09.2024\n"  # unknown status: rejected
        f"m7;Ученик;{INN_REGION_01};активна;01.09.2024 08:00\n",  # unknown too; a leading zero
    )
    dataset = load(tmp_path)
    accounts = file_load(dataset, "myschool_accounts.csv")
    assert (accounts.rows, accounts.loaded, accounts.rejected) == (7, 6, 1)
    assert (accounts.unknown_school, accounts.other_role) == (3, 1)
    # which ИНН, the most named first
    assert list(accounts.unknown_school_ids.items()) == [(INN_OUTSIDE, 2), (INN_REGION_01, 1)]
    assert accounts.rejected_by_reason == {"unknown_status": 1}
    # the newest and the oldest login among loaded rows, unknown schools included; the rejected row is not
    assert (accounts.earliest_activity, accounts.latest_activity) == ("2024-09-01", "2024-09-23")
    frame = dataset.frame(Kind.ACCOUNTS).collect().sort("user_id")
    assert frame.select("user_id", "role", "status", "last_login_at").rows() == [
        ("m1", "teacher", "blocked", datetime(2024, 9, 15, 10, 0)),
        ("m2", "student", "active", datetime(2024, 9, 20)),
    ]


def test_a_role_with_a_comma_in_a_comma_separated_file(tmp_path: Path) -> None:
    """Quoted, «Родитель, законный представитель» is one cell, a parent; unquoted, the row is ragged."""
    write_registry(tmp_path)
    write(
        tmp_path / "sferum_events.csv",
        "user_id,role,school_id,ts\n"
        f'1,"Родитель, законный представитель",{INN_A},2024-09-02T10:00:00\n'
        f"2,Родитель, законный представитель,{INN_A},2024-09-02T10:00:00\n",
    )
    dataset = load(tmp_path)
    events = file_load(dataset, "sferum_events.csv")
    assert (events.loaded, events.other_role, events.rejected_by_reason) == (1, 0, {"ragged_row": 1})
    assert dataset.frame(Kind.EVENTS).collect()["role"].to_list() == ["parent"]


def test_missing_optional_columns_take_defaults(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "sferum_accounts.csv", f"user_id,role,school_id\nu1,учитель,{INN_A}\n")
    frame = load(tmp_path).frame(Kind.ACCOUNTS).collect()
    assert frame.row(0) == ("sferum", "u1", "teacher", INN_A, "active", None, None)
    assert frame.schema["registered_at"] == pl.Datetime("us")


def test_school_stats_rules(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(
        tmp_path / "sferum_stats.csv",
        "Период;ИНН;Роль;Зарегистрировано;Активных\n"
        f"09.2024;{INN_A};Учитель;40;41\n"  # active > registered
        f"09.2024;{INN_A};Ученик;1\u00a0200;1\u00a0100\n"
        f"10.2024;{INN_A};Ученик;1200;-1\n"
        f"10.2024;{INN_A};Ученик;1200;12,5\n"
        f"10.2024;{INN_B};Ученик;;7\n",  # no registered figure: the rule cannot apply
    )
    dataset = load(tmp_path)
    stats = file_load(dataset, "sferum_stats.csv")
    assert stats.rejected_by_reason == {"active_gt_registered": 1, "fractional_number": 1, "negative_number": 1}
    assert [(e.row, e.column, e.value, e.reason) for e in stats.examples] == [
        (2, "active", "41", "active_gt_registered"),
        (4, "active", "-1", "negative_number"),
        (5, "active", "12,5", "fractional_number"),
    ]
    assert stats.latest_activity == "2024-10-01"
    frame = dataset.frame(Kind.SCHOOL_STATS).collect().sort("school_id")
    assert frame.rows() == [
        ("sferum", INN_B, date(2024, 10, 1), "student", None, 7),
        ("sferum", INN_A, date(2024, 9, 1), "student", 1200, 1100),
    ]


def test_first_failing_column_one_reject_per_row_and_examples(tmp_path: Path) -> None:
    write_registry(tmp_path)
    rows = "".join(f"u{i},учитель,{INN_A},31.02.2024\n" for i in range(5))
    write(tmp_path / "sferum_events.csv", f"user_id,role,school_id,ts\n{rows},ученик,123,2999-01-01\n")
    dataset = load(tmp_path)
    events = file_load(dataset, "sferum_events.csv")
    # the last row fails user_id, school_id and ts: it is rejected once, for user_id (first in canonical order)
    assert events.rejected_by_reason == {"bad_date": 5, "missing_value": 1}
    assert [(e.row, e.column, e.reason) for e in events.examples] == [
        (2, "ts", "bad_date"),
        (3, "ts", "bad_date"),
        (4, "ts", "bad_date"),  # three examples per reason
        (7, "user_id", "missing_value"),
    ]
    assert dataset.rejects.collect().height == 6


def test_no_user_identifier_in_report_or_rejects(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(
        tmp_path / "sferum_events.csv",
        "user_id,role,school_id,ts\n"
        f"secret-user-1,учитель,{INN_OUTSIDE},2024-09-01\n"
        f"secret-user-2,учитель,{INN_A},never\n"
        "secret-user-3,учитель,,2024-09-01\n",
    )
    write(tmp_path / "content_views.csv", "content_id,user_id,ts\nc1,secret-user-4,вчера\n")
    dataset = load(tmp_path)
    dumped = dataset.report.model_dump_json() + dataset.rejects.collect().write_csv()
    assert dataset.report.rejected == 3
    assert "secret-user" not in dumped


def test_counts_add_up_and_rejects_frame_matches_contract(tmp_path: Path) -> None:
    write_mixed_dialects(tmp_path)
    write(tmp_path / "sferum_events_extra.csv", f"user_id,role,school_id,ts\nu,учитель,{INN_A},bad\n")
    dataset = load(tmp_path)
    for f in dataset.report.files:
        assert f.rows == f.loaded + f.rejected
        assert sum(f.rejected_by_reason.values()) == f.rejected
    assert dataset.rejects.collect_schema() == pl.Schema(
        {"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
    )
    assert dataset.rejects.collect().rows() == [("sferum_events_extra.csv", 2, "ts", "bad", "bad_date")]


def test_mixed_dialects_equal_canonical_form(tmp_path: Path) -> None:
    write_mixed_dialects(tmp_path)
    mixed, canonical = load(tmp_path), load(CANONICAL)
    for kind in Kind:
        expected = canonical.frame(kind).collect()
        assert expected.height > 0, kind
        assert mixed.frame(kind).collect().sort(expected.columns).equals(expected.sort(expected.columns)), kind

    def summary(dataset: object) -> list[tuple[object, ...]]:
        files = dataset.report.files  # type: ignore[attr-defined]
        return sorted((f.kind, f.rows, f.loaded, f.rejected, f.unknown_school, f.latest_activity) for f in files)

    assert summary(mixed) == summary(canonical)
    dialects = {f.path: (f.encoding, f.separator, f.sheet) for f in mixed.report.files}
    assert dialects == {
        "schools.xlsx": (None, None, "ОО-1"),
        "myschool_accounts_2024.csv": ("cp1251", ";", None),
        "sferum_events.tsv": ("utf-8-sig", "\t", None),
        "assistant_stats.parquet": (None, None, None),
        "content_items.txt": ("utf-8", "|", None),
        "content_views.csv": ("utf-8", ",", None),
    }


def test_canonical_fixture_figures(tmp_path: Path) -> None:
    """The canonical fixture itself, counted by hand."""
    dataset = load(CANONICAL)
    figures = {f.path: (f.rows, f.loaded, f.latest_activity, f.platforms) for f in dataset.report.files}
    assert figures == {
        "schools.csv": (4, 4, None, []),
        "myschool_accounts.csv": (5, 5, "2024-10-01", ["myschool"]),
        "sferum_events.csv": (6, 6, "2024-12-31", ["sferum"]),
        "assistant_stats.csv": (4, 4, "2024-10-01", ["assistant"]),
        "content_items.csv": (3, 3, None, []),
        "content_views.csv": (4, 4, "2024-10-02", []),
    }


def _rejects(data_dir: Path) -> list[tuple[object, ...]]:
    frame = load(data_dir).rejects.collect().sort("file", "row")
    return [tuple(row) for row in frame.select("file", "row", "column", "value", "reason").iter_rows()]


def test_a_totals_row_is_rejected_as_one(tmp_path: Path) -> None:
    """A row under the table summing it («Итого», «ВСЕГО:», «Всего по району» in a column the kind reads) and
    naming no school is rejected as a whole with a reason of its own, its label shown (never from the user id
    column); a school or user so named loads, and a school's row with a wrong ИНН keeps its reason."""
    write(
        tmp_path / "schools.csv",
        f"{REGISTRY_HEADER}\n"
        f"{INN_A},Итоговая школа,г. Сочи,municipal,40,600\n"  # «Итоговая»: not the word
        f"{INN_B},Всего хорошего,г. Сочи,municipal,30,300\n"  # a valid row is never a totals row
        ",Итого,,,70,900\n"
        "ВСЕГО:,,,,70,900\n"  # the label in the ИНН column
        ",,Всего по району,,70,900\n"
        ",Итого по району,,,7x,900\n"  # a bad number too: still a totals row
        "230000001,Всего хорошего,г. Сочи,municipal,3,5\n"  # a school with a wrong ИНН: not a totals row
        f"{INN_A}1,Школа 2,г. Сочи,municipal,1,1\n",  # an ordinary reject
    )
    write(
        tmp_path / "myschool_events_2024-09.csv",
        f"user_id,role,school_id,ts\nИтого,student,{INN_A},2024-09-02T10:00:00\nИтого: 8378,,,\n",
    )
    assert _rejects(tmp_path) == [
        ("myschool_events_2024-09.csv", 3, "*", None, "totals_row"),  # (a user id column's value is never shown)
        ("schools.csv", 4, "*", "Итого", "totals_row"),
        ("schools.csv", 5, "*", "ВСЕГО:", "totals_row"),
        ("schools.csv", 6, "*", "Всего по району", "totals_row"),
        ("schools.csv", 7, "*", "Итого по району", "totals_row"),
        ("schools.csv", 8, "school_id", "230000001", "bad_checksum"),  # (9 digits: a lost leading zero)
        ("schools.csv", 9, "school_id", f"{INN_A}1", "invalid_inn"),
    ]
    dataset = load(tmp_path)
    registry = file_load(dataset, "schools.csv")
    assert (registry.rows, registry.loaded, registry.rejected) == (8, 2, 6)
    assert registry.rejected_by_reason == {"bad_checksum": 1, "invalid_inn": 1, "totals_row": 4}
    assert file_load(dataset, "myschool_events_2024-09.csv").loaded == 1  # the user «Итого»
