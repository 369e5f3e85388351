"""`adoption school`: the single-school card on a hand-computed fixture (docs/metrics.md, «School card»).

September 2024, default settings (thresholds 50 %/50 %, assistant target 84.9 %, combination max):
school A «МБОУ СОШ № 1» (M1, municipal), ОО-1 10 teachers, 41 students:
- Моя школа (accounts + events): teachers t1…t5 active of 5 registered (t6 registers on 05.10, after the
  period; t7 is blocked: its September event counts nowhere); students s1…s20 active of 25 registered;
  parents p1 (active by its last login) and p2 registered;
- Сферум (events only, no accounts export: registered unknown): 3 teachers, 19 students active;
- ЦПУ (school stats): 35 of 38 registered students active.
Indicator: teachers max(5, 3) = 5 of 10 = exactly 50 % → reached, +0; students max(20, 19) = 20 of 41 =
48.8 % → ⌈0.5 × 41⌉ − 20 = 21 − 20 = +1; not flagged.
ЦПУ: 35 of 41 = 85.4 % ≥ 84.9 % (⌈0.849 × 41⌉ = ⌈34.8⌉ = 35): met, 0 needed.
Rank in M1 (A, B, C; D and F are in M2 and must not count), «Моя школа», all roles:
A 26 active of 32 registered = 81.25 %; B 2 of 2 = 100 %; C nobody registered (unranked). A is 2nd of 2
ranked, of 3 schools. August: A 1 of 32 (t1), B 0 of 2 → A was 1st: rank change −1.
Months 2024-04…2024-09, A's teachers: 0, 0, 0, 0, 10 % (t1 in August), 50 %.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from adoption_cli.activity import activity_records
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.activity_base import active_users, for_schools
from adoption_cli.metrics.school import (
    card_records,
    compute_card,
    find_schools,
    registry_keys,
    stored_card,
)
from adoption_cli.metrics.school_card import SchoolCard, latest_activity_month
from adoption_cli.periods import parse_month, resolve_period
from adoption_cli.schema import Kind
from adoption_cli.store.cards import write_cards
from tests.builders import Row, account, dataset, event, frame, school, stat
from tests.cli_support import assert_snapshot, invoke, serve
from tests.metrics.support import defaults

SEPT = parse_month("2024-09")
A, B, C, D, F, G = "2300000001", "2300000002", "2300000003", "2300000004", "2300000006", "2300000007"
MS, SF = "myschool", "sferum"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _sep(day: int) -> datetime:
    return datetime(2024, 9, day)


def fixture(extra_events: Sequence[Row] = ()) -> Dataset:
    teachers = [account(MS, f"t{i}", "teacher", A) for i in range(1, 6)]
    students = [account(MS, f"s{i}", "student", A) for i in range(1, 26)]
    return dataset(
        schools=[
            school(A, "МБОУ СОШ № 1", "M1", "municipal", 10, 41),
            school(B, "МБОУ «Гимназия № 2»", "M1", "municipal", 4, 10),
            school(C, "Гимназия № 3 имени Ёлкина", "M1", "private", 2, 2),
            school(D, "МБОУ «Гимназия № 2»", "M2", "municipal", 4, 10),
            school(F, "МБОУ СОШ № 12", "M2", "municipal", 10, 100),
            school(G, "Лицей без численности", "M2", "state", None, 100),
        ],
        accounts=[
            *teachers,
            account(MS, "t6", "teacher", A, registered_at=datetime(2024, 10, 5)),
            account(MS, "t7", "teacher", A, status="blocked"),
            *students,
            account(MS, "p1", "parent", A, last_login_at=datetime(2024, 9, 30, 23, 59)),
            account(MS, "p2", "parent", A),
            account(MS, "b1", "teacher", B),
            account(MS, "b2", "teacher", B),
            # Busy schools of another municipality: they must not move A's rank.
            *(account(MS, f"d{i}", "teacher", D) for i in range(1, 5)),
        ],
        events=[
            *(event(MS, f"t{i}", "teacher", A, _sep(i)) for i in range(1, 6)),
            event(MS, "t7", "teacher", A, _sep(2)),
            event(MS, "t1", "teacher", A, datetime(2024, 8, 20)),
            *(event(MS, f"s{i}", "student", A, _sep(3)) for i in range(1, 21)),
            *(event(SF, f"sf_t{i}", "teacher", A, _sep(4)) for i in range(1, 4)),
            *(event(SF, f"sf_s{i}", "student", A, _sep(5)) for i in range(1, 20)),
            event(MS, "b1", "teacher", B, _sep(6)),
            event(MS, "b2", "teacher", B, _sep(6)),
            *(event(MS, f"d{i}", "teacher", D, _sep(7)) for i in range(1, 5)),
            event(MS, "c_t", "teacher", C, _sep(8)),
            event(MS, "c_s", "student", C, _sep(8)),
            *extra_events,
        ],
        school_stats=[stat("assistant", A, SEPT.start, "student", 35, registered=38)],
    )


def card(school_id: str = A) -> SchoolCard:
    return compute_card(fixture(), school_id, SEPT, defaults())


def _figures(result: SchoolCard) -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (f.role, f.platform): (
            f.grain,
            f.registered,
            f.active,
            f.share_of_registered_pct,
            f.total,
            f.share_of_total_pct,
        )
        for f in result.figures
    }


def test_registered_active_and_shares_per_role_and_platform() -> None:
    result = card()
    assert [(f.role, f.platform) for f in result.figures] == [
        (role, platform)
        for role in ("teacher", "student", "parent")
        for platform in ("myschool", "sferum", "assistant")
    ]
    figures = _figures(result)
    assert figures["teacher", "myschool"] == ("user", 5, 5, 100.0, 10, 50.0)
    assert figures["student", "myschool"] == ("user", 25, 20, 80.0, 41, pytest.approx(100 * 20 / 41))
    assert figures["parent", "myschool"] == ("user", 2, 1, 50.0, None, None)
    # No Сферум accounts export: registration is unknown, not zero.
    assert figures["teacher", "sferum"] == ("user", None, 3, None, 10, 30.0)
    assert figures["student", "assistant"] == (
        "school",
        38,
        35,
        pytest.approx(100 * 35 / 38),
        41,
        pytest.approx(100 * 35 / 41),
    )
    assert figures["teacher", "assistant"] == ("school", None, 0, None, 10, 0.0)
    assert result.school.model_dump() == {
        "school_id": A,
        "name": "МБОУ СОШ № 1",
        "municipality": "M1",
        "ownership": "municipal",
        "teachers_total": 10,
        "students_total": 41,
    }


def test_indicator_flag_and_needs_at_the_exact_50_percent_edge() -> None:
    indicator = card().indicator
    assert (indicator.teachers_active, indicator.teacher_share_pct, indicator.teachers_needed) == (5, 50.0, 0)
    assert (indicator.students_active, indicator.students_needed) == (20, 1)
    assert indicator.flagged is False
    assert (indicator.in_population, indicator.combination) == (True, "max")


def test_one_more_student_flags_the_school() -> None:
    grown = fixture(extra_events=[event(MS, "s21", "student", A, _sep(9))])
    indicator = compute_card(grown, A, SEPT, defaults()).indicator
    assert (indicator.students_active, indicator.students_needed, indicator.flagged) == (21, 0, True)


def test_assistant_share_at_its_target_edge() -> None:
    summary = card().assistant
    assert (summary.students_active, summary.students_total) == (35, 41)
    assert (summary.target_met, summary.students_needed, summary.grain) == (True, 0, "school")


def test_rank_is_computed_within_the_municipality_only() -> None:
    rank = card().rank
    assert (rank.municipality, rank.platform, rank.role) == ("M1", "myschool", "all")
    assert (rank.rank, rank.ranked, rank.schools) == (2, 2, 3)
    assert (rank.registered, rank.active, rank.share_pct) == (32, 26, 81.25)
    assert (rank.previous_rank, rank.rank_change) == (1, -1)


def test_six_months_ending_with_the_period() -> None:
    months = card().months
    assert [m.month for m in months] == ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    assert [m.teacher_share_pct for m in months] == [0.0, 0.0, 0.0, 0.0, 10.0, 50.0]
    assert months[-1].student_share_pct == pytest.approx(100 * 20 / 41)
    assert not any(m.flagged for m in months)


def test_a_window_period_ends_the_months_with_its_last_day() -> None:
    from adoption_cli.periods import window_period

    result = compute_card(fixture(), A, window_period("2024-10-03", 30), defaults())
    assert [m.month for m in result.months][-1] == "2024-10"
    # 04.09–03.10: Моя школа keeps t4 and t5 only (2), Сферум's 3 teachers (04.09) are the larger count;
    # students: Моя школа's (03.09) drop out, Сферум's 19 (05.09) remain.
    assert (result.indicator.teachers_active, result.indicator.students_active) == (3, 19)


def test_a_school_outside_the_population_is_judged_but_marked() -> None:
    indicator = card(C).indicator
    assert (indicator.in_population, indicator.flagged) == (False, True)
    assert card(C).rank.rank is None  # nobody registered at C


def test_without_an_oo1_total_no_need_can_be_computed() -> None:
    indicator = card(G).indicator
    assert (indicator.teachers_needed, indicator.flagged) == (None, False)
    assert indicator.students_needed == 50


@pytest.mark.parametrize(("students_total", "shown_total"), [(None, None), (0, 0)])
def test_without_a_positive_assistant_denominator_the_card_shows_the_active_students(
    students_total: int | None, shown_total: int | None
) -> None:
    """As `adoption assistant` lists such a school: its own active students, no share, nothing needed
    (was 0 of 0, which hid the 7 students the same card counts elsewhere)."""
    data = dataset(
        schools=[school(A, "Школа", "M1", "municipal", 10, students_total)],
        school_stats=[stat("assistant", A, SEPT.start, "student", 7, registered=9)],
    )
    summary = compute_card(data, A, SEPT, defaults()).assistant
    assert (summary.students_total, summary.students_active, summary.share_pct) == (shown_total, 7, None)
    assert (summary.target_met, summary.students_needed) == (False, 0)


def test_a_store_with_precomputed_daily_activity_gives_the_same_card() -> None:
    raw = fixture()
    stored = replace(raw, user_days=activity_records(raw).unique().collect().lazy())
    # October: the rank reads September and October; August (t1's login) is only in the school's six months.
    october = parse_month("2024-10")
    result = compute_card(stored, A, october, defaults())
    assert result == compute_card(raw, A, october, defaults())
    assert [m.teacher_share_pct for m in result.months][3:] == [10.0, 50.0, 0.0]


def test_for_schools_keeps_a_block_made_at_another_school() -> None:
    ds = dataset(
        schools=[school(A, "A", "M1", "municipal", 1, 1), school(B, "B", "M1", "municipal", 1, 1)],
        accounts=[account(MS, "moved", "teacher", B, status="blocked")],
        events=[event(MS, "moved", "teacher", A, _sep(1))],
    )
    assert active_users(for_schools(ds, [A]), SEPT).collect().height == 0
    assert for_schools(ds, [A]).schools.collect()["school_id"].to_list() == [A]


# --- finding the school ---


def _found(query: str) -> list[str]:
    return [match.school_id for match in find_schools(fixture().schools, query)]


def test_search_by_inn_name_words_case_yo_and_quotes() -> None:
    assert _found(" 2300000003 ") == [C]
    assert _found("гимназия 3 елкина") == [C]
    assert _found("ГИМНАЗИЯ №2 m2") == [D]  # a word of the municipality narrows it down
    assert _found("гимназия № 2") == [B, D]
    assert _found("школа, которой нет") == []
    assert _found("  ") == []


def test_a_whole_name_wins_over_names_that_contain_it() -> None:
    assert _found("сош № 1") == [A, F]
    assert _found("мбоу сош №1") == [A]


def test_latest_activity_month_comes_from_the_load_report() -> None:
    ds = fixture()
    assert latest_activity_month(ds.report) is None
    ds.report.files[1].latest_activity = "2024-09-17"
    assert str(latest_activity_month(ds.report)) == "2024-09-01"


# --- the command ---


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    serve(monkeypatch, fixture())
    return str(tmp_path)


def test_several_matches_are_listed_and_exit_2(data: str) -> None:
    result = invoke("school", "гимназия № 2", "--data", data, "--month", "2024-09")
    assert result.exit_code == 2
    assert result.stdout == ""
    for school_id in (B, D):
        assert school_id in result.stderr
    assert "M2" in result.stderr and "ИНН" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Ошибка: уточните школу: укажите её ИНН")


def test_the_words_of_a_name_need_no_quotes(data: str) -> None:
    """`adoption school гимназия № 2` (the shell splits it in three) is the query «гимназия № 2»: it stopped with
    «лишние аргументы»."""
    quoted = invoke("school", "гимназия № 2", "--data", data, "--month", "2024-09")
    unquoted = invoke("school", "гимназия", "№", "2", "--data", data, "--month", "2024-09")
    assert unquoted.exit_code == quoted.exit_code == 2 and unquoted.stderr == quoted.stderr
    split_inn = invoke("school", "--data", data, "--month", "2024-09", "-f", "json", A[:4], A[4:])
    assert split_inn.exit_code == 0 and json.loads(split_inn.stdout)["school"]["school_id"] == A  # «2300 000012»


def test_no_match_is_one_line_and_exit_1(data: str) -> None:
    result = invoke("school", "лицей 999", "--data", data, "--month", "2024-09")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "adoption school <часть названия>" in result.stderr


def test_json_is_the_card_model(data: str) -> None:
    result = invoke("school", A, "--data", data, "--month", "2024-09", "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert list(payload) == list(SchoolCard.model_fields)
    assert payload["period"]["label"] == "2024-09" and payload["period_source"] == "option"
    assert (payload["indicator"]["students_needed"], payload["rank"]["rank"]) == (1, 2)
    assert SchoolCard.model_validate(payload) == card()


def test_csv_has_one_row_per_role_and_platform(data: str) -> None:
    result = invoke("school", A, "--data", data, "--month", "2024-09", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "school_id",
        "name",
        "municipality",
        "period",
        "role",
        "platform",
        "grain",
        "registered",
        "active",
        "share_of_registered_pct",
        "total",
        "share_of_total_pct",
    ]
    assert len(rows) == 9
    sferum = next(r for r in rows if (r["role"], r["platform"]) == ("teacher", "sferum"))
    assert (sferum["registered"], sferum["active"], sferum["share_of_total_pct"]) == ("", "3", "30.0")


def test_without_a_period_the_latest_month_with_activity_is_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ds = fixture()
    ds.report.files[2].latest_activity = "2024-09-30"
    serve(monkeypatch, ds)
    result = invoke("school", A, "--data", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "Период: 2024-09" in result.stdout and "последний месяц с активностью" in result.stdout


def test_without_a_period_and_without_activity_a_period_is_asked_for(data: str) -> None:
    result = invoke("school", A, "--data", data)
    assert result.exit_code == 2
    assert "--month" in result.stderr


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_card_snapshot(data: str, lang: str) -> None:
    result = invoke(
        "school", "сош № 1 m1", "--data", data, "--month", "2024-09", "--lang", lang, env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0, result.stderr
    assert_snapshot(f"school_{lang}.txt", result.stdout)


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample_data/ is not in this checkout")
def test_end_to_end_on_sample_data() -> None:
    """The real loader on the committed sample: one gymnasium of Krasnodar, found by words of its name."""
    result = invoke("school", "гимназия 14 краснодар", "--data", str(SAMPLE), "--month", "2024-09", "-q", "-f", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["school"]["municipality"] == "г. Краснодар"
    active = {(f["role"], f["platform"]): f["active"] for f in payload["figures"]}
    indicator = payload["indicator"]
    # Combination max: the indicator's active count is the larger of the two platforms'.
    assert indicator["teachers_active"] == max(active["teacher", "myschool"], active["teacher", "sferum"])
    assert indicator["students_active"] == max(active["student", "myschool"], active["student", "sferum"])
    assert payload["assistant"]["students_active"] == active["student", "assistant"]
    assert 1 <= payload["rank"]["rank"] <= payload["rank"]["ranked"] <= payload["rank"]["schools"]
    assert payload["months"][-1]["month"] == "2024-09"
    assert payload["months"][-1]["teacher_share_pct"] == indicator["teacher_share_pct"]


def _edges() -> Dataset:
    """The fixture and the cases a running count of registrations could get wrong."""
    raw = fixture(
        extra_events=[
            event(MS, "t1", "parent", A, _sep(9)),  # t1 is also a parent at A: one user of A for the rank
            event(MS, "late", "teacher", B, datetime(2024, 10, 1)),  # first day of the next month
            event(MS, "x", "student", A, datetime(2024, 10, 2)),  # x studies at A and D
            event(MS, "x", "student", D, datetime(2024, 10, 3)),
        ]
    )
    accounts = raw.frame(Kind.ACCOUNTS).collect()
    extra = frame(
        Kind.ACCOUNTS,
        [
            account(MS, "t1", "parent", A, registered_at=datetime(2024, 9, 30, 23, 59)),  # on the month's last day
            account(MS, "late", "teacher", B, registered_at=datetime(2024, 10, 1)),
            account(MS, "twice", "student", A, registered_at=datetime(2024, 9, 14)),
            account(MS, "twice", "student", A),  # the same user again, no date: registered from the start
            account(MS, "x", "student", A, registered_at=datetime(2024, 5, 1)),
            account(MS, "x", "student", D, registered_at=datetime(2024, 10, 2)),
            account(MS, "gone", "student", B, registered_at=datetime(2024, 6, 1), status="blocked"),
        ],
    ).collect()
    files = [f.model_copy(update={"latest_activity": "2024-10-03"}) for f in raw.report.files]
    return replace(
        raw,
        frames={**raw.frames, Kind.ACCOUNTS: pl.concat([accounts, extra]).lazy()},
        report=raw.report.model_copy(update={"files": files}),
    )


def _with_card_rows(raw: Dataset, store_dir: Path) -> Dataset:
    """The data set with its card rows precomputed and written as the store keeps them."""
    stored = replace(raw, user_days=activity_records(raw).unique().collect().lazy())
    records = card_records(stored, defaults())
    assert records is not None
    cards = write_cards(records, registry_keys(stored.schools).collect(), store_dir, "test")
    return replace(stored, school_cards=cards)


def test_precomputed_card_rows_give_the_card_computed_from_the_activity(tmp_path: Path) -> None:
    raw = _edges()
    with_rows = _with_card_rows(raw, tmp_path)
    # A card reads seven months of rows: the last six stored months serve a card.
    for label in ("2024-05", "2024-09", "2024-10"):
        month = parse_month(label)
        for school_id in (A, B, C, D, F, G):
            fast = stored_card(with_rows, school_id, month, defaults())
            assert fast is not None
            assert fast == compute_card(raw, school_id, month, defaults()), (label, school_id)
    assert stored_card(with_rows, A, parse_month("2023-11"), defaults()) is None  # before the stored months
    assert stored_card(with_rows, A, parse_month("2024-11"), defaults()) is None  # after them
    window = resolve_period(as_of="2024-09-30", days=30)
    assert stored_card(with_rows, A, window, defaults()) is None


def test_stored_card_figures_of_the_edges(tmp_path: Path) -> None:
    """Hand-counted: at the end of September A has 5 teachers, 26 students (s1…s25 and «twice»; x from May;
    so 27) and 3 parents (p1, p2, t1 registered 30.09 23:59); in October D gains x, B gains «late»."""
    with_rows = _with_card_rows(_edges(), tmp_path)
    september = stored_card(with_rows, A, SEPT, defaults())
    assert september is not None
    figures = {(f.role, f.platform): (f.registered, f.active) for f in september.figures}
    assert figures[("teacher", MS)] == (5, 5)
    assert figures[("student", MS)] == (27, 20)
    assert figures[("parent", MS)] == (3, 2)
    # The rank counts people: t1 (teacher and parent) once; 5 + 27 + 2 (p1, p2) = 34 registered.
    assert (september.rank.registered, september.rank.active) == (34, 26)
    october_d = stored_card(with_rows, D, parse_month("2024-10"), defaults())
    assert october_d is not None
    d_figures = {(f.role, f.platform): (f.registered, f.active) for f in october_d.figures}
    assert d_figures[("student", MS)] == (1, 1)
    october_b = stored_card(with_rows, B, parse_month("2024-10"), defaults())
    assert october_b is not None
    b_figures = {(f.role, f.platform): (f.registered, f.active) for f in october_b.figures}
    assert b_figures[("teacher", MS)] == (3, 1)
    assert b_figures[("student", MS)] == (0, 0)  # «gone» is blocked


@pytest.mark.parametrize("stored", [False, True])
def test_a_card_for_a_month_after_or_before_every_activity_says_it_has_none(tmp_path: Path, stored: bool) -> None:
    """A card asked for a month the exports do not reach (either side) shows zeros and says why, from the store too."""
    from tests.store.exports import A, write_exports

    folder = str(write_exports(tmp_path / "data"))
    if stored:
        assert invoke("ingest", "--data", folder, "-q").exit_code == 0
    later = invoke("school", A, "--data", folder, "--month", "2024-12")
    assert later.exit_code == 0, later.stderr
    assert "за период 2024-12 в выгрузках нет данных об активности (самые поздние — за 02.11.2024)" in later.stderr
    earlier = invoke("school", A, "--data", folder, "--month", "2024-07")
    assert "за период 2024-07 в выгрузках нет данных об активности (самые ранние — за 20.08.2024)" in earlier.stderr
    # (the months of the card's history before its own may lack data: tests/test_period_coverage.py)
    within = invoke("school", A, "--data", folder, "--month", "2024-09")
    assert within.exit_code == 0 and "за период 2024-09 в выгрузках нет данных" not in within.stderr
    latest = invoke("school", A, "--data", folder)  # the latest month with activity: never after it
    assert latest.exit_code == 0 and "за период" not in latest.stderr
