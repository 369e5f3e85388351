"""`ingest`: read the exports once — through the loader, with all its validation and reject reporting — into
the Parquet store, and precompute the daily activity every metric starts from.

Incremental: a file whose size and mtime (or, failing those, sha256) are unchanged is not read again; a
changed file's parts are replaced alone and the daily activity is recomputed for the platform/months its
old and new rows touch. A change of the registry (it decides which rows are kept) or of the settings
fingerprint rebuilds everything.

Bounded memory: rows stream from the exports into one unsorted Parquet file per partition; each is then
sorted (or de-duplicated) by school_id in ranges of at most CHUNK_ROWS rows.

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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import uuid4

import polars as pl
from pydantic import BaseModel

from adoption_cli.activity import activity_records
from adoption_cli.atomic import sync_folder
from adoption_cli.config import Settings, SourceSpec
from adoption_cli.dataset import Dataset
from adoption_cli.errors import DataError
from adoption_cli.metrics.activity_base import user_grain_active
from adoption_cli.periods import parse_month
from adoption_cli.schema import Kind
from adoption_cli.sources.discovery import SourceFile
from adoption_cli.sources.loader import repeated_stats
from adoption_cli.store.cards import SCHOOL_CARDS, write_cards
from adoption_cli.store.derived import DerivedTables
from adoption_cli.store.indicator import INDICATOR
from adoption_cli.store.layout import (
    ACTIVE_EXCEPTIONS,
    MONTHLY_ACTIVE,
    PARTITIONS,
    REGISTRATIONS,
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
    damaged_copies,
    damaged_part,
    fingerprint,
    now_iso,
    read_manifest,
    sha256_of,
    unchanged,
    write_manifest,
)

# Rows sorted or de-duplicated in memory at once; larger partitions are processed in school_id ranges.
CHUNK_ROWS = 4_000_000
PART_GLOB = "part-*"  # Parquet parts, and the JSON copies (store.cards, store.indicator)
STAGING_PREFIX = ".staging-"
DATA_FOLDERS = (
    *(kind.value for kind in Kind),
    USER_DAYS,
    MONTHLY_ACTIVE,
    ACTIVE_EXCEPTIONS,
    REGISTRATIONS,
    SCHOOL_CARDS,
    INDICATOR,
    REJECTS,
)

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
    warnings: list[str] = []  # the store's load report warnings: what every command reading it tells
    repaired: list[str] = []  # damaged JSON copies written again (store.manifest.damaged_copies)


def ingest(
    data_dir: Path, settings: Settings, store_dir: Path, *, progress: Progress | None = None, checksum: bool = False
) -> IngestResult:
    """Bring the store at `store_dir` up to date with the exports in `data_dir`; `checksum`: compare every file's
    SHA-256, not only those whose size or mtime changed."""
    started = time.perf_counter()
    check_location(data_dir, store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(store_dir):
        result = _Run(data_dir, settings, store_dir, progress or (lambda _message: None), checksum).run()
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


def school_ranges(frame: pl.LazyFrame) -> list[tuple[str, str] | None]:
    """Contiguous school_id ranges of about CHUNK_ROWS rows each, so that sorting or de-duplicating a range
    fits in memory; [None] (one pass, no filter) when everything does."""
    limit = CHUNK_ROWS
    counts = frame.group_by(SCHOOL_KEY).agg(pl.len().alias("rows")).collect(engine="streaming").sort(SCHOOL_KEY)
    if int(counts["rows"].sum()) <= limit:
        return [None]
    bounds = (
        counts.with_columns(((pl.col("rows").cum_sum() - pl.col("rows")) // limit).alias("chunk"))
        .group_by("chunk", maintain_order=True)
        .agg(pl.col(SCHOOL_KEY).first().alias("low"), pl.col(SCHOOL_KEY).last().alias("high"))
    )
    return list(zip(bounds["low"].to_list(), bounds["high"].to_list(), strict=True))


@dataclass(frozen=True)
class _Job:
    """Rows to write into a folder of the store, under parts named after `name`."""

    frame: pl.LazyFrame
    folder: str
    name: str


@dataclass(frozen=True)
class _Staged:
    """One unsorted file of a job's partition, waiting to be sorted into parts."""

    job: _Job
    path: Path
    directory: str  # the partition folder, relative to the store
    rows: int


class _Run:
    def __init__(
        self, data_dir: Path, settings: Settings, store_dir: Path, progress: Progress, checksum: bool = False
    ) -> None:
        self.data_dir = data_dir
        self.checksum = checksum
        self.settings = settings
        self.store_dir = store_dir
        self.progress = progress
        self.token = uuid4().hex[:8]
        self.found: dict[str, SourceFile] = {}  # the files discovery found, by path
        self.staging = store_dir / f"{STAGING_PREFIX}{self.token}"

    # --- what changed ---

    def run(self) -> IngestResult:
        from adoption_cli.sources.discovery import discover

        previous = read_manifest(self.store_dir)
        collect_garbage(self.store_dir, previous)
        base = previous if previous is not None and previous.fingerprint == fingerprint(self.settings) else None
        if base is not None and damaged_part(self.store_dir, base) is not None:
            base = None  # a part listed but missing or cut short: rebuild the whole store
        found = discover(self.data_dir, self.settings, list(Kind))
        self.found = {f.display: f for f in found.files}
        sources = [_spec(f.display, f.kind, f.platform, f.sheet, dict(f.columns)) for f in found.files]
        entries, changed = self._compare(base, [spec.path for spec in sources])
        removed = sorted(e.path for e in base.files if e.path not in entries) if base else []
        if base is not None and not changed and not removed:
            damaged = damaged_copies(self.store_dir, base)
            if damaged:
                return self._repair_copies(base.model_copy(update={"files": list(entries.values())}), damaged)
            if any(entries[e.path].mtime_ns != e.mtime_ns for e in base.files):
                write_manifest(self.store_dir, base.model_copy(update={"files": list(entries.values())}))
            return self._result(base, [], removed, rebuilt=False, user_day_partitions=0)

        registry = [spec for spec in sources if spec.kind == Kind.SCHOOLS]
        old_registry = {e.path for e in base.files if e.load and e.load.kind == Kind.SCHOOLS} if base else set()
        rebuilt = base is None or old_registry != {s.path for s in registry} or bool(changed & old_registry)
        work = [
            spec
            for spec in sources
            if rebuilt or (spec.kind != Kind.SCHOOLS and (spec.path in changed or not _loaded_as(base, spec)))
        ]
        try:
            manifest, touched = self._write(base, entries, sources, work, rebuilt, found.warnings)
            keys = touched.user_day_keys(manifest, self.store_dir)
            self.progress("ежедневная активность")
            manifest.user_days = self._user_days(manifest, keys)
            manifest.monthly_active = self._monthly_active(manifest, keys)
            derived = DerivedTables(manifest, self.store_dir, self.staging, self.token, school_ranges)
            manifest.active_exceptions = derived.active_exceptions(keys)
            manifest.registrations = derived.registrations(touched.account_platforms, everything=touched.everything)
            self._move_into_store(derived.staged)
            self._commit(manifest)
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        collect_garbage(self.store_dir, manifest)
        ingested = [spec.path for spec in work]
        return self._result(manifest, ingested, removed, rebuilt=rebuilt, user_day_partitions=len(keys))

    def _entry(self, path: str, stat: os.stat_result) -> SourceEntry:
        return SourceEntry(
            path=path, size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=sha256_of(self.data_dir / path)
        )

    def _compare(self, base: Manifest | None, sources: list[str]) -> tuple[dict[str, SourceEntry], set[str]]:
        """Current entry of every file (listed, read by the loader, or known to the store), and which of
        them have new content."""
        stats = candidate_files(self.data_dir, self.store_dir)
        for path in [*sources, *(e.path for e in base.files)] if base else sources:
            if path not in stats and (self.data_dir / path).is_file():
                stats[path] = (self.data_dir / path).stat()
        entries: dict[str, SourceEntry] = {}
        changed: set[str] = set()
        for path, stat in sorted(stats.items()):
            old = base.entry(path) if base else None
            if old is not None and unchanged(old, stat, self.data_dir / path, checksum=self.checksum):
                entries[path] = old.model_copy(update={"mtime_ns": stat.st_mtime_ns})
            else:
                entries[path] = self._entry(path, stat)
                changed.add(path)
        return entries, changed

    # --- rows of the source files ---

    def _write(
        self,
        base: Manifest | None,
        entries: dict[str, SourceEntry],
        sources: list[SourceSpec],
        work: list[SourceSpec],
        rebuilt: bool,
        warnings: list[str],
    ) -> tuple[Manifest, _Touched]:
        """Read the registry and the files to (re)write, stage their parts and move them into the store."""
        touched = _Touched(everything=rebuilt)
        read = {spec.path for spec in sources}
        rewritten = {spec.path for spec in work}
        loads = {e.path: e.load for e in base.files if e.load is not None} if base else {}
        for path, entry in entries.items():
            if path not in read or path in rewritten or path not in loads:
                touched.retire(base.entry(path) if base else None)
                entry.parts, entry.rejects = [], []
        for old in base.files if base else []:
            if old.path not in entries:
                touched.retire(old)

        registry = [spec for spec in sources if spec.kind == Kind.SCHOOLS]
        manifest = Manifest(
            fingerprint=fingerprint(self.settings),
            ingested_at=now_iso(),
            schools=base.schools if base and not rebuilt else [],
            branches_merged=base.branches_merged if base else [],
            warnings=list(warnings),
            user_days=dict(base.user_days) if base and not rebuilt else {},
            monthly_active=dict(base.monthly_active) if base and not rebuilt else {},
            active_exceptions=dict(base.active_exceptions) if base and not rebuilt else {},
            registrations=dict(base.registrations) if base and not rebuilt else {},
        )
        if work:
            self.progress(", ".join(spec.path for spec in work))
            dataset = self._load([*registry, *(spec for spec in work if spec.kind != Kind.SCHOOLS)])
            report = dataset.report
            # each file's SHA-256 was taken when it was compared with the store: no second pass to hash it
            loads.update(
                {load.path: load.model_copy(update={"sha256": entries[load.path].sha256}) for load in report.files}
            )
            manifest.branches_merged = report.branches_merged
            parts = self._write_files(dataset, work, rebuilt)
            for spec in work:
                entry = entries[spec.path]
                entry.parts = parts.get(file_key(spec.path), [])
                entry.rejects = parts.get(f"{file_key(spec.path)}-rejects", [])
                touched.add(spec.kind, entry.parts)
            if rebuilt:
                manifest.schools = parts.get("registry", [])
        for path, entry in entries.items():
            entry.load = loads.get(path) if path in read else None
        order = {path: index for index, path in enumerate(spec.path for spec in sources)}
        # the loader's order (registry first) for the files it reads, then the rest by path
        manifest.files = sorted(entries.values(), key=lambda e: (order.get(e.path, len(order)), e.path))
        manifest.kinds = sorted({e.load.kind for e in manifest.files if e.load is not None})
        # what the loader would tell: discovery's warnings, each file's own, then rows of school statistics in
        # several files — from the stored parts, since an unchanged file is not read again
        manifest.warnings += [warning for e in manifest.files if e.load is not None for warning in e.load.warnings]
        manifest.warnings += repeated_stats(
            [
                (e.path, e.load.platforms, scan(self.store_dir, e.parts, Kind.SCHOOL_STATS.value))
                for e in manifest.files
                if e.load is not None and e.load.kind == Kind.SCHOOL_STATS
            ]
        )
        return manifest, touched

    def _load(self, sources: list[SourceSpec]) -> Dataset:
        """The loader on exactly these files, each described as discovery found it (its [[sources]] entry too,
        which the loader's messages quote: the entry's pattern, not the file's path)."""
        from adoption_cli.sources.loader import load_dataset

        return load_dataset(self.data_dir, self.settings, files=[self.found[spec.path] for spec in sources])

    def _write_files(self, dataset: Dataset, work: list[SourceSpec], rebuilt: bool) -> dict[str, list[str]]:
        """Stage each file's rows and rejects (one streaming pass per file, so memory is bounded by the
        largest file, not their sum), sort them into parts and move those into the store.

        Returns parts by job name: a file's key, its key + "-rejects", and "registry".
        """
        staged: list[_Staged] = []
        rejects: dict[str, list[str]] = {}
        for spec in work:
            rows, key = dataset.by_file[spec.path], file_key(spec.path)
            part = f"{REJECTS}/part-{key}-{self.token}.parquet"
            sink = rows.rejects.sink_parquet(self.staging / part, mkdir=True, lazy=True)
            jobs = [] if spec.kind == Kind.SCHOOLS else [_Job(rows.valid, spec.kind.value, key)]
            staged += self._stage(jobs, extra=[sink])
            rejects[f"{key}-rejects"] = [part]
        if rebuilt:
            staged += self._stage([_Job(dataset.schools, Kind.SCHOOLS.value, "registry")])
        parts = {**self._sort(staged, distinct=False), **rejects}
        self._move_into_store([part for job_parts in parts.values() for part in job_parts])
        return parts

    def _stage(self, jobs: list[_Job], extra: list[pl.LazyFrame] | None = None) -> list[_Staged]:
        """Stream the jobs (and `extra` lazy sinks) into one unsorted file per partition, in one run: sinks
        of the same source share its reading."""
        staged: list[_Staged] = []
        sinks = list(extra or [])
        for job in jobs:
            root = self.staging / "raw" / job.folder / job.name
            keys = PARTITIONS.get(job.folder, ())

            def record(args: pl.io.partition.SinkedPathsCallbackArgs, job: _Job = job, root: Path = root) -> None:
                for sunk in args.paths:
                    relative = Path(sunk.path).parent.relative_to(root).as_posix()
                    directory = job.folder if relative == "." else f"{job.folder}/{relative}"
                    staged.append(_Staged(job, Path(sunk.path), directory, sunk.num_rows))

            target: Path | pl.PartitionBy = root / "raw-0.parquet"
            if keys:
                # One file per partition however large (Polars would split big ones): the sort below makes
                # its parts cover consecutive school ranges.
                target = pl.PartitionBy(
                    root,
                    key=list(keys),
                    include_key=False,
                    file_path_provider=_partition_file(job.folder, keys),
                    approximate_bytes_per_file=None,
                )
            sinks.append(
                with_partition_columns(job.frame, job.folder).sink_parquet(
                    target, mkdir=True, lazy=True, sinked_paths_callback=record
                )
            )
        pl.collect_all(sinks, engine="streaming")
        return staged

    def _sort(self, staged: list[_Staged], *, distinct: bool) -> dict[str, list[str]]:
        """Sort every staged file by school_id (de-duplicating rows if asked) into staged parts.

        Small files are sorted together in batches of at most CHUNK_ROWS rows; a larger one in school
        ranges, one range at a time. Returns parts (relative to the store) by job name.
        """
        parts: dict[str, list[str]] = {}
        batch: list[pl.LazyFrame] = []
        batch_rows = 0
        for item in staged:
            source = pl.scan_parquet(item.path)
            # the piece of the partition (raw-<n>) keeps part names unique should a partition come in pieces
            stem = f"{item.directory}/part-{item.job.name}-{self.token}-{item.path.stem.split('-')[1]}"
            has_school = SCHOOL_KEY in source.collect_schema()
            ranges = school_ranges(source) if has_school and item.rows > CHUNK_ROWS else [None]
            for index, bounds in enumerate(ranges):
                chunk = source if bounds is None else source.filter(_within(bounds))
                chunk = chunk.unique() if distinct else chunk
                part = f"{stem}-{index}.parquet"
                (self.staging / part).parent.mkdir(parents=True, exist_ok=True)
                sink = (chunk.sort(SCHOOL_KEY) if has_school else chunk).sink_parquet(self.staging / part, lazy=True)
                parts.setdefault(item.job.name, []).append(part)
                if len(ranges) > 1:
                    sink.collect(engine="streaming")
                    continue
                if batch_rows + item.rows > CHUNK_ROWS:
                    pl.collect_all(batch, engine="streaming")
                    batch, batch_rows = [], 0
                batch.append(sink)
                batch_rows += item.rows
        pl.collect_all(batch, engine="streaming")
        for item in staged:
            item.path.unlink()
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
            sync_folder(directory)

    # --- derived daily activity ---

    def _user_days(self, manifest: Manifest, keys: set[str]) -> dict[str, list[str]]:
        """Recompute the daily activity of the platform/months whose events or accounts changed."""
        user_days = {key: parts for key, parts in manifest.user_days.items() if key not in keys}
        if not keys:
            return user_days
        platforms = {key.split("/")[0] for key in keys}
        events = [p for p in _parts_of(manifest, Kind.EVENTS) if _day_key(partition_values(p)) in keys]
        accounts = [p for p in _parts_of(manifest, Kind.ACCOUNTS) if partition_values(p)["platform"] in platforms]
        dataset = Dataset(
            data_dir=self.data_dir,
            frames={
                Kind.EVENTS: scan(self.store_dir, events, Kind.EVENTS),
                Kind.ACCOUNTS: scan(self.store_dir, accounts, Kind.ACCOUNTS),
            },
        )
        months: dict[str, list[date]] = {}
        for key in sorted(keys):
            platform, month = key.split("/")
            months.setdefault(platform, []).append(parse_month(month).start)
        wanted = pl.any_horizontal(
            (pl.col("platform") == platform) & pl.col("day").dt.month_start().is_in(starts)
            for platform, starts in months.items()
        )
        records = activity_records(dataset).filter(wanted)
        parts = self._sort(self._stage([_Job(records, USER_DAYS, "days")]), distinct=True).get("days", [])
        self._move_into_store(parts)
        for part in parts:
            user_days.setdefault(_day_key(partition_values(part)), []).append(part)
        return user_days

    def _monthly_active(self, manifest: Manifest, keys: set[str]) -> dict[str, list[str]]:
        """Distinct active users per school and role of the recomputed platform/months, counted from their
        daily activity by the metrics' own rule: a month's indicator then reads a few thousand rows."""
        monthly = {key: parts for key, parts in manifest.monthly_active.items() if key not in keys}
        staged: list[str] = []
        for key in sorted(keys & set(manifest.user_days)):
            platform, month = key.split("/")
            days = Dataset(data_dir=self.data_dir, user_days=scan(self.store_dir, manifest.user_days[key], USER_DAYS))
            part = f"{partition_path(MONTHLY_ACTIVE, {'platform': platform, 'month': month})}/part-{self.token}.parquet"
            counts = user_grain_active(days, parse_month(month), [platform]).drop("platform").sort(SCHOOL_KEY)
            counts.sink_parquet(self.staging / part, mkdir=True, engine="streaming")
            monthly[key] = [part]
            staged.append(part)
        self._move_into_store(staged)
        return monthly

    def _precomputed_rows(self, manifest: Manifest) -> None:
        """The school card's and the indicator's rows of the stored months, as JSON (store.cards,
        store.indicator), recomputed whenever anything changed: registrations, activity and the registry all
        move them, and they cost seconds. Computed from the store just written, whose monthly tables answer
        every whole month."""
        from adoption_cli.metrics.indicator import schools_frame
        from adoption_cli.metrics.school import card_records, registry_keys
        from adoption_cli.metrics.school_card import stored_months
        from adoption_cli.metrics.stored_rules import card_rules, indicator_rules
        from adoption_cli.store.indicator import StoredMonth, write_month
        from adoption_cli.store.reader import dataset_of

        dataset = dataset_of(manifest, self.store_dir, self.data_dir)
        manifest.school_card_rules = card_rules(self.settings)
        records = card_records(dataset, self.settings)
        if records is None:
            manifest.school_cards, manifest.school_card_registry = [], ""
        else:
            cards = write_cards(records, registry_keys(dataset.schools).collect(), self.staging, self.token)
            self._move_into_store(cards.parts())
            manifest.school_cards, manifest.school_card_registry = list(cards.shards), cards.registry_part
        manifest.indicator_rules = indicator_rules(self.settings)
        indicator_parts: dict[str, str] = {}
        for month in stored_months(dataset.report):
            frame, combination = schools_frame(dataset, month, self.settings)
            rows = StoredMonth(combination, frame.collect(engine="streaming").to_dict(as_series=False))
            indicator_parts[month.month_key] = write_month(self.staging, self.token, month.month_key, rows)
        self._move_into_store(list(indicator_parts.values()))
        manifest.indicator_months = indicator_parts

    def _commit(self, manifest: Manifest) -> None:
        """The last step of every ingest that writes: the card and indicator rows of the store as `manifest`
        describes it, then the manifest swapped in (the caller removes staging and the parts no longer listed)."""
        self.progress("карточки школ")
        self._precomputed_rows(manifest)
        write_manifest(self.store_dir, manifest)

    def _repair_copies(self, manifest: Manifest, damaged: list[str]) -> IngestResult:
        """Nothing changed in the exports, but JSON copies cannot be read: they are computed again (as after
        any change) and the old ones removed."""
        try:
            self._commit(manifest)
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        collect_garbage(self.store_dir, manifest)
        result = self._result(manifest, [], [], rebuilt=False, user_day_partitions=0)
        return result.model_copy(update={"repaired": damaged})

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
            warnings=manifest.warnings,
        )


def _within(bounds: tuple[str, str]) -> pl.Expr:
    return pl.col(SCHOOL_KEY).is_between(pl.lit(bounds[0]), pl.lit(bounds[1]))


def _spec(path: str, kind: Kind, platform: str | None, sheet: str | None, columns: dict[str, str]) -> SourceSpec:
    return SourceSpec(path=path, kind=kind, platform=platform, sheet=sheet, columns=columns)


def _partition_file(folder: str, keys: tuple[str, ...]) -> Callable[[pl.io.partition.FileProviderArgs], str]:
    def provider(args: pl.io.partition.FileProviderArgs) -> str:
        values = args.partition_keys.row(0, named=True)
        directory = partition_path(folder, {k: str(values[k]) for k in keys}).split("/", 1)[1]
        return f"{directory}/raw-{args.index_in_partition}.parquet"

    return provider


def _loaded_as(base: Manifest | None, spec: SourceSpec) -> bool:
    """The store already holds this file's rows, read as the same kind."""
    old = base.entry(spec.path) if base else None
    return old is not None and old.load is not None and old.load.kind == spec.kind


def _parts_of(manifest: Manifest, kind: Kind) -> list[str]:
    return [part for e in manifest.files if e.load is not None and e.load.kind == kind for part in e.parts]


def _day_key(values: dict[str, str]) -> str:
    return f"{values['platform']}/{values['month']}"


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
                self.event_keys.add(_day_key(values))
            elif kind == Kind.ACCOUNTS:
                self.account_platforms.add(values["platform"])

    def retire(self, entry: SourceEntry | None) -> None:
        if entry is not None and entry.load is not None:
            self.add(entry.load.kind, entry.parts)

    def user_day_keys(self, manifest: Manifest, store_dir: Path) -> set[str]:
        """platform/month keys to recompute, including months that only have last logins."""
        events = {_day_key(partition_values(p)) for p in _parts_of(manifest, Kind.EVENTS)}
        platforms = set(self.account_platforms)
        if self.everything:
            platforms |= {key.split("/")[0] for key in events} | {
                partition_values(p)["platform"] for p in _parts_of(manifest, Kind.ACCOUNTS)
            }
        keys = self.event_keys | {key for key in [*events, *manifest.user_days] if key.split("/")[0] in platforms}
        return keys | _login_months(manifest, store_dir, platforms)


def _login_months(manifest: Manifest, store_dir: Path, platforms: set[str]) -> set[str]:
    """platform/month of every last login of the platforms' accounts (a month may have no events)."""
    parts = [p for p in _parts_of(manifest, Kind.ACCOUNTS) if partition_values(p)["platform"] in platforms]
    if not parts:
        return set()
    months = (
        scan(store_dir, parts, Kind.ACCOUNTS)
        .filter(pl.col("last_login_at").is_not_null())
        .select(pl.concat_str(pl.col("platform"), pl.lit("/"), pl.col("last_login_at").dt.strftime("%Y-%m")))
        .unique()
        .collect(engine="streaming")
    )
    return set(months.to_series().to_list())
