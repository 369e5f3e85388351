"""One vectorised parser per `schema.ValueType`: a raw string expression -> (canonical value, reject reason).

A parser never turns a bad value into a silent null: wherever the value expression is null for a non-empty
cell, the reason expression names why. Cells are compared after trimming; an empty cell is "missing".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from adoption_cli.config import Settings
from adoption_cli.schema import (
    DTYPES,
    NO_FIGURE,
    OTHER_ROLE,
    RU_MONTHS,
    Column,
    ValueType,
    vocabulary_index,
)
from adoption_cli.sources import reasons
from adoption_cli.text import comparison_key, comparison_key_expr

INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
# Excel's day zero (1900 date system, including its phantom 29.02.1900).
EXCEL_EPOCH = datetime(1899, 12, 30)
# No date of an export is older: earlier ones are misreads (a two-digit year read as 0024, an Excel
# time-only cell as 1899-12-31, a «no date» placeholder such as 01.01.1900 or 01.01.1970).
EARLIEST = datetime(2000, 1, 1)

_POLARS_DTYPES: dict[str, pl.DataType] = {
    "String": pl.String(),
    "Datetime": pl.Datetime("us"),
    "Date": pl.Date(),
    "Int64": pl.Int64(),
}
# A zone only counts after a time of day, so the "-01" ending a bare date is not an offset.
_ZONE = r"Z|z|UTC|[+-]\d{2}(?::?\d{2})?"
_ZONE_SUFFIX = rf"\d:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?\s*({_ZONE})$"
# (a unit may follow the number: «12 чел.»)
_COUNT = r"^(?<sign>[-−]?)\s*(?<int>\d+|\d{1,3}(?: \d{3})+)(?:[.,](?<frac>\d+))?(?:\s*(?:чел|человек)\.?)?$"


@dataclass(frozen=True, slots=True)
class ParseContext:
    timezone: str
    today: date  # local calendar date of the run: values after today + 1 day are rejected as future
    # The registry's ИНН (canonical), once it is read: a cell spelled exactly so is valid as it is.
    school_ids: pl.Series | None = field(default=None, compare=False, hash=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseContext:
        zone = settings.time.timezone
        return cls(timezone=zone, today=datetime.now(ZoneInfo(zone)).date())

    @property
    def future_limit(self) -> datetime:
        """First instant that counts as future: one day of slack covers exports stamped in another zone."""
        return datetime.combine(self.today + timedelta(days=2), datetime.min.time())


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed column: intermediate columns to add first (stage by stage), then the value and reason."""

    value: pl.Expr
    error: pl.Expr  # reason code, null when the value is valid or the cell is empty
    stages: tuple[pl.Expr, ...] = ()  # each names its output column and may read the earlier ones
    filled: pl.Expr = field(default_factory=lambda: pl.lit(True))  # any but whitespace in the cell (a dash counts)


class _Steps:
    """Materialises a parser's intermediate results as columns, one stage each.

    Every reference then reads a column instead of re-running the regexes that produced it: Polars does
    not share common sub-expressions across when/then branches, which made parsing ten times slower.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self.stages: list[pl.Expr] = []

    def __call__(self, expr: pl.Expr) -> pl.Expr:
        name = f"{self._prefix}{len(self.stages)}"
        self.stages.append(expr.alias(name))
        return pl.col(name)


def with_stages(frame: pl.LazyFrame, parsed: Sequence[Parsed]) -> pl.LazyFrame:
    """Add the intermediate columns of several parsed columns; stage k of every column runs together."""
    for depth in range(max((len(p.stages) for p in parsed), default=0)):
        frame = frame.with_columns(p.stages[depth] for p in parsed if depth < len(p.stages))
    return frame


def polars_dtype(value_type: ValueType) -> pl.DataType:
    return _POLARS_DTYPES[DTYPES[value_type]]


def _first_reason(*checks: tuple[pl.Expr, str]) -> pl.Expr:
    """The code of the first true condition, null when none holds (a null condition counts as false)."""
    return pl.coalesce([pl.when(condition).then(pl.lit(code)) for condition, code in checks])


_NO_ERROR = pl.lit(None, pl.String)
Result = tuple[pl.Expr, pl.Expr]


# Control and format characters (ESC, BEL, the C1 range, bidi overrides, zero-width and soft hyphens) in a
# name: nothing a person typed. An ESC sequence in a school name would otherwise reach the analyst's
# terminal (clear the screen, recolour, retitle the window) and a right-to-left override would reverse it.
UNPRINTABLE = r"[\p{Cc}\p{Cf}]"


def _text(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
    # Inner runs of spaces are collapsed so that the same name typed twice compares equal.
    return text.str.replace_all(r"\s+", " ").str.replace_all(UNPRINTABLE, ""), _NO_ERROR


def only_others(text: pl.Expr, done: pl.Expr) -> pl.Expr:
    """The cells not `done` by a parser's fast path (null elsewhere): Polars evaluates every branch of an
    expression on every row, but a string function on a null cell costs next to nothing, so the general
    rules then run on the few cells that need them instead of on the whole column."""
    return pl.when(done.fill_null(False)).then(pl.lit(None, pl.String)).otherwise(text)


def _identifier(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
    # Excel's traces, removed as from an ИНН: an id that passed through Excel as a number arrives as "12345.0"
    # (or "12345,0"), one typed as text as "'12345", one kept from becoming a number as ="12345". Left as they
    # were, the same user would be two: a blocked account would not block the events written plainly.
    # (not ",000" or ".000": three digits after the mark may be thousands, 10,000 — not user 10; and a trace
    # around nothing, ="" or ', is an empty cell, as an ИНН's is)
    marked = only_others(text, ~text.str.contains(r"[.,'=]"))
    cleaned = step(_unmarked(marked).str.strip_chars().str.replace(r"^(\d+)[.,](?:0{1,2}|0{4,})$", "${1}"))
    return pl.coalesce(cleaned, text), pl.when(cleaned == "").then(pl.lit(reasons.MISSING_VALUE))


def _unmarked(text: pl.Expr) -> pl.Expr:
    """A cell without the marks that keep Excel from reading it as a number: a leading apostrophe, and the
    text-formula wrapper ="…" (both an ИНН's and an id's)."""
    return text.str.strip_prefix("'").str.replace(r'^="(.*)"$', "$1")


def _quotient_weights() -> dict[int, int]:
    """The ИНН check sum Σ wᵢ·dᵢ of a number n < 10¹⁰ over its quotients qⱼ = n // 10ʲ instead of its digits
    (dᵢ = q₉₋ᵢ − 10·q₁₀₋ᵢ, q₁₀ = 0), weights taken mod 11: nine divisions instead of ten and ten remainders."""
    weights: dict[int, int] = {}
    for i, weight in enumerate(INN_WEIGHTS):
        weights[9 - i] = weights.get(9 - i, 0) + weight
        weights[10 - i] = weights.get(10 - i, 0) - 10 * weight
    return {power: weight % 11 for power, weight in weights.items() if power < 10 and weight % 11}


_QUOTIENT_WEIGHTS = _quotient_weights()


def inn_of_prefix(prefix: int) -> str:
    """The ИНН whose first nine digits are `prefix`, with its check digit."""
    digits = f"{prefix:09d}"
    check = sum(int(digit) * weight for digit, weight in zip(digits, INN_WEIGHTS, strict=True)) % 11 % 10
    return f"{digits}{check}"


def _inn(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
    # Fast path: ten plain digits with the right check digit, as most exports write an ИНН.
    number = step(text.cast(pl.Int64, strict=False))
    weighted = pl.sum_horizontal(number // 10**power * weight for power, weight in _QUOTIENT_WEIGHTS.items())
    # (the cast alone would also take a sign: "-000000000")
    signed = text.str.starts_with("+") | text.str.starts_with("-")
    plain = step(((text.str.len_bytes() == 10) & ~signed & (weighted % 11 % 10 == number % 10)).fill_null(False))
    value, error = _any_inn(only_others(text, plain), step)
    return pl.when(plain).then(text).otherwise(value), pl.when(~plain).then(error)


def _any_inn(text: pl.Expr, step: _Steps) -> Result:
    digits = step(
        _unmarked(text.str.replace_all(r"\s+", ""))  # '2310031475, ="2310031475"
        .str.replace(r"^(\d{9,10})/\d{9}$", "$1")  # ИНН/КПП in one cell: the ИНН is the organisation's id
        .str.replace(r"[.,]0*$", "")
    )
    # An Excel number drops the leading zero of regions 01–09; the check digit still guards the result.
    digits = step(pl.when(digits.str.contains(r"^\d{9}$")).then(pl.lit("0") + digits).otherwise(digits))
    well_formed = step(digits.str.contains(r"^\d{10}$"))
    weighted = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int32, strict=False) * weight for i, weight in enumerate(INN_WEIGHTS)
    )
    check_ok = step(weighted % 11 % 10 == digits.str.slice(9, 1).cast(pl.Int32, strict=False))
    value = pl.when(well_formed & check_ok).then(digits)
    return value, _first_reason((~well_formed, reasons.INVALID_INN), (~check_ok, reasons.BAD_CHECKSUM))


def _tidied_timestamp(text: pl.Expr) -> pl.Expr:
    """How Russian web pages and reports decorate a timestamp, undone: «15.09.2024, 10:00» (a comma after the
    date), «15.09.2024г. 10:00» / «15.09.2024 г.» (the year's «г.»), «10:00 МСК» / «(МСК)» (Moscow time, +03:00)."""
    # (only the cells with one of those characters go through the replaces: most do not, and three regex
    # replaces over every «dd.mm.yyyy HH:MM» cell cost half again its parse)
    decorated = pl.when(text.str.contains("[,гГмМ]")).then(text)
    tidied = (
        decorated.str.replace(r"^(\d{1,2}\.\d{1,2}\.\d{4})\s*г\.?(\s|,|$)", "${1}${2}")
        .str.replace(r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}),\s*(\d)", "${1} ${2}")
        .str.replace(r"\s*\(?\s*(?i:мск)\s*\)?$", "+03:00")
    )
    return pl.coalesce(tidied, text)


def datetime_steps(text: pl.Expr, step: _Steps, timezone: str) -> pl.Expr:
    """Naive local datetime of a timestamp cell, null when it is not recognised or impossible.

    ISO (`T` or space, seconds and fractions optional), dd.mm.yyyy[ HH:MM[:SS]], Excel serial day numbers
    (5 digits: 1927–2173), with the decorations `_tidied_timestamp` removes. Values with `Z`/`UTC`/an offset
    are converted to `timezone` and made naive; any other text after the time makes the cell unrecognised. (`_checked_date` then rejects dates before
    `EARLIEST`: this reads a two-digit year as it is, 24 → 0024.)
    Built from literal splits and one fixed-format strptime: regex captures cost ten times more per row.
    """
    text = step(_tidied_timestamp(text))
    zone = step(text.str.extract(_ZONE_SUFFIX, 1))
    body = pl.when(zone.is_null()).then(text).otherwise(text.str.slice(0, text.str.len_chars() - zone.str.len_chars()))
    # One piece more than a well-formed cell has: text after the time (`23:30 GMT`, `08:05 PM`) or after the
    # year (`30.09.2024.5`) lands there, and the cell is rejected instead of read without it.
    date_time = step(body.str.strip_chars_end().str.replace("T", " ", literal=True).str.split_exact(" ", 2))
    day = step(date_time.struct.field("field_0").str.split_exact(".", 3))
    iso_day = (
        pl.when(day.struct.field("field_2").is_not_null())
        .then(
            pl.concat_str(
                day.struct.field("field_2"), day.struct.field("field_1"), day.struct.field("field_0"), separator="-"
            )
        )
        .otherwise(day.struct.field("field_0"))
    )
    clock = step(
        date_time.struct.field("field_1")
        .str.strip_chars()
        .fill_null("00:00")
        .str.replace(",", ".", literal=True)
        .str.split_exact(".", 2)
    )
    whole = clock.struct.field("field_0")
    whole = pl.when(whole.str.count_matches(":", literal=True) == 1).then(whole + ":00").otherwise(whole)
    fraction = clock.struct.field("field_1")
    # ([0-9], not \d: a digit of another script passes \d and then fails the cast)
    micros = pl.when(fraction.str.contains(r"^[0-9]{1,9}$")).then(
        fraction.str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int64)
    )
    seconds = step(
        pl.concat_str(iso_day, whole, separator=" ").str.strptime(
            pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False, cache=False
        )
    )
    extra = pl.any_horizontal(
        date_time.struct.field("field_2").is_not_null(),
        day.struct.field("field_3").is_not_null(),
        clock.struct.field("field_2").is_not_null(),
    )
    naive = step(
        pl.when(extra)
        .then(pl.lit(None, pl.Datetime("us")))
        .when(fraction.is_null())
        .then(seconds)
        .otherwise(seconds + pl.duration(microseconds=micros))
    )
    offset_digits = step(zone.str.replace_all(r"\D", ""))
    offset_minutes = pl.when(zone.str.starts_with("-")).then(-1).otherwise(1) * (
        offset_digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0) * 60
        + offset_digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    )
    converted = (
        (naive - pl.duration(minutes=offset_minutes))
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(timezone)
        .dt.replace_time_zone(None)
    )
    # (a Russian Excel writes the fraction with a decimal comma into a CSV: 45565,75)
    serial = pl.when(text.str.contains(r"^\d{5}(?:[.,]\d+)?$")).then(
        text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    )
    # Excel stores times as day fractions with float noise: round to the second.
    excel = pl.lit(EXCEL_EPOCH, pl.Datetime("us")) + pl.duration(seconds=(serial * 86_400).round().cast(pl.Int64))
    return step(pl.coalesce(pl.when(zone.is_null()).then(naive).otherwise(converted), excel))


# A timestamp split over a date column and a time column. calamine gives an Excel date cell with its midnight
# («2024-10-01 00:00:00») and a time cell on the day of its book's epoch («1899-12-31 08:15:30», «1904-01-01 …»);
# a date may also be a serial day number, a time a fraction of a day written as a number («0,34375»).
_MIDNIGHT = r"^(\S+)[ T]0?0:00(?::00(?:[.,]0+)?)?$"
_SERIAL_DAY = r"^[0-9]{5}(?:[.,]0+)?$"
_EPOCH_DAY = r"^(?:1899-12-3[01]|1904-01-01)[ T]"
_DAY_FRACTION = r"^(?:0?[.,][0-9]+|0)$"
# A time of day, seconds and their fraction optional, a zone optional (what `datetime_steps` reads after a date).
_CLOCK = rf"^[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:[.,][0-9]+)?)?(?:\s*(?:{_ZONE}))?$"


def joined_date_time(day: pl.Expr, time: pl.Expr) -> pl.Expr:
    """One timestamp cell, for the general rules to read, from a date cell and a time-of-day cell: «01.10.2024»
    and «08:15» give «01.10.2024 08:15». Excel's date and time cells give their own part only. A time cell that
    is not a time of day (a whole timestamp, say) is read alone, and an empty one leaves the date cell alone."""

    def part(cell: pl.Expr, number_form: str, of_number: Callable[[pl.Expr], pl.Expr], text: pl.Expr) -> pl.Expr:
        # (empty: null; written as a number of Excel's: `of_number` of it; any other text: `text`)
        number = cell.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
        return (
            pl.when(cell == "").then(None).when(cell.str.contains(number_form)).then(of_number(number)).otherwise(text)
        )

    def serial_day(number: pl.Expr) -> pl.Expr:
        return (pl.lit(EXCEL_EPOCH) + pl.duration(days=number.cast(pl.Int64))).dt.strftime("%Y-%m-%d")

    def clock(fraction: pl.Expr) -> pl.Expr:
        # (a fraction that rounds to a whole day gives «24:00:00», which the rules reject: no day is moved)
        seconds = (fraction * 86_400).round().cast(pl.Int64)
        fields = (seconds // 3600, seconds // 60 % 60, seconds % 60)
        return pl.format("{}:{}:{}", *(field.cast(pl.String).str.zfill(2) for field in fields))

    day, time = day.str.strip_chars(), time.str.strip_chars()
    day = part(day, _SERIAL_DAY, serial_day, day.str.replace(_MIDNIGHT, "${1}"))
    time = part(time, _DAY_FRACTION, clock, time.str.replace(_EPOCH_DAY, ""))
    joined = pl.concat_str(day, time, separator=" ", ignore_nulls=True)
    return (
        pl.when(time.str.contains(_CLOCK).not_()).then(time).when(day.is_not_null() | time.is_not_null()).then(joined)
    )


def fixed_format(text: pl.Expr, fmt: str) -> pl.Expr:
    """A timestamp written in `fmt` with every field at its full width (null for any other cell).

    `strptime` alone also takes unpadded fields and skips whitespace before a number (`2024-01-01T 8:00:00`),
    and the general rules split a cell at its spaces. For a format without a space, the cell's length and the
    absence of a space are enough (two byte counts: a shape regex cost as much as the parse, ≈ 0.6 s per 16 M
    cells), as what else they let through (a tab or a sign before a number, a digit left out) the general
    rules read the same way. A space in `fmt` matches any whitespace or none (`2024-01-0108: 00:00`), so a
    format with one keeps the exact shape check. tests/sources/test_fast_paths.py and test_fast_rows.py
    compare both with the general rules on arbitrary cells."""
    parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False, cache=False)
    if " " in fmt:
        return pl.when(text.str.contains(_format_shape(fmt))).then(parsed)
    plain = (text.str.len_bytes() == _written_length(fmt)) & ~text.str.contains(" ", literal=True)
    return pl.when(plain).then(parsed)


_FIELD_DIGITS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2}


def _format_parts(fmt: str) -> list[str]:
    """`fmt` split into its fields (`%Y`, …) and the literal text between them."""
    return [part for part in re.split(r"(%[YmdHMS])", fmt) if part]


def _written_length(fmt: str) -> int:
    """Bytes of a timestamp written in `fmt`, each field zero-padded."""
    return sum(_FIELD_DIGITS.get(part, len(part.encode())) for part in _format_parts(fmt))


def _format_shape(fmt: str) -> str:
    """The regex of a cell written exactly in `fmt`: each field zero-padded, each separator once."""
    fields = (f"[0-9]{{{_FIELD_DIGITS[p]}}}" if p in _FIELD_DIGITS else re.escape(p) for p in _format_parts(fmt))
    return "^" + "".join(fields) + "$"


def _checked_date(value: pl.Expr, earliest: datetime | date, limit: datetime | date) -> Result:
    too_old = value < pl.lit(earliest)
    future = value >= pl.lit(limit)
    return pl.when(~too_old & ~future).then(value), _first_reason(
        (value.is_null() | too_old, reasons.BAD_DATE), (future, reasons.FUTURE_DATE)
    )


def _datetime(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
    # Fast path: plain ISO timestamps to the second (`T` or a space), as most exports write them.
    # (cache=False: timestamps rarely repeat, and looking each one up in the cache doubled the parse)
    iso = step(fixed_format(text, "%Y-%m-%dT%H:%M:%S"))
    spaced_seconds = fixed_format(only_others(text, iso.is_not_null()), "%Y-%m-%d %H:%M:%S")
    plain = step(pl.coalesce(iso, spaced_seconds))
    others = datetime_steps(step(only_others(text, plain.is_not_null())), step, ctx.timezone)
    return _checked_date(step(pl.coalesce(plain, others)), EARLIEST, ctx.future_limit)


def _month(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
    lower = step(text.str.to_lowercase())
    year_month = step(lower.str.extract_groups(r"^(?<y>\d{4})-(?<m>\d{1,2})$"))
    month_year = step(lower.str.extract_groups(r"^(?<m>\d{1,2})[./](?<y>\d{4})$"))
    # «Сентябрь 2024», «сентябрь 2024 г.», «Сентябрь, 2024», «сентябрь 2024 года», «сент. 2024»
    named = step(lower.str.extract_groups(r"^(?<name>[а-яё]+)\.?,?\s*(?<y>\d{4})(?:\s*(?:г\.?|года?))?$"))
    named_month = named.struct.field("name").replace_strict(_MONTH_NAMES, default=None, return_dtype=pl.String)
    year = pl.coalesce(year_month.struct.field("y"), month_year.struct.field("y"), named.struct.field("y"))
    month = pl.coalesce(year_month.struct.field("m"), month_year.struct.field("m"), named_month)
    first_day = pl.concat_str(year, pl.lit("-"), month, pl.lit("-01")).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    from_date = datetime_steps(text, step, ctx.timezone).dt.date().dt.month_start()
    # A period written as its days, «01.09.2024 - 30.09.2024» («с … по …»): its month when both days lie in one.
    days = step(lower.str.extract_groups(_DAY_RANGE))
    first, last = (_plain_day(days.struct.field(name)) for name in ("a", "b"))
    one_month = pl.when((first.dt.month_start() == last.dt.month_start()) & (first <= last)).then(
        first.dt.month_start()
    )
    return _checked_date(step(pl.coalesce(first_day, from_date, one_month)), EARLIEST.date(), ctx.future_limit.date())


_PLAIN_DAY = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}"
_DAY_RANGE = rf"^(?:с\s*)?(?<a>{_PLAIN_DAY})\s*(?:[-–—]|по)\s*(?<b>{_PLAIN_DAY})$"
# A month's name in the nominative and its abbreviations («сен», «сент», «нояб»), as exports write a month.
_MONTH_NAMES = {
    **{name: str(number) for number, name in enumerate(RU_MONTHS, start=1)},
    **{name[:3]: str(number) for number, name in enumerate(RU_MONTHS, start=1)},
    **{"сент": "9", "нояб": "11", "февр": "2"},
}


def _plain_day(text: pl.Expr) -> pl.Expr:
    return pl.coalesce(
        text.str.strptime(pl.Date, "%d.%m.%Y", strict=False), text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    )


def _count(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
    parts = step(text.str.replace_all(r"\s+", " ").str.extract_groups(_COUNT))
    digits = parts.struct.field("int")
    value = step(digits.str.replace_all(" ", "").cast(pl.Int64, strict=False))
    error = _first_reason(
        (digits.is_null(), reasons.BAD_NUMBER),
        (parts.struct.field("sign").str.len_chars() > 0, reasons.NEGATIVE_NUMBER),
        # `1,000` and `2.000`: a thousands separator or three decimals, nothing tells which.
        (parts.struct.field("frac").str.len_chars() == 3, reasons.BAD_NUMBER),
        (parts.struct.field("frac").str.contains(r"[1-9]"), reasons.FRACTIONAL_NUMBER),
        (value.is_null(), reasons.BAD_NUMBER),  # more digits than Int64 holds
    )
    return pl.when(error.is_null()).then(value), error


def vocabulary_spellings(value_type: ValueType) -> dict[str, list[str]]:
    """Canonical code -> its normalised spellings."""
    spellings: dict[str, list[str]] = {}
    for spelling, code in vocabulary_index(value_type).items():
        spellings.setdefault(code, []).append(comparison_key(spelling))
    return spellings


def code_of(key: pl.Expr, spellings: dict[str, list[str]]) -> pl.Expr:
    """The code whose spellings contain `key`, null if none. One is_in per code keeps this elementwise:
    replace_strict is a whole-column function that the streaming engine buffers (memory grew with the file)."""
    return pl.coalesce([pl.when(key.is_in(keys)).then(pl.lit(code)) for code, keys in spellings.items()])


def vocabulary_code(text: pl.Expr, value_type: ValueType, step: _Steps) -> pl.Expr:
    """Canonical code of a vocabulary cell (trim, case, ё/е, quotes and inner spaces insensitive); null if unknown."""
    spellings = vocabulary_spellings(value_type)
    # Fast path: a cell that already is a normalised spelling (a canonical code, most often).
    exact = step(code_of(text, spellings))
    key = step(comparison_key_expr(only_others(text, exact.is_not_null())))
    return pl.coalesce(exact, code_of(key, spellings))


# A vocabulary cell that is no known spelling may still name one, by a part a pattern finds (its first group):
# - a status, by its first word (up to a space, bracket or punctuation): «заблокирован (по решению ОО)»,
#   «Заблокирована администратором»; «неактивна», «не активна» stay unknown;
# - a form of ownership, by its ОКФС code: before its name («14 - Муниципальная собственность», «14) …»), alone
#   («14», «(14)», «14.0», an xlsx number), or after its name in brackets («Муниципальная собственность (14)»).
_KEY_PARTS: dict[ValueType, tuple[str, ...]] = {
    ValueType.STATUS: (r"^([^\s(),;:.]+)[\s(),;:.]",),
    ValueType.OWNERSHIP: (r"^\(?(1[2-6])(?:\.0+$|\)?$|\s*[-–—.)]\s*\D)", r"\D\s*\((1[2-6])\)$"),
}


def _vocabulary(value_type: ValueType, unknown: str | None) -> Callable[[pl.Expr, _Steps, ParseContext], Result]:
    def parse(text: pl.Expr, step: _Steps, ctx: ParseContext) -> Result:
        code = step(vocabulary_code(text, value_type, step))
        for pattern in _KEY_PARTS.get(value_type, ()):
            part = comparison_key_expr(only_others(text, code.is_not_null())).str.extract(pattern)
            code = step(pl.coalesce(code, code_of(part, vocabulary_spellings(value_type))))
        if unknown is None:  # roles: any other role is valid and set aside as "other"
            return code.fill_null(OTHER_ROLE), _NO_ERROR
        return code, _first_reason((code.is_null(), unknown))

    return parse


_PARSERS: dict[ValueType, Callable[[pl.Expr, _Steps, ParseContext], Result]] = {
    ValueType.TEXT: _text,
    ValueType.ID: _identifier,
    ValueType.INN: _inn,
    ValueType.PLATFORM: _vocabulary(ValueType.PLATFORM, reasons.UNKNOWN_PLATFORM),
    ValueType.ROLE: _vocabulary(ValueType.ROLE, None),
    ValueType.OWNERSHIP: _vocabulary(ValueType.OWNERSHIP, reasons.UNKNOWN_OWNERSHIP),
    ValueType.STATUS: _vocabulary(ValueType.STATUS, reasons.UNKNOWN_STATUS),
    ValueType.CONTENT_KIND: _vocabulary(ValueType.CONTENT_KIND, reasons.UNKNOWN_CONTENT_KIND),
    ValueType.DATETIME: _datetime,
    ValueType.MONTH: _month,
    ValueType.COUNT: _count,
}

# What an empty cell means when the column may be empty.
DEFAULTS: dict[ValueType, str] = {ValueType.STATUS: "active"}


def _cases(*spellings: str) -> tuple[str, ...]:
    """Each spelling as typed, capitalised, in capitals and in title case: «нет данных», «Нет данных», «НЕТ
    ДАННЫХ», «Нет Данных» (compared exactly: lower-casing every cell of a column of last logins would cost more
    than the few forms do)."""
    forms = (form for s in spellings for form in (s, s[:1].upper() + s[1:], s.upper(), s.title()))
    return tuple(dict.fromkeys(forms))


_NO_FIGURE = _cases(*NO_FIGURE)
# Cells that say «no value» as an empty one does: «no figure» in a count (ОО-1 writes a dash where it has none).
EMPTY_SPELLINGS: dict[ValueType, tuple[str, ...]] = {ValueType.COUNT: _NO_FIGURE}
# An optional timestamp (a last login, a registration) may say there is none: «никогда», «нет», a dash.
EMPTY_OPTIONAL_DATETIME = (
    *_NO_FIGURE,
    *_cases("никогда", "нет", "не входил", "не авторизовывался", "не авторизовался"),
    # (a database's «zero» dates: MySQL's, and .NET's DateTime.MinValue)
    *("0000-00-00", "0000-00-00 00:00:00", "0000-00-00T00:00:00", "0001-01-01", "0001-01-01 00:00:00"),
    *("0001-01-01T00:00:00", "01.01.0001", "01.01.0001 00:00", "01.01.0001 0:00:00"),
)
# Excel's error values: how an xlsx stores them (the reader gives an error cell its text; calamine alone gives
# it empty), and how a Russian Excel shows them and writes them into a CSV. No column takes one as a value.
EXCEL_ERRORS = (
    *("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"),
    *("#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"),
    *("#Н/Д", "#ДЕЛ/0!", "#ЗНАЧ!", "#ССЫЛКА!", "#ИМЯ?", "#ЧИСЛО!", "#ПУСТО!", "#ПОЛУЧЕНИЕ_ДАННЫХ"),
)


def parse_column(column: Column, raw: pl.Expr, ctx: ParseContext) -> Parsed:
    """Parse one raw string column; an empty cell of a required, non-nullable column is `missing_value`.

    Parsers see only non-empty cells' errors: an empty cell is null (or its default) and never "bad".
    A cell of `EMPTY_SPELLINGS` (a dash in a count) is an empty cell; one of `EXCEL_ERRORS` is `excel_error`,
    in every column (in a text column it would otherwise be a name, in a role column «another role») but a
    nullable one (the ОО-1 totals), where it is an empty cell.
    Apply `Parsed.stages` (see `with_stages`) before selecting `value` and `error`.
    """
    step = _Steps(f"_s_{column.name}_")
    # (a stage of its own: an expression read twice inside when/then is computed twice)
    stripped = step(raw.str.strip_chars())
    nonempty = stripped.str.len_bytes() > 0
    present = nonempty
    if column.type in EMPTY_SPELLINGS:
        present = present & ~stripped.is_in(EMPTY_SPELLINGS[column.type])
    if column.type == ValueType.DATETIME and not column.required:  # (not the events' timestamps: their hot path)
        present = present & ~stripped.is_in(EMPTY_OPTIONAL_DATETIME)
    if column.nullable:
        # An ОО-1 total Excel could not compute is unknown, as an empty one is: rejecting the school would
        # shrink the indicator's denominator and make its rows «unknown school».
        present = present & ~stripped.is_in(EXCEL_ERRORS)
    text = step(pl.when(present).then(stripped))
    value, error = _PARSERS[column.type](text, step, ctx)
    dtype = polars_dtype(column.type)
    value = pl.when(text.is_null()).then(pl.lit(DEFAULTS.get(column.type), dtype)).otherwise(value.cast(dtype))
    missing = reasons.MISSING_VALUE if column.required and not column.nullable else None
    error = (
        pl.when(text.is_null())
        .then(pl.lit(missing, pl.String))
        .when(text.is_in(EXCEL_ERRORS))
        .then(pl.lit(reasons.EXCEL_ERROR))
        .otherwise(error)
    )
    return Parsed(value, error, tuple(step.stages), nonempty.fill_null(False))
