"""docs/cli.md, generated from the help texts of every registered command.

    python -m adoption_cli.cli.docs > docs/cli.md

A test fails when docs/cli.md differs from this output, so the reference never drifts from `--help`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from adoption_cli.cli.options import COMMON_PANEL
from adoption_cli.cli.typer_ru import EXAMPLE_PREFIX, option_panels, option_parts
from adoption_cli.errors import ExitStatus

EXIT_STATUSES = {
    ExitStatus.SUCCESS: "успех (в том числе когда часть строк отклонена — об этом строка в stderr)",
    ExitStatus.ERROR: "данные или настройки нельзя использовать; одно предложение в stderr называет файл, "
    "строку или ключ и что сделать",
    ExitStatus.USAGE: "неверная командная строка (в том числе параметр с одним значением, указанный дважды с разными)",
    ExitStatus.TARGET_NOT_MET: "цель не достигнута (только с --fail-below-target; результат уже выведен)",
    ExitStatus.INTERRUPTED: "прервано (Ctrl-C)",
}
ENVIRONMENT = {
    "ADOPTION_DATA": "папка с выгрузками вместо --data",
    "ADOPTION_LANG": "язык вывода (ru, en) вместо --lang",
    "ADOPTION_DEBUG": "1 — показывать трассировку ошибок",
    "ADOPTION_MEMORY_LIMIT_MB": "предел памяти для расчёта, МБ, вместо --memory-limit",
    "ADOPTION_STORE": "хранилище вместо --store",
    "NO_COLOR": "без цвета и анимации",
    "ADOPTION_<РАЗДЕЛ>__<КЛЮЧ>": "настройка из adoption.toml, например ADOPTION_INDICATOR__TARGET_PCT=40 "
    "(параметры командной строки важнее)",
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _panels(command: Any, ctx: Any, *, skip: str | None) -> dict[str, list[str]]:
    panels: dict[str, list[str]] = {}
    for panel, params in option_panels(command, ctx).items():
        if panel == skip:
            continue
        for param in params:
            names, value, description = option_parts(param, ctx)
            value_cell = f"`{value}`" if value else ""
            names_cell = ", ".join(f"`{name}`" for name in names)
            panels.setdefault(panel, []).append(f"| {names_cell} | {_cell(value_cell)} | {_cell(description)} |")
    return panels


def _table(rows: list[str]) -> Iterator[str]:
    yield "| Параметр | Значение | Описание |"
    yield "|---|---|---|"
    yield from rows
    yield ""


def _options(panels: dict[str, list[str]]) -> Iterator[str]:
    for panel, rows in panels.items():
        yield f"### {panel}"
        yield ""
        yield from _table(rows)


def _help_text(help_text: str | None) -> Iterator[str]:
    """Help paragraphs as Markdown; an example paragraph becomes a shell code block."""
    for paragraph in (help_text or "").split("\n\n"):
        paragraph = paragraph.removeprefix("\b\n")
        if paragraph.startswith(EXAMPLE_PREFIX):
            yield EXAMPLE_PREFIX
            yield ""
            yield "```bash"
            yield paragraph.removeprefix(EXAMPLE_PREFIX).strip()
            yield "```"
        else:
            yield paragraph
        yield ""


def generate() -> str:
    import typer

    from adoption_cli.cli.app import app

    root = typer.main.get_command(app)
    root_ctx = root.make_context("adoption", [], resilient_parsing=True)
    lines = [
        "# Команды `adoption`",
        "",
        "<!-- Generated from the --help texts, the exit statuses (errors.py) and the environment variables the tool reads: python -m adoption_cli.cli.docs > docs/cli.md. Do not edit. -->",
        "",
        *_help_text(root.help),
        "```text",
        root.get_usage(root_ctx),
        "```",
        "",
        *_options(_panels(root, root_ctx, skip=None)),
    ]
    lines += ["## Коды выхода", "", "| Код | Значение |", "|---|---|"]
    lines += [f"| {int(status)} | {text} |" for status, text in EXIT_STATUSES.items()]
    lines += ["", "## Переменные окружения", "", "| Переменная | Значение |", "|---|---|"]
    lines += [f"| `{name}` | {text} |" for name, text in ENVIRONMENT.items()]
    lines += [
        "",
        "Результаты выводятся в stdout, сообщения, предупреждения и индикатор загрузки — в stderr.",
        "Таблицы занимают ширину терминала (или COLUMNS): на узком экране сначала переносятся заголовки",
        "над числами, в столбцах долей и изменений не повторяются «%» и «п.п.», названные в подписи таблицы,",
        "столбцы разделяет черта «│» вместо двух пробелов, а названия не обрезаются (слово длиннее столбца",
        "продолжается на следующей строке). Где и так не помещается, каждая строка таблицы выводится блоком",
        "строк «заголовок: значение». Число не отрывается от своего «%» при переносе строки.",
        "",
    ]
    commands = [root.commands[name] for name in root.list_commands(root_ctx)]  # type: ignore[attr-defined]
    contexts = [command.make_context(command.name, [], parent=root_ctx, resilient_parsing=True) for command in commands]
    if commands:
        # Every command has the same common flags (cli.guard adds them): listed once.
        lines += [f"## {COMMON_PANEL} (у каждой команды)", ""]
        lines += _table(_panels(commands[0], contexts[0], skip=None).get(COMMON_PANEL, []))
    for command, ctx in zip(commands, contexts, strict=True):
        lines += [f"## adoption {command.name}", "", *_help_text(command.help)]
        lines += ["```text", command.get_usage(ctx), "```", ""]
        lines += _options(_panels(command, ctx, skip=COMMON_PANEL))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate())
