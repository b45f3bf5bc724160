import pytest

from motcua.calendars.demo import build_demo
from motcua.calendars.models import ClockRuleSetting, WorkingHoursSetting
from motcua.calendars.selectors import calendar_for
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_demo_records_khanh_hoa_settings_once():
    province = ProvinceFactory()
    first = list(build_demo())
    second = list(build_demo())
    assert len(first) == len(second) == 2
    assert ClockRuleSetting.objects.count() == 1
    assert WorkingHoursSetting.objects.filter(province=province).count() == 1
    assert "Khánh Hòa" in second[1]
    assert calendar_for(unit=province).hours[-1][1].length == 7 * 3600 + 1800


def test_demo_without_the_province_skips_its_step():
    lines = list(build_demo())
    assert "bỏ qua" in lines[-1]
    assert not WorkingHoursSetting.objects.exists()
