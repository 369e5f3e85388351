"""Period parsing: well-formed but extreme years are a usage error (exit 2), for every option naming a period."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from adoption_cli.errors import UsageError
from adoption_cli.periods import month_range, parse_date, parse_month, parse_quarter, resolve_period
from tests.builders import dataset, event, school
from tests.cli_support import invoke, serve

INN = "2300000001"


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_month, "9999-12"),
        (parse_month, "0001-01"),
        (parse_month, "1999-12"),
        (parse_month, "2101-01"),
        (parse_quarter, "9999Q4"),
        (parse_quarter, "0001Q1"),
        (parse_date, "0001-01-01"),
        (parse_date, "9999-12-31"),
        (parse_date, "31.12.9999"),
    ],
)
def test_years_outside_2000_2100_are_refused(parse: object, text: str) -> None:
    with pytest.raises(UsageError, match=r"вне допустимого диапазона 2000–2100"):
        parse(text)  # type: ignore[operator]


def test_the_bounds_themselves_are_accepted() -> None:
    assert parse_month("2000-01").start == date(2000, 1, 1)
    assert parse_month("2100-12").end == date(2100, 12, 31)
    assert parse_month("2000-01").previous().start == date(1999, 12, 1)
    assert parse_quarter("2100Q4").end == date(2100, 12, 31)
    assert resolve_period(as_of="2000-01-01", days=366).start == date(1999, 1, 1)
    assert len(month_range("2000-01", "2100-12")) == 101 * 12


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    day = datetime(2024, 9, 10, 12, 0)
    serve(
        monkeypatch,
        dataset(  # type: ignore[arg-type]
            schools=[school(INN, "СОШ № 1", "Город-курорт Сочи", "municipal", 2, 4)],
            events=[event("myschool", "t1", "teacher", INN, day)],
        ),
    )
    return str(tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ("indicator", "--month", "9999-12"),
        ("indicator", "--month", "0001-01"),
        ("assistant", "--month", "0001-01"),
        ("assistant", "--quarter", "9999Q4"),
        ("assistant", "--as-of", "9999-12-31"),
        ("sferum", "--month", "0001-01"),
        ("sferum", "--as-of", "0001-01-01"),
        ("activity", "--month", "9999-12"),
        ("activity", "--as-of", "0001-01-01"),
        ("activity", "--as-of", "9999-12-31"),
        ("rating", "--month", "0001-01"),
        ("rating", "--as-of", "9999-12-31"),
        ("plan", "--month", "9999-12"),
        ("school", INN, "--month", "9999-12"),
        ("school", INN, "--as-of", "0001-01-01"),
        ("trend", "--from", "2024-01", "--to", "9999-12"),
        ("trend", "--from", "0001-01", "--to", "2024-01"),
        ("report", "--month", "9999-12"),
    ],
)
def test_an_extreme_year_on_the_command_line_is_a_usage_error(data: str, args: tuple[str, ...]) -> None:
    result = invoke(*args, "--data", data)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "вне допустимого диапазона 2000–2100" in lines[0], lines
    assert "непредвиденная" not in result.stderr


def test_days_is_the_length_of_an_as_of_window_only() -> None:
    window = resolve_period(as_of="2024-09-30")
    assert (window.start, window.end) == (date(2024, 9, 1), date(2024, 9, 30))  # 30 days without --days
    assert resolve_period(as_of="2024-09-30", days=7).start == date(2024, 9, 24)
    for period in ({"month": "2024-09"}, {"quarter": "2024Q3"}, {}):
        with pytest.raises(UsageError, match="--days задаёт длину окна --as-of"):
            resolve_period(days=7, **period)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "args",
    [
        ("activity", "--month", "2024-09", "--days", "7"),
        ("sferum", "--month", "2024-09", "--days", "7"),
        ("rating", "--month", "2024-09", "--days", "7"),
        ("assistant", "--quarter", "2024Q3", "--days", "7"),
        ("school", INN, "--days", "7"),
    ],
)
def test_days_without_as_of_is_a_usage_error_not_ignored(data: str, args: tuple[str, ...]) -> None:
    """`--month 2024-09 --days 7` showed the whole month as if the seven days had been read."""
    result = invoke(*args, "--data", data)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "Ошибка: --days задаёт длину окна --as-of: укажите --as-of ДАТА или уберите --days."
    ]
