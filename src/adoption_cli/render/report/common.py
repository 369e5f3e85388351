"""What every sheet of the monthly workbook shares: its inputs, labels in two languages, dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adoption_cli.cli.environment import Lang
from adoption_cli.render.labels import (
    fmt_date,
    kind_label,
    month_name,
    ownership_label,
    period_range,
    platform_label,
    platforms_label,
)
from adoption_cli.schema import Kind

if TYPE_CHECKING:
    import polars as pl

    from adoption_cli.config import Settings
    from adoption_cli.dataset import LoadReport
    from adoption_cli.metrics.indicator import IndicatorResult
    from adoption_cli.periods import Period

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "teacher": ("педагогов", "teachers"),
    "student": ("обучающихся", "students"),
    "parent": ("родителей", "parents"),
}


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
        return platform_label(code, self.lang)

    def platforms(self, codes: Iterable[str]) -> str:
        return platforms_label(codes, self.lang)

    def kind(self, kind: Kind) -> str:
        return kind_label(kind.value, self.lang)

    def ownership(self, codes: Iterable[str]) -> str:
        return ownership_label(codes, self.lang)

    def day(self, value: date) -> str:
        return fmt_date(value, self.lang)

    def period(self, period: Period) -> str:
        if period.kind == "month":
            return month_name(period.start, self.lang)
        return period_range(period.start, period.end, self.lang)


def iso_date(text: str | None) -> date | None:
    """An ISO date (or datetime) from the load report as a date; None stays None."""
    return None if text is None else date.fromisoformat(text[:10])
