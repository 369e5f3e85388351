"""Replace a file atomically: write a temporary file next to it, fsync, then rename it into place.

One mechanism for every file a command replaces: the report's workbook and the store's manifest.

A reader sees either the previous file or the complete new one, never a half-written one; a run that fails
or is killed leaves the previous file untouched. The temporary file is named after the target and the
writer's process id (`.adoption-2024-09.xlsx.<pid>-<token>.tmp`) so that the next run can recognise and
remove the leftovers of killed runs — but never the temporary file of a run still writing (two runs for
the same month at once both finish; the file left is the one renamed last, complete either way).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

# A temporary file this old is a leftover even if its process id has been reused by another process.
STALE_AFTER_SECONDS = 6 * 3600


def temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _owner_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows: rely on age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def remove_stale_temps(target: Path, *, now: float | None = None) -> list[Path]:
    """Delete temporary files of `target` left by runs that no longer exist (or are hours old)."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    prefix = temp_prefix(target)
    for candidate in target.parent.glob(f"{prefix}*.tmp"):
        owner = candidate.name[len(prefix) : -len(".tmp")].split("-", 1)[0]
        if not owner.isdigit():
            continue
        try:
            stale = not _owner_alive(int(owner)) or now - candidate.stat().st_mtime > STALE_AFTER_SECONDS
            if stale:
                candidate.unlink()
                removed.append(candidate)
        except FileNotFoundError:  # another run cleaned it first
            continue
    return removed


def sync_folder(folder: Path) -> None:
    """Make renames inside `folder` durable (POSIX); a no-op where a folder cannot be opened or synced
    (Windows, some network file systems)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file to write; on success it replaces `target`, on any error it is removed."""
    remove_stale_temps(target)
    temp = target.parent / f"{temp_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    handle = temp.open("xb")
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    sync_folder(target.parent)


def write_atomic(target: Path, data: bytes) -> None:
    """Replace `target` with `data`: a reader sees the old or the new content, never a mix."""
    with atomic_output(target) as handle:
        handle.write(data)
