"""A visitor switches the interface to English from the footer and back to Vietnamese."""

import json

import pytest

from motcua.catalog.demo import DEMO_FILE
from motcua.catalog.services import catalogue_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_footer_switch_turns_the_portal_english_and_back(page, screenshot):
    catalogue_import(data=json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    page.goto(f"{page.base_url}/thu-tuc/?q=ho+kinh+doanh")
    assert page.locator("html").get_attribute("lang") == "vi"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    # The switch returns to the page the visitor was on, query string included.
    assert "q=ho+kinh+doanh" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    body = page.inner_text("body")
    assert "Officer login" in body and "Đăng nhập cán bộ" not in body
    assert "{#" not in body and "{%" not in body
    screenshot(page, "search-english")

    page.goto(f"{page.base_url}/")
    body = page.inner_text("body")
    assert "Find a procedure by name or code" in body
    screenshot(page, "home-english")

    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Đăng nhập cán bộ" in page.inner_text("body")
