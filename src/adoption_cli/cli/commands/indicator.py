"""`adoption indicator`: the federal «33 %» indicator for a month, by municipality and for the region."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adoption_cli.cli.options import (
    ConfigOpt,
    DataOpt,
    FailBelowTargetOpt,
    FormatOpt,
    MonthOpt,
    MunicipalityOpt,
    OutputFormat,
    PlatformOpt,
    SharedUserIdsOpt,
    StoreOpt,
    StrictOpt,
    StudentThresholdOpt,
    TargetOpt,
    TeacherThresholdOpt,
    normalise_platforms,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from adoption_cli.config import Settings
    from adoption_cli.dataset import LoadReport
    from adoption_cli.metrics.common import Combination
    from adoption_cli.periods import Period
    from adoption_cli.store.reader import FreshStore

NAME = "indicator"
ORDER = 10


def rule_overrides(
    *,
    target: float | None = None,
    teacher_threshold: float | None = None,
    student_threshold: float | None = None,
    platforms: tuple[str, ...] | None = None,
    shared_user_ids: bool | None = None,
) -> dict[str, Any]:
    """Settings given as flags, in the shape of adoption.toml; only what was given."""
    indicator: dict[str, Any] = {}
    if target is not None:
        # A target on the command line is the one to judge by, whatever dated targets the file sets.
        indicator.update(target_pct=target, targets=[])
    if teacher_threshold is not None:
        indicator["teacher_threshold_pct"] = teacher_threshold
    if student_threshold is not None:
        indicator["student_threshold_pct"] = student_threshold
    if platforms is not None:
        indicator["platforms"] = list(platforms)
    overrides: dict[str, Any] = {"indicator": indicator} if indicator else {}
    if shared_user_ids is not None:
        overrides["identity"] = {"shared_user_ids": shared_user_ids}
    return overrides


def command(
    month: MonthOpt = None,
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    municipality: MunicipalityOpt = None,
    output: FormatOpt = OutputFormat.TABLE,
    fail_below_target: FailBelowTargetOpt = False,
    target: TargetOpt = None,
    teacher_threshold: TeacherThresholdOpt = None,
    student_threshold: StudentThresholdOpt = None,
    platform: PlatformOpt = None,
    shared_user_ids: SharedUserIdsOpt = None,
) -> None:
    """Индикатор «33 %»: доля школ, где за месяц активны не меньше половины педагогов и половины обучающихся.

    Показывает регион и каждое муниципальное образование: сколько школ отвечает критерию, достигнута ли цель
    и сколько школ не хватает. Правила (пороги, цель, платформы) берутся из adoption.toml, переменных
    окружения ADOPTION_INDICATOR__… и параметров ниже — параметры важнее.

    Пример: adoption indicator --data sample_data --month 2024-09 --municipality Сочи
    """
    from adoption_cli.cli.coverage import announce_period
    from adoption_cli.cli.selection import choose_counted_municipality
    from adoption_cli.cli.session import announce_load, fresh_store, open_settings
    from adoption_cli.environment import current
    from adoption_cli.errors import TargetNotMet, UsageError
    from adoption_cli.metrics.indicator_result import build_result
    from adoption_cli.periods import parse_month
    from adoption_cli.render.captions import target_missed
    from adoption_cli.render.emit import emit
    from adoption_cli.render.indicator import IndicatorContext, indicator_table, quality_warnings, schools_csv_frame
    from adoption_cli.render.numbers import fmt_int
    from adoption_cli.schema import PEOPLE_KINDS

    env = current()
    if month is None:
        raise UsageError(
            env.t("укажите месяц: --month ГГГГ-ММ, например --month 2024-09.", "give the month: --month YYYY-MM.")
        )
    period = parse_month(month)
    overrides = rule_overrides(
        target=target,
        teacher_threshold=teacher_threshold,
        student_threshold=student_threshold,
        platforms=normalise_platforms(platform),
        shared_user_ids=shared_user_ids,
    )
    data_dir, settings = open_settings(data, config=config, overrides=overrides)
    fresh = fresh_store(data_dir, settings, store)
    stored_report = fresh.report.of_kinds(PEOPLE_KINDS) if fresh is not None else None
    if stored_report is not None:
        announce_load(stored_report, strict=strict)
    # From the store's rows of the month when it keeps them: no Polars is imported (docs/performance.md).
    stored = fresh.indicator_month(period.month_key) if fresh is not None else None
    if fresh is not None and stored is None and fresh.keeps_indicator_month(period.month_key):
        env.warn(
            env.t(
                f"копия строк индикатора за {period.label} в хранилище не читается — считаю по его таблицам "
                "(медленнее); adoption ingest её восстановит.",
                f"the store's copy of the indicator rows of {period.label} cannot be read — computing them from "
                "its tables (slower); adoption ingest writes it again.",
            )
        )
    rows: Sequence[Mapping[str, Any]]
    if stored_report is not None and stored is not None:
        report, rows, combination = stored_report, stored.schools, stored.combination
    else:
        report, rows, combination = _computed_rows(data_dir, settings, fresh, period, strict=strict)
    chosen = (
        choose_counted_municipality(municipality, [row["municipality"] for row in rows], settings.indicator.ownership)
        if municipality is not None
        else None
    )
    result = build_result(rows, period, settings, combination, municipality=chosen)
    announce_period(report, period, settings.indicator.platforms)
    context = IndicatorContext(grains=report.platform_grain(), ownership=settings.indicator.ownership)
    for note in quality_warnings(result, context):
        env.warn(note)

    emit(output, result, table=lambda: indicator_table(result, context), rows=lambda: schools_csv_frame(result))

    if fail_below_target:
        judged = result.municipalities[0] if chosen is not None and result.municipalities else result.region
        if not judged.target_met:
            needed = fmt_int(judged.schools_needed, env.lang)
            raise TargetNotMet(
                target_missed(
                    chosen or env.t("Регион", "The region"),
                    judged.share_pct,
                    result.target_pct,
                    (f"не хватает школ: {needed}", f"schools still needed: {needed}"),
                    digits=2,  # (as the indicator's share is shown everywhere)
                )
            )


def _computed_rows(
    data_dir: Path, settings: Settings, fresh: FreshStore | None, period: Period, *, strict: bool
) -> tuple[LoadReport, list[dict[str, Any]], Combination]:
    """The schools' rows computed from the store's tables or, without a store, from the exports (which are
    read once: the pass that checks them gathers the month's activity)."""
    from adoption_cli.cli.progress import delayed_status
    from adoption_cli.cli.session import store_or_exports
    from adoption_cli.environment import current
    from adoption_cli.metrics.indicator import schools_frame
    from adoption_cli.schema import PEOPLE_KINDS

    dataset = store_or_exports(data_dir, settings, fresh, strict=strict, kinds=PEOPLE_KINDS, window=period)
    frame, combination = schools_frame(dataset, period, settings)
    env = current()
    with delayed_status(env.t("Расчёт индикатора…", "Computing the indicator…")):
        rows = frame.collect().to_dicts()
    return dataset.report, rows, combination
