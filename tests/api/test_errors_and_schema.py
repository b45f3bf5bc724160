"""Every API error is problem details with a stable code; the schema generates without warnings."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:motcua:problem:{code}"
    assert body["title"]
    return body


@pytest.fixture
def api(province_world) -> APIClient:
    client = APIClient()
    client.force_authenticate(province_world.admin_a)
    return client


def test_anonymous_call_is_401_with_a_challenge(db):
    response = APIClient().get("/api/v1/units/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["detail"].startswith("Chưa có thông tin xác thực")  # DRF's own text, in Vietnamese


def test_wrong_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token khong-co-that")
    response = client.get("/api/v1/units/")
    assert_problem(response, 401, "authentication_failed")
    assert response.json()["detail"] == "Token không hợp lệ."


def test_unknown_address_is_404_problem(api):
    assert_problem(api.get("/api/v1/khong-co/"), 404, "not_found")


def test_unknown_object_is_404_problem(api):
    assert_problem(api.get("/api/v1/units/999999/"), 404, "not_found")


def test_wrong_method_is_405_problem(api, province_world):
    response = api.delete(f"/api/v1/offerings/{province_world.offering_a.pk}/")
    assert_problem(response, 405, "method_not_allowed")
    assert "PATCH" in response["Allow"]


def test_malformed_json_is_400_problem(api, province_world):
    response = api.generic(
        "PATCH",
        f"/api/v1/offerings/{province_world.offering_a.pk}/",
        data='{"online_level": "full"',
        content_type="application/json",
    )
    assert_problem(response, 400, "parse_error")
    province_world.offering_a.refresh_from_db()
    assert province_world.offering_a.online_level == "partial"


def test_bad_query_parameter_is_400_problem(api):
    body = assert_problem(api.get("/api/v1/units/", {"at": "31/12/2025"}), 400, "invalid")
    assert "at" in body["errors"]


def test_browser_asking_for_html_still_gets_a_problem(api):
    response = api.get("/api/v1/units/999999/", HTTP_ACCEPT="text/html")
    assert_problem(response, 404, "not_found")


def test_schema_is_served_and_valid_without_warnings(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/units/{unit_id}/offerings/" in paths
    assert "patch" in paths["/api/v1/offerings/{id}/"]

    out = io.StringIO()
    # --validate checks against the OpenAPI 3 JSON schema; --fail-on-warn turns any warning into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=out)
