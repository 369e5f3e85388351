"""`adoption activity`: the «Моя школа» panels as terminal tables, one per panel, and as a long CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel

from adoption_cli.environment import current
from adoption_cli.metrics.activity import (
    NOTE_NO_CONTENT_DATA,
    NOTE_NO_PLATFORM_DATA,
    NOTE_REGISTERED_UNKNOWN,
    NOTE_SCHOOL_GRAIN,
    ActivityResult,
)
from adoption_cli.metrics.changes import CountChange
from adoption_cli.render.captions import period_text
from adoption_cli.render.changes import ChangeUnit, change_cell
from adoption_cli.render.labels import platform_label
from adoption_cli.render.numbers import fmt_int, fmt_pct
from adoption_cli.render.tables import Col, make_table

if TYPE_CHECKING:
    import polars as pl
    from rich.console import RenderableType

PANEL_LABELS = {
    "schools": ("Школы", "Schools"),
    "teachers": ("Педагоги", "Teachers"),
    "students": ("Обучающиеся", "Students"),
    "parents": ("Родители", "Parents"),
    "content.cok": ("Контент: ЦОК", "Content: digital learning content"),
    "content.social": ("Контент: Соцмедиа", "Content: social media"),
    "content.document": ("Контент: Документы", "Content: documents"),
}
# A share sits under its count, indented, and names its denominator: the table fits 80 columns.
METRIC_LABELS = {
    "schools.total": ("В реестре", "In the registry"),
    "total": ("Всего по ОО-1", "Total (OO-1)"),
    "registered": ("Зарегистрированы", "Registered"),
    "schools.registered_share_of_total": ("  доля от реестра", "  share of registry"),
    "registered_share_of_total": ("  доля от ОО-1", "  share of OO-1 total"),
    "active": ("Активны", "Active"),
    "active_share_of_total": ("  доля от реестра", "  share of registry"),
    "active_share_of_registered": ("  доля от зарегистрированных", "  share of registered"),
    "available": ("Доступно", "Available"),
    "demanded": ("Востребовано", "Demanded"),
    "demanded_share_of_available": ("  доля от доступного", "  share of available"),
}
NOTE_TEXTS = {
    NOTE_SCHOOL_GRAIN: (
        "Данные только на уровне школ (статистика платформы): числа — суммы по школам, пользователь нескольких "
        "школ может быть учтён несколько раз; для окна берётся месяц его последнего дня.",
        "School-level data only (platform statistics): figures are sums over schools, a user of several schools "
        "may be counted more than once; a window uses the month of its last day.",
    ),
    NOTE_NO_PLATFORM_DATA: ("Нет данных об активности на этой платформе.", "No activity data for this platform."),
    NOTE_REGISTERED_UNKNOWN: (
        "Где нет числа зарегистрированных (нет выгрузки учётных записей или в статистике нет этого числа — для всех "
        "или только для части школ и ролей), доли от зарегистрированных не вычисляются: «—».",
        "Where there is no registered figure (no accounts export, or the statistics lack it — for all or only some "
        "schools and roles), shares of registered are not computed: «—».",
    ),
    NOTE_NO_CONTENT_DATA: ("Нет выгрузки контента (content_items).", "No content export (content_items)."),
}
RULE_TEXTS = {
    "user": (
        "Активен — вход или событие на платформе в один из дней периода; заблокированные учётные записи не "
        "учитываются нигде. Зарегистрирован — незаблокированная учётная запись с датой регистрации не позже "
        "последнего дня периода (без даты — зарегистрирован). Пользователь нескольких школ считается один раз.",
        "Active: a login or event on the platform on a day of the period; blocked accounts count nowhere. "
        "Registered: an unblocked account registered on or before the period's last day (no date = registered). "
        "A user of several schools counts once.",
    ),
    "school": (
        "Активные и зарегистрированные — из статистики платформы по школам за месяц.",
        "Active and registered come from the platform's per-school monthly statistics.",
    ),
    "common": (
        "Школы — все школы реестра любой формы собственности. Контент доступен, если открыт не позже конца периода "
        "и не закрыт до его начала; востребован — доступный и просмотренный в периоде. Изменение числа — в % к "
        "прошлому периоду («—», если там был 0), доли — в процентных пунктах.",
        "Schools: every registry school, any ownership. Content is available when opened by the period's end and "
        "not closed before its start; demanded: available and viewed in the period. Counts change in % of the "
        "previous period («—» when that was 0), shares in percentage points.",
    ),
}


@dataclass(frozen=True, slots=True)
class MetricRow:
    panel: str
    metric: str
    value: float | None
    previous: float | None
    change: float | None
    unit: ChangeUnit


def _panels(result: ActivityResult) -> list[tuple[str, BaseModel]]:
    fixed: list[tuple[str, BaseModel]] = [
        ("schools", result.schools),
        ("teachers", result.teachers),
        ("students", result.students),
        ("parents", result.parents),
    ]
    return fixed + [(f"content.{kind}", panel) for kind, panel in result.content.items()]


def metric_rows(result: ActivityResult) -> list[MetricRow]:
    rows = []
    for panel_key, panel in _panels(result):
        for metric, item in panel:
            if isinstance(item, CountChange):
                rows.append(MetricRow(panel_key, metric, item.value, item.previous, item.change_pct, "pct"))
            else:
                rows.append(MetricRow(panel_key, metric, item.value, item.previous, item.change_pp, "pp"))
    return rows


def activity_csv(result: ActivityResult) -> pl.DataFrame:
    import polars as pl

    def text(value: float | None) -> str | None:
        return None if value is None else str(value)

    rows = metric_rows(result)
    columns = {
        "period": [result.period.label] * len(rows),
        "previous_period": [result.previous_period.label] * len(rows),
        "scope": [result.scope.municipality or result.scope.level] * len(rows),
        "panel": [r.panel for r in rows],
        "metric": [r.metric for r in rows],
        "value": [text(r.value) for r in rows],
        "previous": [text(r.previous) for r in rows],
        "change": [r.change for r in rows],
        "change_unit": [r.unit for r in rows],
    }
    # (counts and shares share `value`, written as text so that a count stays «12», not «12.0»; a change is
    # always a number, and may be negative: as text, «-10.0» would be taken for a formula and written «'-10.0»)
    return pl.DataFrame(columns, schema={**dict.fromkeys(columns, pl.String), "change": pl.Float64})


def _label(labels: dict[str, tuple[str, str]], key: str, fallback: str | None = None) -> str:
    ru, en = labels.get(key) or labels[fallback or key]
    return current().t(ru, en)


def _value(value: float | None, unit: ChangeUnit) -> str:
    lang = current().lang
    return fmt_int(None if value is None else int(value), lang) if unit == "pct" else fmt_pct(value, lang)


def activity_table(result: ActivityResult) -> RenderableType:
    from rich.console import Group

    from adoption_cli.render.fitting import GluedText

    env = current()
    columns = [
        Col("Показатель", "Metric", "left"),
        Col("Значение", "Value"),
        Col("Пред. период", "Previous"),
        Col("Изменение", "Change"),
    ]
    platform = platform_label(result.platform, env.lang)
    where = (
        env.t(f"МО «{result.scope.municipality}»", f"municipality «{result.scope.municipality}»")
        if result.scope.municipality
        else env.t("регион", "region")
    )
    heading = Group(
        GluedText(f"«{platform}»: {where}", style="bold"),
        GluedText(period_text(result.period)),
        GluedText(period_text(result.previous_period, prefix_ru="Сравнение с периодом", prefix_en="Compared with")),
    )
    rows = metric_rows(result)
    cells: list[list[str]] = []
    section_ends: list[int] = []
    for panel_key, _ in _panels(result):
        cells.append([f"[bold]{_label(PANEL_LABELS, panel_key)}[/bold]", "", "", ""])
        cells.extend(
            [
                "  " + _label(METRIC_LABELS, f"{panel_key}.{r.metric}", r.metric),
                _value(r.value, r.unit),
                _value(r.previous, r.unit),
                change_cell(r.change, r.unit),
            ]
            for r in rows
            if r.panel == panel_key
        )
        section_ends.append(len(cells) - 1)
    table = make_table("", columns, cells)
    for index in section_ends[:-1]:
        table.rows[index].end_section = True
    notes = [RULE_TEXTS[result.grain], RULE_TEXTS["common"]] + [NOTE_TEXTS[code] for code in result.notes]
    quality = result.data_quality
    if quality.active_not_registered:
        notes.append(
            (
                f"Активны, но не зарегистрированы к концу периода: {fmt_int(quality.active_not_registered)}.",
                f"Active but not registered by the period's end: {quality.active_not_registered}.",
            )
        )
    if quality.capped_shares:
        where = "; ".join(
            f"{_label(PANEL_LABELS, panel)}: {_label(METRIC_LABELS, f'{panel}.{metric}', metric).strip()}"
            for panel, metric in (path.rsplit(".", 1) for path in quality.capped_shares)
        )
        notes.append(
            (
                f"Доли выше 100\u202f% показаны как 100\u202f% (часть больше целого — проверьте численность и выгрузки): {where}.",
                f"Shares above 100% are shown as 100% (the part exceeds the whole — check the totals and exports): "
                f"{where}.",
            )
        )
    if quality.schools_without_totals:
        notes.append(
            (
                f"Школ без численности по ОО-1: {fmt_int(quality.schools_without_totals)}.",
                f"Schools without OO-1 totals: {quality.schools_without_totals}.",
            )
        )
    return Group(heading, table, *(GluedText(env.t(ru, en), style="dim") for ru, en in notes))
