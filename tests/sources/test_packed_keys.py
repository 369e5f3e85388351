"""Group keys packed into one UInt64 come back as they were, nulls included, and group as they would."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption_cli.sources.packed_keys import PackedKey, fits, pack, unpack

COLOURS = pl.Enum(["red", "green", "blue"])
SIZES = pl.Enum([f"s{i}" for i in range(300)])  # wider than a byte


def _keys() -> list[PackedKey]:
    return [
        PackedKey("colour", pl.col("colour"), COLOURS),
        PackedKey("row", pl.col("row"), max_value=100_000),
        PackedKey("size", pl.col("size"), SIZES),
        PackedKey("flags", pl.col("flags"), max_value=15),
    ]


rows = st.lists(
    st.tuples(
        st.none() | st.sampled_from(COLOURS.categories.to_list()),
        st.none() | st.integers(0, 100_000),
        st.none() | st.sampled_from(SIZES.categories.to_list()),
        st.integers(0, 15),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_round_trip_and_grouping(data: list[tuple[str | None, int | None, str | None, int]]) -> None:
    frame = pl.DataFrame(
        data,
        schema={"colour": COLOURS, "row": pl.Int64, "size": SIZES, "flags": pl.Int64},
        orient="row",
    )
    keys = _keys()
    assert fits(keys)
    packed = frame.select(pack(keys, "_p"))
    assert packed.to_series().dtype == pl.UInt64
    assert packed.with_columns(unpack(keys, "_p")).drop("_p").equals(frame)
    # One group per distinct combination, nulls and the first category kept apart.
    assert packed.n_unique() == frame.n_unique() if frame.height else packed.height == 0


def test_too_wide_does_not_fit() -> None:
    wide = [PackedKey(f"k{i}", pl.col("x"), max_value=(1 << 20) - 1) for i in range(4)]  # 4 × 21 bits
    assert not fits(wide)
    assert fits(wide[:3])
