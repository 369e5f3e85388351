"""The floor under our raw-export indicator: the same active-user counts in bare Polars, with no validation,
no reject reasons and no load report (canonical CSV only). Not a result anyone should trust; a measure of
what checking every row costs (docs/performance.md, sessions 7 and 15).

python -m benchmarks.polars_floor DATA_DIR YYYY-MM
"""

from __future__ import annotations

import sys
from datetime import datetime, time

import polars as pl

from benchmarks.rules import month_bounds

ISO = "%Y-%m-%dT%H:%M:%S"


def active_per_school(data: str, month: str) -> pl.DataFrame:
    start, end = (datetime.combine(day, time()) for day in month_bounds(month))
    text = {"user_id": pl.String, "school_id": pl.String}
    events = pl.scan_csv(f"{data}/*_events*.csv", schema_overrides={**text, "ts": pl.String}).select(
        "platform", "school_id", "role", "user_id", pl.col("ts").str.strptime(pl.Datetime("us"), ISO, strict=False)
    )
    accounts = pl.scan_csv(f"{data}/*_accounts*.csv", schema_overrides={**text, "last_login_at": pl.String})
    logins = accounts.select(
        "platform",
        "school_id",
        "role",
        "user_id",
        pl.col("last_login_at").str.strptime(pl.Datetime("us"), ISO, strict=False).alias("ts"),
    )
    blocked = accounts.filter(pl.col("status") == "blocked").select("platform", "user_id").unique()
    return (
        pl.concat([events, logins])
        .filter(pl.col("ts").is_between(start, end, closed="left") & pl.col("role").is_in(["teacher", "student"]))
        .join(blocked, on=["platform", "user_id"], how="anti")
        .group_by("platform", "school_id", "role")
        .agg(pl.col("user_id").n_unique().alias("active"))
        .group_by("school_id", "role")
        .agg(pl.col("active").max())
        .collect(engine="streaming")
    )


def main() -> None:
    counts = active_per_school(sys.argv[1], sys.argv[2])
    print(counts.height, counts["active"].sum())


if __name__ == "__main__":
    main()
