"""Why a unit has the points it has for one metric: the inputs with their definitions, the formula,
the points earned and lost, and the records (or procedures) behind the loss.

Counting and evidence come from `counting` and `evidence` with the same semantics, so the rows
listed are exactly the denominator's items that missed the numerator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from . import counting, scoring
from .evidence import EvidenceRow, metric_evidence
from .periods import Period
from .scopes import Scope


@dataclass(frozen=True, slots=True)
class Explanation:
    scope: Scope
    period: Period
    rule_set: scoring.RuleSet
    score: scoring.MetricScore
    group: scoring.Group
    group_points: Decimal | None
    evidence: list[EvidenceRow]  # the first `limit` of them, when a limit was given

    @property
    def metric(self) -> scoring.Metric:
        return self.score.metric

    @property
    def missed(self) -> int | None:
        """How many items of the denominator missed the numerator (= evidence rows in all)."""
        if self.score.numerator is None or self.score.denominator is None:
            return None
        return self.score.denominator - self.score.numerator

    @property
    def lost(self) -> Decimal:
        return self.score.lost


def explain(
    scope: Scope,
    period: Period,
    metric_code: str,
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> Explanation:
    """ScoringError (Vietnamese) for a metric code the rule set in force does not have."""
    result = counting.unit_index(scope, period, now=now)
    rule_set = result.rule_set
    metric = rule_set.metric(metric_code)
    score = result.metric(metric.code)
    group = next(g for g in rule_set.groups if g.id == metric.group)
    group_points = next((g.points for g in result.groups if g.group.id == group.id), None)
    rows = metric_evidence(scope, period, metric.code, now=now, limit=limit) if score.lost else []
    return Explanation(scope, period, rule_set, score, group, group_points, rows)


def misses_by_metric(
    scope: Scope,
    period: Period,
    record_codes: Collection[str],
    *,
    counts: dict[str, scoring.Count] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """For records named by code: in how many of each metric's misses they stand — what marking
    them fixed adds to each numerator (`whatif.simulate(fixed=…)`). Only metrics that lost points
    are searched."""
    wanted = {c.strip() for c in record_codes if c.strip()}
    if not wanted:
        return {}
    counts = counts if counts is not None else counting.metric_counts(scope, period, now=now)
    found: dict[str, int] = {}
    for code, count in counts.items():
        if count.numerator is None or count.denominator is None or count.numerator >= count.denominator:
            continue
        hits = sum(
            1
            for row in metric_evidence(scope, period, code, now=now)
            if row.record_id is not None and row.code in wanted
        )
        if hits:
            found[code] = hits
    return found
