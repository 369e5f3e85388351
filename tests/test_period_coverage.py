"""What the commands say when the exports do not cover the period asked for, wholly or for some platforms.

The folder is tests/store/exports.py: «Моя школа» events 01.09–31.10.2024 with last logins from 20.08 to
02.11.2024, Сферум events 05.09–05.10.2024 and no Сферум accounts, no ЦПУ at all. Every figure is computed
as always; only stderr changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import invoke
from tests.store.exports import write_exports

NO_DATA = "нет данных об активности"
GAPS = "нет событий и статистики платформ"


@pytest.fixture(params=[False, True], ids=["exports", "store"])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    data = str(write_exports(tmp_path / "data"))
    if request.param:
        assert invoke("ingest", "--data", data, "-q").exit_code == 0
    return data


def test_a_platform_whose_events_stop_before_the_month_is_named(folder: str) -> None:
    """November: «Моя школа» has last logins in it (02.11) but its events end on 31.10, Сферум's on 05.10 and it has
    no accounts. Both are named, each with what is left of it; the figures are the same as without the warning."""
    result = invoke("indicator", "--data", folder, "--month", "2024-11", "--format", "json")
    assert result.exit_code == 0
    assert NO_DATA not in result.stderr
    assert (
        "за период 2024-11 в выгрузках нет событий и статистики платформ «Моя школа», «Сферум» (самые поздние — за "
        "31.10.2024): по «Моя школа» учтены только даты последнего входа из выгрузок учётных записей (лишь те, кто "
        "с тех пор не входил), и активных меньше, чем было; по «Сферум» показатели — нули." in result.stderr
    )
    assert json.loads(result.stdout)["region"]["schools"] == 3


def test_only_the_commands_platforms_are_named(folder: str) -> None:
    sferum = invoke("sferum", "--data", folder, "--month", "2024-11")
    assert sferum.exit_code == 0
    assert "платформ «Сферум» (самые поздние — за 05.10.2024): по «Сферум» показатели — нули" in sferum.stderr
    october = invoke("activity", "--data", folder, "--month", "2024-10", "--platform", "myschool")
    assert october.exit_code == 0 and GAPS not in october.stderr  # Сферум's gap is not this command's
    assistant = invoke("assistant", "--data", folder, "--month", "2024-11")
    assert GAPS not in assistant.stderr  # no ЦПУ data at all: said otherwise, not as a gap


def test_a_month_inside_every_platforms_events_says_nothing(folder: str) -> None:
    result = invoke("indicator", "--data", folder, "--month", "2024-09")
    assert result.exit_code == 0
    assert GAPS not in result.stderr and NO_DATA not in result.stderr


def test_a_month_before_the_events_counts_last_logins_only(folder: str) -> None:
    """August: a last login (20.08) and no events yet."""
    result = invoke("school", "2300000012", "--data", folder, "--month", "2024-08")
    assert result.exit_code == 0
    assert (
        "за период 2024-08 в выгрузках нет событий и статистики платформ «Моя школа», «Сферум» (самые ранние — за "
        in result.stderr
    )
    assert "01.09.2024" in result.stderr


def test_trend_names_the_months_outside_the_data_once_per_gap(folder: str) -> None:
    result = invoke("trend", "--data", folder, "--from", "2024-06", "--to", "2025-01", "--format", "json")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if NO_DATA in line or GAPS in line]
    assert lines == [
        "Внимание: за 2024-06…2024-07 в выгрузках нет данных об активности (самые ранние — за 20.08.2024): значения "
        "этих месяцев — нули, сравнивать с ними нельзя.",
        "Внимание: за 2024-12…2025-01 в выгрузках нет данных об активности (самые поздние — за 02.11.2024): значения "
        "этих месяцев — нули, сравнивать с ними нельзя.",
        "Внимание: за 2024-08 в выгрузках нет событий и статистики платформ «Моя школа», «Сферум» (самые ранние — за "
        "01.09.2024): по «Моя школа» учтены только даты последнего входа из выгрузок учётных записей (лишь те, кто с "
        "тех пор не входил), и активных меньше, чем было; по «Сферум» показатели — нули: сравнивайте с этими "
        "месяцами осторожно.",
        "Внимание: за 2024-11 в выгрузках нет событий и статистики платформ «Моя школа», «Сферум» (самые поздние — за "
        "31.10.2024): по «Моя школа» учтены только даты последнего входа из выгрузок учётных записей (лишь те, кто с "
        "тех пор не входил), и активных меньше, чем было; по «Сферум» показатели — нули: сравнивайте с этими "
        "месяцами осторожно.",
    ]
    assert len(json.loads(result.stdout)["months"]) == 8


def test_report_is_written_with_a_platform_gap_and_says_so(folder: str, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = invoke("report", "--data", folder, "--month", "2024-11", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.exists()
    assert "за период 2024-11 в выгрузках нет событий и статистики платформ" in result.stderr
