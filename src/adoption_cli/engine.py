"""What the query engine (Polars) is told before it starts.

Polars reads its settings from the environment once, when it is imported: a setting made afterwards has
no effect. Commands import Polars only inside their bodies (cli.app), so the global flags that set these
are applied before the command runs (cli.guard).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from adoption_cli.errors import ConfigError

# Past this many megabytes of its memory, Polars' streaming engine writes what its group_by, join and sort
# hold to disk (POLARS_OOC_SPILL_DIR, by default /var/tmp/polars-$USER/spill) and reads it back when
# needed; unset, the budget is 80 % of the machine's memory. It is a budget for what the engine can put on
# disk, not a cap on the process: what a command keeps in memory between queries comes on top.
MEMORY_BUDGET = "POLARS_OOC_MEMORY_BUDGET_MB"
SPILL_DIR = "POLARS_OOC_SPILL_DIR"
# How much Polars may write there. Past it the query stops with an error; a disk that fills up first makes
# each spilling thread panic with a backtrace on stderr instead. So it is kept under the free space.
DISK_BUDGET = "POLARS_OOC_DISK_BUDGET_MB"
_FREE_SHARE = 0.9
# Less free space than this where Polars spills is refused before anything runs.
MIN_FREE_MB = 64
# Polars' error when the spilled data would pass its disk budget.
_DISK_BUDGET_PASSED = "out-of-core disk budget"
# How Polars' errors carry the operating system's: «… underlying IO error: No space left on device (os error 28)».
_OS_ERROR = re.compile(r"(?:underlying IO error: )?([^:()]*?)\s*\(os error (\d+)\)")


def limit_memory(megabytes: int | None) -> bool:
    """Give Polars a memory budget (None: its own default), and a disk budget under the free space of the
    folder it spills to (unless POLARS_OOC_DISK_BUDGET_MB is set). False when Polars is already imported in
    this process, so that the budgets can no longer reach it (a test runner's process, never the command
    line's). ConfigError when that folder cannot be written."""
    if megabytes is None:
        return True
    folder = spill_dir()
    if folder is not None:
        free = _writable_free_bytes(folder)
        if free >> 20 < MIN_FREE_MB:
            raise ConfigError(
                f"--memory-limit: на диске с папкой «{folder}», куда уходят данные сверх предела, свободно "
                f"{free >> 20} МБ (нужно хотя бы {MIN_FREE_MB}). Освободите место или укажите другую папку в "
                f"переменной {SPILL_DIR}.",
                en=f"--memory-limit: the disk of «{folder}», where data beyond the limit goes, has {free >> 20} MB "
                f"free (at least {MIN_FREE_MB} needed). Free some space or give another folder in {SPILL_DIR}.",
            )
        if DISK_BUDGET not in os.environ:
            os.environ[DISK_BUDGET] = str(int(free * _FREE_SHARE) >> 20)
    os.environ[MEMORY_BUDGET] = str(megabytes)
    return "polars" not in sys.modules


def spill_dir() -> Path | None:
    """Where Polars will write past the budget: POLARS_OOC_SPILL_DIR, else its default on Linux (None where
    that default is not known here)."""
    configured = os.environ.get(SPILL_DIR)
    if configured:
        return Path(configured)
    if sys.platform.startswith("linux"):
        return Path("/var/tmp") / f"polars-{os.environ.get('USER') or 'unknown'}" / "spill"
    return None


def _writable_free_bytes(folder: Path) -> int:
    """The free space where the folder is. A folder Polars cannot create or write makes each of its spilling
    threads panic with a backtrace on stderr (the query goes on in memory): one line before anything runs
    instead."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK | os.X_OK):
            return shutil.disk_usage(folder).free
    except OSError:
        pass
    raise ConfigError(
        f"--memory-limit: в папку «{folder}», куда уходят данные сверх предела, нельзя писать. "
        f"Укажите другую в переменной {SPILL_DIR}.",
        en=f"--memory-limit: «{folder}», where data beyond the limit goes, cannot be written to. Give another "
        f"folder in {SPILL_DIR}.",
    )


def os_error(exc: BaseException) -> OSError | None:
    """The operating system's error behind an error of Polars (a sink that found the disk full raises a
    ComputeError, not an OSError), as an OSError with its errno; None when it carries none. An OSError is itself."""
    if isinstance(exc, OSError):
        return exc
    found = _OS_ERROR.search(str(exc))
    return OSError(int(found[2]), found[1] or str(exc)) if found else None


def spill_failure(exc: BaseException) -> str | None:
    """The one line to show when a query stopped because what Polars spilled passed its disk budget (None
    for any other error)."""
    if _DISK_BUDGET_PASSED not in str(exc):
        return None
    folder = spill_dir()
    where = f" в «{folder}»" if folder is not None else ""
    budget = os.environ.get(DISK_BUDGET)
    allowed = f" (можно {budget} МБ)" if budget else ""
    return (
        f"данным сверх предела памяти не хватило места на диске{where}{allowed}: освободите место, укажите "
        f"другую папку в {SPILL_DIR} или поднимите --memory-limit."
    )
