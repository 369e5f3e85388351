"""Several small group keys as one `UInt64`, and back.

A `group_by` row-encodes and hashes every key column of every row: on a month of events, eight keys of
enums and small integers cost a third more than one 64-bit key holding them all (0.86 against 0.59 s for
3.4 M rows and 917 089 groups, with the user id as the one other key). Each packed key is a field of the
integer: an enum's code + 1 or an integer + 1, 0 for null, so that a null and the first value differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

BITS = 64


@dataclass(frozen=True, slots=True)
class PackedKey:
    """One key: its name, its expression, and either its enum or the largest integer it can hold."""

    name: str
    expr: pl.Expr
    enum: pl.Enum | None = None
    max_value: int = 0

    @property
    def width(self) -> int:
        """Bits for the key's values + 1 (0 is null)."""
        largest = len(self.enum.categories) if self.enum is not None else self.max_value + 1
        return largest.bit_length()

    def code(self) -> pl.Expr:
        raw = self.expr.cast(self.enum).to_physical() if self.enum is not None else self.expr
        return (raw.cast(pl.UInt64) + 1).fill_null(0)

    def value(self, field: pl.Expr) -> pl.Expr:
        present = pl.when(field > 0).then(field - 1)
        if self.enum is not None:
            return present.cast(pl.UInt32).cat.to(self.enum).alias(self.name)
        return present.cast(pl.Int64).alias(self.name)


def fits(keys: Sequence[PackedKey]) -> bool:
    return sum(key.width for key in keys) <= BITS


def pack(keys: Sequence[PackedKey], name: str) -> pl.Expr:
    """The keys as one UInt64. The loader's keys other than the school take 36 bits: the school's code fits
    up to 2²⁸ registry schools (the country has ≈ 41 000)."""
    assert fits(keys), "group keys wider than 64 bits"
    packed, shift = pl.lit(0, pl.UInt64), 0
    for key in keys:
        packed = packed + key.code() * pl.lit(1 << shift, pl.UInt64)
        shift += key.width
    return packed.alias(name)


def unpack(keys: Sequence[PackedKey], name: str) -> list[pl.Expr]:
    """Each key as it was (nulls included), from the column `name` that `pack` wrote."""
    packed, columns, shift = pl.col(name), [], 0
    for key in keys:
        columns.append(key.value((packed // pl.lit(1 << shift, pl.UInt64)) % pl.lit(1 << key.width, pl.UInt64)))
        shift += key.width
    return columns
