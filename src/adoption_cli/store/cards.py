"""The school card's precomputed rows in the store, kept as gzipped JSON so that `adoption school` reads
them without importing Polars (importing it alone takes half of the card's time budget).

    school_cards/part-<run>-shard-0000.json.gz   one line per registry school, sorted by ИНН: its registry
                                                 row (metrics.school_card.SchoolInfo) and `rows`, its card
                                                 rows of the stored months (metrics.school.card_records)
    school_cards/part-<run>-registry.json.gz     the registry as the name search reads it
                                                 (metrics.school.registry_keys)

A shard holds SCHOOLS_PER_SHARD schools; the manifest keeps each shard's first ИНН, so a card reads one
shard (≈ 140 KB, 1.5 MB unpacked: ≈ 5 ms to unpack) and nothing else. Gzip makes the federal copy ten times
smaller (≈ 45 MB instead of 460 MB). Polars is imported only to write them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from adoption_cli.store.json_parts import parsed, read_part, write_part

if TYPE_CHECKING:
    import polars as pl

    from adoption_cli.metrics.school_card import SchoolMatch

SCHOOL_CARDS = "school_cards"
SCHOOLS_PER_SHARD = 128


class CardShard(BaseModel):
    """One shard of card rows: the first ИНН it holds, and its file (relative to the store)."""

    first: str
    part: str


@dataclass(frozen=True)
class StoredCards:
    """The card rows and the searchable registry of a store."""

    store_dir: Path
    shards: Sequence[CardShard]
    registry_part: str
    # Parts already unpacked by this reader: finding a school by its ИНН and then reading its card is one read.
    _texts: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def record(self, school_id: str) -> dict[str, Any] | None:
        """The school's line of its shard (None: not in the registry the cards were computed for, or the
        shard cannot be read: the card is then computed from the store's tables)."""
        at = bisect.bisect_right([shard.first for shard in self.shards], school_id) - 1
        text = self._text(self.shards[at].part) if at >= 0 else None
        if text is None:
            return None
        # Only the lines that mention the ИНН are parsed: one, as a rule.
        for line in text.splitlines():
            if school_id in line:
                record = parsed(line)
                if record is None or record.get("school_id") == school_id:
                    return record
        return None

    def find(self, query: str) -> list[SchoolMatch] | None:
        """The schools the query names (metrics.school_card.match_schools); an ИНН is looked up in its shard
        without reading the registry. None: the registry copy cannot be read."""
        # (imported here: every command reading a store imports this module, only the card needs these)
        from adoption_cli.metrics.school_card import SchoolMatch, match_schools

        inn = re.sub(r"\s+", "", query)
        record = self.record(inn) if inn.isdigit() else None
        if record is not None:
            return [SchoolMatch(record["school_id"], record["name"], record["municipality"])]
        text = self._text(self.registry_part)
        registry = parsed(text) if text is not None else None
        return match_schools(registry, query) if isinstance(registry, list) else None

    def _text(self, part: str) -> str | None:
        if part not in self._texts:
            self._texts[part] = read_part(self.store_dir / part)
        return self._texts[part]

    def parts(self) -> list[str]:
        return [*(shard.part for shard in self.shards), self.registry_part]


def write_cards(records: pl.DataFrame, registry: pl.DataFrame, store_dir: Path, token: str) -> StoredCards:
    """Writes `records` (one row per school, sorted by ИНН) in shards and `registry` whole, under store_dir."""
    import polars as pl

    (store_dir / SCHOOL_CARDS).mkdir(parents=True, exist_ok=True)
    sharded = records.with_columns((pl.int_range(pl.len()) // SCHOOLS_PER_SHARD).alias("_shard"))
    shards = []
    for number, shard in enumerate(sharded.partition_by("_shard", maintain_order=True, include_key=False)):
        part = f"{SCHOOL_CARDS}/part-{token}-shard-{number:04d}.json.gz"
        write_part(store_dir / part, shard.write_ndjson())
        shards.append(CardShard(first=shard["school_id"][0], part=part))
    registry_part = f"{SCHOOL_CARDS}/part-{token}-registry.json.gz"
    write_part(store_dir / registry_part, registry.write_json())
    return StoredCards(store_dir, shards, registry_part)
