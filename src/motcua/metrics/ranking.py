"""Ranking of the province's communes and of its provincial agencies by index total.

Ties share a rank (competition ranking: 1, 2, 2, 4) and are listed by code, so the order never
depends on the database. A unit without a total (a rule set whose groups were not all counted)
comes last, unranked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.utils import timezone

from motcua.catalog.models import Fee, OnlineLevel, Procedure
from motcua.catalog.models import Offering as CatalogOffering
from motcua.records.timeliness import LOCAL_TZ
from motcua.units.models import AdministrativeUnit, Agency, UnitLevel

from . import counting, facts, onepage, periods, scoring, snapshots
from .counting import RECORD_METRICS
from .models import ProcedureRollup
from .periods import Period
from .rules import RuleSetNotFound, rule_set_at
from .scopes import Members, Scope, communes, members, parse_scope, provincial_agencies
from .window import Window, local_start, window


@dataclass(frozen=True, slots=True)
class Ranked[T]:
    rank: int | None  # None: no total to rank by
    item: T
    total: Decimal | None


def rank[T](
    items: Iterable[T], *, total: Callable[[T], Decimal | None], code: Callable[[T], str]
) -> list[Ranked[T]]:
    """Best total first; equal totals share the rank of the first of them and are ordered by code."""
    scored = sorted(
        ((total(i), code(i), i) for i in items),
        key=lambda t: (t[0] is None, -(t[0] or 0), t[1]),
    )
    ranked: list[Ranked[T]] = []
    previous: Decimal | None = None
    current = 0
    for position, (value, _code, item) in enumerate(scored, start=1):
        if value is None:
            ranked.append(Ranked(None, item, None))
            continue
        if value != previous:
            current, previous = position, value
        ranked.append(Ranked(current, item, value))
    return ranked


@dataclass(frozen=True, slots=True)
class UnitResult:
    scope: Scope
    result: scoring.Result


# --- many units in one pass ---------------------------------------------------------------------
# counting.metric_counts answers for one scope in ~12 queries; a ranking of 65 communes would be
# 780. Here the same counters come grouped by unit (or agency) in a handful of queries, from the
# same rollups, the same live rules (metrics.facts) and the same catalogue facts, and are summed
# per scope. tests/metrics/test_ranking.py checks that both give identical counts.


def _members_many(scopes: Sequence[Scope], on: dt.date) -> dict[str, Members]:
    plain = [s for s in scopes if s.kind == "commune" and not s.with_predecessors]
    found: dict[str, Members] = {}
    if plain:
        rows = (
            AdministrativeUnit.objects.valid_at(on)
            .filter(level=UnitLevel.COMMUNE, code__in=[s.code for s in plain])
            .values_list("code", "pk")
        )
        ids = dict(rows)
        found |= {s.key: Members(unit_ids=(ids[s.code],)) for s in plain if s.code in ids}
    agencies = [s for s in scopes if s.kind == "agency" and s.key not in found]
    if agencies:
        rows = Agency.objects.filter(code__in=[s.code for s in agencies]).values_list("code", "pk", "unit_id")
        by_code = {code: Members(unit_ids=(unit_id,), agency_id=pk) for code, pk, unit_id in rows}
        found |= {s.key: by_code[s.code] for s in agencies if s.code in by_code}
    for s in scopes:  # provinces, merged communes, old codes, unknown agencies: as counting does
        if s.key not in found:
            found[s.key] = onepage.remembered(("members", s.key, on), lambda s=s: members(s, on))
    return found


_Key = tuple[str, int]  # ("unit", unit id) or ("agency", agency id)


def _keys(who: Members) -> list[_Key]:
    return [("agency", who.agency_id)] if who.agency_id is not None else [("unit", u) for u in who.unit_ids]


def _record_totals_many(who: dict[str, Members], period: Period, win: Window) -> dict[str, dict[str, int]]:
    return counting.record_totals_many(who, period, win)  # grouped by unit and agency in one pass


def _procedure_counts_many(
    who: dict[str, Members], period: Period, win: Window
) -> dict[str, dict[str, scoring.Count]]:
    unit_ids = {u for m in who.values() for u in m.unit_ids}
    offered_by, fee_ids, complete_ids = _catalogue(frozenset(unit_ids), win.day)
    whole, partial = counting._month_ranges(period, win)
    # Whole months (consecutive: one range per unit in the index) summed per (unit, agency,
    # procedure) in the database: a year is 12 × fewer rows.
    used: list[tuple[int, int, int, bool]] = []
    if whole:
        summed = (
            ProcedureRollup.objects.filter(month__gte=whole[0], month__lte=whole[-1], unit_id__in=unit_ids)
            .values("unit_id", "agency_id", "procedure_id")
            .annotate(any_online=Sum("online"))
            .values_list("unit_id", "agency_id", "procedure_id", "any_online")
            .order_by()
        )
        used = [(u, a, p, online > 0) for u, a, p, online in summed]
    online_now = facts.conditions(win.at)["online"]
    everyone = counting.scoped_records(Members(unit_ids=tuple(sorted(unit_ids))))
    for first, last in partial:
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


ONLINE_LEVELS = {OnlineLevel.FULL, OnlineLevel.PARTIAL}
_Sets = dict[_Key, tuple[set[int], set[int]]]


def _catalogue(unit_ids: frozenset[int], day: dt.date) -> tuple[_Sets, set[int], set[int]]:
    """What the units' agencies offered on the day (procedures, and those online, by unit and by
    agency), which of those procedures bear a fee and which show all seven parts; read once per
    page (metrics.onepage)."""

    def read() -> tuple[_Sets, set[int], set[int]]:
        offered = list(
            CatalogOffering.objects.valid_at(day)
            .filter(agency__unit_id__in=unit_ids)
            .values_list("agency__unit_id", "agency_id", "procedure_id", "online_level")
        )
        all_ids = {row[2] for row in offered}
        fee_ids = set(
            Fee.objects.filter(procedure_id__in=all_ids)
            .filter(Q(amount_vnd__isnull=True) | Q(amount_vnd__gt=0))
            .values_list("procedure_id", flat=True)
        )
        complete = Procedure.objects.filter(pk__in=all_ids).filter(counting._seven_parts())
        # Indexed once by unit and by agency: a scope unites its keys' sets (not every row per scope).
        offered_by = _sets_by_key((u, a, p, level in ONLINE_LEVELS) for u, a, p, level in offered)
        return offered_by, fee_ids, set(complete.values_list("pk", flat=True))

    return onepage.remembered(("ranking.catalogue", unit_ids, day), read)


def _sets_by_key(rows: Iterable[tuple[int, int, int, bool]]) -> _Sets:
    """(unit, agency, procedure, flag) rows → under ("unit", u) and ("agency", a): the procedures,
    and those flagged (offered online; with an online record)."""
    index: _Sets = {}
    for unit_id, agency_id, procedure_id, flag in rows:
        for key in (("unit", unit_id), ("agency", agency_id)):
            found = index.get(key)
            if found is None:
                found = index[key] = (set(), set())
            found[0].add(procedure_id)
            if flag:
                found[1].add(procedure_id)
    return index


def metric_counts_many(
    scopes: Sequence[Scope], period: Period, *, now: dt.datetime | None = None
) -> dict[str, dict[str, scoring.Count]]:
    """counting.metric_counts for many scopes at once, by scope key."""
    win = window(period, now)
    codes = [m.code for m in rule_set_at(period.end).metrics]
    who = _members_many(scopes, win.day)
    totals = _record_totals_many(who, period, win)
    procedures = _procedure_counts_many(who, period, win)
    found = {}
    for s in scopes:
        per_code = {
            code: scoring.Count(totals[s.key][n], totals[s.key][d]) for code, (n, d) in RECORD_METRICS.items()
        }
        per_code |= procedures[s.key]
        found[s.key] = {code: per_code.get(code, counting.NO_DATA) for code in codes}
    return found


def unit_results(
    scopes: Sequence[Scope], period: Period, *, now: dt.datetime | None = None
) -> list[UnitResult]:
    """The index of many units for one period: a closed period from its snapshots
    (metrics.snapshots), the rest counted in one pass."""
    if not scopes:
        return []
    rule_set = rule_set_at(period.end)
    codes = [m.code for m in rule_set.metrics]
    counts = snapshots.cached_counts(
        [(s, period, codes) for s in scopes],
        now=now,
        count_many=lambda many, p, at: metric_counts_many(many, p, now=at),
    )
    return [
        UnitResult(
            s,
            snapshots.score(
                rule_set, {c: counts[(s.key, period.key)].get(c, counting.NO_DATA) for c in codes}
            ),
        )
        for s in scopes
    ]


def ranking(
    scopes: Sequence[Scope], period: Period, *, now: dt.datetime | None = None
) -> list[Ranked[UnitResult]]:
    return rank(
        unit_results(scopes, period, now=now), total=lambda u: u.result.total, code=lambda u: u.scope.code
    )


def commune_ranking(
    period: Period, *, province_key: str = "tinh-56", now: dt.datetime | None = None
) -> list[Ranked[UnitResult]]:
    return ranking(communes(province_key, on=period.end), period, now=now)


def agency_ranking(
    period: Period, *, province_key: str = "tinh-56", now: dt.datetime | None = None
) -> list[Ranked[UnitResult]]:
    return ranking(provincial_agencies(province_key, on=period.end), period, now=now)


def warm_snapshots(*, months: int = 12, now: dt.datetime | None = None) -> list[tuple[Period, int]]:
    """Count and keep the closed months before the current one for every province, its communes
    and its provincial agencies (what the dashboard ranks), one pass per month; returns the months
    and the number of scopes counted. Months already kept are read, not recounted."""
    now = now or timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    done = []
    y, m = today.year, today.month
    for _ in range(months):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        period = periods.month(y, m)
        try:
            rule_set_at(period.end)
        except RuleSetNotFound:
            break
        provinces = AdministrativeUnit.objects.valid_at(period.end).filter(level=UnitLevel.PROVINCE)
        scopes: list[Scope] = []
        for code in provinces.order_by("code").values_list("code", flat=True):
            key = f"tinh-{code}"
            scopes += [parse_scope(key, on=period.end), *communes(key, on=period.end)]
            scopes += provincial_agencies(key, on=period.end)
        unit_results(scopes, period, now=now)
        done.append((period, len(scopes)))
    return done
