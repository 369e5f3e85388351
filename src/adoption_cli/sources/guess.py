"""What an export no name pattern matched seems to be, from its header: said in the warning that names the file,
so that the analyst can rename it (or list it in the manifest) without reading docs/data-formats.md. Never used
to read the file: a guess decides nothing about the figures.

Files come from the ministry as «Сферум входы сентябрь 2024.csv» or «ОО-1 2024 (свод).xlsx»; the kind is the one
whose required columns the header has (the most columns of its own on a tie of kinds), the platform a word of
the file name («сферум», «моя школа», «цпу»…). A file with a platform column of its own may hold several
platforms: a name then gives all its rows one, so the advice is a manifest entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adoption_cli.schema import DISCOVERY_PATTERNS, PLATFORMS, Kind
from adoption_cli.sources.columns import SEARCH_ROWS, ColumnMap, Row
from adoption_cli.sources.dialect import head_text, sniff_separator, split_records
from adoption_cli.text import folded

_SAMPLE_BYTES = 64 << 10
_XLSX_BYTES = 4 << 20  # a registry's workbook is far smaller; a month of logins far bigger
# Words of a file name that give its platform (compared in lower case, ё as е).
_NAME_WORDS = {
    "myschool": ("myschool", "моя школа", "моя_школа", "мояшкола", "мш", "фгис"),
    "sferum": ("sferum", "сферум", "икоп"),
    "assistant": ("assistant", "цпу", "помощник"),
}


@dataclass(frozen=True, slots=True)
class Guess:
    kind: Kind
    platform: str | None  # None: the kind's file names carry none, or the file's name does not say
    platform_column: bool = False  # the file has a platform column: its rows may be of several platforms

    def file_name(self, suffix: str) -> str:
        """The name discovery would recognise (its DISCOVERY_PATTERNS, the wildcards dropped): schools.csv,
        sferum_events.csv, assistant_stats.xlsx, <платформа>_accounts.xlsx."""
        pattern = next(pattern for pattern, kind in DISCOVERY_PATTERNS if kind == self.kind)
        stem = pattern.split("*")[0].removesuffix(".").format(platform=self.platform or "<платформа>")
        return f"{stem}{suffix}"


def guess(path: Path) -> Guess | None:
    """The kind (and platform) the file's header says, or None when it names no kind's required columns or
    cannot be read (the loader, not this, reports a damaged file)."""
    maps = {kind: ColumnMap(kind) for kind in Kind}  # (no manifest names: the file is in none)
    try:
        rows = _first_rows(path, maps)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # (any failure to peek at a file, a reader's panic too, only means no guess)
        return None
    scored: list[tuple[int, Kind, bool]] = []
    for kind, columns in maps.items():
        block = columns.find_header(rows)
        if block is None or columns.matches(block.names) < 2 or columns.missing_required(block.names):
            continue
        has_platform = any(columns.canonical(name) == "platform" for name in block.names)
        scored.append((columns.matches(block.names), kind, has_platform))
    if not scored:
        return None
    scored.sort(key=lambda item: -item[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None  # (two kinds fit as well: no guess rather than a wrong one)
    _, kind, has_platform = scored[0]
    # (from the name even where the file has a platform column: discovery goes by the name all the same)
    needs_platform = any("{platform}" in pattern for pattern, named in DISCOVERY_PATTERNS if named == kind)
    return Guess(kind, _platform_of(path.name) if needs_platform else None, needs_platform and has_platform)


def _platform_of(name: str) -> str | None:
    key = folded(name)
    found = [code for code in PLATFORMS if any(word in key for word in _NAME_WORDS.get(code, ()))]
    return found[0] if len(found) == 1 else None


def _first_rows(path: Path, maps: dict[Kind, ColumnMap]) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        # A workbook is parsed whole for its first rows (calamine; openpyxl's streaming reader still reads every
        # shared string first, and took longer): a big one, an export of logins, is not looked into.
        if path.stat().st_size > _XLSX_BYTES:
            return []
        import fastexcel

        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, n_rows=SEARCH_ROWS, dtypes="string")
        return [list(row) for row in sheet.to_polars().rows()]
    if suffix == ".parquet":
        import polars as pl

        return [list(pl.read_parquet_schema(path))]
    with path.open("rb") as handle:
        sample = head_text(handle.read(_SAMPLE_BYTES))
    separator = sniff_separator(
        sample, lambda rows: max(m.best_header_matches(rows) for m in maps.values()), default=";"
    )
    return list(split_records(sample, separator, SEARCH_ROWS))
