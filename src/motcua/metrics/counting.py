"""The index counted from motcua's own records and catalogue (domain.md §7), live.

Period semantics: a period holds the records *received* in it (local days); each is judged at the
period's last moment, or now for a period still running: a record that ended later counts as
open then. On time = records.timeliness.classify (early or on time, or open and within the
deadline; more supplement requests than the rules allow = late), spelled in SQL in
metrics.facts.

| metric | numerator / denominator as counted here |
|---|---|
| DOSSIER_ON_TIME | on time at the judging moment / received |
| ONLINE_DOSSIER_RATE | filed online (channel 2) / received |
| ONLINE_PAYMENT_DOSSIER | fee-bearing (fees > 0) paid online / fee-bearing received |
| ORIGINAL_RESULT_AVAILABLE | resolved with an e-result / received and resolved (approved or refused after appraisal) by the judging moment |
| SO_HOA_GIAY_TO_GIAI_QUYET | digitized components, and an e-result once resolved / received |
| REUSED_DIGITIZED_DATA | reused digitized data / received whose procedure has a component data can replace (or that reused data) |
| CITIZEN_DATA_CONNECTED_DOSSIER | used the population database / received |
| ONLINE_SERVICE_PROVIDED | procedures offered online (một phần, toàn trình) / procedures offered by the scope's agencies on the judging day |
| ONLINE_SERVICE_USED | of those online procedures, ones with an online record received in the period / procedures offered online |
| FEE_PROCEDURE_WITH_DOSSIER | fee-bearing offered procedures with a record received in the period / fee-bearing offered procedures |
| PUBLIC_CONTENT_FULL | offered procedures whose catalogue entry has all seven parts / offered procedures |
| DOSSIER_SYNC | the national portal has it (delivered by the dvcqg connector, or imported from the portal) / received |
| SYNCED_WITH_DVCQG_PERSONAL_STORAGE | taken from the applicant's store on the national portal (from_national_data_store) / received |
| PUBLISH_ON_TIME, PUBLIC_UPDATE_ON_TIME | no data: the catalogue lacks the legal basis's effective date and the update timing |
| ONLINE_PAYMENT_PROCEDURE, CITIZEN_DATA_CONNECTED_FORMALITY | no data: the catalogue does not say which procedures have online payment or a population-database link |
| ELECTRONIC_CERTIFIED_COPY | no data: certified e-copies are not yet in motcua |
| DOSSIER_RECEIVING_SATISFACTION, PETITION_* | no data: ratings, complaints and PAKN are not yet in motcua |

Known limits: supplement requests, the pause (`clock_paused_at`), the due date and the portal sync
are taken as they stand now, not as they stood at the judging moment (a past period is judged with
today's supplement count and due date; the events would tell, at the cost of reading them).

Speed: metrics.rollups keeps what each record adds to the counters as changes by day (receipt,
end, falling overdue, a pause); the index sums the changes before the judging day from the
coarsest rows that fit (month × month, month × day, day × month, day × day) and counts live only
the records that changed on the judging day itself. That live part is one statement
(metrics.live_sql): a branch per kind of change (received, ended, due, paused that day), each an
index scan leaving out the records an earlier branch counts, grouped by unit, agency and month of
receipt; Django builds it once per process and number of ids, later calls put the ids and
moments in place; each branch spells only the counters its records can change (a record due
today changes only "on time"). Within one dashboard page (metrics.onepage.reading(), opened by
the views) a count covered by an earlier one judged on the same day — a running year's trend asks
for its running month — is taken from the earlier rows: the live rows, and the roll-up rows of
the judging day's month, which the year's reads group apart (records) or count apart
(procedures); the catalogue offered that day, the units and the rule set are read once. Closed
periods are kept (metrics.snapshots); a running period's part before today is not: at 1,000,000
records it is one or two roll-up reads of 5–10 ms (the month × month grain makes a year as cheap
as a month), too little to be worth a kept copy and its invalidation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Sum

from motcua.catalog.models import Component, Fee, OnlineLevel, Procedure
from motcua.catalog.models import Offering as CatalogOffering
from motcua.records.models import Record

from . import facts, live_sql, onepage, scoring
from .models import ProcedureRollup, RecordRollup, RecordRollupDay
from .periods import Period
from .rules import rule_set_at
from .scopes import Members, Scope, members
from .window import Window, local_start, window

# Record metrics: code → (numerator counter, denominator counter) of metrics.facts.
RECORD_METRICS: dict[str, tuple[str, str]] = {
    "DOSSIER_ON_TIME": ("on_time", "received"),
    "ONLINE_DOSSIER_RATE": ("online", "received"),
    "ONLINE_PAYMENT_DOSSIER": ("paid_online", "fee_bearing"),
    "ORIGINAL_RESULT_AVAILABLE": ("e_result", "resolved"),
    "SO_HOA_GIAY_TO_GIAI_QUYET": ("digitized", "received"),
    "REUSED_DIGITIZED_DATA": ("reused", "reuse_eligible"),
    "CITIZEN_DATA_CONNECTED_DOSSIER": ("population_db", "received"),
    "DOSSIER_SYNC": ("portal_synced", "received"),
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": ("data_store", "received"),
}
PROCEDURE_METRICS = (
    "ONLINE_SERVICE_PROVIDED",
    "ONLINE_SERVICE_USED",
    "FEE_PROCEDURE_WITH_DOSSIER",
    "PUBLIC_CONTENT_FULL",
)
NO_DATA = scoring.Count(None, None)


def scoped_records(who: Members, records: QuerySet[Record] | None = None) -> QuerySet[Record]:
    records = Record.objects.all() if records is None else records
    if who.agency_id is not None:
        return records.filter(agency_id=who.agency_id)
    return records.filter(unit_id__in=who.unit_ids)


def period_records(who: Members, win: Window) -> QuerySet[Record]:
    """The records of the scope received in the period (up to the judging moment)."""
    return scoped_records(who).filter(
        received_at__gte=win.start, received_at__lt=win.end, received_at__lte=win.at
    )


_Key = tuple[str, int]  # ("unit", unit id) or ("agency", agency id)


def _keys(who: Members) -> list[_Key]:
    return [("agency", who.agency_id)] if who.agency_id is not None else [("unit", u) for u in who.unit_ids]


def _whose_ids(who: Iterable[Members]) -> tuple[list[int], list[int]]:
    """The unit ids and agency ids whose rows any of the scopes counts."""
    keys = {k for m in who for k in _keys(m)}
    return sorted(i for kind, i in keys if kind == "unit"), sorted(i for kind, i in keys if kind == "agency")


def _whose(who: Iterable[Members]) -> Q:
    """Rows (records or rollup rows) of any of the scopes."""
    units, agencies = _whose_ids(who)
    found = Q(pk__in=[])
    if units:
        found |= Q(unit_id__in=units)
    if agencies:
        found |= Q(agency_id__in=agencies)
    return found


def _receipt_months(period: Period, win: Window) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """The period's months of receipt: whole ones (first days) and the day ranges of partial ones.
    A month counts as whole when the period covers it up to the judging day: nothing counted was
    received later."""
    whole, partial = [], []
    first = period.start.replace(day=1)
    while first <= period.end:
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        last = following - dt.timedelta(days=1)
        if period.start <= first and period.end >= min(last, win.day):
            whole.append(first)
        else:
            partial.append((max(first, period.start), min(last, period.end)))
        first = following
    return whole, partial


def _any(conditions: list[Q]) -> Q | None:
    found = None
    for q in conditions:
        found = q if found is None else found | q
    return found


def _grouped_rows(who: dict[str, Members], period: Period, win: Window) -> list[dict[str, Any]]:
    """Counter sums per (unit, agency): the rollups' changes before the judging day — whole
    months of receipt by month (or by day within the judging month), partial ones by day — and,
    for the records changed on the judging day, their value at `at` minus what the rollups hold of
    them (their value just before the day)."""
    units, agencies = _whose_ids(who.values())
    rows = _coarse_rows(who, period, win, units, agencies)
    return [*rows, *live_sql.live_rows(units, agencies, _live_moments(win))]


@dataclass(frozen=True)
class _MonthAlong:
    """The roll-up rows of the month holding the judging day, read along by a count of a longer
    period judged on that day (a running year: its page's trend asks for its running month)."""

    day: dt.date
    units: frozenset[int]
    agencies: frozenset[int]
    rows: list[dict[str, Any]]


def _coarse_rows(
    who: dict[str, Members], period: Period, win: Window, units: list[int], agencies: list[int]
) -> list[dict[str, Any]]:
    whose = _whose(who.values())
    month, day = win.day.replace(day=1), win.day
    whole, partial = _receipt_months(period, win)
    page = onepage.kept()
    along: list[_MonthAlong] | None = None if page is None else page.setdefault("counting.month_along", [])
    if along is not None and whole == [month] and not partial:
        for earlier in along:  # the same rows the query below would read: the month's, judged that day
            if (
                earlier.day == day
                and earlier.units.issuperset(units)
                and earlier.agencies.issuperset(agencies)
            ):
                wanted_units, wanted_agencies = set(units), set(agencies)
                return [
                    r
                    for r in earlier.rows
                    if r["unit_id"] in wanted_units or r["agency_id"] in wanted_agencies
                ]
    sums = {name: Sum(name) for name in facts.COUNTERS}
    reads_along = along is not None and month in whole and len(whole) > 1
    rows: list[dict[str, Any]] = []
    coarse = _any(
        ([Q(grain="mm", received_on__in=whole, on__lt=month)] if whole else [])
        + ([Q(grain="md", received_on__in=whole, on__gte=month, on__lt=day)] if whole else [])
        + [Q(grain="dm", received_on__gte=a, received_on__lte=b, on__lt=month) for a, b in partial]
    )
    if coarse is not None:
        grouped = RecordRollup.objects.filter(whose, coarse)
        keys = ["unit_id", "agency_id"]
        if reads_along:  # grouped apart too: the rows received in the judging day's month
            in_month = Q(received_on=month) & ~Q(grain="dm")
            grouped = grouped.annotate(in_month=ExpressionWrapper(in_month, output_field=BooleanField()))
            keys.append("in_month")
        rows += grouped.values(*keys).annotate(**sums).order_by()
    if along is not None and reads_along:
        along.append(
            _MonthAlong(day, frozenset(units), frozenset(agencies), [r for r in rows if r["in_month"]])
        )
    fine = _any([Q(received_on__gte=a, received_on__lte=b) for a, b in partial])
    if fine is not None and month < day:
        rows += (
            RecordRollupDay.objects.filter(whose, fine, day__gte=month, day__lt=day)
            .values("unit_id", "agency_id")
            .annotate(**sums)
            .order_by()
        )
    return rows


def _live_moments(win: Window) -> dict[str, dt.datetime]:
    """The moments of metrics.live_sql: the period's bounds, the judging moment, and the judging
    day's bounds (a microsecond earlier for the due moment: a record falls overdue just after it)."""
    first, after = win.day_start, local_start(win.day + dt.timedelta(days=1))
    tick = dt.timedelta(microseconds=1)
    return {"start": win.start, "end": win.end, "at": win.at, "first": first, "after": after,
            "first_tick": first - tick, "after_tick": after - tick}  # fmt: skip


def record_totals_many(who: dict[str, Members], period: Period, win: Window) -> dict[str, dict[str, int]]:
    """Each counter of metrics.facts over the period's records, for many scopes (by key) in three
    queries whatever their number."""
    names = facts.COUNTERS
    # Summed per (unit, agency) pair first (a few dozen pairs for hundreds of rows), then each
    # pair into its unit and its agency, then each scope's keys.
    pairs: dict[tuple[int, int], list[int]] = {}
    for row in _grouped_rows(who, period, win):
        values = [row[name] or 0 for name in names]
        pair = (row["unit_id"], row["agency_id"])
        found = pairs.get(pair)
        pairs[pair] = values if found is None else [a + b for a, b in zip(found, values, strict=True)]
    by_key: dict[_Key, list[int]] = {}
    for (unit_id, agency_id), values in pairs.items():
        for key in (("unit", unit_id), ("agency", agency_id)):
            found = by_key.get(key)
            by_key[key] = values if found is None else [a + b for a, b in zip(found, values, strict=True)]
    zero = [0] * len(names)
    found_many = {}
    for scope_key, m in who.items():
        totals = [sum(column) for column in zip(*(by_key.get(k, zero) for k in _keys(m)), strict=True)]
        found_many[scope_key] = dict(zip(names, totals or zero, strict=True))
    return found_many


def record_totals(who: Members, period: Period, win: Window) -> dict[str, int]:
    """Each counter of metrics.facts over the period's records, judged at `win.at`."""
    return record_totals_many({"": who}, period, win)[""]


# --- procedures -----------------------------------------------------------------------------


def offered_procedures(who: Members, day: dt.date) -> QuerySet[CatalogOffering]:
    offerings = CatalogOffering.objects.valid_at(day)
    if who.agency_id is not None:
        return offerings.filter(agency_id=who.agency_id)
    return offerings.filter(agency__unit_id__in=who.unit_ids)


def _month_ranges(period: Period, win: Window) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """Whole months of the period (read from ProcedureRollup) and partial day ranges (inclusive,
    read from records). A month the period covers up to the judging day counts as whole: nothing
    has been received after now."""
    whole, partial = [], []
    day = period.start
    while day <= period.end:
        first = day.replace(day=1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if day == first and (last <= period.end or win.at < win.end - dt.timedelta(microseconds=1)):
            whole.append(first)
        else:
            partial.append((day, min(last, period.end)))
        day = last + dt.timedelta(days=1)
    return whole, partial


def procedures_with_records(who: Members, period: Period, win: Window) -> tuple[set[int], set[int]]:
    """Procedures with a record, and with an online record, of the scope received in the period."""
    whole, partial = _month_ranges(period, win)
    rows = ProcedureRollup.objects.filter(month__in=whole)
    rows = (
        rows.filter(agency_id=who.agency_id)
        if who.agency_id is not None
        else rows.filter(unit_id__in=who.unit_ids)
    )
    per_procedure = rows.values("procedure_id").annotate(online=Sum("online")).order_by()
    found = {row["procedure_id"]: row["online"] > 0 for row in per_procedure}
    online = facts.conditions(win.at)["online"]
    for first, last in partial:
        records = scoped_records(who).filter(
            received_at__gte=local_start(first), received_at__lt=local_start(last + dt.timedelta(days=1))
        )
        counted = records.values("procedure_id").annotate(online=Count("pk", filter=online)).order_by()
        for row in counted:
            found[row["procedure_id"]] = found.get(row["procedure_id"], False) or row["online"] > 0
    return set(found), {p for p, had_online in found.items() if had_online}


def _seven_parts() -> Q:
    """The seven parts a published procedure must show (NĐ 63/2010 Điều 8.2)."""
    has_components = Exists(Component.objects.filter(procedure=OuterRef("pk")))
    return (
        ~Q(name="")
        & ~Q(steps_text="")
        & ~Q(how_to_apply="")
        & Q(has_components)
        & (~Q(time_text="") | Q(time_value__isnull=False))
        & ~Q(subjects=[])
        & ~Q(competent_agency="")
    )


def procedure_counts(who: Members, period: Period, win: Window) -> dict[str, scoring.Count]:
    offered = offered_procedures(who, win.day)
    procedure_ids = set(offered.values_list("procedure_id", flat=True))
    online_ids = set(
        offered.filter(online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL]).values_list(
            "procedure_id", flat=True
        )
    )
    fee_ids = set(
        Fee.objects.filter(procedure_id__in=procedure_ids)
        .filter(Q(amount_vnd__isnull=True) | Q(amount_vnd__gt=0))
        .values_list("procedure_id", flat=True)
    )
    with_records, with_online_records = (
        procedures_with_records(who, period, win) if fee_ids or online_ids else (set(), set())
    )
    complete = Procedure.objects.filter(pk__in=procedure_ids).filter(_seven_parts()).count()
    return {
        "ONLINE_SERVICE_PROVIDED": scoring.Count(len(online_ids), len(procedure_ids)),
        "ONLINE_SERVICE_USED": scoring.Count(len(online_ids & with_online_records), len(online_ids)),
        "FEE_PROCEDURE_WITH_DOSSIER": scoring.Count(len(fee_ids & with_records), len(fee_ids)),
        "PUBLIC_CONTENT_FULL": scoring.Count(complete, len(procedure_ids)),
    }


# --- the interface ----------------------------------------------------------------------------


def _counts(codes: Iterable[str], who: Members, period: Period, win: Window) -> dict[str, scoring.Count]:
    codes = list(codes)
    found: dict[str, scoring.Count] = {}
    if any(code in RECORD_METRICS for code in codes):
        totals = record_totals(who, period, win)
        found |= {code: scoring.Count(totals[n], totals[d]) for code, (n, d) in RECORD_METRICS.items()}
    if any(code in PROCEDURE_METRICS for code in codes):
        found |= procedure_counts(who, period, win)
    return {code: found.get(code, NO_DATA) for code in codes}


def metric_counts(
    scope: Scope,
    period: Period,
    *,
    now: dt.datetime | None = None,
    rule_set: scoring.RuleSet | None = None,
) -> dict[str, scoring.Count]:
    """Every metric of the rule set in force at the period's end (or of `rule_set`), counted for
    the scope; Count(None, None) where motcua has no data (see the table above)."""
    win = window(period, now)
    codes = [m.code for m in (rule_set or rule_set_at(period.end)).metrics]
    return _counts(codes, members(scope, win.day), period, win)


def unit_index(scope: Scope, period: Period, *, now: dt.datetime | None = None) -> scoring.Result:
    rules = rule_set_at(period.end)
    return scoring.score(rules, metric_counts(scope, period, now=now, rule_set=rules))
