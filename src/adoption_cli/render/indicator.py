"""The 33 % indicator for people (a table whose caption states the rules) and for machines (a school CSV).

The JSON output is the `IndicatorResult` model itself (render.output.write_json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.environment import Lang, current
from adoption_cli.render.captions import region_name
from adoption_cli.render.labels import combination_label, month_name, ownership_label, period_range, platform_label
from adoption_cli.render.numbers import fmt_int, fmt_pct_judged, fmt_pct_setting, plural
from adoption_cli.render.tables import MET, NOT_MET, Col, make_table, status_cell, text_cell

if TYPE_CHECKING:
    import polars as pl
    from rich.table import Table

    from adoption_cli.metrics.indicator_result import IndicatorResult, IndicatorSummary

COLUMNS = (
    Col("Муниципальное образование", "Municipality", "left"),
    Col("Школ", "Schools"),
    Col("Отвечают критерию", "Flagged"),
    Col("Доля", "Share"),
    Col("Цель", "Target"),
    Col("Цель достигнута", "Target met", "left"),
    Col("Не хватает школ", "Schools needed"),
)


@dataclass(frozen=True, slots=True)
class IndicatorContext:
    """What the caption needs beyond the result: how each platform's activity is known, and who is counted."""

    grains: Mapping[str, str]  # platform -> "user" | "school"; platforms without data are absent
    ownership: Sequence[str]


def _summary_cells(name: str, summary: IndicatorSummary, target_pct: float, lang: Lang) -> list[str]:
    return [
        text_cell(name),
        fmt_int(summary.schools, lang),
        fmt_int(summary.flagged, lang),
        fmt_pct_judged(summary.share_pct, target_pct, summary.target_met if summary.schools else None, lang, 2),
        fmt_pct_setting(target_pct, lang),
        status_cell(summary.target_met if summary.schools else None),
        fmt_int(summary.schools_needed, lang),
    ]


def region_line(result: IndicatorResult) -> str:
    """One sentence with the region's figure; Rich markup colours the verdict."""
    env = current()
    lang = env.lang
    region = result.region
    target = fmt_pct_setting(result.target_pct, lang)
    if region.schools == 0:
        return env.t("Регион: в совокупности нет ни одной школы.", "Region: no school in the population.")
    share = fmt_pct_judged(region.share_pct, result.target_pct, region.target_met, lang, 2)
    counts = env.t(
        f"отвечают критерию {fmt_int(region.flagged, lang)} из {fmt_int(region.schools, lang)} "
        f"{plural(region.schools, 'школы', 'школ', 'школ')} ({share})",
        f"{fmt_int(region.flagged, lang)} of {fmt_int(region.schools, lang)} schools flagged ({share})",
    )
    if region.target_met:
        verdict = env.t(f"[green]{MET} цель {target} достигнута[/green]", f"[green]{MET} target {target} met[/green]")
    else:
        needed = fmt_int(region.schools_needed, lang)
        verdict = env.t(
            f"[red]{NOT_MET} цель {target} не достигнута[/red], не хватает школ: {needed}",
            f"[red]{NOT_MET} target {target} not met[/red], schools still needed: {needed}",
        )
    return env.t(f"Регион: {counts} — {verdict}.", f"Region: {counts} — {verdict}.")


_ACTIVITY_RULES = {
    "user": ("хотя бы один вход за период", "at least one login in the period"),
    "school": ("число активных из статистики по школам", "the active count from the school statistics"),
    None: ("нет данных", "no data"),
}


def _activity_rules(platforms: Sequence[str], grains: Mapping[str, str], lang: Lang) -> str:
    """«Моя школа, Сферум — хотя бы один вход за период»: platforms that share a rule are named together."""
    by_rule: dict[str | None, list[str]] = {}
    for platform in platforms:
        grain = grains.get(platform)
        by_rule.setdefault(grain if grain in _ACTIVITY_RULES else None, []).append(platform_label(platform, lang))
    return "; ".join(
        f"{', '.join(names)} — {_ACTIVITY_RULES[grain][1 if lang == 'en' else 0]}" for grain, names in by_rule.items()
    )


def caption(result: IndicatorResult, context: IndicatorContext) -> str:
    env = current()
    lang = env.lang
    start, end = date.fromisoformat(result.period.start), date.fromisoformat(result.period.end)
    rules = _activity_rules(result.platforms, context.grains, lang)
    combination = f"{combination_label(result.combination, lang)} ({result.combination})"
    teachers = fmt_pct_setting(result.teacher_threshold_pct, lang)
    students = fmt_pct_setting(result.student_threshold_pct, lang)
    ownership = ownership_label(context.ownership, lang)
    ru = (
        f"Период: {period_range(start, end, lang)}.",
        f"Активные: {rules}; заблокированные учётные записи не учитываются.",
        f"Активные на любой из платформ: {combination}.",
        f"Школа отвечает критерию, если активны ≥ {teachers} педагогов и ≥ {students} обучающихся; "
        f"знаменатели — численность по ОО-1. Учтены школы: {ownership}.",
    )
    en = (
        f"Period: {period_range(start, end, lang)}.",
        f"Active: {rules}; blocked accounts are not counted.",
        f"Active on any platform: {combination}.",
        f"A school is flagged when ≥ {teachers} of teachers and ≥ {students} of students are active; "
        f"denominators are the OO-1 totals. Schools counted: {ownership}.",
    )
    return "\n".join(en if lang == "en" else ru)


def indicator_table(result: IndicatorResult, context: IndicatorContext) -> Table:
    env = current()
    lang = env.lang
    start = date.fromisoformat(result.period.start)
    heading = env.t(
        f"Индикатор использования платформ — {month_name(start, lang)}",
        f"Platform use indicator — {month_name(start, lang)}",
    )
    rows = [_summary_cells(m.name, m, result.target_pct, lang) for m in result.municipalities]
    return make_table(
        f"{heading}\n{region_line(result)}",
        COLUMNS,
        rows,
        footer=_summary_cells(region_name(), result.region, result.target_pct, lang),
        caption=caption(result, context),
    )


def quality_warnings(result: IndicatorResult, context: IndicatorContext) -> list[str]:
    """Data-quality notes for stderr: capped shares, zero totals, counted platforms without data."""
    env = current()
    lang = env.lang
    notes = [
        env.t(
            f"нет данных платформы «{platform_label(p, lang)}» — индикатор посчитан без неё.",
            f"no data for «{platform_label(p, lang)}» — the indicator leaves it out.",
        )
        for p in result.platforms
        if p not in context.grains
    ]
    quality = result.data_quality
    if quality.capped_shares:
        notes.append(
            env.t(
                f"школ, где активных больше, чем по ОО-1: {fmt_int(quality.capped_shares, lang)} — доля "
                "ограничена 100\u202f%; проверьте численность в реестре.",
                f"schools with more active users than their OO-1 total: {fmt_int(quality.capped_shares, lang)} — "
                "share capped at 100%; check the registry figures.",
            )
        )
    if quality.no_total:
        notes.append(
            env.t(
                f"школ с нулевой или пустой численностью по ОО-1: {fmt_int(quality.no_total, lang)} — они не могут "
                "отвечать критерию.",
                f"schools with a zero or missing OO-1 total: {fmt_int(quality.no_total, lang)} — they cannot be "
                "flagged.",
            )
        )
    if result.region.schools == 0:
        notes.append(
            env.t(
                f"в реестре нет школ с формой собственности: {ownership_label(context.ownership, lang)}.",
                f"the registry has no schools of ownership: {ownership_label(context.ownership, lang)}.",
            )
        )
    return notes


def schools_csv_frame(result: IndicatorResult) -> pl.DataFrame:
    """One row per school with the JSON `schools` keys as the header."""
    import polars as pl

    schema = {
        "school_id": pl.String,
        "name": pl.String,
        "municipality": pl.String,
        "teachers_total": pl.Int64,
        "teachers_active": pl.Int64,
        "teacher_share_pct": pl.Float64,
        "students_total": pl.Int64,
        "students_active": pl.Int64,
        "student_share_pct": pl.Float64,
        "flagged": pl.Boolean,
    }
    return pl.DataFrame([school.model_dump() for school in result.schools], schema=schema, orient="row")
