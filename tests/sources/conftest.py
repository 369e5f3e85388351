"""The readers' tests take the short cut of sources.fast_rows on their small files, as exports big enough
for it would (by default a file under `fast_rows.MIN_BYTES` is read by the general parsers only, and the
other test folders run that way)."""

from __future__ import annotations

import pytest

from adoption_cli.sources import fast_rows


@pytest.fixture(autouse=True)
def short_cut_on_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_rows, "MIN_BYTES", 0)
