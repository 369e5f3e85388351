"""What the query engine (Polars) is told before it starts.

Polars reads its settings from the environment once, when it is imported: a setting made afterwards has
no effect. Commands import Polars only inside their bodies (cli.app), so the global flags that set these
are applied before the command runs (cli.guard).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from adoption_cli.errors import ConfigError

# Past this many megabytes of its memory, Polars' streaming engine writes what its group_by, join and sort
# hold to disk (POLARS_OOC_SPILL_DIR, by default /var/tmp/polars-$USER/spill) and reads it back when
# needed; unset, the budget is 80 % of the machine's memory.
MEMORY_BUDGET = "POLARS_OOC_MEMORY_BUDGET_MB"
SPILL_DIR = "POLARS_OOC_SPILL_DIR"


def limit_memory(megabytes: int | None) -> bool:
    """Give Polars a memory budget (None: its own default). False when Polars is already imported in this
    process, so that the budget can no longer reach it (a test runner's process, never the command line's).
    ConfigError when the folder it would spill to cannot be written."""
    if megabytes is None:
        return True
    _check_spill_dir()
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


def _check_spill_dir() -> None:
    """A folder Polars cannot create or write makes each of its spilling threads panic with a backtrace on
    stderr (the query goes on in memory): say so in one line before anything runs instead."""
    folder = spill_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK | os.X_OK)
    except OSError:
        writable = False
    if not writable:
        raise ConfigError(
            f"--memory-limit: в папку «{folder}», куда уходят данные сверх предела, нельзя писать. "
            f"Укажите другую в переменной {SPILL_DIR}."
        )
