"""The single-school card (docs/metrics.md, «School card»): one school's registered and active users per role
and platform, its indicator flag and what it lacks, its assistant share, its rank in its municipality and its
last six months. Pure functions.

Every figure is the metric that defines it (indicator, plan, assistant, rating, trend, activity_base) run on
the data set restricted to the school (activity_base.for_schools): a school's own figures depend on no other
school, and a Parquet store then reads only the school's row groups. The rank alone needs other schools:
those of the school's municipality, and no more.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Literal

import polars as pl
from pydantic import BaseModel

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset, Grain, LoadReport
from adoption_cli.errors import DataError
from adoption_cli.metrics import assistant, indicator, plan, rating, trend
from adoption_cli.metrics.activity_base import (
    Combination,
    active_counts,
    distinct_users,
    for_schools,
    has_accounts,
    materialised,
    registered_accounts,
    school_grain_registered,
    share_pct,
    with_daily_activity,
)
from adoption_cli.metrics.scopes import PeriodInfo
from adoption_cli.periods import Period, month_period
from adoption_cli.schema import PLATFORMS, ROLE_CODES, Kind

PeriodSource = Literal["option", "latest_activity"]
TREND_MONTHS = 6
RANK_ROLE: rating.RatingRole = "all"
# Files whose newest date tells up to when the data describe activity.
_ACTIVITY_KINDS = (Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS)
# What the card's figures query several times: read once (see activity_base.materialised).
_READ_ONCE = (Kind.SCHOOLS, Kind.ACCOUNTS, Kind.SCHOOL_STATS)
_TOTAL_COLUMNS = {"teacher": "teachers_total", "student": "students_total"}
_QUOTES = "[«»\"'„“”`]"


class SchoolInfo(BaseModel):
    school_id: str
    name: str
    municipality: str
    ownership: str
    teachers_total: int | None  # ОО-1
    students_total: int | None


class RolePlatform(BaseModel):
    """One role on one platform in the period."""

    role: str
    platform: str
    grain: Grain | None  # None: the data hold nothing about this platform
    registered: int | None  # None: unknown (no accounts export, or school stats without `registered`)
    active: int | None  # None: no data about this platform
    share_of_registered_pct: float | None
    total: int | None  # the ОО-1 total of the role (parents have none)
    share_of_total_pct: float | None


class CardIndicator(BaseModel):
    """The school's row of `adoption indicator`, with its needs as `adoption plan` computes them."""

    in_population: bool  # False: its form of ownership is not counted; figures show where it would stand
    platforms: list[str]
    combination: Combination
    teacher_threshold_pct: float
    student_threshold_pct: float
    teachers_active: int
    teacher_share_pct: float | None
    teachers_needed: int | None  # extra active teachers to reach the threshold; None without an ОО-1 total
    students_active: int
    student_share_pct: float | None
    students_needed: int | None
    flagged: bool


class CardAssistant(assistant.AssistantSummary):
    """The school as `adoption assistant` sees it (a school without an ОО-1 student total counts 0 of 0)."""

    grain: Grain | None
    target_pct: float


class CardRank(BaseModel):
    """The school's place in `adoption rating --municipality <its municipality> --role all`."""

    municipality: str
    platform: str
    role: rating.RatingRole
    measure: str
    rank: int | None  # None: nobody registered, so no share and no place
    ranked: int  # schools of the municipality with a place
    schools: int  # registry schools of the municipality
    previous_rank: int | None
    rank_change: int | None
    registered: int | None
    active: int
    share_pct: float | None


class CardMonth(BaseModel):
    """One month of `adoption trend` for this school alone."""

    month: str
    teacher_share_pct: float | None
    student_share_pct: float | None
    flagged: bool


class SchoolCard(BaseModel):
    period: PeriodInfo
    period_source: PeriodSource  # latest_activity: no period was given, the latest month with activity is shown
    school: SchoolInfo
    grains: dict[str, Grain]
    figures: list[RolePlatform]
    indicator: CardIndicator
    assistant: CardAssistant
    rank: CardRank
    months: list[CardMonth]


def search_key(text: pl.Expr) -> pl.Expr:
    """How names are compared: case, ё/е, quotes and spacing insensitive («Гимназия №5» = гимназия № 5)."""
    return (
        text.str.to_lowercase()
        .str.replace_all("ё", "е", literal=True)
        .str.replace_all(_QUOTES, "")
        .str.replace_all("№", "№ ", literal=True)
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def find_schools(schools: pl.LazyFrame, query: str) -> pl.DataFrame:
    """(school_id, name, municipality) of the registry schools the query names, by municipality and name.

    An ИНН names its school. Otherwise a school matches when every word of the query is part of its name or
    municipality; a school whose whole name is the query wins over schools that merely contain it.
    """
    registry = schools.select("school_id", "name", "municipality")
    inn = re.sub(r"\s+", "", query)
    if inn.isdigit():
        by_inn = registry.filter(pl.col("school_id") == inn).collect()
        if by_inn.height:
            return by_inn
    key = pl.select(search_key(pl.lit(query))).item()
    words = key.split()
    if not words:
        return registry.head(0).collect()
    text = pl.concat_str(search_key(pl.col("name")), search_key(pl.col("municipality")), separator=" ")
    matches = (
        registry.filter(pl.all_horizontal(text.str.contains(word, literal=True) for word in words))
        .with_columns((search_key(pl.col("name")) == key).alias("exact"))
        .sort(search_key(pl.col("municipality")), search_key(pl.col("name")), "school_id")
        .collect()
    )
    exact = matches.filter("exact")
    return (exact if exact.height else matches).drop("exact")


def latest_activity_month(report: LoadReport) -> date | None:
    """The first day of the latest month with any activity in the loaded files (None when they have none)."""
    days = [f.latest_activity for f in report.files if f.kind in _ACTIVITY_KINDS and f.latest_activity]
    if not days:
        return None
    latest = date.fromisoformat(max(days))
    return date(latest.year, latest.month, 1)


def trend_months(period: Period) -> list[Period]:
    """The six calendar months ending with the month of the period's last day."""
    months = [month_period(period.end)]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    return months


def _registry(dataset: Dataset, school_id: str) -> tuple[SchoolInfo, list[str]]:
    """The school and the ИНН of every registry school of its municipality (itself included)."""
    own_municipality = pl.col("municipality").filter(pl.col("school_id") == school_id).first()
    neighbours = dataset.schools.filter(pl.col("municipality") == own_municipality).collect()
    found = neighbours.filter(pl.col("school_id") == school_id)
    if found.height == 0:
        raise DataError(f"школы с ИНН {school_id} нет в реестре.")
    info = SchoolInfo.model_validate(found.row(0, named=True))
    return info, neighbours["school_id"].to_list()


def _counting(settings: Settings, ownership: str) -> Settings:
    """The settings with the school's form of ownership counted: on a one-school data set the population is
    the school itself, whatever the region counts (the card says whether the region counts it)."""
    rules = settings.indicator.model_copy(update={"ownership": (ownership,)})
    return settings.model_copy(update={"indicator": rules})


def _figures(dataset: Dataset, period: Period, info: SchoolInfo) -> list[RolePlatform]:
    grains = dataset.platform_grain()
    user = [p for p in PLATFORMS if grains.get(p) == "user"]
    known = [p for p in user if has_accounts(dataset, p)]
    by_stats = [p for p in PLATFORMS if grains.get(p) == "school"]
    registered = pl.concat(
        [
            distinct_users(
                registered_accounts(dataset, period.end, platforms=known), ["platform", "role"], "registered"
            ),
            school_grain_registered(dataset, period, platforms=by_stats).select("platform", "role", "registered"),
        ]
    )
    active = active_counts(dataset, period, [*user, *by_stats]).group_by("platform", "role").agg(pl.col("active").sum())
    totals = {"teacher": info.teachers_total, "student": info.students_total}
    grid = pl.LazyFrame(
        {
            "role": [role for role in ROLE_CODES for _ in PLATFORMS],
            "platform": [platform for _ in ROLE_CODES for platform in PLATFORMS],
            "grain": [grains.get(platform) for _ in ROLE_CODES for platform in PLATFORMS],
            "total": [totals.get(role) for role in ROLE_CODES for _ in PLATFORMS],
        },
        schema={"role": pl.String, "platform": pl.String, "grain": pl.String, "total": pl.Int64},
    )
    keys = ["platform", "role"]
    rows = (
        grid.join(registered, on=keys, how="left", maintain_order="left")
        .join(active, on=keys, how="left", maintain_order="left")
        .with_columns(
            # Counted from accounts, nobody registered is 0; from stats without a figure it stays unknown.
            pl.when(pl.col("platform").is_in(known)).then(pl.col("registered").fill_null(0)).otherwise("registered"),
            pl.when(pl.col("grain").is_not_null()).then(pl.col("active").fill_null(0)),
        )
        .with_columns(
            share_pct(pl.col("active"), pl.col("registered")).alias("share_of_registered_pct"),
            share_pct(pl.col("active"), pl.col("total")).alias("share_of_total_pct"),
        )
        .collect()
    )
    return [RolePlatform.model_validate(row) for row in rows.iter_rows(named=True)]


def _needed(role: str, threshold_pct: float) -> pl.Expr:
    active, total = pl.col(f"{role}s_active"), pl.col(f"{role}s_total")
    return pl.when(total > 0).then(plan.users_needed(active, total, threshold_pct)).alias(f"{role}s_needed")


def _indicator(dataset: Dataset, period: Period, settings: Settings, in_population: bool) -> CardIndicator:
    frame, combination = indicator.schools_frame(dataset, period, settings)
    rules = settings.indicator
    row = (
        frame.with_columns(
            _needed("teacher", rules.teacher_threshold_pct), _needed("student", rules.student_threshold_pct)
        )
        .collect()
        .row(0, named=True)
    )
    return CardIndicator.model_validate(
        {
            **row,
            "in_population": in_population,
            "platforms": list(rules.platforms),
            "combination": combination,
            "teacher_threshold_pct": rules.teacher_threshold_pct,
            "student_threshold_pct": rules.student_threshold_pct,
        }
    )


def _assistant(dataset: Dataset, period: Period, settings: Settings) -> CardAssistant:
    result = assistant.compute_assistant(dataset, period, settings)
    return CardAssistant(grain=result.grain, target_pct=result.target_pct, **result.region.model_dump())


def _months(dataset: Dataset, months: list[Period], settings: Settings) -> list[CardMonth]:
    points = trend.compute_trend(dataset, months, settings).region.points
    return [
        CardMonth(
            month=point.month,
            teacher_share_pct=point.teacher_share_pct,
            student_share_pct=point.student_share_pct,
            flagged=point.flagged > 0,
        )
        for point in points
    ]


def _rank(dataset: Dataset, period: Period, info: SchoolInfo) -> CardRank:
    result = rating.compute_rating(dataset, period, role=RANK_ROLE, municipality=info.municipality)
    (school,) = [s for s in result.schools if s.school_id == info.school_id]
    return CardRank(
        municipality=info.municipality,
        platform=result.platform,
        role=result.role,
        measure=rating.RULES["share"],
        rank=school.rank,
        ranked=result.ranked,
        schools=result.ranked + result.unranked,
        previous_rank=school.previous_rank,
        rank_change=school.rank_change,
        registered=school.registered,
        active=school.active,
        share_pct=school.share_pct,
    )


def compute_card(
    dataset: Dataset, school_id: str, period: Period, settings: Settings, *, period_source: PeriodSource = "option"
) -> SchoolCard:
    info, neighbours = _registry(dataset, school_id)
    months = trend_months(period)
    card_days = (min(months[0].start, period.start), max(months[-1].end, period.end))
    rank_days = (period.previous().start, period.end)
    # Exports are parsed whole whatever is kept, so they are read once, over every day the card needs. A store
    # is read by row group: the municipality's activity over the rank's two periods only, and the school's own
    # six months apart (its row groups alone), which keeps the largest municipalities fast.
    stored = dataset.user_days is not None
    area_days = rank_days if stored else (min(card_days[0], rank_days[0]), card_days[1])
    area = with_daily_activity(materialised(for_schools(dataset, neighbours), _READ_ONCE), *area_days)
    own = materialised(for_schools(area, [school_id]), _READ_ONCE)
    if stored:
        own = replace(own, user_days=for_schools(dataset, [school_id]).user_days)
    school = with_daily_activity(own, *card_days)
    counting = _counting(settings, info.ownership)
    return SchoolCard(
        period=PeriodInfo.of(period),
        period_source=period_source,
        school=info,
        grains=dataset.platform_grain(),
        figures=_figures(school, period, info),
        indicator=_indicator(school, period, counting, info.ownership in settings.indicator.ownership),
        assistant=_assistant(school, period, counting),
        rank=_rank(area, period, info),
        months=_months(school, months, counting),
    )
