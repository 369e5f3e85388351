"""The school rating on a hand-computed fixture (docs/metrics.md, «School rating»).

September 2024 against August 2024, role all unless said otherwise:
school          registered  active Sep  share Sep  rank Sep | active Aug  share Aug  rank Aug
Альфа (M1)      4           2           50 %       2        | 1           25 %       2
Бета (M1)       2 (a)       1           50 %       3        | 0           0 %        3
Гамма (M1)      2           1           50 %       4        | 1           50 %       1
Дельта (M2)     1 (b)       1           100 %      1        | 0           0 %        4
Эпсилон (M2)    1 (c)       0           0 %        5        | not registered: unranked
Жемчужина (M2)  0           0           —          —        | unranked
(a) b1 is a teacher and a parent there: one user; (b) plus one blocked teacher, who counts nowhere;
(c) registered on 15.09.
"""

from __future__ import annotations

from datetime import date, datetime

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity import NOTE_REGISTERED_UNKNOWN, NOTE_SCHOOL_GRAIN
from adoption_cli.metrics.rating import RatingResult, compute_rating
from adoption_cli.periods import parse_month
from tests.builders import account, dataset, event, school, stat

SEPT = parse_month("2024-09")
ALPHA, BETA, GAMMA, DELTA, EPSILON, PEARL = (f"230000000{i}" for i in range(1, 7))
MS = "myschool"


def _sep(day: int) -> datetime:
    return datetime(2024, 9, day)


def _aug(day: int) -> datetime:
    return datetime(2024, 8, day)


def fixture() -> Dataset:
    return dataset(
        schools=[
            school(ALPHA, "Альфа", "M1", "municipal", 10, 100),
            school(BETA, "Бета", "M1", "municipal", 10, 100),
            school(GAMMA, "Гамма", "M1", "municipal", 10, 100),
            school(DELTA, "Дельта", "M2", "municipal", 10, 100),
            school(EPSILON, "Эпсилон", "M2", "municipal", 10, 100),
            school(PEARL, "Жемчужина", "M2", "municipal", 10, 100),
        ],
        accounts=[
            account(MS, "a_t1", "teacher", ALPHA),
            account(MS, "a_t2", "teacher", ALPHA),
            account(MS, "a_s1", "student", ALPHA),
            account(MS, "a_s2", "student", ALPHA),
            account(MS, "b1", "teacher", BETA),
            account(MS, "b1", "parent", BETA),
            account(MS, "b2", "parent", BETA),
            account(MS, "c_t1", "teacher", GAMMA),
            account(MS, "c_s1", "student", GAMMA),
            account(MS, "d_t1", "teacher", DELTA),
            account(MS, "d_t2", "teacher", DELTA, status="blocked"),
            account(MS, "e_p1", "parent", EPSILON, registered_at=datetime(2024, 9, 15)),
        ],
        events=[
            event(MS, "a_t1", "teacher", ALPHA, _sep(2)),
            event(MS, "a_s1", "student", ALPHA, _sep(3)),
            event(MS, "a_t1", "teacher", ALPHA, _aug(2)),
            event(MS, "b1", "teacher", BETA, _sep(4)),
            event(MS, "c_t1", "teacher", GAMMA, _sep(5)),
            event(MS, "c_s1", "student", GAMMA, _aug(5)),
            event(MS, "d_t1", "teacher", DELTA, _sep(6)),
            event(MS, "d_t2", "teacher", DELTA, _sep(6)),
        ],
    )


def _table(result: RatingResult) -> list[tuple[object, ...]]:
    return [(s.name, s.rank, s.previous_rank, s.rank_change, s.registered, s.active) for s in result.schools]


def test_ranks_ties_rank_change_and_unranked_last() -> None:
    result = compute_rating(fixture(), SEPT)
    assert _table(result) == [
        ("Дельта", 1, 4, 3, 1, 1),  # the blocked teacher is neither registered nor active
        ("Альфа", 2, 2, 0, 4, 2),  # 50 % with 2 active beats 50 % with 1
        ("Бета", 3, 3, 0, 2, 1),  # b1 (teacher and parent) is one user; Бета before Гамма by name
        ("Гамма", 4, 1, -3, 2, 1),
        ("Эпсилон", 5, None, None, 1, 0),  # new: no rank in August
        ("Жемчужина", None, None, None, 0, 0),
    ]
    assert [s.share_pct for s in result.schools] == [100.0, 50.0, 50.0, 50.0, 0.0, None]
    assert (result.ranked, result.unranked) == (5, 1)


def test_single_role_with_name_order_inside_a_tie() -> None:
    result = compute_rating(fixture(), SEPT, role="teacher")
    assert [(s.name, s.rank, s.registered, s.active) for s in result.schools] == [
        ("Бета", 1, 1, 1),
        ("Гамма", 2, 1, 1),
        ("Дельта", 3, 1, 1),
        ("Альфа", 4, 2, 1),
        ("Жемчужина", None, 0, 0),
        ("Эпсилон", None, 0, 0),
    ]


def test_top_keeps_only_the_best_ranks() -> None:
    result = compute_rating(fixture(), SEPT, top=2)
    assert [(s.name, s.rank) for s in result.schools] == [("Дельта", 1), ("Альфа", 2)]
    assert (result.top, result.ranked, result.unranked) == (2, 5, 1)


def test_municipality_ranks_among_its_own_schools() -> None:
    result = compute_rating(fixture(), SEPT, municipality="M1")
    # August within M1: Гамма 1, Альфа 2, Бета 3
    assert [(s.name, s.rank, s.rank_change) for s in result.schools] == [
        ("Альфа", 1, 1),
        ("Бета", 2, 1),
        ("Гамма", 3, -2),
    ]


def test_school_grain_uses_stats_and_says_so() -> None:
    sept = date(2024, 9, 1)
    ds = dataset(
        schools=[school(ALPHA, "Альфа", "M1", "municipal", 10, 100), school(BETA, "Бета", "M1", "state", 10, 100)],
        school_stats=[
            stat(MS, ALPHA, sept, "teacher", active=1, registered=4),
            stat(MS, ALPHA, sept, "student", active=3, registered=4),
            stat(MS, BETA, sept, "teacher", active=1, registered=1),
        ],
    )
    result = compute_rating(ds, SEPT)
    assert NOTE_SCHOOL_GRAIN in result.notes
    assert [(s.name, s.rank, s.registered, s.active, s.share_pct) for s in result.schools] == [
        ("Бета", 1, 1, 1, 100.0),
        ("Альфа", 2, 8, 4, 50.0),
    ]
    assert [s.previous_rank for s in result.schools] == [None, None]


def test_without_accounts_nobody_is_ranked_and_the_output_says_why() -> None:
    ds = dataset(
        schools=[school(ALPHA, "Альфа", "M1", "municipal", 10, 100)],
        events=[event(MS, "a_t1", "teacher", ALPHA, _sep(2))],
    )
    result = compute_rating(ds, SEPT)
    assert [(s.rank, s.registered, s.active) for s in result.schools] == [(None, None, 1)]
    assert NOTE_REGISTERED_UNKNOWN in result.notes


def test_without_accounts_a_school_with_no_activity_has_no_registered_figure_either() -> None:
    """Registration is unknown for every school, not 0 for those with nothing in the exports."""
    ds = dataset(
        schools=[school(ALPHA, "Альфа", "M1", "municipal", 10, 100), school(BETA, "Бета", "M1", "state", 10, 100)],
        events=[event(MS, "a_t1", "teacher", ALPHA, _sep(2))],
    )
    result = compute_rating(ds, SEPT)
    assert [(s.name, s.registered, s.active) for s in result.schools] == [("Альфа", None, 1), ("Бета", None, 0)]


def test_school_grain_rows_of_one_key_with_a_registered_figure_missing_leave_it_unknown() -> None:
    """Two rows for one school and role, one without `registered`: 90 registered behind 70 + 15 active would
    be 94 %; the school's registration is unknown, so it is not ranked."""
    sept = date(2024, 9, 1)
    ds = dataset(
        schools=[school(ALPHA, "Альфа", "M1", "municipal", 10, 100), school(BETA, "Бета", "M1", "state", 10, 100)],
        school_stats=[
            stat(MS, ALPHA, sept, "student", active=70, registered=90),
            stat(MS, ALPHA, sept, "student", active=15, registered=None),
            stat(MS, BETA, sept, "student", active=1, registered=2),
        ],
    )
    result = compute_rating(ds, SEPT)
    assert [(s.name, s.rank, s.registered, s.active) for s in result.schools] == [
        ("Бета", 1, 2, 1),
        ("Альфа", None, None, 85),
    ]
