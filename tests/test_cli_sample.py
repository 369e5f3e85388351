"""The README's first command, end to end on the committed sample_data/, and `adoption validate` finding every
row the generator planted (sample_data/sample_summary.json lists them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_support import invoke

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample_data/ is not in this checkout")


@pytest.fixture(scope="module")
def indicator() -> dict[str, Any]:
    result = invoke("indicator", "--data", str(SAMPLE), "--month", "2024-09", "--format", "json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.fixture(scope="module")
def validation() -> dict[str, Any]:
    result = invoke("validate", "--data", str(SAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def _planted() -> list[dict[str, Any]]:
    planted: list[dict[str, Any]] = json.loads((SAMPLE / "sample_summary.json").read_text(encoding="utf-8"))["planted"]
    return planted


def test_readme_command_prints_the_table() -> None:
    result = invoke("indicator", "--data", str(SAMPLE), "--month", "2024-09")
    assert result.exit_code == 0, result.output
    assert "Индикатор использования платформ — сентябрь 2024" in result.stdout
    assert "Регион" in result.stdout and "г. Краснодар" in result.stdout
    # the planted rejects are announced in one line on stderr, and the result still comes
    assert "Внимание: отклонено строк:" in result.stderr


def test_indicator_parts_add_up(indicator: dict[str, Any]) -> None:
    region, municipalities, schools = indicator["region"], indicator["municipalities"], indicator["schools"]
    assert 0 < region["schools"] <= 150  # the generator's 150 organisations minus the private ones
    assert region["schools"] == len(schools) == sum(m["schools"] for m in municipalities)
    assert region["flagged"] == sum(s["flagged"] for s in schools) == sum(m["flagged"] for m in municipalities)
    assert len({m["name"] for m in municipalities}) == len(municipalities) > 10
    assert region["schools_needed"] == max(0, -(-33 * region["schools"] // 100) - region["flagged"])


def test_validate_finds_every_planted_reject(validation: dict[str, Any]) -> None:
    # A file's first rejects per reason are its examples; the sample plants fewer than that per reason.
    shown = {(f["path"], e["row"]) for f in validation["files"] for e in f["examples"]}
    planted = {(p["path"], p["row"]) for p in _planted() if p["rejected"]}
    assert planted <= shown
    assert validation["rejected"] == len(planted)


def test_validate_counts_planted_unknown_schools_and_registry_notes(validation: dict[str, Any]) -> None:
    files = {f["path"]: f for f in validation["files"]}
    for path in {p["path"] for p in _planted() if p["reason"] == "unknown_school"}:
        expected = sum(1 for p in _planted() if p["path"] == path and p["reason"] == "unknown_school")
        assert files[path]["unknown_school"] == expected, path
    branches = {p["value"].strip() for p in _planted() if p["reason"] == "branch"}
    assert {b["school_id"] for b in validation["branches_merged"]} == branches
    assert validation["duplicates_dropped"] == sum(1 for p in _planted() if p["reason"] == "duplicate_row")
    assert validation["rows"] == validation["loaded"] + validation["rejected"]
