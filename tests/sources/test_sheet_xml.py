"""The merged ranges and Excel error cells read from a sheet's XML (calamine reports neither)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from sources_helpers import save_book

from adoption_cli.sources.sheet_xml import (
    CellRange,
    SheetExtras,
    cell_range,
    hidden_sheets,
    read_sheet_extras,
    scan_sheet,
)

MERGED = [CellRange(0, 0, 0, 3), CellRange(4, 0, 8, 0), CellRange(4, 1, 5, 2)]
ERRORS = [(1, 0, "#N/A"), (2, 0, "#DIV/0!"), (2, 1, "#VALUE!")]
EXPECTED = (MERGED, ERRORS)


def facts(extras: SheetExtras) -> tuple[list[CellRange], list[tuple[int, int, str]]]:
    """Ranges and errors in sheet order (a book lists its merged ranges in any order)."""
    return sorted(extras.merged, key=lambda r: (r.top, r.left)), sorted(extras.errors)


def _book(path: Path) -> Path:
    rows: list[list[object]] = [["Заголовок"], ["#N/A", 1, "x"], ["#DIV/0!", "#VALUE!", "y"], ["N/A", 't="e"']]
    return save_book(path, {"Свод": [["другой лист"]], "Реестр & «МО»": rows}, merged=[])


def _with_merges(path: Path) -> Path:
    """The second sheet of `_book` with merged ranges (save_book merges on the first sheet only)."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["Реестр & «МО»"]
    for cells in ("A5:A9", "B5:C6", "A1:D1"):
        sheet.merge_cells(cells)
    book.save(path)
    return path


def _sheet_bytes(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as book:
        return book.read(name)


def test_the_sheet_is_found_by_name_through_the_workbook_relationships(tmp_path: Path) -> None:
    path = _with_merges(_book(tmp_path / "book.xlsx"))
    assert facts(read_sheet_extras(path, "Реестр & «МО»")) == EXPECTED
    assert read_sheet_extras(path, "Свод") == SheetExtras()
    assert read_sheet_extras(path, "Нет такого") == SheetExtras()


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1 << 20])
def test_any_split_of_the_bytes_gives_the_same(tmp_path: Path, size: int) -> None:
    """The part is streamed in pieces: a tag, a cell or `</sheetData>` cut between two pieces is still read."""
    data = _sheet_bytes(_with_merges(_book(tmp_path / "book.xlsx")), "xl/worksheets/sheet2.xml")
    assert facts(scan_sheet(data[i : i + size] for i in range(0, len(data), size))) == EXPECTED


def test_prefixed_tags_as_some_generators_write_them(tmp_path: Path) -> None:
    data = _sheet_bytes(_with_merges(_book(tmp_path / "book.xlsx")), "xl/worksheets/sheet2.xml")
    prefixed = re.sub(rb"<(/?)([A-Za-z]+)", rb"<\1x:\2", data).replace(b"xmlns=", b"xmlns:x=")
    assert b"<x:mergeCell " in prefixed and b"</x:sheetData>" in prefixed
    assert facts(scan_sheet(prefixed[i : i + 5] for i in range(0, len(prefixed), 5))) == EXPECTED


def test_an_empty_sheet_and_self_closed_cells() -> None:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    assert scan_sheet([head + b"<sheetData/></worksheet>"]) == SheetExtras()
    cells = b'<sheetData><row r="2"><c r="C2" t="e"/><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData>'
    merges = b'<mergeCells count="1"><mergeCell ref="$B$3:B4"/><mergeCell ref="bad"/></mergeCells>'
    assert scan_sheet([head, cells, merges, b"</worksheet>"]) == SheetExtras(
        [CellRange(2, 1, 3, 1)], [(1, 3, "#DIV/0!")]
    )


def test_cell_ranges() -> None:
    assert cell_range("B3:B7") == CellRange(2, 1, 6, 1)
    assert cell_range("AA10") == CellRange(9, 26, 9, 26)
    assert cell_range("C5:A1") == CellRange(0, 0, 4, 2)
    assert cell_range("B3:") == CellRange(2, 1, 2, 1)
    assert cell_range("3:7") is None


def test_hidden_sheets_are_read_off_the_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Скрытый"
    book.active.sheet_state = "hidden"
    book.create_sheet("Очень скрытый").sheet_state = "veryHidden"
    book.create_sheet("Видимый")
    book.active = 2
    book.save(tmp_path / "b.xlsx")
    with zipfile.ZipFile(tmp_path / "b.xlsx") as archive:
        assert hidden_sheets(archive) == {"Скрытый", "Очень скрытый"}
