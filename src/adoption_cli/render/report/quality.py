"""«Качество данных»: what was set aside and what cannot be judged, so that no figure hides a data problem.

Rejected rows by file and reason with one example each (row, column, value — a value that identifies a user
is never shown), rows naming schools missing from the registry and those schools' ИНН, registry schools with no activity at all in
the period, and schools whose shares were capped or whose ОО-1 totals are zero.
"""

from __future__ import annotations

from adoption_cli.dataset import RejectExample
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.excel import Column, Sheet, Table, Value
from adoption_cli.render.labels import example_value, reject_column
from adoption_cli.render.numbers import fmt_int
from adoption_cli.render.report.common import Texts
from adoption_cli.render.report.schools import SCHOOL_COLUMNS
from adoption_cli.sources.reasons import reason_label

FILE_COLUMN = Column("file", "Файл", "File")


def _reject_table(data: ReportInput, t: Texts) -> Table:
    rows: list[tuple[Value, ...]] = []
    for file in data.load.files:
        first: dict[str, RejectExample] = {}
        for example in file.examples:
            first.setdefault(example.reason, example)
        for reason, count in sorted(file.rejected_by_reason.items()):
            sample = first.get(reason)
            if sample is None:
                rows.append((file.path, reason_label(reason, t.lang), count, None, None, None))
                continue
            shown = example_value(sample.value, reason, t.lang)
            column = reject_column(file, sample.column, t.lang)
            rows.append((file.path, reason_label(reason, t.lang), count, sample.row, column, shown))
    return Table(
        (
            FILE_COLUMN,
            Column("reason", "Причина", "Reason"),
            Column("rows", "Отклонено строк", "Rows rejected", "int"),
            Column("row", "Пример: строка", "Example: row", "int"),
            Column("column", "Пример: столбец", "Example: column"),
            Column("value", "Пример: значение", "Example: value"),
        ),
        rows,
        title=t("Отклонённые строки", "Rejected rows"),
        empty=t("Отклонённых строк нет.", "No rows were rejected."),
        main=True,
    )


def _set_aside_table(data: ReportInput, t: Texts) -> Table:
    rows = [
        (file.path, t.kind(file.kind), file.unknown_school, file.other_role, file.duplicates_dropped)
        for file in data.load.files
        if file.unknown_school or file.other_role or file.duplicates_dropped
    ]
    return Table(
        (
            FILE_COLUMN,
            Column("kind", "Вид", "Kind"),
            Column(
                "unknown_school", "Строк со школой не из реестра", "Rows naming a school not in the registry", "int"
            ),
            Column("other_role", "Строк с прочими ролями", "Rows with other roles", "int"),
            Column("duplicates", "Дубликатов в реестре", "Registry duplicates", "int"),
        ),
        rows,
        title=t("Загружено, но не учитывается в показателях", "Loaded but left out of the figures"),
        empty=t("Таких строк нет.", "None."),
    )


def _unknown_table(data: ReportInput, t: Texts) -> Table:
    unknown = data.load.unknown_schools()
    count = (
        str(len(unknown))
        if data.load.unknown_schools_complete
        else t(f"не менее {len(unknown)}", f"at least {len(unknown)}")
    )
    return Table(
        (
            Column("school_id", "ИНН", "INN"),
            Column("rows", "Строк", "Rows", "int"),
            Column("files", "Файлы", "Files"),
        ),
        [(entry.school_id, entry.rows, ", ".join(entry.files)) for entry in unknown],
        title=t(
            f"ИНН, которых нет в реестре ({count}): их строки не входят в показатели — добавьте школы в "
            "реестр или исправьте ИНН в выгрузке",
            f"INN missing from the registry ({count}): their rows are left out of the figures — add the "
            "schools to the registry or correct the INN in the export",
        ),
        empty=t("Таких ИНН нет.", "None."),
    )


def _inactive_table(data: ReportInput, t: Texts) -> Table:
    inactive = data.activity.filter("no_activity")
    return Table(
        SCHOOL_COLUMNS,
        inactive.select("school_id", "name", "municipality").rows(),
        title=t(
            f"Школы реестра без какой-либо активности за период ({len(inactive)}): "
            "ни одного активного пользователя ни на одной платформе",
            f"Registry schools with no activity at all in the period ({len(inactive)}): no active user on any platform",
        ),
        empty=t("Таких школ нет.", "None."),
    )


def _judgement_table(data: ReportInput, t: Texts) -> Table:
    """The schools the indicator counts in `data_quality`: by its own `capped` and `no_total` (a capped share
    needs a positive total below the active users; a total of 0 is «no total» only), so that the rows and
    the counts in the title never disagree."""
    import polars as pl

    capped = t(
        "активных больше, чем по ОО-1 (доля ограничена 100 %)", "more active than in OO-1 (share capped at 100%)"
    )
    no_total = t("численность по ОО-1 равна нулю или не указана", "OO-1 total is zero or missing")
    problem = pl.concat_str(
        pl.when("capped").then(pl.lit(capped)),
        pl.when("no_total").then(pl.lit(no_total)),
        separator="; ",
        ignore_nulls=True,
    )
    columns = (
        *SCHOOL_COLUMNS,
        Column("teachers_total", "Педагогов (ОО-1)", "Teachers (OO-1)", "int"),
        Column("teachers_active", "Активных педагогов", "Active teachers", "int"),
        Column("students_total", "Обучающихся (ОО-1)", "Students (OO-1)", "int"),
        Column("students_active", "Активных обучающихся", "Active students", "int"),
        Column("problem", "Что не так", "Problem"),
    )
    rows = (
        data.schools.filter(pl.col("capped") | pl.col("no_total"))
        .select(*(column.key for column in columns[:-1]), problem.alias("problem"))
        .rows()
    )
    quality = data.indicator.data_quality
    return Table(
        columns,
        rows,
        title=t(
            f"Ограниченные доли ({quality.capped_shares}) и нулевые численности ({quality.no_total})",
            f"Capped shares ({quality.capped_shares}) and zero totals ({quality.no_total})",
        ),
        empty=t("Таких школ нет.", "None."),
    )


def quality_sheet(data: ReportInput, t: Texts) -> Sheet:
    load = data.load

    def n(value: int) -> str:
        return fmt_int(value, t.lang)

    return Sheet(
        t("Качество данных", "Data quality"),
        heading=(
            t("Качество данных", "Data quality"),
            t(
                f"Прочитано строк: {n(load.rows)}; загружено: {n(load.loaded)}; отклонено: {n(load.rejected)}; "
                f"со школой не из реестра: {n(load.unknown_school)}.",
                f"Rows read: {n(load.rows)}; loaded: {n(load.loaded)}; rejected: {n(load.rejected)}; "
                f"naming a school not in the registry: {n(load.unknown_school)}.",
            ),
            *(t("Внимание: ", "Warning: ") + warning for warning in load.warnings),
        ),
        blocks=(
            _reject_table(data, t),
            _set_aside_table(data, t),
            _unknown_table(data, t),
            _inactive_table(data, t),
            _judgement_table(data, t),
        ),
    )
