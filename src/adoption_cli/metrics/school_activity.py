"""Every registry school's active users per platform and role in a period (the workbook's «Школы» columns
and its «no activity at all» check). Pure functions on LazyFrames, built on the shared activity core."""

from __future__ import annotations

from datetime import date

import polars as pl

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import active_counts, by_name
from adoption_cli.periods import Period
from adoption_cli.schema import PLATFORMS, ROLE_CODES, Kind


def platforms_present(dataset: Dataset) -> list[str]:
    """Platforms the data describes, in the canonical order (Моя школа, Сферум, ЦПУ)."""
    grain = dataset.platform_grain()
    return [platform for platform in PLATFORMS if platform in grain]


def activity_column(platform: str, role: str) -> str:
    return f"{platform}_{role}s_active"


def platform_role_activity(dataset: Dataset, period: Period) -> pl.LazyFrame:
    """school_id, name, municipality, ownership, then `<platform>_<role>s_active` for every platform present
    and every role (0 where none), and `no_activity` (no active user of any role on any platform)."""
    platforms = platforms_present(dataset)
    counts = active_counts(dataset, period, platforms)
    columns = [activity_column(platform, role) for platform in platforms for role in ROLE_CODES]
    wide = counts.group_by("school_id").agg(
        pl.col("active")
        .filter((pl.col("platform") == platform) & (pl.col("role") == role))
        .sum()
        .cast(pl.Int64)
        .alias(activity_column(platform, role))
        for platform in platforms
        for role in ROLE_CODES
    )
    frame = (
        dataset.schools.select("school_id", "name", "municipality", "ownership")
        .join(wide, on="school_id", how="left")
        .with_columns(pl.col(columns).fill_null(0) if columns else [])
    )
    total = pl.sum_horizontal(pl.col(columns)) if columns else pl.lit(0)
    return frame.with_columns((total == 0).alias("no_activity")).sort(
        *by_name("municipality"), *by_name("name"), "school_id"
    )


def coverage_start(dataset: Dataset) -> date | None:
    """First day of the month of the earliest event or school-statistics row: where the exports begin.

    Accounts' last logins are left out: an export of accounts carries old last-login dates of users who
    stopped, but not of those who came back, so the months before the first events are not covered.
    """
    starts = pl.concat(
        [
            dataset.frame(Kind.EVENTS).select(pl.col("ts").min().dt.date().alias("day")),
            dataset.frame(Kind.SCHOOL_STATS).select(pl.col("month").min().alias("day")),
        ]
    )
    earliest = starts.select(pl.col("day").min()).collect().item()
    return None if earliest is None else date(earliest.year, earliest.month, 1)
