"""Words a reader sees for machine codes: platforms, kinds of export, forms of ownership, periods.

One place for these so that every command names things the same way. Import-light (no Polars, no Rich).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.environment import Lang
from adoption_cli.schema import PLATFORM_LABELS_RU, RU_MONTHS

if TYPE_CHECKING:
    from adoption_cli.dataset import FileLoad

_PLATFORMS_EN = {"myschool": "My School", "sferum": "Sferum", "assistant": "Student Assistant"}

_KINDS = {
    "schools": ("реестр школ (ОО-1)", "school registry (OO-1)"),
    "accounts": ("учётные записи", "accounts"),
    "events": ("входы", "logins"),
    "school_stats": ("статистика по школам", "school statistics"),
    "content_items": ("материалы", "content items"),
    "content_views": ("просмотры материалов", "content views"),
}

_OWNERSHIPS = {
    "municipal": ("муниципальные", "municipal"),
    "state": ("государственные", "state"),
    "private": ("частные", "private"),
}
# One organisation's form of ownership («форма собственности: муниципальная»).
_OWNERSHIP = {
    "municipal": ("муниципальная", "municipal"),
    "state": ("государственная", "state"),
    "private": ("частная", "private"),
}

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _pick(pair: tuple[str, str] | None, code: str, lang: Lang) -> str:
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def example_value(value: str | None, reason: str, lang: Lang = "ru") -> str:
    """A rejected row's example value as `validate`'s table and the report's «Качество данных» both show it:
    the value; «(пусто)» for an empty cell (a missing value has nothing to hide, though the reader may record
    it as None); «(скрыто)» for what the reader withholds (a user id, a whole row that may hold one)."""
    from adoption_cli.sources.reasons import MISSING_VALUE

    if value is not None and value.strip():
        return value
    if reason == MISSING_VALUE or value is not None:
        return _pick(("(пусто)", "(empty)"), "", lang)
    return _pick(("(скрыто)", "(hidden)"), "", lang)


def reject_column(file: FileLoad, column: str, lang: Lang = "ru") -> str:
    """The column of a rejected row's example as the file's header writes it («Активных», «инн оо»); «вся
    строка» for a reject of the whole row (`*`); the canonical name when the file's headers are not known (a
    store ingested before session 8). `validate`'s table and the report's «Качество данных» both name it so."""
    if column == "*":
        return _pick(("вся строка", "whole row"), column, lang)
    return file.headers.get(column, column)


def platform_label(code: str, lang: Lang = "ru") -> str:
    names = _PLATFORMS_EN if lang == "en" else PLATFORM_LABELS_RU
    return names.get(code, code)


def platforms_label(codes: Iterable[str], lang: Lang = "ru") -> str:
    return ", ".join(platform_label(code, lang) for code in codes)


_COMBINATIONS = {
    "max": ("наибольшее из чисел по платформам — нижняя граница", "the largest per-platform count — a lower bound"),
    "union": (
        "уникальные по user_id пользователи всех платформ — точное число",
        "distinct user_ids over the platforms — exact",
    ),
}


def combination_label(combination: str, lang: Lang = "ru") -> str:
    """How the indicator combines its platforms' users: «наибольшее из чисел по платформам»."""
    return _pick(_COMBINATIONS.get(combination), combination, lang)


def counted_platforms_label(codes: Iterable[str], combination: str, lang: Lang = "ru") -> str:
    """«Моя школа, Сферум; наибольшее из чисел по платформам»: the indicator's platforms and how they combine."""
    return f"{platforms_label(codes, lang)}; {combination_label(combination, lang)}"


def kind_label(kind: str, lang: Lang = "ru") -> str:
    return _pick(_KINDS.get(kind), kind, lang)


def ownership_label(codes: Iterable[str], lang: Lang = "ru") -> str:
    return ", ".join(_pick(_OWNERSHIPS.get(code), code, lang) for code in codes)


def ownership_name(code: str, lang: Lang = "ru") -> str:
    return _pick(_OWNERSHIP.get(code), code, lang)


def fmt_date(day: date, lang: Lang = "ru") -> str:
    return day.isoformat() if lang == "en" else f"{day:%d.%m.%Y}"


def month_name(day: date, lang: Lang = "ru") -> str:
    """«сентябрь 2024» / «September 2024»."""
    names = _MONTHS_EN if lang == "en" else RU_MONTHS
    return f"{names[day.month - 1]} {day.year}"


def period_range(start: date, end: date, lang: Lang = "ru") -> str:
    return f"{fmt_date(start, lang)}–{fmt_date(end, lang)}"


# The default Сферум levels (config.py) in English; a level the settings name otherwise is shown as named.
LEVEL_LABELS_EN = {"низкая": "low", "средняя": "medium", "высокая": "high"}


def level_label(name: str | None, lang: Lang = "ru") -> str | None:
    """A Сферум activity level as the reader's language names it (None stays None)."""
    if name is None or lang != "en":
        return name
    return LEVEL_LABELS_EN.get(name, name)
