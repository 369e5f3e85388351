"""The monthly report's figures: every metric of the workbook for one month, gathered once (`gather`), each
from the function behind its command. The sheets (render.report) only lay them out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

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

TREND_MONTHS = 12  # of «Динамика»


@dataclass(frozen=True, slots=True)
class RunParameters:
    """How the report was asked for: shown on «Об отчёте»."""

    data_dir: Path
    config_file: Path | None
    store: Path | None  # the store the figures were read from; None: the exports were read
    strict: bool
    version: str
    # the one cell that differs between two runs: naive (a workbook holds no zone), in `[time] timezone`, as the
    # figures are
    generated_at: datetime


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
    from adoption_cli.periods import add_months, month_range

    # up to TREND_MONTHS months ending with the report's, from where the exports begin
    covered = coverage_start(dataset)
    first = add_months(period.start, 1 - TREND_MONTHS)
    first = min(max(first, covered.replace(day=1)) if covered else first, period.start)
    months = month_range(f"{first:%Y-%m}", period.label)
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
