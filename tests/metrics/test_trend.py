"""Month-by-month series on hand-computed fixtures, each month judged by the target in force then."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from adoption_cli.config import Settings, load_settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.trend import compute_trend
from adoption_cli.periods import month_range
from adoption_cli.render.numbers import sparkline
from tests.builders import Row, dataset, school, stat
from tests.metrics.support import invoke, invoke_json, plain

A, B, C = "2300000001", "2300000002", "2300000003"
SEPT, OCT = date(2024, 9, 1), date(2024, 10, 1)
TARGET_CHANGES = {
    "indicator": {"targets": [{"from": "2024-10", "target_pct": 50.0}]},
    "assistant": {"targets": [{"from": "2024-10", "target_pct": 30.0}]},
}


def figures(platform: str, school_id: str, month: date, teachers: int, students: int) -> list[Row]:
    return [
        stat(platform, school_id, month, "teacher", teachers),
        stat(platform, school_id, month, "student", students),
    ]


def three_schools() -> Dataset:
    """Sept: A flagged (1 of 3 = 33.3 %); Oct: A still flagged, nothing else. Assistant 2/10 then 3/10 in Север."""
    return dataset(
        schools=[
            school(A, "А", "Север", "municipal", 4, 4),
            school(B, "Б", "Север", "municipal", 4, 6),
            school(C, "В", "Юг", "state", 2, None),
        ],
        school_stats=[
            *figures("myschool", A, SEPT, 2, 2),
            *figures("sferum", A, SEPT, 3, 1),  # max with «Моя школа»: teachers 3, students 2
            *figures("myschool", B, SEPT, 1, 0),
            *figures("myschool", A, OCT, 4, 4),
            *figures("myschool", C, OCT, 2, 0),
            stat("assistant", A, SEPT, "student", 2),
            stat("assistant", A, OCT, "student", 2),
            stat("assistant", B, OCT, "student", 1),
        ],
    )


def settings_with_target_changes() -> Settings:
    return load_settings(None, environ={}, overrides=TARGET_CHANGES)


def test_each_month_is_judged_by_the_target_in_force_then() -> None:
    result = compute_trend(three_schools(), month_range("2024-09", "2024-10"), settings_with_target_changes())
    september, october = result.region.points
    assert (september.flagged, september.schools) == (1, 3)
    assert (september.indicator_target_pct, september.indicator_target_met) == (33.0, True)  # 33.3 % ≥ 33 %
    assert (october.indicator_target_pct, october.indicator_target_met) == (50.0, False)  # same share, new target
    assert (september.assistant_pct, september.assistant_target_pct, september.assistant_target_met) == (
        20.0,
        84.9,
        False,
    )
    assert (october.assistant_pct, october.assistant_target_pct, october.assistant_target_met) == (30.0, 30.0, True)


def test_shares_per_month_and_municipality() -> None:
    result = compute_trend(three_schools(), month_range("2024-09", "2024-10"), load_settings(None, environ={}))
    north, south = result.municipalities
    assert (north.name, south.name) == ("Север", "Юг")
    # Teachers, September: A 3 (max of 2 and 3), B 1 → 4 of 8; C (Юг) 0 of 2 → region 4 of 10.
    assert [p.teacher_share_pct for p in result.region.points] == [40.0, 60.0]
    assert [p.teacher_share_pct for p in north.points] == [50.0, 50.0]
    assert [p.teacher_share_pct for p in south.points] == [0.0, 100.0]
    # Students: C has no total and is left out: September 2 of 10, October 4 of 10.
    assert [p.student_share_pct for p in result.region.points] == [20.0, 40.0]
    assert [p.student_share_pct for p in south.points] == [None, None]
    assert [p.indicator_pct for p in south.points] == [0.0, 0.0]  # C cannot be flagged without a total
    assert [p.assistant_pct for p in south.points] == [None, None]


def test_the_series_agree_with_the_single_month_commands() -> None:
    ds, settings = three_schools(), settings_with_target_changes()
    months = month_range("2024-09", "2024-10")
    result = compute_trend(ds, months, settings)
    for month, point in zip(months, result.region.points, strict=True):
        single = compute_indicator(ds, month, settings).region
        assert (point.indicator_pct, point.indicator_target_met) == (single.share_pct, single.target_met)
        assisted = compute_assistant(ds, month, settings).region
        assert (point.assistant_pct, point.assistant_target_met) == (assisted.share_pct, assisted.target_met)


def test_sparkline_scales_each_row_and_marks_gaps() -> None:
    assert sparkline([0.0, 50.0, 100.0]) == "▁▅█"
    assert sparkline([10.0, None, 20.0]) == "▁·█"
    assert sparkline([40.0, 40.0]) == "▄▄"  # a flat row shows its level on 0–100
    assert sparkline([None, None]) == "··"


def test_cli_table_json_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ds = three_schools()
    (tmp_path / "adoption.toml").write_text('[[indicator.targets]]\nfrom = "2024-10"\ntarget_pct = 50.0\n')
    payload = invoke_json(monkeypatch, tmp_path, ds, "trend", "--from", "2024-09", "--to", "2024-10")
    assert payload["months"] == ["2024-09", "2024-10"]
    assert [p["indicator_target_pct"] for p in payload["region"]["points"]] == [33.0, 50.0]
    assert [m["name"] for m in payload["municipalities"]] == ["Север", "Юг"]

    table = invoke(monkeypatch, tmp_path, ds, "trend", "--from", "2024-09", "--to", "2024-10", "--municipality", "Юг")
    assert table.exit_code == 0, table.stderr
    text = plain(table.stdout)
    assert "Индикатор" in text and "Регион" in text and "Юг" in text and "Север" not in text
    assert "▁█" in text  # Юг teachers: 0 % → 100 %

    rows = list(
        csv.DictReader(
            io.StringIO(
                invoke(monkeypatch, tmp_path, ds, "trend", "--from", "2024-09", "--to", "2024-10", "-f", "csv").stdout
            )
        )
    )
    assert list(rows[0]) == ["month", "scope", "name", "metric", "value"]
    # every field of a JSON point, the indicator's counts included
    region_september = {r["metric"] for r in rows if (r["month"], r["name"]) == ("2024-09", "")}
    payload = json.loads(
        invoke(monkeypatch, tmp_path, ds, "trend", "--from", "2024-09", "--to", "2024-10", "-f", "json").stdout
    )
    assert region_september == set(payload["region"]["points"][0]) - {"month"}
    teachers = {(r["month"], r["name"]): r["value"] for r in rows if r["metric"] == "teacher_share_pct"}
    assert teachers == {
        ("2024-09", ""): "40.0",
        ("2024-10", ""): "60.0",
        ("2024-09", "Север"): "50.0",
        ("2024-10", "Север"): "50.0",
        ("2024-09", "Юг"): "0.0",
        ("2024-10", "Юг"): "100.0",
    }
    counts = {(r["metric"], r["value"]) for r in rows if (r["month"], r["name"]) == ("2024-09", "")}
    assert {metric for metric, value in counts if value.endswith(".0")} <= {
        "indicator_pct",
        "teacher_share_pct",
        "student_share_pct",
        "assistant_pct",
        "indicator_target_pct",
        "assistant_target_pct",
    }  # counts and «met» are whole numbers: 3, not 3.0
    assert {value for metric, value in counts if metric.endswith("_met")} <= {"0", "1"}


def test_cli_rejects_a_reversed_range(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = invoke(monkeypatch, tmp_path, three_schools(), "trend", "--from", "2024-10", "--to", "2024-09")
    assert result.exit_code == 2
