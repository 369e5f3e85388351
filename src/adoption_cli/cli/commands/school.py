"""`adoption school`: the card of one school, found by its ИНН or a part of its name."""

from __future__ import annotations

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

if TYPE_CHECKING:
    import polars as pl

NAME = "school"
ORDER = 90
# Beyond this many, a list of candidates stops helping: the user should type more of the name.
LISTED = 20

QueryArg = Annotated[
    str,
    typer.Argument(metavar="ШКОЛА", help="ИНН школы или слова из её названия.", show_default=False),
]


def command(
    query: QueryArg,
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    month: MonthOpt = None,
    as_of: AsOfOpt = None,
    days: DaysOpt = 30,
    output_format: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Карточка школы: пользователи по ролям и платформам, индикатор и чего не хватает, ЦПУ, место в МО, полгода.

    ШКОЛА — ИНН школы или слова из её названия (регистр, ё/е и кавычки не важны; можно добавить слово из
    названия МО). Если подходит несколько школ, команда перечисляет их с ИНН (код выхода 2). Без --month и
    --as-of показан последний месяц, за который в данных есть активность.

    Пример: adoption school "гимназия 14" --data sample_data --month 2024-09
    """
    from adoption_cli.cli.session import open_dataset
    from adoption_cli.metrics.school import compute_card, find_schools, latest_activity_month
    from adoption_cli.periods import resolve_period
    from adoption_cli.render.emit import emit
    from adoption_cli.render.school import school_card, school_csv
    from adoption_cli.schema import Kind

    given = resolve_period(month=month, as_of=as_of, days=days) if month or as_of else None
    settings, dataset = open_dataset(
        data,
        config=config,
        store=store,
        strict=strict,
        kinds=(Kind.SCHOOLS, Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS),
    )
    school_id = _one_school(query, find_schools(dataset.schools, query))
    period = given or resolve_period(default_month=latest_activity_month(dataset.report))
    card = compute_card(dataset, school_id, period, settings, period_source="option" if given else "latest_activity")
    emit(output_format, card, table=lambda: school_card(card), rows=lambda: school_csv(card))


def _one_school(query: str, matches: pl.DataFrame) -> str:
    """The ИНН of the only match; several: list them on stderr and ask for the ИНН; none: say what to type."""
    from adoption_cli.cli.environment import current
    from adoption_cli.errors import DataError, UsageError
    from adoption_cli.render.numbers import fmt_int
    from adoption_cli.render.tables import Col, make_table, text_cell

    env = current()
    if matches.height == 1:
        return str(matches["school_id"][0])
    if matches.height == 0:
        raise DataError(
            env.t(
                f"в реестре нет школы с таким ИНН или названием: «{query}». "
                "Попробуйте часть названия: adoption school <часть названия>.",
                f"the registry has no school with this ИНН or name: «{query}». "
                "Try a part of its name: adoption school <part of the name>.",
            )
        )
    shown = matches.head(LISTED)
    rest = matches.height - shown.height
    title = env.t(
        f"«{query}» подходит к нескольким школам ({fmt_int(matches.height, env.lang)}):",
        f"«{query}» matches several schools ({fmt_int(matches.height, env.lang)}):",
    )
    columns = (Col("ИНН", "INN", "left"), Col("Школа", "School", "left"), Col("МО", "Municipality", "left"))
    rows = [[text_cell(cell) for cell in row] for row in shown.iter_rows()]
    caption = env.t(f"…и ещё {rest}", f"…and {rest} more") if rest else None
    env.err.print(make_table(text_cell(title), columns, rows, caption=caption))
    raise UsageError(
        env.t(
            f"уточните школу: укажите её ИНН, например adoption school {shown['school_id'][0]}.",
            f"choose one school: give its ИНН, e.g. adoption school {shown['school_id'][0]}.",
        )
    )
