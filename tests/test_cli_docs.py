"""docs/cli.md is generated from the help texts and documents every command and option (as sqlite-utils does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from adoption_cli.cli.app import app
from adoption_cli.cli.docs import generate
from adoption_cli.cli.guard import GLOBAL_FLAGS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
ROOT = typer.main.get_command(app)
COMMANDS = sorted(ROOT.commands)  # type: ignore[attr-defined]


def _section(name: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"\n## adoption {name}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_docs_are_fresh() -> None:
    assert DOCS.read_text(encoding="utf-8") == generate(), (
        "docs/cli.md is stale: run `python -m adoption_cli.cli.docs > docs/cli.md`"
    )


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_with_its_options(name: str) -> None:
    section = _section(name)
    assert "Пример:" in section
    for param in ROOT.commands[name].params:  # type: ignore[attr-defined]
        if param.param_type_name == "option" and param.name not in GLOBAL_FLAGS:
            assert f"`{param.opts[0]}`" in section, f"{name}: {param.opts[0]} is not documented"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_placeholder_is_russian(name: str) -> None:
    """Click's own placeholders (`<str>`, `<int range>`, `<path>`) are English in a Russian --help (an
    independent check found them in sample, trend and plan): every value option names its own."""
    from tests.cli_support import invoke

    shown = invoke(name, "--help", env={"COLUMNS": "200"}).stdout
    assert re.findall(r"<[a-z][a-z ]*>", shown) == [], shown
