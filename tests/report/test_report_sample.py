"""`adoption report` on the committed sample_data/: the workbook's key cells against the JSON output of the
`indicator`, `assistant` and `plan` commands on the same data (the exports are read once and served to all)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from adoption_cli.cli.app import app
from adoption_cli.config import load_settings
from adoption_cli.sources import load_dataset
from tests.report.conftest import ENV

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample_data/ is not in this checkout")


@pytest.fixture(scope="module")
def served() -> Iterator[None]:
    dataset = load_dataset(SAMPLE, load_settings(SAMPLE, environ={}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("adoption_cli.sources.load_dataset", lambda *args, **kwargs: dataset)
        yield


def _json(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--data", str(SAMPLE), "--month", "2024-09", "--format", "json"], env=ENV)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _rows(ws: Any, header: str) -> list[tuple[Any, ...]]:
    start = next(cell.row for cell in ws["A"] if cell.value == header)
    return list(ws.iter_rows(min_row=start + 1, values_only=True))


def test_report_on_sample_data(served: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "--data", str(SAMPLE), "--month", "2024-09", "--out", str(tmp_path)], env=ENV
    )
    assert result.exit_code == 0, result.stderr
    book = load_workbook(tmp_path / "adoption-2024-09.xlsx")
    assert len(book.sheetnames) == 11

    indicator = _json("indicator")
    summary = _rows(book["Сводка"], "Муниципальное образование")
    names = [m["name"] for m in indicator["municipalities"]]
    assert [row[0] for row in summary[: len(names)]] == names
    for row, municipality in zip(summary, indicator["municipalities"], strict=False):
        assert row[1:3] == (municipality["schools"], municipality["flagged"])
        assert row[3] == pytest.approx(municipality["share_pct"] / 100)
    region = summary[len(names)]
    assert region[:3] == ("Регион", indicator["region"]["schools"], indicator["region"]["flagged"])

    assistant = _json("assistant")
    cpu = _rows(book["ЦПУ"], "Муниципальное образование")
    assert cpu[len(assistant["municipalities"])][1:3] == (
        assistant["region"]["students_total"],
        assistant["region"]["students_active"],
    )

    plan = _json("plan")
    chosen = _rows(book["План"], "ИНН")
    assert [row[0] for row in chosen[: len(plan["schools"])]] == [s["school_id"] for s in plan["schools"]]

    schools = _rows(book["Школы"], "ИНН")
    assert len(schools) == indicator["region"]["schools"]
