"""`adoption ingest`: read the exports once into the Parquet store that every command then reads."""

from __future__ import annotations

from pathlib import Path

from adoption_cli.cli.options import ChecksumOpt, ConfigOpt, DataOpt, StoreOpt

NAME = "ingest"
ORDER = 110


def command(
    data: DataOpt = None, config: ConfigOpt = None, store: StoreOpt = None, checksum: ChecksumOpt = False
) -> None:
    """Загрузить выгрузки в хранилище Parquet: команды затем читают его, а не исходные файлы.

    Проверки и учёт отклонённых строк — те же, что при чтении выгрузок. Повторный запуск перечитывает только
    изменившиеся файлы. Пока хранилище соответствует файлам в папке данных, все команды берут данные из него;
    если файлы изменились — читают выгрузки, пока хранилище не обновят.

    Файл считается прежним, если прежние его размер и время изменения (или, после копирования, SHA-256);
    --checksum сверяет SHA-256 каждого файла.

    Пример: adoption ingest --data sample_data
    """
    from adoption_cli import engine
    from adoption_cli.cli.session import open_settings
    from adoption_cli.environment import current
    from adoption_cli.errors import write_failed
    from adoption_cli.render.numbers import fmt_float, fmt_int
    from adoption_cli.store import default_store_dir, ingest

    env = current()
    data_dir, settings = open_settings(data, config=config)
    store_dir = store or default_store_dir(data_dir)
    try:
        result = ingest(data_dir, settings, store_dir, progress=lambda step: env.detail(f"… {step}"), checksum=checksum)
    except Exception as exc:
        # (a Parquet sink that finds the disk full raises Polars' error, carrying the system's)
        system = engine.os_error(exc)
        if system is None or not _in_store(system, store_dir):
            raise
        raise write_failed(
            system,
            env.lang,
            what=("хранилище", "store"),
            path=store_dir,
            advice=(
                "Прежнее хранилище, если оно было, не изменено; укажите другое место: --store ПАПКА, "
                "или проверьте права на папку и место на диске.",
                "The previous store, if any, is unchanged; give another place with --store DIR, "
                "or check folder permissions and free disk space.",
            ),
        ) from exc
    for warning in result.warnings:
        env.warn(warning)
    lang = env.lang
    lines = [
        env.t(f"Хранилище: {store_dir}", f"Store: {store_dir}"),
        env.t(
            f"Файлов загружено: {len(result.ingested)}, без изменений: {len(result.unchanged)}, "
            f"удалено: {len(result.removed)}.",
            f"Files ingested: {len(result.ingested)}, unchanged: {len(result.unchanged)}, "
            f"removed: {len(result.removed)}.",
        ),
        *_changed_files(result.ingested, result.removed, rebuilt=result.rebuilt),
        env.t(
            f"Строк прочитано: {fmt_int(result.rows, lang)}, загружено: {fmt_int(result.loaded, lang)}, "
            f"отклонено: {fmt_int(result.rejected, lang)}.",
            f"Rows read: {fmt_int(result.rows, lang)}, loaded: {fmt_int(result.loaded, lang)}, "
            f"rejected: {fmt_int(result.rejected, lang)}.",
        ),
        env.t(f"Время: {fmt_float(result.seconds, lang)} с.", f"Time: {fmt_float(result.seconds, lang)} s."),
    ]
    if result.repaired:
        lines.append(
            env.t(
                f"Восстановлены повреждённые копии строк карточек и индикатора: {len(result.repaired)}.",
                f"Damaged copies of the card and indicator rows written again: {len(result.repaired)}.",
            )
        )
    if result.rejected:
        lines.append(env.t("Отклонённые строки: adoption validate.", "Rejected rows: adoption validate."))
    env.out.print("\n".join(lines), markup=False)


# Files named at most, per line: a re-ingest of one month's exports names them; a folder of hundreds does not.
NAMED_FILES = 10


def _changed_files(ingested: list[str], removed: list[str], *, rebuilt: bool) -> list[str]:
    """Which files a re-ingest read again and which it dropped (a first or full ingest reads them all: no list)."""
    from adoption_cli.environment import current

    env = current()

    def listed(paths: list[str]) -> str:
        more = len(paths) - NAMED_FILES
        tail = env.t(f" и ещё {more}", f" and {more} more") if more > 0 else ""
        return ", ".join(paths[:NAMED_FILES]) + tail + "."

    lines = []
    if ingested and not rebuilt:
        lines.append(env.t("Перечитаны: ", "Read again: ") + listed(ingested))
    if removed:
        lines.append(env.t("Удалены из хранилища: ", "Removed from the store: ") + listed(removed))
    return lines


def _in_store(exc: OSError, store_dir: Path) -> bool:
    """Whether the failure is writing the store (its folder, its parent, a file in it), not reading an export:
    an error without a file name is taken as the store's, since reading the exports reports its own."""
    if exc.filename is None:
        return True
    failed, store = Path(str(exc.filename)).absolute(), store_dir.absolute()
    return failed == store or store in failed.parents or failed in store.parents
