"""A small hand-computed data set for the report (September 2024) and a way to run `adoption report` on it.

Population (municipal + state): schools 1, 2, 3, 4, 6; school 5 is private.
- 1 (Анапа): teachers 1/2, students 2/4 → 50 % and 50 %: flagged; assistant: 3 active students.
- 2 (Анапа): teachers 1/10 on Сферум, students 0/10: not flagged; needs 4 more teachers, 5 more students.
- 3 (Сочи): ОО-1 teachers 0 → cannot be judged (zero total); no activity at all.
- 4 (Сочи): teachers 1/1, students 3/2 → capped at 100 %: flagged.
- 6 (Сочи): no activity at all: needs 5 teachers and 5 students.
Region: 2 of 5 flagged = 40 %; Анапа 1/2 = 50 %; Сочи 1/3 = 33.3 % (target 33 %: met).
«Моя школа» accounts (registered, never a last login) of schools 1, 2 and 4; content: c1 and c2 available in
September, c1 viewed (demanded 1 of 2).
"""

from __future__ import annotations

import sys
from datetime import date, datetime

from adoption_cli.dataset import Dataset
from tests.builders import account, dataset, event, school, stat

HYPERLINK = '=HYPERLINK("http://evil.example","click")'
SEPT = datetime(2024, 9, 10, 12, 0)


def report_dataset() -> Dataset:
    ds = dataset(
        schools=[
            school("2300000001", HYPERLINK, "Анапа", "municipal", 2, 4),
            school("2300000002", "+7 школа", "Анапа", "state", 10, 10),
            school("2300000003", "-1 школа\x01\x1f", "Сочи", "municipal", 0, 10),
            school("2300000004", "@x", "Сочи", "municipal", 1, 2),
            school("2300000005", "Частная", "Сочи", "private", 5, 5),
            school("2300000006", "Школа 6", "Сочи", "municipal", 10, 10),
        ],
        events=[
            event("myschool", "t1", "teacher", "2300000001", SEPT),
            event("myschool", "s1", "student", "2300000001", SEPT),
            event("myschool", "s2", "student", "2300000001", SEPT),
            event("myschool", "s2", "student", "2300000001", datetime(2024, 8, 31, 23, 59)),  # August: outside
            event("sferum", "t2", "teacher", "2300000002", SEPT),
            event("myschool", "t4", "teacher", "2300000004", SEPT),
            event("myschool", "s4a", "student", "2300000004", SEPT),
            event("myschool", "s4b", "student", "2300000004", SEPT),
            event("myschool", "s4c", "student", "2300000004", SEPT),
            event("myschool", "t5", "teacher", "2300000005", SEPT),
        ],
        school_stats=[stat("assistant", "2300000001", date(2024, 9, 1), "student", 3)],
        # registered «Моя школа» accounts, no last logins (so no extra activity): for the rating
        accounts=[
            account("myschool", "t1", "teacher", "2300000001"),
            account("myschool", "s1", "student", "2300000001"),
            account("myschool", "s2", "student", "2300000001"),
            account("myschool", "x9", "student", "2300000002"),
            account("myschool", "t4", "teacher", "2300000004"),
        ],
        content_items=[
            ("c1", "cok", datetime(2024, 1, 1), None),
            ("c2", "document", datetime(2024, 9, 15), None),
            ("c3", "social", datetime(2024, 10, 1), None),  # not yet available in September
        ],
        content_views=[("c1", "s1", SEPT), ("c1", "s2", SEPT), ("c3", "s1", SEPT)],
    )
    events = next(f for f in ds.report.files if f.path == "events.csv")
    events.latest_activity, events.earliest_activity = "2024-09-10", "2024-09-02"
    return ds


def main(argv: list[str]) -> None:
    """`python -m tests.report.fixtures [--hang] report ...` (cwd: the repository, PYTHONPATH=src): the CLI on the data set above, for subprocess tests.

    --hang: the save writes part of the workbook, says «writing» on stderr and then sleeps until killed.
    """
    import time

    import adoption_cli.sources
    from adoption_cli.cli.app import app

    adoption_cli.sources.load_dataset = lambda *args, **kwargs: report_dataset()
    if argv and argv[0] == "--hang":
        argv = argv[1:]
        from adoption_cli.render.excel import Writer

        def hang(self: Writer, target: object) -> None:
            target.write(b"PK\x03\x04 half a workbook")
            target.flush()
            sys.stderr.write("writing\n")
            sys.stderr.flush()
            time.sleep(60)

        Writer.save = hang
    app(args=argv, prog_name="adoption")


if __name__ == "__main__":
    main(sys.argv[1:])
