"""`activity` and `rating` read real files (the canonical dialect fixture) through the loader, end to end.

Hand-computed from tests/fixtures/dialects/canonical, «Моя школа», September 2024 against August:
- m-001 teacher, МБОУ СОШ № 1 (Краснодар): registered 20.08, last login 30.09 23:59:59 — active;
- m-002 student, same school: blocked — neither registered nor active, and its content view does not count;
- m-003 parent, ГБОУ Лицей № 2 (Краснодар): registered 22.08, never logged in;
- m-004 teacher, МАОУ Гимназия № 3 (Сочи): no registration date (registered), last login 01.10;
- m-005 student, ЧОУ Школа «Эрудит» (Сочи): registered 01.09 12:00, last login 15.09 — active.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.cli_support import invoke

CANONICAL = Path(__file__).resolve().parents[1] / "fixtures" / "dialects" / "canonical"


def _json(tmp_path: Path, *args: str) -> dict[str, Any]:
    data = tmp_path / "data"
    shutil.copytree(CANONICAL, data)
    result = invoke(*args, "--data", str(data), "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_activity_from_files(tmp_path: Path) -> None:
    data = _json(tmp_path, "activity", "--month", "2024-09")
    assert data["grain"] == "user"
    schools, teachers, students = data["schools"], data["teachers"], data["students"]
    assert (schools["total"]["value"], schools["registered"]["value"], schools["registered"]["previous"]) == (4, 4, 3)
    assert (schools["active"]["value"], schools["active_share_of_total"]["value"]) == (2, 50.0)
    assert (teachers["total"]["value"], teachers["registered"]["value"], teachers["active"]["value"]) == (125, 2, 1)
    assert students["registered"] == {"value": 1, "previous": 0, "change_pct": None}
    assert (data["parents"]["registered"]["value"], data["parents"]["active"]["value"]) == (1, 0)
    content = data["content"]
    assert (content["cok"]["available"]["value"], content["cok"]["demanded"]["value"]) == (1, 1)
    assert content["document"]["demanded"]["value"] == 0  # viewed only by the blocked m-002
    assert content["document"]["available"]["previous"] == 1  # from 15.08


def test_activity_for_a_municipality_from_files(tmp_path: Path) -> None:
    data = _json(tmp_path, "activity", "--month", "2024-09", "--municipality", "сочи")
    assert data["scope"] == {"level": "municipality", "municipality": "г. Сочи"}
    assert (data["teachers"]["total"]["value"], data["teachers"]["registered"]["value"]) == (60, 1)
    assert (data["students"]["active"]["value"], data["content"]["cok"]["demanded"]["value"]) == (1, 1)


def test_rating_from_files(tmp_path: Path) -> None:
    data = _json(tmp_path, "rating", "--month", "2024-09")
    assert [(s["name"], s["rank"], s["previous_rank"], s["rank_change"]) for s in data["schools"]] == [
        ("МБОУ СОШ № 1", 1, 3, 2),
        ("ЧОУ Школа «Эрудит»", 2, None, None),
        ("ГБОУ Лицей № 2", 3, 1, -2),
        ("МАОУ Гимназия № 3", 4, 2, -2),
    ]
