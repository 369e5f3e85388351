"""Time of `adoption report` on a data folder (default sample_data/): whole runs and where the time goes.

    python benchmarks/report_sample.py [--data sample_data] [--month 2024-09] [--runs 5]

Whole runs are fresh processes, as cron starts them (wall, CPU and peak RSS of the child, after one warm-up
run); the phases (read the exports, compute every sheet's metrics, lay out and write the workbook) are timed
in this process. The figures quoted in docs/performance.md («Report») come from this script.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def whole_run(data: Path, month: str, out: Path) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS MB) of one `adoption report` process."""
    command = [sys.executable, "-m", "adoption_cli", "report", "--data", str(data), "--month", month]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, "--out", str(out), "--quiet"], env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def phases(data: Path, month: str, out: Path) -> dict[str, float]:
    from adoption_cli.config import load_settings
    from adoption_cli.metrics.monthly_report import RunParameters, gather
    from adoption_cli.periods import parse_month
    from adoption_cli.render.excel import Writer
    from adoption_cli.render.report import build_sheets
    from adoption_cli.sources import load_dataset

    times: dict[str, float] = {}
    started = time.perf_counter()
    settings = load_settings(data)
    dataset = load_dataset(data, settings)
    times["read the exports"] = time.perf_counter() - started
    started = time.perf_counter()
    period = parse_month(month)
    report = gather(dataset, period, settings, RunParameters(data, None, None, False, "bench", datetime.now()))
    times["metrics of every sheet"] = time.perf_counter() - started
    started = time.perf_counter()
    writer = Writer()
    for sheet in build_sheets(report, "ru"):
        writer.add(sheet)
    writer.save(out / "phases.xlsx")
    times["lay out and write the workbook"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "sample_data")
    parser.add_argument("--month", default="2024-09")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        whole_run(args.data, args.month, out)  # warm-up: fills the OS file cache
        runs = [whole_run(args.data, args.month, out) for _ in range(args.runs)]
        walls, cpus, rss = zip(*runs, strict=True)
        print(
            f"adoption report, {args.runs} runs: median wall {statistics.median(walls):.2f} s "
            f"(min {min(walls):.2f}), median CPU {statistics.median(cpus):.2f} s, peak RSS {max(rss)} MB"
        )
        for name, seconds in phases(args.data, args.month, out).items():
            print(f"  {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
