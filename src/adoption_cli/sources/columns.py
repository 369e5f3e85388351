"""Which row is the header and which header is which canonical column.

Exports put title rows above the header, split a header over two rows under merged group cells
(«Численность» over «педагогических работников» | «обучающихся»), and number the columns 1, 2, 3… in the
row below it. The header is the first row among the first SEARCH_ROWS where at least two cells name known
columns of the kind — unless a later one of them has every required column (a metadata row above the table
names two columns too); the next row joins it when that supplies missing required columns, or when it is a
row of sub-headers under a merged group (`ColumnMap._sub_headers`); a numbering row is skipped.

A known count merged over sub-columns («Обучающиеся» over «1-4 | 5-9 | 10-11 | Итого») is read from its
sub-column «всего»/«итого»; with none such, from none (the column is then missing, and the error lists the
sub-columns' names to choose from in [sources.columns]) — never from its first sub-column, silently.

A timestamp may come as two columns, its date and its time of day («Дата входа» | «Время входа»): both name
one canonical column, and the reader joins their cells (`Layout.time_parts`). Beside a header of a whole
timestamp («Дата и время»), such a part is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adoption_cli.errors import DataError
from adoption_cli.schema import (
    ALIAS_RANKS,
    COLUMNS,
    NO_FIGURE,
    PLATFORMS,
    Column,
    Kind,
    ValueType,
    column_of,
    normalise_header,
)

SEARCH_ROWS = 30
MIN_HEADER_MATCHES = 2
_SHOWN_HEADERS = 20  # of a file's headers in the message about a missing column

Cell = str | None
Row = Sequence[Cell]


# A header of a timestamp's date alone, or of its time of day alone (after `normalise_header`: no spaces).
_DATE_PART = re.compile(r"^(?:дата|date)(?!.*(?:время|time))")
_TIME_PART = re.compile(r"^(?:время|time)(?!stamp)(?!.*(?:дата|date))")
# A sub-column holding a group's total (after `normalise_header`): «всего», «Итого», «Всего, чел.».
_TOTAL = re.compile(r"^(?:всего|итого)")
# A unit after a group's name, dropped before its sub-header is appended: «Численность, чел.» over «обучающихся».
_GROUP_UNIT = re.compile(r",?\s*\(?(?:чел|человек)\.?\)?\s*$")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each canonical column is: its position, and for a timestamp split over two columns (a date and
    a time of day) the position of the time's column in `time_parts` (the date's is in `positions`)."""

    positions: dict[str, int]
    time_parts: dict[str, int]


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    first: int  # index (0-based, among the rows given) of the first header row
    data_start: int  # index of the first data row
    names: list[Cell]  # header name per column position


def _filled(cell: Cell) -> str | None:
    return cell.strip() if cell is not None and cell.strip() else None


def _heading(cell: Cell) -> str | None:
    """A cell that may be a header: filled, and not how a table writes «no figure» («н/д», a dash)."""
    filled = _filled(cell)
    return None if filled is None or filled.lower() in NO_FIGURE else filled


class ColumnMap:
    """Header -> canonical column for one kind: canonical names, Russian aliases, manifest names.

    A canonical column named in `[sources.columns]` is matched by that header only, so that another column
    carrying one of its aliases cannot compete with it.
    """

    def __init__(self, kind: Kind, explicit: Mapping[str, str] | None = None, entry: str | None = None) -> None:
        self.kind = kind
        self.explicit = dict(explicit or {})
        self.entry = entry  # the path of the file's [[sources]] entry; None: the file was recognised by name
        self._index: dict[str, str] = {}
        # a spelling as written (but for case and spaces: no unit dropped) -> its column and rank (ALIAS_RANKS)
        self._exact: dict[str, tuple[str, int]] = {}
        self._ranks: dict[str, int] = {}  # the same by `_index`'s key (unit dropped)
        for column in COLUMNS[kind]:
            spellings = (
                (self.explicit[column.name],) if column.name in self.explicit else (column.name, *column.aliases)
            )
            for spelling in spellings:
                rank = ALIAS_RANKS.get(spelling, 0) if column.name not in self.explicit else 0
                self._index[normalise_header(spelling)] = column.name
                self._ranks[normalise_header(spelling)] = rank
                self._exact[normalise_header(spelling, units=False)] = (column.name, rank)

    def canonical(self, header: Cell) -> str | None:
        return self._index.get(normalise_header(header)) if header else None

    def matches(self, names: Sequence[Cell]) -> int:
        """How many distinct canonical columns a row of names covers."""
        return len({name for name in map(self.canonical, names) if name})

    def missing_required(self, names: Sequence[Cell]) -> int:
        """Required columns (the platform aside: a file name may give it) that a row of names lacks."""
        found = set(map(self.canonical, names))
        return sum(1 for c in COLUMNS[self.kind] if c.required and c.name != "platform" and c.name not in found)

    def best_header_matches(self, rows: Sequence[Row]) -> int:
        """Coverage of the best header candidate among the first rows (used to sniff separators)."""
        return max((self.matches(row) for row in rows[:SEARCH_ROWS]), default=0)

    def _two_row_names(self, upper: Row, lower: Row) -> list[Cell]:
        """Names of a header split over two rows; a merged group cell's text carries to the right. Under a
        group that alone names a column, the sub-column «всего»/«итого» is that column and every other one
        is «group sub-header» (no column of ours)."""
        names: list[Cell] = []
        groups: dict[int, list[int]] = defaultdict(list)  # a group's first position -> its sub-columns
        carried: str | None = None
        origin = 0
        for position in range(max(len(upper), len(lower))):
            top = _filled(upper[position]) if position < len(upper) else None
            bottom = _filled(lower[position]) if position < len(lower) else None
            if top is not None:
                carried, origin = top, position
            elif bottom is not None:
                top = carried
            joined = f"{top} {bottom}" if top and bottom else None
            unitless = f"{_GROUP_UNIT.sub('', top)} {bottom}" if top and bottom else None
            known = [c for c in (joined, unitless, top, bottom) if c and self.canonical(c)]
            names.append(known[0] if known else (bottom or top))
            if known and known[0] == top and bottom:
                groups[origin].append(position)
        for members in groups.values():
            if len(members) < 2:
                continue
            # (the total: «всего»/«итого», or a sub-header naming the group's column itself, «Численность
            # обучающихся» over «Количество обучающихся» | «из них с ОВЗ»)
            totals = [
                p
                for p in members
                if _TOTAL.match(normalise_header(_filled(lower[p]) or ""))
                or self.canonical(_filled(lower[p])) == self.canonical(names[p])
            ]
            for position in members:
                if totals != [position]:
                    names[position] = f"{names[position]} {_filled(lower[position])}"
        return names

    def _sub_headers(self, upper: Row, lower: Row) -> bool:
        """Whether `lower` names the sub-columns of a count merged over several («Обучающиеся» over «1-4 |
        … | Итого»): text under the group and beside it under its empty continuation, and nothing under any
        header that starts no group (ИНН, Наименование: merged down over both rows) — where a data row has its
        ИНН and name, whatever its numbers look like."""
        width = max(len(upper), len(lower))
        top = [_filled(upper[p]) if p < len(upper) else None for p in range(width)]
        # («н/д» or a dash under a count is a data row's «no figure», not a sub-header)
        bottom = [_heading(lower[p]) if p < len(lower) else None for p in range(width)]
        grouped = False
        for position in range(width):
            starts_group = position + 1 < width and top[position] is not None and top[position + 1] is None
            if not starts_group:
                if top[position] is not None and bottom[position] is not None:
                    return False  # a column of its own with something under it: a data row
                continue
            name = self.canonical(top[position])
            counted = name is not None and column_of(self.kind, name).type == ValueType.COUNT
            grouped |= counted and bottom[position] is not None and bottom[position + 1] is not None
        return grouped

    def find_header(self, rows: Sequence[Row]) -> HeaderBlock | None:
        """The header block among `rows`; None when every row is blank."""
        non_blank = [i for i, row in enumerate(rows) if any(_filled(cell) for cell in row)]
        if not non_blank:
            return None
        found = [block for index in range(min(len(rows), SEARCH_ROWS)) if (block := self._block(rows, index))]
        if found:
            # A metadata row above the table («Платформа | ЦПУ | Период | 09.2024») names two columns too:
            # the first row that has every required column wins over it.
            return next((block for block in found if not self.missing_required(block.names)), found[0])
        first = non_blank[0]
        return HeaderBlock(first, first + 1, [_filled(cell) for cell in rows[first]])

    def _block(self, rows: Sequence[Row], index: int) -> HeaderBlock | None:
        """The header block starting at `rows[index]`, if that row names at least two known columns."""
        row = rows[index]
        if self.matches(row) < MIN_HEADER_MATCHES:
            return None
        names: list[Cell] = [_filled(cell) for cell in row]
        data_start = index + 1
        if index + 1 < len(rows) and self._sub_headers(row, rows[index + 1]):
            # (whatever it then lacks: the group's first sub-column must not be read as the group)
            names, data_start = self._two_row_names(row, rows[index + 1]), index + 2
        elif index + 1 < len(rows) and self.missing_required(names):
            # Only a header that lacks required columns may continue on the next row: a data cell that
            # happens to equal an alias («Школа») must not turn the first data row into a header.
            double = self._two_row_names(row, rows[index + 1])
            if self.missing_required(double) < self.missing_required(names):
                names, data_start = double, index + 2
        if data_start < len(rows) and _is_numbering(rows[data_start]):
            data_start += 1
        return HeaderBlock(index, data_start, names)

    def resolve(self, names: Sequence[Cell], display: str, *, platform_given: bool) -> Layout:
        """Canonical column -> position; DataError for duplicates, missing required or manifest columns."""
        positions: dict[str, list[int]] = defaultdict(list)
        time_parts: dict[str, int] = {}
        for position, name in enumerate(names):
            canonical = self.canonical(name)
            if canonical:
                positions[canonical].append(position)
        for canonical, found in positions.items():
            if len(found) > 1:
                # «ИНН» beside «ИНН/КПП», «Педагогов» beside «Педагогов, чел.», «Краткое наименование» beside
                # «Наименование ОО»: the header of the lowest rank is the column
                ranks = [self._rank(names[p] or "", canonical) for p in found]
                best = [p for p, rank in zip(found, ranks, strict=True) if rank[0] == min(ranks)[0]]
                if len({normalise_header(names[p] or "") for p in best}) == 1:
                    # one header twice, once with its unit: the one written exactly («Педагогов, чел.» beside
                    # «Численность педагогов» is two headers of one rank, an error)
                    best = [p for p, rank in zip(found, ranks, strict=True) if rank == min(ranks)]
                if len(best) == 1:
                    found[:] = best
                    continue
                timestamp = self._timestamp_headers(canonical, [names[p] or "" for p in best])
                if timestamp is not None:
                    read, time = timestamp
                    if time is not None:
                        time_parts[canonical] = best[time]
                    found[:] = [best[read]]
                    continue
                first, second = best[:2]
                raise DataError(
                    f"{display}: столбцы «{_one_line(names[first])}» (№{first + 1}) и «{_one_line(names[second])}» "
                    f"(№{second + 1}) "
                    f"оба означают {self._label(canonical)}; оставьте один из них или укажите нужный в "
                    "[sources.columns]."
                )
        for canonical, header in self.explicit.items():
            if canonical not in positions:
                raise DataError(
                    f"{display}: нет столбца «{header}», который [sources.columns] назначает для «{canonical}»; "
                    "исправьте название в adoption.toml."
                )
        missing = [c for c in COLUMNS[self.kind] if c.required and c.name not in positions and c.name != "platform"]
        if missing:
            raise DataError(self._missing(display, missing, names))
        needs_platform = any(c.name == "platform" and c.required for c in COLUMNS[self.kind])
        if needs_platform and "platform" not in positions and not platform_given:
            raise DataError(self._no_platform(display))
        return Layout({canonical: found[0] for canonical, found in positions.items()}, time_parts)

    def _rank(self, header: str, canonical: str) -> tuple[int, int]:
        """(the spelling's rank, 1 if it names the column only with its unit dropped): the lower, the likelier."""
        exact = self._exact.get(normalise_header(header, units=False))
        if exact is not None and exact[0] == canonical:
            return exact[1], 0
        return self._ranks.get(normalise_header(header), 0), 1

    def _label(self, canonical: str) -> str:
        """«ИНН» (school_id): a column as a reader of the export calls it, and its key for [sources.columns]."""
        column = column_of(self.kind, canonical)
        return f"«{column.aliases[0]}» ({canonical})" if column.aliases else f"«{canonical}»"

    def _missing(self, display: str, missing: Sequence[Column], names: Sequence[Cell]) -> str:
        """Every required column the header lacks, each with the headers that would do, and the file's own
        headers: the whole fix in one message, not one column per run."""
        which = " и ".join(
            f"«{column.aliases[0] if column.aliases else column.name}» ({column.name}; подходят заголовки: "
            f"{', '.join(f'«{name}»' for name in column.aliases)})"
            for column in missing
        )
        header = [_one_line(name) for name in names if name]
        shown = ", ".join(f"«{name}»" for name in header[:_SHOWN_HEADERS])
        more = f" и ещё {len(header) - _SHOWN_HEADERS}" if len(header) > _SHOWN_HEADERS else ""
        found = f"в файле: {shown}{more}; " if header else ""
        noun = "обязательного столбца" if len(missing) == 1 else "обязательных столбцов"
        return f"{display}: нет {noun} {which}; {found}переименуйте столбец или укажите его в [sources.columns]."

    def _timestamp_headers(self, canonical: str, headers: list[str]) -> tuple[int, int | None] | None:
        """For several `headers` of one timestamp column: (the index of the one read, the index of a time column
        joined to it or None); None where they cannot be told apart (an error). One header of a whole timestamp
        («Дата и время», «Последний вход») is the column and the others are ignored; else a date alone and a time
        of day alone («Дата входа», «Время входа») are one timestamp in two columns."""
        if column_of(self.kind, canonical).type != ValueType.DATETIME:
            return None
        keys = [normalise_header(header) for header in headers]
        dates = [i for i, key in enumerate(keys) if _DATE_PART.search(key)]
        times = [i for i, key in enumerate(keys) if _TIME_PART.search(key)]
        wholes = [i for i in range(len(keys)) if i not in dates and i not in times]
        if len(wholes) == 1:
            return wholes[0], None
        if not wholes and len(dates) == 1 and len(times) == 1:
            return dates[0], times[0]
        return None

    def _no_platform(self, display: str) -> str:
        if self.entry is None:
            return (
                f"{display}: нет столбца «Платформа», и платформа не видна из имени файла; назовите файл "
                "<платформа>_… (myschool, sferum, assistant) или укажите platform в [[sources]]."
            )
        # With a manifest the entry alone gives the platform, whatever the file is called.
        name = display.rsplit("/", 1)[-1].lower()
        named = next((code for code in PLATFORMS if name.startswith(f"{code}_")), None)
        value = f'platform = "{named}"' if named else 'platform = "myschool", "sferum" или "assistant"'
        return (
            f"{display}: нет столбца «Платформа», а в записи [[sources]] с path = «{self.entry}» не указана "
            f"платформа; добавьте в эту запись {value}."
        )


def printable(text: str) -> str:
    """`text` without control (Cc) or format (Cf) characters: the values' UNPRINTABLE, for Python strings."""
    return "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))


def _one_line(header: Cell, limit: int = 60) -> str:
    """A header as a one-line message shows it: `printable`, whitespace runs (line breaks too) as one space, at
    most `limit` characters."""
    text = " ".join(printable(header or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_numbering(row: Row) -> bool:
    """A row that only numbers the columns 1, 2, 3… (as official forms do under their header)."""
    cells = [_filled(cell) for cell in row]
    values = [cell.removesuffix(".0") for cell in cells if cell is not None]
    if len(values) < 2 or not all(v.isascii() and v.isdigit() for v in values):
        return False
    numbers = [int(v) for v in values]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
