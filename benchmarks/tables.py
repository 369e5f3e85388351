"""The benchmark table, for the terminal and for docs/performance.md (the «Benchmarks» section)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    extra: dict[str, str] = field(default_factory=dict)


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


def render_docs(rows: list[Row], machine: dict[str, str], *, quick: bool) -> str:
    scaling = [r for r in rows if "scaling" in r.set]
    main = [r for r in rows if r not in scaling]
    parts = [
        BEGIN,
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.run{' --quick' if quick else ''}`; "
        "every figure is one whole process (interpreter start included), page cache warm.",
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
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n## Benchmarks\n\n"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
