"""The index dashboard in a real browser: province, unit and metric pages on desktop and phone,
with screenshots (test-artifacts/screenshots/)."""

import pytest

from motcua.accounts.models import Role
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.factories import OfferingFactory, ProvinceFactory, UserFactory, grant
from tests.metrics.index_records import office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-demo-2025"
MARCH = "?ky=2026-03"


@pytest.fixture
def world():
    province = ProvinceFactory()
    procedure = make_procedure()
    van_hung = office(province, "22525", "Xã Vạn Hưng", procedure)
    van_thang = office(province, "22516", "Xã Vạn Thắng", procedure)
    OfferingFactory(agency=van_hung.agency, online_level="full")
    _on_time, late = van_hung.records(on_time=1, late=1)
    van_thang.records(on_time=1)
    inspector = UserFactory(username="kiemtra.tinh")
    grant(inspector, Role.INSPECTOR, province)
    return {"late": late[0]}


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_province_unit_and_metric_pages(request, device, world, login, screenshot):
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    login(page, "kiemtra.tinh", PASSWORD)

    page.goto(f"{page.base_url}/can-bo/chi-so/{MARCH}")
    assert page.locator("h1").inner_text().endswith("Tỉnh Khánh Hòa")
    assert page.locator("svg.chart").count() == 2
    ranking = page.locator("table.ix-ranking").first
    assert ranking.locator("tbody tr").count() == 2
    # Vạn Thắng: all on time; Vạn Hưng: one late → Vạn Thắng first
    assert "Vạn Thắng" in ranking.locator("tbody tr").first.inner_text()
    screenshot(page, f"province-{device}")

    ranking.get_by_role("link", name="UBND xã Vạn Hưng").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "UBND xã Vạn Hưng"
    row = page.locator("table.ix-metrics tr", has_text="Hồ sơ giải quyết đúng hạn")
    assert "10,00" in row.inner_text()  # 20 × 1/2
    screenshot(page, f"unit-{device}")

    row.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Hồ sơ giải quyết đúng hạn"
    evidence = page.locator("table.ix-evidence tbody tr")
    assert evidence.count() == 1 and world["late"].code in evidence.inner_text()
    screenshot(page, f"metric-{device}")

    page.get_by_role("link", name="Giả định: nếu các hồ sơ trên trang này được khắc phục").click()
    page.wait_for_load_state("networkidle")
    assert "Kết quả giả định" in page.locator("#gia-dinh-ket-qua").inner_text()
    screenshot(page, f"whatif-{device}")
