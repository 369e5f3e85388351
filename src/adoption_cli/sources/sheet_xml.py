"""What calamine does not report about an xlsx sheet: its merged cell ranges and its Excel error cells.

An .xlsx book is a zip: `xl/workbook.xml` names the sheets and `xl/_rels/workbook.xml.rels` says which part
(`xl/worksheets/sheetN.xml`) holds each. In a sheet's part the cells (`<sheetData>`) are nearly all of it, and
the merged ranges (`<mergeCells><mergeCell ref="B3:B7"/>…`) come after them. The part is streamed once: the
cells are only searched as bytes for the error type (`t="e"`, rare), and the rest — the part's head and what
follows the cells — goes through ElementTree's pull parser (iterparse), which would take seconds over the
cells of a large sheet (2.5 s per 200 000 rows, against 0.1 s to stream them). Polars-free; no openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from xml.etree.ElementTree import Element, XMLPullParser, fromstring
from xml.sax.saxutils import unescape

CHUNK_BYTES = 1 << 20
_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*>")
_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_ERROR_TYPE = (b't="e"', b"t='e'")
# One cell from its start tag: attributes, then its content up to the end tag (a formula, the value).
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_REF_ATTRIBUTE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3}[0-9]+)["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>([^<]*)<", re.S)
_PREFIX = re.compile(rb"(?:[\w.-]+:)?")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


@dataclass(frozen=True, slots=True)
class CellRange:
    """A rectangle of cells, 0-based sheet rows and columns, both ends included."""

    top: int
    left: int
    bottom: int
    right: int


@dataclass(slots=True)
class SheetExtras:
    merged: list[CellRange] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, Excel's text: "#N/A")


def cell_position(ref: str) -> tuple[int, int] | None:
    """0-based (row, column) of a reference such as `B3`; None when it is none."""
    match = _CELL_REF.match(ref.strip())
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)) - 1, column - 1


def cell_range(ref: str) -> CellRange | None:
    """`B3:B7` (or one cell, `B3`) as a CellRange; None when the reference is not one."""
    first, _, last = ref.partition(":")
    start, end = cell_position(first), cell_position(last or first)
    if start is None or end is None:
        return None
    return CellRange(min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1]))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (`r:id` in the workbook)."""
    return next((value for key, value in element.attrib.items() if _local(key) == name), None)


def _relationships(book: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> the part it points at, for the package part `part` ("" for the package itself)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in book.namelist():
        return {}
    targets: dict[str, str] = {}
    for element in fromstring(book.read(rels)).iter():
        target, key = element.get("Target"), element.get("Id")
        if _local(element.tag) != "Relationship" or target is None or key is None:
            continue
        if element.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[key] = posixpath.normpath(path)
    return targets


def _workbook_part(book: zipfile.ZipFile) -> str:
    for element in fromstring(book.read("_rels/.rels")).iter() if "_rels/.rels" in book.namelist() else ():
        if _local(element.tag) == "Relationship" and (element.get("Type") or "").endswith("/officeDocument"):
            target = element.get("Target") or ""
            return posixpath.normpath(target.lstrip("/"))
    return "xl/workbook.xml"


def sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the sheet named `sheet`, None if the book does not say."""
    workbook = _workbook_part(book)
    if workbook not in book.namelist():
        return None
    targets = _relationships(book, workbook)
    for element in fromstring(book.read(workbook)).iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            key = _attribute(element, "id")
            part = targets.get(key) if key is not None else None
            return part if part in book.namelist() else None
    return None


def hidden_sheets(book: zipfile.ZipFile) -> set[str]:
    """The names of the sheets the workbook marks hidden or very hidden (`<sheet state="hidden">`): read from
    xl/workbook.xml alone, not by loading each sheet."""
    workbook = _workbook_part(book)
    if workbook not in book.namelist():
        return set()
    return {
        element.get("name") or ""
        for element in fromstring(book.read(workbook)).iter()
        if _local(element.tag) == "sheet" and element.get("state") in ("hidden", "veryHidden")
    }


def read_sheet_extras(path: Path, sheet: str) -> SheetExtras:
    """The merged ranges and error cells of the sheet named `sheet` of the book at `path` (none when the
    book does not say which part holds it)."""
    with zipfile.ZipFile(path) as book:
        part = sheet_part(book, sheet)
        if part is None:
            return SheetExtras()
        with book.open(part) as stream:
            return scan_sheet(iter(lambda: stream.read(CHUNK_BYTES), b""))


_HEAD, _CELLS, _AFTER = "head", "cells", "after"  # where in the sheet part the scan is


def scan_sheet(chunks: Iterable[bytes]) -> SheetExtras:
    """Merged ranges and error cells of a sheet part given as consecutive pieces of its bytes."""
    extras = SheetExtras()
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))

    def parse(data: bytes) -> None:
        parser.feed(data)
        for event in parser.read_events():
            element = event[-1]  # (only "end" events: each gives its element)
            if not isinstance(element, Element):
                continue
            if _local(element.tag) == "mergeCell":
                found = cell_range(element.get("ref") or "")
                if found is not None:
                    extras.merged.append(found)
            element.clear()

    buffer = b""
    phase = _HEAD
    for chunk in chain(filter(None, chunks), [b""]):  # (b"": the end of the part)
        buffer += chunk
        last = not chunk
        if phase == _HEAD:
            start = _DATA_START.search(buffer)
            if start is None:
                cut = len(buffer) if last else max(buffer.rfind(b"<"), 0)  # (the tag may go on in the next piece)
                parse(buffer[:cut])
                buffer = buffer[cut:]
                continue
            parse(buffer[: start.start()])
            buffer = buffer[start.end() :]
            phase = _AFTER if start.group().endswith(b"/>") else _CELLS
        if phase == _CELLS:
            end = _cells_end(buffer)
            if end is None:  # only whole rows are searched: a cell cut in two is searched with the next piece
                done = len(buffer) if last else _rows_end(buffer)
                extras.errors += _error_cells(buffer[:done])
                buffer = buffer[done:]
                continue
            extras.errors += _error_cells(buffer[: end.start()])
            buffer = buffer[end.end() :]
            phase = _AFTER
        parse(buffer)
        buffer = b""
    parser.close()
    return extras


def _cells_end(buffer: bytes) -> re.Match[bytes] | None:
    """The end tag of `<sheetData>` in `buffer`, if there (found as bytes first: a regex would try every «</»)."""
    at = buffer.find(b"sheetData")
    while at >= 0:
        end = _DATA_END.search(buffer, max(at - 40, 0), at + 40)
        if end is not None:
            return end
        at = buffer.find(b"sheetData", at + 1)
    return None


def _rows_end(buffer: bytes) -> int:
    """Where the last complete row (`</row>`, any prefix) of `buffer` ends; 0 when none has ended yet."""
    end = buffer.rfind(b"row>")
    while end > 0:
        start = buffer.rfind(b"<", 0, end)
        if start >= 0 and buffer[start + 1 : start + 2] == b"/" and _PREFIX.fullmatch(buffer, start + 2, end):
            return end + 4
        end = buffer.rfind(b"row>", 0, end)
    return 0


def _error_cells(cells: bytes) -> list[tuple[int, int, str]]:
    """(row, column, text) of every cell of type error among complete rows of `<sheetData>`."""
    if not any(marker in cells for marker in _ERROR_TYPE):
        return []
    found: list[tuple[int, int, str]] = []
    for marker in _ERROR_TYPE:
        at = cells.find(marker)
        while at >= 0:
            start = cells.rfind(b"<", 0, at)  # (an attribute value cannot hold «<»: this is the cell's tag)
            cell = _CELL.match(cells, start) if start >= 0 else None
            if cell is not None and marker in cell.group(1):
                ref = _REF_ATTRIBUTE.search(cell.group(1))
                value = _VALUE.search(cell.group(2) or b"")
                position = cell_position(ref.group(1).decode()) if ref else None
                if position is not None and value is not None:
                    found.append((*position, unescape(value.group(1).decode("utf-8", "replace")).strip()))
            at = cells.find(marker, at + len(marker))
    return found
