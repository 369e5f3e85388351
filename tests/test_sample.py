"""The sample generator: deterministic, valid, discoverable, with its planted rows, the same data in both dialects.

Files are read back here with plain Polars and openpyxl (decoding cp1251 by hand), not with
adoption_cli.sources, so that these tests check the generator on its own.
"""

from __future__ import annotations

import fnmatch
import io
import json
import re
import time
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from adoption_cli import sample as defaults
from adoption_cli.cli.app import app
from adoption_cli.config import load_settings
from adoption_cli.errors import UsageError
from adoption_cli.sample.files import RUSSIAN_VALUES, TIMEZONE
from adoption_cli.sample.generator import GeneratedSummary, generate
from adoption_cli.sample.region import MUNICIPALITIES, inn_check_digit, is_valid_inn
from adoption_cli.schema import (
    COLUMNS,
    DISCOVERY_PATTERNS,
    OTHER_ROLE,
    PLATFORMS,
    READABLE_SUFFIXES,
    Kind,
    ValueType,
    column_index,
    normalise_header,
    vocabulary_index,
)
from adoption_cli.sources import load_dataset, reasons
from adoption_cli.text import comparison_key

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"schools": 20, "first_month": "2024-08", "last_month": "2024-10"}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GeneratedSummary]:
    out = tmp_path_factory.mktemp("mixed")
    return out, generate(out, **SMALL)


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GeneratedSummary]:
    out = tmp_path_factory.mktemp("canonical")
    return out, generate(out, dialect="canonical", **SMALL)


# --- reading the files back by hand -------------------------------------------------------------------


def _timestamp(text: pl.Expr) -> pl.Expr:
    """Every timestamp spelling the generator uses, as naive local ISO text; impossible dates stay text."""
    iso = (
        text.str.replace(r"^(\d{2})\.(\d{2})\.(\d{4})", "${3}-${2}-${1}")
        .str.replace(" ", "T")
        .str.replace(r"^(\d{4}-\d{2}-\d{2})$", "${1}T00:00")
        .str.replace(r"T(\d{2}:\d{2})$", "T${1}:00")
    )
    zoned = text.str.contains(r"(Z|[+-]\d{2}:\d{2})$")
    converted = (
        text.str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", time_zone="UTC", strict=False)
        .dt.convert_time_zone(TIMEZONE)
        .dt.strftime("%Y-%m-%dT%H:%M:%S")
    )
    return pl.when(zoned).then(converted).otherwise(iso)


def _vocabulary(text: pl.Expr, value_type: ValueType, unknown: str) -> pl.Expr:
    key = text.str.strip_chars().str.to_lowercase().str.replace_all("ё", "е").str.replace_all(r"\s+", " ")
    mapping = vocabulary_index(value_type)
    return key.replace_strict(list(mapping), list(mapping.values()), default=pl.lit(unknown), return_dtype=pl.String)


def _normalise(value_type: ValueType, text: pl.Expr) -> pl.Expr:
    if value_type == ValueType.INN:
        return text.str.strip_chars().str.strip_chars_start("'").str.strip_suffix(".0")
    if value_type == ValueType.DATETIME:
        return _timestamp(text)
    if value_type == ValueType.MONTH:
        return text.str.replace(r"^(\d{2})\.(\d{4})$", "${2}-${1}")
    if value_type == ValueType.COUNT:
        return text.str.replace_all("[\u00a0 ]", "")
    if value_type == ValueType.ROLE:
        return _vocabulary(text, value_type, OTHER_ROLE)
    if value_type in (ValueType.PLATFORM, ValueType.STATUS, ValueType.OWNERSHIP, ValueType.CONTENT_KIND):
        return _vocabulary(text, value_type, "<unknown>")
    return text


def _kind_of(name: str) -> tuple[Kind, str | None]:
    for pattern, kind in DISCOVERY_PATTERNS:
        for platform in PLATFORMS if "{platform}" in pattern else [None]:
            if fnmatch.fnmatch(name, pattern.format(platform=platform)):
                return kind, platform
    raise AssertionError(f"{name} matches no discovery pattern")


def _sheet_rows(path: Path) -> list[list[str | None]]:
    """Every row of the first sheet as text, from the header row on (the first row with 3+ filled cells)."""
    rows = [[None if v is None else str(v) for v in r] for r in load_workbook(path).active.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) >= 3)
    return rows[start:]


def _csv_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def _raw_frame(path: Path) -> pl.DataFrame:
    if path.suffix == ".xlsx":
        header, *rows = _sheet_rows(path)
        return pl.DataFrame(rows, schema=[str(h) for h in header], orient="row")
    text = _csv_text(path)
    first_line = text.split("\n", 1)[0]
    separator = max(";,\t|", key=first_line.count)
    return pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)


def read_canonical(path: Path) -> pl.DataFrame:
    """A generated file as canonical text: canonical headers, codes, ISO local timestamps, plain digits."""
    kind, platform = _kind_of(path.name)
    raw = _raw_frame(path)
    names = column_index(kind)
    raw = raw.rename({h: names[normalise_header(h)] for h in raw.columns})
    if "platform" not in raw.columns and platform is not None:
        raw = raw.with_columns(platform=pl.lit(platform))
    return raw.select(
        _normalise(c.type, pl.col(c.name).replace("", None)).alias(c.name)
        for c in COLUMNS[kind]
        if c.name in raw.columns
    )


# --- tests ---------------------------------------------------------------------------------------------


def test_inn_check_digit_by_hand() -> None:
    # 7707083893: 7·2+7·4+0·10+7·3+0·5+8·9+3·4+8·6+9·8 = 267; 267 mod 11 = 3; 3 mod 10 = 3.
    assert inn_check_digit("770708389") == 3
    assert is_valid_inn("7707083893")
    assert not is_valid_inn("7707083894")
    # A sum whose remainder is 10 gives the check digit 0.
    assert inn_check_digit("230000001") == (2 * 2 + 3 * 4 + 1 * 8) % 11 % 10 == 2
    assert not is_valid_inn("770708389")


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    small = {"schools": 12, "first_month": "2024-09", "last_month": "2024-10"}
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, **small)
    generate(second, **small)
    generate(other, seed=7, **small)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "myschool_accounts.csv").read_bytes() != (other / "myschool_accounts.csv").read_bytes()


def test_every_file_is_discoverable_by_name(mixed: tuple[Path, GeneratedSummary]) -> None:
    out, summary = mixed
    assert {p.name for p in out.iterdir()} == {f.path for f in summary.files} | {defaults.SUMMARY_FILE}
    for generated in summary.files:
        assert Path(generated.path).suffix in READABLE_SUFFIXES
        assert _kind_of(generated.path) == (
            generated.kind,
            generated.platform if generated.kind in (Kind.ACCOUNTS, Kind.EVENTS, Kind.SCHOOL_STATS) else None,
        )
    kinds = {f.kind for f in summary.files}
    assert kinds == set(Kind)
    months = sorted(f.path for f in summary.files if f.path.startswith("myschool_events_"))
    assert months == [f"myschool_events_2024-{m}.csv" for m in ("08", "09", "10")]


def test_row_counts_match_the_files(mixed: tuple[Path, GeneratedSummary]) -> None:
    out, summary = mixed
    for generated in summary.files:
        assert _raw_frame(out / generated.path).height == generated.rows, generated.path


def test_dialects_are_what_real_exports_look_like(mixed: tuple[Path, GeneratedSummary]) -> None:
    out, _ = mixed
    accounts = (out / "myschool_accounts.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        accounts.decode("utf-8")
    header = accounts.decode("cp1251").split("\n", 1)[0]
    assert header == (
        "Платформа;ID пользователя;Роль;ИНН ОО;Статус учетной записи;Дата регистрации;Дата последнего входа"
    )
    assert re.search(r"\n[^\n]*;\d{2}\.\d{2}\.\d{4};", accounts.decode("cp1251"))
    assert (out / "content_views.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "\t" in _csv_text(out / "sferum_events.tsv").split("\n", 1)[0]
    events = (out / "myschool_events_2024-09.csv").read_text("utf-8")
    assert events.startswith("user_id,role,school_id,ts\n")
    assert re.search(r"T\d{2}:\d{2}:\d{2}Z\n", events) and re.search(r"\+03:00\n", events)
    rows = list(load_workbook(out / "schools.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] and rows[2] == (None,) * len(rows[2]) and rows[3][0] == "Наименование ОО"
    assert any(isinstance(r[1], int) for r in rows[4:]) and any(isinstance(r[1], str) for r in rows[4:])


def test_every_russian_value_is_in_the_schema_vocabulary() -> None:
    types = {
        "platform": ValueType.PLATFORM,
        "ownership": ValueType.OWNERSHIP,
        "content_kind": ValueType.CONTENT_KIND,
        "role": ValueType.ROLE,
        "status": ValueType.STATUS,
    }
    for name, values in RUSSIAN_VALUES.items():
        vocabulary = vocabulary_index(types[name])
        assert all(comparison_key(v) in vocabulary for v in values), name


def test_every_inn_is_valid_but_the_planted_ones(mixed: tuple[Path, GeneratedSummary]) -> None:
    out, summary = mixed
    planted_bad = {p.value for p in summary.planted if p.reason == reasons.BAD_CHECKSUM}
    assert len(planted_bad) == 2
    seen: set[str] = set()
    for generated in summary.files:
        frame = read_canonical(out / generated.path)
        if "school_id" in frame.columns:
            seen |= set(frame["school_id"].drop_nulls().to_list())
    assert seen and all(is_valid_inn(inn) for inn in seen - planted_bad)
    assert all(inn.startswith("23") for inn in seen)


def test_registry_uses_real_municipalities_and_oo1_sizes(canonical: tuple[Path, GeneratedSummary]) -> None:
    out, _ = canonical
    registry = read_canonical(out / "schools.csv")
    assert set(registry["municipality"]) <= {m.name for m in MUNICIPALITIES}
    assert "г. Краснодар" in set(registry["municipality"])
    assert registry.filter(pl.col("name").str.starts_with("ГБОУ") | pl.col("name").str.starts_with("ЧОУ")).height
    assert registry.height == 20 + 1 + 1 + 1  # schools, a branch row, the duplicate, the bad-ИНН row
    assert registry.filter(pl.col("name").str.starts_with("Филиал")).height == 1
    assert registry.is_duplicated().sum() == 2


def test_planted_rows_are_where_the_summary_says(mixed: tuple[Path, GeneratedSummary]) -> None:
    out, summary = mixed
    rejected = [p for p in summary.planted if p.rejected]
    assert {p.reason for p in rejected} == {
        reasons.BAD_CHECKSUM,
        reasons.BAD_DATE,
        reasons.UNKNOWN_PLATFORM,
        reasons.MISSING_VALUE,
        reasons.NEGATIVE_NUMBER,
        reasons.UNKNOWN_CONTENT_KIND,
    }
    assert 8 <= len(rejected) <= 12
    assert {p.reason for p in summary.planted if not p.rejected} == {
        "unknown_school",
        "branch",
        "duplicate_row",
    }
    ragged = 0
    for planted in summary.planted:
        path = out / planted.path
        if path.suffix == ".xlsx":
            cells = [
                None if v is None else str(v)
                for v in list(load_workbook(path).active.iter_rows(values_only=True))[planted.row - 1]
            ]
            header = _sheet_rows(path)[0]
        else:
            lines = _csv_text(path).split("\n")
            separator = max(";,\t|", key=lines[0].count)
            header, cells = lines[0].split(separator), lines[planted.row - 1].split(separator)
        if len(cells) < len(header):  # the cut-off last line
            assert planted.row == len(_csv_text(path).rstrip("\n").split("\n")) and planted.value == ""
            ragged += 1
            continue
        if planted.column != "*":
            index = next(
                i
                for i, h in enumerate(header)
                if column_index(_kind_of(path.name)[0]).get(normalise_header(str(h))) == planted.column
            )
            assert (cells[index] or "").strip() == planted.value, planted
    assert ragged == 1


def test_planted_bad_values(mixed: tuple[Path, GeneratedSummary]) -> None:
    _, summary = mixed
    by_reason = {p.reason: p for p in summary.planted}
    assert by_reason[reasons.NEGATIVE_NUMBER].value == "-12"
    assert by_reason[reasons.UNKNOWN_PLATFORM].value == "ВКонтакте"
    assert "31.02.2024" in {p.value for p in summary.planted if p.reason == reasons.BAD_DATE}
    unknown = {p.value for p in summary.planted if p.reason == "unknown_school"}
    assert len(unknown) == 1 and is_valid_inn(unknown.pop())


def test_both_dialects_carry_the_same_data(
    mixed: tuple[Path, GeneratedSummary], canonical: tuple[Path, GeneratedSummary]
) -> None:
    (mixed_dir, mixed_summary), (canonical_dir, canonical_summary) = mixed, canonical
    assert {p.reason for p in mixed_summary.planted} == {p.reason for p in canonical_summary.planted}
    for generated in mixed_summary.files:
        twin = canonical_dir / (Path(generated.path).stem + ".csv")
        left, right = read_canonical(mixed_dir / generated.path), read_canonical(twin)
        assert set(left.columns) == set(right.columns), generated.path
        assert left.select(right.columns).equals(right), generated.path


def test_activity_varies_by_month_and_lands_the_indicator_in_range(tmp_path: Path) -> None:
    out = tmp_path / "canonical"
    generate(out, dialect="canonical")
    registry = read_canonical(out / "schools.csv").filter(pl.col("school_id").map_elements(is_valid_inn, pl.Boolean))
    totals = (
        registry.unique()
        .filter(pl.col("ownership").is_in(["municipal", "state"]))
        .group_by("school_id")
        .agg(pl.col("teachers_total", "students_total").cast(pl.Int64).sum())
    )
    logins = pl.concat(
        [read_canonical(p) for p in [out / "sferum_events.csv", *sorted(out.glob("myschool_events_*.csv"))]]
    )
    accounts = pl.concat([read_canonical(out / f"{p}_accounts.csv") for p in ("myschool", "sferum")])
    blocked = accounts.filter(pl.col("status") == "blocked").select("platform", "user_id")
    monthly = logins.with_columns(month=pl.col("ts").str.slice(0, 7)).join(
        blocked, on=["platform", "user_id"], how="anti"
    )
    counts = monthly.group_by("month").len().sort("month")["len"].to_list()
    assert counts[0] < counts[2] / 3  # July is a fraction of September

    def shares(month: str) -> pl.DataFrame:
        active = (
            monthly.filter(pl.col("month") == month, pl.col("role").is_in(["teacher", "student"]))
            .group_by("school_id", "platform", "role")
            .agg(n=pl.col("user_id").n_unique())
            .group_by("school_id", "role")
            .agg(pl.max("n"))
            .pivot("role", index="school_id", values="n")
        )
        return (
            totals.join(active, on="school_id", how="left")
            .fill_null(0)
            .select(
                teacher=pl.col("teacher") / pl.col("teachers_total"),
                student=pl.col("student") / pl.col("students_total"),
            )
        )

    september = shares("2024-09")
    flagged = september.filter((pl.col("teacher") >= 0.5) & (pl.col("student") >= 0.5)).height / september.height
    assert 0.10 <= flagged <= 0.40
    near = september.filter(((pl.col("teacher") - 0.5).abs() < 0.05) | ((pl.col("student") - 0.5).abs() < 0.05))
    assert near.height >= 10
    assert accounts.filter(pl.col("role") == OTHER_ROLE).height > 0 and blocked.height > 0
    assert accounts.filter(pl.col("role") == "parent").height > 0


def test_committed_sample_data_is_what_the_command_writes(tmp_path: Path) -> None:
    committed = ROOT / "sample_data"
    summary = json.loads((committed / defaults.SUMMARY_FILE).read_text("utf-8"))
    generate(tmp_path / "again")
    for entry in summary["files"]:
        name = entry["path"]
        fresh, kept = tmp_path / "again" / name, committed / name
        if name.endswith(".xlsx"):  # compare cells: xlsx bytes may differ between openpyxl versions
            assert _sheet_rows(fresh) == _sheet_rows(kept), name
        else:
            assert fresh.read_bytes() == kept.read_bytes(), name
    size = sum(p.stat().st_size for p in committed.iterdir())
    assert size < 6 * 2**20


def test_the_loader_rejects_exactly_the_planted_rows() -> None:
    committed = ROOT / "sample_data"
    summary = GeneratedSummary.model_validate_json((committed / defaults.SUMMARY_FILE).read_text("utf-8"))
    dataset = load_dataset(committed, load_settings(committed))
    rejects = {tuple(r) for r in dataset.rejects.select("file", "row", "column", "reason").collect().iter_rows()}
    assert rejects == {(p.path, p.row, p.column, p.reason) for p in summary.planted if p.rejected}
    report = dataset.report
    assert report.unknown_school == sum(p.reason == "unknown_school" for p in summary.planted) == 3
    assert sum(f.duplicates_dropped for f in report.files) == 1
    assert {b.school_id for b in report.branches_merged} == {
        p.value.strip() for p in summary.planted if p.reason == "branch"
    }


def test_command_writes_a_small_sample_quickly(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["sample", "--out", str(tmp_path / "s"), "--schools", "10", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 10
    assert "Образец записан" in result.output
    written = json.loads((tmp_path / "s" / defaults.SUMMARY_FILE).read_text("utf-8"))
    assert written["schools"] == 10 and written["seed"] == 3


def test_refuses_a_folder_with_other_files_and_replaces_its_own(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(app, ["sample", "--out", str(tmp_path), "--schools", "3"])
    assert result.exit_code == 2 and "notes.txt" in result.output
    assert (tmp_path / "notes.txt").read_text() == "mine"
    out = tmp_path / "sample"
    generate(out, schools=3)
    (out / "myschool_accounts.csv").unlink()  # as if a run had stopped before writing it
    generate(out, schools=3, dialect="canonical", first_month="2024-09", last_month="2024-09")
    assert not list(out.glob("*.xlsx")) and not (out / "myschool_events_2024-07.csv").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"schools": 0}, "--schools"),
        ({"scale": 0}, "--scale"),
        ({"events_per_user": 0.5}, "--events-per-user"),
        ({"first_month": "2024-10", "last_month": "2024-09"}, "позже"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path: Path, arguments: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        generate(tmp_path, **arguments)
