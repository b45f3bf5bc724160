"""A citizen looks up their dossier on a phone with the code on the receipt and their phone number."""

import pytest
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.services import Applicant, record_intake_at_counter, record_perform
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

MISSING = ["Hợp đồng thuê địa điểm kinh doanh", "Giấy ủy quyền có chứng thực"]


@pytest.fixture
def waiting_for_a_supplement() -> Record:
    agency = AgencyFactory(
        code="H56.57.01",
        name="UBND xã Vạn Hưng",
        unit=CommuneFactory(name="Xã Vạn Hưng", parent=ProvinceFactory()),
    )
    desk = UserFactory(username="motcua.vanhung")
    grant(desk, Role.DESK_OFFICER, agency.unit)
    procedure = make_procedure()
    OfferingFactory(procedure=procedure, agency=agency, valid_from=None)
    record = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=Applicant(name="Nguyễn Thị Ánh", id_number="056190001234", phone="0905123456"),
        actor=desk,
        at=timezone.now(),
    )
    return record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=desk,
        at=timezone.now(),
        missing=MISSING,
        reason="Hồ sơ chưa đủ giấy tờ theo quy định",
    )


def test_citizen_looks_up_a_dossier_waiting_for_a_supplement(
    phone_page, screenshot, waiting_for_a_supplement
):
    page, record = phone_page, waiting_for_a_supplement
    page.goto(f"{page.base_url}/")
    page.locator("main").get_by_role("link", name="Tra cứu hồ sơ").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=code]", record.code)
    page.fill("input[name=proof]", "0905 999 999")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state("networkidle")
    assert "Không tìm thấy hồ sơ với mã và số đã nhập." in page.inner_text("body")
    screenshot(page, "not-found")
    page.fill("input[name=code]", record.code)
    page.fill("input[name=proof]", "0905 123 456")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "Hồ sơ cần bổ sung, hoàn thiện." in body and all(item in body for item in MISSING)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )  # nothing runs off the phone
    screenshot(page, "supplement")
