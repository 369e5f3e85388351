"""Who was active where: the building blocks every metric shares. Pure functions on LazyFrames.

Definitions (docs/metrics.md, «Active»):
- a user-grain platform user is active in a period when they have ≥ 1 event, or an account whose
  `last_login_at` falls, in the period's local days [start, end], and their account on that platform is
  not blocked (a blocked account's activity counts nowhere);
- a user-grain account is *registered* as of a day when its `registered_at` is on or before that day, or
  empty (exports leave it empty for accounts older than the export's history); a blocked account is not
  registered, for the same reason that its activity counts nowhere;
- a school-grain platform's active value is the `active` figure of its school_stats: for a calendar month
  that month's row; for a quarter the largest monthly value (a lower bound of the distinct users over the
  quarter); for a rolling window the month that contains the window's last day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

import polars as pl

from adoption_cli.activity import (
    ACTIVITY_COLUMNS,
    activity_records,
    blocked_accounts,
    without_blocked,
)
from adoption_cli.dataset import Dataset, canonical_schema
from adoption_cli.metrics.common import Combination, combination_of
from adoption_cli.periods import Period, month_period
from adoption_cli.schema import ROLE_CODES, Kind
from adoption_cli.text import folded_expr

PAIR = ["school_id", "role"]  # what per-pair counts are counted by


def _as_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def in_period(column: str, period: Period) -> pl.Expr:
    """Local timestamp inside the period's days (end inclusive to 23:59:59.999999)."""
    return pl.col(column).is_between(_as_datetime(period.start), _as_datetime(period.end_exclusive), closed="left")


def on_platforms(frame: pl.LazyFrame, platforms: Iterable[str] | None) -> pl.LazyFrame:
    """Rows of the given platforms (all rows when None)."""
    return frame if platforms is None else frame.filter(pl.col("platform").is_in(list(platforms)))


def materialised(dataset: Dataset, kinds: Iterable[Kind]) -> Dataset:
    """The data set with these kinds' frames computed once and kept in memory. Frames read from export files
    are lazy parsing pipelines: a command that queries them several times would parse the files each time."""
    present = [kind for kind in kinds if dataset.has(kind)]
    frames = pl.collect_all([dataset.frame(kind) for kind in present], engine="streaming")
    return replace(dataset, frames={**dataset.frames, **{k: f.lazy() for k, f in zip(present, frames, strict=True)}})


def for_schools(dataset: Dataset, school_ids: Sequence[str]) -> Dataset:
    """The data set of these schools only, for figures that depend on nothing else (a school card, a
    municipality's ranks): every frame with a school is filtered first, so that a Parquet scan reads only their
    row groups. Blocked accounts of other schools stay: a blocked (platform, user_id) counts nowhere, whichever
    school its account names. Content, which names no school, is left out."""
    ids = pl.Series("school_id", list(school_ids), pl.String).implode()
    mine = pl.col("school_id").is_in(ids)
    frames = {
        kind: frame.filter(mine | (pl.col("status") == "blocked") if kind == Kind.ACCOUNTS else mine)
        for kind, frame in dataset.frames.items()
        if "school_id" in canonical_schema(kind)
    }
    days = None if dataset.user_days is None else dataset.user_days.filter(mine)
    monthly, exceptions, registrations = (
        None if frame is None else frame.filter(mine)
        for frame in (dataset.monthly_active, dataset.active_exceptions, dataset.registrations)
    )
    return replace(
        dataset,
        frames=frames,
        user_days=days,
        monthly_active=monthly,
        active_exceptions=exceptions,
        registrations=registrations,
    )


def stored_months(dataset: Dataset, periods: Iterable[Period]) -> bool:
    """Whether the store's monthly tables answer for these periods: each a whole calendar month."""
    return dataset.active_exceptions is not None and all(whole_month(period) for period in periods)


def whole_month(period: Period) -> bool:
    month = month_period(period.start)
    return (period.start, period.end) == (month.start, month.end)


def with_activity_for(dataset: Dataset, periods: Sequence[Period]) -> Dataset:
    """The data set ready to count these periods several times: every frame but the raw events in memory
    (`materialised`) and its user-days read once over their days (`with_daily_activity`) — unless the store's
    monthly tables answer for all of them: nothing per user is read then, and collecting the store's accounts
    and user-days would cost more than the figures (and memory growing with the region)."""
    if stored_months(dataset, periods):
        return dataset
    dataset = materialised(dataset, [kind for kind in Kind if kind != Kind.EVENTS])
    return with_daily_activity(dataset, min(p.start for p in periods), max(p.end for p in periods))


def with_daily_activity(dataset: Dataset, start: date, end: date) -> Dataset:
    """The data set with its activity records over [start, end] read once, as distinct user-days (the store's
    `user_days` mechanism): every period inside then filters a small in-memory frame."""
    days = activity_records(dataset).filter(pl.col("day").is_between(start, end)).unique()
    return replace(dataset, user_days=days.collect(engine="streaming").lazy())


def active_users(
    dataset: Dataset,
    period: Period,
    *,
    platforms: Iterable[str] | None = None,
    roles: Sequence[str] = ROLE_CODES,
) -> pl.LazyFrame:
    """Distinct (platform, school_id, role, user_id) active in the period on user-grain platforms."""
    days = (period.start, period.end)
    if dataset.activity_window not in (None, days):
        # Who was active in another period says nothing about this one: read the events instead.
        dataset = replace(dataset, user_days=None, activity_window=None)
    # The loader's gathering for exactly these days holds one row per user active in them: nothing to filter
    # by day or to deduplicate (a hash of every active user, ≈ 1 s per 6 M).
    gathered = dataset.activity_window == days
    wanted = pl.col("role").is_in(list(roles))
    if not gathered:
        wanted &= pl.col("day").is_between(*days, closed="both")
    users = on_platforms(activity_records(dataset).filter(wanted), platforms).select(*ACTIVITY_COLUMNS)
    return users if gathered else users.unique()


def registered_accounts(
    dataset: Dataset,
    as_of: date,
    *,
    platforms: Iterable[str] | None = None,
    roles: Sequence[str] = ROLE_CODES,
) -> pl.LazyFrame:
    """Distinct (platform, school_id, role, user_id) of unblocked accounts registered on or before `as_of`."""
    accounts = dataset.frame(Kind.ACCOUNTS).filter(
        (pl.col("registered_at").is_null() | (pl.col("registered_at") < _as_datetime(as_of + timedelta(days=1))))
        & pl.col("role").is_in(list(roles))
    )
    return (
        without_blocked(on_platforms(accounts, platforms), blocked_accounts(dataset)).select(*ACTIVITY_COLUMNS).unique()
    )


def user_hashes(frame: pl.LazyFrame) -> pl.LazyFrame:
    """(user_hash) of every row of `frame`: its user_id hashed, so that users are counted in little memory."""
    return frame.select(pl.col("user_id").hash().alias("user_hash"))


def repeated_users(hashes: pl.LazyFrame) -> pl.LazyFrame:
    """(user_hash) on more than one row of `hashes` (see `user_hashes`). A collision of two ids only adds a
    user to the set, whom the tables below then list on their own — counted once all the same, so the
    figures stay exact."""
    return hashes.group_by("user_hash").agg(pl.len()).filter(pl.col("len") > 1).select("user_hash")


def _marked_repeated(frame: pl.LazyFrame, repeated: pl.LazyFrame) -> pl.LazyFrame:
    """`frame` with `shared`: whether its user is in `repeated` (see `repeated_users`)."""
    return (
        frame.with_columns(pl.col("user_id").hash().alias("user_hash"))
        .join(repeated.with_columns(pl.lit(True).alias("shared")), on="user_hash", how="left")
        .with_columns(pl.col("shared").fill_null(False))
        .drop("user_hash")
    )


def active_exceptions(
    dataset: Dataset,
    period: Period,
    platform: str,
    *,
    repeated: pl.LazyFrame | None = None,
    everywhere: Dataset | None = None,
) -> pl.LazyFrame:
    """(school_id, role, user_id, shared, unregistered, registered_schools) of the users active in the period
    on a user-grain platform whom per-pair counts do not describe: `shared` — active at more than one
    (school, role) pair; `unregistered` — no account at their pair registered by the period's last day;
    `registered_schools` — for those, the schools where they do have one with that role (null: none).

    The store keeps them per calendar month (`active_exceptions`); they are few, so distinct counts over
    groups of pairs and the active users without an account registered in a scope are found without
    reading every user or account. The store computes them a range of schools at a time: `dataset` then
    holds the range, `repeated` the users active at several pairs anywhere (`repeated_users` of the
    `user_hashes` of every range's `active_users`) and `everywhere` the whole data set (for the schools
    where a user is registered).
    """
    # The users are read once (a range of schools at most: bounded), then matched several times.
    users = active_users(dataset, period, platforms=[platform]).drop("platform").collect(engine="streaming").lazy()
    # their own accounts only (blocked ones included): a month of a few last logins reads few
    own = dataset.frame(Kind.ACCOUNTS).join(users.select("user_id").unique(), on="user_id", how="semi")
    registered = registered_accounts(
        replace(dataset, frames={**dataset.frames, Kind.ACCOUNTS: own}), period.end, platforms=[platform]
    ).drop("platform")
    flagged = (
        _marked_repeated(users, repeated_users(user_hashes(users)) if repeated is None else repeated)
        .join(registered.with_columns(pl.lit(False).alias("unregistered")), on=[*PAIR, "user_id"], how="left")
        .with_columns(pl.col("unregistered").fill_null(True))
        .filter(pl.col("shared") | pl.col("unregistered"))
        .collect(engine="streaming")
        .lazy()
    )
    # only the candidates' own accounts are read from the whole data set
    every = dataset if everywhere is None else everywhere
    candidates = flagged.filter(pl.col("unregistered")).select("user_id").unique()
    theirs = every.frame(Kind.ACCOUNTS).join(candidates, on="user_id", how="semi")
    person = ["role", "user_id"]
    elsewhere = (
        registered_accounts(replace(every, frames={Kind.ACCOUNTS: theirs}), period.end, platforms=[platform])
        .group_by(person)
        .agg(pl.col("school_id").unique().sort().alias("registered_schools"))
    )
    return flagged.join(elsewhere, on=person, how="left").select(
        *PAIR, "user_id", "shared", "unregistered", "registered_schools"
    )


def unblocked_accounts(dataset: Dataset, platform: str) -> pl.LazyFrame:
    """The platform's accounts of counted roles whose user is not blocked."""
    accounts = on_platforms(dataset.frame(Kind.ACCOUNTS), [platform]).filter(pl.col("role").is_in(list(ROLE_CODES)))
    return accounts.join(blocked_accounts(dataset), on=["platform", "user_id"], how="anti")


def registrations(dataset: Dataset, platform: str, *, repeated: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """(school_id, role, month, user_id, registered): a platform's unblocked accounts as the store keeps them
    (`registrations`), to count registered users as of any month's end without reading an account.

    A user's registration at a (school, role) pair is their earliest account there (month: its first day;
    null when a registered_at is empty — registered whatever the date). Rows with user_id null count the
    users registered at the pair in that month; users with more than one account (at several pairs, who
    must be counted once over them) have a row of their own at each pair (registered 1). `repeated`: those
    users (`repeated_users` of the `user_hashes` of `unblocked_accounts`) when `dataset` holds a range of
    schools only.
    """
    accounts = unblocked_accounts(dataset, platform)
    first = pl.col("registered_at").min().dt.date().dt.month_start()
    per_pair = accounts.group_by(*PAIR, "user_id").agg(
        pl.when(pl.col("registered_at").is_null().any()).then(None).otherwise(first).alias("month")
    )
    marked = _marked_repeated(per_pair, repeated_users(user_hashes(accounts)) if repeated is None else repeated)
    counted = (
        marked.filter(~pl.col("shared"))
        .group_by(*PAIR, "month")
        .agg(pl.lit(None, pl.String).alias("user_id"), pl.len().cast(pl.Int64).alias("registered"))
    )
    listed = marked.filter(pl.col("shared")).select(*PAIR, "month", "user_id", pl.lit(1, pl.Int64).alias("registered"))
    return pl.concat([counted, listed])


def distinct_registered(
    dataset: Dataset, as_of: date, platforms: Iterable[str], groups: pl.LazyFrame, by: Sequence[str]
) -> pl.LazyFrame:
    """(*by, registered): distinct (platform, user_id) registered on or before `as_of` at the (school_id, role)
    pairs of each group (`groups` as in `distinct_active`). Groups without a registered user have no row.

    On a month's last day, from the store's `registrations` when the data set has them.
    """
    platforms = list(platforms)
    if dataset.registrations is None or (as_of + timedelta(days=1)).day != 1:
        users = registered_accounts(dataset, as_of, platforms=platforms).join(groups, on=PAIR)
        return distinct_users(users, by, "registered")
    rows = (
        on_platforms(dataset.registrations, platforms)
        .filter(pl.col("month").is_null() | (pl.col("month") <= date(as_of.year, as_of.month, 1)))
        .join(groups, on=PAIR)
    )
    return (
        pl.concat(
            [
                rows.filter(pl.col("user_id").is_null()).group_by(*by).agg(pl.col("registered").sum()),
                distinct_users(rows.filter(pl.col("user_id").is_not_null()), by, "registered"),
            ]
        )
        .group_by(*by)
        .agg(pl.col("registered").sum().cast(pl.Int64))
    )


def has_accounts(dataset: Dataset, platform: str) -> bool:
    """Whether an accounts export describes the platform: without one, registration is unknown, not zero."""
    return any(f.kind == Kind.ACCOUNTS and platform in f.platforms for f in dataset.report.files)


def distinct_users(users: pl.LazyFrame, by: Sequence[str], value: str) -> pl.LazyFrame:
    """Distinct (platform, user_id) per `by`: a person in two schools counts once unless school_id is in `by`."""
    return users.group_by(*by).agg(pl.struct("platform", "user_id").n_unique().cast(pl.Int64).alias(value))


def stats_months(period: Period) -> list[date]:
    """Which monthly school_stats rows describe the period (see the module docstring)."""
    if period.kind == "window":
        return [date(period.end.year, period.end.month, 1)]
    return period.months()


def school_grain_active(dataset: Dataset, period: Period, *, platforms: Iterable[str] | None = None) -> pl.LazyFrame:
    """(platform, school_id, role, active) from school_stats; several rows for one key are summed."""
    stats = dataset.frame(Kind.SCHOOL_STATS).filter(
        pl.col("month").is_in(stats_months(period)) & pl.col("role").is_in(list(ROLE_CODES))
    )
    monthly = (
        on_platforms(stats, platforms).group_by("platform", "school_id", "role", "month").agg(pl.col("active").sum())
    )
    return monthly.group_by("platform", "school_id", "role").agg(pl.col("active").max())


def school_grain_registered(
    dataset: Dataset, period: Period, *, platforms: Iterable[str] | None = None
) -> pl.LazyFrame:
    """(platform, school_id, role, registered) from the school_stats month containing the period's last day.

    Registration is a stock, so the latest month describes the period. `registered` is null where the
    stats give no figure for that key (the column is optional in exports).
    """
    stats = dataset.frame(Kind.SCHOOL_STATS).filter(
        (pl.col("month") == date(period.end.year, period.end.month, 1)) & pl.col("role").is_in(list(ROLE_CODES))
    )
    return on_platforms(stats, platforms).group_by("platform", "school_id", "role").agg(whole_registered())


def school_grain_figures(dataset: Dataset, period: Period, *, platforms: Iterable[str] | None = None) -> pl.LazyFrame:
    """(platform, school_id, role, registered, active) from school_stats; `active` 0 where only registered."""
    return (
        school_grain_registered(dataset, period, platforms=platforms)
        .join(
            school_grain_active(dataset, period, platforms=platforms),
            on=["platform", "school_id", "role"],
            how="full",
            coalesce=True,
        )
        .with_columns(pl.col("active").fill_null(0))
    )


def summed_registered() -> pl.Expr:
    """Sum of `registered`, null when no row has a figure (unknown is not zero)."""
    return pl.when(pl.col("registered").count() > 0).then(pl.col("registered").sum()).alias("registered")


def whole_registered() -> pl.Expr:
    """Sum of `registered` over rows that make up one figure (one school's rows of a key, its roles): null
    when any of them has none — a part unknown makes the whole unknown, not smaller (as an ОО-1 total of
    branches), and its active users would otherwise count against the part that is known."""
    return pl.when(pl.col("registered").null_count() == 0).then(pl.col("registered").sum()).alias("registered")


def user_and_school_platforms(dataset: Dataset, platforms: Iterable[str]) -> tuple[list[str], list[str]]:
    grain = dataset.platform_grain()
    wanted = list(platforms)
    return (
        [p for p in wanted if grain.get(p) == "user"],
        [p for p in wanted if grain.get(p) == "school"],
    )


def user_grain_active(dataset: Dataset, period: Period, platforms: Iterable[str]) -> pl.LazyFrame:
    """(platform, school_id, role, active): distinct active users of user-grain platforms.

    For a calendar month the store's precomputed monthly counts are used when the data set has them.
    """
    if dataset.monthly_active is not None and whole_month(period):
        return on_platforms(dataset.monthly_active.filter(pl.col("month") == period.start), platforms).select(
            "platform", "school_id", "role", "active"
        )
    users = active_users(dataset, period, platforms=platforms)
    return users.group_by("platform", "school_id", "role").agg(pl.len().cast(pl.Int64).alias("active"))


def distinct_active(
    dataset: Dataset, period: Period, platforms: Iterable[str], groups: pl.LazyFrame, by: Sequence[str]
) -> pl.LazyFrame:
    """(*by, active): distinct (platform, user_id) active in the period at the (school_id, role) pairs that
    `groups` puts in each group. `groups` has school_id, role and the `by` columns; a pair may be in several
    groups (its school, its municipality, the region). Groups without an active user have no row.

    For a whole calendar month of a store no user is read: the pairs' monthly counts are summed, less m − 1
    for each user that the store's `active_exceptions` shows active at m > 1 pairs of one group.
    """
    platforms = list(platforms)
    if not stored_months(dataset, [period]):
        users = active_users(dataset, period, platforms=platforms).join(groups, on=PAIR)
        return distinct_users(users, by, "active")
    assert dataset.active_exceptions is not None  # stored_months
    summed = (
        user_grain_active(dataset, period, platforms).join(groups, on=PAIR).group_by(*by).agg(pl.col("active").sum())
    )
    shared = on_platforms(
        dataset.active_exceptions.filter((pl.col("month") == period.start) & pl.col("shared")), platforms
    )
    repeats = (
        shared.join(groups, on=PAIR)
        .group_by(*by, "platform", "user_id")
        .agg((pl.len() - 1).alias("repeats"))
        .group_by(*by)
        .agg(pl.col("repeats").sum())
    )
    return summed.join(repeats, on=list(by), how="left").select(
        *by, (pl.col("active") - pl.col("repeats").fill_null(0)).cast(pl.Int64).alias("active")
    )


def active_counts(dataset: Dataset, period: Period, platforms: Iterable[str]) -> pl.LazyFrame:
    """(platform, school_id, role, active) for every counted platform, whatever its grain."""
    user_platforms, school_platforms = user_and_school_platforms(dataset, platforms)
    parts = [
        user_grain_active(dataset, period, user_platforms),
        school_grain_active(dataset, period, platforms=school_platforms),
    ]
    return pl.concat(parts, how="vertical")


def combination_for(dataset: Dataset, platforms: Iterable[str], shared_user_ids: bool) -> Combination:
    return combination_of(dataset.platform_grain(), platforms, shared_user_ids)


def active_any_platform(
    dataset: Dataset, period: Period, platforms: Iterable[str], combination: Combination
) -> pl.LazyFrame:
    """(school_id, role, active) on any of the platforms.

    union: distinct user_id over the platforms (the same id is the same person);
    max: the largest per-platform count — a lower bound of the true number of distinct users.
    """
    platforms = list(platforms)
    if combination == "union":
        return (
            active_users(dataset, period, platforms=platforms)
            .group_by("school_id", "role")
            .agg(pl.col("user_id").n_unique().cast(pl.Int64).alias("active"))
        )
    return active_counts(dataset, period, platforms).group_by("school_id", "role").agg(pl.col("active").max())


def population(dataset: Dataset, ownership: Iterable[str]) -> pl.LazyFrame:
    """Registry schools whose form of ownership is counted."""
    return dataset.schools.filter(pl.col("ownership").is_in(list(ownership)))


def by_name(column: str) -> list[pl.Expr]:
    """Sort keys listing a column of names as `common.name_order` does (case and ё/е aside, then as written)."""
    return [folded_expr(pl.col(column)), pl.col(column)]


def share_pct(active: pl.Expr, total: pl.Expr) -> pl.Expr:
    """active / total × 100, capped at 100; null when the total is 0 or missing (cannot be judged)."""
    return (
        pl.when(total.is_null() | (total <= 0))
        .then(None)
        .otherwise(pl.min_horizontal(active.cast(pl.Float64) * 100.0 / total.cast(pl.Float64), pl.lit(100.0)))
    )


def wide_by_role(counts: pl.LazyFrame, value: str = "active", roles: Sequence[str] = ROLE_CODES) -> pl.LazyFrame:
    """(school_id, role, value) -> school_id, <role>_<value>… with 0 where a role has no row."""
    return counts.group_by("school_id").agg(
        pl.col(value).filter(pl.col("role") == role).sum().cast(pl.Int64).alias(f"{role}s_{value}") for role in roles
    )
