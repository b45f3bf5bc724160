"""Replaying a record's due date on the calendars as they are now (records/recompute.py: a calendar
change moves the due dates of open records).

The due date is replayed from the record's own history — receipt (the moment and the term written
at receipt), then each supplement round as the rule set recorded it (NĐ 118: restart from the
complete dossier's return; NĐ 61: the remaining working time resumes), each step on the calendar
of the agency that held the record then (a transfer changes it). An open process step's deadline
is replayed the same way (its budget from its start, never past the record's due date then).
Pure arithmetic on what is passed in, but for the calendars (`AgencyCalendars`, read once each).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from motcua.calendars.selectors import agencies_with_own_hours, calendar_for, province_of
from motcua.units.models import Agency
from motcua.workdays import Calendar, Term
from motcua.workdays.rules import UNIT_LABELS

from .clock import NoTerm, step_due, term_for
from .lifecycle import Action, ClockEffect, State
from .models import Record, RecordEvent, RecordStep

# The history rows that set or move the due date, and the transfers that change whose calendar.
# The history rows that set or move the due date, and the transfers that change whose calendar.
CLOCK_ACTIONS = (
    Action.RECEIVE,
    Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT_RECEIVED,
    Action.EXTEND,
    Action.TRANSFER,
)
_TERM_UNITS = {label: unit for unit, label in UNIT_LABELS.items()}


@dataclass(frozen=True)
class Replayed:
    due_at: dt.datetime
    # (moment, due date in force from then on): caps the step deadlines opened at that moment.
    timeline: tuple[tuple[dt.datetime, dt.datetime], ...]
    extended: bool


@dataclass(frozen=True)
class ClockEvent:
    """What the replay reads of a history row (read as values: thousands of records' rows)."""

    action: str
    at: dt.datetime
    from_state: str
    detail: dict[str, Any]


class AgencyCalendars:
    """One calendar per agency for the whole change; the agencies without working hours of their
    own share their province's, checked against the stored settings once (a province-wide change
    over 65 communes: one check and build, not 65)."""

    def __init__(self) -> None:
        self._by_agency: dict[int, Calendar] = {}
        self._by_province: dict[int | None, Calendar] = {}
        self._own_hours: set[int] | None = None
        self._agency_by_code: dict[str, Agency | None] = {}
        self._province: dict[int, int | None] = {}

    def of(self, agency: Agency) -> Calendar:
        calendar = self._by_agency.get(agency.pk)
        if calendar is None:
            if self._own_hours is None:
                self._own_hours = agencies_with_own_hours()
            if agency.pk in self._own_hours:
                calendar = calendar_for(agency=agency)
            else:
                province_id = self.province_id(agency)
                calendar = self._by_province.get(province_id)
                if calendar is None:
                    calendar = self._by_province[province_id] = calendar_for(unit=agency.unit)
            self._by_agency[agency.pk] = calendar
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


def _term(record: Record, receipt: RecordEvent | ClockEvent) -> Term:
    """The term written at receipt ("3 ngày làm việc"): the record keeps the time limit it was
    received under even if the catalogue changed since; else the procedure's current one."""
    current = term_for(record.procedure)
    amount, _sep, label = str((receipt.detail or {}).get("term", "")).partition(" ")
    unit = _TERM_UNITS.get(label)
    if not amount.isdigit() or unit is None:
        return current
    return Term(int(amount), unit, current.cutoff)


def replay_due(
    record: Record, events: Sequence[RecordEvent | ClockEvent], calendars: AgencyCalendars
) -> Replayed | None:
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


def step_moves(
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
