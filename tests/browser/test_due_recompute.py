"""A province declares a day off: the record page shows the new due date and, in its history,
the row that says why the date moved."""

import datetime as dt

import pytest

from motcua.accounts.models import Role
from motcua.calendars.models import DayKind, DayOverride
from motcua.calendars.services import calendar_setting_save
from motcua.records.services import Applicant, record_intake_at_counter
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory, grant
from tests.records.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-demo-2025"


def test_the_record_page_shows_a_due_date_moved_by_a_day_off(page, login, screenshot):
    province = ProvinceFactory()
    agency = AgencyFactory(
        code="H56.57.01", name="UBND xã Vạn Hưng", unit=CommuneFactory(name="Xã Vạn Hưng", parent=province)
    )
    desk = UserFactory(username="motcua.vanhung", full_name="Trần Thị Hương")
    desk.set_password(PASSWORD)
    desk.save()
    grant(desk, Role.DESK_OFFICER, agency.unit)
    record = record_intake_at_counter(
        procedure=make_procedure(),
        agency=agency,
        applicant=Applicant(name="Nguyễn Thị Ánh", id_number="056190001234"),
        actor=desk,
        at=local(2026, 3, 2, 8, 0),
    )  # 3 working days: due Thursday 05/03/2026 17:00
    calendar_setting_save(
        setting=DayOverride(
            province=province, day=dt.date(2026, 3, 3), kind=DayKind.DAY_OFF, reason="Nghỉ bù"
        )
    )

    login(page, "motcua.vanhung", PASSWORD)
    page.goto(f"{page.base_url}/can-bo/ho-so/{record.pk}/")
    row = page.locator("ol.rec-timeline li", has_text="Tính lại hạn giải quyết do thay đổi lịch làm việc")
    assert row.count() == 1
    assert "từ 17:00 05/03/2026 thành 17:00 06/03/2026" in row.inner_text()
    screenshot(page, "ho-so")
