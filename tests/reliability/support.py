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


def assert_one_line_error(result: Result, *, names: str | None = None, unexpected: bool = False) -> str:
    """Exit 1, nothing on stdout, exactly one non-empty stderr line, no traceback; returns the message.

    An «unexpected error» (a bug, not bad input) fails the check unless `unexpected` says it is the point."""
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert len(lines) == 1, lines
    assert result.stdout == "", result.stdout
    message = lines[0]
    assert message.startswith(("Ошибка: ", "Error: ")), message
    assert unexpected == ("непредвиденная ошибка" in message or "unexpected error" in message), message
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
    """SHA-256 and modification time of every file under `folder` (relative path -> both), leaving out the
    sub-folders in `skip`: a file rewritten with the same bytes still shows."""
    digests: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not (relative.parts and relative.parts[0] in skip):
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            digests[relative.as_posix()] = f"{sha} {path.stat().st_mtime_ns}"
    return digests


# --- a data folder built to trip unsafe outputs: formula-like names, planted user ids, every kind ---

SECRET = "SECRET-USER-4"  # every planted user id starts with this; none may ever be printed
HOSTILE_NAMES = {
    '=HYPERLINK("http://x","клик")': "+7 район",
    "-1": "@SUM(A1)",
    "+7 (861) 000-00-00": "=1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0": "-Северный район",
}
# Rejected raw values are shown as written but for control characters (a leading tab or CR is shown as «�»).
HOSTILE_VALUES = ("\t=1+1", "\r=2+2", "=3+3", "-4", "+5", "@6")


def write_hostile_exports(folder: Path) -> Path:
    """Every kind, three platforms, school names that look like formulas, user ids SECRET-USER-4n in good
    rows and in rejected ones (bad ИНН, bad date, unknown platform, missing role, ragged, unknown school)."""
    from tests.sources.sources_helpers import INN_A, INN_B, INN_C, INN_D, INN_OUTSIDE

    folder.mkdir(parents=True, exist_ok=True)
    inns = (INN_A, INN_B, INN_C, INN_D)
    registry = ["school_id;name;municipality;ownership;teachers_total;students_total"]
    for inn, (name, municipality) in zip(inns, HOSTILE_NAMES.items(), strict=True):
        quoted = name.replace('"', '""')
        registry.append(f'{inn};"{quoted}";{municipality};municipal;2;4')
    registry += [f'"{value}";Школа;МО;municipal;1;1' for value in HOSTILE_VALUES]  # rejected: invalid ИНН
    (folder / "schools.csv").write_text("\n".join(registry) + "\n", encoding="utf-8")

    for platform in ("myschool", "sferum", "assistant"):
        rows = [EVENTS_HEADER.strip()]
        for n, inn in enumerate(inns):
            rows += [
                f"{platform},{SECRET}{n}1,teacher,{inn},2024-09-0{n + 1} 10:00",
                f"{platform},{SECRET}{n}2,student,{inn},2024-09-1{n} 10:00",
                f"{platform},{SECRET}{n}3,student,{inn},2024-08-1{n} 10:00",
            ]
        rows += [
            f"{platform},{SECRET}90,teacher,2310031476,2024-09-02 10:00",  # bad check digit
            f"{platform},{SECRET}91,teacher,{INN_A},31.09.2024",  # impossible date
            f"VK,{SECRET}92,teacher,{INN_A},2024-09-02",  # unknown platform
            f"{platform},{SECRET}93,,{INN_A},2024-09-02",  # missing role
            f"{platform},{SECRET}94,teacher,{INN_A},2024-09-02,лишнее",  # ragged
            f"{platform},{SECRET}95,teacher,{INN_OUTSIDE},2024-09-02",  # unknown school
            f"{platform},,teacher,{INN_A},2024-09-02",  # missing user id
        ]
        (folder / f"{platform}_events.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    accounts = [
        "platform;user_id;role;school_id;status;registered_at;last_login_at",
        f"myschool;{SECRET}01;teacher;{INN_A};active;01.08.2024;15.09.2024 12:00",
        f"myschool;{SECRET}96;teacher;{INN_A};в отпуске;01.08.2024;15.09.2024",  # unknown status
        f"myschool;{SECRET}97;student;{INN_B};blocked;01.08.2024;15.09.2024",
    ]
    (folder / "myschool_accounts.csv").write_text("\n".join(accounts) + "\n", encoding="cp1251")
    stats = ["Платформа\tИНН\tМесяц\tРоль\tЗарегистрировано\tАктивных"]
    stats += [f"ЦПУ\t{inn}\t09.2024\tОбучающийся\t4\t3" for inn in inns] + [f"ЦПУ\t{INN_A}\t09.2024\tУчитель\t1\t2"]
    (folder / "assistant_stats.tsv").write_text("\n".join(stats) + "\n", encoding="utf-8")
    (folder / "content_items.csv").write_text(
        "content_id,kind,available_from\nc1,ЦОК,2024-08-01\nc2,видео,2024-08-01\n", encoding="utf-8"
    )
    views = ["content_id,user_id,ts", f"c1,{SECRET}01,2024-09-03 10:00", f"c1,{SECRET}98,не дата"]
    (folder / "content_views.csv").write_text("\n".join(views) + "\n", encoding="utf-8")
    return folder
