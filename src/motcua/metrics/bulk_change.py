"""A set of records changed at once (a calendar change moving thousands of due dates): the index's
roll-ups and kept counts follow in one go, not record by record.

Registered with `records.hooks.register_bulk_change` (apps.py) in place of the per-record
callbacks (`rollups.on_record_change` with its before-change note, `snapshots.on_record_change`):

- roll-ups: before the writer changes the records, their summed contribution — the day roll-up
  rows `rollup_changes.summed_changes_sql` gives for the set, and their procedure roll-up rows —
  is read; after, again; the difference is written as deltas exactly as `rollup_deltas.apply`
  writes one record's. Contributions add up record by record, so the sum of the set's deltas is
  the sum of the per-record ones: the same rows as a per-record walk, and as `rollups_rebuild()`.
  The cost is a few statements per 2.000 records plus one upsert per touched row;
- kept counts: the snapshots of every (commune, agency, day of receipt) the set touches are
  dropped with one DELETE now and one after commit (with one mark per place and day), where the
  per-record hook deletes once per record.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.records.models import Record
from motcua.records.timeliness import LOCAL_TZ
from motcua.units.models import Agency

from . import rollup_deltas, rollups, snapshots
from .models import IndexSnapshot, IndexSnapshotMark
from .rollup_changes import summed_changes_sql
from .rollup_deltas import DayKey, ProcedureKey

if TYPE_CHECKING:
    from motcua.records.models import RecordEvent

HOOK = "metrics.bulk"  # records.hooks key of the bulk handler
_IDS = 2000  # record ids per read: 4 × 2.000 parameters, within SQLite's 32.766
_ROWS = 500  # snapshot marks per INSERT
_DAYS = 100  # days of receipt per snapshot DELETE


@dataclass
class SetContribution:
    """What a set of records adds to the roll-ups as it stands, summed."""

    days: dict[DayKey, list[int]] = field(default_factory=dict)
    procedures: dict[ProcedureKey, list[int]] = field(default_factory=dict)


def contribution(record_ids: Sequence[int]) -> SetContribution:
    """The records' summed rows of the day roll-up and of the procedure roll-up, read from the
    database as they stand there (records not received add nothing)."""
    found = SetContribution()
    for ids in itertools.batched(sorted(set(record_ids)), _IDS):
        sql, params = summed_changes_sql(Record.objects.filter(pk__in=ids))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for u, a, received_on, day, *counters in rows:
            key = (int(u), int(a), rollup_deltas._date(received_on), rollup_deltas._date(day))
            rollup_deltas._add(found.days, key, tuple(int(n) for n in counters), +1)
        for row in rollups._procedure_rollup_select(Record.objects.filter(pk__in=ids)):
            key = (row["unit_id"], row["agency_id"], row["procedure_id"], rollup_deltas._date(row["month"]))
            rollup_deltas._add(found.procedures, key, (row["received"], row["online"]), +1)
    return found


def _difference(before: dict[Any, list[int]], after: dict[Any, list[int]]) -> dict[Any, tuple[int, ...]]:
    rows: dict[Any, list[int]] = {}
    for sign, part in ((-1, before), (+1, after)):
        for key, counters in part.items():
            rollup_deltas._add(rows, key, tuple(counters), sign)
    return rollup_deltas._nonzero(rows)


def apply(before: SetContribution, after: SetContribution) -> None:
    """Write the difference between the set's old and new contributions, as `rollup_deltas.apply`
    does for one record (same writer: locks, sorted order, all-zero rows deleted)."""
    rollup_deltas.write(
        _difference(before.days, after.days), _difference(before.procedures, after.procedures)
    )


# --- records.hooks bulk handler --------------------------------------------------------------------


def before_records_change(records: Sequence[Record]) -> SetContribution:
    return contribution([r.pk for r in records])


def on_records_change(records: Sequence[Record], events: Sequence[RecordEvent], before: Any) -> None:
    """After the bulk writer: the roll-ups by one set delta (a per-record refresh of the buckets
    when nothing was noted before, as `rollups.on_record_change` does), then the kept counts once."""
    ids = [r.pk for r in records]
    if isinstance(before, SetContribution):
        apply(before, contribution(ids))
    else:
        for record, event in zip(records, events, strict=True):
            rollups.on_record_change(record, event)
    moved_from = {
        r.pk: str(e.detail["from_agency"])
        for r, e in zip(records, events, strict=True)
        if (e.detail or {}).get("from_agency")
    }
    forget_records_at_once(record_ids=ids, moved_from=moved_from)


def forget_records_at_once(*, record_ids: Sequence[int], moved_from: dict[int, str] | None = None) -> None:
    """`snapshots.on_record_change` for every record at once: the snapshots that may count any of
    them (at their commune and agency, and the agency a transfer took them from: `moved_from`,
    record id → agency code) dropped now and after commit, with one mark per place and day."""
    moved_from = moved_from or {}
    left = dict(Agency.objects.filter(code__in=set(moved_from.values())).values_list("code", "unit__code"))
    places: dict[dt.date, set[tuple[str, str]]] = defaultdict(set)
    for ids in itertools.batched(record_ids, _IDS):
        rows = Record.objects.filter(pk__in=ids, received_at__isnull=False).values_list(
            "pk", "unit__code", "agency__code", "received_at"
        )
        for pk, unit, agency, received_at in rows:
            day = received_at.astimezone(LOCAL_TZ).date()
            places[day].add((unit, agency))
            code = moved_from.get(pk)
            if code is not None and code in left:
                places[day].add((left[code], code))
    if not places:
        return
    by_day = sorted((day, sorted(found)) for day, found in places.items())
    touching = [
        _any(snapshots._touching(found, day) for day, found in by_day[i : i + _DAYS])
        for i in range(0, len(by_day), _DAYS)
    ]
    for q in touching:
        IndexSnapshot.objects.filter(q).delete()

    def after_commit() -> None:
        now = timezone.now()
        IndexSnapshotMark.objects.bulk_create(
            [
                IndexSnapshotMark(unit_code=unit, agency_code=agency, day=day, created_at=now)
                for day, found in by_day
                for unit, agency in found
            ],
            batch_size=_ROWS,
        )
        for q in touching:
            IndexSnapshot.objects.filter(q).delete()

    transaction.on_commit(after_commit)


def _any(parts: Iterator[Q]) -> Q:
    found = Q()
    for part in parts:
        found |= part
    return found
