"""Invariants of the indicator that must hold on any data (hypothesis).

Each property is one the analyst relies on without thinking: shares stay within 0–100 %, the region is the
sum of its municipalities, more activity never unflags a school, max ≤ union ≤ sum across platforms, and
neither the order of rows, duplicated events nor a blocked user's events change any result.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adoption_cli.config import Settings, load_settings
from adoption_cli.metrics.activity_base import active_any_platform, active_counts
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.indicator_result import IndicatorResult
from adoption_cli.periods import parse_month
from tests.builders import account, dataset, event, school

SEPT = parse_month("2024-09")
SCHOOL_IDS = ["2300000001", "2300000002", "2300000003", "2300000004"]
MUNICIPALITIES = ["г. Краснодар", "г. Сочи", "Абинский район"]
PLATFORMS = ["myschool", "sferum"]
ROLES = ["teacher", "student", "parent"]
SEPT_START = datetime(2024, 8, 25)  # a few days either side of September, to exercise the boundaries

schools_strategy = st.lists(
    st.tuples(
        st.sampled_from(MUNICIPALITIES),
        st.sampled_from(["municipal", "state", "private"]),
        st.one_of(st.none(), st.integers(0, 6)),
        st.one_of(st.none(), st.integers(0, 8)),
    ),
    min_size=len(SCHOOL_IDS),
    max_size=len(SCHOOL_IDS),
)
events_strategy = st.lists(
    st.tuples(
        st.sampled_from(PLATFORMS),
        st.integers(0, 9),  # user number: the same number on two platforms may or may not be one person
        st.sampled_from(ROLES),
        st.sampled_from(SCHOOL_IDS),
        st.integers(0, 45 * 24),  # hours after SEPT_START
    ),
    max_size=40,
)
blocked_strategy = st.sets(st.tuples(st.sampled_from(PLATFORMS), st.integers(0, 9)), max_size=3)

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _settings(shared: bool = False) -> Settings:
    return load_settings(None, environ={}, overrides={"identity": {"shared_user_ids": shared}})


def _build(schools_spec, events_spec, blocked=frozenset(), *, reverse: bool = False, duplicate: bool = False):
    school_rows = [
        school(sid, f"Школа {i}", muni, own, teachers, students)
        for i, (sid, (muni, own, teachers, students)) in enumerate(zip(SCHOOL_IDS, schools_spec, strict=True))
    ]
    event_rows = [
        event(platform, f"u{user}", role, sid, SEPT_START + timedelta(hours=hours))
        for platform, user, role, sid, hours in events_spec
    ]
    if duplicate:
        event_rows = event_rows + event_rows[: len(event_rows) // 2]
    if reverse:
        school_rows, event_rows = school_rows[::-1], event_rows[::-1]
    account_rows = [account(p, f"u{u}", "student", SCHOOL_IDS[0], status="blocked") for p, u in sorted(blocked)]
    return dataset(schools=school_rows, events=event_rows, accounts=account_rows)


def _flags(result: IndicatorResult) -> dict[str, bool]:
    return {s.school_id: s.flagged for s in result.schools}


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy)
def test_shares_within_bounds_and_region_is_sum_of_municipalities(schools_spec, events_spec) -> None:
    result = compute_indicator(_build(schools_spec, events_spec), SEPT, _settings())
    for s in result.schools:
        for share in (s.teacher_share_pct, s.student_share_pct):
            assert share is None or 0.0 <= share <= 100.0
    assert result.region.schools == sum(m.schools for m in result.municipalities)
    assert result.region.flagged == sum(m.flagged for m in result.municipalities)
    assert result.region.schools_needed >= 0
    if result.region.share_pct is not None:
        assert 0.0 <= result.region.share_pct <= 100.0


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy, events_strategy)
def test_more_activity_never_unflags_a_school(schools_spec, events_spec, extra_events) -> None:
    before = _flags(compute_indicator(_build(schools_spec, events_spec), SEPT, _settings()))
    after = _flags(compute_indicator(_build(schools_spec, events_spec + extra_events), SEPT, _settings()))
    assert all(after[sid] for sid, flagged in before.items() if flagged)


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy)
def test_max_le_union_le_sum_across_platforms(schools_spec, events_spec) -> None:
    ds = _build(schools_spec, events_spec)
    keys = ["school_id", "role"]
    as_max = active_any_platform(ds, SEPT, PLATFORMS, "max").collect()
    as_union = active_any_platform(ds, SEPT, PLATFORMS, "union").collect()
    as_sum = active_counts(ds, SEPT, PLATFORMS).group_by(keys).agg(active=pl.col("active").sum()).collect()
    joined = as_sum.join(as_max, on=keys, how="left", suffix="_max").join(
        as_union, on=keys, how="left", suffix="_union"
    )
    for row in joined.iter_rows(named=True):
        assert (row["active_max"] or 0) <= (row["active_union"] or 0) <= row["active"]


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy, st.booleans())
def test_row_order_and_duplicate_events_change_nothing(schools_spec, events_spec, shared) -> None:
    base = compute_indicator(_build(schools_spec, events_spec), SEPT, _settings(shared))
    shuffled = compute_indicator(
        _build(schools_spec, events_spec, reverse=True, duplicate=True), SEPT, _settings(shared)
    )
    assert shuffled == base


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy, blocked_strategy, events_strategy)
def test_a_blocked_users_events_change_nothing(schools_spec, events_spec, blocked, blocked_events) -> None:
    base = compute_indicator(_build(schools_spec, events_spec, blocked), SEPT, _settings())
    # More events, all of them by blocked users: no figure may move.
    extra = [(p, u, role, sid, hours) for (p, u, role, sid, hours) in blocked_events if (p, u) in blocked]
    with_extra = compute_indicator(_build(schools_spec, events_spec + extra, blocked), SEPT, _settings())
    assert with_extra == base
