"""`adoption plan` for people (the chosen schools with their needs) and for spreadsheets (CSV rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from adoption_cli.environment import current
from adoption_cli.metrics.plan import PlanResult
from adoption_cli.render.captions import caption, period_text
from adoption_cli.render.labels import counted_platforms_label
from adoption_cli.render.numbers import fmt_int, fmt_pct_setting
from adoption_cli.render.tables import Col, make_table

if TYPE_CHECKING:
    from rich.table import Table

COLUMNS = (
    Col("№", "#"),
    Col("ИНН", "INN", "left"),
    Col("Школа", "School", "left"),
    Col("Муниципальное образование", "Municipality", "left"),
    Col("+ педагогов", "+ teachers"),
    Col("+ обучающихся", "+ students"),
    Col("Всего", "Total"),
)


def unreachable_message(result: PlanResult) -> str:
    env = current()
    lang = env.lang
    return env.t(
        f"цель недостижима: ещё нужно школ — {fmt_int(result.schools_needed, lang)}, а претендентов (не отмечены, "
        f"с численностью по ОО-1) — {fmt_int(result.candidates, lang)}; даже с ними всеми не хватит школ: "
        f"{fmt_int(result.schools_short, lang)}.",
        f"the target cannot be reached: {fmt_int(result.schools_needed, lang)} more schools are needed but only "
        f"{fmt_int(result.candidates, lang)} can still be flagged; {fmt_int(result.schools_short, lang)} short "
        "even with all of them.",
    )


def plan_table(result: PlanResult) -> Table:
    env = current()
    lang = env.lang
    scope = result.municipality or env.t("регион", "region")
    lines = [
        period_text(result.period),
        env.t(
            f"Цель {fmt_pct_setting(result.target_pct, lang)} ({scope}): школ {fmt_int(result.schools_total, lang)}, "
            f"нужно ⌈цель × школ⌉ = {fmt_int(result.schools_required, lang)}, уже отмечено "
            f"{fmt_int(result.flagged, lang)}, ещё нужно {fmt_int(result.schools_needed, lang)}.",
            f"Target {fmt_pct_setting(result.target_pct, lang)} ({scope}): {fmt_int(result.schools_total, lang)} schools, "
            f"⌈target × schools⌉ = {fmt_int(result.schools_required, lang)}, flagged "
            f"{fmt_int(result.flagged, lang)}, still needed {fmt_int(result.schools_needed, lang)}.",
        ),
        env.t(
            "Потребность школы: ⌈порог × численность по ОО-1⌉ − активные, отдельно для педагогов "
            f"(порог {fmt_pct_setting(result.teacher_threshold_pct, lang)}) и обучающихся "
            f"(порог {fmt_pct_setting(result.student_threshold_pct, lang)}); активные — как в индикаторе "
            f"({counted_platforms_label(result.platforms, result.combination)}). Выбраны школы с наименьшей "
            "суммарной потребностью — это минимальный итог (docs/metrics.md).",
            "A school's need: ⌈threshold × OO-1 total⌉ − active, for teachers "
            f"({fmt_pct_setting(result.teacher_threshold_pct, lang)}) and students "
            f"({fmt_pct_setting(result.student_threshold_pct, lang)}); active as in the indicator. The schools with the "
            "smallest total need are chosen: the least total (docs/metrics.md).",
        ),
    ]
    if not result.target_reachable:
        message = unreachable_message(result)
        lines.append(message[:1].upper() + message[1:])
    elif result.schools_needed == 0:
        lines.append(env.t("Цель уже достигнута: добавлять школы не нужно.", "The target is already met."))
    rows = [
        [
            str(index),
            s.school_id,
            s.name,
            s.municipality,
            fmt_int(s.teachers_needed, lang),
            fmt_int(s.students_needed, lang),
            fmt_int(s.teachers_needed + s.students_needed, lang),
        ]
        for index, s in enumerate(result.schools, start=1)
    ]
    footer = [
        "",
        "",
        env.t("Итого", "Total"),
        "",
        fmt_int(result.teachers_needed, lang),
        fmt_int(result.students_needed, lang),
        fmt_int(result.total_needed, lang),
    ]
    return make_table(
        env.t("План: самый дешёвый путь к цели индикатора", "Plan: the cheapest way to the indicator target"),
        COLUMNS,
        rows,
        footer=footer,
        caption=caption(lines),
    )


def plan_rows(result: PlanResult) -> pl.DataFrame:
    """One row per chosen school, in the order chosen (cheapest first)."""
    return pl.DataFrame(
        [
            {
                "period": result.period.label,
                "rank": rank,
                **s.model_dump(),
                "total_needed": s.teachers_needed + s.students_needed,
            }
            for rank, s in enumerate(result.schools, start=1)
        ],
        schema={
            "period": pl.String,
            "rank": pl.Int64,
            "school_id": pl.String,
            "name": pl.String,
            "municipality": pl.String,
            "teachers_needed": pl.Int64,
            "students_needed": pl.Int64,
            "total_needed": pl.Int64,
        },
    )
