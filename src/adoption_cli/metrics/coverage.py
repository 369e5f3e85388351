"""Which periods the exports cover, platform by platform, from the load report alone (no frame is read): the
span of their activity, and for a period the platforms whose events and statistics lie wholly before or
after it. The commands say so in words (cli.coverage); the figures are computed as always."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from adoption_cli.periods import last_day_covered
from adoption_cli.schema import Kind

if TYPE_CHECKING:
    from adoption_cli.dataset import LoadReport


def _last_day(day: str, kind: Kind) -> date:
    """The last day a record of `day` covers (a window ending on the 20th is counted from the month holding it)."""
    return last_day_covered(date.fromisoformat(day), monthly=kind == Kind.SCHOOL_STATS)


def activity_span(report: LoadReport) -> tuple[date | None, date | None]:
    """The oldest and the newest day of activity in the exports (events, last logins, school statistics)."""
    activity = [load for load in report.files if load.kind in (Kind.EVENTS, Kind.ACCOUNTS, Kind.SCHOOL_STATS)]
    oldest = min((date.fromisoformat(f.earliest_activity) for f in activity if f.earliest_activity), default=None)
    newest = max((_last_day(f.latest_activity, f.kind) for f in activity if f.latest_activity), default=None)
    return oldest, newest


def outside(report: LoadReport, start: date, end: date) -> tuple[str, date] | None:
    """("after", the newest day) when [start, end] lies after every activity in the exports, ("before", the
    oldest day) when before it; None otherwise, or without activity."""
    oldest, newest = activity_span(report)
    if newest is not None and newest < start:
        return "after", newest
    if oldest is not None and oldest > end:
        return "before", oldest
    return None


@dataclass(frozen=True)
class _Span:
    first: date
    last: date
    monthly: bool  # school statistics: a window is counted from the month holding its last day

    def covers(self, start: date, end: date, *, window: bool) -> bool:
        if self.monthly and window:
            return self.first <= end <= self.last
        return self.first <= end and self.last >= start


@dataclass(frozen=True)
class _Records:
    """What the exports date, per platform: its events' and statistics' spans, one per file (a file may hold
    several platforms, each with its own span); the newest last login of its accounts; and the platforms with
    accounts at all (some may have no last login)."""

    spans: dict[str, list[_Span]]
    last_logins: dict[str, date]
    with_accounts: set[str]


def _records(report: LoadReport) -> _Records:
    spans: dict[str, list[_Span]] = {}
    last_logins: dict[str, date] = {}
    with_accounts: set[str] = set()
    for load in report.files:
        named = [load.platform] if load.platform else load.platforms
        if load.kind == Kind.ACCOUNTS:
            with_accounts.update(named)
        if not load.earliest_activity or not load.latest_activity:
            continue
        whole = [load.earliest_activity, load.latest_activity]
        for platform in named:
            # (a platform with no dated row of its own in a file that keeps each platform's span has none there)
            days = load.activity_by_platform.get(platform, []) if load.activity_by_platform else whole
            if len(days) != 2:
                continue
            if load.kind == Kind.ACCOUNTS:
                newest = date.fromisoformat(days[1])
                last_logins[platform] = max(newest, last_logins.get(platform, newest))
            elif load.kind in (Kind.EVENTS, Kind.SCHOOL_STATS):
                first, last = date.fromisoformat(days[0]), _last_day(days[1], load.kind)
                spans.setdefault(platform, []).append(_Span(first, last, load.kind == Kind.SCHOOL_STATS))
    return _Records(spans, last_logins, with_accounts)


@dataclass(frozen=True)
class PlatformGaps:
    """The platforms with no dated records — events, school statistics — in a period, though the exports have
    other activity in it: where their records lie instead, and their accounts' newest last logins."""

    start: date
    earlier: dict[str, date]  # the newest record before the period
    later: dict[str, date]  # the oldest record after it
    accounts_only: dict[str, date | None]  # the newest last login (None: none), before or after the period
    last_logins: dict[str, date]

    @property
    def missing(self) -> set[str]:
        return {*self.earlier, *self.later, *self.accounts_only}

    @property
    def partial(self) -> list[str]:
        """Those whose last logins count in the period (some are after its start: an account's last login after
        the period hides its sign-ins in it, so they are too few); none do when every one is before it."""
        return [p for p in self.missing if p in self.last_logins and self.last_logins[p] >= self.start]

    @property
    def zeros(self) -> list[str]:
        """Those with nothing at all in the period: their figures are 0."""
        return [p for p in self.missing if p not in self.partial]


def platform_gaps(
    report: LoadReport, start: date, end: date, platforms: Collection[str] | None, *, window: bool = False
) -> PlatformGaps | None:
    """The platforms (of `platforms`; all by default) with no dated records in [start, end]: their records all lie
    after it, all before it, or on both sides of it (a file missing between two others; a gap inside one file's
    span is not seen). For such a platform only its accounts' last logins can count (those who have not signed
    in since), or nothing: its figures are too low. A platform with accounts only (no events, no statistics at
    all) is one when its newest last login is before the period (0) or after it (last logins only), or when it
    has no last login at all (0). A `window` is counted from the statistics month holding its last day. None
    when nothing is missing."""
    records = _records(report)
    known = dict.fromkeys([*records.spans, *records.with_accounts])
    earlier: dict[str, date] = {}  # the newest record before the period
    later: dict[str, date] = {}  # the oldest record after it
    accounts_only: dict[str, date | None] = {}  # the newest last login (None: none), before or after the period
    for platform in known:
        if platforms is not None and platform not in platforms:
            continue
        own = records.spans.get(platform)
        newest_login = records.last_logins.get(platform)
        if own is None:
            if newest_login is None or not start <= newest_login <= end:  # (in it: as complete as logins get)
                accounts_only[platform] = newest_login
            continue
        if any(span.covers(start, end, window=window) for span in own):
            continue
        before = [span.last for span in own if span.last < start or (window and span.monthly and span.last < end)]
        after = [span.first for span in own if span.first > end]
        if before:
            earlier[platform] = max(before)
        if after:
            later[platform] = min(after)
    if not earlier and not later and not accounts_only:
        return None
    return PlatformGaps(start, earlier, later, accounts_only, records.last_logins)
