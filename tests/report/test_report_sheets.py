"""The sheets laid out from metrics-a's results (ЦПУ, Сферум, План, Динамика) against the JSON of the same
metric functions, on the hand-computed data set of tests/report/fixtures.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.worksheet.worksheet import Worksheet

import adoption_cli.sources
from adoption_cli.config import load_settings
from adoption_cli.metrics.activity import compute_activity
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.rating import compute_rating
from adoption_cli.metrics.sferum import compute_sferum
from adoption_cli.metrics.trend import compute_trend
from adoption_cli.periods import month_range, parse_month
from tests.builders import dataset, event, school
from tests.report.conftest import RunReport
from tests.report.fixtures import report_dataset

SEPT = parse_month("2024-09")


def _settings() -> Any:
    return load_settings(None, environ={})


def _table(ws: Worksheet, header: str) -> tuple[int, list[list[Any]]]:
    """(header row, rows below it up to the first empty row) of the table whose column A header is `header`."""
    row = next(cell.row for cell in ws["A"] if cell.value == header)
    rows = []
    for values in ws.iter_rows(min_row=row + 1, values_only=True):
        if values[0] is None:
            break
        rows.append(list(values))
    return row, rows


@pytest.fixture
def book(run_report: RunReport, tmp_path: Path) -> Any:
    assert run_report("--month", "2024-09").exit_code == 0
    return load_workbook(tmp_path / "adoption-2024-09.xlsx")


def test_assistant_sheet_matches_json(book: Any) -> None:
    expected = compute_assistant(report_dataset(), SEPT, _settings()).model_dump(mode="json")
    ws = book["ЦПУ"]
    header, rows = _table(ws, "Муниципальное образование")
    # the schools' table follows: a frozen municipalities' header would head the schools' rows
    assert ws.freeze_panes is None and ws.auto_filter.ref.startswith(f"A{header}:")
    municipalities = rows[: len(expected["municipalities"])]
    for row, m in zip(municipalities, expected["municipalities"], strict=True):
        assert row[:4] == [m["name"], m["students_total"], m["students_active"], pytest.approx(m["share_pct"] / 100)]
        assert row[4:] == [0.849, "да" if m["target_met"] else "нет", m["students_needed"]]
    region = rows[len(expected["municipalities"])]
    assert region[:3] == ["Регион", 36, 3] and expected["region"]["students_needed"] == region[6] == 28
    assert ws.cell(header + 1, 4).number_format == "0.00%"
    (chart,) = ws._charts
    assert isinstance(chart, BarChart) and any(isinstance(part, LineChart) for part in chart._charts)
    _, schools = _table(ws, "ИНН")
    assert [(r[0], r[3], r[4]) for r in schools] == [
        (s["school_id"], s["students_total"], s["students_active"]) for s in expected["schools"]
    ]


def test_sferum_sheet_matches_json(book: Any) -> None:
    expected = compute_sferum(report_dataset(), SEPT, _settings()).model_dump(mode="json")
    ws = book["Сферум"]
    header, rows = _table(ws, "Муниципальное образование")
    keys = ("teachers_total", "teachers_active", "teacher_share_pct", "teacher_share_change_pp")
    for row, m in zip(rows, [*expected["municipalities"], {**expected["region"], "name": "Регион"}], strict=True):
        assert row[0] == m["name"]
        assert row[1:3] == [m[keys[0]], m[keys[1]]]
        assert row[3] == pytest.approx(m[keys[2]] / 100) and row[4] == pytest.approx(m[keys[3]])
        assert row[9:] == [m["level"], m["level_previous"]]
    assert ws.cell(header + 1, 5).number_format == '+0.0" п.п.";-0.0" п.п.";0.0" п.п."'  # points, not a percent
    formulas = [rule.formula[0] for rng in ws.conditional_formatting for rule in rng.rules]
    assert formulas == [f'J{header + 1}="высокая"', f'J{header + 1}="низкая"']


def test_plan_sheet_lists_the_cheapest_schools(run_report: RunReport, tmp_path: Path) -> None:
    config = tmp_path / "plan.toml"
    config.write_text("[indicator]\ntarget_pct = 60\n", encoding="utf-8")
    assert run_report("--month", "2024-09", "--config", str(config)).exit_code == 0
    ws = load_workbook(tmp_path / "adoption-2024-09.xlsx")["План"]
    facts = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    # ⌈0.6 × 5⌉ = 3 required, 2 flagged: one more; candidates 2 (needs 4 + 5) and 6 (5 + 5): school 2
    assert facts["Нужно школ, отвечающих критерию (⌈цель × школ⌉)"] == 3
    assert facts["Ещё нужно школ"] == 1 and facts["Претендентов (не отвечают, численность по ОО-1 известна)"] == 2
    assert facts["Цель достижима"] == "да" and facts["Всего нужно ещё активных"] == 9
    header, chosen = _table(ws, "ИНН")
    assert [row[:6] for row in chosen] == [["2300000002", "+7 школа", "Анапа", 4, 5, 9]]
    assert header > 12 and ws.freeze_panes is None  # under the plan's facts: frozen, they would fill the screen


def test_trend_sheet_matches_json_and_leaves_out_months_before_the_data(book: Any) -> None:
    months = month_range("2023-10", "2024-09")
    expected = compute_trend(report_dataset(), months, _settings()).model_dump(mode="json")
    ws = book["Динамика"]
    _, rows = _table(ws, "Месяц")
    region = {p["month"]: p for p in expected["region"]["points"]}
    # the data start with one August login: months before August are left out
    assert [row[0] for row in rows] == ["2024-08", "2024-09"]
    for row in rows:
        point = region[row[0]]
        assert row[1:3] == [point["schools"], point["flagged"]]
        assert row[3] == pytest.approx(point["indicator_pct"] / 100)
        assert row[6] == pytest.approx(point["assistant_pct"] / 100)
    _, by_municipality = _table(ws, "Муниципальное образование")
    assert [row[:3] for row in by_municipality] == [["Анапа", 0.0, 0.5], ["Сочи", 0.0, pytest.approx(1 / 3)]]
    (chart,) = ws._charts
    assert isinstance(chart, LineChart) and len(chart.series) == 4


def test_without_assistant_data_the_sheet_says_so(
    run_report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_myschool = dataset(
        schools=[school("2300000001", "Школа", "Анапа", "municipal", 1, 1)],
        events=[
            event("myschool", "t1", "teacher", "2300000001", datetime(2024, 9, 2)),
            event("myschool", "s1", "student", "2300000001", datetime(2024, 9, 2)),
        ],
    )
    monkeypatch.setattr(adoption_cli.sources, "load_dataset", lambda *args, **kwargs: only_myschool)
    result = run_report("--month", "2024-09", "--fail-below-target")
    assert result.exit_code == 0, result.stderr  # no assistant data: nothing to judge, not a miss
    book = load_workbook(tmp_path / "adoption-2024-09.xlsx")
    lines = [row[0] for row in book["ЦПУ"].iter_rows(values_only=True)]
    assert "В выгрузках нет данных ЦПУ." in lines and "ИНН" not in lines and book["ЦПУ"]._charts == []
    summary = {row[0]: row for row in book["Сводка"].iter_rows(values_only=True) if row[0]}
    assert summary["ЦПУ: доля обучающихся, активных в ЦПУ"][1] is None
    assert summary["ЦПУ: доля обучающихся, активных в ЦПУ"][4] == "нет данных ЦПУ"
    assert "нет данных Сферума" in summary["Сферум"]


def test_myschool_sheet_matches_the_activity_json(book: Any) -> None:
    expected = compute_activity(report_dataset(), SEPT).model_dump(mode="json")
    ws = book["Моя школа"]
    header, rows = _table(ws, "Раздел")
    assert ws.freeze_panes == f"A{header + 1}"
    figures = {(row[0], row[1]): row[2:5] for row in rows}
    teachers = expected["teachers"]
    assert figures[("Педагоги", "Активны")] == [teachers["active"]["value"], teachers["active"]["previous"], None]
    assert teachers["active"]["value"] == 3  # t1, t4 and t5 (all registry schools); t2 is on Сферум
    registered = expected["students"]["registered"]["value"]
    assert figures[("Обучающиеся", "Зарегистрированы")][0] == registered == 3
    share = expected["schools"]["active_share_of_total"]
    assert figures[("Школы", "доля от реестра")][0] == pytest.approx(share["value"] / 100)
    assert figures[("Школы", "доля от реестра")][2] == pytest.approx(share["change_pp"])
    row = header + 1 + next(i for i, r in enumerate(rows) if r[1] == "доля от реестра")
    assert ws.cell(row, 3).number_format == "0.00%" and ws.cell(row, 5).number_format.startswith("+0.0")
    assert not any(r[0].startswith("Контент") for r in rows)


def test_content_sheet(book: Any) -> None:
    expected = compute_activity(report_dataset(), SEPT).model_dump(mode="json")["content"]
    _, rows = _table(book["Контент"], "Вид контента")
    figures = {(row[0], row[1]): row[2] for row in rows}
    assert figures[("ЦОК", "Доступно")] == expected["cok"]["available"]["value"] == 1
    assert figures[("ЦОК", "Востребовано")] == expected["cok"]["demanded"]["value"] == 1
    assert figures[("Документы", "Доступно")] == 1 and figures[("Соцмедиа", "Доступно")] == 0
    assert figures[("ЦОК", "доля от доступного")] == 1.0


def test_rating_sheet_matches_the_rating_json(book: Any) -> None:
    expected = compute_rating(report_dataset(), SEPT).model_dump(mode="json")["schools"]
    ws = book["Рейтинг"]
    header, _ = _table(ws, "Место")
    rows = [list(values) for values in ws.iter_rows(min_row=header + 1, values_only=True)]  # unranked: no rank
    assert [r[:8] for r in rows] == [
        [
            s["rank"],
            s["rank_change"],
            s["school_id"],
            ws.cell(header + 1 + i, 4).value,
            s["municipality"],
            s["registered"],
            s["active"],
            None if s["share_pct"] is None else pytest.approx(s["share_pct"] / 100),
        ]
        for i, s in enumerate(expected)
    ]
    # school 4: 4 active of 1 registered (capped), school 1: 3 of 3 — ties on share go to more active
    assert [r[2] for r in rows[:3]] == ["2300000004", "2300000001", "2300000002"]
    formulas = [rule.formula[0] for rng in ws.conditional_formatting for rule in rng.rules]
    assert formulas == [
        f"AND(ISNUMBER(B{header + 1}),B{header + 1}>0)",
        f"AND(ISNUMBER(B{header + 1}),B{header + 1}<0)",
    ]


def _one_total_missing() -> Any:
    """School 1: teachers 2 of 4 (50 %), students' ОО-1 total 0 with 2 active; school 2: no teachers' total,
    students 16 of 300."""
    return dataset(
        schools=[
            school("2300000001", "Школа 1", "Анапа", "municipal", 4, 0),
            school("2300000002", "Школа 2", "Анапа", "municipal", None, 300),
        ],
        events=[
            *(event("myschool", f"t{i}", "teacher", "2300000001", datetime(2024, 9, 2)) for i in range(2)),
            *(event("myschool", f"s{i}", "student", "2300000001", datetime(2024, 9, 2)) for i in range(2)),
            *(event("myschool", f"u{i}", "student", "2300000002", datetime(2024, 9, 2)) for i in range(16)),
        ],
    )


@pytest.fixture
def one_total_missing(run_report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(adoption_cli.sources, "load_dataset", lambda *args, **kwargs: _one_total_missing())
    assert run_report("--month", "2024-09").exit_code == 0
    return load_workbook(tmp_path / "adoption-2024-09.xlsx")


def test_schools_sheet_judges_each_roles_need_on_its_own_as_the_school_card_does(one_total_missing: Any) -> None:
    from adoption_cli.metrics.school import compute_card

    ws = one_total_missing["Школы"]
    header, rows = _table(ws, "ИНН")
    columns = {cell.value: cell.column - 1 for cell in ws[header]}
    needs = {
        row[0]: (row[columns["Нужно ещё активных педагогов"]], row[columns["Нужно ещё активных обучающихся"]])
        for row in rows
    }
    assert needs == {"2300000001": (0, None), "2300000002": (None, 134)}
    for school_id, need in needs.items():
        card = compute_card(_one_total_missing(), school_id, SEPT, _settings()).indicator
        assert (card.teachers_needed, card.students_needed) == need


def test_a_zero_total_is_no_total_not_a_capped_share(one_total_missing: Any) -> None:
    """As the indicator's data_quality counts them: a capped share needs a positive total below the active."""
    ws = one_total_missing["Качество данных"]
    _, rows = _table(ws, "Ограниченные доли (0) и нулевые численности (2)")
    problems = {row[0]: row[7] for row in rows[1:]}
    assert problems == {
        "2300000001": "численность по ОО-1 равна нулю или не указана",
        "2300000002": "численность по ОО-1 равна нулю или не указана",
    }


def test_a_rejects_column_is_named_as_the_file_names_it(
    run_report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As `validate` names it (FileLoad.headers): «инн оо», not the canonical «school_id»; «вся строка» for
    a whole row; the canonical name where the file's headers are not known (an older store)."""
    from adoption_cli.dataset import RejectExample

    data = report_dataset()
    files = {file.path: file for file in data.report.files}
    files["schools.csv"].rejected_by_reason = {"bad_checksum": 1, "fractional_number": 1}
    files["schools.csv"].examples = [
        RejectExample(row=7, column="school_id", value="2310000001", reason="bad_checksum"),
        RejectExample(row=8, column="students_total", value="1,5", reason="fractional_number"),
    ]
    files["schools.csv"].headers = {"school_id": "инн оо", "students_total": "Обучающихся"}
    files["events.csv"].rejected_by_reason = {"ragged_row": 1, "bad_date": 1}
    files["events.csv"].examples = [
        RejectExample(row=3, column="*", value=None, reason="ragged_row"),
        RejectExample(row=4, column="ts", value="31.09.2024", reason="bad_date"),
    ]
    monkeypatch.setattr(adoption_cli.sources, "load_dataset", lambda *args, **kwargs: data)
    assert run_report("--month", "2024-09").exit_code == 0
    _, rows = _table(load_workbook(tmp_path / "adoption-2024-09.xlsx")["Качество данных"], "Файл")
    columns = {(row[0], row[3]): row[4] for row in rows}
    assert columns == {
        ("schools.csv", 7): "инн оо",
        ("schools.csv", 8): "Обучающихся",
        ("events.csv", 3): "вся строка",
        ("events.csv", 4): "ts",
    }
