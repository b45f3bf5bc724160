"""Creating records: through the intake services, idempotent with Idempotency-Key, scoped by RECEIVE."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.api.records import idempotency
from motcua.records.lifecycle import Action, State
from motcua.records.models import IdempotencyKey, Record

from .conftest import assert_problem, client_for, create_body, rows

URL = "/api/v1/records/"


def test_counter_intake_with_receive_issues_the_receipt_and_starts_the_clock(desk, procedure, van_hung):
    response = desk.post(URL, create_body(procedure, van_hung), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    record = Record.objects.get(code=body["code"])
    assert response["Location"].endswith(f"/api/v1/records/{record.code}/")
    assert response["ETag"] == f'"{record.version}"'
    assert body["state"] == State.RECEIVED and record.received_at is not None and body["due_at"]
    assert [e["action"] for e in body["events"]] == [Action.SUBMIT_COUNTER, Action.RECEIVE]
    assert body["events"][1]["form"] == "M01"
    assert body["applicant"]["name"] == "Trần Văn Bình" and body["channel"] == "1"


def test_online_filing_relayed_by_a_system_waits_for_the_desk(procedure, van_hung, staff):
    token = Token.objects.create(user=staff["desk"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        URL, create_body(procedure, van_hung, channel="online", receive=False), format="json"
    )
    assert response.status_code == 201, response.content
    record = Record.objects.get(code=response.json()["code"])
    assert record.state == State.SUBMITTED and record.channel == "2" and record.received_at is None
    # The applicant filed it; the relaying account is not recorded as the one who submitted.
    assert record.events.get().actor is None


def test_online_filing_cannot_be_received_in_the_same_call(desk, procedure, van_hung):
    before = rows()
    response = desk.post(URL, create_body(procedure, van_hung, channel="online"), format="json")
    body = assert_problem(response, 400, "invalid")
    assert "receive" in body["errors"]
    assert rows() == before


def test_retry_with_the_same_key_and_body_returns_the_first_record(desk, procedure, van_hung):
    key = str(uuid.uuid4())
    first = desk.post(URL, create_body(procedure, van_hung), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    after_first = rows()
    # Same content, keys in another order: still the same request.
    reordered = dict(reversed(list(create_body(procedure, van_hung).items())))
    again = desk.post(URL, reordered, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]
    assert again.json() == first.json()
    assert rows() == after_first


def test_same_key_with_another_body_is_refused(desk, procedure, van_hung):
    key = "khoa-1"
    desk.post(URL, create_body(procedure, van_hung), format="json", HTTP_IDEMPOTENCY_KEY=key)
    before = rows()
    other = create_body(procedure, van_hung, summary="Nội dung khác")
    assert_problem(
        desk.post(URL, other, format="json", HTTP_IDEMPOTENCY_KEY=key), 422, "idempotency-key-reuse"
    )
    assert rows() == before


def test_keys_belong_to_the_caller(procedure, van_hung, staff):
    from tests.factories import UserFactory, grant

    other_desk = UserFactory(username="vanhung.desk2")
    grant(other_desk, "desk", van_hung.unit)
    body = create_body(procedure, van_hung)
    codes = {
        client_for(user).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k").json()["code"]
        for user in (staff["desk"], other_desk)
    }
    assert len(codes) == 2


def test_a_concurrent_duplicate_loses_cleanly_and_answers_with_the_winner(
    desk, procedure, van_hung, monkeypatch
):
    key = "dua-nhau"
    winner = desk.post(URL, create_body(procedure, van_hung), format="json", HTTP_IDEMPOTENCY_KEY=key).json()
    before = rows()
    # The loser looked for the key before the winner committed, so it goes on to create.
    real_replay, calls = idempotency._replay, []

    def late_replay(user, key, digest):
        calls.append(key)
        return None if len(calls) == 1 else real_replay(user, key, digest)

    monkeypatch.setattr(idempotency, "_replay", late_replay)
    response = desk.post(URL, create_body(procedure, van_hung), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 200 and response.json()["code"] == winner["code"]
    assert len(calls) == 2
    # Its record, events and code number were rolled back: the next record takes the next number.
    assert rows() == before
    fresh = desk.post(URL, create_body(procedure, van_hung), format="json").json()["code"]
    assert int(fresh.rsplit("-", 1)[1]) == int(winner["code"].rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "khóa-có-dấu"])
def test_a_malformed_key_is_refused(desk, procedure, van_hung, key):
    before = rows()
    response = desk.post(URL, create_body(procedure, van_hung), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert_problem(response, 400, "invalid-idempotency-key")
    assert rows() == before


def test_another_units_desk_cannot_file_for_this_agency(procedure, van_hung, van_thang_desk):
    before = rows()
    response = client_for(van_thang_desk).post(URL, create_body(procedure, van_hung), format="json")
    assert_problem(response, 403, "actor-not-allowed")
    assert rows() == before


def test_an_inspector_cannot_create(procedure, van_hung, inspector):
    for channel in ("online", "counter"):
        body = create_body(procedure, van_hung, channel=channel, receive=False)
        assert_problem(client_for(inspector).post(URL, body, format="json"), 403, "actor-not-allowed")
    assert not IdempotencyKey.objects.exists() and not Record.objects.exists()


def test_anonymous_is_401(db, procedure, van_hung):
    assert_problem(APIClient().post(URL, create_body(procedure, van_hung), format="json"), 401)
