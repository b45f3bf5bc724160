"""Record intake through the service layer on PostgreSQL, one process: records per second.

Run:  scripts/with-postgres.sh .venv/bin/python bench/bench_intake.py [--n 2000]

Builds the Khánh Hòa units, catalogue and demo officers, then times, each in one process:
  counter intake  `record_intake_at_counter` (submit + receive + Mẫu 01, one transaction each)
  online submit   `record_submit(action=SUBMIT_ONLINE)` (the citizen's dossier arrives)
  whole life      `records.demo.build_demo` — intake, assignment, decision, return (~6 services a record)
and prints records/second and the SQL statements each record costs."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.db import connection  # noqa: E402

from motcua.records import demo  # noqa: E402
from motcua.records.clock import calendar_of  # noqa: E402
from motcua.records.lifecycle import Action  # noqa: E402
from motcua.records.models import Record  # noqa: E402
from motcua.records.services import record_intake_at_counter, record_submit  # noqa: E402
from pgdb import prepare  # noqa: E402

VN = demo.VN


def setup() -> tuple[list, dict]:
    from motcua.catalog.demo import build_demo as catalog_demo
    from motcua.units.demo import build_demo as units_demo

    for _line in (*units_demo(), *catalog_demo()):
        pass
    agencies = demo._commune_agencies()
    offered = demo._offered(agencies)
    agencies = [a for a in agencies if offered.get(a.pk)]
    staff = demo._demo_staff(agencies)
    return [(a, offered[a.pk], staff[a.pk].desk) for a in agencies], staff


def measure(label: str, records: int, run: Callable[[], object]) -> None:
    """Times `run` (which makes `records` records) and counts the SQL statements it sends."""
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
    print(
        f"  {label:<40} {records / seconds:8.1f} records/s  {statements / records:6.1f} SQL/record"
        f"  ({records} in {seconds:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    prepare("bench_intake.py")
    places, _ = setup()
    rng = random.Random(1)
    base = dt.datetime(2026, 3, 2, 7, 30, tzinfo=VN)
    applicants = [demo._applicant(rng, places[0][1][0], places[0][0]) for _ in range(500)]

    def slot(i: int) -> tuple:
        agency, procedures, desk = places[i % len(places)]
        at = base + dt.timedelta(days=i // 400, minutes=i % 400)
        return agency, procedures[i % len(procedures)], desk, applicants[i % len(applicants)], at

    def counter(i: int) -> None:
        agency, procedure, desk, applicant, at = slot(i)
        record_intake_at_counter(procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=at)

    def online(i: int) -> None:
        agency, procedure, _, applicant, at = slot(i + args.n)
        record_submit(
            procedure=procedure, agency=agency, applicant=applicant, action=Action.SUBMIT_ONLINE, at=at
        )

    for agency, _, _ in places:  # calendars are built once per agency and process: not timed
        calendar_of(agency)
    print(f"{args.n} records each, one process:")
    for label, run in (("counter intake (submit + receive)", counter), ("online submit", online)):
        run(0)
        measure(label, args.n, lambda run=run: [run(i) for i in range(1, args.n + 1)])
    before = Record.objects.count()
    measure("whole life (records.demo, ~6 services)", args.n, lambda: list(demo.build_demo(args.n)))
    assert Record.objects.count() - before == args.n


if __name__ == "__main__":
    main()
