"""The worked example of docs/metrics.md («The 33 % indicator»), computed by the code."""

from __future__ import annotations

from datetime import datetime

from adoption_cli.config import load_settings
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.indicator_result import IndicatorResult, SchoolIndicator
from adoption_cli.periods import parse_month
from tests.builders import Row, dataset, event, school

DAY = datetime(2024, 9, 16, 10, 30)
A, B = "Абинский район", "Белореченский район"


def _active(platform: str, school_id: str, role: str, ids: range) -> list[Row]:
    prefix = role[0] + school_id[-1]
    return [event(platform, f"{prefix}-{i}", role, school_id, DAY) for i in ids]


def _example(shared_user_ids: bool) -> tuple[dict[str, SchoolIndicator], IndicatorResult]:
    data = dataset(
        schools=[
            school("2300000001", "S1", A, "municipal", 40, 400),
            school("2300000002", "S2", A, "municipal", 30, 350),
            school("2300000003", "S3", A, "state", 12, 90),
            school("2300000004", "S4", B, "municipal", 0, 120),
            school("2300000005", "S5", B, "municipal", 25, 300),
            school("2300000006", "S6", B, "private", 10, 100),
        ],
        events=[
            *_active("myschool", "2300000001", "teacher", range(20)),
            *_active("myschool", "2300000001", "student", range(212)),
            *_active("myschool", "2300000002", "teacher", range(16)),
            *_active("sferum", "2300000002", "teacher", range(7, 18)),
            *_active("myschool", "2300000002", "student", range(170)),
            *_active("sferum", "2300000002", "student", range(30, 180)),
            *_active("myschool", "2300000003", "teacher", range(13)),
            *_active("myschool", "2300000003", "student", range(60)),
            *_active("myschool", "2300000004", "student", range(80)),
            *_active("myschool", "2300000005", "teacher", range(5)),
            *_active("myschool", "2300000005", "student", range(10)),
            *_active("myschool", "2300000006", "teacher", range(10)),
            *_active("myschool", "2300000006", "student", range(100)),
        ],
    )
    settings = load_settings(None, environ={}, overrides={"identity": {"shared_user_ids": shared_user_ids}})
    result = compute_indicator(data, parse_month("2024-09"), settings)
    return {s.name: s for s in result.schools}, result


def test_max_combination() -> None:
    schools, result = _example(shared_user_ids=False)
    assert result.combination == "max"
    assert sorted(schools) == ["S1", "S2", "S3", "S4", "S5"]  # S6 is private
    s1, s2, s3, s4 = (schools[n] for n in ("S1", "S2", "S3", "S4"))
    assert (s1.teacher_share_pct, s1.student_share_pct, s1.flagged) == (50.0, 53.0, True)
    assert (s2.teachers_active, s2.students_active, s2.flagged) == (16, 170, False)
    assert (s3.teachers_active, s3.teacher_share_pct, s3.flagged) == (13, 100.0, True)
    assert (s4.teacher_share_pct, s4.flagged) == (None, False)
    region = result.region
    assert (region.schools, region.flagged, region.share_pct, region.target_met, region.schools_needed) == (
        5,
        2,
        40.0,
        True,
        0,
    )
    by_name = {m.name: m for m in result.municipalities}
    assert (by_name[A].flagged, by_name[A].schools, by_name[A].schools_needed) == (2, 3, 0)
    assert (by_name[B].flagged, by_name[B].schools, by_name[B].schools_needed) == (0, 2, 1)
    assert result.data_quality.model_dump() == {"capped_shares": 1, "no_total": 1}


def test_union_combination() -> None:
    schools, result = _example(shared_user_ids=True)
    assert result.combination == "union"
    assert (schools["S2"].teachers_active, schools["S2"].students_active, schools["S2"].flagged) == (18, 180, True)
    assert result.region.flagged == 3
