"""An ingest interrupted anywhere (an exception, or SIGKILL) leaves the previous store readable, and the
next ingest completes the work and removes every leftover (issue 7, «Faults»)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import adoption_cli.store.writer as ingest_module
from adoption_cli.config import Settings
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.periods import parse_month
from adoption_cli.sources import load_dataset
from adoption_cli.store import ingest, inspect_store, open_store
from adoption_cli.store.manifest import Manifest, read_manifest
from adoption_cli.store.reader import dataset_of
from tests.store.exports import C, append_line

ROOT = Path(__file__).resolve().parents[2]
SEPT = parse_month("2024-09")

# Runs an ingest that stops for good at a chosen point: after the first staged part is written, after the
# file parts are moved into the store, or just before the manifest is replaced.
HANG = """
import sys, time
from pathlib import Path
import adoption_cli.store.writer as m
from adoption_cli.config import load_settings

data_dir, store_dir, point, marker = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])

def hang():
    marker.write_text("ready")
    time.sleep(120)

def after(original):
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        hang()
        return result
    return wrapper

if point == "staged":
    m._Run._stage = after(m._Run._stage)
elif point == "moved":
    m._Run._move_into_store = after(m._Run._move_into_store)
else:
    m.write_manifest = lambda *args, **kwargs: hang()
m.ingest(data_dir, load_settings(None, environ={}), store_dir)
"""


def _no_leftovers(store_dir: Path) -> None:
    manifest = read_manifest(store_dir)
    assert manifest is not None
    on_disk = {p.relative_to(store_dir).as_posix() for p in store_dir.rglob("part-*")}
    assert on_disk == manifest.all_parts()
    assert not list(store_dir.glob(".staging-*")) and not list(store_dir.glob(".*.tmp"))


def _complete(data_dir: Path, store_dir: Path, settings: Settings) -> None:
    ingest(data_dir, settings, store_dir)
    stored = open_store(store_dir, data_dir, settings)
    assert stored is not None
    assert compute_indicator(stored, SEPT, settings) == compute_indicator(
        load_dataset(data_dir, settings), SEPT, settings
    )
    _no_leftovers(store_dir)


def _previous_is_readable(
    store_dir: Path, data_dir: Path, settings: Settings, previous: Manifest, expected: str
) -> None:
    assert read_manifest(store_dir) == previous
    assert compute_indicator(dataset_of(previous, store_dir, data_dir), SEPT, settings).model_dump_json() == expected
    assert inspect_store(store_dir, data_dir, settings).reason == "changed"  # stale, not broken


def _baseline(data_dir: Path, store_dir: Path, settings: Settings) -> tuple[Manifest, str]:
    """The store as it is, and its indicator; then a file changes, for the next ingest to pick up."""
    manifest = read_manifest(store_dir)
    stored = open_store(store_dir, data_dir, settings)
    assert manifest is not None and stored is not None
    expected = compute_indicator(stored, SEPT, settings).model_dump_json()
    append_line(data_dir / "sferum_events.csv", f"sferum,u5,student,{C},2024-09-07 08:00:00")
    return manifest, expected


@pytest.mark.parametrize("failing", ["_sort", "_user_days"])
def test_a_failure_midway_keeps_the_previous_store(
    data_dir: Path, store_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    previous, expected = _baseline(data_dir, store_dir, settings)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(ingest_module._Run, failing, disk_full)
        with pytest.raises(OSError):
            ingest(data_dir, settings, store_dir)

    _previous_is_readable(store_dir, data_dir, settings, previous, expected)
    assert not list(store_dir.glob(".staging-*"))
    _complete(data_dir, store_dir, settings)


def test_a_failing_manifest_write_keeps_the_previous_manifest(
    data_dir: Path, store_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous, expected = _baseline(data_dir, store_dir, settings)

    replace = os.replace

    def fail_on_manifest(source: Path, target: Path) -> None:
        if Path(target).name == "manifest.json":
            raise OSError(28, "No space left on device")
        replace(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", fail_on_manifest)
        with pytest.raises(OSError):
            ingest(data_dir, settings, store_dir)

    _previous_is_readable(store_dir, data_dir, settings, previous, expected)
    assert not list(store_dir.glob(".*.tmp"))  # the half-done manifest is removed at once
    _complete(data_dir, store_dir, settings)


@pytest.mark.parametrize("point", ["staged", "moved", "manifest"])
def test_sigkill_midway_keeps_the_previous_store(
    data_dir: Path, store_dir: Path, settings: Settings, tmp_path: Path, point: str
) -> None:
    previous, expected = _baseline(data_dir, store_dir, settings)
    marker = tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen(
        [sys.executable, "-c", HANG, str(data_dir), str(store_dir), point, str(marker)], cwd=ROOT, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the ingest ended before reaching the point"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()

    _previous_is_readable(store_dir, data_dir, settings, previous, expected)
    _complete(data_dir, store_dir, settings)


def test_an_interrupted_first_ingest_leaves_no_store_and_the_next_builds_it(
    data_dir: Path, no_store: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = no_store

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(ingest_module._Run, "_user_days", disk_full)
        with pytest.raises(OSError):
            ingest(data_dir, settings, store_dir)
    assert open_store(store_dir, data_dir, settings) is None
    _complete(data_dir, store_dir, settings)


def test_a_command_whose_store_an_ingest_replaces_midway_reads_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command read the manifest; before it read the parts, an ingest (cron) replaced the store and deleted
    the parts the new manifest no longer lists. The command reads the new store once more instead of calling
    the store damaged, and prints what the exports now give."""
    import json

    import adoption_cli.cli.session as session
    from adoption_cli.config import load_settings
    from tests.cli_support import invoke
    from tests.store.exports import A, write_exports

    data = write_exports(tmp_path / "data")
    assert invoke("ingest", "--data", str(data), "-q").exit_code == 0
    original = session.fresh_store
    replaced: list[bool] = []

    def fresh_store_then_an_ingest(*args: object, **kwargs: object) -> object:
        fresh = original(*args, **kwargs)  # type: ignore[arg-type]
        if fresh is not None and not replaced:
            append_line(data / "myschool_events_2024-09.csv", f"myschool,t9,teacher,{A},2024-09-09 09:00:00")
            ingest(data, load_settings(data), data / ".adoption-store")
            replaced.append(True)
        return fresh

    monkeypatch.setattr(session, "fresh_store", fresh_store_then_an_ingest)
    args = ("rating", "--data", str(data), "--month", "2024-09", "--role", "teacher", "--format", "json")
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    assert replaced and "хранилище обновилось, пока команда его читала (adoption ingest): читаю его заново." in (
        result.stderr
    )
    monkeypatch.undo()
    raw = invoke(*args, "--store", str(tmp_path / "none"))
    assert json.loads(result.stdout) == json.loads(raw.stdout)


def test_the_next_ingest_removes_the_manifest_temp_of_a_killed_one(
    data_dir: Path, store_dir: Path, settings: Settings
) -> None:
    """An ingest killed while writing the manifest leaves its temporary copy; the next ingest removes it (its
    writer's process is gone), as the report does for its workbook."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = store_dir / f".manifest.json.{int(finished.stdout)}-dead.tmp"
    leftover.write_bytes(b'{"format": ')
    _baseline(data_dir, store_dir, settings)
    _complete(data_dir, store_dir, settings)
    assert not leftover.exists()
