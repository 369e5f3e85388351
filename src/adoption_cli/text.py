"""How the tool compares what people typed: one rule for a vocabulary cell («Учитель», « «Сферум» »), a school's
or a municipality's name («Гимназия №5» = гимназия № 5) and an option's value, with its twin in Polars for
columns. A test holds each pair equal on arbitrary text (tests/test_text.py).

No Polars import here: the twins only call methods of the expression they are given, so that a command that
never touches a frame (`--help`, the school card from the store) does not pay for importing Polars.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# Quotes around a name or a value, as spreadsheets and typists write them; dropped before comparing.
QUOTES = "«»\"'„“”`"
# Any run of whitespace: Unicode's White_Space and the byte-order mark, spelt out (Python's \s also takes the
# ASCII separators \x1c–\x1f and Polars' does not; neither takes the byte-order mark).
_SPACES = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
WHITESPACE = re.compile(_SPACES)
_QUOTES_RE = re.compile(f"[{re.escape(QUOTES)}]")


def folded(text: str) -> str:
    """Case and ё/е aside: «Ёлочка» sorts and compares among the Е."""
    return text.lower().replace("ё", "е")


def folded_expr(text: pl.Expr) -> pl.Expr:
    """`folded` for a column."""
    return text.str.to_lowercase().str.replace_all("ё", "е", literal=True)


def comparison_key(text: str) -> str:
    """What two spellings of one thing share: `folded`, without quotes, «№5» as «№ 5», every run of whitespace
    one space, trimmed."""
    key = _QUOTES_RE.sub("", folded(text)).replace("№", "№ ")
    return WHITESPACE.sub(" ", key).strip(" ")


def comparison_key_expr(text: pl.Expr) -> pl.Expr:
    """`comparison_key` for a column."""
    return (
        folded_expr(text)
        .str.replace_all(f"[{re.escape(QUOTES)}]", "")
        .str.replace_all("№", "№ ", literal=True)
        .str.replace_all(_SPACES, " ")
        .str.strip_chars(" ")
    )
