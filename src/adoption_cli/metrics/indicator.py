"""The 33% indicator: the share of population schools where at least 50% of teachers AND at least 50% of
students were active on a counted platform in the month (docs/metrics.md, «Индикатор 33 %»).

Comparisons are made in integers (active × 10 000 ≥ threshold × 100 × total) so that «exactly 50%» is
never lost to floating point.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl
from pydantic import BaseModel

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import (
    active_any_platform,
    combination_for,
    population,
    share_pct,
    wide_by_role,
)
from adoption_cli.metrics.common import Combination, schools_needed
from adoption_cli.periods import Period


class IndicatorPeriod(BaseModel):
    month: str
    start: str
    end: str


class IndicatorSummary(BaseModel):
    schools: int
    flagged: int
    share_pct: float | None
    target_met: bool
    schools_needed: int


class MunicipalityIndicator(IndicatorSummary):
    name: str


class SchoolIndicator(BaseModel):
    school_id: str
    name: str
    municipality: str
    teachers_total: int | None
    teachers_active: int
    teacher_share_pct: float | None
    students_total: int | None
    students_active: int
    student_share_pct: float | None
    flagged: bool


class IndicatorQuality(BaseModel):
    capped_shares: int  # schools where active > ОО-1 total (share capped at 100%)
    no_total: int  # schools with a zero or missing ОО-1 total: cannot be flagged


class IndicatorResult(BaseModel):
    period: IndicatorPeriod
    platforms: list[str]
    combination: Combination
    target_pct: float
    teacher_threshold_pct: float
    student_threshold_pct: float
    region: IndicatorSummary
    municipalities: list[MunicipalityIndicator]
    schools: list[SchoolIndicator]
    data_quality: IndicatorQuality


def reaches(active: pl.Expr, total: pl.Expr, threshold_pct: float) -> pl.Expr:
    """active / total ≥ threshold, exactly (to 0.01 p.p. of threshold precision); false when total is 0/null."""
    scaled_threshold = round(threshold_pct * 100)
    return pl.when(total.is_null() | (total <= 0)).then(False).otherwise(active * 10_000 >= total * scaled_threshold)


def schools_frame(dataset: Dataset, period: Period, settings: Settings) -> tuple[pl.LazyFrame, Combination]:
    """One row per population school with its active teachers/students, shares and flag."""
    rules = settings.indicator
    platforms = list(rules.platforms)
    combination = combination_for(dataset, platforms, settings.identity.shared_user_ids)
    active = wide_by_role(active_any_platform(dataset, period, platforms, combination))
    frame = (
        population(dataset, rules.ownership)
        .join(active, on="school_id", how="left")
        .with_columns(pl.col("teachers_active", "students_active").fill_null(0))
        .with_columns(
            share_pct(pl.col("teachers_active"), pl.col("teachers_total")).alias("teacher_share_pct"),
            share_pct(pl.col("students_active"), pl.col("students_total")).alias("student_share_pct"),
            (
                reaches(pl.col("teachers_active"), pl.col("teachers_total"), rules.teacher_threshold_pct)
                & reaches(pl.col("students_active"), pl.col("students_total"), rules.student_threshold_pct)
            ).alias("flagged"),
            (
                (pl.col("teachers_active") > pl.col("teachers_total"))
                | (pl.col("students_active") > pl.col("students_total"))
            )
            .fill_null(False)
            .alias("capped"),
            (pl.col("teachers_total").fill_null(0).le(0) | pl.col("students_total").fill_null(0).le(0)).alias(
                "no_total"
            ),
        )
        .select(
            "school_id",
            "name",
            "municipality",
            "teachers_total",
            "teachers_active",
            "teacher_share_pct",
            "students_total",
            "students_active",
            "student_share_pct",
            "flagged",
            "capped",
            "no_total",
        )
        .sort("municipality", "name", "school_id")
    )
    return frame, combination


def summarise(schools: int, flagged: int, target_pct: float) -> IndicatorSummary:
    return IndicatorSummary(
        schools=schools,
        flagged=flagged,
        share_pct=flagged * 100 / schools if schools else None,
        target_met=schools > 0 and Fraction(flagged * 100, schools) >= Fraction(str(target_pct)),
        schools_needed=schools_needed(schools, flagged, target_pct),
    )


def compute_indicator(
    dataset: Dataset, period: Period, settings: Settings, *, municipality: str | None = None
) -> IndicatorResult:
    frame, combination = schools_frame(dataset, period, settings)
    return build_result(frame.collect(), period, settings, combination, municipality=municipality)


def build_result(
    schools: pl.DataFrame,
    period: Period,
    settings: Settings,
    combination: Combination,
    *,
    municipality: str | None = None,
) -> IndicatorResult:
    """The result for the region; with `municipality` (an exact name) the municipalities, schools and
    data-quality counts are restricted to it while `region` still describes the whole region (its context)."""
    target = settings.indicator.target_for(period.month_key)
    region = summarise(schools.height, int(schools["flagged"].sum()), target)
    if municipality is not None:
        schools = schools.filter(pl.col("municipality") == municipality)
    by_municipality = (
        schools.group_by("municipality")
        .agg(pl.len().alias("schools"), pl.col("flagged").sum().alias("flagged"))
        .sort("municipality")
    )
    municipalities = [
        MunicipalityIndicator(
            name=row["municipality"], **summarise(row["schools"], row["flagged"], target).model_dump()
        )
        for row in by_municipality.iter_rows(named=True)
    ]
    return IndicatorResult(
        period=IndicatorPeriod(month=period.label, start=period.start.isoformat(), end=period.end.isoformat()),
        platforms=list(settings.indicator.platforms),
        combination=combination,
        target_pct=target,
        teacher_threshold_pct=settings.indicator.teacher_threshold_pct,
        student_threshold_pct=settings.indicator.student_threshold_pct,
        region=region,
        municipalities=municipalities,
        schools=[SchoolIndicator(**row) for row in schools.drop("capped", "no_total").iter_rows(named=True)],
        data_quality=IndicatorQuality(
            capped_shares=int(schools["capped"].sum()), no_total=int(schools["no_total"].sum())
        ),
    )
