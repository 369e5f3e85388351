"""Exit statuses and the exception hierarchy. The one mapping to exit codes lives in cli.guard."""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitStatus(IntEnum):
    SUCCESS = 0
    ERROR = 1  # bad data or bad config: the user can fix the input
    USAGE = 2  # bad command line
    TARGET_NOT_MET = 3  # only with --fail-below-target
    INTERRUPTED = 130  # Ctrl-C


class AdoptionError(Exception):
    """An error the user can act on; its message is one human sentence in Russian, and `en` the same in
    English where it has been given one (the command line's and the folders' errors; a file's content is
    described in Russian only)."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, *, hint: str | None = None, en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.en = en

    def text(self, lang: str) -> str:
        """The message in `lang` (Russian where no English was given), with its hint."""
        said = self.en if lang == "en" and self.en else self.message
        return said + (f" {self.hint}" if self.hint else "")


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


# What an operating-system error means, in Russian: its own text (strerror) is English.
_OS_PROBLEMS = {
    errno.ENOENT: "нет такого файла или папки",
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "нет прав доступа",
    errno.EISDIR: "это папка, а не файл",
    errno.ENOTDIR: "часть пути — не папка",
    errno.ELOOP: "ссылки зациклены",
    errno.ENOSPC: "на диске нет места",
    errno.EFBIG: "файл больше допустимого размера (ограничение размера файлов)",
    errno.EDQUOT: "превышена дисковая квота",
    errno.EROFS: "диск только для чтения",
    errno.ENAMETOOLONG: "слишком длинное имя",
    errno.EIO: "ошибка ввода-вывода диска",
    errno.EEXIST: "на этом месте уже есть файл, а нужна папка",
}


def os_problem(exc: OSError, lang: str = "ru") -> str:
    """An OSError in a few words of the user's language (Russian for the common errors, else the system's)."""
    said = exc.strerror or str(exc)
    return _OS_PROBLEMS.get(exc.errno or 0, said) if lang == "ru" else said


def write_failed(exc: OSError, lang: str, *, what: tuple[str, str], path: object, advice: tuple[str, str]) -> DataError:
    """One line for an output (the report, the store) that cannot be written: what, where, why, and what to do.

    `what` and `advice` are (Russian, English)."""
    if lang == "ru":
        return DataError(f"не удалось записать {what[0]} «{path}»: {os_problem(exc)}. {advice[0]}")
    return DataError(f"could not write the {what[1]} «{path}»: {os_problem(exc, lang)}. {advice[1]}")
