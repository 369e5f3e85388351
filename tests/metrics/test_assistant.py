"""«Цифровой помощник ученика» on hand-computed fixtures (docs/metrics.md)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from adoption_cli.config import load_settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.common import AssistantSummary
from adoption_cli.periods import parse_month, parse_quarter, window_period
from tests.builders import Row, account, dataset, event, school, stat
from tests.metrics.support import defaults, invoke, invoke_json, plain

SEPT = parse_month("2024-09")
A, B, C, D = "2300000001", "2300000002", "2300000003", "2300000004"


def students(school_id: str, *users: str, day: datetime = datetime(2024, 9, 10)) -> list[Row]:
    return [event("assistant", user, "student", school_id, day) for user in users]


def two_school_student() -> Dataset:
    """s1 is active in A and in B (both in «Север»); s2 only in C («Юг»); s9 in a private school."""
    return dataset(
        schools=[
            school(A, "Школа А", "Север", "municipal", 10, 4),
            school(B, "Школа Б", "Север", "municipal", 10, 6),
            school(C, "Школа В", "Юг", "state", 10, 5),
            school(D, "Частная", "Юг", "private", 10, 5),
        ],
        events=[*students(A, "s1"), *students(B, "s1", "s3"), *students(C, "s2"), *students(D, "s9")],
    )


def test_user_grain_counts_a_student_in_two_schools_at_each_school_but_once_above() -> None:
    result = compute_assistant(two_school_student(), SEPT, defaults())
    by_school = {s.school_id: s.students_active for s in result.schools}
    assert by_school == {A: 1, B: 2, C: 1}  # the private school is outside the population
    north, south = result.municipalities
    assert (north.name, north.students_total, north.students_active) == ("Север", 10, 2)  # s1 once, s3
    assert (south.name, south.students_total, south.students_active) == ("Юг", 5, 1)
    assert (result.region.students_total, result.region.students_active) == (15, 3)  # not 4
    assert result.region.share_pct == pytest.approx(20.0)
    assert result.grain == "user"


def test_school_grain_uses_the_active_figure_and_sums_schools() -> None:
    ds = dataset(
        schools=[school(A, "А", "Север", "municipal", 1, 100), school(B, "Б", "Север", "municipal", 1, 50)],
        school_stats=[
            stat("assistant", A, date(2024, 7, 1), "student", 30),
            stat("assistant", A, date(2024, 8, 1), "student", 70),
            stat("assistant", A, date(2024, 9, 1), "student", 40),
            stat("assistant", B, date(2024, 9, 1), "student", 20),
            stat("assistant", B, date(2024, 9, 1), "teacher", 999),  # other roles are not students
        ],
    )
    month = compute_assistant(ds, SEPT, defaults())
    assert month.grain == "school"
    assert (month.region.students_active, month.region.students_total) == (60, 150)
    quarter = compute_assistant(ds, parse_quarter("2024Q3"), defaults())
    # A quarter takes each school's largest month: A 70 (August), B 20.
    assert {s.school_id: s.students_active for s in quarter.schools} == {A: 70, B: 20}
    assert quarter.region.students_active == 90


def test_target_met_exactly_at_the_target_and_needed_is_an_exact_ceiling() -> None:
    def region(active: int) -> AssistantSummary:
        ds = dataset(
            schools=[school(A, "А", "Север", "municipal", 1, 1000)],
            school_stats=[stat("assistant", A, date(2024, 9, 1), "student", active)],
        )
        return compute_assistant(ds, SEPT, defaults()).region

    at_target, below, none = region(849), region(848), region(0)
    assert (at_target.target_met, at_target.students_needed) == (True, 0)
    assert (below.target_met, below.students_needed) == (False, 1)
    # 84.9 / 100 × 1000 is 849.0000000000001 in floating point: a float ceiling would say 850.
    assert none.students_needed == 849


def test_rolling_window_crosses_a_month_boundary() -> None:
    ds = dataset(
        schools=[school(A, "А", "Север", "municipal", 1, 10)],
        events=[
            event("assistant", "before", "student", A, datetime(2024, 9, 26, 23, 59, 59)),
            event("assistant", "first", "student", A, datetime(2024, 9, 27, 0, 0)),
            event("assistant", "last", "student", A, datetime(2024, 10, 3, 23, 59, 59)),
            event("assistant", "after", "student", A, datetime(2024, 10, 4, 0, 0)),
        ],
    )
    result = compute_assistant(ds, window_period("2024-10-03", 7), defaults())
    assert (result.period.start, result.period.end) == ("2024-09-27", "2024-10-03")
    assert result.region.students_active == 2  # «first» and «last»


def test_blocked_accounts_no_total_and_capped_shares() -> None:
    ds = dataset(
        schools=[
            school(A, "А", "Север", "municipal", 1, 1),
            school(B, "Б", "Север", "municipal", 1, None),
            school(C, "В", "Север", "municipal", 1, 0),
        ],
        events=[*students(A, "s1", "s2", "s3"), *students(B, "s4"), *students(C, "s5")],
        accounts=[account("assistant", "s3", "student", A, status="blocked")],
    )
    result = compute_assistant(ds, SEPT, defaults())
    # B and C are listed with their own active students but no share, and left out of the region.
    assert [(s.school_id, s.students_total, s.students_active, s.share_pct) for s in result.schools] == [
        (A, 1, 2, 100.0),
        (B, None, 1, None),
        (C, 0, 1, None),
    ]
    assert (result.region.students_total, result.region.students_active, result.region.share_pct) == (1, 2, 100.0)
    assert (result.data_quality.no_total, result.data_quality.capped_schools) == (2, 1)


def test_each_period_is_judged_against_the_target_in_force_then() -> None:
    settings = load_settings(
        None, environ={}, overrides={"assistant": {"targets": [{"from": "2024-10", "target_pct": 50.0}]}}
    )
    ds = dataset(
        schools=[school(A, "А", "Север", "municipal", 1, 10)],
        events=[*students(A, "s1", "s2", "s3", "s4", "s5", "s6"), *students(A, "s1", day=datetime(2024, 10, 2))],
    )
    september = compute_assistant(ds, SEPT, settings)
    october = compute_assistant(ds, parse_month("2024-10"), settings)
    assert (september.target_pct, september.region.target_met, september.region.students_needed) == (84.9, False, 3)
    assert (october.target_pct, october.region.target_met, october.region.students_needed) == (50.0, False, 4)


def test_cli_json_table_csv_and_fail_below_target(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ds = two_school_student()
    payload = invoke_json(monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09")
    assert payload["region"] == {
        "students_total": 15,
        "students_active": 3,
        "share_pct": 20.0,
        "target_met": False,
        "students_needed": 10,  # ⌈0.849 × 15⌉ − 3 = 13 − 3
    }
    assert payload["period"]["label"] == "2024-09"
    assert payload["denominator"] == "students_total"
    assert [m["name"] for m in payload["municipalities"]] == ["Север", "Юг"]

    table = invoke(monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09")
    assert table.exit_code == 0, table.stderr
    text = plain(table.stdout)
    assert "Регион" in text and "20,0 %" in text and "84,9 %" in text
    assert "Период: 2024-09" in text and "Знаменатель" in text and "Активные" in text

    rows = invoke(monkeypatch, tmp_path, ds, "assistant", "--as-of", "2024-09-30", "--days", "30", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(rows.stdout)))
    assert [(r["scope"], r["name"], r["students_active"]) for r in parsed] == [
        ("region", "", "3"),
        ("municipality", "Север", "2"),
        ("municipality", "Юг", "1"),
    ]
    assert parsed[0]["period"] == "2024-09-01..2024-09-30"

    failing = invoke(
        monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09", "--municipality", "юг", "--fail-below-target"
    )
    assert failing.exit_code == 3
    assert "Юг" in failing.stdout and "Север" not in failing.stdout  # printed before failing
    assert "не хватает 4 обучающихся" in failing.stderr  # ⌈0.849 × 5⌉ − 1
    # where, the target as written and the share: the same sentence as the indicator's
    assert "Ошибка: Юг: цель 84,9\u202f% не достигнута (20,0\u202f%), не хватает 4 обучающихся." in failing.stderr


def test_cli_rejects_two_periods(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ds = two_school_student()
    result = invoke(monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09", "--quarter", "2024Q3")
    assert result.exit_code == 2


def test_a_municipality_s_data_quality_counts_its_own_schools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`--municipality` lists its schools and counts only their missing totals and capped shares (as the
    indicator does), not the region's."""
    ds = dataset(
        schools=[
            school(A, "А", "Север", "municipal", 1, 1),
            school(B, "Б", "Юг", "municipal", 1, None),
            school(C, "В", "Юг", "municipal", 1, 0),
        ],
        events=[*students(A, "s1", "s2"), *students(B, "s4"), *students(C, "s5")],
    )
    south = invoke_json(monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09", "--municipality", "юг")
    assert [s["school_id"] for s in south["schools"]] == [B, C]
    assert south["data_quality"] == {"no_total": 2, "capped_schools": 0}
    north = invoke_json(monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09", "--municipality", "север")
    assert [s["school_id"] for s in north["schools"]] == [A]
    assert north["data_quality"] == {"no_total": 0, "capped_schools": 1}
    region = invoke_json(monkeypatch, tmp_path, ds, "assistant", "--month", "2024-09")
    assert region["data_quality"] == {"no_total": 2, "capped_schools": 1}
