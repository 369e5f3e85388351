"""What every sheet of the monthly workbook shares: labels in two languages, dates, blocks (the sheets' input,
`ReportInput`, is gathered by metrics.monthly_report)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.environment import Lang
from adoption_cli.render.excel import Chart, Column, Fill, Table, judged_cell
from adoption_cli.render.labels import (
    fmt_date,
    kind_label,
    month_name,
    ownership_label,
    period_range,
    platform_label,
    platforms_label,
)
from adoption_cli.schema import Kind

if TYPE_CHECKING:
    from adoption_cli.periods import Period


ROLE_LABELS: dict[str, tuple[str, str]] = {
    "teacher": ("педагогов", "teachers"),
    "student": ("обучающихся", "students"),
    "parent": ("родителей", "parents"),
}


@dataclass(frozen=True, slots=True)
class Texts:
    lang: Lang

    def __call__(self, ru: str, en: str) -> str:
        return en if self.lang == "en" else ru

    def pick(self, labels: tuple[str, str]) -> str:
        return labels[1] if self.lang == "en" else labels[0]

    def platform(self, code: str) -> str:
        return platform_label(code, self.lang)

    def platforms(self, codes: Iterable[str]) -> str:
        return platforms_label(codes, self.lang)

    def kind(self, kind: Kind) -> str:
        return kind_label(kind.value, self.lang)

    def ownership(self, codes: Iterable[str]) -> str:
        return ownership_label(codes, self.lang)

    def day(self, value: date) -> str:
        return fmt_date(value, self.lang)

    def period(self, period: Period) -> str:
        if period.kind == "month":
            return month_name(period.start, self.lang)
        return period_range(period.start, period.end, self.lang)


def iso_date(text: str | None) -> date | None:
    """An ISO date (or datetime) from the load report as a date; None stays None."""
    return None if text is None else date.fromisoformat(text[:10])


def grain_line(grain: str | None, t: Texts) -> str:
    """Where a platform's figures come from: user-level exports or per-school statistics."""
    if grain == "school":
        return t(
            "Источник: статистика по школам (число активных за месяц из выгрузки).",
            "Source: per-school statistics (the month's active users as exported).",
        )
    return t(
        "Источник: данные о пользователях (входы и учётные записи; заблокированные не в счёт).",
        "Source: user-level exports (logins and accounts; blocked accounts excluded).",
    )


@dataclass(frozen=True, slots=True)
class Judged:
    """One line of a table against a target: a municipality or the region."""

    name: str
    counts: tuple[int, ...]
    share_pct: float | None
    met: bool
    needed: int


def target_block(
    t: Texts,
    *,
    columns: tuple[Column, ...],
    lines: list[Judged],
    region: Judged,
    target_pct: float,
    title: str,
    chart_title: str,
    y_title: str,
) -> tuple[Table, Chart]:
    """Municipalities against a target (region as the total row) and their bar chart with the target line.

    `columns`: the count columns, the share column (key "share") and the «still needed» column, in that order.
    """
    *counts, share, needed = columns
    table = Table(
        (
            Column("name", "Муниципальное образование", "Municipality"),
            *counts,
            share,
            Column("target", "Цель", "Target", "pct"),
            Column("met", "Цель достигнута", "Target met", "flag"),
            needed,
        ),
        [
            (
                line.name,
                *line.counts,
                judged_cell(line.share_pct, target_pct, line.met),
                target_pct,
                line.met,
                line.needed,
            )
            for line in lines
        ],
        title=title,
        fills=(Fill("share", judged_by="met"), Fill("met")),
        total=(
            region.name,
            *region.counts,
            judged_cell(region.share_pct, target_pct, region.met),
            target_pct,
            region.met,
            region.needed,
        ),
        main=True,
    )
    chart = Chart(
        "bar",
        table,
        category="name",
        series=("share",),
        targets=("target",),
        title=chart_title,
        x_title=t("Муниципальное образование", "Municipality"),
        y_title=y_title,
    )
    return table, chart
