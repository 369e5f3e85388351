"""«Сводка»: the headline figures, the indicator per municipality against its target, and a bar chart."""

from __future__ import annotations

from datetime import date

from adoption_cli.render.excel import Cell, Chart, Column, Fill, Sheet, Table
from adoption_cli.render.report.common import ReportInput, Texts, iso_date
from adoption_cli.schema import PLATFORMS, Kind

FACT_COLUMNS = (
    Column("label", "Показатель", "Figure"),
    Column("value", "Значение", "Value", "int"),
    Column("target", "Цель", "Target", "pct"),
    Column("met", "Достигнута", "Met", "flag"),
)
FACT_FILLS = (Fill("value", judged_by="met"), Fill("met"))

MUNICIPALITY_COLUMNS = (
    Column("name", "Муниципальное образование", "Municipality"),
    Column("schools", "Школ в расчёте", "Schools counted", "int"),
    Column("flagged", "Школ, отвечающих условию", "Schools meeting the rule", "int"),
    Column("share", "Доля школ", "Share of schools", "pct"),
    Column("target", "Цель", "Target", "pct"),
    Column("met", "Цель достигнута", "Target met", "flag"),
    Column("needed", "Ещё нужно школ", "Schools still needed", "int"),
)


def freshness(data: ReportInput, t: Texts) -> str:
    """«Данные по: Моя школа, события — 30.09.2024; …»: the newest activity date of each source."""
    newest: dict[tuple[int, int, str, Kind], date] = {}
    platform_order = {code: index for index, code in enumerate(PLATFORMS)}
    kind_order = {kind: index for index, kind in enumerate(Kind)}
    for file in data.load.files:
        latest = iso_date(file.latest_activity)
        if latest is None:
            continue
        platform = file.platform or (file.platforms[0] if len(file.platforms) == 1 else "")
        key = (platform_order.get(platform, len(platform_order)), kind_order[file.kind], platform, file.kind)
        newest[key] = max(latest, newest.get(key, latest))
    parts = [
        (f"{t.platform(platform)}, " if platform else "") + f"{t.kind(kind)} — {t.day(day)}"
        for (_, _, platform, kind), day in sorted(newest.items())
    ]
    return t("Данные по: ", "Data up to: ") + ("; ".join(parts) if parts else t("нет дат активности", "no dates"))


def combination_label(data: ReportInput, t: Texts) -> str:
    if data.indicator.combination == "union":
        return t("уникальные пользователи всех платформ", "distinct users over the platforms")
    return t("максимум по платформам", "largest per-platform count")


def active_rule(data: ReportInput, t: Texts) -> tuple[str, str, str]:
    """The definition of «active» and the indicator's rule, as short lines (long ones would run under the chart)."""
    result = data.indicator
    combination = combination_label(data, t)
    return (
        t(
            "Активен — хотя бы один вход в периоде (событие или дата последнего входа); заблокированные не в счёт.",
            "Active: at least one sign-in in the period (event or last sign-in date); blocked accounts excluded.",
        ),
        t(
            "По школьной статистике (без данных о пользователях) — число активных за месяц из выгрузки.",
            "From school statistics (no user-level data): the month's active users as exported.",
        ),
        t(
            f"Индикатор: {t.platforms(result.platforms)} ({combination}); пороги: педагоги "
            f"{result.teacher_threshold_pct:g} %, обучающиеся {result.student_threshold_pct:g} %.",
            f"Indicator: {t.platforms(result.platforms)} ({combination}); thresholds: teachers "
            f"{result.teacher_threshold_pct:g}%, students {result.student_threshold_pct:g}%.",
        ),
    )


def summary_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.indicator
    region = result.region
    facts = Table(
        FACT_COLUMNS,
        [
            (
                t("Индикатор: доля школ, отвечающих условию", "Indicator: share of schools meeting the rule"),
                Cell(region.share_pct, "pct"),
                result.target_pct,
                region.target_met,
            ),
            (t("Школ в расчёте", "Schools counted"), region.schools, None, None),
            (t("Школ, отвечающих условию", "Schools meeting the rule"), region.flagged, None, None),
            (t("Ещё нужно школ до цели", "Schools still needed for the target"), region.schools_needed, None, None),
        ],
        fills=FACT_FILLS,
    )
    municipalities = Table(
        MUNICIPALITY_COLUMNS,
        [
            (m.name, m.schools, m.flagged, m.share_pct, result.target_pct, m.target_met, m.schools_needed)
            for m in result.municipalities
        ],
        title=t("Индикатор по муниципальным образованиям", "Indicator by municipality"),
        fills=(Fill("share", judged_by="met"), Fill("met")),
        total=(
            t("Регион", "Region"),
            region.schools,
            region.flagged,
            region.share_pct,
            result.target_pct,
            region.target_met,
            region.schools_needed,
        ),
        main=True,
    )
    chart = Chart(
        "bar",
        municipalities,
        category="name",
        series=("share",),
        target="target",
        title=t("Доля школ, отвечающих условию индикатора", "Share of schools meeting the indicator rule"),
        x_title=t("Муниципальное образование", "Municipality"),
        y_title=t("Доля школ", "Share of schools"),
    )
    return Sheet(
        t("Сводка", "Summary"),
        heading=(
            t(
                f"Использование цифровых платформ школами — {t.period(data.period)}",
                f"Adoption of school platforms — {t.period(data.period)}",
            ),
            t(
                f"Период: {t.day(data.period.start)} – {t.day(data.period.end)}.",
                f"Period: {t.day(data.period.start)} – {t.day(data.period.end)}.",
            ),
            *active_rule(data, t),
            freshness(data, t),
        ),
        blocks=(facts, municipalities),
        charts=(chart,),
    )
