"""Every workbook cell coloured against a target is shown with the digits its verdict needs (docs/cron.md,
docs/metrics.md «Shares»): 25 469 of 30 000 students (84,8967 %) against 84,9 % are not «84,90 %» on the
«Динамика» and «ЦПУ» sheets either (independent check 9), as they were not on «Сводка»."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.builders import dataset, school, stat
from tests.cli_support import invoke, serve

SEPT = date(2024, 9, 1)


def _cells_with(ws: object, value: float) -> list[object]:
    return [cell for row in ws.iter_rows() for cell in row if cell.value == pytest.approx(value)]  # type: ignore[attr-defined]


def _one_school(monkeypatch: pytest.MonkeyPatch, students: int, active: int) -> None:
    """One school of `students` (ОО-1) of which `active` used the assistant in September 2024."""
    schools = [school("2300000012", "СОШ № 1", "Город", "municipal", 10, students)]
    serve(
        monkeypatch, dataset(schools=schools, school_stats=[stat("assistant", "2300000012", SEPT, "student", active)])
    )


def test_shares_beside_a_target_never_round_to_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _one_school(monkeypatch, 30_000, 25_469)
    result = invoke("report", "--data", str(tmp_path), "--month", "2024-09", "--out", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(tmp_path / "r.xlsx")
    share = 25_469 / 30_000
    for sheet in ("Сводка", "ЦПУ", "Динамика"):
        cells = _cells_with(book[sheet], share)
        assert cells, sheet
        assert {cell.number_format for cell in cells} == {"0.000%"}, sheet  # 84,897 %, never 84,90 %
    assert "цель 84,9\u202f%." in str(book["ЦПУ"]["A2"].value)  # a decimal comma in Russian text


def test_the_card_says_how_many_are_lacking_in_the_genitive(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _one_school(monkeypatch, 1_000, 848)
    card = invoke("school", "2300000012", "--data", str(tmp_path), "--month", "2024-09")
    assert card.exit_code == 0, card.stderr
    assert "не хватает 1 обучающегося" in " ".join(card.stdout.split())  # ⌈849⌉ − 848, not «1 обучающийся»
