"""The 33% indicator's result and how it is built from one row per population school (metrics.indicator
computes those rows). Polars-free, so that the indicator read from a store's precomputed rows starts without
importing Polars (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from adoption_cli.config import Settings
from adoption_cli.metrics.common import Combination, name_order, reaches_pct, schools_needed
from adoption_cli.periods import Period

# One population school's row (metrics.indicator.schools_frame): its SchoolIndicator fields, plus whether
# a share was capped at 100% and whether an ОО-1 total is zero or missing (the data-quality counts).
SchoolRow = Mapping[str, Any]


class IndicatorPeriod(BaseModel):
    month: str
    start: str
    end: str


class IndicatorSummary(BaseModel):
    schools: int
    flagged: int
    share_pct: float | None
    target_met: bool
    schools_needed: int


class MunicipalityIndicator(IndicatorSummary):
    name: str


class SchoolIndicator(BaseModel):
    school_id: str
    name: str
    municipality: str
    teachers_total: int | None
    teachers_active: int
    teacher_share_pct: float | None
    students_total: int | None
    students_active: int
    student_share_pct: float | None
    flagged: bool


class IndicatorQuality(BaseModel):
    capped_shares: int  # schools where active > ОО-1 total (share capped at 100%)
    no_total: int  # schools with a zero or missing ОО-1 total: cannot be flagged


class IndicatorResult(BaseModel):
    period: IndicatorPeriod
    platforms: list[str]
    combination: Combination
    target_pct: float
    teacher_threshold_pct: float
    student_threshold_pct: float
    region: IndicatorSummary
    municipalities: list[MunicipalityIndicator]
    schools: list[SchoolIndicator]
    data_quality: IndicatorQuality


def summarise(schools: int, flagged: int, target_pct: float) -> IndicatorSummary:
    return IndicatorSummary(
        schools=schools,
        flagged=flagged,
        share_pct=flagged * 100 / schools if schools else None,
        target_met=reaches_pct(flagged, schools, target_pct),
        schools_needed=schools_needed(schools, flagged, target_pct),
    )


def build_result(
    schools: Sequence[SchoolRow],
    period: Period,
    settings: Settings,
    combination: Combination,
    *,
    municipality: str | None = None,
) -> IndicatorResult:
    """The result from the schools' rows, in the order they are listed (municipality, name, ИНН). With
    `municipality` (an exact name) the municipalities, schools and data-quality counts are restricted to it
    while `region` still describes the whole region (its context)."""
    target = settings.indicator.target_for(period.month_key)
    region = summarise(len(schools), sum(bool(row["flagged"]) for row in schools), target)
    if municipality is not None:
        schools = [row for row in schools if row["municipality"] == municipality]
    counts: dict[str, list[int]] = {}
    for row in schools:
        count = counts.setdefault(row["municipality"], [0, 0])
        count[0] += 1
        count[1] += bool(row["flagged"])
    municipalities = [
        MunicipalityIndicator(name=name, **summarise(total, flagged, target).model_dump())
        for name, (total, flagged) in sorted(counts.items(), key=lambda item: name_order(item[0]))
    ]
    # One validation of the whole result (in pydantic-core) instead of one model per school: a federal
    # month has 40 000 schools. (A row's `capped` and `no_total` are not SchoolIndicator fields: ignored.)
    return IndicatorResult.model_validate(
        {
            "period": IndicatorPeriod(month=period.label, start=period.start.isoformat(), end=period.end.isoformat()),
            "platforms": list(settings.indicator.platforms),
            "combination": combination,
            "target_pct": target,
            "teacher_threshold_pct": settings.indicator.teacher_threshold_pct,
            "student_threshold_pct": settings.indicator.student_threshold_pct,
            "region": region,
            "municipalities": municipalities,
            "schools": schools,
            "data_quality": IndicatorQuality(
                capped_shares=sum(bool(row["capped"]) for row in schools),
                no_total=sum(bool(row["no_total"]) for row in schools),
            ),
        }
    )
