"""Tables derived at ingest for the figures that per-school monthly counts cannot give: distinct users over
several schools (a municipality, the region, a school's roles together), registered users as of a month's
end, and active users without a registered account. `active_exceptions` is recomputed for the platform/months
whose daily activity was recomputed, `registrations` for the platforms whose accounts changed.

Bounded memory: users are matched with their accounts a range of schools at a time (the parts are sorted by
school, so a range reads its own row groups); only the users found at several pairs are gathered over the
whole platform, as hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import (
    active_exceptions,
    active_users,
    registrations,
    repeated_users,
    unblocked_accounts,
    user_hashes,
)
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

Ranges = Callable[[pl.LazyFrame], list[tuple[str, str] | None]]


class DerivedTables:
    """Stages the derived tables of one ingest run into `staging` (parts named after `name`); `staged` lists
    what to move into the store once they are all written. `ranges` splits a frame into school_id ranges
    small enough to join in memory."""

    def __init__(self, manifest: Manifest, store_dir: Path, staging: Path, name: str, ranges: Ranges) -> None:
        self.manifest = manifest
        self.store_dir = store_dir
        self.staging = staging
        self.name = name
        self.ranges = ranges
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
            period = parse_month(month)
            days = scan(self.store_dir, self.manifest.user_days[key], USER_DAYS)
            everywhere = self._accounts(platform, user_days=days)
            ranges = _by_range(everywhere, self.ranges(days))
            repeated = None  # one range: found along the way
            if len(ranges) > 1:
                # a user's pairs are within their schools, so each range's distinct pairs are exact; their
                # hashes from every range then show who is active at several pairs
                hashes = [
                    user_hashes(active_users(part, period, platforms=[platform])).collect(engine="streaming")
                    for part in ranges
                ]
                repeated = repeated_users(pl.concat(hashes).lazy()).collect().lazy()
            mapping[key] = [
                self._stage(
                    active_exceptions(part, period, platform, repeated=repeated, everywhere=everywhere),
                    ACTIVE_EXCEPTIONS,
                    {"platform": platform, "month": month},
                    index,
                )
                for index, part in enumerate(ranges)
            ]
        return mapping

    def registrations(self, platforms: set[str], *, everything: bool) -> dict[str, list[str]]:
        """The manifest's new `registrations`: those of `platforms` (of every platform with accounts when
        `everything`) staged anew; a platform left without accounts has none."""
        present = {partition_values(part)["platform"] for part in self.accounts}
        redo = present | platforms if everything else platforms
        mapping = {key: parts for key, parts in self.manifest.registrations.items() if key not in redo}
        for platform in sorted(redo & present):
            everywhere = self._accounts(platform)
            accounts = unblocked_accounts(everywhere, platform)
            repeated = repeated_users(user_hashes(accounts)).collect(engine="streaming").lazy()
            mapping[platform] = [
                self._stage(
                    registrations(part, platform, repeated=repeated),
                    REGISTRATIONS,
                    {"platform": platform},
                    index,
                )
                for index, part in enumerate(_by_range(everywhere, self.ranges(accounts)))
            ]
        return mapping

    def _accounts(self, platform: str, *, user_days: pl.LazyFrame | None = None) -> Dataset:
        parts = [part for part in self.accounts if partition_values(part)["platform"] == platform]
        return Dataset(
            data_dir=self.store_dir,
            frames={Kind.ACCOUNTS: scan(self.store_dir, parts, Kind.ACCOUNTS)},
            user_days=user_days,
        )

    def _stage(self, frame: pl.LazyFrame, folder: str, keys: dict[str, str], index: int) -> str:
        part = f"{partition_path(folder, keys)}/part-{self.name}-{index}.parquet"
        frame.sort(SCHOOL_KEY).sink_parquet(self.staging / part, mkdir=True, engine="streaming")
        self.staged.append(part)
        return part


def _by_range(dataset: Dataset, ranges: list[tuple[str, str] | None]) -> list[Dataset]:
    """The data set cut into school ranges (whole when one range is None); blocked accounts stay in every
    range, since a blocked user's activity counts nowhere, whichever school their account names."""
    parts = []
    for bounds in ranges:
        if bounds is None:
            parts.append(dataset)
            continue
        inside = pl.col(SCHOOL_KEY).is_between(pl.lit(bounds[0]), pl.lit(bounds[1]))
        accounts = dataset.frame(Kind.ACCOUNTS).filter(inside | (pl.col("status") == "blocked"))
        days = None if dataset.user_days is None else dataset.user_days.filter(inside)
        parts.append(Dataset(data_dir=dataset.data_dir, frames={Kind.ACCOUNTS: accounts}, user_days=days))
    return parts
