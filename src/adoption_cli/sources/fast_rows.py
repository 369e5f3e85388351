"""Rows that skip the general parsers because every cell is in a form the file is known to use.

Polars evaluates every branch of an expression on every row, so the general parsers (trimming, case,
quotes, zones, Excel serials, …) cost as much on a clean cell as on a messy one: on a month of a federal
export that was most of the reading time. But an export writes each column one way. So, per file:

- a column of few distinct values (platform, role, status, content kind, ownership, ИНН) gets a dictionary:
  each spelling seen in the file's first rows mapped to what the general parser made of it (for ИНН also
  the registry's ids, already canonical). A lookup is then the general parser, exactly, on those spellings;
- an identifier of letters, digits, `-` and `_` is taken as it is (the general parser only trims it and
  drops an Excel `.0`);
- a timestamp is read with the one fixed format of `FORMATS` that reads the first rows as the general
  parser does; tests/sources/test_fast_rows.py checks that each format agrees with the general parser on
  every cell it accepts.

A row whose every cell is accepted is valid with those values; every other row goes through the general
parsers, so each row comes out as the general parsers alone would give it (the tests compare both whole).
Where fewer than half of the first rows would be accepted, the file is read the general way only, and so is
a small file: learning its forms (≈ 0.05 s of planning and small queries a file) costs more than the general
parsers save on it (sample_data/'s indicator: 1.38 → 1.06 s median without the short cut).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from adoption_cli.dataset import canonical_schema
from adoption_cli.schema import COLUMNS, Column, ValueType
from adoption_cli.sources.normalise import ColumnParser, error_of, value_of
from adoption_cli.sources.readers import ROW, ROW_REASON, RawTable
from adoption_cli.sources.values import EARLIEST, code_of, fixed_format, only_others

# The first rows a file's forms are learned from. 20 000 cost 0.19–0.28 s a file (the general parsers run on
# them); 5 000 cost 0.11 s, and a form first seen later only sends its rows to the general parsers.
SAMPLE_ROWS = 5_000
MIN_SHARE = 0.5
# Files smaller than this (≈ 70 000 rows of an events export) are read the general way only. Measured on the
# head of a Моя школа events export, whole loads: 50 000 rows (2.9 MB) 0.14 s either way, 100 000 rows
# 0.24 s with the short cut against 0.27 s without, 3.4 M rows 2.5 s against 5.5 s CPU.
MIN_BYTES = 4 << 20
DICTIONARY_TYPES = frozenset(
    {
        ValueType.PLATFORM,
        ValueType.ROLE,
        ValueType.STATUS,
        ValueType.CONTENT_KIND,
        ValueType.OWNERSHIP,
        ValueType.INN,
    }
)
# Most common first: on a tie the earlier format is taken.
FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d",
)
PLAIN_ID = r"^[0-9A-Za-z_-]+$"
# More values spelled otherwise than this (ИНН written as numbers, say) are left to the general parser.
MAX_RESPELLED = 8
LEARNABLE = DICTIONARY_TYPES | {ValueType.ID, ValueType.DATETIME}


@dataclass(frozen=True, slots=True)
class FastRows:
    """Per column of the file: the value of a cell in a known form or empty (null otherwise), and whether
    an empty cell is valid."""

    values: dict[str, pl.Expr]
    empty_ok: dict[str, bool]

    def accepted(self, value: Callable[[str], pl.Expr]) -> pl.Expr:
        """Whether a row takes the short cut: not rejected as a whole, and each cell either in a known form (`value(name)`,
        that column's value, is not null) or empty where the general parser accepts an empty cell."""
        return pl.all_horizontal(
            pl.col(ROW_REASON).is_null(),
            *(
                pl.when(pl.col(name).is_null()).then(pl.lit(empty_ok)).otherwise(value(name).is_not_null())
                for name, empty_ok in self.empty_ok.items()
            ),
        )


def timestamp(raw: pl.Expr, fmt: str, parser: ColumnParser) -> pl.Expr:
    """A cell in `fmt` as the general parser reads it (null if it is not in `fmt`, is in the future or
    before `EARLIEST`)."""
    value = fixed_format(raw, fmt)
    return pl.when(value.is_between(pl.lit(EARLIEST), pl.lit(parser.ctx.future_limit), closed="left")).then(value)


def plain_id(raw: pl.Expr) -> pl.Expr:
    # Digits first, by a cast (a sixth of the regex's cost on 16 M cells): most ids are numbers. The cast
    # also takes a leading «+», which the general parser keeps as written too; the regex then runs only on
    # the cells the cast did not take.
    number = raw.cast(pl.UInt64, strict=False).is_not_null()
    word = only_others(raw, number).str.contains(PLAIN_ID)
    return pl.when(number | word).then(raw)


def plan(table: RawTable, parser: ColumnParser) -> FastRows | None:
    """The short cut for one file, learned from its first rows; None when it would not pay."""
    if table.fingerprint.size_bytes < MIN_BYTES:
        return None
    columns = [c for c in COLUMNS[parser.kind] if c.name in parser.present]
    if not columns or any(c.type not in LEARNABLE for c in columns):
        return None  # the registry and the monthly statistics: small files
    try:
        head = table.head(SAMPLE_ROWS).collect()
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        return None  # the full pass reports what is wrong with the file
    if head.is_empty():
        return None
    # One more row, every cell empty: how the general parser takes an empty cell.
    empty = pl.DataFrame({name: [None] for name in head.columns}, schema=head.schema).with_columns(
        pl.lit(None, pl.String).alias(ROW_REASON), pl.lit(0, pl.Int64).alias(ROW)
    )
    frame, _ = parser.parse(pl.concat([head, empty]).lazy())
    parsed = frame.collect()
    cells, empty_row = parsed.head(head.height), parsed.row(head.height, named=True)
    values: dict[str, pl.Expr] = {}
    empty_ok: dict[str, bool] = {}
    for column in columns:
        dtype = canonical_schema(parser.kind)[column.name]
        raw = pl.col(column.name)
        values[column.name] = (
            pl.when(raw.is_null())
            .then(pl.lit(empty_row[value_of(column.name)], dtype))
            .otherwise(_cell_value(column, cells, parser))
        )
        empty_ok[column.name] = empty_row[error_of(column.name)] is None
    fast = FastRows(values, empty_ok)
    share = head.select(fast.accepted(values.__getitem__).mean()).item()
    return fast if share >= MIN_SHARE else None


def _cell_value(column: Column, cells: pl.DataFrame, parser: ColumnParser) -> pl.Expr:
    """The value of a non-empty cell in a form this column uses (null for any other cell)."""
    raw = pl.col(column.name)
    dtype = canonical_schema(parser.kind)[column.name]
    if column.type in DICTIONARY_TYPES:
        return _dictionary(column, cells, parser)
    candidates = [plain_id(raw)] if column.type == ValueType.ID else [timestamp(raw, fmt, parser) for fmt in FORMATS]
    hits = _agreeing_hits(candidates, column, cells)
    # The form reading the most first-row cells as the general parser does (the earliest on a tie).
    best = max(range(len(hits)), key=lambda i: hits[i])
    return candidates[best] if hits[best] > 0 else pl.lit(None, dtype)


def _dictionary(column: Column, cells: pl.DataFrame, parser: ColumnParser) -> pl.Expr:
    """The spellings of the first rows, looked up with `is_in` (elementwise: `replace_strict` is a
    whole-column function, which the streaming engine would hold in memory for the whole file)."""
    raw = pl.col(column.name)
    seen = (
        cells.filter(raw.is_not_null() & pl.col(error_of(column.name)).is_null())
        .select(raw.alias("raw"), pl.col(value_of(column.name)).alias("value"))
        .unique("raw")
    )
    same = seen.filter(pl.col("raw") == pl.col("value"))["raw"]
    if column.type == ValueType.INN and parser.ctx.school_ids is not None:
        same = pl.concat([same, parser.ctx.school_ids]).unique()
    # Other spellings (e.g. «Ученик» for student), one lookup per value they stand for.
    respelled = seen.filter(pl.col("raw") != pl.col("value")).group_by("value").agg("raw").sort("value")
    as_written = pl.when(raw.is_in(same.implode())).then(raw)
    if respelled.is_empty() or respelled.height > MAX_RESPELLED:
        return as_written
    return pl.coalesce(as_written, code_of(raw, dict(respelled.iter_rows())))


def _agreeing_hits(candidates: list[pl.Expr], column: Column, cells: pl.DataFrame) -> list[int]:
    """How many first-row cells each candidate reads; 0 for one that reads any cell otherwise than the
    general parser (another value, or a value where the general parser rejects the cell)."""
    general, rejected = pl.col(value_of(column.name)), pl.col(error_of(column.name)).is_not_null()
    counts = cells.select(
        pl.struct(
            value.is_not_null().sum().alias("hits"),
            (value.is_not_null() & (rejected | (value != general).fill_null(True))).sum().alias("wrong"),
        ).alias(str(i))
        for i, value in enumerate(candidates)
    ).row(0)
    return [0 if count["wrong"] else count["hits"] for count in counts]
