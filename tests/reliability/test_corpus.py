"""The bad-input corpus (tests/corpus/): every class of bad input through `validate` and `indicator`.

Each case is a folder with the files and an `expected.toml` beside them. The expected outcome is either
- `[error]`: both commands exit 1 with exactly one stderr line that names `file` and matches `says` (the
  problem and what to do), nothing on stdout, no traceback; or
- `[[files]]` / `[[rejects]]`: the load succeeds; `validate --format json` gives these per-file figures
  (rows = loaded + rejected for every file: nothing dropped silently), `validate --format csv` lists exactly
  these rejects (file, row, column, value, reason), and `indicator --month 2024-09` runs on what loaded;
  a `warning` (a regular expression) is on the stderr of both commands.
Binary, huge and link cases are written at test time by the generator their expected.toml names, so the
repository stays small and text-only.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adoption_cli.render.output import neutralise_text
from tests.reliability.support import (
    EVENTS_HEADER,
    MONTH,
    assert_nothing_lost,
    assert_one_line_error,
    run,
    validate_json,
)
from tests.sources.sources_helpers import (
    INN_A,
    INN_B,
    INN_C,
    REGISTRY,
    RU_REGISTRY_HEADER,
    save_book,
    set_cached_value,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").is_file())
INDICATOR_KINDS = {"schools", "accounts", "events", "school_stats"}
MEGABYTE = 1_000_000


# --- generators: cases whose files are binary, huge or not files at all ---


def _registry(data: Path) -> None:
    (data / "schools.csv").write_text(REGISTRY, encoding="utf-8")


def gen_binary_file(data: Path) -> None:
    _registry(data)
    (data / "myschool_events.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def gen_xlsx_saved_as_csv(data: Path) -> None:
    save_book(data / "schools.csv", {"Лист1": [RU_REGISTRY_HEADER]})


def gen_utf16_without_bom(data: Path) -> None:
    (data / "schools.csv").write_bytes(REGISTRY.encode("utf-16-le"))


def gen_mixed_encoding(data: Path) -> None:
    # A UTF-8 export with a cp1251 row appended by another tool.
    head = "ИНН;Наименование;МО;Форма собственности;Педагогические работники;Обучающиеся\n"
    head += f"{INN_A};Средняя общеобразовательная школа;г. Краснодар;муниципальная;40;600\n"
    tail = f"{INN_B};Школа 2;г. Сочи;государственная;25;310\n"
    (data / "schools.csv").write_bytes(head.encode("utf-8") + tail.encode("cp1251"))


def gen_koi8_encoding(data: Path) -> None:
    text = ";".join(RU_REGISTRY_HEADER) + f"\n{INN_A};Школа 1;г. Краснодар;муниципальная;40;600\n"
    (data / "schools.csv").write_bytes(text.encode("koi8-r"))


def gen_cr_line_endings(data: Path) -> None:
    # Classic Mac OS line ends (CR only), as some old report writers still produce.
    text = REGISTRY + f"{INN_C},Школа 3,г. Сочи,municipal,-1,1\n"
    (data / "schools.csv").write_bytes(text.replace("\n", "\r").encode("utf-8"))
    events = EVENTS_HEADER + f'myschool,u1,teacher,{INN_A},2024-09-02\nmyschool,u2,"учитель\nстарший",{INN_A},bad\n'
    (data / "myschool_events.csv").write_bytes(events.replace("\n", "\r").encode("utf-8"))


def gen_mixed_line_ends(data: Path) -> None:
    # An export whose first lines end in CR alone and the rest in CR LF and LF (one appended to another by a
    # different tool), and a Mac Excel registry: rows ending in CR, a line break typed in a cell as LF.
    _registry(data)
    lines = [
        EVENTS_HEADER.rstrip("\n"),
        f"myschool,u1,teacher,{INN_A},2024-09-02",
        f"myschool,u2,student,{INN_A},2024-09-03",
        f"myschool,u3,student,{INN_B},bad",
        f"myschool,u4,teacher,{INN_B},2024-09-04",
        f"myschool,u5,student,{INN_B},2024-09-05",
    ]
    ends = ["\r", "\r", "\r", "\r\n", "\n", "\n"]
    (data / "myschool_events.csv").write_bytes(
        "".join(a + b for a, b in zip(lines, ends, strict=True)).encode("cp1251")
    )
    registry = REGISTRY.replace("Школа 2", '"Школа 2\nкорпус Б"').replace("\n", "\r").replace("2\rкорпус", "2\nкорпус")
    (data / "schools.csv").write_bytes(registry.encode("utf-8"))


def gen_date_and_time_columns(data: Path) -> None:
    # «Дата входа» | «Время входа» in cp1251 with `;`, as some web exports write a login.
    _registry(data)
    text = "ID пользователя;Роль;ИНН;Дата входа;Время входа\n"
    text += f"u1;Учитель;{INN_A};02.09.2024;08:15\nu2;Ученик;{INN_A};30.09.2024;20:59:59Z\n"
    text += f"u3;Ученик;{INN_B};;08:15\nu4;Учитель;{INN_B};03.09.2024;25:00\nu5;Ученик;{INN_B};04.09.2024;\n"
    (data / "myschool_events.csv").write_bytes(text.encode("cp1251"))


def gen_megabyte_field(data: Path) -> None:
    huge_name = "Ш" * MEGABYTE
    huge_inn = "7" * MEGABYTE
    registry = REGISTRY + f"{INN_C},{huge_name},г. Сочи,municipal,1,1\n{huge_inn},Школа,г. Сочи,municipal,1,1\n"
    (data / "schools.csv").write_text(registry, encoding="utf-8")
    huge_user = "u" * MEGABYTE
    events = (
        EVENTS_HEADER
        + f'myschool,"{huge_user}\n{huge_user}",teacher,{INN_A},2024-09-02 10:00\n'
        + f"myschool,u2,teacher,{INN_A},{'9' * MEGABYTE}\n"
        + f"myschool,u3,student,{INN_A},2024-09-03 10:00\n"
    )
    (data / "myschool_events.csv").write_text(events, encoding="utf-8")


def gen_xlsx_workbook(data: Path) -> None:
    """Several sheets (data on the first), a title row, a header merged over two rows, formulas (with and
    without a cached result), dates as dates and as text."""
    from datetime import datetime

    registry = [
        ["Сведения ОО-1 на 01.09.2024"],
        ["ИНН", "Наименование", "МО", "Форма собственности", "Численность", None],
        [None, None, None, None, "педагогических работников", "обучающихся"],
        [int(INN_A), "Школа 1", "г. Краснодар", "муниципальная", "=20*2", 600],
        [int(INN_B), "Школа 2", "г. Сочи", "государственная", 25, "=300+10"],
        [int(INN_C), "Школа 3", "г. Сочи", "государственная", 10, "=1/0"],
        ["2310031476", "Школа 4", "г. Сочи", "муниципальная", 1, 1],
    ]
    notes = [["Справка"], ["Лист с пояснениями, не данными"]]
    path = save_book(data / "schools.xlsx", {"Реестр": registry, "Справка": notes}, ("A1:F1", "E2:F2", "A2:A3"))
    set_cached_value(path, "20*2", "40")
    set_cached_value(path, "300+10", "310")
    stats = [
        ["Платформа", "ИНН", "Месяц", "Роль", "Зарегистрировано", "Активных"],
        ["Сферум", int(INN_A), datetime(2024, 9, 1), "Учитель", 40, "=20+5"],
        ["Сферум", int(INN_A), "09.2024", "Ученик", 600, 300],
        ["Сферум", int(INN_B), "Сентябрь 2024", "Учитель", 25, 20],
        ["Сферум", int(INN_B), "31.09.2024", "Ученик", 310, 200],
        ["Сферум", int(INN_B), "2024-09", "Ученик", 310, "=1+1"],
    ]
    path = save_book(data / "sferum_stats.xlsx", {"Статистика": stats, "Итоги": [["Всего", "=SUM(Статистика!F2:F6)"]]})
    set_cached_value(path, "20+5", "25")


def gen_xlsx_data_on_second_sheet(data: Path) -> None:
    cover = [["Инструкция по заполнению"], ["Заполните лист «Реестр»"]]
    registry = [RU_REGISTRY_HEADER, [int(INN_A), "Школа 1", "г. Краснодар", "муниципальная", 40, 600]]
    save_book(data / "schools.xlsx", {"Инструкция": cover, "Реестр": registry})


def gen_xlsx_sheet_per_month(data: Path) -> None:
    _registry(data)
    header = ["Период", "Роль", "ИНН", "Зарегистрировано", "Активных"]
    months = {
        title: [header, [month, "обучающийся", int(INN_A), 600, 300]]
        for title, month in (("Август", "08.2024"), ("Сентябрь", "09.2024"))
    }
    save_book(data / "assistant_stats.xlsx", {**months, "Лист3": []})


def gen_xlsx_empty_first_sheet(data: Path) -> None:
    registry = [RU_REGISTRY_HEADER, [int(INN_A), "Школа 1", "г. Краснодар", "муниципальная", 40, 600]]
    save_book(data / "schools.xlsx", {"Лист1": [], "Лист2": registry})


def gen_xlsx_missing_sheet(data: Path) -> None:
    registry = [RU_REGISTRY_HEADER, [int(INN_A), "Школа 1", "г. Краснодар", "муниципальная", 40, 600]]
    save_book(data / "schools.xlsx", {"Лист1": registry})
    (data / "adoption.toml").write_text(
        '[[sources]]\npath = "schools.xlsx"\nkind = "schools"\nsheet = "Реестр"\n', encoding="utf-8"
    )


def gen_damaged_xlsx(data: Path) -> None:
    book = save_book(data / "schools.xlsx", {"Лист1": [RU_REGISTRY_HEADER]}).read_bytes()
    (data / "schools.xlsx").write_bytes(book[: len(book) // 2])  # a download cut short


def gen_unreadable_file(data: Path) -> None:
    _registry(data)
    # Tests run as root, so permissions cannot make a file unreadable; a link to nowhere can.
    (data / "sferum_events.csv").symlink_to(data / "выгрузки" / "нет такого файла.csv")


def gen_missing_data_folder(data: Path) -> None:
    shutil.rmtree(data)


def gen_data_path_is_a_file(data: Path) -> None:
    shutil.rmtree(data)
    data.write_text(REGISTRY, encoding="utf-8")


GENERATORS: dict[str, Callable[[Path], None]] = {
    name.removeprefix("gen_"): function for name, function in globals().items() if name.startswith("gen_")
}


# --- the runner ---


def _expected(case: str) -> dict[str, Any]:
    return tomllib.loads((CORPUS / case / "expected.toml").read_text(encoding="utf-8"))


def _materialise(case: str, expected: dict[str, Any], tmp_path: Path) -> Path:
    """The case's files in a fresh folder (the corpus itself is never touched), plus generated ones."""
    data = tmp_path / "data"
    shutil.copytree(CORPUS / case, data, ignore=shutil.ignore_patterns("expected.toml"), symlinks=True)
    generator = expected.get("generator")
    if generator is not None:
        GENERATORS[generator](data)
    return data


def _csv_rejects(data: Path) -> list[dict[str, str]]:
    result = run("validate", "--format", "csv", data=data)
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _as_csv_row(reject: dict[str, Any]) -> dict[str, str]:
    value = reject.get("value")
    if "value_chars" in reject:  # a cut value: its first characters and the ellipsis
        value = reject["value_starts"] * (reject["value_chars"] - 1) + "…"
    return {
        "file": reject["file"],
        "row": str(reject["row"]),
        "column": reject["column"],
        "value": "" if value is None else neutralise_text(value),
        "reason": reject["reason"],
    }


def _place(reject: dict[str, str]) -> tuple[str, int]:
    return reject["file"], int(reject["row"])


def _check_error(data: Path, error: dict[str, str]) -> None:
    for args in (("validate",), ("indicator", "--month", MONTH)):
        message = assert_one_line_error(run(*args, data=data), names=error["file"])
        assert re.search(error["says"], message), (error["says"], message)


def _check_load(data: Path, expected: dict[str, Any]) -> None:
    payload = validate_json(data)
    assert_nothing_lost(payload)
    files = {f["path"]: f for f in payload["files"]}
    for want in expected.get("files", []):
        got = files[want["path"]]
        figures = {"rejected": 0, "unknown_school": 0, "other_role": 0, **want}
        assert {key: got[key] for key in figures} == figures
    rejects = expected.get("rejects", [])
    assert sorted(_csv_rejects(data), key=_place) == sorted(map(_as_csv_row, rejects), key=_place)
    # validate's examples are some of those rejects, and never show a user id
    for file in payload["files"]:
        for example in file["examples"]:
            listed = {(r["row"], r["column"], r["reason"]) for r in rejects if r["file"] == file["path"]}
            assert (example["row"], example["column"], example["reason"]) in listed
            assert example["column"] != "user_id" or example["value"] is None
    warning = expected.get("warning")
    if warning is not None:
        assert re.search(warning, run("validate", data=data).stderr)

    result = run("indicator", "--month", MONTH, "--format", "json", data=data)
    assert result.exit_code == 0, result.stderr
    assert warning is None or re.search(warning, result.stderr)  # every command says it
    assert "Traceback" not in result.stderr
    rejected = sum(f["rejected"] for f in payload["files"] if f["kind"] in INDICATOR_KINDS)
    assert (f"отклонено строк: {rejected} из" in result.stderr) == (rejected > 0), result.stderr


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: str, tmp_path: Path) -> None:
    expected = _expected(case)
    data = _materialise(case, expected, tmp_path)
    assert ("error" in expected) != ("files" in expected), "a case expects an error or a load, not both"
    if "error" in expected:
        _check_error(data, expected["error"])
    else:
        _check_load(data, expected)


def test_every_generator_has_a_case() -> None:
    used = {_expected(case).get("generator") for case in CASES}
    assert used - {None} == set(GENERATORS)
