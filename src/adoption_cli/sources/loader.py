"""load_dataset: discover, read, normalise and count every file; build the canonical frames.

Frames stay lazy (scan -> normalise -> filter); each file is counted in one streaming pass. The registry
is small and is materialised: exact duplicates dropped, branches with one ИНН summed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from adoption_cli.config import Settings
from adoption_cli.dataset import BranchMerge, Dataset, FileLoad, FileRows, LoadReport, RejectExample, canonical_schema
from adoption_cli.errors import DataError
from adoption_cli.metrics.activity_base import ACTIVITY_COLUMNS as USER_COLUMNS
from adoption_cli.metrics.activity_base import (
    activity_records,
    blocked_accounts,
    dated_activity,
    without_blocked,
)
from adoption_cli.schema import OTHER_ROLE, Kind
from adoption_cli.sources.columns import ColumnMap
from adoption_cli.sources.discovery import SourceFile, discover
from adoption_cli.sources.normalise import COLUMN, REASON, VALUE, normalise
from adoption_cli.sources.readers import ROW, SPARE_COLUMNS, RawTable, read_table
from adoption_cli.sources.values import ParseContext

EXAMPLES_PER_REASON = 3
# The column whose newest value says how fresh a file is.
ACTIVITY_COLUMNS = {
    Kind.ACCOUNTS: "last_login_at",
    Kind.EVENTS: "ts",
    Kind.SCHOOL_STATS: "month",
    Kind.CONTENT_VIEWS: "ts",
}
REJECTS_SCHEMA = {"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
_VALID = pl.col(REASON).is_null()


@dataclass(frozen=True, slots=True)
class _Parsed:
    source: SourceFile
    table: RawTable
    frame: pl.LazyFrame  # normalise() output


def _parse(source: SourceFile, ctx: ParseContext) -> _Parsed:
    table = read_table(
        source.path,
        source.display,
        ColumnMap(source.kind, source.columns),
        platform_given=source.platform is not None,
        timezone=ctx.timezone,
        sheet=source.sheet,
    )
    return _Parsed(source, table, normalise(table, source.kind, ctx, platform=source.platform))


def _unparseable(display: str, exc: Exception) -> DataError:
    # Polars' own message quotes raw cells (user ids among them), so only its gist is translated.
    text = str(exc)
    if "not properly escaped" in text:
        what = "незакрытая или лишняя кавычка в поле; исправьте кавычки или сохраните файл заново"
    elif "more fields than" in text or "not specified in schema" in text:  # later rows / the first row
        what = f"в строке больше чем на {SPARE_COLUMNS} полей больше, чем в заголовке; проверьте разделитель"
    else:
        what = f"файл не удаётся разобрать как таблицу ({type(exc).__name__}); проверьте его формат"
    return DataError(f"{display}: {what}.")


def _collect(display: str, frames: list[pl.LazyFrame]) -> list[pl.DataFrame]:
    try:
        return pl.collect_all(frames, engine="streaming")
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        # A damaged file can make Polars' Rust code panic; pyo3 raises that as a BaseException.
        raise _unparseable(display, exc) from exc


def _iso_day(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if value is not None else None


def _count(
    parsed: _Parsed, frame: pl.LazyFrame, known: pl.Expr, other: pl.Expr, also: Sequence[pl.LazyFrame] = ()
) -> tuple[FileLoad, list[pl.DataFrame]]:
    """Every figure of one file in a single pass over it, and the queries `also` computed in that pass."""
    source, table = parsed.source, parsed.table
    kept = _VALID & known & ~other
    activity = ACTIVITY_COLUMNS.get(source.kind)
    summary = frame.select(
        pl.len().alias("rows"),
        _VALID.sum().alias("loaded"),
        (_VALID & ~known).sum().alias("unknown_school"),
        (_VALID & known & other).sum().alias("other_role"),
        (pl.col(activity).filter(_VALID).max() if activity else pl.lit(None)).alias("latest"),
        (
            pl.col("platform").filter(kept).drop_nulls().unique().sort().implode()
            if "platform" in canonical_schema(source.kind)
            else pl.lit([], pl.List(pl.String))
        ).alias("platforms"),
    )
    by_reason = (
        frame.filter(~_VALID)
        .group_by(REASON)
        .agg(pl.len(), pl.struct(ROW, COLUMN, VALUE).bottom_k_by(ROW, EXAMPLES_PER_REASON).alias("examples"))
    )
    totals, reasons, *gathered = _collect(source.display, [summary, by_reason, *also])
    figures = totals.row(0, named=True)
    examples = sorted(
        (
            RejectExample(row=ex[ROW], column=ex[COLUMN], value=ex[VALUE], reason=reason)
            for reason, examples_of in zip(reasons[REASON], reasons["examples"], strict=True)
            for ex in examples_of
        ),
        key=lambda ex: (ex.row, ex.reason),
    )
    load = FileLoad(
        path=source.display,
        kind=source.kind,
        platform=source.platform,
        platforms=list(figures["platforms"]),
        size_bytes=table.fingerprint.size_bytes,
        sha256=table.fingerprint.sha256,
        encoding=table.encoding,
        separator=table.separator,
        sheet=table.sheet,
        rows=figures["rows"],
        loaded=figures["loaded"],
        rejected=figures["rows"] - figures["loaded"],
        unknown_school=figures["unknown_school"],
        other_role=figures["other_role"],
        rejected_by_reason=dict(sorted(zip(reasons[REASON], reasons["len"], strict=True))),
        examples=examples,
        latest_activity=_iso_day(figures["latest"]),
    )
    return load, gathered


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


def _load_registry(
    parts: list[_Parsed], report: LoadReport, by_file: dict[str, FileRows]
) -> tuple[pl.LazyFrame, list[pl.LazyFrame]]:
    """One row per organisation; fills the registry files' FileLoads and `branches_merged`."""
    columns = list(canonical_schema(Kind.SCHOOLS))
    loads: list[FileLoad] = []
    valid: list[pl.DataFrame] = []
    rejects: list[pl.LazyFrame] = []
    for index, part in enumerate(parts):
        (frame,) = _collect(part.source.display, [part.frame])
        loads.append(_count(part, frame.lazy(), pl.lit(True), pl.lit(False))[0])
        valid.append(frame.filter(_VALID).select(*columns, pl.lit(index).alias("_file")))
        rejects.append(_rejects(part, frame.lazy()))
        by_file[part.source.display] = FileRows(valid[-1].drop("_file").lazy(), rejects[-1])
    rows = pl.concat(valid).with_columns(_duplicate=~pl.struct(columns).is_first_distinct())
    dropped = dict(rows.group_by("_file").agg(pl.col("_duplicate").sum()).iter_rows())
    for index, load in enumerate(loads):
        load.duplicates_dropped = int(dropped.get(index, 0))
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


Window = tuple[date, date]


def _first_days(records: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (platform, school_id, role, user_id): the first day it was active. A month of a federal
    export holds a hundred million events but a few tens of millions of users."""
    return records.group_by(*USER_COLUMNS).agg(pl.col("day").min())


def _activity_queries(kind: Kind, rows: pl.LazyFrame, window: Window) -> list[pl.LazyFrame]:
    """Who in one file was active in the window (see `activity_records`), and its blocked accounts."""
    single = Dataset(data_dir=Path(), frames={kind: rows})
    return [_first_days(dated_activity(single).filter(pl.col("day").is_between(*window))), blocked_accounts(single)]


def load_dataset(
    data_dir: Path, settings: Settings, *, kinds: Collection[Kind] | None = None, window: Window | None = None
) -> Dataset:
    """Read every export of the requested kinds (all by default) into canonical frames and a load report.

    The registry is always read when a requested kind names schools: rows of unknown schools are counted
    and kept out of the frames, as are rows of roles outside teacher/student/parent.

    A `window` of local days [first, last] (a command's period) also gathers, in the same pass that counts
    each events and accounts file, who was active in those days into `Dataset.user_days` (one row per user
    and the first day of activity), so that the metrics never parse those files again for that period;
    any other period still reads the frames.
    """
    ctx = ParseContext.from_settings(settings)
    found = discover(data_dir, settings, list(Kind) if kinds is None else kinds)
    report = LoadReport(warnings=list(found.warnings))
    parsed = [_parse(source, ctx) for source in found.files]
    registry = [p for p in parsed if p.source.kind == Kind.SCHOOLS]
    frames: dict[Kind, list[pl.LazyFrame]] = {}
    rejects: list[pl.LazyFrame] = []
    school_ids: pl.Series | None = None
    by_file: dict[str, FileRows] = {}
    activity: list[pl.DataFrame] = []
    blocked: list[pl.DataFrame] = []
    if registry:
        schools, registry_rejects = _load_registry(registry, report, by_file)
        frames[Kind.SCHOOLS] = [schools]
        rejects += registry_rejects
        school_ids = schools.select("school_id").collect().to_series()
    for part in parsed:
        kind = part.source.kind
        if kind == Kind.SCHOOLS:
            continue
        schema = canonical_schema(kind)
        known = (
            pl.col("school_id").is_in(school_ids.implode())
            if "school_id" in schema and school_ids is not None
            else pl.lit(True)
        )
        other = pl.col("role") == OTHER_ROLE if "role" in schema else pl.lit(False)
        # Every query of the file's pass reads one parse: Polars finds the shared part of two queries by
        # itself, but with more it may parse the file once for some of them and again for the others.
        frame = part.frame.cache()
        rows = FileRows(frame.filter(_VALID & known & ~other).select(list(schema)), _rejects(part, frame))
        also = (
            _activity_queries(kind, rows.valid, window)
            if window is not None and kind in (Kind.EVENTS, Kind.ACCOUNTS)
            else []
        )
        load, gathered = _count(part, frame, known, other, also)
        report.files.append(load)
        if gathered:
            activity.append(gathered[0])
            blocked.append(gathered[1])
        by_file[part.source.display] = rows
        frames.setdefault(kind, []).append(rows.valid)
        rejects.append(rows.rejects)
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
    records = without_blocked(pl.concat(activity).lazy(), pl.concat(blocked).lazy().unique())
    return _first_days(records).collect().lazy()
