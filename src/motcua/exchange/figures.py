"""The figures the statistics take from records: on time, online share, digitization, online
payment, electronic results. Counting selectors over any record queryset (scope it first); they
will move into `metrics` with the index rules.

On time uses `records.timeliness.classify`, the one classification of the whole system."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from motcua.records.models import Channel, Record
from motcua.records.rules import RULE_SETS
from motcua.records.timeliness import Timeliness, classify


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None


def timeliness_counts(records: QuerySet[Record], *, now: dt.datetime) -> Counter[Timeliness]:
    """How many records are early / on time / late / within / overdue / without a deadline."""
    max_requests = {rules.code: rules.max_supplement_requests for rules in RULE_SETS}
    counts: Counter[Timeliness] = Counter()
    rows = records.values_list("due_at", "ended_at", "clock_paused_at", "supplement_count", "rule_set")
    for due_at, ended_at, paused_at, supplements, rule_set in rows.iterator(chunk_size=5000):
        counts[
            classify(
                due_at=due_at,
                ended_at=ended_at,
                now=now,
                paused=paused_at is not None,
                supplement_requests=supplements,
                max_supplement_requests=max_requests.get(rule_set, 1),
            )
        ] += 1
    return counts


def _share(records: QuerySet[Record], **condition: object) -> Ratio:
    return Ratio(records.filter(**condition).count(), records.count())


def online_share(records: QuerySet[Record]) -> Ratio:
    """Records filed online (KenhThucHien 2) / records."""
    return _share(records, channel=Channel.ONLINE)


def digitized_share(records: QuerySet[Record]) -> Ratio:
    """Records with digitized components / records."""
    return _share(records, has_digitized_components=True)


def e_result_share(records: QuerySet[Record]) -> Ratio:
    """Records with an electronic result / records."""
    return _share(records, has_e_result=True)


def online_payment_share(records: QuerySet[Record]) -> Ratio:
    """Fee-bearing records paid online (on the national portal or the province's gateway) /
    fee-bearing records."""
    fee_bearing = records.filter(fees_total_vnd__gt=0)
    return Ratio(fee_bearing.exclude(paid_online="0").count(), fee_bearing.count())
