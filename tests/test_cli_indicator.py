"""`adoption indicator` on a hand-computed data set served in place of the reader.

Sochi: S1 (2 teachers, 4 students; 1 and 2 active on Моя школа: exactly 50 % / 50 % → flagged),
       S2 (4, 4; Сферум stats 2 teachers, 1 student → 25 % students, not flagged),
       S6 (1, 1; no activity).                                  → 1 of 3 flagged, 33,33 %
Abinsk: S3 (0 teachers, 10 students: zero total, cannot be flagged),
        S4 (1, 1; 1 teacher and 2 students active → capped at 100 %, flagged).   → 1 of 2, 50 %
S5 is private: outside the population.                          Region: 2 of 5, 40 %.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.builders import dataset, event, school, stat
from tests.cli_support import assert_snapshot, invoke, serve

SOCHI, ABINSK = "Город-курорт Сочи", "Абинский район"
DAY = datetime(2024, 9, 10, 12, 0)


def _fixture() -> object:
    return dataset(
        schools=[
            school("2300000001", "СОШ № 1", SOCHI, "municipal", 2, 4),
            school("2300000002", "СОШ № 2", SOCHI, "municipal", 4, 4),
            school("2300000006", "СОШ № 6", SOCHI, "state", 1, 1),
            school("2300000003", "Гимназия № 3", ABINSK, "municipal", 0, 10),
            school("2300000004", "Лицей № 4", ABINSK, "municipal", 1, 1),
            school("2300000005", "Частная школа", ABINSK, "private", 1, 1),
        ],
        events=[
            event("myschool", "t1", "teacher", "2300000001", DAY),
            event("myschool", "s1", "student", "2300000001", DAY),
            event("myschool", "s2", "student", "2300000001", DAY),
            event("myschool", "t2", "teacher", "2300000004", DAY),
            event("myschool", "s3", "student", "2300000004", DAY),
            event("myschool", "s4", "student", "2300000004", DAY),
            event("myschool", "t9", "teacher", "2300000005", DAY),
            event("myschool", "s9", "student", "2300000005", DAY),
        ],
        school_stats=[
            stat("sferum", "2300000002", date(2024, 9, 1), "teacher", 2),
            stat("sferum", "2300000002", date(2024, 9, 1), "student", 1),
        ],
    )


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    serve(monkeypatch, _fixture())  # type: ignore[arg-type]
    return str(tmp_path)


def test_json_is_the_result_model(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["period"] == {"month": "2024-09", "start": "2024-09-01", "end": "2024-09-30"}
    assert payload["combination"] == "max"
    assert payload["region"] == {
        "schools": 5,
        "flagged": 2,
        "share_pct": 40.0,
        "target_met": True,
        "schools_needed": 0,
    }
    by_name = {m["name"]: m for m in payload["municipalities"]}
    assert (by_name[SOCHI]["flagged"], by_name[SOCHI]["schools"]) == (1, 3)
    assert (by_name[ABINSK]["flagged"], by_name[ABINSK]["schools"]) == (1, 2)
    assert {s["school_id"] for s in payload["schools"]} == {f"230000000{i}" for i in (1, 2, 3, 4, 6)}
    assert payload["data_quality"] == {"capped_shares": 1, "no_total": 1}


def test_quality_warnings_go_to_stderr(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "json")
    assert "доля ограничена 100\u202f%" in result.stderr
    assert "с нулевой или пустой численностью по ОО-1: 1" in result.stderr
    assert "Внимание" not in result.stdout
    quiet = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "json", "--quiet")
    assert quiet.stderr == ""


def test_csv_has_one_row_per_school_with_the_json_keys(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "school_id",
        "name",
        "municipality",
        "teachers_total",
        "teachers_active",
        "teacher_share_pct",
        "students_total",
        "students_active",
        "student_share_pct",
        "flagged",
    ]
    by_id = {row["school_id"]: row for row in rows}
    assert len(rows) == 5
    assert by_id["2300000001"]["teacher_share_pct"] == "50.0"
    assert by_id["2300000001"]["flagged"] == "true"
    assert by_id["2300000004"]["students_active"] == "2"
    assert by_id["2300000004"]["student_share_pct"] == "100.0"
    assert by_id["2300000003"]["teacher_share_pct"] == ""


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_table_snapshot(data: str, lang: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--lang", lang)
    assert result.exit_code == 0, result.output
    assert_snapshot(f"indicator_{lang}.txt", result.stdout)


def test_table_numbers_in_russian_style(data: str) -> None:
    out = invoke("indicator", "--data", data, "--month", "2024-09").stdout
    assert "33,33\u202f%" in out  # Sochi: 1 of 3
    assert "40,00\u202f%" in out  # the region footer
    assert "максим" not in out and "нижняя граница (max)" in out


def test_municipality_restricts_rows_but_keeps_the_region(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "json", "--municipality", "сочи")
    payload = json.loads(result.stdout)
    assert [m["name"] for m in payload["municipalities"]] == [SOCHI]
    assert {s["municipality"] for s in payload["schools"]} == {SOCHI}
    assert payload["region"]["schools"] == 5
    assert payload["data_quality"] == {"capped_shares": 0, "no_total": 0}


def test_municipality_matching_is_a_usage_error_when_ambiguous_or_absent(data: str) -> None:
    several = invoke("indicator", "--data", data, "--month", "2024-09", "--municipality", "о")
    assert several.exit_code == 2
    assert SOCHI in several.stderr and ABINSK in several.stderr
    none = invoke("indicator", "--data", data, "--month", "2024-09", "--municipality", "Сочинский")
    assert none.exit_code == 2
    assert "нет среди муниципалитетов, где есть школы учитываемых форм собственности" in none.stderr
    assert SOCHI in none.stderr


def test_a_municipality_of_private_schools_only_is_named_as_such(tmp_path: Path) -> None:
    """Its schools are in the registry but none is counted: the message says why it has no line."""
    (tmp_path / "schools.csv").write_text(
        "school_id,name,municipality,ownership,teachers_total,students_total\n"
        "2300000012,Школа 1,Город,municipal,10,10\n2300000020,ЧОУ,Посёлок,private,10,10\n",
        encoding="utf-8",
    )
    result = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09", "--municipality", "Посёлок")
    assert result.exit_code == 2
    assert "«Посёлок» нет среди муниципалитетов, где есть школы учитываемых форм собственности" in result.stderr
    assert "(муниципальные, государственные)" in result.stderr and "Город" in result.stderr


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ((), 0),  # region 40 % ≥ 33 %
        (("--target", "40"), 0),  # exactly at the target
        (("--target", "41"), 3),
        (("--target", "40", "--municipality", "сочи"), 3),  # Sochi 33,33 % < 40 %
        (("--target", "40", "--municipality", "абин"), 0),  # Abinsk 50 %
    ],
)
def test_fail_below_target(data: str, extra: tuple[str, ...], code: int) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--fail-below-target", *extra)
    assert result.exit_code == code, result.output
    assert "Регион" in result.stdout  # the table is printed before the exit status


def test_fail_below_target_names_what_is_missing(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--fail-below-target", "--target", "60")
    assert result.exit_code == 3
    # ⌈0,6 × 5⌉ − 2 = 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Ошибка: Регион: цель 60\u202f% не достигнута (40,00\u202f%), не хватает школ: 1."
    )


def test_rule_flags_override_settings(data: str) -> None:
    result = invoke(
        "indicator",
        *("--data", data, "--month", "2024-09", "--format", "json"),
        *("--teacher-threshold", "60", "--platform", "Сферум", "--target", "10"),
    )
    payload = json.loads(result.stdout)
    # Only Сферум: S2 has 2/4 teachers (50 % < 60 %) → nobody flagged.
    assert payload["platforms"] == ["sferum"]
    assert payload["teacher_threshold_pct"] == 60.0
    assert payload["target_pct"] == 10.0
    assert payload["region"]["flagged"] == 0
    assert payload["region"]["schools_needed"] == 1  # ⌈0,1 × 5⌉ − 0


def test_unknown_platform_flag_is_a_usage_error(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--platform", "дневник")
    assert result.exit_code == 2
    assert "дневник" in result.stderr


def test_bad_month_is_a_usage_error(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-13")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Ошибка: Месяц «2024-13» не в формате ГГГГ-ММ (например, 2024-09)."


def test_missing_month_is_a_usage_error(data: str) -> None:
    result = invoke("indicator", "--data", data)
    assert result.exit_code == 2
    assert result.stderr == "Ошибка: укажите месяц: --month ГГГГ-ММ, например --month 2024-09.\n"


def test_missing_data_folder_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = invoke("indicator", "--data", str(tmp_path / "nowhere"), "--month", "2024-09")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Ошибка: папка с данными")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("flag", "env"), [(["--debug"], {}), ([], {"ADOPTION_DEBUG": "1"})])
def test_debug_shows_the_traceback(tmp_path: Path, flag: list[str], env: dict[str, str]) -> None:
    result = invoke("indicator", "--data", str(tmp_path / "nowhere"), "--month", "2024-09", *flag, env=env)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "DataError" in result.stderr


def test_caption_names_platforms_sharing_a_rule_together(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serve(
        monkeypatch,
        dataset(
            schools=[school("2300000001", "СОШ № 1", SOCHI, "municipal", 2, 2)],
            events=[
                event("myschool", "t1", "teacher", "2300000001", DAY),
                event("sferum", "s1", "student", "2300000001", DAY),
            ],
        ),
    )
    out = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09", "--platform", "sferum", "-p", "myschool")
    assert "Активные: Сферум, Моя школа — хотя бы один вход за период;" in out.stdout


def test_a_counted_platform_without_data_is_warned_and_named_in_the_caption(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve(monkeypatch, dataset(schools=[school("2300000001", "СОШ № 1", SOCHI, "municipal", 2, 2)]))
    result = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09", "--platform", "assistant")
    assert "Внимание: нет данных платформы «ЦПУ» — индикатор посчитан без неё." in result.stderr
    assert "ЦПУ — нет данных" in result.stdout


@pytest.mark.parametrize("stored", [False, True])
@pytest.mark.parametrize(
    ("month", "edge"),
    [
        ("2024-12", "самые поздние — за 02.11.2024"),  # the newest event or last login
        ("2024-07", "самые ранние — за 20.08.2024"),  # the oldest: a last login
    ],
)
def test_a_month_after_or_before_every_activity_is_said_to_have_none(
    tmp_path: Path, stored: bool, month: str, edge: str
) -> None:
    """Every figure is 0 for a month the exports do not reach: stderr says so and names their newest or
    oldest day, from the store too; the months of those days themselves have data."""
    from tests.store.exports import write_exports

    folder = str(write_exports(tmp_path / "data"))
    if stored:
        assert invoke("ingest", "--data", folder, "-q").exit_code == 0
    outside = invoke("indicator", "--data", folder, "--month", month, "--format", "json")
    assert outside.exit_code == 0
    assert json.loads(outside.stdout)["region"]["flagged"] == 0
    assert f"за период {month} в выгрузках нет данных об активности ({edge})" in outside.stderr
    for inside in ("2024-11", "2024-08"):
        same = invoke("indicator", "--data", folder, "--month", inside, "--format", "json")
        assert same.exit_code == 0 and "нет данных об активности" not in same.stderr
