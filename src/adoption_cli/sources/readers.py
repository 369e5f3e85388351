"""Read one export into raw string columns named canonically, with the row number a person sees.

Every reader returns a LazyFrame of String columns (the canonical names found in the file), `_row` (Int64),
`_row_reason` (String: why the row as a whole is rejected — more values than the header, or a quote left
open — else null) and `_other_cells` (Boolean: whether a column the kind does not read holds anything but
whitespace, so that the row is not blank whatever its canonical cells hold). Values are parsed later, in one
place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from adoption_cli.errors import DataError
from adoption_cli.schema import Kind, ValueType, column_of
from adoption_cli.sources.columns import SEARCH_ROWS, Cell, ColumnMap, HeaderBlock, Layout, printable
from adoption_cli.sources.dialect import (
    CP1251,
    SAMPLE_BYTES,
    Fingerprint,
    fingerprint,
    inspect_text,
    line_end,
    open_input,
    read_sample,
    record_lines,
    sniff_separator,
    split_records,
    utf8_source,
)
from adoption_cli.sources.reasons import RAGGED_ROW, UNCLOSED_QUOTE
from adoption_cli.sources.sheet_xml import CellRange, SheetExtras, hidden_sheets, read_sheet_extras
from adoption_cli.sources.values import joined_date_time

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SPREADSHEET_SUFFIXES = (".xlsx",)
PARQUET_SUFFIXES = (".parquet",)
# A row with more fields than the header is rejected, not truncated: the reader keeps this many spare
# columns to see the extra values; a row longer still fails the whole file loudly. The spare columns cost
# ~30 % of reading a file, so a file is first read without them unless its first lines need them
# (`spare_columns=None`); a longer row further on fails that read with `RaggedError`, and the loader reads
# the file again with them.
SPARE_COLUMNS = 8
ROW = "_row"
ROW_REASON = "_row_reason"
OTHER_CELLS = "_other_cells"
_NO_ROW_REASON = pl.lit(None, pl.String).alias(ROW_REASON)
# A table's first rows (`RawTable.head`) are read from this many bytes a row at the file's start (after the
# sample's worth for title lines): Polars' CSV scan of the whole file costs more the larger the file, even for a
# few rows (5 000 rows: 25 ms from a 160 MB file, 40 ms from 2.5 GB; 7 ms from its first bytes). Rows longer
# than that only make the first rows fewer.
HEAD_ROW_BYTES = 256


@dataclass(frozen=True, slots=True)
class RawTable:
    frame: pl.LazyFrame
    columns: frozenset[str]  # canonical columns present in the file
    fingerprint: Fingerprint
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    spare_columns: int = 0  # delimited text: columns read past the header's width (see SPARE_COLUMNS)
    # delimited text: the frame over the first N lines only, read from the file's first bytes (HEAD_ROW_BYTES).
    # `frame.head(N)` reads far past them (the filter of blank lines keeps the limit from reaching the CSV
    # reader): 0.1 s instead of 0.04 s per file before the first bytes were read instead of the file.
    first_rows: Callable[[int], pl.LazyFrame] | None = None
    warnings: tuple[str, ...] = ()  # what the user is told about the file (xlsx: sheets left unread)
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> its header as the file writes it

    def head(self, rows: int) -> pl.LazyFrame:
        """At most the first `rows` rows of `frame`."""
        return (self.first_rows(rows) if self.first_rows else self.frame).head(rows)


def read_table(
    path: Path,
    display: str,
    columns: ColumnMap,
    *,
    platform_given: bool,
    timezone: str,
    sheet: str | None = None,
    digest: bool = True,
    spare_columns: int | None = SPARE_COLUMNS,
) -> RawTable:
    """Dispatch on the file suffix; `display` (path relative to the data folder) names the file in errors;
    `digest`: whether the fingerprint includes the file's SHA-256; `spare_columns`: for delimited text, how
    many columns past the header to read (None: SPARE_COLUMNS if the first lines have longer rows, else 0)."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_delimited(
            path, display, columns, platform_given=platform_given, digest=digest, spare_columns=spare_columns
        )
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, display, columns, platform_given=platform_given, sheet=sheet, digest=digest)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, display, columns, platform_given=platform_given, timezone=timezone, digest=digest)
    supported = ", ".join(TEXT_SUFFIXES + SPREADSHEET_SUFFIXES + PARQUET_SUFFIXES)
    raise DataError(f"{display}: формат «{suffix or 'без расширения'}» не поддерживается; нужны {supported}.")


def _no_header(display: str) -> DataError:
    return DataError(f"{display}: в файле нет ни заголовка, ни данных; выгрузите его заново или уберите из папки.")


def _require_known_header(columns: ColumnMap, header: HeaderBlock, where: str, hint: str) -> None:
    """A header row where no name is known means the wrong file, sheet or encoding rather than a misnamed
    column: say so (the cells themselves are not quoted, a headerless export would show user ids)."""
    if columns.matches(header.names) == 0:
        raise DataError(
            f"{where}: не найдена строка заголовка — в первых {SEARCH_ROWS} строках нет ни одного известного "
            f"названия столбца для вида «{columns.kind.value}»; {hint}."
        )


def any_of(conditions: Iterable[pl.Expr]) -> pl.Expr:
    """Whether any condition holds, as a tree of any_horizontal over at most 8 each. One any_horizontal over
    thousands of columns (a sheet saved with its empty columns to XFD, `;;;;` to the end of each line) took
    Polars minutes to plan: 2 000 columns 25 s, 5 000 over ten minutes; as a tree 0.3 and 0.7 s."""
    level = list(conditions)
    while len(level) > 8:
        level = [pl.any_horizontal(level[i : i + 8]) for i in range(0, len(level), 8)]
    return pl.any_horizontal(level) if level else pl.lit(False)


def not_blank(field: str) -> pl.Expr:
    """Whether a cell holds anything but whitespace (spaces, NBSP, tabs: what the value rules trim away);
    null for an empty cell."""
    return pl.col(field).str.contains(r"\S")


def _cells(layout: Layout, fields: Sequence[str]) -> dict[str, pl.Expr]:
    """Canonical column -> its raw cell: the field at its position, or a split timestamp's date and time
    joined (`Layout.time_parts`)."""
    return {
        name: joined_date_time(pl.col(fields[position]), pl.col(fields[layout.time_parts[name]]))
        if name in layout.time_parts
        else pl.col(fields[position])
        for name, position in layout.positions.items()
    }


def _select(
    frame: pl.LazyFrame, layout: Layout, fields: Sequence[str], width: int, extra: Sequence[pl.Expr]
) -> pl.LazyFrame:
    """The canonical columns (at their `layout` among `fields`) and `_row`, `_other_cells` over the other
    fields of the first `width` (whitespace is blank in them too: a row of spaces is skipped as a blank one,
    see normalise)."""
    read = {fields[p] for p in (*layout.positions.values(), *layout.time_parts.values())}
    others = any_of(not_blank(field) for field in fields[:width] if field not in read).fill_null(False)
    return frame.select(
        pl.col(ROW).cast(pl.Int64),
        *extra,
        others.alias(OTHER_CELLS),
        *(cell.alias(name) for name, cell in _cells(layout, fields).items()),
    )


def _refuse_markup(sample: str, display: str) -> None:
    """JSON or HTML/XML saved under a table's name: say so, instead of «no required column» (its `,` and
    quotes would otherwise be sniffed as a table)."""
    start = sample.lstrip()[:1]
    if start in ("{", "["):
        raise DataError(f"{display}: это не таблица, а JSON; выгрузите данные в CSV или XLSX.")
    if start == "<":
        raise DataError(f"{display}: это не таблица, а страница HTML или XML; выгрузите данные в CSV или XLSX.")


def _read_delimited(
    path: Path, display: str, columns: ColumnMap, *, platform_given: bool, digest: bool, spare_columns: int | None
) -> RawTable:
    text = inspect_text(path, display, digest=digest)
    source = utf8_source(path, text, display)
    sample = read_sample(source, display)
    _refuse_markup(sample, display)
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    separator = sniff_separator(sample, columns.best_header_matches, default)
    records = split_records(sample, separator)
    header = columns.find_header(records)
    if header is None:
        raise _no_header(display)
    if text.encoding == CP1251:
        _require_known_header(
            columns,
            header,
            display,
            "файл прочитан как Windows-1251 — если он в другой кодировке (например, KOI8-R), сохраните его в UTF-8",
        )
    layout = columns.resolve(header.names, display, platform_given=platform_given)
    width = len(header.names)
    if spare_columns is None:
        spare_columns = SPARE_COLUMNS if any(len(r) > width for r in records[header.data_start :]) else 0
    fields = [f"_c{i}" for i in range(width + spare_columns)]
    eol = line_end(text)
    # (extra fields of whitespace only are empty ones: nothing is lost)
    ragged = any_of(not_blank(field) for field in fields[width:]) if spare_columns else pl.lit(False)
    # A quote opened and never closed makes a field swallow the lines after it: those rows are lost into one
    # cell. A cell holding a line end and as many separators as a whole row has is taken for that, and the
    # row is rejected, so the user sees it instead of fewer rows. A value typed on two lines in Excel, quoted,
    # holds a line end and at most a few separators of its own («СОШ; корпус 1⏎ул. Мира»).
    # (0.5 s per 3.4 M rows of five columns, so only in files that have a quote at all.)
    row_separators = max(1, width - 1)
    runaway = (
        any_of(
            pl.col(field).str.contains(eol, literal=True)
            & (pl.col(field).str.count_matches(separator, literal=True) >= row_separators)
            for field in fields
        )
        if text.has_quotes
        else pl.lit(False)
    )
    row_reason = pl.when(ragged).then(pl.lit(RAGGED_ROW)).when(runaway).then(pl.lit(UNCLOSED_QUOTE))
    # Title lines are skipped as lines, not as records: an odd quote in a title («Выгрузка ФГИС "Моя
    # школа») would otherwise open a field that swallows the whole file (Polars counts records with quotes).
    skip = record_lines(sample, separator, header.data_start)

    def first_rows_of(limit: int) -> Path | bytes:
        size = SAMPLE_BYTES + limit * HEAD_ROW_BYTES
        return first_lines(source, display, eol, size, skip=skip, quotes=text.has_quotes)

    def rows(limit: int | None) -> pl.LazyFrame:
        frame = (
            pl.scan_csv(
                source if limit is None else first_rows_of(limit),
                has_header=False,
                separator=separator,
                quote_char='"',
                eol_char=eol,
                skip_lines=skip,
                n_rows=limit,
                schema=dict.fromkeys(fields, pl.String),
                missing_columns="insert",
                truncate_ragged_lines=False,
                raise_if_empty=False,
                glob=False,
            )
            .with_row_index(ROW, offset=header.data_start + 1)
            .filter(any_of(pl.col(field).is_not_null() for field in fields))  # blank lines carry no data
        )
        return _select(frame, layout, fields, width, [row_reason.alias(ROW_REASON)])

    frame = rows(None)
    return RawTable(
        frame,
        frozenset(layout.positions),
        text.fingerprint,
        encoding=text.encoding,
        separator=separator,
        spare_columns=spare_columns,
        first_rows=rows,
        headers=_headers(header.names, layout),
    )


def first_lines(path: Path, display: str, eol: str, size: int, *, skip: int, quotes: bool) -> Path | bytes:
    """A file's first complete records within `size` bytes; the whole file (its path, for the caller to scan)
    when it is no longer, or when those bytes end no record past the `skip` lines above the data (a first row
    longer than them). With `quotes`, a line end inside a quoted cell is not taken for a record's end: the cut
    steps back to a line end with an even number of quotes before it (a cut inside the cell made Polars fail,
    and the short cut was lost for the file)."""
    with open_input(path, display) as handle:
        head = handle.read(size + 1)
    if len(head) <= size:
        return path
    mark = eol.encode()
    end = head.rfind(mark, 0, size)
    if quotes:
        odd = head.count(b'"', 0, end + 1) % 2
        while end >= 0 and odd:
            previous = head.rfind(mark, 0, end)
            odd ^= head.count(b'"', previous + 1, end + 1) % 2
            end = previous
    if end < 0 or head.count(mark, 0, end + 1) <= skip:
        return path
    return head[: end + 1]


def _headers(names: Sequence[Cell], layout: Layout) -> dict[str, str]:
    """Canonical column -> the header the file gives it (what a person looks for in the file; a split
    timestamp's two, «Дата входа + Время входа»), without control or format characters (it is printed, as the
    values' UNPRINTABLE rule says)."""

    return {
        name: " + ".join(_header_text(names, p, name) for p in (position, layout.time_parts.get(name)) if p is not None)
        for name, position in layout.positions.items()
    }


def _header_text(names: Sequence[Cell], position: int, name: str) -> str:
    """The header at `position` as printed (the canonical `name` where the cell is empty)."""
    return printable(names[position] or name).strip()


def _cell_text(value: Any) -> Cell:
    return None if value is None else str(value)


def _damaged_book(display: str, exc: Exception, path: Path) -> DataError:
    """What to say of a book calamine or zipfile cannot read: an empty file and text saved under .xlsx are
    named as such (a zip error's class name says nothing to an analyst)."""
    import zipfile

    if isinstance(exc, zipfile.BadZipFile):
        with path.open("rb") as handle:
            start = handle.read(4)
        if not start:
            return DataError(f"{display}: файл пуст (0 байт); выгрузите его заново или уберите из папки данных.")
        if not start.startswith(b"PK"):
            return DataError(
                f"{display}: файл не читается как книга Excel — это не ZIP-архив, каким должен быть .xlsx (если это "
                "текстовая таблица, дайте файлу расширение .csv); пересохраните его в .xlsx."
            )
        return DataError(
            f"{display}: файл не читается как книга Excel (архив повреждён: файл обрезан или испорчен); "
            "пересохраните его в .xlsx."
        )
    return DataError(f"{display}: файл не читается как книга Excel ({type(exc).__name__}); пересохраните его в .xlsx.")


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"«{name}»" for name in names)


def _has_cells(reader: Any, name: str) -> bool:
    """Whether a sheet holds any cell (calamine gives an empty sheet no rows)."""
    return bool(reader.load_sheet(name, header_row=None, n_rows=1, dtypes="string").total_height)


def _with_error_cells(table: pl.DataFrame, errors: Sequence[tuple[int, int, str]], left: int) -> pl.DataFrame:
    """Excel's error cells (`#N/A`, `#DIV/0!`…), which calamine gives as empty, with their text, so that the
    value rules reject them (`excel_error`) instead of taking them for empty cells."""
    if not errors:
        return table
    cells = pl.DataFrame(errors, schema={"row": pl.Int64, "column": pl.Int64, "text": pl.String}, orient="row")
    cells = cells.with_columns(pl.col("column") - left).filter(
        pl.col("row").is_between(0, table.height - 1), pl.col("column").is_between(0, table.width - 1)
    )
    columns = table.get_columns()
    for (column,), group in cells.group_by("column"):
        index = int(column)
        columns[index] = columns[index].clone().scatter(group["row"], group["text"])
    return pl.DataFrame(columns)


def _fill_merged(table: pl.DataFrame, merged: Sequence[CellRange], first: int, left: int) -> pl.DataFrame:
    """Every cell of a merged range that starts at a data row (frame row `first` on) takes the value of its
    top-left cell, as Excel shows it (calamine gives the others empty): a municipality merged down over its
    schools is each school's. Ranges starting in the header are the header's (columns.find_header)."""
    spans = [
        (r.top, min(r.bottom, table.height - 1), r.left - left, min(r.right - left, table.width - 1))
        for r in merged
        if first <= r.top < table.height and 0 <= r.left - left < table.width
    ]
    if not spans:
        return table
    cells = (
        pl.DataFrame(spans, schema=["top", "bottom", "source", "right"], orient="row")
        .with_columns(
            row=pl.int_ranges("top", pl.col("bottom") + 1), column=pl.int_ranges("source", pl.col("right") + 1)
        )
        .explode("row")
        .explode("column")
    )
    original, columns = table.get_columns(), table.get_columns()
    for (column, source), part in cells.group_by("column", "source"):
        target = int(column)
        value = original[int(source)].gather(part["top"])
        columns[target] = columns[target].clone().scatter(part["row"], value)
    return pl.DataFrame(columns)


def _merged_counts(
    table: pl.DataFrame,
    merged: Sequence[CellRange],
    layout: Layout,
    kind: Kind,
    names: Sequence[Cell],
    first: int,
    left: int,
) -> list[str]:
    """What to say of each number merged over several data rows (frame row `first` on): every row takes it, as
    `_fill_merged` does for text, but one total over a school and its branch is then counted twice. (`table`:
    the sheet before the merged cells are filled; a range with nothing in its first cell takes nothing.)"""
    counts = {
        position: name for name, position in layout.positions.items() if column_of(kind, name).type == ValueType.COUNT
    }
    said = []
    for cells in merged:
        named = [counts[p] for p in range(cells.left - left, cells.right - left + 1) if p in counts]
        spans_data = first <= cells.top < table.height and cells.bottom > cells.top
        if not (spans_data and named and 0 <= cells.left - left < table.width):
            continue
        value = table[cells.top, cells.left - left]
        if value is not None and str(value).strip():
            header = _header_text(names, layout.positions[named[0]], named[0])
            said.append(
                f"ячейки «{header}» в строках {cells.top + 1}–{cells.bottom + 1} объединены: число взято для каждой "
                "из строк (так их показывает Excel), а строки одной организации (школа и филиалы) складываются — "
                "оно войдёт в сумму столько раз, сколько строк; если это одна численность на несколько строк, "
                "разъедините ячейки и оставьте её в одной строке."
            )
    return said


def _read_spreadsheet(
    path: Path, display: str, columns: ColumnMap, *, platform_given: bool, sheet: str | None, digest: bool
) -> RawTable:
    import zipfile

    import fastexcel

    facts = fingerprint(path, display, digest=digest)
    try:
        # calamine does not check the parts' checksums: a damaged book would be read with whatever its
        # damaged bytes say. testzip() decompresses every part once (C code) and names the first bad one.
        with zipfile.ZipFile(path) as book:
            damaged = book.testzip()
            concealed = hidden_sheets(book) if sheet is None else set()
        if damaged is not None:
            raise zipfile.BadZipFile(f"bad CRC-32 for {damaged}")
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
        # Without a name, the first sheet the analyst sees in Excel: a hidden one (last year's figures kept
        # for a formula, say) is never read unless named.
        shown = [n for n in names if n not in concealed] or names  # (every sheet hidden: Excel allows none)
        chosen = sheet if sheet is not None else shown[0]
        if chosen not in names:
            listed = ", ".join(f"«{n}»" for n in names)
            raise DataError(f"{display}: нет листа «{chosen}»; в книге есть {listed}. Исправьте sheet в [[sources]].")
        # skip_rows=0 keeps the empty rows above the first filled one, so frame row i is sheet row i + 1 (by
        # default calamine starts at the first filled row, and the row numbers of rejects would be off).
        loaded = reader.load_sheet(chosen, header_row=None, skip_rows=0, dtypes="string")
        # (calamine starts at the first filled column: frame column j is sheet column j + left)
        left = loaded.selected_columns[0].absolute_index if loaded.selected_columns else 0
        table = loaded.to_polars()
        # With no sheet named, the other sheets that hold anything are left unread: the user is told.
        # (`concealed` is empty when a sheet is named)
        others = [n for n in names if n != chosen and _has_cells(reader, n)] if sheet is None else []
        unread = [n for n in others if n not in concealed]
        hidden = [n for n in others if n in concealed]
        extras = read_sheet_extras(path, chosen) if table.width else SheetExtras()
    except DataError:
        raise
    except Exception as exc:  # calamine reports damaged books with several exception types
        raise _damaged_book(display, exc, path) from exc
    table = _with_error_cells(table, extras.errors, left)
    # The header is looked for from the first filled row on, however many empty rows are above it.
    filled = (
        table.select(any_of(pl.col(c).is_not_null() for c in table.columns).arg_true().first()).item()
        if table.width
        else None
    )
    start = filled or 0
    top = [[_cell_text(v) for v in row] for row in table.slice(start, SEARCH_ROWS + 2).rows()]
    header: HeaderBlock | None = columns.find_header(top)
    where = f"{display} (лист «{chosen}»)"
    if header is None and unread:
        raise DataError(
            f"{where}: первый лист книги пуст, а данные есть на других ({_quoted(unread)}); укажите нужный лист как "
            "sheet в [[sources]] или сделайте его в книге первым."
        )
    if header is None:
        raise _no_header(where)
    if len(names) > 1:
        _require_known_header(
            columns, header, where, f"в книге есть листы {_quoted(names)} — укажите нужный как sheet в [[sources]]"
        )
    layout = columns.resolve(header.names, where, platform_given=platform_given)
    merged_counts = _merged_counts(
        table, extras.merged, layout, columns.kind, header.names, start + header.data_start, left
    )
    table = _fill_merged(table, extras.merged, start + header.data_start, left)
    fields = table.columns
    frame = (
        table.slice(start + header.data_start)
        .lazy()
        .with_row_index(ROW, offset=start + header.data_start + 1)
        .filter(any_of(pl.col(field).is_not_null() for field in fields))
    )
    frame = _select(frame, layout, fields, len(fields), [_NO_ROW_REASON])
    warnings = [f"{where}: {merged}" for merged in merged_counts]
    if unread:
        warnings.append(
            f"{display}: прочитан только первый{' видимый' if hidden else ''} лист книги, «{chosen}», а данные есть "
            f"и на других ({_quoted(unread)}); чтобы прочитать другой лист, укажите его как sheet в [[sources]], "
            "чтобы все — сохраните каждый лист отдельным файлом."
        )
    if hidden:
        warnings.append(
            f"{display}: скрытые листы книги не прочитаны ({_quoted(hidden)}), прочитан лист «{chosen}»; чтобы "
            "прочитать скрытый лист, укажите его как sheet в [[sources]]."
        )
    return RawTable(
        frame,
        frozenset(layout.positions),
        facts,
        sheet=chosen,
        warnings=tuple(warnings),
        headers=_headers(header.names, layout),
    )


def _read_parquet(
    path: Path, display: str, columns: ColumnMap, *, platform_given: bool, timezone: str, digest: bool
) -> RawTable:
    facts = fingerprint(path, display, digest=digest)
    try:
        frame = pl.scan_parquet(path, glob=False)
        schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError) as exc:
        raise DataError(
            f"{display}: файл не читается как Parquet ({type(exc).__name__}); выгрузите его заново."
        ) from exc
    names = schema.names()
    layout = columns.resolve(names, display, platform_given=platform_given)
    as_text: list[pl.Expr] = []
    for name in names:
        column, dtype = pl.col(name), schema[name]
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            column = column.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
        if isinstance(dtype, pl.Duration):
            # (a time column written as the time since midnight; Polars has no text for a duration)
            of_day = (column >= pl.duration(days=0)) & (column < pl.duration(days=1))
            clock = (pl.lit(datetime(2000, 1, 1)) + column).dt.strftime("%H:%M:%S%.f")
            column = pl.when(of_day).then(clock).otherwise(column.dt.to_string())  # (ISO 8601: «P1DT1H»)
        as_text.append(column.cast(pl.String).alias(name))
    # Parquet has no header line: rows are numbered from 1, as a table viewer shows them.
    # A Parquet row is a record, not a line someone left blank: none is skipped (`_other_cells` true).
    cells = _cells(layout, names)
    frame = (
        frame.with_columns(as_text)
        .with_row_index(ROW, offset=1)
        .select(
            pl.col(ROW).cast(pl.Int64),
            _NO_ROW_REASON,
            pl.lit(True).alias(OTHER_CELLS),
            *(c.alias(n) for n, c in cells.items()),
        )
    )
    return RawTable(frame, frozenset(layout.positions), facts, headers=_headers(names, layout))
