"""Faults: failures deep inside a library still end as one line on stderr, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from tests.reliability.support import assert_one_line_error, run


def test_a_panic_inside_polars_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # pyo3 raises a Rust panic as PanicException, a BaseException: `except Exception` would miss it.
    def panic(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.PanicException("assertion failed: offset + length <= self.length")

    monkeypatch.setattr("adoption_cli.sources.load_dataset", panic)
    message = assert_one_line_error(run("indicator", "--month", "2024-09", data=tmp_path), unexpected=True)
    assert "непредвиденная ошибка PanicException" in message


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_stdout_is_said_so_not_a_damaged_store(tmp_path: Path) -> None:
    """`> /dev/full`: the output cannot be written. With a store read, that was «хранилище повреждено … удалите
    папку» (the user would delete a sound store); without one, «непредвиденная ошибка»."""
    import subprocess
    import sys

    sample = Path(__file__).resolve().parents[2] / "sample_data"
    store = tmp_path / "store"
    command = [sys.executable, "-m", "adoption_cli"]
    subprocess.run([*command, "ingest", "--data", str(sample), "--store", str(store)], check=True, capture_output=True)
    for stored in (["--store", str(store)], ["--store", str(tmp_path / "none")]):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [*command, "validate", "--data", str(sample), *stored, "--format", "csv", "--quiet"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "ADOPTION_LANG": "ru"},
            )
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines == [
            "Ошибка: не удалось записать результат: нет места на диске. Освободите место на диске или направьте "
            "вывод в другое место."
        ], result.stderr
