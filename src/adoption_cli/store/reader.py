"""`inspect_store`: whether a store is there and up to date, and the Dataset it holds.

Fresh means: same settings fingerprint, the same set of source files, every file with the size and
mtime (or, after a touch or a copy, the sha256) it had at ingest, and every Parquet part the manifest lists
present and whole (store.manifest.damaged_part). Only the manifest and file metadata are
read to decide, without importing Polars; the data stay lazy Parquet scans until a metric collects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from adoption_cli.config import Settings
from adoption_cli.dataset import LoadReport
from adoption_cli.store.cards import StoredCards
from adoption_cli.store.manifest import (
    MANIFEST_NAME,
    Manifest,
    candidate_files,
    damaged_part,
    fingerprint,
    read_manifest,
    unchanged,
)

if TYPE_CHECKING:
    from adoption_cli.dataset import Dataset
    from adoption_cli.store.indicator import StoredMonth

Staleness = Literal["absent", "not_folder", "unusable", "settings", "added", "removed", "changed", "damaged"]


@dataclass(frozen=True)
class FreshStore:
    """An up-to-date store, before any of its Parquet is read."""

    manifest: Manifest
    store_dir: Path
    data_dir: Path
    settings: Settings

    @cached_property
    def report(self) -> LoadReport:
        return report_of(self.manifest)

    @cached_property
    def cards(self) -> StoredCards | None:
        """The card rows, where they were computed under these settings' rules (the indicator's thresholds
        and platforms are not part of the store's fingerprint)."""
        from adoption_cli.metrics.stored_rules import card_rules

        manifest = self.manifest
        if not manifest.school_card_registry or manifest.school_card_rules != card_rules(self.settings):
            return None
        return StoredCards(self.store_dir, manifest.school_cards, manifest.school_card_registry)

    def indicator_month(self, month_key: str) -> StoredMonth | None:
        """The indicator's school rows of a month, where the store keeps them and they were computed under
        these settings' rules (None: the indicator is computed from the store's tables)."""
        from adoption_cli.store.indicator import read_month

        part = self._indicator_part(month_key)
        return read_month(self.store_dir, part) if part is not None else None

    def keeps_indicator_month(self, month_key: str) -> bool:
        """Whether the store keeps the month's rows under these settings' rules: if `indicator_month` gives
        none all the same, their copy is damaged."""
        return self._indicator_part(month_key) is not None

    def _indicator_part(self, month_key: str) -> str | None:
        from adoption_cli.metrics.stored_rules import indicator_rules

        manifest = self.manifest
        part = manifest.indicator_months.get(month_key)
        return part if part is not None and manifest.indicator_rules == indicator_rules(self.settings) else None

    def dataset(self) -> Dataset:
        # (the same `cards`: a shard the card already unpacked is not read again)
        return dataset_of(self.manifest, self.store_dir, self.data_dir, self.cards)


@dataclass(frozen=True)
class StoreState:
    store: FreshStore | None
    reason: Staleness | None = None  # why the store cannot be used
    path: str | None = None  # the source file that made it stale, or the damaged part (relative to the store)


def inspect_store(store_dir: Path, data_dir: Path, settings: Settings) -> StoreState:
    manifest = read_manifest(store_dir)
    if manifest is None:
        if store_dir.exists() and not store_dir.is_dir():
            return StoreState(None, "not_folder")
        # a manifest of an older layout or a damaged one: the next ingest rebuilds the store
        return StoreState(None, "unusable" if (store_dir / MANIFEST_NAME).exists() else "absent")
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
    damaged = damaged_part(store_dir, manifest)
    if damaged is not None:
        return StoreState(None, "damaged", damaged)
    return StoreState(FreshStore(manifest, store_dir, data_dir, settings))


def open_store(store_dir: Path, data_dir: Path, settings: Settings) -> Dataset | None:
    """The stored data set when the store is there and up to date with `data_dir`, else None."""
    fresh = inspect_store(store_dir, data_dir, settings).store
    return fresh.dataset() if fresh is not None else None


def report_of(manifest: Manifest) -> LoadReport:
    return LoadReport(
        files=[entry.load for entry in manifest.files if entry.load is not None],
        branches_merged=manifest.branches_merged,
        warnings=manifest.warnings,
    )


def dataset_of(manifest: Manifest, store_dir: Path, data_dir: Path, cards: StoredCards | None = None) -> Dataset:
    """The stored data set (lazy Parquet scans), with the card rows `cards` (None: cards are computed)."""
    from adoption_cli.dataset import Dataset
    from adoption_cli.schema import Kind
    from adoption_cli.store.layout import (
        ACTIVE_EXCEPTIONS,
        MONTHLY_ACTIVE,
        REGISTRATIONS,
        REJECTS,
        USER_DAYS,
        scan,
    )

    parts: dict[str, list[str]] = {}
    for entry in manifest.files:
        if entry.load is not None:
            parts.setdefault(entry.load.kind.value, []).extend(entry.parts)
            parts.setdefault(REJECTS, []).extend(entry.rejects)
    parts[Kind.SCHOOLS.value] = manifest.schools
    return Dataset(
        data_dir=data_dir,
        frames={kind: scan(store_dir, parts.get(kind.value, []), kind.value) for kind in manifest.kinds},
        report=report_of(manifest),
        rejects=scan(store_dir, parts.get(REJECTS, []), REJECTS),
        user_days=scan(store_dir, _all(manifest.user_days), USER_DAYS),
        monthly_active=scan(store_dir, _all(manifest.monthly_active), MONTHLY_ACTIVE),
        school_cards=cards,
        active_exceptions=scan(store_dir, _all(manifest.active_exceptions), ACTIVE_EXCEPTIONS),
        registrations=scan(store_dir, _all(manifest.registrations), REGISTRATIONS),
    )


def _all(parts: dict[str, list[str]]) -> list[str]:
    return [part for key_parts in parts.values() for part in key_parts]
