"""The general workbook writer: formats, literal text, fills, freeze/filter and charts, read back with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from adoption_cli.render.excel import (
    MAX_CELL_CHARS,
    Cell,
    Chart,
    Column,
    Fill,
    Sheet,
    Table,
    Writer,
    fraction,
    judged_cell,
)

COLUMNS = (
    Column("name", "Название", "Name"),
    Column("count", "Число", "Count", "int"),
    Column("share", "Доля", "Share", "pct"),
    Column("target", "Цель", "Target", "pct"),
    Column("met", "Достигнута", "Met", "flag"),
    Column("day", "Дата", "Date", "date"),
)


def _save(tmp_path: Path, *sheets: Sheet, lang: str = "ru") -> Path:
    writer = Writer(lang)  # type: ignore[arg-type]
    for sheet in sheets:
        writer.add(sheet)
    path = tmp_path / "book.xlsx"
    writer.save(path)
    return path


def _table(rows: list[tuple[object, ...]], **kwargs: object) -> Table:
    return Table(COLUMNS, rows, **kwargs)  # type: ignore[arg-type]


def test_numbers_percent_fractions_dates_and_flags(tmp_path: Path) -> None:
    table = _table([("A", 12345, 13.1, 84.9, True, date(2024, 9, 30)), ("B", 0, None, 33.0, False, None)], main=True)
    ws = load_workbook(_save(tmp_path, Sheet("Лист", blocks=(table,))))["Лист"]
    assert [c.value for c in ws[1]] == ["Название", "Число", "Доля", "Цель", "Достигнута", "Дата"]
    assert ws["B2"].value == 12345 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].value == 0.131 and ws["C2"].number_format == "0.00%"  # a fraction, not 13.1, not text
    assert ws["D2"].value == 0.849 and ws["D2"].data_type == "n"
    assert ws["E2"].value == "да" and ws["E3"].value == "нет"
    assert ws["F2"].value == datetime(2024, 9, 30) and ws["F2"].number_format == "DD.MM.YYYY"
    assert ws["C3"].value is None and ws["F3"].value is None
    assert ws["A1"].font.b and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"


def test_fraction_is_the_decimal_value() -> None:
    assert fraction(84.9) == 0.849 and fraction(50.0) == 0.5 and fraction(100.0) == 1.0
    assert 84.9 / 100 != 0.849  # why fraction() goes through decimal


@pytest.mark.parametrize("text", ["=1+1", '=HYPERLINK("http://x","y")', "+7", "-1", "@x", "\tx", "\rx"])
def test_formula_like_text_stays_literal(tmp_path: Path, text: str) -> None:
    path = _save(tmp_path, Sheet("S", blocks=(_table([(text, 1, None, None, None, None)]),)))
    cell = load_workbook(path)["S"]["A2"]
    assert cell.value == text.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_a_formula_behind_a_control_character_stays_literal(tmp_path: Path) -> None:
    """The control character is cleaned away and «=» begins the cell: it was checked before the cleaning, and
    the cell became a live formula."""
    path = _save(
        tmp_path, Sheet("S", blocks=(_table([('\x01=HYPERLINK("http://x","y")', 1, None, None, None, None)]),))
    )
    cell = load_workbook(path)["S"]["A2"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_plain_text_has_no_quote_prefix_and_control_characters_are_removed(tmp_path: Path) -> None:
    long_text = "я" * (MAX_CELL_CHARS + 10)
    rows = [("Школа\x00 №\x071\x1f", 1, None, None, None, None), (long_text, 2, None, None, None, None)]
    ws = load_workbook(_save(tmp_path, Sheet("S", blocks=(_table(rows),))))["S"]
    assert ws["A2"].value == "Школа №1" and not ws["A2"].quotePrefix
    assert len(ws["A3"].value) == MAX_CELL_CHARS


def test_not_finite_numbers_are_left_empty_and_aware_datetimes_refused(tmp_path: Path) -> None:
    ws = load_workbook(
        _save(tmp_path, Sheet("S", blocks=(_table([("a", float("nan"), float("inf"), None, None, None)]),)))
    )["S"]
    assert ws["B2"].value is None and ws["C2"].value is None
    aware = Table((Column("at", "Когда", "When", "datetime"),), [(datetime(2024, 9, 1, tzinfo=UTC),)])
    with pytest.raises(TypeError):
        Writer().add(Sheet("S", blocks=(aware,)))


def test_cell_overrides_kind_and_english_formats(tmp_path: Path) -> None:
    table = Table(
        (Column("label", "Показатель", "Figure"), Column("value", "Значение", "Value", "int")),
        [("a", Cell(12.5, "pct", bold=True)), ("b", Cell(date(2024, 1, 2)))],
    )
    ws = load_workbook(_save(tmp_path, Sheet("S", blocks=(table,)), lang="en"))["S"]
    assert ws["A1"].value == "Figure"
    assert ws["B2"].value == 0.125 and ws["B2"].number_format == "0.00%" and ws["B2"].font.b
    assert ws["B3"].number_format == "YYYY-MM-DD"


def _rules(ws: object) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rng in ws.conditional_formatting:  # type: ignore[attr-defined]
        for rule in rng.rules:
            found.setdefault(str(rng.sqref), []).append(rule.formula[0])
    return found


def test_conditional_fills_threshold_target_and_flag(tmp_path: Path) -> None:
    rows = [("a", 1, 90.0, 84.9, True, None), ("b", 2, 10.0, 84.9, False, None)]
    fills = (Fill("share", threshold=84.9), Fill("count", target="share"), Fill("met"), Fill("name", judged_by="met"))
    ws = load_workbook(_save(tmp_path, Sheet("S", blocks=(_table(rows, fills=fills),))))["S"]
    rules = _rules(ws)
    assert rules["C2:C3"] == ["AND(ISNUMBER(C2),C2>=0.849)", "AND(ISNUMBER(C2),C2<0.849)"]
    assert rules["B2:B3"] == ["AND(ISNUMBER(B2),ISNUMBER(C2),B2>=C2)", "AND(ISNUMBER(B2),ISNUMBER(C2),B2<C2)"]
    assert rules["E2:E3"] == ['E2="да"', 'E2="нет"']
    assert rules["A2:A3"] == ['E2="да"', 'E2="нет"']
    fills_found = [rule.dxf.fill.bgColor.rgb for rng in ws.conditional_formatting for rule in rng.rules]
    assert {"00C6EFCE", "00FFC7CE"} <= set(fills_found)


def test_conditional_fills_reach_the_total_row(tmp_path: Path) -> None:
    """The region's row (a table's total) is judged as each municipality's is; a table of no rows but a total
    has its total filled too."""
    rows = [("a", 1, 90.0, 84.9, True, None), ("b", 2, 10.0, 84.9, False, None)]
    total = ("Регион", 3, 50.0, 84.9, False, None)
    fills = (Fill("share", threshold=84.9), Fill("met"))
    ws = load_workbook(_save(tmp_path, Sheet("S", blocks=(_table(rows, fills=fills, total=total),))))["S"]
    assert set(_rules(ws)) == {"C2:C4", "E2:E4"}
    alone = load_workbook(_save(tmp_path, Sheet("S", blocks=(_table([], fills=fills, total=total),))))["S"]
    assert set(_rules(alone)) == {"C2", "E2"}


def test_lower_is_better_reverses_the_comparison(tmp_path: Path) -> None:
    rows = [("a", 1, 5.0, None, None, None)]
    ws = load_workbook(
        _save(
            tmp_path, Sheet("S", blocks=(_table(rows, fills=(Fill("share", threshold=10, higher_is_better=False),)),))
        )
    )["S"]
    assert _rules(ws)["C2"] == ["AND(ISNUMBER(C2),C2<=0.1)", "AND(ISNUMBER(C2),C2>0.1)"]


def test_bar_chart_with_target_line_and_line_chart(tmp_path: Path) -> None:
    table = _table([("A", 1, 40.0, 33.0, True, None), ("B", 2, 20.0, 33.0, False, None)], main=True)
    bar = Chart("bar", table, "name", ("share",), "Доля", "МО", "Доля школ", targets=("target",))
    line = Chart("line", table, "name", ("share", "target"), "Динамика", "Месяц", "Доля")
    writer = Writer()
    ws = writer.add(Sheet("S", heading=("Заголовок",), blocks=(table,), charts=(bar, line)))
    assert len(ws._charts) == 2
    combo, trend = ws._charts
    assert isinstance(combo, BarChart) and isinstance(combo._charts[1], LineChart)
    assert combo.x_axis.delete is False and combo.y_axis.delete is False
    assert combo.y_axis.number_format.formatCode == "0%" and combo.x_axis.title is not None
    assert isinstance(trend, LineChart) and len(trend.series) == 2
    path = tmp_path / "c.xlsx"
    writer.save(path)
    assert len(load_workbook(path)["S"]._charts) == 2


def test_empty_table_gets_its_note_and_no_chart(tmp_path: Path) -> None:
    table = _table([], empty="Нет данных.", main=True)
    writer = Writer()
    ws = writer.add(
        Sheet(
            "S",
            blocks=(table, _table([("x", 1, None, None, None, None)])),
            charts=(Chart("bar", table, "name", ("share",), "t", "x", "y"),),
        )
    )
    assert ws._charts == []
    assert ws["A2"].value == "Нет данных." and ws["A4"].value == "Название"  # next table after a blank row


def test_fitted_widths_and_heading(tmp_path: Path) -> None:
    rows = [("Муниципальное образование город-курорт Анапа", 1234567, 1.0, None, None, None)]
    ws = load_workbook(
        _save(tmp_path, Sheet("S", heading=("Заголовок", "пояснение"), blocks=(_table(rows, main=True),)))
    )["S"]
    assert ws["A1"].value == "Заголовок" and ws["A1"].font.sz == 14
    assert ws["A4"].value == "Название" and ws.freeze_panes == "A5"
    assert ws.column_dimensions["A"].width >= len(rows[0][0])
    assert ws.column_dimensions["B"].width >= len("1 234 567")


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="values for 6 columns"):
        Writer().add(Sheet("S", blocks=(_table([("a", 1)]),)))


def test_a_header_sized_column_lets_text_run_on_and_charts_move_past_it(tmp_path: Path) -> None:
    note = Column("note", "Пояснение", "Note", fit=False)
    table = Table(
        (Column("name", "МО", "Municipality"), Column("share", "Доля", "Share", "pct"), note),
        [("A", 50.0, "x" * 40), ("B", 10.0, None)],
    )
    empty = Table((note,), [])
    ws = Writer().add(
        Sheet("S", blocks=(table, empty), charts=(Chart("bar", table, "name", ("share",), "t", "x", "y"),))
    )
    assert ws.column_dimensions["C"].width < 40  # sized to «Пояснение», not to the note
    (chart,) = ws._charts
    # C (≈ 12.4) and four default columns (8.43 each) hold 40 characters: C…G, then a gap column
    assert chart.anchor == "I1"


@pytest.mark.parametrize(
    ("value", "bound", "met", "digits"),
    [
        (100 * 551 / 649, 84.9, False, 4),  # 84,89985 %: «84.90%» beside «нет» would contradict it
        (100 * 98 / 297, 33.0, False, 3),  # 32,9966 %
        (32.97, 33.0, False, 2),  # two digits already tell
        (33.0, 33.0, True, 2),
        (None, 33.0, None, 2),
    ],
)
def test_a_share_beside_its_verdict_has_the_digits_excel_needs(
    tmp_path: Path, value: float | None, bound: float, met: bool | None, digits: int
) -> None:
    cell = judged_cell(value, bound, met)
    assert cell.digits == digits
    ws = load_workbook(_save(tmp_path, Sheet("Лист", blocks=(_table([("A", 1, cell, bound, met, None)]),))))["Лист"]
    if value is not None:
        assert ws["C2"].number_format == f"0.{'0' * digits}%" and ws["C2"].value == pytest.approx(value / 100)


def test_a_header_is_frozen_only_over_its_own_rows_and_near_the_top(tmp_path: Path) -> None:
    rows = [("A", 1, 1.0, None, None, None)]
    last = Sheet("Last", heading=("Заголовок",), blocks=(_table(rows, title="Первая"), _table(rows, main=True)))
    above = Sheet("Above", blocks=(_table(rows, main=True), _table(rows, title="Ниже")))
    deep = Sheet("Deep", heading=tuple(f"строка {n}" for n in range(11)), blocks=(_table(rows, main=True),))
    edge = Sheet("Edge", heading=tuple(f"строка {n}" for n in range(10)), blocks=(_table(rows, main=True),))
    book = load_workbook(_save(tmp_path, last, above, deep, edge))
    assert book["Edge"].freeze_panes == "A13"  # header on row 12: twelve rows frozen, the most there may be
    assert book["Last"].freeze_panes == "A8" and book["Last"].auto_filter.ref == "A7:F8"
    # another table below: the header would head its rows; a header on row 13: it would fill the screen
    assert book["Above"].freeze_panes is None and book["Above"].auto_filter.ref == "A1:F2"
    assert book["Deep"].freeze_panes is None and book["Deep"].auto_filter.ref == "A13:F14"
