"""One record change applied to the roll-ups as deltas, in the change's own transaction.

Before the service changes the locked record, its contribution — its rows of the day roll-up, as
`rollup_changes.summed_changes_sql` computes them for that one record — is read; after the change
it is read again, and only the difference is written: `INSERT … ON CONFLICT DO UPDATE SET n = n +
excluded.n` on the day rows, the three coarser grains and the procedure roll-up; rows left with
every counter at 0 are deleted, as the full recomputation never writes them. The cost is that of
one record, whatever the size of its unit's day or month.

The statement reading one record's contribution is compiled by Django once per process (the
record id is a placeholder) — building it each time cost ~80 ms of Python per officer action.

Concurrency (PostgreSQL): deltas of different records commute, and the record itself is locked
by the service, so two changes need no lock of their own beyond the rows they upsert — written
in one sorted order (day rows, grains, procedures; keys sorted within each) so two transactions
never wait on each other in a cycle. A whole-bucket recomputation (`rollups.rollups_refresh`,
not delta-based) takes the unit's advisory lock exclusively; deltas take it shared, so they wait
for it and it for them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from motcua.records.models import Channel, Record
from motcua.records.timeliness import LOCAL_TZ

from . import facts
from .models import ProcedureRollup, RecordRollup, RecordRollupDay
from .rollup_changes import summed_changes_sql

Counters = tuple[int, ...]
DayKey = tuple[int, int, dt.date, dt.date]  # unit, agency, local day of receipt, day of the change
ProcedureKey = tuple[int, int, int, dt.date]  # unit, agency, procedure, local month of receipt

LOCK_SPACE = 766  # the advisory-lock namespace of the roll-ups (QĐ 766)
_SENTINEL = -766_076_607  # stands for the record id while the statement is compiled


@dataclass(frozen=True)
class Contribution:
    """What one record adds to the roll-ups as it stands."""

    days: dict[DayKey, Counters] = field(default_factory=dict)
    procedure: ProcedureKey | None = None
    online: int = 0


NOTHING = Contribution()
_compiled: dict[str, tuple[str, list[Any], list[int]]] = {}


def _record_statement() -> tuple[str, list[Any], list[int]]:
    key = connection.alias
    if key not in _compiled:
        sql, params = summed_changes_sql(Record.objects.filter(pk=_SENTINEL))
        slots = [i for i, p in enumerate(params) if type(p) is int and p == _SENTINEL]
        if not slots:  # pragma: no cover — Django inlined the id: fail loudly, never count wrong
            raise RuntimeError("the record id is not a parameter of the roll-up statement")
        _compiled[key] = (sql, params, slots)
    return _compiled[key]


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def contribution(record: Record) -> Contribution:
    """The record's rows of the day roll-up, read from the database as the record stands there,
    and its procedure roll-up key. Nothing before receipt (counted nowhere)."""
    if record.received_at is None:
        return NOTHING
    sql, template, slots = _record_statement()
    params = list(template)
    for i in slots:
        params[i] = record.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    days = {
        (int(u), int(a), _date(received_on), _date(day)): tuple(int(n) for n in counters)
        for u, a, received_on, day, *counters in rows
    }
    month = record.received_at.astimezone(LOCAL_TZ).date().replace(day=1)
    return Contribution(
        days=days,
        procedure=(record.unit_id, record.agency_id, record.procedure_id, month),
        online=int(record.channel == Channel.ONLINE),
    )


def _add(into: dict[Any, list[int]], key: Any, counters: Counters, sign: int) -> None:
    row = into.setdefault(key, [0] * len(counters))
    for i, n in enumerate(counters):
        row[i] += sign * n


def _nonzero(rows: dict[Any, list[int]]) -> dict[Any, Counters]:
    return {key: tuple(row) for key, row in rows.items() if any(row)}


def day_deltas(before: Contribution, after: Contribution) -> dict[DayKey, Counters]:
    rows: dict[DayKey, list[int]] = {}
    for key, counters in before.days.items():
        _add(rows, key, counters, -1)
    for key, counters in after.days.items():
        _add(rows, key, counters, +1)
    return _nonzero(rows)


def grain_deltas(days: dict[DayKey, Counters]) -> dict[tuple[str, int, dt.date, int, dt.date], Counters]:
    """The day deltas summed to RecordRollup's grains (rollups.GRAINS): keyed as its unique
    constraint is, (grain, unit, received_on, agency, on)."""
    rows: dict[tuple[str, int, dt.date, int, dt.date], list[int]] = {}
    for (unit, agency, received_on, day), counters in days.items():
        received_month, month = received_on.replace(day=1), day.replace(day=1)
        _add(rows, ("dm", unit, received_on, agency, month), counters, +1)
        _add(rows, ("md", unit, received_month, agency, day), counters, +1)
        _add(rows, ("mm", unit, received_month, agency, month), counters, +1)
    return _nonzero(rows)


def procedure_deltas(before: Contribution, after: Contribution) -> dict[ProcedureKey, tuple[int, int]]:
    rows: dict[ProcedureKey, list[int]] = defaultdict(lambda: [0, 0])
    for sign, part in ((-1, before), (+1, after)):
        if part.procedure is not None:
            rows[part.procedure][0] += sign
            rows[part.procedure][1] += sign * part.online
    return {key: (row[0], row[1]) for key, row in rows.items() if any(row)}


def apply(before: Contribution, after: Contribution) -> None:
    """Write the difference between the record's old and new contributions."""
    write(day_deltas(before, after), procedure_deltas(before, after))


_ROWS = 500  # rows per upsert statement: ~18 parameters each


def write(days: dict[DayKey, Counters], procedures: dict[ProcedureKey, tuple[int, int]]) -> None:
    """Add day-roll-up deltas (and their coarser grains) and procedure-roll-up deltas, under the
    units' shared locks, in one sorted order (two transactions never lock in a cycle)."""
    if not days and not procedures:
        return  # most actions (assign, consult, …) change nothing the index counts
    _lock_shared({key[0] for key in days} | {key[0] for key in procedures})
    adapt = connection.ops.adapt_datefield_value
    day_rows = [(u, a, adapt(r), adapt(d), *n) for (u, a, r, d), n in sorted(days.items())]
    grain_rows = [
        (g, u, adapt(r), a, adapt(o), *n) for (g, u, r, a, o), n in sorted(grain_deltas(days).items())
    ]
    for rows in itertools.batched(day_rows, _ROWS):
        _upsert(RecordRollupDay, ("unit_id", "agency_id", "received_on", "day"), facts.COUNTERS, list(rows))
    for rows in itertools.batched(grain_rows, _ROWS):
        _upsert(
            RecordRollup, ("grain", "unit_id", "received_on", "agency_id", "on"), facts.COUNTERS, list(rows)
        )
    for (unit, agency, procedure, month), (received, online) in sorted(procedures.items()):
        # One row at a time in key order: ProcedureRollup's counters may not go below 0 even for
        # a moment, so a removal is an UPDATE, never an insert of a negative row.
        row = (unit, agency, procedure, adapt(month))
        if received > 0:
            _upsert(
                ProcedureRollup,
                ("unit_id", "agency_id", "procedure_id", "month"),
                ("received", "online"),
                [(*row, received, online)],
            )
        else:
            _remove_procedure(row, -received, -online)


def _lock_shared(unit_ids: set[int]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers by itself
    ordered = sorted(unit_ids)
    calls = ", ".join("pg_advisory_xact_lock_shared(%s, %s)" for _ in ordered)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [p for u in ordered for p in (LOCK_SPACE, u)])


_upserts: dict[tuple[str, str, int], str] = {}


def _upsert(
    model: Any, keys: tuple[str, ...], counters: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Add `rows` (keys then counters) to the table; delete the rows it leaves all-zero."""
    if not rows:
        return
    table = model._meta.db_table
    cache_key = (connection.alias, table, len(rows))
    sql = _upserts.get(cache_key)
    if sql is None:
        q = connection.ops.quote_name
        columns = [*keys, *counters]
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        adds = ", ".join(f"{q(c)} = {q(table)}.{q(c)} + excluded.{q(c)}" for c in counters)
        empty = " AND ".join(f"{q(c)} = 0" for c in counters)
        sql = (
            f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) VALUES {', '.join([one] * len(rows))} "
            f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET {adds} "
            f"RETURNING id, CASE WHEN {empty} THEN 1 ELSE 0 END"
        )
        _upserts[cache_key] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        emptied = [pk for pk, empty in cursor.fetchall() if empty]
        if emptied:
            q = connection.ops.quote_name
            marks = ", ".join(["%s"] * len(emptied))
            cursor.execute(f"DELETE FROM {q(table)} WHERE id IN ({marks})", emptied)


def _remove_procedure(row: tuple[Any, ...], received: int, online: int) -> None:
    """Take a record out of its old procedure row; a row already too small (the roll-up missed a
    change: `motcua index rebuild` heals it) stops at 0 rather than failing the officer's action."""
    q = connection.ops.quote_name
    table = q(ProcedureRollup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET received = CASE WHEN received > %s THEN received - %s ELSE 0 END, "
            f"online = CASE WHEN online > %s THEN online - %s ELSE 0 END "
            "WHERE unit_id = %s AND agency_id = %s AND procedure_id = %s AND month = %s",
            [received, received, online, online, *row],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE received = 0 AND online = 0 AND unit_id = %s AND agency_id = %s AND procedure_id = %s AND month = %s",
            list(row),
        )
