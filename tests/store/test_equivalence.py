"""The store gives exactly what the raw exports give: same indicator JSON, same report, same rejects."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import user_grain_active
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.school import compute_card, stored_card
from adoption_cli.periods import Period, parse_month, window_period
from adoption_cli.schema import Kind
from adoption_cli.sources import load_dataset
from adoption_cli.store import ingest, open_store
from tests.store.exports import A, B, C

PERIODS = [
    parse_month("2024-08"),
    parse_month("2024-09"),
    parse_month("2024-10"),
    parse_month("2024-11"),
    window_period("2024-10-05", 10),
]


def indicator_json(dataset: Dataset, period: Period, settings: Settings) -> str:
    return compute_indicator(dataset, period, settings).model_dump_json()


@pytest.mark.parametrize("shared_user_ids", [False, True])
def test_indicator_from_store_equals_raw(
    data_dir: Path, store_dir: Path, settings: Settings, shared_user_ids: bool
) -> None:
    rules = settings.model_copy(
        update={"identity": settings.identity.model_copy(update={"shared_user_ids": shared_user_ids})}
    )
    stored = open_store(store_dir, data_dir, rules)
    assert stored is not None and stored.user_days is not None
    loaded = load_dataset(data_dir, rules)
    raw = replace(loaded, frames={kind: frame.collect().lazy() for kind, frame in loaded.frames.items()})
    for period in PERIODS:
        assert indicator_json(stored, period, rules) == indicator_json(raw, period, rules), period.label


def test_monthly_counts_equal_the_counts_from_the_exports(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None and stored.monthly_active is not None
    raw = load_dataset(data_dir, settings)
    order = ["platform", "school_id", "role"]
    for period in PERIODS[:4]:
        from_store = user_grain_active(stored, period, ["myschool", "sferum"]).collect().sort(order)
        assert not from_store.is_empty()
        assert from_store.equals(user_grain_active(raw, period, ["myschool", "sferum"]).collect().sort(order))


def test_daily_activity_is_distinct_and_leaves_blocked_and_unknown_out(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None and stored.user_days is not None
    days = stored.user_days.filter(pl.col("day").dt.month() == 9).collect()
    september = set(days.select("platform", "school_id", "user_id", pl.col("day").dt.day()).iter_rows())
    assert september == {
        ("myschool", A, "s1", 1),
        ("myschool", A, "s2", 2),  # two events on one day: one row
        ("myschool", A, "t1", 3),  # a last login
        ("myschool", B, "s3", 1),
        ("myschool", B, "t3", 30),
        ("sferum", C, "u1", 5),
        ("sferum", C, "u2", 5),
        ("sferum", B, "t3", 10),
        ("sferum", "2300000044", "d1", 10),
    }  # t2 is blocked; s9's school is not in the registry; x1 is rejected


def test_report_and_rejects_survive_the_store(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    stored = open_store(store_dir, data_dir, settings)
    raw = load_dataset(data_dir, settings, file_hashes=True)  # the store keeps every file's SHA-256
    assert stored is not None
    assert stored.report == raw.report
    assert stored.report.rejected >= 1
    order = ["file", "row", "column", "reason"]
    assert stored.rejects.collect().sort(order).equals(raw.rejects.collect().sort(order))
    for kind in raw.frames:
        assert stored.has(kind)
        columns = raw.frame(kind).collect_schema().names()
        assert stored.frame(kind).collect().sort(columns).equals(raw.frame(kind).collect().sort(columns)), kind


def test_each_file_s_own_rows_add_up_to_the_data_set(data_dir: Path, settings: Settings) -> None:
    raw = load_dataset(data_dir, settings)
    assert set(raw.by_file) == {f.path for f in raw.report.files}
    registry = raw.schools.select("school_id").collect().to_series().implode()
    for load in raw.report.files:
        rows = raw.by_file[load.path]
        assert rows.rejects.select(pl.len()).collect().item() == load.rejected, load.path
        kept = load.loaded - load.unknown_school - load.other_role
        valid = rows.valid.collect()
        if load.kind == "schools":
            assert valid.height == load.loaded
        elif load.kind == "accounts":
            # blocked accounts stay whatever school or role their row names: a blocked user counts nowhere
            outside = valid.filter(~pl.col("school_id").is_in(registry) | (pl.col("role") == "other"))
            assert set(outside["status"]) <= {"blocked"}
            assert valid.height == kept + outside.height
        else:
            assert valid.height == kept
    outside = raw.frame(Kind.ACCOUNTS).filter(~pl.col("school_id").is_in(registry) | (pl.col("role") == "other"))
    assert sorted(outside.select("user_id").collect()["user_id"]) == ["s6", "t4"]
    events = pl.concat([raw.by_file[f.path].valid for f in raw.report.files if f.kind == "events"])
    assert events.collect().sort(pl.all()).equals(raw.frame(Kind.EVENTS).collect().sort(pl.all()))


def test_partitions_larger_than_memory_allows_are_sorted_in_school_ranges(
    data_dir: Path, no_store: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adoption_cli.store.writer.CHUNK_ROWS", 2)  # every partition of the fixture is "large"
    ingest(data_dir, settings, no_store)
    stored = open_store(no_store, data_dir, settings)
    raw = load_dataset(data_dir, settings)
    assert stored is not None
    for period in PERIODS:
        assert indicator_json(stored, period, settings) == indicator_json(raw, period, settings), period.label
    folder = no_store / "events" / "platform=myschool" / "month=2024-09"
    ranges = [pl.read_parquet(part)["school_id"] for part in sorted(folder.glob("*.parquet"))]
    assert len(ranges) > 1 and all(r.is_sorted() for r in ranges)
    assert all(a.max() < b.min() for a, b in itertools.pairwise(ranges))  # consecutive ranges
    days = stored.user_days.collect()
    assert days.height == days.unique().height


def test_school_cards_from_the_store_equal_the_cards_from_the_exports(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None and stored.school_cards is not None
    raw = load_dataset(data_dir, settings)
    for school_id, label in itertools.product((A, B, C), ("2024-08", "2024-09", "2024-10", "2024-11")):
        month = parse_month(label)
        fast = stored_card(stored, school_id, month, settings)
        assert fast is not None, (school_id, label)  # read from the precomputed rows
        assert fast == compute_card(raw, school_id, month, settings), (school_id, label)


def test_stored_card_rows_are_not_used_under_other_indicator_rules(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    rules = settings.indicator.model_copy(update={"teacher_threshold_pct": 10.0})
    stricter = settings.model_copy(update={"indicator": rules})
    stored = open_store(store_dir, data_dir, stricter)
    assert stored is not None and stored.school_cards is None  # the rows were computed at 50 %
    month = parse_month("2024-09")
    raw = load_dataset(data_dir, stricter)
    assert compute_card(stored, A, month, stricter) == compute_card(raw, A, month, stricter)
