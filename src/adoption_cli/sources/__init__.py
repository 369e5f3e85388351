"""Reading exports into canonical frames (being written on the `sources` branch)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.schema import Kind


def load_dataset(data_dir: Path, settings: Settings, *, kinds: Collection[Kind] | None = None) -> Dataset:
    raise NotImplementedError("the sources package lands with the `sources` branch")
