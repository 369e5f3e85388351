"""«Динамика»: up to twelve months of the indicator and the assistant share (region, with a line chart) and
the indicator of each municipality month by month (metrics.trend)."""

from __future__ import annotations

from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.metrics.trend import TrendPoint
from adoption_cli.render.excel import Chart, Column, Fill, Sheet, Table, judged_cell
from adoption_cli.render.report.common import Texts


def _by_month(points: list[TrendPoint], months: list[str]) -> list[float | None]:
    shares = {point.month: point.indicator_pct for point in points}
    return [shares.get(month) for month in months]


def trend_sheet(data: ReportInput, t: Texts) -> Sheet:
    trend = data.trend
    points = trend.region.points
    name = t("Динамика", "Trend")
    if not points:
        return Sheet(name, heading=(name, t("Нет школ в расчёте.", "No schools are counted.")))
    months = [point.month for point in points]
    region = Table(
        (
            Column("month", "Месяц", "Month"),
            Column("schools", "Школ в расчёте", "Schools counted", "int"),
            Column("flagged", "Отвечают критерию", "Flagged", "int"),
            Column("indicator", "Индикатор", "Indicator", "pct"),
            Column("indicator_target", "Цель индикатора", "Indicator target", "pct"),
            Column("indicator_met", "Индикатор: цель достигнута", "Indicator target met", "flag"),
            Column("assistant", "Доля ЦПУ", "Assistant share", "pct"),
            Column("assistant_target", "Цель ЦПУ", "Assistant target", "pct"),
            Column("assistant_met", "ЦПУ: цель достигнута", "Assistant target met", "flag"),
            Column("teachers", "Доля активных педагогов", "Share of active teachers", "pct"),
            Column("students", "Доля активных обучающихся", "Share of active students", "pct"),
        ),
        [
            (
                p.month,
                p.schools,
                p.flagged,
                # (beside its verdict, with the digits that keep Excel's rounding from contradicting it)
                judged_cell(p.indicator_pct, p.indicator_target_pct, p.indicator_target_met),
                p.indicator_target_pct,
                p.indicator_target_met,
                judged_cell(p.assistant_pct, p.assistant_target_pct, p.assistant_target_met),
                p.assistant_target_pct,
                p.assistant_target_met,
                p.teacher_share_pct,
                p.student_share_pct,
            )
            for p in points
        ],
        title=t("Регион", "Region"),
        fills=(
            Fill("indicator", judged_by="indicator_met"),
            Fill("indicator_met"),
            Fill("assistant", judged_by="assistant_met"),
            Fill("assistant_met"),
        ),
        main=True,
    )
    by_month = Table(
        (
            Column("name", "Муниципальное образование", "Municipality"),
            *(Column(month, month, month, "pct") for month in months),
        ),
        [(series.name, *_by_month(series.points, months)) for series in trend.municipalities],
        title=t("Индикатор по муниципальным образованиям", "Indicator by municipality"),
    )
    chart = Chart(
        "line",
        region,
        category="month",
        series=("indicator", "assistant"),
        targets=("indicator_target", "assistant_target"),
        title=t("Индикатор и доля ЦПУ по месяцам", "Indicator and assistant share by month"),
        x_title=t("Месяц", "Month"),
        y_title=t("Доля", "Share"),
    )
    return Sheet(
        name,
        heading=(
            t(f"Динамика: {months[0]} – {months[-1]}", f"Trend: {months[0]} – {months[-1]}"),
            t(
                "Каждый месяц — против цели, действовавшей в том месяце; месяцы до первых входов или статистики в "
                "выгрузках не показаны (по одним датам последнего входа месяц не восстановить).",
                "Each month against the target in force in that month; months before the first logins or "
                "statistics in the exports are left out (last-login dates alone cannot rebuild a month).",
            ),
        ),
        blocks=(region, by_month),
        charts=(chart,),
    )
