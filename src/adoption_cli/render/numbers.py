"""Numbers as a Russian reader expects them (thin-space thousands, comma decimals) or in English style.

Machine formats (JSON, CSV) never go through here: they keep raw numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from adoption_cli.environment import Lang

THIN_SPACE = "\u202f"  # narrow no-break space: a thousands separator that never wraps


def fmt_int(value: int | None, lang: Lang = "ru") -> str:
    if value is None:
        return "—"
    text = f"{value:,}"
    return text.replace(",", THIN_SPACE) if lang == "ru" else text


def fmt_float(value: float | None, lang: Lang = "ru", digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "ru":
        return text.replace(",", THIN_SPACE).replace(".", ",")
    return text


# The units fmt_pct and fmt_pp end with: a table too narrow for them leaves them out of a column whose
# caption names them (render.tables.Col.unit).
def pct_unit(lang: Lang) -> str:
    return f"{THIN_SPACE}%" if lang == "ru" else "%"


def pp_unit(lang: Lang) -> str:
    return f"{THIN_SPACE}п.п." if lang == "ru" else " pp"


def fmt_pct(value: float | None, lang: Lang = "ru", digits: int = 1) -> str:
    """A percentage (already ×100): 13,1 % in Russian, 13.1% in English."""
    if value is None:
        return "—"
    return fmt_float(value, lang, digits) + pct_unit(lang)


def judged(value: float | None, bound: float, met: bool | None, digits: int = 1) -> tuple[float | None, int]:
    """A share judged against `bound` (a threshold or target) as it is shown beside the verdict `met`, and its
    digits: rounded to `digits` where that agrees with the verdict (most values); otherwise cut towards the
    verdict at one digit more — 32,97 % against 33 % not met is «32,97 %», never «33,0 %»; 84,8999 % against
    84,9 % is «84,89 %». Cut, not rounded: no number of digits saves 84,89999… from rounding up."""
    if value is None or met is None or (round(value, digits) >= bound) == met:
        return value, digits
    scale = 10 ** (digits + 1)
    scaled = round(value * scale, 6)  # (32.97 × 100 is 3296.9999999999995 in binary floating point)
    cut = math.floor(scaled) if not met else math.ceil(scaled)
    return cut / scale, digits + 1


def fmt_pct_judged(value: float | None, bound: float, met: bool | None, lang: Lang = "ru", digits: int = 1) -> str:
    """A share shown beside the verdict against `bound`, never contradicting it (`judged`)."""
    shown, shown_digits = judged(value, bound, met, digits)
    return fmt_pct(shown, lang, shown_digits)


def fmt_signed_pct(value: float | None, lang: Lang = "ru", digits: int = 1) -> str:
    """A relative change in %, always signed: +12,5 %."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + fmt_pct(abs(value), lang, digits)


def fmt_pp(value: float | None, lang: Lang = "ru", digits: int = 1) -> str:
    """A change in percentage points, always signed: +2,3 п.п."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + fmt_float(abs(value), lang, digits) + pp_unit(lang)


def fmt_pct_setting(value: float, lang: Lang = "ru", min_digits: int = 0) -> str:
    """A configured percentage as the user wrote it, without trailing zeros past `min_digits`: 33 %, 84,9 %,
    33,33 %, 80,702 % (cut at 6 decimals: a target of 80,702 % shown as «80,7 %» beside a share of 80,7 % not
    meeting it would contradict the verdict). A table's cells give `min_digits=1`, as their shares have: 50,0 %;
    prose (captions, messages) does not: «цель 33 %», «порог 50 %»."""
    digits = next(d for d in range(min_digits, 7) if round(value, d) == round(value, 6))
    return fmt_pct(value, lang, digits)


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian word form for a count: 1 школа, 2 школы, 5 школ (21 школа, 11 школ, 112 школ)."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


BARS = "▁▂▃▄▅▆▇█"
GAP = "·"  # a month whose value is undefined


def sparkline(values: Sequence[float | None]) -> str:
    """One bar per value, scaled from the row's minimum to its maximum; a flat row by its level on 0–100."""
    known = [v for v in values if v is not None]
    if not known:
        return GAP * len(values)
    low, high = min(known), max(known)
    top = len(BARS) - 1

    def bar(value: float) -> str:
        position = (value - low) / (high - low) if high > low else min(max(value, 0.0), 100.0) / 100
        return BARS[round(position * top)]

    return "".join(GAP if v is None else bar(v) for v in values)
