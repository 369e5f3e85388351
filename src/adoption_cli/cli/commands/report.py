"""`adoption report`: the monthly Excel workbook for the ministry, safe to run from cron."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from adoption_cli.cli.options import ConfigOpt, DataOpt, FailBelowTargetOpt, StoreOpt, StrictOpt

NAME = "report"
ORDER = 100
# The platforms whose figures the workbook shows with their change against the month before.
COMPARED_PLATFORMS = ("myschool", "sferum")

OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="ПУТЬ",
        help="Папка для файла adoption-ГГГГ-ММ.xlsx или имя файла .xlsx (по умолчанию текущая папка).",
        show_default=False,
        rich_help_panel="Вывод",
    ),
]
ReportMonthOpt = Annotated[
    str | None,
    typer.Option(
        "--month",
        "-m",
        metavar="ГГГГ-ММ",
        help="Месяц ГГГГ-ММ (по умолчанию предыдущий календарный месяц — для запуска по расписанию).",
        show_default=False,
        rich_help_panel="Период",
    ),
]


def today(timezone: str) -> date:
    """The date the default month is counted from: today where the data is (`[time] timezone`), not on the
    server's clock — a cron job at 00:30 Moscow time on the 1st, on a UTC server, is still on the 31st there.
    Tests replace it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(timezone)).date()


def previous_month(day: date) -> date:
    """First day of the calendar month before `day`'s month."""
    from adoption_cli.periods import add_months

    return add_months(day, -1)


def _no_folder(folder: Path) -> Exception:
    from adoption_cli.errors import DataError

    return DataError(
        f"папка «{folder}» для отчёта не найдена. Создайте её или укажите другую в --out.",
        en=f"the folder «{folder}» for the report was not found. Create it or give another with --out.",
    )


def target_path(out: Path | None, month_label: str) -> Path:
    """--out as a folder (the file is named after the month) or as an .xlsx file name; its folder must exist."""
    from adoption_cli.errors import UsageError

    file_name = f"adoption-{month_label}.xlsx"
    chosen = out if out is not None else Path.cwd()
    if chosen.is_dir():
        return chosen / file_name
    if chosen.suffix.lower() != ".xlsx":
        if chosen.suffix or chosen.exists():
            raise UsageError(
                f"Файл отчёта «{chosen}» должен иметь расширение .xlsx.",
                en=f"The report file «{chosen}» must end in .xlsx.",
            )
        raise _no_folder(chosen)
    if not chosen.parent.is_dir():
        raise _no_folder(chosen.parent)
    return chosen


def command(
    month: ReportMonthOpt = None,
    out: OutOpt = None,
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    fail_below_target: FailBelowTargetOpt = False,
) -> None:
    """Ежемесячный отчёт Excel: сводка, школы, качество данных и сведения о расчёте.

    Файл сначала пишется во временный файл рядом и затем подменяет прежний: читатель никогда не увидит
    недописанный отчёт, а сбой оставит прошлый файл нетронутым.

    Пример: adoption report --data /srv/exports --out /srv/reports
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from adoption_cli import __version__
    from adoption_cli.cli.coverage import announce_period, period_without_data
    from adoption_cli.cli.session import open_dataset, open_settings
    from adoption_cli.config import default_config_file
    from adoption_cli.environment import current
    from adoption_cli.errors import DataError, TargetNotMet, write_failed
    from adoption_cli.metrics.monthly_report import RunParameters, gather
    from adoption_cli.periods import resolve_period
    from adoption_cli.render.numbers import fmt_pct_judged, fmt_pct_setting
    from adoption_cli.render.report import write_report
    from adoption_cli.render.report.common import Texts

    env = current()
    t = Texts(env.lang)
    # (a month given is checked first, a usage error as in every command; without one, the settings come first:
    # the default month is counted in their time zone; either way before any export is read)
    period = resolve_period(month=month) if month is not None else None
    opened = open_settings(data, config=config)
    if period is None:
        period = resolve_period(default_month=previous_month(today(opened[1].time.timezone)))
    target = target_path(out, period.label)
    # file_hashes: the «Об отчёте» sheet lists each file's SHA-256
    settings, dataset = open_dataset(data, config=config, store=store, strict=strict, file_hashes=True, opened=opened)
    # A workbook of zeros for a month the exports do not reach (a cron job run before they arrived) would be
    # sent on as if it were the month's result: nothing is written, and the exit code says so.
    missing = period_without_data(dataset.report, period)
    if missing is not None:
        raise DataError(
            missing
            + env.t(
                ": отчёт не записан. Проверьте месяц (--month) и получены ли выгрузки за него.",
                ": no report written. Check the month (--month) and whether its exports have arrived.",
            )
        )
    # (a platform whose exports do not reach the month: the workbook is written, with a warning)
    # (the workbook compares «Моя школа»'s panels and rating, and Сферум, with the month before; not ЦПУ)
    warnings = announce_period(
        dataset.report, period, compared=period.previous(), compared_platforms=COMPARED_PLATFORMS
    )
    run = RunParameters(
        data_dir=dataset.data_dir,
        config_file=config or default_config_file(dataset.data_dir),  # (the one read, as «Об отчёте» says)
        store=env.store_read,  # (the store the figures came from: None when the exports were read)
        strict=strict,
        version=__version__,
        generated_at=datetime.now(ZoneInfo(settings.time.timezone)).replace(microsecond=0, tzinfo=None),
    )
    report = gather(dataset, period, settings, run)
    report.warnings = warnings
    try:
        write_report(report, env.lang, target)
    except OSError as exc:
        raise write_failed(
            exc,
            env.lang,
            what=("отчёт", "report"),
            path=target,
            advice=(
                "Прежний файл не изменён; проверьте место на диске и права на папку.",
                "The previous file is unchanged; check free disk space and folder permissions.",
            ),
        ) from exc
    env.stdout.write(f"{target}\n")
    lang = env.lang
    indicator, assistant = report.indicator, report.assistant
    checks = [
        (
            t("индикатор", "indicator"),
            indicator.region.share_pct,
            indicator.target_pct,
            indicator.region.target_met,
            2,  # (the indicator's share is shown with two digits everywhere, as the ministry's figures are)
        )
    ]
    if assistant.grain is not None:  # no assistant data at all: nothing to judge
        checks.append(
            (
                t("доля ЦПУ", "assistant share"),
                assistant.region.share_pct,
                assistant.target_pct,
                assistant.region.target_met,
                1,
            )
        )
    judged = [
        t(
            f"{name} {share} при цели {fmt_pct_setting(goal, lang)} — {'достигнута' if met else 'не достигнута'}",
            f"{name} {share} against {fmt_pct_setting(goal, lang)} — {'met' if met else 'not met'}",
        )
        for name, value, goal, met, digits in checks
        for share in [fmt_pct_judged(value, goal, met, lang, digits)]
    ]
    env.info(
        t(f"Отчёт за {t.period(period)} записан: ", f"Report for {t.period(period)} written: ")
        + "; ".join(judged)
        + "."
    )
    missed = [line for line, (_, _, _, met, _) in zip(judged, checks, strict=True) if not met]
    if fail_below_target and missed:
        raise TargetNotMet(
            t("цель не достигнута: ", "target not met: ")
            + "; ".join(missed)
            + t(". Отчёт записан.", ". The report is written.")
        )
