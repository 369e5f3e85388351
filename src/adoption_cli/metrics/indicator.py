"""The 33% indicator: the share of population schools where at least 50% of teachers AND at least 50% of
students were active on a counted platform in the month (docs/metrics.md, «Индикатор 33 %»).

Comparisons are made in integers (active × 100 × d ≥ total × n, the threshold taken as written: n/d, 50 →
50/1, 50.005 → 10001/200) so that «exactly 50%» is never lost to floating point, and a threshold agrees with
`common.reaches_pct`, which judges targets the same way.
"""

from __future__ import annotations

import polars as pl

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import (
    active_any_platform,
    by_name,
    combination_for,
    population,
    share_pct,
    wide_by_role,
)
from adoption_cli.metrics.common import Combination, exact_pct
from adoption_cli.metrics.indicator_result import IndicatorResult, build_result
from adoption_cli.periods import Period


def reaches(active: pl.Expr, total: pl.Expr, threshold_pct: float) -> pl.Expr:
    """active / total ≥ threshold, exactly as written; false when total is 0/null."""
    threshold = exact_pct(threshold_pct)
    return (
        pl.when(total.is_null() | (total <= 0))
        .then(False)
        .otherwise(active * (100 * threshold.denominator) >= total * threshold.numerator)
    )


def _over_total(role: str) -> pl.Expr:
    total = pl.col(f"{role}_total")
    return (pl.col(f"{role}_active") > total) & (total > 0)


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
            # Capped: a share shown as 100 % although more are active. A total of 0 gives no share to cap
            # (it is counted in no_total instead).
            (_over_total("teachers") | _over_total("students")).fill_null(False).alias("capped"),
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
        .sort(*by_name("municipality"), *by_name("name"), "school_id")
    )
    return frame, combination


def compute_indicator(
    dataset: Dataset, period: Period, settings: Settings, *, municipality: str | None = None
) -> IndicatorResult:
    frame, combination = schools_frame(dataset, period, settings)
    return build_result(frame.collect().to_dicts(), period, settings, combination, municipality=municipality)
