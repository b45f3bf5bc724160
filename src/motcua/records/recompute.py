"""A calendar change moves the due dates of open records (domain.md §5: "when a calendar changes,
due dates of open records are recomputed and the change is logged").

Registered with `calendars.hooks`, so it runs inside the calendar change's own transaction: the
setting and the deadlines it moves commit or roll back together (as the online-intake clocks,
records/online_intake.py).

Which records: received, not ended, not stopped or withdrawn (received / in progress / waiting
for a supplement), whose processing or receiving centre the change covers (its own hours, its
province's days and hours, or a national setting). Left as they are:
- ended records — their due date judged them already;
- imported records (`source_system` set): the source system's appointment is a fact of that
  system, which keeps its own calendar; motcua does not rewrite it;
- records whose due date was last set by an extension (Mẫu 04): the apology letter gave the
  applicant a new date in writing, and NĐ 118 Điều 19.6 allows that date to be set only once —
  so the date the letter names stands whatever the calendar does afterwards;
- the receipt (Mẫu 01) keeps the date it printed (`original_due_at`, not touched here); the
  record page, the inbox and the history show the new one.

How: the due date is replayed (records/replay.py) from the record's own history on the new
calendar — receipt (the moment and the term written at receipt), then each supplement round as the rule set
recorded it (NĐ 118: restart from the complete dossier's return; NĐ 61: the remaining working
time resumes), each step on the calendar of the agency that held the record then (a transfer
changes it). The open process step's deadline is replayed the same way (its budget from its
start, never past the record's due date at that moment). Where anything moves, the record is
updated, bumped in version (an open form built on the old date is refused), and a history row
says old → new and which change. All of it is written set-based (one UPDATE per new date, one
INSERT of the history rows), and the consequences run once for the whole set through the records
hooks' bulk handlers (index roll-ups by one delta, kept counts dropped once, the outbox's rows for
every moved record) — the same result as a lifecycle change per record, so "Quá hạn" follows at
once, at the cost of a few statements per thousand records rather than a dozen per record.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendars.hooks import CalendarChange
from motcua.catalog.models import Procedure
from motcua.units.models import Agency

from . import hooks
from .lifecycle import State
from .models import Record, RecordEvent, RecordStep
from .replay import CLOCK_ACTIONS, AgencyCalendars, ClockEvent, Replayed, replay_due, step_moves
from .timeliness import LOCAL_TZ

__all__ = [  # the replay lives in records/replay.py; these names stay importable from here
    "CLOCK_ACTIONS",
    "DUE_RECOMPUTED",
    "AgencyCalendars",
    "Replayed",
    "recompute_open_due_dates",
    "replay_due",
]

logger = logging.getLogger(__name__)

DUE_RECOMPUTED = "due_recomputed"
DUE_RECOMPUTED_LABEL = gettext_lazy("Tính lại hạn giải quyết do thay đổi lịch làm việc")

# Received, clock running or paused, not ended.
RECOMPUTED_STATES = (State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT)
_CHUNK = 500
_SHARED = 20  # rows sharing a new due date worth an UPDATE of their own


@functools.lru_cache(maxsize=4096)  # a change moves thousands of records to a few dates
def _shown(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%H:%M %d/%m/%Y}"


def _candidates(change: CalendarChange) -> QuerySet[Record]:
    records = Record.objects.filter(
        state__in=RECOMPUTED_STATES,
        received_at__isnull=False,
        ended_at__isnull=True,
        due_at__isnull=False,
        source_system="",
    )
    if change.days is not None:
        records = records.filter(_spanning(change.days))
    if change.agency_id is not None:
        return records.filter(Q(agency_id=change.agency_id) | Q(receiving_agency_id=change.agency_id))
    if change.province_id is not None:
        # Communes sit under the province (two tiers since 2025) or under a district (before).
        p = change.province_id
        return records.filter(
            Q(unit_id=p)
            | Q(unit__parent_id=p)
            | Q(unit__parent__parent_id=p)
            | Q(receiving_unit_id=p)
            | Q(receiving_unit__parent_id=p)
            | Q(receiving_unit__parent__parent_id=p)
        )
    return records


def _covered(change: CalendarChange, record: Record, calendars: AgencyCalendars) -> bool:
    return any(
        change.covers(agency_id=agency.pk, province_id=calendars.province_id(agency))
        for agency in (record.agency, record.receiving_agency)
    )


def _spanning(days: frozenset[dt.date]) -> Q:
    """Records whose clock may have run over one of `days`: received before its end, due (or an
    open step due) from its start on. Every date the replay computes lies between the receipt and
    the due dates it reaches, so a day outside that span changes none of them (a day off after the
    due date, a worked Saturday before the receipt)."""
    spanning = Q()
    for day in days:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)
        end = start + dt.timedelta(days=1)
        open_step = RecordStep.objects.filter(
            record_id=OuterRef("pk"), finished_at__isnull=True, due_at__gte=start
        )
        spanning |= Q(received_at__lt=end) & (Q(due_at__gte=start) | Exists(open_step))
    return spanning


class _Agencies:
    """The agencies (with unit and parent unit) of a change's records and steps, one instance
    each, read once — not joined into every row."""

    def __init__(self) -> None:
        self._by_id: dict[int, Agency] = {}

    def load(self, ids: Iterable[int]) -> None:
        missing = set(ids) - self._by_id.keys()
        if missing:
            self._by_id.update(Agency.objects.select_related("unit__parent").in_bulk(missing))

    def __getitem__(self, pk: int) -> Agency:
        return self._by_id[pk]


def _history(
    records: list[Record], agencies: _Agencies
) -> tuple[dict[int, list[ClockEvent]], dict[int, list[RecordStep]]]:
    events: dict[int, list[ClockEvent]] = defaultdict(list)
    steps: dict[int, list[RecordStep]] = defaultdict(list)
    for i in range(0, len(records), _CHUNK):
        ids = [r.pk for r in records[i : i + _CHUNK]]
        rows = (
            RecordEvent.objects.filter(record_id__in=ids, action__in=CLOCK_ACTIONS)
            .order_by("record_id", "at", "pk")
            .values_list("record_id", "action", "at", "from_state", "detail")
        )
        for record_id, action, at, from_state, detail in rows:
            events[record_id].append(ClockEvent(action, at, from_state, detail or {}))
        chunk = list(
            RecordStep.objects.filter(record_id__in=ids, finished_at__isnull=True).order_by(
                "record_id", "started_at", "pk"
            )
        )
        agencies.load(step.agency_id for step in chunk)
        for step in chunk:
            step.agency = agencies[step.agency_id]
            steps[step.record_id].append(step)
    return events, steps


def recompute_open_due_dates(change: CalendarChange) -> list[Record]:
    """calendars.hooks callback: recompute, in the change's transaction, the due dates (and open
    step deadlines) of the open records the change covers; returns the records that moved."""
    calendars = AgencyCalendars()
    agencies = _Agencies()
    locked = list(_candidates(change).select_for_update(of=("self",)).order_by("pk"))
    agencies.load(a for r in locked for a in (r.agency_id, r.receiving_agency_id))
    for record in locked:
        record.agency, record.receiving_agency = (
            agencies[record.agency_id],
            agencies[record.receiving_agency_id],
        )
    locked = [r for r in locked if _covered(change, r, calendars)]
    if not locked:
        return []
    events, steps = _history(locked, agencies)
    procedures = (
        Procedure.objects.select_related("field")
        .prefetch_related("process_steps")
        .in_bulk({r.procedure_id for r in locked})
    )
    at = timezone.now()
    moved: list[tuple[Record, dt.datetime, list[tuple[RecordStep, dt.datetime | None]]]] = []
    for record in locked:
        record.procedure = procedures[record.procedure_id]
        replayed = replay_due(record, events.get(record.pk, []), calendars)
        if replayed is None:
            continue
        previous = record.due_at
        assert previous is not None  # filtered
        new_due = previous if replayed.extended else replayed.due_at
        moves = step_moves(record, steps.get(record.pk, []), replayed, calendars)
        if new_due == previous and not moves:
            continue
        record.due_at = new_due
        record.version += 1  # locked: a form built on the old date is refused as stale
        moved.append((record, previous, moves))
    if not moved:
        return []
    records = [r for r, _p, _s in moved]
    # The consequences once for the whole set (records.hooks bulk handlers: the roll-ups note the
    # set's contribution before the move, and write one delta after it).
    kept = hooks.run_before_bulk_change(records)
    _save_dues(Record.objects.all(), [r for r, _p, _s in moved], version=True)
    _save_dues(RecordStep.objects.all(), [step for _r, _p, s in moved for step, _old in s])
    rows = RecordEvent.objects.bulk_create(
        [_event(record, previous, step_moves, change, at) for record, previous, step_moves in moved],
        batch_size=_CHUNK,
    )
    hooks.run_after_bulk_change(records, rows, kept)
    logger.info("Calendar change (%s): %d due dates recomputed", change.description, len(moved))
    return records


def _save_dues(queryset: QuerySet[Any], rows: list[Any], *, version: bool = False) -> None:
    """Set-based: one UPDATE per new due date shared by many rows (records received on the same
    day move to the same date), the rest (dates to the minute: working-hour terms, steps) in
    one UPDATE run per row. The rows are locked and their version already
    bumped in memory, so writing it is safe."""
    by_due: dict[dt.datetime | None, list[Any]] = defaultdict(list)
    for row in rows:
        by_due[row.due_at].append(row)
    fields = ["due_at", "version"] if version else ["due_at"]
    scattered: list[Any] = []
    for due, group in by_due.items():
        if len(group) < _SHARED:
            scattered.extend(group)
            continue
        changes: dict[str, Any] = {"due_at": due}
        if version:
            changes["version"] = F("version") + 1
        ids = [row.pk for row in group]
        for i in range(0, len(ids), _CHUNK):
            queryset.filter(pk__in=ids[i : i + _CHUNK]).update(**changes)
    if scattered:  # one statement run per row (executemany): cheaper than bulk_update's CASE
        model = queryset.model
        prepared = [model._meta.get_field(f) for f in fields]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in prepared)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s",
                [
                    (*(f.get_db_prep_save(getattr(row, f.attname), connection) for f in prepared), row.pk)
                    for row in scattered
                ],
            )


def _event(
    record: Record,
    previous: dt.datetime,
    step_moves: list[tuple[RecordStep, dt.datetime | None]],
    change: CalendarChange,
    at: dt.datetime,
) -> RecordEvent:
    assert record.due_at is not None
    if record.due_at != previous:
        reason = _(
            "Lịch làm việc thay đổi (%(change)s): hạn giải quyết tính lại từ %(old)s thành %(new)s."
        ) % {"change": change.description, "old": _shown(previous), "new": _shown(record.due_at)}
    else:
        reason = _("Lịch làm việc thay đổi (%(change)s): hạn giải quyết giữ nguyên %(due)s.") % {
            "change": change.description,
            "due": _shown(record.due_at),
        }
    flags = [
        _("Hạn bước “%(step)s” tính lại từ %(old)s thành %(new)s.")
        % {"step": step.name, "old": _shown(old) if old else "—", "new": _shown(step.due_at)}
        for step, old in step_moves
        if step.due_at is not None
    ]
    detail: dict[str, Any] = {
        "due_recomputed": {
            "previous_due": previous.isoformat(),
            "due": record.due_at.isoformat(),
            "calendar_change": change.description,
            "steps": [
                {
                    "step": step.pk,
                    "previous_due": old.isoformat() if old else None,
                    "due": step.due_at.isoformat() if step.due_at else None,
                }
                for step, old in step_moves
            ],
        },
        "flags": flags,
    }
    return RecordEvent(
        record=record,
        at=at,
        actor_id=change.actor_id,
        action=DUE_RECOMPUTED,
        from_state=record.state,
        to_state=record.state,
        reason=reason,
        due_at=record.due_at,
        detail=detail,
    )
