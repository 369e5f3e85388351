"""Help pages and usage errors in Russian, written without Rich so that `adoption --help` starts fast.

Typer prints its own words («Usage», «Options», «[default: …]», «No such option») in English, and its Rich
help costs a tenth of a second of imports (rich, markdown-it) before anything is shown. The Group and Command
classes below write help with Click's plain formatter instead: Russian headings, options grouped by their
`rich_help_panel`, Russian defaults and environment variables. Click's usage error sentences are translated
for the common cases; an unknown one is shown as is.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from typing import IO, Any

from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup, TyperOption

from adoption_cli.cli.options import COMMON_PANEL

DEFAULT_PANEL = "Параметры"
_HELP_TEXTS = {
    "help": "Показать эту справку и выйти.",
    "install_completion": "Установить автодополнение команд для текущей оболочки.",
    "show_completion": "Показать скрипт автодополнения для текущей оболочки (чтобы настроить вручную).",
}
_OPTIONS_METAVAR = "[ПАРАМЕТРЫ]"

_Translation = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _translate(text: str, table: Sequence[_Translation]) -> str:
    for pattern, render in table:
        match = pattern.fullmatch(text)
        if match:
            return render(match)
    return text


def _value_problem(text: str) -> str:
    return _translate(text, _VALUE_PROBLEMS)


# Click quotes the choices 'table', 'json': in Russian, «table», «json».
_QUOTED = re.compile(r"'([^']*)'")
_VALUE_PROBLEMS: Sequence[_Translation] = (
    (re.compile(r"Value error, (.+)", re.S), lambda m: _value_problem(m[1])),
    (
        re.compile(r"'(.*)' is not one of (.+)\."),
        lambda m: f"«{m[1]}» — не одно из: " + _QUOTED.sub(r"«\1»", m[2]) + ".",
    ),
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
        re.compile(r"Option '(.+?)' is given more than once \((.+)\)\.", re.S),
        lambda m: f"параметр {m[1]} указан несколько раз ({m[2]}): оставьте одно значение.",
    ),
    (
        # (an option read from the environment is named with its variable)
        re.compile(r"Invalid value for (.+?)(?: \(env var: '(.+?)'\))?: (.+)", re.S),
        lambda m: (
            f"недопустимое значение {m[1].replace(chr(39), '')}"
            + (f" (или переменной окружения {m[2]})" if m[2] else "")
            + f": {_value_problem(m[3])}"
        ),
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


class RussianUsageError(UsageError):
    """A usage error shown in Russian: the usage line, where to find help, and the problem."""

    def show(self, file: IO[Any] | None = None) -> None:
        from typer._click.utils import echo

        stream = file or sys.stderr
        if self.ctx is not None:
            help_names = self.ctx.help_option_names
            echo(self.ctx.get_usage(), file=stream)
            echo(f"Справка: {self.ctx.command_path} {help_names[0]}", file=stream)
        echo(f"Ошибка: {self.format_message()}", file=stream)


def _russian_usage_error(error: UsageError, args: Sequence[str]) -> UsageError:
    """The same usage error with its sentence in the user's language; help requests pass unchanged."""
    if isinstance(error, NoArgsIsHelpError) or _language(args) == "en":
        return error
    translated = RussianUsageError(translate_usage_problem(error.format_message()), ctx=error.ctx)
    translated.exit_code = error.exit_code
    return translated


EXAMPLE_PREFIX = "Пример:"


def reflow(help_text: str | None) -> str | None:
    """Docstring paragraphs as single lines (the help and docs/cli.md wrap them at their own width).

    A paragraph that starts with \\b (Click's convention) keeps its line breaks; an example is marked so,
    because a command line broken in two cannot be copied.
    """
    if not help_text:
        return help_text
    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    return "\n\n".join(
        p if p.startswith("\b") else ("\b\n" if p.startswith(EXAMPLE_PREFIX) else "") + " ".join(p.split("\n"))
        for p in paragraphs
    )


def _default(param: Any) -> str | None:
    value = param.default
    if param.is_flag or value is None or callable(value) or param.show_default is False:
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or None
    return str(value)


def option_parts(param: TyperOption, ctx: Any) -> tuple[list[str], str, str]:
    """(names, value placeholder, description with default and environment variable) of an option."""
    names = sorted([*param.opts, *param.secondary_opts], key=lambda name: not name.startswith("--"))
    value = "" if param.is_flag else (param.display_type_rich(ctx) or "")
    extras = []
    default = _default(param)
    if default is not None:
        extras.append(f"[по умолчанию: {default}]")
    if param.envvar:
        envvars = param.envvar if isinstance(param.envvar, list | tuple) else [param.envvar]
        extras.append(f"[переменная окружения: {', '.join(str(e) for e in envvars)}]")
    return names, value, " ".join([param.help or "", *extras]).strip()


def option_panels(command: Any, ctx: Any) -> dict[str, list[TyperOption]]:
    """The command's visible options by help panel, in declaration order."""
    panels: dict[str, list[TyperOption]] = {}
    for param in command.get_params(ctx):
        if isinstance(param, TyperOption) and not param.hidden:
            panels.setdefault(getattr(param, "rich_help_panel", None) or DEFAULT_PANEL, []).append(param)
    return panels


def _help_rows(params: list[TyperOption], ctx: Any) -> Iterator[tuple[str, str]]:
    for param in params:
        names, value, description = option_parts(param, ctx)
        yield (", ".join(names) + (f" {value}" if value else ""), description)


class _Russian:
    """Mixed into Typer's command classes: Russian usage line, help page and usage errors."""

    # Where --help is listed: commands put it with the common flags that guard adds to each of them.
    help_panel: str | None = None

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if isinstance(param, TyperOption) and param.name in _HELP_TEXTS:
                param.help = _HELP_TEXTS[param.name]
                param.rich_help_panel = self.help_panel
                # Typer's completion flags default to None, which Typer coerces through Pydantic (~0.1 s of
                # imports) on every run; False means the same to their callbacks and is never coerced.
                if param.is_flag and param.default is None:
                    param.default = False
        return params

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Запуск: ")

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)  # type: ignore[attr-defined]
        self.format_options(ctx, formatter)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        for panel, params in option_panels(self, ctx).items():
            with formatter.section(panel):
                formatter.write_dl(list(_help_rows(params, ctx)))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        original = list(args)
        try:
            # (a group's arguments hold its command's; completion parses half-typed lines)
            if isinstance(self, TyperCommand) and not ctx.resilient_parsing:
                _refuse_repeated_values(self.get_params(ctx), args, ctx)
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except UsageError as error:
            raise _russian_usage_error(error, original) from None


def _refuse_repeated_values(params: Sequence[Any], args: Sequence[str], ctx: Any) -> None:
    """A usage error when an option of one value is given twice with different values: Click keeps the last
    silently, and `--month 2024-09 … --month 2024-10` in a cron line would report the month nobody meant. The
    same value spelled otherwise (case, `./`, leading zeros) is the same; with --help nothing is refused."""
    single: dict[str, str] = {}
    flags: set[str] = set()
    for param in params:
        if not isinstance(param, TyperOption):
            continue
        if param.is_flag or param.count:
            flags.update(param.opts + param.secondary_opts)
        elif not param.multiple and param.nargs == 1:
            single.update(dict.fromkeys(param.opts, param.name))
    given: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    words = list(args[: args.index("--")] if "--" in args else args)
    if any(word in ctx.help_option_names for word in words):
        return
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        name, value = _option_and_value(word, single, flags)
        if name is None:
            continue
        if value is None:
            if index >= len(words):
                break  # (Click says the value is missing)
            value = words[index]
            index += 1
        given.setdefault(single[name], []).append(value)
        shown.setdefault(single[name], name)
    for param_name, values in given.items():
        if len({_same_value(value) for value in values}) > 1:
            raise UsageError(f"Option '{shown[param_name]}' is given more than once ({', '.join(values)}).", ctx=ctx)


def _option_and_value(word: str, single: dict[str, str], flags: set[str]) -> tuple[str | None, str | None]:
    """The option of one value that `word` names, and its value when the word holds it (`--month=…`, `-m…`,
    short flags before it: `-qm…`); (None, None) for any other word."""
    if word.startswith("--"):
        name, has_value, value = word.partition("=")
        return (name, value if has_value else None) if name in single else (None, None)
    if not word.startswith("-") or len(word) < 2:
        return None, None
    for position in range(1, len(word)):
        short = "-" + word[position]
        if short in single:
            rest = word[position + 1 :]
            return short, rest or None
        if short not in flags:
            break
    return None, None


def _same_value(value: str) -> str:
    """How two spellings of one value compare: a path normalised, case ignored, an integer without its zeros."""
    text = value.strip()
    if text.isdigit():
        return str(int(text))
    return os.path.normpath(text).casefold() if text else text


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

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                # The whole first sentence: write_dl wraps it, a limit would cut it with «...».
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Команды"):
                formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            raise _russian_usage_error(error, args) from None
