"""A small, general xlsx writer: sheets described as data (tables, facts, charts), written with openpyxl.

A sheet is a heading plus blocks laid out top to bottom (one blank row between them), with charts to the
right of the data. The first table marked `main` gets the frozen header row and the autofilter. Every
table has a bold header, fitted widths and number formats by column kind:

- `int`: `#,##0`; `pct`: `0.00%` (two digits, so that 32,97 % is never shown as the 33,0 % it is judged
  against) — values are given as percentages (×100, like every result model) and
  stored as fractions (13.1 → 0.131), never as text; `change`: a relative change, likewise, signed;
  `pp`: a change in percentage points, signed, with its unit; `number`: `#,##0.0`;
- `date`/`datetime`: real dates (naive only: Excel has no time zones);
- `flag`: a bool shown as да/нет (yes/no);
- `text`: text from exports, always stored as text — never as a formula (a value starting with `=`, `+`,
  `-`, `@`, tab or CR gets the quote-prefix style that Excel and LibreOffice show literally), illegal
  control characters removed, cut at Excel's 32 767-character cell limit.

Green/red fills are conditional-formatting rules (so they follow the values if someone edits them): a
column against a fixed threshold, against another column of the same row (its target), or by an exact
yes/no column computed by the metric (so the colour never disagrees with the metric's own verdict).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, TYPE_CHECKING, Any, Literal

from adoption_cli.environment import Lang
from adoption_cli.render.output import FORMULA_TRIGGERS

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell as XlCell
    from openpyxl.chart.series import Series
    from openpyxl.worksheet.worksheet import Worksheet

CellKind = Literal["text", "int", "pct", "change", "pp", "number", "date", "datetime", "flag"]
Value = str | int | float | bool | date | datetime | None

MAX_CELL_CHARS = 32_767
# Rows frozen at most, the header's included: a laptop shows ≈ 25 rows, and a dozen frozen leave half to scroll.
MAX_FROZEN_ROWS = 12
GREEN = "C6EFCE"
PALETTE = ("4472C4", "ED7D31", "70AD47", "7030A0")  # line series, and their dashed targets
TARGET_COLOUR = "C00000"  # the target line over bars
RED = "FFC7CE"
HEADER_FILL = "DDEBF7"
FONT = "Calibri"
MIN_WIDTH = 6
DEFAULT_WIDTH = 8.43  # a column nobody sized
BOLD_RATIO = 1.15  # a bold header character is wider than the average character a column width counts
MAX_WIDTH = 60

_FORMATS: dict[CellKind, str] = {
    "int": "#,##0",
    "pct": "0.00%",
    "change": "+0.0%;-0.0%;0.0%",
    "number": "#,##0.0",
}
_PP_FORMATS: dict[Lang, str] = {"ru": '+0.0" п.п.";-0.0" п.п.";0.0" п.п."', "en": '+0.0" pp";-0.0" pp";0.0" pp"'}
_DATE_FORMATS: dict[Lang, tuple[str, str]] = {
    "ru": ("DD.MM.YYYY", "DD.MM.YYYY HH:MM"),
    "en": ("YYYY-MM-DD", "YYYY-MM-DD HH:MM"),
}
_FLAG_TEXT: dict[Lang, tuple[str, str]] = {"ru": ("да", "нет"), "en": ("yes", "no")}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    ru: str
    en: str
    kind: CellKind = "text"
    width: float | None = None  # None: fitted to the content
    left: bool = False  # align numbers and dates left too (a column of mixed values reads better so)
    fit: bool = True  # False: sized to the header only, long text runs on into the empty cells to its right


@dataclass(frozen=True, slots=True)
class Cell:
    """A value with its own kind (a facts table mixes shares and counts in one column) or emphasis."""

    value: Value
    kind: CellKind | None = None
    bold: bool = False
    digits: int | None = None  # a percentage's digits other than the column's two (judged_cell)


def judged_cell(value: float | None, bound: float, met: bool | None) -> Cell:
    """A percentage beside its verdict against `bound`, with the digits (2 to 6) that keep Excel's rounding from
    contradicting it: 84,8998 % against 84,9 % not met is «84,8998%», not «84,90%» (render.numbers.judged
    for the terminal)."""
    digits = 2
    if value is not None and met is not None:
        while digits < 6 and (_excel_round(value, digits) >= bound) != met:
            digits += 1
    return Cell(value, "pct", digits=digits)


def _excel_round(value: float, digits: int) -> float:
    # Excel rounds halves away from zero, on the decimal it shows.
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Fill:
    """Green where the column is good, red where it is not; blank cells stay white.

    Judged by the first of: `good`/`bad` (text values of the column itself), `judged_by` (a flag column of
    the same row), `target` (another column of the same row), `threshold` (a fixed value in the column's
    own unit: percentages ×100 for `pct`). A flag column with none of them is judged by itself. `strict`
    leaves a value equal to the bound white (a rank that did not move is neither good nor bad).
    """

    column: str
    threshold: float | None = None
    target: str | None = None
    judged_by: str | None = None
    higher_is_better: bool = True
    strict: bool = False  # a value equal to the threshold or target stays white
    good: Sequence[str] = ()
    bad: Sequence[str] = ()


@dataclass(slots=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value | Cell]]
    title: str | None = None
    fills: Sequence[Fill] = ()
    total: Sequence[Value | Cell] | None = None  # a bold row right below, outside the autofilter
    empty: str | None = None  # said in place of the rows when there are none
    main: bool = False  # autofilter, and a frozen header if last and near the top (the first main table of a sheet)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of one table, categories from `category`: bars or lines for `series`, and `targets` drawn as
    dashed lines (over the bars; on a line chart the i-th target in the colour of the i-th series)."""

    kind: Literal["bar", "line"]
    table: Table
    category: str
    series: Sequence[str]
    title: str
    x_title: str
    y_title: str
    targets: Sequence[str] = ()


@dataclass(slots=True)
class Sheet:
    name: str
    heading: Sequence[str] = ()  # first line as the sheet's title, the rest as plain lines
    blocks: Sequence[Table] = ()
    charts: Sequence[Chart] = ()


@dataclass(slots=True)
class _Placed:
    header_row: int
    first_row: int
    last_row: int  # last data row (first_row - 1 when there are none)
    bottom: int = 0  # last row used, the total or the «empty» line included
    columns: dict[str, int] = field(default_factory=dict)  # key -> column number


def clean_text(value: str) -> str:
    """What Excel can store of a text: illegal XML control characters removed, CR line ends as LF (an XML
    reader turns a raw CR into LF anyway), cut at the cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")[:MAX_CELL_CHARS]


def fraction(pct: float) -> float:
    """A percentage as the fraction Excel's % format expects, via decimal so that 84.9 → 0.849 exactly."""
    return float(Decimal(repr(pct)) / 100)


def _literal(pct: float, kind: CellKind) -> str:
    """A threshold as written in a formula: exact decimal, in the unit the cells are stored in."""
    value = Decimal(repr(pct)) / 100 if kind in ("pct", "change") else Decimal(repr(pct))
    return format(value.normalize(), "f")


def _excel_writer() -> type[Any]:
    """openpyxl's `ExcelWriter`, but a sheet whose XML fails to be written (its temporary file over a size limit
    or on a full disk) has its stream closed there and then: left open, it is finished when collected, after
    the command has said what failed, and that second failure is printed as «Exception ignored in: <generator
    WorksheetWriter.get_stream>» with a traceback. (openpyxl's own `write_worksheet`, as of 3.1, otherwise.)"""
    import contextlib

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class ClosingExcelWriter(ExcelWriter):
        def write_worksheet(self, ws: Any) -> None:
            if self.workbook.write_only:
                super().write_worksheet(ws)
                return
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws)
            try:
                writer.write()
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.xf.close()  # (its closing tags fail to be written again: the first error stands)
                writer.cleanup()
                raise
            ws._rels = writer._rels
            self._archive.write(writer.out, ws.path[1:])
            self.manifest.append(ws)
            writer.cleanup()

    return ClosingExcelWriter


class Writer:
    """Turns sheet descriptions into a workbook. One instance per workbook; `lang` picks headers and formats."""

    def __init__(self, lang: Lang = "ru") -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.lang = lang
        self.workbook: Workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        # The font is named: a Font without a name falls back to a serif face in LibreOffice.
        self._bold = Font(name=FONT, size=11, bold=True)
        self._title_font = Font(name=FONT, size=14, bold=True)
        self._italic = Font(name=FONT, size=11, italic=True)
        self._header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self._placed: dict[int, _Placed] = {}

    def add(self, sheet: Sheet) -> Worksheet:
        ws = self.workbook.create_sheet(sheet.name)
        widths: dict[int, float] = {}
        spills: dict[int, int] = {}  # column sized to its header -> longest text that runs on to its right
        row = 1
        for index, line in enumerate(sheet.heading):
            cell = self._put(ws, row, 1, line, "text")
            if index == 0:
                cell.font = self._title_font
            row += 1
        if sheet.heading:
            row += 1
        filtered = False
        charts_row = row
        for index, table in enumerate(sheet.blocks):
            placed = self._table(ws, table, row, widths, spills)
            if table.main and not filtered:
                filtered = True
                ws.auto_filter.ref = (
                    f"A{placed.header_row}:{_letter(len(table.columns))}{max(placed.last_row, placed.header_row)}"
                )
                # A frozen header must head every row scrolled under it, and leave room to scroll: not over
                # another table below, nor under a heading of many lines (it would fill the screen).
                if index == len(sheet.blocks) - 1 and placed.header_row <= MAX_FROZEN_ROWS:
                    ws.freeze_panes = ws.cell(placed.header_row + 1, 1).coordinate
            row = placed.bottom + 2
        for number, width in widths.items():
            ws.column_dimensions[_letter(number)].width = width
        self._wrap_heading(ws, sheet.heading[1:], widths)
        # Printed (or converted to PDF) landscape, one page wide: a ministry reader prints it.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        chart_column = _reach(widths, spills) + 2
        chart_row = charts_row
        for chart in sheet.charts:
            chart_row = self._chart(ws, chart, chart_column, chart_row)
        return ws

    def _wrap_heading(self, ws: Worksheet, lines: Sequence[str], widths: dict[int, float]) -> None:
        """A heading line longer than the tables are wide wraps within their width (a merged cell), so that
        the sheet prints one page wide at a readable size instead of shrinking to fit a long sentence."""
        from openpyxl.styles import Alignment

        last = max(widths, default=1)
        span = sum(widths.get(number, DEFAULT_WIDTH) for number in range(1, last + 1))
        for row, line in enumerate(lines, start=2):
            if len(line) <= span or last == 1:
                continue
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * _lines(line, span * 1.1)

    def save(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """`target`: a path or a binary file object (see adoption_cli.atomic).

        openpyxl's own `Workbook.save` leaves its zip archive open when a write fails (a full disk, a file
        size limit): the archive, collected at exit after the file was closed and removed, then tries to
        finish itself and Python prints «Exception ignored … ValueError: seek of closed file». Here the
        archive is closed on the error path too (whatever that close raises is part of the same failure),
        and the first error goes on to the caller alone."""
        import contextlib
        from zipfile import ZIP_DEFLATED, ZipFile

        archive = ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True)
        try:
            _excel_writer()(self.workbook, archive).save()  # writes every part, then closes the archive
        except BaseException:
            with contextlib.suppress(Exception):
                archive.close()  # releases the file even when writing the zip's directory fails again
            archive.fp = None  # never finished later by the garbage collector
            raise

    # --- cells ---------------------------------------------------------------------------------------

    def _put(self, ws: Worksheet, row: int, column: int, value: Value | Cell, kind: CellKind) -> XlCell:
        bold, digits = False, None
        if isinstance(value, Cell):
            kind, bold, digits, value = value.kind or kind, value.bold, value.digits, value.value
        cell = ws.cell(row, column)
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        if value is None:
            return cell
        if kind == "flag" and isinstance(value, bool):
            yes, no = _FLAG_TEXT[self.lang]
            value = yes if value else no
        elif kind in ("pct", "change") and isinstance(value, int | float) and not isinstance(value, bool):
            value = fraction(value)
        if isinstance(value, datetime) and value.tzinfo is not None:
            raise TypeError("Excel has no time zones: convert datetimes to naive local time first")
        if isinstance(value, str):
            # (both: a control character before «=» is cleaned away, and a «\r» first becomes «\n»)
            cleaned = clean_text(value)
            cell.value = cleaned
            if value.startswith(FORMULA_TRIGGERS) or cleaned.startswith(FORMULA_TRIGGERS):
                cell.data_type = "s"
                cell.quotePrefix = True
        else:
            cell.value = value
            number_format = self._format(kind, value)
            if kind == "pct" and digits is not None:
                number_format = f"0.{'0' * digits}%"
            if number_format:
                cell.number_format = number_format
        if bold:
            cell.font = self._bold
        return cell

    def _format(self, kind: CellKind, value: Value) -> str | None:
        if isinstance(value, datetime):
            return _DATE_FORMATS[self.lang][1]
        if isinstance(value, date):
            return _DATE_FORMATS[self.lang][0]
        if isinstance(value, bool):
            return None
        if kind == "pp":
            return _PP_FORMATS[self.lang]
        return _FORMATS.get(kind)

    def _shown(self, value: Value | Cell, kind: CellKind) -> int:
        """Approximate displayed width in characters, for fitted columns."""
        if isinstance(value, Cell):
            kind, value = value.kind or kind, value.value
        if value is None:
            return 0
        if isinstance(value, bool):
            return max(len(text) for text in _FLAG_TEXT[self.lang])
        if isinstance(value, datetime):
            return 16
        if isinstance(value, date):
            return 10
        if isinstance(value, int | float):
            if kind in ("pct", "change"):
                return len(f"{value:+.1f}") + 1
            if kind == "pp":
                return len(f"{value:+.1f}") + 5
            digits = len(f"{abs(value):.0f}")
            return digits + (digits - 1) // 3 + (2 if kind in ("number", "pp") else 0) + (value < 0)
        return max((len(line) for line in str(value).splitlines()), default=0)

    # --- tables --------------------------------------------------------------------------------------

    def _table(
        self, ws: Worksheet, table: Table, row: int, widths: dict[int, float], spills: dict[int, int]
    ) -> _Placed:
        from openpyxl.styles import Alignment

        lengths = {len(values) for values in (*table.rows, *([table.total] if table.total is not None else []))}
        if lengths - {len(table.columns)}:
            raise ValueError(f"a row has {sorted(lengths)} values for {len(table.columns)} columns")

        if table.title:
            self._put(ws, row, 1, table.title, "text").font = self._bold
            row += 1
        placed = _Placed(header_row=row, first_row=row + 1, last_row=row + len(table.rows))
        header_lines = 1
        for number, column in enumerate(table.columns, start=1):
            placed.columns[column.key] = number
            header = column.en if self.lang == "en" else column.ru
            cell = self._put(ws, row, number, header, "text")
            cell.font = self._bold
            cell.fill = self._header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            content = [self._shown(r[number - 1], column.kind) for r in table.rows] if column.fit else []
            if not column.fit:
                shown = [self._shown(r[number - 1], "text") for r in table.rows]
                spills[number] = max([spills.get(number, 0), *shown])
            if table.total is not None and column.fit:
                content.append(self._shown(table.total[number - 1], column.kind))
            longest_word = max((len(word) for word in header.split()), default=0)
            width = column.width or min(
                MAX_WIDTH, max(MIN_WIDTH, BOLD_RATIO * longest_word + 2, max(content, default=0) + 2)
            )
            widths[number] = max(widths.get(number, 0), width)
            header_lines = max(header_lines, _lines(header, (widths[number] - 1) / BOLD_RATIO))
        ws.row_dimensions[row].height = 15 * header_lines
        left = Alignment(horizontal="left")
        for offset, values in enumerate(table.rows, start=1):
            for number, column in enumerate(table.columns, start=1):
                cell = self._put(ws, row + offset, number, values[number - 1], column.kind)
                if column.left:
                    cell.alignment = left
        if not table.rows and table.empty:
            self._put(ws, row + 1, 1, table.empty, "text").font = self._italic
        placed.bottom = placed.last_row + 1 if not table.rows and table.empty else placed.last_row
        if table.total is not None:
            placed.bottom += 1
            for number, column in enumerate(table.columns, start=1):
                value = table.total[number - 1]
                cell = self._put(ws, placed.bottom, number, value, column.kind)
                cell.font = self._bold
        for fill in table.fills:
            self._fill(ws, table, placed, fill)
        self._placed[id(table)] = placed
        return placed

    def _fill(self, ws: Worksheet, table: Table, placed: _Placed, fill: Fill) -> None:
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import PatternFill

        # (the total row too: the region's verdict is judged as each municipality's is)
        last = placed.bottom if table.total is not None else placed.last_row
        if last < placed.first_row:
            return
        kinds = {c.key: c.kind for c in table.columns}
        letter = _letter(placed.columns[fill.column])
        first = placed.first_row
        here = f"{letter}{first}"
        if fill.good or fill.bad:
            good, bad = _one_of(here, fill.good), _one_of(here, fill.bad)
        elif fill.judged_by is not None or (fill.target is None and fill.threshold is None):
            flag = f"{_letter(placed.columns[fill.judged_by or fill.column])}{first}"
            yes, no = _FLAG_TEXT[self.lang]
            good, bad = f'{flag}="{yes}"', f'{flag}="{no}"'
        else:
            if fill.target is not None:
                bound = f"{_letter(placed.columns[fill.target])}{first}"
                known = f"ISNUMBER({here}),ISNUMBER({bound})"
            else:
                bound = _literal(fill.threshold or 0.0, kinds[fill.column])
                known = f"ISNUMBER({here})"
            above, below = (">=", "<") if fill.higher_is_better else ("<=", ">")
            if fill.strict:
                above = above[0]
            good = f"AND({known},{here}{above}{bound})"
            bad = f"AND({known},{here}{below}{bound})"
        cells = f"{letter}{first}:{letter}{last}"
        for formula, colour in ((good, GREEN), (bad, RED)):
            if formula:
                rule = FormulaRule(formula=[formula], fill=PatternFill("solid", fgColor=colour, bgColor=colour))
                ws.conditional_formatting.add(cells, rule)

    # --- charts --------------------------------------------------------------------------------------

    def _chart(self, ws: Worksheet, spec: Chart, column: int, row: int) -> int:
        """Place the chart at (row, column); return the first row below it."""
        from openpyxl.chart import BarChart, LineChart, Reference

        placed = self._placed[id(spec.table)]
        count = placed.last_row - placed.first_row + 1
        if count <= 0:
            return row
        kinds = {c.key: c.kind for c in spec.table.columns}
        chart: BarChart | LineChart = BarChart() if spec.kind == "bar" else LineChart()
        if isinstance(chart, BarChart):
            chart.type = "col"
            chart.grouping = "clustered"
        categories = Reference(
            ws, min_col=placed.columns[spec.category], min_row=placed.first_row, max_row=placed.last_row
        )

        def add(plot: BarChart | LineChart, key: str) -> Series:
            number = placed.columns[key]
            data = Reference(ws, min_col=number, min_row=placed.header_row, max_row=placed.last_row)
            plot.add_data(data, titles_from_data=True)
            return plot.series[-1]

        for index, key in enumerate(spec.series):
            series = add(chart, key)
            if isinstance(chart, LineChart):
                series.smooth = False
                series.marker.symbol = "circle"
                _colour(series, PALETTE[index % len(PALETTE)])
        lines = LineChart() if isinstance(chart, BarChart) else chart
        for index, key in enumerate(spec.targets):
            target = add(lines, key)
            target.smooth = False
            target.marker.symbol = "none"
            _colour(target, PALETTE[index % len(PALETTE)] if lines is chart else TARGET_COLOUR)
            target.graphicalProperties.line.dashStyle = "dash"
        chart.set_categories(categories)
        if lines is not chart and spec.targets:
            lines.set_categories(categories)
            chart += lines
        chart.title = _chart_title(spec.title)
        chart.x_axis.title = spec.x_title
        chart.y_axis.title = spec.y_title
        # openpyxl 3.1 marks axes as deleted unless told otherwise: Excel would then draw no axis labels.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if all(kinds[key] == "pct" for key in (*spec.series, *spec.targets)):
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 1
        chart.legend.position = "b"
        chart.width = min(40.0, max(16.0, 1.1 * count))
        # Many categories get slanted labels that eat into the plot: give them room.
        chart.height = 9.0 if count <= 12 else 14.0
        ws.add_chart(chart, f"{_letter(column)}{row}")
        return row + (20 if count <= 12 else 30)


def _reach(widths: dict[int, float], spills: dict[int, int]) -> int:
    """The last column the sheet's text shows in, text running on past a header-sized column included."""
    reach = max(widths, default=0)
    for column, length in spills.items():
        number, covered = column, widths.get(column, DEFAULT_WIDTH)
        while covered < length:
            number += 1
            covered += widths.get(number, DEFAULT_WIDTH)
        reach = max(reach, number)
    return reach


def _colour(series: Series, rgb: str) -> None:
    from openpyxl.chart.shapes import GraphicalProperties

    series.graphicalProperties.line.solidFill = rgb
    series.graphicalProperties.line.width = 28575  # EMU: 2.25 pt
    series.marker.graphicalProperties = GraphicalProperties(solidFill=rgb)
    series.marker.graphicalProperties.line.solidFill = rgb


def _one_of(cell: str, values: Sequence[str]) -> str | None:
    """A formula true when `cell` holds one of `values` (quotes doubled, as Excel escapes them)."""
    if not values:
        return None
    tests = [f'{cell}="{clean_text(value).replace(chr(34), chr(34) * 2)}"' for value in values]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def _chart_title(text: str) -> object:
    """A 12 pt bold title: the default (18 pt in LibreOffice) crowds a small chart."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

    font = CharacterProperties(sz=1200, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[RegularTextRun(rPr=font, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(number))


def _lines(text: str, width: float) -> int:
    """Lines a wrapped header needs in a column `width` characters wide (word wrap)."""
    lines, used = 1, 0
    for word in text.split():
        needed = len(word) if used == 0 else used + 1 + len(word)
        if needed > width and used > 0:
            lines, used = lines + 1, len(word)
        else:
            used = needed
    return lines
