"""The counter officer's box of online dossiers routed from the national portal: deadlines to
confirm, the overdue one marked, and the record page saying a late confirmation was late."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.exchange.inbound import inbound_receive
from motcua.records.lifecycle import Action
from motcua.records.services import record_perform
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.exchange.test_inbound import dossier
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory, grant
from tests.records.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-demo-2025"


def test_officer_sees_online_dossiers_waiting_for_confirmation(page, login, screenshot):
    agency = AgencyFactory(
        code="H56.57.01",
        name="UBND xã Vạn Hưng",
        unit=CommuneFactory(name="Xã Vạn Hưng", parent=ProvinceFactory()),
    )
    desk = UserFactory(username="motcua.vanhung", full_name="Trần Thị Hương")
    desk.set_password(PASSWORD)
    desk.save()
    grant(desk, Role.DESK_OFFICER, agency.unit)
    make_procedure()
    now = timezone.now()
    fresh = inbound_receive(
        payload=dossier(2, day=timezone.localtime(now), ChuHoSo="Lê Thị Thu"), at=now
    ).record
    old = inbound_receive(payload=dossier(1), at=local(2026, 3, 6, 16, 30)).record  # due 09/03/2026 17:00
    late = inbound_receive(payload=dossier(3, ChuHoSo="Phạm Văn Long"), at=local(2026, 3, 6, 16, 45)).record
    record_perform(record=late, action=Action.RECEIVE, actor=desk, at=local(2026, 3, 10, 8, 0))

    login(page, "motcua.vanhung", PASSWORD)
    page.goto(f"{page.base_url}/can-bo/ho-so/")
    tab = page.get_by_role("link", name="Hồ sơ trực tuyến chờ xác nhận")
    assert tab.inner_text().split()[-1] == "2"
    tab.click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.rec-table tbody tr")
    assert rows.count() == 2
    assert old.code in rows.nth(0).inner_text() and "Quá hạn xác nhận" in rows.nth(0).inner_text()
    assert "Xác nhận trước 17:00 09/03/2026" in rows.nth(0).inner_text()
    assert fresh.code in rows.nth(1).inner_text() and "Trong hạn xác nhận" in rows.nth(1).inner_text()
    screenshot(page, "hop-truc-tuyen")

    page.goto(f"{page.base_url}/can-bo/ho-so/{late.pk}/")
    assert page.get_by_text("Xác nhận hồ sơ trực tuyến trễ hạn (hạn 07:45 10/03/2026).").count() == 1
    screenshot(page, "xac-nhan-tre")
    assert fresh.intake_confirm_due_at > now - dt.timedelta(seconds=1)
