"""The canonical data model: the six kinds of source, their columns, aliases and value vocabularies.

This module is deliberately free of Polars so that it can be imported at start-up (help, completion,
config validation) at no cost. Everything that reads files maps onto these definitions; everything that
computes metrics relies on the canonical names and value codes defined here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from adoption_cli.text import WHITESPACE, comparison_key, folded


class Kind(StrEnum):
    SCHOOLS = "schools"
    ACCOUNTS = "accounts"
    EVENTS = "events"
    SCHOOL_STATS = "school_stats"
    CONTENT_ITEMS = "content_items"
    CONTENT_VIEWS = "content_views"


# What a command about people's activity reads (all but the content files): indicator, rating, school card.
PEOPLE_KINDS = (Kind.SCHOOLS, Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS)


class ValueType(StrEnum):
    """How a raw (string) cell becomes a canonical value; each has one parser in sources.values."""

    TEXT = "text"  # trimmed; empty is missing
    ID = "id"  # opaque identifier (user_id, content_id): trimmed, `.0` Excel suffix removed
    INN = "inn"  # 10-digit organisation ИНН with a valid check digit
    PLATFORM = "platform"
    ROLE = "role"
    OWNERSHIP = "ownership"
    STATUS = "status"
    CONTENT_KIND = "content_kind"
    DATETIME = "datetime"  # naive local time in the configured timezone
    MONTH = "month"  # first day of the month (Date)
    COUNT = "count"  # non-negative integer


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ValueType
    required: bool = True
    aliases: tuple[str, ...] = ()
    # The column must be present but a cell may be empty (loaded as null, not rejected): a missing ОО-1
    # total keeps the school in the population, unflaggable, instead of silently shrinking the denominator.
    nullable: bool = False


# Russian aliases are compared after `normalise_header` (case, whitespace and ё/е insensitive).
_SCHOOL_ID = Column(
    "school_id",
    ValueType.INN,
    aliases=(
        "ИНН",
        "ИНН ОО",
        "ИНН организации",
        "ИНН образовательной организации",
        "ИНН школы",
        "ИНН учреждения",
        "ИНН/КПП",  # the cell «2310031475/231001001»: its ИНН is read (docs/data-formats.md); see ALIAS_RANKS
    ),
)
_PLATFORM = Column("platform", ValueType.PLATFORM, aliases=("Платформа", "Сервис", "Система"))
_USER_ID = Column(
    "user_id",
    ValueType.ID,
    aliases=(
        "ID пользователя",
        "Идентификатор пользователя",
        "ИД пользователя",
        "Пользователь",
        "user",
        "Логин",
        "Логин пользователя",
    ),
)
_ROLE = Column(
    "role",
    ValueType.ROLE,
    aliases=("Роль", "Роль пользователя", "Категория пользователя", "Категория пользователей"),
)

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.SCHOOLS: (
        _SCHOOL_ID,
        Column(
            "name",
            ValueType.TEXT,
            # (a registry may give a full and a short name: the short one is read, the full one only alone)
            aliases=(
                "Наименование",
                "Наименование ОО",
                "Наименование организации",
                "Наименование образовательной организации",
                "Краткое наименование",
                "Краткое наименование ОО",
                "Сокращенное наименование",
                "Сокращенное наименование ОО",
                "Название",
                "Школа",
                "Полное наименование",
                "Полное наименование ОО",
                "Полное наименование образовательной организации",
            ),
        ),
        Column(
            "municipality",
            ValueType.TEXT,
            aliases=(
                "Муниципальное образование",
                "Наименование муниципального образования",
                "МО",
                "Муниципалитет",
                "Муниципальный район",
                "Муниципальный округ",
                "Городской округ",
                "Муниципальный район (городской округ)",
            ),
        ),
        Column(
            "ownership",
            ValueType.OWNERSHIP,
            aliases=("Форма собственности", "Собственность", "Тип собственности", "ОКФС", "Код ОКФС"),
        ),
        Column(
            "teachers_total",
            ValueType.COUNT,
            aliases=(
                "Численность педагогических работников",
                "Педагогические работники",
                "Педагогов",
                "Численность педагогов",
                "Количество педагогических работников",
                "Кол-во педагогических работников",
                "Всего педагогических работников",
                "Число педагогических работников",
                "Количество педагогов",
                "Кол-во педагогов",
            ),
            nullable=True,
        ),
        Column(
            "students_total",
            ValueType.COUNT,
            aliases=(
                "Численность обучающихся",
                "Обучающиеся",
                "Обучающихся",
                "Численность учащихся",
                "Количество обучающихся",
                "Кол-во обучающихся",
                "Всего обучающихся",
                "Число обучающихся",
                "Количество учащихся",
                "Кол-во учащихся",
                "Контингент обучающихся",
            ),
            nullable=True,
        ),
    ),
    Kind.ACCOUNTS: (
        _PLATFORM,
        _USER_ID,
        _ROLE,
        _SCHOOL_ID,
        Column(
            "status",
            ValueType.STATUS,
            required=False,
            aliases=("Статус учетной записи", "Статус", "Статус аккаунта", "Статус пользователя"),
        ),
        Column(
            "registered_at",
            ValueType.DATETIME,
            required=False,
            aliases=("Дата регистрации", "Время регистрации", "Дата создания", "Дата создания учетной записи"),
        ),
        Column(
            "last_login_at",
            ValueType.DATETIME,
            required=False,
            aliases=(
                "Дата последнего входа",
                "Время последнего входа",
                "Последний вход",
                "Последняя активность",
                "Дата последней авторизации",
                "Последняя авторизация",
                "Последний визит",
                "Дата последнего визита",
            ),
        ),
    ),
    Kind.EVENTS: (
        _PLATFORM,
        _USER_ID,
        _ROLE,
        _SCHOOL_ID,
        Column(
            "ts",
            ValueType.DATETIME,
            # («Дата» with «Время», or «Дата входа» with «Время входа»: a timestamp split over two columns, see
            # sources.columns)
            aliases=(
                "Дата и время",
                "Дата и время входа",
                "Время входа",
                "Дата входа",
                "Дата события",
                "Время события",
                "Дата авторизации",
                "Время авторизации",
                "Дата и время авторизации",
                "Дата/время входа",
                "Дата и время (МСК)",
                "Дата и время входа (МСК)",
                "Дата",
                "Время",
                "timestamp",
            ),
        ),
    ),
    Kind.SCHOOL_STATS: (
        _PLATFORM,
        _SCHOOL_ID,
        Column("month", ValueType.MONTH, aliases=("Период", "Месяц", "Отчетный период", "Отчетный месяц")),
        _ROLE,
        Column(
            "registered",
            ValueType.COUNT,
            required=False,
            aliases=("Зарегистрировано", "Зарегистрированных", "Зарегистрированы"),
        ),
        Column(
            "active",
            ValueType.COUNT,
            aliases=(
                "Активных",
                "Активные",
                "Активно",
                "Активны",
                "Активных пользователей",
                "Количество активных",
                "Кол-во активных",
                "Количество активных пользователей",
            ),
        ),
    ),
    Kind.CONTENT_ITEMS: (
        Column("content_id", ValueType.ID, aliases=("ID контента", "Идентификатор контента", "ID материала")),
        Column("kind", ValueType.CONTENT_KIND, aliases=("Вид", "Тип", "Вид контента", "Тип контента")),
        Column(
            "available_from",
            ValueType.DATETIME,
            aliases=("Доступен с", "Дата публикации", "Дата начала доступа"),
        ),
        Column(
            "available_to",
            ValueType.DATETIME,
            required=False,
            aliases=("Доступен по", "Дата окончания доступа", "Дата снятия"),
        ),
    ),
    Kind.CONTENT_VIEWS: (
        Column("content_id", ValueType.ID, aliases=("ID контента", "Идентификатор контента", "ID материала")),
        _USER_ID,
        # (not «Время просмотра»: beside «Дата просмотра» it may be how long the item was watched)
        Column("ts", ValueType.DATETIME, aliases=("Дата и время", "Дата и время просмотра", "Дата просмотра")),
    ),
}

# Canonical Polars dtypes by value type, as strings so that this module does not import Polars
# (see `sources.values.polars_dtype`).
DTYPES: dict[ValueType, str] = {
    ValueType.TEXT: "String",
    ValueType.ID: "String",
    ValueType.INN: "String",
    ValueType.PLATFORM: "String",
    ValueType.ROLE: "String",
    ValueType.OWNERSHIP: "String",
    ValueType.STATUS: "String",
    ValueType.CONTENT_KIND: "String",
    ValueType.DATETIME: "Datetime",
    ValueType.MONTH: "Date",
    ValueType.COUNT: "Int64",
}

# --- value vocabularies: canonical code -> accepted spellings (compared by `text.comparison_key`) ---

PLATFORMS: dict[str, tuple[str, ...]] = {
    "myschool": (
        "myschool",
        "my school",
        "моя школа",
        "фгис моя школа",
        "фгис «моя школа»",
        "фгис мш",
        "мш",
        "myschool.edu.ru",
    ),
    "sferum": ("sferum", "сферум", "икоп сферум", "икоп «сферум»", "sferum.ru", "сферум (vk мессенджер)"),
    "assistant": (
        "assistant",
        "цифровой помощник ученика",
        "«цифровой помощник ученика»",
        "цпу",
        "помощник ученика",
    ),
}
PLATFORM_LABELS_RU = {"myschool": "Моя школа", "sferum": "Сферум", "assistant": "ЦПУ"}

ROLE_CODES = ("teacher", "student", "parent")
# Singular and plural (exports name a role by its group: «Учителя», «Ученики»).
ROLES: dict[str, tuple[str, ...]] = {
    "teacher": (
        "teacher",
        "педагог",
        "педагоги",
        "учитель",
        "учителя",
        "педагогический работник",
        "педагогические работники",
        "преподаватель",
        "преподаватели",
        # (ОО-1's «педагогические работники», the denominator, count every one of these)
        "учитель-предметник",
        "классный руководитель",
        "педагог-психолог",
        "социальный педагог",
        "педагог-организатор",
        "педагог дополнительного образования",
        "учитель-логопед",
        "учитель-дефектолог",
    ),
    "student": (
        "student",
        "обучающийся",
        "обучающиеся",
        "ученик",
        "ученики",
        "учащийся",
        "учащиеся",
        "обучающийся (ученик)",
        "школьник",
        "школьники",
    ),
    "parent": (
        "parent",
        "родитель",
        "родители",
        "законный представитель",
        "законные представители",
        "родитель (законный представитель)",
        "родитель/законный представитель",
        "родитель, законный представитель",
        "родители (законные представители)",
        "законный представитель обучающегося",
        "законные представители обучающихся",
        "родитель (законный представитель) обучающегося",
    ),
}
# Any other non-empty role (администратор, завуч…) is valid but outside every metric.
OTHER_ROLE = "other"

# Short forms, the names of ОКФС (Общероссийский классификатор форм собственности) and its codes: 12 федеральная,
# 13 субъектов РФ, 14 муниципальная, 16 частная (a cell «14 - Муниципальная собственность» is read by its code,
# see `sources.values`). Other codes (15 общественных и религиозных организаций, mixed and foreign forms) are
# not a municipal or state school's and stay unknown: such a row is rejected and named.
OWNERSHIPS: dict[str, tuple[str, ...]] = {
    "municipal": (
        "municipal",
        "муниципальная",
        "муниципальный",
        "муниципальное",
        "муниципальная собственность",
        "14",
    ),
    "state": (
        "state",
        "государственная",
        "государственный",
        "государственное",
        "региональная",
        "государственная собственность",
        "собственность субъекта российской федерации",
        "собственность субъектов российской федерации",
        "собственность субъекта рф",
        "собственность субъектов рф",
        "государственная собственность субъекта российской федерации",
        "государственная собственность субъекта рф",
        "региональная собственность",
        "субъекта рф",
        "субъекта российской федерации",
        "федеральная собственность",
        "федеральная",  # a federal school is a state one («государственная»)
        "12",
        "13",
    ),
    "private": ("private", "частная", "частный", "частное", "негосударственная", "частная собственность", "16"),
}

STATUSES: dict[str, tuple[str, ...]] = {
    # (an account awaiting confirmation is registered and not blocked: Сферум's «не подтверждён»)
    "active": (
        "active",
        "активна",
        "активен",
        "активный",
        "активная",
        "действующая",
        "разблокирована",
        "подтверждена",
        "подтвержден",
        "не подтверждена",
        "не подтвержден",
        "ожидает подтверждения",
    ),
    # (a deleted or archived account counts nowhere, as a blocked one)
    "blocked": (
        "blocked",
        "заблокирована",
        "заблокирован",
        "блокирована",
        "заблокированная",
        "удалена",
        "удален",
        "в архиве",
        "архивная",
    ),
}

CONTENT_KINDS: dict[str, tuple[str, ...]] = {
    "cok": ("cok", "цок", "цифровой образовательный контент"),
    "social": ("social", "соцмедиа", "социальные медиа", "соц. медиа"),
    "document": ("document", "документ", "документы"),
}

VOCABULARIES: dict[ValueType, dict[str, tuple[str, ...]]] = {
    ValueType.PLATFORM: PLATFORMS,
    ValueType.ROLE: ROLES,
    ValueType.OWNERSHIP: OWNERSHIPS,
    ValueType.STATUS: STATUSES,
    ValueType.CONTENT_KIND: CONTENT_KINDS,
}

# Name-based discovery when adoption.toml has no [[sources]]: glob -> (kind, platform from the name).
DISCOVERY_PATTERNS: tuple[tuple[str, Kind], ...] = (
    ("schools.*", Kind.SCHOOLS),
    ("{platform}_accounts*.*", Kind.ACCOUNTS),
    ("{platform}_events*.*", Kind.EVENTS),
    ("{platform}_stats*.*", Kind.SCHOOL_STATS),
    ("content_items*.*", Kind.CONTENT_ITEMS),
    ("content_views*.*", Kind.CONTENT_VIEWS),
)
READABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")

# How a table writes «no figure» in a count (ОО-1's dash; «н/д», «нет данных»: sources.values reads them as
# typed, capitalised, in capitals or title case): an empty cell.
NO_FIGURE = ("-", "–", "—", "н/д", "нет данных")

# Month names in the nominative, as exports («Сентябрь 2024») and tables write them.
RU_MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)

# A unit after a header's name: «Численность педагогов, чел.», «Обучающихся (человек)».
_UNIT = re.compile(r"(?<=.)(?:,(?:чел|человек)\.?|\((?:чел|человек)\.?\))$")


# Where two headers of a file name one column, the one of the lowest rank is that column (the others are left
# unread); every alias not listed has rank 0. «ИНН/КПП» beside «ИНН»; a login beside a user id; a short name
# («Краткое наименование», rank 0) before a plain one («Наименование ОО», 1) before a full one (2); an ОКФС code
# beside the form of ownership; «Городской округ» beside «Муниципальный район»; a creation date beside a
# registration date. The same header twice, once with its unit («Педагогов» beside «Педагогов, чел.»), is read
# where written exactly; two different headers of one rank are an error naming both, units or not.
ALIAS_RANKS: dict[str, int] = {
    "ИНН/КПП": 1,
    "Логин": 1,
    "Логин пользователя": 1,
    **dict.fromkeys(
        ("Наименование", "Наименование ОО", "Наименование организации", "Наименование образовательной организации"), 1
    ),
    **dict.fromkeys(("Название", "Школа"), 1),
    **dict.fromkeys(
        ("Полное наименование", "Полное наименование ОО", "Полное наименование образовательной организации"), 2
    ),
    **dict.fromkeys(("ОКФС", "Код ОКФС", "Тип собственности"), 1),
    **dict.fromkeys(("Муниципальный округ", "Городской округ", "Муниципальный район (городской округ)"), 1),
    **dict.fromkeys(("Дата создания", "Дата создания учетной записи"), 1),
    "Статус пользователя": 1,
    "Отчетный месяц": 1,
    "Категория пользователей": 1,
}


def normalise_header(text: str, *, units: bool = True) -> str:
    """Header comparison key: case, all whitespace (incl. NBSP/BOM) and ё/е insensitive, a unit («, чел.»,
    «(человек)») at its end dropped unless `units`."""
    key = folded(WHITESPACE.sub("", text))
    return _UNIT.sub("", key) if units else key


def column_of(kind: Kind, name: str) -> Column:
    """The canonical column `name` of `kind`."""
    return next(column for column in COLUMNS[kind] if column.name == name)


def column_index(kind: Kind) -> dict[str, str]:
    """Normalised header -> canonical column name, for the canonical names and every alias."""
    index: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for spelling in (column.name, *column.aliases):
            index[normalise_header(spelling)] = column.name
    return index


def vocabulary_index(value_type: ValueType) -> dict[str, str]:
    """Normalised spelling -> canonical code for a vocabulary value type."""
    return {
        comparison_key(spelling): code
        for code, spellings in VOCABULARIES[value_type].items()
        for spelling in (code, *spellings)
    }
