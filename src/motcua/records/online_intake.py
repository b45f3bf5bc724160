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
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.workdays import Calendar

from .lifecycle import Action, State
from .models import Record
from .rules import NoRuleSet, rules_at
from .timeliness import Timeliness, classify

logger = logging.getLogger(__name__)

# The actions that answer an online dossier: confirm receipt (Mẫu 01), ask for changes (Mẫu 02),
# or refuse it (Mẫu 03) — each from "submitted".
CONFIRMING_ACTIONS = frozenset({Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE_INTAKE})

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
