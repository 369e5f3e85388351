"""Periods as a reader sees them: «2024-09 (01.09.2024–30.09.2024)»."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.cli.environment import current

if TYPE_CHECKING:
    from adoption_cli.metrics.changes import PeriodInfo


def fmt_day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day:%d.%m.%Y}" if current().lang == "ru" else day.isoformat()


def fmt_period(info: PeriodInfo) -> str:
    span = f"{fmt_day(info.start)}–{fmt_day(info.end)}"
    if info.kind == "window":
        days = (date.fromisoformat(info.end) - date.fromisoformat(info.start)).days + 1
        return current().t(f"{span} ({days} дн.)", f"{span} ({days} days)")
    return f"{info.label} ({span})"


def fmt_comparison(period: PeriodInfo, previous: PeriodInfo) -> str:
    return current().t(
        f"период {fmt_period(period)}; сравнение с {fmt_period(previous)}",
        f"period {fmt_period(period)}; compared with {fmt_period(previous)}",
    )
