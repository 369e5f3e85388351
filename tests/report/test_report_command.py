"""`adoption report` on the hand-computed data set (tests/report/fixtures.py), read back with openpyxl."""

from __future__ import annotations

import errno
import os
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.worksheet.worksheet import Worksheet

from adoption_cli.cli.commands.report import previous_month
from adoption_cli.config import load_settings
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.periods import parse_month
from tests.report.conftest import RunReport
from tests.report.fixtures import HYPERLINK, report_dataset

SHEETS_RU = [
    "Сводка",
    "Школы",
    "ЦПУ",
    "Моя школа",
    "Сферум",
    "Контент",
    "Рейтинг",
    "План",
    "Динамика",
    "Качество данных",
    "Об отчёте",
]
SHEETS_EN = [
    "Summary",
    "Schools",
    "Assistant",
    "My School",
    "Sferum",
    "Content",
    "Rating",
    "Plan",
    "Trend",
    "Data quality",
    "About",
]


def _indicator_json() -> dict[str, Any]:
    result = compute_indicator(report_dataset(), parse_month("2024-09"), load_settings(None, environ={}))
    return result.model_dump(mode="json")


def _rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def _row_of(ws: Worksheet, first: Any) -> int:
    """Number of the first row whose column A holds `first`."""
    return next(cell.row for cell in ws["A"] if cell.value == first)


def _header(ws: Worksheet, row: int) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


@pytest.fixture
def workbook(run_report: RunReport, tmp_path: Path) -> Any:
    result = run_report("--month", "2024-09")
    assert result.exit_code == 0, result.stderr
    return load_workbook(tmp_path / "adoption-2024-09.xlsx")


def test_previous_month_is_the_default(run_report: RunReport, tmp_path: Path) -> None:
    result = run_report()  # «today» is 2024-10-15
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("adoption-2024-09.xlsx")
    assert (tmp_path / "adoption-2024-09.xlsx").is_file()
    assert previous_month(date(2024, 1, 31)) == date(2023, 12, 1)
    assert previous_month(date(2024, 3, 1)) == date(2024, 2, 1)


def test_today_is_the_date_in_the_zone_asked_for() -> None:
    from adoption_cli.cli.commands.report import today

    # (25 hours apart: the two dates always differ)
    assert today("Pacific/Kiritimati") > today("Pacific/Pago_Pago")


def test_today_is_where_the_data_is(run_report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default month is counted from today in `[time] timezone`, not on the server's clock: on the 1st at
    00:30 in Moscow a UTC server is still on the 31st, and would report the month before last."""
    from adoption_cli.cli.commands import report as report_command

    (tmp_path / "data" / "adoption.toml").write_text('[time]\ntimezone = "Asia/Vladivostok"\n', encoding="utf-8")
    import adoption_cli.cli.session as session

    zones: list[str] = []
    monkeypatch.setattr(report_command, "today", lambda timezone: zones.append(timezone) or date(2024, 10, 1))
    read: list[Path] = []
    monkeypatch.setattr(
        session, "load_settings", lambda folder, **kwargs: read.append(folder) or load_settings(folder, **kwargs)
    )
    result = run_report()
    assert result.exit_code == 0, result.stderr
    assert zones == ["Asia/Vladivostok"]
    assert read == [tmp_path / "data"]  # the settings the month was counted by are the report's (read once)
    assert (tmp_path / "adoption-2024-09.xlsx").is_file()


def test_the_generation_time_is_where_the_data_is(run_report: RunReport, tmp_path: Path) -> None:
    """«Сформирован» was the server's clock (often UTC), unlabelled, beside figures in Moscow time: now the time in
    `[time] timezone`, named beside it."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    (tmp_path / "data" / "adoption.toml").write_text('[time]\ntimezone = "Asia/Vladivostok"\n', encoding="utf-8")
    assert run_report("--month", "2024-09").exit_code == 0
    about = load_workbook(tmp_path / "adoption-2024-09.xlsx")["Об отчёте"]
    generated = about.cell(_row_of(about, "Сформирован (Asia/Vladivostok)"), 2).value
    there = datetime.now(ZoneInfo("Asia/Vladivostok")).replace(tzinfo=None)
    assert abs(there - generated) < timedelta(minutes=5)


def test_sheet_names_in_both_languages(run_report: RunReport, tmp_path: Path) -> None:
    assert run_report("--month", "2024-09").exit_code == 0
    assert load_workbook(tmp_path / "adoption-2024-09.xlsx").sheetnames == SHEETS_RU
    assert run_report("--month", "2024-09", "--lang", "en", "--out", "en.xlsx").exit_code == 0
    english = load_workbook(tmp_path / "en.xlsx")
    assert english.sheetnames == SHEETS_EN
    assert english["Schools"]["A1"].value == "INN"
    assert "yes" in {row[9] for row in _rows(english["Schools"])[1:]}
    # the terminal's word, «flagged», on every sheet
    assert english["Schools"].cell(1, 10).value == "Flagged"
    assert "Schools flagged" in {row[2] for row in _rows(english["Summary"])}


def test_summary_matches_the_indicator_json(workbook: Any) -> None:
    expected = _indicator_json()
    ws = workbook["Сводка"]
    header_row = _row_of(ws, "Муниципальное образование")
    columns = _header(ws, header_row)
    assert header_row > 12 and ws.freeze_panes is None  # under the headline figures: nothing frozen
    assert ws.auto_filter.ref == f"A{header_row}:G{header_row + len(expected['municipalities'])}"
    for offset, municipality in enumerate(expected["municipalities"], start=1):
        row = [cell.value for cell in ws[header_row + offset]]
        assert row[0] == municipality["name"]
        assert row[columns["Школ в расчёте"] - 1] == municipality["schools"]
        assert row[columns["Школ, отвечающих критерию"] - 1] == municipality["flagged"]
        assert row[columns["Доля школ"] - 1] == pytest.approx(municipality["share_pct"] / 100)
        assert row[columns["Цель"] - 1] == 0.33
        assert row[columns["Цель достигнута"] - 1] == ("да" if municipality["target_met"] else "нет")
        assert row[columns["Ещё нужно школ"] - 1] == municipality["schools_needed"]
    share = ws.cell(header_row + 1, columns["Доля школ"])
    assert share.number_format == "0.00%" and share.data_type == "n"
    region = [c.value for c in ws[header_row + len(expected["municipalities"]) + 1]]
    assert region[:4] == ["Регион", 5, 2, 0.4] and expected["region"]["share_pct"] == 40.0
    # hand-computed: Анапа 1 of 2, Сочи 1 of 3
    assert [(m["name"], m["flagged"], m["schools"]) for m in expected["municipalities"]] == [
        ("Анапа", 1, 2),
        ("Сочи", 1, 3),
    ]
    headline = ws.cell(_row_of(ws, "Индикатор: доля школ, отвечающих критерию"), 2)
    assert headline.value == 0.4 and headline.number_format == "0.00%"
    assert any(
        "Данные по: входы — 10.09.2024" in str(value)
        for (value,) in ws.iter_rows(min_col=1, max_col=1, values_only=True)
    )


def test_summary_has_fills_and_the_bar_chart_with_target_line(workbook: Any) -> None:
    ws = workbook["Сводка"]
    formulas = [rule.formula[0] for rng in ws.conditional_formatting for rule in rng.rules]
    assert any(f.endswith('="да"') for f in formulas) and any(f.endswith('="нет"') for f in formulas)
    (chart,) = ws._charts
    assert isinstance(chart, BarChart)
    assert any(isinstance(part, LineChart) for part in chart._charts)  # bar + line loaded as one plot


def test_schools_sheet(workbook: Any) -> None:
    expected = {school["school_id"]: school for school in _indicator_json()["schools"]}
    ws = workbook["Школы"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    columns = _header(ws, 1)
    rows = {row[0]: row for row in _rows(ws)[1:]}
    assert set(rows) == set(expected) and "2300000005" not in rows  # private school outside the population
    for school_id, school in expected.items():
        row = rows[school_id]
        assert row[columns["Активных педагогов (индикатор)"] - 1] == school["teachers_active"]
        assert row[columns["Активных обучающихся (индикатор)"] - 1] == school["students_active"]
        share = school["student_share_pct"]
        assert row[columns["Доля активных обучающихся"] - 1] == (None if share is None else pytest.approx(share / 100))
        assert row[columns["Отвечает критерию индикатора"] - 1] == ("да" if school["flagged"] else "нет")
    assert rows["2300000002"][columns["Нужно ещё активных педагогов"] - 1] == 4
    assert rows["2300000002"][columns["Нужно ещё активных обучающихся"] - 1] == 5
    assert rows["2300000003"][columns["Нужно ещё активных педагогов"] - 1] is None  # zero total: not judged
    assert rows["2300000004"][columns["Доля активных обучающихся"] - 1] == 1.0  # 3 of 2: capped
    assert rows["2300000002"][columns["Сферум: активных педагогов"] - 1] == 1
    assert rows["2300000001"][columns["ЦПУ: активных обучающихся"] - 1] == 3
    assert rows["2300000001"][columns["Моя школа: активных обучающихся"] - 1] == 2  # the August event is outside
    share = ws.cell(2, columns["Доля активных педагогов"])
    assert share.number_format == "0.00%"
    assert len(ws.conditional_formatting) >= 3


def test_formula_like_names_stay_literal_and_control_characters_go(workbook: Any, tmp_path: Path) -> None:
    ws = workbook["Школы"]
    names = {row[0]: ws.cell(row=index, column=2) for index, row in enumerate(_rows(ws), start=1)}
    assert names["2300000001"].value == HYPERLINK and names["2300000001"].data_type == "s"
    assert names["2300000002"].value == "+7 школа" and names["2300000002"].quotePrefix
    assert names["2300000003"].value == "-1 школа" and names["2300000003"].quotePrefix
    assert names["2300000004"].value == "@x" and names["2300000004"].quotePrefix
    with zipfile.ZipFile(tmp_path / "adoption-2024-09.xlsx") as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert sheets and all("<f>" not in archive.read(name).decode() for name in sheets)


def test_quality_sheet(workbook: Any) -> None:
    ws = workbook["Качество данных"]
    values = _rows(ws)
    assert ws.freeze_panes is None and ws.auto_filter.ref is not None  # several tables: none frozen
    assert values[_row_of(ws, "Файл")][:1] == ("Отклонённых строк нет.",)
    inactive_title = _row_of(ws, next(v[0] for v in values if str(v[0]).startswith("Школы реестра без")))
    assert "(2)" in ws.cell(inactive_title, 1).value
    assert {ws.cell(inactive_title + 2, 1).value, ws.cell(inactive_title + 3, 1).value} == {"2300000003", "2300000006"}
    judged = _row_of(ws, "Ограниченные доли (1) и нулевые численности (1)")
    problems = {
        ws.cell(judged + 2, 1).value: ws.cell(judged + 2, 8).value,
        ws.cell(judged + 3, 1).value: ws.cell(judged + 3, 8).value,
    }
    assert "ограничена" in problems["2300000004"] and "нулю" in problems["2300000003"]


def test_about_sheet(workbook: Any) -> None:
    ws = workbook["Об отчёте"]
    facts = {row[0]: row[1] for row in _rows(ws) if row[0]}
    assert facts["Версия adoption-cli"] == __import__("adoption_cli").__version__
    assert facts["Период"] == "сентябрь 2024"
    assert facts["Индикатор: цель в силе"] == 0.33 and facts["ЦПУ: цель в силе"] == 0.849
    assert ws.cell(_row_of(ws, "Индикатор: цель в силе"), 2).number_format == "0.00%"
    files = _row_of(ws, "Файл")
    names = [ws.cell(files + i, 1).value for i in range(1, 8)]
    assert names == [
        "schools.csv",
        "events.csv",
        "school_stats.csv",
        "accounts.csv",
        "content_items.csv",
        "content_views.csv",
        "Всего",
    ]
    assert ws.cell(files + 7, 5).value == 6 + 10 + 1 + 5 + 3 + 3  # rows of every file


def test_same_inputs_same_cells_except_generation_time(run_report: RunReport, tmp_path: Path) -> None:
    assert run_report("--month", "2024-09", "--out", "one.xlsx").exit_code == 0
    assert run_report("--month", "2024-09", "--out", "two.xlsx").exit_code == 0
    one, two = load_workbook(tmp_path / "one.xlsx"), load_workbook(tmp_path / "two.xlsx")
    for name in one.sheetnames:
        left, right = _rows(one[name]), _rows(two[name])
        if name == "Об отчёте":
            generated = _row_of(one[name], "Сформирован (Europe/Moscow)") - 1
            left, right = left[:generated] + left[generated + 1 :], right[:generated] + right[generated + 1 :]
        assert left == right, name


def test_a_bad_month_is_a_usage_error_before_the_folder_is_looked_at(tmp_path: Path) -> None:
    """As in every command (docs/cron.md: exit 2): reading the settings first made it «папка не найдена», exit 1."""
    from tests.cli_support import invoke

    result = invoke("report", "--data", str(tmp_path / "none"), "--month", "2024-13", "--out", str(tmp_path))
    assert result.exit_code == 2 and "2024-13" in result.stderr


def test_out_must_be_a_folder_or_an_xlsx(run_report: RunReport, tmp_path: Path) -> None:
    wrong = run_report("--month", "2024-09", "--out", "report.txt")
    assert wrong.exit_code == 2 and ".xlsx" in wrong.stderr
    missing = run_report("--month", "2024-09", "--out", "no-such-folder")
    assert missing.exit_code == 1 and "не найдена" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "reports").mkdir()
    assert run_report("--month", "2024-09", "--out", "reports").exit_code == 0
    assert (tmp_path / "reports" / "adoption-2024-09.xlsx").is_file()


@pytest.mark.parametrize(
    ("code", "russian"), [(errno.ENOSPC, "на диске нет места"), (errno.EACCES, "нет прав доступа")]
)
def test_a_failed_write_says_why_in_russian(
    run_report: RunReport, monkeypatch: pytest.MonkeyPatch, code: int, russian: str
) -> None:
    """The system's own words («No space left on device») are English; the message gives the reason in Russian."""

    def fail(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("adoption_cli.render.report.write_report", fail)
    result = run_report("--month", "2024-09", "--out", "x.xlsx")
    assert result.exit_code == 1
    assert f"не удалось записать отчёт «x.xlsx»: {russian}. Прежний файл не изменён" in result.stderr
    assert os.strerror(code) not in result.stderr


def test_a_month_after_every_activity_writes_no_workbook(run_report: RunReport, tmp_path: Path) -> None:
    """A cron job run before the month's exports arrived: the newest activity (10.09.2024) is before the
    month, every figure would be 0 — exit 1, nothing written, the message says why (even with --quiet)."""
    result = run_report("--month", "2024-10", "--quiet")
    assert result.exit_code == 1
    assert "за период 2024-10 в выгрузках нет данных об активности (самые поздние — за 10.09.2024)" in result.stderr
    assert "отчёт не записан" in result.stderr
    assert not (tmp_path / "adoption-2024-10.xlsx").exists()
    assert run_report("--month", "2024-09", "--quiet").exit_code == 0  # the month of the data


def test_a_month_before_every_activity_writes_no_workbook(run_report: RunReport, tmp_path: Path) -> None:
    """A month mistyped into the past (the exports begin on 02.09.2024): exit 1, nothing written."""
    result = run_report("--month", "2024-08", "--quiet")
    assert result.exit_code == 1
    assert "за период 2024-08 в выгрузках нет данных об активности (самые ранние — за 02.09.2024)" in result.stderr
    assert not (tmp_path / "adoption-2024-08.xlsx").exists()


def test_bad_month_is_a_usage_error(run_report: RunReport) -> None:
    result = run_report("--month", "2024-13")
    assert result.exit_code == 2 and "ГГГГ-ММ" in result.stderr


def test_fail_below_target_exits_3_after_writing(run_report: RunReport, tmp_path: Path) -> None:
    # indicator 40 % against 33 %: met; assistant 3 of 36 students = 8.3 % against 84.9 %: not met
    result = run_report("--month", "2024-09", "--fail-below-target")
    assert (
        result.exit_code == 3
        and "доля ЦПУ 8,3" in result.stderr
        and "индикатор" not in result.stderr.split("не достигнута:")[-1]
    )
    assert (tmp_path / "adoption-2024-09.xlsx").is_file()
    low = tmp_path / "low.toml"
    low.write_text("[assistant]\ntarget_pct = 8\n", encoding="utf-8")
    assert run_report("--month", "2024-09", "--config", str(low), "--fail-below-target").exit_code == 0
    high = tmp_path / "high.toml"
    high.write_text("[indicator]\ntarget_pct = 60\n[assistant]\ntarget_pct = 8\n", encoding="utf-8")
    result = run_report("--month", "2024-09", "--config", str(high), "--fail-below-target", "--out", "high.xlsx")
    assert result.exit_code == 3 and "индикатор 40,0" in result.stderr
    ws = load_workbook(tmp_path / "high.xlsx")["Сводка"]
    assert ws.cell(_row_of(ws, "Индикатор: доля школ, отвечающих критерию"), 3).value == 0.6
