"""What-if: the same scoring on changed counts, to show an official what fixing things is worth.

Pure (no database): it takes the counts a unit has (`counting.metric_counts`), changes them and
scores both with `scoring.score`, so the simulated points follow exactly the rules of the real ones.
Two kinds of change:
- an override of a metric's numerator and/or denominator (a field left empty keeps its value);
- records marked fixed: each moves from the lost to the earned side of every metric it cost points
  in, i.e. the numerator of each such metric grows by the number of fixed records among its misses
  (`explain.misses_by_metric` finds those numbers from the evidence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import scoring


@dataclass(frozen=True, slots=True)
class Override:
    numerator: int | None = None  # None: keep the counted value
    denominator: int | None = None


@dataclass(frozen=True, slots=True)
class MetricChange:
    before: scoring.MetricScore
    after: scoring.MetricScore

    @property
    def delta(self) -> Decimal:
        return (self.after.points or Decimal(0)) - (self.before.points or Decimal(0))

    @property
    def changed(self) -> bool:
        return (self.before.numerator, self.before.denominator) != (
            self.after.numerator,
            self.after.denominator,
        )


@dataclass(frozen=True, slots=True)
class GroupChange:
    group: scoring.Group
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class WhatIf:
    before: scoring.Result
    after: scoring.Result
    metrics: tuple[MetricChange, ...]
    groups: tuple[GroupChange, ...]

    @property
    def total_delta(self) -> Decimal | None:
        if self.before.total is None or self.after.total is None:
            return None
        return self.after.total - self.before.total

    def metric(self, code: str) -> MetricChange:
        return next(c for c in self.metrics if c.before.metric.code == code)


def changed_counts(
    counts: Mapping[str, scoring.Count],
    *,
    overrides: Mapping[str, Override] | None = None,
    fixed: Mapping[str, int] | None = None,
) -> dict[str, scoring.Count]:
    """The counts after the changes: fixed records first, then overrides (what a person typed wins).

    A fixed record can only move to the earned side of a metric that has data, and never past its
    denominator; an unknown metric code is refused like in `scoring.score`.
    """
    result = dict(counts)
    for code, how_many in (fixed or {}).items():
        if code not in result:
            raise scoring.ScoringError(f"Mã chỉ số «{code}» không có trong số liệu của đơn vị.")
        if how_many < 0:
            raise scoring.ScoringError(f"Chỉ số {code}: số hồ sơ khắc phục không được âm.")
        count = result[code]
        if count.numerator is None or count.denominator is None:
            continue
        result[code] = scoring.Count(min(count.denominator, count.numerator + how_many), count.denominator)
    for code, override in (overrides or {}).items():
        if code not in result:
            raise scoring.ScoringError(f"Mã chỉ số «{code}» không có trong số liệu của đơn vị.")
        count = result[code]
        result[code] = scoring.Count(
            count.numerator if override.numerator is None else override.numerator,
            count.denominator if override.denominator is None else override.denominator,
        )
    return result


def simulate(
    rule_set: scoring.RuleSet,
    counts: Mapping[str, scoring.Count],
    *,
    overrides: Mapping[str, Override] | None = None,
    fixed: Mapping[str, int] | None = None,
) -> WhatIf:
    """Score the counts as they are and as changed; ScoringError (Vietnamese) for impossible counts,
    e.g. a numerator typed above its denominator."""
    before = scoring.score(rule_set, counts)
    after = scoring.score(rule_set, changed_counts(counts, overrides=overrides, fixed=fixed))
    after_groups = {g.group.id: g.points for g in after.groups}
    return WhatIf(
        before=before,
        after=after,
        metrics=tuple(MetricChange(b, after.metric(b.metric.code)) for b in before.metrics),
        groups=tuple(
            GroupChange(g.group, g.points, after_groups[g.group.id])
            for g in before.groups
            if g.group.id in after_groups
        ),
    )
