"""What the index counts about one record, as SQL conditions evaluated at a moment `at`: the one
place where "on time", "resolved", "digitized"… are spelled for the database. The live count, the
rollup's GROUP BY and the evidence (in Python, through records.timeliness.classify) must agree;
tests/metrics/test_counting_facts.py checks the SQL form against `classify` case by case.

A record is judged as it stood at `at` (the period's last moment, or now for an open period): it
has ended if its first terminal moment (`ended_at`) is at or before `at`, otherwise it is open.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from motcua.catalog.models import Component
from motcua.records.models import Channel, Record
from motcua.records.rules import RULE_SETS

# Far enough that every stored end is before it: the rollup judges ended records "for ever".
FOREVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)

# The counters, in the order of the rollup's columns. Each is a per-record condition at `at`.
COUNTERS = (
    "received",
    "on_time",  # early, on time, or open and still within the deadline (classify)
    "online",  # filed online (KenhThucHien 2)
    "fee_bearing",
    "paid_online",  # fee-bearing and paid online (national portal or the province's gateway)
    "resolved",  # ended with a decision (xử lý xong: approved or refused after appraisal)
    "e_result",  # resolved with an electronic result
    "digitized",  # digitized components, and an electronic result once resolved
    "reuse_eligible",  # its procedure has a component that data can replace, or it reused data
    "reused",
    "population_db",  # applicant data taken from the national population database
    "portal_synced",  # the national portal has the record (records.sync; as it stands now)
    "data_store",  # linked to the applicant's store on the national portal (from_national_data_store)
)
# Counters that do not depend on the judging moment: a record adds them once, from its receipt.
STATIC = tuple(c for c in COUNTERS if c not in {"on_time", "resolved", "e_result", "digitized"})


def max_supplements() -> Case:
    """The number of supplement requests the record's rule set allows (records.rules)."""
    return Case(
        *[When(rule_set=rules.code, then=Value(rules.max_supplement_requests)) for rules in RULE_SETS],
        default=Value(1),
        output_field=IntegerField(),
    )


def annotate(records: QuerySet[Record]) -> QuerySet[Record]:
    return records.annotate(_max_supplements=max_supplements())


def _data_replaceable_procedures() -> QuerySet[Component]:
    return Component.objects.filter(Q(replaceable_by_data=True) | Q(from_data_store=True)).values(
        "procedure_id"
    )


def conditions(at: dt.datetime) -> dict[str, Q]:
    """Each counter's condition on an `annotate`d record queryset, judged at `at`."""
    ended = Q(ended_at__isnull=False, ended_at__lte=at)
    still_open = Q(ended_at__isnull=True) | Q(ended_at__gt=at)
    allowed_supplements = Q(supplement_count__lte=F("_max_supplements"))
    paused = Q(clock_paused_at__isnull=False, clock_paused_at__lte=at)
    on_time = Q(due_at__isnull=True) | (
        allowed_supplements
        & ((ended & Q(ended_at__lte=F("due_at"))) | (still_open & (paused | Q(due_at__gte=at))))
    )
    resolved = ended & Q(finished_at__isnull=False)
    fee_bearing = Q(fees_total_vnd__gt=0)
    return {
        "received": Q(pk__isnull=False),
        "on_time": on_time,
        "online": Q(channel=Channel.ONLINE),
        "fee_bearing": fee_bearing,
        "paid_online": fee_bearing & ~Q(paid_online="0"),
        "resolved": resolved,
        "e_result": resolved & Q(has_e_result=True),
        "digitized": Q(has_digitized_components=True)
        & (Q(has_e_result=True) | Q(finished_at__isnull=True) | still_open),
        "reuse_eligible": Q(reused_data=True) | Q(procedure_id__in=_data_replaceable_procedures()),
        "reused": Q(reused_data=True),
        "population_db": Q(used_population_db=True),
        "portal_synced": Q(portal_synced_at__isnull=False),
        "data_store": Q(from_national_data_store=True),
    }
