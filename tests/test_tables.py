"""How a terminal table gives way on a narrow terminal (render.tables, render.fitting)."""

from __future__ import annotations

import io

from rich.console import Console, Group

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


def test_too_narrow_for_the_compact_table_each_row_is_a_block_of_its_values() -> None:
    """At 40 columns Rich cut every column of the compact table at once («31,» for 31,5 %, the names gone): each
    row is shown as «header: value» lines instead, every value whole, the region's block last."""
    lines = _rendered(40)
    assert all(len(line) <= 40 for line in lines)
    assert "Муниципальное образование: Белореченский" in lines
    assert "  доля: 31,5\u202f%" in lines and "  Обуч.: 242 044" in lines
    assert lines.index("Регион") > lines.index("Муниципальное образование: г. Сочи")  # the footer, last
    assert "  Уровень: средняя" in lines
    assert not any(line.startswith("  доля:") for line in _rendered(80))  # where the compact table fits: a table


def test_prose_never_breaks_a_line_at_a_no_break_space() -> None:
    """Rich breaks at any Unicode space: «58,3» ended a line and «%» began the next. GluedText breaks between
    words only, whatever the width."""
    from adoption_cli.render.fitting import glued

    sentence = "ЦПУ: активны 21 из 36 обучающихся — 58,3\u202f%; цель [red]84,9\u202f%[/red]: 1\u00a0234 из 2\u202f005\u202f979"
    for width in range(12, 70):
        stream = io.StringIO()
        # (in a Group, as every view prints it: Console.print merges bare Text objects into a plain Text)
        Console(file=stream, width=width, color_system=None).print(Group(glued(sentence)))
        lines = stream.getvalue().splitlines()
        assert " ".join(line.strip() for line in lines) == glued(sentence).plain, width
        assert not any(line.startswith(("%", "234", "005", "979")) for line in lines), width


RATING = [
    Col("Место", "Rank"),
    Col("Школа", "School", "left"),
    Col("ИНН", "INN", "left"),
    Col("МО", "Municipality", "left"),
    Col("Зарег.", "Reg."),
    Col("Активны", "Active"),
    Col("Доля", "Share", unit=pct_unit),
]
SCHOOLS = [
    [
        "1",
        "МБОУ ООШ № 5 МО Приморско-Ахтарский район",
        "2322521019",
        "Приморско-Ахтарский район",
        "30",
        "30",
        "100,0\u202f%",
    ],
    ["2", "МБОУ СОШ № 11 МО Крыловский район", "2335556523", "Крыловский район", "1 038", "934", "89,9\u202f%"],
]


def _rating(width: int) -> list[str]:
    stream = io.StringIO()
    token = activate(Environment(stdout=stream))
    try:
        Console(file=stream, width=width, color_system=None).print(make_table("", RATING, SCHOOLS))
    finally:
        deactivate(token)
    return stream.getvalue().splitlines()


def test_an_inn_is_never_split_and_names_keep_a_readable_width() -> None:
    """The compact table while its names can keep ten characters a line (a longer word folds, as the docs say),
    then blocks: an ИНН on one line either way, every number whole."""
    for width in range(40, 101):
        text = "\n".join(_rating(width))
        assert "2322521019" in text and "2335556523" in text, width
        assert "1 038" in text and "89,9" in text, width
    wide = _rating(80)
    assert any(line.startswith("    1│МБОУ ООШ") for line in wide)  # a table at 80 columns
    narrow = _rating(56)
    assert "  ИНН: 2322521019" in narrow and "  Доля: 100,0\u202f%" in narrow
