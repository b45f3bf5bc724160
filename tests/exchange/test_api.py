import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.records.models import Record
from tests.factories import UserFactory, grant

from .sync import as_array, as_lines, sync_record

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/dvcqg/import"


@pytest.fixture
def admin_api(province):
    user = UserFactory(username="quantri.tinh")
    grant(user, Role.PROVINCE_ADMIN, province)
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_returns_the_summary(admin_api, procedure, van_hung):
    data = as_lines([sync_record(1), sync_record(2, NgayHenTra="20261301000000")])
    response = admin_api.post(URL, {"file": SimpleUploadedFile("hs.jsonl", data)}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert (body["added"], body["rejected"]) == (1, 1)
    assert body["rejects"] == [{"position": 2, "field": "NgayHenTra", "reason": body["rejects"][0]["reason"]}]
    assert Record.objects.count() == 1


def test_raw_body_is_accepted(admin_api, procedure, van_hung):
    response = admin_api.generic("POST", URL, as_array([sync_record(1)]), content_type="application/json")
    assert response.status_code == 200 and response.json()["added"] == 1


def test_unreadable_file_is_a_problem_and_writes_nothing(admin_api, procedure, van_hung):
    response = admin_api.generic(
        "POST", URL, b"MaHoSo;ChuHoSo\n1;A\n", content_type="application/octet-stream"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unreadable-file"
    assert not Record.objects.exists()


def test_missing_file_field_is_a_problem(admin_api):
    response = admin_api.post(URL, {"other": "x"}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "file-required"


def test_a_commune_officer_may_not_import(staff, procedure):
    client = APIClient()
    client.force_authenticate(staff["desk"])
    response = client.generic("POST", URL, as_array([sync_record(1)]), content_type="application/json")
    assert response.status_code == 403
    assert not Record.objects.exists()
