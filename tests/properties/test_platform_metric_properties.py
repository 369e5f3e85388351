"""Invariants of the assistant, Сферум and «Моя школа» activity metrics on any data (hypothesis), at both grains.

Shares stay within 0–100 %; a municipality's ОО-1 totals are the sums over its schools and the region's
the sums over municipalities; the region's active users are at least those of its busiest municipality and
at most their sum (a user active in two municipalities counts once: exactly the sum at school grain, where
only per-school figures exist); «target met» agrees with «nobody more needed»; row order and repeated
events change nothing. The activity panels: every share within 0–100 %, no part larger than its whole
(schools active ≤ schools; content demanded ≤ available), a municipality's counts within the region's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adoption_cli.config import load_settings
from adoption_cli.metrics.activity import ActivityResult, compute_activity
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.changes import CountChange, ShareChange
from adoption_cli.metrics.common import AssistantSummary
from adoption_cli.metrics.sferum import SferumSummary, compute_sferum
from adoption_cli.periods import parse_month
from tests.builders import account, content_item, content_view, dataset, event, school, stat
from tests.properties.test_indicator_properties import SCHOOL_IDS, schools_strategy

SEPT = parse_month("2024-09")
START = datetime(2024, 7, 25)  # August and September: the month and its previous one for Сферум


def events_on(*platforms: str) -> st.SearchStrategy[list[tuple[str, int, str, str, int]]]:
    """Events (platform, user number, role, school, hours after START) on these platforms."""
    return st.lists(
        st.tuples(
            st.sampled_from(platforms),
            st.integers(0, 9),
            st.sampled_from(["teacher", "student", "parent"]),
            st.sampled_from(SCHOOL_IDS),
            st.integers(0, 70 * 24),
        ),
        max_size=40,
    )


events_strategy = events_on("assistant", "sferum")
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
        _check_share(s.share_pct, s.students_total or 0)
    # Every population school is listed; those without a positive total are the ones counted in no_total.
    judged = [s for s in result.schools if s.students_total]
    assert result.data_quality.no_total == len(result.schools) - len(judged)
    munis = result.municipalities
    assert result.region.students_total == sum(m.students_total for m in munis)
    active = [m.students_active for m in munis]
    assert max(active, default=0) <= result.region.students_active <= sum(active)
    if result.grain == "school":
        assert result.region.students_active == sum(active)
    for m in munis:
        schools = [s for s in judged if s.municipality == m.name]
        assert m.students_total == sum(s.students_total or 0 for s in schools)
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


# --- «Моя школа» activity panels ---

activity_events = events_on("myschool")
accounts_strategy = st.lists(
    st.tuples(
        st.integers(0, 9),
        st.sampled_from(["teacher", "student", "parent"]),
        st.sampled_from(SCHOOL_IDS),
        st.sampled_from(["active", "active", "blocked"]),
        st.one_of(st.none(), st.integers(0, 70 * 24)),  # registered at, hours after START
    ),
    max_size=15,
)
content_strategy = st.tuples(
    st.lists(st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 60))), max_size=5),  # days
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9), st.integers(0, 70 * 24)), max_size=15),
)


def _activity_data(schools_spec, events_spec, accounts_spec, content_spec, stats_spec):
    items, views = content_spec
    # Without user-level rows the panels come from «Моя школа» school statistics (the other grain).
    stats = {("myschool", *key[1:]): active for key, active in stats_spec.items()}
    base = _build(schools_spec, events_spec, {} if events_spec or accounts_spec else stats)
    accounts = [
        account("myschool", f"u{u}", role, sid, status, None if h is None else START + timedelta(hours=h))
        for u, role, sid, status, h in accounts_spec
    ]
    item_rows = [
        content_item(
            f"c{i}", "cok", START + timedelta(days=start), None if end is None else START + timedelta(days=end)
        )
        for i, (start, end) in enumerate(items)
    ]
    view_rows = [content_view(f"c{c}", f"u{u}", START + timedelta(hours=h)) for c, u, h in views]
    kinds = {k.value: base.frame(k).collect().rows() for k in base.frames}
    kinds["accounts"] = accounts
    return dataset(**kinds, content_items=item_rows, content_views=view_rows)


def _panel_figures(result: ActivityResult) -> tuple[list[CountChange], list[ShareChange]]:
    panels = [result.schools, result.teachers, result.students, result.parents, *result.content.values()]
    fields = [getattr(panel, name) for panel in panels for name in type(panel).model_fields]
    return [f for f in fields if isinstance(f, CountChange)], [f for f in fields if isinstance(f, ShareChange)]


@settings(PROPERTY_SETTINGS, max_examples=30)  # each example computes up to four scopes
@given(schools_strategy, activity_events, accounts_strategy, content_strategy, stats_strategy)
def test_activity_panels_bounded_and_municipalities_within_the_region(
    schools_spec, events_spec, accounts_spec, content_spec, stats_spec
):
    ds = _activity_data(schools_spec, events_spec, accounts_spec, content_spec, stats_spec)
    region = compute_activity(ds, SEPT)
    counts, shares = _panel_figures(region)
    for share in shares:
        for value in (share.value, share.previous):
            assert value is None or 0.0 <= value <= 100.0
    for count in counts:
        assert all(v is None or v >= 0 for v in (count.value, count.previous))
    assert (region.schools.active.value or 0) <= (region.schools.total.value or 0)
    assert (region.schools.registered.value or 0) <= (region.schools.total.value or 0)
    for panel in region.content.values():
        assert (panel.demanded.value or 0) <= (panel.available.value or 0)
    municipalities = sorted({muni for muni, *_ in schools_spec})
    parts = [compute_activity(ds, SEPT, municipality=name) for name in municipalities]
    assert region.schools.total.value == sum(p.schools.total.value or 0 for p in parts)
    for role in ("teachers", "students"):
        assert getattr(region, role).total.value == sum(getattr(p, role).total.value or 0 for p in parts)
        for figure in ("registered", "active"):
            whole = getattr(getattr(region, role), figure).value
            pieces = [getattr(getattr(p, role), figure).value for p in parts]
            if whole is not None:  # None: not known at this grain (no accounts export)
                assert max((x or 0 for x in pieces), default=0) <= whole <= sum(x or 0 for x in pieces)
