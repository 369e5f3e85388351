"""Typer's help pages and usage errors in Russian.

Typer prints its own words («Usage», «Options», «[default: …]», «No such option») in English. The Group and
Command classes below put Russian ones in, at the moment help or a usage error is shown (that is when Typer
imports its Rich help module, which stays out of every other run). Click's error sentences are translated
for the common cases; an unknown one is shown as is.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup, TyperOption

from adoption_cli.cli.options import COMMON_PANEL

_HELP_TEXTS = {
    "help": "Показать эту справку и выйти.",
    "install_completion": "Установить автодополнение команд для текущей оболочки.",
    "show_completion": "Показать скрипт автодополнения для текущей оболочки (чтобы настроить вручную).",
}
_OPTIONS_METAVAR = "[ПАРАМЕТРЫ]"

# Typer's module-level words (typer.rich_utils), in Russian.
_RICH_UTILS_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "Аргументы",
    "OPTIONS_PANEL_TITLE": "Параметры",
    "COMMANDS_PANEL_TITLE": "Команды",
    "ERRORS_PANEL_TITLE": "Ошибка",
    "DEFAULT_STRING": "[по умолчанию: {}]",
    "ENVVAR_STRING": "[переменная окружения: {}]",
    "REQUIRED_LONG_STRING": "[обязательно]",
    "DEPRECATED_STRING": "(устарело) ",
    "ABORTED_TEXT": "Прервано.",
    "RICH_HELP": "Справка: [blue]{command_path} {help_option}[/]",
}
_ENGLISH_WORDS = {
    "ERRORS_PANEL_TITLE": "Error",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}

_Translation = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _translate(text: str, table: Sequence[_Translation]) -> str:
    for pattern, render in table:
        match = pattern.fullmatch(text)
        if match:
            return render(match)
    return text


def _value_problem(text: str) -> str:
    return _translate(text, _VALUE_PROBLEMS)


_VALUE_PROBLEMS: Sequence[_Translation] = (
    (re.compile(r"Value error, (.+)", re.S), lambda m: _value_problem(m[1])),
    (re.compile(r"'(.*)' is not one of (.+)\."), lambda m: f"«{m[1]}» — не одно из: {m[2]}."),
    (re.compile(r"Input should be less than or equal to (.+)"), lambda m: f"должно быть не больше {m[1]}."),
    (re.compile(r"Input should be greater than or equal to (.+)"), lambda m: f"должно быть не меньше {m[1]}."),
    (re.compile(r"Input should be a valid (?:number|integer).*"), lambda m: "нужно число."),
    (re.compile(r"Input should be a valid boolean.*"), lambda m: "нужно да или нет."),
    (re.compile(r"(?:Path|File|Directory) '(.*)' does not exist\."), lambda m: f"«{m[1]}» не существует."),
)
_USAGE_PROBLEMS: Sequence[_Translation] = (
    (
        re.compile(r"No such option: (\S+)(?: \(Possible options: (.+)\))?"),
        lambda m: f"нет такого параметра: {m[1]}" + (f" (может быть, {m[2]}?)" if m[2] else "."),
    ),
    (
        re.compile(r"No such command '(.+)'\.(?: Did you mean (.+)\?)?"),
        lambda m: f"нет такой команды: «{m[1]}»" + (f" (может быть, {m[2]}?)" if m[2] else "."),
    ),
    (re.compile(r"Missing command\."), lambda m: "не указана команда."),
    (re.compile(r"Missing option '(.+?)'\.(.*)"), lambda m: f"не указан обязательный параметр {m[1]}.{m[2]}"),
    (re.compile(r"Missing argument '(.+?)'\.(.*)"), lambda m: f"не указан обязательный аргумент {m[1]}.{m[2]}"),
    (re.compile(r"Option '(.+)' requires an argument\."), lambda m: f"после {m[1]} нужно значение."),
    (re.compile(r"Option '(.+)' does not take a value\."), lambda m: f"{m[1]} не принимает значения."),
    (re.compile(r"Got unexpected extra argument\(s\) \((.+)\)"), lambda m: f"лишние аргументы: {m[1]}."),
    (
        re.compile(r"Invalid value for (.+?): (.+)", re.S),
        lambda m: f"недопустимое значение {m[1].replace(chr(39), '')}: {_value_problem(m[2])}",
    ),
)


def translate_usage_problem(message: str) -> str:
    """Click's usage error sentence in Russian (unchanged when it is not one of the common cases)."""
    return _translate(message, _USAGE_PROBLEMS)


def _language(args: Sequence[str]) -> str:
    """The language asked for on the command line or in ADOPTION_LANG (the Environment does not exist yet)."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1].strip().lower()
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1].strip().lower()
    return (os.environ.get("ADOPTION_LANG") or "ru").strip().lower()


def _use_words(lang: str = "ru") -> None:
    from typer import rich_utils

    words = {**_RICH_UTILS_WORDS, **(_ENGLISH_WORDS if lang == "en" else {})}
    for name, word in words.items():
        setattr(rich_utils, name, word)


def _polish(params: list[Any], *, panel: str | None) -> list[Any]:
    """Russian help for the options Typer and Click add (shown in `panel`); flags show no value type."""
    for param in params:
        if not isinstance(param, TyperOption):
            continue
        if param.name in _HELP_TEXTS:
            param.help = _HELP_TEXTS[param.name]
            param.rich_help_panel = panel
        if param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


def _russian_usage_error(error: UsageError, args: Sequence[str]) -> UsageError:
    """The same usage error with its sentence in the user's language; help requests pass unchanged."""
    if isinstance(error, NoArgsIsHelpError):
        return error
    lang = _language(args)
    _use_words(lang)
    if lang == "en":
        return error
    translated = UsageError(translate_usage_problem(error.format_message()), ctx=error.ctx)
    translated.exit_code = error.exit_code
    return translated


class _Russian:
    """Mixed into Typer's command classes: Russian usage line, help words and usage errors."""

    # Where --help is listed: commands put it with the common flags that guard adds to each of them.
    help_panel: str | None = None

    def get_params(self, ctx: Any) -> list[Any]:
        return _polish(super().get_params(ctx), panel=self.help_panel)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Запуск: ")

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _use_words()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        original = list(args)
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except UsageError as error:
            raise _russian_usage_error(error, original) from None


def reflow(help_text: str | None) -> str | None:
    """Docstring paragraphs as single lines, so that the terminal wraps them at its own width.

    A paragraph that starts with \\b (Click's convention) keeps its line breaks.
    """
    if not help_text:
        return help_text
    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)


# Typer passes its own English defaults explicitly, so they are replaced rather than defaulted.
class Command(_Russian, TyperCommand):
    help_panel = COMMON_PANEL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "help": reflow(kwargs.get("help")), "options_metavar": _OPTIONS_METAVAR})


class Group(_Russian, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *args,
            **{
                **kwargs,
                "help": reflow(kwargs.get("help")),
                "options_metavar": _OPTIONS_METAVAR,
                "subcommand_metavar": "КОМАНДА [ПАРАМЕТРЫ]...",
            },
        )

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            raise _russian_usage_error(error, args) from None
