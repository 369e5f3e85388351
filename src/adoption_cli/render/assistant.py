"""`adoption assistant` for people (Rich table) and for spreadsheets (CSV rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from adoption_cli.environment import current
from adoption_cli.metrics.assistant import AssistantResult
from adoption_cli.metrics.common import AssistantSummary, is_capped
from adoption_cli.render.captions import caption, ownership_text, period_text, region_name
from adoption_cli.render.emit import scope_records
from adoption_cli.render.numbers import fmt_int, fmt_pct_judged, fmt_pct_setting
from adoption_cli.render.tables import Col, make_table, status_cell

if TYPE_CHECKING:
    from rich.table import Table

COLUMNS = (
    Col("Муниципальное образование", "Municipality", "left"),
    Col("Обучающихся (ОО-1)", "Students (OO-1)"),
    Col("Активных", "Active"),
    Col("Доля", "Share"),
    Col("Цель", "Target"),
    Col("Достигнута", "Met", "left"),
    Col("Не хватает", "Still needed"),
)


def _cells(name: str, summary: AssistantSummary, target_pct: float) -> list[str]:
    lang = current().lang
    return [
        name,
        fmt_int(summary.students_total, lang),
        fmt_int(summary.students_active, lang),
        fmt_pct_judged(summary.share_pct, target_pct, summary.target_met if summary.students_total else None, lang),
        fmt_pct_setting(target_pct, lang, 1),
        status_cell(summary.target_met if summary.students_total else None),
        fmt_int(summary.students_needed, lang),
    ]


def active_rule_text(result: AssistantResult) -> str:
    env = current()
    if result.grain == "school":
        return env.t(
            "Активные: показатель «активных» из помесячной статистики ЦПУ по школам (квартал — наибольший месяц, "
            "окно — месяц его последнего дня); по МО и региону — сумма по школам.",
            "Active: the `active` figure of the assistant's monthly school statistics (quarter: the largest month; "
            "window: the month of its last day); municipalities and region sum the schools.",
        )
    return env.t(
        "Активные: обучающиеся с ≥ 1 действием в ЦПУ за период (вход или событие), без заблокированных учётных "
        "записей; обучающийся, активный в двух школах, учтён в каждой школе, но один раз в МО и в регионе.",
        "Active: students with ≥ 1 assistant activity in the period, blocked accounts excluded; a student active "
        "in two schools counts at each school but once per municipality and region.",
    )


def assistant_table(result: AssistantResult) -> Table:
    env = current()
    lines = [
        period_text(result.period),
        active_rule_text(result),
        env.t(
            # (the only denominator the settings allow is the ОО-1 student total: its key says nothing more)
            "Знаменатель: численность обучающихся по ОО-1; "
            f"{ownership_text(result.ownership)}; школы без численности не учтены: {result.data_quality.no_total}.",
            f"Denominator: OO-1 students ({result.denominator}); {ownership_text(result.ownership)}; "
            f"schools without a total left out: {result.data_quality.no_total}.",
        ),
        env.t(
            f"Цель {fmt_pct_setting(result.target_pct, env.lang)} — действует в {result.period.end[:7]}; "
            "«не хватает» = ⌈цель × обучающихся⌉ − активных.",
            f"Target {fmt_pct_setting(result.target_pct, env.lang)} in force in {result.period.end[:7]}; "
            "still needed = ⌈target × students⌉ − active.",
        ),
    ]
    if result.grain is None:
        lines.append(env.t("В данных нет выгрузок ЦПУ: активных 0.", "The data has no assistant exports: 0 active."))
    return make_table(
        env.t("«Цифровой помощник ученика»: доля активных обучающихся", "Digital student assistant: active students"),
        COLUMNS,
        [_cells(m.name, m, result.target_pct) for m in result.municipalities],
        footer=_cells(region_name(), result.region, result.target_pct),
        caption=caption(lines),
    )


def assistant_rows(result: AssistantResult) -> pl.DataFrame:
    """Region first, then municipalities; the period and target on every row."""
    return pl.DataFrame(
        [
            record | {"target_pct": result.target_pct, "denominator": result.denominator}
            for record in scope_records(result.region, result.municipalities, period=result.period.label)
        ],
        schema_overrides={"name": pl.String, "share_pct": pl.Float64},
    )


def capped_places(result: AssistantResult) -> list[str]:
    """The region and the municipalities whose share is shown capped at 100 %."""
    places: list[tuple[str, AssistantSummary]] = [(region_name(), result.region)]
    places += [(m.name, m) for m in result.municipalities]
    return [name for name, summary in places if is_capped(summary.students_active, summary.students_total)]
