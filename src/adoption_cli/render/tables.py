"""The one look of every terminal table: Russian headers by default, numbers right-aligned in the user's
style, targets met/not met shown by colour AND a symbol (colour-blind safe), region totals in a footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from adoption_cli.cli.environment import current

if TYPE_CHECKING:
    from rich.table import Table

Align = Literal["left", "right", "center"]

MET = "✔"
NOT_MET = "✘"


@dataclass(frozen=True, slots=True)
class Col:
    ru: str
    en: str
    align: Align = "right"


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
    """Cells are already formatted strings (see render.numbers); Rich markup in cells is honoured."""
    from rich import box
    from rich.table import Table

    env = current()
    table = Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        show_footer=footer is not None,
        title_justify="left",
        caption_justify="left",
        header_style="bold",
        footer_style="bold",
    )
    for index, column in enumerate(columns):
        table.add_column(
            column.en if env.lang == "en" else column.ru,
            justify=column.align,
            footer=footer[index] if footer is not None else "",
            no_wrap=column.align == "right",
        )
    for row in rows:
        table.add_row(*row)
    return table
