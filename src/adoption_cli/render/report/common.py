"""What every sheet of the monthly workbook shares: its inputs, labels in two languages, dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adoption_cli.environment import Lang
from adoption_cli.render.excel import Chart, Column, Fill, Table, judged_cell
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
    from adoption_cli.dataset import Dataset, LoadReport
    from adoption_cli.metrics.activity import ActivityResult
    from adoption_cli.metrics.assistant import AssistantResult
    from adoption_cli.metrics.indicator_result import IndicatorResult
    from adoption_cli.metrics.plan import PlanResult
    from adoption_cli.metrics.rating import RatingResult
    from adoption_cli.metrics.sferum import SferumResult
    from adoption_cli.metrics.trend import TrendResult
    from adoption_cli.periods import Period

TREND_MONTHS = 12

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "teacher": ("педагогов", "teachers"),
    "student": ("обучающихся", "students"),
    "parent": ("родителей", "parents"),
}


@dataclass(frozen=True, slots=True)
class RunParameters:
    """How the report was asked for: shown on «Об отчёте»."""

    data_dir: Path
    config_file: Path | None
    store: Path | None  # the store the figures were read from; None: the exports were read
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
    # metrics.indicator.schools_frame, collected (its `capped` and `no_total` included), with each role's
    # need as the school card computes it (metrics.plan.role_needed)
    schools: pl.DataFrame
    activity: pl.DataFrame  # metrics.school_activity.platform_role_activity, collected
    platforms: list[str]  # platforms present in the data, canonical order
    assistant: AssistantResult
    myschool: ActivityResult  # the «Моя школа» panels, content included
    sferum: SferumResult
    rating: RatingResult  # «Моя школа», every role, the whole region
    plan: PlanResult
    trend: TrendResult  # up to TREND_MONTHS months ending with the report's month, from where the exports begin
    # What the command warned of the month's and the compared month's data (stderr, which a cron job run with
    # --quiet never prints): on «Сводка», above the figures it qualifies.
    warnings: list[str] = field(default_factory=list)


def gather(dataset: Dataset, period: Period, settings: Settings, run: RunParameters) -> ReportInput:
    """Call the metric functions for the month: each figure comes from the function behind its command.

    The export files are parsed once: every frame but the raw events is kept in memory, and the events
    become distinct user-days over the months the workbook covers (the store's `user_days` mechanism). A
    store's monthly tables are read as they are: its figures for whole months need no user-level rows.
    """
    import polars as pl

    from adoption_cli.metrics.activity import compute_activity
    from adoption_cli.metrics.activity_base import with_activity_for
    from adoption_cli.metrics.assistant import compute_assistant
    from adoption_cli.metrics.indicator import schools_frame
    from adoption_cli.metrics.indicator_result import build_result
    from adoption_cli.metrics.plan import compute_plan, role_needed
    from adoption_cli.metrics.rating import compute_rating
    from adoption_cli.metrics.school_activity import coverage_start, platform_role_activity, platforms_present
    from adoption_cli.metrics.sferum import compute_sferum
    from adoption_cli.metrics.trend import compute_trend
    from adoption_cli.periods import month_period

    last = period.start.year * 12 + period.start.month - 1
    covered = coverage_start(dataset)
    first = max(last - TREND_MONTHS + 1, covered.year * 12 + covered.month - 1 if covered else 0)
    months = [month_period(date(index // 12, index % 12 + 1, 1)) for index in range(min(first, last), last + 1)]
    dataset = with_activity_for(dataset, [*months, period.previous()])

    frame, combination = schools_frame(dataset, period, settings)
    rules = settings.indicator
    judged = frame.with_columns(
        role_needed("teacher", rules.teacher_threshold_pct), role_needed("student", rules.student_threshold_pct)
    )
    schools, activity = pl.collect_all([judged, platform_role_activity(dataset, period)])
    return ReportInput(
        period=period,
        settings=settings,
        load=dataset.report,
        run=run,
        indicator=build_result(schools.to_dicts(), period, settings, combination),
        schools=schools,
        activity=activity,
        platforms=platforms_present(dataset),
        assistant=compute_assistant(dataset, period, settings),
        myschool=compute_activity(dataset, period),
        sferum=compute_sferum(dataset, period, settings),
        rating=compute_rating(dataset, period),
        plan=compute_plan(dataset, period, settings),
        trend=compute_trend(dataset, months, settings),
    )


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


def grain_line(grain: str | None, t: Texts) -> str:
    """Where a platform's figures come from: user-level exports or per-school statistics."""
    if grain == "school":
        return t(
            "Источник: статистика по школам (число активных за месяц из выгрузки).",
            "Source: per-school statistics (the month's active users as exported).",
        )
    return t(
        "Источник: данные о пользователях (входы и учётные записи; заблокированные не в счёт).",
        "Source: user-level exports (logins and accounts; blocked accounts excluded).",
    )


@dataclass(frozen=True, slots=True)
class Judged:
    """One line of a table against a target: a municipality or the region."""

    name: str
    counts: tuple[int, ...]
    share_pct: float | None
    met: bool
    needed: int


def target_block(
    t: Texts,
    *,
    columns: tuple[Column, ...],
    lines: list[Judged],
    region: Judged,
    target_pct: float,
    title: str,
    chart_title: str,
    y_title: str,
) -> tuple[Table, Chart]:
    """Municipalities against a target (region as the total row) and their bar chart with the target line.

    `columns`: the count columns, the share column (key "share") and the «still needed» column, in that order.
    """
    *counts, share, needed = columns
    table = Table(
        (
            Column("name", "Муниципальное образование", "Municipality"),
            *counts,
            share,
            Column("target", "Цель", "Target", "pct"),
            Column("met", "Цель достигнута", "Target met", "flag"),
            needed,
        ),
        [
            (
                line.name,
                *line.counts,
                judged_cell(line.share_pct, target_pct, line.met),
                target_pct,
                line.met,
                line.needed,
            )
            for line in lines
        ],
        title=title,
        fills=(Fill("share", judged_by="met"), Fill("met")),
        total=(
            region.name,
            *region.counts,
            judged_cell(region.share_pct, target_pct, region.met),
            target_pct,
            region.met,
            region.needed,
        ),
        main=True,
    )
    chart = Chart(
        "bar",
        table,
        category="name",
        series=("share",),
        targets=("target",),
        title=chart_title,
        x_title=t("Муниципальное образование", "Municipality"),
        y_title=y_title,
    )
    return table, chart
