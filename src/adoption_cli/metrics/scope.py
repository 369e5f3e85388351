"""Which schools a command looks at: the region, or one municipality (its exact registry spelling)."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel


class Scope(BaseModel):
    level: str  # "region" | "municipality"
    municipality: str | None = None


def municipality_names(schools: pl.LazyFrame) -> list[str]:
    """Every municipality of the registry, sorted: the candidates for --municipality."""
    return sorted(schools.select(pl.col("municipality").drop_nulls().unique()).collect().to_series().to_list())


def scope_of(municipality: str | None) -> Scope:
    return Scope(level="municipality", municipality=municipality) if municipality else Scope(level="region")


def schools_in_scope(schools: pl.LazyFrame, municipality: str | None) -> pl.LazyFrame:
    """Registry schools of the municipality, or all of them."""
    return schools if municipality is None else schools.filter(pl.col("municipality") == municipality)
