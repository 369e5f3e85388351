"""The Polars-free part of the metrics: the scalar twins of the frame rules, the small models several results
share, and the names they agree on.

The school card read from the store (metrics.school_card) is built from these alone, so that
`adoption school` answers from the store without importing Polars (docs/performance.md, «School card»).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel

from adoption_cli.dataset import Grain
from adoption_cli.periods import Period
from adoption_cli.text import folded

# How one school's users of several platforms are combined (docs/metrics.md, «33 % indicator»).
Combination = Literal["max", "union"]
RatingRole = Literal["all", "teacher", "student", "parent"]

DEFAULT_PLATFORM = "myschool"
ASSISTANT_PLATFORM = "assistant"
SHARE_RULE = "active / registered x 100 for the role (all = teachers + students + parents), capped at 100"


class PeriodInfo(BaseModel):
    kind: str
    label: str
    start: str
    end: str

    @classmethod
    def of(cls, period: Period) -> PeriodInfo:
        return cls(**period.to_json())


def name_order(name: str) -> tuple[str, str]:
    """How names are listed for a Russian reader: case and ё/е aside («Ёлочка» among the Е, «г. Сочи» among
    the Г), then as written so that the order is fixed. `activity_base.by_name` is the same for frames."""
    return folded(name), name


def pct(active: int | None, total: int | None) -> float | None:
    """active / total × 100 capped at 100 (None without a total or a count): the scalar twin of
    activity_base.share_pct."""
    if active is None or total is None or total <= 0:
        return None
    return min(active * 100 / total, 100.0)


def is_capped(active: int | None, total: int | None) -> bool:
    """Whether `pct` caps this share: more counted than a positive total says (a data-quality warning)."""
    return active is not None and total is not None and 0 < total < active


def exact_pct(pct: float) -> Fraction:
    """A percentage setting as written, exactly: 84.9 → 849/10 (not the binary float's 84.900000000000005…)."""
    return Fraction(str(pct))


def reaches_pct(active: int, total: int, threshold_pct: float) -> bool:
    """active / total ≥ threshold exactly (the threshold taken as written: 84.9 → 849/10); False without a total."""
    return total > 0 and Fraction(active * 100, total) >= exact_pct(threshold_pct)


def schools_needed(schools: int, flagged: int, target_pct: float) -> int:
    """max(0, ⌈target × schools⌉ − flagged), with the target taken exactly as written (33.0 → 33/100)."""
    required = exact_pct(target_pct) * schools / 100
    ceiling = -(-required.numerator // required.denominator)
    return max(0, ceiling - flagged)


def combination_of(grains: Mapping[str, Grain], platforms: Iterable[str], shared_user_ids: bool) -> Combination:
    """Union only where it is exact: shared identities and no school-grain platform among those counted."""
    school_grain = any(grains.get(platform) == "school" for platform in platforms)
    return "union" if shared_user_ids and not school_grain else "max"


class AssistantSummary(BaseModel):
    students_total: int
    students_active: int
    share_pct: float | None
    target_met: bool
    students_needed: int


def summarise_assistant(total: int, active: int, target_pct: float) -> AssistantSummary:
    return AssistantSummary(
        students_total=total,
        students_active=active,
        share_pct=pct(active, total),
        target_met=reaches_pct(active, total, target_pct),
        # The indicator's exact max(0, ⌈target × n⌉ − have) serves students as it serves schools.
        students_needed=schools_needed(total, active, target_pct),
    )
