"""The monthly workbook's figures are the same from the store (its monthly tables) as from the raw exports:
people in two schools or with two roles counted once where the figure says so, blocked accounts, active
users without a registered account, activity at a month's edges, and periods the tables do not answer for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from adoption_cli.config import Settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity import compute_activity
from adoption_cli.metrics.activity_base import stored_months
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.monthly_report import RunParameters, gather
from adoption_cli.metrics.rating import compute_rating
from adoption_cli.metrics.sferum import compute_sferum
from adoption_cli.metrics.trend import compute_trend
from adoption_cli.periods import parse_month, window_period
from adoption_cli.render.report import build_sheets
from adoption_cli.sources import load_dataset
from adoption_cli.store import ingest, open_store
from adoption_cli.store.manifest import read_manifest

# ИНН with valid check digits: A and B in one municipality, C in another.
A, B, C = "2300000012", "2300000020", "2300000037"

FILES = {
    "schools.csv": [
        "school_id,name,municipality,ownership,teachers_total,students_total",
        f"{A},Школа № 1,Город,municipal,3,4",
        f"{B},Школа № 2,Город,municipal,2,3",
        f"{C},Лицей,Район,state,2,2",
    ],
    "myschool_accounts.csv": [
        "platform,user_id,role,school_id,status,registered_at,last_login_at",
        # m1 studies in A and B: one student of the municipality and the region, one at each school
        f"myschool,m1,student,{A},active,2024-01-01 00:00:00,",
        f"myschool,m1,student,{B},active,2024-02-01 00:00:00,",
        # p1 teaches at A and is a parent there: one user of A in the rating, one teacher and one parent
        f"myschool,p1,teacher,{A},active,2024-01-01 00:00:00,",
        f"myschool,p1,parent,{A},active,,",
        # b1 is blocked at C: their activity counts nowhere, at A neither
        f"myschool,b1,teacher,{C},blocked,2024-01-01 00:00:00,",
        f"myschool,b1,teacher,{A},active,2024-01-01 00:00:00,2024-10-10 10:00:00",
        # r1 registers on 1 November: active in October without an account registered by then
        f"myschool,r1,student,{A},active,2024-11-01 00:00:00,",
        # e1's account is at C, their activity at B: registered in the region, not at their own pair
        f"myschool,e1,student,{C},active,2024-01-01 00:00:00,",
        # l1 is active only through a last login on the month's last day
        f"myschool,l1,teacher,{B},active,2024-03-01 00:00:00,2024-10-31 23:59:59",
        f"myschool,s1,student,{C},active,,",
        f"myschool,s2,student,{B},active,2024-05-01 00:00:00,",
        f"myschool,s2,student,{B},active,,",  # a second account at the same pair: registered whatever the date
    ],
    "myschool_events.csv": [
        "platform,user_id,role,school_id,ts",
        f"myschool,m1,student,{A},2024-10-01 00:00:00",
        f"myschool,m1,student,{B},2024-10-02 08:00:00",
        f"myschool,m1,student,{A},2024-09-30 23:59:59",
        f"myschool,p1,teacher,{A},2024-10-03 08:00:00",
        f"myschool,p1,parent,{A},2024-10-03 09:00:00",
        f"myschool,p1,parent,{A},2024-09-03 09:00:00",
        f"myschool,b1,teacher,{A},2024-10-04 08:00:00",
        f"myschool,r1,student,{A},2024-10-05 08:00:00",
        f"myschool,e1,student,{B},2024-10-06 08:00:00",
        f"myschool,e1,student,{B},2024-09-06 08:00:00",
        f"myschool,n1,student,{C},2024-10-07 08:00:00",  # no account at all
        f"myschool,s1,student,{C},2024-11-01 00:00:00",  # November, not October
        f"myschool,s2,student,{B},2024-09-15 08:00:00",
    ],
    "sferum_events.csv": [
        "platform,user_id,role,school_id,ts",
        f"sferum,u1,teacher,{A},2024-10-05 08:00:00",
        f"sferum,u1,teacher,{C},2024-10-06 08:00:00",  # two municipalities: once in the region
        f"sferum,u2,student,{A},2024-10-05 08:00:00",
        f"sferum,u2,student,{B},2024-10-05 09:00:00",  # two schools of one municipality
        f"sferum,u3,student,{C},2024-09-30 12:00:00",
        f"sferum,u4,teacher,{B},2024-09-12 12:00:00",
        f"sferum,u4,teacher,{C},2024-09-13 12:00:00",
    ],
    "assistant_events.csv": [
        "platform,user_id,role,school_id,ts",
        f"assistant,a1,student,{A},2024-10-05 08:00:00",
        f"assistant,a1,student,{B},2024-10-06 08:00:00",
        f"assistant,a2,student,{C},2024-10-31 22:00:00",
        f"assistant,a3,student,{C},2024-09-01 00:00:00",
    ],
}

OCTOBER, SEPTEMBER = parse_month("2024-10"), parse_month("2024-09")
PERIODS = [OCTOBER, SEPTEMBER, parse_month("2024-11"), window_period("2024-10-31", 30)]


@pytest.fixture(scope="module", params=[None, 2], ids=["whole", "school-ranges"])
def data_sets(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, settings: Settings
) -> tuple[Dataset, Dataset]:
    """(from the store, from the exports) of the files above; the store's tables derived in one pass, or a
    few schools at a time (as for a large region)."""
    data_dir = tmp_path_factory.mktemp("equivalence") / "data"
    data_dir.mkdir()
    for name, lines in FILES.items():
        (data_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        if request.param is not None:
            patch.setattr("adoption_cli.store.writer.CHUNK_ROWS", request.param)
        ingest(data_dir, settings, data_dir / ".adoption-store")
    manifest = read_manifest(data_dir / ".adoption-store")
    assert manifest is not None
    pieces = [len(parts) for table in (manifest.active_exceptions, manifest.registrations) for parts in table.values()]
    assert max(pieces) == (1 if request.param is None else 3)  # three schools
    stored = open_store(data_dir / ".adoption-store", data_dir, settings)
    assert stored is not None and stored.active_exceptions is not None
    loaded = load_dataset(data_dir, settings, file_hashes=True)  # as `adoption report` reads
    return stored, replace(loaded, frames={kind: frame.collect().lazy() for kind, frame in loaded.frames.items()})


def test_the_store_keeps_only_the_users_the_counts_do_not_describe(data_sets: tuple[Dataset, Dataset]) -> None:
    stored, _ = data_sets
    assert stored.active_exceptions is not None
    october = stored.active_exceptions.filter(pl.col("month") == OCTOBER.start).collect()
    found = {
        (r["platform"], r["school_id"], r["role"], r["user_id"]): (
            r["shared"],
            r["unregistered"],
            r["registered_schools"],
        )
        for r in october.iter_rows(named=True)
    }
    assert found == {
        ("myschool", A, "student", "m1"): (True, False, None),
        ("myschool", B, "student", "m1"): (True, False, None),
        ("myschool", A, "teacher", "p1"): (True, False, None),
        ("myschool", A, "parent", "p1"): (True, False, None),
        ("myschool", A, "student", "r1"): (False, True, None),  # registered on 1 November
        ("myschool", B, "student", "e1"): (False, True, [C]),
        ("myschool", C, "student", "n1"): (False, True, None),
        ("sferum", A, "teacher", "u1"): (True, True, None),
        ("sferum", C, "teacher", "u1"): (True, True, None),
        ("sferum", A, "student", "u2"): (True, True, None),
        ("sferum", B, "student", "u2"): (True, True, None),
        ("assistant", A, "student", "a1"): (True, True, None),
        ("assistant", B, "student", "a1"): (True, True, None),
        ("assistant", C, "student", "a2"): (False, True, None),
    }  # b1 is blocked; l1 and s2 are registered at their one pair


def test_the_store_counts_registrations_by_month_and_lists_people_at_several_pairs(
    data_sets: tuple[Dataset, Dataset],
) -> None:
    stored, _ = data_sets
    assert stored.registrations is not None
    rows = stored.registrations.collect()
    found = {(r["school_id"], r["role"], r["month"], r["user_id"]): r["registered"] for r in rows.iter_rows(named=True)}
    assert found == {
        (A, "student", date(2024, 1, 1), "m1"): 1,
        (B, "student", date(2024, 2, 1), "m1"): 1,
        (A, "teacher", date(2024, 1, 1), "p1"): 1,
        (A, "parent", None, "p1"): 1,
        (A, "student", date(2024, 11, 1), None): 1,  # r1
        (C, "student", date(2024, 1, 1), None): 1,  # e1
        (B, "teacher", date(2024, 3, 1), None): 1,  # l1
        (C, "student", None, None): 1,  # s1
        (B, "student", None, "s2"): 1,  # two accounts (listed on their own); one has no date
    }  # b1 is blocked (at C, so at A too); sferum and the assistant have no accounts
    assert set(rows["platform"]) == {"myschool"}


def test_myschool_panels_are_the_same(data_sets: tuple[Dataset, Dataset]) -> None:
    stored, raw = data_sets
    for period in PERIODS:
        for municipality in (None, "Город"):
            from_store = compute_activity(stored, period, municipality=municipality)
            assert from_store == compute_activity(raw, period, municipality=municipality), (period, municipality)
    october = compute_activity(stored, OCTOBER)
    # m1, r1, e1, n1: m1 once; p1 a teacher and a parent; b1 blocked; l1 through a last login
    assert (october.students.active.value, october.teachers.active.value, october.parents.active.value) == (4, 2, 1)
    assert october.data_quality.active_not_registered == 2  # r1 (registered later) and n1; not e1 (at C)
    # m1 once, r1 only from November; p1 a teacher and a parent
    assert (october.students.registered.value, october.students.registered.previous) == (4, 4)
    assert compute_activity(stored, parse_month("2024-11")).students.registered.value == 5
    assert (october.teachers.registered.value, october.parents.registered.value) == (2, 1)
    town = compute_activity(stored, OCTOBER, municipality="Город")
    assert town.data_quality.active_not_registered == 2  # r1 and e1, whose account is at C; n1 is active at C


@pytest.mark.parametrize("role", ["all", "teacher", "student", "parent"])
def test_rating_is_the_same(data_sets: tuple[Dataset, Dataset], role: str) -> None:
    stored, raw = data_sets
    for period in PERIODS:
        assert compute_rating(stored, period, role=role) == compute_rating(raw, period, role=role)  # type: ignore[arg-type]
    if role == "all":
        school_a = next(s for s in compute_rating(stored, OCTOBER).schools if s.school_id == A)
        assert school_a.active == 3  # m1, p1 (a teacher and a parent: one user), r1; b1 is blocked


def test_sferum_assistant_and_trend_are_the_same(data_sets: tuple[Dataset, Dataset], settings: Settings) -> None:
    stored, raw = data_sets
    for period in PERIODS:
        assert compute_sferum(stored, period, settings) == compute_sferum(raw, period, settings)
        assert compute_assistant(stored, period, settings) == compute_assistant(raw, period, settings)
    assert compute_trend(stored, [SEPTEMBER, OCTOBER], settings) == compute_trend(raw, [SEPTEMBER, OCTOBER], settings)
    sferum = compute_sferum(stored, OCTOBER, settings)
    assert (sferum.region.teachers_active, sferum.region.students_active) == (1, 1)  # u1 and u2 once each
    town = next(m for m in sferum.municipalities if m.name == "Город")
    assert (town.teachers_active, town.students_active) == (1, 1)


@pytest.mark.parametrize("shared_user_ids", [False, True])
def test_the_workbook_is_the_same(
    data_sets: tuple[Dataset, Dataset], settings: Settings, shared_user_ids: bool
) -> None:
    stored, raw = data_sets
    settings = settings.model_copy(
        update={"identity": settings.identity.model_copy(update={"shared_user_ids": shared_user_ids})}
    )
    assert stored_months(stored, [OCTOBER, SEPTEMBER]) and not stored_months(raw, [OCTOBER])
    run = RunParameters(
        data_dir=Path("data"),
        config_file=None,
        store=None,
        strict=False,
        version="x",
        generated_at=datetime(2024, 11, 1),
    )
    sheets = [build_sheets(gather(data, OCTOBER, settings, run), "ru") for data in (stored, raw)]
    assert sheets[0] == sheets[1]
