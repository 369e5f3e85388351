"""`generate`: the whole sample data set, written batch by batch of schools."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from pydantic import BaseModel

from adoption_cli import sample
from adoption_cli.config import CONFIG_FILE_NAME
from adoption_cli.errors import UsageError
from adoption_cli.periods import month_range
from adoption_cli.sample import activity
from adoption_cli.sample import randomness as rnd
from adoption_cli.sample.files import (
    ACCOUNT_COLUMNS,
    EVENT_COLUMNS,
    ITEM_COLUMNS,
    SCHOOL_COLUMNS,
    STATS_COLUMNS,
    CsvSink,
    Dialect,
    FileSpec,
    GeneratedFile,
    Planted,
    PlantedRow,
    file_specs,
    write_sheet,
)
from adoption_cli.sample.region import (
    PLATFORMS,
    School,
    headcounts_frame,
    make_schools,
    registry_frame,
    schools_frame,
    shares_frame,
    unregistered_inn,
    with_bad_check_digit,
)
from adoption_cli.sources import reasons

# Files a previous run may leave next to the data that a new run keeps.
_KEPT = {sample.SUMMARY_FILE, CONFIG_FILE_NAME, "README.md"}
_ROWS_PER_BATCH = 2_500_000  # bounds memory: account-months and logins held at once, roughly


class GeneratedSummary(BaseModel):
    dialect: Dialect
    seed: int
    scale: float
    events_per_user: float
    schools: int  # organisations (distinct valid ИНН) in the registry, planted rows aside
    months: list[str]
    files: list[GeneratedFile]
    planted: list[PlantedRow]
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def generate(
    out_dir: Path,
    *,
    schools: int = sample.SCHOOLS,
    first_month: str = sample.FIRST_MONTH,
    last_month: str = sample.LAST_MONTH,
    seed: int = sample.SEED,
    dialect: Dialect = "mixed",
    scale: float = sample.SCALE,
    events_per_user: float = sample.EVENTS_PER_USER,
    view_share: float = sample.VIEW_SHARE,
) -> GeneratedSummary:
    """Write a deterministic sample of every kind of export into `out_dir`; the same arguments give the same bytes.

    `scale` multiplies the size of every school (ОО-1 totals, and with them users and logins) so that shares
    stay put: 1.0 is real school sizes (teachers 15–120, students 150–2000). `events_per_user` is the mean
    number of logins of an active user in a month.
    """
    started = time.perf_counter()
    if schools < 1:
        raise UsageError("--schools должно быть не меньше 1.", en="--schools must be at least 1.")
    if not 0 < scale <= 100:
        raise UsageError("--scale должен быть больше 0 и не больше 100.", en="--scale must be above 0 and at most 100.")
    if events_per_user < 1:
        raise UsageError("--events-per-user должно быть не меньше 1.", en="--events-per-user must be at least 1.")
    months = tuple(month_range(first_month, last_month))
    _prepare(out_dir)
    plan = activity.Plan(seed, months, events_per_user, view_share)
    rng = random.Random(seed)
    region = make_schools(rng, schools, scale)
    school_rows, headcounts, shares = schools_frame(region), headcounts_frame(region), shares_frame(region)
    specs = file_specs(dialect, months)
    summary = GeneratedSummary(
        dialect=dialect,
        seed=seed,
        scale=scale,
        events_per_user=events_per_user,
        schools=schools,
        months=[p.label for p in months],
        files=sorted(
            (GeneratedFile(path=s.path, kind=s.kind, platform=s.platform, rows=0) for s in specs.values()),
            key=lambda f: f.path,
        ),
        planted=[],
    )
    # Listed before they are written, so that a run cut short can be repeated into the same folder.
    _write_summary(out_dir, summary)
    planted = _planted(rng, plan, region, first_free_person=int(headcounts["n"].sum()))
    files: list[GeneratedFile] = []
    reports: list[PlantedRow] = []

    def write_whole(key: str, frame: pl.DataFrame) -> None:
        spec = specs[key]
        if spec.is_sheet:
            generated, found = write_sheet(out_dir, spec, dialect, frame, planted.get(key, []), plan.window_end)
        else:
            sink = CsvSink(out_dir, spec, dialect, planted.get(key, []))
            sink.write(frame)
            generated, found = sink.close(frame.schema), sink.reports
        files.append(generated)
        reports.extend(found)

    duplicate = rng.choice([s.org for s in region if not s.branch_share])
    write_whole("schools", registry_frame(region, rng, duplicate).select(*SCHOOL_COLUMNS, "_tag", "_u"))
    items = activity.content_items(plan, max(40, min(20_000, 300 + 2 * schools)))
    write_whole("content_items", items.select(*ITEM_COLUMNS, "_u"))
    write_whole("assistant_stats", activity.assistant_stats(plan, school_rows).select(*STATS_COLUMNS, "_u"))

    sinks = {
        key: CsvSink(out_dir, spec, dialect, planted.get(key, []))
        for key, spec in specs.items()
        if key not in ("schools", "content_items", "assistant_stats")
    }
    for batch in _batches(headcounts, len(months), events_per_user):
        accounts = activity.accounts(plan, batch, shares, school_rows)
        logins = activity.logins(plan, accounts)
        accounts = activity.with_last_login(plan, accounts, logins)
        for platform in PLATFORMS:
            own = accounts.filter(pl.col("platform") == platform)
            sinks[f"{platform}_accounts"].write(own.select(*ACCOUNT_COLUMNS, "_u"))
        myschool = logins.filter(pl.col("platform") == "myschool")
        for i in range(len(months)):
            sinks[f"myschool_events/{i}"].write(myschool.filter(pl.col("m") == i).select(*EVENT_COLUMNS, "_u"))
        sinks["sferum_events"].write(logins.filter(pl.col("platform") == "sferum").select(*EVENT_COLUMNS, "_u"))
        sinks["content_views"].write(activity.views(plan, myschool, items))
    for key, sink in sinks.items():
        files.append(sink.close(_schema(specs[key])))
        reports.extend(sink.reports)

    summary.files = sorted(files, key=lambda f: f.path)
    summary.planted = sorted(reports, key=lambda r: (r.path, r.row))
    _write_summary(out_dir, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _write_summary(out_dir: Path, summary: GeneratedSummary) -> None:
    # Timing stays out of the file so that two runs write the same bytes.
    text = summary.model_dump_json(indent=2, exclude={"seconds"}) + "\n"
    (out_dir / sample.SUMMARY_FILE).write_text(text, "utf-8")


def _prepare(out_dir: Path) -> None:
    """Make `out_dir`, or clear what an earlier run wrote there; refuse a folder holding anything else."""
    out_dir.mkdir(parents=True, exist_ok=True)
    previous: set[str] = set()
    summary = out_dir / sample.SUMMARY_FILE
    if summary.is_file():
        previous = {f["path"] for f in json.loads(summary.read_text("utf-8")).get("files", [])}
    foreign = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".") and p.name not in previous | _KEPT)
    if foreign:
        raise UsageError(
            f"Папка {out_dir} уже содержит другие файлы (например, {foreign[0]}): "
            "укажите пустую папку или папку прежнего образца.",
            en=f"The folder {out_dir} holds other files (e.g. {foreign[0]}): give an empty folder or one of an "
            "earlier sample.",
        )
    for name in previous:
        (out_dir / name).unlink(missing_ok=True)


def _schema(spec: FileSpec) -> dict[str, pl.DataType]:
    """The typed frame a sink receives, for files that got no rows at all."""
    from adoption_cli.dataset import canonical_schema

    return canonical_schema(spec.kind) | {"_u": pl.Float64()}


def _batches(headcounts: pl.DataFrame, n_months: int, events_per_user: float) -> list[pl.DataFrame]:
    """Consecutive schools holding about `_ROWS_PER_BATCH` account-months or logins between them."""
    people = max(1000, int(_ROWS_PER_BATCH / (n_months * max(1.0, 0.5 * events_per_user))))
    per_org = headcounts.group_by("org", maintain_order=True).agg(n=pl.col("n").sum())
    batch_of = per_org.select("org", batch=(pl.col("n").cum_sum() - pl.col("n")) // people)
    numbered = headcounts.join(batch_of, on="org", maintain_order="left")
    return numbered.partition_by("batch", maintain_order=True, include_key=False)


def _planted(
    rng: random.Random, plan: activity.Plan, region: Sequence[School], first_free_person: int
) -> dict[str, list[Planted]]:
    """About ten bad rows in different files, with the loader's reason codes, plus rows of an unknown school."""
    months = plan.months
    year = months[0].start.year
    middle = len(months) // 2
    at = datetime.combine(months[middle].start, datetime.min.time()) + timedelta(days=9, hours=10, minutes=15)
    school = rng.choice([s for s in region if s.ownership == "municipal" and not s.branch_share])
    stranger = unregistered_inn(rng)
    users = pl.select(rnd.user_id(pl.int_range(first_free_person, first_free_person + 5))).to_series().to_list()

    def account(user: str, school_id: str) -> dict[str, object]:
        return {
            "platform": "myschool",
            "user_id": user,
            "role": "student",
            "school_id": school_id,
            "status": "active",
            "registered_at": plan.window_start - timedelta(days=30),
        }

    def login(user: str, school_id: str, minutes: int = 0) -> dict[str, object]:
        return {
            "platform": "myschool",
            "user_id": user,
            "role": "student",
            "school_id": school_id,
            "ts": at + timedelta(minutes=minutes),
        }

    def same(text: str) -> dict[Dialect, str]:
        return {"mixed": text, "canonical": text}

    unknown_school = "Школа не найдена в реестре: строка загружается, но не входит в показатели"
    return {
        "schools": [
            Planted(
                {
                    "school_id": stranger,
                    "name": f"МБОУ ООШ № {rng.randint(300, 399)} {school.municipality}",
                    "municipality": school.municipality,
                    "ownership": "municipal",
                    "teachers_total": school.teachers_total,
                    "students_total": school.students_total,
                },
                reasons.BAD_CHECKSUM,
                "ИНН с неверной контрольной цифрой",
                column="school_id",
                text=same(with_bad_check_digit(stranger)),
            )
        ],
        "myschool_accounts": [
            Planted(
                account(users[0], school.school_id),
                reasons.BAD_DATE,
                "Несуществующая дата регистрации (31 февраля)",
                column="registered_at",
                text={"mixed": f"31.02.{year}", "canonical": f"{year}-02-31T00:00:00"},
            ),
            Planted(
                account(users[1], school.school_id),
                reasons.BAD_CHECKSUM,
                "ИНН ОО с неверной контрольной цифрой",
                column="school_id",
                text=same(with_bad_check_digit(school.school_id)),
            ),
            Planted(account(users[2], stranger), "unknown_school", unknown_school, "school_id", rejected=False),
        ],
        f"myschool_events/{middle}": [
            Planted(login(users[2], stranger), "unknown_school", unknown_school, "school_id", rejected=False),
            Planted(login(users[2], stranger, 95), "unknown_school", unknown_school, "school_id", rejected=False),
        ],
        "sferum_accounts": [
            Planted(
                account(users[3], school.school_id) | {"platform": "sferum"},
                reasons.UNKNOWN_PLATFORM,
                "Неизвестная платформа",
                column="platform",
                text={"mixed": "ВКонтакте", "canonical": "vk"},
            ),
            Planted(
                account(users[4], school.school_id) | {"platform": "sferum"},
                reasons.MISSING_VALUE,
                "Последняя строка файла обрезана после трёх полей: нет ИНН и дальше",
                column="school_id",
                ragged=3,
            ),
        ],
        "sferum_events": [
            Planted(
                login(users[4], school.school_id) | {"platform": "sferum"},
                reasons.MISSING_VALUE,
                "Пустой идентификатор пользователя",
                column="user_id",
                text={"mixed": None, "canonical": None},
            )
        ],
        "assistant_stats": [
            Planted(
                {
                    "platform": "assistant",
                    "school_id": school.school_id,
                    "month": months[middle].start,
                    "role": "student",
                    "registered": school.students_total,
                    "active": 0,
                },
                reasons.NEGATIVE_NUMBER,
                "Отрицательное число активных",
                column="active",
                text=same("-12"),
            )
        ],
        "content_items": [
            Planted(
                {"content_id": "cnt-999999", "kind": "cok", "available_from": plan.window_start},
                reasons.UNKNOWN_CONTENT_KIND,
                "Неизвестный вид контента",
                column="kind",
                text={"mixed": "Видео", "canonical": "video"},
            )
        ],
        "content_views": [
            Planted(
                {"content_id": "cnt-000001", "user_id": users[0], "ts": at},
                reasons.BAD_DATE,
                "Несуществующая дата просмотра (30 февраля)",
                column="ts",
                text={"mixed": f"{year}-02-30 10:15", "canonical": f"{year}-02-30T10:15:00"},
            )
        ],
    }
