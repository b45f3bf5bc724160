"""Keeping the index's rollups in step with records.

`RecordRollupDay` holds what records add to the counters (metrics.facts) as of the day each change
takes effect — receipt, end, falling overdue, pause — per (unit, agency, local day of receipt, day);
`RecordRollup` the same summed by month; `ProcedureRollup` the records and online records per (unit,
agency, procedure, local month of receipt). Both are derived data:

- a record change through the services writes the difference between the record's contribution
  before and after the change (metrics.rollup_deltas), inside the change's own transaction
  (records' hooks), so a committed change is counted at once and a rolled-back one never is;
- a change the services did not announce beforehand (the portal's copy, DOSSIER_SYNC) recomputes
  the buckets it touches — the whole (unit, agency, day) and (unit, agency, month);
- bulk paths (import, demo, `motcua index rebuild`) call `rollups_rebuild()`: DELETE, then
  INSERT … SELECT … GROUP BY over every record.

Every path leaves the rows the full recomputation would write (no all-zero rows);
tests/metrics/test_rollup_deltas.py walks a record's life and compares after each step.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate, TruncMonth

from motcua.records import hooks
from motcua.records.models import Record, RecordEvent
from motcua.records.timeliness import LOCAL_TZ
from motcua.units.models import Agency

from . import facts, rollup_deltas
from .models import ProcedureRollup, RecordRollup, RecordRollupDay
from .rollup_changes import KEYS, summed_changes_sql

DayBucket = tuple[int, int, dt.date]  # unit, agency, local day of receipt


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _insert_changes(records: QuerySet[Record]) -> None:
    """INSERT INTO the day rollup the changes summed per (unit, agency, day of receipt, day)."""
    sql, params = summed_changes_sql(records)
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [*KEYS, *facts.COUNTERS])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(RecordRollupDay._meta.db_table)} ({names}) {sql}", params)


GRAINS = ("dm", "md", "mm")  # received day or month × change day or month (RecordRollup.grain)


def _grain_select(days: QuerySet[RecordRollupDay], grain: str) -> QuerySet[Any]:
    """The day rollup's rows summed to a grain of RecordRollup."""

    def reduced(field: str, letter: str) -> Any:
        return TruncMonth(field, output_field=DateField()) if letter == "m" else F(field)

    return (
        days.annotate(
            grain_key=Value(grain, output_field=CharField()),
            received_key=reduced("received_on", grain[0]),
            on_key=reduced("day", grain[1]),
        )
        .values("unit_id", "agency_id", "grain_key", "received_key", "on_key")
        .annotate(**{name: Sum(name) for name in facts.COUNTERS})
        .order_by()
    )


def _insert_grains(days: QuerySet[RecordRollupDay], grains: tuple[str, ...] = GRAINS) -> None:
    for grain in grains:
        _insert_select(
            RecordRollup,
            _grain_select(days, grain),
            rename={"grain_key": "grain", "received_key": "received_on", "on_key": "on"},
            skip_zero=facts.COUNTERS,  # changes that cancel out within a month: no row
        )


def _procedure_rollup_select(records: QuerySet[Record]) -> QuerySet[Any]:
    return (
        records.filter(received_at__isnull=False)
        .annotate(month=TruncMonth("received_at", tzinfo=LOCAL_TZ, output_field=DateField()))
        .values("unit_id", "agency_id", "procedure_id", "month")
        .annotate(received=Count("pk"), online=Count("pk", filter=facts.conditions(facts.FOREVER)["online"]))
        .order_by()
    )


def _insert_select(
    model: type[RecordRollup] | type[ProcedureRollup],
    select: QuerySet[Any],
    rename: dict[str, str] | None = None,
    skip_zero: tuple[str, ...] = (),
) -> None:
    """INSERT INTO rollup (…) SELECT … GROUP BY — the database does all the work; rows whose
    `skip_zero` columns are all 0 are left out."""
    columns = [
        (rename or {}).get(c, c) for c in [*select.query.values_select, *select.query.annotation_select]
    ]
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    if skip_zero:
        empty = " AND ".join(f"grouped.{quote(c)} = 0" for c in skip_zero)
        sql = f"SELECT * FROM ({sql}) grouped WHERE NOT ({empty})"
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", params)


def rollups_rebuild() -> None:
    """Recompute both rollups from every record (the full recomputation)."""
    with transaction.atomic():
        _clear_all()
        _insert_changes(Record.objects.all())
        _insert_grains(RecordRollupDay.objects.all())
        _insert_select(ProcedureRollup, _procedure_rollup_select(Record.objects.all()))


def _lock(unit_ids: Iterable[int]) -> None:
    """Serialise recomputations of a unit's buckets (PostgreSQL): two transactions rebuilding the
    same bucket would otherwise both delete, then both insert; per-change deltas take the same lock
    shared (rollup_deltas). Sorted to avoid deadlocks; SQLite serialises writers by itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for unit_id in sorted(set(unit_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [rollup_deltas.LOCK_SPACE, unit_id])


def _clear_all() -> None:
    """Empty both rollups; on PostgreSQL with TRUNCATE (which also locks out concurrent bucket
    refreshes until the rebuild commits) and memory enough to aggregate in a hash, not on disk."""
    if connection.vendor != "postgresql":
        RecordRollupDay.objects.all().delete()
        RecordRollup.objects.all().delete()
        ProcedureRollup.objects.all().delete()
        return
    with connection.cursor() as cursor:
        tables = [m._meta.db_table for m in (RecordRollupDay, RecordRollup, ProcedureRollup)]
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute("SET LOCAL work_mem = '256MB'")


def _received_months(months: list[tuple[int, int, dt.date]]) -> Q:
    found = Q()
    for unit_id, agency_id, month in months:
        found |= Q(unit_id=unit_id, agency_id=agency_id, received_on=month)
    return found


def rollups_refresh(buckets: Iterable[DayBucket]) -> None:
    """Recompute the (unit, agency, day) buckets of RecordRollup and the (unit, agency, month) ones
    of ProcedureRollup that contain them."""
    days = sorted(set(buckets))
    if not days:
        return
    months = sorted({(u, a, _first_of_month(d)) for u, a, d in days})
    with transaction.atomic():
        _lock(u for u, _, _ in days)
        day_filter, month_filter, records_by_day, records_by_month = Q(), Q(), Q(), Q()
        for unit_id, agency_id, day in days:
            day_filter |= Q(unit_id=unit_id, agency_id=agency_id, received_on=day)
            records_by_day |= Q(
                unit_id=unit_id,
                agency_id=agency_id,
                received_at__gte=_local_start(day),
                received_at__lt=_local_start(day + dt.timedelta(days=1)),
            )
        for unit_id, agency_id, month in months:
            month_filter |= Q(unit_id=unit_id, agency_id=agency_id, month=month)
            records_by_month |= Q(
                unit_id=unit_id,
                agency_id=agency_id,
                received_at__gte=_local_start(month),
                received_at__lt=_local_start(_next_month(month)),
            )
        RecordRollupDay.objects.filter(day_filter).delete()
        _insert_changes(Record.objects.filter(records_by_day))
        RecordRollup.objects.filter(day_filter, grain="dm").delete()
        _insert_grains(RecordRollupDay.objects.filter(day_filter), ("dm",))
        days_of_months = Q()
        for unit_id, agency_id, month in months:
            days_of_months |= Q(
                unit_id=unit_id,
                agency_id=agency_id,
                received_on__gte=month,
                received_on__lt=_next_month(month),
            )
        RecordRollup.objects.filter(grain__in=["md", "mm"]).filter(_received_months(months)).delete()
        _insert_grains(RecordRollupDay.objects.filter(days_of_months), ("md", "mm"))
        ProcedureRollup.objects.filter(month_filter).delete()
        _insert_select(ProcedureRollup, _procedure_rollup_select(Record.objects.filter(records_by_month)))


def buckets_of(records: QuerySet[Record]) -> set[DayBucket]:
    """The day buckets the records sit in now (for bulk paths that changed them)."""
    rows = (
        records.filter(received_at__isnull=False)
        .annotate(day=TruncDate("received_at", tzinfo=LOCAL_TZ))
        .values_list("unit_id", "agency_id", "day")
        .distinct()
    )
    return set(rows)


HOOK = "metrics.rollups"  # records.hooks key of the contribution noted before a change


def before_record_change(record: Record) -> rollup_deltas.Contribution:
    """records' before-change hook: what the locked record adds to the rollups before the change."""
    return rollup_deltas.contribution(record)


def on_record_change(record: Record, event: RecordEvent) -> None:
    """records' in-transaction hook: apply the change as a delta when the contribution before it
    was noted (every `record_perform`); otherwise refresh the buckets of the record as it is now,
    and the one it left when a transfer moved it to another agency."""
    before = hooks.before(record, HOOK)
    if before is not hooks.MISSING:
        rollup_deltas.apply(before, rollup_deltas.contribution(record))
        return
    if record.received_at is None:
        return  # not received yet: counted nowhere
    day = record.received_at.astimezone(LOCAL_TZ).date()
    buckets = {(record.unit_id, record.agency_id, day)}
    moved_from = (event.detail or {}).get("from_agency")
    if moved_from:
        old = Agency.objects.filter(code=moved_from).values_list("unit_id", "pk").first()
        if old is not None:
            buckets.add((old[0], old[1], day))
    rollups_refresh(buckets)


def build_demo() -> Iterator[str]:
    """The demo's last step: recount the rollups once over every demo record (core.demo)."""
    started = time.perf_counter()
    rollups_rebuild()
    yield (
        f"Chỉ số: tổng hợp lại {RecordRollup.objects.count()} dòng hồ sơ, "
        f"{ProcedureRollup.objects.count()} dòng thủ tục trong {time.perf_counter() - started:.1f} s."
    )
