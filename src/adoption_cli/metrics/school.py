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
from datetime import date
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset, Grain, LoadReport
from adoption_cli.errors import DataError
from adoption_cli.metrics import assistant, indicator, plan, rating
from adoption_cli.metrics.activity import DEFAULT_PLATFORM
from adoption_cli.metrics.activity_base import (
    Combination,
    active_counts,
    combination_for,
    distinct_registered,
    for_schools,
    has_accounts,
    school_grain_registered,
    with_activity_for,
)
from adoption_cli.metrics.scopes import PeriodInfo, pct, platform_grain
from adoption_cli.periods import Period, month_period
from adoption_cli.schema import PLATFORMS, ROLE_CODES, Kind

PeriodSource = Literal["option", "latest_activity"]
TREND_MONTHS = 6
# Calendar months whose card rows the store precomputes, ending with the latest month with activity: a card
# of any of the last seven needs no other rows (its own month and the five before it).
STORED_MONTHS = 12
RANK_ROLE: rating.RatingRole = "all"
# Files whose newest date tells up to when the data describe activity.
_ACTIVITY_KINDS = (Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS)
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
    return _school_info(neighbours.lazy(), school_id), neighbours["school_id"].to_list()


def _all_ownerships(dataset: Dataset) -> tuple[str, ...]:
    return tuple(dataset.schools.select(pl.col("ownership").unique().sort()).collect()["ownership"].to_list())


def _counting(settings: Settings, ownership: tuple[str, ...]) -> Settings:
    """The settings with these forms of ownership counted: a card judges its school whatever the region
    counts (and says whether the region counts it)."""
    rules = settings.indicator.model_copy(update={"ownership": ownership})
    return settings.model_copy(update={"indicator": rules})


def _column(prefix: str, platform: str, role: str) -> str:
    return f"{prefix}_{platform}_{role}"


def _known_platforms(dataset: Dataset) -> list[str]:
    """User-grain platforms with an accounts export: their registered users are counted from accounts."""
    grains = dataset.platform_grain()
    return [p for p in PLATFORMS if grains.get(p) == "user" and has_accounts(dataset, p)]


def _figure_columns(dataset: Dataset, period: Period) -> tuple[pl.LazyFrame, list[pl.Expr]]:
    """Registered and active users per school, platform and role as wide columns
    (`registered_<platform>_<role>`, `active_<platform>_<role>`), and the expressions that fill them."""
    grains = dataset.platform_grain()
    user = [p for p in PLATFORMS if grains.get(p) == "user"]
    known = _known_platforms(dataset)
    by_stats = [p for p in PLATFORMS if grains.get(p) == "school"]
    keys = ["school_id", "platform", "role"]
    pairs = dataset.schools.select("school_id").join(pl.LazyFrame({"role": list(ROLE_CODES)}), how="cross")
    registered_users = distinct_registered(dataset, period.end, known, pairs, keys)
    registered = pl.concat(
        [
            registered_users.select(*keys, "registered"),
            school_grain_registered(dataset, period, platforms=by_stats).select(*keys, "registered"),
        ]
    )
    active = active_counts(dataset, period, [*user, *by_stats]).group_by(keys).agg(pl.col("active").sum())
    long = registered.join(active, on=keys, how="full", coalesce=True)
    wide = long.group_by("school_id").agg(
        pl.col(value)
        .filter((pl.col("platform") == platform) & (pl.col("role") == role))
        .first()
        .alias(_column(value, platform, role))
        for value in ("registered", "active")
        for platform in PLATFORMS
        for role in ROLE_CODES
    )
    fills = [
        # Counted from accounts, nobody registered is 0; from stats without a figure it stays unknown.
        *(pl.col(_column("registered", p, r)).fill_null(0) for p in known for r in ROLE_CODES),
        *(pl.col(_column("active", p, r)).fill_null(0) for p in PLATFORMS if p in grains for r in ROLE_CODES),
    ]
    return wide, fills


def _ranks(dataset: Dataset, period: Period) -> pl.LazyFrame:
    """Each school's place in `adoption rating --role all` within its municipality in the period."""
    grain = platform_grain(dataset, DEFAULT_PLATFORM) or "user"
    counts = rating.school_counts(dataset, period, DEFAULT_PLATFORM, grain, RANK_ROLE)
    return rating.ranking(dataset.schools, counts, within="municipality").select(
        "school_id",
        "rank",
        pl.col("rank").count().over("municipality").cast(pl.Int64).alias("ranked"),
        pl.len().over("municipality").cast(pl.Int64).alias("schools"),
        pl.col("registered").alias("rank_registered"),
        pl.col("active").alias("rank_active"),
        pl.col("share_pct").alias("rank_share_pct"),
    )


def _rank_change(ranks: pl.LazyFrame, previous: pl.LazyFrame) -> pl.LazyFrame:
    before = previous.select("school_id", pl.col("rank").alias("previous_rank"))
    return ranks.join(before, on="school_id", how="left").with_columns(
        (pl.col("previous_rank") - pl.col("rank")).alias("rank_change")
    )


def card_rows(
    dataset: Dataset,
    period: Period,
    settings: Settings,
    *,
    ranks: bool = True,
) -> pl.LazyFrame:
    """One row per registry school of the data set: what its card shows of the period — registered and active
    users per platform and role, the indicator's figures, flag and needs, the assistant's students, and (with
    `ranks`) its place in its municipality and the change since the previous period. Every form of
    ownership is counted.

    The store precomputes these rows for recent calendar months (`adoption ingest`); the card otherwise
    computes them for its school and, for the rank, its municipality. Either way the card is built from them.
    """
    counting = _counting(settings, _all_ownerships(dataset))
    rules = settings.indicator
    judged, _ = indicator.schools_frame(dataset, period, counting)
    flags = judged.select(
        "school_id",
        "teachers_active",
        "teacher_share_pct",
        _needed("teacher", rules.teacher_threshold_pct),
        "students_active",
        "student_share_pct",
        _needed("student", rules.student_threshold_pct),
        "flagged",
    )
    figures, fills = _figure_columns(dataset, period)
    # `adoption assistant` for the school alone: its students active on the assistant against its ОО-1
    # denominator; a school without a positive denominator counts 0 of 0.
    denominator = pl.col(settings.assistant.denominator).fill_null(0)
    assisted = pl.col(_column("active", assistant.PLATFORM, "student")).fill_null(0)
    rows = (
        dataset.schools.select("school_id", denominator.alias("denominator"))
        .join(flags, on="school_id", how="left")
        .join(figures, on="school_id", how="left")
        .with_columns(*fills)
        .with_columns(
            pl.when(pl.col("denominator") > 0).then(pl.col("denominator")).otherwise(0).alias("assistant_total"),
            pl.when(pl.col("denominator") > 0).then(assisted).otherwise(0).alias("assistant_active"),
        )
        .drop("denominator")
    )
    if ranks:
        rows = rows.join(_rank_change(_ranks(dataset, period), _ranks(dataset, period.previous())), on="school_id")
    return rows.with_columns(pl.lit(period.start).alias("month")).sort("school_id")


def card_table(dataset: Dataset, settings: Settings) -> pl.DataFrame | None:
    """`card_rows` of the STORED_MONTHS months up to the latest month with activity (None without activity),
    sorted by school, for the store. Computed at ingest from the store's monthly tables (`monthly_active`,
    `active_exceptions`, `registrations`), which answer every whole month without reading a user."""
    latest = latest_activity_month(dataset.report)
    if latest is None:
        return None
    months = [month_period(latest)]
    while len(months) < STORED_MONTHS:
        months.insert(0, months[0].previous())
    rows = pl.collect_all([card_rows(dataset, month, settings) for month in months], engine="streaming")
    return pl.concat(rows, how="vertical").sort("school_id", "month")


def _needed(role: str, threshold_pct: float) -> pl.Expr:
    active, total = pl.col(f"{role}s_active"), pl.col(f"{role}s_total")
    return pl.when(total > 0).then(plan.users_needed(active, total, threshold_pct)).alias(f"{role}s_needed")


def _figures(row: dict[str, Any], info: SchoolInfo, grains: dict[str, Grain]) -> list[RolePlatform]:
    totals = {"teacher": info.teachers_total, "student": info.students_total}
    figures = []
    for role in ROLE_CODES:
        for platform in PLATFORMS:
            registered, active = row[_column("registered", platform, role)], row[_column("active", platform, role)]
            figures.append(
                RolePlatform(
                    role=role,
                    platform=platform,
                    grain=grains.get(platform),
                    registered=registered,
                    active=active,
                    share_of_registered_pct=pct(active, registered),
                    total=totals.get(role),
                    share_of_total_pct=pct(active, totals.get(role)),
                )
            )
    return figures


def _indicator(row: dict[str, Any], settings: Settings, in_population: bool, combination: Combination) -> CardIndicator:
    rules = settings.indicator
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


def _rank(row: dict[str, Any], info: SchoolInfo) -> CardRank:
    return CardRank(
        municipality=info.municipality,
        platform=DEFAULT_PLATFORM,
        role=RANK_ROLE,
        measure=rating.RULES["share"],
        rank=row["rank"],
        ranked=row["ranked"],
        schools=row["schools"],
        previous_rank=row["previous_rank"],
        rank_change=row["rank_change"],
        registered=row["rank_registered"],
        active=row["rank_active"],
        share_pct=row["rank_share_pct"],
    )


def _month(row: dict[str, Any], month: Period) -> CardMonth:
    return CardMonth(
        month=month.label,
        teacher_share_pct=row["teacher_share_pct"],
        student_share_pct=row["student_share_pct"],
        flagged=bool(row["flagged"]),
    )


def assemble_card(
    dataset: Dataset,
    info: SchoolInfo,
    period: Period,
    row: dict[str, Any],
    month_rows: list[dict[str, Any]],
    settings: Settings,
    period_source: PeriodSource,
) -> SchoolCard:
    """The card from the school's row of the period and its rows of the six months (see `card_rows`)."""
    grains = dataset.platform_grain()
    target = settings.assistant.target_for(period.month_key)
    combination = combination_for(dataset, settings.indicator.platforms, settings.identity.shared_user_ids)
    return SchoolCard(
        period=PeriodInfo.of(period),
        period_source=period_source,
        school=info,
        grains=grains,
        figures=_figures(row, info, grains),
        indicator=_indicator(row, settings, info.ownership in settings.indicator.ownership, combination),
        assistant=CardAssistant(
            grain=grains.get(assistant.PLATFORM),
            target_pct=target,
            **assistant.summarise(row["assistant_total"], row["assistant_active"], target).model_dump(),
        ),
        rank=_rank(row, info),
        months=[_month(r, m) for r, m in zip(month_rows, trend_months(period), strict=True)],
    )


def stored_card(
    dataset: Dataset, school_id: str, period: Period, settings: Settings, *, period_source: PeriodSource = "option"
) -> SchoolCard | None:
    """The card from the store's precomputed rows, or None when they do not cover the period and its months."""
    if dataset.school_cards is None or period != month_period(period.start):
        return None
    months = trend_months(period)
    rows = (
        dataset.school_cards.filter(
            (pl.col("school_id") == school_id) & pl.col("month").is_in([m.start for m in months])
        )
        .collect()
        .sort("month")
    )
    if rows.height != len(months):
        return None
    info = _school_info(dataset.schools, school_id)
    by_month = list(rows.iter_rows(named=True))
    return assemble_card(dataset, info, period, by_month[-1], by_month, settings, period_source)


def _school_info(schools: pl.LazyFrame, school_id: str) -> SchoolInfo:
    found = schools.filter(pl.col("school_id") == school_id).collect()
    if found.height == 0:
        raise DataError(f"школы с ИНН {school_id} нет в реестре.")
    return SchoolInfo.model_validate(found.row(0, named=True))


def compute_card(
    dataset: Dataset, school_id: str, period: Period, settings: Settings, *, period_source: PeriodSource = "option"
) -> SchoolCard:
    stored = stored_card(dataset, school_id, period, settings, period_source=period_source)
    if stored is not None:
        return stored
    info, neighbours = _registry(dataset, school_id)
    months = trend_months(period)
    # The rank looks at the municipality over the period and the one before; the six months at the school.
    area = with_activity_for(for_schools(dataset, neighbours), [period.previous(), period, *months])
    school = for_schools(area, [school_id])
    mine = pl.col("school_id") == school_id
    collected = pl.collect_all(
        [
            card_rows(area, period, settings).filter(mine),
            *(card_rows(school, month, settings, ranks=False) for month in months),
        ]
    )
    row, *month_rows = (frame.row(0, named=True) for frame in collected)
    return assemble_card(dataset, info, period, row, month_rows, settings, period_source)
