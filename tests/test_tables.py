"""How a terminal table gives way on a narrow terminal (render.tables, render.fitting)."""

from __future__ import annotations

import io

from rich.console import Console

from adoption_cli.environment import Environment, activate, deactivate
from adoption_cli.render.numbers import pct_unit
from adoption_cli.render.tables import Col, make_table

# Ten columns as `adoption sferum` shows them, with a region's totals (millions of students) in the footer.
COLUMNS = [
    Col("Муниципальное образование", "Municipality", "left"),
    *(Col(header, header) for header in ("Пед.", "акт.")),
    Col("доля", "share", unit=pct_unit),
    Col("Δ", "Δ"),
    *(Col(header, header) for header in ("Обуч.", "акт.")),
    Col("доля", "share", unit=pct_unit),
    Col("Δ", "Δ"),
    Col("Уровень", "Level", "left"),
]
ROWS = [
    ["Белореченский район", "1 848", "582", "31,5\u202f%", "+1,8", "24 338", "6 596", "27,1\u202f%", "+2,1", "низкая"],
    ["г. Сочи", "17 066", "5 166", "30,3\u202f%", "+1,9", "242 044", "54 299", "22,4\u202f%", "+1,8", "низкая"],
]
REGION = [
    "Регион",
    "147 115",
    "47 918",
    "32,6\u202f%",
    "+1,8",
    "2 005 979",
    "537 877",
    "26,8\u202f%",
    "+2,2",
    "средняя",
]


def _rendered(width: int) -> list[str]:
    stream = io.StringIO()
    token = activate(Environment(stdout=stream))
    try:
        console = Console(file=stream, width=width, color_system=None)
        console.print(make_table("Сферум", COLUMNS, ROWS, footer=REGION, caption="доля — в %"))
    finally:
        deactivate(token)
    return stream.getvalue().splitlines()


def test_at_80_columns_a_name_keeps_its_line_beside_a_region_of_millions() -> None:
    """The compact table puts a one-character rule between columns and nothing at the edges: the name column
    keeps «Белореченский район» on one line (with two spaces a column it was folded to eight letters a line),
    and the region's millions do not run into each other as they would with one space."""
    lines = _rendered(80)
    assert all(len(line) <= 80 for line in lines)
    row = next(line for line in lines if "Белореченский" in line)
    assert row.startswith("Белореченский район│") and row.split("│")[-1].strip() == "низкая"
    assert "│31,5│" in row and "%" not in row  # the unit is in the caption
    footer = next(line for line in lines if line.startswith("Регион"))
    assert "│2 005 979│537 877│" in footer


def test_a_wide_terminal_shows_the_table_as_it_is() -> None:
    lines = _rendered(160)
    row = next(line for line in lines if "Белореченский" in line)
    assert row.startswith("  Белореченский район ") and "   31,5\u202f%   +1,8" in row  # edge, padding, units
