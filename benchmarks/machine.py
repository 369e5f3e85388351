"""The machine a benchmark ran on: CPU, cores, memory, and the versions of everything measured."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "—"


def describe_machine() -> dict[str, str]:
    memory = _memory_gb()
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{memory:.0f} GB" if memory else "—",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Polars": _version("polars"),
        "DuckDB": _version("duckdb"),
        "pandas": _version("pandas"),
    }
