"""Every endpoint answers malformed input with a 4xx problem and writes nothing (never a 500)."""

import json

import pytest

from motcua.api.records.parsers import MAX_BODY_BYTES
from motcua.api.records.payloads import RECORD_ACTIONS

from .conftest import assert_problem, create_body, rows

JSON = "application/json"
HUGE = "x" * 5000

# Bodies no endpoint accepts, whatever its fields: (what, content type, raw body, status).
ANY_ENDPOINT = [
    ("broken JSON", JSON, '{"reason": "x"', 400),
    ("NaN is not JSON", JSON, '{"expected_version": NaN}', 400),
    ("plain text", "text/plain", "reason=x", 415),
    ("form encoded", "application/x-www-form-urlencoded", "reason=x", 415),
    ("array", JSON, "[]", 400),
    ("array of an object", JSON, '[{"reason": "x"}]', 400),
    ("string", JSON, '"x"', 400),
    ("number", JSON, "42", 400),
    ("null", JSON, "null", 400),
    ("unknown field", JSON, '{"xoa_het": true}', 400),
    ("version not a number", JSON, '{"expected_version": "ba"}', 400),
    ("version zero", JSON, '{"expected_version": 0}', 400),
    ("version a boolean", JSON, '{"expected_version": true}', 400),
    ("version as text", JSON, '{"expected_version": "3"}', 400),
    ("version too large", JSON, '{"expected_version": 1e400}', 400),
    ("version overflow", JSON, '{"expected_version": 99999999999999999999}', 400),
    ("body too large", JSON, json.dumps({"reason": "x" * (MAX_BODY_BYTES + 1)}), 413),
]

# Bodies wrong for one action's own fields.
PER_ACTION = {
    "refuse_intake": [{}, {"reason": ""}, {"reason": "   "}, {"reason": HUGE}, {"reason": {"a": 1}}],
    "request_supplement": [
        {"missing": "Tờ khai"},
        {"missing": [{"a": 1}]},
        {"missing": ["x" * 600]},
        {"missing": ["Tờ khai"] * 51},
        {"missing": ["Tờ khai"], "reason": HUGE},
    ],
    "assign": [{}, {"to_user": "khong-co-ai"}, {"to_user": ["vanhung.specialist"]}, {"to_user": None}],
    "transfer": [
        {},
        {"to_agency": "H99.99.99"},
        {"to_agency": None},
        {"to_agency": "H56.57.02", "reason": HUGE},
    ],
    "consult": [
        {"agency": "H56.57.02", "days": "hai", "question": "?"},
        {"agency": "H56.57.02", "days": 0, "question": "?"},
        {"agency": "H56.57.02", "days": 61, "question": "?"},
        {"agency": "H56.57.02", "days": 2.5, "question": "?"},
        {"agency": "H56.57.02", "days": "2", "question": "?"},
        {"agency": "H56.57.02", "days": 2},
        {"agency": "KHONG-CO", "days": 2, "question": "?"},
    ],
    "consult_reply": [{}, {"reply": HUGE}, {"reply": "a\u0000b"}],
    "extend": [
        {"new_due_on": "2026-02-30", "reason": "Chờ"},
        {"new_due_on": "31/13/2026", "reason": "Chờ"},
        {"new_due_on": "ngày mai", "reason": "Chờ"},
        {"new_due_on": 20261231, "reason": "Chờ"},
        {"new_due_on": "2026-12-31T10:00:00+07:00", "reason": "Chờ"},
        {"new_due_on": "2026-12-31"},
    ],
    "stop": [{}, {"reason": HUGE}, {"reason": "\ud800"}],
    "refuse": [{}, {"reason": ""}],
    "correct_result": [{"reason": "Sai tên", "reported_on": "2026-02-30"}, {"reported_on": "2026-11-01"}],
    "receive": [{"reason": "x"}],
    "approve": [{"reason": HUGE}],
}

BAD_CREATE = [
    {"procedure": "9.999999"},
    {"procedure": 123},
    {"procedure": None},
    {"procedure": "x" * 1000},
    {"agency": "H99.99.99"},
    {"agency": "không-phải-mã"},
    {"receiving_agency": "H99.99.99"},
    {"channel": "fax"},
    {"channel": None},
    {"receive": "có lẽ"},
    {"applicant": "Trần Văn Bình"},
    {"applicant": []},
    {"applicant": {}},
    {"applicant": {"name": "   "}},
    {"applicant": {"name": "x" * 300}},
    {"applicant": {"name": "Bình", "id_number": "abc"}},
    {"applicant": {"name": "Bình", "id_number": "0561900099991234567890"}},
    {"applicant": {"name": "Bình", "phone": "số máy"}},
    {"applicant": {"name": "Bình", "email": "khong-phai-thu"}},
    {"applicant": {"name": "Bình", "kind": "9"}},
    {"applicant": {"name": "Bình", "nickname": "B"}},
    {"summary": HUGE},
    {"summary": ["a"]},
    {"submitted_at": "2026-01-01"},
    {"procedure": "1.001612\x00"},
    {"applicant": {"name": "Bình\x00"}},
    # Strict types (docs/api.md): a number is not text, text is not a boolean.
    {"summary": 5},
    {"receive": "yes"},
    {"receive": "true"},
    {"applicant": {"name": 12345}},
    {"applicant": {"name": "Bình", "kind": 2}},
    {"channel": 1},
]

BAD_QUERIES = [
    {"received_from": "2026-02-30"},
    {"received_to": "31/13/2026"},
    {"received_from": "hôm qua"},
    {"received_from": "2026-03-10", "received_to": "2026-03-01"},
    {"state": "xoa"},
    {"overdue": "có lẽ"},
    {"unit": "99999"},
    {"unit": "x" * 100},
    {"agency": "H99.99.99"},
    {"procedure": "9.999999"},
    {"sap_xep": "code"},
    {"unit": "56\x00"},
    {"agency": "\x00"},
]


def post_raw(client, url: str, content_type: str, raw: str, **headers):
    return client.generic(
        "POST", url, data=raw.encode("utf-8", "surrogatepass"), content_type=content_type, **headers
    )


def action_urls(record) -> list[str]:
    return [f"/api/v1/records/{record.code}/actions/{a.value}/" for a in RECORD_ACTIONS]


def test_no_endpoint_accepts_a_malformed_body(received, desk, procedure, van_hung):
    before = rows()
    urls = ["/api/v1/records/", *action_urls(received)]
    for url in urls:
        for what, content_type, raw, status in ANY_ENDPOINT:
            response = post_raw(desk, url, content_type, raw, HTTP_IDEMPOTENCY_KEY="k-1")
            assert response.status_code == status, (url, what, response.content)
            assert_problem(response, status)
    assert rows() == before


@pytest.mark.parametrize("action", sorted(PER_ACTION))
def test_each_action_refuses_its_wrong_fields(received, desk, action, van_thang):
    before = rows()
    for body in PER_ACTION[action]:
        raw = json.dumps(body, ensure_ascii=False) if "\ud800" not in str(body) else '{"reason": "\\ud800"}'
        response = post_raw(desk, f"/api/v1/records/{received.code}/actions/{action}/", JSON, raw)
        problem = assert_problem(response, 400)
        assert problem.get("errors") or problem.get("detail"), problem
    assert rows() == before


def test_create_refuses_each_wrong_field_and_the_key_stays_usable(desk, procedure, van_hung):
    before = rows()
    for change in BAD_CREATE:
        body = create_body(procedure, van_hung, **change)
        response = desk.post("/api/v1/records/", body, format="json", HTTP_IDEMPOTENCY_KEY="lan-dau")
        problem = assert_problem(response, 400, "invalid")
        assert set(problem["errors"]) & ({*change} | {"applicant"}), (change, problem)
    assert rows() == before
    # A refused request does not spend its key.
    ok = desk.post(
        "/api/v1/records/", create_body(procedure, van_hung), format="json", HTTP_IDEMPOTENCY_KEY="lan-dau"
    )
    assert ok.status_code == 201


def test_the_list_refuses_malformed_filters(received, desk):
    for query in BAD_QUERIES:
        problem = assert_problem(desk.get("/api/v1/records/", query), 400, "invalid")
        assert set(problem["errors"]) & ({*query} | {"received_to"}), (query, problem)


def test_messages_are_vietnamese(desk, procedure, van_hung, received):
    problem = assert_problem(desk.get("/api/v1/records/", {"received_from": "2026-02-30"}), 400)
    assert "Ngày không hợp lệ" in problem["errors"]["received_from"][0]
    body = create_body(procedure, van_hung, procedure="9.999999")
    problem = assert_problem(desk.post("/api/v1/records/", body, format="json"), 400)
    assert problem["errors"]["procedure"] == ["Không có thủ tục mã “9.999999”."]
    problem = assert_problem(post_raw(desk, "/api/v1/records/", JSON, "[]"), 400)
    assert "đối tượng JSON" in str(problem["errors"])


@pytest.mark.parametrize("code", ["x" * 5000, "H56.57.01-260101-0001", "%00", "..."])
def test_odd_record_codes_are_not_found(received, desk, code):
    assert_problem(desk.get(f"/api/v1/records/{code}/"), 404)
    assert_problem(desk.post(f"/api/v1/records/{code}/actions/receive/", {}, format="json"), 404)
