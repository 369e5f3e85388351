"""Tables derived at ingest for the figures that per-school monthly counts cannot give: distinct users over
several schools (a municipality, the region, a school's roles together) and active users without a
registered account. Each is recomputed for the platform/months whose daily activity was recomputed.
"""

from __future__ import annotations

from pathlib import Path

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import active_exceptions
from adoption_cli.periods import parse_month
from adoption_cli.schema import Kind
from adoption_cli.store.layout import (
    ACTIVE_EXCEPTIONS,
    SCHOOL_KEY,
    USER_DAYS,
    partition_path,
    partition_values,
    scan,
)
from adoption_cli.store.manifest import Manifest


def stage_active_exceptions(
    manifest: Manifest, keys: set[str], store_dir: Path, staging: Path, name: str, accounts: list[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Write the `active_exceptions` of the recomputed platform/months `keys` into `staging`, from the store's
    daily activity and the platform's accounts (`accounts`: every accounts part of the store).

    Returns the manifest's new mapping (key -> parts) and the staged parts to move into the store.
    """
    mapping = {key: parts for key, parts in manifest.active_exceptions.items() if key not in keys}
    staged: list[str] = []
    for key in sorted(keys & set(manifest.user_days)):
        platform, month = key.split("/")
        dataset = Dataset(
            data_dir=store_dir,
            frames={
                Kind.ACCOUNTS: scan(
                    store_dir, [p for p in accounts if partition_values(p)["platform"] == platform], Kind.ACCOUNTS
                )
            },
            user_days=scan(store_dir, manifest.user_days[key], USER_DAYS),
        )
        part = f"{partition_path(ACTIVE_EXCEPTIONS, {'platform': platform, 'month': month})}/part-{name}.parquet"
        frame = active_exceptions(dataset, parse_month(month), platform).sort(SCHOOL_KEY)
        frame.sink_parquet(staging / part, mkdir=True, engine="streaming")
        mapping[key] = [part]
        staged.append(part)
    return mapping, staged
