"""«Цифровой помощник ученика»: the share of students active on the assistant against the 84.9 % target
(docs/metrics.md, «Цифровой помощник ученика»).

Active: ≥ 1 assistant activity in the period (user grain: distinct students; school grain: the school's
`active` figure). Denominator: the ОО-1 column `[assistant] denominator` of the population schools
(`[indicator] ownership`) that have a positive total. The target is the one in force in the period's
last month; «met» and «students needed» are exact (fractions, not floats).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from pydantic import BaseModel, TypeAdapter

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset, Grain
from adoption_cli.metrics.activity_base import by_name, population, share_pct
from adoption_cli.metrics.common import ASSISTANT_PLATFORM, AssistantSummary, PeriodInfo, is_capped, name_order
from adoption_cli.metrics.common import summarise_assistant as summarise
from adoption_cli.metrics.scopes import REGION_KEY, platform_grain, scope_counts
from adoption_cli.periods import Period

PLATFORM = ASSISTANT_PLATFORM
ACTIVE_RULES: dict[Grain, str] = {
    "user": "distinct students with >= 1 assistant activity (event or last login) in the period; "
    "blocked accounts excluded; a student active in two schools counts once per municipality and region",
    "school": "school_stats `active` of the assistant (quarter: the largest month; window: the month of its "
    "last day); municipality and region are sums over schools",
}


class MunicipalityAssistant(AssistantSummary):
    name: str


class SchoolAssistant(BaseModel):
    school_id: str
    name: str
    municipality: str
    students_total: int | None  # null: the registry has no ОО-1 figure
    students_active: int
    share_pct: float | None  # null without a positive total (the school is in `data_quality.no_total`)


class AssistantQuality(BaseModel):
    no_total: int  # population schools with a zero or missing denominator: left out of both sides
    capped_schools: int  # schools with more active students than the ОО-1 total (share capped at 100 %)


class AssistantResult(BaseModel):
    period: PeriodInfo
    target_pct: float
    grain: Grain | None  # None: the data set has no assistant data at all
    active_rule: str
    denominator: str
    ownership: list[str]
    region: AssistantSummary
    municipalities: list[MunicipalityAssistant]
    schools: list[SchoolAssistant]
    data_quality: AssistantQuality


def assistant_frames(dataset: Dataset, period: Period, settings: Settings) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(scope counts, population schools) as lazy frames, to be collected together with other work."""
    schools = population(dataset, settings.indicator.ownership).select(
        "school_id", "name", "municipality", pl.col(settings.assistant.denominator).alias("students_total")
    )
    counts = scope_counts(dataset, period, PLATFORM, schools, {"student": "students_total"})
    return counts, schools


def compute_assistant(dataset: Dataset, period: Period, settings: Settings) -> AssistantResult:
    counts, schools = pl.collect_all(list(assistant_frames(dataset, period, settings)))
    return build_result(counts, schools, period, settings, platform_grain(dataset, PLATFORM))


def _level(counts: pl.DataFrame, level: str) -> dict[str, tuple[int, int]]:
    rows = counts.filter(pl.col("level") == level)
    return {key: (total, active) for key, total, active in rows.select("key", "total", "active").iter_rows()}


def build_result(
    counts: pl.DataFrame, schools: pl.DataFrame, period: Period, settings: Settings, grain: Grain | None
) -> AssistantResult:
    target = settings.assistant.target_for(period.month_key)
    region_total, region_active = _level(counts, "region").get(REGION_KEY, (0, 0))
    by_municipality = _level(counts, "municipality")
    listed = _listed_schools(counts, schools)
    return AssistantResult(
        period=PeriodInfo.of(period),
        target_pct=target,
        grain=grain,
        active_rule=ACTIVE_RULES[grain or "user"],
        denominator=settings.assistant.denominator,
        ownership=list(settings.indicator.ownership),
        region=summarise(region_total, region_active, target),
        municipalities=[
            MunicipalityAssistant(name=name, **summarise(*by_municipality.get(name, (0, 0)), target).model_dump())
            for name in sorted(schools["municipality"].unique().to_list(), key=name_order)
        ],
        # (one validation of every school in pydantic-core, not one model built per row)
        schools=TypeAdapter(list[SchoolAssistant]).validate_python(
            listed.with_columns(
                share_pct(pl.col("students_active"), pl.col("students_total")).alias("share_pct")
            ).to_dicts()
        ),
        data_quality=_quality(listed.select("students_total", "students_active").rows()),
    )


def restricted(result: AssistantResult, municipality: str) -> AssistantResult:
    """The result for one municipality (an exact name): its line, its schools and their data-quality counts
    (the region's line stays: the target is judged for the municipality by the caller)."""
    schools = [s for s in result.schools if s.municipality == municipality]
    return result.model_copy(
        update={
            "municipalities": [m for m in result.municipalities if m.name == municipality],
            "schools": schools,
            "data_quality": _quality([(s.students_total, s.students_active) for s in schools]),
        }
    )


def _quality(schools: Sequence[tuple[int | None, int]]) -> AssistantQuality:
    """The data-quality counts of listed schools given as (ОО-1 total, active students)."""
    judged = [(total, active) for total, active in schools if total is not None and total > 0]
    return AssistantQuality(
        no_total=len(schools) - len(judged), capped_schools=sum(is_capped(active, total) for total, active in judged)
    )


def _listed_schools(counts: pl.DataFrame, schools: pl.DataFrame) -> pl.DataFrame:
    """Every population school with its ОО-1 denominator (0 or null where the registry has it so) and its
    own (school-level) active students."""
    return (
        schools.join(counts.filter(pl.col("level") == "school"), left_on="school_id", right_on="key", how="inner")
        .select(
            "school_id",
            "name",
            "municipality",
            pl.col("total").alias("students_total"),
            pl.col("active").alias("students_active"),
        )
        .sort(*by_name("municipality"), *by_name("name"), "school_id")
    )
