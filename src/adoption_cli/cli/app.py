"""The `adoption` application: the root callback and the commands found in `cli.commands`.

Each module in `adoption_cli.cli.commands` defines `NAME`, `ORDER` and a function `command`; it is
registered here through `guard.guarded`, which adds the global flags and maps errors to exit codes.
Command modules import Polars, Rich tables and openpyxl only inside `command`, so `--help` stays fast.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Annotated

import typer

from adoption_cli import __version__
from adoption_cli.cli import commands
from adoption_cli.cli.guard import guarded
from adoption_cli.cli.typer_ru import Command, Group

app = typer.Typer(
    name="adoption",
    cls=Group,
    help=(
        "Аналитика использования ФГИС «Моя школа», ИКОП «Сферум» и «Цифровой помощник ученика» "
        "по выгрузкам платформ и реестру школ (ОО-1).\n\n"
        "Пример: adoption indicator --data sample_data --month 2024-09"
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    # Plain help (cli.typer_ru): Typer's Rich help costs ~0.1 s of imports on every --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"adoption-cli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Показать версию и выйти."),
    ] = False,
) -> None:
    """Аналитика использования федеральных школьных платформ."""


def _command_modules() -> list[ModuleType]:
    # A directory listing rather than pkgutil.iter_modules: pkgutil costs ~10 % of `adoption --help`.
    names = {
        entry.removesuffix(".py")
        for folder in commands.__path__
        for entry in os.listdir(folder)
        if entry.endswith(".py") and not entry.startswith("_")
    }
    found = [importlib.import_module(f"{commands.__name__}.{name}") for name in sorted(names)]
    return sorted(found, key=lambda module: (module.ORDER, module.NAME))


for _module in _command_modules():
    app.command(name=_module.NAME, cls=Command)(guarded(_module.command))


def main() -> None:
    app(prog_name="adoption")
