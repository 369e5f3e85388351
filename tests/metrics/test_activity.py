"""The «Моя школа» panels on a hand-computed fixture (docs/metrics.md, «Моя школа» panels).

September 2024 against August 2024. Schools A, B (M1), C, D (M2); D has no ОО-1 teacher total.
- t1: teacher with accounts at A and B, active at both in September, active nowhere in August;
- t2: teacher at A registered on 30.09 23:00 (the period's last day), never active;
- t3: teacher at C, blocked: active on paper, counts nowhere;
- s1: student at A, no registration date (registered), active only in August;
- s2: student at A registered 01.10 (after the period) but active in September;
- p1: parent at C registered 15.08, active on 30.09 at 23:59:59;
- t9: a Сферум teacher at D: another platform.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity import (
    NOTE_NO_CONTENT_DATA,
    NOTE_REGISTERED_UNKNOWN,
    NOTE_SCHOOL_GRAIN,
    compute_activity,
)
from adoption_cli.periods import parse_month, window_period
from tests.builders import account, content_item, content_view, dataset, event, school, stat

SEPT = parse_month("2024-09")
A, B, C, D = "2300000001", "2300000002", "2300000003", "2300000004"


def fixture() -> Dataset:
    return dataset(
        schools=[
            school(A, "Школа А", "M1", "municipal", 4, 10),
            school(B, "Школа Б", "M1", "private", 2, 5),
            school(C, "Школа В", "M2", "state", 3, 6),
            school(D, "Школа Г", "M2", "municipal", None, 8),
        ],
        accounts=[
            account("myschool", "t1", "teacher", A, registered_at=datetime(2024, 1, 10)),
            account("myschool", "t1", "teacher", B, registered_at=datetime(2024, 1, 10)),
            account("myschool", "t2", "teacher", A, registered_at=datetime(2024, 9, 30, 23, 0)),
            account("myschool", "t3", "teacher", C, status="blocked", registered_at=datetime(2024, 1, 1)),
            account("myschool", "s1", "student", A),
            account("myschool", "s2", "student", A, registered_at=datetime(2024, 10, 1)),
            account("myschool", "p1", "parent", C, registered_at=datetime(2024, 8, 15)),
            account("sferum", "t9", "teacher", D, registered_at=datetime(2024, 1, 1)),
        ],
        events=[
            event("myschool", "t1", "teacher", A, datetime(2024, 9, 5)),
            event("myschool", "t1", "teacher", B, datetime(2024, 9, 6)),
            event("myschool", "t3", "teacher", C, datetime(2024, 9, 7)),
            event("myschool", "s1", "student", A, datetime(2024, 8, 20)),
            event("myschool", "s2", "student", A, datetime(2024, 9, 10)),
            event("myschool", "p1", "parent", C, datetime(2024, 9, 30, 23, 59, 59)),
            event("sferum", "t9", "teacher", D, datetime(2024, 9, 1)),
        ],
        content_items=[
            content_item("c1", "cok", datetime(2024, 1, 1)),
            content_item("c2", "cok", datetime(2024, 9, 30, 12, 0)),  # from the period's last day
            content_item("c3", "cok", datetime(2024, 6, 1), datetime(2024, 9, 1)),  # to the period's first day
            content_item("c4", "cok", datetime(2024, 6, 1), datetime(2024, 8, 31, 23, 59)),  # gone before
            content_item("c5", "social", datetime(2024, 10, 1)),  # not yet published
            content_item("d1", "document", datetime(2024, 1, 1)),
        ],
        content_views=[
            content_view("c1", "s1", datetime(2024, 9, 3)),
            content_view("c2", "p1", datetime(2024, 9, 30, 18, 0)),
            content_view("c4", "t1", datetime(2024, 9, 2)),  # viewed, but not available in September
            content_view("c5", "t1", datetime(2024, 9, 5)),
            content_view("d1", "t3", datetime(2024, 9, 5)),  # a blocked user's view counts nowhere
            content_view("c1", "t1", datetime(2024, 8, 10)),
        ],
    )


def test_schools_panel_counts_registry_registered_and_active() -> None:
    result = compute_activity(fixture(), SEPT)
    schools = result.schools
    assert (schools.total.value, schools.total.previous) == (4, 4)
    # A (t1, t2, s1), B (t1), C (p1; t3 is blocked) — the same three already in August
    assert (schools.registered.value, schools.registered.previous, schools.registered.change_pct) == (3, 3, 0.0)
    # September: A, B (t1) and C (p1); August: A (s1)
    assert (schools.active.value, schools.active.previous) == (3, 1)
    assert schools.active.change_pct == pytest.approx(200.0)
    assert schools.active_share_of_total.value == pytest.approx(75.0)
    assert schools.active_share_of_total.change_pp == pytest.approx(50.0)


def test_teacher_in_two_schools_counts_once_and_period_end_registration_counts() -> None:
    teachers = compute_activity(fixture(), SEPT).teachers
    assert teachers.total.value == 9  # 4 + 2 + 3; D has no figure
    # t1 (two schools, once) and t2 (registered on the period's last day); t3 is blocked
    assert (teachers.registered.value, teachers.registered.previous) == (2, 1)
    assert teachers.registered.change_pct == pytest.approx(100.0)
    assert teachers.registered_share_of_total.value == pytest.approx(200 / 9)
    assert teachers.registered_share_of_total.change_pp == pytest.approx(100 / 9)
    # t1 once although active at A and B; t3's activity is blocked
    assert (teachers.active.value, teachers.active.previous) == (1, 0)
    assert teachers.active.change_pct is None  # from zero: no relative change
    assert teachers.active_share_of_registered.value == pytest.approx(50.0)
    assert teachers.active_share_of_registered.change_pp == pytest.approx(50.0)


def test_students_and_parents() -> None:
    result = compute_activity(fixture(), SEPT)
    students, parents = result.students, result.parents
    assert students.total.value == 29
    assert (students.registered.value, students.active.value) == (1, 1)  # s1 registered; s2 active
    assert (students.active.previous, students.active.change_pct) == (1, 0.0)
    assert (parents.registered.value, parents.registered.previous) == (1, 1)
    assert (parents.active.value, parents.active.previous, parents.active.change_pct) == (1, 0, None)
    assert parents.active_share_of_registered.value == pytest.approx(100.0)
    assert result.data_quality.active_not_registered == 1  # s2
    assert result.data_quality.schools_without_totals == 1  # D


def test_content_availability_edges_and_demand() -> None:
    content = compute_activity(fixture(), SEPT).content
    cok = content["cok"]
    # September: c1, c2 (from the last day), c3 (to the first day); August: c1, c3, c4
    assert (cok.available.value, cok.available.previous) == (3, 3)
    assert (cok.demanded.value, cok.demanded.previous) == (2, 1)  # c1, c2 | c1
    assert cok.demanded_share_of_available.value == pytest.approx(200 / 3)
    assert cok.demanded_share_of_available.change_pp == pytest.approx(100 / 3)
    assert (content["social"].available.value, content["social"].demanded_share_of_available.value) == (0, None)
    assert (content["document"].available.value, content["document"].demanded.value) == (1, 0)


def test_municipality_scope() -> None:
    result = compute_activity(fixture(), SEPT, municipality="M1")
    assert (result.scope.level, result.scope.municipality) == ("municipality", "M1")
    assert (result.schools.total.value, result.schools.registered.value, result.schools.active.value) == (2, 2, 2)
    assert (result.teachers.total.value, result.teachers.registered.value, result.teachers.active.value) == (6, 2, 1)
    assert (result.parents.registered.value, result.parents.active.value) == (0, 0)
    # only views by users known at A or B: c1 by s1 (c2 was viewed by p1 of M2)
    assert result.content["cok"].demanded.value == 1


def test_rolling_window_across_a_month_boundary() -> None:
    window = window_period("2024-10-05", 10)  # 26.09–05.10, previous 16.09–25.09
    result = compute_activity(fixture(), window)
    assert result.previous_period.start == "2024-09-16"
    assert (result.parents.active.value, result.parents.active.previous) == (1, 0)  # p1 on 30.09
    assert (result.students.registered.value, result.students.registered.previous) == (2, 1)  # s2 from 01.10
    assert (result.teachers.active.value, result.students.active.previous) == (0, 0)
    # c2 appears on 30.09 and is viewed then; c5 (social) is published on 01.10
    assert (result.content["cok"].demanded.value, result.content["social"].available.value) == (1, 1)


def test_another_platform_uses_its_own_accounts() -> None:
    result = compute_activity(fixture(), SEPT, platform="sferum")
    assert (result.platform, result.teachers.registered.value, result.teachers.active.value) == ("sferum", 1, 1)
    assert result.schools.active.value == 1  # D


def test_school_grain_sums_stats_and_says_so() -> None:
    sept, aug = date(2024, 9, 1), date(2024, 8, 1)
    ds = dataset(
        schools=[school(A, "Школа А", "M1", "municipal", 4, 10), school(B, "Школа Б", "M1", "state", 2, 5)],
        school_stats=[
            stat("myschool", A, sept, "teacher", active=2, registered=3),
            stat("myschool", B, sept, "teacher", active=1, registered=2),
            stat("myschool", B, sept, "student", active=0, registered=4),
            stat("myschool", A, aug, "teacher", active=0, registered=3),
        ],
    )
    result = compute_activity(ds, SEPT)
    assert result.grain == "school"
    assert NOTE_SCHOOL_GRAIN in result.notes and NOTE_NO_CONTENT_DATA in result.notes
    assert (result.teachers.registered.value, result.teachers.active.value) == (5, 3)
    assert (result.teachers.registered.previous, result.teachers.active.previous) == (3, 0)
    assert (result.students.registered.value, result.students.active.value) == (4, 0)
    assert (result.schools.registered.value, result.schools.active.value) == (2, 2)
    assert (result.schools.registered.previous, result.schools.active.previous) == (1, 0)
    assert result.data_quality.active_not_registered is None


def test_school_grain_without_registered_figures_is_unknown_not_zero() -> None:
    ds = dataset(
        schools=[school(A, "Школа А", "M1", "municipal", 4, 10)],
        school_stats=[stat("myschool", A, date(2024, 9, 1), "teacher", active=2)],
    )
    result = compute_activity(ds, SEPT)
    assert NOTE_REGISTERED_UNKNOWN in result.notes
    assert (result.teachers.registered.value, result.teachers.active_share_of_registered.value) == (None, None)
    assert result.teachers.active.value == 2


def test_school_grain_notes_a_role_whose_registration_is_unknown_beside_a_known_one() -> None:
    """The students' figure is exported, the teachers' is not: the teachers' «—» is still explained."""
    sept = date(2024, 9, 1)
    ds = dataset(
        schools=[school(A, "Школа А", "M1", "municipal", 4, 10)],
        school_stats=[
            stat("myschool", A, sept, "teacher", active=2),
            stat("myschool", A, sept, "student", active=5, registered=8),
        ],
    )
    result = compute_activity(ds, SEPT)
    assert (result.teachers.registered.value, result.students.registered.value) == (None, 8)
    assert result.schools.registered.value == 1
    assert NOTE_REGISTERED_UNKNOWN in result.notes


def test_school_grain_share_of_registered_leaves_out_schools_whose_registration_is_unknown() -> None:
    """Б's students: two rows of one key, one without `registered` — its registration is unknown. All 8 + 85
    active count as active, but the share of registered is А's 8 of 10 alone, not 93 of 10 (or of 100)."""
    sept = date(2024, 9, 1)
    ds = dataset(
        schools=[school(A, "Школа А", "M1", "municipal", 4, 10), school(B, "Школа Б", "M1", "state", 2, 100)],
        school_stats=[
            stat("myschool", A, sept, "student", active=8, registered=10),
            stat("myschool", B, sept, "student", active=70, registered=90),
            stat("myschool", B, sept, "student", active=15),
        ],
    )
    students = compute_activity(ds, SEPT).students
    assert (students.registered.value, students.active.value) == (10, 93)
    assert students.active_share_of_registered.value == 80.0


def test_events_without_an_accounts_export_leave_registration_unknown() -> None:
    ds = dataset(
        schools=[school(A, "Школа А", "M1", "municipal", 4, 10)],
        events=[event("myschool", "t1", "teacher", A, datetime(2024, 9, 5))],
    )
    result = compute_activity(ds, SEPT)
    assert NOTE_REGISTERED_UNKNOWN in result.notes
    assert (result.teachers.registered.value, result.teachers.active.value) == (None, 1)
    assert (result.schools.registered.value, result.schools.active.value) == (None, 1)
    assert result.data_quality.active_not_registered is None


def test_a_municipalitys_content_demand_is_the_same_as_current_or_previous_period() -> None:
    """A user with no account is placed at a municipality by activity in the view's own period: u1 viewed in
    August and was active at the school only in September, so August's demand there is 0 whether August is
    the period asked for or the one compared with (it was 0 and 1); u2, active there in August, counts."""
    data = dataset(
        schools=[
            school("2300000001", "A", "Север", "municipal", 1, 1),
            school("2300000002", "B", "Юг", "municipal", 1, 1),
        ],
        events=[
            event("myschool", "u1", "student", "2300000001", datetime(2024, 9, 5)),
            event("myschool", "u2", "student", "2300000001", datetime(2024, 8, 3)),
        ],
        content_items=[
            content_item("c1", "cok", datetime(2024, 1, 1)),
            content_item("c2", "cok", datetime(2024, 1, 1)),
        ],
        content_views=[
            content_view("c1", "u1", datetime(2024, 8, 10)),
            content_view("c2", "u2", datetime(2024, 8, 12)),
        ],
    )
    august = compute_activity(data, parse_month("2024-08"), municipality="Север").content["cok"]
    september = compute_activity(data, SEPT, municipality="Север").content["cok"]
    assert august.demanded.value == september.demanded.previous == 1  # c2 by u2
