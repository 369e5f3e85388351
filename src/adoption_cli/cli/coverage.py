"""What the commands say when the exports do not cover the period asked for: wholly (every figure of activity is
0: a cron job run before the exports arrived, a mistyped period) or for some platforms (one export missing or
beginning later: their figures are too low). The figures themselves are computed as always."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.environment import Lang, current
from adoption_cli.metrics import coverage

if TYPE_CHECKING:
    from adoption_cli.dataset import LoadReport
    from adoption_cli.periods import Period


def _outside(report: LoadReport, start: date, end: date, label: str) -> str | None:
    found = coverage.outside(report, start, end)
    if found is None:
        return None
    side, day = found
    env = current()
    edge_ru, edge_en = ("самые поздние", "the latest") if side == "after" else ("самые ранние", "the earliest")
    return env.t(
        f"за {label} в выгрузках нет данных об активности ({edge_ru} — за {day:%d.%m.%Y})",
        f"the exports hold no activity for {label} ({edge_en} is of {day.isoformat()})",
    )


@dataclass(frozen=True)
class _Gaps:
    message: str
    missing: frozenset[str]
    zeros: frozenset[str]  # the missing platforms with nothing at all in the period: their figures are 0


def _platform_gaps(
    report: LoadReport,
    start: date,
    end: date,
    label: str,
    platforms: Collection[str] | None,
    *,
    window: bool = False,
) -> _Gaps | None:
    """The sentence naming the platforms with no dated records in the period (metrics.coverage.platform_gaps:
    which, and where their records lie instead), and what that does to their figures; None when none is."""
    from adoption_cli.render.labels import platform_label
    from adoption_cli.schema import PLATFORMS

    order = {code: index for index, code in enumerate(PLATFORMS)}

    def platforms_label(codes: Collection[str], lang: Lang) -> str:
        ordered = sorted(codes, key=lambda code: order.get(code, len(order)))
        return ", ".join(f"«{platform_label(code, lang)}»" for code in ordered)

    gaps = coverage.platform_gaps(report, start, end, platforms, window=window)
    if gaps is None:
        return None
    earlier, later, accounts_only = gaps.earlier, gaps.later, gaps.accounts_only
    env = current()
    edges = []
    only_later = [p for p in later if p not in earlier]
    only_earlier = [p for p in earlier if p not in later]
    both = [p for p in earlier if p in later]
    if only_later:
        first = min(later[p] for p in only_later)
        edges.append(env.t(f"самые ранние — за {first:%d.%m.%Y}", f"the earliest is of {first.isoformat()}"))
    if only_earlier:
        last = max(earlier[p] for p in only_earlier)
        edges.append(env.t(f"самые поздние — за {last:%d.%m.%Y}", f"the latest is of {last.isoformat()}"))
    if both:
        last, first = max(earlier[p] for p in both), min(later[p] for p in both)
        edges.append(
            env.t(
                f"пропуск между {last:%d.%m.%Y} и {first:%d.%m.%Y}",
                f"a gap between {last.isoformat()} and {first.isoformat()}",
            )
        )
    missing = gaps.missing
    alone = len(missing) == 1  # (then the platform is not named twice)

    def accounts_edge(codes: Collection[str], ru: str, en: str) -> str:
        """«[platforms —] только учётные записи, …» (the platforms named only beside others)."""
        if alone:
            return env.t(f"только учётные записи, {ru}", f"accounts only, {en}")
        return env.t(
            f"{platforms_label(codes, env.lang)} — только учётные записи, {ru}",
            f"{platforms_label(codes, env.lang)}: accounts only, {en}",
        )

    dated = {p: day for p, day in accounts_only.items() if day is not None}
    if dated:
        newest = max(dated.values())
        edges.append(
            accounts_edge(
                dated, f"последний вход — за {newest:%d.%m.%Y}", f"the latest sign-in is of {newest.isoformat()}"
            )
        )
    undated = [p for p, day in accounts_only.items() if day is None]
    if undated:
        edges.append(accounts_edge(undated, "без дат последнего входа", "with no sign-in dates"))
    partial, zeros = gaps.partial, gaps.zeros
    what = []
    if partial:
        what.append(
            env.t(
                f"по {platforms_label(partial, env.lang)} учтены только даты последнего входа из выгрузок учётных "
                "записей (лишь те, кто с тех пор не входил), и активных меньше, чем было",
                f"for {platforms_label(partial, env.lang)} only the accounts' last sign-ins count (only those who "
                "have not signed in since), so fewer are active than were",
            )
        )
    if zeros:
        what.append(
            env.t(
                f"по {platforms_label(zeros, env.lang)} показатели — нули",
                f"{platforms_label(zeros, env.lang)} count as 0",
            )
        )
    message = env.t(
        f"за {label} в выгрузках нет событий и статистики платформ {platforms_label(missing, env.lang)} "
        f"({'; '.join(edges)}): {'; '.join(what)}",
        f"the exports hold no events or statistics of {platforms_label(missing, env.lang)} for {label} "
        f"({'; '.join(edges)}): {'; '.join(what)}",
    )
    return _Gaps(message, frozenset(missing), frozenset(zeros))


def period_without_data(report: LoadReport, period: Period) -> str | None:
    """The sentence saying that the period lies wholly after the newest or before the oldest day of activity in
    the exports: it has no data at all — its exports have not arrived (a cron job run too early), were not asked
    for so far back, or the period was mistyped — and every figure of activity would be 0. None otherwise, or
    without activity."""
    return _outside(report, period.start, period.end, current().t(f"период {period.label}", period.label))


def announce_period(
    report: LoadReport,
    period: Period,
    platforms: Collection[str] | None = None,
    *,
    compared: Period | None = None,
    compared_platforms: Collection[str] | None = None,
) -> list[str]:
    """Warn when the period is after or before every activity in the exports (its figures are all 0), or outside
    the events and statistics of some of `platforms` (all by default: their figures are too low); and the same of
    the period the figures are `compared` with, on `compared_platforms` (by default `platforms`). Returns the
    warnings (also under --quiet, which prints none), for the report to carry them."""
    env = current()
    message = period_without_data(report, period)
    if message is not None:
        return _warned(
            message
            + env.t(
                ": все показатели — нули. Проверьте период и получены ли выгрузки за него.",
                ": every figure is 0. Check the period and whether its exports have arrived.",
            )
        )
    label = env.t(f"период {period.label}", period.label)
    gaps = _platform_gaps(report, period.start, period.end, label, platforms, window=period.kind == "window")
    warned = []
    if gaps is not None:
        warned += _warned(
            gaps.message
            + env.t(". Проверьте, получены ли выгрузки за период.", ". Check whether its exports have arrived.")
        )
    if compared is not None:
        warned += announce_comparison(report, compared, platforms if compared_platforms is None else compared_platforms)
    return warned


def announce_comparison(report: LoadReport, compared: Period, platforms: Collection[str] | None = None) -> list[str]:
    """Warn when the period a command compares with (the previous one) lies outside the activity in the exports
    or outside every one of `platforms`' events and statistics with nothing else to count (its figures are 0,
    so every change is a change from zeros), or outside some of them (its figures are too low). Returns the
    warnings."""
    env = current()
    label = env.t(f"период сравнения {compared.label}", f"the period compared with, {compared.label}")
    from_zeros = env.t(
        ": его показатели — нули или «—» (нет данных), и изменения к нему ничего не значат.",
        ": its figures are 0 or «—» (no data), and the changes from it mean nothing.",
    )
    outside = _outside(report, compared.start, compared.end, label)
    if outside is not None:
        return _warned(outside + from_zeros)
    gaps = _platform_gaps(report, compared.start, compared.end, label, platforms, window=compared.kind == "window")
    if gaps is None:
        return []
    if platforms is not None and set(platforms) <= gaps.zeros:
        # (the message ends with «… показатели — нули»)
        return _warned(
            gaps.message + env.t(", и изменения к нему ничего не значат.", ", and the changes from it mean nothing.")
        )
    return _warned(gaps.message + env.t(": сравнивайте с ним осторожно.", ": compare with it with care."))


def _warned(message: str) -> list[str]:
    current().warn(message)
    return [message]


def announce_months(report: LoadReport, months: list[Period], platforms: Collection[str] | None = None) -> None:
    """Warn about the months of a series that lie outside the activity in the exports (before, after: one line
    each; their figures are 0 for want of data, and a change from one of them means nothing), and about those
    outside the events and statistics of one of `platforms` (all by default; too low): one line per run of
    consecutive months with the same gap."""
    oldest, newest = coverage.activity_span(report)
    env = current()

    def span(outside: list[Period]) -> str:
        return outside[0].label if len(outside) == 1 else f"{outside[0].label}…{outside[-1].label}"

    for outside in (
        [m for m in months if oldest is not None and oldest > m.end],
        [m for m in months if newest is not None and newest < m.start],
    ):
        if not outside:
            continue
        message = _outside(report, outside[0].start, outside[-1].end, span(outside))
        assert message is not None
        env.warn(
            message
            + env.t(
                ": значения этих месяцев — нули, сравнивать с ними нельзя.",
                ": those months' figures are 0 and cannot be compared with.",
            )
        )
    runs: list[list[Period]] = []
    previous: str | None = None
    for month in months:
        gap = None  # (a month outside every activity was named above)
        if _outside(report, month.start, month.end, "") is None:
            found = _platform_gaps(report, month.start, month.end, "", platforms)
            gap = found.message if found is not None else None
        if gap is not None:
            if gap == previous:
                runs[-1].append(month)
            else:
                runs.append([month])
        previous = gap
    for run in runs:
        found = _platform_gaps(report, run[0].start, run[-1].end, span(run), platforms)
        assert found is not None
        env.warn(
            f"{found.message}{env.t(': сравнивайте с этими месяцами осторожно.', ': compare with them with care.')}"
        )
