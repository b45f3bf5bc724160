"""The OpenAPI schema documents every record endpoint, its body and its problem responses."""

import io

from django.core.management import call_command

from motcua.api.records.payloads import PAYLOADS, RECORD_ACTIONS

PROBLEM = "application/problem+json"


def schema(client) -> dict:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_record_endpoint_is_documented_with_its_problems(desk):
    doc = schema(desk)
    paths = doc["paths"]
    records = paths["/api/v1/records/"]
    assert {"get", "post"} <= set(records)
    assert {"201", "200", "400", "403", "422"} <= set(records["post"]["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in records["post"]["parameters"])
    assert {"received_from", "received_to", "overdue", "unit", "agency", "procedure", "state"} <= {
        p["name"] for p in records["get"]["parameters"]
    }
    assert "404" in paths["/api/v1/records/{code}/"]["get"]["responses"]
    assert "get" in paths["/api/v1/records/{code}/actions/"]
    for action in RECORD_ACTIONS:
        operation = paths[f"/api/v1/records/{{code}}/actions/{action.value}/"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith("/" + PAYLOADS[action].__name__)
        for status in ("400", "403", "404", "409", "422"):
            assert PROBLEM in operation["responses"][status]["content"], (action, status)
    assert "RecordProblem" in doc["components"]["schemas"]


def test_schema_generates_without_warnings(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=out)
