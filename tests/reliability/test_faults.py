"""Faults: failures deep inside a library still end as one line on stderr, never a traceback."""

from __future__ import annotations

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
