"""Listing and reading records: scope first, filters that mean what the timeliness rule means."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.records.lifecycle import Action, State
from motcua.records.models import Record
from motcua.records.services import Applicant, record_intake_at_counter, record_perform, record_submit
from motcua.records.timeliness import Timeliness, classify
from tests.catalog.factories import make_procedure

from .conftest import assert_problem, client_for, local

URL = "/api/v1/records/"


@pytest.fixture
def world(procedure, van_hung, van_thang, staff, van_thang_desk, applicant):
    """Vạn Hưng: one received in March (long overdue), one received today, one only submitted;
    Vạn Thắng: one of its own, under another procedure."""
    desk = staff["desk"]
    march = record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=desk, at=local(2026, 3, 2, 9, 0)
    )
    today = record_intake_at_counter(procedure=procedure, agency=van_hung, applicant=applicant, actor=desk)
    waiting = record_submit(
        procedure=procedure, agency=van_hung, applicant=Applicant(name="Lê Thị Hoa"), actor=desk
    )
    other = record_intake_at_counter(
        procedure=make_procedure(code="2.000815", name="Chứng thực bản sao"),
        agency=van_thang,
        applicant=applicant,
        actor=van_thang_desk,
    )
    return {"march": march, "today": today, "waiting": waiting, "other": other}


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["code"] for r in response.json()["results"]}


def test_list_shows_only_records_in_scope(world, desk, van_thang_desk):
    assert codes(desk.get(URL)) == {world[k].code for k in ("march", "today", "waiting")}
    assert codes(client_for(van_thang_desk).get(URL)) == {world["other"].code}


def test_another_units_record_is_not_found(world, van_thang_desk):
    body = assert_problem(client_for(van_thang_desk).get(f"{URL}{world['march'].code}/"), 404, "not-found")
    assert world["march"].code in body["detail"]
    unknown = client_for(van_thang_desk).get(f"{URL}H56.57.02-260101-9999/")
    assert assert_problem(unknown, 404, "not-found")["title"] == body["title"]


def test_inspector_reads_records_of_the_unit(world, inspector):
    client = client_for(inspector)
    assert world["march"].code in codes(client.get(URL))
    assert client.get(f"{URL}{world['march'].code}/").status_code == 200


def test_detail_has_history_steps_and_version(world, desk):
    record = world["march"]
    response = desk.get(f"{URL}{record.code}/")
    body = response.json()
    assert response["ETag"] == f'"{record.version}"' and body["version"] == record.version
    assert [e["action"] for e in body["events"]] == [Action.SUBMIT_COUNTER, Action.RECEIVE]
    assert body["events"][0]["actor"] == "vanhung.desk"
    assert body["steps"] == [
        {
            "position": step.position,
            "name": step.name,
            "role": step.role,
            "agency": record.agency.code,
            "holder": step.holder.username if step.holder else None,
            "started_at": timezone.localtime(step.started_at).isoformat(),
            "due_at": timezone.localtime(step.due_at).isoformat() if step.due_at else None,
            "finished_at": timezone.localtime(step.finished_at).isoformat() if step.finished_at else None,
            "late": step.late,
        }
        for step in record.steps.all()
    ]
    assert body["steps"]


def test_filters_by_state_procedure_agency_and_unit(world, desk, province, van_thang, staff):
    client = client_for(staff["leader"])
    assert codes(client.get(URL, {"state": State.SUBMITTED})) == {world["waiting"].code}
    assert codes(client.get(URL, {"procedure": "2.000815"})) == set()
    assert codes(desk.get(URL, {"agency": world["march"].agency.code})) == {
        world[k].code for k in ("march", "today", "waiting")
    }
    assert codes(desk.get(URL, {"unit": van_thang.unit.code})) == set()


@pytest.mark.parametrize("day", ["2026-03-02", "02/03/2026"])
def test_received_dates_accept_iso_and_vietnamese_format(world, desk, day):
    assert codes(desk.get(URL, {"received_from": day, "received_to": day})) == {world["march"].code}
    assert world["march"].code not in codes(desk.get(URL, {"received_from": "03/03/2026"}))


def test_overdue_filter_agrees_with_the_timeliness_rule(world, desk):
    now = timezone.now()
    overdue, not_overdue = (
        codes(desk.get(URL, {"overdue": "true"})),
        codes(desk.get(URL, {"overdue": "false"})),
    )
    visible = {world[k].code for k in ("march", "today", "waiting")}
    assert overdue | not_overdue == visible and not overdue & not_overdue
    for record in Record.objects.filter(code__in=visible):
        verdict = classify(due_at=record.due_at, ended_at=record.ended_at, now=now)
        assert (record.code in overdue) == (verdict == Timeliness.OVERDUE)
    assert overdue == {world["march"].code}


def test_a_record_waiting_for_supplement_is_not_overdue(world, desk, staff):
    record = record_perform(
        record=world["march"],
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Tờ khai"],
        at=local(2026, 3, 3, 9, 0),
    )
    assert record.state == State.SUPPLEMENT
    assert world["march"].code not in codes(desk.get(URL, {"overdue": "true"}))
    item = next(r for r in desk.get(URL).json()["results"] if r["code"] == record.code)
    assert item["timeliness"] == Timeliness.WITHIN


def test_list_query_count_does_not_grow_with_the_page(
    world, desk, django_assert_max_num_queries, staff, procedure, van_hung, applicant
):
    for _ in range(20):
        record_intake_at_counter(
            procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
        )
    with django_assert_max_num_queries(8):
        response = desk.get(URL, {"limit": 50})
    assert len(response.json()["results"]) == 23


def test_received_dates_are_local_days(desk, procedure, van_hung, staff, applicant):
    # 23:30 on 01/03 in Hà Nội is 16:30 UTC the same day; 00:30 on 02/03 is 17:30 UTC on 01/03.
    late_night = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 0, 30),
    )
    assert late_night.received_at.astimezone(dt.UTC).day == 1
    assert codes(desk.get(URL, {"received_from": "2026-03-02", "received_to": "2026-03-02"})) == {
        late_night.code
    }
    assert codes(desk.get(URL, {"received_to": "01/03/2026"})) == set()
