"""`adoption trend`: month-by-month indicator, assistant share and active teacher/student shares."""

from typing import Annotated

import typer

from adoption_cli.cli.options import (
    ConfigOpt,
    DataOpt,
    FormatOpt,
    MunicipalityOpt,
    OutputFormat,
    StoreOpt,
    StrictOpt,
)

NAME = "trend"
ORDER = 70

_PERIOD_PANEL = "Период"
FromOpt = Annotated[
    str,
    typer.Option("--from", metavar="ГГГГ-ММ", help="Первый месяц.", show_default=False, rich_help_panel=_PERIOD_PANEL),
]
ToOpt = Annotated[
    str,
    typer.Option("--to", metavar="ГГГГ-ММ", help="Последний месяц.", show_default=False, rich_help_panel=_PERIOD_PANEL),
]


def command(
    from_month: FromOpt,
    to_month: ToOpt,
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    municipality: MunicipalityOpt = None,
    output: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Динамика по месяцам: индикатор, доля ЦПУ, доли активных педагогов и обучающихся — регион и МО.

    Пример: adoption trend --data sample_data --from 2024-07 --to 2024-12
    """
    from adoption_cli.cli.coverage import announce_months
    from adoption_cli.cli.selection import choose_counted_municipality
    from adoption_cli.cli.session import open_dataset
    from adoption_cli.metrics.trend import compute_trend
    from adoption_cli.periods import month_range
    from adoption_cli.render.emit import emit
    from adoption_cli.render.trend import trend_rows, trend_tables

    months = month_range(from_month, to_month)
    settings, dataset = open_dataset(data, config=config, store=store, strict=strict)
    announce_months(dataset.report, months)
    result = compute_trend(dataset, months, settings)
    if municipality is not None:
        name = choose_counted_municipality(
            municipality, [m.name or "" for m in result.municipalities], settings.indicator.ownership
        )
        result.municipalities = [m for m in result.municipalities if m.name == name]
    emit(output, result, table=lambda: trend_tables(result), rows=lambda: trend_rows(result))
