"""Where rows live in the store and how a Dataset is read back from its parts.

    events/platform=myschool/month=2024-09/part-<file>-<run>-<chunk>.parquet   (sorted by school_id)
    accounts/platform=myschool/part-…      school_stats/platform=…/part-…      content_views/month=…/part-…
    schools/part-…   content_items/part-…   rejects/part-…
    user_days/platform=myschool/month=2024-09/part-…   (distinct platform, school, role, user, day)
    monthly_active/platform=myschool/month=2024-09/part-…   (distinct active users per school and role)
    school_cards/part-….json.gz   (the school card's rows of recent months, gzipped JSON: store.cards)
    active_exceptions/platform=myschool/month=2024-09/part-…   (users the monthly counts do not describe)
    registrations/platform=myschool/part-…   (registered users per school, role and month of registration)

Partition columns live only in the folder names (Hive style), so DuckDB, Spark and ClickHouse read the
same folders; the manifest lists which parts belong to the store.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from adoption_cli.dataset import canonical_schema
from adoption_cli.schema import Kind

USER_DAYS = "user_days"
MONTHLY_ACTIVE = "monthly_active"
ACTIVE_EXCEPTIONS = "active_exceptions"
REGISTRATIONS = "registrations"
REJECTS = "rejects"
SCHOOL_KEY = "school_id"

# Hive partition columns per folder; "month" (YYYY-MM) is derived from the column named in MONTH_OF.
PARTITIONS: dict[str, tuple[str, ...]] = {
    Kind.EVENTS: ("platform", "month"),
    Kind.ACCOUNTS: ("platform",),
    Kind.SCHOOL_STATS: ("platform",),
    Kind.CONTENT_VIEWS: ("month",),
    USER_DAYS: ("platform", "month"),
    MONTHLY_ACTIVE: ("platform", "month"),
    ACTIVE_EXCEPTIONS: ("platform", "month"),
    REGISTRATIONS: ("platform",),
}
MONTH_OF: dict[str, str] = {Kind.EVENTS: "ts", Kind.CONTENT_VIEWS: "ts", USER_DAYS: "day"}

USER_DAYS_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "school_id": pl.String(),
    "role": pl.String(),
    "user_id": pl.String(),
    "day": pl.Date(),
}
MONTHLY_ACTIVE_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "school_id": pl.String(),
    "role": pl.String(),
    "month": pl.Date(),
    "active": pl.Int64(),
}
ACTIVE_EXCEPTIONS_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "school_id": pl.String(),
    "role": pl.String(),
    "user_id": pl.String(),
    "month": pl.Date(),
    "shared": pl.Boolean(),
    "unregistered": pl.Boolean(),
    "registered_schools": pl.List(pl.String()),
}
REGISTRATIONS_SCHEMA: dict[str, pl.DataType] = {
    "platform": pl.String(),
    "school_id": pl.String(),
    "role": pl.String(),
    "month": pl.Date(),
    "user_id": pl.String(),
    "registered": pl.Int64(),
}
REJECTS_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "reason": pl.String(),
}


def schema_of(folder: str) -> dict[str, pl.DataType]:
    if folder == USER_DAYS:
        return USER_DAYS_SCHEMA
    if folder == MONTHLY_ACTIVE:
        return MONTHLY_ACTIVE_SCHEMA
    if folder == ACTIVE_EXCEPTIONS:
        return ACTIVE_EXCEPTIONS_SCHEMA
    if folder == REGISTRATIONS:
        return REGISTRATIONS_SCHEMA
    if folder == REJECTS:
        return REJECTS_SCHEMA
    return canonical_schema(Kind(folder))


def with_partition_columns(frame: pl.LazyFrame, folder: str) -> pl.LazyFrame:
    """Add the derived `month` partition column where the folder is partitioned by month."""
    if folder in MONTH_OF and "month" in PARTITIONS.get(folder, ()):
        return frame.with_columns(pl.col(MONTH_OF[folder]).dt.strftime("%Y-%m").alias("month"))
    return frame


def partition_path(folder: str, keys: dict[str, str]) -> str:
    """events + {platform: myschool, month: 2024-09} -> events/platform=myschool/month=2024-09"""
    return "/".join([folder, *(f"{name}={keys[name]}" for name in PARTITIONS.get(folder, ()))])


def partition_values(part: str) -> dict[str, str]:
    """events/platform=myschool/month=2024-09/part-….parquet -> {platform: myschool, month: 2024-09}"""
    return dict(segment.split("=", 1) for segment in part.split("/")[1:-1])


def _partition_value(value: str, dtype: pl.DataType) -> pl.Expr:
    """A folder's key=value as the column's type: a month (YYYY-MM) of a Date column is its first day."""
    return pl.lit(f"{value}-01").str.to_date("%Y-%m-%d") if dtype == pl.Date() else pl.lit(value)


def scan(store_dir: Path, parts: list[str], folder: str) -> pl.LazyFrame:
    """The rows of `parts` with the folder's canonical columns, partition columns restored from the paths.

    Partition values are taken from our own relative paths rather than by Polars' Hive parsing, which
    would also read any `key=value` folder above the store.
    """
    schema = schema_of(folder)
    if not parts:
        return pl.LazyFrame(schema=schema)
    by_partition: dict[tuple[tuple[str, str], ...], list[Path]] = {}
    for part in parts:
        by_partition.setdefault(tuple(partition_values(part).items()), []).append(store_dir / part)
    frames = [
        pl.scan_parquet(paths, hive_partitioning=False).with_columns(
            _partition_value(value, schema.get(key, pl.String())).alias(key) for key, value in keys
        )
        for keys, paths in by_partition.items()
    ]
    frame = frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
