"""What the query engine (Polars) is told before it starts.

Polars reads its settings from the environment once, when it is imported: a setting made afterwards has
no effect. Commands import Polars only inside their bodies (cli.app), so the global flags that set these
are applied before the command runs (cli.guard).
"""

from __future__ import annotations

import os
import sys

# Past this many megabytes of its memory, Polars' streaming engine writes what its group_by, join and sort
# hold to disk (POLARS_OOC_SPILL_DIR, by default /var/tmp/polars-$USER/spill) and reads it back when
# needed; unset, the budget is 80 % of the machine's memory.
MEMORY_BUDGET = "POLARS_OOC_MEMORY_BUDGET_MB"


def limit_memory(megabytes: int | None) -> bool:
    """Give Polars a memory budget (None: its own default). False when Polars is already imported in this
    process, so that the budget can no longer reach it (a test runner's process, never the command line's)."""
    if megabytes is None:
        return True
    os.environ[MEMORY_BUDGET] = str(megabytes)
    return "polars" not in sys.modules
