"""`adoption validate` on a load report served in place of the reader (file-based tests: test_cli_end_to_end)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from adoption_cli.dataset import BranchMerge, Dataset, FileLoad, LoadReport, RejectExample
from tests.cli_support import assert_snapshot, invoke, serve


def _report() -> LoadReport:
    return LoadReport(
        files=[
            FileLoad(
                path="schools.xlsx",
                kind="schools",
                rows=153,
                loaded=151,
                rejected=2,
                duplicates_dropped=1,
                rejected_by_reason={"bad_checksum": 1, "missing_value": 1},
                examples=[
                    RejectExample(row=7, column="school_id", value="2310000001", reason="bad_checksum"),
                    RejectExample(row=12, column="name", value="", reason="missing_value"),
                ],
            ),
            FileLoad(
                path="myschool_events_2024-09.csv",
                kind="events",
                platform="myschool",
                platforms=["myschool"],
                rows=12_345,
                loaded=12_000,
                rejected=345,
                unknown_school=45,
                other_role=12,
                rejected_by_reason={"bad_date": 299, "unknown_platform": 45, "ragged_row": 1},
                examples=[
                    RejectExample(row=15, column="ts", value="31.09.2024 10:00", reason="bad_date"),
                    RejectExample(row=16, column="platform", value="[дневник]", reason="unknown_platform"),
                    RejectExample(row=17, column="user_id", value=None, reason="missing_value"),
                    RejectExample(row=18, column="*", value=None, reason="ragged_row"),
                ],
            ),
            FileLoad(path="sferum_stats.csv", kind="school_stats", platforms=["sferum"], rows=900, loaded=900),
        ],
        branches_merged=[BranchMerge(school_id="2301000005", rows=2)],
        warnings=["файл «notes.txt» не распознан и пропущен."],
    )


def _clean_report() -> LoadReport:
    return LoadReport(files=[FileLoad(path="schools.csv", kind="schools", rows=3, loaded=3)])


REJECTS = pl.LazyFrame(
    {
        "file": ["schools.xlsx", "myschool_events_2024-09.csv"],
        "row": [7, 15],
        "column": ["school_id", "ts"],
        "value": ["=2310000001", "31.09.2024 10:00"],
        "reason": ["bad_checksum", "bad_date"],
    }
)


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    serve(monkeypatch, Dataset(data_dir=Path("exports"), report=_report(), rejects=REJECTS))
    return str(tmp_path)


def test_json_has_files_and_the_four_totals(data: str) -> None:
    result = invoke("validate", "--data", data, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["rows"], payload["loaded"], payload["rejected"], payload["unknown_school"]) == (
        13_398,
        13_051,
        347,
        45,
    )
    first = payload["files"][0]
    assert {k: first[k] for k in ("path", "kind", "rows", "loaded", "rejected", "unknown_school")} == {
        "path": "schools.xlsx",
        "kind": "schools",
        "rows": 153,
        "loaded": 151,
        "rejected": 2,
        "unknown_school": 0,
    }
    assert payload["duplicates_dropped"] == 1
    assert payload["other_role"] == 12
    assert payload["branches_merged"] == [{"school_id": "2301000005", "rows": 2}]


def test_rejects_do_not_fail_without_strict_and_reader_warnings_go_to_stderr(data: str) -> None:
    result = invoke("validate", "--data", data)
    assert result.exit_code == 0
    assert "Внимание: файл «notes.txt» не распознан и пропущен." in result.stderr
    assert "notes.txt" not in result.stdout


def test_strict_fails_after_printing_the_report(data: str) -> None:
    result = invoke("validate", "--data", data, "--strict")
    assert result.exit_code == 1
    assert "schools.xlsx" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        "Ошибка: отклонено строк: 347 из 13\u202f398 (файлов прочитано: 3). Режим --strict не допускает отклонённых "
        "строк."
    )


def test_strict_passes_a_clean_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serve(monkeypatch, Dataset(data_dir=tmp_path, report=_clean_report()))
    result = invoke("validate", "--data", str(tmp_path), "--strict")
    assert result.exit_code == 0, result.output
    assert "отклонено строк —" not in result.stdout


def test_csv_lists_every_reject_with_formulas_neutralised(data: str) -> None:
    result = invoke("validate", "--data", data, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0] == {
        "file": "schools.xlsx",
        "row": "7",
        "column": "school_id",
        "value": "'=2310000001",
        "reason": "bad_checksum",
    }
    assert len(rows) == 2


def test_table_shows_values_literally_and_hides_user_ids(data: str) -> None:
    out = invoke("validate", "--data", data).stdout
    assert "[дневник]" in out  # not swallowed as Rich markup
    assert "(скрыто)" in out  # row 18: a whole row, withheld
    assert out.count("(пусто)") == 2  # row 12: an empty name; row 17: a missing user id (nothing to hide)
    assert "12\u202f345" in out


def test_table_shows_a_dash_read_as_empty_under_the_files_header(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """«—» in a required cell is read as empty and rejected as missing_value; the table shows the «—» the
    file holds (as the CSV of rejects does), not «(пусто)», under the column's header in the file."""
    dash = RejectExample(row=4, column="active", value="—", reason="missing_value")
    load = FileLoad(
        path="assistant_stats.csv",
        kind="school_stats",
        rows=3,
        loaded=2,
        rejected=1,
        examples=[dash],
        headers={"active": "Активных"},
    )
    serve(monkeypatch, Dataset(data_dir=Path("exports"), report=LoadReport(files=[load]), rejects=REJECTS))
    out = invoke("validate", "--data", str(tmp_path)).stdout
    examples = out.split("Первые из них:")[1]
    assert "—" in examples
    assert "(пусто)" not in out
    assert "Активных" in examples  # the column as the file names it, not «active»
    assert "active" not in examples


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_table_snapshot(data: str, lang: str) -> None:
    result = invoke("validate", "--data", data, "--lang", lang)
    assert_snapshot(f"validate_{lang}.txt", result.stdout)


@pytest.mark.parametrize("stored", [False, True], ids=["exports", "store"])
def test_the_inn_missing_from_the_registry_are_listed(tmp_path: Path, stored: bool) -> None:
    """Which schools the rows «of an unknown school» name, with their rows and files: from the store's load
    report as from the exports."""
    from tests.store.exports import UNKNOWN, write_exports

    folder = str(write_exports(tmp_path / "data"))
    if stored:
        assert invoke("ingest", "--data", folder, "-q").exit_code == 0
    result = invoke("validate", "--data", folder, "--format", "json")
    payload = json.loads(result.stdout)
    # s9 (active) and s6 (blocked, kept in the accounts frame all the same) name it
    assert payload["unknown_schools"] == [{"school_id": UNKNOWN, "rows": 2, "files": ["myschool_accounts.csv"]}]
    table = invoke("validate", "--data", folder)
    assert f"Эти ИНН (в скобках — число строк): {UNKNOWN} (2)." in table.stdout.replace("\n", " ")
    indicator = invoke("indicator", "--data", folder, "--month", "2024-09", "--verbose")
    assert indicator.exit_code == 0


def test_validate_reads_the_store_named_by_store_or_adoption_store(tmp_path: Path) -> None:
    """A store kept outside the data folder (a read-only data folder): validate reads it as the other commands
    do, instead of reading the exports and saying «Обновить: adoption ingest» right after that ingest."""
    from tests.store.exports import write_exports

    folder, store = str(write_exports(tmp_path / "data")), str(tmp_path / "store")
    assert invoke("ingest", "--data", folder, "--store", store, "-q").exit_code == 0
    exports = invoke("validate", "--data", folder, "--format", "json")
    for env in ({"ADOPTION_STORE": store}, None):
        args = ("--store", store) if env is None else ()
        stored = invoke("validate", "--data", folder, *args, "--format", "json", "--verbose", env=env)
        assert stored.exit_code == 0, stored.stderr
        assert "Данные из хранилища" in stored.stderr and "Обновить" not in stored.stderr
        assert json.loads(stored.stdout) == json.loads(exports.stdout)


def test_a_file_naming_more_unknown_inn_than_kept_says_the_list_is_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file keeps its most named ИНН only (100; 1 here): the list then says it is not all of them."""
    from tests.store.exports import append_line, write_exports

    monkeypatch.setattr("adoption_cli.sources.loader.UNKNOWN_IDS_KEPT", 1)
    folder = write_exports(tmp_path / "data")
    for inn in ("7707083893", "7707083893", "0105012349"):
        append_line(folder / "myschool_events_2024-09.csv", f"myschool,z1,student,{inn},2024-09-03 08:00:00")
    payload = json.loads(invoke("validate", "--data", str(folder), "--format", "json").stdout)
    assert payload["unknown_schools_complete"] is False
    assert [entry["school_id"] for entry in payload["unknown_schools"]] == ["2300000051", "7707083893"]
    assert "7707083893 (2) и другие." in invoke("validate", "--data", str(folder)).stdout.replace("\n", " ")
    monkeypatch.undo()
    payload = json.loads(invoke("validate", "--data", str(folder), "--format", "json").stdout)
    assert payload["unknown_schools_complete"] is True and len(payload["unknown_schools"]) == 3
