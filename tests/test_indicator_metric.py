"""The 33% indicator on hand-computed fixtures (docs/metrics.md)."""

from __future__ import annotations

from datetime import datetime

from adoption_cli.config import load_settings
from adoption_cli.metrics.common import schools_needed
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.periods import parse_month
from tests.builders import account, dataset, event, school

SEPT = parse_month("2024-09")


def test_exactly_half_counts_and_blocked_logins_do_not() -> None:
    ds = dataset(
        schools=[school("2300000001", "A", "M1", "municipal", 2, 2)],
        events=[
            event("myschool", "t1", "teacher", "2300000001", datetime(2024, 9, 30, 23, 59, 59)),
            event("myschool", "s1", "student", "2300000001", datetime(2024, 9, 1)),
            event("myschool", "s2", "student", "2300000001", datetime(2024, 9, 2)),
        ],
        accounts=[account("myschool", "s2", "student", "2300000001", status="blocked")],
    )
    result = compute_indicator(ds, SEPT, load_settings(None, environ={}))
    only = result.schools[0]
    assert (only.teachers_active, only.teacher_share_pct) == (1, 50.0)
    assert (only.students_active, only.student_share_pct) == (1, 50.0)
    assert only.flagged is True
    assert result.region.flagged == 1


def test_schools_needed_is_exact_ceiling() -> None:
    assert schools_needed(100, 0, 33.0) == 33
    assert schools_needed(101, 0, 33.0) == 34
    assert schools_needed(100, 40, 33.0) == 0


def test_a_total_of_zero_is_no_total_not_a_capped_share() -> None:
    """A school with 0 students in ОО-1 and one active student has no share to cap: it counts in no_total
    only. One with 1 teacher in ОО-1 and 2 active teachers is capped (its share is shown as 100 %)."""
    ds = dataset(
        schools=[
            school("2300000001", "Zero", "M1", "municipal", 2, 0),
            school("2300000002", "Over", "M1", "municipal", 1, 10),
        ],
        events=[
            event("myschool", "s1", "student", "2300000001", datetime(2024, 9, 3)),
            event("myschool", "t1", "teacher", "2300000002", datetime(2024, 9, 3)),
            event("myschool", "t2", "teacher", "2300000002", datetime(2024, 9, 4)),
        ],
    )
    result = compute_indicator(ds, SEPT, load_settings(None, environ={}))
    over, zero = result.schools  # (by name)
    assert (zero.students_active, zero.student_share_pct, zero.flagged) == (1, None, False)
    assert (over.teachers_active, over.teacher_share_pct) == (2, 100.0)
    assert result.data_quality.model_dump() == {"capped_shares": 1, "no_total": 1}


def test_a_threshold_with_more_decimals_is_taken_as_written() -> None:
    """50.005 %: a school at exactly 50 % is not flagged, one at 50.01 % is, and the plan's «users needed»
    agrees (rounded to 0.01 p.p., 50.005 was 50.00 or 50.01 by the float, and flagged the first school)."""
    import polars as pl

    from adoption_cli.metrics.indicator import reaches
    from adoption_cli.metrics.plan import users_needed

    frame = pl.DataFrame({"active": [1, 5001, 1], "total": [2, 10_000, 1]})
    checked = frame.select(
        reaches(pl.col("active"), pl.col("total"), 50.005).alias("reaches"),
        users_needed(pl.col("active"), pl.col("total"), 50.005).alias("needed"),
    )
    assert checked.rows() == [(False, 1), (True, 0), (True, 0)]
