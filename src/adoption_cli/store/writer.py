"""`ingest`: read the exports once — through the loader, with all its validation and reject reporting — into
the Parquet store, and precompute the daily activity every metric starts from.

Incremental: a file whose size and mtime (or, failing those, sha256) are unchanged is not read again; a
changed file's parts are replaced alone and the daily activity is recomputed for the platform/months its
old and new rows touch. A change of the registry (it decides which rows are kept) or of the settings
fingerprint rebuilds everything.

Crash safety: parts are written under a hidden staging folder, moved into place under new names, and the
manifest — the list of parts that make up the store — is replaced atomically last. Until then readers use
the previous manifest and its parts, which are deleted only after it is replaced; the next ingest removes
what an interrupted one left behind and redoes its work.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from uuid import uuid4

import polars as pl
from pydantic import BaseModel

from adoption_cli.config import Settings, SourceSpec
from adoption_cli.dataset import Dataset, FileLoad
from adoption_cli.errors import DataError
from adoption_cli.metrics.activity_base import activity_records
from adoption_cli.periods import parse_month
from adoption_cli.schema import Kind
from adoption_cli.store.layout import (
    PARTITIONS,
    REJECTS,
    SCHOOL_KEY,
    USER_DAYS,
    partition_path,
    partition_values,
    scan,
    with_partition_columns,
)
from adoption_cli.store.manifest import (
    Manifest,
    SourceEntry,
    candidate_files,
    fingerprint,
    now_iso,
    read_manifest,
    sha256_of,
    sync_dir,
    unchanged,
    write_manifest,
)

# Rows sorted or de-duplicated in memory at once; larger partitions are processed in school_id ranges.
CHUNK_ROWS = 4_000_000
PART_GLOB = "part-*.parquet"
STAGING_PREFIX = ".staging-"
DATA_FOLDERS = (*(kind.value for kind in Kind), USER_DAYS, REJECTS)

Progress = Callable[[str], None]


class IngestResult(BaseModel):
    store_dir: str
    ingested: list[str]  # files read and (re)written
    unchanged: list[str]  # files skipped: same content as in the store
    removed: list[str]  # files gone from the data folder since the last ingest
    rebuilt: bool  # everything rewritten: first ingest, registry or settings changed
    rows: int  # data rows read in the ingested files
    loaded: int
    rejected: int
    user_day_partitions: int  # platform/month partitions of daily activity recomputed
    seconds: float


def ingest(data_dir: Path, settings: Settings, store_dir: Path, *, progress: Progress | None = None) -> IngestResult:
    """Bring the store at `store_dir` up to date with the exports in `data_dir`."""
    started = time.perf_counter()
    check_location(data_dir, store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(store_dir):
        result = _Run(data_dir, settings, store_dir, progress or (lambda _message: None)).run()
    return result.model_copy(update={"seconds": round(time.perf_counter() - started, 3)})


def check_location(data_dir: Path, store_dir: Path) -> None:
    data, store = data_dir.resolve(), store_dir.resolve()
    if store == data or store in data.parents:
        raise DataError(
            f"хранилище «{store_dir}» не может совпадать с папкой данных или содержать её. "
            "Укажите отдельную папку через --store."
        )


def file_key(path: str) -> str:
    """A short stable name for a source file's parts."""
    return hashlib.sha256(path.encode()).hexdigest()[:12]


@contextmanager
def _exclusive(store_dir: Path) -> Iterator[None]:
    """One ingest at a time per store (a second one waits, then finds little left to do)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent ingests are the user's responsibility
        yield
        return
    with open(store_dir / ".lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def collect_garbage(store_dir: Path, manifest: Manifest | None) -> None:
    """Delete parts the manifest does not list, staging folders and stray temporary files."""
    keep = manifest.all_parts() if manifest else set()
    for folder in DATA_FOLDERS:
        root = store_dir / folder
        if not root.is_dir():
            continue
        for path in root.rglob(PART_GLOB):
            if path.relative_to(store_dir).as_posix() not in keep:
                path.unlink()
        for directory in sorted((d for d in root.rglob("*") if d.is_dir()), reverse=True):
            if not any(directory.iterdir()):
                directory.rmdir()
        if not any(root.iterdir()):
            root.rmdir()
    for leftover in store_dir.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in store_dir.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def school_ranges(frame: pl.LazyFrame, limit: int = CHUNK_ROWS) -> list[tuple[str, str] | None]:
    """Contiguous school_id ranges of about `limit` rows each, so that sorting or de-duplicating a range
    fits in memory; [None] (one pass, no filter) when everything does."""
    counts = frame.group_by(SCHOOL_KEY).agg(pl.len().alias("rows")).collect(engine="streaming").sort(SCHOOL_KEY)
    if counts.is_empty() or int(counts["rows"].sum()) <= limit:
        return [None]
    bounds = (
        counts.with_columns(((pl.col("rows").cum_sum() - pl.col("rows")) // limit).alias("chunk"))
        .group_by("chunk", maintain_order=True)
        .agg(pl.col(SCHOOL_KEY).first().alias("low"), pl.col(SCHOOL_KEY).last().alias("high"))
    )
    return list(zip(bounds["low"].to_list(), bounds["high"].to_list(), strict=True))


def month_bounds(month: str) -> tuple[date, date]:
    period = parse_month(month)
    return period.start, period.end


class _Run:
    def __init__(self, data_dir: Path, settings: Settings, store_dir: Path, progress: Progress) -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.store_dir = store_dir
        self.progress = progress
        self.token = uuid4().hex[:8]
        self.staging = store_dir / f"{STAGING_PREFIX}{self.token}"

    # --- what changed ---

    def run(self) -> IngestResult:
        previous = read_manifest(self.store_dir)
        collect_garbage(self.store_dir, previous)
        base = previous if previous is not None and previous.fingerprint == fingerprint(self.settings) else None
        entries, changed = self._compare(base)
        removed = sorted(e.path for e in base.files if e.path not in entries) if base else []
        if base is not None and not changed and not removed:
            if any(entries[e.path].mtime_ns != e.mtime_ns for e in base.files):
                write_manifest(self.store_dir, base.model_copy(update={"files": list(entries.values())}))
            return self._result(base, [], removed, rebuilt=False, user_day_partitions=0)

        from adoption_cli.sources import load_dataset

        self.progress("чтение выгрузок")
        dataset = load_dataset(self.data_dir, self.settings)
        for load in dataset.report.files:
            if load.path not in entries:  # read by the loader from outside the listed folder
                entries[load.path] = self._entry(load.path, (self.data_dir / load.path).stat())
                changed.add(load.path)
        try:
            manifest, ingested, rebuilt, touched = self._write(base, dataset, entries, changed)
            self.progress("ежедневная активность")
            keys = touched.user_day_keys(manifest, self.store_dir)
            manifest.user_days = self._user_days(manifest, keys)
            write_manifest(self.store_dir, manifest)
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        collect_garbage(self.store_dir, manifest)
        return self._result(manifest, ingested, removed, rebuilt=rebuilt, user_day_partitions=len(keys))

    def _entry(self, path: str, stat: os.stat_result) -> SourceEntry:
        return SourceEntry(
            path=path, size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=sha256_of(self.data_dir / path)
        )

    def _compare(self, base: Manifest | None) -> tuple[dict[str, SourceEntry], set[str]]:
        """Current entry of every source file, and which of them have new content."""
        stats = candidate_files(self.data_dir, self.store_dir)
        for known in base.files if base else []:
            if known.path not in stats and (self.data_dir / known.path).is_file():
                stats[known.path] = (self.data_dir / known.path).stat()
        entries: dict[str, SourceEntry] = {}
        changed: set[str] = set()
        for path, stat in sorted(stats.items()):
            old = base.entry(path) if base else None
            if old is not None and unchanged(old, stat, self.data_dir / path):
                entries[path] = old.model_copy(update={"mtime_ns": stat.st_mtime_ns})
            else:
                entries[path] = self._entry(path, stat)
                changed.add(path)
        return entries, changed

    # --- rows of the source files ---

    def _write(
        self, base: Manifest | None, dataset: Dataset, entries: dict[str, SourceEntry], changed: set[str]
    ) -> tuple[Manifest, list[str], bool, _Touched]:
        report = dataset.report
        registry = [f for f in report.files if f.kind == Kind.SCHOOLS]
        old_registry = {e.path for e in base.files if e.load and e.load.kind == Kind.SCHOOLS} if base else set()
        rebuilt = base is None or old_registry != {f.path for f in registry} or any(f.path in changed for f in registry)
        work = [f for f in report.files if rebuilt or f.path in changed or not _loaded_as(base, f)]
        by_kind: dict[Kind, list[FileLoad]] = {}
        for load in report.files:
            by_kind.setdefault(load.kind, []).append(load)

        touched = _Touched(everything=rebuilt)
        loads = {f.path: f for f in report.files}
        rewritten = {f.path for f in work}
        for path, entry in entries.items():
            entry.load = loads.get(path)
            if entry.load is None or path in rewritten:
                entry.parts, entry.rejects = [], []
                touched.retire(base.entry(path) if base else None)
        for old in base.files if base else []:
            if old.path not in entries:
                touched.retire(old)

        staged: list[str] = []
        schools = base.schools if base and not rebuilt else []
        if rebuilt:
            self.progress("реестр школ")
            schools = self._sink_sorted(dataset.schools, Kind.SCHOOLS.value, "registry")
            staged += schools
        for load in work:
            if load.kind == Kind.SCHOOLS:
                continue
            self.progress(load.path)
            alone = len(by_kind[load.kind]) == 1
            frame = dataset.frame(load.kind) if alone else self._load_alone(load, registry).frame(load.kind)
            parts = self._sink_sorted(frame, load.kind.value, file_key(load.path))
            entries[load.path].parts = parts
            touched.add(load.kind, parts)
            staged += parts
        for path, parts in self._sink_rejects(dataset, [f.path for f in work]).items():
            entries[path].rejects = parts
            staged += parts
        self._move_into_store(staged)

        manifest = Manifest(
            fingerprint=fingerprint(self.settings),
            ingested_at=now_iso(),
            # the loader's order first, so that the stored report reads like the raw one
            files=[entries[f.path] for f in report.files] + [e for p, e in entries.items() if p not in loads],
            kinds=sorted(dataset.frames),
            schools=schools,
            branches_merged=report.branches_merged,
            warnings=report.warnings,
            user_days=dict(base.user_days) if base and not rebuilt else {},
        )
        return manifest, [f.path for f in work], rebuilt, touched

    def _load_alone(self, load: FileLoad, registry: list[FileLoad]) -> Dataset:
        """The rows of one file: the loader run on it and the registry only, with the same settings."""
        from adoption_cli.sources import load_dataset

        specs = tuple(self._spec_for(f) for f in (*registry, load))
        return load_dataset(
            self.data_dir,
            self.settings.model_copy(update={"sources": specs}),
            kinds={Kind.SCHOOLS, load.kind},
        )

    def _spec_for(self, load: FileLoad) -> SourceSpec:
        """The configured source that matched the file (for its column mapping), narrowed to that file."""
        for spec in self.settings.sources:
            if spec.kind == load.kind and Path(load.path).match(spec.path):
                return spec.model_copy(update={"path": load.path, "sheet": load.sheet or spec.sheet})
        return SourceSpec(path=load.path, kind=load.kind, platform=load.platform, sheet=load.sheet)

    def _sink_rejects(self, dataset: Dataset, paths: list[str]) -> dict[str, list[str]]:
        """Rejects of the rewritten files, one part per file, in one pass over the load's rejects."""
        written: list[str] = []

        def name(args: pl.io.partition.FileProviderArgs) -> str:
            return f"part-{file_key(str(args.partition_keys.item(0, 'file')))}-{self.token}.parquet"

        dataset.rejects.filter(pl.col("file").is_in(paths)).sink_parquet(
            pl.PartitionBy(self.staging / REJECTS, key="file", include_key=True, file_path_provider=name),
            mkdir=True,
            engine="streaming",
            sinked_paths_callback=lambda args: written.extend(Path(p.path).name for p in args.paths),
        )
        by_key = {file_key(path): path for path in paths}
        result: dict[str, list[str]] = {}
        for name_ in written:
            result.setdefault(by_key[name_.split("-")[1]], []).append(f"{REJECTS}/{name_}")
        return result

    def _sink_sorted(self, frame: pl.LazyFrame, folder: str, name: str, *, distinct: bool = False) -> list[str]:
        """Write `frame` into the folder's partitions as parts sorted by school_id; returns the parts.

        First a streaming pass into one unsorted file per partition, then each file is sorted in school
        ranges small enough for memory (bounded however large the month).
        """
        raw_root = self.staging / "raw" / folder / name
        keys = PARTITIONS.get(folder, ())
        raw: list[str] = []
        frame = with_partition_columns(frame, folder)
        if keys:

            def provider(args: pl.io.partition.FileProviderArgs) -> str:
                values = args.partition_keys.row(0, named=True)
                return partition_path(folder, {k: str(values[k]) for k in keys}).split("/", 1)[1] + "/raw.parquet"

            target: Path | pl.PartitionBy = pl.PartitionBy(
                raw_root, key=list(keys), include_key=False, file_path_provider=provider
            )
        else:
            target = raw_root / "raw.parquet"
            raw_root.mkdir(parents=True, exist_ok=True)
        frame.sink_parquet(
            target,
            mkdir=True,
            engine="streaming",
            sinked_paths_callback=lambda args: raw.extend(p.path for p in args.paths),
        )
        parts: list[str] = []
        for raw_path in raw:
            relative = Path(raw_path).parent.relative_to(raw_root).as_posix()
            directory = folder if relative == "." else f"{folder}/{relative}"
            parts += self._sort_part(pl.scan_parquet(raw_path), f"{directory}/part-{name}-{self.token}", distinct)
            Path(raw_path).unlink()
        return parts

    def _sort_part(self, frame: pl.LazyFrame, stem: str, distinct: bool) -> list[str]:
        if SCHOOL_KEY not in frame.collect_schema():
            frame.sink_parquet(self.staging / f"{stem}-0.parquet", mkdir=True, engine="streaming")
            return [f"{stem}-0.parquet"]
        parts = []
        for index, bounds in enumerate(school_ranges(frame)):
            chunk = frame if bounds is None else frame.filter(pl.col(SCHOOL_KEY).is_between(*bounds))
            if distinct:
                chunk = chunk.unique()
            part = f"{stem}-{index}.parquet"
            chunk.sort(SCHOOL_KEY).sink_parquet(self.staging / part, mkdir=True, engine="streaming")
            parts.append(part)
        return parts

    def _move_into_store(self, parts: list[str]) -> None:
        """Staged parts into their folders; new names, so no part a reader may be using is replaced."""
        directories = set()
        for part in parts:
            destination = self.store_dir / part
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / part, destination)
            directories.add(destination.parent)
        for directory in directories:
            sync_dir(directory)

    # --- derived daily activity ---

    def _user_days(self, manifest: Manifest, keys: set[str]) -> dict[str, list[str]]:
        """Recompute the daily activity of the platform/months whose events or accounts changed."""
        user_days = dict(manifest.user_days)
        staged: list[str] = []
        for key in sorted(keys):
            platform, month = key.split("/")
            dataset = self._store_dataset(manifest, platform, month)
            start, end = month_bounds(month)
            records = activity_records(dataset).filter(pl.col("day").is_between(start, end))
            parts = self._sink_sorted(records, USER_DAYS, f"{platform}-{month}", distinct=True)
            if parts:
                user_days[key] = parts
                staged += parts
            else:
                user_days.pop(key, None)
        self._move_into_store(staged)
        return user_days

    def _store_dataset(self, manifest: Manifest, platform: str, month: str) -> Dataset:
        """Events of one platform/month and the platform's accounts, read back from the store."""
        events = [
            p for p in _parts_of(manifest, Kind.EVENTS) if partition_values(p) == {"platform": platform, "month": month}
        ]
        accounts = [p for p in _parts_of(manifest, Kind.ACCOUNTS) if partition_values(p)["platform"] == platform]
        return Dataset(
            data_dir=self.data_dir,
            frames={
                Kind.EVENTS: scan(self.store_dir, events, Kind.EVENTS),
                Kind.ACCOUNTS: scan(self.store_dir, accounts, Kind.ACCOUNTS),
            },
        )

    def _result(
        self, manifest: Manifest, ingested: list[str], removed: list[str], *, rebuilt: bool, user_day_partitions: int
    ) -> IngestResult:
        done = set(ingested)
        loads = [e.load for e in manifest.files if e.load is not None and e.path in done]
        return IngestResult(
            store_dir=str(self.store_dir),
            ingested=ingested,
            unchanged=[e.path for e in manifest.files if e.load is not None and e.path not in done],
            removed=removed,
            rebuilt=rebuilt,
            rows=sum(f.rows for f in loads),
            loaded=sum(f.loaded for f in loads),
            rejected=sum(f.rejected for f in loads),
            user_day_partitions=user_day_partitions,
            seconds=0.0,
        )


def _loaded_as(base: Manifest | None, load: FileLoad) -> bool:
    """The store already holds this file's rows, read as the same kind."""
    old = base.entry(load.path) if base else None
    return old is not None and old.load is not None and old.load.kind == load.kind


def _parts_of(manifest: Manifest, kind: Kind) -> list[str]:
    return [part for e in manifest.files if e.load is not None and e.load.kind == kind for part in e.parts]


class _Touched:
    """Which derived daily activity must be recomputed: platform/months of events parts added or retired,
    every month of a platform whose accounts changed (blocked accounts and last logins count everywhere)."""

    def __init__(self, *, everything: bool) -> None:
        self.everything = everything
        self.event_keys: set[str] = set()
        self.account_platforms: set[str] = set()

    def add(self, kind: Kind, parts: list[str]) -> None:
        for part in parts:
            values = partition_values(part)
            if kind == Kind.EVENTS:
                self.event_keys.add(f"{values['platform']}/{values['month']}")
            elif kind == Kind.ACCOUNTS:
                self.account_platforms.add(values["platform"])

    def retire(self, entry: SourceEntry | None) -> None:
        if entry is not None and entry.load is not None:
            self.add(entry.load.kind, entry.parts)

    def user_day_keys(self, manifest: Manifest, store_dir: Path) -> set[str]:
        """platform/month keys to recompute, including months that only have last logins."""
        events = {f"{v['platform']}/{v['month']}" for v in map(partition_values, _parts_of(manifest, Kind.EVENTS))}
        platforms = self.account_platforms | (
            {key.split("/")[0] for key in events} | _account_platforms(manifest) if self.everything else set()
        )
        keys = set(self.event_keys) | {key for key in events if key.split("/")[0] in platforms}
        keys |= {key for key in manifest.user_days if key.split("/")[0] in platforms}
        keys |= _login_months(manifest, store_dir, platforms)
        return keys


def _account_platforms(manifest: Manifest) -> set[str]:
    return {partition_values(p)["platform"] for p in _parts_of(manifest, Kind.ACCOUNTS)}


def _login_months(manifest: Manifest, store_dir: Path, platforms: set[str]) -> set[str]:
    """platform/month of every last login of the platforms' accounts (a month may have no events)."""
    keys: set[str] = set()
    for platform in sorted(platforms):
        parts = [p for p in _parts_of(manifest, Kind.ACCOUNTS) if partition_values(p)["platform"] == platform]
        if not parts:
            continue
        months = (
            scan(store_dir, parts, Kind.ACCOUNTS)
            .select(pl.col("last_login_at").dt.strftime("%Y-%m").drop_nulls().unique())
            .collect()
        )
        keys |= {f"{platform}/{month}" for month in months.to_series().to_list()}
    return keys
