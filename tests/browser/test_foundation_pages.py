"""The foundation's pages as a citizen and an officer see them, on a desktop and a phone."""

import json

import pytest

from motcua.catalog.demo import DEMO_FILE
from motcua.catalog.services import catalogue_import
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_catalogue():
    catalogue_import(data=json.loads(DEMO_FILE.read_text(encoding="utf-8")))


def test_citizen_finds_a_procedure_without_typing_diacritics(page, phone_page, screenshot, demo_catalogue):
    page.goto(f"{page.base_url}/")
    page.fill("input[name=q]", "dang ky ho kinh doanh")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Đăng ký thành lập hộ kinh doanh" in page.content()
    screenshot(page, "search-results")
    page.get_by_text("Đăng ký thành lập hộ kinh doanh").first.click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "Thời hạn giải quyết" in body
    screenshot(page, "procedure-page")
    phone_page.goto(page.url)
    screenshot(phone_page, "procedure-page-phone")


def test_officer_computes_a_due_date_over_tet(page, login, screenshot):
    UserFactory(username="canbo.lich", full_name="Lê Văn Lịch")
    login(page, "canbo.lich", "mat-khau-demo-2025")
    page.goto(f"{page.base_url}/can-bo/lich/")
    page.fill("input[name=received]", "24/01/2025 10:15")
    page.fill("input[name=amount]", "5")
    page.get_by_role("button", name="Tính hạn").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#due").strip() == "17:00 07/02/2025"
    assert "nghỉ Tết" in page.inner_text("body")
    screenshot(page, "due-calculator")


def test_officer_gets_a_clear_message_for_an_impossible_date(page, login):
    UserFactory(username="canbo.sai.ngay")
    login(page, "canbo.sai.ngay", "mat-khau-demo-2025")
    page.goto(f"{page.base_url}/can-bo/lich/")
    page.fill("input[name=received]", "30/02/2026 10:15")
    page.fill("input[name=amount]", "5")
    page.get_by_role("button", name="Tính hạn").click()
    page.wait_for_load_state("networkidle")
    assert "Nhập theo dạng dd/mm/yyyy HH:MM" in page.inner_text("body")
