"""Which schools a command looks at: the region, or one municipality named (perhaps partly) by the user."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from adoption_cli.errors import UsageError
from adoption_cli.schema import normalise_value

_SHOWN = 5


class Scope(BaseModel):
    level: str  # "region" | "municipality"
    municipality: str | None = None


def resolve_municipality(schools: pl.LazyFrame, text: str) -> str:
    """The registry's spelling of the municipality the user means: an exact match (case, ё/е and spacing
    aside) wins, else the only name containing the text; several or none is a usage error."""
    names = schools.select(pl.col("municipality").drop_nulls().unique().sort()).collect().to_series().to_list()
    wanted = normalise_value(text)
    exact = [name for name in names if normalise_value(name) == wanted]
    if exact:
        return str(exact[0])
    partial = [name for name in names if wanted in normalise_value(name)]
    if len(partial) == 1:
        return str(partial[0])
    if partial:
        listed = "; ".join(partial[:_SHOWN]) + ("…" if len(partial) > _SHOWN else "")
        raise UsageError(f"«{text}» подходит к нескольким муниципальным образованиям: {listed}. Уточните название.")
    listed = "; ".join(names[:_SHOWN]) + ("…" if len(names) > _SHOWN else "")
    raise UsageError(
        f"Муниципальное образование «{text}» не найдено в реестре школ. Есть: {listed or 'нет ни одного'}."
    )


def scope_of(municipality: str | None) -> Scope:
    return Scope(level="municipality", municipality=municipality) if municipality else Scope(level="region")


def schools_in_scope(schools: pl.LazyFrame, municipality: str | None) -> pl.LazyFrame:
    """Registry schools of the municipality (its exact registry spelling), or all of them."""
    return schools if municipality is None else schools.filter(pl.col("municipality") == municipality)
