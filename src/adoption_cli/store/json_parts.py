"""Gzipped JSON parts of a store: the copies kept for commands that should start without Polars
(store.cards, store.indicator). They are derived: a part that cannot be read is not an error, its reader
computes the same figures from the store's tables instead."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def write_part(path: Path, text: str) -> None:
    # mtime=0: the same rows give the same bytes.
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))


def parsed(text: str) -> Any:
    """The JSON value of `text`; None when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def read_part(path: Path) -> str | None:
    """The text of a part; None when it is missing or damaged."""
    try:
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, ValueError):  # (gzip.BadGzipFile is an OSError, bad UTF-8 a ValueError)
        return None
