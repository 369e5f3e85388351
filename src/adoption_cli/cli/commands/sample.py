"""`adoption sample`: write deterministic sample exports (see adoption_cli.sample and docs/sample-data.md).

No `from __future__ import annotations` here: Typer reads the options from the real annotation objects,
and `guard.guarded` re-exposes the signature from a module that cannot evaluate these names.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from adoption_cli import sample as defaults

NAME = "sample"
ORDER = 90

_PANEL = "Образец"


class DialectChoice(StrEnum):
    MIXED = "mixed"
    CANONICAL = "canonical"


def command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="ПАПКА",
            help="Папка для выгрузок: новая, пустая или с прежним образцом.",
            show_default=False,
        ),
    ],
    schools: Annotated[
        int, typer.Option("--schools", metavar="ЧИСЛО", min=1, help="Число школ (организаций).", rich_help_panel=_PANEL)
    ] = defaults.SCHOOLS,
    first_month: Annotated[
        str, typer.Option("--from", metavar="ГГГГ-ММ", help="Первый месяц активности.", rich_help_panel=_PANEL)
    ] = defaults.FIRST_MONTH,
    last_month: Annotated[
        str, typer.Option("--to", metavar="ГГГГ-ММ", help="Последний месяц активности.", rich_help_panel=_PANEL)
    ] = defaults.LAST_MONTH,
    seed: Annotated[
        int,
        typer.Option("--seed", metavar="ЧИСЛО", help="Зерно: одно зерно — одни и те же файлы.", rich_help_panel=_PANEL),
    ] = defaults.SEED,
    dialect: Annotated[
        DialectChoice,
        typer.Option(
            "--dialect",
            case_sensitive=False,
            help="mixed — как настоящие выгрузки (cp1251, «;», русские заголовки, xlsx); canonical — UTF-8, «,», "
            "канонические имена и коды, ISO-время.",
            rich_help_panel=_PANEL,
        ),
    ] = DialectChoice.MIXED,
    scale: Annotated[
        float,
        typer.Option(
            "--scale",
            metavar="ЧИСЛО",
            min=0.001,
            max=100.0,
            help="Размер школ (ОО-1 вместе с пользователями и входами): 1 — реальные размеры.",
            rich_help_panel=_PANEL,
        ),
    ] = defaults.SCALE,
    events_per_user: Annotated[
        float,
        typer.Option(
            "--events-per-user",
            metavar="ЧИСЛО",
            min=1.0,
            help="Среднее число входов активного пользователя за месяц.",
            rich_help_panel=_PANEL,
        ),
    ] = defaults.EVENTS_PER_USER,
) -> None:
    """Записать образец выгрузок по Краснодарскому краю: реестр ОО-1, «Моя школа», «Сферум», ЦПУ, контент.

    Одни и те же параметры дают одни и те же файлы байт в байт. Около десяти строк испорчены намеренно; их список с номерами строк — в sample_summary.json рядом с данными.

    Пример: adoption sample --out sample_data

    Крупный край, 1 500 школ:

    adoption sample -o /tmp/big --schools 1500 --scale 1.7
    """
    from adoption_cli.environment import current
    from adoption_cli.render.numbers import fmt_float, fmt_int
    from adoption_cli.sample.generator import generate

    env = current()
    summary = generate(
        out,
        schools=schools,
        first_month=first_month,
        last_month=last_month,
        seed=seed,
        dialect=dialect.value,
        scale=scale,
        events_per_user=events_per_user,
    )
    megabytes = sum((out / f.path).stat().st_size for f in summary.files) / 2**20
    planted = sum(1 for p in summary.planted if p.rejected)
    first, last = summary.months[0], summary.months[-1]
    env.info(
        env.t(
            f"Образец записан в {out}: школ {fmt_int(summary.schools)}, месяцы {first} – {last}, "
            f"файлов {len(summary.files)}, строк {fmt_int(summary.rows)}, {fmt_float(megabytes)} МБ "
            f"за {fmt_float(summary.seconds)} с.",
            f"Sample written to {out}: {summary.schools} schools, months {first} – {last}, "
            f"{len(summary.files)} files, {fmt_int(summary.rows, 'en')} rows, {megabytes:.1f} MB "
            f"in {summary.seconds:.1f} s.",
        )
    )
    env.info(
        env.t(
            f"Намеренно испорченных строк: {planted}; список с номерами строк — {out / defaults.SUMMARY_FILE}.",
            f"Planted bad rows: {planted}; listed with row numbers in {out / defaults.SUMMARY_FILE}.",
        )
    )
