"""`adoption activity` end to end on the hand-computed fixture of test_activity (reader replaced)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import Result

from tests.builders import account, dataset, event, school
from tests.cli_support import invoke, serve
from tests.metrics.test_activity import fixture


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Result:
    serve(monkeypatch, fixture())
    return invoke(*args, "--data", str(tmp_path))


def test_table_shows_panels_arrows_period_and_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(monkeypatch, tmp_path, "activity", "--month", "2024-09")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for label in ("Школы", "Педагоги", "Обучающиеся", "Родители", "Контент: ЦОК", "Соцмедиа", "Документы"):
        assert label in out
    assert "01.09.2024–30.09.2024" in out and "2024-08" in out
    assert "▲ +200,0\u202f%" in out  # active schools 1 → 3
    assert "▲ +50,0\u202fп.п." in out
    assert "Активен — вход или событие" in out and "Зарегистрирован —" in out


def test_json_is_the_nested_result(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(monkeypatch, tmp_path, "activity", "--month", "2024-09", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"]["label"] == "2024-09" and data["previous_period"]["label"] == "2024-08"
    assert data["scope"] == {"level": "region", "municipality": None}
    assert data["teachers"]["active"] == {"value": 1, "previous": 0, "change_pct": None}
    assert data["content"]["cok"]["demanded"] == {"value": 2, "previous": 1, "change_pct": 100.0}
    assert set(data["content"]) == {"cok", "social", "document"}


def test_csv_has_one_row_per_metric_and_municipality_by_part_of_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _run(monkeypatch, tmp_path, "activity", "--as-of", "2024-09-30", "--municipality", "m1", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "period",
        "previous_period",
        "scope",
        "panel",
        "metric",
        "value",
        "previous",
        "change",
        "change_unit",
    ]
    assert (rows[0]["period"], rows[0]["scope"]) == ("2024-09-01..2024-09-30", "M1")
    assert len(rows) == 5 + 5 + 5 + 3 + 3 * 3
    by_key = {(r["panel"], r["metric"]): r for r in rows}
    assert by_key[("schools", "total")]["value"] == "2"  # M1 only
    teachers = by_key[("teachers", "active")]
    assert (teachers["value"], teachers["previous"], teachers["change"]) == ("1", "0", "")


def test_a_fall_is_a_negative_number_in_the_csv_not_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A change was written as text beside counts, so the formula guard made «-50.0» into «'-50.0» (independent
    check, session 18): a spreadsheet read it as text. Changes are numbers; counts still read «2», not «2.0»."""
    serve(
        monkeypatch,
        dataset(
            schools=[school("2300000012", "СОШ № 1", "М1", "municipal", 4, 4)],
            accounts=[account("myschool", f"t{i}", "teacher", "2300000012") for i in (1, 2)],
            events=[
                *(event("myschool", f"t{i}", "teacher", "2300000012", datetime(2024, 8, 5, 10)) for i in (1, 2)),
                event("myschool", "t1", "teacher", "2300000012", datetime(2024, 9, 5, 10)),
            ],
        ),
    )
    result = invoke("activity", "--data", str(tmp_path), "--month", "2024-09", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {(r["panel"], r["metric"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    teachers = rows[("teachers", "active")]
    assert (teachers["value"], teachers["previous"], teachers["change"]) == ("1", "2", "-50.0")
    assert not any(cell.startswith("'") for r in rows.values() for cell in r.values())


def test_unknown_municipality_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(monkeypatch, tmp_path, "activity", "--month", "2024-09", "--municipality", "Сочи")
    assert result.exit_code == 2
    assert "не найдено" in result.stderr
