import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.calendars.models import DayKind, DayOverride, WorkingHoursSetting
from tests.factories import AgencyFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_one_national_setting_per_day():
    DayOverride.objects.create(day=dt.date(2027, 2, 5), kind=DayKind.DAY_OFF, reason="Tết")
    with pytest.raises(IntegrityError), transaction.atomic():
        DayOverride.objects.create(day=dt.date(2027, 2, 5), kind=DayKind.WORKING, reason="x")
    DayOverride.objects.create(
        province=ProvinceFactory(), day=dt.date(2027, 2, 5), kind=DayKind.WORKING, reason="Tỉnh làm việc"
    )


def test_overlapping_working_hours_are_refused_with_a_vietnamese_message():
    hours = WorkingHoursSetting(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(14, 0),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 0),
        valid_from=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError, match="không chồng lấn"):
        hours.full_clean()


def test_hours_belong_to_an_agency_or_a_province_not_both():
    hours = WorkingHoursSetting(
        agency=AgencyFactory(), province=ProvinceFactory(), valid_from=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="không chọn cả hai"):
        hours.full_clean()
