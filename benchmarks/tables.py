"""The benchmark table, for the terminal and for docs/performance.md (the «Benchmarks» section)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"
DUCKDB = "DuckDB SQL (CSV)"


@dataclass
class Row:
    set: str
    label: str
    seconds: float
    peak_rss_mb: float
    returncode: int
    sizes: Any = None  # what the generator wrote
    agreed: bool | None = None  # all comparable contenders of the set gave identical numbers
    measured: str = field(default_factory=lambda: date.today().isoformat())


def save_rows(path: Path, rows: list[Row]) -> list[Row]:
    """Keep these rows with those measured by earlier runs (other sets, or contenders skipped this time);
    returns all of them."""
    kept = [Row(**row) for row in json.loads(path.read_text())] if path.exists() else []
    measured = {(row.set, row.label) for row in rows}
    merged = [row for row in kept if (row.set, row.label) not in measured] + rows
    path.write_text(json.dumps([asdict(row) for row in merged], ensure_ascii=False, indent=1))
    return merged


def _ratio(value: float, basis: float | None) -> str:
    return f"{value / basis:.2f}" if basis else "—"


def _lines(rows: list[Row]) -> list[str]:
    lines = [
        "| Set | Measured | Wall, s | Peak RSS, MB | Time ÷ DuckDB | RSS ÷ DuckDB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        duck = next((r for r in rows if r.set == row.set and r.label == DUCKDB and r.returncode == 0), None)
        failed = " (failed)" if row.returncode else ""
        lines.append(
            f"| {row.set} | {row.label}{failed} | {row.seconds:.2f} | {row.peak_rss_mb:.0f} | "
            f"{_ratio(row.seconds, duck.seconds if duck else None)} | "
            f"{_ratio(row.peak_rss_mb, duck.peak_rss_mb if duck else None)} |"
        )
    return lines


def render_table(rows: list[Row]) -> str:
    return "\n".join(_lines(rows))


def _sizes(rows: list[Row]) -> list[str]:
    lines = [
        "| Set | Schools | Months | Dialect | Accounts rows | Events rows | CSV/XLSX files | Numbers agree |",
        "|---|---:|---|---|---:|---:|---:|---|",
    ]
    seen: set[str] = set()
    for row in rows:
        if row.set in seen or not isinstance(row.sizes, dict):
            continue
        seen.add(row.set)
        files = row.sizes.get("files", [])
        accounts = sum(f["rows"] for f in files if f["kind"] == "accounts")
        events = sum(f["rows"] for f in files if f["kind"] == "events")
        months = row.sizes.get("months", [])
        agreed = {True: "yes", False: "**NO**", None: "—"}[row.agreed]
        lines.append(
            f"| {row.set} | {row.sizes.get('schools')} | {months[0]}…{months[-1]} | {row.sizes.get('dialect')} | "
            f"{accounts:,} | {events:,} | {len(files)} | {agreed} |"
        )
    return lines


def _dates(rows: list[Row]) -> str:
    days = sorted({row.measured for row in rows})
    return days[0] if len(days) == 1 else f"{days[0]}…{days[-1]}"


def render_docs(rows: list[Row], machine: dict[str, str], *, quick: bool) -> str:
    scaling = [r for r in rows if "scaling" in r.set]
    main = [r for r in rows if r not in scaling]
    parts = [
        BEGIN,
        f"Measured {_dates(rows)} with `python -m benchmarks.run{' --quick' if quick else ''}` (sets run by "
        "separate invocations are merged); every figure is one whole process (interpreter start included), "
        "page cache warm; runs under 10 s are the best of three.",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in machine.items()) + ".",
        "",
        "### Reference sets actually run",
        "",
        *_sizes(rows),
        "",
        "### Times and memory",
        "",
        *_lines(main),
    ]
    if scaling:
        parts += ["", "### Scaling (one month; 1×, 4×, 16× the regional number of schools)", "", *_lines(scaling)]
    parts.append(END)
    return "\n".join(parts)


def write_docs(path: Path, section: str) -> None:
    """Replace the generated part of the «Benchmarks» section, keeping everything else in the file."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Benchmarks\n<!-- owner: store -->\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
