"""The index of one unit month by month: total and six groups for the last N calendar months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from motcua.records.timeliness import LOCAL_TZ

from . import scoring, snapshots
from .counting import NO_DATA
from .periods import Period, month
from .ranking import metric_counts_many
from .rules import RuleSetNotFound, rule_set_at
from .scopes import Scope


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    result: scoring.Result

    @property
    def total(self) -> Decimal | None:
        return self.result.total

    def group(self, group_id: str) -> Decimal | None:
        return next((g.points for g in self.result.groups if g.group.id == group_id), None)


def last_months(end: dt.date, count: int) -> list[Period]:
    """The `count` calendar months up to and including the one holding `end`, oldest first."""
    y, m = end.year, end.month
    found = []
    for _ in range(count):
        found.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return found[::-1]


def trend(
    scope: Scope,
    *,
    end: dt.date,
    months: int = 12,
    now: dt.datetime | None = None,
    known: Mapping[str, Mapping[str, scoring.Count]] | None = None,
) -> list[TrendPoint]:
    """One point per month, counted as `counting.metric_counts` counts — closed months from their
    snapshots (metrics.snapshots), the running one live unless `known` (counts by period key, e.g.
    the page's own figure) has it; months not begun yet (a running year's last ones) and months
    before any rule set was in force are left out. The rule set of a later month is reused for an
    earlier one it was also in force in (a short-lived version in between is the only case this
    would miss)."""
    known = known or {}
    today = (now or timezone.now()).astimezone(LOCAL_TZ).date()
    chosen: list[tuple[Period, scoring.RuleSet]] = []
    found: list[scoring.RuleSet] = []
    for period in reversed(last_months(end, months)):
        if period.start > today:
            continue
        rule_set = next((r for r in found if r.in_force(period.end)), None)
        if rule_set is None:
            try:
                rule_set = rule_set_at(period.end)
            except RuleSetNotFound:
                continue
            found.append(rule_set)
        chosen.append((period, rule_set))
    codes = {p.key: [m.code for m in r.metrics] for p, r in chosen}
    counted = snapshots.cached_counts(
        [(scope, p, codes[p.key]) for p, _r in chosen if p.key not in known], now=now, count_many=_count_many
    )
    points = []
    for period, rule_set in reversed(chosen):
        counts = known.get(period.key) or counted[(scope.key, period.key)]
        points.append(
            TrendPoint(
                period, snapshots.score(rule_set, {c: counts.get(c, NO_DATA) for c in codes[period.key]})
            )
        )
    return points


def _count_many(
    scopes: Sequence[Scope], period: Period, now: dt.datetime
) -> dict[str, dict[str, scoring.Count]]:
    return metric_counts_many(scopes, period, now=now)
