"""The school rating: schools ranked by the share of their registered users active in the period, with the
rank change versus the previous period (docs/metrics.md, «School rating»).

share = active / registered × 100 (capped at 100) for the chosen role, or for teachers, students and parents
together; ties go to the larger active count, then to the name (then the ИНН, so that the order is total).
Schools with no registered user have no share: they are listed after the ranked ones, without a rank.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, TypeAdapter

from adoption_cli.dataset import Dataset, Grain
from adoption_cli.metrics.activity import NOTE_REGISTERED_UNKNOWN, platform_notes
from adoption_cli.metrics.activity_base import (
    by_name,
    distinct_active,
    distinct_registered,
    has_accounts,
    school_grain_figures,
    share_pct,
    whole_registered,
    with_activity_for,
)
from adoption_cli.metrics.common import DEFAULT_PLATFORM, SHARE_RULE, PeriodInfo, RatingRole
from adoption_cli.metrics.scopes import Scope, platform_grain, schools_in_scope
from adoption_cli.periods import Period
from adoption_cli.schema import ROLE_CODES

RULES = {
    "share": SHARE_RULE,
    "active": (
        "user grain: distinct users of the school with >= 1 event or last login on the platform in the period, "
        "account not blocked; school grain: the school stats' active"
    ),
    "registered": (
        "user grain: distinct users of the school with an unblocked account registered on or before the period's "
        "last day (empty registered_at = registered); school grain: the stats' registered of that month"
    ),
    "order": "share desc, then active desc, then name; schools with no registered user are unranked, listed last",
    "rank_change": "previous rank - rank (positive = moved up); null when the school had no rank before",
}


class RatedSchool(BaseModel):
    rank: int | None
    previous_rank: int | None
    rank_change: int | None
    school_id: str
    name: str
    municipality: str
    registered: int | None
    active: int
    share_pct: float | None


class RatingResult(BaseModel):
    period: PeriodInfo
    previous_period: PeriodInfo
    platform: str
    grain: Grain
    role: RatingRole
    scope: Scope
    top: int | None
    rules: dict[str, str]
    ranked: int  # schools with a share (before --top)
    unranked: int  # schools with no registered user
    schools: list[RatedSchool]
    notes: list[str]


def _roles(role: RatingRole) -> list[str]:
    return list(ROLE_CODES) if role == "all" else [role]


def school_counts(dataset: Dataset, period: Period, platform: str, grain: Grain, role: RatingRole) -> pl.LazyFrame:
    """(school_id, registered, active) for schools with any figure; `registered` null when stats lack it."""
    roles = _roles(role)
    platforms = [platform]
    if grain == "school":
        return (
            school_grain_figures(dataset, period, platforms=platforms)
            .filter(pl.col("role").is_in(roles))
            .group_by("school_id")
            .agg(whole_registered(), pl.col("active").sum())
        )
    # A person with two roles at one school (a teacher who is also a parent) is one user of that school.
    pairs = dataset.schools.select("school_id").join(pl.LazyFrame({"role": roles}), how="cross")
    registered = distinct_registered(dataset, period.end, platforms, pairs, ["school_id"])
    active = distinct_active(dataset, period, platforms, pairs, ["school_id"])
    counts = registered.join(active, on="school_id", how="full", coalesce=True).with_columns(
        pl.col("registered", "active").fill_null(0)
    )
    if not has_accounts(dataset, platform):
        # Registration is unknown for every registry school, also for one with no activity (never 0).
        return (
            dataset.schools.select("school_id")
            .join(counts, on="school_id", how="left")
            .select("school_id", pl.lit(None, pl.Int64).alias("registered"), pl.col("active").fill_null(0))
        )
    return counts


def ranking(schools: pl.LazyFrame, counts: pl.LazyFrame, *, within: str | None = None) -> pl.LazyFrame:
    """Registry schools with their share and rank, in rating order (unranked last, by active users, then
    name); `within` ranks each group of that column (e.g. every municipality) on its own."""
    position = pl.int_range(1, pl.len() + 1)
    return (
        schools.select("school_id", "name", "municipality")
        .join(counts.with_columns(pl.col("active").fill_null(0)), on="school_id", how="left")
        .with_columns(
            # no figures at all: nobody registered, nobody active
            pl.when(pl.col("active").is_null()).then(0).otherwise(pl.col("registered")).alias("registered"),
            pl.col("active").fill_null(0),
        )
        .with_columns(share_pct(pl.col("active"), pl.col("registered")).alias("share_pct"))
        .sort(
            ["share_pct", "active", *by_name("name"), "school_id"],
            descending=[True, True, False, False, False],
            nulls_last=True,
        )
        .with_columns(
            # Ranked schools come first in every group, so their positions are their ranks.
            pl.when(pl.col("share_pct").is_not_null())
            .then(position if within is None else position.over(within))
            .alias("rank"),
        )
    )


def compute_rating(
    dataset: Dataset,
    period: Period,
    *,
    role: RatingRole = "all",
    platform: str = DEFAULT_PLATFORM,
    municipality: str | None = None,
    top: int | None = None,
) -> RatingResult:
    """Ranks within the scope (the region or one municipality, registry spelling); `top` keeps ranks ≤ top."""
    found = platform_grain(dataset, platform)
    dataset = with_activity_for(dataset, [period, period.previous()])
    grain: Grain = found or "user"
    schools = schools_in_scope(dataset.schools, municipality)
    previous = ranking(schools, school_counts(dataset, period.previous(), platform, grain, role)).select(
        "school_id", pl.col("rank").alias("previous_rank")
    )
    rated = (
        ranking(schools, school_counts(dataset, period, platform, grain, role))
        .join(previous, on="school_id", how="left", maintain_order="left")
        .with_columns((pl.col("previous_rank") - pl.col("rank")).alias("rank_change"))
        .collect()
    )
    ranked = int(rated["rank"].count())
    shown = rated if top is None else rated.filter(pl.col("rank") <= top)
    return RatingResult(
        period=PeriodInfo.of(period),
        previous_period=PeriodInfo.of(period.previous()),
        platform=platform,
        grain=grain,
        role=role,
        scope=Scope.of(municipality),
        top=top,
        rules=RULES,
        ranked=ranked,
        unranked=rated.height - ranked,
        schools=TypeAdapter(list[RatedSchool]).validate_python(shown.select(*RatedSchool.model_fields).to_dicts()),
        notes=platform_notes(found) + ([NOTE_REGISTERED_UNKNOWN] if rated["registered"].null_count() else []),
    )
