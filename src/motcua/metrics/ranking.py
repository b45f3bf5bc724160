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

from django.utils import timezone

from motcua.records.timeliness import LOCAL_TZ
from motcua.units.models import AdministrativeUnit, Agency, UnitLevel

from . import counting, onepage, periods, procedures_many, scoring, snapshots
from .counting import RECORD_METRICS
from .periods import Period
from .rules import RuleSetNotFound, rule_set_at
from .scopes import Members, Scope, communes, members, parse_scope, provincial_agencies
from .window import Window, window


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


def _record_totals_many(who: dict[str, Members], period: Period, win: Window) -> dict[str, dict[str, int]]:
    return counting.record_totals_many(who, period, win)  # grouped by unit and agency in one pass


def metric_counts_many(
    scopes: Sequence[Scope], period: Period, *, now: dt.datetime | None = None
) -> dict[str, dict[str, scoring.Count]]:
    """counting.metric_counts for many scopes at once, by scope key."""
    win = window(period, now)
    codes = [m.code for m in rule_set_at(period.end).metrics]
    who = _members_many(scopes, win.day)
    totals = _record_totals_many(who, period, win)
    procedures = procedures_many.procedure_counts_many(who, period, win)
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
