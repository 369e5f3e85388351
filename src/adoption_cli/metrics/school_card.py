"""The school card's model and how it is assembled from its rows (metrics.school.card_rows). Polars-free:
`adoption school` builds a card from the store's precomputed rows (store.cards) without importing Polars,
which alone takes longer to import than the card may take to show (docs/performance.md, «School card»).

Also the name search over the registry, which the store's copy of the registry (store.cards) and the
registry frame (metrics.school.find_schools) both go through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from adoption_cli.config import Settings
from adoption_cli.dataset import Grain, LoadReport
from adoption_cli.metrics.common import (
    ASSISTANT_PLATFORM,
    DEFAULT_PLATFORM,
    SHARE_RULE,
    AssistantSummary,
    Combination,
    PeriodInfo,
    RatingRole,
    combination_of,
    pct,
    summarise_assistant,
)
from adoption_cli.periods import Period, month_period
from adoption_cli.schema import PLATFORMS, ROLE_CODES, Kind
from adoption_cli.text import comparison_key

PeriodSource = Literal["option", "latest_activity"]
TREND_MONTHS = 6
# Calendar months whose card rows the store precomputes, ending with the latest month with activity: a card
# of any of the last seven needs no other rows (its own month and the five before it).
STORED_MONTHS = 12
RANK_ROLE: RatingRole = "all"
# Files whose newest date tells up to when the data describe activity.
_ACTIVITY_KINDS = (Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS)


class SchoolInfo(BaseModel):
    school_id: str
    name: str
    municipality: str
    ownership: str
    teachers_total: int | None  # ОО-1
    students_total: int | None


class RolePlatform(BaseModel):
    """One role on one platform in the period."""

    role: str
    platform: str
    grain: Grain | None  # None: the data hold nothing about this platform
    registered: int | None  # None: unknown (no accounts export, or school stats without `registered`)
    active: int | None  # None: no data about this platform
    share_of_registered_pct: float | None
    total: int | None  # the ОО-1 total of the role (parents have none)
    share_of_total_pct: float | None


class CardIndicator(BaseModel):
    """The school's row of `adoption indicator`, with its needs as `adoption plan` computes them."""

    in_population: bool  # False: its form of ownership is not counted; figures show where it would stand
    platforms: list[str]
    combination: Combination
    teacher_threshold_pct: float
    student_threshold_pct: float
    teachers_active: int
    teacher_share_pct: float | None
    teachers_needed: int | None  # extra active teachers to reach the threshold; None without an ОО-1 total
    students_active: int
    student_share_pct: float | None
    students_needed: int | None
    flagged: bool


class CardAssistant(AssistantSummary):
    """The school as `adoption assistant` lists it: without a positive ОО-1 student total (0, or null where
    the registry has none) its active students and no share."""

    students_total: int | None  # type: ignore[assignment]  # (the summary of a scope always has a total)
    grain: Grain | None
    target_pct: float


class CardRank(BaseModel):
    """The school's place in `adoption rating --municipality <its municipality> --role all`."""

    municipality: str
    platform: str
    role: RatingRole
    measure: str
    rank: int | None  # None: nobody registered, so no share and no place
    ranked: int  # schools of the municipality with a place
    schools: int  # registry schools of the municipality
    previous_rank: int | None
    rank_change: int | None
    registered: int | None
    active: int
    share_pct: float | None


class CardMonth(BaseModel):
    """One month of `adoption trend` for this school alone."""

    month: str
    teacher_share_pct: float | None
    student_share_pct: float | None
    flagged: bool


class SchoolCard(BaseModel):
    period: PeriodInfo
    period_source: PeriodSource  # latest_activity: no period was given, the latest month with activity is shown
    school: SchoolInfo
    grains: dict[str, Grain]
    figures: list[RolePlatform]
    indicator: CardIndicator
    assistant: CardAssistant
    rank: CardRank
    months: list[CardMonth]


def _figures(row: dict[str, Any], info: SchoolInfo, grains: dict[str, Grain]) -> list[RolePlatform]:
    totals = {"teacher": info.teachers_total, "student": info.students_total}
    figures = []
    for role in ROLE_CODES:
        for platform in PLATFORMS:
            registered, active = (
                row[card_column("registered", platform, role)],
                row[card_column("active", platform, role)],
            )
            figures.append(
                RolePlatform(
                    role=role,
                    platform=platform,
                    grain=grains.get(platform),
                    registered=registered,
                    active=active,
                    share_of_registered_pct=pct(active, registered),
                    total=totals.get(role),
                    share_of_total_pct=pct(active, totals.get(role)),
                )
            )
    return figures


def _indicator(row: dict[str, Any], settings: Settings, in_population: bool, combination: Combination) -> CardIndicator:
    rules = settings.indicator
    return CardIndicator.model_validate(
        {
            **row,
            "in_population": in_population,
            "platforms": list(rules.platforms),
            "combination": combination,
            "teacher_threshold_pct": rules.teacher_threshold_pct,
            "student_threshold_pct": rules.student_threshold_pct,
        }
    )


def _rank(row: dict[str, Any], info: SchoolInfo) -> CardRank:
    return CardRank(
        municipality=info.municipality,
        platform=DEFAULT_PLATFORM,
        role=RANK_ROLE,
        measure=SHARE_RULE,
        rank=row["rank"],
        ranked=row["ranked"],
        schools=row["schools"],
        previous_rank=row["previous_rank"],
        rank_change=row["rank_change"],
        registered=row["rank_registered"],
        active=row["rank_active"],
        share_pct=row["rank_share_pct"],
    )


def _month(row: dict[str, Any], month: Period) -> CardMonth:
    return CardMonth(
        month=month.label,
        teacher_share_pct=row["teacher_share_pct"],
        student_share_pct=row["student_share_pct"],
        flagged=bool(row["flagged"]),
    )


def assemble_card(
    info: SchoolInfo,
    period: Period,
    row: dict[str, Any],
    month_rows: list[dict[str, Any]],
    settings: Settings,
    grains: dict[str, Grain],
    period_source: PeriodSource,
) -> SchoolCard:
    """The card from the school's row of the period and its rows of the six months (see
    metrics.school.card_rows); `grains`: the data set's platforms and their grain."""
    target = settings.assistant.target_for(period.month_key)
    combination = combination_of(grains, settings.indicator.platforms, settings.identity.shared_user_ids)
    return SchoolCard(
        period=PeriodInfo.of(period),
        period_source=period_source,
        school=info,
        grains=grains,
        figures=_figures(row, info, grains),
        indicator=_indicator(row, settings, info.ownership in settings.indicator.ownership, combination),
        assistant=CardAssistant(
            grain=grains.get(ASSISTANT_PLATFORM),
            target_pct=target,
            **{
                **summarise_assistant(row["assistant_total"] or 0, row["assistant_active"], target).model_dump(),
                "students_total": row["assistant_total"],
            },
        ),
        rank=_rank(row, info),
        months=[_month(r, m) for r, m in zip(month_rows, trend_months(period), strict=True)],
    )


def card_from_record(
    record: Mapping[str, Any],
    period: Period,
    settings: Settings,
    grains: dict[str, Grain],
    period_source: PeriodSource = "option",
) -> SchoolCard | None:
    """The card from a school's stored record (its registry row and `rows`, its card rows with `month` as
    ISO text: metrics.school.card_records), or None when the rows do not hold the period's month and the
    five before it (or the period is not a calendar month)."""
    if period != month_period(period.start):
        return None
    info = SchoolInfo.model_validate(record)
    rows = {row["month"]: row for row in record.get("rows") or ()}
    months = trend_months(period)
    found = [rows.get(month.start.isoformat()) for month in months]
    if any(row is None for row in found):
        return None
    month_rows = [row for row in found if row is not None]
    return assemble_card(info, period, month_rows[-1], month_rows, settings, grains, period_source)


def latest_activity_month(report: LoadReport) -> date | None:
    """The first day of the latest month with any activity in the loaded files (None when they have none)."""
    days = [f.latest_activity for f in report.files if f.kind in _ACTIVITY_KINDS and f.latest_activity]
    if not days:
        return None
    latest = date.fromisoformat(max(days))
    return date(latest.year, latest.month, 1)


def stored_months(report: LoadReport) -> list[Period]:
    """The calendar months the store precomputes card and indicator rows for: the STORED_MONTHS up to the
    latest month with activity (none without activity)."""
    latest = latest_activity_month(report)
    return months_ending(month_period(latest), STORED_MONTHS) if latest is not None else []


def trend_months(period: Period) -> list[Period]:
    """The six calendar months ending with the month of the period's last day."""
    return months_ending(month_period(period.end), TREND_MONTHS)


def months_ending(last: Period, count: int) -> list[Period]:
    """`count` calendar months, oldest first, the last of them `last`."""
    months = [last]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


class SchoolMatch(NamedTuple):
    school_id: str
    name: str
    municipality: str


def match_schools(registry: Iterable[Mapping[str, Any]], query: str) -> list[SchoolMatch]:
    """The registry schools the query names, in the registry's order (municipality, then name, then ИНН).

    `registry`: rows with school_id, name, municipality, `search` (the comparison key of the name and of the
    municipality, joined by a space) and `name_key` (of the name alone), as metrics.school.registry_keys
    makes them. An ИНН names its school. Otherwise a school matches when every word of the query is part of
    its name or municipality; a school whose whole name is the query wins over schools that merely contain it.
    """
    rows = list(registry)
    inn = re.sub(r"\s+", "", query)
    if inn.isdigit():
        by_inn = [_match(row) for row in rows if row["school_id"] == inn]
        if by_inn:
            return by_inn
    key = comparison_key(query)
    words = key.split()
    if not words:
        return []
    found = [row for row in rows if all(word in row["search"] for word in words)]
    exact = [row for row in found if row["name_key"] == key]
    return [_match(row) for row in (exact or found)]


def _match(row: Mapping[str, Any]) -> SchoolMatch:
    return SchoolMatch(row["school_id"], row["name"], row["municipality"])


def card_column(prefix: str, platform: str, role: str) -> str:
    return f"{prefix}_{platform}_{role}"
