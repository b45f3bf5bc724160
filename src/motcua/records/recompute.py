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

How: the due date is replayed from the record's own history on the new calendar — receipt
(the moment and the term written at receipt), then each supplement round as the rule set
recorded it (NĐ 118: restart from the complete dossier's return; NĐ 61: the remaining working
time resumes), each step on the calendar of the agency that held the record then (a transfer
changes it). The open process step's deadline is replayed the same way (its budget from its
start, never past the record's due date at that moment). Where anything moves, the record is
updated, bumped in version (an open form built on the old date is refused), and a history row
says old → new and which change; the records hooks (index roll-ups, outbox, snapshots) run for
each moved record exactly as for a lifecycle change, so "Quá hạn" follows at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendars.hooks import CalendarChange
from motcua.calendars.selectors import calendar_for, province_of
from motcua.catalog.models import Procedure
from motcua.units.models import Agency
from motcua.workdays import Calendar, Term
from motcua.workdays.rules import UNIT_LABELS

from . import hooks
from .clock import NoTerm, step_due, term_for
from .lifecycle import Action, ClockEffect, State
from .models import Record, RecordEvent, RecordStep

logger = logging.getLogger(__name__)

DUE_RECOMPUTED = "due_recomputed"
DUE_RECOMPUTED_LABEL = gettext_lazy("Tính lại hạn giải quyết do thay đổi lịch làm việc")

# Received, clock running or paused, not ended.
RECOMPUTED_STATES = (State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT)
# The history rows that set or move the due date, and the transfers that change whose calendar.
CLOCK_ACTIONS = (
    Action.RECEIVE,
    Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT_RECEIVED,
    Action.EXTEND,
    Action.TRANSFER,
)
_CHUNK = 500
_TERM_UNITS = {label: unit for unit, label in UNIT_LABELS.items()}


@dataclass(frozen=True)
class Replayed:
    due_at: dt.datetime
    # (moment, due date in force from then on): caps the step deadlines opened at that moment.
    timeline: tuple[tuple[dt.datetime, dt.datetime], ...]
    extended: bool


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


class AgencyCalendars:
    """One calendar per agency for the whole change (each ask checks the stored settings)."""

    def __init__(self) -> None:
        self._by_agency: dict[int, Calendar] = {}
        self._agency_by_code: dict[str, Agency | None] = {}
        self._province: dict[int, int | None] = {}

    def of(self, agency: Agency) -> Calendar:
        calendar = self._by_agency.get(agency.pk)
        if calendar is None:
            calendar = self._by_agency[agency.pk] = calendar_for(agency=agency)
        return calendar

    def agency(self, code: str) -> Agency | None:
        if code not in self._agency_by_code:
            self._agency_by_code[code] = Agency.objects.select_related("unit").filter(code=code).first()
        return self._agency_by_code[code]

    def province_id(self, agency: Agency) -> int | None:
        if agency.pk not in self._province:
            province = province_of(agency.unit)
            self._province[agency.pk] = province.pk if province is not None else None
        return self._province[agency.pk]


def _covered(change: CalendarChange, record: Record, calendars: AgencyCalendars) -> bool:
    return any(
        change.covers(agency_id=agency.pk, province_id=calendars.province_id(agency))
        for agency in (record.agency, record.receiving_agency)
    )


def _term(record: Record, receipt: RecordEvent) -> Term:
    """The term written at receipt ("3 ngày làm việc"): the record keeps the time limit it was
    received under even if the catalogue changed since; else the procedure's current one."""
    current = term_for(record.procedure)
    amount, _sep, label = str((receipt.detail or {}).get("term", "")).partition(" ")
    unit = _TERM_UNITS.get(label)
    if not amount.isdigit() or unit is None:
        return current
    return Term(int(amount), unit, current.cutoff)


def replay_due(record: Record, events: Sequence[RecordEvent], calendars: AgencyCalendars) -> Replayed | None:
    """The record's due date on the calendars as they are now, from its history; None when the
    history does not say (no receipt row, no term): such a record is left alone."""
    receipts = [e for e in events if e.action == Action.RECEIVE]
    if not receipts:
        return None
    try:
        term = _term(record, receipts[0])
    except NoTerm:
        return None
    # The agency that held the record at each row: the one a later transfer took it from.
    holders: list[Agency] = []
    holder: Agency = record.agency
    for event in reversed(events):
        if event.action == Action.TRANSFER:
            holder = calendars.agency(str((event.detail or {}).get("from_agency", ""))) or holder
        holders.append(holder)
    holders.reverse()
    due: dt.datetime | None = None
    paused_at: dt.datetime | None = None
    extended = False
    timeline: list[tuple[dt.datetime, dt.datetime]] = []
    for event, agency in zip(events, holders, strict=True):
        calendar = calendars.of(agency)
        if event.action == Action.RECEIVE:
            due, extended = calendar.due(event.at, term), False
        elif due is None:
            continue  # before receipt: the intake rounds set no due date
        elif event.action == Action.REQUEST_SUPPLEMENT:
            paused_at = event.at
        elif event.action == Action.SUPPLEMENT_RECEIVED and event.from_state == State.SUPPLEMENT:
            if (event.detail or {}).get("clock") == ClockEffect.RESTART:
                due = calendar.due(event.at, term)
            else:  # NĐ 61: the applicant's time does not count, the remaining time resumes
                remaining = calendar.elapsed(paused_at or event.at, due)
                due = calendar.add_working_time(event.at, max(remaining, dt.timedelta(0)))
            paused_at, extended = None, False
        elif event.action == Action.EXTEND:
            new_due = (event.detail or {}).get("new_due")
            if new_due:
                due, extended = dt.datetime.fromisoformat(new_due), True  # the date Mẫu 04 gave
        else:
            continue
        timeline.append((event.at, due))
    if due is None:
        return None
    return Replayed(due_at=due, timeline=tuple(timeline), extended=extended)


def _due_then(replayed: Replayed, at: dt.datetime) -> dt.datetime | None:
    due = None
    for moment, value in replayed.timeline:
        if moment > at:
            break
        due = value
    return due


def _step_moves(
    record: Record, steps: Iterable[RecordStep], replayed: Replayed, calendars: AgencyCalendars
) -> list[tuple[RecordStep, dt.datetime | None]]:
    """Open steps whose deadline differs on the new calendar, with their old deadline."""
    budgets = {s.position: s.budget for s in record.procedure.process_steps.all()}
    moved = []
    for step in steps:
        budget = budgets.get(step.position)
        if budget is None or step.due_at is None:
            continue  # the process changed since: the step keeps the deadline it was given
        due = step_due(record.procedure, budget, step.started_at, calendars.of(step.agency))
        cap = _due_then(replayed, step.started_at)
        if cap is not None and due > cap:
            due = cap
        if due != step.due_at:
            moved.append((step, step.due_at))
            step.due_at = due
    return moved


def _history(records: list[Record]) -> tuple[dict[int, list[RecordEvent]], dict[int, list[RecordStep]]]:
    events: dict[int, list[RecordEvent]] = defaultdict(list)
    steps: dict[int, list[RecordStep]] = defaultdict(list)
    for i in range(0, len(records), _CHUNK):
        ids = [r.pk for r in records[i : i + _CHUNK]]
        for event in RecordEvent.objects.filter(record_id__in=ids, action__in=CLOCK_ACTIONS).order_by(
            "record_id", "at", "pk"
        ):
            events[event.record_id].append(event)
        for step in (
            RecordStep.objects.filter(record_id__in=ids, finished_at__isnull=True)
            .select_related("agency__unit")
            .order_by("record_id", "started_at", "pk")
        ):
            steps[step.record_id].append(step)
    return events, steps


def recompute_open_due_dates(change: CalendarChange) -> list[Record]:
    """calendars.hooks callback: recompute, in the change's transaction, the due dates (and open
    step deadlines) of the open records the change covers; returns the records that moved."""
    calendars = AgencyCalendars()
    locked = [
        r
        for r in _candidates(change)
        .select_for_update(of=("self",))
        .select_related("procedure", "agency__unit", "receiving_agency__unit")
        .order_by("pk")
        if _covered(change, r, calendars)
    ]
    if not locked:
        return []
    events, steps = _history(locked)
    procedures = Procedure.objects.prefetch_related("process_steps").in_bulk({r.procedure_id for r in locked})
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
        step_moves = _step_moves(record, steps.get(record.pk, []), replayed, calendars)
        if new_due == previous and not step_moves:
            continue
        hooks.run_before_change(record)  # the roll-ups note its contribution before the move
        record.due_at = new_due
        record.version += 1  # locked: a form built on the old date is refused as stale
        moved.append((record, previous, step_moves))
    if not moved:
        return []
    _save_dues(Record.objects.all(), [r for r, _p, _s in moved], version=True)
    _save_dues(RecordStep.objects.all(), [step for _r, _p, s in moved for step, _old in s])
    rows = RecordEvent.objects.bulk_create(
        [_event(record, previous, step_moves, change, at) for record, previous, step_moves in moved],
        batch_size=_CHUNK,
    )
    for (record, _previous, _steps), event in zip(moved, rows, strict=True):
        hooks.run_in_transaction(record, event)
    logger.info("Calendar change (%s): %d due dates recomputed", change.description, len(moved))
    return [record for record, _p, _s in moved]


def _save_dues(queryset: QuerySet[Any], rows: list[Any], *, version: bool = False) -> None:
    """One UPDATE per new due date: records received on the same day move to the same date, so
    this is a handful of statements where a bulk_update would be one CASE branch per row."""
    by_due: dict[dt.datetime | None, list[int]] = defaultdict(list)
    for row in rows:
        by_due[row.due_at].append(row.pk)
    for due, ids in by_due.items():
        changes: dict[str, Any] = {"due_at": due}
        if version:  # the rows are locked: nobody else bumped them meanwhile
            changes["version"] = F("version") + 1
        for i in range(0, len(ids), _CHUNK):
            queryset.filter(pk__in=ids[i : i + _CHUNK]).update(**changes)


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
