"""The one place where exceptions become exit statuses, and where the global flags join every command.

`guarded(command)` adds --lang, --quiet, --verbose, --no-color, --debug and --memory-limit to a command's signature,
builds the Environment from them, runs the command and maps what it raises:
AdoptionError -> its exit status with one human line on stderr; KeyboardInterrupt -> 130; anything else
-> 1 with one line (a traceback only with --debug). typer.Exit and Typer's own usage errors pass through.
"""

from __future__ import annotations

import errno
import functools
import inspect
import io
import os
import re
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any

import typer

from adoption_cli import engine, environment
from adoption_cli.cli.options import COMMON_PANEL
from adoption_cli.errors import AdoptionError, ExitStatus

LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="ru|en",
        help="Язык вывода: ru (по умолчанию) или en; также ADOPTION_LANG.",
        rich_help_panel=COMMON_PANEL,
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Только результат, без сообщений.", rich_help_panel=COMMON_PANEL)
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Подробные сообщения о загрузке.", rich_help_panel=COMMON_PANEL)
]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", help="Без цвета (также NO_COLOR).", rich_help_panel=COMMON_PANEL)
]
DebugOpt = Annotated[
    bool,
    typer.Option(
        "--debug", help="Показывать трассировку ошибок (также ADOPTION_DEBUG=1).", rich_help_panel=COMMON_PANEL
    ),
]

MemoryLimitOpt = Annotated[
    int | None,
    typer.Option(
        "--memory-limit",
        metavar="МБ",
        envvar="ADOPTION_MEMORY_LIMIT_MB",
        min=256,
        max=10_000_000,
        help=(
            "Память для промежуточных данных расчёта, МБ: сверх неё они уходят на диск — медленнее, числа те "
            "же (по умолчанию 80 % памяти компьютера). Сам процесс занимает больше: ещё то, что команда "
            "держит между запросами."
        ),
        show_default=False,
        rich_help_panel=COMMON_PANEL,
    ),
]

_GLOBAL_PARAMS = (
    ("lang", LangOpt, None),
    ("quiet", QuietOpt, False),
    ("verbose", VerboseOpt, False),
    ("no_color", NoColorOpt, False),
    ("debug", DebugOpt, False),
    ("memory_limit", MemoryLimitOpt, None),
)
# The parameter names of the flags every command has.
GLOBAL_FLAGS = frozenset(name for name, _, _ in _GLOBAL_PARAMS)


def _extended_signature(command: Callable[..., Any]) -> inspect.Signature:
    # Command modules use `from __future__ import annotations`: resolve the strings in the command's own
    # module, or Typer (which reads __signature__ as is) would lose the Annotated option metadata.
    signature = inspect.signature(command, eval_str=True)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, annotation, default in _GLOBAL_PARAMS
    ]
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in signature.parameters.values()]
    return signature.replace(parameters=[*params, *extra])


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name, _, _ in _GLOBAL_PARAMS}
        memory_limit = flags.pop("memory_limit")
        try:
            return run(flags, memory_limit, kwargs)
        except _StoreReplaced:
            # An ingest replaced the store while the command read it and deleted the parts it was reading (it
            # keeps only what the new manifest lists): read the new store, once.
            return run(flags, memory_limit, kwargs, retried=True)

    def run(flags: dict[str, Any], memory_limit: int | None, kwargs: dict[str, Any], retried: bool = False) -> Any:
        debug = bool(flags["debug"])
        env: environment.Environment | None = None
        try:
            env = environment.Environment.from_flags(**flags)
            if not engine.limit_memory(memory_limit) and not retried:
                env.warn(
                    env.t(
                        "--memory-limit не применён: движок расчёта уже запущен в этом процессе.",
                        "--memory-limit not applied: the engine was already started in this process.",
                    )
                )
            token = environment.activate(env)
            try:
                return command(**kwargs)
            finally:
                environment.deactivate(token)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except AdoptionError as exc:
            _report(env, exc.text(env.lang if env is not None else "ru"), debug=debug)
            raise typer.Exit(int(exc.exit_status)) from None
        except KeyboardInterrupt:
            _report(env, _say(env, "прервано пользователем.", "interrupted."), debug=debug)
            raise typer.Exit(int(ExitStatus.INTERRUPTED)) from None
        except BrokenPipeError:
            # The reader of stdout went away (`| head`): nobody to tell, and nothing went wrong in here.
            _silence_stdout()
            raise typer.Exit(int(ExitStatus.ERROR)) from None
        except BaseException as exc:
            # BaseException, not Exception: a panic inside Polars' Rust code reaches Python as pyo3's
            # PanicException, which derives from BaseException; it too gets one line, not a traceback.
            if isinstance(exc, SystemExit | GeneratorExit):
                raise
            spilled = engine.spill_failure(exc)
            if spilled is not None:
                _report(env, spilled, debug=debug)
                raise typer.Exit(int(ExitStatus.ERROR)) from None
            problem = f"{type(exc).__name__}: {exc}"
            store = env.store_read if env is not None and _reading_failed(exc) else None
            # (Polars reports a full disk under its own error, naming the system's: the same case)
            system = engine.os_error(exc)
            if system is not None and system.errno in _WRITE_ERRORS:
                # (a full disk under stdout, `> /dev/full`: reading the store does not fail so, and saying it
                # is damaged would have the user delete it)
                _silence_stdout()  # (else the interpreter's last flush of stdout fails again, with a traceback)
                what = f"«{system.filename}»" if system.filename else "результат"
                what_en = f"«{system.filename}»" if system.filename else "the result"
                reason, advice = _WRITE_ERRORS[system.errno]
                if system is not exc:  # (the engine's own writes: what it spilled past --memory-limit)
                    folder = engine.spill_dir()
                    what, what_en = "данные расчёта на диск", "the engine's data to disk"
                    where = f" (сейчас «{folder}»)" if folder is not None else ""
                    where_en = f" (now «{folder}»)" if folder is not None else ""
                    advice = (
                        f"Освободите место там, куда движок расчёта сбрасывает данные{where}, или укажите другую "
                        f"папку в {engine.SPILL_DIR}.",
                        f"Free some space where the engine spills its data{where_en}, or name another folder in "
                        f"{engine.SPILL_DIR}.",
                    )
                message = _say(
                    env,
                    f"не удалось записать {what}: {reason}. {advice[0]}",
                    f"could not write {what_en}: {system.strerror or problem}. {advice[1]}",
                )
            elif env is not None and store is not None and env.store_replaced():
                if not retried:
                    env.warn(
                        env.t(
                            "хранилище обновилось, пока команда его читала (adoption ingest): читаю его заново.",
                            "the store was updated while the command read it (adoption ingest): reading it again.",
                        )
                    )
                    raise _StoreReplaced from exc
                message = _say(
                    env,
                    f"хранилище {store} снова обновилось, пока команда его читала: повторите её, когда adoption "
                    "ingest закончит.",
                    f"the store {store} was updated again while the command read it: run it again once adoption "
                    "ingest is done.",
                )
            elif store is not None:
                first_line = problem.strip().splitlines()[0]
                message = _say(
                    env,
                    f"хранилище {store} повреждено: его часть не читается ({first_line}). Удалите папку "
                    f"{store} и запустите adoption ingest; без неё команды читают выгрузки.",
                    f"the store {store} is damaged: one of its parts cannot be read ({first_line}). Delete "
                    f"the folder {store} and run adoption ingest; without it commands read the exports.",
                )
            else:
                message = _say(
                    env,
                    f"непредвиденная ошибка {problem}. Повторите с --debug и сообщите разработчикам.",
                    f"unexpected error {problem}. Run again with --debug and report it to the developers.",
                )
            _report(env, message, debug=debug)
            raise typer.Exit(int(ExitStatus.ERROR)) from None

    wrapper.__signature__ = _extended_signature(command)  # type: ignore[attr-defined]
    return wrapper


# What only writing raises: no space, over a quota or the file-size limit, a read-only file system.
_ELSEWHERE = ("Направьте вывод в другое место.", "Send the output elsewhere.")
_FREE_SPACE = (
    "Освободите место на диске или направьте вывод в другое место.",
    "Free some disk space or send the output elsewhere.",
)
_WRITE_ERRORS: dict[int, tuple[str, tuple[str, str]]] = {
    errno.ENOSPC: ("нет места на диске", _FREE_SPACE),
    errno.EDQUOT: ("превышена дисковая квота", _FREE_SPACE),
    errno.EFBIG: ("превышен допустимый размер файла (ulimit -f)", _ELSEWHERE),
    errno.EROFS: ("файловая система только для чтения", _ELSEWHERE),
}


class _StoreReplaced(Exception):
    """The command failed reading parts an ingest deleted after replacing the store's manifest."""


def _reading_failed(exc: BaseException) -> bool:
    """An error of Polars (a Parquet part it cannot decode, or its Rust panic) or of the operating system:
    while a command reads the store, that is a damaged part, not a bug to report."""
    return (
        isinstance(exc, OSError)
        or type(exc).__module__.split(".")[0] == "polars"
        or type(exc).__name__ == "PanicException"
    )


def _say(env: environment.Environment | None, ru: str, en: str) -> str:
    return (env or environment.Environment()).t(ru, en)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file descriptor (e.g. a test runner's buffer): nothing will be flushed to a pipe


def _report(env: environment.Environment | None, message: str, *, debug: bool) -> None:
    """`message` as the one line on stderr; the traceback first with --debug or ADOPTION_DEBUG=1 (the
    environment's, or the process's when the environment itself could not be built)."""
    debug = env.debug if env is not None else environment.debug_asked(debug, os.environ)
    env = env or environment.Environment()
    if debug:
        env.err.print(traceback.format_exc(), markup=False, highlight=False)
    # One line, but keep the narrow no-break spaces of Russian numbers (str.split would eat them).
    env.error(re.sub(r"[ \t\r\n]+", " ", message).strip())
