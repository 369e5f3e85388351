"""Deterministic sample exports: realistic Krasnodar Krai data in the dialects real exports come in.

`generate` writes all six kinds of source for N schools and a range of months: the ОО-1 registry,
user-grain accounts and logins of «Моя школа» and «Сферум», school-grain monthly figures of «Цифровой
помощник ученика», content items and views, and about ten planted bad rows. The mixed dialect is that of
real exports (cp1251, `;`, tabs, Russian headers and values, dd.mm.yyyy, xlsx with title rows); the
canonical one is UTF-8, `,`, canonical names and codes, ISO timestamps — the same data either way.

Modules: `region` (municipalities, ИНН, per-school parameters from `random.Random(seed)`), `randomness`
(per-row SplitMix64 draws as Polars expressions), `activity` (users, logins, content, ЦПУ as frames),
`files` (dialects and writers), `generator` (`generate`, batching, planted rows).
"""

from adoption_cli.sample.files import Dialect, GeneratedFile, PlantedRow
from adoption_cli.sample.generator import SUMMARY_FILE, GeneratedSummary, generate
from adoption_cli.sample.region import MUNICIPALITIES, is_valid_inn

__all__ = [
    "MUNICIPALITIES",
    "SUMMARY_FILE",
    "Dialect",
    "GeneratedFile",
    "GeneratedSummary",
    "PlantedRow",
    "generate",
    "is_valid_inn",
]
