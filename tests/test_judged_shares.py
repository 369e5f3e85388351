"""A share printed beside its verdict never looks like the bound it is judged against unless it reaches it:
32,97 % against a 33 % target not met is not «33,0 %» (independent check 5, F1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from adoption_cli.render.numbers import fmt_pct_judged, fmt_pct_setting
from tests.builders import dataset, school, stat
from tests.cli_support import invoke, serve

SEPT = date(2024, 9, 1)


def spaced(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("value", "bound", "met", "digits", "shown"),
    [
        (32.97, 33.0, False, 1, "32,97 %"),  # «33,0 %» would look met
        (32.97, 33.0, False, 2, "32,97 %"),
        (32.997, 33.0, False, 2, "32,997 %"),
        (49.96, 50.0, False, 1, "49,96 %"),
        (100 * 2249 / 2649, 84.9, False, 1, "84,89 %"),  # 84,89996…: no rounding saves it, a cut does
        (32.99999999, 33.0, False, 2, "32,999 %"),
        (84.94, 84.94, True, 1, "84,94 %"),  # met, but «84,9 %» would look short of 84,94
        (66.67, 50.0, True, 1, "66,7 %"),  # the rounding agrees: as always
        (33.0, 33.0, True, 1, "33,0 %"),  # exactly the bound is met
        (84.9, 84.9, True, 1, "84,9 %"),
        (84.89, 84.9, False, 1, "84,89 %"),
        (50.0, 50.0, None, 1, "50,0 %"),  # no verdict (no total): as always
    ],
)
def test_a_share_beside_its_verdict_never_contradicts_it(
    value: float, bound: float, met: bool | None, digits: int, shown: str
) -> None:
    assert spaced(fmt_pct_judged(value, bound, met, "ru", digits)) == shown


def test_none_is_a_dash() -> None:
    assert fmt_pct_judged(None, 50.0, None) == "—"


def test_assistant_table_and_school_card_show_the_digits_the_verdict_needs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """8 489 of 10 000 students (84,89 %) against 84,9 %: not met, and shown as 84,89 %, not 84,9 %."""
    serve(
        monkeypatch,
        dataset(
            schools=[school("2300000012", "СОШ № 1", "Город", "municipal", 10, 10_000)],
            school_stats=[stat("assistant", "2300000012", SEPT, "student", 8_489)],
        ),
    )
    table = invoke("assistant", "--data", str(tmp_path), "--month", "2024-09")
    assert table.exit_code == 0, table.stderr
    shown = spaced(table.stdout)
    assert "84,89 %" in shown and "84,9 %" in shown  # the share, and the target
    card = invoke("school", "2300000012", "--data", str(tmp_path), "--month", "2024-09")
    assert card.exit_code == 0, card.stderr
    assert "ЦПУ: активны 8 489 из 10 000 обучающихся — 84,89 %; цель 84,9 %: ✘ нет" in spaced(card.stdout)


@pytest.mark.parametrize(("teachers", "shown", "level"), [(2_996, "29,96 %", "низкая"), (3_000, "30,0 %", "средняя")])
def test_sferum_shares_never_round_up_to_a_band_they_did_not_reach(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, teachers: int, shown: str, level: str
) -> None:
    """«средняя» begins at 30 %: 2 996 of 10 000 teachers (29,96 %) are «низкая», and not shown as «30,0 %»."""
    serve(
        monkeypatch,
        dataset(
            schools=[school("2300000012", "СОШ № 1", "Город", "municipal", 10_000, 10_000)],
            school_stats=[
                stat("sferum", "2300000012", SEPT, "teacher", teachers),
                stat("sferum", "2300000012", SEPT, "student", 5_000),
            ],
        ),
    )
    result = invoke("sferum", "--data", str(tmp_path), "--month", "2024-09")
    assert result.exit_code == 0, result.stderr
    region = next(line for line in spaced(result.stdout).splitlines() if line.strip().startswith("Регион"))
    assert shown in region and level in region and "30,0 %" not in region.replace(shown, "")


@pytest.mark.parametrize(
    ("value", "shown"),
    [(33.0, "33 %"), (84.9, "84,9 %"), (33.33, "33,33 %"), (80.702, "80,702 %"), (100 / 3, "33,333333 %")],
)
def test_a_configured_target_is_shown_as_written(value: float, shown: str) -> None:
    assert spaced(fmt_pct_setting(value)) == shown


def test_the_assistant_table_shows_a_target_as_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A target of 66,35 % is not «66,3 %» beside a share of 66,3 % that misses it (independent check)."""
    serve(
        monkeypatch,
        dataset(
            schools=[school("2300000012", "СОШ № 1", "Город", "municipal", 10, 10_000)],
            school_stats=[stat("assistant", "2300000012", SEPT, "student", 6_634)],
        ),
    )
    table = invoke(
        "assistant", "--data", str(tmp_path), "--month", "2024-09", env={"ADOPTION_ASSISTANT__TARGET_PCT": "66.35"}
    )
    assert table.exit_code == 0, table.stderr
    shown = spaced(table.stdout)
    assert "66,3 %" in shown and "66,35 %" in shown and "Цель 66,35 %" in shown
