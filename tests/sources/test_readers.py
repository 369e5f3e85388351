"""Reading structure: header rows, row numbers, xlsx and Parquet, ragged and malformed rows, bad headers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from openpyxl import Workbook
from sources_helpers import (
    INN_A,
    INN_B,
    INN_C,
    INN_D,
    INN_OUTSIDE,
    REGISTRY,
    REGISTRY_HEADER,
    REGISTRY_SOURCE,
    RU_REGISTRY_HEADER,
    file_load,
    load,
    load_error,
    save_book,
    set_cached_value,
    write,
    write_manifest,
    write_registry,
)

from adoption_cli.errors import DataError
from adoption_cli.schema import Kind
from adoption_cli.sources.columns import ColumnMap
from adoption_cli.sources.readers import any_of


def rejects(data_dir: Path) -> list[tuple[str, int, str, str | None, str]]:
    frame = load(data_dir).rejects.collect().sort("file", "row")
    return [tuple(row) for row in frame.iter_rows()]  # type: ignore[misc]


# --- delimited text ---


def test_csv_row_numbers_count_the_header_and_blank_lines(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", f"{REGISTRY_HEADER}\n{INN_A},a,b,municipal,1,1\n\n123,c,d,municipal,1,1\n")
    # header = 1, first data row = 2, blank line = 3 (not data, not counted), bad ИНН on line 4
    assert rejects(tmp_path) == [("schools.csv", 4, "school_id", "123", "invalid_inn")]
    assert file_load(load(tmp_path), "schools.csv").rows == 2


def test_csv_quoted_line_break_is_one_row(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", f'{REGISTRY_HEADER}\n{INN_A},"Школа\nкорпус 2",b,municipal,1,1\n1,c,d,state,1,1\n')
    assert rejects(tmp_path) == [("schools.csv", 3, "school_id", "1", "invalid_inn")]
    # inner whitespace of text collapses, so the same name typed twice compares equal
    assert load(tmp_path).schools.collect()["name"].to_list() == ["Школа корпус 2"]


def test_csv_title_rows_and_numbering_row_are_skipped(tmp_path: Path) -> None:
    text = (
        "Реестр ОО на 01.09.2024;;;;;\n"
        ";;;;;\n"
        + ";".join(RU_REGISTRY_HEADER)
        + "\n1;2;3;4;5;6\n"
        + f"{INN_A};Школа;МО;муниципальная;10;100\n"
        + "bad;Школа;МО;муниципальная;10;100\n"
    )
    write(tmp_path / "schools.csv", text, "cp1251")
    # title = 1, blank = 2, header = 3, column numbers = 4, first school = 5
    assert rejects(tmp_path) == [("schools.csv", 6, "school_id", "bad", "invalid_inn")]
    assert file_load(load(tmp_path), "schools.csv").rows == 2


def test_header_only_file_loads_zero_rows(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "sferum_events.csv", "user_id,role,school_id,ts\n")
    dataset = load(tmp_path)
    events = file_load(dataset, "sferum_events.csv")
    assert (events.rows, events.loaded, events.rejected, events.latest_activity) == (0, 0, 0, None)
    assert dataset.frame(dataset.report.files[1].kind).collect().height == 0


def test_blank_only_file_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", "\n \n")
    with pytest.raises(DataError, match=r"^schools\.csv: в файле нет ни заголовка, ни данных"):
        load(tmp_path)


def test_ragged_row_is_rejected_not_truncated(tmp_path: Path) -> None:
    text = (
        f"{REGISTRY_HEADER}\n"
        f"{INN_A},Школа, филиал,МО,municipal,1,1\n"  # unquoted comma: one field too many
        f"{INN_B},Школа 2,МО,state,1,1,,,\n"  # trailing empty fields lose nothing
        f"{INN_B},Школа 3,МО,state\n"  # fewer fields: missing values
    )
    write(tmp_path / "schools.csv", text)
    assert rejects(tmp_path) == [("schools.csv", 2, "*", None, "ragged_row")]
    loaded = file_load(load(tmp_path), "schools.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (3, 2, 1)
    # the short row has empty totals, which the registry accepts as unknown (null)
    frame = load(tmp_path).schools.collect()
    assert frame.select("teachers_total", "students_total").row(0) == (None, None)


def test_rows_of_whitespace_only_are_skipped_like_blank_ones(tmp_path: Path) -> None:
    """Spaces, NBSP and tabs in every cell (a row someone cleared with the space bar) carry no data: skipped
    and not counted, row numbers unchanged. A blank required cell in a filled row is still missing."""
    text = (
        f"{REGISTRY_HEADER}\n"
        f"{INN_A},Школа 1,МО,municipal,1,1\n"  # row 2
        " , \u00a0,\t,  ,,\n"  # row 3: whitespace only
        "\u00a0\u00a0,,,,,\n"  # row 4
        f"{INN_B}, \u00a0 ,МО,state,1,1\n"  # row 5: only the name is blank
        f"{INN_B},Школа 2,МО,state,1,1,  ,\t\n"  # row 6: extra fields of whitespace lose nothing
    )
    write(tmp_path / "schools.csv", text)
    assert rejects(tmp_path) == [("schools.csv", 5, "name", " \u00a0 ", "missing_value")]
    loaded = file_load(load(tmp_path), "schools.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (3, 2, 1)


def test_rows_of_whitespace_only_are_skipped_where_the_short_cut_reads_the_rest(tmp_path: Path) -> None:
    """An export the short cut of fast_rows reads: the blank rows go the general way and are skipped there."""
    write_registry(tmp_path)
    good = [f"sferum,{n},teacher,{INN_A},2024-09-02T08:00:00" for n in range(20)]
    lines = ["platform,user_id,role,school_id,ts", *good[:10], "  ,\t, , ,\u00a0", *good[10:], "sferum,77,teacher, ,"]
    write(tmp_path / "sferum_events.csv", "\n".join(lines) + "\n")
    loaded = file_load(load(tmp_path), "sferum_events.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (21, 20, 1)
    assert rejects(tmp_path) == [("sferum_events.csv", 23, "school_id", " ", "missing_value")]


def test_a_row_blank_in_the_columns_read_but_noted_elsewhere_is_not_skipped(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", f"{REGISTRY_HEADER},Примечание\n{INN_A},a,b,municipal,1,1,\n , , , , , ,закрыта\n")
    assert rejects(tmp_path) == [("schools.csv", 3, "school_id", " ", "missing_value")]


@pytest.mark.parametrize("good_rows", [0, 3])  # Polars reports the first data row differently from later ones
def test_row_far_longer_than_header_fails_loudly(tmp_path: Path, good_rows: int) -> None:
    good = f"{INN_B},c,d,state,1,1\n" * good_rows
    write(tmp_path / "schools.csv", f"{REGISTRY_HEADER}\n{good}{INN_A},a,b,municipal,1,1{',x' * 12}\n")
    with pytest.raises(DataError, match=r"^schools\.csv: в строке больше чем на 8 полей больше"):
        load(tmp_path)


def test_unclosed_quote_is_one_line_error(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", f'{REGISTRY_HEADER}\n{INN_A},"Школа,b,municipal,1,1\n{INN_B},c,d,state,1,1\n')
    with pytest.raises(DataError, match=r"^schools\.csv: незакрытая или лишняя кавычка") as error:
        load(tmp_path)
    assert "\n" not in error.value.message


def test_a_quote_left_open_mid_file_rejects_the_row_that_swallowed_the_next_lines(tmp_path: Path) -> None:
    """«"МБОУ "СОШ № 1";…» opens a field that runs to the next quote two lines down: Polars reads the three
    lines as one record. Its name cell holds line ends and separators, so it is rejected, not loaded with
    the other schools inside its name (they used to vanish: 5 lines written, 3 rows counted, 0 rejected)."""
    lines = [
        ";".join(RU_REGISTRY_HEADER),
        f'{INN_A};"МБОУ "СОШ № 1";г. Сочи;муниципальная;10;100',
        f'{INN_B};"МБОУ СОШ № 2";г. Сочи;муниципальная;10;100',
        '2310031476;"МБОУ "Лицей № 3";г. Сочи;муниципальная;10;100',
        f'{INN_B};"МБОУ СОШ № 4";г. Сочи;муниципальная;10;100',
        f'{INN_A};МБОУ "Гимназия" № 5;г. Сочи;муниципальная;10;100',  # inner quotes in pairs: fine
        f'{INN_B};"Школа на два\nабзаца";г. Сочи;муниципальная;10;100',  # a value on two lines: fine
        f'{INN_B};"МБОУ ""СОШ; № 8""\nкорпус 1";г. Сочи;муниципальная;10;100',  # also with a separator in it
    ]
    write(tmp_path / "schools.csv", "\n".join(lines) + "\n")
    loaded = file_load(load(tmp_path), "schools.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected_by_reason) == (5, 4, {"unclosed_quote": 1})
    assert rejects(tmp_path) == [("schools.csv", 2, "*", None, "unclosed_quote")]


def test_a_title_line_with_an_odd_quote_does_not_swallow_the_file(tmp_path: Path) -> None:
    """Title lines are skipped as lines: Polars, skipping records, read the title's lone quote as opening
    a field that ran to the end of the file, and loaded nothing without a word."""
    events = "\n".join(
        ['Выгрузка ФГИС "Моя школа', "user_id;role;school_id;ts"]
        + [f"{n};teacher;{INN_A};02.09.2024 10:00" for n in range(10)]
    )
    write_registry(tmp_path)
    write(tmp_path / "myschool_events.csv", events + "\n")
    loaded = file_load(load(tmp_path), "myschool_events.csv")
    assert (loaded.rows, loaded.loaded) == (10, 10)
    assert rejects(tmp_path) == []


def test_a_lone_quote_inside_a_field_names_its_line(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", f'{REGISTRY_HEADER}\n{INN_B},c,d,state,1,1\n{INN_A},Школа 5",b,municipal,1,1\n')
    with pytest.raises(DataError, match=r'^schools\.csv: непарная кавычка «"» в поле \(похоже, в строке 3\)'):
        load(tmp_path)


def test_thousands_of_empty_columns_load(tmp_path: Path) -> None:
    """A sheet saved as CSV with its empty columns to the end (`;` × 3 000 on every line) loads its rows."""
    empty = ";" * 3000
    lines = ["user_id;role;school_id;ts" + empty] + [f"{n};teacher;{INN_A};02.09.2024 10:00{empty}" for n in range(3)]
    write_registry(tmp_path)
    write(tmp_path / "myschool_events.csv", "\n".join(lines) + "\n")
    loaded = file_load(load(tmp_path), "myschool_events.csv")
    assert (loaded.rows, loaded.loaded) == (3, 3)


def test_any_of_thousands_of_conditions_is_a_tree_of_at_most_eight() -> None:
    """One any_horizontal over thousands of columns took Polars minutes to plan (2 000 columns: 25 s)."""
    tree = any_of(pl.col(f"_c{i}").is_not_null() for i in range(5000))  # 5 000 → 625 → 79 → 10 → 2 → 1
    node, depth = tree, 1
    while len((inputs := node.meta.pop())[0].meta.root_names()) > 1:  # down the first branch to a condition
        assert len(inputs) <= 8
        node, depth = inputs[0], depth + 1
    assert depth == 5 and len(inputs) == 8
    frame = pl.DataFrame({f"_c{i}": [None, "x" if i == 4321 else None] for i in range(5000)})
    assert frame.select(tree).to_series().to_list() == [False, True]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[{"user_id": "1", "role": "teacher", "school_id": "2310031475"}]', "JSON"),
        ("<!DOCTYPE html><html><body><table><tr><td>ИНН</td></tr></table></body></html>", "страница HTML или XML"),
    ],
)
def test_json_or_html_saved_as_csv_is_named(tmp_path: Path, text: str, said: str) -> None:
    write_registry(tmp_path)
    write(tmp_path / "myschool_events.csv", f"\n  {text}\n")
    with pytest.raises(DataError, match=rf"^myschool_events\.csv: это не таблица, а {said}; выгрузите"):
        load(tmp_path)


def test_megabyte_field(tmp_path: Path) -> None:
    huge = "Ш" * 1_000_000
    write(tmp_path / "schools.csv", f"{REGISTRY_HEADER}\n{INN_A},{huge},b,municipal,1,1\n{huge},n,m,state,1,1\n")
    dataset = load(tmp_path)
    assert dataset.schools.collect()["name"].str.len_chars().to_list() == [1_000_000]
    (reject,) = dataset.rejects.collect().iter_rows(named=True)
    assert (reject["row"], reject["reason"], reject["value"]) == (3, "invalid_inn", "Ш" * 200 + "…")


def test_missing_required_column_names_file_column_and_aliases(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", "ИНН;Наименование;МО;Форма собственности;Педагогические работники\n1;a;b;c;1\n")
    message = load_error(tmp_path)
    assert message.startswith("schools.csv: нет обязательного столбца «Численность обучающихся» (students_total;")
    assert "«Количество обучающихся»" in message and "[sources.columns]" in message
    # the file's own headers, to compare with
    assert "в файле: «ИНН», «Наименование», «МО», «Форма собственности», «Педагогические работники»;" in message


def test_duplicate_columns_after_alias_mapping(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", f"ИНН,ИНН организации,{REGISTRY_HEADER.split(',', 1)[1]}\n")
    with pytest.raises(
        DataError, match=r"столбцы «ИНН» \(№1\) и «ИНН организации» \(№2\) оба означают «ИНН» \(school_id\)"
    ):
        load(tmp_path)


def test_unknown_columns_are_ignored_and_headers_are_case_and_yo_insensitive(tmp_path: Path) -> None:
    write(
        tmp_path / "schools.csv",
        "Примечание;инн оо;НАИМЕНОВАНИЕ;Муниципальное  образование;Форма собственности;"
        "Педагогические работники;Обучающиеся\nx;" + f"{INN_A};a;b;частная;1;2\n",
    )
    assert load(tmp_path).schools.collect().row(0) == (INN_A, "a", "b", "private", 1, 2)


def test_headers_with_a_unit_and_an_inn_kpp_header(tmp_path: Path) -> None:
    """ОО-1 forms write the unit after the name; an ИНН/КПП column gives the ИНН."""
    write(
        tmp_path / "schools.csv",
        "ИНН/КПП;Наименование;МО;Форма собственности;Численность педагогических работников, чел.;"
        f"Обучающиеся (человек)\n{INN_A}/231001001;a;b;частная;1;2\n",
    )
    assert load(tmp_path).schools.collect().row(0) == (INN_A, "a", "b", "private", 1, 2)
    # a header that is only a unit names nothing (ignored as unknown columns are)
    write(
        tmp_path / "schools.csv",
        f"ИНН;Наименование;МО;Форма собственности;Педагогов;Обучающихся;чел.\n{INN_A};a;b;частная;1;2;x\n",
    )
    assert load(tmp_path).schools.collect().row(0) == (INN_A, "a", "b", "private", 1, 2)
    assert ColumnMap(Kind.SCHOOLS).canonical("чел.") is None and ColumnMap(Kind.SCHOOLS).canonical("(человек)") is None


def test_an_exact_header_wins_over_one_read_with_its_unit_or_as_inn_kpp(tmp_path: Path) -> None:
    """Both «ИНН» and «ИНН/КПП», both «Педагогов» and «Педагогов, чел.»: the exact header is the column (the
    other is left unread, as unknown columns are); two exact ones still conflict."""
    write(
        tmp_path / "schools.csv",
        "ИНН/КПП;ИНН;Наименование;МО;Форма собственности;Педагогов, чел.;Педагогов;Обучающихся\n"
        f"{INN_B}/231001001;{INN_A};a;b;частная;7;1;2\n",
    )
    assert load(tmp_path).schools.collect().row(0) == (INN_A, "a", "b", "private", 1, 2)
    write(
        tmp_path / "schools.csv",
        f"ИНН;ИНН ОО;Наименование;МО;Форма собственности;Педагогов;Обучающихся\n{INN_A};{INN_B};a;b;частная;1;2\n",
    )
    with pytest.raises(DataError, match=r"столбцы «ИНН» \(№1\) и «ИНН ОО» \(№2\) оба означают «ИНН» \(school_id\)"):
        load(tmp_path)


def test_each_file_load_keeps_the_headers_its_columns_were_found_under(tmp_path: Path) -> None:
    """validate names a reject's column as the file does («инн оо»), not by its canonical name."""
    write(
        tmp_path / "schools.csv",
        "Примечание;инн оо;НАИМЕНОВАНИЕ;Муниципальное  образование;Форма собственности;"
        "Педагогические работники;Обучающиеся\nx;" + f"{INN_A};a;b;частная;1;2\n",
    )
    save_book(
        tmp_path / "assistant_stats.xlsx",
        {"Лист1": [["ИНН", "Месяц", "Роль", "Активных"], [INN_A, "09.2024", "ученик", 1]]},
    )
    report = load(tmp_path)
    assert file_load(report, "schools.csv").headers == {
        "school_id": "инн оо",
        "name": "НАИМЕНОВАНИЕ",
        "municipality": "Муниципальное  образование",
        "ownership": "Форма собственности",
        "teachers_total": "Педагогические работники",
        "students_total": "Обучающиеся",
    }
    assert file_load(report, "assistant_stats.xlsx").headers == {
        "school_id": "ИНН",
        "month": "Месяц",
        "role": "Роль",
        "active": "Активных",
    }


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("logins.csv", 'platform = "myschool", "sferum" или "assistant"'),
        # named like a platform's export, yet with a manifest only the entry gives the platform
        ("sferum_events.csv", 'platform = "sferum"'),
    ],
)
def test_platform_must_come_from_the_manifest_entry(tmp_path: Path, name: str, advice: str) -> None:
    write_registry(tmp_path)
    write(tmp_path / name, f"user_id,role,school_id,ts\nu,учитель,{INN_A},2024-09-01\n")
    write_manifest(tmp_path, REGISTRY_SOURCE, {"path": name, "kind": "events"})
    with pytest.raises(DataError) as error:
        load(tmp_path)
    assert str(error.value) == (
        f"{name}: нет столбца «Платформа», а в записи [[sources]] с path = «{name}» не указана платформа; "
        f"добавьте в эту запись {advice}."
    )


def test_unsupported_suffix_in_manifest(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(tmp_path / "events.json", "{}")
    write_manifest(tmp_path, {"path": "*.*", "kind": "schools"})
    with pytest.raises(DataError, match=r"^events\.json: формат «\.json» не поддерживается"):
        load(tmp_path)


# --- xlsx ---


def test_xlsx_title_rows_and_real_row_numbers(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [],
        [None, "Сведения ОО-1 по Краснодарскому краю"],
        [None, "на 01.09.2024"],
        [None, *RU_REGISTRY_HEADER],
        [None, int(INN_A), "Школа", "г. Сочи", "Муниципальная", 40, 600.0],
        [],
        [None, 2310031476, "Плохая", "г. Сочи", "Муниципальная", 1, 1],
    ]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows})
    dataset = load(tmp_path)
    loaded = file_load(dataset, "schools.xlsx")
    assert (loaded.sheet, loaded.rows, loaded.loaded, loaded.encoding, loaded.separator) == ("Лист1", 2, 1, None, None)
    # sheet rows: title 2–3, header 4, school 5, empty 6, bad check digit 7
    assert rejects(tmp_path) == [("schools.xlsx", 7, "school_id", "2310031476", "bad_checksum")]
    assert dataset.schools.collect().row(0) == (INN_A, "Школа", "г. Сочи", "municipal", 40, 600)


def test_xlsx_many_empty_rows_above_the_header(tmp_path: Path) -> None:
    """More empty rows above the header than the header search looks at: it starts at the first filled row,
    and the row numbers are still the sheet's."""
    rows: list[list[object]] = [[] for _ in range(40)]
    rows += [[*RU_REGISTRY_HEADER], [2310031476, "Плохая", "г. Сочи", "Муниципальная", 1, 1]]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows})
    assert rejects(tmp_path) == [("schools.xlsx", 42, "school_id", "2310031476", "bad_checksum")]


def test_xlsx_rows_of_whitespace_only_are_skipped(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*RU_REGISTRY_HEADER],
        [int(INN_A), "Школа", "г. Сочи", "Муниципальная", 40, 600],  # row 2
        ["  ", "\u00a0", "\t", None, " ", None],  # row 3: whitespace only
        [int(INN_B), "  ", "г. Сочи", "Государственная", 1, 1],  # row 4: the name is blank
    ]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows})
    # (calamine gives the name's spaces as "": openpyxl does not mark them xml:space="preserve")
    assert [(file, row, column, reason) for file, row, column, _, reason in rejects(tmp_path)] == [
        ("schools.xlsx", 4, "name", "missing_value")
    ]
    loaded = file_load(load(tmp_path), "schools.xlsx")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (2, 1, 1)


def test_xlsx_merged_two_row_header(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["ИНН", "Наименование", "МО", "Форма собственности", "Численность", None])
    sheet.append([None, None, None, None, "педагогических работников", "обучающихся"])
    sheet.append([int(INN_A), "Школа", "МО", "государственная", 12, 150])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "schools.xlsx")
    dataset = load(tmp_path)
    assert dataset.schools.collect().row(0) == (INN_A, "Школа", "МО", "state", 12, 150)
    assert file_load(dataset, "schools.xlsx").rows == 1


def test_xlsx_cells_merged_down_a_column_fill_every_row_under_them(tmp_path: Path) -> None:
    """A municipality (and an ownership) merged down over its schools is each school's: calamine gives the
    cells under the first empty, which were `missing_value`. The title merged over the table stays a title."""
    rows: list[list[object]] = [
        ["Реестр ОО-1"],
        [None, *RU_REGISTRY_HEADER],
        [None, int(INN_A), "Школа 1", "г. Сочи", "Муниципальная", 10, 100],  # row 3
        [None, int(INN_B), "Школа 2", None, None, 20, 200],
        [None, int(INN_C), "Школа 3", None, "Государственная", 30, 300],  # row 5
        [None, int(INN_D), "Школа 4", "г. Краснодар", "Частная", 40, None],  # row 6: F6:G6 merged
        [None, int(INN_OUTSIDE), "Школа 5", None, "Частная", 50, 500],  # row 7: an empty cell, not merged
    ]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows}, merged=["A1:G1", "D3:D5", "E3:E4", "F6:G6"])
    dataset = load(tmp_path)
    assert dataset.schools.collect().sort("name").select("municipality", "ownership", "students_total").rows() == [
        ("г. Сочи", "municipal", 100),
        ("г. Сочи", "municipal", 200),
        ("г. Сочи", "state", 300),
        ("г. Краснодар", "private", 40),
    ]
    assert rejects(tmp_path) == [("schools.xlsx", 7, "municipality", None, "missing_value")]
    loaded = file_load(dataset, "schools.xlsx")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (5, 4, 1)


def test_xlsx_a_number_merged_over_rows_is_said(tmp_path: Path) -> None:
    """A total merged over a school and its branch is taken for each row, as Excel shows it, and the branches
    are then summed: the load report says so, naming the header and the rows. Text merged down is not said."""
    rows: list[list[object]] = [
        RU_REGISTRY_HEADER,
        [int(INN_A), "Школа 1", "г. Сочи", "Муниципальная", 4, 4],  # row 2
        [int(INN_A), "Школа 1, филиал", None, "Муниципальная", None, None],  # row 3
        [int(INN_B), "Школа 2", "г. Сочи", "Муниципальная", 2, 2],
    ]
    # (E7:E9: an empty range below the table takes nothing, and is not said)
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows}, merged=["C2:C3", "E2:E3", "E7:E9"])
    dataset = load(tmp_path)
    assert dict(dataset.schools.collect().select("school_id", "teachers_total").iter_rows()) == {INN_A: 8, INN_B: 2}
    (said,) = file_load(dataset, "schools.xlsx").warnings
    assert said.startswith(
        "schools.xlsx (лист «Лист1»): ячейки «Численность педагогических работников» в строках 2–3 объединены"
    )
    assert said in dataset.report.warnings


def test_xlsx_merged_cells_in_a_two_row_header_and_in_the_data(tmp_path: Path) -> None:
    """A header split over two rows under merged group cells is still the header when the data below it has
    merged cells too; only the ranges starting at a data row are filled."""
    book = Workbook()
    sheet = book.active
    sheet.append(["ИНН", "Наименование", "МО", "Форма собственности", "Численность", None])
    sheet.append([None, None, None, None, "педагогических работников", "обучающихся"])
    sheet.append([int(INN_A), "Школа 1", "Сочи", "государственная", 12, 150])
    sheet.append([int(INN_B), "Школа 2", None, None, 13, 160])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "C3:C4", "D3:D4"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "schools.xlsx")
    dataset = load(tmp_path)
    assert dataset.schools.collect().sort("name").rows() == [
        (INN_A, "Школа 1", "Сочи", "state", 12, 150),
        (INN_B, "Школа 2", "Сочи", "state", 13, 160),
    ]


def test_xlsx_error_cells_are_rejected_with_their_text(tmp_path: Path) -> None:
    """#N/A, #DIV/0!… (a VLOOKUP that found nothing, a division by zero) read as empty cells: a name went
    missing. They are `excel_error` with the error's text, in a column the kind reads; in an ОО-1 total the
    figure is unknown, as an empty one is (the school stays in the population)."""
    rows: list[list[object]] = [
        [*RU_REGISTRY_HEADER, "Примечание"],
        [int(INN_A), "Школа 1", "Сочи", "Муниципальная", 10, "#DIV/0!", None],  # row 2
        [int(INN_B), "#N/A", "Сочи", "Муниципальная", 10, 100, None],
        ["#REF!", "Школа 3", "Сочи", "Муниципальная", 10, 100, None],  # row 4
        [int(INN_C), "Школа 4", "#VALUE!", "Муниципальная", "#NAME?", 100, None],
        [int(INN_D), "Школа 5", "Сочи", "Муниципальная", 10, 100, "#N/A"],  # row 6: a column not read
    ]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows})
    assert rejects(tmp_path) == [
        ("schools.xlsx", 3, "name", "#N/A", "excel_error"),
        ("schools.xlsx", 4, "school_id", "#REF!", "excel_error"),
        ("schools.xlsx", 5, "municipality", "#VALUE!", "excel_error"),
    ]
    schools = load(tmp_path).schools.collect().select("school_id", "teachers_total", "students_total")
    assert sorted(schools.rows()) == sorted([(INN_A, 10, None), (INN_D, 10, 100)])


def test_excel_errors_in_a_csv_are_the_same_reject(tmp_path: Path) -> None:
    """A CSV saved from Excel holds the errors as text, in Russian from a Russian Excel: the same reason in
    every column, where a count or a date would have been «not a number» and a name taken as it is."""
    text = (
        f"{REGISTRY_HEADER}\n{INN_A},Школа 1,МО,municipal,#N/A,1\n{INN_B}, #Н/Д ,МО,state,1,1\n{INN_C},Ш,МО,state,1,1\n"
    )
    write(tmp_path / "schools.csv", text)
    assert rejects(tmp_path) == [("schools.csv", 3, "name", " #Н/Д ", "excel_error")]
    assert dict(load(tmp_path).schools.collect().select("school_id", "teachers_total").rows()) == {
        INN_A: None,
        INN_C: 1,
    }
    write(
        tmp_path / "sferum_events.csv",
        f"user_id,role,school_id,ts\n1,teacher,{INN_C},#DIV/0!\n2,#ЗНАЧ!,{INN_C},2024-09-02T08:00:00\n",
    )
    assert [(row, column, reason) for file, row, column, _, reason in rejects(tmp_path) if file != "schools.csv"] == [
        (2, "ts", "excel_error"),
        (3, "role", "excel_error"),
    ]


def test_data_cell_equal_to_an_alias_is_not_a_header(tmp_path: Path) -> None:
    # «Примечание» is no known column; the first row's note «Зарегистрировано» is an alias of the optional
    # `registered`: the complete header must not continue into that row.
    write_registry(tmp_path)
    text = f"Платформа;ИНН;Месяц;Роль;Активных;Примечание\nСферум;{INN_A};09.2024;Учитель;5;Зарегистрировано\n"
    write(tmp_path / "sferum_stats.csv", text)
    dataset = load(tmp_path)
    assert file_load(dataset, "sferum_stats.csv").rows == 1
    assert dataset.frame(dataset.report.files[1].kind).collect()["active"].to_list() == [5]


def test_a_metadata_row_naming_two_columns_is_not_the_header(tmp_path: Path) -> None:
    """«Платформа | ЦПУ | Период | 09.2024» above the table names two columns (platform, month): the header is
    the later row that has every required column, not the first with two known names."""
    rows: list[list[object]] = [
        ["Платформа", "ЦПУ", "Период", "09.2024"],
        [],
        ["Период", "Роль", "ИНН", "Зарегистрировано", "Активных"],
        ["09.2024", "обучающийся", int(INN_A), 100, 90],
        ["09.2024", "обучающийся", 2310031476, 100, 90],
    ]
    write_registry(tmp_path)
    save_book(tmp_path / "assistant_stats.xlsx", {"Лист1": rows})
    loaded = file_load(load(tmp_path), "assistant_stats.xlsx")
    assert (loaded.rows, loaded.loaded) == (2, 1)
    assert rejects(tmp_path) == [("assistant_stats.xlsx", 5, "school_id", "2310031476", "bad_checksum")]


def test_xlsx_first_sheet_unless_named(tmp_path: Path) -> None:
    first = [RU_REGISTRY_HEADER, [int(INN_A), "Первая", "МО", "частная", 1, 1]]
    second = [RU_REGISTRY_HEADER, [int(INN_B), "Вторая", "МО", "частная", 1, 1]]
    save_book(tmp_path / "schools.xlsx", {"Свод": first, "Реестр": second})
    assert load(tmp_path).schools.collect()["name"].to_list() == ["Первая"]
    write_manifest(tmp_path, {"path": "schools.xlsx", "kind": "schools", "sheet": "Реестр"})
    assert load(tmp_path).schools.collect()["name"].to_list() == ["Вторая"]
    write_manifest(tmp_path, {"path": "schools.xlsx", "kind": "schools", "sheet": "Нет"})
    with pytest.raises(DataError, match=r"^schools\.xlsx: нет листа «Нет»; в книге есть «Свод», «Реестр»"):
        load(tmp_path)


def test_xlsx_a_hidden_first_sheet_is_passed_over_unless_named(tmp_path: Path) -> None:
    """Last year's registry kept in a hidden sheet: the analyst sees «Реестр 2024» only, and that is what is
    read; the hidden sheet is named in a warning, and read when `sheet` names it."""
    from openpyxl import load_workbook

    old = [RU_REGISTRY_HEADER, [int(INN_A), "Прошлогодняя", "МО", "частная", 999, 999]]
    current = [RU_REGISTRY_HEADER, [int(INN_B), "Нынешняя", "МО", "частная", 1, 1]]
    path = save_book(tmp_path / "schools.xlsx", {"old_2023": old, "Реестр 2024": current})
    book = load_workbook(path)
    book["old_2023"].sheet_state = "hidden"
    book.active = 1
    book.save(path)
    dataset = load(tmp_path)
    assert dataset.schools.collect()["name"].to_list() == ["Нынешняя"]
    assert file_load(dataset, "schools.xlsx").sheet == "Реестр 2024"
    assert dataset.report.warnings == [
        "schools.xlsx: скрытые листы книги не прочитаны («old_2023»), прочитан лист «Реестр 2024»; чтобы прочитать "
        "скрытый лист, укажите его как sheet в [[sources]]."
    ]
    write_manifest(tmp_path, {"path": "schools.xlsx", "kind": "schools", "sheet": "old_2023"})
    named = load(tmp_path)
    assert named.schools.collect()["name"].to_list() == ["Прошлогодняя"] and named.report.warnings == []
    # a visible sheet after it, with data: «the first visible sheet» is what was read
    (tmp_path / "adoption.toml").unlink()
    book = load_workbook(path)
    book.create_sheet("Черновик").append(["x"])
    book.save(path)
    assert load(tmp_path).report.warnings[0] == (
        "schools.xlsx: прочитан только первый видимый лист книги, «Реестр 2024», а данные есть и на других "
        "(«Черновик»); чтобы прочитать другой лист, укажите его как sheet в [[sources]], чтобы все — сохраните "
        "каждый лист отдельным файлом."
    )


def test_xlsx_an_empty_hidden_sheet_is_not_worth_a_word_and_a_book_all_hidden_is_read(tmp_path: Path) -> None:
    import zipfile

    from openpyxl import load_workbook

    rows = [RU_REGISTRY_HEADER, [int(INN_A), "Школа", "МО", "частная", 1, 1]]
    path = save_book(tmp_path / "schools.xlsx", {"Служебный": [], "Реестр": rows, "Ещё": []})
    book = load_workbook(path)
    book["Служебный"].sheet_state = "hidden"
    book.active = 1
    book.save(path)
    dataset = load(tmp_path)
    assert dataset.schools.collect()["name"].to_list() == ["Школа"] and dataset.report.warnings == []
    # every sheet marked hidden (Excel never writes that; a hand-made book may): the first is read, and it is
    # not said to be left unread
    path = save_book(tmp_path / "schools.xlsx", {"Реестр": rows, "Старый": rows})
    book = load_workbook(path)
    book["Старый"].sheet_state = "hidden"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    workbook = members["xl/workbook.xml"].decode()
    members["xl/workbook.xml"] = workbook.replace('state="visible"', 'state="hidden"', 1).encode()
    assert members["xl/workbook.xml"] != workbook.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    dataset = load(tmp_path)
    assert dataset.schools.collect()["name"].to_list() == ["Школа"]
    assert dataset.report.warnings == [
        "schools.xlsx: скрытые листы книги не прочитаны («Старый»), прочитан лист «Реестр»; чтобы прочитать "
        "скрытый лист, укажите его как sheet в [[sources]]."
    ]


def test_xlsx_sheets_left_unread_are_warned(tmp_path: Path) -> None:
    """A book of one sheet per month: without `sheet` only the first is read, and the user is told which
    other sheets hold data (empty ones, as Excel adds them, are not worth a word)."""
    write_registry(tmp_path)
    header = ["Период", "Роль", "ИНН", "Зарегистрировано", "Активных"]
    months = {
        "Август": [header, ["08.2024", "обучающийся", int(INN_A), 100, 90]],
        "Лист2": [],
        "Сентябрь": [header, ["09.2024", "обучающийся", int(INN_A), 100, 80]],
    }
    save_book(tmp_path / "assistant_stats.xlsx", months)
    dataset = load(tmp_path)
    warning = (
        "assistant_stats.xlsx: прочитан только первый лист книги, «Август», а данные есть и на других "
        "(«Сентябрь»); чтобы прочитать другой лист, укажите его как sheet в [[sources]], чтобы все — сохраните "
        "каждый лист отдельным файлом."
    )
    assert file_load(dataset, "assistant_stats.xlsx").warnings == [warning]
    assert dataset.report.warnings == [warning]
    write_manifest(
        tmp_path,
        REGISTRY_SOURCE,
        {"path": "assistant_stats.xlsx", "kind": "school_stats", "platform": "assistant", "sheet": "Сентябрь"},
    )
    dataset = load(tmp_path)  # a sheet named: nothing to say
    assert dataset.report.warnings == []
    assert dataset.frame(Kind.SCHOOL_STATS).collect()["active"].to_list() == [80]


def test_xlsx_empty_first_sheet_points_at_the_sheets_with_data(tmp_path: Path) -> None:
    registry = [RU_REGISTRY_HEADER, [int(INN_A), "Школа", "МО", "частная", 1, 1]]
    save_book(tmp_path / "schools.xlsx", {"Лист1": [], "Реестр": registry})
    with pytest.raises(DataError) as error:
        load(tmp_path)
    assert str(error.value) == (
        "schools.xlsx (лист «Лист1»): первый лист книги пуст, а данные есть на других («Реестр»); укажите нужный "
        "лист как sheet в [[sources]] или сделайте его в книге первым."
    )


def test_xlsx_formulas_dates_and_dates_as_text(tmp_path: Path) -> None:
    write_registry(tmp_path)
    header = ["Платформа", "ИНН", "Месяц", "Роль", "Зарегистрировано", "Активных"]
    rows: list[list[object]] = [
        header,
        ["Сферум", int(INN_A), datetime(2024, 9, 1), "Учитель", 40, "=20+5"],  # cached result 25
        ["Сферум", int(INN_A), "09.2024", "Ученик", 600, 300],  # a month typed as text
        ["Сферум", int(INN_B), "01.10.2024", "Ученик", 300, "=1+1"],  # no cached result: empty
    ]
    save_book(tmp_path / "sferum_stats.xlsx", {"Лист1": rows})
    set_cached_value(tmp_path / "sferum_stats.xlsx", "20+5", "25")
    dataset = load(tmp_path)
    stats = dataset.frame(file_load(dataset, "sferum_stats.xlsx").kind).collect().sort("role")
    assert stats.select("month", "role", "active").rows() == [
        (datetime(2024, 9, 1).date(), "student", 300),
        (datetime(2024, 9, 1).date(), "teacher", 25),
    ]
    assert rejects(tmp_path) == [("sferum_stats.xlsx", 4, "active", None, "missing_value")]


def test_damaged_xlsx(tmp_path: Path) -> None:
    """Text saved under .xlsx and an empty .xlsx are named as such, not by a zip error's class name."""
    write(tmp_path / "schools.xlsx", "not a zip at all")
    with pytest.raises(
        DataError, match=r"^schools\.xlsx: файл не читается как книга Excel — это не ZIP-архив"
    ) as error:
        load(tmp_path)
    assert "BadZipFile" not in str(error.value) and "расширение .csv" in str(error.value)
    (tmp_path / "schools.xlsx").write_bytes(b"")
    with pytest.raises(DataError, match=r"^schools\.xlsx: файл пуст \(0 байт\)"):
        load(tmp_path)


def test_xlsx_with_a_bad_checksum_is_refused_not_read(tmp_path: Path) -> None:
    """calamine reads a part whose bytes no longer match its CRC-32 (a value changed on the disk) as if it
    were whole; the reader refuses the book instead of loading the damaged value."""
    import zipfile

    whole = save_book(
        tmp_path / "whole.xlsx", {"Лист1": [[*RU_REGISTRY_HEADER], [int(INN_A), "Школа", "МО", "Муниципальная", 4, 50]]}
    )
    damaged = tmp_path / "data" / "schools.xlsx"
    damaged.parent.mkdir()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as target:
        for part in source.infolist():  # stored, not deflated: a changed byte still decompresses
            target.writestr(part.filename, source.read(part.filename), compress_type=zipfile.ZIP_STORED)
    data = bytearray(damaged.read_bytes())
    at = data.index(b"<v>50</v>") + 3
    data[at] = ord("9")  # 50 -> 90 students
    damaged.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"^schools\.xlsx: файл не читается как книга Excel \(архив повреждён"):
        load(damaged.parent)


# --- a timestamp in two columns ---


def _timestamps(dataset_dir: Path, name: str) -> list[tuple[object, ...]]:
    dataset = load(dataset_dir)
    frame = dataset.frame(file_load(dataset, name).kind).collect().sort("user_id")
    return frame.select("user_id", "ts").rows()


def test_csv_date_and_time_columns_are_one_timestamp(tmp_path: Path) -> None:
    write_registry(tmp_path)
    rows = [
        f"1;учитель;{INN_A};01.10.2024;08:15",
        f"2;ученик;{INN_A};01.10.2024;",  # no time: midnight
        f"3;ученик;{INN_A};;08:15",  # no date: rejected
        f"4;ученик;{INN_A};30.09.2024;21:30:00Z",  # an offset converts the whole timestamp
        f"5;ученик;{INN_A};01.10.2024;25:00",
        f"6;ученик;{INN_A}; 2024-10-02 ; 08:15:30 ",
        f"7;ученик;{INN_A};;",  # both empty: a missing timestamp
        f"8;ученик;{INN_A};01.10.2024 0:00;8:15",  # a date with its midnight, as Excel writes a date cell to CSV
        f"9;ученик;{INN_A};01.10.2024;02.10.2024 10:00",  # not a time of day: the time cell alone
        f"91;ученик;{INN_A};01.10.2024;в 10",
    ]
    text = "ID пользователя;Роль;ИНН;Дата входа;Время входа\n" + "\n".join(rows) + "\n"
    write(tmp_path / "myschool_events.csv", text, encoding="cp1251")
    assert _timestamps(tmp_path, "myschool_events.csv") == [
        ("1", datetime(2024, 10, 1, 8, 15)),
        ("2", datetime(2024, 10, 1)),
        ("4", datetime(2024, 10, 1, 0, 30)),
        ("6", datetime(2024, 10, 2, 8, 15, 30)),
        ("8", datetime(2024, 10, 1, 8, 15)),
        ("9", datetime(2024, 10, 2, 10, 0)),
    ]
    assert rejects(tmp_path) == [
        ("myschool_events.csv", 4, "ts", "08:15", "bad_date"),
        ("myschool_events.csv", 6, "ts", "01.10.2024 25:00", "bad_date"),
        ("myschool_events.csv", 8, "ts", None, "missing_value"),
        ("myschool_events.csv", 11, "ts", "в 10", "bad_date"),
    ]
    assert file_load(load(tmp_path), "myschool_events.csv").headers["ts"] == "Дата входа + Время входа"


def test_xlsx_date_and_time_cells_are_one_timestamp(tmp_path: Path) -> None:
    write_registry(tmp_path)
    header = ["ID пользователя", "Роль", "ИНН", "Время", "Дата"]  # (the time first: the order does not matter)
    save_book(
        tmp_path / "myschool_events.xlsx",
        {
            "Лист1": [
                header,
                [1, "teacher", INN_A, time(8, 15, 30), date(2024, 10, 1)],
                [2, "student", INN_A, 0.5, 45566],  # a fraction of a day, a serial day number
                [3, "student", INN_A, "23:59", "30.09.2024"],
                [4, "student", INN_A, time(9, 0), datetime(2024, 10, 1, 8, 0)],  # the date cell has its own time
                [5, "student", INN_A, datetime(2024, 10, 2, 7, 0), date(2024, 10, 2)],  # a whole timestamp as the time
            ]
        },
    )
    assert _timestamps(tmp_path, "myschool_events.xlsx") == [
        ("1", datetime(2024, 10, 1, 8, 15, 30)),
        ("2", datetime(2024, 10, 1, 12, 0)),
        ("3", datetime(2024, 9, 30, 23, 59)),
        ("5", datetime(2024, 10, 2, 7, 0)),
    ]
    assert [r[1:] for r in rejects(tmp_path)] == [(5, "ts", "2024-10-01 08:00:00 09:00:00", "bad_date")]


@pytest.mark.parametrize(
    ("times", "read", "rejected"),
    [
        ([time(8, 15), None], [datetime(2024, 10, 1, 8, 15), datetime(2024, 9, 30)], []),
        # a time of day as the time since midnight; a day and more is no time of day
        (
            [timedelta(hours=8, minutes=15, seconds=1), timedelta(days=1, hours=1)],
            [datetime(2024, 10, 1, 8, 15, 1)],
            [(2, "ts", "P1DT1H", "bad_date")],
        ),
    ],
    ids=["time", "duration"],
)
def test_parquet_date_and_time_columns_are_one_timestamp(
    tmp_path: Path, times: list[object], read: list[datetime], rejected: list[tuple[object, ...]]
) -> None:
    write_registry(tmp_path)
    pl.DataFrame(
        {
            "user_id": ["1", "2"],
            "role": ["teacher", "student"],
            "school_id": [INN_A, INN_A],
            "Дата входа": [date(2024, 10, 1), date(2024, 9, 30)],
            "Время входа": times,
        }
    ).write_parquet(tmp_path / "myschool_events.parquet")
    assert [ts for _, ts in _timestamps(tmp_path, "myschool_events.parquet")] == read
    assert [r[1:] for r in rejects(tmp_path)] == rejected


def test_a_whole_timestamp_column_beside_a_part_is_the_one_read(tmp_path: Path) -> None:
    write_registry(tmp_path)
    text = f"user_id,role,school_id,Время,Дата и время\n1,teacher,{INN_A},00:12:30,01.10.2024 08:15\n"
    write(tmp_path / "myschool_events.csv", text)
    assert _timestamps(tmp_path, "myschool_events.csv") == [("1", datetime(2024, 10, 1, 8, 15))]
    assert file_load(load(tmp_path), "myschool_events.csv").headers["ts"] == "Дата и время"


@pytest.mark.parametrize(
    "headers",
    [
        ("Дата входа", "Дата события"),  # two dates
        ("Время входа", "Время события"),
        ("Дата и время", "Дата и время входа"),  # two whole timestamps
    ],
)
def test_two_timestamp_columns_that_are_not_a_date_and_a_time_are_an_error(
    tmp_path: Path, headers: tuple[str, str]
) -> None:
    write_registry(tmp_path)
    write(tmp_path / "myschool_events.csv", f"user_id,role,school_id,{','.join(headers)}\n1,teacher,{INN_A},x,y\n")
    with pytest.raises(
        DataError,
        match=f"столбцы «{headers[0]}» \\(№4\\) и «{headers[1]}» \\(№5\\) оба означают «Дата и время» \\(ts\\)",
    ):
        load(tmp_path)


# --- Parquet ---


def test_parquet_typed_columns_are_normalised(tmp_path: Path) -> None:
    write_registry(tmp_path)
    pl.DataFrame(
        {
            "platform": ["Моя школа", "Моя школа", "Моя школа"],
            "user_id": [1001, 1002, 1003],
            "role": ["teacher", "student", "student"],
            "school_id": [float(INN_A), float(INN_B), 1.5],
            "ts": [
                datetime(2024, 9, 30, 21, 0, tzinfo=ZoneInfo("UTC")),
                datetime(2024, 9, 30, 23, 59, 59, tzinfo=ZoneInfo("UTC")),
                datetime(2024, 9, 1, tzinfo=ZoneInfo("UTC")),
            ],
        }
    ).write_parquet(tmp_path / "myschool_events.parquet")
    dataset = load(tmp_path)
    events = dataset.frame(file_load(dataset, "myschool_events.parquet").kind).collect().sort("user_id")
    assert events.select("user_id", "school_id", "ts").rows() == [
        ("1001", INN_A, datetime(2024, 10, 1, 0, 0)),
        ("1002", INN_B, datetime(2024, 10, 1, 2, 59, 59)),
    ]
    assert rejects(tmp_path) == [("myschool_events.parquet", 3, "school_id", "1.5", "invalid_inn")]


def test_damaged_parquet(tmp_path: Path) -> None:
    write(tmp_path / "schools.parquet", REGISTRY)
    with pytest.raises(DataError, match=r"^schools\.parquet: файл не читается как Parquet"):
        load(tmp_path)


# Events files are read without spare columns unless their first lines need them (readers.SPARE_COLUMNS):
# a longer row past the sniffed sample makes the loader read the file again, with the same outcome.
_EVENTS_HEADER = "platform,user_id,role,school_id,ts"
_PAST_THE_SAMPLE = 10_000  # rows of ~50 bytes: well past the 256 KiB the reader sniffs


def _events(tmp_path: Path, late_row: str | None = None, early_row: str | None = None) -> None:
    write_registry(tmp_path)
    rows = [f"sferum,{i},student,{INN_A},2024-09-02T08:00:00" for i in range(_PAST_THE_SAMPLE)]
    if early_row is not None:
        rows[2] = early_row  # file row 4
    if late_row is not None:
        rows[-2] = late_row  # file row _PAST_THE_SAMPLE
    write(tmp_path / "sferum_events.csv", "\n".join([_EVENTS_HEADER, *rows]) + "\n")


def _spare_columns_read(tmp_path: Path) -> list[int | None]:
    """The spare_columns of every read of the events file (the loader may read it twice)."""
    from adoption_cli.sources import loader

    seen: list[int | None] = []
    real = loader.read_table

    def spy(*args: object, **kwargs: object) -> object:
        table = real(*args, **kwargs)  # type: ignore[arg-type]
        if str(args[1]) == "sferum_events.csv":
            seen.append(table.spare_columns)
        return table

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "read_table", spy)
        load(tmp_path)
    return seen


def test_a_long_row_past_the_sample_is_rejected_after_a_second_read(tmp_path: Path) -> None:
    _events(tmp_path, late_row=f"sferum,7,student,{INN_A},2024-09-02T08:00:00,лишнее")
    assert _spare_columns_read(tmp_path) == [0, 8]
    loaded = file_load(load(tmp_path), "sferum_events.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (_PAST_THE_SAMPLE, _PAST_THE_SAMPLE - 1, 1)
    assert rejects(tmp_path) == [("sferum_events.csv", _PAST_THE_SAMPLE, "*", None, "ragged_row")]


def test_trailing_empty_fields_past_the_sample_lose_nothing(tmp_path: Path) -> None:
    _events(tmp_path, late_row=f"sferum,7,student,{INN_A},2024-09-02T08:00:00,,")
    loaded = file_load(load(tmp_path), "sferum_events.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (_PAST_THE_SAMPLE, _PAST_THE_SAMPLE, 0)


def test_a_long_row_in_the_first_lines_needs_one_read(tmp_path: Path) -> None:
    _events(tmp_path, early_row=f"sferum,7,student,{INN_A},2024-09-02T08:00:00,лишнее")
    assert _spare_columns_read(tmp_path) == [8]
    assert rejects(tmp_path) == [("sferum_events.csv", 4, "*", None, "ragged_row")]


def test_a_plain_file_is_read_once_without_spare_columns(tmp_path: Path) -> None:
    _events(tmp_path)
    assert _spare_columns_read(tmp_path) == [0]


def test_a_row_far_too_long_past_the_sample_still_fails_loudly(tmp_path: Path) -> None:
    _events(tmp_path, late_row=f"sferum,7,student,{INN_A},2024-09-02T08:00:00{',x' * 12}")
    with pytest.raises(DataError, match=r"^sferum_events\.csv: в строке больше чем на 8 полей больше"):
        load(tmp_path)


def test_first_rows_are_the_frame_s_first_rows(tmp_path: Path) -> None:
    """The cheap sample read (RawTable.head: the CSV reader stops after N lines) gives exactly the full
    frame's first rows, title lines above the header and row numbers included."""
    from adoption_cli.schema import Kind
    from adoption_cli.sources.columns import ColumnMap
    from adoption_cli.sources.readers import read_table

    rows = "\n".join(f"sferum,{i},student,{INN_A},2024-09-02T08:{i % 60:02d}:00" for i in range(500))
    write(tmp_path / "e.csv", f"Выгрузка за сентябрь\n\nplatform,user_id,role,school_id,ts\n{rows}\n")
    table = read_table(tmp_path / "e.csv", "e.csv", ColumnMap(Kind.EVENTS), platform_given=False, timezone="UTC")
    assert table.first_rows is not None
    for limit in (1, 7, 499, 500, 600):
        assert table.head(limit).collect().equals(table.frame.head(limit).collect()), limit
    assert table.head(3).collect()["_row"].to_list() == [4, 5, 6]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_first_rows_of_a_long_file_are_read_from_its_first_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, eol: str
) -> None:
    """Past `SAMPLE_BYTES + rows × HEAD_ROW_BYTES`, RawTable.head reads only the file's first complete lines
    (Polars' scan of the whole file costs in proportion to it): the rows it gives are the frame's first ones,
    as many as fit."""
    from adoption_cli.schema import Kind
    from adoption_cli.sources import readers
    from adoption_cli.sources.columns import ColumnMap
    from adoption_cli.sources.readers import read_table

    rows = eol.join(f'sferum,{i},student,{INN_A},"2024-09-02T08:{i % 60:02d}:00"' for i in range(2000))
    text = f"Выгрузка за сентябрь{eol}{eol}platform,user_id,role,school_id,ts{eol}{rows}{eol}"
    (tmp_path / "e.csv").write_bytes(text.encode())
    table = read_table(tmp_path / "e.csv", "e.csv", ColumnMap(Kind.EVENTS), platform_given=False, timezone="UTC")
    monkeypatch.setattr(readers, "SAMPLE_BYTES", 200)
    monkeypatch.setattr(readers, "HEAD_ROW_BYTES", 30)
    read: list[object] = []
    first_lines = readers.first_lines
    monkeypatch.setattr(
        readers, "first_lines", lambda *args, **kwargs: read.append(first_lines(*args, **kwargs)) or read[-1]
    )
    for limit in (1, 10, 100):
        head = table.head(limit).collect()
        assert isinstance(read[-1], bytes) and len(read[-1]) <= 200 + limit * 30
        assert 1 <= head.height <= limit, limit
        assert head.equals(table.frame.head(head.height).collect()), limit
    assert table.head(10).collect()["_row"].to_list()[:3] == [4, 5, 6]


def test_first_rows_never_end_inside_a_quoted_cell_or_before_the_first_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cut of the first bytes inside a quoted cell that spans lines steps back to a whole record (it made
    Polars fail, and the file lost the short cut); bytes ending no data row at all give the file to scan."""
    from adoption_cli.schema import Kind
    from adoption_cli.sources import readers
    from adoption_cli.sources.columns import ColumnMap
    from adoption_cli.sources.readers import read_table

    rows = "".join(f'sferum,{i},student,"{INN_A}\n",2024-09-02T08:00:00\n' for i in range(50))
    write(tmp_path / "q.csv", "platform,user_id,role,school_id,ts\n" + rows)
    table = read_table(tmp_path / "q.csv", "q.csv", ColumnMap(Kind.EVENTS), platform_given=False, timezone="UTC")
    monkeypatch.setattr(readers, "SAMPLE_BYTES", 200)
    monkeypatch.setattr(readers, "HEAD_ROW_BYTES", 30)
    heights = []
    for limit in range(1, 40):
        head = table.head(limit).collect()  # (a cut inside a cell raised ComputeError here)
        assert head.equals(table.frame.head(head.height).collect()), limit
        heights.append(head.height)
    assert heights[0] >= 1 and max(heights) < 39  # a prefix of the file's rows, from its first bytes
    long_row = f"sferum,1,student,{INN_A},2024-09-02T08:00:00,{'x' * 500}\n"
    write(tmp_path / "long.csv", "platform,user_id,role,school_id,ts,note\n" + long_row * 3)
    table = read_table(tmp_path / "long.csv", "l.csv", ColumnMap(Kind.EVENTS), platform_given=False, timezone="UTC")
    assert table.head(2).collect().height == 2  # no row ends within the bytes: the file is scanned


def test_a_time_column_of_whole_timestamps_beside_a_date_column_is_read_alone(tmp_path: Path) -> None:
    """«Время входа» is also how some exports name their one timestamp column: beside a «Дата» (of the export,
    say) its whole timestamps are read as they are."""
    write_registry(tmp_path)
    text = f"ID пользователя;Роль;ИНН;Время входа;Дата\n1;учитель;{INN_A};01.10.2024 08:15;30.10.2024\n"
    write(tmp_path / "myschool_events.csv", text, encoding="cp1251")
    assert _timestamps(tmp_path, "myschool_events.csv") == [("1", datetime(2024, 10, 1, 8, 15))]


@pytest.mark.parametrize(
    "head",
    [
        "user_id,role,school_id,ts\r",  # the header's line ends in CR alone, every other in LF
        "Выгрузка событий\r\ruser_id,role,school_id,ts\n",  # a title whose line ends in CR alone
    ],
)
def test_a_cr_alone_above_the_data_loses_no_row(tmp_path: Path, head: str) -> None:
    """One CR alone in 200 lines is under the 1 % that keeps it a character of its field; above the data it
    ended a line for the header search but not for Polars, which skipped the first data line with it, silently
    (independent review)."""
    write_registry(tmp_path)
    rows = [f"u{i},teacher,{INN_A},2024-09-{1 + i % 28:02d} 10:00:00" for i in range(200)]
    write(tmp_path / "myschool_events.csv", head + "\n".join(rows) + "\n")
    loaded = file_load(load(tmp_path), "myschool_events.csv")
    assert (loaded.rows, loaded.loaded) == (200, 200)


def test_a_few_lines_ending_in_cr_alone_keep_their_rows_and_numbers(tmp_path: Path) -> None:
    """Two CR-only lines appended to 200 LF ones (another tool's export pasted at the end): both are rows of
    their own, numbered as an editor shows them. Read as characters of a field (a rule of under 1 % of the
    lines, tried and dropped), they ran into the lines around them: a row lost, or the file stopped as ragged."""
    write_registry(tmp_path)
    rows = [f"u{i},teacher,{INN_A},2024-09-{1 + i % 28:02d} 10:00:00" for i in range(200)]
    text = "user_id,role,school_id,ts\n" + "\n".join(rows) + "\n"
    text += f"x1,teacher,{INN_A},2024-09-10 10:00:00\rx2,teacher,123,2024-09-10 10:00:00\r"
    write(tmp_path / "myschool_events.csv", text)
    loaded = file_load(load(tmp_path), "myschool_events.csv")
    assert (loaded.rows, loaded.loaded, loaded.rejected) == (202, 201, 1)
    assert rejects(tmp_path) == [("myschool_events.csv", 203, "school_id", "123", "invalid_inn")]


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_count_merged_over_sub_columns_is_read_from_its_total(tmp_path: Path, form: str) -> None:
    """«Педагогические работники» over «из них учителей | всего», «Обучающиеся» over «1-4 | 5-9 | 10-11 | Итого»:
    the totals are the columns. The first sub-column was read as the group, silently (18 of 20 teachers)."""
    header = ["ИНН", "Наименование", "МО", "Форма собственности", "Педагогические работники", None]
    header += ["Обучающиеся", None, None, None]
    sub_headers = [None, None, None, None, "из них учителей", "всего", "1-4 классы", "5-9 классы", "10-11", "Итого"]
    school = [INN_A, "Школа", "МО", "муниципальная", "18", "20", "80", "80", "40", "200"]
    if form == "xlsx":
        rows: list[list[object]] = [header, sub_headers, school]
        save_book(tmp_path / "schools.xlsx", {"Лист1": rows}, merged=["E1:F1", "G1:J1", "A1:A2", "B1:B2"])
    else:
        lines = [header, sub_headers, school]
        write(tmp_path / "schools.csv", "\n".join(";".join(cell or "" for cell in line) for line in lines) + "\n")
    dataset = load(tmp_path)
    assert dataset.schools.collect().row(0) == (INN_A, "Школа", "МО", "municipal", 20, 200)
    loaded = file_load(dataset, f"schools.{form}")
    assert (loaded.rows, loaded.rejected) == (1, 0)  # the sub-headers are the header, not a rejected row


def test_a_count_merged_over_sub_columns_without_a_total_is_not_read_from_its_first(tmp_path: Path) -> None:
    """No «всего»/«итого» among the sub-columns: the column is missing, and the message lists them to choose
    from; a manifest then names one, and it is read."""
    lines = [
        "ИНН;Наименование;МО;Форма собственности;Педагогов;Обучающиеся;",
        ";;;;;1-4 классы;5-11 классы",
        f"{INN_A};Школа;МО;муниципальная;20;80;120",
    ]
    write(tmp_path / "schools.csv", "\n".join(lines) + "\n")
    message = load_error(tmp_path)
    assert "нет обязательного столбца «Численность обучающихся» (students_total;" in message
    assert "«Обучающиеся 1-4 классы», «Обучающиеся 5-11 классы»" in message
    write_manifest(
        tmp_path, {"path": "schools.csv", "kind": "schools", "columns": {"students_total": "Обучающиеся 5-11 классы"}}
    )
    assert load(tmp_path).schools.collect()["students_total"].to_list() == [120]


def test_a_group_with_a_unit_joins_its_sub_headers(tmp_path: Path) -> None:
    """«Численность, чел.» over «педагогических работников | обучающихся»: the unit stood between the words."""
    rows: list[list[object]] = [
        ["ИНН", "Наименование", "МО", "Форма собственности", "Численность, чел.", None],
        [None, None, None, None, "педагогических работников", "обучающихся"],
        [int(INN_A), "Школа", "МО", "государственная", 12, 150],
    ]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows}, merged=["E1:F1"])
    assert load(tmp_path).schools.collect().row(0) == (INN_A, "Школа", "МО", "state", 12, 150)


def test_a_registry_with_the_headers_of_an_oo1_export(tmp_path: Path) -> None:
    """The headers a regional ОО-1 export has: a full and a short name (the short one is read), «Тип
    собственности» with ОКФС codes, counts with their units, «Количество …»."""
    lines = [
        "№ п/п;Наименование муниципального образования;Полное наименование образовательной организации;"
        "Краткое наименование;ИНН учреждения;Тип собственности;Количество педагогических работников, чел.;"
        "Всего обучающихся",
        f"1;г. Сочи;Муниципальное бюджетное общеобразовательное учреждение № 1;МБОУ СОШ № 1;{INN_A};"
        "14 - Муниципальная собственность;40 чел.;1 200",
        f"2;г. Сочи;Государственное бюджетное общеобразовательное учреждение № 2;ГБОУ № 2;{INN_B};"
        "Собственность субъекта РФ (13);н/д;310",
    ]
    write(tmp_path / "schools.csv", "\n".join(lines) + "\n")
    schools = load(tmp_path).schools.collect().sort("school_id")
    assert schools.rows() == [
        (INN_B, "ГБОУ № 2", "г. Сочи", "state", None, 310),
        (INN_A, "МБОУ СОШ № 1", "г. Сочи", "municipal", 40, 1200),
    ]


def test_a_missing_column_message_names_every_missing_column(tmp_path: Path) -> None:
    write(tmp_path / "schools.csv", "ИНН;Школа;Педагогов\n")
    message = load_error(tmp_path)
    assert message.startswith("schools.csv: нет обязательных столбцов «Муниципальное образование» (municipality;")
    for column in ("«Форма собственности» (ownership;", "«Численность обучающихся» (students_total;"):
        assert column in message
    assert "в файле: «ИНН», «Школа», «Педагогов»;" in message


def test_a_data_row_without_a_number_is_not_taken_for_sub_headers(tmp_path: Path) -> None:
    """An ИНН/КПП cell, counts «н/д» and a note under an unnamed column: the first data row has no number, and
    was read as a row of sub-headers (the school lost, the file stopped). Under a header that starts no group
    a data row has its cell; a row of sub-headers has nothing there."""
    lines = [
        "ИНН/КПП;Наименование;МО;Форма собственности;Педагогов;Обучающихся;",
        f"{INN_A}/231001001;СОШ 1;МО;муниципальная;н/д;н/д;филиал закрыт",
    ]
    write(tmp_path / "schools.csv", "\n".join(lines) + "\n")
    assert load(tmp_path).schools.collect().row(0) == (INN_A, "СОШ 1", "МО", "municipal", None, None)


@pytest.mark.parametrize(
    ("sub_headers", "expected"),
    [
        (["1", "2", "3", "Всего"], 200),  # grades by number: the sub-headers hold numbers
        (["Количество обучающихся", "из них с ОВЗ", None, None], 80),  # a sub-header naming the column itself
    ],
)
def test_the_total_of_a_group_in_other_forms(tmp_path: Path, sub_headers: list[str | None], expected: int) -> None:
    header = ["ИНН", "Наименование", "МО", "Форма собственности", "Педагогов", "Численность обучающихся"]
    width = sum(1 for cell in sub_headers if cell is not None)
    rows: list[list[object]] = [
        [*header, *[None] * (width - 1)],
        [None] * 5 + sub_headers[:width],
        [int(INN_A), "Школа", "МО", "муниципальная", 20, *([80, 2, 40, 200] if width == 4 else [80, 3])],
    ]
    save_book(tmp_path / "schools.xlsx", {"Лист1": rows})
    assert load(tmp_path).schools.collect()["students_total"].to_list() == [expected]


@pytest.mark.parametrize(
    ("names", "read"),
    [
        (["Наименование ОО", "Краткое наименование ОО"], "short"),
        (["Полное наименование", "Краткое наименование"], "short"),
        (["Полное наименование образовательной организации", "Наименование ОО"], "short"),
    ],
)
def test_of_two_names_the_shorter_kind_is_read(tmp_path: Path, names: list[str], read: str) -> None:
    """A registry with a full and a short name: «оба означают» stopped it; the short one (or the plain one
    beside a full one) is the name."""
    header = ["ИНН", *names, "МО", "Форма собственности", "Педагогов", "Обучающихся"]
    write(tmp_path / "schools.csv", ";".join(header) + f"\n{INN_A};long;{read};МО;муниципальная;1;2\n")
    assert load(tmp_path).schools.collect()["name"].to_list() == [read]


def test_a_login_beside_a_user_id_is_left_unread(tmp_path: Path) -> None:
    write_registry(tmp_path)
    write(
        tmp_path / "sferum_events.csv", f"ID пользователя;Логин;Роль;ИНН;Дата\nu1;ivanov;учитель;{INN_A};01.09.2024\n"
    )
    events = load(tmp_path).frame(Kind.EVENTS).collect()
    assert events["user_id"].to_list() == ["u1"]


def test_two_aliases_of_one_count_are_an_error_whatever_their_units(tmp_path: Path) -> None:
    """«Педагогов, чел.» (40) beside «Численность педагогов» (2): two headers, two figures — one was read
    silently. Only the same header twice, once with its unit, is told apart."""
    header = "ИНН;Наименование;МО;Форма собственности;Педагогов, чел.;Численность педагогов;Обучающихся"
    write(tmp_path / "schools.csv", f"{header}\n{INN_A};Ш;МО;муниципальная;40;2;100\n")
    with pytest.raises(DataError, match=r"«Педагогов, чел\.» \(№5\) и «Численность педагогов» \(№6\) оба означают"):
        load(tmp_path)


def test_a_first_row_of_no_figures_is_data_not_sub_headers(tmp_path: Path) -> None:
    """«н/д» under a count and «нет данных» under an unnamed column: «no figure», not sub-headers."""
    lines = ["ИНН;Наименование;МО;Форма собственности;Педагогов;Обучающиеся;", ";;;;;н/д;нет данных"]
    lines.append(f"{INN_A};Ш;МО;муниципальная;4;н/д;")
    write(tmp_path / "schools.csv", "\n".join(lines) + "\n")
    dataset = load(tmp_path)
    assert dataset.schools.collect().row(0) == (INN_A, "Ш", "МО", "municipal", 4, None)
    assert file_load(dataset, "schools.csv").rejected == 1  # the row of «no figures» and no ИНН
