"""POST /api/v1/exchange/connectors/<id>/inbound: records a connected system sends back are
imported and matched by MaHoSo — the record motcua sent there comes back "unchanged"."""

import json

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.exchange.connectors.doubles import HOUSEHOLD_BUSINESS_SYSTEM
from motcua.exchange.delivery import deliver_due
from motcua.exchange.models import ConnectorConfig, ImportRun
from motcua.records.models import Record
from motcua.records.services import record_intake_at_counter
from tests.exchange.sync import as_array, as_lines, sync_record
from tests.factories import UserFactory, grant
from tests.records import conftest as records_fixtures
from tests.records.conftest import local

pytestmark = pytest.mark.django_db
staff = records_fixtures.staff  # the commune's officers (desk, specialist, leader)


@pytest.fixture
def household_system():
    HOUSEHOLD_BUSINESS_SYSTEM.clear()
    config = ConnectorConfig.objects.create(
        plugin="household_business_double", name="Đăng ký hộ kinh doanh (mô phỏng)", enabled=True
    )
    yield config
    HOUSEHOLD_BUSINESS_SYSTEM.clear()


@pytest.fixture
def admin_api(province):
    user = UserFactory(username="quantri.tinh")
    grant(user, Role.PROVINCE_ADMIN, province)
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(config_id: int) -> str:
    return f"/api/v1/exchange/connectors/{config_id}/inbound"


def post(client: APIClient, config_id: int, body: bytes, content_type: str = "application/json"):
    return client.generic("POST", url(config_id), body, content_type=content_type)


def test_the_record_motcua_sent_comes_back_unchanged(
    admin_api, household_system, procedure, van_hung, staff, applicant
):
    record = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9),
    )
    deliver_due()
    held = HOUSEHOLD_BUSINESS_SYSTEM.records[record.code]  # what that system now holds
    response = post(admin_api, household_system.pk, as_array([held]))
    assert response.status_code == 200
    body = response.json()
    assert (body["connector"], body["added"], body["updated"], body["unchanged"], body["rejected"]) == (
        household_system.pk,
        0,
        0,
        1,
        0,
    )
    assert list(Record.objects.values_list("code", flat=True)) == [record.code]


def test_a_record_made_in_that_system_is_added_once(admin_api, household_system, procedure, van_hung):
    one = json.dumps(sync_record(7), ensure_ascii=False, indent=2).encode()  # one record, pretty-printed
    first = post(admin_api, household_system.pk, one)
    assert first.status_code == 200 and (first.json()["added"], first.json()["unchanged"]) == (1, 0)
    again = post(admin_api, household_system.pk, as_lines([sync_record(7)]), "application/x-ndjson")
    assert again.status_code == 200 and (again.json()["added"], again.json()["unchanged"]) == (0, 1)
    (record,) = Record.objects.all()
    assert (record.code, record.source_system) == ("H56.57.01-260302-0007", "household_business_double")
    assert ImportRun.objects.filter(source_system="household_business_double").count() == 2


def test_an_invalid_record_is_rejected_with_its_position_and_the_others_go_in(
    admin_api, household_system, procedure, van_hung
):
    response = post(
        admin_api, household_system.pk, as_array([sync_record(1), sync_record(2, TrangThaiHoSo="0")])
    )
    body = response.json()
    assert (response.status_code, body["added"], body["rejected"]) == (200, 1, 1)
    assert (body["rejects"][0]["position"], body["rejects"][0]["field"]) == (1, "TrangThaiHoSo")


def test_unknown_connector_is_a_404_problem(admin_api, household_system):
    response = post(admin_api, household_system.pk + 1000, as_array([sync_record(1)]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "connector-not-found"
    assert post(admin_api, "khong-phai-so", b"[]").status_code == 404  # type: ignore[arg-type]


def test_a_disabled_connector_takes_nothing(admin_api, household_system, procedure, van_hung):
    household_system.enabled = False
    household_system.save()
    response = post(admin_api, household_system.pk, as_array([sync_record(1)]))
    assert response.status_code == 409 and response.json()["code"] == "connector-disabled"
    assert not Record.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"MaHoSo;ChuHoSo\n1;A\n",
        b"42",
        b'"MaHoSo"',
        b'[{"MaHoSo": "H56.57.01-260302-0001", ',  # cut off
        b'{"MaHoSo": "H56.57.01-260302-0001"}\n{"MaHoSo": ',  # JSON Lines, second line cut off
        b"\xff\xfe[\x00]\x00",  # UTF-16
    ],
)
def test_a_malformed_body_is_a_400_problem_and_writes_nothing(
    admin_api, household_system, procedure, van_hung, body
):
    response = post(admin_api, household_system.pk, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "malformed-body" and response.json()["detail"]
    assert not Record.objects.exists() and not ImportRun.objects.exists()


def test_a_body_over_the_limit_is_a_413_problem(admin_api, household_system, procedure, van_hung, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(admin_api, household_system.pk, as_array([sync_record(1)]))
    assert response.status_code == 413 and response.json()["code"] == "body-too-large"
    assert not Record.objects.exists()


def test_only_province_administrators_may_send(household_system, staff, procedure):
    officer = APIClient()
    officer.force_authenticate(staff["desk"])
    assert post(officer, household_system.pk, as_array([sync_record(1)])).status_code == 403
    assert post(APIClient(), household_system.pk, as_array([sync_record(1)])).status_code == 401
    assert not Record.objects.exists()
