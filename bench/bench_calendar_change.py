"""A province-wide calendar change over N open records: one day off added through the service.

Run (a throwaway PostgreSQL; or SQLite on a scratch file):
    nice -n 10 scripts/with-postgres.sh .venv/bin/python bench/bench_calendar_change.py --n 2000 --n 20000
    DATABASE_URL=sqlite:////tmp/calendar-bench.sqlite3 .venv/bin/python bench/bench_calendar_change.py --n 2000
    … --per-record      the consequences per record (records.hooks without bulk handlers), as before
    … --no-connector    without the national portal connector (no outbox deliveries)
    … --profile         cProfile of the timed add and removal, top of the motcua functions
    … --sql             the statements of the timed add that took longest

The world: the Khánh Hòa units and catalogue of the demo, with the national portal connector
enabled (every moved record gets its outbox delivery, as in production). Templates are taken in
through the services at ten communes on 09–10/03/2026 (half of them assigned, so an open
step too); the N open records are copies of them with their history and steps, spread over the 65
communes, the roll-ups recounted once. Then, timed: `calendar_setting_save` of a provincial day off
on Thursday 12/03/2026 (most due dates move a day later: one history row, one delivery, roll-ups
and kept counts for each), including its after-commit work; then `calendar_setting_delete` of it
(they move back).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import datetime as dt
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from motcua.accounts.models import Role, RoleGrant, User  # noqa: E402
from motcua.calendars.models import DayKind, DayOverride  # noqa: E402
from motcua.calendars.selectors import province_of  # noqa: E402
from motcua.calendars.services import calendar_setting_delete, calendar_setting_save  # noqa: E402
from motcua.catalog.models import Offering  # noqa: E402
from motcua.exchange.models import ConnectorConfig, Delivery  # noqa: E402
from motcua.metrics.rollups import rollups_rebuild  # noqa: E402
from motcua.records import hooks  # noqa: E402
from motcua.records.lifecycle import Action  # noqa: E402
from motcua.records.models import Record, RecordEvent, RecordStep  # noqa: E402
from motcua.records.recompute import DUE_RECOMPUTED, RECOMPUTED_STATES  # noqa: E402
from motcua.records.services import Applicant, record_intake_at_counter, record_perform  # noqa: E402
from motcua.units.models import Agency, AgencyKind, UnitLevel  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from pgdb import prepare  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY_OFF = dt.date(2026, 3, 12)
TAG = "BENCH-CAL"


def setup_world() -> tuple[list[Agency], Agency]:
    from motcua.catalog.demo import build_demo as catalog_demo
    from motcua.units.demo import build_demo as units_demo

    communes = Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE)
    if not communes.exists():
        for line in (*units_demo(), *catalog_demo()):
            print("  " + line)
    agencies = list(communes.select_related("unit__parent").order_by("code"))
    ConnectorConfig.objects.get_or_create(
        plugin="dvcqg",
        defaults={"name": "Cổng DVCQG", "endpoint_url": "http://127.0.0.1:9/", "enabled": True},
    )
    return agencies, agencies[0]


def templates(agencies: list[Agency]) -> list[Record]:
    """Records taken in through the services (made once per database)."""
    made = list(Record.objects.filter(summary=TAG, state__in=RECOMPUTED_STATES).order_by("pk"))
    if made:
        return made
    t0 = time.perf_counter()
    with hooks.suspended():  # the roll-ups are recounted once after the copies
        for i, agency in enumerate(agencies[:10]):
            staff = {}
            for role in (Role.DESK_OFFICER, Role.SPECIALIST):
                user, _ = User.objects.get_or_create(username=f"bench.cal.{role}.{agency.pk}")
                RoleGrant.objects.get_or_create(user=user, role=role, unit=agency.unit, agency=agency)
                staff[role] = user
            offered = list(
                Offering.objects.filter(
                    agency=agency, procedure__clock_value__isnull=False, procedure__clock_unit="working_days"
                )
                .select_related("procedure")
                .order_by("procedure__code")[:4]
            )
            for j, offering in enumerate(offered):
                at = dt.datetime(2026, 3, 9 + (i + j) % 2, 8 + (i * 3 + j) % 9, 15, tzinfo=VN)
                record = record_intake_at_counter(
                    procedure=offering.procedure,
                    agency=agency,
                    applicant=Applicant(name=f"Lê Thị Hoa {i}-{j}"),
                    actor=staff[Role.DESK_OFFICER],
                    summary=TAG,
                    at=at,
                )
                if j % 2:
                    record_perform(
                        record=record,
                        action=Action.ASSIGN,
                        actor=staff[Role.DESK_OFFICER],
                        to_user=staff[Role.SPECIALIST],
                        at=at + dt.timedelta(hours=1),
                    )
                made.append(record)
    print(f"  {len(made)} templates through the services in {time.perf_counter() - t0:.1f} s")
    return list(Record.objects.filter(pk__in=[r.pk for r in made]).order_by("pk"))


def fill(n: int, agencies: list[Agency], models: list[Record]) -> None:
    """Copies of the templates up to n open records, over every commune."""
    have = Record.objects.filter(state__in=RECOMPUTED_STATES).count()
    if have >= n:
        return
    t0 = time.perf_counter()
    events = {t.pk: list(RecordEvent.objects.filter(record=t)) for t in models}
    steps = {t.pk: list(RecordStep.objects.filter(record=t)) for t in models}
    batch = 2000
    for first in range(have, n, batch):
        clones, sources = [], []
        for i in range(first, min(first + batch, n)):
            template = models[i % len(models)]
            agency = agencies[i % len(agencies)]
            clone = copy.copy(template)
            clone.pk = None
            clone.code = f"{template.code}-{i}"
            clone.agency, clone.receiving_agency = agency, agency
            clone.unit_id = clone.receiving_unit_id = agency.unit_id
            clones.append(clone)
            sources.append(template)
        clones = Record.objects.bulk_create(clones, batch_size=500)
        new_events, new_steps = [], []
        for clone, template in zip(clones, sources, strict=True):
            for event in events[template.pk]:
                event = copy.copy(event)
                event.pk, event.record = None, clone
                new_events.append(event)
            for step in steps[template.pk]:
                step = copy.copy(step)
                step.pk, step.record, step.agency = None, clone, clone.agency
                new_steps.append(step)
        RecordEvent.objects.bulk_create(new_events, batch_size=500)
        RecordStep.objects.bulk_create(new_steps, batch_size=500)
    rollups_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  filled to {n:,} open records (+ roll-ups recounted) in {time.perf_counter() - t0:.1f} s")


class StatementTimes:
    """Seconds per statement (its first 90 characters), for --sql."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds.setdefault(" ".join(sql.split())[:90], []).append(time.perf_counter() - t0)

    def report(self) -> None:
        for sql, runs in sorted(self.seconds.items(), key=lambda kv: -sum(kv[1]))[:12]:
            print(f"    {sum(runs):6.2f} s {len(runs):6d} × {sql}")


def _timed(run: Callable[[], object], profile: bool, sql: bool, title: str) -> float:
    """Seconds of `run`; with --profile its cProfile, with --sql its slowest statements."""
    profiler, times = cProfile.Profile() if profile else None, StatementTimes()
    t0 = time.perf_counter()
    with connection.execute_wrapper(times) if sql else contextlib.nullcontext():
        if profiler:
            profiler.enable()
        run()
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - t0
    if sql:
        print(f"  {title}: slowest statements")
        times.report()
    if profiler:
        print(f"  {title}: profile")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"motcua/", 30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return seconds


def measure(province_id: int, profile: bool, sql: bool = False) -> tuple[float, float, int]:
    Delivery.objects.all().delete()
    DBTaskResult.objects.all().delete()
    day = DayOverride(province_id=province_id, day=DAY_OFF, kind=DayKind.DAY_OFF, reason="Nghỉ bù (bench)")
    before = RecordEvent.objects.filter(action=DUE_RECOMPUTED).count()
    added = _timed(lambda: calendar_setting_save(setting=day), profile, sql, "day off added")
    moved = RecordEvent.objects.filter(action=DUE_RECOMPUTED).count() - before
    removed = _timed(lambda: calendar_setting_delete(setting=day), profile, sql, "day off removed")
    return added, removed, moved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append", help="open records (repeatable; default 2000)")
    parser.add_argument("--per-record", action="store_true", help="the consequences record by record")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-connector", action="store_true", help="no national portal connector: no outbox")
    parser.add_argument("--sql", action="store_true", help="the slowest statements of the timed add")
    args = parser.parse_args()
    if connection.vendor == "postgresql":
        prepare("bench_calendar_change.py")
    else:
        call_command("migrate", verbosity=0)
    agencies, first = setup_world()
    province = province_of(first.unit)
    assert province is not None
    models = templates(agencies)
    if args.per_record:
        hooks._bulk.clear()
    ConnectorConfig.objects.update(enabled=not args.no_connector)
    mode = "per record" if args.per_record else "bulk"
    print(
        f"{connection.vendor}, {mode}, connector {'off' if args.no_connector else 'on'}; load {os.getloadavg()}"
    )
    for n in sorted(args.n or [2000]):
        fill(n, agencies, models)
        added, removed, moved = measure(province.pk, args.profile, args.sql)
        deliveries = Delivery.objects.count()
        print(
            f"  N = {n:>6,}: day off added {added:6.2f} s, removed {removed:6.2f} s; "
            f"{moved:,} records moved, {deliveries:,} deliveries; load {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
