"""The single-school card (docs/metrics.md, «School card»): one school's registered and active users per role
and platform, its indicator flag and what it lacks, its assistant share, its rank in its municipality and its
last six months. Pure functions. The card's model and its assembly from these rows are Polars-free, in
metrics.school_card.

Every figure is the metric that defines it (indicator, plan, assistant, rating, trend, activity_base) run on
the data set restricted to the school (activity_base.for_schools): a school's own figures depend on no other
school, and a Parquet store then reads only the school's row groups. The rank alone needs other schools:
those of the school's municipality, and no more.
"""

from __future__ import annotations

import polars as pl

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.errors import DataError
from adoption_cli.metrics import assistant, indicator, plan, rating
from adoption_cli.metrics.activity_base import (
    active_counts,
    distinct_registered,
    for_schools,
    has_accounts,
    school_grain_registered,
    with_activity_for,
)
from adoption_cli.metrics.common import DEFAULT_PLATFORM
from adoption_cli.metrics.school_card import (
    RANK_ROLE,
    PeriodSource,
    SchoolCard,
    SchoolInfo,
    SchoolMatch,
    assemble_card,
    card_column,
    card_from_record,
    match_schools,
    stored_months,
    trend_months,
)
from adoption_cli.metrics.scopes import platform_grain
from adoption_cli.periods import Period
from adoption_cli.schema import PLATFORMS, ROLE_CODES
from adoption_cli.text import comparison_key_expr


def registry_keys(schools: pl.LazyFrame) -> pl.LazyFrame:
    """The registry as the name search reads it (metrics.school_card.match_schools): school_id, name,
    municipality, `search` and `name_key`, in the order a list of matches is shown."""
    return schools.select(
        "school_id",
        "name",
        "municipality",
        pl.concat_str(
            comparison_key_expr(pl.col("name")), comparison_key_expr(pl.col("municipality")), separator=" "
        ).alias("search"),
        comparison_key_expr(pl.col("name")).alias("name_key"),
    ).sort(comparison_key_expr(pl.col("municipality")), "name_key", "school_id")


def find_schools(schools: pl.LazyFrame, query: str) -> list[SchoolMatch]:
    """The registry schools the query names (metrics.school_card.match_schools)."""
    return match_schools(registry_keys(schools).collect().iter_rows(named=True), query)


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
        .alias(card_column(value, platform, role))
        for value in ("registered", "active")
        for platform in PLATFORMS
        for role in ROLE_CODES
    )
    fills = [
        # Counted from accounts, nobody registered is 0; from stats without a figure it stays unknown.
        *(pl.col(card_column("registered", p, r)).fill_null(0) for p in known for r in ROLE_CODES),
        *(pl.col(card_column("active", p, r)).fill_null(0) for p in PLATFORMS if p in grains for r in ROLE_CODES),
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
        plan.role_needed("teacher", rules.teacher_threshold_pct),
        "students_active",
        "student_share_pct",
        plan.role_needed("student", rules.student_threshold_pct),
        "flagged",
    )
    figures, fills = _figure_columns(dataset, period)
    # `adoption assistant` for the school alone: its students active on the assistant against its ОО-1
    # denominator (0 or null as the registry has it: then no share, as `adoption assistant` lists it).
    denominator = pl.col(settings.assistant.denominator)
    assisted = pl.col(card_column("active", assistant.PLATFORM, "student")).fill_null(0)
    rows = (
        dataset.schools.select("school_id", denominator.alias("denominator"))
        .join(flags, on="school_id", how="left")
        .join(figures, on="school_id", how="left")
        .with_columns(*fills)
        .with_columns(
            pl.col("denominator").alias("assistant_total"),
            assisted.alias("assistant_active"),
        )
        .drop("denominator")
    )
    if ranks:
        rows = rows.join(_rank_change(_ranks(dataset, period), _ranks(dataset, period.previous())), on="school_id")
    return rows.with_columns(pl.lit(period.start).alias("month")).sort("school_id")


def card_table(dataset: Dataset, settings: Settings) -> pl.DataFrame | None:
    """`card_rows` of the stored months (metrics.school_card.stored_months; None without activity),
    sorted by school, for the store. Computed at ingest from the store's monthly tables (`monthly_active`,
    `active_exceptions`, `registrations`), which answer every whole month without reading a user."""
    months = stored_months(dataset.report)
    if not months:
        return None
    # One month at a time: the twelve as one collect_all ran 2.4× slower (scaling-4x: 11 vs 4.5 s) and
    # exhausted Polars' pool of blocking I/O threads (its POLARS_MAX_BLOCKING_THREAD_COUNT warning).
    rows = [card_rows(dataset, month, settings).collect(engine="streaming") for month in months]
    return pl.concat(rows, how="vertical").sort("school_id", "month")


def card_records(dataset: Dataset, settings: Settings) -> pl.DataFrame | None:
    """What the store keeps for the card (store.cards): one row per registry school, sorted by ИНН, with its
    registry row (SchoolInfo) and `rows`, its `card_table` rows with `month` as ISO text."""
    table = card_table(dataset, settings)
    if table is None:
        return None
    rows = (
        table.with_columns(pl.col("month").cast(pl.String))
        .group_by("school_id")
        .agg(pl.struct(pl.exclude("school_id")).alias("rows"))
    )
    info = dataset.schools.select(*SchoolInfo.model_fields).collect()
    return info.join(rows, on="school_id", how="left").sort("school_id")


def stored_card(
    dataset: Dataset, school_id: str, period: Period, settings: Settings, *, period_source: PeriodSource = "option"
) -> SchoolCard | None:
    """The card from the store's precomputed rows, or None when they do not cover the period and its months."""
    record = dataset.school_cards.record(school_id) if dataset.school_cards is not None else None
    if record is None:
        return None
    return card_from_record(record, period, settings, dataset.platform_grain(), period_source)


def _school_info(schools: pl.LazyFrame, school_id: str) -> SchoolInfo:
    found = schools.filter(pl.col("school_id") == school_id).collect()
    if found.height == 0:
        raise DataError(
            f"школы с ИНН {school_id} нет в реестре.", en=f"no school with INN {school_id} in the registry."
        )
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
    return assemble_card(info, period, row, month_rows, settings, dataset.platform_grain(), period_source)
