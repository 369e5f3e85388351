"""Сферум: active teachers and students as shares of ОО-1 totals, their change against the previous
period, and an activity level from `[sferum] levels` (docs/metrics.md, «Сферум»).

The level is judged on the LOWER of the teacher and student shares: Сферум is a school's communication
platform, and a municipality where teachers use it but students do not (or the reverse) is not highly
active. Band edges are inclusive: a share exactly at a band's min_pct is in that band (compared exactly).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from pydantic import BaseModel

from adoption_cli.config import Settings, SferumLevel
from adoption_cli.dataset import Dataset, Grain
from adoption_cli.metrics.activity_base import by_name, population
from adoption_cli.metrics.changes import change_pct, change_pp
from adoption_cli.metrics.common import PeriodInfo, pct, reaches_pct
from adoption_cli.metrics.scopes import REGION_KEY, platform_grain, scope_counts
from adoption_cli.periods import Period

PLATFORM = "sferum"
TOTAL_COLUMNS = {"teacher": "teachers_total", "student": "students_total"}
LEVEL_RULE = "lower of teacher_share_pct and student_share_pct; highest band whose min_pct it reaches (inclusive)"
ACTIVE_RULES: dict[Grain, str] = {
    "user": "distinct users with >= 1 Сферум activity (event or last login) in the period; blocked accounts "
    "excluded; a user active in two schools counts once per municipality and region",
    "school": "school_stats `active` of Сферум (window: the month of its last day); municipality and region "
    "are sums over schools",
}


def edge_above(share_pct: float | None, levels: Sequence[SferumLevel]) -> float | None:
    """The lowest band edge a share has not reached: the bound its shown figure must not be rounded up to (29,96 %
    is not «30,0 %» beside «низкая» when «средняя» begins at 30 %). None when the share is in the top band or
    is undefined. (1e-9: a share computed as 29.999999… that the level's exact rule counts as 30 % reached has
    no edge above it there.)"""
    above = [level.min_pct for level in levels if share_pct is not None and level.min_pct > share_pct + 1e-9]
    return min(above, default=None)


class SferumSummary(BaseModel):
    teachers_total: int
    teachers_active: int
    teacher_share_pct: float | None
    teachers_active_previous: int
    teacher_share_pct_previous: float | None
    teachers_active_change_pct: float | None  # relative; None when the previous count is 0
    teacher_share_change_pp: float | None
    students_total: int
    students_active: int
    student_share_pct: float | None
    students_active_previous: int
    student_share_pct_previous: float | None
    students_active_change_pct: float | None
    student_share_change_pp: float | None
    level: str | None  # None when a share is undefined or below every band
    level_previous: str | None


class MunicipalitySferum(SferumSummary):
    name: str


class SferumResult(BaseModel):
    period: PeriodInfo
    previous_period: PeriodInfo
    grain: Grain | None
    active_rule: str
    denominators: dict[str, str]
    ownership: list[str]
    level_rule: str
    levels: list[SferumLevel]
    region: SferumSummary
    municipalities: list[MunicipalitySferum]


Figures = dict[str, tuple[int, int]]  # role -> (total, active)


def level_for(figures: Figures, levels: tuple[SferumLevel, ...]) -> str | None:
    """The highest band reached by both roles' shares, i.e. by the lower share; None if a share is undefined."""
    reached: list[int] = []
    for total, active in figures.values():
        if total <= 0:
            return None
        reached.append(sum(reaches_pct(active, total, band.min_pct) for band in levels))
    lowest = min(reached)
    return levels[lowest - 1].name if lowest else None


def _role_fields(role: str, current: tuple[int, int], previous: tuple[int, int]) -> dict[str, object]:
    plural, singular = f"{role}s", role
    share, share_before = pct(current[1], current[0]), pct(previous[1], previous[0])
    return {
        f"{plural}_total": current[0],
        f"{plural}_active": current[1],
        f"{singular}_share_pct": share,
        f"{plural}_active_previous": previous[1],
        f"{singular}_share_pct_previous": share_before,
        f"{plural}_active_change_pct": change_pct(current[1], previous[1]),
        f"{singular}_share_change_pp": change_pp(share, share_before),
    }


def summarise(current: Figures, previous: Figures, levels: tuple[SferumLevel, ...]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for role in TOTAL_COLUMNS:
        fields |= _role_fields(role, current.get(role, (0, 0)), previous.get(role, (0, 0)))
    return fields | {"level": level_for(current, levels), "level_previous": level_for(previous, levels)}


def _figures(counts: pl.DataFrame) -> dict[tuple[str, str], Figures]:
    """(level, key) -> role -> (total, active); roles without a positive total get (0, 0)."""
    result: dict[tuple[str, str], Figures] = {}
    for level, key, role, total, active in counts.iter_rows():
        result.setdefault((level, key), {r: (0, 0) for r in TOTAL_COLUMNS})[role] = (total, active)
    return result


def compute_sferum(dataset: Dataset, period: Period, settings: Settings) -> SferumResult:
    schools = population(dataset, settings.indicator.ownership)
    previous = period.previous()
    current_counts, previous_counts, names = pl.collect_all(
        [
            scope_counts(dataset, period, PLATFORM, schools, TOTAL_COLUMNS).filter(pl.col("level") != "school"),
            scope_counts(dataset, previous, PLATFORM, schools, TOTAL_COLUMNS).filter(pl.col("level") != "school"),
            schools.select("municipality").unique().sort(by_name("municipality")),
        ]
    )
    now, before = _figures(current_counts), _figures(previous_counts)
    levels = settings.sferum.levels
    empty: Figures = {role: (0, 0) for role in TOTAL_COLUMNS}

    def figures(level: str, key: str) -> tuple[Figures, Figures]:
        return now.get((level, key), empty), before.get((level, key), empty)

    grain = platform_grain(dataset, PLATFORM)
    return SferumResult(
        period=PeriodInfo.of(period),
        previous_period=PeriodInfo.of(previous),
        grain=grain,
        active_rule=ACTIVE_RULES[grain or "user"],
        denominators=dict(TOTAL_COLUMNS),
        ownership=list(settings.indicator.ownership),
        level_rule=LEVEL_RULE,
        levels=list(levels),
        region=SferumSummary.model_validate(summarise(*figures("region", REGION_KEY), levels)),
        municipalities=[
            MunicipalitySferum.model_validate({"name": name, **summarise(*figures("municipality", name), levels)})
            for name in names["municipality"].to_list()
        ],
    )
