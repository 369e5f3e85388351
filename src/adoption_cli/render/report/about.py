"""«Об отчёте»: how the workbook was made — parameters, thresholds and targets in force, tool version,
generation time, and every input file with its size, rows, loaded, rejected and SHA-256."""

from __future__ import annotations

from adoption_cli.config import DatedTarget
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.excel import Cell, Column, Sheet, Table, Value
from adoption_cli.render.labels import combination_label, level_label
from adoption_cli.render.report.common import Texts


def _dated(targets: tuple[DatedTarget, ...], t: Texts) -> str:
    if not targets:
        return t("нет", "none")
    return "; ".join(
        t(f"с {d.from_month}: {d.target_pct:g} %", f"from {d.from_month}: {d.target_pct:g}%") for d in targets
    )


def _parameters(data: ReportInput, t: Texts) -> Table:
    settings, run, month = data.settings, data.run, data.period.month_key
    indicator = settings.indicator
    rows: list[tuple[str, Value | Cell]] = [
        (t("Версия adoption-cli", "adoption-cli version"), run.version),
        # (the time where the data is, not on the server's clock, which is often UTC)
        (t(f"Сформирован ({settings.time.timezone})", f"Generated at ({settings.time.timezone})"), run.generated_at),
        (t("Период", "Period"), t.period(data.period)),
        (t("Начало периода", "Period start"), data.period.start),
        (t("Конец периода", "Period end"), data.period.end),
        (t("Папка с данными", "Data folder"), str(run.data_dir)),
        (
            t("Файл настроек", "Settings file"),
            str(run.config_file)
            if run.config_file
            else t(
                "нет (в папке с данными нет adoption.toml): значения по умолчанию",
                "none (no adoption.toml in the data folder): the defaults",
            ),
        ),
        (
            t("Данные прочитаны из", "Data read from"),
            t(f"хранилища {run.store}", f"the store {run.store}")
            if run.store
            else t("выгрузок в папке с данными", "the exports in the data folder"),
        ),
        (t("Режим --strict", "--strict mode"), Cell(run.strict, "flag")),
        (t("Индикатор: платформы", "Indicator: platforms"), t.platforms(indicator.platforms)),
        (
            t("Индикатор: формы собственности", "Indicator: ownership"),
            t.ownership(indicator.ownership),
        ),
        (
            t("Индикатор: объединение платформ", "Indicator: platform combination"),
            combination_label(data.indicator.combination, t.lang),
        ),
        (t("Индикатор: порог педагогов", "Indicator: teacher threshold"), Cell(indicator.teacher_threshold_pct, "pct")),
        (
            t("Индикатор: порог обучающихся", "Indicator: student threshold"),
            Cell(indicator.student_threshold_pct, "pct"),
        ),
        (t("Индикатор: цель в силе", "Indicator: target in force"), Cell(indicator.target_for(month), "pct")),
        (t("Индикатор: цели по датам", "Indicator: dated targets"), _dated(indicator.targets, t)),
        (t("ЦПУ: цель в силе", "Assistant: target in force"), Cell(settings.assistant.target_for(month), "pct")),
        (t("ЦПУ: цели по датам", "Assistant: dated targets"), _dated(settings.assistant.targets, t)),
        (
            t("ЦПУ: знаменатель", "Assistant: denominator"),
            t("численность обучающихся (ОО-1)", "number of students (OO-1)"),
        ),
        (
            t("Сферум: уровни активности", "Sferum: activity levels"),
            "; ".join(
                t(f"{level.name} от {level.min_pct:g} %", f"{level_label(level.name, 'en')} from {level.min_pct:g}%")
                for level in settings.sferum.levels
            ),
        ),
        (
            t("Общие идентификаторы пользователей", "Shared user identifiers"),
            Cell(settings.identity.shared_user_ids, "flag"),
        ),
        (t("Часовой пояс", "Time zone"), settings.time.timezone),
    ]
    return Table((Column("name", "Параметр", "Parameter"), Column("value", "Значение", "Value", left=True)), rows)


def _separator(separator: str | None, t: Texts) -> str | None:
    names = {"\t": t("табуляция", "tab"), " ": t("пробел", "space")}
    return names.get(separator, separator) if separator is not None else None


def _files(data: ReportInput, t: Texts) -> Table:
    load = data.load
    rows = [
        (
            file.path,
            t.kind(file.kind),
            t.platforms(file.platforms) if file.platforms else (t.platform(file.platform) if file.platform else None),
            file.size_bytes,
            file.rows,
            file.loaded,
            file.rejected,
            file.sha256,
            file.encoding,
            _separator(file.separator, t),
            file.sheet,
        )
        for file in load.files
    ]
    return Table(
        (
            Column("file", "Файл", "File"),
            Column("kind", "Вид", "Kind"),
            Column("platform", "Платформа", "Platform"),
            Column("size", "Размер, байт", "Size, bytes", "int"),
            Column("rows", "Строк", "Rows", "int"),
            Column("loaded", "Загружено", "Loaded", "int"),
            Column("rejected", "Отклонено", "Rejected", "int"),
            Column("sha256", "SHA-256", "SHA-256", width=66),  # 64 hex digits, never cut
            Column("encoding", "Кодировка", "Encoding"),
            Column("separator", "Разделитель", "Separator"),
            Column("sheet", "Лист", "Sheet"),
        ),
        rows,
        title=t("Входные файлы", "Input files"),
        total=(
            t("Всего", "Total"),
            None,
            None,
            sum(file.size_bytes for file in load.files),
            load.rows,
            load.loaded,
            load.rejected,
            None,
            None,
            None,
            None,
        ),
    )


def about_sheet(data: ReportInput, t: Texts) -> Sheet:
    return Sheet(t("Об отчёте", "About"), blocks=(_parameters(data, t), _files(data, t)))
