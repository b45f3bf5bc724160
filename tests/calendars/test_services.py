"""Calendar settings are written through calendars.services: validated, one transaction, and the
registered receivers (calendars.hooks) told which calendars changed — the admin included."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from motcua.calendars import hooks
from motcua.calendars.models import DayKind, DayOverride, WorkingHoursSetting
from motcua.calendars.services import calendar_setting_delete, calendar_setting_save
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes(monkeypatch):
    seen: list[hooks.CalendarChange] = []
    monkeypatch.setattr(hooks, "_on_change", [seen.append])
    return seen


def test_each_write_names_the_calendars_it_changes(changes):
    province = ProvinceFactory()
    agency = AgencyFactory(unit=CommuneFactory(parent=province))
    day_off = calendar_setting_save(
        setting=DayOverride(province=province, day=dt.date(2026, 9, 3), kind=DayKind.DAY_OFF, reason="Nghỉ")
    )
    hours = calendar_setting_save(setting=WorkingHoursSetting(agency=agency, valid_from=dt.date(2026, 1, 1)))
    calendar_setting_delete(setting=day_off)
    assert [(c.province_id, c.agency_id) for c in changes] == [
        (province.pk, None),
        (None, agency.pk),
        (province.pk, None),
    ]
    assert changes[0].description.startswith("thêm ngày nghỉ, ngày làm bù 03/09/2026")
    assert changes[2].description.startswith("xoá ")
    assert changes[1].covers(agency_id=agency.pk, province_id=province.pk)
    assert not changes[1].covers(agency_id=AgencyFactory().pk, province_id=province.pk)

    # Moved from one centre to another: both calendars changed.
    other = AgencyFactory(unit=CommuneFactory(parent=province))
    hours.agency = other
    changes.clear()
    calendar_setting_save(setting=hours)
    assert sorted(c.agency_id for c in changes) == sorted([agency.pk, other.pk])


def test_an_invalid_setting_is_refused_and_nothing_is_told(changes):
    bad = WorkingHoursSetting(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(14, 0),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 0),
        valid_from=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match="không chồng lấn"):
        calendar_setting_save(setting=bad)
    assert not WorkingHoursSetting.objects.exists() and changes == []


def test_the_admin_saves_and_deletes_through_the_services(client, changes):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/calendars/dayoverride/add/",
        {"province": "", "day": "02/09/2027", "kind": DayKind.DAY_OFF, "reason": "Quốc khánh", "source": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day_off = DayOverride.objects.get()
    assert len(changes) == 1 and changes[0].actor_id == admin.pk and changes[0].province_id is None
    response = client.post(
        "/admin/calendars/dayoverride/",
        {"action": "delete_selected", "_selected_action": [day_off.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not DayOverride.objects.exists()
    assert len(changes) == 2 and changes[1].description.startswith("xoá ")


def test_a_day_change_names_its_days_and_an_hours_change_any_day(changes):
    """Receivers may leave alone what never spans the changed days (records/recompute.py)."""
    province = ProvinceFactory()
    day_off = calendar_setting_save(
        setting=DayOverride(province=province, day=dt.date(2026, 9, 3), kind=DayKind.DAY_OFF, reason="Nghỉ")
    )
    assert changes[-1].days == {dt.date(2026, 9, 3)}
    day_off.day = dt.date(2026, 9, 4)  # moved: the old day works again, the new one is off
    calendar_setting_save(setting=day_off)
    assert changes[-1].days == {dt.date(2026, 9, 3), dt.date(2026, 9, 4)}
    calendar_setting_save(setting=WorkingHoursSetting(province=province, valid_from=dt.date(2026, 1, 1)))
    assert changes[-1].days is None
