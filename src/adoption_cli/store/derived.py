"""Tables derived at ingest for the figures that per-school monthly counts cannot give: distinct users over
several schools (a municipality, the region, a school's roles together), registered users as of a month's
end, and active users without a registered account. `active_exceptions` is recomputed for the platform/months
whose daily activity was recomputed, `registrations` for the platforms whose accounts changed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import active_exceptions, registrations
from adoption_cli.periods import parse_month
from adoption_cli.schema import Kind
from adoption_cli.store.layout import (
    ACTIVE_EXCEPTIONS,
    REGISTRATIONS,
    SCHOOL_KEY,
    USER_DAYS,
    partition_path,
    partition_values,
    scan,
)
from adoption_cli.store.manifest import Manifest


class DerivedTables:
    """Stages the derived tables of one ingest run into `staging` (parts named after `name`); `staged` lists
    what to move into the store once they are all written."""

    def __init__(self, manifest: Manifest, store_dir: Path, staging: Path, name: str) -> None:
        self.manifest = manifest
        self.store_dir = store_dir
        self.staging = staging
        self.name = name
        self.staged: list[str] = []
        self.accounts = [
            part
            for entry in manifest.files
            if entry.load is not None and entry.load.kind == Kind.ACCOUNTS
            for part in entry.parts
        ]

    def active_exceptions(self, keys: set[str]) -> dict[str, list[str]]:
        """The manifest's new `active_exceptions`: those of the recomputed platform/months `keys` staged anew."""
        mapping = {key: parts for key, parts in self.manifest.active_exceptions.items() if key not in keys}
        for key in sorted(keys & set(self.manifest.user_days)):
            platform, month = key.split("/")
            days = scan(self.store_dir, self.manifest.user_days[key], USER_DAYS)
            frame = active_exceptions(self._accounts(platform, user_days=days), parse_month(month), platform)
            mapping[key] = [self._stage(frame, ACTIVE_EXCEPTIONS, {"platform": platform, "month": month})]
        return mapping

    def registrations(self, platforms: set[str], *, everything: bool) -> dict[str, list[str]]:
        """The manifest's new `registrations`: those of `platforms` (of every platform with accounts when
        `everything`) staged anew; a platform left without accounts has none."""
        present = {partition_values(part)["platform"] for part in self.accounts}
        redo = present | platforms if everything else platforms
        mapping = {key: parts for key, parts in self.manifest.registrations.items() if key not in redo}
        for platform in sorted(redo & present):
            frame = registrations(self._accounts(platform), platform)
            mapping[platform] = [self._stage(frame, REGISTRATIONS, {"platform": platform})]
        return mapping

    def _accounts(self, platform: str, *, user_days: pl.LazyFrame | None = None) -> Dataset:
        parts = [part for part in self.accounts if partition_values(part)["platform"] == platform]
        return Dataset(
            data_dir=self.store_dir,
            frames={Kind.ACCOUNTS: scan(self.store_dir, parts, Kind.ACCOUNTS)},
            user_days=user_days,
        )

    def _stage(self, frame: pl.LazyFrame, folder: str, keys: dict[str, str]) -> str:
        part = f"{partition_path(folder, keys)}/part-{self.name}.parquet"
        frame.sort(SCHOOL_KEY).sink_parquet(self.staging / part, mkdir=True, engine="streaming")
        self.staged.append(part)
        return part
