"""What the reader is told beside a figure (independent checks 8 and 9): a share shown as 100 % because more were
active than the ОО-1 total says is a data-quality warning (docs/metrics.md «Shares») — `assistant` and `sferum`
name where on stderr, `activity` which share under its table — and the rating says where its active and
registered come from."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.builders import account, dataset, school, stat
from tests.cli_support import invoke, serve

SEPT, AUG = date(2024, 9, 1), date(2024, 8, 1)
WARNING = "доля выше 100 % показана как 100 % — активных больше, чем по ОО-1: "


def schools() -> list[tuple[object, ...]]:
    return [
        school("2300000012", "СОШ № 1", "Ейский район", "municipal", 10, 4),
        school("2300000029", "СОШ № 2", "Город", "municipal", 10, 100),
    ]


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.replace("\u202f", " ").splitlines() if WARNING in line]


@pytest.mark.parametrize(("active", "named"), [(5, ["Ейский район"]), (4, [])])
def test_assistant_names_the_places_whose_share_is_capped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, active: int, named: list[str]
) -> None:
    stats = [
        stat("assistant", "2300000012", SEPT, "student", active),
        stat("assistant", "2300000029", SEPT, "student", 50),
    ]
    serve(monkeypatch, dataset(schools=schools(), school_stats=stats))
    result = invoke("assistant", "--data", str(tmp_path), "--month", "2024-09")
    assert result.exit_code == 0, result.stderr
    expected = [f"Внимание: {WARNING}{', '.join(named)}; проверьте численность в реестре."] if named else []
    assert (
        warnings(result.stderr) == expected
    )  # (5 of 4 is capped; exactly 4 of 4 is not; the region's 55 of 104 neither)


def test_sferum_names_a_capped_share_of_either_role_in_either_period(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stats = [
        stat("sferum", "2300000012", SEPT, "teacher", 10),
        stat("sferum", "2300000012", SEPT, "student", 4),
        stat("sferum", "2300000012", AUG, "student", 6),  # the previous month's share is shown too
        stat("sferum", "2300000029", SEPT, "teacher", 5),
        stat("sferum", "2300000029", SEPT, "student", 50),
    ]
    serve(monkeypatch, dataset(schools=schools(), school_stats=stats))
    result = invoke("sferum", "--data", str(tmp_path), "--month", "2024-09")
    assert result.exit_code == 0, result.stderr
    assert warnings(result.stderr) == [f"Внимание: {WARNING}Ейский район; проверьте численность в реестре."]
    english = invoke("sferum", "--data", str(tmp_path), "--month", "2024-09", "--lang", "en")
    assert "more active than the OO-1 total: Ейский район; check the registry figures." in english.stderr


def test_activity_names_the_panels_shares_shown_capped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """5 students registered against an ОО-1 total of 4: the share of ОО-1 is shown as 100 % and the note says
    which share, not only the line about active users without an account (independent check 8)."""
    import json

    stats = [
        stat("myschool", "2300000012", SEPT, "student", 3, registered=5),
        stat("myschool", "2300000012", SEPT, "teacher", 2, registered=3),
        stat("myschool", "2300000029", SEPT, "student", 50, registered=60),
        stat("myschool", "2300000029", SEPT, "teacher", 5, registered=10),
        stat("myschool", "2300000012", AUG, "student", 1, registered=4),
        stat("myschool", "2300000012", AUG, "teacher", 1, registered=3),
    ]
    serve(monkeypatch, dataset(schools=schools(), school_stats=stats))
    args = ("activity", "--data", str(tmp_path), "--month", "2024-09", "--municipality", "Ейский район")
    payload = json.loads(invoke(*args, "--format", "json").stdout)
    assert payload["data_quality"]["capped_shares"] == ["students.registered_share_of_total"]
    table = invoke(*args)
    assert table.exit_code == 0, table.stderr
    assert "Доли выше 100 % показаны как 100 %" in table.stdout.replace("\u202f", " ")
    assert "Обучающиеся: доля от ОО-1." in " ".join(table.stdout.split())
    region = json.loads(invoke("activity", "--data", str(tmp_path), "--month", "2024-09", "--format", "json").stdout)
    assert region["data_quality"]["capped_shares"] == []  # 65 of 104 students registered in the region


@pytest.mark.parametrize(
    ("grain", "said", "not_said"),
    [("school", "из статистики платформы", "вход или событие"), ("user", "вход или событие", "из статистики")],
)
def test_rating_says_who_is_active_by_the_grain_of_its_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, grain: str, said: str, not_said: str
) -> None:
    """The rating's footer tells where active and registered come from: school statistics, or logins and
    accounts — not the user-level rules under statistics (independent check 8)."""
    if grain == "school":
        rows = {
            "school_stats": [
                stat("myschool", "2300000012", SEPT, "student", 3, registered=4),
                stat("myschool", "2300000029", SEPT, "student", 50, registered=60),
            ]
        }
    else:
        rows = {
            "accounts": [
                account("myschool", "u1", "student", "2300000012", last_login_at=datetime(2024, 9, 3, 10)),
                account("myschool", "u2", "student", "2300000029", last_login_at=datetime(2024, 8, 3, 10)),
            ]
        }
    serve(monkeypatch, dataset(schools=schools(), **rows))
    result = invoke("rating", "--data", str(tmp_path), "--month", "2024-09", "--role", "student")
    assert result.exit_code == 0, result.stderr
    footer = " ".join(result.stdout.split())
    assert said in footer and not_said not in footer


def test_trend_writes_the_indicator_with_two_digits_and_its_target_as_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """1 of 3 schools flagged: «33,33 %» as `indicator` prints it, not «33,3 %»; the target «33 %», and the title
    names no target of its own (a later target may be in force) — independent check 9."""
    from tests.builders import event

    at = datetime(2024, 9, 10, 12)
    serve(
        monkeypatch,
        dataset(
            schools=[
                school(inn, f"СОШ № {n}", "Город", "municipal", 1, 1)
                for n, inn in enumerate(("2300000012", "2300000029", "2300000036"), start=1)
            ],
            events=[
                event("myschool", "t1", "teacher", "2300000012", at),
                event("myschool", "s1", "student", "2300000012", at),
            ],
        ),
    )
    result = invoke("trend", "--data", str(tmp_path), "--from", "2024-09", "--to", "2024-09")
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\u202f", " ")
    assert "Индикатор: доля школ" in text and "Индикатор 33 %" not in text
    region = next(line.split() for line in text.splitlines() if line.split()[:1] == ["Регион"])
    assert region[2:4] == ["33,33", "%"] and region[8:10] == ["33", "%"]  # the first share; the target


def test_sferum_levels_speak_english_under_lang_en(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The default levels are named in the reader's language (independent check 8: «средняя» under --lang en);
    the JSON keeps the configured names."""
    import json

    stats = [stat("sferum", "2300000029", SEPT, "teacher", 5), stat("sferum", "2300000029", SEPT, "student", 40)]
    serve(monkeypatch, dataset(schools=schools()[1:], school_stats=stats))
    english = invoke("sferum", "--data", str(tmp_path), "--month", "2024-09", "--lang", "en")
    assert english.exit_code == 0, english.stderr
    words = " ".join(english.stdout.split())
    assert "medium" in words and "low ≥ 0%, medium ≥ 30%" in words and "средняя" not in words
    # (the platform too: «Sferum» in English, as the workbook names it)
    assert "Sferum: active teachers and students" in words and "Сферум" not in english.stdout + english.stderr
    russian = invoke("sferum", "--data", str(tmp_path), "--month", "2024-09")
    assert "средняя" in russian.stdout
    payload = json.loads(invoke("sferum", "--data", str(tmp_path), "--month", "2024-09", "--format", "json").stdout)
    assert payload["region"]["level"] == "средняя"
    report = invoke("report", "--data", str(tmp_path), "--month", "2024-09", "--out", str(tmp_path / "r.xlsx"))
    assert report.exit_code == 0, report.stderr
    report_en = invoke(
        "report", "--data", str(tmp_path), "--month", "2024-09", "--out", str(tmp_path / "e.xlsx"), "--lang", "en"
    )
    assert report_en.exit_code == 0, report_en.stderr
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "e.xlsx")
    cells = {c.value for row in book["Sferum"].iter_rows() for c in row}
    assert "medium" in cells
    texts = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [text for text in texts if "средняя" in text or "низкая" in text]  # every sheet, headings too
    cells = {c.value for row in load_workbook(tmp_path / "r.xlsx")["Сферум"].iter_rows() for c in row}
    assert "средняя" in cells


def test_a_missed_target_names_the_place_as_written() -> None:
    """«г. Краснодар» is not capitalised into «Г. Краснодар»; the share is never rounded onto the target."""
    from adoption_cli.render.captions import target_missed

    sentence = target_missed("г. Краснодар", 32.999, 33.0, ("не хватает школ: 1", "schools still needed: 1"), 2)
    assert sentence == "г. Краснодар: цель 33\u202f% не достигнута (32,999\u202f%), не хватает школ: 1."
