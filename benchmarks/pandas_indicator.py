"""The «33 %» indicator as an idiomatic pandas script over the canonical CSV exports.

python -m benchmarks.pandas_indicator DATA_DIR YYYY-MM
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from benchmarks.rules import INN_WEIGHTS, PLATFORMS, POPULATION, THRESHOLD_BASIS_POINTS, TIMEZONE, month_bounds, summary


def read(files: list[Path], columns: list[str]) -> pd.DataFrame:
    return pd.concat(
        (pd.read_csv(f, dtype=str, usecols=columns, on_bad_lines="skip") for f in files), ignore_index=True
    )


def local_time(text: pd.Series) -> pd.Series:
    """Naive timestamps are local; ones with Z or an offset are converted to local time."""
    aware = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", na=False)
    naive = pd.to_datetime(text.where(~aware), format="ISO8601", errors="coerce")
    converted = pd.to_datetime(text.where(aware), format="ISO8601", errors="coerce", utc=True)
    return naive.fillna(converted.dt.tz_convert(TIMEZONE).dt.tz_localize(None))


def valid_inn(ids: pd.Series) -> pd.Series:
    digits = ids.where(ids.str.fullmatch(r"\d{10}", na=False))
    total = sum(w * pd.to_numeric(digits.str[i]) for i, w in enumerate(INN_WEIGHTS))
    return (total % 11 % 10 == pd.to_numeric(digits.str[9])).fillna(False)


def main() -> None:
    data, month = Path(sys.argv[1]), sys.argv[2]
    start, end = (pd.Timestamp(day) for day in month_bounds(month))

    schools = pd.read_csv(data / "schools.csv", dtype=str)
    schools["school_id"] = schools["school_id"].str.strip()
    schools = schools[valid_inn(schools["school_id"])].drop_duplicates()
    for column in ("teachers_total", "students_total"):
        schools[column] = pd.to_numeric(schools[column], errors="coerce")
    registry = schools.groupby("school_id").agg(
        ownership=("ownership", "first"),
        teachers_total=("teachers_total", lambda s: s.sum() if s.notna().all() else None),
        students_total=("students_total", lambda s: s.sum() if s.notna().all() else None),
    )

    keys = ["platform", "user_id", "role", "school_id"]
    accounts = read(sorted(data.glob("*_accounts*.csv")), [*keys, "status", "last_login_at"])
    blocked = accounts.loc[accounts["status"] == "blocked", ["platform", "user_id"]].drop_duplicates()
    logins = accounts[keys].assign(at=local_time(accounts["last_login_at"]))
    events = read(sorted(data.glob("*_events*.csv")), [*keys, "ts"])
    events = events[keys].assign(at=local_time(events.pop("ts")))
    activity = pd.concat([events, logins], ignore_index=True)
    activity = activity[
        (activity["at"] >= start)
        & (activity["at"] < end)
        & activity["platform"].isin(PLATFORMS)
        & activity["role"].isin(["teacher", "student"])
    ]
    activity = activity.merge(blocked, on=["platform", "user_id"], how="left", indicator=True)
    activity = activity[activity["_merge"] == "left_only"]
    active = activity.groupby(["platform", "school_id", "role"])["user_id"].nunique()
    best = active.groupby(["school_id", "role"]).max().unstack("role").reindex(columns=["teacher", "student"])

    population = registry[registry["ownership"].isin(POPULATION)].join(best).fillna({"teacher": 0, "student": 0})
    flagged = (
        (population["teachers_total"] > 0)
        & (population["students_total"] > 0)
        & (population["teacher"] * 10000 >= population["teachers_total"] * THRESHOLD_BASIS_POINTS)
        & (population["student"] * 10000 >= population["students_total"] * THRESHOLD_BASIS_POINTS)
    )
    print(summary({str(k): bool(v) for k, v in flagged.fillna(False).items()}))


if __name__ == "__main__":
    main()
