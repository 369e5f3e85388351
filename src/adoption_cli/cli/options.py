"""Options shared by several commands, defined once. Import-light: no Polars here."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

_DATA_PANEL = "Данные"
_PERIOD_PANEL = "Период"
_OUTPUT_PANEL = "Вывод"


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        envvar="ADOPTION_DATA",
        help="Папка с выгрузками (по умолчанию ADOPTION_DATA, иначе ./data).",
        show_default=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Файл настроек (по умолчанию adoption.toml в папке с данными).",
        show_default=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="ADOPTION_STORE",
        help="Хранилище Parquet, созданное `adoption ingest` (по умолчанию .adoption-store в папке с данными).",
        show_default=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Любая отклонённая строка — ошибка (код 1).", rich_help_panel=_DATA_PANEL),
]
MonthOpt = Annotated[
    str | None,
    typer.Option("--month", "-m", help="Календарный месяц ГГГГ-ММ.", show_default=False, rich_help_panel=_PERIOD_PANEL),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Скользящее окно, заканчивающееся этой датой (ГГГГ-ММ-ДД), включительно.",
        show_default=False,
        rich_help_panel=_PERIOD_PANEL,
    ),
]
DaysOpt = Annotated[
    int,
    typer.Option("--days", min=1, max=366, help="Длина окна для --as-of, дней.", rich_help_panel=_PERIOD_PANEL),
]
QuarterOpt = Annotated[
    str | None,
    typer.Option(
        "--quarter", help="Квартал ГГГГQN, например 2024Q3.", show_default=False, rich_help_panel=_PERIOD_PANEL
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table — таблица, json и csv — для других программ.",
        case_sensitive=False,
        rich_help_panel=_OUTPUT_PANEL,
    ),
]
MunicipalityOpt = Annotated[
    str | None,
    typer.Option(
        "--municipality",
        help="Только это муниципальное образование (точное название или его часть).",
        show_default=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
FailBelowTargetOpt = Annotated[
    bool,
    typer.Option(
        "--fail-below-target", help="Код выхода 3, если целевое значение не достигнуто.", rich_help_panel=_OUTPUT_PANEL
    ),
]


class PlatformChoice(StrEnum):
    MYSCHOOL = "myschool"
    SFERUM = "sferum"
    ASSISTANT = "assistant"


PlatformOpt = Annotated[
    PlatformChoice,
    typer.Option(
        "--platform",
        help="Платформа: myschool — ФГИС «Моя школа», sferum — «Сферум», assistant — ЦПУ.",
        case_sensitive=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
