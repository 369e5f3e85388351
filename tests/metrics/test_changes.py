"""Change versus the previous period: relative for counts, percentage points for shares."""

from __future__ import annotations

import polars as pl
import pytest

from adoption_cli.metrics.changes import change_pct_expr, change_pp_expr, compare, compare_share


def test_count_change_is_relative_and_undefined_from_zero() -> None:
    assert compare(15, 10).change_pct == pytest.approx(50.0)
    assert compare(5, 10).change_pct == pytest.approx(-50.0)
    assert compare(7, 0).change_pct is None
    assert compare(0, 0).change_pct is None
    assert compare(3, None).change_pct is None


def test_share_change_is_in_points() -> None:
    assert compare_share(42.5, 40.0).change_pp == pytest.approx(2.5)
    assert compare_share(None, 40.0).change_pp is None


def test_expressions_match_the_scalars() -> None:
    frame = pl.DataFrame({"cur": [15, 7, 2], "prev": [10, 0, None]}).select(
        change_pct_expr(pl.col("cur"), pl.col("prev")).alias("pct"),
        change_pp_expr(pl.col("cur"), pl.col("prev")).alias("pp"),
    )
    assert frame["pct"].to_list() == [50.0, None, None]
    assert frame["pp"].to_list() == [5.0, 7.0, None]
