"""A Rich table that gives way by its headers first: on a narrow terminal (80 columns, a pipe) a long header
over short numbers wraps, so that the names in the other columns keep their width.

Rich shrinks only the columns that may wrap, widest first; a right-aligned number column must not wrap, so
its header decided its width and the names were cut to «Муни…». Imported by render.tables when a table is
built (Rich is not imported at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult


class FittingTable(Table):
    """Renders as itself when it fits, else as `compact`: the same table with its header-bound columns as
    narrow as their widest value or their header's longest word, values without the unit the caption names
    (render.tables.Col.unit), and a one-character rule between columns instead of two spaces."""

    compact: Table | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.compact is not None and self.__rich_measure__(console, options).maximum > options.max_width:
            yield self.compact
        else:
            yield from super().__rich_console__(console, options)
