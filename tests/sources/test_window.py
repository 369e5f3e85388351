"""A load told the command's period (a window of days) counts and rejects exactly as a plain load, and who
was active in it, gathered in that same pass, gives the metrics the same numbers as the events read again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from tests.store.exports import A, B, C, D, write_exports

from adoption_cli.config import Settings, load_settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import active_users
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.periods import Period, parse_month, window_period
from adoption_cli.sources import load_dataset

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
CANONICAL = Path(__file__).resolve().parent.parent / "fixtures" / "dialects" / "canonical"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_exports(tmp_path_factory.mktemp("window") / "data")


def windowed(data: Path, settings: Settings, period: Period) -> Dataset:
    return load_dataset(data, settings, window=(period.start, period.end))


def users(dataset: Dataset, period: Period) -> list[tuple[str, ...]]:
    return sorted(active_users(dataset, period).collect().iter_rows())


@pytest.mark.parametrize(
    ("folder", "periods"),
    [
        ("exports", ["2024-08", "2024-09", "2024-10", "2024-11"]),
        ("sample", ["2024-07", "2024-09", "2024-12"]),
        ("canonical", ["2024-09", "2024-10"]),
    ],
)
@pytest.mark.parametrize("shared_user_ids", [False, True])
def test_same_report_and_indicator_as_a_plain_load(
    folder: str, periods: list[str], shared_user_ids: bool, exports: Path
) -> None:
    data = {"exports": exports, "sample": SAMPLE, "canonical": CANONICAL}[folder]
    settings = load_settings(data, environ={}, overrides={"identity": {"shared_user_ids": shared_user_ids}})
    plain = load_dataset(data, settings)
    assert plain.user_days is None
    for month in periods:
        period = parse_month(month)
        gathered = windowed(data, settings, period)
        assert gathered.user_days is not None
        assert gathered.report == plain.report, month
        assert gathered.rejects.collect().equals(plain.rejects.collect())
        expected = compute_indicator(plain, period, settings)
        assert expected.schools, month  # the comparison is not between empty results
        assert compute_indicator(gathered, period, settings) == expected, month
        assert users(gathered, period) == users(plain, period), month


def first_days(dataset: Dataset) -> set[tuple[str, str, str, date]]:
    assert dataset.user_days is not None
    return set(dataset.user_days.select("platform", "school_id", "user_id", "day").collect().iter_rows())


def test_who_was_active_in_the_window_leaves_blocked_unknown_and_rejected_rows_out(exports: Path) -> None:
    settings = load_settings(None, environ={})
    september = windowed(exports, settings, parse_month("2024-09"))
    assert september.user_days is not None and september.user_days.collect().height == 9  # one row per user
    assert first_days(september) == {
        ("myschool", A, "s1", date(2024, 9, 1)),  # (its August last login is outside)
        ("myschool", A, "s2", date(2024, 9, 2)),  # two events that day
        ("myschool", A, "t1", date(2024, 9, 3)),  # a last login
        ("myschool", B, "s3", date(2024, 9, 1)),  # (its 2024-10-01 00:00 event is the next month's)
        ("myschool", B, "t3", date(2024, 9, 30)),  # 23:59:59 on the last day
        ("sferum", C, "u1", date(2024, 9, 5)),
        ("sferum", C, "u2", date(2024, 9, 5)),
        ("sferum", B, "t3", date(2024, 9, 10)),
        ("sferum", D, "d1", date(2024, 9, 10)),
    }  # t2 is blocked; s9's school is not in the registry; x1 is rejected; s6 and t4 are blocked in rows of an
    # unknown school and of a role not counted: their logins at B count nowhere
    autumn = load_dataset(exports, settings, window=(date(2024, 9, 1), date(2024, 10, 31)))
    days = {(school, user): day for platform, school, user, day in first_days(autumn) if platform == "myschool"}
    assert days[(B, "s3")] == date(2024, 9, 1)  # and 1 October: the first day is kept
    assert days[(A, "t1")] == date(2024, 9, 3)  # a login on 3 September, an event on 1 October


@pytest.mark.parametrize(
    ("period", "unguarded_differs"),
    [
        (window_period("2024-09-10", 6), False),  # inside the window
        (window_period("2024-10-03", 10), True),  # across its end
        (parse_month("2024-10"), True),  # outside it
    ],
    ids=["inside", "across", "outside"],
)
def test_periods_other_than_the_window_read_the_events(exports: Path, period: Period, unguarded_differs: bool) -> None:
    settings = load_settings(None, environ={})
    gathered = windowed(exports, settings, parse_month("2024-09"))
    expected = users(load_dataset(exports, settings), period)
    assert expected
    assert users(gathered, period) == expected
    # Without the guard, who was active in September would answer for these periods too.
    unguarded = users(replace(gathered, activity_window=None), period)
    assert (unguarded != expected) == unguarded_differs


def test_a_blocked_id_written_as_excel_keeps_it_blocks_the_same_users_events(tmp_path: Path) -> None:
    """`="t2"` and `'s6` in the accounts are t2 and s6 of the events: their events still count nowhere, and the
    indicator is the one of the plain spelling, by the window's pass and by a plain load alone."""
    plain_data = write_exports(tmp_path / "plain")
    excel_data = write_exports(tmp_path / "excel")
    accounts = excel_data / "myschool_accounts.csv"
    text = accounts.read_text(encoding="utf-8")
    accounts.write_text(text.replace("myschool,t2,", 'myschool,"=""t2""",').replace(",s6,", ",'s6,"), encoding="utf-8")
    settings = load_settings(plain_data, environ={})
    for month in ("2024-09", "2024-10"):
        period = parse_month(month)
        expected = compute_indicator(load_dataset(plain_data, settings), period, settings)
        assert compute_indicator(load_dataset(excel_data, settings), period, settings) == expected, month
        assert compute_indicator(windowed(excel_data, settings, period), period, settings) == expected, month
        assert users(windowed(excel_data, settings, period), period) == users(
            windowed(plain_data, settings, period), period
        )
