"""Small builders for the sources tests: files in every dialect, written from plain Python data."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from adoption_cli.config import load_settings
from adoption_cli.dataset import Dataset, FileLoad
from adoption_cli.errors import DataError
from adoption_cli.sources import load_dataset

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dialects"
CANONICAL = FIXTURES / "canonical"

# Valid ИНН, check digits computed by hand: weights 2,4,10,3,5,9,4,6,8; sum mod 11 mod 10.
INN_A = "2310031475"  # 4+12+10+0+0+27+4+24+56 = 137; 137 mod 11 = 5
INN_B = "2308000007"  # 4+12+0+24 = 40; 40 mod 11 = 7
INN_C = "2310000004"  # 4+12+10 = 26; 26 mod 11 = 4
INN_D = "2309000000"  # 4+12+0+27 = 43; 43 mod 11 = 10; 10 mod 10 = 0
INN_OUTSIDE = "7707083893"  # 14+28+0+21+0+72+12+48+72 = 267; 267 mod 11 = 3 — valid, not in the registry
INN_REGION_01 = "0105012349"  # 0+4+0+15+0+9+8+18+32 = 86; 86 mod 11 = 9

RU_REGISTRY_HEADER = [
    "ИНН",
    "Наименование",
    "МО",
    "Форма собственности",
    "Численность педагогических работников",
    "Численность обучающихся",
]

REGISTRY_HEADER = "school_id,name,municipality,ownership,teachers_total,students_total"
REGISTRY = f"""{REGISTRY_HEADER}
{INN_A},Школа 1,г. Краснодар,municipal,40,600
{INN_B},Школа 2,г. Сочи,state,25,310
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def write_registry(data_dir: Path) -> Path:
    return write(data_dir / "schools.csv", REGISTRY)


REGISTRY_SOURCE = {"path": "schools.csv", "kind": "schools"}


def write_manifest(data_dir: Path, *sources: dict[str, object]) -> Path:
    """adoption.toml with one [[sources]] entry per dict; a `columns` dict becomes [sources.columns]."""
    lines: list[str] = []
    for source in sources:
        lines.append("[[sources]]")
        lines += [f'{key} = "{value}"' for key, value in source.items() if key != "columns"]
        columns = source.get("columns")
        if isinstance(columns, dict):
            lines.append("[sources.columns]")
            lines += [f'{key} = "{value}"' for key, value in columns.items()]
    return write(data_dir / "adoption.toml", "\n".join(lines) + "\n")


def load(data_dir: Path, **kwargs: object) -> Dataset:
    return load_dataset(data_dir, load_settings(data_dir, environ={}), **kwargs)  # type: ignore[arg-type]


def load_error(data_dir: Path) -> str:
    """The one-line message loading `data_dir` stops with (a DataError is expected)."""
    with pytest.raises(DataError) as error:
        load(data_dir)
    return error.value.message


def file_load(dataset: Dataset, path: str) -> FileLoad:
    return next(f for f in dataset.report.files if f.path == path)


def read_canonical(name: str) -> list[dict[str, str]]:
    with (CANONICAL / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def delimited(header: Sequence[str], rows: Sequence[Sequence[str]], separator: str) -> str:
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in (separator, '"', "\n")) else value

    return "".join(separator.join(cell(v) for v in line) + "\r\n" for line in [header, *rows])


# --- the canonical fixture written again in the dialects real exports come in ---

ROLES_RU = {"teacher": "Учитель", "student": "Обучающийся", "parent": "Родитель (законный представитель)"}
OWNERSHIP_RU = {"municipal": "муниципальная", "state": "государственная", "private": "частная"}
STATUS_RU = {"active": "Активна", "blocked": "Заблокирована"}
KIND_RU = {"cok": "ЦОК", "social": "Соцмедиа", "document": "Документ"}


def _ddmmyyyy(iso: str) -> str:
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    return f"{moment:%d.%m.%Y}" if moment.time() == datetime.min.time() else f"{moment:%d.%m.%Y %H:%M:%S}"


def _utc_z(iso: str) -> str:
    return f"{datetime.fromisoformat(iso) - timedelta(hours=3):%Y-%m-%dT%H:%M:%S}Z"  # Moscow is UTC+3


def _excel_serial(iso: str) -> str:
    days = (datetime.fromisoformat(iso) - datetime(1899, 12, 30)).total_seconds() / 86_400
    return f"{days:.8f}"


def write_mixed_dialects(data_dir: Path) -> None:
    """The canonical fixture as real exports look: xlsx with a title row, cp1251 `;`, BOM tab, `|`, Parquet."""
    import polars as pl
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "ОО-1"
    sheet.append(["Сведения об общеобразовательных организациях (ОО-1) на 01.09.2024"])
    sheet.append([])
    sheet.append(
        [
            "ИНН",
            "Наименование ОО",
            "Муниципальное образование",
            "Форма собственности",
            "Численность педагогических работников",
            "Численность обучающихся",
        ]
    )
    for r in read_canonical("schools.csv"):
        sheet.append(
            [
                int(r["school_id"]),
                r["name"],
                r["municipality"],
                OWNERSHIP_RU[r["ownership"]],
                int(r["teachers_total"]),
                int(r["students_total"]),
            ]
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    book.save(data_dir / "schools.xlsx")

    accounts = [
        [
            "ФГИС «Моя школа»",
            r["user_id"],
            ROLES_RU[r["role"]],
            f"'{r['school_id']}" if i == 0 else f"{r['school_id'][:4]} {r['school_id'][4:]}",
            STATUS_RU[r["status"]],
            _ddmmyyyy(r["registered_at"]),
            _ddmmyyyy(r["last_login_at"]),
        ]
        for i, r in enumerate(read_canonical("myschool_accounts.csv"))
    ]
    header = [
        "Платформа",
        "ID пользователя",
        "Роль",
        "ИНН ОО",
        "Статус учётной записи",
        "Дата регистрации",
        "Дата последнего входа",
    ]
    write(data_dir / "myschool_accounts_2024.csv", delimited(header, accounts, ";"), "cp1251")

    events = [
        ["Сферум", r["user_id"], ROLES_RU[r["role"]], r["school_id"], _utc_z(r["ts"])]
        for r in read_canonical("sferum_events.csv")
    ]
    header = ["Платформа", "Идентификатор пользователя", "Роль", "ИНН", "Дата и время входа"]
    write(data_dir / "sferum_events.tsv", delimited(header, events, "\t"), "utf-8-sig")

    stats = read_canonical("assistant_stats.csv")
    pl.DataFrame(
        {
            "Платформа": ["ЦПУ"] * len(stats),
            "ИНН организации": [int(r["school_id"]) for r in stats],
            "Месяц": [datetime.strptime(r["month"], "%Y-%m").date() for r in stats],
            "Роль": [ROLES_RU[r["role"]] for r in stats],
            "Зарегистрировано": [int(r["registered"]) for r in stats],
            "Активных": [int(r["active"]) for r in stats],
        }
    ).write_parquet(data_dir / "assistant_stats.parquet")

    items = [
        [r["content_id"], KIND_RU[r["kind"]], _ddmmyyyy(r["available_from"]), _ddmmyyyy(r["available_to"])]
        for r in read_canonical("content_items.csv")
    ]
    header = ["ID контента", "Вид контента", "Доступен с", "Доступен по"]
    write(data_dir / "content_items.txt", delimited(header, items, "|"))

    views = [[r["content_id"], r["user_id"], _excel_serial(r["ts"])] for r in read_canonical("content_views.csv")]
    write(data_dir / "content_views.csv", delimited(["ID контента", "ID пользователя", "Дата просмотра"], views, ","))


# --- xlsx ---


def save_book(path: Path, sheets: dict[str, list[list[object]]], merged: Sequence[str] = ()) -> Path:
    """An xlsx book, one sheet per entry; `merged` cell ranges (e.g. "A1:F1") apply to the first sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for cells in merged:
        book.worksheets[0].merge_cells(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def set_cached_value(path: Path, formula: str, cached: str) -> None:
    """openpyxl writes formulas without results; Excel stores the last result next to the formula."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(
        f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{cached}</v>".encode()
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
