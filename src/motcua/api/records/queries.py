"""The record list's filters, on top of `records.selectors.visible_records` (scope first)."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.records.models import Record
from motcua.records.rules import RULE_SETS
from motcua.records.selectors import visible_records


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_q(now: dt.datetime) -> Q:
    """Open records that `timeliness.classify` calls OVERDUE, as a query: past due with the clock
    running, or asked for supplements more often than the rules in force allow."""
    too_many = Q()
    for rules in RULE_SETS:
        too_many |= Q(rule_set=rules.code, supplement_count__gt=rules.max_supplement_requests)
    return Q(ended_at__isnull=True, due_at__isnull=False) & (
        Q(clock_paused_at__isnull=True, due_at__lt=now) | too_many
    )


def filtered_records(
    viewer: Any, query: dict[str, Any], *, now: dt.datetime | None = None
) -> QuerySet[Record]:
    records = visible_records(viewer)
    if query.get("unit"):
        records = records.filter(unit__code=query["unit"])
    if query.get("agency"):
        records = records.filter(agency__code=query["agency"])
    if query.get("procedure"):
        records = records.filter(procedure__code=query["procedure"])
    if query.get("state"):
        records = records.filter(state=query["state"])
    if query.get("received_from"):
        records = records.filter(received_at__gte=_day_start(query["received_from"]))
    if query.get("received_to"):
        records = records.filter(received_at__lt=_day_start(query["received_to"] + dt.timedelta(days=1)))
    if query.get("overdue") is not None:
        late = overdue_q(now or timezone.now())
        records = records.filter(late) if query["overdue"] else records.exclude(late)
    return records.select_related("procedure", "agency__unit").order_by("-submitted_at", "-pk")
