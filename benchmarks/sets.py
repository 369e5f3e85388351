"""The reference data sets: generated once with the sample generator, cached under benchmarks/.cache/."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass(frozen=True)
class ReferenceSet:
    name: str
    schools: int
    first_month: str
    last_month: str
    month: str  # the month the indicator is computed for
    dialect: str = "canonical"
    scale: float = 1.0  # school sizes: 1.0 is real ОО-1 sizes
    events_per_user: float = 1.0
    pandas: bool = False  # the pandas script runs on regional-sized sets only
    competitors: bool = True  # DuckDB reads canonical CSV only
    report: bool = True  # time the workbook from the store too
    same_as: str | None = None  # a set of the same data in another dialect: its numbers must be these

    @property
    def key(self) -> str:
        return (
            f"{self.name}-{self.schools}-{self.first_month}..{self.last_month}-{self.dialect}"
            f"-s{self.scale}-e{self.events_per_user}"
        )


def data_dir(reference: ReferenceSet) -> Path:
    return CACHE / reference.key / "data"


def store_dir(reference: ReferenceSet) -> Path:
    return CACHE / reference.key / "store"


def ensure(reference: ReferenceSet) -> tuple[Path, dict[str, object]]:
    """The set's data folder, generated unless a complete copy is cached; and what the generator said."""
    folder = CACHE / reference.key
    marker = folder / "complete.json"
    if marker.is_file():
        return data_dir(reference), json.loads(marker.read_text())
    from adoption_cli.sample.generator import generate

    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    summary = generate(
        data_dir(reference),
        schools=reference.schools,
        first_month=reference.first_month,
        last_month=reference.last_month,
        seed=20240901,
        dialect=reference.dialect,
        scale=reference.scale,
        events_per_user=reference.events_per_user,
    )
    info = {
        "set": asdict(reference),
        "generated_seconds": round(time.perf_counter() - started, 1),
        "summary": json.loads(summary.model_dump_json()) if hasattr(summary, "model_dump_json") else str(summary),
    }
    marker.write_text(json.dumps(info, ensure_ascii=False, indent=2))
    return data_dir(reference), info
