"""Time a command as a whole process: wall time and the peak resident memory of that one child.

The child is started by a small launcher process (this module run as a script), not by the benchmark
runner: a child's peak RSS includes the memory of the process it was forked from, so it must be forked
from something small. The launcher reaps it with wait4, whose rusage is that child's alone
(RUSAGE_CHILDREN would report the largest of all children so far).

    python -m benchmarks.process STATS_JSON STDOUT STDERR -- COMMAND...
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    returncode: int


def measure(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Measurement:
    with tempfile.TemporaryDirectory() as folder:
        stats, out, err = (Path(folder) / name for name in ("stats.json", "out", "err"))
        launcher = [sys.executable, "-m", "benchmarks.process", str(stats), str(out), str(err), "--", *argv]
        subprocess.run(launcher, cwd=cwd, env=env, check=True)
        figures = json.loads(stats.read_text())
        return Measurement(
            figures["seconds"],
            figures["peak_rss_mb"],
            out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"),
            figures["returncode"],
        )


def _launch(stats: Path, out: Path, err: Path, argv: list[str]) -> None:
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    returncode = os.waitstatus_to_exitcode(status)
    stats.write_text(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "returncode": returncode}))


if __name__ == "__main__":
    separator = sys.argv.index("--")
    _launch(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[separator + 1 :])
