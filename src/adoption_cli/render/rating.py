"""`adoption rating`: the school rating as a terminal table and as CSV (one row per school)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adoption_cli.environment import current
from adoption_cli.metrics.rating import RatedSchool, RatingResult
from adoption_cli.render.activity import NOTE_TEXTS, RULE_TEXTS
from adoption_cli.render.captions import period_text
from adoption_cli.render.changes import rank_change_cell
from adoption_cli.render.labels import platform_label
from adoption_cli.render.numbers import fmt_int, fmt_pct
from adoption_cli.render.tables import Col, make_table

if TYPE_CHECKING:
    import polars as pl
    from rich.console import RenderableType

ROLE_LABELS = {
    "all": ("все (педагоги, обучающиеся, родители)", "all (teachers, students, parents)"),
    "teacher": ("педагоги", "teachers"),
    "student": ("обучающиеся", "students"),
    "parent": ("родители", "parents"),
}
RULE_TEXT = (
    "Доля = активные / зарегистрированные × 100 (не более 100\u202f%). Равные доли — по числу активных, затем по "
    "названию. Школы без зарегистрированных (или без сведений о них) — вне рейтинга, в конце списка (по числу "
    "активных, затем по названию). Δ — изменение места к прошлому периоду (▲ — выше); Зарег. — "
    "зарегистрированные пользователи.",
    "Share = active / registered × 100 (at most 100%). Equal shares go by active count, then name. Schools with "
    "nobody registered (or no figure) are unranked, listed last (by active count, then name). Δ: rank change "
    "versus the previous period (▲ = up); Regist.: registered users.",
)
# Who is active and registered, by the grain of the data (the school grain's words are the activity panels').
GRAIN_TEXTS = {
    "user": (
        "Активен — вход или событие на платформе в периоде, заблокированные не учитываются; зарегистрирован — "
        "незаблокированная учётная запись с датой регистрации не позже конца периода.",
        "Active: a login or event on the platform in the period, blocked accounts excluded; registered: an "
        "unblocked account registered by the period's end.",
    ),
    "school": RULE_TEXTS["school"],
}


def rating_csv(result: RatingResult) -> pl.DataFrame:
    import polars as pl

    schools = pl.DataFrame(
        [school.model_dump() for school in result.schools],
        schema={
            "rank": pl.Int64,
            "previous_rank": pl.Int64,
            "rank_change": pl.Int64,
            "school_id": pl.String,
            "name": pl.String,
            "municipality": pl.String,
            "registered": pl.Int64,
            "active": pl.Int64,
            "share_pct": pl.Float64,
        },
        orient="row",
    )
    return schools.select(
        pl.lit(result.period.label).alias("period"),
        pl.lit(result.role).alias("role"),
        pl.all(),
    )


def _row(school: RatedSchool) -> list[str]:
    lang = current().lang
    return [
        fmt_int(school.rank, lang),
        rank_change_cell(school.rank_change, school.previous_rank, school.rank),
        school.name,
        school.school_id,
        school.municipality,
        fmt_int(school.registered, lang),
        fmt_int(school.active, lang),
        fmt_pct(school.share_pct, lang),
    ]


def rating_table(result: RatingResult) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape

    from adoption_cli.render.fitting import GluedText

    env = current()
    platform = platform_label(result.platform, env.lang)
    where = result.scope.municipality or env.t("регион", "region")
    role_ru, role_en = ROLE_LABELS[result.role]
    title = env.t(
        f"Рейтинг школ по доле активных пользователей «{platform}» ({where}); роль: {role_ru}",
        f"School rating by the share of active «{platform}» users ({where}); role: {role_en}",
    )
    columns = [
        Col("Место", "Rank"),
        Col("Δ", "Δ"),
        Col("Школа", "School", "left"),
        Col("ИНН", "INN", "left"),  # (two schools of one name in a municipality are told apart by it)
        Col("МО", "Municipality", "left"),
        Col("Зарег.", "Regist."),
        Col("Активны", "Active"),
        Col("Доля", "Share"),
    ]
    rows = [[escape(cell) if i in (2, 4) else cell for i, cell in enumerate(_row(s))] for s in result.schools]
    shown = env.t(
        f"Показано школ: {len(result.schools)}; в рейтинге: {result.ranked}; вне рейтинга: {result.unranked}.",
        f"Shown: {len(result.schools)} schools; ranked: {result.ranked}; unranked: {result.unranked}.",
    )
    notes = [
        env.t(*GRAIN_TEXTS[result.grain]),
        env.t(*RULE_TEXT),
        shown,
        *(env.t(*NOTE_TEXTS[code]) for code in result.notes),
    ]
    return Group(
        GluedText(title, style="bold"),
        GluedText(period_text(result.period)),
        GluedText(period_text(result.previous_period, prefix_ru="Сравнение с периодом", prefix_en="Compared with")),
        make_table("", columns, rows),
        *(GluedText(note, style="dim") for note in notes),
    )
