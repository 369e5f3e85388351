"""«Моя школа» and «Контент»: the panels of `adoption activity` for the region — schools, teachers, students,
parents, and content by kind — each figure with the previous period and the change."""

from __future__ import annotations

from adoption_cli.metrics.activity import ActivityResult
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.activity import METRIC_LABELS, NOTE_TEXTS, PANEL_LABELS, RULE_TEXTS, MetricRow, metric_rows
from adoption_cli.render.excel import Cell, Column, Sheet, Table, Value
from adoption_cli.render.report.common import Texts

CHANGE_COLUMNS = (
    Column("value", "Значение", "Value", "int"),
    Column("previous", "Прошлый период", "Previous period", "int"),
    Column("change", "Изменение", "Change", "change"),
)


def _metric(row: MetricRow, t: Texts) -> str:
    labels = METRIC_LABELS.get(f"{row.panel}.{row.metric}") or METRIC_LABELS[row.metric]
    return t.pick(labels).strip()


def _figures(row: MetricRow) -> tuple[Cell, Cell, Cell]:
    """Counts change in % of the previous period, shares in percentage points."""
    if row.unit == "pct":
        return Cell(row.value, "int"), Cell(row.previous, "int"), Cell(row.change, "change")
    return Cell(row.value, "pct"), Cell(row.previous, "pct"), Cell(row.change, "pp")


def _heading(result: ActivityResult, title: str, t: Texts, *, content: bool) -> tuple[str, ...]:
    rules = [t.pick(RULE_TEXTS[result.grain]), t.pick(RULE_TEXTS["common"])] if not content else []
    return (
        title,
        t(
            f"Период {result.period.label}; сравнение с {result.previous_period.label}.",
            f"Period {result.period.label}; compared with {result.previous_period.label}.",
        ),
        *rules,
        *(t.pick(NOTE_TEXTS[code]) for code in result.notes if (code == "no_content_data") == content),
    )


def myschool_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.myschool
    rows: list[tuple[Value | Cell, ...]] = [
        (t.pick(PANEL_LABELS[row.panel]), _metric(row, t), *_figures(row))
        for row in metric_rows(result)
        if not row.panel.startswith("content.")
    ]
    table = Table(
        (Column("panel", "Раздел", "Panel"), Column("metric", "Показатель", "Figure"), *CHANGE_COLUMNS),
        rows,
        main=True,
    )
    title = t(f"ФГИС «Моя школа» — {t.period(data.period)}", f"My School — {t.period(data.period)}")
    return Sheet(t("Моя школа", "My School"), heading=_heading(result, title, t, content=False), blocks=(table,))


def content_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.myschool
    rows: list[tuple[Value | Cell, ...]] = [
        (t.pick(PANEL_LABELS[row.panel]).split(": ", 1)[-1], _metric(row, t), *_figures(row))
        for row in metric_rows(result)
        if row.panel.startswith("content.")
    ]
    table = Table(
        (Column("kind", "Вид контента", "Content kind"), Column("metric", "Показатель", "Figure"), *CHANGE_COLUMNS),
        rows,
        empty=t("Нет выгрузки контента.", "No content export."),
        main=True,
    )
    title = t(
        f"Контент «Моей школы» — {t.period(data.period)}: доступный и востребованный",
        f"My School content — {t.period(data.period)}: available and demanded",
    )
    return Sheet(t("Контент", "Content"), heading=_heading(result, title, t, content=True), blocks=(table,))
