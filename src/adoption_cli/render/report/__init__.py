"""The monthly workbook: result models of the metric functions laid out as sheets (see docs/cron.md)."""

from __future__ import annotations

from pathlib import Path

from adoption_cli.atomic import atomic_output
from adoption_cli.environment import Lang
from adoption_cli.metrics.monthly_report import ReportInput
from adoption_cli.render.excel import Sheet, Writer
from adoption_cli.render.report.about import about_sheet
from adoption_cli.render.report.assistant import assistant_sheet
from adoption_cli.render.report.common import Texts
from adoption_cli.render.report.myschool import content_sheet, myschool_sheet
from adoption_cli.render.report.plan import plan_sheet
from adoption_cli.render.report.quality import quality_sheet
from adoption_cli.render.report.rating import rating_sheet
from adoption_cli.render.report.schools import schools_sheet
from adoption_cli.render.report.sferum import sferum_sheet
from adoption_cli.render.report.summary import summary_sheet
from adoption_cli.render.report.trend import trend_sheet

__all__ = ["ReportInput", "build_sheets", "write_report"]


def build_sheets(data: ReportInput, lang: Lang) -> list[Sheet]:
    t = Texts(lang)
    builders = (
        summary_sheet,
        schools_sheet,
        assistant_sheet,
        myschool_sheet,
        sferum_sheet,
        content_sheet,
        rating_sheet,
        plan_sheet,
        trend_sheet,
        quality_sheet,
        about_sheet,
    )
    return [build(data, t) for build in builders]


def write_report(data: ReportInput, lang: Lang, target: Path) -> None:
    """Write the workbook to `target` atomically: the previous file stays intact until the new one is complete."""
    writer = Writer(lang)
    for sheet in build_sheets(data, lang):
        writer.add(sheet)
    writer.workbook.properties.created = data.run.generated_at
    writer.workbook.properties.modified = data.run.generated_at
    with atomic_output(target) as handle:
        writer.save(handle)
