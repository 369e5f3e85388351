"""A small data folder in canonical CSV, written fresh for each test: two platforms, two events files for
one platform (so a file is read alone), blocked accounts (also under an unknown school or a role not counted), last logins, month edges, rejects (a bad ИНН, a missing timestamp)."""

from __future__ import annotations

from pathlib import Path

# ИНН with valid check digits; the last school is private (outside the indicator's population).
A, B, C, D = "2300000012", "2300000020", "2300000037", "2300000044"
UNKNOWN = "2300000051"

FILES = {
    "schools.csv": [
        "school_id,name,municipality,ownership,teachers_total,students_total",
        f"{A},Школа № 1,Город,municipal,2,4",
        f"{B},Школа № 2,Город,municipal,2,2",
        f"{C},Лицей,Район,state,1,2",
        f"{D},Частная школа,Район,private,1,1",
    ],
    "myschool_accounts.csv": [
        "platform,user_id,role,school_id,status,registered_at,last_login_at",
        f"myschool,t1,teacher,{A},active,2024-01-01 00:00:00,2024-09-03 10:00:00",
        f"myschool,t2,teacher,{A},blocked,2024-01-01 00:00:00,2024-09-03 10:00:00",
        f"myschool,s1,student,{A},active,2024-01-01 00:00:00,2024-08-20 10:00:00",
        f"myschool,s4,student,{B},active,2024-01-01 00:00:00,2024-11-02 10:00:00",
        f"myschool,s9,student,{UNKNOWN},active,2024-01-01 00:00:00,2024-09-20 10:00:00",
        # blocked under a school outside the registry / a role not counted: s6 and t4 count nowhere all the same
        f"myschool,s6,student,{UNKNOWN},blocked,2024-01-01 00:00:00,",
        f"myschool,t4,администратор,{B},blocked,2024-01-01 00:00:00,",
    ],
    "myschool_events_2024-09.csv": [
        "platform,user_id,role,school_id,ts",
        f"myschool,s1,student,{A},2024-09-01 08:00:00",
        f"myschool,s2,student,{A},2024-09-02 08:00:00",
        f"myschool,s2,student,{A},2024-09-02 09:00:00",
        f"myschool,t2,teacher,{A},2024-09-02 09:00:00",
        f"myschool,t3,teacher,{B},2024-09-30 23:59:59",
        f"myschool,s3,student,{B},2024-09-01 00:00:00",
        f"myschool,s3,student,{B},2024-10-01 00:00:00",
        "myschool,x1,student,1234567890,2024-09-01 00:00:00",
        f"myschool,s6,student,{B},2024-09-05 08:00:00",
        f"myschool,t4,teacher,{B},2024-09-06 08:00:00",
    ],
    "myschool_events_2024-10.csv": [
        "platform,user_id,role,school_id,ts",
        f"myschool,t1,teacher,{A},2024-10-01 08:00:00",
        f"myschool,s1,student,{A},2024-10-15 08:00:00",
        f"myschool,s2,student,{A},2024-10-31 23:00:00",
        f"myschool,t3,teacher,{B},2024-10-02 09:00:00",
        f"myschool,s5,student,{B},",
    ],
    "sferum_events.csv": [
        "platform,user_id,role,school_id,ts",
        f"sferum,u1,teacher,{C},2024-09-05 08:00:00",
        f"sferum,u2,student,{C},2024-09-05 08:00:00",
        f"sferum,u2,student,{C},2024-10-05 08:00:00",
        f"sferum,t3,teacher,{B},2024-09-10 08:00:00",
        f"sferum,d1,teacher,{D},2024-09-10 08:00:00",
    ],
}


def write_exports(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in FILES.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def append_line(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def part_mtimes(store_dir: Path) -> dict[str, int]:
    """Every part of the store (Parquet, and the JSON copies of the card and indicator rows) with its mtime."""
    return {p.relative_to(store_dir).as_posix(): p.stat().st_mtime_ns for p in store_dir.rglob("part-*")}
