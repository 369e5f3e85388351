"""Reporting periods: a calendar month, a quarter, or a rolling window of N days ending on a date.

Every period is a closed range of local calendar days [start, end]; the previous period is the range of
equal length right before (for months and quarters: the previous calendar month/quarter).
Polars-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from adoption_cli.errors import UsageError

PeriodKind = Literal["month", "quarter", "window"]

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER_RE = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")

# Years a period may name. Data before 2000 is rejected by the readers (docs/data-formats.md), and a year
# near 1 or 9999 would overflow the date arithmetic (the previous month, a window's start).
FIRST_YEAR = 2000
LAST_YEAR = 2100


def _check_year(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(
            f"Год в «{text}» вне допустимого диапазона {FIRST_YEAR}–{LAST_YEAR}.",
            en=f"The year in «{text}» is outside {FIRST_YEAR}–{LAST_YEAR}.",
        )


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def label(self) -> str:
        """Machine label: 2024-09, 2024Q3, or 2024-09-01..2024-09-30."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def month_key(self) -> str:
        """YYYY-MM of the period's last day: the month whose target is in force for this period."""
        return f"{self.end:%Y-%m}"

    def months(self) -> list[date]:
        """First days of every calendar month the period touches."""
        first = date(self.start.year, self.start.month, 1)
        result = []
        while first <= self.end:
            result.append(first)
            first = add_months(first, 1)
        return result

    def previous(self) -> Period:
        if self.kind == "month":
            return month_period(add_months(self.start, -1))
        if self.kind == "quarter":
            start = add_months(self.start, -3)
            return Period("quarter", start, self.start - timedelta(days=1))
        return Period("window", self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_json(cls, kind: str, start: str, end: str) -> Period:
        """The period `to_json` wrote (kind, ISO start and end)."""
        if kind not in ("month", "quarter", "window"):
            raise ValueError(f"unknown period kind: {kind!r}")
        return cls(kind, date.fromisoformat(start), date.fromisoformat(end))  # type: ignore[arg-type]


def month_period(first_day: date) -> Period:
    start = date(first_day.year, first_day.month, 1)
    return Period("month", start, add_months(start, 1) - timedelta(days=1))


def last_day_covered(day: date, *, monthly: bool) -> date:
    """The last day a record dated `day` covers: a monthly record (school statistics, stored as the month's
    1st) covers its whole month."""
    return month_period(day).end if monthly else day


def parse_month(text: str) -> Period:
    match = _MONTH_RE.match(text.strip())
    if not match:
        raise UsageError(
            f"Месяц «{text}» не в формате ГГГГ-ММ (например, 2024-09).",
            en=f"The month «{text}» is not YYYY-MM (e.g. 2024-09).",
        )
    _check_year(int(match.group(1)), text)
    return month_period(date(int(match.group(1)), int(match.group(2)), 1))


def parse_quarter(text: str) -> Period:
    match = _QUARTER_RE.match(text.strip())
    if not match:
        raise UsageError(
            f"Квартал «{text}» не в формате ГГГГQN (например, 2024Q3).",
            en=f"The quarter «{text}» is not YYYYQN (e.g. 2024Q3).",
        )
    _check_year(int(match.group(1)), text)
    start = date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1)
    return Period("quarter", start, add_months(start, 3) - timedelta(days=1))


def parse_date(text: str) -> date:
    from datetime import datetime

    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        _check_year(day.year, text)
        return day
    raise UsageError(
        f"Дата «{text}» не в формате ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.",
        en=f"The date «{text}» is not YYYY-MM-DD or DD.MM.YYYY.",
    )


def window_period(as_of: str, days: int) -> Period:
    if days < 1:
        raise UsageError(
            "--days должно быть положительным числом дней.", en="--days must be a positive number of days."
        )
    end = parse_date(as_of)
    return Period("window", end - timedelta(days=days - 1), end)


# The length of an --as-of window without --days.
WINDOW_DAYS = 30


def resolve_period(
    *,
    month: str | None = None,
    as_of: str | None = None,
    days: int | None = None,
    quarter: str | None = None,
    default_month: date | None = None,
) -> Period:
    """The one period named on the command line; exactly one of --month, --as-of, --quarter; `days` (--days)
    only with --as-of (`WINDOW_DAYS` without it).

    With none given, `default_month` (if any) is used, else it is a usage error.
    """
    given = [name for name, value in (("--month", month), ("--as-of", as_of), ("--quarter", quarter)) if value]
    if len(given) > 1:
        raise UsageError(
            f"Укажите только один период: {' или '.join(given)}.", en=f"Give one period only: {' or '.join(given)}."
        )
    if days is not None and not as_of:
        # (silently ignored, `--month 2024-09 --days 7` showed the whole month as if it were seven days)
        raise UsageError(
            "--days задаёт длину окна --as-of: укажите --as-of ДАТА или уберите --days.",
            en="--days is the length of the --as-of window: give --as-of DATE or drop --days.",
        )
    if month:
        return parse_month(month)
    if as_of:
        return window_period(as_of, WINDOW_DAYS if days is None else days)
    if quarter:
        return parse_quarter(quarter)
    if default_month is not None:
        return month_period(default_month)
    raise UsageError(
        f"Укажите период: --month ГГГГ-ММ или --as-of ДАТА [--days {WINDOW_DAYS}].",
        en=f"Give a period: --month YYYY-MM or --as-of DATE [--days {WINDOW_DAYS}].",
    )


def month_range(first: str, last: str) -> list[Period]:
    start, end = parse_month(first), parse_month(last)
    if end.start < start.start:
        raise UsageError(f"--from {first} позже, чем --to {last}.", en=f"--from {first} is after --to {last}.")
    result = [start]
    while result[-1].start < end.start:
        result.append(month_period(add_months(result[-1].start, 1)))
    return result
