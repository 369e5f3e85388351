"""The environment a command runs in: language, verbosity, colour, the two output streams, and the output
format asked for. Below both the cli and the render layers (as httpie's `context.Environment`).

Built once per invocation from flags and environment variables and handed to commands through
`current()`, so that tests can control every aspect of it (httpie's injectable Environment idea).
Rich is imported lazily: `adoption --help` must stay fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from rich.console import Console

Lang = Literal["ru", "en"]


class OutputFormat(StrEnum):
    """What `--format` asks for: a table for people, or JSON/CSV for other programs."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def debug_asked(flag: bool, environ: Mapping[str, str]) -> bool:
    """Whether tracebacks are shown: --debug, or ADOPTION_DEBUG set to anything but empty or 0."""
    return flag or environ.get("ADOPTION_DEBUG", "") not in ("", "0")


@dataclass
class Environment:
    lang: Lang = "ru"
    debug: bool = False
    quiet: bool = False
    verbose: bool = False
    color: bool = True
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    # The store the command reads (set by session.fresh_store): an error reading its parts means it is damaged —
    # unless an ingest replaced its manifest meanwhile (`store_replaced`) and deleted the parts it read.
    store_read: Path | None = None
    store_manifest: Path | None = None
    store_stamp: tuple[int, int] | None = None  # the manifest's (inode, mtime) before the command read it
    _out: Console | None = field(default=None, repr=False)
    _err: Console | None = field(default=None, repr=False)

    def store_replaced(self) -> bool:
        """Whether the store's manifest is no longer the one the command read (an ingest swapped it)."""
        if self.store_manifest is None or self.store_stamp is None:
            return False
        try:
            stat = os.stat(self.store_manifest)
        except OSError:
            return True
        return (stat.st_ino, stat.st_mtime_ns) != self.store_stamp

    @classmethod
    def from_flags(
        cls,
        *,
        lang: str | None = None,
        debug: bool = False,
        quiet: bool = False,
        verbose: bool = False,
        no_color: bool = False,
        environ: dict[str, str] | None = None,
    ) -> Environment:
        environ = dict(os.environ) if environ is None else environ
        chosen = (lang or environ.get("ADOPTION_LANG") or "ru").strip().lower()
        if chosen not in ("ru", "en"):
            from adoption_cli.errors import UsageError

            raise UsageError(f"Неизвестный язык «{chosen}»: допустимы ru и en.")
        return cls(
            lang="en" if chosen == "en" else "ru",
            debug=debug_asked(debug, environ),
            quiet=quiet,
            verbose=verbose and not quiet,
            # NO_COLOR (https://no-color.org) and --no-color; non-TTY output gets no colour from Rich itself.
            color=not no_color and "NO_COLOR" not in environ,
        )

    def _console(self, stream: TextIO) -> Console:
        from rich.console import Console

        return Console(
            file=stream,
            no_color=not self.color,
            highlight=False,
            soft_wrap=False,
            emoji=False,
        )

    @property
    def out(self) -> Console:
        """Results go to stdout."""
        if self._out is None:
            self._out = self._console(self.stdout)
        return self._out

    @property
    def err(self) -> Console:
        """Messages, warnings and progress go to stderr."""
        if self._err is None:
            self._err = self._console(self.stderr)
        return self._err

    def t(self, ru: str, en: str) -> str:
        """Pick the user's language for a message written inline."""
        return en if self.lang == "en" else ru

    # Messages are printed with soft_wrap: one message stays one line in logs and pipes (the terminal wraps it).
    def info(self, message: str) -> None:
        if not self.quiet:
            self.err.print(message, markup=False, soft_wrap=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.err.print(message, markup=False, style="dim", soft_wrap=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            self.err.print(self.t("Внимание: ", "Warning: ") + message, markup=False, style="yellow", soft_wrap=True)

    def error(self, message: str) -> None:
        self.err.print(self.t("Ошибка: ", "Error: ") + message, markup=False, style="bold red", soft_wrap=True)


_current: ContextVar[Environment | None] = ContextVar("adoption_environment", default=None)


def current() -> Environment:
    """The environment of the running command (a default one outside commands, e.g. in library use)."""
    env = _current.get()
    if env is None:
        env = Environment.from_flags()
        _current.set(env)
    return env


def activate(env: Environment) -> object:
    return _current.set(env)


def deactivate(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
