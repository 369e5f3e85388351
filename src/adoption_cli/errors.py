"""Exit statuses and the exception hierarchy. The one mapping to exit codes lives in cli.guard."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    SUCCESS = 0
    ERROR = 1  # bad data or bad config: the user can fix the input
    USAGE = 2  # bad command line
    TARGET_NOT_MET = 3  # only with --fail-below-target
    INTERRUPTED = 130  # Ctrl-C


class AdoptionError(Exception):
    """An error the user can act on; its message is one human sentence (Russian by default)."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class DataError(AdoptionError):
    """An input file or folder cannot be used (missing, unreadable, wrong structure, --strict rejects)."""


class ConfigError(AdoptionError):
    """adoption.toml, an environment variable or a flag value is invalid."""


class UsageError(AdoptionError):
    """The command line asks for something impossible (e.g. --month together with --as-of)."""

    exit_status = ExitStatus.USAGE


class TargetNotMet(AdoptionError):
    """Raised after the output is written, when --fail-below-target is given and a target is missed."""

    exit_status = ExitStatus.TARGET_NOT_MET
