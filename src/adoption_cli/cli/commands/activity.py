"""`adoption activity`: the «Моя школа» panels with changes versus the previous period."""

from adoption_cli.cli.options import (
    AsOfOpt,
    ConfigOpt,
    DataOpt,
    DaysOpt,
    FormatOpt,
    MonthOpt,
    MunicipalityOpt,
    OnePlatformOpt,
    OutputFormat,
    StoreOpt,
    StrictOpt,
    normalise_platform,
)

NAME = "activity"
ORDER = 40


def command(
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    month: MonthOpt = None,
    as_of: AsOfOpt = None,
    days: DaysOpt = None,
    municipality: MunicipalityOpt = None,
    platform: OnePlatformOpt = "myschool",
    output_format: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Панели «Моя школа»: школы, педагоги, обучающиеся, родители и контент — с изменением к прошлому периоду.

    Пример: adoption activity --data sample_data --month 2024-09 --municipality Сочи
    """
    from adoption_cli.cli.session import open_period_request
    from adoption_cli.metrics.activity import compute_activity
    from adoption_cli.render.activity import activity_csv, activity_table
    from adoption_cli.render.emit import emit

    code = normalise_platform(platform)
    request = open_period_request(
        data,
        config=config,
        store=store,
        strict=strict,
        month=month,
        as_of=as_of,
        days=days,
        municipality=municipality,
        platforms=(code,),
        compares=True,
    )
    result = compute_activity(request.dataset, request.period, platform=code, municipality=request.municipality)
    emit(output_format, result, table=lambda: activity_table(result), rows=lambda: activity_csv(result))
