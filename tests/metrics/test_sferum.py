"""Сферум shares, changes and activity levels on hand-computed fixtures (docs/metrics.md)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from adoption_cli.config import SferumLevel, load_settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.sferum import compute_sferum, level_for
from adoption_cli.periods import parse_month, window_period
from tests.builders import dataset, event, school, stat
from tests.metrics.support import defaults, invoke, invoke_json, plain

SEPT = parse_month("2024-09")
A, B, C = "2300000001", "2300000002", "2300000003"
DEFAULT_LEVELS = load_settings(None, environ={}).sferum.levels


def stats_dataset(teachers: tuple[int, int], students: tuple[int, int], month: date = date(2024, 9, 1)) -> Dataset:
    """One school with (active, total) teachers and students on Сферум in one month (school grain)."""
    return dataset(
        schools=[school(A, "А", "Север", "municipal", teachers[1], students[1])],
        school_stats=[
            stat("sferum", A, month, "teacher", teachers[0]),
            stat("sferum", A, month, "student", students[0]),
        ],
    )


@pytest.mark.parametrize(
    ("teachers", "students", "level"),
    [
        ((3, 10), (6, 10), "средняя"),  # exactly 30 % (the lower share) is «средняя»: edges are inclusive
        ((6, 10), (6, 10), "высокая"),  # exactly 60 %
        ((2999, 10000), (9, 10), "низкая"),  # 29.99 % is below the edge
        ((0, 10), (10, 10), "низкая"),  # 0 % reaches the first band (min 0)
        ((7, 10), (5999, 10000), "средняя"),  # the lower share decides, whichever role it is
    ],
)
def test_level_is_the_band_of_the_lower_share_with_inclusive_edges(
    teachers: tuple[int, int], students: tuple[int, int], level: str
) -> None:
    assert compute_sferum(stats_dataset(teachers, students), SEPT, defaults()).region.level == level


def test_level_is_undefined_without_a_total_or_below_every_band() -> None:
    assert level_for({"teacher": (10, 5), "student": (0, 0)}, DEFAULT_LEVELS) is None
    custom = (SferumLevel(name="есть", min_pct=10.0),)
    assert level_for({"teacher": (10, 1), "student": (10, 5)}, custom) == "есть"
    assert level_for({"teacher": (100, 9), "student": (10, 5)}, custom) is None


def test_change_against_a_zero_previous_value() -> None:
    ds = dataset(
        schools=[school(A, "А", "Север", "municipal", 4, 10)],
        events=[
            event("sferum", "t1", "teacher", A, datetime(2024, 9, 2)),
            event("sferum", "s1", "student", A, datetime(2024, 8, 2)),
            event("sferum", "s2", "student", A, datetime(2024, 8, 3)),
            event("sferum", "s1", "student", A, datetime(2024, 9, 3)),
        ],
    )
    region = compute_sferum(ds, SEPT, defaults()).region
    # Teachers: 0 in August, 1 of 4 in September: relative change undefined, +25 p.p.
    assert (region.teachers_active_previous, region.teachers_active) == (0, 1)
    assert region.teachers_active_change_pct is None
    assert region.teacher_share_pct_previous == 0.0
    assert region.teacher_share_change_pp == pytest.approx(25.0)
    # Students: 2 → 1 of 10: −50 %, −10 p.p.
    assert region.students_active_change_pct == pytest.approx(-50.0)
    assert region.student_share_change_pp == pytest.approx(-10.0)
    assert (region.level, region.level_previous) == ("низкая", "низкая")


def test_rolling_window_and_its_previous_window_cross_month_boundaries() -> None:
    ds = dataset(
        schools=[school(A, "А", "Север", "municipal", 10, 10)],
        events=[
            event("sferum", "t1", "teacher", A, datetime(2024, 9, 24)),  # previous window 2024-09-24..09-30
            event("sferum", "t2", "teacher", A, datetime(2024, 9, 30, 23, 59)),  # previous window
            event("sferum", "t3", "teacher", A, datetime(2024, 10, 1)),  # window 2024-10-01..10-07
            event("sferum", "t1", "teacher", A, datetime(2024, 10, 7, 12)),  # window
            event("sferum", "t4", "teacher", A, datetime(2024, 9, 23)),  # before both
        ],
    )
    result = compute_sferum(ds, window_period("2024-10-07", 7), defaults())
    assert (result.previous_period.start, result.previous_period.end) == ("2024-09-24", "2024-09-30")
    assert (result.region.teachers_active, result.region.teachers_active_previous) == (2, 2)
    assert result.region.teachers_active_change_pct == 0.0


def test_a_user_active_in_two_schools_counts_once_in_the_municipality_and_region() -> None:
    ds = dataset(
        schools=[
            school(A, "А", "Север", "municipal", 2, 1),
            school(B, "Б", "Север", "municipal", 2, 1),
            school(C, "В", "Юг", "municipal", 2, 1),
        ],
        events=[
            event("sferum", "t1", "teacher", A, datetime(2024, 9, 2)),
            event("sferum", "t1", "teacher", B, datetime(2024, 9, 2)),
            event("sferum", "t1", "teacher", C, datetime(2024, 9, 2)),
            event("sferum", "t2", "teacher", C, datetime(2024, 9, 2)),
        ],
    )
    result = compute_sferum(ds, SEPT, defaults())
    north, south = result.municipalities
    assert (north.teachers_active, north.teachers_total) == (1, 4)
    assert (south.teachers_active, south.teachers_total) == (2, 2)
    assert (result.region.teachers_active, result.region.teachers_total) == (2, 6)


def test_cli_table_json_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ds = stats_dataset((3, 10), (6, 10))
    payload = invoke_json(monkeypatch, tmp_path, ds, "sferum", "--month", "2024-09")
    assert payload["region"]["level"] == "средняя"
    assert payload["region"]["teacher_share_change_pp"] == pytest.approx(30.0)
    assert payload["region"]["teachers_active_change_pct"] is None
    assert payload["previous_period"]["label"] == "2024-08"
    assert payload["denominators"] == {"teacher": "teachers_total", "student": "students_total"}

    table = invoke(monkeypatch, tmp_path, ds, "sferum", "--month", "2024-09")
    assert table.exit_code == 0, table.stderr
    text = plain(table.stdout)
    assert "средняя" in text and "+30,0 п.п." in text and "Уровень — по меньшей из двух долей" in text

    rows = list(
        csv.DictReader(io.StringIO(invoke(monkeypatch, tmp_path, ds, "sferum", "-m", "2024-09", "-f", "csv").stdout))
    )
    assert [(r["scope"], r["name"], r["level"], r["teachers_active_change_pct"]) for r in rows] == [
        ("region", "", "средняя", ""),
        ("municipality", "Север", "средняя", ""),
    ]
