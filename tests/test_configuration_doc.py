"""docs/configuration.md names every setting with its default (adoption_cli.config.Settings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from adoption_cli.config import Settings

DOC = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")


def _toml(value: Any) -> str:
    """A default as the page writes it: TOML-like (lists in brackets, tables inline, strings quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BaseModel):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _leaves(model: BaseModel, prefix: str = "") -> dict[str, str]:
    """Dotted key -> its default, for every setting (a section's fields; `sources` is a list of tables)."""
    leaves: dict[str, str] = {}
    for name, value in model:
        if isinstance(value, BaseModel):
            leaves |= _leaves(value, f"{prefix}{name}.")
        else:
            leaves[f"{prefix}{name}"] = _toml(value)
    return leaves


def _documented() -> dict[str, str]:
    rows = [line for line in DOC.splitlines() if line.startswith("| `")]
    return {cells[0].strip("` "): cells[1].strip("` ") for cells in (row.strip("|").split(" | ") for row in rows)}


def test_every_setting_and_its_default_is_documented() -> None:
    assert _documented() == _leaves(Settings())
