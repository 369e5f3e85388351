"""The Parquet store: exports ingested once into an ordinary Hive-partitioned Parquet folder, with daily
activity precomputed, so that every command reads a month or a school without rescanning raw exports.

    ingest(data_dir, settings, store_dir) -> IngestResult       (adoption ingest)
    open_store(store_dir, data_dir, settings) -> Dataset | None  (None: absent or stale)
    inspect_store(...) -> StoreState                             (the same, with the reason it is stale)

Imports Polars: import it inside functions where start-up time matters. Layout: docs/store.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from adoption_cli.store.reader import StoreState, inspect_store, open_store

if TYPE_CHECKING:
    from adoption_cli.store.writer import IngestResult, ingest

STORE_DIR_NAME = ".adoption-store"


def __getattr__(name: str) -> Any:
    # Commands that only read the store do not pay for importing the writer.
    if name in ("IngestResult", "ingest"):
        from adoption_cli.store import writer

        return getattr(writer, name)
    raise AttributeError(name)


def default_store_dir(data_dir: Path) -> Path:
    return data_dir / STORE_DIR_NAME


__all__ = ["STORE_DIR_NAME", "IngestResult", "StoreState", "default_store_dir", "ingest", "inspect_store", "open_store"]
