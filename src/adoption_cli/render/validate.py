"""What the reader made of each export: a files table, the rejects by reason with the first examples, and the
registry notes; or the same as JSON. Reject reasons are machine codes; `label(reason, lang)` words them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adoption_cli.environment import Lang, current
from adoption_cli.render.labels import example_value, kind_label, platforms_label, reject_column
from adoption_cli.render.numbers import fmt_int
from adoption_cli.render.tables import Col, make_table, text_cell

if TYPE_CHECKING:
    from rich.console import RenderableType

    from adoption_cli.dataset import FileLoad, LoadReport

ReasonLabel = Callable[[str, Lang], str]

FILE_COLUMNS = (
    Col("Файл", "File", "left"),
    Col("Вид", "Kind", "left"),
    Col("Платформа", "Platform", "left"),
    Col("Строк", "Rows"),
    Col("Загружено", "Loaded"),
    Col("Отклонено", "Rejected"),
    Col("Неизвестная школа", "Unknown school"),
)
EXAMPLE_COLUMNS = (
    Col("Строка", "Row"),
    Col("Столбец", "Column", "left"),
    Col("Значение", "Value", "left"),
    Col("Причина", "Reason", "left"),
)
# A list of ИНН in a note stops helping after a few; the JSON has them all.
_LISTED_BRANCHES = 5
_LISTED_UNKNOWN = 10


def _platforms(file: FileLoad) -> list[str]:
    return [file.platform] if file.platform else file.platforms


def _counts(rows: int, loaded: int, rejected: int, unknown: int, lang: Lang) -> list[str]:
    rejected_cell = fmt_int(rejected, lang)
    return [
        fmt_int(rows, lang),
        fmt_int(loaded, lang),
        f"[red]{rejected_cell}[/red]" if rejected else rejected_cell,
        fmt_int(unknown, lang),
    ]


def files_table(report: LoadReport, title: str) -> RenderableType:
    env = current()
    lang = env.lang
    rows = [
        [
            text_cell(file.path),
            kind_label(file.kind, lang),
            platforms_label(_platforms(file), lang) or "—",
            *_counts(file.rows, file.loaded, file.rejected, file.unknown_school, lang),
        ]
        for file in report.files
    ]
    footer = [
        env.t(f"Итого: {len(report.files)}", f"Total: {len(report.files)}"),
        "",
        "",
        *_counts(report.rows, report.loaded, report.rejected, report.unknown_school, lang),
    ]
    return make_table(title, FILE_COLUMNS, rows, footer=footer)


def rejects_view(file: FileLoad, label: ReasonLabel) -> RenderableType:
    """One file's rejects: the count per reason, then the first examples as the reader recorded them."""
    from rich.console import Group
    from rich.text import Text

    from adoption_cli.render.fitting import GluedText

    env = current()
    lang = env.lang
    heading = env.t(
        f"{file.path}: отклонено строк — {fmt_int(file.rejected, lang)}",
        f"{file.path}: rows rejected — {fmt_int(file.rejected, lang)}",
    )
    by_reason = sorted(file.rejected_by_reason.items(), key=lambda item: (-item[1], item[0]))
    parts: list[RenderableType] = [
        Text(""),
        GluedText(heading, style="bold"),
        *(GluedText(f"  {label(reason, lang)}: {fmt_int(count, lang)}") for reason, count in by_reason),
    ]
    examples = [
        [
            str(example.row),
            text_cell(reject_column(file, example.column, lang)),
            text_cell(example_value(example.value, example.reason, lang)),
            label(example.reason, lang),
        ]
        for example in file.examples
    ]
    if examples:
        parts.append(make_table(env.t("Первые из них:", "The first of them:"), EXAMPLE_COLUMNS, examples))
    return Group(*parts)


def notes(report: LoadReport) -> list[str]:
    """Registry notes and rows set aside without being errors."""
    env = current()
    lang = env.lang
    result = []
    duplicates = sum(file.duplicates_dropped for file in report.files)
    if duplicates:
        result.append(
            env.t(
                f"Реестр: точных повторов строк удалено: {fmt_int(duplicates, lang)}.",
                f"Registry: exact duplicate rows dropped: {fmt_int(duplicates, lang)}.",
            )
        )
    if report.branches_merged:
        merged = report.branches_merged
        listed = ", ".join(f"{b.school_id} ({fmt_int(b.rows, lang)})" for b in merged[:_LISTED_BRANCHES])
        more = len(merged) - _LISTED_BRANCHES
        if more > 0:
            listed += env.t(f" и ещё {fmt_int(more, lang)}", f" and {fmt_int(more, lang)} more")
        result.append(
            env.t(
                f"Реестр: филиалы с одним ИНН сложены в одну организацию ({fmt_int(len(merged), lang)}; "
                f"в скобках — число строк): {listed}.",
                f"Registry: branches sharing an INN summed into one organisation ({fmt_int(len(merged), lang)}; "
                f"rows in brackets): {listed}.",
            )
        )
    other_role = sum(file.other_role for file in report.files)
    if other_role:
        result.append(
            env.t(
                f"Строк с другой ролью (не педагог, не обучающийся, не родитель) — загружены, но не входят в "
                f"метрики: {fmt_int(other_role, lang)}.",
                f"Rows with another role (not teacher, student or parent) — loaded, but outside every metric: "
                f"{fmt_int(other_role, lang)}.",
            )
        )
    if report.unknown_school:
        unknown = report.unknown_schools()
        listed = ", ".join(f"{u.school_id} ({fmt_int(u.rows, lang)})" for u in unknown[:_LISTED_UNKNOWN])
        more = len(unknown) - _LISTED_UNKNOWN
        if not report.unknown_schools_complete:  # (a file named more than the 100 ИНН it keeps)
            listed += env.t(" и другие", " and others")
        elif more > 0:
            listed += env.t(f" и ещё {fmt_int(more, lang)}", f" and {fmt_int(more, lang)} more")
        which = env.t(f" Эти ИНН (в скобках — число строк): {listed}.", f" Those INN (rows in brackets): {listed}.")
        result.append(
            env.t(
                f"Строк с ИНН, которого нет в реестре, — не входят в метрики: {fmt_int(report.unknown_school, lang)}.",
                f"Rows naming an INN missing from the registry — outside every metric: "
                f"{fmt_int(report.unknown_school, lang)}.",
            )
            + (which if unknown else "")  # (a report of a store ingested before the ИНН were kept has none)
        )
    return result


def validate_view(report: LoadReport, title: str, label: ReasonLabel) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from adoption_cli.render.fitting import GluedText

    parts: list[RenderableType] = [files_table(report, title)]
    parts += [rejects_view(file, label) for file in report.files if file.rejected]
    remarks = notes(report)
    if remarks:
        parts += [Text(""), *(GluedText(note) for note in remarks)]
    return Group(*parts)


def validate_payload(report: LoadReport) -> dict[str, Any]:
    """The JSON: every file's load record, the four totals, registry notes and reader warnings."""
    return {
        "files": [file.model_dump(mode="json") for file in report.files],
        "rows": report.rows,
        "loaded": report.loaded,
        "rejected": report.rejected,
        "unknown_school": report.unknown_school,
        "unknown_schools": [entry.model_dump(mode="json") for entry in report.unknown_schools()],
        "unknown_schools_complete": report.unknown_schools_complete,
        "other_role": sum(file.other_role for file in report.files),
        "duplicates_dropped": sum(file.duplicates_dropped for file in report.files),
        "branches_merged": [branch.model_dump(mode="json") for branch in report.branches_merged],
        "warnings": report.warnings,
    }
