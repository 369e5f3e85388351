"""What every sheet of the monthly workbook shares: its inputs, labels in two languages, dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adoption_cli.cli.environment import Lang
from adoption_cli.schema import Kind

if TYPE_CHECKING:
    import polars as pl

    from adoption_cli.config import Settings
    from adoption_cli.dataset import LoadReport
    from adoption_cli.metrics.indicator import IndicatorResult
    from adoption_cli.periods import Period

PLATFORM_LABELS: dict[str, tuple[str, str]] = {
    "myschool": ("Моя школа", "My School"),
    "sferum": ("Сферум", "Sferum"),
    "assistant": ("ЦПУ", "Student Assistant"),
}
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "teacher": ("педагогов", "teachers"),
    "student": ("обучающихся", "students"),
    "parent": ("родителей", "parents"),
}
OWNERSHIP_LABELS: dict[str, tuple[str, str]] = {
    "municipal": ("муниципальная", "municipal"),
    "state": ("государственная", "state"),
    "private": ("частная", "private"),
}
KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.SCHOOLS: ("реестр школ", "school registry"),
    Kind.ACCOUNTS: ("учётные записи", "accounts"),
    Kind.EVENTS: ("события", "events"),
    Kind.SCHOOL_STATS: ("статистика школ", "school statistics"),
    Kind.CONTENT_ITEMS: ("каталог контента", "content catalogue"),
    Kind.CONTENT_VIEWS: ("просмотры контента", "content views"),
}
_MONTHS_RU = (
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
# Not strftime("%B"): that follows the process locale, and the same inputs must give the same cells.
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


@dataclass(frozen=True, slots=True)
class RunParameters:
    """How the report was asked for: shown on «О отчёте»."""

    data_dir: Path
    config_file: Path | None
    store: Path | None
    strict: bool
    version: str
    generated_at: datetime  # naive local time: the one cell that differs between two runs


@dataclass(slots=True)
class ReportInput:
    """Results of the metric functions for one month; the sheets only lay them out."""

    period: Period
    settings: Settings
    load: LoadReport
    run: RunParameters
    indicator: IndicatorResult
    activity: pl.DataFrame  # metrics.school_activity.platform_role_activity, collected
    platforms: list[str]  # platforms present in the data, canonical order


@dataclass(frozen=True, slots=True)
class Texts:
    lang: Lang

    def __call__(self, ru: str, en: str) -> str:
        return en if self.lang == "en" else ru

    def pick(self, labels: tuple[str, str]) -> str:
        return labels[1] if self.lang == "en" else labels[0]

    def platform(self, code: str) -> str:
        return self.pick(PLATFORM_LABELS.get(code, (code, code)))

    def platforms(self, codes: list[str]) -> str:
        return ", ".join(self.platform(code) for code in codes)

    def month(self, first_day: date) -> str:
        if self.lang == "en":
            return f"{_MONTHS_EN[first_day.month - 1]} {first_day.year}"
        return f"{_MONTHS_RU[first_day.month - 1]} {first_day.year}"

    def day(self, value: date) -> str:
        return value.isoformat() if self.lang == "en" else f"{value:%d.%m.%Y}"

    def period(self, period: Period) -> str:
        if period.kind == "month":
            return self.month(period.start)
        return f"{self.day(period.start)} – {self.day(period.end)}"


def iso_date(text: str | None) -> date | None:
    """An ISO date (or datetime) from the load report as a date; None stays None."""
    return None if text is None else date.fromisoformat(text[:10])
