"""Krasnodar Krai: its municipalities, valid ИНН, and per-school parameters (from `random.Random(seed)`).

A school's parameters say how many people it has and which shares of them register and are active on
each platform in a September; `activity` turns them into users and logins.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

PLATFORMS = ("myschool", "sferum")  # the user-grain platforms; «ЦПУ» comes as school-grain monthly figures
ADMIN = "administrator"  # a role outside every metric (the loader counts it as «other»)
ROLES = ("teacher", "student", "parent", ADMIN)


@dataclass(frozen=True, slots=True)
class Municipality:
    name: str
    population: int  # thousands, rounded: weights the number and the size of schools
    inn_prefixes: tuple[int, ...]  # tax-office codes (the first four ИНН digits): plausible, not authoritative

    @property
    def is_city(self) -> bool:
        return not self.name.endswith(" район")

    @property
    def place(self) -> str:
        """How a school's name says where it is."""
        return self.name if self.is_city else f"МО {self.name}"


_CITIES = (
    Municipality("г. Краснодар", 1140, (2308, 2309, 2310, 2311, 2312)),
    Municipality("г. Сочи", 450, (2317, 2318, 2319, 2320)),
    Municipality("г. Новороссийск", 340, (2315,)),
    Municipality("г. Армавир", 185, (2302,)),
    Municipality("г.-к. Анапа", 220, (2301,)),
    Municipality("г.-к. Геленджик", 120, (2304,)),
    Municipality("г. Горячий Ключ", 70, (2305,)),
)
_DISTRICTS = (
    ("Абинский", 100),
    ("Апшеронский", 95),
    ("Белоглинский", 30),
    ("Белореченский", 105),
    ("Брюховецкий", 50),
    ("Выселковский", 60),
    ("Гулькевичский", 95),
    ("Динской", 140),
    ("Ейский", 130),
    ("Кавказский", 120),
    ("Калининский", 50),
    ("Каневской", 100),
    ("Кореновский", 85),
    ("Красноармейский", 100),
    ("Крыловский", 35),
    ("Крымский", 130),
    ("Курганинский", 100),
    ("Кущёвский", 65),
    ("Лабинский", 95),
    ("Ленинградский", 65),
    ("Мостовской", 65),
    ("Новокубанский", 80),
    ("Новопокровский", 40),
    ("Отрадненский", 60),
    ("Павловский", 65),
    ("Приморско-Ахтарский", 55),
    ("Северский", 130),
    ("Славянский", 125),
    ("Староминский", 40),
    ("Тбилисский", 50),
    ("Темрюкский", 125),
    ("Тимашевский", 110),
    ("Тихорецкий", 110),
    ("Туапсинский", 120),
    ("Успенский", 40),
    ("Усть-Лабинский", 105),
    ("Щербиновский", 35),
)
MUNICIPALITIES: tuple[Municipality, ...] = _CITIES + tuple(
    Municipality(f"{name} район", population, (2321 + index,)) for index, (name, population) in enumerate(_DISTRICTS)
)

_PRIVATE_NAMES = ("Эрудит", "Перспектива", "Гармония", "Личность", "Новая школа", "Развитие", "Альтернатива")

# --- ИНН ---------------------------------------------------------------------------------------------

_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_SERIALS = range(10000, 90000)  # serials from 90000 up are never in the registry (see `unregistered_inn`)


def inn_check_digit(first_nine: str) -> int:
    return sum(int(d) * w for d, w in zip(first_nine, _INN_WEIGHTS, strict=True)) % 11 % 10


def is_valid_inn(text: str) -> bool:
    return len(text) == 10 and text.isdigit() and inn_check_digit(text[:9]) == int(text[9])


def make_inn(prefix: int, serial: int) -> str:
    body = f"{prefix:04d}{serial:05d}"
    return body + str(inn_check_digit(body))


def with_bad_check_digit(inn: str) -> str:
    return inn[:9] + str((int(inn[9]) + 1) % 10)


def unregistered_inn(rng: random.Random) -> str:
    """A valid regional ИНН that no generated school has."""
    return make_inn(rng.choice(MUNICIPALITIES).inn_prefixes[0], rng.randrange(90000, 100000))


# --- schools ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class School:
    org: int
    school_id: str
    name: str
    municipality: str
    ownership: str
    teachers_total: int  # ОО-1, already scaled
    students_total: int
    # (platform, role) -> (share of the headcount registered, share of the headcount active in a September)
    shares: dict[tuple[str, str], tuple[float, float]]
    assistant: tuple[float, float]  # ЦПУ: students registered share, active share of registered (September)
    admins: int
    people_factor: float = 1.0  # > 1: ОО-1 lags behind the real headcount, so shares can pass 100%
    branch_share: float = 0.0  # > 0: a branch files its own ОО-1 row with this part of the totals
    notes: list[str] = field(default_factory=list)

    def headcount(self, role: str) -> int:
        """People who could hold an account: staff and students, one parent per student, the admins."""
        if role == "teacher":
            return round(self.teachers_total * self.people_factor)
        if role == "student":
            return round(self.students_total * self.people_factor)
        if role == "parent":
            return self.students_total
        return self.admins


def _allocate(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Largest-remainder split of `total` by weights, each part at least `minimum` when that is possible."""
    floor_each = minimum if total >= minimum * len(weights) else 0
    rest = total - floor_each * len(weights)
    raw = [rest * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))[: rest - sum(counts)]:
        counts[i] += 1
    return [c + floor_each for c in counts]


def _name(rng: random.Random, ownership: str, number: int, place: str, small: bool) -> str:
    if ownership == "private":
        return f"ЧОУ СОШ «{_PRIVATE_NAMES[number % len(_PRIVATE_NAMES)]}» {place}"
    if ownership == "state":
        kind = rng.choice(("школа-интернат", "кадетская школа-интернат", "специальная (коррекционная) школа"))
        return f"ГБОУ {kind} № {number} {place}"
    form = rng.choices(("МБОУ", "МАОУ", "МКОУ"), (0.6, 0.3, 0.1))[0]
    kind = rng.choices(("СОШ", "ООШ", "гимназия", "лицей"), (0.72, 0.2 if small else 0.02, 0.08, 0.06))[0]
    if kind in ("гимназия", "лицей") and rng.random() < 0.3:
        return f"{form} «{kind.capitalize()} № {number}» {place}"
    return f"{form} {kind} № {number} {place}"


def _levels(rng: random.Random, municipality_factor: float) -> tuple[float, float]:
    """September active shares of the headcount (teachers, students) on a school's main platform."""
    group = rng.random()
    if group < 0.2:  # leaders
        return rng.uniform(0.58, 0.9), rng.uniform(0.55, 0.85)
    if group < 0.34:  # right around the 50% line for both roles
        return rng.uniform(0.47, 0.56), rng.uniform(0.46, 0.55)
    return (
        min(0.9, rng.uniform(0.08, 0.55) * municipality_factor),
        min(0.9, rng.uniform(0.05, 0.45) * municipality_factor),
    )


PEAK_SEASON = 1.1  # the busiest month's activity relative to September (see activity.SEASON)


def _with_registered(rng: random.Random, active: float) -> tuple[float, float]:
    """(registered, active): registered enough above active that the busiest month still fits."""
    return min(1.0, active * PEAK_SEASON + rng.uniform(0.05, 0.25)), active


def _shares(rng: random.Random, teacher: float, student: float) -> dict[tuple[str, str], tuple[float, float]]:
    main = rng.choice(PLATFORMS)
    second_factor = rng.uniform(0.2, 0.7)
    shares: dict[tuple[str, str], tuple[float, float]] = {}
    for platform in PLATFORMS:
        factor = 1.0 if platform == main else second_factor
        shares[platform, "teacher"] = _with_registered(rng, teacher * factor)
        shares[platform, "student"] = _with_registered(rng, student * factor)
    parents = rng.uniform(0.03, 0.2)
    shares["myschool", "parent"] = (min(1.0, parents * PEAK_SEASON + rng.uniform(0.02, 0.12)), parents)
    shares["sferum", "parent"] = (rng.uniform(0.02, 0.08), rng.uniform(0.0, 0.02))
    shares["myschool", ADMIN] = (1.0, 0.85)
    shares["sferum", ADMIN] = (0.6, 0.5)
    return shares


def make_schools(rng: random.Random, count: int, scale: float) -> list[School]:
    """`count` organisations spread over the municipalities by population, big cities with bigger schools."""
    per_municipality = _allocate(count, [m.population for m in MUNICIPALITIES], minimum=1)
    municipality_factor = {m.name: rng.uniform(0.75, 1.2) for m in MUNICIPALITIES}
    # A few state (ГБОУ) and private (ЧОУ) schools, about 3% each, at least one of each from 10 schools on.
    few = max(1, round(count * 0.03)) if count >= 10 else 0
    special = rng.sample(range(count), 2 * few)
    ownership_of = dict.fromkeys(special[:few], "state") | dict.fromkeys(special[few:], "private")
    used: set[tuple[int, int]] = set()
    schools: list[School] = []
    for municipality, n in zip(MUNICIPALITIES, per_municipality, strict=True):
        for number in rng.sample(range(1, 2 * n + 10), n):
            ownership = ownership_of.get(len(schools), "municipal")
            median = 1100 if municipality.is_city else 450
            students = min(2000, max(150, round(rng.lognormvariate(math.log(median), 0.5))))
            teachers = min(120, max(15, round(students / rng.uniform(11, 17)) + rng.randint(0, 6)))
            prefix = rng.choice(municipality.inn_prefixes)
            serial = rng.choice(_SERIALS)
            while (prefix, serial) in used:
                serial = rng.choice(_SERIALS)
            used.add((prefix, serial))
            teacher_level, student_level = _levels(rng, municipality_factor[municipality.name])
            schools.append(
                School(
                    org=len(schools),
                    school_id=make_inn(prefix, serial),
                    name=_name(rng, ownership, number, municipality.place, small=students < 400),
                    municipality=municipality.name,
                    ownership=ownership,
                    teachers_total=max(2, round(teachers * scale)),
                    students_total=max(5, round(students * scale)),
                    shares=_shares(rng, teacher_level, student_level),
                    assistant=(rng.uniform(0.7, 1.0), rng.uniform(0.65, 0.98)),
                    admins=rng.randint(1, 3),
                )
            )
    municipal = [s for s in schools if s.ownership == "municipal"]
    for school in rng.sample(municipal, min(len(municipal), max(1 if count >= 10 else 0, round(count * 0.013)))):
        school.branch_share = rng.uniform(0.15, 0.35)
    unbranched = [s for s in schools if not s.branch_share]
    for school in rng.sample(unbranched, min(len(unbranched), count // 60)):
        school.people_factor = 1.25
        for platform in PLATFORMS:
            for role in ("teacher", "student"):
                _, active = school.shares[platform, role]
                school.shares[platform, role] = (1.0, max(active, 0.75))
    return schools


def schools_frame(schools: Sequence[School]) -> pl.DataFrame:
    """One row per organisation with its ОО-1 totals and ЦПУ parameters."""
    return pl.DataFrame(
        {
            "org": [s.org for s in schools],
            "school_id": [s.school_id for s in schools],
            "teachers_total": [s.teachers_total for s in schools],
            "students_total": [s.students_total for s in schools],
            "assistant_registered": [s.assistant[0] for s in schools],
            "assistant_active": [s.assistant[1] for s in schools],
        }
    )


def headcounts_frame(schools: Sequence[School]) -> pl.DataFrame:
    """(org, role, n, first): each school's people per role, numbered consecutively from `first`."""
    frame = pl.DataFrame(
        [(s.org, role, s.headcount(role)) for s in schools for role in ROLES],
        schema={"org": pl.Int64, "role": pl.String, "n": pl.Int64},
        orient="row",
    )
    return frame.with_columns(first=pl.col("n").cum_sum() - pl.col("n"))


def shares_frame(schools: Sequence[School]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (s.org, role, platform, PLATFORMS.index(platform), registered, active)
            for s in schools
            for (platform, role), (registered, active) in s.shares.items()
        ],
        schema={
            "org": pl.Int64,
            "role": pl.String,
            "platform": pl.String,
            "platform_no": pl.Int64,
            "registered_share": pl.Float64,
            "active_share": pl.Float64,
        },
        orient="row",
    )


def registry_frame(schools: Sequence[School], rng: random.Random, duplicate_org: int | None) -> pl.DataFrame:
    """ОО-1 rows: a branch as its own row with the same ИНН, and one exact duplicate row at the end.

    `_tag` marks the rows the summary reports (branch, duplicate, headcount above ОО-1); `_u` drives how a
    row is written (an exact duplicate is written exactly alike).
    """
    rows: list[dict[str, object]] = []
    duplicate: dict[str, object] | None = None
    for s in schools:
        base = {"school_id": s.school_id, "municipality": s.municipality, "ownership": s.ownership}
        if s.branch_share:
            teachers = max(1, round(s.teachers_total * s.branch_share))
            students = max(1, round(s.students_total * s.branch_share))
            rows.append(
                base
                | {
                    "name": s.name,
                    "teachers_total": s.teachers_total - teachers,
                    "students_total": s.students_total - students,
                    "_tag": "branch",
                    "_u": rng.random(),
                }
            )
            rows.append(
                base
                | {
                    "name": f"Филиал {s.name}",
                    "teachers_total": teachers,
                    "students_total": students,
                    "_tag": "branch",
                    "_u": rng.random(),
                }
            )
            continue
        rows.append(
            base
            | {
                "name": s.name,
                "teachers_total": s.teachers_total,
                "students_total": s.students_total,
                "_tag": "headcount" if s.people_factor > 1 else None,
                "_u": rng.random(),
            }
        )
        if s.org == duplicate_org:
            duplicate = rows[-1] | {"_tag": "duplicate"}
    if duplicate is not None:
        rows.append(duplicate)
    return pl.DataFrame(rows, schema=REGISTRY_SCHEMA)


REGISTRY_SCHEMA = {
    "school_id": pl.String,
    "name": pl.String,
    "municipality": pl.String,
    "ownership": pl.String,
    "teachers_total": pl.Int64,
    "students_total": pl.Int64,
    "_tag": pl.String,
    "_u": pl.Float64,
}
