"""Re-ingest rewrites only what changed: the changed file's parts and the daily activity it touches."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adoption_cli.config import Settings
from adoption_cli.metrics.activity import compute_activity
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.rating import compute_rating
from adoption_cli.periods import parse_month
from adoption_cli.sources import load_dataset
from adoption_cli.store import ingest, open_store
from adoption_cli.store.manifest import read_manifest
from adoption_cli.store.writer import file_key
from tests.sources.sources_helpers import save_book
from tests.store.exports import A, C, append_line, part_mtimes


@pytest.fixture
def before(store_dir: Path) -> dict[str, int]:
    """The parts of the first, full ingest with their mtimes."""
    return part_mtimes(store_dir)


def _same_as_raw(data_dir: Path, store_dir: Path, settings: Settings, month: str) -> None:
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None
    period = parse_month(month)
    raw = load_dataset(data_dir, settings)
    assert compute_indicator(stored, period, settings) == compute_indicator(raw, period, settings)
    # the panels and the rating also read the store's active_exceptions and registrations
    assert compute_activity(stored, period) == compute_activity(raw, period)
    assert compute_rating(stored, period) == compute_rating(raw, period)


def test_one_changed_events_file_rewrites_its_parts_alone(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    append_line(data_dir / "sferum_events.csv", f"sferum,u3,student,{C},2024-11-05 08:00:00")

    second = ingest(data_dir, settings, store_dir)

    assert (second.ingested, second.rebuilt) == (["sferum_events.csv"], False)
    assert len(second.unchanged) == 4 and "sferum_events.csv" not in second.unchanged
    after = part_mtimes(store_dir)
    sferum_key = file_key("sferum_events.csv")
    derived = ("user_days/platform=sferum", "monthly_active/platform=sferum", "active_exceptions/platform=sferum")
    # the school card's and the indicator's rows depend on every file: recomputed whenever anything changes
    cards = ("school_cards/", "indicator/")
    kept = {
        part
        for part in before
        if sferum_key not in part and "platform=sferum" not in part and not part.startswith(cards)
    }
    assert kept and all(after.get(part) == before[part] for part in kept)  # untouched, same mtime
    gone = set(before) - set(after)
    assert gone and all(sferum_key in part or part.startswith((*derived, *cards)) for part in gone)
    new = set(after) - set(before)
    assert any(part.startswith(cards) for part in new)
    for folder in ("events", *(d.split("/")[0] for d in derived)):
        assert any(part.startswith(f"{folder}/platform=sferum/month=2024-11/") for part in new), folder
    assert not any("platform=myschool" in part for part in new)
    assert second.user_day_partitions == 3  # sferum 2024-09, -10 (old and new rows), -11 (new)
    _same_as_raw(data_dir, store_dir, settings, "2024-11")


def test_changed_accounts_recompute_every_month_of_their_platform(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    # t1 gets blocked: their September login and October event count nowhere any more
    text = (data_dir / "myschool_accounts.csv").read_text(encoding="utf-8")
    (data_dir / "myschool_accounts.csv").write_text(text.replace(f"t1,teacher,{A},active", f"t1,teacher,{A},blocked"))

    result = ingest(data_dir, settings, store_dir)

    assert result.ingested == ["myschool_accounts.csv"]
    after = part_mtimes(store_dir)
    replaced = {part.rsplit("/", 1)[0] for part in set(before) - set(after)}
    assert replaced == {
        "accounts/platform=myschool",
        "registrations/platform=myschool",
        "rejects",  # the file's own (empty) rejects part
        "school_cards",
        "indicator",
        *(
            f"{derived}/platform=myschool/month={m}"
            for derived in ("user_days", "monthly_active", "active_exceptions")
            for m in ("2024-08", "2024-09", "2024-10", "2024-11")
        ),
    }
    _same_as_raw(data_dir, store_dir, settings, "2024-10")


def test_unchanged_files_are_not_read_again_and_a_touch_is_not_a_change(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    touched = data_dir / "schools.csv"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 5_000_000_000))

    result = ingest(data_dir, settings, store_dir)

    assert (result.ingested, result.rows) == ([], 0)
    assert part_mtimes(store_dir) == before
    manifest = read_manifest(store_dir)
    assert manifest is not None
    entry = manifest.entry("schools.csv")
    assert entry is not None and entry.mtime_ns == touched.stat().st_mtime_ns  # no hashing next time
    assert open_store(store_dir, data_dir, settings) is not None


def test_checksum_finds_an_edit_that_kept_the_size_and_got_its_old_time_back(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    events = data_dir / "myschool_events_2024-10.csv"
    stat = events.stat()
    text = events.read_text(encoding="utf-8")
    assert ".10." not in text and "-10-" in text
    events.write_text(text.replace("-10-", "-09-"), encoding="utf-8")  # October's logins moved to September
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert events.stat().st_size == stat.st_size

    # size and mtime alone: nothing seems to have changed (docs/store.md says so)
    assert ingest(data_dir, settings, store_dir).ingested == []
    result = ingest(data_dir, settings, store_dir, checksum=True)

    assert result.ingested == ["myschool_events_2024-10.csv"] and len(result.unchanged) == 4
    _same_as_raw(data_dir, store_dir, settings, "2024-09")
    _same_as_raw(data_dir, store_dir, settings, "2024-10")
    # and with the same content a checksum ingest reads nothing again
    assert ingest(data_dir, settings, store_dir, checksum=True).ingested == []


def test_a_removed_file_takes_its_rows_and_activity_with_it(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    (data_dir / "myschool_events_2024-10.csv").unlink()

    result = ingest(data_dir, settings, store_dir)

    assert result.removed == ["myschool_events_2024-10.csv"]
    assert not any(file_key("myschool_events_2024-10.csv") in part for part in part_mtimes(store_dir))
    _same_as_raw(data_dir, store_dir, settings, "2024-10")


def test_a_removed_accounts_file_takes_its_registrations_with_it(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    assert any(part.startswith("registrations/platform=myschool/") for part in before)
    (data_dir / "myschool_accounts.csv").unlink()

    ingest(data_dir, settings, store_dir)

    assert not any(part.startswith("registrations/") for part in part_mtimes(store_dir))
    _same_as_raw(data_dir, store_dir, settings, "2024-09")


def test_a_changed_registry_rebuilds_everything(
    data_dir: Path, store_dir: Path, settings: Settings, before: dict[str, int]
) -> None:
    append_line(data_dir / "schools.csv", "2300000051,Новая школа,Город,municipal,1,1")

    result = ingest(data_dir, settings, store_dir)

    assert result.rebuilt and len(result.ingested) == 5
    _same_as_raw(data_dir, store_dir, settings, "2024-09")


def test_the_warnings_of_a_file_not_read_again_stay_in_the_store(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    header = ["Период", "Роль", "ИНН", "Зарегистрировано", "Активных"]
    book = {"Август": [header, ["08.2024", "учитель", int(A), 2, 1]], "Сентябрь": [header]}
    save_book(data_dir / "assistant_stats.xlsx", book)
    ingest(data_dir, settings, store_dir)
    append_line(data_dir / "sferum_events.csv", f"sferum,u8,student,{C},2024-09-08 08:00:00")

    result = ingest(data_dir, settings, store_dir)

    assert result.ingested == ["sferum_events.csv"]
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None
    assert [w.split(":")[0] for w in stored.report.warnings] == ["assistant_stats.xlsx"]  # its sheet «Сентябрь»
    assert stored.report.warnings == load_dataset(data_dir, settings).report.warnings == result.warnings


def test_rows_a_new_copy_repeats_are_found_in_the_stored_files(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    """A re-ingest reads only the new copy of a statistics file; the rows it repeats are found in the parts
    of the file already stored, so the store tells what the exports tell."""
    stats = f"Период;Роль;ИНН;Зарегистрировано;Активных\n09.2024;учитель;{C};1;1\n"
    (data_dir / "assistant_stats.csv").write_text(stats, encoding="utf-8")
    ingest(data_dir, settings, store_dir)
    (data_dir / "assistant_stats (1).csv").write_text(stats, encoding="utf-8")

    result = ingest(data_dir, settings, store_dir)

    assert result.ingested == ["assistant_stats (1).csv"]
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None
    assert [w.split(":")[0] for w in stored.report.warnings] == ["assistant_stats.csv"]
    assert stored.report.warnings == load_dataset(data_dir, settings).report.warnings == result.warnings
