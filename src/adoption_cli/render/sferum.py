"""`adoption sferum` for people (Rich table) and for spreadsheets (CSV rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from adoption_cli.config import SferumLevel
from adoption_cli.environment import current
from adoption_cli.metrics.common import is_capped
from adoption_cli.metrics.sferum import SferumResult, SferumSummary, edge_above
from adoption_cli.render.captions import caption, ownership_text, period_text, region_name
from adoption_cli.render.emit import scope_records
from adoption_cli.render.labels import level_label
from adoption_cli.render.numbers import fmt_int, fmt_pct, fmt_pct_judged, fmt_pct_setting, fmt_pp, pct_unit, pp_unit
from adoption_cli.render.tables import Col, make_table

if TYPE_CHECKING:
    from rich.table import Table

# Ten columns: short headers (explained in the caption) leave room for municipality names on one line.
COLUMNS = (
    Col("Муниципальное образование", "Municipality", "left"),
    Col("Пед.", "Teach."),
    Col("акт.", "act."),
    Col("доля", "share", unit=pct_unit),
    Col("Δ", "Δ", unit=pp_unit),
    Col("Обуч.", "Stud."),
    Col("акт.", "act."),
    Col("доля", "share", unit=pct_unit),
    Col("Δ", "Δ", unit=pp_unit),
    Col("Уровень", "Level", "left"),
)


def _beside_bands(value: float | None, levels: Sequence[SferumLevel]) -> str:
    """A share shown beside the level: never rounded up to the edge of a band it did not reach."""
    lang = current().lang
    edge = edge_above(value, levels)
    return fmt_pct_judged(value, edge, False, lang) if edge is not None else fmt_pct(value, lang)


def _cells(name: str, s: SferumSummary, levels: Sequence[SferumLevel]) -> list[str]:
    lang = current().lang
    return [
        name,
        fmt_int(s.teachers_total, lang),
        fmt_int(s.teachers_active, lang),
        _beside_bands(s.teacher_share_pct, levels),
        fmt_pp(s.teacher_share_change_pp, lang),
        fmt_int(s.students_total, lang),
        fmt_int(s.students_active, lang),
        _beside_bands(s.student_share_pct, levels),
        fmt_pp(s.student_share_change_pp, lang),
        level_label(s.level, lang) or "—",
    ]


def sferum_table(result: SferumResult) -> Table:
    env = current()
    lang = env.lang
    bands = ", ".join(
        f"{level_label(level.name, lang)} ≥ {fmt_pct_setting(level.min_pct, lang)}" for level in result.levels
    )
    active = (
        env.t(
            "Активные: показатель «активных» помесячной статистики Сферума по школам (окно — месяц его последнего "
            "дня); по МО и региону — сумма по школам.",
            "Active: the `active` figure of Sferum's monthly school statistics; municipalities and region sum them.",
        )
        if result.grain == "school"
        else env.t(
            "Активные: пользователи с ≥ 1 действием в Сферуме за период, без заблокированных учётных записей; "
            "активный в двух школах учтён один раз в МО и в регионе.",
            "Active: users with ≥ 1 Sferum activity in the period, blocked accounts excluded; counted once per "
            "municipality and region.",
        )
    )
    lines = [
        period_text(result.period),
        period_text(result.previous_period, prefix_ru="Δ — изменение в п.п. к периоду", prefix_en="Δ in p.p. against"),
        active,
        env.t(
            "Пед. / Обуч. — педагоги / обучающиеся по ОО-1 (знаменатели), акт. — из них активные, доля — в %; "
            f"{ownership_text(result.ownership)}; "
            "школы без численности роли не учтены для этой роли.",
            "Teach. / Stud.: OO-1 teachers / students (the denominators), act.: active among them, share in %; "
            f"{ownership_text(result.ownership)}; schools without a "
            "total of a role are left out for that role.",
        ),
        env.t(
            f"Уровень — по меньшей из двух долей (педагогов и обучающихся): {bands}.",
            f"Level: by the lower of the two shares (teachers, students): {bands}.",
        ),
    ]
    if result.grain is None:
        lines.append(env.t("В данных нет выгрузок Сферума: активных 0.", "The data has no Sferum exports: 0 active."))
    return make_table(
        env.t("ИКОП «Сферум»: активность педагогов и обучающихся", "Sferum: active teachers and students"),
        COLUMNS,
        [_cells(m.name, m, result.levels) for m in result.municipalities],
        footer=_cells(region_name(), result.region, result.levels),
        caption=caption(lines),
    )


def sferum_rows(result: SferumResult) -> pl.DataFrame:
    return pl.DataFrame(
        scope_records(
            result.region,
            result.municipalities,
            period=result.period.label,
            previous_period=result.previous_period.label,
        ),
        schema_overrides={
            "name": pl.String,
            "level": pl.String,
            "level_previous": pl.String,
            **{field: pl.Float64 for field in SferumSummary.model_fields if field.endswith(("_pct", "_pp"))},
        },
    )


def capped_places(result: SferumResult) -> list[str]:
    """The region and the municipalities with a share shown capped at 100 %: a role's active users,
    this period's or the previous one's, above its ОО-1 total."""
    places: list[tuple[str, SferumSummary]] = [(region_name(), result.region)]
    places += [(m.name, m) for m in result.municipalities]
    return [
        name
        for name, s in places
        if any(
            is_capped(active, total)
            for total, active in (
                (s.teachers_total, s.teachers_active),
                (s.teachers_total, s.teachers_active_previous),
                (s.students_total, s.students_active),
                (s.students_total, s.students_active_previous),
            )
        )
    ]
