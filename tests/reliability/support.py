"""Shared pieces of the reliability tests: running the CLI on a folder, the one-line error contract, hashes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from typer.testing import Result

from tests.cli_support import invoke

MONTH = "2024-09"
EVENTS_HEADER = "platform,user_id,role,school_id,ts\n"
# How many hypothesis examples the heavier tests run: CI keeps the default, a local soak sets it higher.
FUZZ_EXAMPLES = int(os.environ.get("ADOPTION_FUZZ_EXAMPLES", "150"))


def run(*args: str, data: Path, lang: str = "ru") -> Result:
    """`adoption ARGS --data DATA` in the fixed test terminal."""
    return invoke(*args, "--data", str(data), "--lang", lang)


def assert_one_line_error(result: Result, *, names: str | None = None) -> str:
    """Exit 1, nothing on stdout, exactly one non-empty stderr line, no traceback; returns the message."""
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert len(lines) == 1, lines
    assert result.stdout == "", result.stdout
    message = lines[0]
    assert message.startswith(("Ошибка: ", "Error: ")), message
    assert "непредвиденная ошибка" not in message and "unexpected error" not in message, message
    if names is not None:
        assert names in message, (names, message)
    return message


def validate_json(data: Path) -> dict[str, Any]:
    result = run("validate", "--format", "json", data=data)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def assert_nothing_lost(payload: dict[str, Any]) -> None:
    """Every row read is loaded or rejected, per file and in the totals."""
    for file in payload["files"]:
        assert file["rows"] == file["loaded"] + file["rejected"], file
        assert file["rejected"] == sum(file["rejected_by_reason"].values()), file
        assert file["unknown_school"] + file["other_role"] <= file["loaded"], file
    for key in ("rows", "loaded", "rejected", "unknown_school"):
        assert payload[key] == sum(file[key] for file in payload["files"]), key


def tree_digest(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of every file under `folder` (relative path -> digest), leaving out sub-folders in `skip`."""
    digests: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not (relative.parts and relative.parts[0] in skip):
            digests[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests
