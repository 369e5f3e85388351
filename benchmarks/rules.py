"""What the competitor scripts compute: the «33 %» indicator with the default settings, as `adoption
indicator` does (docs/metrics.md), written out by hand for a plain query or script."""

from __future__ import annotations

import json
from datetime import date

TIMEZONE = "Europe/Moscow"
PLATFORMS = ("myschool", "sferum")  # both user-grain in the reference sets; combined by «max»
POPULATION = ("municipal", "state")
THRESHOLD_BASIS_POINTS = 5000  # 50 %: active × 10 000 ≥ total × 5 000
INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def month_bounds(month: str) -> tuple[date, date]:
    year, number = map(int, month.split("-"))
    return date(year, number, 1), date(year + number // 12, number % 12 + 1, 1)


def summary(flags: dict[str, bool]) -> str:
    """The figures the benchmark compares, in one canonical JSON line."""
    return json.dumps(
        {"schools": len(flags), "flagged": sum(flags.values()), "flags": dict(sorted(flags.items()))},
        sort_keys=True,
    )
