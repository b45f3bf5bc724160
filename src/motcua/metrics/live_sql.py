"""The live part of a count, compiled once per process.

The live part — for the records of some units or agencies changed on the judging day, their
counters at the judging moment minus what the roll-ups already hold of them (metrics.counting) —
is one statement whose shape depends only on how many unit and agency ids it names. Django took
~25 ms of Python to build it on every page, more than PostgreSQL took to answer it; here it is
built once per shape with sentinel values in place of the ids and moments, and later calls put
the real values at the sentinels' positions. tests/metrics/test_live_sql.py checks the statement
and its parameters against a fresh compilation.

On PostgreSQL each id list is one array parameter (`unit_id = ANY(%s::bigint[])`) and the
statement is sent with server-side binding: one text whatever the ids (compiled once per process,
not per number of ids), which psycopg prepares per connection if the database OPTIONS set
`prepare_threshold` (Django turns preparing off for connection poolers). SQLite keeps the `IN`
lists. The ids' literals themselves cost little; the plan did (see live_queryset, live_rows).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import DatabaseError, connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, DateField, F, Lookup, Q, QuerySet, Value
from django.db.models.functions import TruncMonth

from motcua.records.models import Record
from motcua.records.timeliness import LOCAL_TZ

from . import facts, onepage

# The moments the statement compares with (metrics.counting._live_moments).
MOMENTS = ("start", "end", "at", "first", "after", "first_tick", "after_tick")
_UNIT, _AGENCY = -766_000_000, -767_000_000  # sentinel ids: unit i is _UNIT - i
_EPOCH = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)  # sentinel moment k is _EPOCH + k µs

# (alias, number of unit ids, number of agency ids — on PostgreSQL -1, -1: arrays) → SQL, the source
# of each parameter, columns
_compiled: dict[tuple[str, int, int], tuple[str, list[tuple[str, Any]], list[str]]] = {}


class _AnyOf(Lookup[Any]):
    """`column = ANY(%s::bigint[])`: a list of ids as one PostgreSQL array parameter."""

    lookup_name = "motcua_any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::bigint[])", (*lhs_params, *rhs_params)


def _arrays() -> bool:
    return connection.vendor == "postgresql"


def _whose(units: Sequence[int], agencies: Sequence[int], *, indexed: bool = True) -> Q:
    if _arrays():  # both arrays, even empty: one statement whatever the ids
        unit, agency = (F("unit_id"), F("agency_id")) if indexed else (F("unit_id") + 0, F("agency_id") + 0)
        return Q(_AnyOf(unit, Value(list(units)))) | Q(_AnyOf(agency, Value(list(agencies))))
    whose = Q(pk__in=[])
    if units:
        whose |= Q(unit_id__in=list(units))
    if agencies:
        whose |= Q(agency_id__in=list(agencies))
    return whose


def live_queryset(
    units: Sequence[int], agencies: Sequence[int], moments: dict[str, dt.datetime]
) -> QuerySet[Record, dict[str, Any]]:
    """The live statement as Django builds it: per (unit, agency, local month of receipt), each
    counter of the records received in [start, end) up to `at` and changed on the judging day
    (received, ended, due or paused within it), as it stands at `at` minus as it stood just
    before the day (for the records received before it — the roll-ups hold those)."""
    m = moments
    in_period = Record.objects.filter(
        received_at__gte=m["start"],
        received_at__lt=m["end"],
        received_at__lte=m["at"],
    )
    # The due branch reads the day's due records by `due_at` alone: with the ids indexable,
    # PostgreSQL ANDs that bitmap with the scope's whole period read from (unit, received_at) —
    # ~70,000 index entries for a province's month (~30 of the statement's ~55 ms) to drop a few
    # dozen of ~2,800 rows. `unit_id + 0` is not indexable; the other branches have (unit, change)
    # indexes.
    due = 2
    changed = [
        Q(received_at__gte=m["first"]),
        Q(ended_at__gte=m["first"], ended_at__lt=m["after"]),
        Q(due_at__gte=m["first_tick"], due_at__lt=m["after_tick"]),
        Q(clock_paused_at__gte=m["first"], clock_paused_at__lt=m["after"]),
    ]
    now, before = facts.conditions(m["at"]), facts.conditions(m["first_tick"])
    # What each branch adds, now minus just before the day, spelled only as far as it can differ
    # from 0 for the branch's records (fewer conditions per row, and to plan):
    # - received today: nothing of theirs is held, so their value now;
    # - received before today (the other branches): a counter that does not depend on the moment
    #   is the same now and just before the day — 0;
    # - not ended today either (due, paused): resolved, e-result and digitized depend on the moment
    #   only through the end (`ended_at <= T`), on the same side of both moments — 0; on time only.
    received_today = {name: Count("pk", filter=now[name]) for name in facts.COUNTERS}
    moved = {
        name: Value(0)
        if name in facts.STATIC
        else Count("pk", filter=now[name]) - Count("pk", filter=before[name])
        for name in facts.COUNTERS
    }
    clock_only = {name: moved[name] if name == "on_time" else Value(0) for name in facts.COUNTERS}
    counters: list[dict[str, Any]] = [received_today, moved, clock_only, clock_only]
    # One branch per kind of change, each an index scan leaving out the records an earlier branch
    # counts, summed by the caller: one OR of the four makes PostgreSQL read every record of the
    # period's scope (a month of a province: ~30,000 heap pages) to keep the ~2,000 of today, and
    # a UNION of their ids read each of those again (~20 % more time than the branches).
    branches = []
    for i, change in enumerate(changed):
        records = in_period.filter(_whose(units, agencies, indexed=i != due), change)
        for earlier in changed[:i]:
            records = records.exclude(earlier)
        branches.append(
            facts.annotate(records)
            .annotate(received_month=TruncMonth("received_at", tzinfo=LOCAL_TZ, output_field=DateField()))
            .values("unit_id", "agency_id", "received_month")
            .annotate(**counters[i])
            .order_by()
        )
    return branches[0].union(*branches[1:], all=True)


def _prepared(moment: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _slot(
    value: Any, sources: dict[Any, tuple[str, Any]], units: list[int], agencies: list[int]
) -> tuple[str, Any]:
    if isinstance(value, list):  # an array of sentinel ids
        return (
            ("units", None)
            if value == units
            else ("agencies", None)
            if value == agencies
            else ("value", value)
        )
    return sources.get(value, ("value", value)) if _hashable(value) else ("value", value)


def _compile(n_units: int, n_agencies: int) -> tuple[str, list[tuple[str, Any]], list[str]]:
    units = [_UNIT - i for i in range(n_units)]
    agencies = [_AGENCY - i for i in range(n_agencies)]
    moments = {name: _EPOCH + dt.timedelta(microseconds=k) for k, name in enumerate(MOMENTS)}
    query = live_queryset(units, agencies, moments).query
    sql, params = query.sql_with_params()
    sources: dict[Any, tuple[str, Any]] = {u: ("unit", i) for i, u in enumerate(units)}
    sources |= {a: ("agency", i) for i, a in enumerate(agencies)}
    sources |= {_prepared(value): ("moment", name) for name, value in moments.items()}
    slots = [_slot(p, sources, units, agencies) for p in params]
    columns = [*query.values_select, *query.annotation_select]
    return sql, slots, columns


def statement(
    units: Sequence[int], agencies: Sequence[int], moments: dict[str, dt.datetime]
) -> tuple[str, list[Any], list[str]]:
    """SQL, parameters and column names of `live_queryset(units, agencies, moments)`, from the
    statement compiled once for this shape."""
    # Arrays: one statement, compiled with sentinel arrays of one id each (told apart by value).
    key = (connection.alias, -1, -1) if _arrays() else (connection.alias, len(units), len(agencies))
    if key not in _compiled:
        _compiled[key] = _compile(1, 1) if key[1] < 0 else _compile(len(units), len(agencies))
    sql, slots, columns = _compiled[key]
    prepared = {name: _prepared(moments[name]) for name in MOMENTS}
    params = []
    for kind, ref in slots:
        if kind == "unit":
            params.append(units[ref])
        elif kind == "agency":
            params.append(agencies[ref])
        elif kind == "units":
            params.append(list(units))
        elif kind == "agencies":
            params.append(list(agencies))
        elif kind == "moment":
            params.append(prepared[ref])
        else:
            params.append(ref)
    return sql, params, columns


@dataclass(frozen=True)
class _Asked:
    units: frozenset[int]
    agencies: frozenset[int]
    moments: dict[str, dt.datetime]
    rows: list[dict[str, Any]]


def _month_start(moment: dt.datetime) -> dt.date | None:
    local = moment.astimezone(LOCAL_TZ)
    return local.date() if local.day == 1 and local.timetz().replace(tzinfo=None) == dt.time() else None


def _from_earlier(
    asked: list[_Asked], units: Sequence[int], agencies: Sequence[int], moments: dict[str, dt.datetime]
) -> list[dict[str, Any]] | None:
    first, end = _month_start(moments["start"]), _month_start(moments["end"])
    if first is None or end is None:
        return None
    same_moment = {k: v for k, v in moments.items() if k not in ("start", "end")}
    for earlier in asked:
        if (
            {k: v for k, v in earlier.moments.items() if k not in ("start", "end")} == same_moment
            and earlier.moments["start"] <= moments["start"]
            and moments["end"] <= earlier.moments["end"]
            and earlier.units.issuperset(units)
            and earlier.agencies.issuperset(agencies)
        ):
            wanted_units, wanted_agencies = set(units), set(agencies)
            return [
                row
                for row in earlier.rows
                if first <= row["received_month"] < end
                and (row["unit_id"] in wanted_units or row["agency_id"] in wanted_agencies)
            ]
    return None


def _as_date(value: Any) -> dt.date:
    """The month of receipt as the driver returns it outside Django's converters: a local
    timestamp (PostgreSQL's date_trunc), text (SQLite) or a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _cursor() -> CursorWrapper:
    """Django's cursor (its execute wrappers and query log apply); on PostgreSQL over a psycopg
    cursor binding the parameters server-side."""
    if not _arrays():
        return connection.cursor()
    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # django-stubs want a wrapper here
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def live_rows(
    units: Sequence[int], agencies: Sequence[int], moments: dict[str, dt.datetime]
) -> list[dict[str, Any]]:
    """The rows of `live_queryset(units, agencies, moments)`; none for no unit and no agency.
    Within `onepage.reading()`, a count covered by one already made at the same judging moment —
    its units and agencies among the earlier one's, its whole months of receipt within the earlier
    period — is taken from the earlier rows (a running year's page also shows its running month)."""
    if not units and not agencies:
        return []
    page = onepage.kept()
    asked: list[_Asked] | None = None if page is None else page.setdefault("live_sql", [])
    if asked is not None:
        earlier = _from_earlier(asked, units, agencies, moments)
        if earlier is not None:
            return earlier
    sql, params, columns = statement(units, agencies, moments)
    with _cursor() as cursor:
        if not _arrays():
            cursor.execute(sql, params)
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        else:
            # Serial: two parallel workers doubled the statement's time on this 2-CPU class of
            # machine (starting them costs more than the ~20 ms they share).
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            try:
                cursor.execute(sql, params)
                rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            finally:
                with contextlib.suppress(DatabaseError):  # a failed transaction undoes the SET
                    cursor.execute("RESET max_parallel_workers_per_gather")
    for row in rows:
        row["received_month"] = _as_date(row["received_month"])
    if asked is not None:
        asked.append(_Asked(frozenset(units), frozenset(agencies), dict(moments), rows))
    return rows
