"""Deterministic randomness as Polars expressions: SplitMix64 over (seed, stream, ids).

Polars' own `hash` is not stable across versions; this one is plain wrapping u64 arithmetic, so a seed gives
the same draws on every machine and Polars version, and a row's draws depend only on its ids, not on the
order or the batch it is computed in.
"""

from __future__ import annotations

import polars as pl

_U64 = pl.UInt64
_MASK64 = 2**64 - 1
_GOLDEN = 0x9E3779B97F4A7C15
_FNV_PRIME = 0x100000001B3  # folds the parts of a key before the SplitMix64 finaliser

# One number per independent random choice. A new choice gets a new number so existing output does not change.
REGISTER, REG_DATE, STATUS, ENGAGE, ACTIVE = 1, 2, 3, 4, 5
EVENT, LAST_LOGIN, JITTER, RENDER, VIEW, STATS, ITEM = 7, 8, 9, 10, 11, 12, 13


def _mix(x: pl.Expr) -> pl.Expr:
    """SplitMix64 finaliser; the repeated sub-expressions are computed once by Polars' CSE in lazy frames."""
    x = x + pl.lit(_GOLDEN, _U64)
    x = (x ^ (x // pl.lit(2**30, _U64))) * pl.lit(0xBF58476D1CE4E5B9, _U64)
    x = (x ^ (x // pl.lit(2**27, _U64))) * pl.lit(0x94D049BB133111EB, _U64)
    return x ^ (x // pl.lit(2**31, _U64))


def hash64(seed: int, stream: int, *parts: pl.Expr) -> pl.Expr:
    """A 64-bit hash of (seed, stream, parts): one independent random stream per (seed, stream)."""
    acc = pl.lit((seed * _FNV_PRIME + stream * _GOLDEN) & _MASK64, _U64)
    for part in parts:
        acc = (acc ^ part.cast(_U64)) * pl.lit(_FNV_PRIME, _U64)
    return _mix(acc)


def unit(hashed: pl.Expr, slot: int) -> pl.Expr:
    """A uniform in [0, 1) from one of the four 16-bit slices of a hash (slot 0..3)."""
    return ((hashed // pl.lit(2 ** (16 * slot), _U64)) % pl.lit(2**16, _U64)).cast(pl.Float64) / 2**16


def fine_unit(hashed: pl.Expr, slot: int) -> pl.Expr:
    """A uniform in [0, 1) from one of the two 32-bit halves of a hash (slot 0..1): resolution for seconds."""
    return ((hashed // pl.lit(2 ** (32 * slot), _U64)) % pl.lit(2**32, _U64)).cast(pl.Float64) / 2**32


def draw(seed: int, stream: int, *parts: pl.Expr) -> pl.Expr:
    """The common case: one uniform in [0, 1) per row."""
    return unit(hash64(seed, stream, *parts), 0)


# User ids: an affine bijection of the person number onto 9-digit numbers; a person has the same id on every
# platform (as with a single sign-on account), so `shared_user_ids = true` gives the exact union.
_ID_MULTIPLIER, _ID_OFFSET, _ID_SPACE = 282_475_249, 123_456_789, 900_000_000


def user_id(person: pl.Expr) -> pl.Expr:
    return ((person * _ID_MULTIPLIER + _ID_OFFSET) % _ID_SPACE + 100_000_000).cast(pl.String)
