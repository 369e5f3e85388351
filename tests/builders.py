"""Small in-memory data sets for metric tests: rows in canonical form, no files involved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from adoption_cli.dataset import Dataset, FileLoad, LoadReport, canonical_schema
from adoption_cli.schema import Kind

Row = Sequence[Any]


def frame(kind: Kind, rows: Sequence[Row]) -> pl.LazyFrame:
    """Rows as tuples in canonical column order (optional columns included, None where absent)."""
    return pl.LazyFrame([tuple(r) for r in rows], schema=canonical_schema(kind), orient="row")


def school(
    school_id: str, name: str, municipality: str, ownership: str, teachers: int | None, students: int | None
) -> Row:
    return (school_id, name, municipality, ownership, teachers, students)


def event(platform: str, user_id: str, role: str, school_id: str, ts: datetime) -> Row:
    return (platform, user_id, role, school_id, ts)


def account(
    platform: str,
    user_id: str,
    role: str,
    school_id: str,
    status: str = "active",
    registered_at: datetime | None = None,
    last_login_at: datetime | None = None,
) -> Row:
    return (platform, user_id, role, school_id, status, registered_at, last_login_at)


def stat(platform: str, school_id: str, month: date, role: str, active: int, registered: int | None = None) -> Row:
    return (platform, school_id, month, role, registered, active)


def content_item(content_id: str, kind: str, available_from: datetime, available_to: datetime | None = None) -> Row:
    return (content_id, kind, available_from, available_to)


def content_view(content_id: str, user_id: str, ts: datetime) -> Row:
    return (content_id, user_id, ts)


def dataset(**rows_by_kind: Sequence[Row]) -> Dataset:
    """dataset(schools=[...], events=[...], accounts=[...], school_stats=[...], content_items=..., content_views=...)

    The load report lists the platforms present per kind, so that platform grains are known.
    """
    frames: dict[Kind, pl.LazyFrame] = {}
    files: list[FileLoad] = []
    for name, rows in rows_by_kind.items():
        kind = Kind(name)
        frames[kind] = frame(kind, rows)
        platforms = sorted({r[0] for r in rows}) if kind in (Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS) else []
        files.append(FileLoad(path=f"{name}.csv", kind=kind, platforms=platforms, rows=len(rows), loaded=len(rows)))
    return Dataset(data_dir=Path("."), frames=frames, report=LoadReport(files=files))
