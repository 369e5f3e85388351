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


def test_a_sferum_share_is_not_rounded_up_to_the_band_it_missed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """7 499 of 25 000 students (29,996 %) is «низкая» (средняя from 30 %): on «Сферум» and «Сводка» it showed as
    «30,00 %» beside «низкая» (independent check, session 18); the terminal already showed «29,99»."""
    schools = [school("2300000012", "СОШ № 1", "Город", "municipal", 10, 25_000)]
    stats = [stat("sferum", "2300000012", SEPT, "teacher", 10), stat("sferum", "2300000012", SEPT, "student", 7_499)]
    serve(monkeypatch, dataset(schools=schools, school_stats=stats))
    result = invoke("report", "--data", str(tmp_path), "--month", "2024-09", "--out", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(tmp_path / "r.xlsx")
    for sheet in ("Сферум", "Сводка"):
        cells = _cells_with(book[sheet], 7_499 / 25_000)
        assert cells, sheet
        assert {cell.number_format for cell in cells} == {"0.000%"}, sheet  # 29,996 %, not 30,00 %
    assert "низкая" in {cell.value for row in book["Сферум"].iter_rows() for cell in row}


def test_a_school_share_is_not_rounded_up_to_the_threshold_it_missed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """19 999 of 40 000 students (49,9975 %) miss the 50 % threshold: «Школы» showed «50,00 %» beside «нет»."""
    schools = [school("2300000012", "СОШ № 1", "Город", "municipal", 2, 40_000)]
    stats = [
        stat("myschool", "2300000012", SEPT, "teacher", 2),
        stat("myschool", "2300000012", SEPT, "student", 19_999),
    ]
    serve(monkeypatch, dataset(schools=schools, school_stats=stats))
    result = invoke("report", "--data", str(tmp_path), "--month", "2024-09", "--out", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0, result.stderr
    ws = load_workbook(tmp_path / "r.xlsx")["Школы"]
    (students,) = _cells_with(ws, 19_999 / 40_000)
    assert students.number_format == "0.000%"  # 49,998 %
    header = {cell.value: cell.column for cell in ws[1]}
    teachers = ws.cell(students.row, header["Доля активных педагогов"])
    assert teachers.value == 1.0 and teachers.number_format == "0.00%"  # a share that reached it: two digits
