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
    days: DaysOpt = None,
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
    from adoption_cli.render.captions import capped_warning, target_missed
    from adoption_cli.render.emit import emit
    from adoption_cli.render.numbers import fmt_int, plural

    period = resolve_period(month=month, as_of=as_of, days=days, quarter=quarter)
    settings, dataset = open_dataset(
        data, config=config, store=store, strict=strict, period=period, platforms=("assistant",)
    )
    result = compute_assistant(dataset, period, settings)
    env = current()
    if result.grain is None:
        env.warn(env.t("в данных нет выгрузок ЦПУ: активных 0.", "the data has no assistant exports: 0 active."))
    judged, where = result.region, env.t("Регион", "The region")
    if municipality is not None:
        where = choose_counted_municipality(municipality, [m.name for m in result.municipalities], result.ownership)
        result = restricted(result, where)
        judged = result.municipalities[0]
    emit(output, result, table=lambda: assistant_table(result), rows=lambda: assistant_rows(result))
    if (warning := capped_warning(capped_places(result))) is not None:
        env.warn(warning)
    if fail_below_target and not judged.target_met:
        needed = judged.students_needed
        students = plural(needed, "обучающегося", "обучающихся", "обучающихся")
        raise TargetNotMet(
            target_missed(
                where,
                judged.share_pct,
                result.target_pct,
                (
                    f"не хватает {fmt_int(needed)} {students}",
                    f"{fmt_int(needed, 'en')} more {'student' if needed == 1 else 'students'} needed",
                ),
                digits=1,
            )
        )
