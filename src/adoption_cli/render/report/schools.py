"""«Школы»: every population school with its ОО-1 totals, active users per role and platform, shares, flag
and what it still needs to be flagged."""

from __future__ import annotations

from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.metrics.school_activity import activity_column
from adoption_cli.render.excel import Column, Fill, Sheet, Table
from adoption_cli.render.report.common import ROLE_LABELS, Texts
from adoption_cli.schema import ROLE_CODES

SCHOOL_COLUMNS = (
    Column("school_id", "ИНН", "INN"),
    Column("name", "Наименование", "Name"),
    Column("municipality", "Муниципальное образование", "Municipality"),
)

# The sheet's columns whose names differ in metrics.indicator.schools_frame.
_FRAME_NAMES = {"teacher_share": "teacher_share_pct", "student_share": "student_share_pct"}


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
        rows,
        fills=(
            Fill("teacher_share", threshold=result.teacher_threshold_pct),
            Fill("student_share", threshold=result.student_threshold_pct),
            Fill("flagged"),
        ),
        main=True,
    )
    return Sheet(t("Школы", "Schools"), blocks=(table,))
