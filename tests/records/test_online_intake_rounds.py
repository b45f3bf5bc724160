"""An online dossier the officer asked to change at intake (Mẫu 02) and that comes back starts a
new 2-hour alert / 8-working-hour confirmation clock (NĐ 118 Điều 17.2 read for each arrival; the
rule is data: `RuleSet.online_resubmission_restarts_clock`, marked [U]).

The centre works 07:30–11:30 and 13:30–17:00 (7 h 30 a day); deadlines are worked out by hand."""

import dataclasses
import datetime as dt

import pytest

from motcua.records import online_intake
from motcua.records.lifecycle import Action, State
from motcua.records.models import Record
from motcua.records.rules import ND118_2025
from motcua.records.selectors import Inbox, inbox
from motcua.records.services import record_perform, record_submit

from . import test_online_intake_clock
from .conftest import local

pytestmark = pytest.mark.django_db
centre = test_online_intake_clock.centre  # the fixture: a centre open 07:30–11:30, 13:30–17:00


def _online_then_asked_to_change(procedure, centre, applicant, desk):
    # Mon 09/03/2026 08:00 → first confirmation due Tue 10/03 08:30; answered Mon 10:00 (on time).
    record = record_submit(
        procedure=procedure,
        agency=centre,
        applicant=applicant,
        action=Action.SUBMIT_ONLINE,
        at=local(2026, 3, 9, 8, 0),
    )
    return record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=desk,
        at=local(2026, 3, 9, 10, 0),
        missing=["Bản sao sổ hộ khẩu"],
    )


def _resubmit(record, at):
    return record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=None, as_applicant=True, at=at
    )


def test_resubmitted_dossier_starts_a_new_clock(
    procedure, centre, applicant, staff, django_capture_on_commit_callbacks
):
    desk = staff["desk"]
    record = _online_then_asked_to_change(procedure, centre, applicant, desk)
    assert record.intake_confirmed_at == local(2026, 3, 9, 10, 0)

    online_intake.online_intake_alert(at=local(2026, 3, 9, 8, 1))  # the first round was alerted
    back_at = local(2026, 3, 11, 16, 0)  # Wednesday 16:00
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        record = _resubmit(record, back_at)
    assert Record.objects.get(pk=record.pk).intake_alerted_at is None  # to be alerted anew
    for callback in after_commit:
        callback()
    # Wednesday 16:00–17:00 is 1 h; Thursday's morning 4 h and 3 h of its afternoon (13:30 →
    # 16:30) make the other 7 h.
    assert record.state == State.SUBMITTED
    assert record.intake_confirm_due_at == local(2026, 3, 12, 16, 30)
    assert record.intake_alert_due_at == back_at + dt.timedelta(hours=2)
    stored = Record.objects.get(pk=record.pk)
    assert stored.intake_confirmed_at is None
    assert stored.intake_confirm_due_at == local(2026, 3, 12, 16, 30)
    assert stored.intake_alerted_at is not None  # alerted again at once, after commit
    event = stored.events.get(action=Action.SUPPLEMENT_RECEIVED)
    assert event.due_at == local(2026, 3, 12, 16, 30)
    assert event.detail["online_intake"]["restarted"] is True
    assert "16:30 12/03/2026" in event.detail["flags"][0]

    # Waiting again in the officer's box, with the new deadline.
    assert list(inbox(desk, Inbox.ONLINE_TO_CONFIRM, now=local(2026, 3, 12, 9, 0))) == [stored]

    # Confirmed after the new deadline: late this round; the first round stays on time.
    record_perform(record=stored, action=Action.RECEIVE, actor=desk, at=local(2026, 3, 12, 16, 45))
    receipt = stored.events.get(action=Action.RECEIVE)
    assert receipt.detail["online_intake"]["late"] is True
    assert dt.datetime.fromisoformat(receipt.detail["online_intake"]["due"]) == local(2026, 3, 12, 16, 30)
    first_answer = stored.events.get(action=Action.REQUEST_SUPPLEMENT)
    assert first_answer.detail["online_intake"]["late"] is False


def test_alert_time_uses_the_clock_not_working_hours(procedure, centre, applicant, staff):
    record = _online_then_asked_to_change(procedure, centre, applicant, staff["desk"])
    # Back on Saturday 14/03 at 22:00: the alert is due at midnight; confirmation counts from
    # Monday 07:30 — a full 7 h 30 on Monday and the last 30 min on Tuesday (07:30 → 08:00).
    record = _resubmit(record, local(2026, 3, 14, 22, 0))
    assert record.intake_alert_due_at == local(2026, 3, 15, 0, 0)
    assert record.intake_confirm_due_at == local(2026, 3, 17, 8, 0)


def test_no_new_clock_when_the_rules_do_not_restart_it(procedure, centre, applicant, staff, monkeypatch):
    no_restart = dataclasses.replace(ND118_2025, online_resubmission_restarts_clock=False)
    record = _online_then_asked_to_change(procedure, centre, applicant, staff["desk"])
    monkeypatch.setattr(online_intake, "rules_at", lambda day: no_restart)
    record = _resubmit(record, local(2026, 3, 11, 16, 0))
    stored = Record.objects.get(pk=record.pk)
    assert stored.state == State.SUBMITTED
    assert stored.intake_confirm_due_at == local(2026, 3, 10, 8, 30)  # the first round's, answered
    assert stored.intake_confirmed_at == local(2026, 3, 9, 10, 0)
    assert "online_intake" not in stored.events.get(action=Action.SUPPLEMENT_RECEIVED).detail


def test_counter_dossier_completed_at_intake_gets_no_online_clock(procedure, centre, applicant, staff):
    desk = staff["desk"]
    record = record_submit(
        procedure=procedure, agency=centre, applicant=applicant, actor=desk, at=local(2026, 3, 9, 8, 0)
    )
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=desk,
        at=local(2026, 3, 9, 8, 10),
        missing=["Tờ khai"],
    )
    record = record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=desk, at=local(2026, 3, 9, 9, 0)
    )
    assert record.state == State.SUBMITTED
    assert (record.intake_alert_due_at, record.intake_confirm_due_at) == (None, None)
