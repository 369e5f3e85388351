"""Which settings the school card's stored rows depend on (metrics.school.card_rows). Apart from the card
itself, so that reading a store does not import the card's models."""

from __future__ import annotations

import json

from adoption_cli.config import Settings


def card_rules(settings: Settings) -> str:
    """The settings `card_rows` depends on: stored rows computed under other rules are not used."""
    rules = settings.indicator
    return json.dumps(
        {
            "platforms": list(rules.platforms),
            "thresholds": [rules.teacher_threshold_pct, rules.student_threshold_pct],
            "shared_user_ids": settings.identity.shared_user_ids,
            "assistant_denominator": settings.assistant.denominator,
        }
    )
