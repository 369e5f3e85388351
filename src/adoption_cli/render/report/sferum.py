"""«Сферум»: active teachers and students as shares of ОО-1 totals per municipality, their change against the
previous period, and the activity level (judged on the lower of the two shares)."""

from __future__ import annotations

from collections.abc import Sequence

from adoption_cli.config import SferumLevel
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.metrics.sferum import SferumSummary, edge_above
from adoption_cli.render.excel import Cell, Column, Fill, Sheet, Table, Value, judged_cell
from adoption_cli.render.labels import level_label
from adoption_cli.render.report.common import Texts, grain_line


def beside_bands(share_pct: float | None, levels: Sequence[SferumLevel]) -> Cell:
    """A share beside its level, with the digits that keep Excel from rounding it up to the edge of a band it did
    not reach (29,9956 % is not «30,00 %» beside «низкая»; render.sferum does the same in the terminal)."""
    edge = edge_above(share_pct, levels)
    return judged_cell(share_pct, edge, False) if edge is not None else Cell(share_pct, "pct")


def _figures(summary: SferumSummary, t: Texts, levels: Sequence[SferumLevel]) -> tuple[Value | Cell, ...]:
    return (
        summary.teachers_total,
        summary.teachers_active,
        beside_bands(summary.teacher_share_pct, levels),
        summary.teacher_share_change_pp,
        summary.students_total,
        summary.students_active,
        beside_bands(summary.student_share_pct, levels),
        summary.student_share_change_pp,
        level_label(summary.level, t.lang),
        level_label(summary.level_previous, t.lang),
    )


def sferum_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.sferum
    name = t("Сферум", "Sferum")
    levels = "; ".join(
        t(f"«{level.name}» — от {level.min_pct:g} %", f"«{level_label(level.name, 'en')}» from {level.min_pct:g}%")
        for level in result.levels
    )
    heading = [
        t(f"ИКОП «Сферум» — {t.period(data.period)}", f"Sferum — {t.period(data.period)}"),
        t(
            f"Доли активных педагогов и обучающихся от численности по ОО-1; изменение — к периоду "
            f"{result.previous_period.label}, в процентных пунктах.",
            f"Shares of active teachers and students of the OO-1 totals; change against {result.previous_period.label}, "
            "in percentage points.",
        ),
        t(f"Уровень — по меньшей из двух долей: {levels}.", f"Level by the lower of the two shares: {levels}."),
    ]
    if result.grain is None:
        return Sheet(name, heading=(*heading, t("В выгрузках нет данных Сферума.", "The exports hold no Sferum data.")))
    names = [level_label(level.name, t.lang) or level.name for level in result.levels]
    table = Table(
        (
            Column("name", "Муниципальное образование", "Municipality"),
            Column("teachers_total", "Педагогов (ОО-1)", "Teachers (OO-1)", "int"),
            Column("teachers_active", "Активных педагогов", "Active teachers", "int"),
            Column("teacher_share", "Доля активных педагогов", "Share of active teachers", "pct"),
            Column("teacher_change", "Изменение доли педагогов", "Teacher share change", "pp"),
            Column("students_total", "Обучающихся (ОО-1)", "Students (OO-1)", "int"),
            Column("students_active", "Активных обучающихся", "Active students", "int"),
            Column("student_share", "Доля активных обучающихся", "Share of active students", "pct"),
            Column("student_change", "Изменение доли обучающихся", "Student share change", "pp"),
            Column("level", "Уровень активности", "Activity level"),
            Column("level_previous", "Уровень в прошлом периоде", "Level in the previous period"),
        ),
        [(m.name, *_figures(m, t, result.levels)) for m in result.municipalities],
        fills=(Fill("level", good=names[-1:], bad=names[:1]),) if len(names) > 1 else (),
        total=(t("Регион", "Region"), *_figures(result.region, t, result.levels)),
        main=True,
    )
    return Sheet(name, heading=(*heading, grain_line(result.grain, t)), blocks=(table,))
