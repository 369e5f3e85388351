"""One result, three outputs: the command picks the format, the topic's renderer supplies the shapes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from adoption_cli.environment import OutputFormat
from adoption_cli.render.output import write_csv, write_json, write_renderable

if TYPE_CHECKING:
    import polars as pl
    from rich.console import RenderableType


def emit(
    output: OutputFormat,
    result: BaseModel,
    *,
    table: Callable[[], RenderableType],
    rows: Callable[[], pl.DataFrame],
) -> None:
    """JSON is the result model itself; CSV and the table are built only when asked for."""
    if output == OutputFormat.JSON:
        write_json(result)
    elif output == OutputFormat.CSV:
        write_csv(rows())
    else:
        write_renderable(table())


def scope_records(region: BaseModel, municipalities: Sequence[BaseModel], **leading: object) -> list[dict[str, Any]]:
    """CSV records: the region first, then each municipality (scope, name), with `leading` columns in front."""
    scopes = [("region", None, region), *(("municipality", getattr(m, "name", None), m) for m in municipalities)]
    return [
        {**leading, "scope": scope, "name": name, **summary.model_dump(exclude={"name"})}
        for scope, name, summary in scopes
    ]
