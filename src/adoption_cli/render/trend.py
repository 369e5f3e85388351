"""`adoption trend` for people (one compact row per territory and series) and for machines (long CSV)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from adoption_cli.environment import current
from adoption_cli.metrics.trend import SERIES, TrendResult, TrendSeries
from adoption_cli.render.captions import caption, ownership_text, region_name
from adoption_cli.render.labels import counted_platforms_label
from adoption_cli.render.numbers import BARS, GAP, fmt_pct, fmt_pct_judged, fmt_pct_setting, fmt_pp, sparkline
from adoption_cli.render.tables import Col, make_table, status_cell

if TYPE_CHECKING:
    from rich.console import RenderableType

TITLES = {
    "indicator_pct": ("Индикатор: доля школ", "Indicator: share of schools"),
    "assistant_pct": ("ЦПУ: доля активных обучающихся", "Assistant: share of active students"),
    "teacher_share_pct": ("Доля активных педагогов", "Share of active teachers"),
    "student_share_pct": ("Доля активных обучающихся", "Share of active students"),
}
TARGETS = {"indicator_pct": "indicator", "assistant_pct": "assistant"}


def _row(name: str, series: TrendSeries, metric: str) -> list[str]:
    lang = current().lang
    values: list[float | None] = [getattr(point, metric) for point in series.points]
    first, last = values[0] if values else None, values[-1] if values else None
    change = last - first if first is not None and last is not None else None
    # (the indicator's shares with two digits, as the ministry writes 13,13 % and `indicator` prints them)
    digits = 2 if metric == "indicator_pct" else 1
    cells = [
        name,
        sparkline(values),
        fmt_pct(first, lang, digits),
        fmt_pct(last, lang, digits),
        fmt_pp(change, lang, digits),
    ]
    if metric in TARGETS and series.points:
        point = series.points[-1]
        met = getattr(point, f"{TARGETS[metric]}_target_met") if last is not None else None
        cells[3] = fmt_pct_judged(last, getattr(point, f"{TARGETS[metric]}_target_pct"), met, lang, digits)
        cells += [
            fmt_pct_setting(getattr(point, f"{TARGETS[metric]}_target_pct"), lang),
            status_cell(getattr(point, f"{TARGETS[metric]}_target_met") if last is not None else None),
        ]
    return cells


def trend_tables(result: TrendResult) -> RenderableType:
    from rich.console import Group

    env = current()
    span = f"{result.from_month} … {result.to_month}"
    columns = [
        Col("Территория", "Territory", "left"),
        Col("Ряд", "Series", "left"),
        Col("Первый", "First"),
        Col("Последний", "Last"),
        Col("Изменение", "Change"),
    ]
    notes = {
        "indicator_pct": env.t(
            "Доля школ, где ≥ порога педагогов и обучающихся активны на платформах индикатора "
            f"({counted_platforms_label(result.platforms, result.combination)}); знаменатель — все школы; "
            f"{ownership_text(result.ownership)}.",
            "Share of schools with ≥ threshold of teachers and students active "
            f"({counted_platforms_label(result.platforms, result.combination, 'en')}); denominator: all population "
            "schools.",
        ),
        "assistant_pct": env.t(
            "Обучающиеся с ≥ 1 действием в ЦПУ за месяц / численность обучающихся по ОО-1.",
            "Students with ≥ 1 assistant activity in the month / OO-1 students.",
        ),
        "teacher_share_pct": env.t(
            "Сумма активных педагогов школ (платформы индикатора, как в индикаторе) / педагоги по ОО-1 школ с "
            "численностью.",
            "Sum of schools' active teachers (indicator platforms, combined as in the indicator) / OO-1 teachers.",
        ),
        "student_share_pct": env.t(
            "Сумма активных обучающихся школ (платформы индикатора) / обучающиеся по ОО-1 школ с численностью.",
            "Sum of schools' active students (indicator platforms) / OO-1 students.",
        ),
    }
    scale = env.t(
        f"Месяцы {span}; ряд {BARS[0]}…{BARS[-1]} — от минимума до максимума строки, {GAP} — нет значения.",
        f"Months {span}; series {BARS[0]}…{BARS[-1]} from the row's minimum to its maximum, {GAP}: undefined.",
    )
    tables = []
    for metric in SERIES:
        target_columns = [Col("Цель", "Target"), Col("Достигнута", "Met", "left")] if metric in TARGETS else []
        target_note = (
            env.t(
                "Цель и её достижение — для последнего месяца, по цели, действовавшей в нём.",
                "Target and whether it is met: for the last month, by the target in force then.",
            )
            if metric in TARGETS
            else ""
        )
        tables.append(
            make_table(
                env.t(*TITLES[metric]),
                [*columns, *target_columns],
                [_row(m.name or "", m, metric) for m in result.municipalities],
                footer=_row(region_name(), result.region, metric),
                caption=caption([notes[metric], target_note, scale]),
            )
        )
    return Group(*tables)


def trend_rows(result: TrendResult) -> pl.DataFrame:
    """Long format: month, scope, name, metric, value (the counts the indicator's share is of, targets and
    «met» as 1/0 included: everything a point of the JSON has)."""
    metrics = [
        "schools",
        "flagged",
        *SERIES,
        "indicator_target_pct",
        "indicator_target_met",
        "assistant_target_pct",
        "assistant_target_met",
    ]
    scopes = [("region", result.region), *(("municipality", m) for m in result.municipalities)]
    rows = [
        {
            "month": point.month,
            "scope": scope,
            "name": series.name,
            "metric": metric,
            "value": _value(getattr(point, metric)),
        }
        for scope, series in scopes
        for point in series.points
        for metric in metrics
    ]
    return pl.DataFrame(
        rows,
        schema={"month": pl.String, "scope": pl.String, "name": pl.String, "metric": pl.String, "value": pl.String},
    )


def _value(value: float | int | bool | None) -> str | None:
    """A count as a whole number (146, not 146.0), «met» as 1/0, a share as Python writes it (40.0, 33.33)."""
    if value is None or isinstance(value, float):
        return None if value is None else repr(value)
    return str(int(value))
