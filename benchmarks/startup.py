"""Start-up time of `adoption`: repeated wall-clock timing (hyperfine-like) and the costliest imports.

    python benchmarks/startup.py [--runs 20] [--imports]

Each case runs in a fresh interpreter, as a user's shell would start it; a few warm-up runs fill the OS file
cache first. The figure quoted in docs/performance.md is the median of `adoption --help`.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
CASES = {
    "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
    "adoption --version": [sys.executable, "-m", "adoption_cli", "--version"],
    "adoption --help": [sys.executable, "-m", "adoption_cli", "--help"],
    "adoption indicator --help": [sys.executable, "-m", "adoption_cli", "indicator", "--help"],
    # What a command that reads data must import: the floor under `adoption indicator` from the store.
    "import typer, polars, pydantic, rich (the floor of a data command)": [
        sys.executable,
        "-c",
        "import typer, polars, pydantic, rich.console, rich.table",
    ],
    # The same without Polars: the floor under `adoption school` from the store (typer._adapters is the
    # Pydantic-based option parsing every command that runs goes through).
    "import typer, pydantic, rich (the floor of the card from the store)": [
        sys.executable,
        "-c",
        "import typer, typer._adapters, pydantic, rich.console, rich.table, rich.panel",
    ],
}
WARM_UP = 3


def _once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): CPU time varies less when the machine is busy."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_case(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    for _ in range(WARM_UP):
        _once(command)
    walls, cpus = zip(*(_once(command) for _ in range(runs)), strict=True)
    return list(walls), list(cpus)


def costliest_imports(command: list[str], top: int = 15) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the top-level imports `python -X importtime` reports for the command."""
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]], env=ENV, capture_output=True, text=True, check=True
    )
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match[2]) <= 1:  # top-level imports only (nested ones are inside their totals)
            rows.append((int(match[1]), match[3]))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--imports", action="store_true", help="also list the costliest imports of --help")
    args = parser.parse_args()
    print(f"{'case':<40} {'median':>8} {'min':>8} {'max':>8} {'CPU med':>8}  (seconds, {args.runs} runs)")
    for name, command in CASES.items():
        walls, cpus = time_case(command, args.runs)
        print(
            f"{name:<40} {statistics.median(walls):8.3f} {min(walls):8.3f} {max(walls):8.3f} "
            f"{statistics.median(cpus):8.3f}"
        )
    if args.imports:
        print("\ncostliest top-level imports of `adoption --help` (cumulative ms):")
        for micros, module in costliest_imports(CASES["adoption --help"]):
            print(f"{micros / 1000:8.1f}  {module}")


if __name__ == "__main__":
    main()
