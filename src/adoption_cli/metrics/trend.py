"""Month-by-month series for the region and every municipality (docs/metrics.md, «Динамика»): the
indicator share, the assistant share, and the active teacher and student shares on the indicator's
platforms. Each month is judged against the targets in force in that month.

Every month reuses the indicator's per-school frame and the assistant's scope counts unchanged. The raw
activity is read once for the whole range; the months' lazy plans are then collected together.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from pydantic import BaseModel

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics import assistant, indicator
from adoption_cli.metrics.activity_base import combination_for, population, with_activity_for
from adoption_cli.metrics.common import Combination, name_order, pct
from adoption_cli.metrics.indicator_result import summarise
from adoption_cli.metrics.scopes import REGION_KEY
from adoption_cli.periods import Period

SERIES = ("indicator_pct", "assistant_pct", "teacher_share_pct", "student_share_pct")
ACTIVE_RULES = {
    "indicator_pct": "flagged population schools / population schools (adoption indicator)",
    "assistant_pct": "active assistant students / ОО-1 students (adoption assistant)",
    "teacher_share_pct": "sum over schools of the indicator's active teachers (platforms combined as the "
    "indicator combines them) / sum of ОО-1 teachers of schools with a positive total",
    "student_share_pct": "as teacher_share_pct, for students",
}
DENOMINATORS = {
    "indicator_pct": "population schools",
    "assistant_pct": "students_total",
    "teacher_share_pct": "teachers_total",
    "student_share_pct": "students_total",
}


class TrendPoint(BaseModel):
    month: str
    schools: int
    flagged: int
    indicator_pct: float | None
    indicator_target_pct: float
    indicator_target_met: bool
    assistant_pct: float | None
    assistant_target_pct: float
    assistant_target_met: bool
    teacher_share_pct: float | None
    student_share_pct: float | None


class TrendSeries(BaseModel):
    name: str | None  # None for the region
    points: list[TrendPoint]


class TrendResult(BaseModel):
    from_month: str
    to_month: str
    months: list[str]
    platforms: list[str]
    combination: Combination
    ownership: list[str]
    active_rules: dict[str, str]
    denominators: dict[str, str]
    region: TrendSeries
    municipalities: list[TrendSeries]


def _indicator_by_scope(schools: pl.LazyFrame) -> pl.LazyFrame:
    """Per municipality and for the region: schools, flagged, and active/total teachers and students
    summed over the schools whose total of that role is positive."""
    sums = [pl.len().cast(pl.Int64).alias("schools"), pl.col("flagged").sum().cast(pl.Int64)]
    for role in ("teachers", "students"):
        judged = pl.col(f"{role}_total").fill_null(0) > 0
        sums += [
            pl.col(f"{role}_total").filter(judged).sum().cast(pl.Int64),
            pl.col(f"{role}_active").filter(judged).sum().cast(pl.Int64),
        ]
    return pl.concat(
        [
            schools.group_by(pl.col("municipality").alias("key")).agg(sums),
            schools.select(pl.lit(REGION_KEY).alias("key"), *sums),
        ],
        how="vertical",
    )


def compute_trend(dataset: Dataset, months: list[Period], settings: Settings) -> TrendResult:
    dataset = with_activity_for(dataset, months)
    plans: list[pl.LazyFrame] = []
    for month in months:
        frame, _ = indicator.schools_frame(dataset, month, settings)
        counts, _ = assistant.assistant_frames(dataset, month, settings)
        label = pl.lit(month.label).alias("month")
        plans.append(_indicator_by_scope(frame).with_columns(label))
        plans.append(counts.filter(pl.col("level") != "school").select("key", "total", "active", label))
    municipalities = population(dataset, settings.indicator.ownership).select("municipality").unique()
    collected = pl.collect_all([*plans, municipalities])
    by_scope = pl.concat(collected[0:-1:2], how="vertical")
    assistant_counts = pl.concat(collected[1:-1:2], how="vertical")
    table = by_scope.join(assistant_counts, on=["key", "month"], how="left").with_columns(
        pl.col("total", "active").fill_null(0)
    )
    points: dict[str, list[TrendPoint]] = {}
    for row in table.sort("month").iter_rows(named=True):
        points.setdefault(row["key"], []).append(_point(row, settings))
    names = sorted(collected[-1]["municipality"].to_list(), key=name_order)
    rules = settings.indicator
    return TrendResult(
        from_month=months[0].label,
        to_month=months[-1].label,
        months=[m.label for m in months],
        platforms=list(rules.platforms),
        combination=combination_for(dataset, rules.platforms, settings.identity.shared_user_ids),
        ownership=list(rules.ownership),
        active_rules=dict(ACTIVE_RULES),
        denominators=dict(DENOMINATORS),
        region=TrendSeries(name=None, points=points.get(REGION_KEY, [])),
        municipalities=[TrendSeries(name=name, points=points.get(name, [])) for name in names],
    )


def _point(row: dict[str, Any], settings: Settings) -> TrendPoint:
    month, values = row["month"], row
    judged = summarise(values["schools"], values["flagged"], settings.indicator.target_for(month))
    assisted = assistant.summarise(values["total"], values["active"], settings.assistant.target_for(month))
    return TrendPoint(
        month=month,
        schools=judged.schools,
        flagged=judged.flagged,
        indicator_pct=judged.share_pct,
        indicator_target_pct=settings.indicator.target_for(month),
        indicator_target_met=judged.target_met,
        assistant_pct=assisted.share_pct,
        assistant_target_pct=settings.assistant.target_for(month),
        assistant_target_met=assisted.target_met,
        teacher_share_pct=pct(values["teachers_active"], values["teachers_total"]),
        student_share_pct=pct(values["students_active"], values["students_total"]),
    )
