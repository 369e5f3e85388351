"""A Rich table that gives way by its headers first: on a narrow terminal (80 columns, a pipe) a long header
over short numbers wraps, so that the names in the other columns keep their width.

Rich shrinks only the columns that may wrap, widest first; a right-aligned number column must not wrap, so
its header decided its width and the names were cut to «Муни…». Imported by render.tables when a table is
built (Rich is not imported at start-up).

Narrower still (a split terminal pane, a phone's ssh client), where not even the compact table fits its
longest words, Rich would cut every column at once: an ИНН split over two lines, «84,» for 84,9 %, the names
gone. There each row is shown as a block of «header: value» lines instead (`records`).

Rich breaks a line at any space, the no-break spaces of Russian numbers too («58,3» on one line, «%» on the
next; «1 234» split in two): prose and titles are `GluedText`, which breaks only between words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.containers import Lines

# No-break spaces (the thin one of numbers, the plain one) and stand-ins of the same width that are not spaces,
# so that Rich's line breaking, which takes any Unicode space for a place to break, passes over them.
_GLUE = str.maketrans({"\u202f": "\ue000", "\u00a0": "\ue001"})
_UNGLUE = str.maketrans({"\ue000": "\u202f", "\ue001": "\u00a0"})


class GluedText(Text):
    """Text whose lines break between words only, never at a no-break space."""

    def wrap(self, console: Console, width: int, **kwargs: Any) -> Lines:
        stand_in = self.copy()
        stand_in.plain = self.plain.translate(_GLUE)  # (the same length: every style span stays in place)
        lines = Text.wrap(stand_in, console, width, **kwargs)
        for line in lines:
            line.plain = line.plain.translate(_UNGLUE)
        return lines


def glued(markup: str, style: str = "") -> GluedText:
    """`markup` (Rich markup: names from the data escaped by render.tables.text_cell) as `GluedText`."""
    text = GluedText(style=style)
    text.append(Text.from_markup(markup))
    return text


class FittingTable(Table):
    """Renders as itself when it fits, else as `compact`: the same table with its header-bound columns as
    narrow as their widest value or their header's longest word, values without the unit the caption names
    (render.tables.Col.unit), and a one-character rule between columns instead of two spaces."""

    compact: Table | None = None
    # The row blocks, and the width under which the compact table would cut values: built when first needed.
    records: Callable[[], RenderableType] | None = None
    least_width: Callable[[], int] | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.compact is None or self.__rich_measure__(console, options).maximum <= options.max_width:
            yield from super().__rich_console__(console, options)
        elif self.records is not None and self.least_width is not None and options.max_width < self.least_width():
            yield self.records()
        else:
            yield self.compact
