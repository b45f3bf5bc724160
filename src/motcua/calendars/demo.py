"""Demo calendar settings for Khánh Hòa; safe to run again (get_or_create throughout)."""

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.db.models import F

from motcua.units.models import AdministrativeUnit, UnitLevel

from .models import ClockRuleSetting, Counting, WorkingHoursSetting

TWO_TIER_FROM = dt.date(2025, 7, 1)  # NĐ 118/2025 in force


def build_demo() -> Iterator[str]:
    with transaction.atomic():
        rule, created = ClockRuleSetting.objects.get_or_create(
            province=None,
            valid_from=TWO_TIER_FROM,
            defaults={
                "counting": Counting.NEXT_WORKING_DAY,
                "cutoff": dt.time(15, 0),
                "source": "NĐ 118/2025/NĐ-CP Điều 18 (giờ chốt 15:00); ngày thứ nhất: quy tắc mặc định",
            },
        )
    yield f"Lịch: quy tắc tính hạn toàn quốc từ {rule.valid_from:%d/%m/%Y} ({'tạo mới' if created else 'đã có'})."

    province = (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code="56")
        .order_by(F("valid_from").desc(nulls_last=True))
        .first()
    )
    if province is None:
        yield "Lịch Khánh Hòa: bỏ qua — chưa có tỉnh mã 56 (chạy bước đơn vị hành chính trước)."
        return
    with transaction.atomic():
        hours, created = WorkingHoursSetting.objects.get_or_create(
            province=province,
            agency=None,
            valid_from=TWO_TIER_FROM,
            defaults={
                "morning_start": dt.time(7, 30),
                "morning_end": dt.time(11, 30),
                "afternoon_start": dt.time(13, 30),
                "afternoon_end": dt.time(17, 0),
                "source": "Cấu hình demo: giờ làm việc mặc định của Trung tâm Phục vụ hành chính công",
            },
        )
    yield f"Lịch {province.name}: giờ làm việc {hours.as_hours()} ({'tạo mới' if created else 'đã có'})."
