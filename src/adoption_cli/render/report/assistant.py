"""«ЦПУ»: the share of ОО-1 students active in «Цифровой помощник ученика» against its target (84.9 % by
default), for the region, each municipality (with a chart) and each school."""

from __future__ import annotations

from adoption_cli.metrics.common import reaches_pct
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.excel import Column, Fill, Sheet, Table, judged_cell
from adoption_cli.render.numbers import fmt_pct_setting
from adoption_cli.render.report.common import Judged, Texts, grain_line, target_block
from adoption_cli.render.report.schools import SCHOOL_COLUMNS

TOTAL = Column("students_total", "Обучающихся (ОО-1)", "Students (OO-1)", "int")
ACTIVE = Column("students_active", "Активных в ЦПУ", "Active in the assistant", "int")
SHARE = Column("share", "Доля активных", "Share active", "pct")


def assistant_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.assistant
    name = t("ЦПУ", "Assistant")
    heading = [
        t(f"«Цифровой помощник ученика» — {t.period(data.period)}", f"Student Assistant — {t.period(data.period)}"),
        t(
            f"Доля обучающихся (ОО-1) школ форм собственности «{t.ownership(result.ownership)}», активных в ЦПУ; "
            f"цель {fmt_pct_setting(result.target_pct, 'ru')}.",
            f"Share of OO-1 students ({t.ownership(result.ownership)} schools) active in the assistant; "
            f"target {fmt_pct_setting(result.target_pct, 'en')}.",
        ),
    ]
    if result.grain is None:
        return Sheet(name, heading=(*heading, t("В выгрузках нет данных ЦПУ.", "The exports hold no assistant data.")))
    region = result.region
    municipalities, chart = target_block(
        t,
        columns=(
            TOTAL,
            ACTIVE,
            SHARE,
            Column("needed", "Ещё нужно активных обучающихся", "More active students needed", "int"),
        ),
        lines=[
            Judged(m.name, (m.students_total, m.students_active), m.share_pct, m.target_met, m.students_needed)
            for m in result.municipalities
        ],
        region=Judged(
            t("Регион", "Region"),
            (region.students_total, region.students_active),
            region.share_pct,
            region.target_met,
            region.students_needed,
        ),
        target_pct=result.target_pct,
        title=t("По муниципальным образованиям", "By municipality"),
        chart_title=t("Доля обучающихся, активных в ЦПУ", "Share of students active in the assistant"),
        y_title=t("Доля обучающихся", "Share of students"),
    )
    schools = Table(
        (*SCHOOL_COLUMNS, TOTAL, ACTIVE, SHARE),
        [
            (
                s.school_id,
                s.name,
                s.municipality,
                s.students_total,
                s.students_active,
                # (coloured against the target: shown with the digits its verdict needs, not «84,90 %» in red)
                judged_cell(
                    s.share_pct, result.target_pct, _met(s.students_total, s.students_active, result.target_pct)
                ),
            )
            for s in result.schools
        ],
        title=t(
            f"По школам (без численности по ОО-1 — не оцениваются: {result.data_quality.no_total})",
            f"By school (schools without an OO-1 total are not judged: {result.data_quality.no_total})",
        ),
        fills=(Fill("share", threshold=result.target_pct),),
        empty=t("Нет школ.", "No schools."),
    )
    return Sheet(
        name, heading=(*heading, grain_line(result.grain, t)), blocks=(municipalities, schools), charts=(chart,)
    )


def _met(total: int | None, active: int, target_pct: float) -> bool | None:
    return reaches_pct(active, total, target_pct) if total else None
