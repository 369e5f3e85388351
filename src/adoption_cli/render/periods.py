"""A period and its comparison period as a reader sees them: «2024-09 (01.09.2024–30.09.2024)»."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.cli.environment import current
from adoption_cli.render.labels import period_range

if TYPE_CHECKING:
    from adoption_cli.metrics.changes import PeriodInfo


def fmt_period(info: PeriodInfo) -> str:
    start, end = date.fromisoformat(info.start), date.fromisoformat(info.end)
    span = period_range(start, end, current().lang)
    if info.kind == "window":
        days = (end - start).days + 1
        return current().t(f"{span} ({days} дн.)", f"{span} ({days} days)")
    return f"{info.label} ({span})"


def fmt_comparison(period: PeriodInfo, previous: PeriodInfo) -> str:
    return current().t(
        f"период {fmt_period(period)}; сравнение с {fmt_period(previous)}",
        f"period {fmt_period(period)}; compared with {fmt_period(previous)}",
    )
