"""metrics.school_activity: per-platform activity of every registry school, and where the exports begin."""

from __future__ import annotations

from datetime import date, datetime

from adoption_cli.metrics.school_activity import coverage_start, platform_role_activity
from adoption_cli.periods import parse_month
from tests.builders import account, dataset, event, school, stat

A, B = "2310031475", "2308000007"


def test_platform_role_counts_and_no_activity() -> None:
    ds = dataset(
        schools=[school(A, "A", "M", "private", 1, 1), school(B, "B", "M", "municipal", 1, 1)],
        events=[
            event("myschool", "t1", "teacher", A, datetime(2024, 9, 1)),
            event("myschool", "t1", "teacher", A, datetime(2024, 9, 2)),  # the same user again: still one
            event("myschool", "t2", "teacher", B, datetime(2024, 8, 31)),  # August
        ],
        school_stats=[stat("assistant", A, date(2024, 9, 1), "parent", 7)],
    )
    rows = {row["school_id"]: row for row in platform_role_activity(ds, parse_month("2024-09")).collect().to_dicts()}
    assert rows[A]["myschool_teachers_active"] == 1 and rows[A]["assistant_parents_active"] == 7
    assert rows[A]["no_activity"] is False  # a private school is in the registry check too
    assert rows[B]["myschool_teachers_active"] == 0 and rows[B]["no_activity"] is True
    assert "sferum_teachers_active" not in rows[A]  # no Сферум data: no Сферум columns


def test_coverage_starts_with_the_first_event_or_statistics_month_not_old_last_logins() -> None:
    ds = dataset(
        schools=[school(A, "A", "M", "municipal", 1, 1)],
        events=[event("myschool", "t1", "teacher", A, datetime(2024, 7, 15))],
        accounts=[account("myschool", "t9", "teacher", A, last_login_at=datetime(2023, 1, 5))],
        school_stats=[stat("sferum", A, date(2024, 8, 1), "teacher", 1)],
    )
    assert coverage_start(ds) == date(2024, 7, 1)
    assert coverage_start(dataset(schools=[school(A, "A", "M", "municipal", 1, 1)])) is None
