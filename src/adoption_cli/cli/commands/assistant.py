"""`adoption assistant`: the share of students active on «Цифровой помощник ученика» against its target."""

from adoption_cli.cli.options import (
    AsOfOpt,
    ConfigOpt,
    DataOpt,
    DaysOpt,
    FailBelowTargetOpt,
    FormatOpt,
    MonthOpt,
    MunicipalityOpt,
    OutputFormat,
    QuarterOpt,
    StoreOpt,
    StrictOpt,
)

NAME = "assistant"
ORDER = 30


def command(
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    month: MonthOpt = None,
    as_of: AsOfOpt = None,
    days: DaysOpt = 30,
    quarter: QuarterOpt = None,
    municipality: MunicipalityOpt = None,
    output: FormatOpt = OutputFormat.TABLE,
    fail_below_target: FailBelowTargetOpt = False,
) -> None:
    """Доля обучающихся, активных в «Цифровом помощнике ученика», по МО и региону против цели (84,9 %).

    Пример: adoption assistant --data sample_data --quarter 2024Q3
    """
    from adoption_cli.cli.selection import choose_counted_municipality
    from adoption_cli.cli.session import open_dataset
    from adoption_cli.environment import current
    from adoption_cli.errors import TargetNotMet
    from adoption_cli.metrics.assistant import compute_assistant, restricted
    from adoption_cli.periods import resolve_period
    from adoption_cli.render.assistant import assistant_rows, assistant_table, capped_places
    from adoption_cli.render.captions import capped_warning
    from adoption_cli.render.emit import emit
    from adoption_cli.render.numbers import fmt_int, fmt_pct

    period = resolve_period(month=month, as_of=as_of, days=days, quarter=quarter)
    settings, dataset = open_dataset(
        data, config=config, store=store, strict=strict, period=period, platforms=("assistant",)
    )
    result = compute_assistant(dataset, period, settings)
    env = current()
    if result.grain is None:
        env.warn(env.t("в данных нет выгрузок ЦПУ: активных 0.", "the data has no assistant exports: 0 active."))
    judged = result.region
    if municipality is not None:
        name = choose_counted_municipality(municipality, [m.name for m in result.municipalities], result.ownership)
        result = restricted(result, name)
        judged = result.municipalities[0]
    emit(output, result, table=lambda: assistant_table(result), rows=lambda: assistant_rows(result))
    if (warning := capped_warning(capped_places(result))) is not None:
        env.warn(warning)
    if fail_below_target and not judged.target_met:
        raise TargetNotMet(
            env.t(
                f"цель {fmt_pct(result.target_pct)} не достигнута: не хватает {fmt_int(judged.students_needed)} "
                "обучающихся.",
                f"target {fmt_pct(result.target_pct, 'en')} not met: {fmt_int(judged.students_needed, 'en')} more "
                "students needed.",
            )
        )
