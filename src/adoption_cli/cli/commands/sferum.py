"""`adoption sferum`: active teachers and students on Сферум, change vs the previous period, activity level."""

from adoption_cli.cli.options import (
    AsOfOpt,
    ConfigOpt,
    DataOpt,
    DaysOpt,
    FormatOpt,
    MonthOpt,
    MunicipalityOpt,
    OutputFormat,
    StoreOpt,
    StrictOpt,
)

NAME = "sferum"
ORDER = 50


def command(
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    month: MonthOpt = None,
    as_of: AsOfOpt = None,
    days: DaysOpt = None,
    municipality: MunicipalityOpt = None,
    output: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Доли активных в ИКОП «Сферум» педагогов и обучающихся по МО и региону, изменение и уровень активности.

    Пример: adoption sferum --data sample_data --month 2024-10
    """
    from adoption_cli.cli.selection import choose_counted_municipality
    from adoption_cli.cli.session import open_dataset
    from adoption_cli.environment import current
    from adoption_cli.metrics.sferum import compute_sferum
    from adoption_cli.periods import resolve_period
    from adoption_cli.render.captions import capped_warning
    from adoption_cli.render.emit import emit
    from adoption_cli.render.sferum import capped_places, sferum_rows, sferum_table

    period = resolve_period(month=month, as_of=as_of, days=days)
    settings, dataset = open_dataset(
        data, config=config, store=store, strict=strict, period=period, platforms=("sferum",), compares=True
    )
    result = compute_sferum(dataset, period, settings)
    env = current()
    if result.grain is None:
        env.warn(env.t("в данных нет выгрузок Сферума: активных 0.", "the data has no Sferum exports: 0 active."))
    if municipality is not None:
        name = choose_counted_municipality(
            municipality, [m.name for m in result.municipalities], settings.indicator.ownership
        )
        result.municipalities = [m for m in result.municipalities if m.name == name]
    emit(output, result, table=lambda: sferum_table(result), rows=lambda: sferum_rows(result))
    if (warning := capped_warning(capped_places(result))) is not None:
        env.warn(warning)
