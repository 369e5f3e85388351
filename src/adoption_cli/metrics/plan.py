"""The cheapest way to the indicator target (docs/metrics.md, «План»).

For every population school that is not flagged and can be flagged (positive ОО-1 totals of both roles),
its cost is the number of extra active users that would flag it: ⌈threshold × total⌉ − active per role
(at least 0), teachers + students. Choosing k schools to minimise the sum of such independent costs is
solved by the k smallest costs (ties by school_id); docs/metrics.md proves it.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, TypeAdapter

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.common import Combination, PeriodInfo, exact_pct, schools_needed
from adoption_cli.metrics.indicator import schools_frame
from adoption_cli.periods import Period

ACTIVE_RULE = (
    "as the indicator: active teachers/students per school on the indicator's platforms; a school's need is "
    "ceil(threshold x OO-1 total) - active per role"
)


class PlannedSchool(BaseModel):
    school_id: str
    name: str
    municipality: str
    teachers_needed: int
    students_needed: int


class PlanResult(BaseModel):
    period: PeriodInfo
    target_pct: float
    municipality: str | None  # None: region-wide
    platforms: list[str]
    combination: Combination
    active_rule: str
    teacher_threshold_pct: float
    student_threshold_pct: float
    schools_total: int  # population schools in scope
    flagged: int
    schools_required: int  # ⌈target × schools_total⌉
    schools_needed: int  # max(0, schools_required − flagged)
    candidates: int  # not flagged, with positive totals of both roles
    target_reachable: bool  # False: even every candidate would not be enough
    schools_short: int  # schools still missing after choosing every candidate (0 when reachable)
    teachers_needed: int
    students_needed: int
    total_needed: int
    schools: list[PlannedSchool]
    message: str | None = None  # set by the command in the user's language when the target is out of reach


def users_needed(active: pl.Expr, total: pl.Expr, threshold_pct: float) -> pl.Expr:
    """max(0, ⌈threshold × total⌉ − active) in integers, with the threshold scaled exactly as
    indicator.reaches scales it, so that «needed = 0» and «reaches the threshold» never disagree."""
    threshold = exact_pct(threshold_pct)
    scale = 100 * threshold.denominator
    required = (total * threshold.numerator + scale - 1) // scale
    return pl.max_horizontal(required - active, pl.lit(0)).cast(pl.Int64)


def role_needed(role: str, threshold_pct: float) -> pl.Expr:
    """`<role>s_needed` of a schools_frame row: the extra active users of one role (`teacher` or `student`)
    that reach its threshold, judged on its own — null without a positive ОО-1 total of that role, whatever
    the other role's total. The school card and the report's «Школы» sheet show it per role."""
    active, total = pl.col(f"{role}s_active"), pl.col(f"{role}s_total")
    return pl.when(total > 0).then(users_needed(active, total, threshold_pct)).alias(f"{role}s_needed")


def candidates_frame(schools: pl.LazyFrame, settings: Settings) -> pl.LazyFrame:
    """Not-yet-flagged schools that can be flagged, cheapest first (ties by school_id)."""
    rules = settings.indicator
    return (
        schools.filter(~pl.col("flagged") & ~pl.col("no_total"))
        .with_columns(
            users_needed(pl.col("teachers_active"), pl.col("teachers_total"), rules.teacher_threshold_pct).alias(
                "teachers_needed"
            ),
            users_needed(pl.col("students_active"), pl.col("students_total"), rules.student_threshold_pct).alias(
                "students_needed"
            ),
        )
        .with_columns((pl.col("teachers_needed") + pl.col("students_needed")).alias("total_needed"))
        .sort("total_needed", "school_id")
    )


def compute_plan(
    dataset: Dataset,
    period: Period,
    settings: Settings,
    *,
    target_pct: float | None = None,
    municipality: str | None = None,
) -> PlanResult:
    """`target_pct` None: the indicator target in force in the period; `municipality`: an exact name."""
    target = settings.indicator.target_for(period.month_key) if target_pct is None else target_pct
    frame, combination = schools_frame(dataset, period, settings)
    if municipality is not None:
        frame = frame.filter(pl.col("municipality") == municipality)
    totals, candidates = pl.collect_all(
        [
            frame.select(pl.len().alias("schools"), pl.col("flagged").sum().cast(pl.Int64).alias("flagged")),
            candidates_frame(frame, settings),
        ]
    )
    schools_total, flagged = totals.row(0)
    needed = schools_needed(schools_total, flagged, target)
    chosen = candidates.head(needed)
    rules = settings.indicator
    return PlanResult(
        period=PeriodInfo.of(period),
        target_pct=target,
        municipality=municipality,
        platforms=list(rules.platforms),
        combination=combination,
        active_rule=ACTIVE_RULE,
        teacher_threshold_pct=rules.teacher_threshold_pct,
        student_threshold_pct=rules.student_threshold_pct,
        schools_total=schools_total,
        flagged=flagged,
        schools_required=schools_needed(schools_total, 0, target),
        schools_needed=needed,
        candidates=candidates.height,
        target_reachable=candidates.height >= needed,
        schools_short=max(0, needed - candidates.height),
        teachers_needed=int(chosen["teachers_needed"].sum()),
        students_needed=int(chosen["students_needed"].sum()),
        total_needed=int(chosen["total_needed"].sum()),
        schools=TypeAdapter(list[PlannedSchool]).validate_python(
            chosen.select("school_id", "name", "municipality", "teachers_needed", "students_needed").to_dicts()
        ),
    )
