"""Machine output: the JSON text is what `json.dumps(indent=2, ensure_ascii=False)` would write."""

from __future__ import annotations

import io
import json

from pydantic import BaseModel

from adoption_cli.environment import Environment, activate, deactivate
from adoption_cli.render.output import write_json


class _Row(BaseModel):
    name: str
    share_pct: float | None
    counts: list[int]


def _written(payload: object) -> str:
    stream = io.StringIO()
    token = activate(Environment(stdout=stream))
    try:
        write_json(payload)  # type: ignore[arg-type]
    finally:
        deactivate(token)
    return stream.getvalue()


def test_json_text_is_the_standard_library_s() -> None:
    data = {
        "region": {"name": "Краснодарский край «Юг»", "share_pct": 28.662308272567262, "met": False},
        "schools": [{"school_id": "2309349312", "rank": None, "values": [1, 2.5, 0.30000000000000004]}],
        "empty": [],
        "nothing": {},
    }
    assert _written(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_a_model_is_written_as_its_json_dump() -> None:
    row = _Row(name="Гимназия № 5", share_pct=None, counts=[3, 4])
    assert _written(row) == json.dumps(row.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
