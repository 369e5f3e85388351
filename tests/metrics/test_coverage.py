"""metrics.coverage: which periods the exports cover, from the load report alone (no frame, no words)."""

from __future__ import annotations

from datetime import date

from adoption_cli.dataset import FileLoad, LoadReport
from adoption_cli.metrics.coverage import activity_span, outside, platform_gaps
from adoption_cli.schema import Kind


def _file(kind: Kind, platform: str, first: str | None, last: str | None) -> FileLoad:
    """An events file's days of activity, or an accounts file's (its newest last login as both)."""
    return FileLoad(
        path=f"{platform}_{kind.value}.csv",
        kind=kind,
        platform=platform,
        platforms=[platform],
        earliest_activity=first,
        latest_activity=last,
        activity_by_platform={platform: [first, last]} if first and last else {},
    )


def _events(platform: str, first: str, last: str) -> FileLoad:
    return _file(Kind.EVENTS, platform, first, last)


def _accounts(platform: str, newest_login: str | None) -> FileLoad:
    return _file(Kind.ACCOUNTS, platform, newest_login, newest_login)


def test_the_span_and_a_period_outside_it() -> None:
    report = LoadReport(files=[_events("myschool", "2024-09-01", "2024-10-31")])
    assert activity_span(report) == (date(2024, 9, 1), date(2024, 10, 31))
    assert outside(report, date(2024, 11, 1), date(2024, 11, 30)) == ("after", date(2024, 10, 31))
    assert outside(report, date(2024, 8, 1), date(2024, 8, 31)) == ("before", date(2024, 9, 1))
    assert outside(report, date(2024, 10, 1), date(2024, 10, 31)) is None


def test_a_platform_whose_events_lie_elsewhere_and_one_with_accounts_only() -> None:
    """October: «Моя школа»'s events are there; Сферум's end in September (its accounts' last logins reach
    October 5th: too few, not none); ЦПУ has accounts only, last signed in in August (nothing: 0)."""
    report = LoadReport(
        files=[
            _events("myschool", "2024-09-01", "2024-10-31"),
            _events("sferum", "2024-08-01", "2024-09-30"),
            _accounts("sferum", "2024-10-05"),
            _accounts("assistant", "2024-08-20"),
        ]
    )
    gaps = platform_gaps(report, date(2024, 10, 1), date(2024, 10, 31), None)
    assert gaps is not None
    assert (gaps.earlier, gaps.later, gaps.accounts_only) == (
        {"sferum": date(2024, 9, 30)},
        {},
        {"assistant": date(2024, 8, 20)},
    )
    assert gaps.missing == {"sferum", "assistant"}
    assert (gaps.partial, gaps.zeros) == (["sferum"], ["assistant"])
    assert platform_gaps(report, date(2024, 10, 1), date(2024, 10, 31), ["myschool"]) is None
