"""`open_store`: the Dataset of an up-to-date store, or None when it is absent or stale.

Fresh means: same settings fingerprint, the same set of source files, and every file with the size and
mtime (or, after a touch or a copy, the sha256) it had at ingest. Only the manifest and file metadata are
read to decide; the data stay lazy Parquet scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset, LoadReport
from adoption_cli.schema import Kind
from adoption_cli.store.layout import ACTIVE_EXCEPTIONS, MONTHLY_ACTIVE, REGISTRATIONS, REJECTS, USER_DAYS, scan
from adoption_cli.store.manifest import Manifest, candidate_files, fingerprint, read_manifest, unchanged

Staleness = Literal["absent", "settings", "added", "removed", "changed"]


@dataclass(frozen=True)
class StoreState:
    dataset: Dataset | None
    reason: Staleness | None = None  # why the store cannot be used
    path: str | None = None  # the source file that made it stale


def inspect_store(store_dir: Path, data_dir: Path, settings: Settings) -> StoreState:
    manifest = read_manifest(store_dir)
    if manifest is None:
        return StoreState(None, "absent")
    if manifest.fingerprint != fingerprint(settings):
        return StoreState(None, "settings")
    listed = candidate_files(data_dir, store_dir)
    known = {entry.path for entry in manifest.files}
    added = sorted(set(listed) - known)
    if added:
        return StoreState(None, "added", added[0])
    for entry in manifest.files:
        path = data_dir / entry.path
        stat = listed.get(entry.path) or (path.stat() if path.is_file() else None)
        if stat is None:
            return StoreState(None, "removed", entry.path)
        if not unchanged(entry, stat, path):
            return StoreState(None, "changed", entry.path)
    return StoreState(dataset_of(manifest, store_dir, data_dir, settings))


def open_store(store_dir: Path, data_dir: Path, settings: Settings) -> Dataset | None:
    """The stored data set when the store is there and up to date with `data_dir`, else None."""
    return inspect_store(store_dir, data_dir, settings).dataset


def dataset_of(manifest: Manifest, store_dir: Path, data_dir: Path, settings: Settings | None = None) -> Dataset:
    """The stored data set; its precomputed card rows only where they were computed under `settings`' rules
    (the indicator's thresholds and platforms are not part of the store's fingerprint)."""
    from adoption_cli.metrics.card_rules import card_rules

    cards = manifest.school_cards if settings and manifest.school_card_rules == card_rules(settings) else []
    parts: dict[str, list[str]] = {}
    for entry in manifest.files:
        if entry.load is not None:
            parts.setdefault(entry.load.kind.value, []).extend(entry.parts)
            parts.setdefault(REJECTS, []).extend(entry.rejects)
    parts[Kind.SCHOOLS.value] = manifest.schools
    return Dataset(
        data_dir=data_dir,
        frames={kind: scan(store_dir, parts.get(kind.value, []), kind.value) for kind in manifest.kinds},
        report=LoadReport(
            files=[entry.load for entry in manifest.files if entry.load is not None],
            branches_merged=manifest.branches_merged,
            warnings=manifest.warnings,
        ),
        rejects=scan(store_dir, parts.get(REJECTS, []), REJECTS),
        user_days=scan(store_dir, _all(manifest.user_days), USER_DAYS),
        monthly_active=scan(store_dir, _all(manifest.monthly_active), MONTHLY_ACTIVE),
        school_cards=pl.scan_parquet([store_dir / part for part in cards]) if cards else None,
        active_exceptions=scan(store_dir, _all(manifest.active_exceptions), ACTIVE_EXCEPTIONS),
        registrations=scan(store_dir, _all(manifest.registrations), REGISTRATIONS),
    )


def _all(parts: dict[str, list[str]]) -> list[str]:
    return [part for key_parts in parts.values() for part in key_parts]
