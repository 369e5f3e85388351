"""Changes versus the previous period as a reader sees them: an arrow (not only a colour) and a signed value."""

from __future__ import annotations

from typing import Literal

from adoption_cli.environment import current
from adoption_cli.render.numbers import fmt_pp, fmt_signed_pct

ChangeUnit = Literal["pct", "pp"]

UP = "▲"
DOWN = "▼"


def change_cell(value: float | None, unit: ChangeUnit) -> str:
    """«▲ +12,5 %» for a count, «▼ −2,0 п.п.» for a share; «—» when undefined (Rich markup)."""
    lang = current().lang
    text = fmt_signed_pct(value, lang) if unit == "pct" else fmt_pp(value, lang)
    if value is None or round(value, 1) == 0:
        return text
    return f"[green]{UP} {text}[/green]" if value > 0 else f"[red]{DOWN} {text}[/red]"


def rank_change_cell(change: int | None, previous_rank: int | None, rank: int | None) -> str:
    """«▲3» (moved up), «▼1», «=»; «новая» when the school had no rank before; «—» when it has none now."""
    if rank is None:
        return "—"
    if previous_rank is None or change is None:
        return current().t("новая", "new")
    if change == 0:
        return "="
    return f"[green]{UP}{change}[/green]" if change > 0 else f"[red]{DOWN}{-change}[/red]"
