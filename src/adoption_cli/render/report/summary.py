"""«Сводка»: the headline figures, the indicator per municipality against its target, and a bar chart."""

from __future__ import annotations

from datetime import date

from adoption_cli.metrics.activity import NOTE_NO_PLATFORM_DATA
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.periods import last_day_covered
from adoption_cli.render.excel import Cell, Column, Fill, Sheet, Table, Value, judged_cell
from adoption_cli.render.labels import combination_label, level_label
from adoption_cli.render.numbers import fmt_int, fmt_pct, fmt_pp, fmt_signed_pct
from adoption_cli.render.report.common import Judged, Texts, iso_date, target_block
from adoption_cli.render.report.sferum import beside_bands
from adoption_cli.schema import PLATFORMS, Kind

FACT_COLUMNS = (
    Column("label", "Показатель", "Figure"),
    Column("value", "Значение", "Value", "int"),
    Column("target", "Цель", "Target", "pct"),
    Column("met", "Достигнута", "Met", "flag"),
    Column("note", "Пояснение", "Note", fit=False),
)
FACT_FILLS = (Fill("value", judged_by="met"), Fill("met"))

INDICATOR_COLUMNS = (
    Column("schools", "Школ в расчёте", "Schools counted", "int"),
    Column("flagged", "Школ, отвечающих критерию", "Schools flagged", "int"),
    Column("share", "Доля школ", "Share of schools", "pct"),
    Column("needed", "Ещё нужно школ", "Schools still needed", "int"),
)


def freshness(data: ReportInput, t: Texts) -> str:
    """«Данные по: Моя школа (учётные записи, входы) — 31.12.2024; …»: the newest activity date of each
    source (platform and kind of export), sources of one platform with the same date named together; a month
    of school statistics is given by its last day, as it covers all of it."""
    newest: dict[tuple[str, Kind], date] = {}
    for file in data.load.files:
        latest = iso_date(file.latest_activity)
        if latest is None:
            continue
        latest = last_day_covered(latest, monthly=file.kind == Kind.SCHOOL_STATS)
        platform = file.platform or (file.platforms[0] if len(file.platforms) == 1 else "")
        newest[(platform, file.kind)] = max(latest, newest.get((platform, file.kind), latest))
    platform_order = {code: index for index, code in enumerate(PLATFORMS)}
    kind_order = {kind: index for index, kind in enumerate(Kind)}
    groups: dict[tuple[int, str, date], list[Kind]] = {}
    for (platform, kind), day in newest.items():
        groups.setdefault((platform_order.get(platform, len(platform_order)), platform, day), []).append(kind)
    parts = []
    for (_, platform, day), kinds in sorted(groups.items()):
        names = ", ".join(t.kind(kind) for kind in sorted(kinds, key=kind_order.__getitem__))
        parts.append((f"{t.platform(platform)} ({names})" if platform else names) + f" — {t.day(day)}")
    return t("Данные по: ", "Data up to: ") + ("; ".join(parts) if parts else t("нет дат активности", "no dates"))


def active_rule(data: ReportInput, t: Texts) -> tuple[str, str, str]:
    """The definition of «active» and the indicator's rule, as short lines (long ones would run under the chart)."""
    result = data.indicator
    combination = combination_label(result.combination, t.lang)
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


def _myschool(data: ReportInput, t: Texts) -> list[tuple[Value | Cell, ...]]:
    """Active «Моя школа» teachers and students, with their share of the registered and the change."""
    lang = t.lang
    result = data.myschool
    if NOTE_NO_PLATFORM_DATA in result.notes:
        return [(t("Моя школа", "My School"), None, None, None, t("нет данных «Моей школы»", "no My School data"))]
    rows: list[tuple[Value | Cell, ...]] = []
    for label, panel in ((t("педагоги", "teachers"), result.teachers), (t("обучающиеся", "students"), result.students)):
        share = panel.active_share_of_registered.value
        rows.append(
            (
                t(f"Моя школа: активные {label}", f"My School: active {label}"),
                panel.active.value,
                None,
                None,
                t(
                    f"{fmt_pct(share, lang)} зарегистрированных; к прошлому периоду "
                    f"{fmt_signed_pct(panel.active.change_pct, lang)}",
                    f"{fmt_pct(share, lang)} of the registered; {fmt_signed_pct(panel.active.change_pct, lang)} "
                    "on the previous period",
                ),
            )
        )
    return rows


def headline(data: ReportInput, t: Texts) -> list[tuple[Value | Cell, ...]]:
    """Figure, value, target, met, note: the indicator, the assistant share and Сферум for the region."""
    lang = t.lang
    result, assistant, sferum = data.indicator, data.assistant, data.sferum
    region = result.region
    rows: list[tuple[Value | Cell, ...]] = [
        (
            t("Индикатор: доля школ, отвечающих критерию", "Indicator: share of schools flagged"),
            judged_cell(region.share_pct, result.target_pct, region.target_met),
            result.target_pct,
            region.target_met,
            t(
                f"{fmt_int(region.flagged, lang)} из {fmt_int(region.schools, lang)} школ; "
                f"ещё нужно школ: {fmt_int(region.schools_needed, lang)}",
                f"{fmt_int(region.flagged, lang)} of {fmt_int(region.schools, lang)} schools; "
                f"{fmt_int(region.schools_needed, lang)} more needed",
            ),
        )
    ]
    label = t("ЦПУ: доля обучающихся, активных в ЦПУ", "Assistant: share of students active")
    if assistant.grain is None:
        rows.append((label, None, assistant.target_pct, None, t("нет данных ЦПУ", "no assistant data")))
    else:
        students = assistant.region
        rows.append(
            (
                label,
                judged_cell(students.share_pct, assistant.target_pct, students.target_met),
                assistant.target_pct,
                students.target_met,
                t(
                    f"{fmt_int(students.students_active, lang)} из {fmt_int(students.students_total, lang)} "
                    f"обучающихся; ещё нужно: {fmt_int(students.students_needed, lang)}",
                    f"{fmt_int(students.students_active, lang)} of {fmt_int(students.students_total, lang)} "
                    f"students; {fmt_int(students.students_needed, lang)} more needed",
                ),
            )
        )
    rows += _myschool(data, t)
    if sferum.grain is None:
        rows.append((t("Сферум", "Sferum"), None, None, None, t("нет данных Сферума", "no Sferum data")))
        return rows
    figures = sferum.region
    for role, active, total, share, change in (
        (
            "педагогов",
            figures.teachers_active,
            figures.teachers_total,
            figures.teacher_share_pct,
            figures.teacher_share_change_pp,
        ),
        (
            "обучающихся",
            figures.students_active,
            figures.students_total,
            figures.student_share_pct,
            figures.student_share_change_pp,
        ),
    ):
        english = "teachers" if role == "педагогов" else "students"
        rows.append(
            (
                t(f"Сферум: доля активных {role}", f"Sferum: share of active {english}"),
                beside_bands(share, sferum.levels),  # (the level is said two rows below)
                None,
                None,
                t(
                    f"{fmt_int(active, lang)} из {fmt_int(total, lang)}; к прошлому периоду {fmt_pp(change, lang)}",
                    f"{fmt_int(active, lang)} of {fmt_int(total, lang)}; {fmt_pp(change, lang)} on the previous period",
                ),
            )
        )
    rows.append(
        (
            t("Сферум: уровень активности", "Sferum: activity level"),
            Cell(level_label(figures.level, lang), "text"),
            None,
            None,
            t(
                f"в прошлом периоде: {figures.level_previous or '—'}",
                f"previous period: {level_label(figures.level_previous, 'en') or '—'}",
            ),
        )
    )
    return rows


def summary_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.indicator
    region = result.region
    facts = Table(FACT_COLUMNS, headline(data, t), fills=FACT_FILLS)
    municipalities, chart = target_block(
        t,
        columns=INDICATOR_COLUMNS,
        lines=[
            Judged(m.name, (m.schools, m.flagged), m.share_pct, m.target_met, m.schools_needed)
            for m in result.municipalities
        ],
        region=Judged(
            t("Регион", "Region"),
            (region.schools, region.flagged),
            region.share_pct,
            region.target_met,
            region.schools_needed,
        ),
        target_pct=result.target_pct,
        title=t("Индикатор по муниципальным образованиям", "Indicator by municipality"),
        chart_title=t("Доля школ, отвечающих критерию индикатора", "Share of schools flagged"),
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
            *(t("Внимание: ", "Warning: ") + warning for warning in data.warnings),
        ),
        blocks=(facts, municipalities),
        charts=(chart,),
    )
