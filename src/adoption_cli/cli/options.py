"""Options shared by several commands, defined once. Import-light: no Polars here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adoption_cli.environment import OutputFormat
from adoption_cli.periods import WINDOW_DAYS

# The panel of the flags every command has (added by cli.guard) and of --help.
COMMON_PANEL = "Общие параметры"
_DATA_PANEL = "Данные"
_PERIOD_PANEL = "Период"
_OUTPUT_PANEL = "Вывод"


DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        metavar="ПАПКА",
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
        metavar="ФАЙЛ",
        help="Файл настроек (по умолчанию adoption.toml в папке с данными).",
        show_default=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="ПАПКА",
        envvar="ADOPTION_STORE",
        help="Хранилище Parquet, созданное `adoption ingest` (по умолчанию .adoption-store в папке с данными).",
        show_default=False,
        rich_help_panel=_DATA_PANEL,
    ),
]
ChecksumOpt = Annotated[
    bool,
    typer.Option(
        "--checksum",
        help="Сравнить каждый файл с хранилищем по SHA-256, даже если размер и время изменения прежние "
        "(файл правили и вернули ему старое время). Дольше: читается каждый байт.",
        rich_help_panel=_DATA_PANEL,
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Любая отклонённая строка — ошибка (код 1).", rich_help_panel=_DATA_PANEL),
]
MonthOpt = Annotated[
    str | None,
    typer.Option(
        "--month",
        "-m",
        metavar="ГГГГ-ММ",
        help="Календарный месяц ГГГГ-ММ.",
        show_default=False,
        rich_help_panel=_PERIOD_PANEL,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="ДАТА",
        help="Скользящее окно, заканчивающееся этой датой (ГГГГ-ММ-ДД), включительно.",
        show_default=False,
        rich_help_panel=_PERIOD_PANEL,
    ),
]
DaysOpt = Annotated[
    int | None,
    typer.Option(
        "--days",
        metavar="ДНЕЙ",
        min=1,
        max=366,
        help=f"Длина окна для --as-of, дней (по умолчанию {WINDOW_DAYS}); только вместе с --as-of.",
        show_default=False,
        rich_help_panel=_PERIOD_PANEL,
    ),
]
QuarterOpt = Annotated[
    str | None,
    typer.Option(
        "--quarter",
        metavar="ГГГГQN",
        help="Квартал ГГГГQN, например 2024Q3.",
        show_default=False,
        rich_help_panel=_PERIOD_PANEL,
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
        metavar="НАЗВАНИЕ",
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

_RULES_PANEL = "Правила расчёта (важнее adoption.toml и переменных окружения)"

TargetOpt = Annotated[
    float | None,
    typer.Option(
        "--target",
        metavar="%",
        min=0,
        max=100,
        help="Целевое значение, % (заменяет и датированные цели из настроек).",
        show_default=False,
        rich_help_panel=_RULES_PANEL,
    ),
]
TeacherThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--teacher-threshold",
        metavar="%",
        min=0,
        max=100,
        help="Порог доли активных педагогов, % (по умолчанию 50).",
        show_default=False,
        rich_help_panel=_RULES_PANEL,
    ),
]
StudentThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--student-threshold",
        metavar="%",
        min=0,
        max=100,
        help="Порог доли активных обучающихся, % (по умолчанию 50).",
        show_default=False,
        rich_help_panel=_RULES_PANEL,
    ),
]
PlatformOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--platform",
        "-p",
        metavar="ПЛАТФОРМА",
        autocompletion=lambda: ["myschool", "sferum", "assistant"],
        help="Учитываемая платформа: myschool, sferum, assistant или по-русски («Моя школа»); можно повторять.",
        show_default=False,
        rich_help_panel=_RULES_PANEL,
    ),
]
SharedUserIdsOpt = Annotated[
    bool | None,
    typer.Option(
        "--shared-user-ids/--separate-user-ids",
        help="Один user_id на разных платформах — один человек (точное объединение) или нет.",
        show_default=False,
        rich_help_panel=_RULES_PANEL,
    ),
]


def normalise_platforms(values: list[str] | None) -> tuple[str, ...] | None:
    """--platform values as canonical codes (Russian names accepted), in the order given, without repeats."""
    if not values:
        return None
    from adoption_cli.environment import current
    from adoption_cli.errors import UsageError
    from adoption_cli.schema import PLATFORMS, ValueType, vocabulary_index
    from adoption_cli.text import comparison_key

    index = vocabulary_index(ValueType.PLATFORM)
    codes: list[str] = []
    for value in values:
        code = index.get(comparison_key(value))
        if code is None:
            raise UsageError(
                current().t(
                    f"неизвестная платформа «{value}» в --platform: допустимы {', '.join(PLATFORMS)}.",
                    f"unknown platform «{value}» in --platform: use one of {', '.join(PLATFORMS)}.",
                )
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


OnePlatformOpt = Annotated[
    str,
    typer.Option(
        "--platform",
        "-p",
        metavar="ПЛАТФОРМА",
        autocompletion=lambda: ["myschool", "sferum", "assistant"],
        help="Платформа: myschool (по умолчанию), sferum, assistant или по-русски («Моя школа»).",
        rich_help_panel=_DATA_PANEL,
    ),
]


def normalise_platform(value: str) -> str:
    """One --platform value as its canonical code (Russian names accepted)."""
    codes = normalise_platforms([value])
    assert codes  # a non-empty value always yields one code or a usage error
    return codes[0]
