"""`adoption rating`: schools ranked by the share of registered users active in the period."""

from enum import StrEnum
from typing import Annotated

import typer

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

NAME = "rating"
ORDER = 60


class RoleChoice(StrEnum):
    ALL = "all"
    TEACHER = "teacher"
    STUDENT = "student"
    PARENT = "parent"


RoleOpt = Annotated[
    RoleChoice,
    typer.Option(
        "--role",
        help="Чья активность: all — педагоги, обучающиеся и родители вместе, или одна роль.",
        case_sensitive=False,
    ),
]
TopOpt = Annotated[
    int | None,
    typer.Option(
        "--top", metavar="N", min=1, help="Показать только первые N мест.", show_default=False, rich_help_panel="Вывод"
    ),
]


def command(
    data: DataOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    strict: StrictOpt = False,
    month: MonthOpt = None,
    as_of: AsOfOpt = None,
    days: DaysOpt = None,
    municipality: MunicipalityOpt = None,
    role: RoleOpt = RoleChoice.ALL,
    top: TopOpt = None,
    platform: OnePlatformOpt = "myschool",
    output_format: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Рейтинг школ по доле зарегистрированных пользователей «Моя школа», активных в периоде.

    Пример: adoption rating --data sample_data --month 2024-09 --role teacher --top 10
    """
    from adoption_cli.cli.session import open_period_request
    from adoption_cli.metrics.rating import compute_rating
    from adoption_cli.render.emit import emit
    from adoption_cli.render.rating import rating_csv, rating_table
    from adoption_cli.schema import PEOPLE_KINDS

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
        kinds=PEOPLE_KINDS,
        platforms=(code,),
        compares=True,
    )
    result = compute_rating(
        request.dataset,
        request.period,
        role=role.value,
        platform=code,
        municipality=request.municipality,
        top=top,
    )
    emit(output_format, result, table=lambda: rating_table(result), rows=lambda: rating_csv(result))
