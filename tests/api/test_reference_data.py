"""Units, agencies and procedures: public reference data, read-only."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ProcedureFactory


@pytest.fixture
def api(province_world) -> APIClient:
    client = APIClient()
    client.force_authenticate(province_world.desk_a)
    return client


def test_units_filtered_by_level_and_date(api, province_world):
    w = province_world
    before = api.get("/api/v1/units/", {"level": "commune", "at": "2025-06-30"}).json()["results"]
    after = api.get("/api/v1/units/", {"level": "commune", "at": "2025-07-01"}).json()["results"]
    assert {u["id"] for u in before} == {w.old_van_hung.pk, w.old_xuan_son.pk}
    assert {u["id"] for u in after} == {w.van_hung.pk, w.van_thang.pk}


def test_units_filtered_by_parent(api, province_world):
    w = province_world
    children = api.get("/api/v1/units/", {"parent": w.district.pk}).json()["results"]
    assert {u["id"] for u in children} == {w.old_van_hung.pk, w.old_xuan_son.pk}


def test_unknown_level_is_refused(api):
    response = api.get("/api/v1/units/", {"level": "huyen"})
    assert response.status_code == 400
    assert "level" in response.json()["errors"]


def test_agencies_of_a_unit(api, province_world):
    w = province_world
    agencies = api.get("/api/v1/agencies/", {"unit": w.van_thang.pk}).json()["results"]
    assert [a["code"] for a in agencies] == [w.agency_b.code]


def test_reference_data_is_read_only(api, province_world):
    response = api.post("/api/v1/units/", {"code": "1", "name": "x", "level": "commune"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_procedure_search_ignores_diacritics(api, db):
    wanted = ProcedureFactory(name="Đăng ký khai sinh")
    ProcedureFactory(name="Cấp bản sao trích lục hộ tịch")
    found = api.get("/api/v1/procedures/", {"q": "dang ky khai sinh"}).json()["results"]
    assert [p["code"] for p in found] == [wanted.code]


def test_me_lists_my_grants(api, province_world):
    body = api.get("/api/v1/me/").json()
    assert body["username"] == province_world.desk_a.username
    assert [(g["role"], g["unit"]) for g in body["grants"]] == [("desk", province_world.van_hung.pk)]
    assert body["grants"][0]["role_name"] == "Cán bộ một cửa"
