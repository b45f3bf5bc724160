"""A centre's calendar changes while online dossiers wait for confirmation: their 8-working-hour
deadlines are counted again on the new calendar, in the transaction of the change, and each moved
deadline is written in the record's history.

The centre works 07:30–11:30 and 13:30–17:00 (7 h 30 a day). A dossier arriving on Friday
06/03/2026 at 16:30 has 30 min on Friday and 7 h 30 on Monday: due Monday 09/03 at 17:00."""

import datetime as dt

import pytest

from motcua.calendars.models import DayKind, DayOverride, WorkingHoursSetting
from motcua.calendars.services import calendar_setting_delete, calendar_setting_save
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.online_intake import RECOMPUTED
from motcua.records.services import record_perform, record_submit
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory

from . import test_online_intake_clock
from .conftest import local

pytestmark = pytest.mark.django_db
centre = test_online_intake_clock.centre  # the fixture: a centre open 07:30–11:30, 13:30–17:00


FRIDAY_1630 = local(2026, 3, 6, 16, 30)
MONDAY_CLOSE = local(2026, 3, 9, 17, 0)


def _online(procedure, agency, applicant, at=FRIDAY_1630):
    return record_submit(
        procedure=procedure, agency=agency, applicant=applicant, action=Action.SUBMIT_ONLINE, at=at
    )


def _due(record) -> dt.datetime:
    return Record.objects.get(pk=record.pk).intake_confirm_due_at


def test_a_new_provincial_day_off_moves_waiting_deadlines(procedure, centre, applicant, staff):
    waiting = _online(procedure, centre, applicant)
    answered = _online(procedure, centre, applicant)
    record_perform(record=answered, action=Action.RECEIVE, actor=staff["desk"], at=local(2026, 3, 9, 8, 0))
    other_province = AgencyFactory(unit=CommuneFactory(parent=ProvinceFactory(code="58", name="Tỉnh Khác")))
    elsewhere = _online(procedure, other_province, applicant)
    elsewhere_due = _due(elsewhere)
    assert _due(waiting) == _due(answered) == MONDAY_CLOSE

    admin = UserFactory(username="quantri")
    day_off = DayOverride(
        province=centre.unit.parent, day=dt.date(2026, 3, 9), kind=DayKind.DAY_OFF, reason="Nghỉ bù"
    )
    calendar_setting_save(setting=day_off, actor=admin)

    # Monday off: Friday's 30 min, then all of Tuesday's 7 h 30 → Tuesday 10/03 at 17:00.
    assert _due(waiting) == local(2026, 3, 10, 17, 0)
    assert _due(answered) == MONDAY_CLOSE  # answered already: its deadline is history
    assert _due(elsewhere) == elsewhere_due  # another province's calendar did not change
    event = Record.objects.get(pk=waiting.pk).events.get(action=RECOMPUTED)
    assert event.actor == admin and event.due_at == local(2026, 3, 10, 17, 0)
    assert dt.datetime.fromisoformat(event.detail["online_intake"]["previous_due"]) == MONDAY_CLOSE
    assert "17:00 09/03/2026" in event.reason and "17:00 10/03/2026" in event.reason
    assert not Record.objects.get(pk=answered.pk).events.filter(action=RECOMPUTED).exists()

    # Taking the day off back restores the deadline, with a second history row.
    calendar_setting_delete(setting=day_off, actor=admin)
    assert _due(waiting) == MONDAY_CLOSE
    assert Record.objects.get(pk=waiting.pk).events.filter(action=RECOMPUTED).count() == 2


def test_new_working_hours_of_the_centre_move_its_deadlines_only(procedure, centre, applicant):
    here = _online(procedure, centre, applicant)
    neighbour = AgencyFactory(unit=CommuneFactory(parent=centre.unit.parent))
    there = _online(procedure, neighbour, applicant)
    there_due = _due(there)

    # From Monday the centre opens 08:00–12:00 and 13:00–17:00 (8 h a day).
    calendar_setting_save(
        setting=WorkingHoursSetting(
            agency=centre,
            morning_start=dt.time(8, 0),
            morning_end=dt.time(12, 0),
            afternoon_start=dt.time(13, 0),
            afternoon_end=dt.time(17, 0),
            valid_from=dt.date(2026, 3, 9),
        )
    )
    # Friday's 30 min under the old hours; Monday 08:00–12:00 (4 h) and 13:00 + 3 h 30 → 16:30.
    assert _due(here) == local(2026, 3, 9, 16, 30)
    assert _due(there) == there_due
    assert not Record.objects.get(pk=here.pk).events.get(action=RECOMPUTED).actor


def test_a_resubmitted_dossier_is_counted_from_its_resubmission(procedure, centre, applicant, staff):
    record = _online(procedure, centre, applicant, at=local(2026, 3, 2, 8, 0))
    record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
        missing=["Tờ khai"],
    )
    record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=None, as_applicant=True, at=FRIDAY_1630
    )
    assert _due(record) == MONDAY_CLOSE
    calendar_setting_save(
        setting=DayOverride(day=dt.date(2026, 3, 9), kind=DayKind.DAY_OFF, reason="Nghỉ toàn quốc")
    )
    assert _due(record) == local(2026, 3, 10, 17, 0)  # from Friday 16:30, not from 02/03


def test_the_change_and_the_deadlines_commit_together(procedure, centre, applicant, monkeypatch):
    from motcua.calendars import hooks

    waiting = _online(procedure, centre, applicant)

    def fails_after(change):
        raise RuntimeError("a later receiver fails")

    monkeypatch.setattr(hooks, "_on_change", [*hooks._on_change, fails_after])
    with pytest.raises(RuntimeError):
        calendar_setting_save(
            setting=DayOverride(
                province=centre.unit.parent, day=dt.date(2026, 3, 9), kind=DayKind.DAY_OFF, reason="x"
            )
        )
    assert not DayOverride.objects.exists()
    assert _due(waiting) == MONDAY_CLOSE
    assert not Record.objects.get(pk=waiting.pk).events.filter(action=RECOMPUTED).exists()


def test_the_record_page_and_the_api_show_the_moved_deadline(client, procedure, centre, applicant, staff):
    waiting = _online(procedure, centre, applicant)
    calendar_setting_save(
        setting=DayOverride(
            province=centre.unit.parent, day=dt.date(2026, 3, 9), kind=DayKind.DAY_OFF, reason="Nghỉ bù"
        )
    )
    client.force_login(staff["desk"])
    page = client.get(f"/can-bo/ho-so/{waiting.pk}/").content.decode()
    assert "Tính lại hạn xác nhận hồ sơ trực tuyến" in page
    assert "thành 17:00 10/03/2026" in page and "Nghỉ bù" in page
    events = client.get(f"/api/v1/records/{waiting.code}/").json()["events"]
    assert events[-1]["action"] == RECOMPUTED
    assert events[-1]["action_label"] == "Tính lại hạn xác nhận hồ sơ trực tuyến"
