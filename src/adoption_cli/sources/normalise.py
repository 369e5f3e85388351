"""Raw string columns -> canonical typed columns plus, per row, the first reason to reject it.

Output columns: every canonical column of the kind (absent optional ones null or defaulted), `_row`,
`_reason` (null for a valid row), `_column` and `_value` (the raw cell that failed; null for user ids).
A row is rejected for its first failing column in canonical order; a ragged row or one with an unclosed quote
is rejected as a whole.

Rows whose every cell is in a form the file is known to use (see `sources.fast_rows`) take a short cut:
their values are read by a lookup or one fixed format, and only the other rows run the general parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from adoption_cli.dataset import canonical_schema
from adoption_cli.schema import COLUMNS, Column, Kind
from adoption_cli.sources import reasons
from adoption_cli.sources.readers import OTHER_CELLS, ROW, ROW_REASON, RawTable, any_of
from adoption_cli.sources.values import DEFAULTS, UNPRINTABLE, ParseContext, Parsed, parse_column, with_stages

REASON = "_reason"
COLUMN = "_column"
VALUE = "_value"
BLANK = "_blank"
WHOLE_ROW = "*"
# Values of these columns identify a person: they never leave the loader, not even in rejects.
PRIVATE_COLUMNS = frozenset({"user_id"})
MAX_VALUE_CHARS = 200
# The first word of a totals row's label, in any case, followed by anything but a letter («Итоговая» is not).
TOTALS_WORD = r"(?i)^\s*(итого|всего)(?:\P{L}|$)"
TOTALS_CELL = "_totals"
_PRIVATE_TOTALS = "_totals_private"


def value_of(name: str) -> str:
    """The column holding a parsed value in `ColumnParser.parse`'s output."""
    return f"_v_{name}"


def error_of(name: str) -> str:
    """The column holding a cell's reject reason (null when valid) in `ColumnParser.parse`'s output."""
    return f"_e_{name}"


def _shown(cell: pl.Expr) -> pl.Expr:
    # (an unprintable character is shown as «�»: the value is printed to terminals and written to files)
    raw = cell.str.replace_all(UNPRINTABLE, "\ufffd")
    return pl.when(raw.str.len_chars() > MAX_VALUE_CHARS).then(raw.str.slice(0, MAX_VALUE_CHARS) + "…").otherwise(raw)


def _totals_cell(names: list[str], rejected: pl.Expr) -> pl.Expr:
    """In a rejected row, the first of these cells that begins with «Итого» or «Всего» (a totals row under a
    table: «Итого», «ИТОГО:», «Всего по району»), else null. A cell is looked at only where its row is rejected
    (Polars evaluates an expression on every row: the other cells are null by then, and cost next to nothing)."""
    cells = [pl.when(rejected).then(pl.col(name)) for name in names]
    found: list[pl.Expr] = [pl.when(cell.str.contains(TOTALS_WORD)).then(cell) for cell in cells]
    return pl.coalesce([*found, pl.lit(None, pl.String)])


def _is_totals_row(label: pl.Expr, key: str | None) -> pl.Expr:
    """A totals row: a label found (`_totals_cell`) and the row's identifier — its ИНН, or the content id where
    the kind has no school — empty or that label itself. A school's row whose ИНН is merely wrong stays what
    it is, whatever its name («Всего хорошего»): the ИНН is what the analyst has to fix."""
    if key is None:
        return label.is_not_null()
    identifier = pl.col(key).str.strip_chars()
    return label.is_not_null() & (identifier.fill_null("").eq("") | (pl.col(key) == label)).fill_null(False)


@dataclass(frozen=True, slots=True)
class ColumnParser:
    """The general parsers of one file: which columns it has, and the platform its name gives."""

    kind: Kind
    present: frozenset[str]
    ctx: ParseContext
    platform: str | None

    def spec(self, column: Column) -> Column:
        # A platform given by the file name may be left out of a row.
        return replace(column, required=False) if column.name == "platform" and self.platform else column

    def fill(self, column: Column) -> pl.Expr:
        """The value of a canonical column the file does not have."""
        fill = self.platform if column.name == "platform" else DEFAULTS.get(column.type)
        return pl.lit(fill, canonical_schema(self.kind)[column.name])

    def parse(self, frame: pl.LazyFrame) -> tuple[pl.LazyFrame, list[tuple[str, pl.Expr]]]:
        """`frame` plus `value_of(c)` for every canonical column, `error_of(c)` for each present one and
        `BLANK` (every cell of the row empty or whitespace); the checks (column, reason) in priority order."""
        parsed: list[pl.Expr] = []
        staged: list[Parsed] = []
        checks: list[tuple[str, pl.Expr]] = []
        for column in COLUMNS[self.kind]:
            if column.name not in self.present:
                parsed.append(self.fill(column).alias(value_of(column.name)))
                continue
            result = parse_column(self.spec(column), pl.col(column.name), self.ctx)
            staged.append(result)
            value, error = result.value, result.error
            if column.name == "platform" and self.platform:
                mismatch = value.is_not_null() & (value != pl.lit(self.platform))
                error = pl.when(mismatch).then(pl.lit(reasons.PLATFORM_MISMATCH)).otherwise(error)
                value = value.fill_null(pl.lit(self.platform))
            parsed += [value.alias(value_of(column.name)), error.alias(error_of(column.name))]
            checks.append((column.name, pl.col(error_of(column.name))))
        # (from the trimmed cells the parsers compute anyway: checking every cell for whitespace in the reader
        # cost ~0.4 s per 3.4 M rows, on rows the short cut of fast_rows never lets through)
        filled = any_of([pl.col(ROW_REASON).is_not_null(), pl.col(OTHER_CELLS), *(p.filled for p in staged)])
        frame = with_stages(frame, staged).with_columns(*parsed, (~filled.fill_null(False)).alias(BLANK))
        if self.kind == Kind.SCHOOL_STATS and "registered" in self.present:
            over = pl.col(value_of("active")) > pl.col(value_of("registered"))
            frame = frame.with_columns(_e_rule=pl.when(over).then(pl.lit(reasons.ACTIVE_GT_REGISTERED)))
            checks.append(("active", pl.col("_e_rule")))
        return frame, checks

    def normalise(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """The module's output frame, every row through the general parsers. A row of nothing but whitespace
        carries no data, as a blank line does: it is skipped and not counted."""
        frame, checks = self.parse(frame)
        frame = frame.filter(~pl.col(BLANK))
        whole_row = pl.col(ROW_REASON)
        reason = pl.coalesce(whole_row, *(e for _, e in checks))
        failed = pl.coalesce(
            pl.when(whole_row.is_not_null()).then(pl.lit(WHOLE_ROW)),
            *(pl.when(error.is_not_null()).then(pl.lit(name)) for name, error in checks),
        )
        # A totals row is rejected all the same, as a whole, with a reason that says what it is. Its label is
        # looked for in every column read, the user id too (the first column of some exports), but shown only
        # from the others.
        public = [name for name, _ in checks if name not in PRIVATE_COLUMNS]
        private = [name for name, _ in checks if name in PRIVATE_COLUMNS]
        rejected = reason.is_not_null()
        frame = frame.with_columns(
            _totals_cell(public, rejected).alias(TOTALS_CELL), _totals_cell(private, rejected).alias(_PRIVATE_TOTALS)
        )
        label = pl.coalesce(TOTALS_CELL, _PRIVATE_TOTALS)
        key = next((name for name in ("school_id", "content_id") if name in self.present), None)
        is_totals = whole_row.is_null() & _is_totals_row(label, key)
        frame = frame.with_columns(
            pl.when(is_totals).then(pl.lit(reasons.TOTALS_ROW)).otherwise(reason.cast(pl.String)).alias(REASON),
            pl.when(is_totals).then(pl.lit(WHOLE_ROW)).otherwise(failed).alias(COLUMN),
        )
        shown = pl.coalesce(
            pl.when(pl.col(REASON) == reasons.TOTALS_ROW).then(_shown(pl.col(TOTALS_CELL))),
            *(
                pl.when(pl.col(COLUMN) == name).then(_shown(pl.col(name)))
                for name, _ in checks
                if name not in PRIVATE_COLUMNS
            ),
        )
        return frame.select(
            *(pl.col(value_of(name)).alias(name) for name in canonical_schema(self.kind)),
            pl.col(ROW),
            pl.col(REASON),
            pl.col(COLUMN),
            shown.alias(VALUE),
        )


FAST_OK = "_fast"


def _fast_value(name: str) -> str:
    return f"_f_{name}"


def normalise(table: RawTable, kind: Kind, ctx: ParseContext, *, platform: str | None) -> pl.LazyFrame:
    """Parse every column of `table`; `platform` fills (and must agree with) the platform column."""
    from adoption_cli.sources.fast_rows import plan  # (it builds on ColumnParser: imported here, not above)

    parser = ColumnParser(kind, table.columns, ctx, platform)
    fast = plan(table, parser)
    if fast is None:
        return parser.normalise(table.frame)
    staged = table.frame.with_columns(value.alias(_fast_value(name)) for name, value in fast.values.items())
    staged = staged.with_columns(fast.accepted(lambda name: pl.col(_fast_value(name))).alias(FAST_OK))
    accepted = staged.filter(pl.col(FAST_OK)).select(
        *(
            pl.col(_fast_value(column.name)).alias(column.name)
            if column.name in fast.values
            else parser.fill(column).alias(column.name)
            for column in COLUMNS[kind]
        ),
        pl.col(ROW),
        *(pl.lit(None, pl.String).alias(name) for name in (REASON, COLUMN, VALUE)),
    )
    rest = parser.normalise(staged.filter(~pl.col(FAST_OK)).drop(FAST_OK, *map(_fast_value, fast.values)))
    # (unordered: an ordered union would hold every row for `rest` until `accepted` is done)
    combined: pl.LazyFrame = pl.union([accepted, rest], how="vertical")
    return combined
