"""Reader-level invariants (hypothesis): how the exports are written never changes what the metrics say.

A random small data set (registry, events and accounts of three platforms, school statistics; some rows
bad, some of an unknown school or another role) is written as canonical CSV and then
- in another dialect: encoding (UTF-8, BOM, cp1251, UTF-16), separator, line ends, Russian headers and
  values, dd.mm.yyyy or UTC `Z` timestamps, ИНН with apostrophes / spaces / `.0`, an xlsx registry;
- split into two files per export, rows shuffled.
`load_dataset` must give the same canonical frames and the same counts, and the indicator, the assistant
and the Сферум metrics the same results.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adoption_cli.config import load_settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.sferum import compute_sferum
from adoption_cli.periods import parse_month
from adoption_cli.schema import COLUMNS, Kind
from adoption_cli.sources import load_dataset
from tests.sources.sources_helpers import (
    INN_A,
    INN_B,
    INN_C,
    INN_D,
    INN_OUTSIDE,
    OWNERSHIP_RU,
    ROLES_RU,
    STATUS_RU,
    delimited,
    save_book,
)

SEPT = parse_month("2024-09")
SCHOOLS = [INN_A, INN_B, INN_C, INN_D]
PLATFORMS = ["myschool", "sferum", "assistant"]
PLATFORMS_RU = {"myschool": "ФГИС «Моя школа»", "sferum": "ИКОП «Сферум»", "assistant": "ЦПУ"}
ROLES = ["teacher", "student", "parent", "администратор"]
START = datetime(2024, 8, 20)
BAD_INN = "2310031476"  # INN_A with a wrong check digit
BAD_DATE = "31.02.2024"
RU_MONTHS = {8: "Август", 9: "Сентябрь"}
# Each example loads three folders: ten in CI; ADOPTION_PROPERTY_EXAMPLES raises it for a soak.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("ADOPTION_PROPERTY_EXAMPLES", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

Row = dict[str, str]


@dataclass
class Exports:
    """Rows per file name (canonical values as text); `kind` of each file from its name."""

    files: dict[str, list[Row]] = field(default_factory=dict)


def _school_id(index: int, bad: bool) -> str:
    return BAD_INN if bad else ([*SCHOOLS, INN_OUTSIDE])[index]


registry_strategy = st.lists(
    st.tuples(
        st.sampled_from(["г. Краснодар", "г. Сочи"]),
        st.sampled_from(["municipal", "state", "private"]),
        st.one_of(st.none(), st.integers(0, 5)),
        st.one_of(st.none(), st.integers(0, 8)),
    ),
    min_size=len(SCHOOLS),
    max_size=len(SCHOOLS),
)
activity_strategy = st.lists(
    st.tuples(
        st.sampled_from(PLATFORMS),
        st.integers(0, 6),  # user number
        st.sampled_from(ROLES),
        st.integers(0, len(SCHOOLS)),  # the last index is a school outside the registry
        st.integers(0, 40 * 24),  # hours after START
        st.sampled_from(["ok"] * 8 + ["bad_inn", "bad_date"]),
    ),
    max_size=30,
)
stats_strategy = st.dictionaries(
    st.tuples(
        st.sampled_from(["sferum", "assistant"]),
        st.integers(0, len(SCHOOLS) - 1),
        st.sampled_from([8, 9]),
        st.sampled_from(["teacher", "student"]),
    ),
    st.tuples(st.integers(0, 6), st.integers(0, 8)),  # active, registered (active > registered is rejected)
    max_size=8,
)


def build_exports(registry_spec: Any, activity: Any, stats: Any) -> Exports:
    exports = Exports()
    exports.files["schools"] = [
        {
            "school_id": school_id,
            "name": f"Школа {i + 1}",
            "municipality": municipality,
            "ownership": ownership,
            "teachers_total": "" if teachers is None else str(teachers),
            "students_total": "" if students is None else str(students),
        }
        for i, (school_id, (municipality, ownership, teachers, students)) in enumerate(
            zip(SCHOOLS, registry_spec, strict=True)
        )
    ]
    for number, (platform, user, role, school, hours, flaw) in enumerate(activity):
        moment = START + timedelta(hours=hours)
        ts = BAD_DATE if flaw == "bad_date" else f"{moment:%Y-%m-%d %H:%M:%S}"
        row = {"platform": platform, "user_id": f"{platform[:2]}{user}", "role": role}
        row["school_id"] = _school_id(school, flaw == "bad_inn")
        if number % 3:  # two in three rows are events, the rest accounts with a last login
            exports.files.setdefault(f"{platform}_events", []).append(row | {"ts": ts})
        else:
            status = "blocked" if user == 0 else "active"
            registered = f"{moment - timedelta(days=30):%Y-%m-%d}"
            account = row | {"status": status, "registered_at": registered, "last_login_at": ts}
            exports.files.setdefault(f"{platform}_accounts", []).append(account)
    for (platform, school, month, role), (active, registered) in sorted(stats.items()):
        exports.files.setdefault(f"{platform}_stats", []).append(
            {
                "platform": platform,
                "school_id": SCHOOLS[school],
                "month": f"2024-{month:02d}",
                "role": role,
                "registered": str(registered),
                "active": str(active),
            }
        )
    return exports


def _kind(name: str) -> Kind:
    """schools, <platform>_events[_n], <platform>_accounts[_n], <platform>_stats[_n]."""
    if name.startswith("schools"):
        return Kind.SCHOOLS
    return {"events": Kind.EVENTS, "accounts": Kind.ACCOUNTS, "stats": Kind.SCHOOL_STATS}[name.split("_")[1]]


def _columns(name: str) -> list[str]:
    return [c.name for c in COLUMNS[_kind(name)]]


# --- writing the same rows in other dialects ---


# The first half of the lines ending in CR alone, the others in turn in CR LF and LF (an export appended to
# another by a different tool).
MIXED_ENDS = "mixed"


def _with_line_ends(text: str, line_end: str) -> str:
    if line_end != MIXED_ENDS:
        return text.replace("\r\n", line_end)
    lines = text.split("\r\n")
    ends = ["\r" if i < len(lines) // 2 else ("\r\n", "\n")[i % 2] for i in range(len(lines) - 1)] + [""]
    return "".join(line + end for line, end in zip(lines, ends, strict=True))


@dataclass(frozen=True)
class Dialect:
    encoding: str = "utf-8"
    separator: str = ","
    line_end: str = "\n"
    russian: bool = False  # Russian headers and values
    zoned: bool = False  # timestamps in UTC with `Z`
    inn_style: str = "plain"  # plain | apostrophe | spaced | excel
    xlsx_registry: bool = False


CANONICAL = Dialect()
dialect_strategy = st.builds(
    Dialect,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]),
    separator=st.sampled_from([",", ";", "\t", "|"]),
    line_end=st.sampled_from(["\n", "\r\n", "\r", MIXED_ENDS]),
    russian=st.booleans(),
    zoned=st.booleans(),
    inn_style=st.sampled_from(["plain", "apostrophe", "spaced", "excel"]),
    xlsx_registry=st.booleans(),
)


def _timestamp(text: str, dialect: Dialect) -> str:
    if not text or text == BAD_DATE:
        return text
    moment = datetime.fromisoformat(text)
    if dialect.zoned:
        return f"{moment - timedelta(hours=3):%Y-%m-%dT%H:%M:%S}Z"  # Europe/Moscow is UTC+3 all year
    return f"{moment:%d.%m.%Y %H:%M:%S}" if dialect.russian else text


def _cell(column: str, text: str, dialect: Dialect) -> str:
    if column == "school_id" and text:
        return {
            "plain": text,
            "apostrophe": f"'{text}",
            "spaced": f"{text[:4]} {text[4:]}",
            "excel": f"{text}.0",
        }[dialect.inn_style]
    if column in ("ts", "last_login_at", "registered_at"):
        return _timestamp(text, dialect)
    if not dialect.russian:
        return text
    if column == "month":
        year, month = text.split("-")
        return f"{RU_MONTHS[int(month)]} {year}"
    spellings = {"role": ROLES_RU, "ownership": OWNERSHIP_RU, "status": STATUS_RU, "platform": PLATFORMS_RU}
    return spellings.get(column, {}).get(text, text)


def _header(name: str, dialect: Dialect) -> list[str]:
    kind = _kind(name)
    return [c.aliases[0] if dialect.russian and c.aliases else c.name for c in COLUMNS[kind]]


def write_exports(folder: Path, files: dict[str, list[Row]], dialect: Dialect) -> Path:
    """Each entry `name` -> rows is written as `name.csv` (or the registry as xlsx) in `dialect`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        header = _header(name, dialect)
        cells = [[_cell(column, row[column], dialect) for column in _columns(name)] for row in rows]
        if name.startswith("schools") and dialect.xlsx_registry:
            save_book(folder / f"{name}.xlsx", {"ОО-1": [header, *cells]})
            continue
        text = _with_line_ends(delimited(header, cells, dialect.separator), dialect.line_end)
        (folder / f"{name}.csv").write_bytes(text.encode(dialect.encoding))
    return folder


# --- what must not change ---


def _settings() -> Any:
    overrides = {"indicator": {"platforms": ["myschool", "sferum", "assistant"]}}
    return load_settings(None, environ={}, overrides=overrides)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def outcome(folder: Path) -> dict[str, Any]:
    """Everything a command could show: canonical frames, counts per kind, rejects, three metrics."""
    config = _settings()
    dataset: Dataset = load_dataset(folder, config)
    counts: dict[Kind, tuple[int, ...]] = {}
    for f in dataset.report.files:
        before = counts.get(f.kind, (0, 0, 0, 0, 0, 0))
        figures = (f.rows, f.loaded, f.rejected, f.unknown_school, f.other_role, f.duplicates_dropped)
        counts[f.kind] = tuple(a + b for a, b in zip(before, figures, strict=True))
    *frames, rejects = pl.collect_all([*(dataset.frame(kind) for kind in Kind), dataset.rejects])
    # The metrics then read the parsed frames instead of parsing every file again.
    parsed = replace(
        dataset, frames={kind: f.lazy() for kind, f in zip(Kind, frames, strict=True) if dataset.has(kind)}
    )
    return {
        "frames": {kind: _sorted(frame) for kind, frame in zip(Kind, frames, strict=True)},
        "counts": counts,
        "rejects": sorted(rejects.select("column", "reason").rows()),
        "indicator": compute_indicator(parsed, SEPT, config),
        "assistant": compute_assistant(parsed, SEPT, config),
        "sferum": compute_sferum(parsed, SEPT, config),
    }


def assert_same(left: dict[str, Any], right: dict[str, Any]) -> None:
    for kind, frame in left["frames"].items():
        assert frame.equals(right["frames"][kind]), kind
    for key in ("counts", "rejects", "indicator", "assistant", "sferum"):
        assert left[key] == right[key], key


def _split(files: dict[str, list[Row]], cut: Callable[[int], int], order: Callable[[list[Row]], list[Row]]):
    """Every export in two files (`name_1`, `name_2`) cut where `cut(len)` says, rows in `order`."""
    result: dict[str, list[Row]] = {}
    for name, rows in files.items():
        rows = order(rows)
        at = cut(len(rows))
        if name == "schools":
            result[name] = rows  # one registry: registry duplicates across files are their own rule
            continue
        result[f"{name}_1"], result[f"{name}_2"] = rows[:at], rows[at:]
    return result


@PROPERTY_SETTINGS
@given(
    registry_strategy,
    activity_strategy,
    stats_strategy,
    dialect_strategy,
    st.floats(0, 1),
    st.randoms(use_true_random=False),
)
def test_another_dialect_split_files_and_row_order_change_nothing(
    tmp_path_factory, registry_spec, activity, stats, dialect, fraction, shuffler: random.Random
) -> None:
    exports = build_exports(registry_spec, activity, stats)
    expected = outcome(write_exports(tmp_path_factory.mktemp("canonical"), exports.files, CANONICAL))
    # the same rows in another dialect
    assert_same(expected, outcome(write_exports(tmp_path_factory.mktemp("dialect"), exports.files, dialect)))

    # every export cut in two files, rows shuffled
    def shuffled(rows: Sequence[Row]) -> list[Row]:
        return shuffler.sample(list(rows), len(rows))

    parts = _split(exports.files, lambda n: round(n * fraction), shuffled)
    assert_same(expected, outcome(write_exports(tmp_path_factory.mktemp("split"), parts, CANONICAL)))


def test_the_dialect_writer_really_changes_the_bytes(tmp_path: Path) -> None:
    """Guard against a property that cannot fail: the other dialect is not the canonical file again."""
    activity = [("sferum", 1, "teacher", 0, 300, "ok")] * 2  # the first row is an account, the second an event
    exports = build_exports([("г. Сочи", "municipal", 1, 1)] * 4, activity, {})
    dialect = Dialect("cp1251", ";", "\r", russian=True, zoned=True, inn_style="spaced")
    canonical = write_exports(tmp_path / "a", exports.files, CANONICAL)
    other = write_exports(tmp_path / "b", exports.files, dialect)
    written = (other / "sferum_events.csv").read_bytes()
    assert written != (canonical / "sferum_events.csv").read_bytes()
    assert written.count(b"\r") == 2 and b"\n" not in written
    assert b"Z\r" in written and "Учитель".encode("cp1251") in written
    result = outcome(other)
    assert result["counts"][Kind.EVENTS][:2] == (1, 1)
    assert result["frames"][Kind.EVENTS]["ts"].to_list() == [START + timedelta(hours=300)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_mixed_line_ends_change_nothing(tmp_path: Path, encoding: str) -> None:
    """Lines ending in CR alone, then in CR LF and LF (one export appended to another by a different tool): every
    row is read, as the canonical file's are. Before, the CR-only lines ran into one record, rows were lost and
    nothing said so."""
    activity = [
        ("myschool", user, role, school, 24 * user + 1, "ok")
        for user, role, school in [
            (1, "teacher", 0),
            (2, "student", 0),
            (3, "student", 1),
            (4, "teacher", 1),
            (5, "parent", 2),
        ]
    ]
    activity.append(("myschool", 6, "student", 1, 50, "bad_date"))  # a reject: its row number must agree too
    exports = build_exports([("г. Сочи", "municipal", 2, 2)] * 4, activity * 2, {})
    expected = outcome(write_exports(tmp_path / "canonical", exports.files, CANONICAL))
    mixed = write_exports(tmp_path / "mixed", exports.files, Dialect(encoding, ";", MIXED_ENDS, russian=True))
    written = (mixed / "myschool_events.csv").read_bytes().decode(encoding)
    assert "\r\n" in written and written.replace("\r\n", "").count("\r") > 1  # (the property can fail)
    assert_same(expected, outcome(mixed))
