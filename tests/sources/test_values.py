"""Value parsers: one canonical value or one reject reason per cell, expectations computed by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

import polars as pl
import pytest
from sources_helpers import INN_A, INN_D, INN_REGION_01

from adoption_cli.schema import Column, ValueType
from adoption_cli.sources.values import ParseContext, joined_date_time, parse_column, with_stages

TODAY = date(2024, 10, 15)


def parse(
    value_type: ValueType,
    cells: list[str | None],
    *,
    required: bool = True,
    nullable: bool = False,
    timezone: str = "Europe/Moscow",
) -> list[tuple[Any, str | None]]:
    parsed = parse_column(
        Column("x", value_type, required=required, nullable=nullable), pl.col("x"), ParseContext(timezone, TODAY)
    )
    frame = with_stages(pl.LazyFrame({"x": cells}, schema={"x": pl.String}), [parsed])
    return list(frame.select(parsed.value, parsed.error.alias("e")).collect().iter_rows())


@cache
def parsed_once(value_type: ValueType, cells: tuple[str | None, ...]) -> dict[str | None, tuple[Any, str | None]]:
    """Every case of a table in one frame: building the expressions costs more than evaluating them."""
    return dict(zip(cells, parse(value_type, list(cells)), strict=True))


def check(value_type: ValueType, table: Sequence[tuple[str | None, Any]], cell: str | None) -> tuple[Any, str | None]:
    return parsed_once(value_type, tuple(c for c, _ in table))[cell]


INN_CASES = [
    (INN_A, (INN_A, None)),
    ("2310031476", (None, "bad_checksum")),  # check digit must be 5
    (f"'{INN_A}", (INN_A, None)),  # Excel text marker
    (f"{INN_A}.0", (INN_A, None)),  # Excel number exported as float
    ("2310 031 475", (INN_A, None)),
    ("2310\u00a0031\u00a0475", (INN_A, None)),
    (INN_D, (INN_D, None)),  # sum mod 11 = 10 -> check digit 0
    ("105012349", (INN_REGION_01, None)),  # Excel dropped the leading zero of region 01
    ("231003147", (None, "bad_checksum")),  # padded to 0231003147: 8+30+3+12+6+32 = 91, check digit would be 3
    ("23100314", (None, "invalid_inn")),
    ("231003147512", (None, "invalid_inn")),  # 12 digits: a person's ИНН, not an organisation's
    ("ИНН 2310031475", (None, "invalid_inn")),
    (f'="{INN_A}"', (INN_A, None)),  # Excel text formula, as some exports write it
    (f"{INN_A}/231001001", (INN_A, None)),  # ИНН/КПП
    (f"{INN_A}/2310", (None, "invalid_inn")),  # not a КПП: not taken apart
    ("2,31E+09", (None, "invalid_inn")),  # Excel's scientific form: the digits are lost
    ("", (None, "missing_value")),
    (None, (None, "missing_value")),
]


@pytest.mark.parametrize(("cell", "expected"), INN_CASES)
def test_inn(cell: str | None, expected: tuple[str | None, str | None]) -> None:
    assert check(ValueType.INN, INN_CASES, cell) == expected


DATETIME_ACCEPTED = [
    ("2024-09-30 23:59:59", datetime(2024, 9, 30, 23, 59, 59)),  # naive = Moscow time: stays in September
    ("2024-09-30T21:00:00Z", datetime(2024, 10, 1, 0, 0)),  # 21:00 UTC = 00:00 Moscow, next month
    ("2024-09-30T20:59:59+00:00", datetime(2024, 9, 30, 23, 59, 59)),
    ("2024-09-30T23:00:00+0500", datetime(2024, 9, 30, 21, 0)),  # 18:00 UTC
    ("2024-09-30 12:00:00-03", datetime(2024, 9, 30, 18, 0)),  # 15:00 UTC
    ("2024-09-30T10:15", datetime(2024, 9, 30, 10, 15)),
    ("2024-09-30 10:15:30.250", datetime(2024, 9, 30, 10, 15, 30, 250_000)),
    ("2024-09-30", datetime(2024, 9, 30)),
    ("30.09.2024", datetime(2024, 9, 30)),
    ("30.09.2024 23:59", datetime(2024, 9, 30, 23, 59)),
    ("1.9.2024 8:05:00", datetime(2024, 9, 1, 8, 5)),
    ("45565", datetime(2024, 9, 30)),  # Excel serial day: 1899-12-30 + 45565 days
    ("45565.75", datetime(2024, 9, 30, 18, 0)),
    ("45565,75", datetime(2024, 9, 30, 18, 0)),  # the same with a decimal comma, as a Russian Excel writes it
    ("45565.99998843", datetime(2024, 9, 30, 23, 59, 59)),  # float noise rounds to the second
    ("2024-10-16 23:59:59", datetime(2024, 10, 16, 23, 59, 59)),  # today + 1 day is still accepted
    ("01.01.2000", datetime(2000, 1, 1)),  # the earliest date accepted
    ("36526", datetime(2000, 1, 1)),  # the earliest Excel serial day accepted
    ("2024-09-30 12:00 UTC", datetime(2024, 9, 30, 15, 0)),  # a zone after a space
]


@pytest.mark.parametrize(("cell", "expected"), DATETIME_ACCEPTED)
def test_datetime_accepted(cell: str, expected: datetime) -> None:
    assert check(ValueType.DATETIME, DATETIME_ACCEPTED, cell) == (expected, None)


DATETIME_REJECTED = [
    ("31.02.2024", "bad_date"),
    ("2024-02-30 10:00:00", "bad_date"),
    ("2024-09-30 24:00:00", "bad_date"),
    ("2024-13-01", "bad_date"),
    ("вчера", "bad_date"),
    ("2024", "bad_date"),  # a bare year is not an Excel serial day
    ("2024-10-17 00:00:00", "future_date"),  # today (15.10) + 2 days
    ("01.01.2999", "future_date"),
    # A two-digit year is not guessed: strptime reads "24" as the year 24.
    ("02.09.24 10:00", "bad_date"),
    ("24.09.01", "bad_date"),
    ("24-09-01", "bad_date"),
    # Before 2000-01-01: a time-only xlsx cell (calamine gives Excel's day zero), placeholders, old serials.
    ("1899-12-31 08:05:00", "bad_date"),
    ("01.01.1970", "bad_date"),
    ("31.12.1999 23:59", "bad_date"),
    ("36525", "bad_date"),  # 31.12.1999 as an Excel serial day
    # Text after the time that is not a zone is not dropped.
    ("30.09.2024 23:30 GMT", "bad_date"),
    ("02.09.2024 08:05 PM", "bad_date"),
    ("2024-09-30T10:15 MSK", "bad_date"),
    ("2024-09-30 10:15:30.250.7", "bad_date"),
    ("30.09.2024.5 10:00", "bad_date"),
]


@pytest.mark.parametrize(("cell", "reason"), DATETIME_REJECTED)
def test_datetime_rejected(cell: str, reason: str) -> None:
    assert check(ValueType.DATETIME, DATETIME_REJECTED, cell) == (None, reason)


def test_datetime_other_timezone() -> None:
    assert parse(ValueType.DATETIME, ["2024-09-30T21:00:00Z"], timezone="Asia/Yekaterinburg") == [
        (datetime(2024, 10, 1, 2, 0), None)
    ]


def test_optional_datetime_may_be_empty() -> None:
    assert parse(ValueType.DATETIME, [None, " "], required=False) == [(None, None), (None, None)]


MONTH_CASES = [
    ("2024-09", (date(2024, 9, 1), None)),
    ("09.2024", (date(2024, 9, 1), None)),
    ("9.2024", (date(2024, 9, 1), None)),
    ("Сентябрь 2024", (date(2024, 9, 1), None)),
    ("сентябрь 2024 г.", (date(2024, 9, 1), None)),
    ("2024-09-17", (date(2024, 9, 1), None)),
    ("17.09.2024", (date(2024, 9, 1), None)),
    ("2024-10", (date(2024, 10, 1), None)),  # the current month
    ("2024-13", (None, "bad_date")),
    ("сентябрш 2024", (None, "bad_date")),
    ("2024-11", (None, "future_date")),
    ("2000-01", (date(2000, 1, 1), None)),
    ("12.1999", (None, "bad_date")),  # before 2000-01-01
    ("0024-09", (None, "bad_date")),
    ("02.09.24", (None, "bad_date")),  # a two-digit year
    ("сентябрь 24", (None, "bad_date")),
    ("2024-09-30 10:00 GMT", (None, "bad_date")),
]


@pytest.mark.parametrize(("cell", "expected"), MONTH_CASES)
def test_month(cell: str, expected: tuple[date | None, str | None]) -> None:
    assert check(ValueType.MONTH, MONTH_CASES, cell) == expected


COUNT_CASES = [
    ("12", (12, None)),
    ("0", (0, None)),
    ("1 200", (1200, None)),
    ("1\u00a0200", (1200, None)),  # NBSP thousands separator
    ("1\u202f234\u202f567", (1234567, None)),  # narrow no-break space
    ("1\u2009200", (1200, None)),  # thin space
    ("12.0", (12, None)),  # an Excel number
    ("12,00", (12, None)),
    ("12.5", (None, "fractional_number")),
    ("1,5", (None, "fractional_number")),
    # Three digits after one separator: thousands or decimals, nothing tells which.
    ("1,000", (None, "bad_number")),
    ("2.000", (None, "bad_number")),
    ("12,500", (None, "bad_number")),
    ("1 200,000", (None, "bad_number")),
    ("12.0000", (12, None)),
    ("1.000.000", (None, "bad_number")),
    ("1,000.00", (None, "bad_number")),
    ("-3", (None, "negative_number")),
    ("−3", (None, "negative_number")),  # typographic minus
    ("двенадцать", (None, "bad_number")),
    ("12 5", (None, "bad_number")),  # not a thousands grouping
    ("1e3", (None, "bad_number")),
    ("99999999999999999999", (None, "bad_number")),  # more than Int64 holds
    (None, (None, "missing_value")),
]


@pytest.mark.parametrize(("cell", "expected"), COUNT_CASES)
def test_count(cell: str | None, expected: tuple[int | None, str | None]) -> None:
    assert check(ValueType.COUNT, COUNT_CASES, cell) == expected


def test_nullable_count_may_be_empty() -> None:
    assert parse(ValueType.COUNT, [None, "5"], nullable=True) == [(None, None), (5, None)]


DASHES = ["-", " – ", "—"]  # hyphen-minus, en dash, em dash: «no figure» in ОО-1 tables


def test_a_dash_in_a_count_is_an_empty_cell() -> None:
    assert parse(ValueType.COUNT, DASHES, nullable=True) == [(None, None)] * 3  # an ОО-1 total: unknown
    assert parse(ValueType.COUNT, DASHES, required=False) == [(None, None)] * 3  # `registered`
    assert parse(ValueType.COUNT, DASHES) == [(None, "missing_value")] * 3  # `active`
    assert parse(ValueType.COUNT, ["--", "-5", "5-"], nullable=True) == [
        (None, "bad_number"),
        (None, "negative_number"),
        (None, "bad_number"),
    ]


def test_roles_unknown_is_other() -> None:
    cells = ["Учитель", "УЧЕНИК", "Родитель (законный представитель)", "педагогический  работник", "Администратор"]
    assert parse(ValueType.ROLE, [*cells, None]) == [
        ("teacher", None),
        ("student", None),
        ("parent", None),
        ("teacher", None),
        ("other", None),
        (None, "missing_value"),
    ]


def test_platforms() -> None:
    cells = ["ФГИС «Моя школа»", 'ФГИС "Моя школа"', " СФЕРУМ ", "ЦПУ", "myschool", "ВКонтакте"]
    assert parse(ValueType.PLATFORM, cells) == [
        ("myschool", None),
        ("myschool", None),
        ("sferum", None),
        ("assistant", None),
        ("myschool", None),
        (None, "unknown_platform"),
    ]


def test_status_missing_means_active() -> None:
    assert parse(ValueType.STATUS, ["Заблокирована", "активна", None, "неактивна"], required=False) == [
        ("blocked", None),
        ("active", None),
        ("active", None),
        (None, "unknown_status"),
    ]


def test_a_status_with_a_qualifier_is_read_by_its_first_word() -> None:
    """«заблокирован (по решению ОО)» is blocked: an account the export marks so must not count as active
    through its events. A first word outside the vocabulary («не», «неактивна») stays unknown; a deleted or archived account
    counts nowhere, as a blocked one."""
    cells = [
        "заблокирован (по решению ОО)",
        " Заблокирована  администратором ",
        "заблокирован(а)",
        "блокирована.",
        "Активна, подтверждена",
        "не активна",
        "неактивна",
        "неактивна (архив)",
        "Удалена администратором",
        "В архиве",
    ]
    assert parse(ValueType.STATUS, cells, required=False) == [
        ("blocked", None),
        ("blocked", None),
        ("blocked", None),
        ("blocked", None),
        ("active", None),
        (None, "unknown_status"),
        (None, "unknown_status"),
        (None, "unknown_status"),
        ("blocked", None),
        ("blocked", None),
    ]


def test_ownership_and_content_kind() -> None:
    assert parse(
        ValueType.OWNERSHIP, ["Муниципальная", "ГОСУДАРСТВЕННАЯ", "частная", "Федеральная", "иностранная"]
    ) == [
        ("municipal", None),
        ("state", None),
        ("private", None),
        ("state", None),
        (None, "unknown_ownership"),
    ]
    assert parse(ValueType.CONTENT_KIND, ["ЦОК", "видео"]) == [("cok", None), (None, "unknown_content_kind")]


# Plural roles (exports name a role by its group) and the ОКФС names of ownership: these fell silently into
# `other` or were rejected.
GROUP_AND_OKFS_NAMES = [
    (ValueType.ROLE, "Учителя", "teacher"),
    (ValueType.ROLE, "Педагоги", "teacher"),
    (ValueType.ROLE, "Педагогические работники", "teacher"),
    (ValueType.ROLE, "Преподаватели", "teacher"),
    (ValueType.ROLE, "Ученики", "student"),
    (ValueType.ROLE, "Учащиеся", "student"),
    (ValueType.ROLE, "Родители", "parent"),
    (ValueType.ROLE, "Законные представители", "parent"),
    (ValueType.ROLE, "Родитель, законный представитель", "parent"),
    (ValueType.OWNERSHIP, "Муниципальная собственность", "municipal"),
    (ValueType.OWNERSHIP, "Собственность субъекта Российской Федерации", "state"),
    (ValueType.OWNERSHIP, "собственность субъектов российской федерации", "state"),
    (ValueType.OWNERSHIP, "Государственная собственность", "state"),
    (ValueType.OWNERSHIP, "Федеральная собственность", "state"),
    (ValueType.OWNERSHIP, "Частная собственность", "private"),
]


@pytest.mark.parametrize(("value_type", "cell", "code"), GROUP_AND_OKFS_NAMES)
def test_group_and_okfs_names(value_type: ValueType, cell: str, code: str) -> None:
    table = [(c, expected) for vt, c, expected in GROUP_AND_OKFS_NAMES if vt == value_type]
    assert check(value_type, table, cell) == (code, None)


def test_text_and_identifiers() -> None:
    assert parse(ValueType.TEXT, ["  МБОУ   СОШ\u00a0№ 1 "]) == [("МБОУ СОШ № 1", None)]
    assert parse(ValueType.ID, ["12345.0", "u-7", " 001 "]) == [("12345", None), ("u-7", None), ("001", None)]
    # Excel's traces, removed as from an ИНН: the same user as the plain id
    excel = ['="1001"', "1002,0", "'1003", '\'="1004"', "1005,00", "' 1006", '="1007 "', "1008.0000"]
    assert parse(ValueType.ID, excel) == [(str(n), None) for n in range(1001, 1009)]
    # what is not such a trace stays as written: three digits after the mark may be thousands (10,000 is not
    # user 10)
    kept = ["12.5", "a.0", "u'1", "x=1", "1,05", "10,000", "1.000"]
    assert parse(ValueType.ID, kept) == [(cell, None) for cell in kept]
    # a trace around nothing is an empty cell: never an id
    assert [error for _, error in parse(ValueType.ID, ['=""', "'", '=" "'])] == ["missing_value"] * 3


@pytest.mark.parametrize(
    ("day", "time", "joined"),
    [
        ("01.10.2024", "08:15", "01.10.2024 08:15"),
        (" 01.10.2024\u00a0", "\t8:15 ", "01.10.2024 8:15"),
        ("2024-10-01 00:00:00", "1899-12-31 08:15:30", "2024-10-01 08:15:30"),  # Excel cells, as calamine gives them
        ("2024-10-01 00:00:00", "1899-12-30 08:15:30", "2024-10-01 08:15:30"),
        ("01.10.2024", "1904-01-01 08:15:00", "01.10.2024 08:15:00"),  # a book of the 1904 date system
        ("01.10.2024 0:00", "08:15", "01.10.2024 08:15"),
        ("45566", "0,5", "2024-10-01 12:00:00"),  # a serial day and a fraction of one
        ("45566,0", "0.34375", "2024-10-01 08:15:00"),
        ("01.10.2024", "0.999999999", "01.10.2024 24:00:00"),  # rejected by the rules: not moved to the next day
        ("01.10.2024", "08:15+03:00", "01.10.2024 08:15+03:00"),
        ("01.10.2024", "21:30Z", "01.10.2024 21:30Z"),
        ("2024-10-01 08:00", "09:00", "2024-10-01 08:00 09:00"),  # two times: rejected by the rules
        ("01.10.2024", "", "01.10.2024"),
        ("2024-10-01 08:00", None, "2024-10-01 08:00"),
        ("", "08:15", "08:15"),  # rejected by the rules: no date
        ("01.10.2024", "02.10.2024 10:00", "02.10.2024 10:00"),  # not a time of day: read alone
        ("01.10.2024", "в 10", "в 10"),
        ("  ", "", None),
        (None, None, None),
    ],
)
def test_joined_date_time(day: str | None, time: str | None, joined: str | None) -> None:
    frame = pl.DataFrame({"day": [day], "time": [time]}, schema={"day": pl.String, "time": pl.String})
    assert frame.select(joined_date_time(pl.col("day"), pl.col("time"))).item() == joined


def test_timestamps_as_russian_pages_and_reports_decorate_them() -> None:
    """A comma after the date, the year's «г.», «МСК» for Moscow time (+03:00, whatever the configured zone)."""
    cells = [
        "15.09.2024, 10:00:00",
        "15.09.2024г. 10:00",
        "15.09.2024 г. 10:00",
        "15.09.2024 г.",
        "2024-09-15, 10:00",
        "15.09.2024 10:00 МСК",
        "15.09.2024 10:00 (мск)",
        "45565,75",  # (a serial day with a decimal comma is no date and a time)
        "15/09/2024 10:00",  # day or month first: not guessed
    ]
    ten = datetime(2024, 9, 15, 10, 0)
    assert parse(ValueType.DATETIME, cells, timezone="Asia/Yekaterinburg") == [
        *[(ten, None)] * 3,
        (datetime(2024, 9, 15), None),
        (ten, None),
        *[(datetime(2024, 9, 15, 12, 0), None)] * 2,  # 10:00 in Moscow is 12:00 in Yekaterinburg
        (datetime(2024, 9, 30, 18, 0), None),
        (None, "bad_date"),
    ]


def test_months_as_reports_write_them() -> None:
    cells = [
        "сентябрь 2024 года",
        "Сентябрь, 2024",
        "09/2024",
        "сент. 2024",
        "Сен 2024",
        "февр. 2024",
        "01.09.2024 - 30.09.2024",
        "с 01.09.2024 по 30.09.2024",
        "2024-09-01 – 2024-09-15",
        "01.09.2024 - 01.10.2024",  # two months: which?
        "30.09.2024 - 01.09.2024",
    ]
    september = (date(2024, 9, 1), None)
    assert parse(ValueType.MONTH, cells) == [
        *[september] * 5,
        (date(2024, 2, 1), None),
        *[september] * 3,
        (None, "bad_date"),
        (None, "bad_date"),
    ]


def test_counts_with_a_unit_or_no_data() -> None:
    cells = ["12 чел.", "1 200 человек", "н/д", "Нет данных", "12 (в т.ч. 2 совместителя)"]
    assert parse(ValueType.COUNT, cells, nullable=True) == [
        (12, None),
        (1200, None),
        (None, None),
        (None, None),
        (None, "bad_number"),
    ]


def test_an_optional_timestamp_may_say_there_is_none() -> None:
    """A last login «никогда», «—» or a database's zero date is an account that never signed in, not a bad row;
    in the events' required timestamp it stays an error."""
    cells = ["Никогда", "—", "нет", "не авторизовывался", "0000-00-00 00:00:00", "01.01.0001 00:00", "01.09.2024"]
    none_yet = [(None, None)] * 6
    assert parse(ValueType.DATETIME, cells, required=False) == [*none_yet, (datetime(2024, 9, 1), None)]
    assert parse(ValueType.DATETIME, cells)[0] == (None, "bad_date")


def test_ownership_by_okfs_code() -> None:
    cells = [
        "14 - Муниципальная собственность",
        "13 – Собственность субъектов РФ",
        "Муниципальная собственность (14)",
        "14.0",
        "12. Федеральная собственность",
        "16",
        "15",  # общественных и религиозных организаций: no municipal or state school
        "140",
        "Собственность субъекта РФ",
    ]
    assert parse(ValueType.OWNERSHIP, cells) == [
        ("municipal", None),
        ("state", None),
        ("municipal", None),
        ("municipal", None),
        ("state", None),
        ("private", None),
        (None, "unknown_ownership"),
        (None, "unknown_ownership"),
        ("state", None),
    ]


def test_the_spellings_of_real_exports() -> None:
    roles = ["Учитель-предметник", "Классный руководитель", "Обучающийся (ученик)", "Школьник"]
    roles += ["Родители (законные представители)", "Законный представитель обучающегося", "Учитель, Родитель"]
    assert [code for code, _ in parse(ValueType.ROLE, roles)] == [
        *["teacher"] * 2,
        *["student"] * 2,
        *["parent"] * 2,
        "other",  # two roles in one cell are not split
    ]
    statuses = ["Подтверждён", "Не подтверждён", "Ожидает подтверждения", "Удалён", "В архиве", "Приглашён"]
    assert parse(ValueType.STATUS, statuses, required=False) == [
        *[("active", None)] * 3,
        *[("blocked", None)] * 2,
        (None, "unknown_status"),
    ]
    platforms = ["myschool.edu.ru", "Сферум (VK Мессенджер)", "sferum.ru"]
    assert [code for code, _ in parse(ValueType.PLATFORM, platforms)] == ["myschool", "sferum", "sferum"]


def test_no_figure_and_no_sign_in_in_any_case() -> None:
    """«Н/д» (capitalised) was a bad number, and dropped the school from the population."""
    assert parse(ValueType.COUNT, ["Н/д", "НЕТ ДАННЫХ", "н/Д"], nullable=True) == [
        (None, None),
        (None, None),
        (None, "bad_number"),  # (as typed, capitalised or in capitals: not every mix)
    ]
    cells = ["НЕ ВХОДИЛ", "Не авторизовался", "0001-01-01T00:00:00", "0000-00-00T00:00:00"]
    assert parse(ValueType.DATETIME, cells, required=False) == [(None, None)] * 4


def test_an_okfs_code_alone_in_brackets() -> None:
    assert [code for code, _ in parse(ValueType.OWNERSHIP, ["(14)", "14)", "(13)", "(15)"])] == [
        "municipal",
        "municipal",
        "state",
        None,
    ]


def test_no_figure_in_title_case() -> None:
    assert parse(ValueType.COUNT, ["Нет Данных"], nullable=True) == [(None, None)]
