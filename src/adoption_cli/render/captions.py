"""Caption lines every result table carries: its period, its rule for «active» and its denominators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from adoption_cli.cli.environment import current
from adoption_cli.metrics.common import PeriodInfo
from adoption_cli.render.labels import ownership_name

_KINDS_RU = {"month": "месяц", "quarter": "квартал", "window": "скользящее окно"}


def _day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day:%d.%m.%Y}" if current().lang == "ru" else iso


def period_text(period: PeriodInfo, *, prefix_ru: str = "Период", prefix_en: str = "Period") -> str:
    """«Период: 2024-09 (месяц, 01.09.2024–30.09.2024)»."""
    env = current()
    kind = env.t(_KINDS_RU.get(period.kind, period.kind), period.kind)
    span = f"{_day(period.start)}–{_day(period.end)}"
    if period.kind == "window":
        days = (date.fromisoformat(period.end) - date.fromisoformat(period.start)).days + 1
        return env.t(f"{prefix_ru}: {days} дн. по {_day(period.end)} ({span})", f"{prefix_en}: {days} days ({span})")
    return f"{env.t(prefix_ru, prefix_en)}: {period.label} ({kind}, {span})"


def ownership_text(ownership: Iterable[str]) -> str:
    env = current()
    names = [ownership_name(o, env.lang) for o in ownership]
    return env.t(f"школы форм собственности: {', '.join(names)}", f"schools owned: {', '.join(names)}")


def caption(lines: Sequence[str]) -> str:
    """Caption lines joined, literal (a «[section]» name in them must not be read as Rich markup)."""
    from rich.markup import escape

    return "\n".join(escape(line) for line in lines if line)
