"""«Рейтинг»: every registry school ranked by the share of its registered «Моя школа» users active in the
month (teachers, students and parents together), with the change of rank (metrics.rating)."""

from __future__ import annotations

from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.activity import NOTE_TEXTS
from adoption_cli.render.excel import Column, Fill, Sheet, Table
from adoption_cli.render.rating import RULE_TEXT
from adoption_cli.render.report.common import Texts
from adoption_cli.render.report.schools import SCHOOL_COLUMNS


def rating_sheet(data: ReportInput, t: Texts) -> Sheet:
    result = data.rating
    table = Table(
        (
            Column("rank", "Место", "Rank", "int"),
            Column("rank_change", "Изменение места (+ — выше)", "Rank change (+ = up)", "int"),
            *SCHOOL_COLUMNS,
            Column("registered", "Зарегистрировано", "Registered", "int"),
            Column("active", "Активных", "Active", "int"),
            Column("share", "Доля активных от зарегистрированных", "Share active of registered", "pct"),
        ),
        [
            (s.rank, s.rank_change, s.school_id, s.name, s.municipality, s.registered, s.active, s.share_pct)
            for s in result.schools
        ],
        fills=(Fill("rank_change", threshold=0, strict=True),),
        main=True,
    )
    return Sheet(
        t("Рейтинг", "Rating"),
        heading=(
            t(
                f"Рейтинг школ по доле активных пользователей «Моей школы» — {t.period(data.period)}",
                f"Schools ranked by the share of active My School users — {t.period(data.period)}",
            ),
            t.pick(RULE_TEXT),
            t(
                f"В рейтинге: {result.ranked}; вне рейтинга (нет зарегистрированных): {result.unranked}. "
                f"Изменение места — к периоду {result.previous_period.label}; пусто — школы не было в рейтинге.",
                f"Ranked: {result.ranked}; unranked (no registered users): {result.unranked}. Rank change against "
                f"{result.previous_period.label}; empty: the school was not ranked then.",
            ),
            *(t.pick(NOTE_TEXTS[code]) for code in result.notes),
        ),
        blocks=(table,),
    )
