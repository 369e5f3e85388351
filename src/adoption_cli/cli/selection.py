"""Picking one item (a municipality, a school) from what the user typed: exact name, else a unique part.

Several or no matches are usage errors that list the candidates, so the user can retype at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from adoption_cli.environment import current
from adoption_cli.errors import UsageError
from adoption_cli.text import comparison_key

# Beyond this many candidates a list stops helping in a one-line message.
_LISTED = 10
# Russian words change their endings («Сочи» → «Сочинский»): a shared start of this length suggests a name.
_STEM = 4


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    rest = len(names) - _LISTED
    if rest <= 0:
        return shown
    return shown + current().t(f" и ещё {rest}", f" and {rest} more")


def _similar(query: str, names: list[str]) -> list[str]:
    stems = {word[:_STEM] for word in comparison_key(query).split() if len(word) >= _STEM}
    by_stem = [name for name in names if any(w[:_STEM] in stems for w in comparison_key(name).split())]
    spelled = difflib.get_close_matches(query, names, n=5, cutoff=0.6)
    return sorted(set(by_stem) | set(spelled))


def choose_counted_municipality(query: str, candidates: Iterable[str], ownership: Iterable[str]) -> str:
    """A municipality among those with a school the indicator counts (`ownership`): one whose schools are all
    of other forms (private ones, say) has no line, and the message says why it is not among them."""
    from adoption_cli.render.labels import ownership_label

    env = current()
    counted = ownership_label(ownership, env.lang)
    among = env.t(
        f"муниципалитетов, где есть школы учитываемых форм собственности ({counted})",
        f"municipalities with a school of a counted form of ownership ({counted})",
    )
    return choose_one(query, candidates, option="--municipality", among=among)


def choose_one(query: str, candidates: Iterable[str], *, option: str, among: str | None = None) -> str:
    """The candidate equal to `query` (case, spaces and ё/е insensitive), else the only one containing it.

    `option` names the flag the query came from, for the error messages; `among` says what the candidates are
    when «not found» alone would mislead.
    """
    env = current()
    names = sorted(set(candidates))
    key = comparison_key(query)
    exact = [name for name in names if comparison_key(name) == key]
    if exact:
        return exact[0]
    partial = [name for name in names if key and key in comparison_key(name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise UsageError(
            env.t(
                f"«{query}» подходит к нескольким: {_listing(partial)}. Уточните {option}.",
                f"«{query}» matches several: {_listing(partial)}. Narrow {option} down.",
            )
        )
    close = _similar(query, names) or names
    missing = (
        env.t(f"«{query}» нет среди {among} ({option})", f"«{query}» is not among the {among} ({option})")
        if among
        else env.t(f"«{query}» не найдено ({option})", f"«{query}» not found ({option})")
    )
    raise UsageError(
        env.t(f"{missing}. Возможные значения: {_listing(close)}.", f"{missing}. Possible values: {_listing(close)}.")
    )
