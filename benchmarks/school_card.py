"""How fast `adoption school` answers on regional-scale data once it is in Parquet.

    python benchmarks/school_card.py EXPORTS [--parquet DIR] [--month 2024-09] [--runs 5]

EXPORTS is a folder of exports (e.g. `adoption sample --out /tmp/region --schools 1400 --scale 1`). They are
read once with the real loader and written as Parquet the way an ingested store keeps them: one file per
kind sorted by school_id, plus the daily activity (`Dataset.user_days`) precomputed, also sorted by
school_id. Each run then opens that Parquet lazily, as a command does, and times `compute_card` for a
school of the largest municipality (its rank is the costliest part) and of the smallest, each in a fresh
interpreter so that Polars' first-call costs are included (imports are not: they are every command's). Wall
and CPU time are both printed: on a busy machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adoption_cli.dataset import Dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def write_parquet(exports: Path, target: Path) -> None:
    from adoption_cli.activity import activity_records
    from adoption_cli.config import load_settings
    from adoption_cli.sources import load_dataset

    dataset = load_dataset(exports, load_settings(exports, environ={}))
    target.mkdir(parents=True, exist_ok=True)
    for kind, frame in dataset.frames.items():
        sorted_frame = frame.sort("school_id") if "school_id" in frame.collect_schema() else frame
        sorted_frame.sink_parquet(target / f"{kind.value}.parquet")
    activity_records(dataset).unique().sort("school_id").sink_parquet(target / "user_days.parquet")
    (target / "report.json").write_text(dataset.report.model_dump_json(), encoding="utf-8")


def open_parquet(target: Path) -> Dataset:
    import polars as pl

    from adoption_cli.dataset import Dataset, LoadReport
    from adoption_cli.schema import Kind

    frames = {
        kind: pl.scan_parquet(target / f"{kind.value}.parquet")
        for kind in Kind
        if (target / f"{kind.value}.parquet").exists()
    }
    report = LoadReport.model_validate_json((target / "report.json").read_text(encoding="utf-8"))
    return Dataset(
        data_dir=target, frames=frames, report=report, user_days=pl.scan_parquet(target / "user_days.parquet")
    )


def one_run(target: Path, school_id: str, month: str) -> tuple[float, float]:
    """(wall, CPU) seconds for one card, from opening the Parquet to the finished result (in a child process)."""
    from adoption_cli.config import load_settings
    from adoption_cli.metrics.school import compute_card
    from adoption_cli.periods import parse_month

    started, cpu = time.perf_counter(), time.process_time()
    dataset = open_parquet(target)
    compute_card(dataset, school_id, parse_month(month), load_settings(None, environ={}))
    return time.perf_counter() - started, time.process_time() - cpu


def _schools(target: Path) -> dict[str, tuple[str, int]]:
    """A school of the largest and of the smallest municipality: label -> (ИНН, schools in its municipality)."""
    import polars as pl

    sizes = (
        pl.scan_parquet(target / "schools.parquet")
        .group_by("municipality")
        .agg(pl.len().alias("schools"), pl.col("school_id").min())
        .sort("schools")
        .collect()
    )
    return {
        "largest municipality": (sizes["school_id"][-1], sizes["schools"][-1]),
        "smallest municipality": (sizes["school_id"][0], sizes["schools"][0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exports", type=Path)
    parser.add_argument("--parquet", type=Path, help="where to keep the Parquet (default: EXPORTS/.school-bench)")
    parser.add_argument("--month", default="2024-09")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("INN", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(*one_run(Path(args.child[1]), args.child[0], args.month))
        return
    target = args.parquet or args.exports / ".school-bench"
    if not (target / "report.json").exists():
        started = time.perf_counter()
        write_parquet(args.exports, target)
        print(f"Parquet written in {time.perf_counter() - started:.1f} s to {target}")
    for label, (school_id, schools) in _schools(target).items():
        command = [
            sys.executable,
            __file__,
            str(args.exports),
            "--month",
            args.month,
            "--child",
            school_id,
            str(target),
        ]
        runs = [
            tuple(map(float, subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()))
            for _ in range(args.runs)
        ]
        print(
            json.dumps(
                {
                    "school": school_id,
                    "case": f"{label} ({schools} schools)",
                    "wall_median_s": round(statistics.median(wall for wall, _ in runs), 3),
                    "cpu_median_s": round(statistics.median(cpu for _, cpu in runs), 3),
                    "load_average": round(os.getloadavg()[0], 1),
                }
            )
        )


if __name__ == "__main__":
    main()
