"""What every data command does first: find the data, read the settings, load the data set, say what was
rejected. Heavy imports happen inside the functions."""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adoption_cli.cli.progress import delayed_status
from adoption_cli.config import Settings, load_settings
from adoption_cli.environment import current
from adoption_cli.errors import DataError

if TYPE_CHECKING:
    from adoption_cli.dataset import Dataset, LoadReport
    from adoption_cli.periods import Period
    from adoption_cli.schema import Kind
    from adoption_cli.store.reader import FreshStore


def resolve_data_dir(data: Path | None) -> Path:
    """--data, else $ADOPTION_DATA (Typer already reads it into --data), else ./data."""
    chosen = data or Path(os.environ.get("ADOPTION_DATA") or "data")
    if not chosen.exists():
        raise DataError(
            f"папка с данными «{chosen}» не найдена. Укажите её через --data или ADOPTION_DATA.",
            en=f"the data folder «{chosen}» was not found. Give it with --data or ADOPTION_DATA.",
        )
    if not chosen.is_dir():
        raise DataError(
            f"«{chosen}» — не папка. Укажите папку с выгрузками через --data.",
            en=f"«{chosen}» is not a folder. Give the folder of the exports with --data.",
        )
    return chosen


def open_settings(
    data: Path | None, *, config: Path | None = None, overrides: Mapping[str, Any] | None = None
) -> tuple[Path, Settings]:
    data_dir = resolve_data_dir(data)
    return data_dir, load_settings(data_dir, config_file=config, overrides=overrides)


def read_dataset(
    data: Path | None,
    *,
    config: Path | None = None,
    store: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    kinds: Collection[Kind] | None = None,
    window: Period | None = None,
    file_hashes: bool = False,
    opened: tuple[Path, Settings] | None = None,
) -> tuple[Settings, Dataset]:
    """Settings and the data set — from the Parquet store when it is up to date, else from the exports with
    a progress display while loading; says nothing about rejects. A command that asks about one `window`
    of days only says so: reading the exports then gathers that activity in the pass that checks them.
    `file_hashes`: the load report carries each file's SHA-256 (for the commands that show it). `opened`: what
    `open_settings` gave a command that needed the settings before the data (not read a second time)."""
    data_dir, settings = opened or open_settings(data, config=config, overrides=overrides)
    fresh = fresh_store(data_dir, settings, store)
    if fresh is not None:
        return settings, _stored(fresh, kinds)
    return settings, load_exports(data_dir, settings, kinds=kinds, window=window, file_hashes=file_hashes)


def load_exports(
    data_dir: Path,
    settings: Settings,
    *,
    kinds: Collection[Kind] | None = None,
    window: Period | None = None,
    file_hashes: bool = False,
) -> Dataset:
    """The data set read from the exports themselves, with a progress display while loading."""
    from adoption_cli.render.numbers import fmt_float
    from adoption_cli.sources import load_dataset

    env = current()
    started = time.perf_counter()
    with delayed_status(env.t(f"Чтение выгрузок из «{data_dir}»…", f"Reading exports from «{data_dir}»…")):
        days = None if window is None else (window.start, window.end)
        dataset = load_dataset(data_dir, settings, kinds=kinds, window=days, file_hashes=file_hashes)
    seconds = fmt_float(time.perf_counter() - started, env.lang, 2)
    env.detail(env.t(f"Данные загружены за {seconds} с.", f"Data loaded in {seconds} s."))
    return dataset


def open_dataset(
    data: Path | None,
    *,
    config: Path | None = None,
    store: Path | None = None,
    strict: bool = False,
    overrides: Mapping[str, Any] | None = None,
    kinds: Collection[Kind] | None = None,
    window: Period | None = None,
    file_hashes: bool = False,
    period: Period | None = None,
    platforms: Collection[str] | None = None,
    compares: bool = False,
    opened: tuple[Path, Settings] | None = None,
) -> tuple[Settings, Dataset]:
    """Settings and the data set, with the load's warnings; `period`: the command's period, to warn when the
    exports hold no activity for it (or none of some of `platforms`, all by default), and for the previous
    period too when the command `compares` its figures with it. `opened`: as for `read_dataset`."""
    settings, dataset = read_dataset(
        data,
        config=config,
        store=store,
        overrides=overrides,
        kinds=kinds,
        window=window,
        file_hashes=file_hashes,
        opened=opened,
    )
    announce_load(dataset.report, strict=strict)
    if period is not None:
        from adoption_cli.cli.coverage import announce_period

        announce_period(dataset.report, period, platforms, compared=period.previous() if compares else None)
    return settings, dataset


def store_or_exports(
    data_dir: Path,
    settings: Settings,
    fresh: FreshStore | None,
    *,
    strict: bool,
    kinds: Collection[Kind] | None = None,
    window: Period | None = None,
) -> Dataset:
    """The data set of a command that looked for the store itself (`fresh_store`, then announced the store's
    load report) and found no precomputed answer in it: the store's tables, else the exports, whose load
    report is announced here."""
    if fresh is not None:
        return _stored(fresh, kinds)
    dataset = load_exports(data_dir, settings, kinds=kinds, window=window)
    announce_load(dataset.report, strict=strict)
    return dataset


def _stored(fresh: FreshStore, kinds: Collection[Kind] | None) -> Dataset:
    """The store's data set, its load report of the kinds the command reads (as from the exports)."""
    from dataclasses import replace

    dataset = fresh.dataset()
    return replace(dataset, report=dataset.report.of_kinds(kinds))


def fresh_store(data_dir: Path, settings: Settings, store: Path | None) -> FreshStore | None:
    """The Parquet store (--store, else DATA/.adoption-store) when it is up to date; says which it reads or
    why it does not. Polars-free: nothing of the store but its manifest is read."""
    from adoption_cli.store import default_store_dir, inspect_store
    from adoption_cli.store.manifest import MANIFEST_NAME

    env = current()
    store_dir = store or default_store_dir(data_dir)
    manifest = store_dir / MANIFEST_NAME
    try:  # (before the manifest is read: an ingest swapping it in between only makes a retry harmless)
        stat = os.stat(manifest)
        stamp: tuple[int, int] | None = (stat.st_ino, stat.st_mtime_ns)
    except OSError:
        stamp = None
    state = inspect_store(store_dir, data_dir, settings)
    if state.store is not None:
        env.detail(env.t(f"Данные из хранилища {store_dir}.", f"Reading the store {store_dir}."))
        env.store_read, env.store_manifest, env.store_stamp = store_dir, manifest, stamp
        return state.store
    if state.reason == "damaged":  # not a matter of the files having moved on: the user has to act
        env.warn(
            env.t(
                f"хранилище {store_dir} повреждено (нет части или она обрезана: {state.path}): читаю выгрузки. "
                "Восстановить: adoption ingest.",
                f"the store {store_dir} is damaged (a part is missing or cut short: {state.path}): reading the "
                "exports. Repair it: adoption ingest.",
            )
        )
        return None
    why = {
        "absent": env.t("его нет", "there is none"),
        "not_folder": env.t("это не папка", "it is not a folder"),
        "unusable": env.t(
            "его манифест старого формата или повреждён; adoption ingest построит его заново",
            "its manifest is of an older layout or damaged; adoption ingest rebuilds it",
        ),
        "settings": env.t("оно создано с другими настройками", "it was built with other settings"),
        "added": env.t(f"появился файл {state.path}", f"{state.path} was added"),
        "removed": env.t(f"удалён файл {state.path}", f"{state.path} was removed"),
        "changed": env.t(f"изменён файл {state.path}", f"{state.path} has changed"),
    }[state.reason or "absent"]
    message = env.t(
        f"Хранилище {store_dir} не используется ({why}): читаю выгрузки. Обновить: adoption ingest.",
        f"Not using the store {store_dir} ({why}): reading the exports. Update it: adoption ingest.",
    )
    # A store that is there but not read (out of date, of an older layout, not a folder) is said without
    # --verbose: whoever built it expects it to be read, and the exports take longer (a cron job's log then
    # says why). No store at all is said with --verbose only.
    if state.reason not in (None, "absent"):
        env.warn(message[0].lower() + message[1:])
    else:
        env.detail(message)
    return None


def _rejected_summary(report: LoadReport) -> str:
    """«отклонено строк: N из M (файлов прочитано: K)» — the files counted, since a command reads only the kinds
    it needs and so its rows can be fewer than validate's."""
    from adoption_cli.render.numbers import fmt_int

    env = current()
    lang = env.lang
    rejected, rows, files = (fmt_int(n, lang) for n in (report.rejected, report.rows, len(report.files)))
    return env.t(
        f"отклонено строк: {rejected} из {rows} (файлов прочитано: {files})",
        f"{rejected} of {rows} rows rejected (files read: {files})",
    )


def strict_refusal(report: LoadReport, *, validated: bool) -> DataError:
    """What --strict stops with when rows were rejected, for every command; `validated`: the rows were just listed
    (validate), so the message does not send the user to validate."""
    env = current()
    message = _rejected_summary(report) + env.t(
        ". Режим --strict не допускает отклонённых строк.", ". --strict allows none."
    )
    return DataError(
        message if validated else message + env.t(" Подробности: adoption validate.", " Details: adoption validate.")
    )


def announce_load(report: LoadReport, *, strict: bool) -> None:
    """One line on stderr about what was set aside (and one more for rejected registry rows); --strict turns any
    reject into an error."""
    from adoption_cli.render.numbers import fmt_int
    from adoption_cli.schema import Kind
    from adoption_cli.sources.reasons import TOTALS_ROW

    env = current()
    lang = env.lang
    for warning in report.warnings:
        env.warn(warning)
    env.detail(
        env.t(
            f"Прочитано файлов: {len(report.files)}, строк: {fmt_int(report.rows, lang)}, "
            f"загружено: {fmt_int(report.loaded, lang)}.",
            f"Read {len(report.files)} files, {fmt_int(report.rows, lang)} rows, "
            f"loaded {fmt_int(report.loaded, lang)}.",
        )
    )
    if strict and report.rejected:
        raise strict_refusal(report, validated=False)
    if report.rejected == 0 and report.unknown_school == 0:
        return
    message = _rejected_summary(report) + env.t(
        f"; строк с неизвестной школой: {fmt_int(report.unknown_school, lang)}.",
        f"; {fmt_int(report.unknown_school, lang)} rows name an unknown school.",
    )
    # One line (issue 2: «a one-line summary of rejects»), with what matters of the rejected rows («из
    # отклонённых», not «из них», which would read as of the unknown school's rows just before): totals rows
    # are no one's data, said so that they neither alarm nor hide the rows that matter; a rejected registry row
    # is a school missing from every denominator (unless another row names it) and its exports' rows «of an
    # unknown school».
    totals = sum(load.rejected_by_reason.get(TOTALS_ROW, 0) for load in report.files)
    if totals:
        message += env.t(
            f" Из отклонённых строк итогов («Итого», «Всего»): {fmt_int(totals, lang)} — это не данные школы или "
            "пользователя, в расчёты они и не должны входить.",
            f" Of the rejected rows, totals rows («Итого», «Всего»): {fmt_int(totals, lang)} — not a school's or a user's "
            "data, and not meant to be counted.",
        )
    registry = sum(
        load.rejected - load.rejected_by_reason.get(TOTALS_ROW, 0) for load in report.files if load.kind == Kind.SCHOOLS
    )
    if registry:
        message += env.t(
            f" Из отклонённых строк реестра школ: {fmt_int(registry, lang)} — если в них школы, этих школ нет в расчётах "
            "(меньше и знаменатели, и число школ индикатора), а их строки выгрузок — «неизвестная школа».",
            f" Of the rejected rows, registry rows: {fmt_int(registry, lang)} — if they are schools, those schools are left "
            "out (smaller denominators and fewer schools in the indicator), and their exports' rows name an "
            "unknown school.",
        )
    env.warn(message + env.t(" Какие строки и почему: adoption validate.", " Which rows and why: adoption validate."))


@dataclass(frozen=True)
class PeriodRequest:
    """What a period command was asked for, resolved: the period, the data and the municipality (registry
    spelling, or None for the region)."""

    period: Period
    settings: Settings
    dataset: Dataset
    municipality: str | None


def open_period_request(
    data: Path | None,
    *,
    config: Path | None,
    store: Path | None,
    strict: bool,
    month: str | None,
    as_of: str | None,
    days: int | None,
    municipality: str | None,
    kinds: Collection[Kind] | None = None,
    platforms: Collection[str] | None = None,
    compares: bool = False,
) -> PeriodRequest:
    """The period is checked before any file is read, the municipality against the loaded registry."""
    from adoption_cli.cli.selection import choose_one
    from adoption_cli.metrics.scopes import municipality_names
    from adoption_cli.periods import resolve_period

    period = resolve_period(month=month, as_of=as_of, days=days)
    settings, dataset = open_dataset(
        data,
        config=config,
        store=store,
        strict=strict,
        kinds=kinds,
        period=period,
        platforms=platforms,
        compares=compares,
    )
    chosen = (
        choose_one(municipality, municipality_names(dataset), option="--municipality")
        if municipality is not None
        else None
    )
    return PeriodRequest(period=period, settings=settings, dataset=dataset, municipality=chosen)
