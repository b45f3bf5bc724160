"""A failed sync with the national portal, seen and resent by the counter officer in a browser:
the record page's sync block, then the list at /can-bo/dong-bo/."""

import pytest

from motcua.accounts.models import Role
from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.records.services import Applicant, record_intake_at_counter
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    OfferingFactory,
    ProvinceFactory,
    UserFactory,
    grant,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-demo-2025"


def test_officer_sees_a_failed_sync_and_resends_it(page, login, screenshot):
    agency = AgencyFactory(
        code="H56.57.01",
        name="UBND xã Vạn Hưng",
        unit=CommuneFactory(name="Xã Vạn Hưng", parent=ProvinceFactory()),
    )
    desk = UserFactory(username="motcua.vanhung", full_name="Trần Thị Hương")
    desk.set_password(PASSWORD)
    desk.save()
    grant(desk, Role.DESK_OFFICER, agency.unit)
    procedure = make_procedure()
    OfferingFactory(procedure=procedure, agency=agency, valid_from=None)
    ConnectorConfig.objects.create(
        plugin="dvcqg", name="Cổng Dịch vụ công quốc gia", endpoint_url="http://127.0.0.1:9/", enabled=True
    )
    record = record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=Applicant(name="Nguyễn Thị Ánh"), actor=desk
    )
    Delivery.objects.update(
        status=Delivery.Status.FAILED,
        attempts=8,
        last_error='Hệ thống nhận báo lỗi: HTTP 503 {"error": "Hệ thống đang bảo trì"}',
    )

    login(page, "motcua.vanhung", PASSWORD)
    page.goto(f"{page.base_url}/can-bo/ho-so/{record.pk}/")
    block = page.locator("#dong-bo")
    assert "Gửi không thành công" in block.inner_text()
    screenshot(page, "record-failed")
    page.goto(f"{page.base_url}/can-bo/dong-bo/")
    assert record.code in page.locator("table").inner_text()
    screenshot(page, "failed-list")
    page.click("button:has-text('Gửi lại')")
    page.wait_for_load_state("networkidle")
    assert "Không có hồ sơ nào đồng bộ lỗi" in page.content()
    screenshot(page, "after-resend")
    assert Delivery.objects.get().status == Delivery.Status.PENDING
