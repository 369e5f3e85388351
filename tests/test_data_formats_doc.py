"""docs/data-formats.md names every spelling the code accepts: the Russian headers of each column and the
spellings of each vocabulary (adoption_cli.schema). An analyst checks their file against that page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adoption_cli.schema import COLUMNS, VOCABULARIES, Kind, ValueType, normalise_header
from adoption_cli.text import comparison_key

DOC = (Path(__file__).resolve().parents[1] / "docs" / "data-formats.md").read_text(encoding="utf-8")
VOCABULARY_NAMES = {
    "platform": ValueType.PLATFORM,
    "role": ValueType.ROLE,
    "ownership": ValueType.OWNERSHIP,
    "status": ValueType.STATUS,
    "content kind": ValueType.CONTENT_KIND,
}


def _documented_vocabularies() -> dict[ValueType, dict[str, set[str]]]:
    """vocabulary -> code -> the spellings the page lists (comparison keys)."""
    block = DOC.split("Vocabularies (English code ← accepted spellings):", 1)[1].split("\n\n", 2)[1]
    bullets = [" ".join(bullet.split()) for bullet in block.split("\n- ")]
    documented: dict[ValueType, dict[str, set[str]]] = {}
    for bullet in bullets:
        name, text = bullet.removeprefix("- ").split(": ", 1)
        text = re.split(r"\. (?:Other|Any other|An empty)", text)[0].removesuffix(".")
        documented[VOCABULARY_NAMES[name]] = {
            # (a spelling with a comma of its own is in «»: «родитель, законный представитель»)
            code: {comparison_key(spelling) for spelling in re.split(r", (?![^«»]*»)", spellings)}
            for code, spellings in re.findall(r"`(\w+)` ← (.*?)(?=; `|$)", text)
        }
    return documented


def test_every_vocabulary_spelling_is_documented() -> None:
    documented = _documented_vocabularies()
    assert set(documented) == set(VOCABULARIES)
    for value_type, vocabulary in VOCABULARIES.items():
        accepted = {code: {comparison_key(s) for s in spellings} - {code} for code, spellings in vocabulary.items()}
        assert documented[value_type] == accepted, value_type


def _documented_headers(kind: Kind) -> dict[str, set[str]]:
    """column -> the Russian headers its row of the kind's table lists (comparison keys)."""
    table = DOC.split(f"### `{kind.value}`", 1)[1].split("\n\n", 2)[1]
    headers: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        headers[cells[0].strip("`")] = {normalise_header(alias) for alias in cells[-1].split(", ") if alias}
    return headers


@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.value)
def test_every_header_alias_is_documented(kind: Kind) -> None:
    documented = _documented_headers(kind)
    assert documented == {column.name: {normalise_header(a) for a in column.aliases} for column in COLUMNS[kind]}
