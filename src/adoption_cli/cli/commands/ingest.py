"""`adoption ingest`: read the exports once into the Parquet store that every command then reads."""

from __future__ import annotations

from adoption_cli.cli.options import ConfigOpt, DataOpt, StoreOpt

NAME = "ingest"
ORDER = 110


def command(data: DataOpt = None, config: ConfigOpt = None, store: StoreOpt = None) -> None:
    """Загрузить выгрузки в хранилище Parquet: команды затем читают его, а не исходные файлы.

    Проверки и учёт отклонённых строк — те же, что при чтении выгрузок. Повторный запуск перечитывает только
    изменившиеся файлы. Пока хранилище соответствует файлам в папке данных, все команды берут данные из него;
    если файлы изменились — читают выгрузки, пока хранилище не обновят.

    Пример: adoption ingest --data sample_data
    """
    from adoption_cli.cli.environment import current
    from adoption_cli.cli.session import open_settings
    from adoption_cli.render.numbers import fmt_float, fmt_int
    from adoption_cli.store import default_store_dir, ingest

    env = current()
    data_dir, settings = open_settings(data, config=config)
    store_dir = store or default_store_dir(data_dir)
    result = ingest(data_dir, settings, store_dir, progress=lambda step: env.detail(f"… {step}"))
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
        env.t(
            f"Строк прочитано: {fmt_int(result.rows, lang)}, загружено: {fmt_int(result.loaded, lang)}, "
            f"отклонено: {fmt_int(result.rejected, lang)}.",
            f"Rows read: {fmt_int(result.rows, lang)}, loaded: {fmt_int(result.loaded, lang)}, "
            f"rejected: {fmt_int(result.rejected, lang)}.",
        ),
        env.t(f"Время: {fmt_float(result.seconds, lang)} с.", f"Time: {fmt_float(result.seconds, lang)} s."),
    ]
    if result.rejected:
        lines.append(env.t("Отклонённые строки: adoption validate.", "Rejected rows: adoption validate."))
    env.out.print("\n".join(lines), markup=False)
