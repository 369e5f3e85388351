"""«План»: the cheapest way to the indicator target — which schools to bring over the thresholds, and how
many more active teachers and students each needs (metrics.plan)."""

from __future__ import annotations

from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.excel import Cell, Column, Sheet, Table, Value
from adoption_cli.render.report.common import Texts
from adoption_cli.render.report.schools import SCHOOL_COLUMNS


def plan_sheet(data: ReportInput, t: Texts) -> Sheet:
    plan = data.plan
    facts: list[tuple[str, Value | Cell]] = [
        (t("Цель индикатора", "Indicator target"), Cell(plan.target_pct, "pct")),
        (t("Школ в расчёте", "Schools counted"), plan.schools_total),
        (
            t("Нужно школ, отвечающих критерию (⌈цель × школ⌉)", "Schools required (⌈target × schools⌉)"),
            plan.schools_required,
        ),
        (t("Уже отвечают критерию", "Already flagged"), plan.flagged),
        (t("Ещё нужно школ", "Schools still needed"), plan.schools_needed),
        (
            t(
                "Претендентов (не отвечают, численность по ОО-1 известна)",
                "Candidates (not flagged, OO-1 totals known)",
            ),
            plan.candidates,
        ),
        (t("Цель достижима", "Target reachable"), Cell(plan.target_reachable, "flag")),
        (
            t("Не хватит школ даже со всеми претендентами", "Schools short even with every candidate"),
            plan.schools_short,
        ),
        (t("Нужно ещё активных педагогов", "More active teachers needed"), plan.teachers_needed),
        (t("Нужно ещё активных обучающихся", "More active students needed"), plan.students_needed),
        (t("Всего нужно ещё активных", "More active users needed in all"), plan.total_needed),
    ]
    summary = Table((Column("label", "Показатель", "Figure"), Column("value", "Значение", "Value", "int")), facts)
    chosen = Table(
        (
            *SCHOOL_COLUMNS,
            Column("teachers_needed", "+ активных педагогов", "+ active teachers", "int"),
            Column("students_needed", "+ активных обучающихся", "+ active students", "int"),
            Column("total_needed", "Всего", "Total", "int"),
        ),
        [
            (
                s.school_id,
                s.name,
                s.municipality,
                s.teachers_needed,
                s.students_needed,
                s.teachers_needed + s.students_needed,
            )
            for s in plan.schools
        ],
        title=t(
            "Школы, которые дешевле всего довести до порогов (по возрастанию потребности)",
            "The schools cheapest to bring over the thresholds (smallest need first)",
        ),
        empty=t("Цель уже достигнута: добавлять школы не нужно.", "The target is already met: no school is needed."),
        main=True,
    )
    return Sheet(
        t("План", "Plan"),
        heading=(
            t(
                f"План: кратчайший путь к цели индикатора — {t.period(data.period)}",
                f"Plan: the cheapest way to the indicator target — {t.period(data.period)}",
            ),
            t(
                f"Потребность школы — ⌈порог × численность по ОО-1⌉ − активные, отдельно для педагогов "
                f"(порог {plan.teacher_threshold_pct:g} %) и обучающихся (порог {plan.student_threshold_pct:g} %); "
                "выбраны школы с наименьшей суммарной потребностью — это наименьший возможный итог.",
                f"A school's need is ⌈threshold × OO-1 total⌉ − active, for teachers ({plan.teacher_threshold_pct:g}%) "
                f"and students ({plan.student_threshold_pct:g}%); the schools with the smallest total need are chosen: "
                "the least possible total.",
            ),
        ),
        blocks=(summary, chosen),
    )
