"""load_dataset: discover, read, normalise and count every file; build the canonical frames.

Frames stay lazy (scan -> normalise -> filter); each file is counted in one streaming pass. The registry
is small and is materialised: exact duplicates dropped, branches with one ИНН summed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import polars as pl

from adoption_cli import engine
from adoption_cli.activity import ACTIVITY_COLUMNS as USER_COLUMNS
from adoption_cli.activity import DATED_ACTIVITY, activity_records, without_blocked
from adoption_cli.config import Settings
from adoption_cli.dataset import BranchMerge, Dataset, FileLoad, FileRows, LoadReport, RejectExample, canonical_schema
from adoption_cli.errors import DataError
from adoption_cli.schema import OTHER_ROLE, Kind, ValueType
from adoption_cli.sources.columns import ColumnMap
from adoption_cli.sources.discovery import Discovery, SourceFile, discover
from adoption_cli.sources.normalise import COLUMN, REASON, VALUE, WHOLE_ROW, normalise
from adoption_cli.sources.readers import ROW, SPARE_COLUMNS, RawTable, read_table
from adoption_cli.sources.reasons import REASONS
from adoption_cli.sources.values import ParseContext, inn_of_prefix, vocabulary_spellings

EXAMPLES_PER_REASON = 3
# Rejected rows among a file's first rows are each an example candidate; later ones are grouped by reason
# and column (their first row stands for them), so that a file of nothing but bad rows stays small.
EXAMPLE_ROWS = 100_000
# The column whose newest value says how fresh a file is.
ACTIVITY_COLUMNS = {
    Kind.ACCOUNTS: "last_login_at",
    Kind.EVENTS: "ts",
    Kind.SCHOOL_STATS: "month",
    Kind.CONTENT_VIEWS: "ts",
}
REJECTS_SCHEMA = {"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
_VALID = pl.col(REASON).is_null()
BLOCKED = pl.col("status") == "blocked"


@dataclass(frozen=True, slots=True)
class _Gathered:
    """Who in one file was active in the window (one row per user, first day) and its blocked accounts."""

    active: pl.DataFrame
    blocked: pl.DataFrame


@dataclass(frozen=True, slots=True)
class _Parsed:
    source: SourceFile
    table: RawTable
    frame: pl.LazyFrame  # normalise() output


def _parse(source: SourceFile, ctx: ParseContext, *, digest: bool, spare_columns: int | None = None) -> _Parsed:
    table = read_table(
        source.path,
        source.display,
        ColumnMap(source.kind, source.columns, source.entry),
        platform_given=source.platform is not None,
        timezone=ctx.timezone,
        sheet=source.sheet,
        digest=digest,
        spare_columns=spare_columns,
    )
    return _Parsed(source, table, normalise(table, source.kind, ctx, platform=source.platform))


class RaggedError(DataError):
    """A row has more fields than the file was read with (its header's, plus any spare columns)."""


def _unparseable(source: SourceFile, exc: Exception) -> DataError:
    # Polars' own message quotes raw cells (user ids among them), so only its gist is translated.
    display, text = source.display, str(exc)
    if "not properly escaped" in text:
        what = "незакрытая или лишняя кавычка в поле; исправьте кавычки или сохраните файл заново"
    elif "more fields than" in text or "not specified in schema" in text:  # later rows / the first row
        what = f"в строке больше чем на {SPARE_COLUMNS} полей больше, чем в заголовке; проверьте разделитель"
        return RaggedError(f"{display}: {what}.")
    elif "CSV malformed" in text:  # a lone quote inside an unquoted field, e.g. «Школа 5";…»
        line = _odd_quote_line(source.path)
        where = f" (похоже, в строке {line})" if line is not None else ""
        what = f'непарная кавычка «"» в поле{where}; исправьте кавычки или сохраните файл заново'
    else:
        what = f"файл не удаётся разобрать как таблицу ({type(exc).__name__}); проверьте его формат"
    return DataError(f"{display}: {what}.")


def _odd_quote_line(path: Path) -> int | None:
    """The first line with an odd number of quotes, where a stray one most likely is (read only when a file
    has already failed: a line at a time, whatever its encoding, since «"» is one byte in each)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.count(b'"') % 2:
                return number
    return None


def _collect(source: SourceFile, frames: list[pl.LazyFrame]) -> list[pl.DataFrame]:
    try:
        return pl.collect_all(frames, engine="streaming")
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        if engine.spill_failure(exc) is not None:
            raise  # the disk, not the file (cli.guard says so)
        # A damaged file can make Polars' Rust code panic; pyo3 raises that as a BaseException.
        raise _unparseable(source, exc) from exc


def _iso_day(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if value is not None else None


def _codes(value_type: ValueType) -> pl.Enum:
    codes = list(vocabulary_spellings(value_type))
    return pl.Enum([*codes, OTHER_ROLE] if value_type == ValueType.ROLE else codes)


def _count(
    parsed: _Parsed,
    frame: pl.LazyFrame,
    known: pl.Expr,
    other: pl.Expr,
    window: Window | None = None,
    schools: pl.DataType = pl.String(),
) -> tuple[FileLoad, _Gathered | None]:
    """Every figure of one file, and (given a `window`) who in it was active then and which of its
    accounts are blocked, from one group_by over the file.

    One query, not one per figure: Polars shares the parse between queries of one `collect_all` only in
    part, and each further query cost nearly a whole parse again. The groups are few but for one per
    user active in the window (what the metrics need anyway) and one per rejected row among the first
    `EXAMPLE_ROWS` (candidates for the examples; later rejected rows are grouped by reason and column).
    `schools` is the dtype of an active user's school in the groups: an enum of the registry's ИНН.
    """
    source, table = parsed.source, parsed.table
    kind = source.kind
    schema = canonical_schema(kind)
    activity = ACTIVITY_COLUMNS.get(kind)
    gathering = window is not None and kind in DATED_ACTIVITY
    rejected = ~_VALID
    # A valid row's yes/no facts are columns computed once: each is read by several keys, and Polars does not
    # share a sub-expression between them (the registry lookup ran five times a row). The later facts read
    # the earlier columns.
    frame = frame.with_columns(
        (_VALID & known).fill_null(False).alias("_known"), (_VALID & other).fill_null(False).alias("_other")
    )
    facts = ["_known", "_other"]
    if gathering:
        assert window is not None
        frame = frame.with_columns(pl.col(DATED_ACTIVITY[kind]).dt.date().alias(_DAY))
        later = {"_active": pl.col("_known") & ~pl.col("_other") & pl.col(_DAY).is_between(*window)}
        if kind == Kind.ACCOUNTS:
            later["_blocked"] = _VALID & BLOCKED  # whichever school and role the row names
        frame = frame.with_columns(fact.fill_null(False).alias(name) for name, fact in later.items())
        facts += later
    # The facts are one small key (a group_by pays for every key column it hashes): of a known school, of
    # another role, active in the window, a blocked account.
    bits = (pl.col(name).cast(pl.UInt8) * pl.lit(1 << bit, pl.UInt8) for bit, name in enumerate(facts))
    flags = pl.sum_horizontal(bits).cast(pl.UInt8).alias(FLAGS)
    platform = (
        (pl.when(_VALID).then(pl.col("platform")) if "platform" in schema else pl.lit(None, pl.String))
        .cast(_codes(ValueType.PLATFORM))
        .alias("platform")
    )
    detail = _detail(rejected, pl.col("_known") if "school_id" in schema else None)
    counted = [pl.len().alias("rows")]
    if activity:
        counted.append(pl.col(activity).max().alias("latest"))
        # (gathering, each group's first day is its earliest and is needed anyway: one aggregate fewer per group)
        counted.append(pl.col(_DAY if gathering else activity).min().alias("earliest"))
    # A rejected group's first row and that row's value (null where it is not shown). Not a string of the
    # two (min of «zero-padded row + value»): building it cost ~1 s CPU per 16 M rows, valid ones included.
    first_row = pl.when(rejected).then(pl.col(ROW))
    # Keys of known values are enums (a few bytes a group, not a 16-byte string): a federal month has tens
    # of millions of groups, one per active user.
    keys = [
        pl.col(REASON).cast(pl.Enum(list(REASONS))),
        pl.when(rejected).then(pl.col(COLUMN)).cast(pl.Enum([WHOLE_ROW, *schema])).alias(COLUMN),
        detail,
        platform,
        flags,
    ]
    if gathering:
        # One group per user active in the window or blocked: tens of millions in a federal month.
        active = pl.col("_active")
        user = pl.any_horizontal(pl.col(name) for name in _USER_FLAGS if name in facts)
        keys += [
            pl.when(active).then(pl.col("school_id")).cast(schools).alias("school_id"),
            pl.when(active).then(pl.col("role")).cast(_codes(ValueType.ROLE)).alias("role"),
            pl.when(user).then(pl.col("user_id")).alias("user_id"),
        ]
    figures = frame.group_by(keys).agg(
        *counted, first_row.min().alias(FIRST), pl.col(VALUE).min_by(first_row).alias(FIRST_VALUE)
    )
    (groups,) = _collect(source, [figures])
    groups = groups.with_columns(
        pl.col(REASON, COLUMN).cast(pl.String),
        *(((pl.col(FLAGS) // (1 << bit)) % 2 == 1).alias(name) for bit, name in enumerate(facts)),
        *(pl.lit(False).alias(name) for name in _USER_FLAGS if name not in facts),
        *([pl.col("earliest").alias("day")] if gathering else []),
    )
    valid = groups.filter(pl.col(REASON).is_null())
    bad = groups.filter(pl.col(REASON).is_not_null())
    reasons = bad.group_by(REASON).agg(pl.col("rows").sum()).sort(REASON)
    firsts = bad.sort(FIRST).group_by(REASON, maintain_order=True).head(EXAMPLES_PER_REASON)
    examples = sorted(
        (
            RejectExample(row=ex[FIRST], column=ex[COLUMN], value=ex[FIRST_VALUE], reason=ex[REASON])
            for ex in firsts.iter_rows(named=True)
        ),
        key=lambda ex: (ex.row, ex.reason),
    )
    loaded = int(valid["rows"].sum())
    rows = int(groups["rows"].sum())
    load = FileLoad(
        path=source.display,
        kind=kind,
        platform=source.platform,
        platforms=sorted(
            valid.filter(pl.col("_known") & ~pl.col("_other"))["platform"].drop_nulls().unique().cast(pl.String)
        ),
        size_bytes=table.fingerprint.size_bytes,
        sha256=table.fingerprint.sha256,
        encoding=table.encoding,
        separator=table.separator,
        sheet=table.sheet,
        rows=rows,
        loaded=loaded,
        rejected=rows - loaded,
        unknown_school=int(valid.filter(~pl.col("_known"))["rows"].sum()),
        unknown_school_ids=_unknown_ids(valid),
        other_role=int(valid.filter(pl.col("_known") & pl.col("_other"))["rows"].sum()),
        rejected_by_reason=dict(zip(reasons[REASON], reasons["rows"], strict=True)),
        examples=examples,
        latest_activity=_iso_day(valid["latest"].max() if activity else None),  # type: ignore[arg-type]
        earliest_activity=_iso_day(valid["earliest"].min() if activity else None),  # type: ignore[arg-type]
        activity_by_platform=_spans_by_platform(valid) if activity else {},
        warnings=list(table.warnings),
        headers=dict(table.headers),
    )
    if not gathering:
        return load, None
    active_users = groups.filter(pl.col("_active")).select(*USER_COLUMNS, "day")
    blocked_users = groups.filter(pl.col("_blocked")).select("platform", "user_id").unique()
    return load, _Gathered(active_users, blocked_users)


def _detail(rejected: pl.Expr, known: pl.Expr | None) -> pl.Expr:
    """One small key for two details: a rejected row among the first `EXAMPLE_ROWS` keeps its row number (≥ 1,
    an example candidate); a valid row of a school missing from the registry keeps −(its ИНН's first nine
    digits) − 1 (the tenth is their check digit), so that the unknown ИНН are listed without a key column of
    their own (one per group: tens of millions of groups federally). Null for every other row; `known`: None
    for a kind without schools."""
    example = pl.when(rejected & (pl.col(ROW) <= EXAMPLE_ROWS)).then(pl.col(ROW))
    if known is None:
        return example.cast(pl.Int32).alias(DETAIL)
    unknown = _VALID & ~known
    # (sliced only where the school is unknown: Polars evaluates a `then` on every row)
    prefix = pl.when(unknown).then(pl.col("school_id")).str.slice(0, 9).cast(pl.Int64, strict=False)
    return example.when(unknown).then(-prefix - 1).cast(pl.Int32).alias(DETAIL)


def _spans_by_platform(valid: pl.DataFrame) -> dict[str, list[str]]:
    """Platform → [oldest, newest] day of activity in the file's valid rows (a file may hold several)."""
    spans = (
        valid.filter(pl.col("platform").is_not_null())
        .group_by("platform")
        .agg(pl.col("earliest").min(), pl.col("latest").max())
        .sort("platform")
    )
    return {
        str(platform): [day for day in (_iso_day(first), _iso_day(last)) if day is not None]
        for platform, first, last in spans.iter_rows()
        if first is not None and last is not None
    }


def _unknown_ids(valid: pl.DataFrame) -> dict[str, int]:
    """ИНН missing from the registry → rows naming it, the most named first (at most `UNKNOWN_IDS_KEPT`)."""
    rows = (
        valid.filter(pl.col(DETAIL) < 0)
        .group_by(DETAIL)
        .agg(pl.col("rows").sum())
        .sort(["rows", DETAIL], descending=[True, True])
        .head(UNKNOWN_IDS_KEPT)
    )
    return {inn_of_prefix(-detail - 1): count for detail, count in rows.iter_rows()}


FIRST = "_first"
FIRST_VALUE = "_first_value"
DETAIL = "_detail"
UNKNOWN_IDS_KEPT = 100
FLAGS = "_flags"
_DAY = "_day"
_USER_FLAGS = ("_active", "_blocked")  # the flags that make a row's user one of the gathered ones


def _rejects(parsed: _Parsed, frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.filter(~_VALID).select(
        pl.lit(parsed.source.display).alias("file"),
        pl.col(ROW).alias("row"),
        pl.col(COLUMN).alias("column"),
        pl.col(VALUE).alias("value"),
        pl.col(REASON).alias("reason"),
    )


def _total_or_null(name: str) -> pl.Expr:
    # One branch without a total makes the organisation's total unknown, not smaller.
    return pl.when(pl.col(name).null_count() > 0).then(None).otherwise(pl.col(name).sum()).alias(name)


def _parsed_and_counted(
    source: SourceFile,
    ctx: ParseContext,
    digest: bool,
    known: pl.Expr,
    other: pl.Expr,
    window: Window | None,
    schools: pl.DataType,
) -> tuple[_Parsed, FileLoad, _Gathered | None]:
    """A file parsed and counted (`_count`). One read without spare columns (its first lines are no longer
    than its header) that has a longer row further on is read again with them (readers.SPARE_COLUMNS)."""
    part = _parse(source, ctx, digest=digest)
    try:
        return part, *_count(part, part.frame, known, other, window, schools)
    except RaggedError:
        if part.table.spare_columns:
            raise
    part = _parse(source, ctx, digest=digest, spare_columns=SPARE_COLUMNS)
    return part, *_count(part, part.frame, known, other, window, schools)


def _load_registry(
    parts: list[_Parsed], report: LoadReport, by_file: dict[str, FileRows]
) -> tuple[pl.LazyFrame, list[pl.LazyFrame]]:
    """One row per organisation; fills the registry files' FileLoads and `branches_merged`."""
    columns = list(canonical_schema(Kind.SCHOOLS))
    loads: list[FileLoad] = []
    valid: list[pl.DataFrame] = []
    rejects: list[pl.LazyFrame] = []
    for index, part in enumerate(parts):
        (frame,) = _collect(part.source, [part.frame])
        loads.append(_count(part, frame.lazy(), pl.lit(True), pl.lit(False))[0])
        valid.append(frame.filter(_VALID).select(*columns, pl.lit(index).alias("_file")))
        rejects.append(_rejects(part, frame.lazy()))
        by_file[part.source.display] = FileRows(valid[-1].drop("_file").lazy(), rejects[-1])
    rows = pl.concat(valid).with_columns(_duplicate=~pl.struct(columns).is_first_distinct())
    dropped = dict(rows.group_by("_file").agg(pl.col("_duplicate").sum()).iter_rows())
    for index, load in enumerate(loads):
        load.duplicates_dropped = int(dropped.get(index, 0))
    # Distinct rows of one ИНН in two files are summed like branches: two versions of the registry double
    # every total, so the later file says so.
    for later, earlier, count in _shared_keys(rows.filter(~pl.col("_duplicate")), ["school_id"]):
        loads[later].warnings.append(
            f"{loads[later].path}: {count} ИНН из этого файла есть и в {loads[earlier].path} — их строки сложены "
            "как филиалы, численности ОО-1 суммированы; чтобы оставить одну версию реестра, уберите лишний файл "
            "или опишите в [[sources]] только нужный."
        )
    merged = (
        rows.filter(~pl.col("_duplicate"))
        .group_by("school_id", maintain_order=True)
        .agg(
            pl.col("name", "municipality", "ownership").first(),
            _total_or_null("teachers_total"),
            _total_or_null("students_total"),
            pl.len().alias("_rows"),
        )
    )
    report.branches_merged = [
        BranchMerge(school_id=school_id, rows=count)
        for school_id, count in merged.filter(pl.col("_rows") > 1).select("school_id", "_rows").iter_rows()
    ]
    report.files += loads
    return merged.select(columns).lazy(), rejects


def _shared_keys(keys: pl.DataFrame, key: list[str]) -> list[tuple[int, int, int]]:
    """(later file, earlier file, how many keys) for the keys found in several files (`_file`: the file's
    index): a key counts for the first file that has it and each later one."""
    keys = keys.select(*key, "_file").unique()
    first = keys.group_by(key).agg(pl.col("_file").min().alias("_first"))
    shared = (
        keys.join(first, on=key)
        .filter(pl.col("_file") != pl.col("_first"))
        .group_by("_file", "_first")
        .agg(pl.len())
        .sort("_file", "_first")
    )
    return [(int(later), int(earlier), int(count)) for later, earlier, count in shared.iter_rows()]


STATS_KEY = ["platform", "school_id", "month", "role"]


def repeated_stats(files: Sequence[tuple[str, Collection[str], pl.LazyFrame]]) -> list[str]:
    """A warning for each school-statistics file (path, platforms, kept rows) with rows of a platform, school,
    month and role an earlier file has too: the metrics sum such rows, so an export saved twice doubles."""
    counts = Counter(platform for _, platforms, _ in files for platform in set(platforms))
    shared = [(path, rows) for path, platforms, rows in files if any(counts[p] > 1 for p in platforms)]
    if len(shared) < 2:
        return []
    keys = pl.collect_all(
        [rows.select(STATS_KEY).unique().with_columns(_file=pl.lit(index)) for index, (_, rows) in enumerate(shared)],
        engine="streaming",
    )
    return [
        f"{shared[later][0]}: одни и те же платформа, школа, месяц и роль есть и в {shared[earlier][0]} (таких "
        f"сочетаний: {count}) — их числа сложены; если это повторная выгрузка, уберите лишний файл из папки."
        for later, earlier, count in _shared_keys(pl.concat(keys), STATS_KEY)
    ]


Window = tuple[date, date]


def _first_days(records: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (platform, school_id, role, user_id): the first day it was active. A month of a federal
    export holds a hundred million events but a few tens of millions of users."""
    return records.group_by(*USER_COLUMNS).agg(pl.col("day").min())


def load_dataset(
    data_dir: Path,
    settings: Settings,
    *,
    kinds: Collection[Kind] | None = None,
    window: Window | None = None,
    file_hashes: bool = False,
    files: Sequence[SourceFile] | None = None,
) -> Dataset:
    """Read every export of the requested kinds (all by default) into canonical frames and a load report.

    The registry is always read when a requested kind names schools: rows of unknown schools are counted
    and kept out of the frames, as are rows of roles outside teacher/student/parent.

    A `window` of local days [first, last] (a command's period) also gathers, in the same pass that counts
    each events and accounts file, who was active in those days into `Dataset.user_days` (one row per user
    and the first day of activity), so that the metrics never parse those files again for that period;
    any other period still reads the frames.

    `file_hashes`: fill each file's SHA-256 in the load report (one more pass over the bytes, ~1 s per GB;
    only the commands that show it ask).

    `files`: read exactly these, as a discovery of the folder described them (the store's ingest reads the
    changed files alone), instead of discovering the folder; the registry must be among them.
    """
    ctx = ParseContext.from_settings(settings)
    found = (
        discover(data_dir, settings, list(Kind) if kinds is None else kinds)
        if files is None
        else Discovery(list(files))
    )
    report = LoadReport(warnings=list(found.warnings))
    registry = [
        _parse(source, ctx, digest=file_hashes, spare_columns=SPARE_COLUMNS)  # small files: read once, as they are
        for source in found.files
        if source.kind == Kind.SCHOOLS
    ]
    frames: dict[Kind, list[pl.LazyFrame]] = {}
    rejects: list[pl.LazyFrame] = []
    school_ids: pl.Series | None = None
    school_dtype: pl.DataType = pl.String()
    by_file: dict[str, FileRows] = {}
    activity: list[pl.DataFrame] = []
    blocked: list[pl.DataFrame] = []
    if registry:
        schools, registry_rejects = _load_registry(registry, report, by_file)
        frames[Kind.SCHOOLS] = [schools]
        rejects += registry_rejects
        school_ids = schools.select("school_id").collect().to_series()
        if school_ids.is_empty():
            # Every row of every export would count as «unknown school», and each metric say «no data».
            named = ", ".join(part.source.display for part in registry)
            report.warnings.append(
                f"{named}: в реестре школ не загружено ни одной школы — строки всех выгрузок окажутся «неизвестная "
                "школа» и не войдут в метрики; проверьте файл реестра (adoption validate)."
            )
        ctx = replace(ctx, school_ids=school_ids)
        school_dtype = pl.Enum(school_ids.unique().sort())
    for source in found.files:
        kind = source.kind
        if kind == Kind.SCHOOLS:
            continue
        schema = canonical_schema(kind)
        known = (
            pl.col("school_id").is_in(school_ids.implode())
            if "school_id" in schema and school_ids is not None
            else pl.lit(True)
        )
        other = pl.col("role") == OTHER_ROLE if "role" in schema else pl.lit(False)
        part, load, gathered = _parsed_and_counted(source, ctx, file_hashes, known, other, window, school_dtype)
        kept = known & ~other
        if kind == Kind.ACCOUNTS:
            # A blocked account counts nowhere, whichever school and role its row names: the metrics take the
            # blocked (platform, user_id) from the accounts frame, so such rows stay in it (they are counted as
            # unknown school or other role all the same, and no metric counts a blocked account as anything).
            kept = kept | BLOCKED
        rows = FileRows(part.frame.filter(_VALID & kept).select(list(schema)), _rejects(part, part.frame))
        report.files.append(load)
        if gathered is not None:
            activity.append(gathered.active)
            blocked.append(gathered.blocked)
        by_file[part.source.display] = rows
        frames.setdefault(kind, []).append(rows.valid)
        rejects.append(rows.rejects)
    report.warnings += [warning for load in report.files for warning in load.warnings]
    report.warnings += repeated_stats(
        [
            (load.path, load.platforms, by_file[load.path].valid)
            for load in report.files
            if load.kind == Kind.SCHOOL_STATS
        ]
    )
    dataset = Dataset(
        data_dir=data_dir,
        frames={kind: pl.concat(parts) for kind, parts in frames.items()},
        report=report,
        rejects=pl.concat(rejects) if rejects else pl.LazyFrame(schema=REJECTS_SCHEMA),
        by_file=by_file,
    )
    if window is None:
        return dataset
    dataset.activity_window = window
    dataset.user_days = _gathered_activity(dataset, activity, blocked)
    return dataset


def _gathered_activity(dataset: Dataset, activity: list[pl.DataFrame], blocked: list[pl.DataFrame]) -> pl.LazyFrame:
    if not activity:  # no events or accounts file: the same empty records the frames give
        return _first_days(activity_records(dataset)).collect().lazy()
    # Each user's rows of all files merged first, then the blocked accounts taken out (blocked or not is the
    # same for all of one user's rows): the anti-join then probes half as many rows (scaling-4x: 1.35 → 1.17 s).
    users = without_blocked(_first_days(pl.concat(activity).lazy()), pl.concat(blocked).lazy().unique())
    # (the metrics compare these with the frames' strings)
    strings = pl.col("platform", "school_id", "role").cast(pl.String)
    return users.with_columns(strings).collect(engine="streaming").lazy()
