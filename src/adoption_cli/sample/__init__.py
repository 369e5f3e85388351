"""Deterministic sample exports: realistic Krasnodar Krai data in the dialects real exports come in.

`adoption_cli.sample.generator.generate` writes all six kinds of source for N schools and a range of
months: the ОО-1 registry, user-grain accounts and logins of «Моя школа» and «Сферум», school-grain monthly
figures of «Цифровой помощник ученика», content items and views, and about ten planted bad rows. The mixed
dialect is that of real exports (cp1251, `;`, tabs, Russian headers and values, dd.mm.yyyy, xlsx with title
rows); the canonical one is UTF-8, `,`, canonical names and codes, ISO timestamps — the same data either way.

Modules: `region` (municipalities, ИНН, per-school parameters from `random.Random(seed)`), `randomness`
(per-row SplitMix64 draws as Polars expressions), `activity` (users, logins, content, ЦПУ as frames),
`files` (dialects and writers), `generator` (`generate`, batching, planted rows). This module itself stays
free of Polars so that the CLI can show its defaults in `--help` at no cost.
"""

# The defaults write the committed sample_data/: 150 schools at a fifth of real school sizes (so that it stays
# a few MB), one login per active user-month on average.
SCHOOLS = 150
FIRST_MONTH = "2024-07"
LAST_MONTH = "2024-12"
SEED = 42
SCALE = 0.2
EVENTS_PER_USER = 1.0
VIEW_SHARE = 0.1
SUMMARY_FILE = "sample_summary.json"  # written next to the data: files, rows and every planted row
