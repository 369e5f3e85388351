"""The parsers' fast paths (plain ISO timestamps, plain ИНН, canonical codes, plain ids) give exactly what
the general rules give, on the cells they take and on every other cell (property tests)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adoption_cli.schema import ValueType, vocabulary_index
from adoption_cli.sources import reasons
from adoption_cli.sources.values import (
    EARLIEST,
    INN_WEIGHTS,
    ParseContext,
    Parsed,
    _any_inn,
    _datetime,
    _identifier,
    _inn,
    _Steps,
    code_of,
    datetime_steps,
    vocabulary_code,
    vocabulary_spellings,
    with_stages,
)
from adoption_cli.text import comparison_key_expr

CONTEXT = ParseContext("Europe/Moscow", date(2025, 6, 1))
Parser = Callable[[pl.Expr, _Steps], tuple[pl.Expr, pl.Expr]]


def _run(parser: Parser, cells: list[str]) -> pl.DataFrame:
    step = _Steps("_t_")
    value, error = parser(pl.col("cell"), step)
    parsed = Parsed(value, error, tuple(step.stages))
    frame = with_stages(pl.LazyFrame({"cell": cells}, schema={"cell": pl.String}), [parsed])
    return frame.select("cell", value.alias("value"), error.cast(pl.String).alias("error")).collect()


def _same(fast: pl.DataFrame, general: pl.DataFrame) -> None:
    assert fast.equals(general), pl.concat(
        [fast, general.drop("cell").rename(lambda c: f"general_{c}")], how="horizontal"
    )


def _valid_inn(body: str) -> str:
    return body + str(sum(int(d) * w for d, w in zip(body, INN_WEIGHTS, strict=True)) % 11 % 10)


def _no_error(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return expr, pl.lit(None, pl.String)


# What parse_column hands a parser: stripped, non-empty cells.
nines = st.text(alphabet="0123456789", min_size=9, max_size=9)
inns = st.one_of(
    nines.map(_valid_inn),
    nines.map(lambda body: _valid_inn(body)[:-1] + "0"),
    nines.map(lambda body: "+" + _valid_inn(body)[1:]),
    nines.map(lambda body: "-" + _valid_inn(body)[1:]),
    st.text(alphabet="0123456789+-., '٣", min_size=1, max_size=13),
)
stamps = st.builds(
    "{}-{}-{}{}{}:{}{}{}{}".format,
    st.sampled_from(["2024", "1999", "02024", "24"]),
    st.sampled_from(["10", "1", "02", "13", "00"]),
    st.sampled_from(["01", "5", "31", "30", "29", "00"]),
    st.sampled_from(["T", " ", "t", "  ", " T"]),
    st.sampled_from(["00", "9", "23", "24", "\t9", "+9", "\u00a09"]),
    st.sampled_from(["00", "5", "59", "60", " 5", "\t5"]),
    st.sampled_from([":21", "", ":60", ":5"]),
    st.sampled_from(["", ".5", ",123", ".1234567"]),
    st.sampled_from(["", "Z", "+03:00", "-0130", " UTC", "+03"]),
)
timestamps = st.one_of(stamps, st.text(alphabet="0123456789-:T .Z+\t\u00a0", min_size=1, max_size=22))
spellings = [s for vt in (ValueType.ROLE, ValueType.PLATFORM) for s in vocabulary_index(vt)]
words = st.one_of(
    st.sampled_from(spellings),
    st.sampled_from(spellings).map(str.upper),
    st.sampled_from(spellings).map(lambda s: f"«{s}»"),
    st.sampled_from(spellings).map(lambda s: s.replace(" ", "  ").replace("е", "ё")),
    st.text(alphabet="abcмшсферумё «»", min_size=1, max_size=12),
)
ids = st.one_of(
    st.text(alphabet="0123456789.", min_size=1, max_size=10),
    st.text(alphabet="0123456789.,'=\" ", min_size=1, max_size=10),
    st.integers(0, 10**9).map(lambda n: f"{n}.0"),
    st.text(min_size=1, max_size=8),
)


def stripped(cells: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(cells.map(str.strip).filter(bool), min_size=1, max_size=30)


@settings(max_examples=80, deadline=None)
@given(stripped(inns))
def test_inn_fast_path_matches_the_general_rules(cells: list[str]) -> None:
    _same(_run(lambda t, s: _inn(t, s, CONTEXT), cells), _run(_any_inn, cells))


def test_inn_fast_path_matches_the_general_rules_on_every_check_digit() -> None:
    # Bodies spread over all nine digits (generated examples tend to small numbers, where a wrong weight
    # of a high digit goes unseen), each with all ten check digits: one right, nine wrong.
    bodies = [f"{k * 7_919_104_729 % 10**9:09d}" for k in range(1, 301)]
    cells = [body + str(check) for body in bodies for check in range(10)]
    result = _run(lambda t, s: _inn(t, s, CONTEXT), cells)
    _same(result, _run(_any_inn, cells))
    assert result["value"].drop_nulls().to_list() == [_valid_inn(body) for body in bodies]


@settings(max_examples=80, deadline=None)
@given(stripped(timestamps))
# Found by this test: strptime takes a doubled space and an unpadded field, the general rules do not.
@example(["2024-10-01  00:00:21", "2024-10-01  00:5:21", "2024-10-01T0:05:21", "1.10.2024 00:05"])
# Found by a review: a space in the format matches any whitespace or none (a missing separator and a space
# elsewhere), and a digit of another script in the fraction passed \d and failed the cast.
@example(["2024-01-0108: 00:00", "2024-01-01T08:00:00.٣", "2024-01-01T\t8:00:00", "2024-01-01 08:00:\t0"])
def test_datetime_fast_path_matches_the_general_rules(cells: list[str]) -> None:
    general = _run(lambda t, s: _no_error(datetime_steps(t, s, CONTEXT.timezone)), cells)
    fast = _run(lambda t, s: _datetime(t, s, CONTEXT), cells)
    in_range = pl.col("value").is_between(pl.lit(EARLIEST), pl.lit(CONTEXT.future_limit), closed="left")
    _same(fast.select("cell", "value"), general.select("cell", pl.when(in_range).then(pl.col("value")).alias("value")))


@settings(max_examples=80, deadline=None)
@given(stripped(words))
def test_vocabulary_fast_path_matches_the_general_rules(cells: list[str]) -> None:
    for value_type in (ValueType.ROLE, ValueType.PLATFORM):
        known = vocabulary_spellings(value_type)
        fast = _run(lambda t, s, vt=value_type: _no_error(vocabulary_code(t, vt, s)), cells)
        _same(fast, _run(lambda t, s, k=known: _no_error(code_of(comparison_key_expr(t), k)), cells))


@settings(max_examples=80, deadline=None)
@given(stripped(ids))
def test_identifier_fast_path_matches_the_general_rule(cells: list[str]) -> None:
    expected = [_identifier_by_the_rule(c) for c in cells]
    general = pl.DataFrame(
        {"cell": cells, "value": expected, "error": [None if v else reasons.MISSING_VALUE for v in expected]},
        schema={"cell": pl.String, "value": pl.String, "error": pl.String},
    )
    _same(_run(lambda t, s: _identifier(t, s, CONTEXT), cells), general)


def _identifier_by_the_rule(cell: str) -> str:
    """docs/data-formats.md, in plain Python: Excel's marks (a leading apostrophe, ="…") removed, the rest
    trimmed, and a number's trace («.0», «,00», «.0000»; not three zeros, 10,000) dropped."""
    if not re.search(r"[.,'=]", cell):
        return cell
    text = cell.removeprefix("'")
    text = re.sub(r'^="(.*)"$', r"\1", text, flags=re.DOTALL).strip()
    return re.sub(r"^(\d+)[.,](?:0{1,2}|0{4,})$", r"\1", text)
