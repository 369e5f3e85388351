"""Raw string columns -> canonical typed columns plus, per row, the first reason to reject it.

Output columns: every canonical column of the kind (absent optional ones null or defaulted), `_row`,
`_reason` (null for a valid row), `_column` and `_value` (the raw cell that failed; null for user ids).
A row is rejected for its first failing column in canonical order; a ragged row is rejected as a whole.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from adoption_cli.dataset import canonical_schema
from adoption_cli.schema import COLUMNS, Kind
from adoption_cli.sources import reasons
from adoption_cli.sources.readers import RAGGED, ROW, RawTable
from adoption_cli.sources.values import DEFAULTS, ParseContext, Parsed, parse_column, with_stages

REASON = "_reason"
COLUMN = "_column"
VALUE = "_value"
WHOLE_ROW = "*"
# Values of these columns identify a person: they never leave the loader, not even in rejects.
PRIVATE_COLUMNS = frozenset({"user_id"})
MAX_VALUE_CHARS = 200


def _error_of(name: str) -> pl.Expr:
    return pl.col(f"_e_{name}")


def _shown(name: str) -> pl.Expr:
    if name in PRIVATE_COLUMNS:
        return pl.lit(None, pl.String)
    raw = pl.col(name)
    return pl.when(raw.str.len_chars() > MAX_VALUE_CHARS).then(raw.str.slice(0, MAX_VALUE_CHARS) + "…").otherwise(raw)


def normalise(table: RawTable, kind: Kind, ctx: ParseContext, *, platform: str | None) -> pl.LazyFrame:
    """Parse every column of `table`; `platform` fills (and must agree with) the platform column."""
    schema = canonical_schema(kind)
    parsed: list[pl.Expr] = []
    staged: list[Parsed] = []
    checks: list[tuple[str, pl.Expr]] = []  # (column, reason expr) in priority order
    for column in COLUMNS[kind]:
        if column.name not in table.columns:
            fill = platform if column.name == "platform" else DEFAULTS.get(column.type)
            parsed.append(pl.lit(fill, schema[column.name]).alias(f"_v_{column.name}"))
            continue
        spec = replace(column, required=False) if column.name == "platform" and platform else column
        result = parse_column(spec, pl.col(column.name), ctx)
        staged.append(result)
        value, error = result.value, result.error
        if column.name == "platform" and platform:
            mismatch = value.is_not_null() & (value != pl.lit(platform))
            error = pl.when(mismatch).then(pl.lit(reasons.PLATFORM_MISMATCH)).otherwise(error)
            value = value.fill_null(pl.lit(platform))
        parsed += [value.alias(f"_v_{column.name}"), error.alias(f"_e_{column.name}")]
        checks.append((column.name, _error_of(column.name)))
    frame = with_stages(table.frame, staged).with_columns(parsed)
    if kind == Kind.SCHOOL_STATS and "registered" in table.columns:
        over = pl.col("_v_active") > pl.col("_v_registered")
        frame = frame.with_columns(_e_rule=pl.when(over).then(pl.lit(reasons.ACTIVE_GT_REGISTERED)))
        checks.append(("active", pl.col("_e_rule")))
    ragged = pl.col(RAGGED)
    reason = pl.when(ragged).then(pl.lit(reasons.RAGGED_ROW)).otherwise(pl.coalesce([e for _, e in checks]))
    failed = pl.coalesce(
        pl.when(ragged).then(pl.lit(WHOLE_ROW)),
        *(pl.when(error.is_not_null()).then(pl.lit(name)) for name, error in checks),
    )
    frame = frame.with_columns(reason.cast(pl.String).alias(REASON), failed.alias(COLUMN))
    shown = pl.coalesce([pl.when(pl.col(COLUMN) == name).then(_shown(name)) for name, _ in checks])
    return frame.select(
        *(pl.col(f"_v_{name}").alias(name) for name in schema),
        pl.col(ROW),
        pl.col(REASON),
        pl.col(COLUMN),
        shown.alias(VALUE),
    )
