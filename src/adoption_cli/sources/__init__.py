"""Reading exports: discover files, detect dialects, map columns, validate and normalise to canonical frames.

Importing this package is cheap; Polars loads with the first `load_dataset` call.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adoption_cli.config import Settings
    from adoption_cli.dataset import Dataset
    from adoption_cli.schema import Kind

__all__ = ["load_dataset"]


def load_dataset(
    data_dir: Path,
    settings: Settings,
    *,
    kinds: Collection[Kind] | None = None,
    window: tuple[date, date] | None = None,
    file_hashes: bool = False,
) -> Dataset:
    """Read every export in `data_dir` into canonical frames plus the load report (see sources.loader)."""
    from adoption_cli.sources.loader import load_dataset as load

    return load(data_dir, settings, kinds=kinds, window=window, file_hashes=file_hashes)
