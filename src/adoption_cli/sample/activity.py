"""Users, logins, content and ЦПУ figures as vectorised Polars frames, from the per-school parameters.

An account exists when a person's registration draw falls under the school's registered share; it is active
in a month when its engagement draw falls under (active share × season × jitter) / registered share, so a
school's active headcount share follows its parameters up to binomial noise. Four draws in five reuse the
account's engagement, so mostly the same people are active month after month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from adoption_cli.periods import Period
from adoption_cli.sample import randomness as rnd
from adoption_cli.sample.region import ADMIN

# Activity relative to September, by calendar month: summer is low, teachers come back before students.
SEASON: dict[str, tuple[float, ...]] = {
    "teacher": (1.0, 1.05, 1.05, 1.05, 0.95, 0.5, 0.3, 0.55, 1.0, 1.05, 1.1, 1.08),
    "student": (1.0, 1.05, 1.05, 1.05, 0.9, 0.4, 0.15, 0.3, 1.0, 1.05, 1.1, 1.08),
    "parent": (1.0, 1.0, 1.0, 1.0, 0.9, 0.4, 0.2, 0.35, 1.0, 1.05, 1.1, 1.08),
    ADMIN: (1.0,) * 12,
}
# Mean logins per active user-month, relative to `events_per_user`.
_ROLE_EVENTS = {"teacher": 1.6, "student": 1.0, "parent": 0.6, ADMIN: 2.0}
_BLOCKED_SHARE = 0.012
_CHURN = 0.2  # share of monthly draws that ignore the account's engagement


@dataclass(frozen=True, slots=True)
class Plan:
    seed: int
    months: tuple[Period, ...]
    events_per_user: float  # mean logins of an active user in a month (teachers more, parents fewer)
    view_share: float  # share of «Моя школа» logins followed by a content view

    @property
    def window_start(self) -> datetime:
        return datetime.combine(self.months[0].start, datetime.min.time())

    @property
    def window_end(self) -> datetime:
        return datetime.combine(self.months[-1].end_exclusive, datetime.min.time())


def months_frame(plan: Plan) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "m": list(range(len(plan.months))),
            "month_key": [p.start.year * 12 + p.start.month for p in plan.months],
            "calendar_month": [p.start.month for p in plan.months],
            "month_start": [datetime.combine(p.start, datetime.min.time()) for p in plan.months],
            "month_days": [p.days for p in plan.months],
        },
        schema_overrides={"month_start": pl.Datetime("us")},
    )


def _season_frame() -> pl.LazyFrame:
    return pl.LazyFrame(
        [(role, month + 1, factor) for role, factors in SEASON.items() for month, factor in enumerate(factors)],
        schema={"role": pl.String, "calendar_month": pl.Int64, "season": pl.Float64},
        orient="row",
    )


def _logins_frame(events_per_user: float) -> pl.LazyFrame:
    """Per role, λ of 1 + ⌊Exp(λ)⌋ logins, whose mean 1 + 1/(e^{1/λ} − 1) is the role's target mean."""

    def scale_for(mean: float) -> float:
        return 0.0 if mean <= 1.0 else 1.0 / math.log(mean / (mean - 1.0))

    return pl.LazyFrame(
        {"role": list(_ROLE_EVENTS), "logins_lambda": [scale_for(events_per_user * k) for k in _ROLE_EVENTS.values()]}
    )


def accounts(plan: Plan, headcounts: pl.DataFrame, shares: pl.DataFrame, schools: pl.DataFrame) -> pl.DataFrame:
    """Registered accounts of the people in `headcounts`: one row per (person, platform), before logins."""
    seed, n_months = plan.seed, len(plan.months)
    g, p = pl.col("person"), pl.col("platform_no")
    when = rnd.hash64(seed, rnd.REG_DATE, g, p)
    in_window_share = pl.when(pl.col("role") == "teacher").then(0.05).otherwise(0.2)
    # Registrations inside the window bunch up in its first months (the start of a school year).
    reg_month = pl.when(rnd.unit(when, 0) < in_window_share).then(
        (rnd.unit(when, 1) ** 2 * n_months).floor().cast(pl.Int64)
    )
    blocked = (rnd.draw(seed, rnd.STATUS, g, p) < _BLOCKED_SHARE) & (pl.col("role") != ADMIN)
    months = months_frame(plan).lazy().select(reg_month="m", reg_month_start="month_start", reg_month_days="month_days")
    before_window = pl.lit(plan.window_start) - pl.duration(days=1 + (pl.col("reg_u") * 730).floor().cast(pl.Int64))
    in_window = pl.col("reg_month_start") + pl.duration(
        days=(pl.col("reg_u") * pl.col("reg_month_days")).floor().cast(pl.Int64)
    )
    return (
        headcounts.lazy()
        .filter(pl.col("n") > 0)
        .with_columns(i=pl.int_ranges(0, pl.col("n")))
        .explode("i")
        .select("org", "role", person=pl.col("first") + pl.col("i"))
        .join(shares.lazy(), on=["org", "role"])
        .filter(rnd.draw(seed, rnd.REGISTER, g, p) < pl.col("registered_share"))
        .with_columns(reg_month=reg_month.fill_null(-1), reg_u=rnd.unit(when, 2))
        .join(months, on="reg_month", how="left")
        .join(schools.lazy().select("org", "school_id"), on="org")
        .select(
            "org",
            "person",
            "role",
            "platform",
            "platform_no",
            "school_id",
            "registered_share",
            "active_share",
            "reg_month",
            "reg_u",
            user_id=rnd.user_id(g),
            status=pl.when(blocked).then(pl.lit("blocked")).otherwise(pl.lit("active")),
            registered_at=pl.when(pl.col("reg_month") < 0).then(before_window).otherwise(in_window),
            engagement=rnd.draw(seed, rnd.ENGAGE, g, p),
        )
        .sort("person", "platform_no")
        .collect()
    )


def logins(plan: Plan, accounts: pl.DataFrame) -> pl.DataFrame:
    """Login events of the accounts over the plan's months (blocked accounts log in too)."""
    seed = plan.seed
    g, p, m = pl.col("person"), pl.col("platform_no"), pl.col("month_key")
    # Hashes are materialised as columns: every slice of one is then a cheap read, not a recomputation.
    h, e = pl.col("_h"), pl.col("_e")
    score = pl.when(rnd.unit(h, 0) < _CHURN).then(rnd.unit(h, 1)).otherwise(pl.col("engagement"))
    jitter = 0.9 + 0.2 * rnd.draw(seed, rnd.JITTER, pl.col("org"), p, m)
    probability = pl.col("active_share") * pl.col("season") * jitter / pl.col("registered_share")
    count = 1 + (-(1.0 - rnd.unit(h, 2)).log() * pl.col("logins_lambda")).floor().clip(0, 99).cast(pl.Int64)
    # In the month an account was made, its logins start on the registration day.
    first_day = (
        pl.when(pl.col("reg_month") == pl.col("m"))
        .then((pl.col("reg_u") * pl.col("month_days")).floor())
        .otherwise(0.0)
    )
    day = (first_day + rnd.unit(e, 0) * (pl.col("month_days") - first_day)).floor().cast(pl.Int64)
    # Mostly 6:00–23:00; a few night logins, which in UTC fall on the day (or month) before.
    second = (
        pl.when(rnd.unit(e, 1) < 0.03).then(rnd.unit(e, 2) * 21_600).otherwise(21_600 + rnd.unit(e, 2) * 61_200)
    ).cast(pl.Int64)
    # «Сферум» logs minutes only: its timestamps have no seconds in any dialect.
    second = pl.when(pl.col("platform") == "sferum").then(second // 60 * 60).otherwise(second)
    return (
        accounts.lazy()
        .join(months_frame(plan).lazy(), how="cross")
        .join(_season_frame(), on=["role", "calendar_month"])
        .join(_logins_frame(plan.events_per_user), on="role")
        .filter(pl.col("m") >= pl.col("reg_month"))
        .with_columns(_h=rnd.hash64(seed, rnd.ACTIVE, g, p, m))
        .filter(score < probability)
        .with_columns(j=pl.int_ranges(0, count))
        .explode("j")
        .with_columns(_e=rnd.hash64(seed, rnd.EVENT, g, p, m, pl.col("j")))
        .select(
            "person",
            "platform",
            "platform_no",
            "role",
            "user_id",
            "school_id",
            "m",
            "month_key",
            "j",
            ts=pl.col("month_start") + pl.duration(days=day, seconds=second),
            _u=rnd.unit(e, 3),
        )
        .collect()
        # Eagerly: the in-memory sort is several times cheaper here than a streaming one.
        .sort("ts", "person", "platform_no", "j")
    )


def with_last_login(plan: Plan, accounts: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """`last_login_at`: the latest login in the window; else, for some older accounts, one before the window."""
    h = rnd.hash64(plan.seed, rnd.LAST_LOGIN, pl.col("person"), pl.col("platform_no"))
    span = (pl.lit(plan.window_start) - pl.col("registered_at")).dt.total_seconds()
    earlier = pl.col("registered_at") + pl.duration(seconds=(rnd.fine_unit(h, 0) * span).floor().cast(pl.Int64))
    earlier = pl.when(pl.col("platform") == "sferum").then(earlier.dt.truncate("1m")).otherwise(earlier)
    latest = events.group_by("person", "platform_no").agg(last_event=pl.col("ts").max())
    return (
        accounts.join(latest, on=["person", "platform_no"], how="left", maintain_order="left")
        .with_columns(
            last_login_at=pl.coalesce(
                "last_event", pl.when((pl.col("reg_month") < 0) & (rnd.unit(h, 3) < 0.6)).then(earlier)
            ),
            _u=rnd.draw(plan.seed, rnd.RENDER, pl.col("person"), pl.col("platform_no")),
        )
        .drop("last_event")
    )


def content_items(plan: Plan, count: int) -> pl.DataFrame:
    """The catalogue: most items published before the window, a quarter during it (in index order), a few
    withdrawn in its first half. An item's index is its popularity rank among the viewable ones (see `views`).
    """
    released, withdrawn = count // 4, max(1, count // 20)
    before = count - released - withdrawn
    days = (plan.window_end - plan.window_start).days
    i = pl.int_range(pl.len())
    h = rnd.hash64(plan.seed, rnd.ITEM, i)
    start = pl.lit(plan.window_start)
    available_from = (
        pl.when(i < before)
        .then(start - pl.duration(days=1 + (rnd.unit(h, 0) * 540).floor().cast(pl.Int64)))
        .when(i < before + released)
        .then(start + pl.duration(days=(i - before + 1) * days // (released + 1)))
        .otherwise(start - pl.duration(days=400 + (rnd.unit(h, 0) * 300).floor().cast(pl.Int64)))
    )
    available_to = (
        pl.when(i >= before + released)
        .then(start + pl.duration(days=(rnd.unit(h, 1) * days / 2).floor().cast(pl.Int64)))
        .when(rnd.unit(h, 2) < 0.1)
        .then(pl.lit(plan.window_end) + pl.duration(days=180))
    )
    kind = pl.when(rnd.unit(h, 3) < 0.6).then(pl.lit("cok")).when(rnd.unit(h, 3) < 0.85).then(pl.lit("social"))
    return (
        pl.LazyFrame({"n": range(count)})
        .select(
            content_id=pl.concat_str(pl.lit("cnt-"), i.cast(pl.String).str.zfill(6)),
            kind=kind.otherwise(pl.lit("document")),
            available_from=available_from.cast(pl.Datetime("us")),
            available_to=available_to.cast(pl.Datetime("us")),
            _u=rnd.unit(h, 1),
        )
        .collect()
    )


VIEW_SCHEMA = {"content_id": pl.String, "user_id": pl.String, "ts": pl.Datetime("us"), "_u": pl.Float64}


def views(plan: Plan, events: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Some «Моя школа» logins open an item minutes later; low-index (popular) items are opened most."""
    h = rnd.hash64(plan.seed, rnd.VIEW, pl.col("person"), pl.col("month_key"), pl.col("j"))
    # How many items are viewable at a moment: published by then and not withdrawn, counted in index order.
    viewable = (
        items.lazy()
        .with_row_index("index")
        .filter(pl.col("available_to").is_null() | (pl.col("available_to") >= plan.window_end))
        .sort("available_from", "index")
        .select("available_from", viewable=pl.col("index").cum_max() + 1)
    )
    opened = pl.col("ts").dt.truncate("1m") + pl.duration(minutes=(rnd.unit(h, 1) * 30).floor().cast(pl.Int64))
    return (
        events.lazy()
        .filter((pl.col("platform") == "myschool") & (pl.col("role") != ADMIN) & (rnd.unit(h, 0) < plan.view_share))
        .select("user_id", "person", "month_key", "j", ts=opened, pick=rnd.unit(h, 2), _u=rnd.unit(h, 3))
        .sort("ts", "person", "month_key", "j")
        .join_asof(viewable, left_on="ts", right_on="available_from", strategy="backward")
        .filter(pl.col("viewable").is_not_null())
        .with_columns(index=(pl.col("pick") ** 2 * pl.col("viewable")).floor().cast(pl.UInt32))
        .join(items.lazy().with_row_index("index").select("index", "content_id"), on="index", maintain_order="left")
        .select(*VIEW_SCHEMA)
        .collect()
    )


def assistant_stats(plan: Plan, schools: pl.DataFrame) -> pl.DataFrame:
    """ЦПУ school-grain figures per month and role: registrations grow over the window, activity is seasonal."""
    n_months = len(plan.months)
    roles = pl.LazyFrame({"role": ["student", "teacher"], "role_no": [0, 1]})
    student = pl.col("role") == "student"
    growth = 0.9 + 0.1 * (pl.col("m") + 1) / n_months
    registered = (
        pl.when(student).then(pl.col("students_total")).otherwise(pl.col("teachers_total"))
        * pl.when(student).then(pl.col("assistant_registered")).otherwise(0.9 * pl.col("assistant_registered"))
        * growth
    ).round()
    jitter = 0.9 + 0.2 * rnd.draw(plan.seed, rnd.STATS, pl.col("org"), pl.col("month_key"), pl.col("role_no"))
    share = pl.when(student).then(pl.col("assistant_active")).otherwise(0.5 * pl.col("assistant_active"))
    active = pl.min_horizontal(pl.col("registered"), (pl.col("registered") * share * pl.col("season") * jitter).round())
    return (
        schools.lazy()
        .join(months_frame(plan).lazy(), how="cross")
        .join(roles, how="cross")
        .join(_season_frame(), on=["role", "calendar_month"])
        .with_columns(registered=registered)
        .with_columns(active=active)
        .sort("m", "org", "role_no")
        .select(
            platform=pl.lit("assistant"),
            school_id="school_id",
            month=pl.col("month_start").dt.date(),
            role="role",
            registered=pl.col("registered").cast(pl.Int64),
            active=pl.col("active").cast(pl.Int64),
            _u=rnd.draw(plan.seed, rnd.RENDER, pl.col("org"), pl.col("month_key"), pl.col("role_no")),
        )
        .collect()
    )
