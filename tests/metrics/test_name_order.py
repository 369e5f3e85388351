"""Names are listed as a Russian reader expects: case and ё/е aside («Ёлочка» among the Е, «гимназия» and
«г. Сочи» among the Г), in every list of schools and municipalities (metrics.common.name_order)."""

from __future__ import annotations

from datetime import datetime

from adoption_cli.dataset import Dataset
from adoption_cli.metrics.assistant import compute_assistant
from adoption_cli.metrics.common import name_order
from adoption_cli.metrics.indicator import compute_indicator
from adoption_cli.metrics.rating import compute_rating
from adoption_cli.periods import parse_month
from tests.builders import account, dataset, event, school
from tests.metrics.support import defaults

SEPT = parse_month("2024-09")
# ИНН with valid check digits
IDS = ["2300000012", "2300000020", "2300000037", "2300000044", "2300000051"]
NAMES = ["Школа № 10", "гимназия № 2", "Ёлочка", "Альфа", "Елена"]
MUNICIPALITIES = ["г. Сочи", "Ейский район", "Абинский район", "г. Сочи", "Ейский район"]


def _data() -> Dataset:
    day = datetime(2024, 9, 10, 12, 0)
    return dataset(
        schools=[school(i, n, m, "municipal", 2, 2) for i, n, m in zip(IDS, NAMES, MUNICIPALITIES, strict=True)],
        # one of two registered teachers active everywhere: every share ties
        accounts=[
            account(platform, f"{platform}-{i}-{k}", role, i, registered_at=datetime(2024, 1, 1))
            for i in IDS
            for k, role in enumerate(["teacher", "teacher", "student"])
            for platform in ["myschool", "assistant"]
        ],
        events=[
            event(platform, f"{platform}-{i}-{k}", role, i, day)
            for i in IDS
            for k, role in [(0, "teacher"), (2, "student")]
            for platform in ["myschool", "assistant"]
        ],
    )


def test_the_key() -> None:
    assert sorted(["Школа", "Ёлочка", "гимназия", "Альфа", "Елена", "Ель"], key=name_order) == [
        "Альфа",
        "гимназия",
        "Елена",
        "Ёлочка",
        "Ель",
        "Школа",
    ]


def test_indicator_assistant_and_rating_list_names_so() -> None:
    ds, settings = _data(), defaults()
    indicator = compute_indicator(ds, SEPT, settings)
    assert [m.name for m in indicator.municipalities] == ["Абинский район", "г. Сочи", "Ейский район"]
    assert [s.name for s in indicator.schools] == ["Ёлочка", "Альфа", "Школа № 10", "гимназия № 2", "Елена"]
    assistant = compute_assistant(ds, SEPT, settings)
    assert [m.name for m in assistant.municipalities] == ["Абинский район", "г. Сочи", "Ейский район"]
    assert [s.name for s in assistant.schools] == ["Ёлочка", "Альфа", "Школа № 10", "гимназия № 2", "Елена"]
    rating = compute_rating(ds, SEPT, role="teacher")
    assert {s.share_pct for s in rating.schools} == {50.0}  # a tie: the names decide
    assert [s.name for s in rating.schools] == ["Альфа", "гимназия № 2", "Елена", "Ёлочка", "Школа № 10"]
