"""The store's manifest: which source files it was built from and which Parquet parts hold their rows.

The manifest is the one source of truth of a store. It is written last and atomically, so a reader
either sees the previous complete store or the new one; parts a crashed ingest left behind are not in it.
Polars-free: `open_store` reads it before deciding whether to touch any data.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from adoption_cli import __version__
from adoption_cli.atomic import write_atomic
from adoption_cli.config import Settings
from adoption_cli.dataset import BranchMerge, FileLoad
from adoption_cli.schema import Kind
from adoption_cli.sources.discovery import STORE_MANIFEST, is_data_file
from adoption_cli.store.cards import CardShard

MANIFEST_NAME = STORE_MANIFEST  # discovery passes over a folder that holds one
# Bumped whenever the layout or the meaning of a stored column changes: older stores are rebuilt. 7: a
# qualified account status («заблокирован (по решению ОО)») and an Excel serial with a decimal comma are read,
# where format 6 stores had rejected those rows. 8: a totals row («Итого», «Всего») is rejected as `totals_row`
# (format 7 stores kept its rows under the reason of its first bad cell). 9: a user id loses Excel's traces
# (`="123"`, `'123`, `123,0`), an xlsx without `sheet` is read from its first visible sheet, and a header
# with a unit («, чел.») or «ИНН/КПП» names its column. 10: a file of mixed line ends keeps every row (format 9
# stores lost the lines that ended in CR alone), a timestamp in a date and a time column is read, and a number
# merged over xlsx rows is warned of in the manifest's warnings. 11: the headers, group headers and values of
# real exports (ОКФС codes, «сент. 2024», «н/д», deleted accounts…) are read where format 10 rejected them or
# read a group's first sub-column. 12: «Н/д», «НЕ ВХОДИЛ», zero dates with a «T», ОКФС «(14)» are read, and two
# different aliases of one count stop the file (format 11 stores had rejected those rows or read one of them).
# 13: a vocabulary cell in an apostrophe or backquote («'Ученик'») is read (text.comparison_key; format 12 stores
# had rejected it as unknown or set it aside as another role).
FORMAT_VERSION = 13


class SourceEntry(BaseModel):
    """One file of the data folder as it was at ingest."""

    path: str  # relative to the data folder, POSIX separators
    size: int
    mtime_ns: int
    sha256: str
    load: FileLoad | None = None  # None: the loader did not read this file
    parts: list[str] = Field(default_factory=list)  # canonical rows, relative to the store
    rejects: list[str] = Field(default_factory=list)


class Manifest(BaseModel):
    format: int = FORMAT_VERSION
    fingerprint: dict[str, object]
    ingested_at: str
    files: list[SourceEntry] = Field(default_factory=list)
    kinds: list[Kind] = Field(default_factory=list)  # kinds the loaded data set had frames for
    schools: list[str] = Field(default_factory=list)  # the registry after de-duplication and branch merging
    branches_merged: list[BranchMerge] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    user_days: dict[str, list[str]] = Field(default_factory=dict)  # "platform/YYYY-MM" -> parts
    monthly_active: dict[str, list[str]] = Field(default_factory=dict)  # the same keys -> parts
    school_cards: list[CardShard] = Field(default_factory=list)  # the card rows in shards (store.cards)
    school_card_registry: str = ""  # the registry the card's name search reads; "": cards are computed
    school_card_rules: str = ""  # metrics.stored_rules.card_rules of the settings the card rows were computed with
    indicator_months: dict[str, str] = Field(default_factory=dict)  # "YYYY-MM" -> its indicator rows (store.indicator)
    indicator_rules: str = ""  # metrics.stored_rules.indicator_rules of the settings they were computed with
    active_exceptions: dict[str, list[str]] = Field(default_factory=dict)  # the same keys -> parts
    registrations: dict[str, list[str]] = Field(default_factory=dict)  # platform -> parts

    def entry(self, path: str) -> SourceEntry | None:
        return next((e for e in self.files if e.path == path), None)

    def all_parts(self) -> set[str]:
        parts = set(self.schools)
        for entry in self.files:
            parts.update(entry.parts, entry.rejects)
        derived_tables = (self.user_days, self.monthly_active, self.active_exceptions, self.registrations)
        for derived in (parts for table in derived_tables for parts in table.values()):
            parts.update(derived)
        parts.update(shard.part for shard in self.school_cards)
        if self.school_card_registry:
            parts.add(self.school_card_registry)
        parts.update(self.indicator_months.values())
        return parts


_PARQUET_MAGIC = b"PAR1"


def damaged_part(store_dir: Path, manifest: Manifest) -> str | None:
    """The first Parquet part the manifest lists that is missing, empty or cut short (no `PAR1` at its start
    and end), else None. A part deleted or truncated by hand (a copy cut short, a cleaning script) would
    otherwise fail every command reading it; the gzipped JSON copies are not checked: their readers already
    compute the same rows from the tables when one cannot be read (store.json_parts)."""
    for part in sorted(manifest.all_parts()):
        if not part.endswith(".parquet"):
            continue
        try:
            with open(store_dir / part, "rb") as handle:
                head = handle.read(4)
                handle.seek(0, os.SEEK_END)
                if handle.tell() < 12:  # magic, footer length, magic
                    return part
                handle.seek(-4, os.SEEK_END)
                tail = handle.read(4)
        except OSError:
            return part
        if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
            return part
    return None


def damaged_copies(store_dir: Path, manifest: Manifest) -> list[str]:
    """The gzipped JSON copies the manifest lists (the card's shards and registry, the indicator's months) that
    cannot be read: missing, cut short or altered (gzip checks its CRC). Their readers compute the same rows from
    the tables instead, so no command fails — only slower; `ingest` finds them here (each is unpacked, not
    parsed: ≈ 1 s for the 40 MB of a federal store) and writes them again."""
    from adoption_cli.store.json_parts import read_part

    parts = [shard.part for shard in manifest.school_cards]
    parts += [manifest.school_card_registry] if manifest.school_card_registry else []
    parts += list(manifest.indicator_months.values())
    return [part for part in parts if read_part(store_dir / part) is None]


def fingerprint(settings: Settings) -> dict[str, object]:
    """What, besides the files, decides the stored rows: the loader's rules (version) and the settings
    that change normalisation (time zone) or which files are what (sources)."""
    return {
        "format": FORMAT_VERSION,
        "version": __version__,
        "timezone": settings.time.timezone,
        "sources": [spec.model_dump(mode="json", by_alias=True) for spec in settings.sources],
    }


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_manifest(store_dir: Path) -> Manifest | None:
    """The manifest, or None when there is none or it cannot be used (damaged, older format)."""
    try:
        manifest = Manifest.model_validate_json((store_dir / MANIFEST_NAME).read_bytes())
    except (OSError, ValidationError):
        return None
    return manifest if manifest.format == FORMAT_VERSION else None


def write_manifest(store_dir: Path, manifest: Manifest) -> None:
    write_atomic(store_dir / MANIFEST_NAME, json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False).encode())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def candidate_files(data_dir: Path, store_dir: Path) -> dict[str, os.stat_result]:
    """Every data file outside hidden folders and the store itself: a file the loader could read, or one a
    load warning names (.xls, an archive, no extension…), so that a new one makes the store stale and is told.
    Hidden files and the lock files Excel leaves next to an open workbook (~$name.xlsx) do not count."""
    store = store_dir.resolve()
    found: dict[str, os.stat_result] = {}
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        dirs[:] = [d for d in dirs if not d.startswith(".") and (here / d).resolve() != store]
        for name in files:
            path = here / name
            if is_data_file(path):
                found[path.relative_to(data_dir).as_posix()] = path.stat()
    return found


def unchanged(entry: SourceEntry, stat: os.stat_result, path: Path, *, checksum: bool = False) -> bool:
    """Same content as at ingest: same size and mtime, or (after a touch or a copy) the same hash; with
    `checksum`, the same size and hash whatever the mtime (a file edited and given its old time back)."""
    if stat.st_size != entry.size:
        return False
    if stat.st_mtime_ns == entry.mtime_ns and not checksum:
        return True
    return sha256_of(path) == entry.sha256
