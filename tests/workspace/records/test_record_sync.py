"""The record page shows the record's sync with connected systems; failed deliveries are listed
at /can-bo/dong-bo/ and "Gửi lại" puts them back in the queue with their attempts reset."""

import pytest
from django.urls import reverse

from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.records.services import record_intake_at_counter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(procedure, van_hung, staff, applicant):
    config = ConnectorConfig.objects.create(
        plugin="dvcqg", name="Cổng DVCQG", endpoint_url="http://127.0.0.1:9/", enabled=True
    )
    record = record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )
    Delivery.objects.filter(connector=config).update(
        status=Delivery.Status.FAILED, attempts=8, last_error="Hệ thống nhận báo lỗi: HTTP 503 bảo trì"
    )
    return Delivery.objects.get(record=record)


def test_the_record_page_shows_a_failed_sync_with_its_reason_and_a_resend_button(desk_client, failed):
    page = desk_client.get(reverse("records_ui:record", args=[failed.record_id])).content.decode()
    assert "Đồng bộ với hệ thống khác" in page
    assert "Cổng DVCQG" in page and "Gửi không thành công" in page
    assert "HTTP 503 bảo trì" in page
    assert reverse("workspace:deliveries:resend", args=[failed.pk]) in page


def test_a_record_never_synced_shows_no_sync_block(desk_client, procedure, van_hung, staff, applicant):
    record = record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )
    page = desk_client.get(reverse("records_ui:record", args=[record.pk])).content.decode()
    assert "Đồng bộ với hệ thống khác" not in page


def test_failed_deliveries_are_listed_and_resent(desk_client, failed):
    listing = desk_client.get(reverse("workspace:deliveries:failed")).content.decode()
    assert failed.record.code in listing and "HTTP 503 bảo trì" in listing
    back = reverse("records_ui:record", args=[failed.record_id])
    response = desk_client.post(reverse("workspace:deliveries:resend", args=[failed.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Delivery.Status.PENDING, 0)
    assert (
        "Không có hồ sơ nào đồng bộ lỗi"
        in desk_client.get(reverse("workspace:deliveries:failed")).content.decode()
    )


def test_another_units_officer_neither_sees_nor_resends(client, failed, van_thang):
    from motcua.accounts.models import Role
    from tests.factories import grant

    other = UserFactory(username="vanthang.desk")
    grant(other, Role.DESK_OFFICER, van_thang.unit)
    client.force_login(other)
    assert failed.record.code not in client.get(reverse("workspace:deliveries:failed")).content.decode()
    assert client.post(reverse("workspace:deliveries:resend", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED


def test_resend_refuses_a_redirect_to_another_site(desk_client, failed):
    response = desk_client.post(
        reverse("workspace:deliveries:resend", args=[failed.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("workspace:deliveries:failed")
