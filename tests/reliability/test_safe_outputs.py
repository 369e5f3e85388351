"""Safe outputs, for every command and every format, on a data folder built to trip them
(support.write_hostile_exports):

- CSV: a text cell starting with `=`, `+`, `-`, `@`, tab or CR is written as literal text (prefixed `'`),
  so a school named `=HYPERLINK(...)` stays a name in a spreadsheet;
- privacy: no user id (planted as SECRET-USER-4n in good and rejected rows) appears in any table, JSON,
  CSV or message;
- inputs: every command leaves the export files byte for byte as they were (ingest writes its store into
  the data folder, .adoption-store, by default: allowed; the exports themselves must not change).
"""

from __future__ import annotations

import csv
import inspect
import io
import zipfile
from pathlib import Path

import pytest

from adoption_cli.cli.app import _command_modules
from adoption_cli.cli.options import FormatOpt
from adoption_cli.render.output import FORMULA_TRIGGERS
from tests.reliability.support import (
    HOSTILE_NAMES,
    HOSTILE_VALUES,
    SECRET,
    run,
    tree_digest,
    validate_json,
    write_hostile_exports,
)

# The period (and other required) arguments of each data command; a new command must be added here.
COMMAND_ARGS: dict[str, tuple[str, ...]] = {
    "indicator": ("--month", "2024-09"),
    "validate": (),
    "assistant": ("--month", "2024-09"),
    "sferum": ("--month", "2024-09"),
    "trend": ("--from", "2024-08", "--to", "2024-09"),
    "plan": ("--month", "2024-09"),
    "activity": ("--month", "2024-09"),
    "rating": ("--month", "2024-09"),
    "school": ("2310031475", "--month", "2024-09"),  # the school named =HYPERLINK(…)
}
# Commands without --format: report and ingest (checked below), sample (writes generated data).
OTHER_COMMANDS = {"sample", "report", "ingest"}
FORMATS = ("table", "json", "csv")
STORE = ".adoption-store"  # the default store folder inside the data folder


def _formatted_commands() -> list[str]:
    """Commands with the shared --format option, whatever their parameter is called."""
    return [
        m.NAME
        for m in _command_modules()
        if any(p.annotation == FormatOpt for p in inspect.signature(m.command, eval_str=True).parameters.values())
    ]


FORMATTED = _formatted_commands()


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The hostile folder and the fingerprint of its files taken right after writing, before any command."""
    data = write_hostile_exports(tmp_path_factory.mktemp("hostile") / "data")
    return data, tree_digest(data)


@pytest.fixture(scope="module")
def hostile(hostile_folder: tuple[Path, dict[str, str]]) -> Path:
    return hostile_folder[0]


@pytest.fixture(scope="module")
def hostile_digest(hostile_folder: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return hostile_folder[1]


def test_every_command_is_covered() -> None:
    names = {m.NAME for m in _command_modules()}
    assert set(FORMATTED) == set(COMMAND_ARGS), "add the new command's arguments to COMMAND_ARGS"
    assert names <= set(COMMAND_ARGS) | OTHER_COMMANDS


def test_the_fixture_really_loads_the_planted_rows(hostile: Path) -> None:
    """Guard against vacuous passes below: planted ids are in loaded rows and in rejected ones."""
    payload = validate_json(hostile)
    events = [f for f in payload["files"] if f["kind"] == "events"]
    assert len(events) == 3
    for file in events:
        assert (file["rows"], file["loaded"], file["rejected"], file["unknown_school"]) == (19, 13, 6, 1)
    assert payload["files"][0]["rejected_by_reason"] == {"invalid_inn": len(HOSTILE_VALUES)}


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("command", FORMATTED)
def test_csv_text_cells_cannot_run_as_formulas(hostile: Path, command: str) -> None:
    result = run(command, *COMMAND_ARGS[command], "--format", "csv", data=hostile)
    assert result.exit_code == 0, result.stderr
    cells = _cells(result.stdout)
    assert len(cells) > 1, result.stdout
    dangerous = [c for c in cells if c.startswith(FORMULA_TRIGGERS) and not _is_number(c)]
    assert dangerous == []
    # Where school names or municipalities are written, they are there, neutralised.
    written = set(cells)
    for text in (*HOSTILE_NAMES, *HOSTILE_NAMES.values()):
        assert text not in written
    if command == "indicator":  # one row per school
        assert {"'" + name for name in HOSTILE_NAMES} <= written


def test_validate_csv_keeps_raw_values_literal(hostile: Path) -> None:
    cells = set(_cells(run("validate", "--format", "csv", data=hostile).stdout))
    shown = {"\ufffd" + value[1:] if value[0] in "\t\r" else value for value in HOSTILE_VALUES}
    assert {"'" + value if value.startswith(FORMULA_TRIGGERS) else value for value in shown} <= cells
    assert {"\ufffd=1+1", "\ufffd=2+2", "'=3+3", "'-4", "'+5", "'@6"} <= cells


@pytest.mark.parametrize("output", FORMATS)
@pytest.mark.parametrize("command", FORMATTED)
def test_no_user_id_in_any_output_and_inputs_unchanged(
    hostile: Path, hostile_digest: dict[str, str], command: str, output: str
) -> None:
    # Messages differ by language, data do not: English once, with the table.
    for lang in ("ru", "en") if output == "table" else ("ru",):
        result = run(command, *COMMAND_ARGS[command], "--format", output, "--verbose", data=hostile, lang=lang)
        assert result.exit_code == 0, result.stderr
        assert SECRET not in result.stdout and SECRET not in result.stderr, (command, output, lang)
        assert "Traceback" not in result.stderr
    assert tree_digest(hostile) == hostile_digest, "an input file was changed"


def test_no_user_id_in_strict_errors(hostile: Path) -> None:
    for command in FORMATTED:
        result = run(command, *COMMAND_ARGS[command], "--strict", data=hostile)
        assert result.exit_code == 1 and SECRET not in result.stdout + result.stderr, command


def test_the_report_workbook_has_no_formula_and_no_user_id(
    hostile: Path, hostile_digest: dict[str, str], tmp_path: Path
) -> None:
    """The report's own tests check its cells (quotePrefix, string types); here: the hostile folder."""
    out = tmp_path / "report.xlsx"
    result = run("report", "--month", "2024-09", "--out", str(out), "--verbose", data=hostile)
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    with zipfile.ZipFile(out) as book:
        parts = {name: book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")}
    text = "".join(parts.values())
    assert SECRET not in text
    assert all("<f>" not in xml for name, xml in parts.items() if name.startswith("xl/worksheets/"))
    assert "SUM(1+1)*cmd" in text  # the names are there, as text
    assert tree_digest(hostile) == hostile_digest


def test_through_the_store_no_user_id_and_the_exports_unchanged(tmp_path: Path) -> None:
    data = write_hostile_exports(tmp_path / "data")
    before = tree_digest(data)
    result = run("ingest", "--verbose", data=data)
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert (data / STORE).is_dir()
    for command in FORMATTED:
        for output in ("json", "csv"):
            done = run(command, *COMMAND_ARGS[command], "--format", output, "--verbose", data=data)
            assert done.exit_code == 0, done.stderr
            assert "Данные из хранилища" in done.stderr, "the command did not read the store"
            assert SECRET not in done.stdout + done.stderr, (command, output)
    assert tree_digest(data, skip=(STORE,)) == before


UNPRINTABLE_NAME = "СОШ \x1b[2J\x1b[31mКРАСНАЯ\x1b[0m \x1b]0;TITLE\x07 \u202eконец\x01"


@pytest.fixture(scope="module")
def escapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry whose school name carries terminal escape sequences, a bell and a right-to-left override."""
    from tests.store.exports import A, write_exports

    folder = write_exports(tmp_path_factory.mktemp("escapes") / "data")
    registry = folder / "schools.csv"
    text = registry.read_text(encoding="utf-8").replace(f"{A},Школа № 1,Город", f'{A},"{UNPRINTABLE_NAME}",Город')
    registry.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("output", FORMATS)
@pytest.mark.parametrize(
    "args",
    [
        ("rating", "--month", "2024-09"),
        ("plan", "--month", "2024-09"),
        ("school", "2300000012", "--month", "2024-09"),
        ("indicator", "--month", "2024-09"),
    ],
    ids=lambda args: args[0],
)
def test_control_characters_of_a_name_never_reach_the_terminal(
    escapes: Path, args: tuple[str, ...], output: str
) -> None:
    """Names lose control and format characters when read: nothing can clear the analyst's screen, recolour
    it, retitle the window or reverse the text, in any output; the rest of the name is kept."""
    result = run(*args, "--format", output, data=escapes)
    assert result.exit_code == 0, result.stderr
    for char in ("\x1b", "\x07", "\x01", "\u202e"):
        assert char not in result.stdout and char not in result.stderr
    if args[0] != "plan":  # (the plan lists the schools it picks)
        if output == "table":  # (a table may wrap the name over lines, and draws its borders between them)
            assert "КРАСНАЯ" in result.stdout or args[0] == "indicator"  # (its table lists municipalities only)
        else:
            assert "СОШ [2J[31mКРАСНАЯ[0m ]0;TITLE конец" in result.stdout.replace("\n", " ")
