"""Change versus the previous period: the one rule every metric uses (docs/metrics.md, «Моя школа» panels,
«Change vs the previous period»).

- a count changes relatively, in % of the previous value: (current − previous) / previous × 100;
  undefined (None) when the previous value is 0 or either value is unknown — growth from nothing has no
  meaningful percentage;
- a share changes absolutely, in percentage points: current − previous; undefined when either share is.

Scalar helpers build the result models; the expression helpers do the same on Polars columns.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel


class CountChange(BaseModel):
    value: int | None
    previous: int | None
    change_pct: float | None


class ShareChange(BaseModel):
    value: float | None
    previous: float | None
    change_pp: float | None


def change_pct(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) * 100.0 / previous


def change_pp(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return current - previous


def compare(current: int | None, previous: int | None) -> CountChange:
    """A count with its previous value and relative change (%)."""
    return CountChange(value=current, previous=previous, change_pct=change_pct(current, previous))


def compare_share(current: float | None, previous: float | None) -> ShareChange:
    """A share (%) with its previous value and change in percentage points."""
    return ShareChange(value=current, previous=previous, change_pp=change_pp(current, previous))


def change_pct_expr(current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """Column version of `change_pct`: null when the previous value is 0 or null."""
    return (
        pl.when(previous.is_null() | (previous == 0))
        .then(None)
        .otherwise((current.cast(pl.Float64) - previous.cast(pl.Float64)) * 100.0 / previous.cast(pl.Float64))
    )


def change_pp_expr(current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """Column version of `change_pp`: null when either share is null."""
    return current.cast(pl.Float64) - previous.cast(pl.Float64)
