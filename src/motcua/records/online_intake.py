"""The online-intake clock (NĐ 118 Điều 17.2): an online dossier alerts the intake officer within
2 hours, and the officer confirms receipt or asks for changes within 8 working hours.

Which hours count:
- the alert deadline is clock time: arrival + 2 hours, nights and days off included — an alert
  is a message the system sends, it needs no one at work;
- the confirmation deadline is working time of the receiving centre (its calendar: working
  hours per centre, weekends, public holidays and swapped days): only the seconds inside the
  centre's working periods count. A dossier arriving outside working hours starts counting at
  the next opening; 8 hours that end exactly at a closing time end then, not the next morning.

The figures are the rule set's (`rules.py`), chosen by the day of arrival.

A clock starts when the dossier arrives online, and again when a dossier the officer asked to
change (Mẫu 02 at intake) is sent in again, if the rule set says so (`resubmission_clock`). The
open clocks of a centre follow its calendar: a changed holiday or working hours recompute their
confirmation deadlines in the transaction of the change (`recompute_open_clocks`, registered with
`calendars.hooks`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendars.hooks import CalendarChange
from motcua.workdays import Calendar

from .lifecycle import Action, State
from .models import Record, RecordEvent
from .replay import AgencyCalendars
from .rules import NoRuleSet, rules_at
from .timeliness import Timeliness, classify

logger = logging.getLogger(__name__)

# The actions that answer an online dossier: confirm receipt (Mẫu 01), ask for changes (Mẫu 02),
# or refuse it (Mẫu 03) — each from "submitted".
CONFIRMING_ACTIONS = frozenset({Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE_INTAKE})
# The history row written when a calendar change moves an open confirmation deadline.
RECOMPUTED = "intake_clock_recomputed"
RECOMPUTED_LABEL = gettext_lazy("Tính lại hạn xác nhận hồ sơ trực tuyến")

# Called after commit with each record whose intake officers must be alerted. Notification
# delivery (e-mail, SMS, in-app) registers here; without a receiver the alert is only logged.
AlertReceiver = Callable[[Record], None]
alert_receivers: list[AlertReceiver] = []


@dataclass(frozen=True)
class IntakeDeadlines:
    alert_due_at: dt.datetime
    confirm_due_at: dt.datetime


def intake_deadlines(arrived_at: dt.datetime, calendar: Calendar) -> IntakeDeadlines | None:
    """The alert and confirmation deadlines of an online dossier arriving at `arrived_at`, by the
    receiving centre's `calendar`; None when the rules in force then set no such clock."""
    try:
        rules = rules_at(timezone.localtime(arrived_at).date())
    except NoRuleSet:
        return None
    if rules.online_alert_within is None or rules.online_confirm_within is None:
        return None
    return IntakeDeadlines(
        alert_due_at=arrived_at + rules.online_alert_within,
        confirm_due_at=calendar.add_working_time(arrived_at, rules.online_confirm_within),
    )


def confirmation_note(record: Record, action: Action, at: dt.datetime) -> dict[str, Any] | None:
    """When `action` answers a waiting online dossier: set its confirmation time and return what
    the event row records (on time or late, against which deadline); otherwise None."""
    if (
        action not in CONFIRMING_ACTIONS
        or record.state != State.SUBMITTED
        or record.intake_confirm_due_at is None
        or record.intake_confirmed_at is not None
    ):
        return None
    record.intake_confirmed_at = at
    late = at > record.intake_confirm_due_at
    due = timezone.localtime(record.intake_confirm_due_at)
    shown = {"due": f"{due:%H:%M %d/%m/%Y}"}
    if late:
        flag = _("Xác nhận hồ sơ trực tuyến trễ hạn (hạn %(due)s).") % shown
    else:
        flag = _("Xác nhận hồ sơ trực tuyến đúng hạn (hạn %(due)s).") % shown
    return {"online_intake": {"due": record.intake_confirm_due_at.isoformat(), "late": late}, "flag": flag}


def confirmation_timeliness(record: Record, now: dt.datetime | None = None) -> Timeliness | None:
    """Within / overdue while the dossier waits; on time / late once confirmed; None without the clock."""
    if record.intake_confirm_due_at is None:
        return None
    return classify(
        due_at=record.intake_confirm_due_at, ended_at=record.intake_confirmed_at, now=now or timezone.now()
    )


def pending_confirmation(record: Record, now: dt.datetime | None = None) -> Timeliness | None:
    """While an online dossier waits for its officer: within or overdue; otherwise None."""
    if record.state != State.SUBMITTED or record.intake_confirmed_at is not None:
        return None
    return confirmation_timeliness(record, now)


def online_intake_alert(*, records: Any = None, at: dt.datetime | None = None) -> list[Record]:
    """Alert the intake officers of online dossiers not alerted yet (all of them, or those of
    `records`): marks them alerted now and hands each to the alert receivers after commit."""
    at = at or timezone.now()
    pending = Record.objects.filter(
        state=State.SUBMITTED, intake_alert_due_at__isnull=False, intake_alerted_at__isnull=True
    )
    if records is not None:
        pending = pending.filter(pk__in=[getattr(r, "pk", r) for r in records])
    with transaction.atomic():
        alerted = list(pending.select_for_update().select_related("receiving_agency").order_by("pk"))
        Record.objects.filter(pk__in=[r.pk for r in alerted]).update(intake_alerted_at=at)
        for record in alerted:
            record.intake_alerted_at = at
        transaction.on_commit(lambda: _deliver(alerted))
    return alerted


def alert_soon(record_id: int) -> None:
    """After an online dossier is committed: alert at once. A failure is only logged — the
    `records online-intake-alerts` run alerts whatever is still unalerted."""
    try:
        online_intake_alert(records=[record_id])
    except Exception:
        logger.exception("Online-intake alert failed for record %s", record_id)


def _deliver(records: list[Record]) -> None:
    for record in records:
        logger.info(
            "Hồ sơ trực tuyến %s chờ xác nhận tại %s; hạn xác nhận %s",
            record.code,
            record.receiving_agency,
            timezone.localtime(record.intake_confirm_due_at) if record.intake_confirm_due_at else "—",
        )
        for receiver in alert_receivers:
            try:
                receiver(record)
            except Exception:  # one failing channel must not stop the others
                logger.exception("Alert receiver failed for %s", record.code)


def online_intake_overdue(*, now: dt.datetime | None = None) -> list[Record]:
    """Online dossiers still waiting for confirmation past their deadline, the oldest first."""
    now = now or timezone.now()
    return list(
        Record.objects.filter(
            state=State.SUBMITTED, intake_confirmed_at__isnull=True, intake_confirm_due_at__lt=now
        )
        .select_related("receiving_agency")
        .order_by("intake_confirm_due_at", "pk")
    )


def _shown(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%H:%M %d/%m/%Y}"


def resubmission_clock(record: Record, at: dt.datetime, calendar: Calendar) -> dict[str, Any] | None:
    """An online dossier the officer asked to change at intake is sent in again at `at`: when the
    rules in force then say so, a new alert and confirmation clock starts, as for a new arrival
    (the first round's answer, on time or late, stays in its event). Call inside the transaction
    that records the resubmission; returns what its event records, or None (no new clock)."""
    if record.state != State.INTAKE_SUPPLEMENT or record.intake_confirm_due_at is None:
        return None  # not an online dossier with an intake clock
    try:
        restarts = rules_at(timezone.localtime(at).date()).online_resubmission_restarts_clock
    except NoRuleSet:
        return None
    deadlines = intake_deadlines(at, calendar) if restarts else None
    if deadlines is None:
        return None
    record.intake_alert_due_at = deadlines.alert_due_at
    record.intake_confirm_due_at = deadlines.confirm_due_at
    record.intake_alerted_at = record.intake_confirmed_at = None
    transaction.on_commit(partial(alert_soon, record.pk))
    flag = _("Hồ sơ trực tuyến được nộp lại sau khi bổ sung: tính lại hạn xác nhận (hạn %(due)s).") % {
        "due": _shown(deadlines.confirm_due_at)
    }
    return {
        "online_intake": {
            "restarted": True,
            "alert_due": deadlines.alert_due_at.isoformat(),
            "due": deadlines.confirm_due_at.isoformat(),
        },
        "flag": flag,
    }


def _open_clocks() -> Any:
    return Record.objects.filter(
        state=State.SUBMITTED, intake_confirmed_at__isnull=True, intake_confirm_due_at__isnull=False
    )


def _clock_starts(record_ids: list[int]) -> dict[int, dt.datetime]:
    """When each record's current clock started: its online submission, or its latest
    resubmission after a request for changes at intake."""
    starts = (
        RecordEvent.objects.filter(record_id__in=record_ids)
        .filter(
            Q(action=Action.SUBMIT_ONLINE)
            | Q(action=Action.SUPPLEMENT_RECEIVED, from_state=State.INTAKE_SUPPLEMENT)
        )
        .values("record_id")
        .annotate(start=Max("at"))
        .order_by()
    )
    return {row["record_id"]: row["start"] for row in starts}


def recompute_open_clocks(change: CalendarChange) -> list[Record]:
    """A centre's calendar changed (a day off, a worked day, working hours): the confirmation
    deadlines of its dossiers still waiting are counted again from their arrival on the new
    calendar. Runs inside the calendar change's transaction (calendars.services), so the setting
    and the deadlines it moves commit together; each moved deadline is written in the record's
    history. The alert deadline is clock time and does not move."""
    calendars = AgencyCalendars()  # one calendar and province per centre for the whole change
    candidates = _open_clocks()
    if change.agency_id is not None:
        candidates = candidates.filter(receiving_agency_id=change.agency_id)
    locked = [
        r
        for r in candidates.select_for_update(of=("self",))
        .select_related("receiving_agency__unit__parent")
        .order_by("pk")
        if change.covers(
            agency_id=r.receiving_agency_id, province_id=calendars.province_id(r.receiving_agency)
        )
    ]
    starts = _clock_starts([r.pk for r in locked])
    at = timezone.now()
    moved: list[Record] = []
    events: list[RecordEvent] = []
    for record in locked:
        start = starts.get(record.pk)
        if start is None:
            continue
        deadlines = intake_deadlines(start, calendars.of(record.receiving_agency))
        previous = record.intake_confirm_due_at
        if deadlines is None or previous is None or deadlines.confirm_due_at == previous:
            continue
        record.intake_confirm_due_at = deadlines.confirm_due_at
        reason = _(
            "Lịch làm việc thay đổi (%(change)s): hạn xác nhận hồ sơ trực tuyến tính lại từ %(old)s thành %(new)s."
        ) % {"change": change.description, "old": _shown(previous), "new": _shown(deadlines.confirm_due_at)}
        events.append(
            RecordEvent(
                record=record,
                at=at,
                actor_id=change.actor_id,
                action=RECOMPUTED,
                from_state=record.state,
                to_state=record.state,
                reason=reason,
                due_at=deadlines.confirm_due_at,
                detail={
                    "online_intake": {
                        "previous_due": previous.isoformat(),
                        "due": deadlines.confirm_due_at.isoformat(),
                        "started": start.isoformat(),
                    }
                },
            )
        )
        moved.append(record)
    Record.objects.bulk_update(moved, ["intake_confirm_due_at"], batch_size=500)
    RecordEvent.objects.bulk_create(events, batch_size=500)
    if moved:
        logger.info(
            "Calendar change (%s): %d online-intake deadlines recomputed", change.description, len(moved)
        )
    return moved
