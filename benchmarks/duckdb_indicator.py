"""The «33 %» indicator as one plain DuckDB SQL query over the canonical CSV exports.

python -m benchmarks.duckdb_indicator DATA_DIR YYYY-MM
"""

from __future__ import annotations

import sys

import duckdb

from benchmarks.rules import INN_WEIGHTS, PLATFORMS, POPULATION, THRESHOLD_BASIS_POINTS, TIMEZONE, month_bounds, summary


def _inn_check() -> str:
    weighted = " + ".join(f"{w} * TRY_CAST(s[{i + 1}] AS INTEGER)" for i, w in enumerate(INN_WEIGHTS))
    return f"regexp_full_match(s, '[0-9]{{10}}') AND (({weighted}) % 11) % 10 = TRY_CAST(s[10] AS INTEGER)"


def query(data: str, month: str) -> str:
    start, end = month_bounds(month)
    platforms = ", ".join(f"'{p}'" for p in PLATFORMS)
    population = ", ".join(f"'{o}'" for o in POPULATION)
    # Rows the loader rejects as ragged are skipped here too.
    csv = "all_varchar = true, header = true, union_by_name = true, ignore_errors = true"
    return f"""
    WITH registry AS (
        SELECT school_id, first(ownership) AS ownership,
               CASE WHEN count(teachers_total) = count(*) THEN sum(teachers_total) END AS teachers_total,
               CASE WHEN count(students_total) = count(*) THEN sum(students_total) END AS students_total
        FROM (
            SELECT DISTINCT trim(school_id) AS school_id, name, municipality, ownership,
                   TRY_CAST(teachers_total AS BIGINT) AS teachers_total,
                   TRY_CAST(students_total AS BIGINT) AS students_total
            FROM read_csv('{data}/schools.csv', {csv})
            WHERE inn_ok(trim(school_id))
        )
        GROUP BY school_id
    ),
    accounts AS (SELECT * FROM read_csv('{data}/*_accounts*.csv', {csv})),
    blocked AS (SELECT DISTINCT platform, user_id FROM accounts WHERE status = 'blocked'),
    activity AS (
        SELECT platform, school_id, role, user_id, local_ts(ts) AS at
        FROM read_csv('{data}/*_events*.csv', {csv})
        UNION ALL
        SELECT platform, school_id, role, user_id, local_ts(last_login_at) FROM accounts
    ),
    active AS (
        SELECT a.platform, a.school_id, a.role, count(DISTINCT a.user_id) AS n
        FROM activity a ANTI JOIN blocked b USING (platform, user_id)
        WHERE a.at >= TIMESTAMP '{start}' AND a.at < TIMESTAMP '{end}'
          AND a.platform IN ({platforms}) AND a.role IN ('teacher', 'student')
        GROUP BY ALL
    ),
    best AS (SELECT school_id, role, max(n) AS n FROM active GROUP BY ALL)
    SELECT r.school_id,
           coalesce(r.teachers_total > 0 AND r.students_total > 0
                    AND coalesce(t.n, 0) * 10000 >= r.teachers_total * {THRESHOLD_BASIS_POINTS}
                    AND coalesce(s.n, 0) * 10000 >= r.students_total * {THRESHOLD_BASIS_POINTS}, false) AS flagged
    FROM registry r
    LEFT JOIN best t ON t.school_id = r.school_id AND t.role = 'teacher'
    LEFT JOIN best s ON s.school_id = r.school_id AND s.role = 'student'
    WHERE r.ownership IN ({population})
    """


def main() -> None:
    data, month = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    con.execute(f"CREATE MACRO inn_ok(s) AS {_inn_check()}")
    # Naive timestamps are local time; ones with Z or an offset are converted to it.
    con.execute(f"CREATE MACRO local_ts(t) AS timezone('{TIMEZONE}', TRY_CAST(t AS TIMESTAMPTZ))")
    rows = con.execute(query(data, month)).fetchall()
    print(summary({school_id: bool(flagged) for school_id, flagged in rows}))


if __name__ == "__main__":
    main()
