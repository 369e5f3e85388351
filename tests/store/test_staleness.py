"""open_store uses the store only while it matches the data folder and the normalising settings."""

from __future__ import annotations

import os
from pathlib import Path

from adoption_cli.config import Settings, load_settings
from adoption_cli.store import ingest, inspect_store, open_store
from tests.store.exports import append_line


def _reason(store_dir: Path, data_dir: Path, settings: Settings) -> tuple[str | None, str | None]:
    state = inspect_store(store_dir, data_dir, settings)
    assert (state.store is None) == (state.reason is not None)
    return state.reason, state.path


def test_absent_store(data_dir: Path, no_store: Path, settings: Settings) -> None:
    store_dir = no_store
    assert open_store(store_dir, data_dir, settings) is None
    assert _reason(store_dir, data_dir, settings) == ("absent", None)


def test_fresh_until_a_file_changes_is_added_or_removed(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    assert _reason(store_dir, data_dir, settings) == (None, None)

    events = data_dir / "sferum_events.csv"
    os.utime(events, ns=(events.stat().st_atime_ns, events.stat().st_mtime_ns + 1_000_000_000))
    assert _reason(store_dir, data_dir, settings) == (None, None)  # touched: same sha256

    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("u1,", "u7,"), encoding="utf-8")  # same size, new content
    assert _reason(store_dir, data_dir, settings) == ("changed", "sferum_events.csv")
    events.write_text(text, encoding="utf-8")
    ingest(data_dir, settings, store_dir)

    (data_dir / "notes").mkdir()
    extra = data_dir / "notes" / "sferum_events_extra.csv"
    extra.write_text(text, encoding="utf-8")
    assert _reason(store_dir, data_dir, settings) == ("added", "notes/sferum_events_extra.csv")
    extra.unlink()
    assert _reason(store_dir, data_dir, settings) == (None, None)

    (data_dir / "myschool_events_2024-10.csv").unlink()
    assert _reason(store_dir, data_dir, settings) == ("removed", "myschool_events_2024-10.csv")


def test_an_ignored_file_present_at_ingest_keeps_the_store_fresh(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    (data_dir / "readme.txt").write_text("не выгрузка\n", encoding="utf-8")
    ingest(data_dir, settings, store_dir)
    assert _reason(store_dir, data_dir, settings) == (None, None)
    append_line(data_dir / "readme.txt", "ещё строка")
    assert _reason(store_dir, data_dir, settings)[0] == "changed"


def test_timezone_makes_it_stale_thresholds_do_not(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    other_zone = load_settings(None, environ={"ADOPTION_TIME__TIMEZONE": "Asia/Vladivostok"})
    assert _reason(store_dir, data_dir, other_zone) == ("settings", None)
    other_target = load_settings(None, environ={"ADOPTION_INDICATOR__TARGET_PCT": "40"})
    assert _reason(store_dir, data_dir, other_target) == (None, None)


def test_a_damaged_manifest_is_an_unusable_store(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    (store_dir / "manifest.json").write_text("{", encoding="utf-8")
    assert _reason(store_dir, data_dir, settings) == ("unusable", None)  # not read; ingest rebuilds it
    ingest(data_dir, settings, store_dir)
    assert _reason(store_dir, data_dir, settings) == (None, None)


def test_hidden_files_and_excel_lock_files_do_not_count(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    (data_dir / "~$schools.xlsx").write_bytes(b"lock")
    (data_dir / ".backup.csv").write_bytes(b"hidden")
    assert _reason(store_dir, data_dir, settings) == (None, None)


def test_an_export_the_loader_cannot_read_makes_the_store_stale(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    """A new .xls is read by no command, but the exports' load report names it: the store would not."""
    (data_dir / "sferum_events_2024-11.xls").write_bytes(b"old Excel")
    assert _reason(store_dir, data_dir, settings) == ("added", "sferum_events_2024-11.xls")
    ingest(data_dir, settings, store_dir)
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None
    assert stored.report.warnings == ["sferum_events_2024-11.xls: формат .xls не читается — сохраните как .xlsx."]
