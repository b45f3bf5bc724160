"""Offerings through the API: scoped by the caller's grants, another commune's do not exist."""

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.catalog.models import OnlineLevel

PROBLEM = "application/problem+json"


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def offerings_url(unit) -> str:
    return f"/api/v1/units/{unit.pk}/offerings/"


def offering_url(offering) -> str:
    return f"/api/v1/offerings/{offering.pk}/"


def test_officer_lists_own_commune_offerings(province_world):
    w = province_world
    response = api_as(w.desk_a).get(offerings_url(w.van_hung))
    assert response.status_code == 200
    assert [o["id"] for o in response.json()["results"]] == [w.offering_a.pk]


def test_officer_of_another_commune_cannot_read_its_offerings(province_world):
    w = province_world
    client = api_as(w.admin_a)
    for url in (offerings_url(w.van_thang), offering_url(w.offering_b)):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == PROBLEM
        assert response.json()["code"] == "not_found"


def test_officer_of_another_commune_cannot_change_its_offering(province_world):
    w = province_world
    response = api_as(w.admin_a).patch(offering_url(w.offering_b), {"online_level": "full"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    w.offering_b.refresh_from_db()
    assert w.offering_b.online_level == OnlineLevel.PARTIAL


def test_unit_admin_changes_own_offering_and_it_is_logged(province_world):
    w = province_world
    response = api_as(w.admin_a).patch(offering_url(w.offering_a), {"online_level": "full"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["online_level"] == "full"
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.FULL
    assert LogEntry.objects.filter(object_id=str(w.offering_a.pk), user=w.admin_a).exists()


def test_desk_officer_may_read_but_not_change_own_offering(province_world):
    w = province_world
    response = api_as(w.desk_a).patch(offering_url(w.offering_a), {"online_level": "none"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_inspector_reads_every_commune_and_changes_none(province_world):
    w = province_world
    client = api_as(w.inspector)
    assert client.get(offering_url(w.offering_b)).status_code == 200
    response = client.patch(offering_url(w.offering_b), {"online_level": "none"}, format="json")
    assert response.status_code == 403
    w.offering_b.refresh_from_db()
    assert w.offering_b.online_level == OnlineLevel.PARTIAL


def test_province_admin_sees_all_communes(province_world):
    w = province_world
    client = api_as(w.province_admin)
    for unit, offering in ((w.van_hung, w.offering_a), (w.van_thang, w.offering_b)):
        ids = [o["id"] for o in client.get(offerings_url(unit)).json()["results"]]
        assert ids == [offering.pk]


def test_full_online_refused_when_procedure_not_eligible(province_world):
    w = province_world
    w.offering_a.procedure.full_online_eligible = False
    w.offering_a.procedure.save()
    response = api_as(w.admin_a).patch(offering_url(w.offering_a), {"online_level": "full"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "online_level" in body["errors"]


def test_stale_version_is_refused(province_world):
    w = province_world
    client = api_as(w.admin_a)
    version = client.get(offering_url(w.offering_a)).json()["version"]
    assert (
        client.patch(offering_url(w.offering_a), {"online_level": "none"}, format="json").status_code == 200
    )
    response = client.patch(
        offering_url(w.offering_a), {"online_level": "full", "version": version}, format="json"
    )
    assert response.status_code == 412
    assert response.json()["code"] == "stale"
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.NONE


def test_if_match_header_is_honoured(province_world):
    w = province_world
    client = api_as(w.admin_a)
    etag = client.get(offering_url(w.offering_a))["ETag"]
    ok = client.patch(offering_url(w.offering_a), {"online_level": "none"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    again = client.patch(
        offering_url(w.offering_a), {"online_level": "full"}, format="json", HTTP_IF_MATCH=etag
    )
    assert again.status_code == 412


def test_token_authenticated_system_account(province_world):
    w = province_world
    token = Token.objects.create(user=w.admin_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(offerings_url(w.van_hung)).status_code == 200
    assert client.get(offerings_url(w.van_thang)).status_code == 404


@pytest.mark.parametrize("level", ["toan-trinh", ""])
def test_unknown_online_level_is_a_problem(province_world, level):
    w = province_world
    response = api_as(w.admin_a).patch(offering_url(w.offering_a), {"online_level": level}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "online_level" in response.json()["errors"]
