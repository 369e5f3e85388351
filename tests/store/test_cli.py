"""`adoption ingest` and the commands that then read the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli_support import imported_modules, invoke
from tests.store.exports import A, B, C, D, append_line


def test_ingest_says_what_it_read_then_that_nothing_changed(data_dir: Path, no_store: Path) -> None:
    first = invoke("ingest", "--data", str(data_dir))
    assert first.exit_code == 0, first.output
    assert "Файлов загружено: 5, без изменений: 0, удалено: 0." in first.stdout
    assert "отклонено: 2." in first.stdout and "adoption validate" in first.stdout
    assert (no_store / "manifest.json").is_file()

    again = invoke("ingest", "--data", str(data_dir))
    assert "Файлов загружено: 0, без изменений: 5, удалено: 0." in again.stdout
    # every file's SHA-256 compared: the same content, nothing read again
    hashed = invoke("ingest", "--data", str(data_dir), "--checksum")
    assert hashed.exit_code == 0 and "Файлов загружено: 0, без изменений: 5, удалено: 0." in hashed.stdout
    assert "Перечитаны" not in first.stdout + again.stdout  # a first ingest reads everything: no list

    # a re-ingest names what it read again and what it dropped
    append_line(data_dir / "sferum_events.csv", f"sferum,u8,student,{C},2024-09-08 08:00:00")
    (data_dir / "myschool_events_2024-10.csv").unlink()
    changed = invoke("ingest", "--data", str(data_dir))
    assert "Файлов загружено: 1, без изменений: 3, удалено: 1." in changed.stdout
    assert "Перечитаны: sferum_events.csv." in changed.stdout.splitlines()
    assert "Удалены из хранилища: myschool_events_2024-10.csv." in changed.stdout.splitlines()


def test_ingest_into_the_data_folder_itself_is_refused(data_dir: Path) -> None:
    result = invoke("ingest", "--data", str(data_dir), "--store", str(data_dir))
    assert result.exit_code == 1
    assert "не может совпадать с папкой данных" in result.stderr


def test_commands_read_a_fresh_store_and_the_exports_once_a_file_changed(data_dir: Path, tmp_path: Path) -> None:
    month = ["--month", "2024-09", "--format", "json", "--data", str(data_dir), "-v"]
    stored = invoke("indicator", *month)
    assert stored.exit_code == 0, stored.output
    assert "Данные из хранилища" in stored.stderr
    raw = invoke("indicator", *month, "--store", str(tmp_path / "none"))
    assert "его нет" in raw.stderr
    assert json.loads(stored.stdout) == json.loads(raw.stdout)
    assert "отклонено строк: 2" in stored.stderr  # rejects are reported from the store too

    append_line(data_dir / "sferum_events.csv", f"sferum,u8,student,{C},2024-09-08 08:00:00")
    stale = invoke("indicator", *month)
    assert "изменён файл sferum_events.csv" in stale.stderr and "adoption ingest" in stale.stderr
    # the numbers are those of the files as they are now: a second active student at the lyceum
    assert [_students_active(r.stdout, C) for r in (stored, stale)] == [1, 2]


def _students_active(output: str, school_id: str) -> int:
    return next(s["students_active"] for s in json.loads(output)["schools"] if s["school_id"] == school_id)


def _card(data_dir: Path, store: Path | None, *args: str) -> Result:
    where = ["--store", str(store)] if store is not None else []
    result = invoke("school", *args, "--data", str(data_dir), *where)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("output", ["json", "table", "csv"])
@pytest.mark.parametrize("query", [A, "школа 1", "лицей район"])
def test_a_card_from_the_store_equals_the_card_from_the_exports(
    data_dir: Path, tmp_path: Path, query: str, output: str
) -> None:
    for month in (["--month", "2024-09"], ["--month", "2024-11"], []):  # [] = the latest month with activity
        args = [query, *month, "--format", output]
        stored, raw = _card(data_dir, None, *args), _card(data_dir, tmp_path / "none", *args)
        assert stored.stdout == raw.stdout, (query, month)


def test_a_card_from_the_store_imports_no_polars(data_dir: Path) -> None:
    """The card's rows are kept as JSON (store.cards) so that a card starts fast; the same card computed from
    the exports (a window that is not a calendar month) does import Polars, so the probe can tell."""
    stored = imported_modules("school", A, "--month", "2024-09", "--data", str(data_dir))
    assert "polars" not in stored and "rich" in stored
    by_name = imported_modules("school", "лицей", "--month", "2024-09", "--data", str(data_dir))
    assert "polars" not in by_name
    window = imported_modules("school", A, "--as-of", "2024-09-30", "--data", str(data_dir))
    assert "polars" in window


def test_a_card_outside_the_stored_months_is_computed_and_says_its_rejects_once(data_dir: Path, tmp_path: Path) -> None:
    args = [A, "--as-of", "2024-09-30", "--format", "json"]
    stored, raw = _card(data_dir, None, *args), _card(data_dir, tmp_path / "none", *args)
    assert stored.stdout == raw.stdout
    assert stored.stderr.count("отклонено строк") == 1


def test_the_store_card_lists_several_matches_like_the_exports(data_dir: Path, tmp_path: Path) -> None:
    stored = invoke("school", "школа", "--month", "2024-09", "--data", str(data_dir))
    raw = invoke("school", "школа", "--month", "2024-09", "--data", str(data_dir), "--store", str(tmp_path / "none"))
    assert stored.exit_code == raw.exit_code == 2
    assert stored.stderr.splitlines()[1:] == raw.stderr.splitlines()[1:]  # the first line: rejects, counted apart
    assert A in stored.stderr and B in stored.stderr and D in stored.stderr


def test_a_damaged_card_copy_gives_the_card_computed_from_the_store(data_dir: Path, tmp_path: Path) -> None:
    """The JSON card rows are a derived copy: unreadable, the card is computed from the store's tables."""
    raw = _card(data_dir, tmp_path / "none", "школа 1", "--month", "2024-09", "--format", "json")
    for part in (data_dir / ".adoption-store" / "school_cards").iterdir():
        part.write_bytes(part.read_bytes()[:40])  # a truncated gzip stream
    damaged = _card(data_dir, None, "школа 1", "--month", "2024-09", "--format", "json")
    assert damaged.stdout == raw.stdout
    assert not damaged.stderr.count("Traceback")


def _indicator(data_dir: Path, store: Path | None, *args: str) -> Result:
    where = ["--store", str(store)] if store is not None else []
    result = invoke("indicator", *args, "--data", str(data_dir), *where)
    assert result.exit_code == 0, result.output
    return result


def _stored_months(data_dir: Path) -> list[str]:
    manifest = json.loads((data_dir / ".adoption-store" / "manifest.json").read_text(encoding="utf-8"))
    return sorted(manifest["indicator_months"])


@pytest.mark.parametrize("output", ["json", "table", "csv"])
def test_the_indicator_from_the_store_equals_the_indicator_from_the_exports(
    data_dir: Path, tmp_path: Path, output: str
) -> None:
    months = _stored_months(data_dir)
    assert months[-1] == "2024-11" and len(months) == 12  # the twelve months up to the latest activity
    for month in ["2024-08", "2024-09", "2024-10", "2024-11", "2023-11"]:  # 2023-11: not kept, computed
        for where in ([], ["--municipality", "район"]):
            args = ["--month", month, *where, "--format", output]
            stored, raw = _indicator(data_dir, None, *args), _indicator(data_dir, tmp_path / "none", *args)
            assert stored.stdout == raw.stdout, (month, where)
            assert stored.stderr.count("отклонено строк") == 1


def test_the_indicator_from_the_store_imports_no_polars(data_dir: Path) -> None:
    """The month's rows are kept as JSON (store.indicator); under other rules than they were computed with,
    the indicator is computed from the store's tables, which imports Polars (so the probe can tell)."""
    month = ["indicator", "--month", "2024-09", "--data", str(data_dir)]
    assert "polars" not in imported_modules(*month, "--format", "json")
    assert "polars" not in imported_modules(*month)
    assert "polars" in imported_modules(*month, "--teacher-threshold", "60")


def test_the_indicator_under_other_rules_or_from_a_damaged_copy_is_computed(data_dir: Path, tmp_path: Path) -> None:
    # (at 60 % for teachers one school of the fixture is flagged in September; rows judged at 50 % say 3)
    for rules in (["--teacher-threshold", "60"], ["--platform", "sferum"], []):
        args = ["--month", "2024-09", *rules, "--format", "json"]
        raw = _indicator(data_dir, tmp_path / "none", *args)
        if not rules:
            for part in (data_dir / ".adoption-store" / "indicator").iterdir():
                part.write_bytes(part.read_bytes()[:40])  # a truncated gzip stream
        stored = _indicator(data_dir, None, *args)
        assert stored.stdout == raw.stdout, rules
    assert json.loads(raw.stdout)["region"]["flagged"] == 3


def test_ingest_and_the_commands_reading_the_store_say_what_is_not_read(data_dir: Path) -> None:
    (data_dir / "сентябрь").mkdir()
    (data_dir / "сентябрь" / "sferum_events.csv").write_text("platform,user_id,role,school_id,ts\n", encoding="utf-8")
    warning = "Внимание: сентябрь/: файлы в подпапках не читаются (сентябрь/sferum_events.csv)"
    result = invoke("ingest", "--data", str(data_dir))
    assert result.exit_code == 0, result.output
    assert warning in result.stderr
    stored = invoke("indicator", "--month", "2024-09", "--data", str(data_dir), "-v")
    assert "Данные из хранилища" in stored.stderr and warning in stored.stderr


def test_ingest_quotes_the_manifest_entry_not_the_file_it_matched(tmp_path: Path) -> None:
    """ingest reads the files discovery found; an error about a file's [[sources]] entry quotes the entry's
    pattern as validate does (it quoted the file's path, which is no entry of adoption.toml)."""
    from tests.sources.sources_helpers import INN_A, write, write_manifest, write_registry

    write_registry(tmp_path)
    write(tmp_path / "выгрузки" / "входы.csv", f"user_id,role,school_id,ts\n1,teacher,{INN_A},2024-09-02T08:00:00\n")
    write_manifest(tmp_path, {"path": "schools.csv", "kind": "schools"}, {"path": "выгрузки/*.csv", "kind": "events"})
    said = (
        "выгрузки/входы.csv: нет столбца «Платформа», а в записи [[sources]] с path = «выгрузки/*.csv» не указана "
        'платформа; добавьте в эту запись platform = "myschool", "sferum" или "assistant".'
    )
    for args in (["validate"], ["ingest", "--store", str(tmp_path / "store")]):
        result = invoke(*args, "--data", str(tmp_path))
        assert (result.exit_code, result.stdout) == (1, ""), args
        assert result.stderr.strip() == f"Ошибка: {said}", args


def test_ingest_reads_files_whose_names_look_like_patterns(tmp_path: Path) -> None:
    """A file named with glob characters (`[1]`) is read as itself: ingest no longer turns each file it found
    into a [[sources]] pattern of its own."""
    from tests.sources.sources_helpers import INN_A, write, write_registry

    write_registry(tmp_path)
    write(tmp_path / "sferum_events [1].csv", f"user_id,role,school_id,ts\n1,teacher,{INN_A},2024-09-02T08:00:00\n")
    result = invoke("ingest", "--data", str(tmp_path), "--store", str(tmp_path / "store"))
    assert result.exit_code == 0, result.output
    assert "Файлов загружено: 2" in result.stdout


def _rejects_line(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "отклонено строк" in line]


def test_a_command_tells_the_same_rejects_from_the_store_as_from_the_exports(data_dir: Path, tmp_path: Path) -> None:
    """A command that reads no content files counts none of their rows or rejects, from the store neither
    (the store holds every file: its load report is cut to the kinds the command reads)."""
    (data_dir / "content_views.csv").write_text(
        "content_id,user_id,ts\nc1,u1,2024-09-02 10:00:00\nc2,u2,not a date\n", encoding="utf-8"
    )
    assert invoke("ingest", "--data", str(data_dir), "-q").exit_code == 0
    for args in (("indicator", "--month", "2024-09"), ("rating", "--month", "2024-09"), ("school", A)):
        stored = invoke(*args, "--data", str(data_dir))
        raw = invoke(*args, "--data", str(data_dir), "--store", str(tmp_path / "none"))
        assert stored.exit_code == raw.exit_code == 0, (args, stored.stderr)
        assert _rejects_line(stored) == _rejects_line(raw) != [], args
    everything = invoke("validate", "--data", str(data_dir), "--format", "json")
    assert any(f["path"] == "content_views.csv" and f["rejected"] == 1 for f in json.loads(everything.stdout)["files"])


def test_a_store_named_that_cannot_be_read_is_said_without_verbose(data_dir: Path, tmp_path: Path) -> None:
    """--store naming a file, or a store of an older layout, is not read: the command says why (warning,
    no --verbose needed) and reads the exports; a store simply not there is only said with --verbose."""
    a_file = tmp_path / "store.txt"
    a_file.write_text("x", encoding="utf-8")
    result = invoke("indicator", "--data", str(data_dir), "--month", "2024-09", "--store", str(a_file))
    assert result.exit_code == 0
    assert f"хранилище {a_file} не используется (это не папка): читаю выгрузки" in result.stderr
    manifest = data_dir / ".adoption-store" / "manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('"format": ', '"format": 1000 + '), encoding="utf-8"
    )
    older = invoke("indicator", "--data", str(data_dir), "--month", "2024-09", "--store", str(manifest.parent))
    assert older.exit_code == 0
    assert "его манифест старого формата или повреждён; adoption ingest построит его заново" in older.stderr
    quiet = invoke("indicator", "--data", str(data_dir), "--month", "2024-09", "--store", str(tmp_path / "none"))
    assert "не используется" not in quiet.stderr


def test_a_long_list_of_changed_files_is_cut_at_ten() -> None:
    from adoption_cli.cli.commands.ingest import _changed_files

    paths = [f"f{n:02d}.csv" for n in range(12)]
    assert _changed_files(paths, [], rebuilt=False) == [f"Перечитаны: {', '.join(paths[:10])} и ещё 2."]
    assert _changed_files(paths, ["old.csv"], rebuilt=True) == ["Удалены из хранилища: old.csv."]


def test_the_report_says_whether_its_figures_came_from_the_store(data_dir: Path, store_dir: Path) -> None:
    """«Об отчёте» names what was read: the store when it was fresh (found without --store), the exports once
    a file changed (with --store named all the same)."""
    from openpyxl import load_workbook

    def read_from(*args: str) -> str:
        out = data_dir.parent / "out.xlsx"
        result = invoke("report", "--data", str(data_dir), "--month", "2024-09", "--out", str(out), *args)
        assert result.exit_code == 0, result.output
        sheet = load_workbook(out)["Об отчёте"]
        return next(str(row[1]) for row in sheet.iter_rows(values_only=True) if row[0] == "Данные прочитаны из")

    assert read_from() == f"хранилища {store_dir}"
    append_line(data_dir / "sferum_events.csv", f"sferum,u8,student,{C},2024-09-08 08:00:00")
    assert read_from("--store", str(store_dir)) == "выгрузок в папке с данными"


def test_a_store_out_of_date_is_said_without_verbose(data_dir: Path) -> None:
    """A store that is there but out of date is not read, and the command says so without --verbose: whoever
    built it expects it to be read (a cron job's log then says why the run took longer). --quiet silences it."""
    append_line(data_dir / "sferum_events.csv", f"sferum,u8,student,{C},2024-09-08 08:00:00")
    month = ["--data", str(data_dir), "--month", "2024-09", "--format", "json"]
    stale = invoke("indicator", *month)
    assert stale.exit_code == 0
    assert "не используется (изменён файл sferum_events.csv): читаю выгрузки. Обновить: adoption ingest." in (
        stale.stderr
    )
    assert invoke("indicator", *month, "--quiet").stderr == ""
