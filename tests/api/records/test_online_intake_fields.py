"""The records API carries the online-intake clock (NĐ 118 Điều 17.2): alert due, confirmation
due, confirmed at, and whether the confirmation was on time — in the list and the detail.

The centre works 07:30–11:30 and 13:30–17:00 (7 h 30 a day): a dossier arriving on Friday
06/03/2026 at 16:30 is due Monday 09/03 at 17:00, at 16:45 Tuesday 10/03 at 07:45."""

import datetime as dt

import pytest

from motcua.records.lifecycle import Action
from motcua.records.services import record_intake_at_counter, record_perform, record_submit
from tests.records import test_online_intake_clock

from .conftest import local

pytestmark = pytest.mark.django_db
centre = test_online_intake_clock.centre  # the fixture: a centre open 07:30–11:30, 13:30–17:00

FIELDS = ("intake_alert_due_at", "intake_confirm_due_at", "intake_confirmed_at", "intake_confirmed_on_time")


def _online(procedure, centre, applicant, at):
    return record_submit(
        procedure=procedure, agency=centre, applicant=applicant, action=Action.SUBMIT_ONLINE, at=at
    )


def _when(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def test_intake_clock_fields_in_detail_and_list(desk, staff, procedure, centre, applicant):
    on_time = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 30))
    late = _online(procedure, centre, applicant, local(2026, 3, 6, 16, 45))
    waiting = _online(procedure, centre, applicant, local(2026, 3, 9, 9, 0))
    counter = record_intake_at_counter(
        procedure=procedure, agency=centre, applicant=applicant, actor=staff["desk"]
    )
    record_perform(record=on_time, action=Action.RECEIVE, actor=staff["desk"], at=local(2026, 3, 9, 17, 0))
    record_perform(record=late, action=Action.RECEIVE, actor=staff["desk"], at=local(2026, 3, 10, 7, 46))

    body = desk.get(f"/api/v1/records/{on_time.code}/").json()
    assert _when(body["intake_alert_due_at"]) == local(2026, 3, 6, 18, 30)
    assert _when(body["intake_confirm_due_at"]) == local(2026, 3, 9, 17, 0)
    assert _when(body["intake_confirmed_at"]) == local(2026, 3, 9, 17, 0)
    assert body["intake_confirmed_on_time"] is True  # at the deadline itself is on time

    listed = {item["code"]: item for item in desk.get("/api/v1/records/", {"limit": 50}).json()["results"]}
    assert _when(listed[late.code]["intake_confirm_due_at"]) == local(2026, 3, 10, 7, 45)
    assert listed[late.code]["intake_confirmed_on_time"] is False
    # Waiting (Monday 09:00 + 8 working hours → Tuesday 09:30): a deadline, no answer yet.
    assert _when(listed[waiting.code]["intake_confirm_due_at"]) == local(2026, 3, 10, 9, 30)
    assert (
        listed[waiting.code]["intake_confirmed_at"],
        listed[waiting.code]["intake_confirmed_on_time"],
    ) == (
        None,
        None,
    )
    assert all(listed[counter.code][field] is None for field in FIELDS)  # no online clock at the counter


def test_the_schema_documents_the_fields(desk):
    schema = desk.get("/api/v1/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["RecordSummary"]["properties"]
    assert set(FIELDS) <= set(properties)
    assert properties["intake_confirmed_on_time"]["nullable"] is True
