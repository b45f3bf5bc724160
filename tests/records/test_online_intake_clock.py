"""NĐ 118 Điều 17.2: an online dossier alerts the intake officer within 2 hours (clock time), and
the officer confirms receipt or asks for changes within 8 working hours of the receiving centre.

The centre below works 07:30–11:30 and 13:30–17:00 (4 h + 3 h 30 = 7 h 30 a day); every expected
deadline is worked out by hand from those hours in the test."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command

from motcua.calendars.models import WorkingHoursSetting
from motcua.records import online_intake
from motcua.records.lifecycle import Action, State
from motcua.records.models import Record
from motcua.records.online_intake import online_intake_alert, pending_confirmation
from motcua.records.selectors import (
    Inbox,
    inbox,
    inbox_counts,
    online_confirmations,
    online_confirmations_late,
)
from motcua.records.services import record_intake_at_counter, record_perform, record_submit
from motcua.records.timeliness import Timeliness

from .conftest import local

pytestmark = pytest.mark.django_db

MORNING = (dt.time(7, 30), dt.time(11, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))


def _span(a: dt.time, b: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)


DAY = _span(*MORNING) + _span(*AFTERNOON)  # 7 h 30 of work a day
EIGHT_HOURS = dt.timedelta(hours=8)


@pytest.fixture
def centre(van_hung):
    WorkingHoursSetting.objects.create(
        agency=van_hung,
        morning_start=MORNING[0],
        morning_end=MORNING[1],
        afternoon_start=AFTERNOON[0],
        afternoon_end=AFTERNOON[1],
        valid_from=dt.date(2025, 1, 1),
    )
    return van_hung


def _online(procedure, centre, applicant, at):
    return record_submit(
        procedure=procedure, agency=centre, applicant=applicant, action=Action.SUBMIT_ONLINE, at=at
    )


def test_friday_afternoon_dossier_is_due_on_monday_close_or_tuesday_morning(procedure, centre, applicant):
    # 06/03/2026 is a Friday; the 7th and 8th are the weekend.
    at_1630 = local(2026, 3, 6, 16, 30)
    friday_left = _span(dt.time(16, 30), AFTERNOON[1])  # 30 min
    assert friday_left + DAY == EIGHT_HOURS  # Monday's full day completes the 8 hours at its close
    record = _online(procedure, centre, applicant, at_1630)
    assert record.intake_confirm_due_at == local(2026, 3, 9, 17, 0)
    assert record.intake_alert_due_at == local(2026, 3, 6, 18, 30)  # clock hours: nobody need be at work

    at_1645 = local(2026, 3, 6, 16, 45)
    left_for_tuesday = EIGHT_HOURS - _span(dt.time(16, 45), AFTERNOON[1]) - DAY  # 8 h − 15 min − 7 h 30
    later = _online(procedure, centre, applicant, at_1645)
    expected = dt.datetime.combine(dt.date(2026, 3, 10), MORNING[0], tzinfo=at_1645.tzinfo) + left_for_tuesday
    assert later.intake_confirm_due_at == expected == local(2026, 3, 10, 7, 45)


def test_dossier_on_the_eve_of_the_holidays_waits_for_the_next_working_day(procedure, centre, applicant):
    # Wed 29/04/2026; Thu 30/04 and Fri 01/05 are public holidays, then the weekend.
    at = local(2026, 4, 29, 15, 0)
    left = EIGHT_HOURS - _span(dt.time(15, 0), AFTERNOON[1])  # 6 h after Wednesday's 2 h
    left -= _span(*MORNING)  # Monday 04/05 morning: 4 h, 2 h still to go
    expected = dt.datetime.combine(dt.date(2026, 5, 4), AFTERNOON[0], tzinfo=at.tzinfo) + left
    record = _online(procedure, centre, applicant, at)
    assert record.intake_confirm_due_at == expected == local(2026, 5, 4, 15, 30)


def test_night_arrival_counts_from_the_next_opening(procedure, centre, applicant):
    record = _online(procedure, centre, applicant, local(2026, 3, 9, 22, 0))  # Monday night
    # Tuesday: 7 h 30 → 17:00; the last 30 min on Wednesday from 07:30.
    assert record.intake_confirm_due_at == local(2026, 3, 11, 8, 0)
    assert record.events.get().due_at == record.intake_confirm_due_at


def test_counter_and_old_rule_records_have_no_online_clock(procedure, centre, applicant, staff):
    counter = record_intake_at_counter(
        procedure=procedure,
        agency=centre,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 6, 9, 0),
    )
    assert counter.intake_confirm_due_at is None and counter.intake_alert_due_at is None
    # NĐ 61/2018 (in force until 30/06/2025) set no such clock.
    old = _online(procedure, centre, applicant, local(2025, 3, 6, 9, 0))
    assert old.intake_confirm_due_at is None


def test_receipt_on_time_and_late_are_recorded_and_counted(procedure, centre, applicant, staff):
    desk = staff["desk"]
    on_time = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 30))  # due Mon 09/03 17:00
    late = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 45))  # due Tue 10/03 07:45
    changes = _online(procedure, centre, applicant, local(2026, 3, 9, 8, 0))  # due Tue 10/03 08:30
    waiting = _online(procedure, centre, applicant, local(2026, 3, 9, 9, 0))  # due Tue 10/03 09:30

    record_perform(record=on_time, action=Action.RECEIVE, actor=desk, at=local(2026, 3, 9, 16, 59))
    record_perform(record=late, action=Action.RECEIVE, actor=desk, at=local(2026, 3, 10, 8, 0))
    # Asking for changes answers the dossier too (Mẫu 02).
    record_perform(
        record=changes,
        action=Action.REQUEST_SUPPLEMENT,
        actor=desk,
        at=local(2026, 3, 10, 8, 0),
        missing=["Bản sao giấy tờ nhà"],
    )

    events = {
        r.pk: r.events.get(action__in=[Action.RECEIVE, Action.REQUEST_SUPPLEMENT])
        for r in (on_time, late, changes)
    }
    assert events[on_time.pk].detail["online_intake"]["late"] is False
    assert events[late.pk].detail["online_intake"]["late"] is True
    assert events[changes.pk].detail["online_intake"]["late"] is False
    assert any("trễ hạn" in f for f in events[late.pk].detail["flags"])
    assert Record.objects.get(pk=late.pk).intake_confirmed_at == local(2026, 3, 10, 8, 0)

    since, until = local(2026, 3, 1, 0, 0), local(2026, 4, 1, 0, 0)
    assert online_confirmations(desk, since=since, until=until).count() == 4
    # At 10:00 on Tuesday: `late` was answered after its deadline, `waiting` is past 09:30 unanswered.
    late_ones = online_confirmations_late(desk, since=since, until=until, now=local(2026, 3, 10, 10, 0))
    assert set(late_ones.values_list("pk", flat=True)) == {late.pk, waiting.pk}
    # At 09:00 `waiting` is still within its deadline: only `late` counts.
    assert (
        online_confirmations_late(desk, since=since, until=until, now=local(2026, 3, 10, 9, 0)).count() == 1
    )


def test_inbox_box_lists_waiting_dossiers_with_their_deadline(procedure, centre, applicant, staff):
    desk = staff["desk"]
    first = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 30))  # due Mon 09/03 17:00
    second = _online(procedure, centre, applicant, local(2026, 3, 9, 9, 0))  # due Tue 10/03 09:30
    record_intake_at_counter(procedure=procedure, agency=centre, applicant=applicant, actor=desk)

    now = local(2026, 3, 10, 8, 0)
    box = list(inbox(desk, Inbox.ONLINE_TO_CONFIRM, now=now))
    assert box == [first, second]  # earliest deadline first
    assert inbox_counts(desk, now=now)[Inbox.ONLINE_TO_CONFIRM] == 2
    assert pending_confirmation(first, now) == Timeliness.OVERDUE
    assert pending_confirmation(second, now) == Timeliness.WITHIN

    record_perform(record=first, action=Action.RECEIVE, actor=desk, at=now)
    assert list(inbox(desk, Inbox.ONLINE_TO_CONFIRM, now=now)) == [second]
    assert pending_confirmation(Record.objects.get(pk=first.pk), now) is None


def test_inbox_page_shows_the_box_and_the_overdue_mark(client, procedure, centre, applicant, staff):
    _online(procedure, centre, applicant, local(2026, 3, 6, 16, 30))  # long overdue by now
    client.force_login(staff["desk"])
    response = client.get("/can-bo/ho-so/hop/truc-tuyen-cho-xac-nhan/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hồ sơ trực tuyến chờ xác nhận" in page
    assert "Xác nhận trước 17:00 09/03/2026" in page
    assert "Quá hạn xác nhận" in page


def test_alerts_are_marked_once_and_handed_to_the_receivers(
    procedure, centre, applicant, monkeypatch, django_capture_on_commit_callbacks
):
    one = _online(procedure, centre, applicant, local(2026, 3, 9, 9, 0))
    two = _online(procedure, centre, applicant, local(2026, 3, 9, 10, 0))
    received = []
    monkeypatch.setattr(online_intake, "alert_receivers", [received.append])
    at = local(2026, 3, 9, 10, 5)
    with django_capture_on_commit_callbacks(execute=True):
        alerted = online_intake_alert(at=at)
    assert {r.pk for r in alerted} == {one.pk, two.pk}
    assert {r.pk for r in received} == {one.pk, two.pk}
    assert Record.objects.filter(intake_alerted_at=at).count() == 2
    assert online_intake_alert(at=at) == []  # nothing twice


def test_command_alerts_and_lists_overdue_confirmations(procedure, centre, applicant, staff, capsys, caplog):
    overdue = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 30))  # due 09/03/2026 17:00
    done = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 30))
    record_perform(record=done, action=Action.RECEIVE, actor=staff["desk"], at=local(2026, 3, 9, 8, 0))
    with caplog.at_level(logging.INFO, logger="motcua.records.online_intake"):
        call_command("records", "online-intake-alerts")
    out = capsys.readouterr().out
    assert f"Quá hạn xác nhận: {overdue.code}" in out and "hạn 17:00 09/03/2026" in out
    assert done.code not in out  # answered: neither alerted nor overdue
    assert "1 hồ sơ trực tuyến quá hạn xác nhận" in out
    assert Record.objects.get(pk=overdue.pk).intake_alerted_at is not None
    assert Record.objects.get(pk=done.pk).state == State.RECEIVED


def test_record_page_says_whether_the_confirmation_was_late(client, procedure, centre, applicant, staff):
    late = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 45))  # due Tue 10/03 07:45
    record_perform(record=late, action=Action.RECEIVE, actor=staff["desk"], at=local(2026, 3, 10, 8, 0))
    client.force_login(staff["desk"])
    page = client.get(f"/can-bo/ho-so/{late.pk}/").content.decode()
    assert "Xác nhận hồ sơ trực tuyến trễ hạn (hạn 07:45 10/03/2026" in page
