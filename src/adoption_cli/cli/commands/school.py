"""`adoption school`: the card of one school, found by its ИНН or a part of its name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from adoption_cli.cli.options import (
    AsOfOpt,
    ConfigOpt,
    DataOpt,
    DaysOpt,
    FormatOpt,
    MonthOpt,
    OutputFormat,
    StoreOpt,
    StrictOpt,
)
from adoption_cli.schema import PEOPLE_KINDS

if TYPE_CHECKING:
    from adoption_cli.config import Settings
    from adoption_cli.dataset import Dataset
    from adoption_cli.metrics.school_card import PeriodSource, SchoolCard, SchoolMatch
    from adoption_cli.periods import Period
    from adoption_cli.store.reader import FreshStore

NAME = "school"
ORDER = 90
# Beyond this many, a list of candidates stops helping: the user should type more of the name.
LISTED = 20

QueryArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ШКОЛА", help="ИНН школы или слова из её названия (в кавычках или без).", show_default=False
    ),
]


def command(
    words: QueryArg,
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    month: MonthOpt = None,
    as_of: AsOfOpt = None,
    days: DaysOpt = None,
    output_format: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Карточка школы: пользователи по ролям и платформам, индикатор и чего не хватает, ЦПУ, место в МО, полгода.

    ШКОЛА — ИНН школы или слова из её названия (регистр, ё/е и кавычки не важны; можно добавить слово из
    названия МО). Если подходит несколько школ, команда перечисляет их с ИНН (код выхода 2). Без --month и
    --as-of показан последний месяц, за который в данных есть активность.

    Пример: adoption school "гимназия 14 славянский" --data sample_data --month 2024-09
    """
    from adoption_cli.cli.coverage import announce_comparison, announce_months, announce_period, period_without_data
    from adoption_cli.cli.session import announce_load, fresh_store, open_settings, store_or_exports
    from adoption_cli.metrics.common import DEFAULT_PLATFORM
    from adoption_cli.metrics.school_card import trend_months
    from adoption_cli.periods import Period, resolve_period
    from adoption_cli.render.emit import emit
    from adoption_cli.render.school import school_card, school_csv

    # (the words typed without quotes, `adoption school гимназия 14`, are one query: «лишние аргументы» helped no one)
    query = " ".join(words)
    given = resolve_period(month=month, as_of=as_of, days=days) if month or as_of or days is not None else None
    data_dir, settings = open_settings(data, config=config)
    fresh = fresh_store(data_dir, settings, store)
    stored_report = fresh.report.of_kinds(PEOPLE_KINDS) if fresh is not None else None
    if stored_report is not None:
        announce_load(stored_report, strict=strict)
    # From the store's card rows when they cover the month: no Polars is imported (docs/performance.md).
    card = _stored_card(query, given, fresh) if fresh is not None else None
    if card is not None and stored_report is not None:
        report = stored_report
    else:
        dataset = store_or_exports(data_dir, settings, fresh, strict=strict, kinds=PEOPLE_KINDS)
        card = _computed_card(query, given, dataset, settings)
        report = dataset.report  # (of the same kinds: store_or_exports cuts a store's report so)
    if given is not None:  # (without a period the card shows the latest month with activity)
        announce_period(report, given)
    # Its rank's change compares with the period before, on «Моя школа» (the rating's platform).
    shown = Period.from_json(card.period.kind, card.period.start, card.period.end)
    if period_without_data(report, shown) is None:
        announce_comparison(report, shown.previous(), (DEFAULT_PLATFORM,))
        # Its months before (the last is the period's own) are the indicator's shares, as in `trend`.
        announce_months(report, trend_months(shown)[:-1], settings.indicator.platforms)
    emit(output_format, card, table=lambda: school_card(card), rows=lambda: school_csv(card))


def _stored_card(query: str, given: Period | None, fresh: FreshStore) -> SchoolCard | None:
    """The card from the store's precomputed rows, or None where they do not cover the period."""
    from adoption_cli.metrics.school_card import card_from_record, latest_activity_month
    from adoption_cli.periods import resolve_period

    cards = fresh.cards
    if cards is None:
        return None
    matches = cards.find(query)
    record = cards.record(_one_school(query, matches)) if matches is not None else None
    if record is None:
        return None
    report = fresh.report
    period = given or resolve_period(default_month=latest_activity_month(report))
    source: PeriodSource = "option" if given else "latest_activity"
    return card_from_record(record, period, fresh.settings, report.platform_grain(), source)


def _computed_card(query: str, given: Period | None, dataset: Dataset, settings: Settings) -> SchoolCard:
    from adoption_cli.metrics.school import compute_card, find_schools
    from adoption_cli.metrics.school_card import latest_activity_month
    from adoption_cli.periods import resolve_period

    school_id = _one_school(query, find_schools(dataset.schools, query))
    period = given or resolve_period(default_month=latest_activity_month(dataset.report))
    return compute_card(dataset, school_id, period, settings, period_source="option" if given else "latest_activity")


def _one_school(query: str, matches: Sequence[SchoolMatch]) -> str:
    """The ИНН of the only match; several: list them on stderr and ask for the ИНН; none: say what to type."""
    from adoption_cli.environment import current
    from adoption_cli.errors import DataError, UsageError
    from adoption_cli.render.numbers import fmt_int
    from adoption_cli.render.tables import Col, make_table, text_cell

    env = current()
    if len(matches) == 1:
        return matches[0].school_id
    if not matches:
        raise DataError(
            env.t(
                f"в реестре нет школы с таким ИНН или названием: «{query}». "
                "Попробуйте часть названия: adoption school <часть названия>.",
                f"the registry has no school with this INN or name: «{query}». "
                "Try a part of its name: adoption school <part of the name>.",
            )
        )
    shown = matches[:LISTED]
    rest = len(matches) - len(shown)
    title = env.t(
        f"«{query}» подходит к нескольким школам ({fmt_int(len(matches), env.lang)}):",
        f"«{query}» matches several schools ({fmt_int(len(matches), env.lang)}):",
    )
    columns = (Col("ИНН", "INN", "left"), Col("Школа", "School", "left"), Col("МО", "Municipality", "left"))
    rows = [[text_cell(cell) for cell in match] for match in shown]
    caption = env.t(f"…и ещё {rest}", f"…and {rest} more") if rest else None
    env.err.print(make_table(text_cell(title), columns, rows, caption=caption))
    raise UsageError(
        env.t(
            f"уточните школу: укажите её ИНН, например adoption school {shown[0].school_id}.",
            f"choose one school: give its INN, e.g. adoption school {shown[0].school_id}.",
        )
    )
