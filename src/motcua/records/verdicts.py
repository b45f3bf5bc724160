"""A record's own verdict: the one classification, fed with the rule set it was received under."""

import datetime as dt

from django.utils import timezone

from .models import Record
from .rules import rules_at
from .timeliness import Timeliness, classify


def record_timeliness(record: Record, now: dt.datetime | None = None) -> Timeliness:
    rules = rules_at(timezone.localtime(record.received_at or record.submitted_at).date())
    return classify(
        due_at=record.due_at,
        ended_at=record.ended_at,
        now=now or timezone.now(),
        paused=record.clock_paused_at is not None,
        supplement_requests=record.supplement_count,
        max_supplement_requests=rules.max_supplement_requests,
    )
