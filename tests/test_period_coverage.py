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


def test_the_workbook_carries_the_warnings_that_quiet_keeps_off_stderr(folder: str, tmp_path: Path) -> None:
    """A cron job runs `report --quiet`: the month's gap (Сферум's figures are 0) must be read on «Сводка» itself."""
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    result = invoke("report", "--data", folder, "--month", "2024-11", "--out", str(out), "--quiet")
    assert result.exit_code == 0 and result.stderr == ""
    loud = invoke("report", "--data", folder, "--month", "2024-11", "--out", str(tmp_path / "loud.xlsx"))
    warned = [line.removeprefix("Внимание: ") for line in loud.stderr.splitlines() if "за период" in line]
    assert len(warned) == 1 and "по «Сферум» показатели — нули" in warned[0]
    lines = [row[0] for row in load_workbook(out)["Сводка"].iter_rows(values_only=True) if row[0]]
    assert [line.removeprefix("Внимание: ") for line in lines if str(line).startswith("Внимание: ")] == warned
    # and none where the exports cover both months
    october = tmp_path / "october.xlsx"
    assert invoke("report", "--data", folder, "--month", "2024-10", "--out", str(october), "-q").exit_code == 0
    lines = [row[0] for row in load_workbook(october)["Сводка"].iter_rows(values_only=True) if row[0]]
    assert not any(str(line).startswith("Внимание") for line in lines)


def test_a_statistics_month_covers_every_day_of_it(tmp_path: Path) -> None:
    """ЦПУ statistics for October (stored as 01.10): a window ending on 20.10 is counted from that month and
    must not be said to lack data; November does lack it."""
    from tests.store.exports import A

    folder = write_exports(tmp_path / "data")
    (folder / "assistant_stats.csv").write_text(
        f"platform,school_id,month,role,active\nassistant,{A},2024-10,student,2\n", encoding="utf-8"
    )
    window = invoke("assistant", "--data", str(folder), "--as-of", "2024-10-20", "--days", "7")
    assert window.exit_code == 0 and GAPS not in window.stderr and NO_DATA not in window.stderr
    later = invoke("assistant", "--data", str(folder), "--month", "2024-11")
    assert "платформ «ЦПУ» (самые поздние — за 31.10.2024): по «ЦПУ» показатели — нули" in later.stderr


def test_each_platform_of_one_file_has_its_own_span(tmp_path: Path) -> None:
    """One events file with both platforms: Сферум's rows stop in July, «Моя школа»'s go on to October."""
    from tests.store.exports import FILES, A

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "schools.csv").write_text("\n".join(FILES["schools.csv"]) + "\n", encoding="utf-8")
    (folder / "all_events.csv").write_text(
        "platform,user_id,role,school_id,ts\n"
        f"sferum,u1,teacher,{A},2024-07-05 08:00:00\n"
        f"myschool,u2,teacher,{A},2024-07-05 08:00:00\n"
        f"myschool,u2,teacher,{A},2024-10-05 08:00:00\n",
        encoding="utf-8",
    )
    (folder / "adoption.toml").write_text(
        '[[sources]]\npath = "schools.csv"\nkind = "schools"\n[[sources]]\npath = "all_events.csv"\nkind = "events"\n',
        encoding="utf-8",
    )
    result = invoke("indicator", "--data", str(folder), "--month", "2024-10")
    assert result.exit_code == 0, result.stderr
    assert "нет событий и статистики платформ «Сферум» (самые поздние — за 05.07.2024)" in result.stderr


def _extra(folder: str, name: str, lines: list[str]) -> None:
    (Path(folder) / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_month_missing_between_two_event_files_is_named(folder: str) -> None:
    """«Моя школа» events for September, October and December: November is a gap between two files, not the
    end of the data (a file that has not arrived between others). Сферум's events end on 05.10."""
    from tests.store.exports import A

    _extra(
        folder,
        "myschool_events_2024-12.csv",
        ["platform,user_id,role,school_id,ts", f"myschool,s1,student,{A},2024-12-02 08:00:00"],
    )
    if (Path(folder) / ".adoption-store").exists():
        assert invoke("ingest", "--data", folder, "-q").exit_code == 0
    result = invoke("indicator", "--data", folder, "--month", "2024-11", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert (
        "за период 2024-11 в выгрузках нет событий и статистики платформ «Моя школа», «Сферум» (самые поздние — за "
        "05.10.2024; пропуск между 31.10.2024 и 02.12.2024): по «Моя школа» учтены только даты последнего входа"
        in result.stderr
    )
    assert "по «Сферум» показатели — нули" in result.stderr
    december = invoke("indicator", "--data", folder, "--month", "2024-12", "--platform", "myschool")
    assert GAPS not in december.stderr


def test_a_platform_with_accounts_only_is_named_outside_its_last_logins_month(tmp_path: Path) -> None:
    """Сферум with an accounts export (last logins up to 20.10) and no events: September counts only those who
    have not signed in since, October is as complete as last logins get, November has none of them."""
    from tests.store.exports import C

    folder = write_exports(tmp_path / "data")
    (folder / "sferum_events.csv").unlink()
    _extra(
        str(folder),
        "sferum_accounts.csv",
        [
            "platform,user_id,role,school_id,status,registered_at,last_login_at",
            f"sferum,u1,teacher,{C},active,2024-01-01 00:00:00,2024-09-05 10:00:00",
            f"sferum,u2,student,{C},active,2024-01-01 00:00:00,2024-10-20 10:00:00",
        ],
    )
    data = str(folder)
    september = invoke("sferum", "--data", data, "--month", "2024-09")
    assert september.exit_code == 0, september.stderr
    assert (
        "за период 2024-09 в выгрузках нет событий и статистики платформ «Сферум» (только учётные записи, последний "
        "вход — за 20.10.2024): по «Сферум» учтены только даты последнего входа" in september.stderr
    )
    october = invoke("sferum", "--data", data, "--month", "2024-10")
    assert "за период 2024-10 в выгрузках" not in october.stderr
    assert "за период сравнения 2024-09 в выгрузках нет событий и статистики платформ «Сферум»" in october.stderr
    november = invoke("indicator", "--data", data, "--month", "2024-11")
    assert "«Сферум» — только учётные записи, последний вход — за 20.10.2024" in november.stderr
    assert "по «Сферум» показатели — нули" in november.stderr


def test_the_period_compared_with_is_checked_too(folder: str) -> None:
    """September's changes compare with August, which has «Моя школа»'s last logins but none of its events (they
    begin on 01.09) and nothing of Сферум (from 05.09, no accounts)."""
    activity = invoke("activity", "--data", folder, "--month", "2024-09")
    assert activity.exit_code == 0
    assert (
        "за период сравнения 2024-08 в выгрузках нет событий и статистики платформ «Моя школа» (самые ранние — за "
        "01.09.2024): по «Моя школа» учтены только даты последнего входа из выгрузок учётных записей (лишь те, кто с "
        "тех пор не входил), и активных меньше, чем было: сравнивайте с ним осторожно." in activity.stderr
    )
    october = invoke("activity", "--data", folder, "--month", "2024-10")
    assert "период сравнения" not in october.stderr
    indicator = invoke("indicator", "--data", folder, "--month", "2024-09")
    assert "период сравнения" not in indicator.stderr  # the indicator compares with nothing


def test_a_period_compared_with_before_all_data_is_a_change_from_zeros(folder: str) -> None:
    rating = invoke("rating", "--data", folder, "--month", "2024-08")
    assert rating.exit_code == 0
    assert (
        "Внимание: за период сравнения 2024-07 в выгрузках нет данных об активности (самые ранние — за 20.08.2024): "
        "его показатели — нули или «—» (нет данных), и изменения к нему ничего не значат." in rating.stderr
    )


def test_the_school_card_checks_the_month_its_rank_is_compared_with(folder: str) -> None:
    """The card's rank change compares with the month before, on «Моя школа»: September's with August (no
    events yet); the latest month (November, by a last login) with October, which is covered."""
    from tests.store.exports import A

    september = invoke("school", A, "--data", folder, "--month", "2024-09")
    assert september.exit_code == 0
    assert "за период сравнения 2024-08 в выгрузках нет событий и статистики платформ «Моя школа» (" in (
        september.stderr
    )
    (compared,) = [line for line in september.stderr.splitlines() if "период сравнения" in line]
    assert "«Сферум»" not in compared
    latest = invoke("school", A, "--data", folder)
    assert latest.exit_code == 0
    assert "период сравнения" not in latest.stderr


def _config_folder(tmp_path: Path, files: dict[str, list[str]], sources: dict[str, str]) -> str:
    from tests.store.exports import FILES

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "schools.csv").write_text("\n".join(FILES["schools.csv"]) + "\n", encoding="utf-8")
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "adoption.toml").write_text(
        "".join(
            f'[[sources]]\npath = "{name}"\nkind = "{kind}"\n'
            for name, kind in {"schools.csv": "schools", **sources}.items()
        ),
        encoding="utf-8",
    )
    return str(folder)


def test_a_platform_without_last_logins_in_a_shared_accounts_file_takes_no_date_of_another(tmp_path: Path) -> None:
    """One accounts file for both platforms: Сферум's last logins reach 20.12, «Моя школа»'s accounts have none,
    and «Моя школа» has no events. It counts 0 in every month, and is never given Сферум's date."""
    from tests.store.exports import A

    data = _config_folder(
        tmp_path,
        {
            "accounts.csv": [
                "platform,user_id,role,school_id,status,registered_at,last_login_at",
                f"myschool,t1,teacher,{A},active,2024-01-01 00:00:00,",
                f"sferum,u1,teacher,{A},active,2024-01-01 00:00:00,2024-12-20 10:00:00",
            ],
            "events.csv": ["platform,user_id,role,school_id,ts", f"sferum,u1,teacher,{A},2024-11-05 08:00:00"],
        },
        {"accounts.csv": "accounts", "events.csv": "events"},
    )
    for month in ("2024-11", "2024-12"):
        result = invoke("activity", "--data", data, "--month", month, "--platform", "myschool")
        assert result.exit_code == 0, result.stderr
        assert (
            f"за период {month} в выгрузках нет событий и статистики платформ «Моя школа» (только учётные записи, без "
            "дат последнего входа): по «Моя школа» показатели — нули" in result.stderr
        )
        assert "20.12.2024" not in result.stderr


def test_a_window_is_checked_against_the_statistics_month_holding_its_last_day(tmp_path: Path) -> None:
    """ЦПУ statistics for September and November only, a file each: a window ending on 05.10 is counted from October, which is
    missing, though the window also covers September's last days."""
    from tests.store.exports import A

    data = _config_folder(
        tmp_path,
        {
            "stats_09.csv": ["platform,school_id,month,role,active", f"assistant,{A},2024-09,student,2"],
            "stats_11.csv": ["platform,school_id,month,role,active", f"assistant,{A},2024-11,student,3"],
        },
        {"stats_09.csv": "school_stats", "stats_11.csv": "school_stats"},
    )
    window = invoke("assistant", "--data", data, "--as-of", "2024-10-05", "--days", "30")
    assert window.exit_code == 0, window.stderr
    assert "платформ «ЦПУ» (пропуск между 30.09.2024 и 01.11.2024): по «ЦПУ» показатели — нули" in window.stderr
    inside = invoke("assistant", "--data", data, "--as-of", "2024-11-05", "--days", "30")
    assert GAPS not in inside.stderr


def test_trend_lines_are_runs_of_consecutive_months(tmp_path: Path) -> None:
    """«Моя школа» events for July and September (August is missing), Сферум by accounts only with its newest last
    login in October: June–July and September share one message, August has its own; September is a line of
    its own, not joined to June–July across August."""
    from tests.store.exports import A

    data = _config_folder(
        tmp_path,
        {
            "ms_07.csv": ["platform,user_id,role,school_id,ts", f"myschool,s1,student,{A},2024-07-10 08:00:00"],
            "ms_09.csv": ["platform,user_id,role,school_id,ts", f"myschool,s1,student,{A},2024-09-10 08:00:00"],
            "accounts.csv": [
                "platform,user_id,role,school_id,status,registered_at,last_login_at",
                f"sferum,u1,teacher,{A},active,2024-01-01 00:00:00,2024-10-20 10:00:00",
            ],
        },
        {"ms_07.csv": "events", "ms_09.csv": "events", "accounts.csv": "accounts"},
    )
    result = invoke("trend", "--data", data, "--from", "2024-07", "--to", "2024-10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if GAPS in line]
    assert [line.split(" в выгрузках")[0] for line in lines] == [
        "Внимание: за 2024-07",
        "Внимание: за 2024-08",
        "Внимание: за 2024-09",
        "Внимание: за 2024-10",
    ]
    assert "пропуск между 10.07.2024 и 10.09.2024" in lines[1]


def test_report_checks_the_month_compared_with_on_the_platforms_it_compares(folder: str, tmp_path: Path) -> None:
    """The workbook's changes are «Моя школа»'s and Сферум's: October's comparison with September is not named for
    ЦПУ statistics that begin in October."""
    from tests.store.exports import A

    (Path(folder) / "assistant_stats.csv").write_text(
        f"platform,school_id,month,role,active\nassistant,{A},2024-10,student,2\n", encoding="utf-8"
    )
    if (Path(folder) / ".adoption-store").exists():
        assert invoke("ingest", "--data", folder, "-q").exit_code == 0
    result = invoke("report", "--data", folder, "--month", "2024-10", "--out", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert "период сравнения" not in result.stderr


def test_a_comparison_from_nothing_but_zeros_says_the_changes_mean_nothing(folder: str) -> None:
    """`sferum` counts Сферум alone, which has neither events nor accounts in August: every figure it compares
    September's with is 0."""
    result = invoke("sferum", "--data", folder, "--month", "2024-09")
    assert (
        "за период сравнения 2024-08 в выгрузках нет событий и статистики платформ «Сферум» (самые ранние — за "
        "05.09.2024): по «Сферум» показатели — нули, и изменения к нему ничего не значат." in result.stderr
    )


def test_the_school_cards_months_before_its_own_are_checked_as_trends_are(folder: str) -> None:
    """The card's history of October is May…October: May–July lie before every activity (the oldest is a last
    login of 20.08), August before the events; October itself is covered and not named."""
    from tests.store.exports import A

    result = invoke("school", A, "--data", folder, "--month", "2024-10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if NO_DATA in line or GAPS in line]
    assert lines == [
        "Внимание: за 2024-05…2024-07 в выгрузках нет данных об активности (самые ранние — за 20.08.2024): значения "
        "этих месяцев — нули, сравнивать с ними нельзя.",
        "Внимание: за 2024-08 в выгрузках нет событий и статистики платформ «Моя школа», «Сферум» (самые ранние — за "
        "01.09.2024): по «Моя школа» учтены только даты последнего входа из выгрузок учётных записей (лишь те, кто с "
        "тех пор не входил), и активных меньше, чем было; по «Сферум» показатели — нули: сравнивайте с этими "
        "месяцами осторожно.",
    ]
    assert json.loads(result.stdout)["months"][0]["month"] == "2024-05"
