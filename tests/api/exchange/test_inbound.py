"""POST /api/v1/exchange/dvcqg/inbound with the national portal's system account (token auth)."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.accounts.services import api_token_issue
from motcua.records.models import Record, RecordEvent
from tests.exchange.test_inbound import dossier
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/dvcqg/inbound"


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


@pytest.fixture
def portal():
    """The national portal's system account: the delivery permission, no staff role."""
    user = UserFactory(username="cong.dvcqg")
    user.user_permissions.add(Permission.objects.get(codename="deliver_online_dossiers"))
    return _client(user)


def _post(client: APIClient, body) -> object:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.generic("POST", URL, data, content_type="application/json")


def test_delivery_creates_the_record_and_a_retry_returns_it(portal, procedure, van_hung):
    first = _post(portal, dossier(5))
    assert first.status_code == 201
    body = first.json()
    record = Record.objects.get()
    assert body["created"] is True and body["id"] == record.pk and body["code"] == record.code
    assert body["state"] == "submitted"
    # 2 clock hours after arrival (the submit event's time), whatever the hour.
    arrival = record.events.get().at
    assert dt.datetime.fromisoformat(body["intake_alert_due_at"]) == arrival + dt.timedelta(hours=2)
    assert dt.datetime.fromisoformat(body["intake_confirm_due_at"]) == record.intake_confirm_due_at

    again = _post(portal, dossier(5))
    assert again.status_code == 200
    assert again.json()["id"] == record.pk and again.json()["created"] is False
    assert Record.objects.count() == 1 and RecordEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "parse_error"),
        (b"[]", 400, "not-a-record"),
        ([dossier(1)], 400, "not-a-record"),
        ({"ChuHoSo": "Trần Văn Bình"}, 400, "invalid-field"),
        (dossier(1, MaHoSo="H56.57.01/260306/1"), 400, "invalid-field"),
        (dossier(1, NgayNopHoSo="2026-03-06"), 400, "invalid-field"),
        (dossier(1, KenhThucHien="9"), 400, "invalid-field"),
        (dossier(1, KenhThucHien="1"), 422, "not-online"),
        (dossier(1, TrangThaiHoSo="10"), 422, "not-new"),
        (dossier(1, MaTTHC="1.999999.000.00.00.H56"), 422, "unknown-procedure"),
        (dossier(1, MaHoSo="H56.99.99-260306-0001"), 422, "unknown-agency"),
        # Values no database column holds: refused, never a 500.
        (b"[" * 3000 + b"]" * 3000, 400, "parse_error"),
        (json.dumps(dossier(1, ChuHoSo="x")).replace('"x"', '"\\ud800"').encode(), 400, "not-a-record"),
        (dossier(1, NgayNopHoSo="00010101000000"), 400, "invalid-field"),
        (dossier(1, DanhSachLePhi=[{"Gia": "9" * 30}]), 400, "invalid-field"),
        (dossier(1, MaHoSo="H56.57.01-260306-9223372036854775807"), 400, "invalid-field"),
        # The record becomes motcua's own: its applicant meets what counter intake requires.
        (dossier(1, ChuHoSo="Trần\u0000Bình"), 400, "invalid-field"),
        (dossier(1, Email="khong-phai-thu"), 400, "invalid-field"),
        (dossier(1, SoDienThoai="abc"), 400, "invalid-field"),
        (dossier(1, SoGiayToChuHoSo="abc"), 400, "invalid-field"),
        (dossier(1, TrichYeuHoSo="x" * 4001), 400, "invalid-field"),
    ],
)
def test_malformed_or_unacceptable_dossiers_are_problems_and_write_nothing(
    portal, procedure, van_hung, body, status, code
):
    response = _post(portal, body)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["detail"]
    assert not Record.objects.exists()


def test_a_body_over_the_upload_limit_is_413_not_an_error(portal, procedure, van_hung, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = _post(portal, dossier(1, TrichYeuHoSo="x" * 2000))
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert not Record.objects.exists()


def test_field_of_the_problem_is_named(portal, procedure, van_hung):
    problem = _post(portal, dossier(1, NgayNopHoSo="06/03/2026")).json()
    assert problem["field"] == "NgayNopHoSo"


def test_another_systems_token_without_the_permission_is_refused(procedure, van_hung, province):
    other = UserFactory(username="hethong.api")
    grant(other, Role.INSPECTOR, province)
    response = _post(_client(other), dossier(1))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Record.objects.exists()


def test_no_token_is_unauthenticated(procedure, van_hung):
    response = _post(APIClient(), dossier(1))
    assert response.status_code == 401
    assert not Record.objects.exists()


def test_a_desk_officer_cannot_deliver(procedure, van_hung):
    desk = UserFactory(username="motcua.vanhung")
    grant(desk, Role.DESK_OFFICER, van_hung.unit)
    assert _post(_client(desk), dossier(1)).status_code == 403
