"""The report pages in a real browser: an inspector of the province picks a commune's agency and
a period, reads the figures with their evidence lists, opens Biểu 07a; screenshots of both."""

from decimal import Decimal

import pytest

from motcua.accounts.models import Role
from motcua.metrics.targets import Target
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.factories import UserFactory, grant
from tests.metrics.report_records import march_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-demo-2025"


@pytest.fixture
def world():
    w = march_world()
    Target.objects.create(unit=w.agency.unit.parent, year=2026, online_filing_percent=Decimal("45"))
    inspector = UserFactory(username="kiemtra.tinh", full_name="Phạm Văn Kiểm")
    grant(inspector, Role.INSPECTOR, w.agency.unit.parent)
    return w


def test_inspector_reads_the_inspection_report(world, page, login, screenshot):
    login(page, "kiemtra.tinh", PASSWORD)
    page.goto(f"{page.base_url}/can-bo/bao-cao/")
    page.select_option("select[name=co-quan]", "H56.57.01")
    page.fill("form[action$='kiem-tra/'] input[name=tu]", "01/03/2026")  # typed as people write it
    page.fill("form[action$='kiem-tra/'] input[name=den]", "31/03/2026")
    page.locator("form[action$='/kiem-tra/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().upper().startswith("BÁO CÁO SỐ LIỆU KIỂM TRA")
    assert page.locator("#resolved_late").inner_text().count("40,00 %") == 1  # C and F of 5 resolved
    late = world.records["C"]
    link = page.locator(f"#ds-overdue a[href='/can-bo/ho-so/{late.pk}/']")
    assert link.inner_text() == late.code
    screenshot(page, "inspection")

    page.goto(f"{page.base_url}/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-03")
    assert "Biểu số 07a" in page.locator("h1").inner_text()
    assert page.locator("tbody tr").count() == 3  # Hộ kinh doanh, Hộ tịch, total
    screenshot(page, "periodic-07a")
