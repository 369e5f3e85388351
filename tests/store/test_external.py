"""The store is an ordinary Hive-partitioned Parquet folder: other tools read it without our code."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from adoption_cli.config import Settings
from adoption_cli.schema import Kind
from adoption_cli.sources import load_dataset


def test_plain_scan_parquet_reads_events_and_daily_activity(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    events = pl.scan_parquet(store_dir / "events" / "**" / "*.parquet", hive_partitioning=True).collect()
    assert set(events.columns) == {"platform", "month", "user_id", "role", "school_id", "ts"}
    assert (events["month"] == events["ts"].dt.strftime("%Y-%m")).all()
    raw = load_dataset(data_dir, settings).frame(Kind.EVENTS).collect()
    columns = raw.columns
    assert events.select(columns).sort(columns).equals(raw.sort(columns))

    october = pl.scan_parquet(store_dir / "user_days" / "**" / "*.parquet", hive_partitioning=True).filter(
        pl.col("month") == "2024-10"
    )
    assert october.select(pl.col("day").dt.month().unique()).collect().to_series().to_list() == [10]


def test_parts_are_sorted_by_school(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    for part in (store_dir / "events").rglob("*.parquet"):
        schools = pl.read_parquet(part, columns=["school_id"]).to_series()
        assert schools.is_sorted(), part
