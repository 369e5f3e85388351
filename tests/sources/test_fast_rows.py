"""The short cut for rows in a file's usual forms (sources.fast_rows) gives, row for row, what the general
parsers give: on every export of the test corpus and sample_data/, on a file mixing clean and messy rows,
and, per timestamp format, on any cell the format accepts (property test)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sources_helpers import INN_A, INN_B, write, write_registry

from adoption_cli.config import load_settings
from adoption_cli.schema import Column, Kind, ValueType
from adoption_cli.sources import fast_rows, loader
from adoption_cli.sources.columns import ColumnMap
from adoption_cli.sources.discovery import discover
from adoption_cli.sources.normalise import ROW, ColumnParser
from adoption_cli.sources.readers import read_table
from adoption_cli.sources.values import ParseContext, Parsed, _Steps, datetime_steps, parse_column, with_stages

ROOT = Path(__file__).resolve().parents[2]
CONTEXT = ParseContext("Europe/Moscow", date(2025, 6, 1))
CORPUS = ROOT / "tests" / "corpus"


def _loads(folder: Path) -> bool:
    """A corpus folder whose exports load (the others expect an error, checked in tests/reliability/test_corpus.py)."""
    expected = folder / "expected.toml"
    exports = [p for p in folder.iterdir() if p.suffix in {".csv", ".tsv", ".txt", ".xlsx", ".parquet"}]
    # (folders of generated files are left to that test, which writes them)
    return bool(exports) and not (expected.exists() and "[error]" in expected.read_text(encoding="utf-8"))


FOLDERS = [ROOT / "sample_data", *sorted(p for p in CORPUS.iterdir() if p.is_dir() and _loads(p))]


def _both_ways(data_dir: Path, ctx: ParseContext = CONTEXT) -> list[tuple[str, bool, pl.DataFrame, pl.DataFrame]]:
    """(file, short cut taken, normalised with it, normalised by the general parsers), every file."""
    found = discover(data_dir, load_settings(data_dir=data_dir), list(Kind))
    results = []
    for source in found.files:
        part = loader._parse(source, ctx, digest=False)
        parser = ColumnParser(source.kind, part.table.columns, ctx, source.platform)
        taken = fast_rows.plan(part.table, parser) is not None
        fast = part.frame.collect().sort(ROW)
        general = parser.normalise(part.table.frame).collect().sort(ROW)
        results.append((source.display, taken, fast, general))
    return results


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_export_reads_the_same_with_the_short_cut(folder: Path) -> None:
    results = _both_ways(folder)
    assert results
    for display, _, fast, general in results:
        assert fast.equals(general), display


def test_the_short_cut_is_taken_on_the_sample_exports() -> None:
    taken = {display: was for display, was, _, _ in _both_ways(ROOT / "sample_data")}
    assert taken["myschool_events_2024-09.csv"]
    assert taken["myschool_accounts.csv"]
    assert taken["sferum_events.tsv"]  # Russian headers, roles and dd.mm.yyyy timestamps
    assert not taken["schools.xlsx"]  # the registry has text and counts: always the general parsers


MIXED = f"""Платформа;ID пользователя;Роль;ИНН;Дата и время входа
Сферум;1001;Ученик;{INN_A};02.09.2024 08:00
Сферум;1002;Ученик;{INN_A};02.09.2024 08:05
Сферум;1003;Учитель;{INN_B};02.09.2024 09:00
Сферум;1004;учитель ;{INN_B};02.09.2024 09:10
сферум;1005.0;Ученик;'{INN_A};2024-09-02T10:00:00Z
Сферум; 1006 ;администратор;{INN_A};45537.5
Сферум;1007;Ученик;2310031476;02.09.2024 11:00
Сферум;1008;Ученик;{INN_A};31.09.2024 11:00
Сферум;;Ученик;{INN_A};02.09.2024 12:00
Моя школа;1009;Ученик;{INN_A};02.09.2024 12:00
Сферум;1010;Ученик;{INN_A};02.09.2030 12:00
Сферум;1011;Ученик;{INN_A};02.09.2024 12:00;лишнее
Сферум;1012;Ученик;{INN_A};
Сферум;1013;Ученик;7707083893;02.09.2024 13:00
"""


def test_clean_and_messy_rows_of_one_file(tmp_path: Path) -> None:
    write_registry(tmp_path)
    clean = "".join(f"Сферум;{2000 + i};Ученик;{INN_A};03.09.2024 08:{i:02d}\n" for i in range(20))
    write(tmp_path / "sferum_events.csv", MIXED + clean, encoding="cp1251")
    results = {display: (taken, fast, general) for display, taken, fast, general in _both_ways(tmp_path)}
    taken, fast, general = results["sferum_events.csv"]
    assert taken  # most rows are in the file's usual forms; the others go through the general parsers
    assert fast.equals(general)
    assert fast.filter(pl.col("_reason").is_null())["role"].to_list()[:4] == [
        "student",
        "student",
        "teacher",
        "teacher",
    ]


def _planned_events(folder: Path, rows: str) -> tuple[Any, fast_rows.FastRows | None]:
    """sferum_events.csv of `rows` (the registry beside it) read, and its short cut planned."""
    write_registry(folder)
    write(folder / "sferum_events.csv", f"platform,user_id,role,school_id,ts\n{rows}\n")
    found = discover(folder, load_settings(data_dir=folder), [Kind.EVENTS]).files
    source = next(s for s in found if s.kind == Kind.EVENTS)
    table = read_table(
        source.path,
        source.display,
        ColumnMap(source.kind, source.columns),
        platform_given=True,
        timezone="Europe/Moscow",
    )
    ctx = ParseContext("Europe/Moscow", date(2025, 6, 1), school_ids=pl.Series("school_id", [INN_A, INN_B]))
    return table, fast_rows.plan(table, ColumnParser(Kind.EVENTS, table.columns, ctx, "sferum"))


def test_registry_ids_are_known_spellings(tmp_path: Path) -> None:
    """A school that is not among the first rows is still read by the short cut: its id is in the registry."""
    rows = "\n".join(f"sferum,{i},student,{INN_A},2024-09-02T08:00:00" for i in range(30))
    table, fast = _planned_events(tmp_path, f"{rows}\nsferum,99,student,{INN_B},2024-09-02T08:00:00")
    assert fast is not None
    accepted = table.frame.select(fast.values["school_id"]).collect().to_series()
    assert accepted.to_list()[-1] == INN_B


def test_examples_after_the_first_rows_name_their_own_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond EXAMPLE_ROWS rejected rows are grouped: the example is still the first such row, with its value."""
    monkeypatch.setattr(loader, "EXAMPLE_ROWS", 5)
    write_registry(tmp_path)
    good = [f"sferum,{i},student,{INN_A},2024-09-02T08:00:00" for i in range(200_000)]
    good[1] = f"sferum,1,student,{INN_A},not-a-date-1"  # file row 3
    # later rows have smaller values: the example's value must be its own row's, not the group's smallest
    good[150_000] = f"sferum,2,student,{INN_A},z-not-a-date"  # row 150 002
    good[150_010] = f"sferum,3,student,{INN_A},b-not-a-date"
    good[190_000] = f"sferum,4,student,{INN_A},a-not-a-date"
    write(tmp_path / "sferum_events.csv", "platform,user_id,role,school_id,ts\n" + "\n".join(good) + "\n")
    from adoption_cli.sources import load_dataset

    dataset = load_dataset(tmp_path, load_settings(data_dir=tmp_path))
    load = next(f for f in dataset.report.files if f.path == "sferum_events.csv")
    assert load.rejected == 4
    assert [(ex.row, ex.value) for ex in load.examples] == [(3, "not-a-date-1"), (150_002, "z-not-a-date")]


# Date-like cells: digits of any width (now and then after whitespace or a sign, which strptime skips or
# takes before a number), the separators of every format, optional seconds and zones.
_part = st.builds(
    str.__add__,
    st.sampled_from(["", "", "", "", "\t", " ", "+", "\u00a0"]),
    st.text(alphabet="0123456789", min_size=1, max_size=4),
)
_cells = st.builds(
    lambda y, mo, d, h, mi, s, date_sep, mid, zone, dotted, pad: (
        (f"{d}.{mo}.{y}" if dotted else f"{y}{date_sep}{mo}{date_sep}{d}")
        + (f"{mid}{h}:{mi}" + (f":{s}" if s else "") if h else "")
        + zone
        + pad
    ),
    _part,
    _part,
    _part,
    st.one_of(st.just(""), _part),
    _part,
    st.one_of(st.just(""), _part),
    st.sampled_from(["-", ".", "/"]),
    st.sampled_from(["T", " ", "  ", "t"]),
    st.sampled_from(["", "Z", "+03:00", " UTC"]),
    st.booleans(),
    st.sampled_from(["", " "]),
)


@pytest.mark.parametrize("fmt", fast_rows.FORMATS)
@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_cells, min_size=1, max_size=40))
# Found by a review: strptime's space matches any whitespace or none, so a missing separator and a space
# elsewhere kept the length and the number of spaces of a spaced format.
@example(cells=[" 2024-01-0108:00:00", "2024-01-0108: 00:00", "01.01.202408: 00", "1.01.2024\t 08:00"])
@example(cells=["19.2.2023\t 06:09:33", "2024-01-01T\t8:00:00", "2024-01-01T08:00:\t0", "\t1.01.2024"])
def test_a_timestamp_format_reads_what_the_general_parser_reads(fmt: str, cells: list[str]) -> None:
    column = Column("ts", ValueType.DATETIME)
    parser = ColumnParser(Kind.EVENTS, frozenset({"ts"}), CONTEXT, None)
    general = parse_column(column, pl.col("ts"), CONTEXT)
    frame = with_stages(pl.LazyFrame({"ts": cells}, schema={"ts": pl.String}), [general])
    out = frame.select(
        "ts",
        fast_rows.timestamp(pl.col("ts"), fmt, parser).alias("fast"),
        general.value.alias("value"),
        general.error.alias("error"),
    ).collect()
    taken = out.filter(pl.col("fast").is_not_null())
    assert taken.filter(pl.col("error").is_not_null() | (pl.col("fast") != pl.col("value"))).is_empty(), taken
    # and what the general rules alone make of them (the general parser has fast paths of its own)
    step = _Steps("_t_")
    rules = datetime_steps(pl.col("ts"), step, CONTEXT.timezone)
    alone = with_stages(taken.lazy(), [Parsed(rules, pl.lit(None, pl.String), tuple(step.stages))])
    assert alone.filter(rules.ne_missing(pl.col("fast"))).collect().is_empty()


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.integers(0, 10**21).map(str),
            st.builds("{}{}".format, st.integers(0, 10**9), st.sampled_from([".0", ",00", ".000", ".0000"])),
            st.text(alphabet="0123456789+- \t.,'=_aZ٣", min_size=1, max_size=22),
            st.text(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_an_id_in_a_plain_form_reads_what_the_general_parser_reads(cells: list[str]) -> None:
    column = Column("user_id", ValueType.ID)
    general = parse_column(column, pl.col("user_id"), CONTEXT)
    frame = with_stages(pl.LazyFrame({"user_id": cells}, schema={"user_id": pl.String}), [general])
    out = frame.select(
        "user_id",
        fast_rows.plain_id(pl.col("user_id")).alias("fast"),
        general.value.alias("value"),
        general.error.alias("error"),
    ).collect()
    taken = out.filter(pl.col("fast").is_not_null())
    assert taken.filter(pl.col("error").is_not_null() | (pl.col("fast") != pl.col("value"))).is_empty(), taken
    # (numbers, words of letters, digits, «-» and «_»: what exports write, taken without the general rules)
    plain = out.filter(pl.col("user_id").str.contains(r"^[0-9A-Za-z_-]+$"))
    assert plain["fast"].null_count() == 0


def test_validate_lists_rejects_in_file_order(tmp_path: Path) -> None:
    """Rows read by the short cut and rows read the general way come back in no set order: the CSV of
    rejects is sorted by file (report order) and row."""
    from tests.cli_support import invoke

    write_registry(tmp_path)
    rows = [f"sferum,{i},student,{INN_A},2024-09-02T08:00:00" for i in range(60_000)]
    for index in range(0, 60_000, 997):
        rows[index] = f"sferum,{index},student,{INN_A},bad-{index}"
    write(tmp_path / "sferum_events.csv", "platform,user_id,role,school_id,ts\n" + "\n".join(rows) + "\n")
    result = invoke("validate", "--data", str(tmp_path), "--format", "csv")
    listed = pl.read_csv(result.stdout.encode(), infer_schema=False).filter(pl.col("file") == "sferum_events.csv")
    assert listed["row"].cast(pl.Int64).to_list() == [index + 2 for index in range(0, 60_000, 997)]


def test_a_small_file_is_read_the_general_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below MIN_BYTES learning a file's forms costs more than it saves: no short cut, the same rows."""
    write_registry(tmp_path)
    rows = "\n".join(f"sferum,{i},student,{INN_A},2024-09-02T08:00:00" for i in range(30))
    write(tmp_path / "sferum_events.csv", f"platform,user_id,role,school_id,ts\n{rows}\n")
    size = (tmp_path / "sferum_events.csv").stat().st_size
    for threshold, short_cut in [(size + 1, False), (size, True)]:
        monkeypatch.setattr(fast_rows, "MIN_BYTES", threshold)
        ((_, taken, fast, general),) = [r for r in _both_ways(tmp_path) if r[0] == "sferum_events.csv"]
        assert taken == short_cut
        assert fast.equals(general)


# How exports write their timestamps (the general rules read each; the short cut should learn each too).
EXPORT_TIMESTAMPS = [
    "2024-09-02T08:05:09",
    "2024-09-02 08:05:09",
    "2024-09-02 08:05",
    "02.09.2024 08:05:09",
    "02.09.2024 08:05",
    "02.09.2024",
    "2024-09-02",
]


@pytest.mark.parametrize("written", EXPORT_TIMESTAMPS)
def test_every_export_form_of_a_timestamp_is_learned(tmp_path: Path, written: str) -> None:
    """A file whose timestamps are all written one way takes the short cut for every row (an independent check
    found `2024-09-02 08:05`, ISO without seconds, missing from `FORMATS`: such files were read the slow way)."""
    rows = "\n".join(f"sferum,{i},student,{INN_A},{written}" for i in range(40))
    table, fast = _planned_events(tmp_path, rows)
    assert fast is not None
    taken = table.frame.select(fast.values["ts"]).collect().to_series()
    assert taken.null_count() == 0
