"""`adoption rating` end to end on the hand-computed fixture of test_rating (reader replaced)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli_support import invoke, serve
from tests.metrics.test_rating import fixture


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Result:
    serve(monkeypatch, fixture())
    return invoke(*args, "--data", str(tmp_path))


def test_table_has_rank_changes_and_new(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(monkeypatch, tmp_path, "rating", "--month", "2024-09")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    delta = next(line for line in lines if "Дельта" in line)
    assert delta.split()[:4] == ["1", "▲3", "Дельта", "2300000004"]  # the ИНН tells namesakes apart
    assert next(line for line in lines if "Гамма" in line).split()[:2] == ["4", "▼3"]
    assert "новая" in next(line for line in lines if "Эпсилон" in line)
    assert "роль: все" in result.stdout and "вне рейтинга: 1" in result.stdout


def test_json_top_and_role(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(
        monkeypatch, tmp_path, "rating", "--month", "2024-09", "--role", "teacher", "--top", "2", "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["role"], data["top"], data["period"]["label"]) == ("teacher", 2, "2024-09")
    assert [(s["name"], s["rank"], s["share_pct"]) for s in data["schools"]] == [
        ("Бета", 1, 100.0),
        ("Гамма", 2, 100.0),
    ]


def test_csv_lists_every_school(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(monkeypatch, tmp_path, "rating", "--month", "2024-09", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows][-1] == "Жемчужина"
    assert (rows[0]["period"], rows[0]["role"], rows[0]["rank"], rows[0]["rank_change"]) == ("2024-09", "all", "1", "3")
    assert rows[-1]["rank"] == ""


def test_unranked_schools_have_empty_rank_cells_in_name_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(
        monkeypatch,
        tmp_path,
        "rating",
        "--month",
        "2024-09",
        "--municipality",
        "M2",
        "--role",
        "student",
        "-f",
        "csv",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "period,role,rank,previous_rank,rank_change,school_id,name,municipality,registered,active,share_pct",
        *(
            f"2024-09,student,,,,{school_id},{name},M2,0,0,"
            for school_id, name in (("2300000004", "Дельта"), ("2300000006", "Жемчужина"), ("2300000005", "Эпсилон"))
        ),
    ]
