"""Which settings the store's precomputed rows depend on: the school card's (metrics.school.card_rows) and the
indicator's (metrics.indicator.schools_frame). Stored rows computed under other rules are not used. Apart
from the metrics, so that reading a store does not import their models."""

from __future__ import annotations

import json
from typing import Any

from adoption_cli.config import Settings

# Raised when the stored rows are computed otherwise under the same settings, so that a store ingested
# before uses its tables until the next ingest. Indicator 2: a total of 0 no longer counts as a capped share.
# Card 2: a school without a positive ЦПУ denominator shows its active students (was 0 of 0).
INDICATOR_ROWS = 2
CARD_ROWS = 2


def _judging(settings: Settings) -> dict[str, Any]:
    """What both depend on: the counted platforms, the thresholds and whether platforms share user ids."""
    rules = settings.indicator
    return {
        "platforms": list(rules.platforms),
        "thresholds": [rules.teacher_threshold_pct, rules.student_threshold_pct],
        "shared_user_ids": settings.identity.shared_user_ids,
    }


def card_rules(settings: Settings) -> str:
    """A card judges its school whatever forms of ownership the region counts; it shows the assistant too."""
    return json.dumps(
        {**_judging(settings), "assistant_denominator": settings.assistant.denominator, "rows": CARD_ROWS}
    )


def indicator_rules(settings: Settings) -> str:
    """The indicator's rows are of the schools counted; its target is applied when the result is built."""
    return json.dumps({**_judging(settings), "ownership": list(settings.indicator.ownership), "rows": INDICATOR_ROWS})
