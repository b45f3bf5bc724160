import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_and_sees_vietnamese_workspace(page, login, screenshot):
    UserFactory(username="canbo.vanhung", full_name="Trần Thị Hương")
    page.goto(f"{page.base_url}/dang-nhap/")
    screenshot(page, "login-form")
    login(page, "canbo.vanhung", "mat-khau-demo-2025")
    page.goto(f"{page.base_url}/can-bo/")
    assert "Trần Thị Hương" in page.content()
    screenshot(page, "workspace-home")


def test_wrong_password_gets_a_vietnamese_message(page, login):
    UserFactory(username="canbo.sai")
    login(page, "canbo.sai", "khong-dung")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.content()
