"""The loaded data set: canonical frames of valid rows plus the load report.

Produced by `adoption_cli.sources.load_dataset` (raw exports) or by the Parquet store; consumed by the
pure metric functions. Canonical frames are documented in docs/data-formats.md. Polars is imported where a
frame is made: the load report alone (a store's manifest, `adoption school` from the store) does without it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from adoption_cli.schema import COLUMNS, DTYPES, Kind

if TYPE_CHECKING:
    import polars as pl

    from adoption_cli.store.cards import StoredCards

Grain = Literal["user", "school"]


def canonical_schema(kind: Kind) -> dict[str, pl.DataType]:
    """Canonical Polars schema of a kind: every column (optional ones too), in definition order."""
    import polars as pl

    dtypes: dict[str, pl.DataType] = {
        "String": pl.String(),
        "Datetime": pl.Datetime("us"),
        "Date": pl.Date(),
        "Int64": pl.Int64(),
    }
    return {column.name: dtypes[DTYPES[column.type]] for column in COLUMNS[kind]}


def empty_frame(kind: Kind) -> pl.LazyFrame:
    import polars as pl

    return pl.LazyFrame(schema=canonical_schema(kind))


def _empty_rejects() -> pl.LazyFrame:
    import polars as pl

    return pl.LazyFrame(
        schema={"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
    )


class RejectExample(BaseModel):
    row: int  # the row number a person sees when opening the file (header = its own row number)
    column: str  # canonical column name, or "*" for the whole row
    value: str | None  # None where the value identifies a user (never shown)
    reason: str  # machine code, see sources.reasons


class FileLoad(BaseModel):
    """What happened to one input file."""

    path: str  # relative to the data folder
    kind: Kind
    platform: str | None = None  # from the manifest or the file name, when the file names one
    platforms: list[str] = Field(default_factory=list)  # platforms present in the loaded rows
    size_bytes: int = 0
    sha256: str = ""
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    rows: int = 0  # data rows read (header and title rows excluded)
    loaded: int = 0  # valid rows (rows = loaded + rejected)
    rejected: int = 0
    unknown_school: int = 0  # loaded rows naming a school not in the registry: kept out of metrics
    # Those schools' ИНН → rows naming each, the most named first (at most 100; empty in a store of format 5)
    unknown_school_ids: dict[str, int] = Field(default_factory=dict)
    other_role: int = 0  # loaded rows with a role outside teacher/student/parent: kept out of metrics
    duplicates_dropped: int = 0  # registry only: exact duplicate rows
    rejected_by_reason: dict[str, int] = Field(default_factory=dict)
    examples: list[RejectExample] = Field(default_factory=list)  # the first few rejects
    latest_activity: str | None = None  # ISO date of the newest timestamp/month in the file, if any
    earliest_activity: str | None = None  # ISO date of the oldest one (None in a store of format 5 or older)
    # Platform -> [oldest, newest] ISO day of its rows' activity (a file may hold several platforms)
    activity_by_platform: dict[str, list[str]] = Field(default_factory=dict)
    # What the user is told about this file (also in LoadReport.warnings): xlsx sheets left unread; for the
    # registry, ИНН it shares with an earlier registry file (their rows summed like branches).
    warnings: list[str] = Field(default_factory=list)
    # Canonical column -> its header as the file writes it (empty in a store ingested before session 8).
    headers: dict[str, str] = Field(default_factory=dict)


class UnknownSchool(BaseModel):
    """An ИНН that export rows name and the registry does not have: its rows are kept out of every metric."""

    school_id: str
    rows: int = 0
    files: list[str] = Field(default_factory=list)


class BranchMerge(BaseModel):
    """Several distinct registry rows with one ИНН, summed into one organisation."""

    school_id: str
    rows: int


class LoadReport(BaseModel):
    files: list[FileLoad] = Field(default_factory=list)
    branches_merged: list[BranchMerge] = Field(default_factory=list)
    # Everything the user is told on every command: files not read (discovery), each file's own warnings, rows
    # of one key in several files of school statistics (summed).
    warnings: list[str] = Field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def unknown_school(self) -> int:
        return sum(f.unknown_school for f in self.files)

    def unknown_schools(self) -> list[UnknownSchool]:
        """The ИНН missing from the registry that rows name, with their rows and files: the most named first
        (each file keeps its 100 most named)."""
        found: dict[str, UnknownSchool] = {}
        for file in self.files:
            for school_id, rows in file.unknown_school_ids.items():
                entry = found.setdefault(school_id, UnknownSchool(school_id=school_id))
                entry.rows += rows
                entry.files.append(file.path)
        return sorted(found.values(), key=lambda entry: (-entry.rows, entry.school_id))

    @property
    def unknown_schools_complete(self) -> bool:
        """Whether `unknown_schools` names every such ИНН with all its rows (no file had more than it keeps)."""
        return all(sum(f.unknown_school_ids.values()) == f.unknown_school for f in self.files if f.unknown_school_ids)

    def of_kinds(self, kinds: Collection[Kind] | None) -> LoadReport:
        """The report of these kinds' files and the registry (all for None): what reading the exports for a
        command that needs only them reports, so that a command says the same from the store. The warnings of
        the other files (each begins with its path) go with them."""
        if kinds is None:
            return self
        wanted = {*kinds, Kind.SCHOOLS}
        others = tuple(f"{f.path}:" for f in self.files if f.kind not in wanted)
        return self.model_copy(
            update={
                "files": [f for f in self.files if f.kind in wanted],
                "warnings": [w for w in self.warnings if not (others and w.startswith(others))],
            }
        )

    def platform_grain(self) -> dict[str, Grain]:
        """Which platforms the data describes and at which grain: user-level files win over school stats."""
        grain: dict[str, Grain] = {}
        for f in self.files:
            for platform in f.platforms:
                if f.kind in (Kind.ACCOUNTS, Kind.EVENTS):
                    grain[platform] = "user"
                elif f.kind == Kind.SCHOOL_STATS:
                    grain.setdefault(platform, "school")
        return grain


@dataclass(frozen=True)
class FileRows:
    """One loaded file's share of a Dataset: its valid rows in the kind's canonical columns (for the
    registry, before de-duplication and branch merging) and its rejected rows (the columns of `rejects`)."""

    valid: pl.LazyFrame
    rejects: pl.LazyFrame


@dataclass
class Dataset:
    """Valid canonical rows per kind (lazy), ready for the metrics.

    - schools: one row per organisation (exact duplicates dropped, branches summed);
    - every other kind: valid rows whose school (where the kind has one) is in the registry and whose
      role is teacher/student/parent; rows set aside are counted in `report`.
    """

    data_dir: Path
    frames: dict[Kind, pl.LazyFrame] = field(default_factory=dict)
    report: LoadReport = field(default_factory=LoadReport)
    # Rejected rows of every file: file, row, column, value, reason (value null for user identifiers).
    rejects: pl.LazyFrame = field(default_factory=_empty_rejects)
    # Precomputed daily activity (from the store); None means derive it from events and accounts.
    user_days: pl.LazyFrame | None = None
    # The period (first, last day) `user_days` answers for when the loader gathered it for one command: it
    # then holds who was active in those days, each with their first day of activity, and nothing else.
    # None when `user_days` covers every day of the data.
    activity_window: tuple[date, date] | None = None
    # Precomputed distinct active users per calendar month on user-grain platforms (from the store):
    # platform, school_id, role, month (its first day), active. None means count them from the activity.
    monthly_active: pl.LazyFrame | None = None
    # Precomputed rows of the school card (from the store): metrics.school.card_rows of recent calendar
    # months. None means compute a card from the activity.
    school_cards: StoredCards | None = None
    # The store's active users that the monthly counts alone do not describe (platform, school_id, role,
    # user_id, month, shared, unregistered, registered_schools; see activity_base.active_exceptions): active
    # at more than one (school, role) pair of the platform that month, or without an account at their pair
    # registered by the month's end. None: not precomputed.
    active_exceptions: pl.LazyFrame | None = None
    # The store's registrations per (school, role) pair and month of the user-grain platforms' accounts
    # (platform, school_id, role, month, user_id, registered; see activity_base.registrations).
    registrations: pl.LazyFrame | None = None
    # Each loaded file's own rows (path as in the report), for writers that keep files apart: the store
    # replaces a changed file's rows alone. Empty for data sets not read from files.
    by_file: dict[str, FileRows] = field(default_factory=dict)

    def frame(self, kind: Kind) -> pl.LazyFrame:
        return self.frames.get(kind, empty_frame(kind))

    def has(self, kind: Kind) -> bool:
        return kind in self.frames

    @property
    def schools(self) -> pl.LazyFrame:
        return self.frame(Kind.SCHOOLS)

    def platform_grain(self) -> dict[str, Grain]:
        return self.report.platform_grain()
