"""What counts as a sign of a user's activity, shared by the loader (which gathers it while it checks each file)
and the metrics (which count it): events and last logins, less the blocked accounts. Pure functions on
LazyFrames; docs/metrics.md, «Active».
"""

from __future__ import annotations

import polars as pl

from adoption_cli.dataset import Dataset
from adoption_cli.schema import Kind

ACTIVITY_COLUMNS = ("platform", "school_id", "role", "user_id")
# The timestamp that dates a sign of activity: an event, an account's last login.
DATED_ACTIVITY = {Kind.EVENTS: "ts", Kind.ACCOUNTS: "last_login_at"}


def blocked_accounts(dataset: Dataset) -> pl.LazyFrame:
    """(platform, user_id) of blocked accounts: their activity counts nowhere."""
    return dataset.frame(Kind.ACCOUNTS).filter(pl.col("status") == "blocked").select("platform", "user_id").unique()


def dated_activity(dataset: Dataset) -> pl.LazyFrame:
    """Events and last logins as (platform, school_id, role, user_id, day), blocked accounts not yet removed:
    the loader gathers them file by file and removes the blocked ones once every file is read."""
    return pl.concat(
        [
            dataset.frame(kind)
            .filter(pl.col(column).is_not_null())
            .select(*ACTIVITY_COLUMNS, pl.col(column).dt.date().alias("day"))
            for kind, column in DATED_ACTIVITY.items()
        ],
        how="vertical",
    )


def activity_records(dataset: Dataset) -> pl.LazyFrame:
    """Every dated sign of activity: (platform, school_id, role, user_id, day) from events and last logins.

    When the store precomputed daily activity, or the loader gathered who was active in the command's
    period, that is used instead of the raw events.
    """
    if dataset.user_days is not None:
        return dataset.user_days
    return without_blocked(dated_activity(dataset), blocked_accounts(dataset))


def without_blocked(records: pl.LazyFrame, blocked: pl.LazyFrame) -> pl.LazyFrame:
    """Activity records of accounts not blocked on that platform."""
    return records.join(blocked, on=["platform", "user_id"], how="anti")
