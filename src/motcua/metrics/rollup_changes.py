"""What records add to the index's counters, as changes by day: the one SQL definition both the
full recomputation (metrics.rollups) and the per-change deltas (metrics.rollup_deltas) use, so
the two can never disagree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Count, DateField, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Greatest, TruncDate

from motcua.records.models import Record
from motcua.records.timeliness import LOCAL_TZ

from . import facts

KEYS = ("unit_id", "agency_id", "received_on", "day")
_MICROSECOND = dt.timedelta(microseconds=1)


def changes(records: QuerySet[Record]) -> list[QuerySet[Any]]:
    """What each record adds to the counters, as of the moments they change (metrics.facts, judged
    at a moment T): four grouped selects — receipt, end, falling overdue, pause after that — each
    keyed by the local day the change takes effect (never before the day of receipt). The sum of a
    record's changes up to T equals facts.conditions(T) for it; tests/metrics/test_rollup_changes.py
    checks that on random histories. On time, for a record with a due date and supplements within
    the rules, is 1 until just after the due moment (`due_after`), 0 from then until a pause, and
    from the end on whether it ended by the due moment."""
    judged = facts.conditions(facts.FOREVER)
    rows = facts.annotate(records.filter(received_at__isnull=False)).annotate(
        received_on=TruncDate("received_at", tzinfo=LOCAL_TZ),
        due_after=ExpressionWrapper(F("due_at") + _MICROSECOND, output_field=DateTimeField()),
    )
    clocked = Q(due_at__isnull=False, supplement_count__lte=F("_max_supplements"))
    ended_in_time = Q(ended_at__lte=F("due_at"))
    on_time_before_end = Q(ended_at__lte=F("due_after")) | Q(
        clock_paused_at__isnull=False, clock_paused_at__lt=F("ended_at")
    )
    open_after_due = Q(ended_at__isnull=True) | Q(ended_at__gt=F("due_after"))
    zero = {name: Value(0) for name in facts.COUNTERS}

    def day_of(field: str) -> Any:
        return Greatest(F("received_on"), TruncDate(field, tzinfo=LOCAL_TZ), output_field=DateField())

    def grouped(qs: QuerySet[Record], day: Any, **counters: Any) -> QuerySet[Any]:
        return qs.annotate(day=day).values(*KEYS).annotate(**(zero | counters)).order_by()

    def count(q: Q) -> Count:
        return Count("pk", filter=q)

    receipt = grouped(
        rows,
        F("received_on"),
        **{name: count(judged[name]) for name in facts.STATIC},
        on_time=count(Q(due_at__isnull=True) | Q(supplement_count__lte=F("_max_supplements"))),
        digitized=count(Q(has_digitized_components=True)),
    )
    end = grouped(
        rows.filter(ended_at__isnull=False),
        day_of("ended_at"),
        on_time=count(clocked & ended_in_time & ~on_time_before_end)
        - count(clocked & ~ended_in_time & on_time_before_end),
        resolved=count(judged["resolved"]),
        e_result=count(judged["e_result"]),
        digitized=Value(0)
        - count(Q(has_digitized_components=True, finished_at__isnull=False, has_e_result=False)),
    )
    overdue = grouped(
        rows.filter(clocked & open_after_due).filter(
            Q(clock_paused_at__isnull=True) | Q(clock_paused_at__gt=F("due_after"))
        ),
        day_of("due_after"),
        on_time=Value(0) - Count("pk"),
    )
    paused = grouped(
        rows.filter(clocked, clock_paused_at__isnull=False, clock_paused_at__gt=F("due_after")).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=F("clock_paused_at"))
        ),
        day_of("clock_paused_at"),
        on_time=Count("pk"),
    )
    return [receipt, end, overdue, paused]


def summed_changes_sql(records: QuerySet[Record]) -> tuple[str, list[Any]]:
    """SELECT the records' changes summed per (unit, agency, day of receipt, day), the rows where
    every counter sums to 0 left out — the day rollup's rows, in KEYS + facts.COUNTERS order."""
    parts: list[str] = []
    params: list[Any] = []
    for select in changes(records):
        sql, part_params = select.query.sql_with_params()
        parts.append(sql)
        params.extend(part_params)
    quote = connection.ops.quote_name
    # Summed as integers: PostgreSQL sums the parts' bigint counts as numeric otherwise, a fifth
    # of the full recomputation's time at 1.000.000 records.
    sums = ", ".join(f"SUM(CAST({quote(c)} AS INTEGER))" for c in facts.COUNTERS)
    nonzero = " OR ".join(f"SUM(CAST({quote(c)} AS INTEGER)) <> 0" for c in facts.COUNTERS)
    key_list = ", ".join(quote(k) for k in KEYS)
    sql = (
        f"SELECT {key_list}, {sums} FROM ({' UNION ALL '.join(parts)}) changes "
        f"GROUP BY {key_list} HAVING {nonzero}"
    )
    return sql, params
