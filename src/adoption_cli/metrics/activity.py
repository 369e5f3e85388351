"""The «Моя школа» panels: schools, teachers, students, parents and content, for the region or one
municipality, each figure with its change versus the previous period (docs/metrics.md, «Моя школа» panels).

The platform is a parameter (default `myschool`) so that the same panels can be shown for another one.
People are counted as distinct (platform, user_id) in the scope: a teacher of two schools counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from pydantic import BaseModel

from adoption_cli.dataset import Dataset, Grain
from adoption_cli.metrics.activity_base import (
    active_users,
    activity_records,
    blocked_accounts,
    distinct_active,
    distinct_registered,
    has_accounts,
    in_period,
    registered_accounts,
    school_grain_figures,
    stored_months,
    summed_registered,
    with_activity_for,
)
from adoption_cli.metrics.changes import CountChange, ShareChange, compare, compare_share
from adoption_cli.metrics.common import DEFAULT_PLATFORM, PeriodInfo, is_capped, pct
from adoption_cli.metrics.scopes import Scope, platform_grain, schools_in_scope
from adoption_cli.periods import Period
from adoption_cli.schema import CONTENT_KINDS, ROLE_CODES, Kind

# Notes a reader must see next to the figures (machine codes; the renderer words them).
NOTE_SCHOOL_GRAIN = "school_grain"  # only school stats: no distinct-user dedup across schools
NOTE_NO_PLATFORM_DATA = "no_platform_data"
NOTE_REGISTERED_UNKNOWN = "registered_unknown"  # no accounts export, or school stats without `registered`
NOTE_NO_CONTENT_DATA = "no_content_data"

RULES_USER_GRAIN = {
    "active": (
        "distinct (platform, user_id) with >= 1 event or last login on the platform on a day of the period, "
        "account not blocked"
    ),
    "registered": (
        "distinct (platform, user_id) with an unblocked account on the platform registered on or before the "
        "period's last day; an empty registered_at counts as registered"
    ),
    "schools": (
        "every registry school in scope, any form of ownership; registered: >= 1 registered account; "
        "active: >= 1 active user; shares of the registry schools"
    ),
    "people": "teachers/students: registered share of the OO-1 total; active share of registered",
    "content": (
        "available: available_from <= period end and (available_to empty or >= period start); "
        "demanded: available items viewed in the period by users not blocked; share of available"
    ),
}
RULES_SCHOOL_GRAIN = {
    **RULES_USER_GRAIN,
    "active": "sum over schools of the school stats' `active` (month of the period; window: month of its last day)",
    "registered": "sum over schools of the school stats' `registered` for the month of the period's last day",
    "schools": (
        "every registry school in scope, any form of ownership; registered: stats registered > 0; "
        "active: stats active > 0; shares of the registry schools"
    ),
}


class SchoolsPanel(BaseModel):
    total: CountChange
    registered: CountChange
    registered_share_of_total: ShareChange
    active: CountChange
    active_share_of_total: ShareChange


class PeoplePanel(BaseModel):
    total: CountChange  # ОО-1
    registered: CountChange
    registered_share_of_total: ShareChange
    active: CountChange
    active_share_of_registered: ShareChange


class ParentsPanel(BaseModel):
    registered: CountChange
    active: CountChange
    active_share_of_registered: ShareChange


class ContentPanel(BaseModel):
    available: CountChange
    demanded: CountChange
    demanded_share_of_available: ShareChange


class ActivityQuality(BaseModel):
    schools_without_totals: int  # ОО-1 teachers or students missing or 0: their people have no denominator
    active_not_registered: int | None  # user grain: active (user, role) without a registered account in scope
    capped_shares: list[str] = []  # `panel.metric` of shares shown capped at 100 % (this or the previous period)


class ActivityResult(BaseModel):
    period: PeriodInfo
    previous_period: PeriodInfo
    platform: str
    grain: Grain
    scope: Scope
    rules: dict[str, str]
    schools: SchoolsPanel
    teachers: PeoplePanel
    students: PeoplePanel
    parents: ParentsPanel
    content: dict[str, ContentPanel]
    notes: list[str]
    data_quality: ActivityQuality


Figures = dict[str, int | None]
_UNKNOWN_REGISTERED: Figures = {
    key: None for key in (*(f"{role}.registered" for role in ROLE_CODES), "schools.registered")
}


@dataclass(frozen=True)
class _Request:
    dataset: Dataset
    platform: str
    grain: Grain
    schools: pl.LazyFrame  # registry schools in scope
    municipality: str | None
    blocked: pl.LazyFrame  # user_id of the platform's blocked accounts, read once for both periods


# The active users behind the share of registered: all of them at user grain; at school grain those of the
# schools whose registration of the role is known (docs/metrics.md, «Моя школа» panels).
ACTIVE_OF_REGISTERED = "active_of_registered"


def _by_role(frame: pl.DataFrame, value: str) -> Figures:
    found = dict(zip(frame["role"].to_list(), frame[value].to_list(), strict=True))
    return {f"{role}.{value}": found.get(role, 0) for role in ROLE_CODES}


def _unregistered(request: _Request, period: Period) -> pl.LazyFrame:
    """The number of distinct (platform, role, user_id) active in the scope without an account registered in
    it by the period's last day. For a stored month only the active users without one at their own pair are
    candidates, and the schools where they have one come with them: no account is read."""
    dataset, ids, person = request.dataset, request.schools.select("school_id"), ["platform", "role", "user_id"]
    if stored_months(dataset, [period]):
        assert dataset.active_exceptions is not None  # stored_months
        candidates = dataset.active_exceptions.filter(
            (pl.col("month") == period.start) & pl.col("unregistered") & (pl.col("platform") == request.platform)
        ).join(ids, on="school_id", how="semi")
        registered = candidates.select(*person, pl.col("registered_schools").alias("school_id")).explode("school_id")
    else:
        candidates = active_users(dataset, period, platforms=[request.platform]).join(ids, on="school_id", how="semi")
        registered = registered_accounts(dataset, period.end, platforms=[request.platform])
    return (
        candidates.join(registered.join(ids, on="school_id", how="semi"), on=person, how="anti")
        .select(person)
        .unique()
        .select(pl.len().alias("unregistered"))
    )


def _user_grain(request: _Request, period: Period) -> Figures:
    dataset, platforms = request.dataset, [request.platform]
    pairs = request.schools.select("school_id").join(pl.LazyFrame({"role": ROLE_CODES}), how="cross")
    roles_registered, roles_active, schools = pl.collect_all(
        [
            distinct_registered(dataset, period.end, platforms, pairs, ["role"]),
            distinct_active(dataset, period, platforms, pairs, ["role"]),
            pl.concat(
                [
                    distinct_registered(dataset, period.end, platforms, pairs, ["school_id"]).select(
                        pl.len().alias("registered")
                    ),
                    distinct_active(dataset, period, platforms, pairs, ["school_id"]).select(pl.len().alias("active")),
                    _unregistered(request, period),
                ],
                how="horizontal",
            ),
        ]
    )
    figures = _by_role(roles_registered, "registered") | _by_role(roles_active, "active")
    figures |= {f"{role}.{ACTIVE_OF_REGISTERED}": figures[f"{role}.active"] for role in ROLE_CODES}
    row = schools.row(0, named=True)
    figures |= {
        "schools.registered": row["registered"],
        "schools.active": row["active"],
        "active_not_registered": row["unregistered"],
    }
    if not has_accounts(request.dataset, request.platform):
        figures |= _UNKNOWN_REGISTERED | {"active_not_registered": None}
    return figures


def _school_grain(request: _Request, period: Period) -> Figures:
    per_role = school_grain_figures(request.dataset, period, platforms=[request.platform]).join(
        request.schools.select("school_id"), on="school_id", how="semi"
    )
    roles, schools = pl.collect_all(
        [
            per_role.group_by("role").agg(
                summed_registered(),
                pl.col("active").sum(),
                # a school whose registration of the role is unknown has no part in the share of registered
                pl.col("active").filter(pl.col("registered").is_not_null()).sum().alias(ACTIVE_OF_REGISTERED),
            ),
            per_role.group_by("school_id")
            .agg(summed_registered(), pl.col("active").sum())
            .select(
                pl.when(pl.col("registered").count() > 0).then((pl.col("registered") > 0).sum()).alias("registered"),
                (pl.col("active") > 0).sum().alias("active"),
            ),
        ]
    )
    figures = _by_role(roles, "registered") | _by_role(roles, "active") | _by_role(roles, ACTIVE_OF_REGISTERED)
    figures |= {"schools.registered": schools["registered"][0], "schools.active": schools["active"][0]}
    if figures["schools.registered"] is None:
        figures |= _UNKNOWN_REGISTERED
    figures["active_not_registered"] = None
    return figures


def _content(request: _Request, period: Period) -> Figures:
    """Available and demanded items per kind. Content files name no platform or school: the items are read as
    the panel platform's library; a municipality's demand is views by users known at its schools."""
    start, end = (pl.lit(day).cast(pl.Datetime("us")) for day in (period.start, period.end_exclusive))
    available = (
        request.dataset.frame(Kind.CONTENT_ITEMS)
        .filter(
            (pl.col("available_from") < end) & (pl.col("available_to").is_null() | (pl.col("available_to") >= start))
        )
        .select("content_id", "kind")
        .unique()
    )
    views = (
        request.dataset.frame(Kind.CONTENT_VIEWS)
        .filter(in_period("ts", period))
        .join(request.blocked, on="user_id", how="anti")
    )
    if request.municipality is not None:
        on_platform = pl.col("platform") == request.platform
        known_users = pl.concat(
            [
                request.dataset.frame(Kind.ACCOUNTS).filter(on_platform).select("school_id", "user_id"),
                # (activity in this period only: the run holds its period's and the previous one's, and a
                # period's figure must not depend on which of the two it is)
                activity_records(request.dataset)
                .filter(on_platform & pl.col("day").is_between(period.start, period.end))
                .select("school_id", "user_id"),
            ]
        ).join(request.schools.select("school_id"), on="school_id", how="semi")
        views = views.join(known_users.select("user_id").unique(), on="user_id", how="semi")
    viewed = views.select("content_id").unique().with_columns(pl.lit(True).alias("viewed"))
    counted = (
        available.join(viewed, on="content_id", how="left")
        .group_by("kind")
        .agg(
            pl.col("content_id").n_unique().alias("available"),
            pl.col("content_id").filter(pl.col("viewed").fill_null(False)).n_unique().alias("demanded"),
        )
        .collect()
    )
    found = {row["kind"]: row for row in counted.iter_rows(named=True)}
    return {
        f"content.{kind}.{value}": int(found[kind][value]) if kind in found else 0
        for kind in CONTENT_KINDS
        for value in ("available", "demanded")
    }


def _figures(request: _Request, period: Period) -> Figures:
    """Every count of the panels for one period."""
    totals: Figures = (
        request.schools.select(
            pl.len().alias("schools.total"),
            pl.col("teachers_total").sum().alias("teacher.total"),
            pl.col("students_total").sum().alias("student.total"),
            (pl.col("teachers_total").fill_null(0).le(0) | pl.col("students_total").fill_null(0).le(0))
            .sum()
            .alias("schools_without_totals"),
        )
        .collect()
        .row(0, named=True)
    )
    people = _school_grain(request, period) if request.grain == "school" else _user_grain(request, period)
    return totals | people | _content(request, period)


def _panels(now: Figures, before: Figures, capped: list[str]) -> dict[str, Any]:
    """The panels; `capped` gets each share (`panel.metric`, as `metric_rows` names them) shown capped at
    100 % in either period."""

    def count(key: str) -> CountChange:
        return compare(now[key], before[key])

    def share(part: str, whole: str, path: str) -> ShareChange:
        if any(is_capped(f[part], f[whole]) for f in (now, before)):
            capped.append(path)
        return compare_share(pct(now[part], now[whole]), pct(before[part], before[whole]))

    def people(role: str, panel: str) -> PeoplePanel:
        return PeoplePanel(
            total=count(f"{role}.total"),
            registered=count(f"{role}.registered"),
            registered_share_of_total=share(
                f"{role}.registered", f"{role}.total", f"{panel}.registered_share_of_total"
            ),
            active=count(f"{role}.active"),
            active_share_of_registered=share(
                f"{role}.{ACTIVE_OF_REGISTERED}", f"{role}.registered", f"{panel}.active_share_of_registered"
            ),
        )

    return {
        "schools": SchoolsPanel(
            total=count("schools.total"),
            registered=count("schools.registered"),
            registered_share_of_total=share("schools.registered", "schools.total", "schools.registered_share_of_total"),
            active=count("schools.active"),
            active_share_of_total=share("schools.active", "schools.total", "schools.active_share_of_total"),
        ),
        "teachers": people("teacher", "teachers"),
        "students": people("student", "students"),
        "parents": ParentsPanel(
            registered=count("parent.registered"),
            active=count("parent.active"),
            active_share_of_registered=share(
                f"parent.{ACTIVE_OF_REGISTERED}", "parent.registered", "parents.active_share_of_registered"
            ),
        ),
        "content": {
            kind: ContentPanel(
                available=count(f"content.{kind}.available"),
                demanded=count(f"content.{kind}.demanded"),
                demanded_share_of_available=share(
                    f"content.{kind}.demanded",
                    f"content.{kind}.available",
                    f"content.{kind}.demanded_share_of_available",
                ),
            )
            for kind in CONTENT_KINDS
        },
    }


def platform_notes(grain: Grain | None) -> list[str]:
    """What the reader must know about the platform's data: missing, or school-grain only."""
    return [NOTE_NO_PLATFORM_DATA] if grain is None else [NOTE_SCHOOL_GRAIN] if grain == "school" else []


_REGISTERED_KEYS = ("schools.registered", *(f"{role}.registered" for role in ROLE_CODES))


def _notes(dataset: Dataset, grain: Grain | None, figures: Figures) -> list[str]:
    checks = [
        # (any role: the teachers' registration may be unknown while the students' is exported)
        (grain is not None and any(figures[key] is None for key in _REGISTERED_KEYS), NOTE_REGISTERED_UNKNOWN),
        (not dataset.has(Kind.CONTENT_ITEMS), NOTE_NO_CONTENT_DATA),
    ]
    return platform_notes(grain) + [code for wanted, code in checks if wanted]


def compute_activity(
    dataset: Dataset, period: Period, *, platform: str = DEFAULT_PLATFORM, municipality: str | None = None
) -> ActivityResult:
    """The panels for `period` and its previous period; `municipality` is the registry's exact spelling."""
    found = platform_grain(dataset, platform)
    dataset = with_activity_for(dataset, [period, period.previous()])
    request = _Request(
        dataset=dataset,
        platform=platform,
        grain=found or "user",
        schools=schools_in_scope(dataset.schools, municipality),
        municipality=municipality,
        blocked=blocked_accounts(dataset).filter(pl.col("platform") == platform).select("user_id").collect().lazy(),
    )
    now, before = _figures(request, period), _figures(request, period.previous())
    capped: list[str] = []
    panels = _panels(now, before, capped)
    return ActivityResult(
        period=PeriodInfo.of(period),
        previous_period=PeriodInfo.of(period.previous()),
        platform=platform,
        grain=request.grain,
        scope=Scope.of(municipality),
        rules=RULES_SCHOOL_GRAIN if request.grain == "school" else RULES_USER_GRAIN,
        notes=_notes(dataset, found, now),
        data_quality=ActivityQuality(
            schools_without_totals=now["schools_without_totals"] or 0,
            active_not_registered=now["active_not_registered"],
            capped_shares=capped,
        ),
        **panels,
    )
