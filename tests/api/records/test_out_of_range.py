"""Values that parse but lie outside what the system can count with — dates beyond the loaded
calendar or any plausible year, nesting deeper than a parser recurses, bodies over Django's
upload limit, paging that is not a number — are 4xx problems that write nothing."""

import pytest

from motcua.records.lifecycle import Action
from motcua.records.services import record_perform

from .conftest import assert_problem, client_for, rows

pytestmark = pytest.mark.django_db


def url(record, action: str) -> str:
    return f"/api/v1/records/{record.code}/actions/{action}/"


@pytest.fixture
def with_leader(received, staff):
    """Received just now and assigned to the leader: an extension is still allowed."""
    return record_perform(record=received, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["leader"])


@pytest.mark.parametrize("new_due_on", ["2032-01-05", "9999-12-31"])
def test_an_extension_beyond_the_calendar_is_a_field_error(with_leader, staff, new_due_on):
    before = rows()
    body = {"new_due_on": new_due_on, "reason": "Chờ xác minh"}
    response = client_for(staff["leader"]).post(url(with_leader, "extend"), body, format="json")
    problem = assert_problem(response, 400, "date-outside-calendar")
    assert "ngoài lịch làm việc" in problem["detail"] and "new_due_on" in problem["errors"]
    assert rows() == before


@pytest.mark.parametrize("reported_on", ["2014-01-01", "0001-01-01"])
def test_a_correction_reported_before_the_calendar_is_a_field_error(with_leader, staff, reported_on):
    resolved = record_perform(record=with_leader, action=Action.APPROVE, actor=staff["leader"])
    record_perform(record=resolved, action=Action.RETURN_RESULT, actor=staff["desk"])
    before = rows()
    body = {"reason": "Sai tên", "reported_on": reported_on}
    response = client_for(staff["leader"]).post(url(resolved, "correct_result"), body, format="json")
    assert "reported_on" in assert_problem(response, 400)["errors"]
    assert rows() == before


@pytest.mark.parametrize(
    "query",
    [
        {"received_from": "0001-01-01"},
        {"received_to": "9999-12-31"},
        {"received_to": "31/12/9999"},
        {"limit": "abc"},
        {"limit": "-5"},
        {"limit": "0"},
        {"offset": "-1"},
    ],
)
def test_the_list_refuses_implausible_dates_and_paging(received, desk, query):
    problem = assert_problem(desk.get("/api/v1/records/", query), 400, "invalid")
    assert set(problem["errors"]) == set(query)


def test_nesting_deeper_than_a_parser_recurses_is_a_parse_error(received, desk):
    before = rows()
    deep = b"[" * 3000 + b"]" * 3000
    for target in ("/api/v1/records/", url(received, "receive")):
        response = desk.generic("POST", target, deep, content_type="application/json")
        assert "lồng nhau quá sâu" in assert_problem(response, 400, "parse_error")["detail"]
    assert rows() == before


def test_a_body_over_the_upload_limit_is_413(received, desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # below the parser's own 256 KB limit
    response = desk.generic(
        "POST", url(received, "stop"), b'{"reason": "' + b"x" * 2000 + b'"}', content_type="application/json"
    )
    assert_problem(response, 413, "payload_too_large")
