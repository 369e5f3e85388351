"""The one look of every terminal table: Russian headers by default, numbers right-aligned in the user's
style, targets met/not met shown by colour AND a symbol (colour-blind safe), region totals in a footer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from adoption_cli.environment import Lang, current

if TYPE_CHECKING:
    from rich.table import Table

Align = Literal["left", "right", "center"]
T = TypeVar("T", bound="Table")

# A name's column is never squeezed narrower than this (then the table is shown row by row).
NAME_FLOOR = 10

MET = "✔"
NOT_MET = "✘"


@dataclass(frozen=True, slots=True)
class Col:
    ru: str
    en: str
    align: Align = "right"
    # The unit every value ends with, named in the caption (numbers.pct_unit, pp_unit): a table too wide for
    # the terminal shows the values without it.
    unit: Callable[[Lang], str] | None = None

    def compact(self, cell: str, lang: Lang) -> str:
        return cell.removesuffix(self.unit(lang)) if self.unit is not None else cell


def text_cell(value: str) -> str:
    """A cell holding text from the data (a name, a path): shown literally, never read as Rich markup."""
    from rich.markup import escape

    return escape(value)


def status_cell(met: bool | None) -> str:
    """A Rich-markup cell for a target: green ✔ / red ✘ (or — when it cannot be judged)."""
    lang = current().lang
    if met is None:
        return "—"
    if met:
        return f"[green]{MET} {'да' if lang == 'ru' else 'yes'}[/green]"
    return f"[red]{NOT_MET} {'нет' if lang == 'ru' else 'no'}[/red]"


def make_table(
    title: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[str]],
    *,
    footer: Sequence[str] | None = None,
    caption: str | None = None,
) -> Table:
    """Cells are already formatted strings (see render.numbers); Rich markup in cells is honoured. Too wide
    for the terminal, the headers of columns with short values wrap first (render.fitting)."""
    from rich.table import Table

    from adoption_cli.render.fitting import FittingTable

    env = current()
    headers = [column.en if env.lang == "en" else column.ru for column in columns]
    footers = list(footer) if footer is not None else None
    table = _filled(FittingTable(**_table_style(title, caption, footers)), headers, columns, rows, footers)
    # The compact twin, shown when this table is too wide: values without their unit, header-bound columns as
    # narrow as their values, and a rule instead of two spaces between columns (see _table_style).
    compact_rows = [[column.compact(cell, env.lang) for column, cell in zip(columns, row, strict=True)] for row in rows]
    compact_footers = (
        [column.compact(cell, env.lang) for column, cell in zip(columns, footers, strict=True)]
        if footers is not None
        else None
    )
    table.compact = _filled(
        Table(**_table_style(title, caption, compact_footers, compact=True)),
        headers,
        columns,
        compact_rows,
        compact_footers,
        narrow=True,
    )
    # (built only for a terminal too narrow for the table: a rating of 41 000 schools would pay for them always)
    table.records = lambda: _records(title, headers, rows, footers, caption)
    fixed = [column.width for column in table.compact.columns]
    table.least_width = lambda: _least_width(
        headers, columns, compact_rows + ([compact_footers] if compact_footers else []), fixed
    )
    return table


def _least_width(
    headers: Sequence[str], columns: Sequence[Col], rows: Sequence[Sequence[str]], fixed: Sequence[int | None]
) -> int:
    """The narrowest the compact table can be without cutting a value: a number, or a value of one word (an ИНН),
    whole; a name down to `NAME_FLOOR` (a longer word continues on the next line, as the docs say); a header down
    to its longest word (a name's to `NAME_FLOOR` too); one character between columns. `fixed`: the compact
    table's widths, where a header wider than its values fixed one (`_filled`)."""
    from rich.cells import cell_len
    from rich.text import Text

    def least(text: str, column: Col, *, header: bool = False) -> int:
        plain = (Text.from_markup(text).plain if "[" in text else text).strip()  # (markup is rare: a status)
        words = [cell_len(word) for word in plain.split()] or [0]
        if column.align == "right":
            return max(words) if header else cell_len(plain)
        return max(words) if len(words) == 1 and not header else min(max(words), NAME_FLOOR)

    widths = [
        width or max(least(header, column, header=True), *(least(row[index], column) for row in rows))
        for index, (header, column, width) in enumerate(zip(headers, columns, fixed, strict=True))
    ]
    return sum(widths) + len(widths) - 1


def _records(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], footer: Sequence[str] | None, caption: str | None
) -> Any:
    """The table as blocks of «header: value» lines, one block a row: what a terminal too narrow for the compact
    table shows (render.fitting). The footer's block comes last, headed by its first filled cell («Итого»,
    «Регион»); empty cells are left out. A line wraps between words, never inside a value."""
    from rich.console import Group
    from rich.text import Text

    from adoption_cli.render.fitting import glued

    def block(row: Sequence[str], *, heading: int | None, named: bool = True) -> list[Any]:
        lines: list[Any] = []
        if heading is not None:
            name = text_cell(headers[heading]) if named else ""
            lines += [
                Text(""),
                glued(f"[bold]{name}:[/bold] {row[heading]}" if name else f"[bold]{row[heading]}[/bold]"),
            ]
        lines += [
            glued(f"  {text_cell(header)}: {value}")
            for index, (header, value) in enumerate(zip(headers, row, strict=True))
            if index != heading and value
        ]
        return lines

    blocks: list[Any] = [glued(title, style="bold")] if title else []
    for row in rows:
        # (a row whose first cell is empty continues the block above: the card's second platform of a role)
        blocks += block(row, heading=0 if row[0] else None)
    if footer is not None:
        filled = next((index for index, cell in enumerate(footer) if cell), None)
        if filled is not None:
            blocks += block(footer, heading=filled, named=False)  # «Итого», not «Школа: Итого»
    if caption:
        blocks += [Text(""), glued(caption, style="dim")]
    return Group(*blocks)


def _filled(
    table: T,
    headers: Sequence[str],
    columns: Sequence[Col],
    rows: Sequence[Sequence[str]],
    footers: list[str] | None,
    *,
    narrow: bool = False,
) -> T:
    """`table` with its columns and rows; `narrow`: each header-bound column as narrow as its values."""
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows] + (footers or [])[index : index + 1]
        width = _header_bound_width(headers[index], cells) if narrow else None
        _add_column(table, headers[index], column, footers, index, width=width)
    for row in rows:
        table.add_row(*row)
    return table


def _table_style(title: str, caption: str | None, footer: list[str] | None, *, compact: bool = False) -> dict[str, Any]:
    """`compact`: one character between columns, a rule «│», and none at the edges. Two spaces a column left a
    region's name eight letters a line beside its millions at 80 columns, and one space would run numbers
    grouped by spaces together («2 005 979 537 877»)."""
    from rich import box

    from adoption_cli.render.fitting import glued

    spacing = {"box": box.MINIMAL, "padding": (0, 0), "show_edge": False} if compact else {"box": box.SIMPLE_HEAD}
    return {
        **spacing,
        "title": glued(title) if title else None,
        "caption": glued(caption) if caption else None,
        "show_footer": footer is not None,
        "title_justify": "left",
        "caption_justify": "left",
        "header_style": "bold",
        "footer_style": "bold",
    }


def _add_column(
    table: Table, header: str, column: Col, footer: list[str] | None, index: int, *, width: int | None
) -> None:
    table.add_column(
        header,
        justify=column.align,
        footer=footer[index] if footer is not None else "",
        # A number never wraps; with a `width` (the compact table) it fits, and its header wraps instead.
        no_wrap=column.align == "right" and width is None,
        width=width,
        # A name's word longer than its column goes on the next line rather than being cut to «…».
        overflow="fold",
    )


def _header_bound_width(header: str, cells: Sequence[str]) -> int | None:
    """For a column whose header is wider than every value: its widest value or its header's longest word,
    whichever is wider (None for a column its values make wide)."""
    from rich.cells import cell_len
    from rich.text import Text

    widest = max((Text.from_markup(cell).cell_len for cell in cells), default=0)
    if widest >= cell_len(header):
        return None
    return max(widest, *(cell_len(word) for word in header.split()))
