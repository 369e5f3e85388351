"""Invariants of the assistant and Сферум metrics on any data (hypothesis), at both grains.

Shares stay within 0–100 %; a municipality's ОО-1 totals are the sums over its schools and the region's
the sums over municipalities; the region's active users are at least those of its busiest municipality and
at most their sum (a user active in two municipalities counts once: exactly the sum at school grain, where
only per-school figures exist); «target met» agrees with «nobody more needed»; row order and repeated
events change nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adoption_cli.config import load_settings
from adoption_cli.metrics.assistant import AssistantSummary, compute_assistant
from adoption_cli.metrics.sferum import SferumSummary, compute_sferum
from adoption_cli.periods import parse_month
from tests.builders import account, dataset, event, school, stat
from tests.properties.test_indicator_properties import SCHOOL_IDS, schools_strategy

SEPT = parse_month("2024-09")
START = datetime(2024, 7, 25)  # August and September: the month and its previous one for Сферум

events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["assistant", "sferum"]),
        st.integers(0, 9),
        st.sampled_from(["teacher", "student", "parent"]),
        st.sampled_from(SCHOOL_IDS),
        st.integers(0, 70 * 24),
    ),
    max_size=40,
)
stats_strategy = st.dictionaries(
    st.tuples(
        st.sampled_from(["assistant", "sferum"]),
        st.sampled_from(SCHOOL_IDS),
        st.sampled_from([date(2024, 8, 1), date(2024, 9, 1)]),
        st.sampled_from(["teacher", "student"]),
    ),
    st.integers(0, 12),
    max_size=12,
)
blocked_strategy = st.sets(st.tuples(st.sampled_from(["assistant", "sferum"]), st.integers(0, 9)), max_size=3)

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _build(schools_spec, events_spec, stats_spec, blocked=frozenset(), *, reverse=False, duplicate=False):
    schools = [
        school(sid, f"Школа {i}", muni, own, teachers, students)
        for i, (sid, (muni, own, teachers, students)) in enumerate(zip(SCHOOL_IDS, schools_spec, strict=True))
    ]
    events = [event(p, f"u{u}", role, sid, START + timedelta(hours=h)) for p, u, role, sid, h in events_spec]
    stats = [stat(p, sid, month, role, active) for (p, sid, month, role), active in sorted(stats_spec.items())]
    accounts = [account(p, f"u{u}", "student", SCHOOL_IDS[0], status="blocked") for p, u in sorted(blocked)]
    if duplicate:
        events += events[: len(events) // 2]
    if reverse:
        schools, events, stats = schools[::-1], events[::-1], stats[::-1]
    kinds = {"schools": schools, "accounts": accounts}
    # One grain per data set: user-level exports win over statistics (Dataset.platform_grain).
    return dataset(**kinds, events=events) if events else dataset(**kinds, school_stats=stats)


def _check_share(share: float | None, total: int) -> None:
    assert (share is None) == (total == 0)
    assert share is None or 0.0 <= share <= 100.0


def _check_assistant(summary: AssistantSummary) -> None:
    _check_share(summary.share_pct, summary.students_total)
    assert summary.students_needed >= 0
    assert summary.target_met == (summary.students_total > 0 and summary.students_needed == 0)


def _check_sferum(summary: SferumSummary) -> None:
    _check_share(summary.teacher_share_pct, summary.teachers_total)
    _check_share(summary.student_share_pct, summary.students_total)


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy, stats_strategy, blocked_strategy)
def test_assistant_shares_bounds_and_region_from_municipalities(schools_spec, events_spec, stats_spec, blocked):
    result = compute_assistant(
        _build(schools_spec, events_spec, stats_spec, blocked), SEPT, load_settings(None, environ={})
    )
    for summary in (result.region, *result.municipalities):
        _check_assistant(summary)
    for s in result.schools:
        _check_share(s.share_pct, s.students_total)
    munis = result.municipalities
    assert result.region.students_total == sum(m.students_total for m in munis)
    active = [m.students_active for m in munis]
    assert max(active, default=0) <= result.region.students_active <= sum(active)
    if result.grain == "school":
        assert result.region.students_active == sum(active)
    for m in munis:
        schools = [s for s in result.schools if s.municipality == m.name]
        assert m.students_total == sum(s.students_total for s in schools)
        assert m.students_active <= sum(s.students_active for s in schools)


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy, stats_strategy, blocked_strategy)
def test_sferum_shares_bounds_and_region_from_municipalities(schools_spec, events_spec, stats_spec, blocked):
    result = compute_sferum(
        _build(schools_spec, events_spec, stats_spec, blocked), SEPT, load_settings(None, environ={})
    )
    munis = result.municipalities
    for summary in (result.region, *munis):
        _check_sferum(summary)
    for role in ("teachers", "students"):
        for when in ("", "_previous"):
            active = [getattr(m, f"{role}_active{when}") for m in munis]
            region = getattr(result.region, f"{role}_active{when}")
            assert max(active, default=0) <= region <= sum(active)
            if result.grain == "school":
                assert region == sum(active)
        assert getattr(result.region, f"{role}_total") == sum(getattr(m, f"{role}_total") for m in munis)


@PROPERTY_SETTINGS
@given(schools_strategy, events_strategy, stats_strategy, blocked_strategy)
def test_row_order_and_repeated_events_change_neither_metric(schools_spec, events_spec, stats_spec, blocked):
    config = load_settings(None, environ={})
    base = _build(schools_spec, events_spec, stats_spec, blocked)
    other = _build(schools_spec, events_spec, stats_spec, blocked, reverse=True, duplicate=True)
    assert compute_assistant(other, SEPT, config) == compute_assistant(base, SEPT, config)
    assert compute_sferum(other, SEPT, config) == compute_sferum(base, SEPT, config)
