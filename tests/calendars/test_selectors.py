import datetime as dt

import pytest

from motcua.calendars.models import ClockRuleSetting, Counting, DayKind, DayOverride, WorkingHoursSetting
from motcua.calendars.selectors import calendar_for
from motcua.workdays import VN_TZ, Term
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


def test_without_settings_the_calendar_is_the_national_one():
    calendar = calendar_for()
    assert calendar.add_working_days(at(2025, 1, 24, 10, 15), 5) == at(2025, 2, 7, 17)


def test_a_provincial_day_off_applies_to_its_communes_agencies_only():
    province = ProvinceFactory()
    agency = AgencyFactory(unit=CommuneFactory(parent=province))
    other = AgencyFactory(unit=CommuneFactory(parent=ProvinceFactory(code="58", name="Tỉnh Ninh Thuận")))
    DayOverride.objects.create(
        province=province, day=dt.date(2025, 3, 14), kind=DayKind.DAY_OFF, reason="Nghỉ lễ hội của tỉnh"
    )
    assert not calendar_for(agency=agency).is_working_day(dt.date(2025, 3, 14))
    assert not calendar_for(unit=agency.unit).is_working_day(dt.date(2025, 3, 14))
    assert calendar_for(agency=other).is_working_day(dt.date(2025, 3, 14))
    assert calendar_for().is_working_day(dt.date(2025, 3, 14))


def test_the_province_has_the_last_word_over_a_national_override():
    province = ProvinceFactory()
    DayOverride.objects.create(day=dt.date(2025, 3, 15), kind=DayKind.WORKING, reason="Làm bù toàn quốc")
    assert calendar_for(unit=province).is_working_day(dt.date(2025, 3, 15))
    DayOverride.objects.create(
        province=province, day=dt.date(2025, 3, 15), kind=DayKind.DAY_OFF, reason="Tỉnh không làm bù"
    )
    assert not calendar_for(unit=province).is_working_day(dt.date(2025, 3, 15))


def test_a_stored_change_is_seen_at_once_despite_the_cache():
    province = ProvinceFactory()
    before = calendar_for(unit=province)
    assert calendar_for(unit=province) is before  # unchanged settings: the cached calendar
    override = DayOverride.objects.create(
        province=province, day=dt.date(2025, 3, 14), kind=DayKind.DAY_OFF, reason="Nghỉ"
    )
    assert not calendar_for(unit=province).is_working_day(dt.date(2025, 3, 14))
    override.delete()
    assert calendar_for(unit=province).is_working_day(dt.date(2025, 3, 14))


def test_working_hours_agency_over_province_over_default_with_validity():
    province = ProvinceFactory()
    agency = AgencyFactory(unit=CommuneFactory(parent=province))
    WorkingHoursSetting.objects.create(
        province=province,
        morning_start=dt.time(7, 0),
        morning_end=dt.time(11, 0),
        afternoon_start=None,
        afternoon_end=None,
        valid_from=dt.date(2025, 1, 1),
    )
    WorkingHoursSetting.objects.create(
        agency=agency,
        morning_start=dt.time(8, 0),
        morning_end=dt.time(12, 0),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(17, 30),
        valid_from=dt.date(2025, 6, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    calendar = calendar_for(agency=agency)
    assert str(calendar.hours_on(dt.date(2024, 12, 31))) == "07:30–11:30, 13:30–17:00"  # default
    assert str(calendar.hours_on(dt.date(2025, 3, 3))) == "07:00–11:00"  # province
    assert str(calendar.hours_on(dt.date(2025, 6, 10))) == "08:00–12:00, 13:00–17:30"  # agency
    assert str(calendar.hours_on(dt.date(2025, 7, 1))) == "07:00–11:00"  # back to the province
    assert calendar.add_working_days(at(2025, 6, 10, 9), 1) == at(2025, 6, 11, 17, 30)
    assert calendar.add_working_hours(at(2025, 3, 3, 10), 2) == at(2025, 3, 4, 8)


def test_clock_rules_apply_from_their_date_and_the_province_wins_the_same_date():
    province = ProvinceFactory()
    ClockRuleSetting.objects.create(valid_from=dt.date(2025, 7, 1), cutoff=dt.time(16, 0))
    ClockRuleSetting.objects.create(
        province=province, valid_from=dt.date(2025, 7, 1), counting=Counting.RECEIPT_DAY
    )
    national, provincial = calendar_for(), calendar_for(unit=province)
    same_day = Term(0, cutoff=True)
    assert national.due(at(2025, 6, 30, 15, 30), same_day) == at(2025, 7, 1, 17)
    assert national.due(at(2025, 7, 1, 15, 30), same_day) == at(2025, 7, 1, 17)
    assert national.add_working_days(at(2025, 7, 2, 9), 1) == at(2025, 7, 3, 17)
    assert provincial.add_working_days(at(2025, 7, 2, 9), 1) == at(2025, 7, 2, 17)


def test_pinned_settings_skip_the_fingerprint_but_see_a_first_build(db, django_assert_max_num_queries):
    from motcua.calendars.selectors import calendar_for, settings_pinned

    calendar = calendar_for()
    with settings_pinned(), django_assert_max_num_queries(0):
        assert calendar_for() is calendar
