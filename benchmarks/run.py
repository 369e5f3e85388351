"""One command for the performance benchmark (issue 6): generate and cache the reference sets, time every
contender as a whole process, check that they agree, print the table and write it into docs/performance.md.

    python -m benchmarks.run [--sets regional,scaling,federal] [--quick] [--repeat N] [--no-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.machine import describe_machine
from benchmarks.process import Measurement, measure
from benchmarks.sets import CACHE, ReferenceSet, ensure, store_dir
from benchmarks.tables import DUCKDB, Row, render_docs, render_table, save_rows, write_docs

ROOT = Path(__file__).resolve().parents[1]
SHORT_SECONDS = 10  # runs shorter than this are repeated (--repeat) and the best is kept: less noise
if str(ROOT / "src") not in sys.path:  # run from a checkout, installed or not
    sys.path.insert(0, str(ROOT / "src"))

# ~2.5 M accounts and ~6 M events a month (issue 6); school sizes 1.7× real ones to get there with 1,500 schools.
REGIONAL = dict(
    schools=1500, first_month="2024-09", last_month="2025-02", month="2024-10", scale=1.7, events_per_user=4.0
)
SETS: dict[str, list[ReferenceSet]] = {
    "regional": [
        ReferenceSet("regional", **REGIONAL, pandas=True),  # type: ignore[arg-type]
        ReferenceSet(
            "regional-mixed",
            **REGIONAL,  # type: ignore[arg-type]
            dialect="mixed",
            competitors=False,
            same_as="regional",
        ),
    ],
    # One month at 1×, 4× and 16× the regional number of schools: the 16× point is two thirds of federal.
    "scaling": [
        ReferenceSet(
            f"scaling-{n}x",
            schools=1500 * n,
            first_month="2024-10",
            last_month="2024-10",
            month="2024-10",
            scale=1.7,
            events_per_user=4.0,
        )
        for n in (1, 4, 16)
    ],
    "federal": [
        # ~45 M accounts and ~150 M events in one month.
        ReferenceSet(
            "federal",
            schools=41000,
            first_month="2024-10",
            last_month="2024-10",
            month="2024-10",
            scale=1.12,
            events_per_user=5.5,
        )
    ],
}
QUICK: dict[str, list[ReferenceSet]] = {
    "regional": [
        ReferenceSet("quick", schools=150, first_month="2024-09", last_month="2024-10", month="2024-10", pandas=True),
        ReferenceSet(
            "quick-mixed",
            schools=150,
            first_month="2024-09",
            last_month="2024-10",
            month="2024-10",
            dialect="mixed",
            competitors=False,
            same_as="quick",
        ),
    ],
    "scaling": [
        ReferenceSet(
            f"quick-scaling-{n}x", schools=50 * n, first_month="2024-10", last_month="2024-10", month="2024-10"
        )
        for n in (1, 4, 16)
    ],
    "federal": [],
}


@dataclass
class Contender:
    label: str
    argv: list[str]
    comparable: bool = False  # prints the indicator, to be checked against DuckDB's numbers


def _env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1", "COLUMNS": "160"}


def _adoption(*args: str) -> list[str]:
    return [sys.executable, "-m", "adoption_cli", *args]


def _commands() -> set[str]:
    from adoption_cli.cli import commands

    return {info.name for info in __import__("pkgutil").iter_modules(commands.__path__)}


def _raw_contenders(reference: ReferenceSet, data: Path, store: Path) -> list[Contender]:
    """Everything that reads the exports themselves; the first one prints our indicator."""
    contenders = [
        Contender(
            "adoption indicator (CSV)",
            _adoption(*_indicator(reference), "--data", str(data), "--store", str(store.parent / "no-store")),
            True,
        )
    ]
    script = [str(data), reference.month]
    if reference.competitors:
        contenders.append(Contender(DUCKDB, [sys.executable, "-m", "benchmarks.duckdb_indicator", *script], True))
    if reference.pandas:
        contenders.append(
            Contender("pandas (CSV)", [sys.executable, "-m", "benchmarks.pandas_indicator", *script], True)
        )
    return contenders


def _store_contenders(reference: ReferenceSet, data: Path, store: Path, school: str) -> list[Contender]:
    """Ingest, then the commands that read the store."""
    month = ["--month", reference.month]
    on_store = ["--data", str(data), "--store", str(store)]
    found = _commands()
    contenders = [
        Contender("adoption ingest (full)", _adoption("ingest", "-q", *on_store)),
        Contender("adoption ingest (no change)", _adoption("ingest", "-q", *on_store)),
        Contender("adoption indicator (store)", _adoption(*_indicator(reference), *on_store), True),
    ]
    if "school" in found:
        contenders.append(Contender("adoption school (store)", _adoption("school", school, *month, "-q", *on_store)))
    if "report" in found and reference.report:
        out = store.parent / "report.xlsx"
        contenders.append(
            Contender("adoption report (store)", _adoption("report", *month, "-q", "--out", str(out), *on_store))
        )
    return contenders


def _indicator(reference: ReferenceSet) -> list[str]:
    return ["indicator", "--format", "json", "-q", "--month", reference.month]


def _summary_of(contender: Contender, result: Measurement) -> str | None:
    if not contender.comparable or result.returncode != 0:
        return None
    if contender.label.startswith("adoption"):
        from benchmarks.rules import summary

        payload = json.loads(result.stdout)
        return summary({s["school_id"]: s["flagged"] for s in payload["schools"]})
    return result.stdout.strip()


def _warm(data: Path) -> None:
    """Read every file once so that every contender starts from the same (warm) page cache."""
    for path in data.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                while handle.read(1 << 24):
                    pass


def run_set(
    reference: ReferenceSet, repeat: int, skip: tuple[str, ...] = (), agreed_by_set: dict[str, str] | None = None
) -> list[Row]:
    """Time every contender on one set. `agreed_by_set`: each set run before it → its numbers; a set of the same
    data in another dialect (`same_as`) must give the same ones, and this set's are added."""
    data, info = ensure(reference)
    store = store_dir(reference)
    shutil.rmtree(store, ignore_errors=True)
    _warm(data)
    rows: list[Row] = []
    summaries: dict[str, str] = {}
    contenders = _raw_contenders(reference, data, store)
    for contender in contenders:
        if contender is not contenders[0] and any(word in contender.label for word in skip):
            continue  # its row from an earlier run is kept
        if contender.label == "adoption ingest (full)":
            shutil.rmtree(store, ignore_errors=True)
        runs = [measure(contender.argv, cwd=ROOT, env=_env())]
        if runs[0].seconds < SHORT_SECONDS and contender.label != "adoption ingest (full)":
            runs += [measure(contender.argv, cwd=ROOT, env=_env()) for _ in range(repeat - 1)]
        best = min(runs, key=lambda m: m.seconds)
        if best.returncode != 0:
            print(f"  {contender.label}: код {best.returncode}\n{best.stderr[-2000:]}", file=sys.stderr)
        found = _summary_of(contender, best)
        if found is not None:
            summaries[contender.label] = found
        if contender is contenders[0]:
            flags = json.loads(found or "{}").get("flags", {})
            contenders += _store_contenders(reference, data, store, next(iter(flags), ""))
        rows.append(Row(reference.name, contender.label, best.seconds, best.peak_rss_mb, best.returncode))
        print(
            f"  {reference.name:<18} {contender.label:<30} {best.seconds:8.2f} s {best.peak_rss_mb:8.0f} MB",
            file=sys.stderr,
        )
    known = agreed_by_set if agreed_by_set is not None else {}
    if reference.same_as in known and summaries:
        summaries[f"{reference.same_as} (the same data)"] = known[reference.same_as]
    agreed = len(set(summaries.values())) <= 1
    if agreed and summaries:
        known[reference.name] = next(iter(summaries.values()))
    for row in rows:
        row.sizes = info.get("summary")
        row.agreed = agreed if summaries else None
    if not agreed:
        print(f"  РАСХОЖДЕНИЕ в {reference.name}: {sorted(summaries)}", file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="regional,scaling", help="regional, scaling, federal (через запятую)")
    parser.add_argument("--quick", action="store_true", help="маленькие наборы: проверка за минуту")
    parser.add_argument(
        "--repeat", type=int, default=3, help=f"запусков замеров короче {SHORT_SECONDS} с (берётся лучший)"
    )
    parser.add_argument(
        "--skip", default="", help="не замерять участников, в названии которых есть эти слова (через запятую)"
    )
    parser.add_argument("--no-docs", action="store_true", help="не записывать таблицу в docs/performance.md")
    args = parser.parse_args()
    catalogue = QUICK if args.quick else SETS
    CACHE.mkdir(exist_ok=True)
    results = CACHE / ("results-quick.json" if args.quick else "results.json")
    rows: list[Row] = []
    agreed_by_set: dict[str, str] = {}
    for name in args.sets.split(","):
        for reference in catalogue[name.strip()]:
            skip = tuple(word.strip() for word in args.skip.split(",") if word.strip())
            measured = run_set(reference, args.repeat, skip, agreed_by_set)
            rows += measured
            everything = save_rows(results, measured)
    print(render_table(rows))
    if not args.no_docs:
        order = [reference.name for references in catalogue.values() for reference in references]
        everything.sort(key=lambda row: order.index(row.set) if row.set in order else len(order))
        write_docs(ROOT / "docs" / "performance.md", render_docs(everything, describe_machine(), quick=args.quick))
    if any(row.agreed is False for row in rows):
        sys.exit("Результаты расходятся: см. «Numbers agree».")


if __name__ == "__main__":
    main()
