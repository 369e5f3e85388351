"""The terminal experience every command shares: exit codes, streams, language, colour, progress, help."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from rich.console import Console

from adoption_cli import __version__
from adoption_cli.cli.app import app
from adoption_cli.cli.progress import delayed_status
from adoption_cli.cli.typer_ru import reflow, translate_usage_problem
from adoption_cli.dataset import Dataset
from adoption_cli.environment import Environment, activate, deactivate
from tests.builders import dataset, school
from tests.cli_support import invoke, serve

COMMANDS = sorted(command.name or "" for command in app.registered_commands)


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    # 1 school, nobody active: 0 of 1 flagged, the 33 % target is missed by 1 school.
    serve(monkeypatch, dataset(schools=[school("2300000001", "СОШ № 1", "Сочи", "municipal", 10, 100)]))
    return str(tmp_path)


def _raise(error: BaseException) -> object:
    def load(*args: object, **kwargs: object) -> Dataset:
        raise error

    return load


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"adoption-cli {__version__}\n"


# --- exit codes: 0 success, 1 data/config, 2 usage, 3 target missed, 130 Ctrl-C ---


def test_exit_0(data: str) -> None:
    assert invoke("indicator", "--data", data, "--month", "2024-09").exit_code == 0


def test_exit_1_on_a_config_error_naming_the_key(data: str) -> None:
    (Path(data) / "adoption.toml").write_text("[indicator]\ntarget = 40\n", encoding="utf-8")
    result = invoke("indicator", "--data", data, "--month", "2024-09")
    assert result.exit_code == 1
    assert "«indicator.target»" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_exit_1_on_an_unexpected_error_without_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("adoption_cli.sources.load_dataset", _raise(RuntimeError("диск отвалился")))
    result = invoke("validate", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Ошибка: непредвиденная ошибка RuntimeError: диск отвалился.")
    assert "Traceback" not in result.stderr


def test_exit_2_on_a_typer_usage_error_in_russian(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--bogus")
    assert result.exit_code == 2
    assert "нет такого параметра: --bogus" in result.stderr
    assert "Запуск: adoption indicator" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--month", "2024-09", "--month", "2024-10"],
        ["--month=2024-09", "-m", "2024-10"],
        ["-m2024-09", "--month=2024-10"],
        ["-qm2024-09", "-m", "2024-10"],  # a short flag before it in one word
    ],
)
def test_exit_2_on_an_option_given_twice_with_different_values(data: str, args: list[str]) -> None:
    """Click keeps the last value silently: a cron line naming two months must not report one of them."""
    result = invoke("indicator", "--data", data, *args)
    assert result.exit_code == 2
    assert "указан несколько раз (2024-09, 2024-10): оставьте одно значение." in result.stderr
    assert result.stdout == ""


def test_an_option_repeated_with_the_same_value_or_after_double_dash_is_accepted(data: str) -> None:
    same = invoke("indicator", "--data", data, "--month", "2024-09", "-m", "2024-09", "--format", "json")
    assert same.exit_code == 0, same.stderr
    # After «--» the words are the school's name, not options.
    named = invoke("school", "--data", data, "--month", "2024-09", "--", "--month")
    assert named.exit_code == 1 and "«--month»" in named.stderr  # (no such school)
    # One value spelled otherwise: a path with «./», a number with a leading zero, a name in another case.
    spelled = invoke(
        "indicator",
        "--data",
        data,
        "-d",
        f"./{data}" if not data.startswith("/") else data + "/.",
        "--month",
        "2024-09",
        "--format",
        "json",
        "--municipality",
        "Сочи",
        "--municipality",
        "сочи",
    )
    assert "указан несколько раз" not in spelled.stderr


def test_help_wins_over_a_repeated_option_and_completion_never_raises(data: str) -> None:
    helped = invoke("indicator", "--month", "2024-09", "--month", "2024-10", "--help")
    assert helped.exit_code == 0 and "Запуск: adoption indicator" in helped.stdout
    completion = invoke(
        env={
            "_ADOPTION_COMPLETE": "complete_bash",
            "COMP_WORDS": "adoption activity -m 2024-09 -m 2024-10 --f",
            "COMP_CWORD": "6",
        }
    )
    assert completion.exit_code == 0, completion.stderr
    assert "--format" in completion.stdout and "Traceback" not in completion.stderr


def test_a_repeated_value_with_a_line_break_is_still_said_in_russian(data: str) -> None:
    result = invoke("indicator", "--data", data, "--municipality", "a\nb", "--municipality", "b")
    assert result.exit_code == 2
    assert "Ошибка: параметр --municipality указан несколько раз (a\nb, b): оставьте одно значение." in result.stderr


def test_exit_2_on_a_bad_choice(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "xml")
    assert result.exit_code == 2
    assert "«xml» — не одно из: «table», «json», «csv»." in result.stderr


def test_exit_2_on_an_unknown_command() -> None:
    result = invoke("indicatr")
    assert result.exit_code == 2
    assert "нет такой команды: «indicatr»" in result.stderr


def test_exit_2_on_an_unknown_language(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--lang", "de")
    assert result.exit_code == 2
    assert "«de»" in result.stderr


def test_exit_3_only_with_fail_below_target(data: str) -> None:
    assert invoke("indicator", "--data", data, "--month", "2024-09").exit_code == 0
    failing = invoke("indicator", "--data", data, "--month", "2024-09", "--fail-below-target")
    assert failing.exit_code == 3
    assert "Регион" in failing.stdout


def test_exit_130_on_ctrl_c(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("adoption_cli.sources.load_dataset", _raise(KeyboardInterrupt()))
    result = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09")
    assert result.exit_code == 130
    assert result.stderr == "Ошибка: прервано пользователем.\n"


def test_a_closed_pipe_ends_quietly(monkeypatch: pytest.MonkeyPatch, data: str) -> None:
    # `adoption indicator … | head -1`: the reader left; no «unexpected error» about it.
    monkeypatch.setattr("adoption_cli.render.emit.write_csv", _raise(BrokenPipeError()))
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--format", "csv", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == ""


def test_unexpected_errors_speak_english_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("adoption_cli.sources.load_dataset", _raise(RuntimeError("disk gone")))
    result = invoke("validate", "--data", str(tmp_path), "--lang", "en")
    assert result.stderr.startswith("Error: unexpected error RuntimeError: disk gone.")


# --- language, streams, verbosity, colour ---


def test_english_by_flag_or_environment(data: str) -> None:
    by_flag = invoke("indicator", "--data", data, "--month", "2024-09", "--lang", "en")
    by_env = invoke("indicator", "--data", data, "--month", "2024-09", env={"ADOPTION_LANG": "en"})
    assert "Region" in by_flag.stdout and by_flag.stdout == by_env.stdout
    assert "Регион" not in by_flag.stdout


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["indicator", "--month", "2024-13"], 2, "Error: The month «2024-13» is not YYYY-MM (e.g. 2024-09)."),
        (
            ["indicator", "--month", "2024-09", "--data", "nowhere"],
            1,
            "Error: the data folder «nowhere» was not found.",
        ),
        (["report", "--month", "2024-09", "--out", "r.txt"], 2, "Error: The report file «r.txt» must end in .xlsx."),
        (["report", "--month", "2024-09", "--out", "no/r.xlsx"], 1, "Error: the folder «no» for the report was not"),
        (["indicator", "--month", "2024-09"], 1, "unknown key «indicator.top». Remove it or check its spelling."),
        (["activity", "--as-of", "2024-09-31"], 2, "Error: The date «2024-09-31» is not YYYY-MM-DD or DD.MM.YYYY."),
    ],
)
def test_english_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, said: str) -> None:
    """The command line's, the folders' and the settings' errors speak English under --lang en (an independent
    check found them in Russian); a file's content is described in Russian only (docs/cli.md)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "adoption.toml").write_text("[indicator]\ntop = 1\n", encoding="utf-8")
    data = [] if "--data" in args else ["--data", "data"]
    if "top" not in said:
        (tmp_path / "data" / "adoption.toml").unlink()
    result = invoke(*args, *data, "--lang", "en")
    assert result.exit_code == code, result.output
    assert said in result.stderr and not any("а" <= c <= "я" for c in result.stderr.lower()), result.stderr


def test_results_on_stdout_messages_on_stderr(data: str) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", "--verbose")
    assert "Данные загружены за" in result.stderr
    assert "Данные загружены" not in result.stdout
    assert "Регион" in result.stdout and "Регион" not in result.stderr


def test_quiet_leaves_only_the_result(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serve(monkeypatch, dataset(schools=[school("2300000001", "СОШ № 1", "Сочи", "municipal", 0, 0)]))
    loud = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09")
    quiet = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09", "--quiet", "--verbose")
    assert "Внимание" in loud.stderr
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


RED = "\x1b[31m"


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({"FORCE_COLOR": "1", "NO_COLOR": None}, (), True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, (), False),
        ({"FORCE_COLOR": "1", "NO_COLOR": None}, ("--no-color",), False),
        ({"NO_COLOR": None}, (), False),  # not a terminal
    ],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(
    data: str, env: dict[str, str | None], args: tuple[str, ...], coloured: bool
) -> None:
    result = invoke("indicator", "--data", data, "--month", "2024-09", *args, env=env)
    assert (RED in result.stdout) is coloured  # the red ✘ of the missed target


def test_no_color_environment_variable() -> None:
    assert Environment.from_flags(environ={"NO_COLOR": "1"}).color is False
    assert Environment.from_flags(environ={}).color is True
    assert Environment.from_flags(no_color=True, environ={}).color is False


# --- progress display ---


def _status_output(
    *, terminal: bool, work_seconds: float, delay: float = 0.01, quiet: bool = False, color: bool = True
) -> str:
    """What delayed_status writes to stderr around work lasting `work_seconds`."""
    buffer = io.StringIO()
    env = Environment(quiet=quiet, color=color, stderr=buffer)
    if terminal:
        env._err = Console(file=buffer, force_terminal=True, width=80)
    token = activate(env)
    try:
        with delayed_status("Чтение…", delay=delay):
            time.sleep(work_seconds)
    finally:
        deactivate(token)
    return buffer.getvalue()


def test_progress_shows_only_when_work_is_slow() -> None:
    assert _status_output(terminal=True, work_seconds=0, delay=10) == ""
    assert "Чтение…" in _status_output(terminal=True, work_seconds=0.3)


@pytest.mark.parametrize(
    ("terminal", "quiet", "color"), [(True, True, True), (True, False, False), (False, False, True)]
)
def test_no_progress_when_quiet_colourless_or_not_a_terminal(terminal: bool, quiet: bool, color: bool) -> None:
    assert _status_output(terminal=terminal, quiet=quiet, color=color, work_seconds=0.1) == ""


# --- help ---


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_russian_help_with_an_example(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0
    assert f"Пример: adoption {name}" in result.stdout
    assert "Запуск: adoption" in result.stdout
    for english in ("Usage:", "Options", "Show this message", "[default:"):
        assert english not in result.stdout


def test_root_help_lists_every_command_and_completion() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.stdout
    assert "--install-completion" in result.stdout
    assert "Установить автодополнение" in result.stdout


def test_completion_suggests_commands_and_choices() -> None:
    from typer.testing import CliRunner

    def complete(words: str, cword: int) -> str:
        env = {"_ADOPTION_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return CliRunner().invoke(app, [], env=env, prog_name="adoption").stdout

    assert complete("adoption ind", 1).split() == ["indicator"]
    assert complete("adoption indicator --format ", 3).split() == ["table", "json", "csv"]


def test_usage_problems_in_russian() -> None:
    assert translate_usage_problem("Option '--month' requires an argument.") == "после --month нужно значение."
    assert translate_usage_problem("Invalid value for '--target': Input should be less than or equal to 100") == (
        "недопустимое значение --target: должно быть не больше 100."
    )
    assert translate_usage_problem("Something new.") == "Something new."


def test_reflow_joins_paragraph_lines_but_keeps_marked_blocks() -> None:
    assert reflow("Первая\n    строка.\n\n    Вторая\n    часть.") == "Первая строка.\n\nВторая часть."
    assert reflow("А.\n\n\b\nx\ny") == "А.\n\n\b\nx\ny"


def test_an_80_column_terminal_wraps_headers_not_names(tmp_path: Path) -> None:
    """Long headers over short numbers wrap first (render.fitting), so the municipalities keep their words
    whole (a word longer than the column folds: nothing is cut to «…») and each line fits; at 120 columns
    the headers stay on one line."""
    sample = str(Path(__file__).resolve().parents[1] / "sample_data")
    args = ("indicator", "--data", sample, "--month", "2024-09", "--store", str(tmp_path / "none"), "-q")
    narrow = invoke(*args, env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert "…" not in narrow.stdout
    assert all(len(line) <= 80 for line in narrow.stdout.splitlines())
    assert "Белоглинский" in narrow.stdout and "Новороссийск" in narrow.stdout
    wide = invoke(*args)
    assert "Муниципальное образование   Школ   Отвечают критерию" in wide.stdout


def test_an_80_column_sferum_table_drops_the_units_its_caption_names(tmp_path: Path) -> None:
    """Ten columns do not fit 80 even with wrapped headers: the compact table shows shares and changes
    without «%» and «п.п.» (the caption says what they are in), so that every municipality keeps its words;
    wide, the values keep their units."""
    sample = str(Path(__file__).resolve().parents[1] / "sample_data")
    args = ("sferum", "--data", sample, "--month", "2024-09", "--store", str(tmp_path / "none"), "-q")
    narrow = invoke(*args, env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert all(len(line) <= 80 for line in narrow.stdout.splitlines())
    words = {word for line in narrow.stdout.splitlines() for word in line.split()}
    assert {"Белоглинский", "Красноармейский", "Новороссийск", "средняя"} <= words
    assert "доля — в %" in narrow.stdout and "п.п. к периоду" in narrow.stdout
    table = narrow.stdout.split("Период:")[0]
    assert "│+42,9│" in table and "│64,3│" in table and "п.п." not in table and "%" not in table
    wide = invoke(*args, env={"COLUMNS": "160"})
    assert "64,3\u202f%" in wide.stdout and "+42,9\u202fп.п." in wide.stdout
