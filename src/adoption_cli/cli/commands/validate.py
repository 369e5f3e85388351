"""`adoption validate`: what each export contributed, what was rejected and why."""

from __future__ import annotations

from adoption_cli.cli.options import ConfigOpt, DataOpt, FormatOpt, OutputFormat, StoreOpt, StrictOpt

NAME = "validate"
ORDER = 20


def command(
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    output: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Проверка выгрузок: по каждому файлу — вид, платформа, строк прочитано, загружено, отклонено и почему.

    Для отклонённых строк показаны причины и первые примеры (номер строки в файле, столбец, значение);
    отдельно — строки со школами, которых нет в реестре, и заметки о реестре (повторы, филиалы).
    --format json — то же для программ; --format csv — все отклонённые строки (file, row, column, value,
    reason). Код выхода 0, даже если есть отклонённые строки; с --strict — 1.

    Пример: adoption validate --data sample_data --format csv > отклонённые.csv
    """
    from adoption_cli.cli.session import read_dataset, strict_refusal
    from adoption_cli.environment import current
    from adoption_cli.render.output import write_csv, write_json, write_renderable
    from adoption_cli.render.validate import validate_payload, validate_view
    from adoption_cli.sources.reasons import reason_label

    env = current()
    _, dataset = read_dataset(data, config=config, store=store, file_hashes=True)  # --format json lists them
    report = dataset.report
    for warning in report.warnings:
        env.warn(warning)

    if output is OutputFormat.JSON:
        write_json(validate_payload(report))
    elif output is OutputFormat.CSV:
        # Files in the report's order, rows in file order: reading a file splits its rows in two streams
        # (sources.fast_rows), which keep no order between them.
        order = {load.path: index for index, load in enumerate(report.files)}
        rejects = dataset.rejects.collect()
        write_csv(rejects.sort(rejects["file"].replace_strict(order, default=len(order)), "row"))
    else:
        title = env.t(f"Проверка выгрузок в «{dataset.data_dir}»", f"Exports in «{dataset.data_dir}»")
        write_renderable(validate_view(report, title, reason_label))

    if strict and report.rejected:
        raise strict_refusal(report, validated=True)
