"""The plan: the cheapest set of schools that reaches the indicator target (docs/metrics.md, «План»)."""

from __future__ import annotations

import csv
import io
from datetime import date
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption_cli.config import load_settings
from adoption_cli.dataset import Dataset
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.plan import compute_plan
from adoption_cli.periods import parse_month
from tests.builders import Row, dataset, school, stat
from tests.metrics.support import defaults, invoke, invoke_json, plain

SEPT = parse_month("2024-09")
A, B, C, D, E = "2300000001", "2300000002", "2300000003", "2300000004", "2300000005"


def active(school_id: str, teachers: int, students: int) -> list[Row]:
    """«Моя школа» school-grain figures for September."""
    return [
        stat("myschool", school_id, date(2024, 9, 1), "teacher", teachers),
        stat("myschool", school_id, date(2024, 9, 1), "student", students),
    ]


def greedy_trap() -> Dataset:
    """A is 1 p.p. short of 50 % teachers but large (needs 10); B is 20 p.p. short but small (needs 2)."""
    return dataset(
        schools=[
            school(A, "Большая", "Север", "municipal", 1000, 100),
            school(B, "Малая", "Север", "municipal", 10, 10),
            school(C, "Отмеченная", "Юг", "municipal", 2, 2),
            school(D, "Пустая", "Юг", "municipal", 10, 10),
        ],
        school_stats=[*active(A, 490, 50), *active(B, 3, 5), *active(C, 2, 2), *active(D, 0, 0)],
    )


def test_plan_is_minimal_where_greedy_by_share_gap_is_not() -> None:
    ds = greedy_trap()
    plan = compute_plan(ds, SEPT, defaults(), target_pct=50.0)  # ⌈0.5 × 4⌉ = 2 schools, 1 flagged (C)
    assert (plan.schools_required, plan.flagged, plan.schools_needed) == (2, 1, 1)
    assert [(s.school_id, s.teachers_needed, s.students_needed) for s in plan.schools] == [(B, 2, 0)]
    assert plan.total_needed == 2

    # Greedy by share gap: the school closest to the thresholds in percentage points — A (1 p.p.) —
    # would cost ⌈0.5 × 1000⌉ − 490 = 10 extra users, five times the plan.
    schools = compute_indicator(ds, SEPT, defaults()).schools
    gaps = {
        s.school_id: max(0.0, 50 - (s.teacher_share_pct or 0)) + max(0.0, 50 - (s.student_share_pct or 0))
        for s in schools
        if not s.flagged
    }
    greedy = min(gaps, key=lambda school_id: gaps[school_id])
    assert greedy == A
    greedy_cost = {s.school_id: 500 - s.teachers_active for s in schools}[greedy]
    assert greedy_cost == 10 > plan.total_needed


def test_needs_are_exact_ceilings_and_ties_go_by_school_id() -> None:
    ds = dataset(
        schools=[
            school(B, "Б", "Север", "municipal", 7, 3),  # ⌈3.5⌉ − 3 = 1 teacher, ⌈1.5⌉ − 0 = 2 students
            school(A, "А", "Север", "municipal", 7, 3),  # the same need: A wins the tie by school_id
            school(C, "В", "Север", "municipal", 2, 2),  # exactly 50 %: flagged, not a candidate
        ],
        school_stats=[*active(A, 3, 0), *active(B, 3, 0), *active(C, 1, 1)],
    )
    plan = compute_plan(ds, SEPT, defaults(), target_pct=60.0)  # ⌈1.8⌉ = 2, flagged 1
    assert [(s.school_id, s.teachers_needed, s.students_needed) for s in plan.schools] == [(A, 1, 2)]
    assert (plan.candidates, plan.teachers_needed, plan.students_needed, plan.total_needed) == (2, 1, 2, 3)


def test_schools_without_totals_are_not_candidates_and_an_unreachable_target_is_reported() -> None:
    ds = dataset(
        schools=[
            school(A, "А", "Север", "municipal", 10, None),
            school(B, "Б", "Север", "municipal", 0, 10),
            school(C, "В", "Север", "municipal", 10, 10),
        ],
        school_stats=[*active(C, 1, 1)],
    )
    plan = compute_plan(ds, SEPT, defaults(), target_pct=100.0)
    assert (plan.schools_needed, plan.candidates, plan.target_reachable, plan.schools_short) == (3, 1, False, 2)
    assert [s.school_id for s in plan.schools] == [C]
    assert plan.total_needed == 8  # 4 teachers + 4 students


def test_target_already_met_needs_nothing_and_the_default_target_is_the_one_in_force() -> None:
    settings = load_settings(
        None, environ={}, overrides={"indicator": {"targets": [{"from": "2024-09", "target_pct": 75.0}]}}
    )
    plan = compute_plan(greedy_trap(), SEPT, settings)
    assert (plan.target_pct, plan.schools_needed) == (75.0, 2)  # ⌈3⌉ − 1
    assert [s.school_id for s in plan.schools] == [B, A]  # 2, then 10 (A before D on the tie)
    met = compute_plan(greedy_trap(), SEPT, defaults(), target_pct=25.0)
    assert (met.schools_needed, met.schools, met.total_needed, met.target_reachable) == (0, [], 0, True)


def test_per_municipality_scope() -> None:
    plan = compute_plan(greedy_trap(), SEPT, defaults(), target_pct=100.0, municipality="Юг")
    assert (plan.schools_total, plan.flagged, plan.schools_needed) == (2, 1, 1)
    assert [(s.school_id, s.teachers_needed, s.students_needed) for s in plan.schools] == [(D, 5, 5)]


def test_cli_table_json_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ds = greedy_trap()
    payload = invoke_json(monkeypatch, tmp_path, ds, "plan", "--month", "2024-09", "--target", "50")
    assert {k: payload[k] for k in ("target_pct", "schools_needed", "total_needed")} == {
        "target_pct": 50.0,
        "schools_needed": 1,
        "total_needed": 2,
    }
    assert payload["period"]["label"] == "2024-09"
    assert payload["schools"] == [
        {"school_id": B, "name": "Малая", "municipality": "Север", "teachers_needed": 2, "students_needed": 0}
    ]

    table = invoke(monkeypatch, tmp_path, ds, "plan", "--month", "2024-09", "--target", "50")
    assert table.exit_code == 0, table.stderr
    text = plain(table.stdout)
    assert "Малая" in text and "Итого" in text and "Большая" not in text and "Цель 50 %" in text

    south = invoke(
        monkeypatch, tmp_path, ds, "plan", "-m", "2024-09", "--target", "100", "--municipality", "юг", "-f", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(south.stdout)))
    assert [(r["rank"], r["school_id"], r["total_needed"]) for r in rows] == [("1", D, "10")]

    no_total = dataset(schools=[school(E, "Без ОО-1", "Юг", "municipal", None, 10)], school_stats=active(E, 9, 9))
    unreachable = invoke(monkeypatch, tmp_path, no_total, "plan", "-m", "2024-09", "-f", "json")
    assert unreachable.exit_code == 0
    assert "цель недостижима" in unreachable.stderr
    assert '"target_reachable": false' in unreachable.stdout and '"schools": []' in unreachable.stdout


def test_needed_is_zero_exactly_when_the_indicator_flags() -> None:
    """The plan's ceiling and the indicator's threshold test agree on every size up to 40 (Fraction check)."""
    rows = [school(f"23{n:08d}", str(n), "Север", "municipal", n, n) for n in range(1, 41)]
    stats = [r for n in range(1, 41) for r in active(f"23{n:08d}", n // 2, -(-n // 2) - 1)]
    plan = compute_plan(dataset(schools=rows, school_stats=stats), SEPT, defaults(), target_pct=100.0)
    for s in plan.schools:
        n = int(s.name)
        assert s.teachers_needed == max(0, -(-Fraction(n, 2) // 1) - n // 2)
        assert s.students_needed == 1


school_figures = st.tuples(
    st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), st.integers(0, 12)
)  # teachers_total, teachers_active, students_total, students_active


@settings(max_examples=40, deadline=None)
@given(st.lists(school_figures, min_size=1, max_size=6), st.sampled_from([20.0, 33.0, 50.0, 84.9, 100.0]))
def test_no_set_of_the_same_size_costs_less(figures: list[tuple[int, int, int, int]], target: float) -> None:
    ids = [f"23{n:08d}" for n in range(len(figures))]
    ds = dataset(
        schools=[school(i, i, "Север", "municipal", t, s) for i, (t, _, s, _) in zip(ids, figures, strict=True)],
        school_stats=[r for i, (_, ta, _, sa) in zip(ids, figures, strict=True) for r in active(i, ta, sa)],
    )
    plan = compute_plan(ds, SEPT, defaults(), target_pct=target)

    def cost(total: int, have: int) -> int:
        return max(0, -(-total // 2) - have)  # ⌈total / 2⌉ − active at the default 50 % threshold

    costs = {
        i: cost(t, ta) + cost(s, sa)
        for i, (t, ta, s, sa) in zip(ids, figures, strict=True)
        if t > 0 and s > 0 and cost(t, ta) + cost(s, sa) > 0
    }
    assert plan.candidates == len(costs)
    assert {s.school_id for s in plan.schools} <= set(costs)
    cheapest = min((sum(costs[i] for i in chosen) for chosen in combinations(costs, len(plan.schools))), default=0)
    assert plan.total_needed == cheapest
