"""The indicator's school rows of recent months, kept as gzipped JSON so that `adoption indicator` on a
store reads one small file and imports no Polars (importing it is most of what the command cost).

    indicator/part-<run>-<YYYY-MM>.json.gz   {"combination": …, "columns": {name: [value, …], …}}: the
                                             rows of metrics.indicator.schools_frame for that calendar
                                             month, column by column (a federal month parses in a quarter
                                             of the time a list of 40 000 objects takes)

The manifest maps each month to its part and records the rules the rows were computed under
(metrics.stored_rules.indicator_rules); a month, rule or part it does not cover is computed from the
store's tables as before. Regional: ≈ 60 KB a month; federal: ≈ 1.5 MB.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adoption_cli.metrics.common import Combination
from adoption_cli.store.json_parts import parsed, read_part, write_part

INDICATOR = "indicator"


@dataclass(frozen=True, slots=True)
class StoredMonth:
    """One month's rows, column by column."""

    combination: Combination
    columns: Mapping[str, Sequence[Any]]

    @property
    def schools(self) -> list[dict[str, Any]]:
        """The rows, as metrics.indicator_result.build_result takes them."""
        names = list(self.columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*self.columns.values(), strict=True)]


def write_month(store_dir: Path, token: str, month_key: str, month: StoredMonth) -> str:
    """Writes the month under store_dir; returns its part (relative to the store)."""
    (store_dir / INDICATOR).mkdir(parents=True, exist_ok=True)
    part = f"{INDICATOR}/part-{token}-{month_key}.json.gz"
    # Python's JSON, not Polars': a float reads back as the very same number (repr round-trips).
    text = json.dumps({"combination": month.combination, "columns": dict(month.columns)}, ensure_ascii=False)
    write_part(store_dir / part, text)
    return part


def read_month(store_dir: Path, part: str) -> StoredMonth | None:
    """The month's rows; None when the part is missing or damaged."""
    text = read_part(store_dir / part)
    value = parsed(text) if text is not None else None
    if not isinstance(value, dict) or value.get("combination") not in ("max", "union"):
        return None
    columns = value.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(c, list) for c in columns.values()):
        return None
    if len({len(c) for c in columns.values()}) > 1:
        return None
    return StoredMonth(value["combination"], columns)
