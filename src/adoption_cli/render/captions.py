"""Caption lines every result table carries: its period, its rule for «active» and its denominators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from adoption_cli.environment import current
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


CAPPED_SHOWN = 5  # places named in the capped-share warning; the rest are counted


def capped_warning(places: Sequence[str]) -> str | None:
    """The stderr line for shares shown as 100 % because more were active than the ОО-1 total says (docs/metrics.md
    «Shares»: a capped share is a data-quality warning), naming where; None when no share was capped."""
    if not places:
        return None
    env = current()
    named = ", ".join(places[:CAPPED_SHOWN])
    more = len(places) - CAPPED_SHOWN
    if more > 0:
        named += env.t(f" и ещё {more}", f" and {more} more")
    return env.t(
        f"доля выше 100\u202f% показана как 100\u202f% — активных больше, чем по ОО-1: {named}; проверьте численность в реестре.",
        f"a share above 100% is shown as 100% — more active than the OO-1 total: {named}; check the registry figures.",
    )


def region_name() -> str:
    return current().t("Регион", "Region")


def target_missed(
    where: str, share_pct: float | None, target_pct: float, shortfall: tuple[str, str], digits: int
) -> str:
    """The one sentence `--fail-below-target` ends with: «Юг: цель 84,9 % не достигнута (80,0 %), не хватает 4
    обучающихся.» The target as written, the share never rounded onto it (`fmt_pct_judged`)."""
    from adoption_cli.render.numbers import fmt_pct_judged, fmt_pct_setting

    env = current()
    target = fmt_pct_setting(target_pct, env.lang)
    share = fmt_pct_judged(share_pct, target_pct, False, env.lang, digits)
    # (`where` as written: «Регион», or a municipality's own name, «г. Краснодар», never capitalised)
    return env.t(
        f"{where}: цель {target} не достигнута ({share}), {shortfall[0]}.",
        f"{where}: target {target} not met ({share}), {shortfall[1]}.",
    )
