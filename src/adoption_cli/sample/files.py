"""How each generated file is written, in the mixed dialect of real exports or in the canonical one.

A `FileSpec` maps every output header to an expression over the canonical typed frame that yields the
cell's text; per-row variation (a `Z` timestamp, a `.0` ИНН, a number stored as text) comes from the frame's
`_u` column, a deterministic uniform. Planted rows are typed rows rendered the same way, with one cell then
overwritten by the bad text, and go into the middle of a file's first chunk (a ragged row goes last).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import polars as pl
from pydantic import BaseModel

from adoption_cli.periods import Period
from adoption_cli.sample.region import ADMIN
from adoption_cli.schema import Kind

if TYPE_CHECKING:
    from openpyxl import Workbook

Dialect = Literal["mixed", "canonical"]

# Naive timestamps are local time here; `Z` and offset renderings are converted from it.
TIMEZONE = "Europe/Moscow"


class GeneratedFile(BaseModel):
    path: str  # relative to the output folder
    kind: Kind
    platform: str | None = None
    rows: int  # data rows: header and title rows excluded, planted rows included


class PlantedRow(BaseModel):
    """A row put in on purpose: `rejected` ones must be rejected by the loader (with `reason`, a code of
    sources.reasons, on `column`), the others loaded and then set aside or merged."""

    path: str
    row: int  # as a person finds it: the line of a CSV (header = 1), the row of a sheet
    column: str  # canonical column name, "*" for the whole row
    value: str
    reason: str  # machine code
    description: str  # for people, Russian
    rejected: bool = True


# --- labels --------------------------------------------------------------------------------------------

_RU_PLATFORM = {"myschool": "Моя школа", "sferum": "Сферум", "assistant": "Цифровой помощник ученика"}
_RU_OWNERSHIP = {"municipal": "муниципальная", "state": "государственная", "private": "частная"}
_RU_CONTENT_KIND = {"cok": "ЦОК", "social": "Соцмедиа", "document": "Документы"}
# Each platform's export has its own words for roles and statuses.
_RU_ROLE = {
    "myschool": {
        "teacher": "педагог",
        "student": "обучающийся",
        "parent": "родитель (законный представитель)",
        ADMIN: "администратор",
    },
    "sferum": {"teacher": "Учитель", "student": "Ученик", "parent": "Родитель", ADMIN: "Администратор ОО"},
    "assistant": {"teacher": "педагог", "student": "обучающийся"},
}
_RU_STATUS = {
    "myschool": {"active": "активна", "blocked": "заблокирована"},
    "sferum": {"active": "Активен", "blocked": "Заблокирован"},
}
# Every Russian value the generator writes, by value type: tests check them against the schema vocabularies.
RUSSIAN_VALUES: dict[str, list[str]] = {
    "platform": list(_RU_PLATFORM.values()),
    "ownership": list(_RU_OWNERSHIP.values()),
    "content_kind": list(_RU_CONTENT_KIND.values()),
    "role": [label for labels in _RU_ROLE.values() for code, label in labels.items() if code != ADMIN],
    "status": [label for labels in _RU_STATUS.values() for label in labels.values()],
}

ISO = "%Y-%m-%dT%H:%M:%S"
_NBSP = "\u00a0"


def _label(column: str, labels: Mapping[str, str]) -> pl.Expr:
    """Codes to Russian; anything else (a planted unknown value) is written as it is."""
    return pl.col(column).replace_strict(list(labels), list(labels.values()), default=pl.col(column))


def _fmt(column: str, pattern: str) -> pl.Expr:
    return pl.col(column).dt.to_string(pattern)


def _iso_mixed_offsets(column: str) -> pl.Expr:
    """ISO local time, with some values in UTC (`Z`) and some with an explicit offset, as API logs mix them."""
    zoned = pl.col(column).dt.replace_time_zone(TIMEZONE)
    return (
        pl.when(pl.col("_u") < 0.08)
        .then(zoned.dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%SZ"))
        .when(pl.col("_u") < 0.13)
        .then(zoned.dt.to_string("%Y-%m-%dT%H:%M:%S%:z"))
        .otherwise(_fmt(column, ISO))
    )


def _thousands(column: str) -> pl.Expr:
    """A count with NBSP thousands separators, as Russian spreadsheets print them."""
    n = pl.col(column)

    def pad(part: pl.Expr) -> pl.Expr:
        return part.cast(pl.String).str.zfill(3)

    millions = pl.concat_str((n // 1_000_000).cast(pl.String), pl.lit(_NBSP), pad(n // 1000 % 1000))
    return (
        pl.when(n >= 1_000_000)
        .then(pl.concat_str(millions, pl.lit(_NBSP), pad(n % 1000)))
        .when(n >= 1000)
        .then(pl.concat_str((n // 1000).cast(pl.String), pl.lit(_NBSP), pad(n % 1000)))
        .otherwise(n.cast(pl.String))
    )


def _sometimes_as_text(column: str, threshold: float) -> pl.Expr:
    """Rows with `_u` from `threshold` on carry the count as text with NBSP thousands (the rest are numbers)."""
    return pl.when(pl.col("_u") >= threshold).then(_thousands(column)).otherwise(pl.col(column).cast(pl.String))


# --- file specs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileSpec:
    path: str
    kind: Kind
    platform: str | None  # the platform the file is about (also in its name)
    cells: dict[str, pl.Expr]  # output header -> cell text over the typed canonical frame
    columns: dict[str, str]  # output header -> canonical column
    encoding: str = "utf-8"
    separator: str = ","
    title: tuple[str, ...] = ()  # xlsx: title lines above the header (then an empty row)
    numeric: Mapping[str, float] = field(default_factory=dict)  # xlsx: rows with `_u` below this store a number

    @property
    def is_sheet(self) -> bool:
        return self.path.endswith(".xlsx")

    def render(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Cell texts, plus the frame's helper columns (named `_…`)."""
        helpers = [c for c in frame.columns if c.startswith("_")]
        return frame.select(*(expr.cast(pl.String).alias(h) for h, expr in self.cells.items()), *helpers)

    def header_of(self, column: str) -> str:
        return next(h for h, c in self.columns.items() if c == column)


def _spec(
    path: str, kind: Kind, platform: str | None, columns: Sequence[tuple[str, str, pl.Expr]], **options: Any
) -> FileSpec:
    return FileSpec(
        path,
        kind,
        platform,
        cells={header: expr for _, header, expr in columns},
        columns={header: column for column, header, _ in columns},
        **options,
    )


ACCOUNT_COLUMNS = ("platform", "user_id", "role", "school_id", "status", "registered_at", "last_login_at")
EVENT_COLUMNS = ("platform", "user_id", "role", "school_id", "ts")
STATS_COLUMNS = ("platform", "school_id", "month", "role", "registered", "active")
SCHOOL_COLUMNS = ("school_id", "name", "municipality", "ownership", "teachers_total", "students_total")
ITEM_COLUMNS = ("content_id", "kind", "available_from", "available_to")
VIEW_COLUMNS = ("content_id", "user_id", "ts")
_DATETIMES = {"registered_at", "last_login_at", "ts", "available_from", "available_to"}


def _canonical(path: str, kind: Kind, platform: str | None, columns: Sequence[str]) -> FileSpec:
    def cell(column: str) -> pl.Expr:
        if column == "month":
            return _fmt(column, "%Y-%m")
        return _fmt(column, ISO) if column in _DATETIMES else pl.col(column)

    return _spec(path, kind, platform, [(c, c, cell(c)) for c in columns])


def month_file(period: Period) -> str:
    return f"myschool_events_{period.label}.csv"


def file_specs(dialect: Dialect, months: Sequence[Period]) -> dict[str, FileSpec]:
    """Every file of a dialect, keyed by what it holds (`myschool_events/<month index>` for the monthly logs)."""
    if dialect == "canonical":
        specs = {
            "schools": _canonical("schools.csv", Kind.SCHOOLS, None, SCHOOL_COLUMNS),
            "myschool_accounts": _canonical("myschool_accounts.csv", Kind.ACCOUNTS, "myschool", ACCOUNT_COLUMNS),
            "sferum_accounts": _canonical("sferum_accounts.csv", Kind.ACCOUNTS, "sferum", ACCOUNT_COLUMNS),
            "sferum_events": _canonical("sferum_events.csv", Kind.EVENTS, "sferum", EVENT_COLUMNS),
            "assistant_stats": _canonical("assistant_stats.csv", Kind.SCHOOL_STATS, "assistant", STATS_COLUMNS),
            "content_items": _canonical("content_items.csv", Kind.CONTENT_ITEMS, None, ITEM_COLUMNS),
            "content_views": _canonical("content_views.csv", Kind.CONTENT_VIEWS, None, VIEW_COLUMNS),
        }
        for i, period in enumerate(months):
            specs[f"myschool_events/{i}"] = _canonical(month_file(period), Kind.EVENTS, "myschool", EVENT_COLUMNS)
        return specs
    specs = _mixed_specs(months)
    for i, period in enumerate(months):
        # The «Моя школа» API log: UTF-8, `,`, canonical headers and codes, ISO with some `Z` and offsets; no
        # platform column (the file name says it).
        specs[f"myschool_events/{i}"] = _spec(
            month_file(period),
            Kind.EVENTS,
            "myschool",
            [(c, c, _iso_mixed_offsets(c) if c == "ts" else pl.col(c)) for c in EVENT_COLUMNS if c != "platform"],
        )
    return specs


def _mixed_specs(months: Sequence[Period]) -> dict[str, FileSpec]:
    year = months[-1].start.year if months[-1].start.month >= 9 else months[-1].start.year - 1
    # An ИНН typed by hand: a few with a leading apostrophe or a trailing space; numbers in most rows.
    typed_inn = (
        pl.when(pl.col("_u") >= 0.97)
        .then(pl.concat_str(pl.lit("'"), pl.col("school_id")))
        .when(pl.col("_u") >= 0.94)
        .then(pl.concat_str(pl.col("school_id"), pl.lit(" ")))
        .otherwise(pl.col("school_id"))
    )
    schools = _spec(
        "schools.xlsx",
        Kind.SCHOOLS,
        None,
        [
            ("name", "Наименование ОО", pl.col("name")),
            ("school_id", "ИНН", typed_inn),
            ("municipality", "Муниципальное образование", pl.col("municipality")),
            ("ownership", "Форма собственности", _label("ownership", _RU_OWNERSHIP)),
            ("teachers_total", "Численность педагогических работников", _sometimes_as_text("teachers_total", 0.85)),
            ("students_total", "Численность обучающихся", _sometimes_as_text("students_total", 0.85)),
        ],
        title=(
            "Сведения об общеобразовательных организациях Краснодарского края",
            f"Форма ОО-1 по состоянию на 20.09.{year}",
        ),
        numeric={
            "ИНН": 0.55,
            "Численность педагогических работников": 0.85,
            "Численность обучающихся": 0.85,
        },
    )
    # The «Моя школа» ministry export: cp1251, `;`, Russian headers and values, dd.mm.yyyy.
    myschool_accounts = _spec(
        "myschool_accounts.csv",
        Kind.ACCOUNTS,
        "myschool",
        [
            ("platform", "Платформа", _label("platform", _RU_PLATFORM)),
            ("user_id", "ID пользователя", pl.col("user_id")),
            ("role", "Роль", _label("role", _RU_ROLE["myschool"])),
            ("school_id", "ИНН ОО", pl.col("school_id")),
            ("status", "Статус учетной записи", _label("status", _RU_STATUS["myschool"])),
            ("registered_at", "Дата регистрации", _fmt("registered_at", "%d.%m.%Y")),
            ("last_login_at", "Дата последнего входа", _fmt("last_login_at", "%d.%m.%Y %H:%M:%S")),
        ],
        encoding="cp1251",
        separator=";",
    )
    # «Сферум»: cp1251, minutes without seconds; an Excel round trip left `.0` on some ИНН; the login log
    # has no platform column.
    sferum_inn = (
        pl.when(pl.col("_u") < 0.02).then(pl.concat_str(pl.col("school_id"), pl.lit(".0"))).otherwise("school_id")
    )
    sferum_accounts = _spec(
        "sferum_accounts.csv",
        Kind.ACCOUNTS,
        "sferum",
        [
            ("platform", "Платформа", _label("platform", _RU_PLATFORM)),
            ("user_id", "Идентификатор пользователя", pl.col("user_id")),
            ("role", "Роль пользователя", _label("role", _RU_ROLE["sferum"])),
            ("school_id", "ИНН организации", sferum_inn),
            ("status", "Статус", _label("status", _RU_STATUS["sferum"])),
            ("registered_at", "Дата регистрации", _fmt("registered_at", "%d.%m.%Y")),
            ("last_login_at", "Последний вход", _fmt("last_login_at", "%d.%m.%Y %H:%M")),
        ],
        encoding="cp1251",
        separator=";",
    )
    sferum_events = _spec(
        "sferum_events.tsv",
        Kind.EVENTS,
        "sferum",
        [
            ("user_id", "ID пользователя", pl.col("user_id")),
            ("role", "Роль", _label("role", _RU_ROLE["sferum"])),
            ("school_id", "ИНН", pl.col("school_id")),
            ("ts", "Дата и время входа", _fmt("ts", "%d.%m.%Y %H:%M")),
        ],
        encoding="cp1251",
        separator="\t",
    )
    # ЦПУ: a workbook without a platform column (the file name says it), MM.YYYY periods, NBSP thousands.
    assistant_stats = _spec(
        "assistant_stats.xlsx",
        Kind.SCHOOL_STATS,
        "assistant",
        [
            ("month", "Период", _fmt("month", "%m.%Y")),
            ("role", "Роль", _label("role", _RU_ROLE["assistant"])),
            ("school_id", "ИНН", pl.col("school_id")),
            ("registered", "Зарегистрировано", _sometimes_as_text("registered", 0.5)),
            ("active", "Активных", _sometimes_as_text("active", 0.5)),
        ],
        title=(
            "Цифровой помощник ученика: зарегистрированные и активные пользователи по школам",
            f"Период: {months[0].start:%m.%Y} – {months[-1].start:%m.%Y}",
        ),
        numeric={"ИНН": 0.3, "Зарегистрировано": 0.5, "Активных": 0.5},
    )
    content_items = _spec(
        "content_items.csv",
        Kind.CONTENT_ITEMS,
        None,
        [
            ("content_id", "ID контента", pl.col("content_id")),
            ("kind", "Вид контента", _label("kind", _RU_CONTENT_KIND)),
            ("available_from", "Доступен с", _fmt("available_from", "%d.%m.%Y")),
            ("available_to", "Доступен по", _fmt("available_to", "%d.%m.%Y")),
        ],
        encoding="cp1251",
        separator=";",
    )
    # Views: UTF-8 with a BOM, pipe-separated, ISO with a space and no seconds.
    content_views = _spec(
        "content_views.csv",
        Kind.CONTENT_VIEWS,
        None,
        [
            ("content_id", "ID контента", pl.col("content_id")),
            ("user_id", "ID пользователя", pl.col("user_id")),
            ("ts", "Дата и время просмотра", _fmt("ts", "%Y-%m-%d %H:%M")),
        ],
        encoding="utf-8-sig",
        separator="|",
    )
    return {
        "schools": schools,
        "myschool_accounts": myschool_accounts,
        "sferum_accounts": sferum_accounts,
        "sferum_events": sferum_events,
        "assistant_stats": assistant_stats,
        "content_items": content_items,
        "content_views": content_views,
    }


# --- planted rows and tags -------------------------------------------------------------------------------


@dataclass(slots=True)
class Planted:
    """A planted row: typed values rendered like every other row, then `column` overwritten by `text`."""

    values: dict[str, Any]
    reason: str
    description: str
    column: str = "*"
    text: Mapping[Dialect, str | None] | None = None  # the bad cell as each dialect writes it (None: empty)
    rejected: bool = True
    ragged: int = 0  # > 0: a last line cut off after this many cells (`column` names the first one missing)


# Registry rows marked by `_tag`: (reason, column, description).
_TAGS = {
    "branch": ("branch", "school_id", "Филиал подаёт свою строку ОО-1 с тем же ИНН: строки суммируются"),
    "duplicate": ("duplicate_row", "*", "Точная копия строки реестра: отбрасывается как дубликат"),
    "headcount": (
        "headcount_above_oo1",
        "students_total",
        "Фактическая численность выше ОО-1: доли могут упереться в 100%",
    ),
}
_NEUTRAL_U = 0.5  # planted rows are written in each file's most common form


def _render_planted(
    spec: FileSpec, dialect: Dialect, schema: Mapping[str, pl.DataType], planted: Sequence[Planted]
) -> pl.DataFrame:
    typed = pl.DataFrame([p.values | {"_u": _NEUTRAL_U} for p in planted], schema=dict(schema), orient="row")
    rendered = spec.render(typed)
    for i, p in enumerate(planted):
        if p.text is not None:
            header = spec.header_of(p.column)
            bad = (
                pl.when(pl.int_range(pl.len()) == i).then(pl.lit(p.text[dialect], pl.String)).otherwise(pl.col(header))
            )
            rendered = rendered.with_columns(bad.alias(header))
    return rendered


def _reports(
    spec: FileSpec, planted: Sequence[Planted], rendered: pl.DataFrame, at: int, first_row: int
) -> list[PlantedRow]:
    """Report rows for planted rows (at `at` in `rendered`) and for `_tag`ged rows; `first_row` is rendered[0]'s."""
    reports = [
        PlantedRow(
            path=spec.path,
            row=first_row + at + i,
            column=p.column,
            value="" if p.column == "*" or p.ragged else (rendered[spec.header_of(p.column)][at + i] or ""),
            reason=p.reason,
            description=p.description,
            rejected=p.rejected,
        )
        for i, p in enumerate(planted)
    ]
    if "_tag" in rendered.columns:
        tagged = rendered.with_row_index("_index").filter(pl.col("_tag").is_not_null())
        for row in tagged.iter_rows(named=True):
            reason, column, description = _TAGS[row["_tag"]]
            reports.append(
                PlantedRow(
                    path=spec.path,
                    row=first_row + row["_index"],
                    column=column,
                    value="" if column == "*" else row[spec.header_of(column)],
                    reason=reason,
                    description=description,
                    rejected=False,
                )
            )
    return reports


def _with_planted(
    spec: FileSpec, dialect: Dialect, frame: pl.DataFrame, planted: Sequence[Planted]
) -> tuple[pl.DataFrame, int]:
    """The frame rendered, with the planted rows in its middle; returns it and the first planted row's index."""
    rendered = spec.render(frame)
    at = rendered.height // 2
    if planted:
        bad = _render_planted(spec, dialect, frame.schema, planted)
        rendered = pl.concat([rendered.head(at), bad, rendered.slice(at)], how="diagonal_relaxed")
    return rendered, at


# --- writers -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class CsvSink:
    """One output CSV written chunk by chunk; planted rows go into its first chunk, a ragged one last."""

    out_dir: Path
    spec: FileSpec
    dialect: Dialect
    planted: list[Planted] = field(default_factory=list)
    rows: int = 0
    reports: list[PlantedRow] = field(default_factory=list)
    _handle: BinaryIO | None = None
    _schema: dict[str, pl.DataType] | None = None

    def _open(self) -> BinaryIO:
        if self._handle is None:
            self._handle = (self.out_dir / self.spec.path).open("wb")
            if self.spec.encoding == "utf-8-sig":
                self._handle.write(codecs.BOM_UTF8)
        return self._handle

    def _emit(self, text: str) -> None:
        self._open().write(text.encode(self.spec.encoding.removesuffix("-sig")))

    def write(self, frame: pl.DataFrame) -> None:
        first = self._handle is None
        self._schema = dict(frame.schema)
        inline = [p for p in self.planted if not p.ragged] if first else []
        rendered, at = _with_planted(self.spec, self.dialect, frame, inline)
        self.reports += _reports(self.spec, inline, rendered, at, first_row=self.rows + 2)  # the header is line 1
        cells = rendered.select(*self.spec.cells)
        separator = self.spec.separator
        if self.spec.encoding.startswith("utf-8"):  # Polars writes UTF-8 itself: no round trip through Python
            cells.write_csv(self._open(), separator=separator, include_header=first, line_terminator="\n")
        else:
            self._emit(cells.write_csv(separator=separator, include_header=first, line_terminator="\n"))
        self.rows += cells.height

    def close(self, schema: Mapping[str, pl.DataType]) -> GeneratedFile:
        if self._handle is None:  # no rows at all: still a file with its header
            self.write(pl.DataFrame(schema=dict(schema)))
        ragged = [p for p in self.planted if p.ragged]
        if ragged:
            rendered = _render_planted(self.spec, self.dialect, self._schema or schema, ragged)
            self.reports += _reports(self.spec, ragged, rendered, 0, first_row=self.rows + 2)
            for i, p in enumerate(ragged):
                cells = [value or "" for value in rendered.select(*self.spec.cells).row(i)[: p.ragged]]
                self._emit(self.spec.separator.join(cells) + "\n")
                self.rows += 1
        assert self._handle is not None
        self._handle.close()
        return GeneratedFile(path=self.spec.path, kind=self.spec.kind, platform=self.spec.platform, rows=self.rows)


_INTEGER = re.compile(r"-?\d+")


def write_sheet(
    out_dir: Path,
    spec: FileSpec,
    dialect: Dialect,
    frame: pl.DataFrame,
    planted: Sequence[Planted],
    exported: datetime,
) -> tuple[GeneratedFile, list[PlantedRow]]:
    """A one-sheet workbook: title lines, an empty row, the header, then the rows; `exported` is its timestamp."""
    from openpyxl import Workbook

    rendered, at = _with_planted(spec, dialect, frame, planted)
    first_row = len(spec.title) + 3
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Лист1")
    for line in spec.title:
        sheet.append([line])
    sheet.append([])
    headers = list(spec.cells)
    sheet.append(headers)
    for u, *texts in rendered.select("_u", *headers).iter_rows():
        cells: list[object] = []
        for header, text in zip(headers, texts, strict=True):
            as_number = u < spec.numeric.get(header, -1.0) and text is not None and _INTEGER.fullmatch(text)
            cells.append(int(text) if as_number else text)
        sheet.append(cells)
    _save_reproducibly(workbook, out_dir / spec.path, exported)
    generated = GeneratedFile(path=spec.path, kind=spec.kind, platform=spec.platform, rows=rendered.height)
    return generated, _reports(spec, planted, rendered, at, first_row)


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _save_reproducibly(workbook: Workbook, path: Path, exported: datetime) -> None:
    """Save with fixed document dates and zip entry times, so that the same sheet gives the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = workbook.properties.modified = exported
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, _ZIP_EPOCH), source.read(entry), zipfile.ZIP_DEFLATED)
