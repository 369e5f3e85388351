"""«Школы»: every population school with its ОО-1 totals, active users per role and platform, shares, flag
and what it still needs to be flagged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adoption_cli.metrics.common import reaches_pct
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.metrics.school_activity import activity_column
from adoption_cli.render.excel import Cell, Column, Fill, Sheet, Table, Value, judged_cell
from adoption_cli.render.report.common import ROLE_LABELS, Texts
from adoption_cli.schema import ROLE_CODES

SCHOOL_COLUMNS = (
    Column("school_id", "ИНН", "INN"),
    Column("name", "Наименование", "Name"),
    Column("municipality", "Муниципальное образование", "Municipality"),
)

# The sheet's columns whose names differ in metrics.indicator.schools_frame.
_FRAME_NAMES = {"teacher_share": "teacher_share_pct", "student_share": "student_share_pct"}


def _judged_shares(
    columns: Sequence[Column], rows: Sequence[tuple[Any, ...]], teacher_pct: float, student_pct: float
) -> list[tuple[Value | Cell, ...]]:
    """Each role's share beside the school's verdict, with the digits that keep Excel from rounding it to the
    threshold it missed (49,9975 % is not «50,00 %» beside «нет»); the verdict is the exact one of the indicator
    (common.reaches_pct), none without an ОО-1 total."""
    at = {column.key: index for index, column in enumerate(columns)}
    roles = [
        (at[f"{role}_share"], at[f"{role}s_active"], at[f"{role}s_total"], pct)
        for role, pct in (("teacher", teacher_pct), ("student", student_pct))
    ]
    judged: list[tuple[Value | Cell, ...]] = []
    for row in rows:
        cells: list[Value | Cell] = list(row)
        for share, active, total, pct in roles:
            met = reaches_pct(row[active], row[total], pct) if row[total] and row[active] is not None else None
            cells[share] = judged_cell(row[share], pct, met)
        judged.append(tuple(cells))
    return judged


def schools_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.indicator  # (its thresholds: the fills)
    platform_columns = [
        Column(
            activity_column(platform, role),
            f"{t.platform(platform)}: активных {ROLE_LABELS[role][0]}",
            f"{t.platform(platform)}: active {ROLE_LABELS[role][1]}",
            "int",
        )
        for platform in data.platforms
        for role in ROLE_CODES
    ]
    columns = (
        *SCHOOL_COLUMNS,
        Column("teachers_total", "Педагогов (ОО-1)", "Teachers (OO-1)", "int"),
        Column("students_total", "Обучающихся (ОО-1)", "Students (OO-1)", "int"),
        Column("teachers_active", "Активных педагогов (индикатор)", "Active teachers (indicator)", "int"),
        Column("teacher_share", "Доля активных педагогов", "Share of active teachers", "pct"),
        Column("students_active", "Активных обучающихся (индикатор)", "Active students (indicator)", "int"),
        Column("student_share", "Доля активных обучающихся", "Share of active students", "pct"),
        Column("flagged", "Отвечает критерию индикатора", "Flagged", "flag"),
        Column("teachers_needed", "Нужно ещё активных педагогов", "More active teachers needed", "int"),
        Column("students_needed", "Нужно ещё активных обучающихся", "More active students needed", "int"),
        *platform_columns,
    )
    # One join of the month's school rows (metrics.indicator.schools_frame, with each role's need as the school
    # card shows it: empty only for the role whose ОО-1 total is zero or missing; a flagged school needs
    # nothing) with their activity per platform and role; a school without activity has zeros there.
    import polars as pl

    activity = data.activity.select("school_id", *(c.key for c in platform_columns if c.key in data.activity.columns))
    rows = (
        data.schools.join(activity, on="school_id", how="left", maintain_order="left")
        .select(
            *(pl.col(_FRAME_NAMES.get(c.key, c.key)) for c in columns[: len(columns) - len(platform_columns)]),
            *(
                pl.col(c.key).fill_null(0) if c.key in activity.columns else pl.lit(0).alias(c.key)
                for c in platform_columns
            ),
        )
        .rows()
    )
    table = Table(
        columns,
        _judged_shares(columns, rows, result.teacher_threshold_pct, result.student_threshold_pct),
        fills=(
            Fill("teacher_share", threshold=result.teacher_threshold_pct),
            Fill("student_share", threshold=result.student_threshold_pct),
            Fill("flagged"),
        ),
        main=True,
    )
    return Sheet(t("Школы", "Schools"), blocks=(table,))
