"""The procedure metrics (online group: ONLINE_SERVICE_PROVIDED, ONLINE_SERVICE_USED,
FEE_PROCEDURE_WITH_DOSSIER, PUBLIC_CONTENT_FULL) for many scopes at once: what the scopes'
agencies offered on the judging day and which procedures had records, as sets per unit and per
agency, united per scope (metrics.ranking; counting.procedure_counts is the one-scope form, and
tests/metrics/test_ranking.py checks that both agree)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable

from django.db import DatabaseError, connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    StringAgg,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast

from motcua.catalog.models import Fee, OnlineLevel, Procedure
from motcua.catalog.models import Offering as CatalogOffering

from . import counting, facts, onepage, scoring
from .models import ProcedureRollup
from .periods import Period
from .scopes import Members
from .window import Window, local_start

_Key = tuple[str, int]  # ("unit", unit id) or ("agency", agency id)


def _keys(who: Members) -> list[_Key]:
    return [("agency", who.agency_id)] if who.agency_id is not None else [("unit", u) for u in who.unit_ids]


def procedure_counts_many(
    who: dict[str, Members], period: Period, win: Window
) -> dict[str, dict[str, scoring.Count]]:
    """The four procedure metrics of each scope (by key) over the period, judged at `win.at`."""
    unit_ids = {u for m in who.values() for u in m.unit_ids}
    offered_by, fee_ids, complete_ids = _catalogue(frozenset(unit_ids), win.day)
    whole, partial = counting._month_ranges(period, win)
    used = _used_in_whole_months(unit_ids, whole, win.day.replace(day=1))
    everyone = counting.scoped_records(Members(unit_ids=tuple(sorted(unit_ids))))
    for first, last in partial:
        online_now = facts.conditions(win.at)["online"]
        records = everyone.filter(
            received_at__gte=local_start(first), received_at__lt=local_start(last + dt.timedelta(days=1))
        )
        rows = records.annotate(is_online=ExpressionWrapper(online_now, output_field=BooleanField()))
        used += list(rows.values_list("unit_id", "agency_id", "procedure_id", "is_online").distinct())

    used_by = _sets_by_key(used)
    nothing: tuple[set[int], set[int]] = (set(), set())
    found = {}
    for scope_key, m in who.items():
        keys = _keys(m)
        mine_offered = [offered_by.get(key, nothing) for key in keys]
        mine_used = [used_by.get(key, nothing) for key in keys]
        procedure_ids: set[int] = set().union(*(every for every, _flagged in mine_offered))
        online_ids: set[int] = set().union(*(flagged for _every, flagged in mine_offered))
        fees = fee_ids & procedure_ids
        with_records: set[int] = set().union(*(every for every, _flagged in mine_used))
        with_online: set[int] = set().union(*(flagged for _every, flagged in mine_used))
        found[scope_key] = {
            "ONLINE_SERVICE_PROVIDED": scoring.Count(len(online_ids), len(procedure_ids)),
            "ONLINE_SERVICE_USED": scoring.Count(len(online_ids & with_online), len(online_ids)),
            "FEE_PROCEDURE_WITH_DOSSIER": scoring.Count(len(fees & with_records), len(fees)),
            "PUBLIC_CONTENT_FULL": scoring.Count(len(complete_ids & procedure_ids), len(procedure_ids)),
        }
    return found


_Used = list[tuple[int, int, int, bool]]  # (unit, agency, procedure, with an online record)


def _used_in_whole_months(unit_ids: set[int], whole: list[dt.date], month: dt.date) -> _Used:
    """The procedures with records of the units received in the whole months (consecutive: one
    range per unit in the index), summed per (unit, agency, procedure) in the database: a year is
    12 × fewer rows. Within one page (metrics.onepage) a longer period holding `month` — the
    judging day's — reads that month's rows along, and a later ask for that month alone (the
    trend's running month) takes them: ProcedureRollup rows do not depend on the moment."""
    if not whole:
        return []
    page = onepage.kept()
    along: list[tuple[dt.date, frozenset[int], _Used]] | None = (
        None if page is None else page.setdefault("procedures_many.month_along", [])
    )
    if along is not None and whole == [month]:
        for earlier_month, earlier_units, rows in along:
            if earlier_month == month and earlier_units.issuperset(unit_ids):
                return [row for row in rows if row[0] in unit_ids]
    reads_along = along is not None and month in whole and len(whole) > 1
    in_month = Q(month=month)
    extra = (
        {"in_month": Count("month", filter=in_month), "online_in_month": Sum("online", filter=in_month)}
        if reads_along
        else {}
    )
    summed = (
        ProcedureRollup.objects.filter(month__gte=whole[0], month__lte=whole[-1], unit_id__in=unit_ids)
        .values("unit_id", "agency_id", "procedure_id")
        .annotate(any_online=Sum("online"), **extra)
        .values_list("unit_id", "agency_id", "procedure_id", "any_online", *extra)
        .order_by()
    )
    # Integers only: read from the cursor, without Django's per-value converters (a year of a
    # province is ~3.000 rows × 6 values).
    sql, params = summed.query.sql_with_params()
    with connection.cursor() as cursor:
        # Several months: grouped in the order of the (unit, agency, procedure, month) index
        # (metrics 0006), read alone. PostgreSQL's estimate prefers hashing every row (~35.000
        # for a province's year), about twice the time.
        in_order = connection.vendor == "postgresql" and len(whole) > 1
        if in_order:
            cursor.execute("SET enable_hashagg = off")
        try:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        finally:
            if in_order:
                with contextlib.suppress(DatabaseError):  # a failed transaction undoes the SET
                    cursor.execute("RESET enable_hashagg")
    if along is not None and reads_along:
        month_rows = [(u, a, p, bool(online)) for u, a, p, _any, n, online in fetched if n]
        along.append((month, frozenset(unit_ids), month_rows))
    return [(u, a, p, any_online > 0) for u, a, p, any_online, *_month in fetched]


ONLINE_LEVELS = {OnlineLevel.FULL, OnlineLevel.PARTIAL}
_Sets = dict[_Key, tuple[set[int], set[int]]]


def _catalogue(unit_ids: frozenset[int], day: dt.date) -> tuple[_Sets, set[int], set[int]]:
    """What the units' agencies offered on the day (procedures, and those online, by unit and by
    agency), which of those procedures bear a fee and which show all seven parts; read once per
    page (metrics.onepage)."""

    def read() -> tuple[_Sets, set[int], set[int]]:
        offerings = CatalogOffering.objects.valid_at(day).filter(agency__unit_id__in=unit_ids)
        # Per (unit, agency), its procedures and those online as id lists: ~70 rows for a
        # province's ~2,600 offerings (each a row through Python before).
        ids = Cast("procedure_id", output_field=TextField())
        offered = (
            offerings.values("agency__unit_id", "agency_id")
            .annotate(
                every=StringAgg(ids, Value(",")),
                online=StringAgg(ids, Value(","), filter=Q(online_level__in=ONLINE_LEVELS)),
            )
            .values_list("agency__unit_id", "agency_id", "every", "online")
            .order_by()
        )
        # Which bear a fee and which show all seven parts: one row per offered procedure (the
        # offered ones as a subquery: a province offers thousands).
        fee = Fee.objects.filter(procedure=OuterRef("pk")).filter(
            Q(amount_vnd__isnull=True) | Q(amount_vnd__gt=0)
        )
        facts_of = (
            Procedure.objects.filter(pk__in=offerings.values("procedure_id"))
            .annotate(
                fee_bearing=Exists(fee),
                complete=ExpressionWrapper(counting._seven_parts(), output_field=BooleanField()),
            )
            .values_list("pk", "fee_bearing", "complete")
        )
        fee_ids: set[int] = set()
        complete_ids: set[int] = set()
        for pk, fee_bearing, complete in facts_of:
            if fee_bearing:
                fee_ids.add(pk)
            if complete:
                complete_ids.add(pk)
        # Indexed once by unit and by agency: a scope unites its keys' sets (not every row per scope).
        pairs = {(u, a): (_id_set(every), _id_set(online)) for u, a, every, online in offered}
        return _by_key(pairs), fee_ids, complete_ids

    return onepage.remembered(("procedures_many.catalogue", unit_ids, day), read)


def _id_set(text: str | None) -> set[int]:
    return {int(i) for i in text.split(",")} if text else set()


def _sets_by_key(rows: Iterable[tuple[int, int, int, bool]]) -> _Sets:
    """(unit, agency, procedure, flag) rows → under ("unit", u) and ("agency", a): the procedures,
    and those flagged (offered online; with an online record)."""
    # Per (unit, agency) pair first — a few dozen pairs for thousands of rows — then each pair's
    # sets merged into its unit's and its agency's (set.update, not a Python step per row).
    pairs: dict[tuple[int, int], tuple[set[int], set[int]]] = {}
    for unit_id, agency_id, procedure_id, flag in rows:
        found = pairs.get((unit_id, agency_id))
        if found is None:
            found = pairs[(unit_id, agency_id)] = (set(), set())
        found[0].add(procedure_id)
        if flag:
            found[1].add(procedure_id)
    return _by_key(pairs)


def _by_key(pairs: dict[tuple[int, int], tuple[set[int], set[int]]]) -> _Sets:
    index: _Sets = {}
    for (unit_id, agency_id), (every, flagged) in pairs.items():
        for key in (("unit", unit_id), ("agency", agency_id)):
            merged = index.get(key)
            if merged is None:
                merged = index[key] = (set(), set())
            merged[0].update(every)
            merged[1].update(flagged)
    return index
