"""`adoption school`: the card of one school as a Rich panel, and its role × platform figures as CSV rows.

The JSON output is the `SchoolCard` model itself. Polars is imported for the CSV alone: a card read from the
store is shown without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adoption_cli.environment import current
from adoption_cli.metrics.school_card import CardIndicator, SchoolCard
from adoption_cli.render.captions import period_text
from adoption_cli.render.changes import rank_change_cell
from adoption_cli.render.labels import combination_label, ownership_name, platform_label, platforms_label
from adoption_cli.render.numbers import GAP, fmt_int, fmt_pct, fmt_pct_judged, fmt_pct_setting, plural, sparkline
from adoption_cli.render.tables import MET, NOT_MET, Col, make_table, status_cell, text_cell

if TYPE_CHECKING:
    import polars as pl
    from rich.console import RenderableType

ROLES = {
    "teacher": ("Педагоги", "Teachers"),
    "student": ("Обучающиеся", "Students"),
    "parent": ("Родители", "Parents"),
}
# The Russian word forms after a number: 1 педагог, 2 педагога, 5 педагогов.
_COUNTED = {"teacher": ("педагог", "педагога", "педагогов"), "student": ("обучающийся", "обучающихся", "обучающихся")}
# «не хватает» takes the genitive: 1 обучающегося, 2 обучающихся; 1 педагога, 5 педагогов
_LACKING = {
    "teacher": ("педагога", "педагогов", "педагогов"),
    "student": ("обучающегося", "обучающихся", "обучающихся"),
}
FIGURE_COLUMNS = (
    Col("Роль", "Role", "left"),
    Col("Платформа", "Platform", "left"),
    Col("Зарег.", "Registered"),
    Col("Активны", "Active"),
    Col("% зарег.", "% of reg."),
    Col("% ОО-1", "% of OO-1"),
)
INDICATOR_COLUMNS = (
    Col("", "", "left"),
    Col("Активны", "Active"),
    Col("ОО-1", "OO-1"),
    Col("Доля", "Share"),
    Col("Порог", "Threshold"),
    Col("Достигнут", "Reached", "left"),
    Col("Не хватает", "Missing"),
)


def _needed_text(indicator: CardIndicator) -> str:
    """«+2 педагога и +15 обучающихся» — what the school lacks to be flagged."""
    env = current()
    parts = []
    for role, needed in (("teacher", indicator.teachers_needed), ("student", indicator.students_needed)):
        if needed:
            word = env.t(plural(needed, *_COUNTED[role]), f"{role}s" if needed != 1 else role)
            parts.append(f"+{fmt_int(needed, env.lang)} {word}")
    return env.t(" и ", " and ").join(parts)


def _flag_line(card: SchoolCard) -> str:
    env = current()
    indicator = card.indicator
    rule = env.t("Индикатор", "Indicator") + f" ({platforms_label(indicator.platforms, env.lang)})"
    if indicator.flagged:
        verdict = env.t(f"[green]{MET} отвечает критерию[/green]", f"[green]{MET} flagged[/green]")
    elif indicator.teachers_needed is None or indicator.students_needed is None:
        verdict = env.t(
            f"[red]{NOT_MET} не может отвечать критерию[/red]: нет численности по ОО-1",
            f"[red]{NOT_MET} cannot be flagged[/red]: no OO-1 total",
        )
    else:
        verdict = env.t(
            f"[red]{NOT_MET} не отвечает критерию[/red] — нужно ещё {_needed_text(indicator)}",
            f"[red]{NOT_MET} not flagged[/red] — missing {_needed_text(indicator)}",
        )
    line = f"[bold]{rule}[/bold]: {verdict}"
    if not indicator.in_population:
        line += env.t(
            " (форма собственности школы в индикаторе региона не учитывается)",
            " (the region's indicator does not count this form of ownership)",
        )
    return line


def _indicator_table(indicator: CardIndicator, card: SchoolCard) -> RenderableType:
    lang = current().lang
    rows = []
    for role, active, total, share, threshold, needed in (
        (
            "teacher",
            indicator.teachers_active,
            card.school.teachers_total,
            indicator.teacher_share_pct,
            indicator.teacher_threshold_pct,
            indicator.teachers_needed,
        ),
        (
            "student",
            indicator.students_active,
            card.school.students_total,
            indicator.student_share_pct,
            indicator.student_threshold_pct,
            indicator.students_needed,
        ),
    ):
        rows.append(
            [
                current().t(*ROLES[role]),
                fmt_int(active, lang),
                fmt_int(total, lang),
                fmt_pct_judged(share, threshold, None if needed is None else needed == 0, lang),
                fmt_pct_setting(threshold, lang),
                status_cell(None if needed is None else needed == 0),
                "—" if needed is None else f"+{fmt_int(needed, lang)}",  # (+0: reached; «—»: no total to judge)
            ]
        )
    return make_table("", INDICATOR_COLUMNS, rows)


def _assistant_line(card: SchoolCard) -> str:
    env = current()
    lang = env.lang
    summary = card.assistant
    label = platform_label("assistant", lang)
    target = fmt_pct_setting(summary.target_pct, lang)
    if card.assistant.grain is None:
        return env.t(f"[bold]{label}[/bold]: нет данных.", f"[bold]{label}[/bold]: no data.")
    if summary.share_pct is None:
        active = fmt_int(summary.students_active, lang)
        return env.t(
            f"[bold]{label}[/bold]: активны {active}; нет численности обучающихся по ОО-1 — долю не вычислить.",
            f"[bold]{label}[/bold]: {active} active; no OO-1 student total — no share.",
        )
    share = fmt_pct_judged(summary.share_pct, summary.target_pct, summary.target_met, lang)
    active, total = fmt_int(summary.students_active, lang), fmt_int(summary.students_total, lang)
    missing = (
        ""
        if summary.target_met
        else env.t(
            f", не хватает {fmt_int(summary.students_needed, lang)} "
            + plural(summary.students_needed, *_LACKING["student"]),
            f", {fmt_int(summary.students_needed, lang)} more students needed",
        )
    )
    return env.t(
        f"[bold]{label}[/bold]: активны {active} из {total} обучающихся — {share}; цель {target}: "
        f"{status_cell(summary.target_met)}{missing}",
        f"[bold]{label}[/bold]: {active} of {total} students active — {share}; target {target}: "
        f"{status_cell(summary.target_met)}{missing}",
    )


def _rank_line(card: SchoolCard) -> str:
    env = current()
    lang = env.lang
    rank = card.rank
    where = text_cell(rank.municipality)
    platform = platform_label(rank.platform, lang)
    measure = env.t(
        f"по доле активных среди зарегистрированных в «{platform}», все роли: "
        f"{fmt_int(rank.active, lang)} из {fmt_int(rank.registered, lang)} — {fmt_pct(rank.share_pct, lang)}",
        f"by the share of registered «{platform}» users active, all roles: "
        f"{fmt_int(rank.active, lang)} of {fmt_int(rank.registered, lang)} — {fmt_pct(rank.share_pct, lang)}",
    )
    if rank.rank is None:
        place = env.t(
            f"вне рейтинга (нет зарегистрированных), в рейтинге {fmt_int(rank.ranked, lang)} из "
            f"{fmt_int(rank.schools, lang)} школ",
            f"unranked (nobody registered); {fmt_int(rank.ranked, lang)} of {fmt_int(rank.schools, lang)} "
            "schools ranked",
        )
    else:
        change = rank_change_cell(rank.rank_change, rank.previous_rank, rank.rank)
        place = env.t(
            f"{fmt_int(rank.rank, lang)} из {fmt_int(rank.ranked, lang)} ({change} к прошлому периоду)",
            f"{fmt_int(rank.rank, lang)} of {fmt_int(rank.ranked, lang)} ({change} vs the previous period)",
        )
        unranked = rank.schools - rank.ranked
        if unranked:
            place += env.t(
                f", ещё {fmt_int(unranked, lang)} без места (нет зарегистрированных)",
                f", {fmt_int(unranked, lang)} more unranked (nobody registered)",
            )
    return env.t(
        f"[bold]Место в МО «{where}»[/bold]: {place}; {measure}.",
        f"[bold]Rank in «{where}»[/bold]: {place}; {measure}.",
    )


def _figure_rows(card: SchoolCard) -> list[list[str]]:
    env = current()
    lang = env.lang
    rows = []
    previous_role = None
    for figure in card.figures:
        no_data = figure.grain is None
        rows.append(
            [
                env.t(*ROLES[figure.role]) if figure.role != previous_role else "",
                platform_label(figure.platform, lang),
                env.t("нет данных", "no data") if no_data else fmt_int(figure.registered, lang),
                "" if no_data else fmt_int(figure.active, lang),
                fmt_pct(figure.share_of_registered_pct, lang),
                fmt_pct(figure.share_of_total_pct, lang),
            ]
        )
        previous_role = figure.role
    return rows


def _trend_table(card: SchoolCard) -> RenderableType:
    from rich.table import Table

    env = current()
    lang = env.lang
    months = card.months
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column()
    grid.add_column()
    for role, attribute in (("teacher", "teacher_share_pct"), ("student", "student_share_pct")):
        values = [getattr(month, attribute) for month in months]
        grid.add_row(
            env.t(f"  {ROLES[role][0]}, доля от ОО-1", f"  {ROLES[role][1]}, share of OO-1"),
            sparkline(values),
            f"{fmt_pct(values[0], lang)} → {fmt_pct(values[-1], lang)}",
        )
    flags = "".join(f"[green]{MET}[/green]" if month.flagged else f"[red]{NOT_MET}[/red]" for month in months)
    grid.add_row(env.t("  Отвечает критерию", "  Flagged"), flags, "")
    return grid


def _notes(card: SchoolCard) -> list[str]:
    env = current()
    lang = env.lang
    by_stats = [platform_label(p, lang) for p, grain in card.grains.items() if grain == "school"]
    missing = [platform_label(p, lang) for p in sorted({f.platform for f in card.figures if f.grain is None})]
    combination = combination_label(card.indicator.combination, lang)
    notes = [
        env.t(
            "Активен — вход или событие на платформе в периоде (заблокированные не учитываются); зарег. — "
            "незаблокированные учётные записи на конец периода; доли — от зарегистрированных и от ОО-1.",
            "Active: a login or event on the platform in the period (blocked accounts excluded); registered: "
            "unblocked accounts at the period's end; shares: active of registered and of the OO-1 total.",
        ),
        env.t(
            f"Индикатор: активные на любой из платформ ({combination}); «не хватает» — ⌈порог × ОО-1⌉ − активные.",
            f"Indicator: active on any platform ({combination}); missing = ⌈threshold × OO-1⌉ − active.",
        ),
    ]
    if by_stats:
        notes.append(
            env.t(
                f"{', '.join(by_stats)} — числа из статистики платформы по школам за месяц.",
                f"{', '.join(by_stats)}: figures from the platform's monthly per-school statistics.",
            )
        )
    if missing:
        notes.append(env.t(f"Нет данных: {', '.join(missing)}.", f"No data: {', '.join(missing)}."))
    return notes


def school_card(card: SchoolCard) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from adoption_cli.render.fitting import glued

    env = current()
    lang = env.lang
    school = card.school
    period = period_text(card.period)
    if card.period_source == "latest_activity":
        period += env.t(
            " — последний месяц с активностью (другой: --month)",
            " — the latest month with activity (another: --month)",
        )
    first, last = card.months[0].month, card.months[-1].month
    body = Group(
        glued(
            env.t(
                f"ИНН {school.school_id} · {text_cell(school.municipality)} · форма собственности: "
                f"{ownership_name(school.ownership, lang)}\n"
                f"ОО-1: педагогов {fmt_int(school.teachers_total, lang)}, "
                f"обучающихся {fmt_int(school.students_total, lang)}",
                f"INN {school.school_id} · {text_cell(school.municipality)} · ownership: "
                f"{ownership_name(school.ownership, lang)}\n"
                f"OO-1: {fmt_int(school.teachers_total, lang)} teachers, "
                f"{fmt_int(school.students_total, lang)} students",
            )
        ),
        glued(text_cell(period)),
        glued(_flag_line(card)),
        _indicator_table(card.indicator, card),
        glued(_assistant_line(card)),
        glued(_rank_line(card)),
        make_table("", FIGURE_COLUMNS, _figure_rows(card)),
        glued(
            env.t(
                f"Последние {len(card.months)} месяцев, {first} … {last} (▁…█ — от минимума до максимума, "
                f"{GAP} — нет значения):",
                f"The last {len(card.months)} months, {first} … {last} (▁…█ from minimum to maximum, "
                f"{GAP}: undefined):",
            )
        ),
        _trend_table(card),
        Text(""),
        *(glued(text_cell(note), style="dim") for note in _notes(card)),
    )
    return Panel(body, title=f"[bold]{text_cell(school.name)}[/bold]", title_align="left")


def school_csv(card: SchoolCard) -> pl.DataFrame:
    """One row per role × platform, with the school and the period in front."""
    import polars as pl

    figure_schema = {
        "role": pl.String,
        "platform": pl.String,
        "grain": pl.String,
        "registered": pl.Int64,
        "active": pl.Int64,
        "share_of_registered_pct": pl.Float64,
        "total": pl.Int64,
        "share_of_total_pct": pl.Float64,
    }
    figures = pl.DataFrame([figure.model_dump() for figure in card.figures], schema=figure_schema, orient="row")
    return figures.select(
        pl.lit(card.school.school_id).alias("school_id"),
        pl.lit(card.school.name).alias("name"),
        pl.lit(card.school.municipality).alias("municipality"),
        pl.lit(card.period.label).alias("period"),
        pl.all(),
    )
