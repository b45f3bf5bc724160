"""One endpoint per lifecycle action: what the caller may do now, doing it, and being refused."""

import pytest

from motcua.api.records.payloads import PAYLOADS, RECORD_ACTIONS
from motcua.api.urls_records import urlpatterns
from motcua.records.lifecycle import Action, State, allowed_actions
from motcua.records.services import SUBMIT_ACTIONS, record_intake_at_counter, record_perform

from .conftest import assert_problem, client_for, local, rows


def url(record, action: str = "") -> str:
    return f"/api/v1/records/{record.code}/actions/{action + '/' if action else ''}"


def test_every_action_on_a_record_has_an_endpoint_and_a_payload():
    assert set(RECORD_ACTIONS) | SUBMIT_ACTIONS == set(Action)
    assert set(PAYLOADS) == set(RECORD_ACTIONS)
    names = {p.name for p in urlpatterns}
    assert {f"record-{a.value}" for a in RECORD_ACTIONS} <= names


def test_actions_list_what_the_caller_may_do_now(received, desk, staff, inspector):
    body = desk.get(url(received)).json()
    expected = allowed_actions(State.RECEIVED, {"desk"})
    assert [a["action"] for a in body["actions"]] == [t.action.value for t in expected]
    assert body["version"] == received.version and body["state"] == State.RECEIVED
    assert body["actions"][0]["url"].endswith(url(received, body["actions"][0]["action"]))
    leader = client_for(staff["leader"]).get(url(received)).json()["actions"]
    assert {a["action"] for a in leader} == {
        t.action.value for t in allowed_actions(State.RECEIVED, {"leader"})
    }
    assert client_for(inspector).get(url(received)).json()["actions"] == []


def test_a_walk_from_assignment_to_returned_result(received, desk, staff, van_thang):
    specialist, leader = client_for(staff["specialist"]), client_for(staff["leader"])
    response = desk.post(url(received, "assign"), {"to_user": "vanhung.specialist"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == State.IN_PROGRESS and body["holder"] == "vanhung.specialist"
    assert response["ETag"] == f'"{body["version"]}"'
    response = specialist.post(
        url(received, "consult"),
        {
            "agency": "H56.57.02",
            "days": 2,
            "question": "Xác nhận nơi cư trú",
            "expected_version": body["version"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["events"][-1]["detail"]["days"] == 2
    response = leader.post(url(received, "approve"), {}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200 and response.json()["state"] == State.RESOLVED
    response = desk.post(url(received, "return_result"), format="json")
    assert response.status_code == 200 and response.json()["state"] == State.RETURNED
    assert [e["action"] for e in response.json()["events"]][-4:] == [
        "assign",
        "consult",
        "approve",
        "return_result",
    ]


def test_a_stale_version_is_a_conflict_and_writes_nothing(received, desk):
    before = rows()
    stale = received.version - 1 if received.version > 1 else received.version + 5
    body = {"to_user": "vanhung.specialist", "expected_version": stale}
    assert_problem(desk.post(url(received, "assign"), body, format="json"), 409, "conflict")
    response = desk.post(
        url(received, "assign"), {"to_user": "vanhung.specialist"}, format="json", HTTP_IF_MATCH=f'"{stale}"'
    )
    assert_problem(response, 409, "conflict")
    assert rows() == before


def test_if_match_and_body_must_agree(received, desk):
    body = {"to_user": "vanhung.specialist", "expected_version": received.version}
    response = desk.post(
        url(received, "assign"), body, format="json", HTTP_IF_MATCH=f'"{received.version + 1}"'
    )
    assert "expected_version" in assert_problem(response, 400, "invalid")["errors"]


def test_an_action_not_allowed_now_is_409(received, desk):
    before = rows()
    body = assert_problem(
        desk.post(url(received, "return_result"), format="json"), 409, "action-not-allowed-in-state"
    )
    assert "Trả kết quả" in body["detail"]
    assert rows() == before


def test_a_role_that_may_not_act_is_403(received, staff):
    before = rows()
    response = client_for(staff["specialist"]).post(url(received, "stop"), {"reason": "Không"}, format="json")
    assert_problem(response, 403, "actor-not-allowed")
    assert rows() == before


def test_an_inspector_reads_but_may_not_act(received, inspector):
    before = rows()
    client = client_for(inspector)
    assert client.get(f"/api/v1/records/{received.code}/").status_code == 200
    for action in ("assign", "stop", "receive", "return_result"):
        assert_problem(client.post(url(received, action), {}, format="json"), 403, "actor-not-allowed")
    assert rows() == before


def test_another_units_officer_gets_not_found(received, van_thang_desk):
    before = rows()
    response = client_for(van_thang_desk).post(url(received, "withdraw"), {}, format="json")
    assert_problem(response, 404, "not-found")
    assert_problem(client_for(van_thang_desk).get(url(received)), 404, "not-found")
    assert rows() == before


def test_an_unknown_action_is_404_and_names_the_real_ones(received, desk):
    body = assert_problem(desk.post(url(received, "xoa-ho-so"), {}, format="json"), 404, "unknown-action")
    assert "receive" in body["detail"] and "submit_online" not in body["detail"]
    assert_problem(desk.post(url(received, "submit_online"), {}, format="json"), 404, "unknown-action")


def test_a_rule_guard_answers_422_with_its_code(procedure, van_hung, staff, applicant, desk):
    march = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    record_perform(
        record=march,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["leader"],
        at=local(2026, 3, 2, 10, 0),
    )
    before = rows()
    # Due 05/03/2026: an apology and a new date must come at least a day before, not months after.
    body = {"new_due_on": "30/12/2026", "reason": "Chờ xác minh"}
    response = client_for(staff["leader"]).post(url(march, "extend"), body, format="json")
    assert "05/03/2026" in assert_problem(response, 422, "extension-too-late")["detail"]
    assert rows() == before


def test_a_service_input_error_keeps_its_code_and_field(received, desk, staff):
    before = rows()
    response = desk.post(url(received, "assign"), {"to_user": "vanhung.desk"}, format="json")
    body = assert_problem(response, 400, "assignee-not-in-agency")
    assert "to_user" in body["errors"] and body["title"] == "Dữ liệu không hợp lệ"
    assert rows() == before


@pytest.mark.parametrize("action", ["request_supplement"])
def test_supplement_request_needs_the_list_of_documents(received, desk, action):
    body = assert_problem(desk.post(url(received, action), {"missing": []}, format="json"), 400, "invalid")
    assert "missing" in body["errors"]


def test_reading_an_action_url_is_405(received, desk):
    response = desk.get(url(received, "assign"))
    assert_problem(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_a_reply_to_no_consultation_is_refused(received, staff):
    record_perform(record=received, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"])
    before = rows()
    response = client_for(staff["specialist"]).post(
        url(received, "consult_reply"), {"reply": "Đồng ý"}, format="json"
    )
    assert_problem(response, 422, "no-pending-consult")
    assert rows() == before


def test_forward_to_a_leader_by_user_name(received, staff):
    record_perform(record=received, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"])
    response = client_for(staff["specialist"]).post(
        url(received, "forward"), {"to_user": staff["leader"].username}, format="json"
    )
    assert response.status_code == 200, response.content
    received.refresh_from_db()
    assert received.holder == staff["leader"]
