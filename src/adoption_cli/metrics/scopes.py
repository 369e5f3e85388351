"""Active users of one platform per school, municipality and region, over ОО-1 totals. Pure functions.

A user-grain platform is counted in distinct users at every level: a student active in two schools of
one municipality counts at each school, once in the municipality and once in the region. A school-grain
platform gives only per-school figures, so higher levels are their sums (an upper bound of the distinct
users). Only schools whose ОО-1 total of a role is positive count for that role in a municipality and
the region, in the numerator AND the denominator: a school without a total cannot be judged, and its users
would inflate the share. Its own row still has its active users (and a total of 0 or null), so that a
list of schools can show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import polars as pl
from pydantic import BaseModel

from adoption_cli.dataset import Dataset, Grain
from adoption_cli.metrics.activity_base import distinct_active, population, school_grain_active
from adoption_cli.metrics.common import name_order
from adoption_cli.periods import Period

Level = Literal["school", "municipality", "region"]
REGION_KEY = ""  # the region's key in the long frames (a literal so that joins on it match)
_KEYS = ("level", "key", "role")


class Scope(BaseModel):
    """What a result describes: the region, or one municipality (its registry spelling)."""

    level: Literal["region", "municipality"]
    municipality: str | None = None

    @classmethod
    def of(cls, municipality: str | None) -> Scope:
        return cls(level="municipality", municipality=municipality) if municipality else cls(level="region")


def schools_in_scope(schools: pl.LazyFrame, municipality: str | None) -> pl.LazyFrame:
    """Registry schools of the municipality, or all of them."""
    return schools if municipality is None else schools.filter(pl.col("municipality") == municipality)


_SCHOOL = (("school", pl.col("school_id")),)
_ABOVE = (("municipality", pl.col("municipality")), ("region", pl.lit(REGION_KEY)))
_LEVELS = _SCHOOL + _ABOVE


def _by_level(frame: pl.LazyFrame, value: pl.Expr, levels: Sequence[tuple[str, pl.Expr]] = _LEVELS) -> pl.LazyFrame:
    """(school_id, municipality, role, …) -> (level, key, role, value) at the given levels (all three)."""
    parts = [
        frame.with_columns(key.alias("key"))
        .group_by("key", "role")
        .agg(value)
        .with_columns(pl.lit(level).alias("level"))
        for level, key in levels
    ]
    return pl.concat(parts, how="diagonal")


def _level_groups(every: pl.LazyFrame, judged: pl.LazyFrame) -> pl.LazyFrame:
    """(school_id, municipality, role) -> (school_id, role, level, key): each pair of `every` in its school,
    each pair of `judged` also in its municipality and the region."""
    return pl.concat(
        [
            pairs.select("school_id", "role", pl.lit(level).alias("level"), key.alias("key"))
            for pairs, levels in ((every, _SCHOOL), (judged, _ABOVE))
            for level, key in levels
        ]
    )


def role_totals(schools: pl.LazyFrame, total_columns: Mapping[str, str]) -> pl.LazyFrame:
    """(school_id, municipality, role, total) for every school and counted role; total is 0 or null where
    the ОО-1 figure is."""
    parts = [
        schools.select("school_id", "municipality", pl.lit(role).alias("role"), pl.col(column).alias("total"))
        for role, column in total_columns.items()
    ]
    return pl.concat(parts, how="vertical")


_ACTIVE_SUM = pl.col("active").sum().cast(pl.Int64)
_TOTAL_SUM = pl.col("total").sum().cast(pl.Int64)


def _judged(totals: pl.LazyFrame) -> pl.LazyFrame:
    return totals.filter(pl.col("total") > 0)


def scope_counts(
    dataset: Dataset, period: Period, platform: str, schools: pl.LazyFrame, total_columns: Mapping[str, str]
) -> pl.LazyFrame:
    """(level, key, role, total, active) at school, municipality and region level.

    `schools` are the schools in scope (school_id, municipality and the total columns); `total_columns`
    maps each counted role to its ОО-1 column. Rows exist for every school and role (total 0 or null where
    the ОО-1 figure is), and for every municipality/region and role with a positive total; a municipality
    and the region count only the schools with a positive total of the role.
    """
    totals = role_totals(schools, total_columns)
    judged = _judged(totals)
    if platform_grain(dataset, platform) == "user":
        active = distinct_active(dataset, period, [platform], _level_groups(totals, judged), _KEYS)
    else:
        per_school = school_grain_active(dataset, period, platforms=[platform]).join(
            totals.select("school_id", "municipality", "role", "total"), on=["school_id", "role"], how="inner"
        )
        active = pl.concat(
            [
                _by_level(per_school, _ACTIVE_SUM, _SCHOOL),
                _by_level(_judged(per_school), _ACTIVE_SUM, _ABOVE),
            ],
            how="diagonal",
        )
    return (
        pl.concat(
            [_by_level(totals, pl.col("total").first().cast(pl.Int64), _SCHOOL), _by_level(judged, _TOTAL_SUM, _ABOVE)],
            how="diagonal",
        )
        .join(active, on=list(_KEYS), how="left")
        .with_columns(pl.col("active").fill_null(0))
        .select(*_KEYS, "total", "active")
    )


def platform_grain(dataset: Dataset, platform: str) -> Grain | None:
    """The platform's grain in this data set, None when the data set has nothing about it."""
    return dataset.platform_grain().get(platform)


def municipality_names(dataset: Dataset, ownership: Sequence[str] | None = None) -> list[str]:
    """The municipalities of the population schools (every registry school without `ownership`), sorted."""
    schools = dataset.schools if ownership is None else population(dataset, ownership)
    names = schools.select("municipality").unique().collect()
    return sorted(names["municipality"].drop_nulls().to_list(), key=name_order)
