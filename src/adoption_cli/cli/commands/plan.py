"""`adoption plan`: the schools that reach the indicator target with the fewest extra active users."""

from typing import Annotated

import typer

from adoption_cli.cli.options import (
    ConfigOpt,
    DataOpt,
    FormatOpt,
    MonthOpt,
    MunicipalityOpt,
    OutputFormat,
    StoreOpt,
    StrictOpt,
)

NAME = "plan"
ORDER = 80

TargetOpt = Annotated[
    float | None,
    typer.Option(
        "--target",
        metavar="%",
        min=0.0,
        max=100.0,
        help="Цель, % школ (по умолчанию — цель индикатора, действующая в этом месяце).",
        show_default=False,
        rich_help_panel="Период",
    ),
]


def command(
    month: MonthOpt = None,
    target: TargetOpt = None,
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    municipality: MunicipalityOpt = None,
    output: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Какие школы довести до порога, чтобы достичь цели индикатора с наименьшим числом новых активных.

    Пример: adoption plan --data sample_data --month 2024-09 --target 33
    """
    from adoption_cli.cli.coverage import announce_period
    from adoption_cli.cli.selection import choose_counted_municipality
    from adoption_cli.cli.session import open_dataset
    from adoption_cli.environment import current
    from adoption_cli.metrics.plan import compute_plan
    from adoption_cli.metrics.scopes import municipality_names
    from adoption_cli.periods import resolve_period
    from adoption_cli.render.emit import emit
    from adoption_cli.render.plan import plan_rows, plan_table, unreachable_message

    period = resolve_period(month=month)
    settings, dataset = open_dataset(data, config=config, store=store, strict=strict)
    announce_period(dataset.report, period, settings.indicator.platforms)
    name = (
        choose_counted_municipality(
            municipality, municipality_names(dataset, settings.indicator.ownership), settings.indicator.ownership
        )
        if municipality is not None
        else None
    )
    result = compute_plan(dataset, period, settings, target_pct=target, municipality=name)
    if not result.target_reachable:
        result.message = unreachable_message(result)
        if output != OutputFormat.TABLE:
            current().warn(result.message)
    emit(output, result, table=lambda: plan_table(result), rows=lambda: plan_rows(result))
