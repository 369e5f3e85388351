"""Time a command as a whole process: wall time and the peak resident memory of that one child."""

from __future__ import annotations

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
    """Run `argv` to completion. The child is reaped with wait4, whose rusage is that child's alone
    (RUSAGE_CHILDREN would report the largest of all children so far)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env=env, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux, in bytes on macOS.
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        return Measurement(seconds, peak, out.read(), err.read(), child.returncode)
