"""One rule compares what people typed (adoption_cli.text): vocabulary cells, school and municipality names, option
values. Python keys the query and the spellings, Polars the columns: the two must give the same key."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adoption_cli.schema import ValueType, vocabulary_index
from adoption_cli.text import comparison_key, comparison_key_expr, folded, folded_expr

# Letters that fold, quotes, the number sign and every kind of space the rule names, and some it does not
# (the ASCII separators \x1c–\x1f, which Python's \s takes and Polars' does not).
TYPED = st.text(
    alphabet=st.sampled_from(
        "АаБбЁёЕеЙйЯяNnoOİ09 \t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u2007\u202f\u3000\ufeff«»\"'„“”`№-.,"
    ),
    max_size=40,
)


def _polars(function: object, text: str) -> str:
    return pl.select(function(pl.lit(text, pl.String))).item()  # type: ignore[operator]


@settings(max_examples=400, deadline=None)
@given(TYPED)
@example("\x1c")
@example("\ufeffУчитель")
def test_the_python_and_polars_keys_agree(text: str) -> None:
    assert comparison_key(text) == _polars(comparison_key_expr, text)
    assert folded(text) == _polars(folded_expr, text)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  «Учитель» ", "учитель"),
        ("Гимназия №5", "гимназия № 5"),
        ("гимназия  №  5", "гимназия № 5"),
        ('МБОУ "СОШ № 1"', "мбоу сош № 1"),
        ("Ёлочка", "елочка"),
        ("\ufeffсферум\u00a0", "сферум"),
        ("a\u2007\u202fb", "a b"),
        ("Сферум\x1c", "сферум\x1c"),  # a separator is not a space: kept, so the key differs
    ],
)
def test_comparison_key(typed: str, key: str) -> None:
    assert comparison_key(typed) == key == _polars(comparison_key_expr, typed)


def test_a_quoted_spelling_of_a_vocabulary_value_is_that_value() -> None:
    roles = vocabulary_index(ValueType.ROLE)
    assert roles[comparison_key("«Учитель»")] == roles[comparison_key("учитель")] == "teacher"
    assert roles[comparison_key("'Ученик'")] == "student"
