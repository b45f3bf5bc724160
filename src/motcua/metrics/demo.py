"""Demo targets: the province asks every unit for 45 % of records filed online (2025 and 2026)."""

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from motcua.units.models import AdministrativeUnit, UnitLevel

from .targets import Target

DEMO_ONLINE_TARGET = Decimal("45.00")
DEMO_YEARS = (2025, 2026)
SOURCE = "Chỉ tiêu minh họa của bản demo (kế hoạch cải cách hành chính của tỉnh)."


def build_demo() -> Iterator[str]:
    today = timezone.localdate()
    province = AdministrativeUnit.objects.valid_at(today).filter(level=UnitLevel.PROVINCE, code="56").first()
    if province is None:
        yield "Chỉ tiêu: chưa có tỉnh Khánh Hòa (chạy demo đơn vị trước) — bỏ qua."
        return
    for year in DEMO_YEARS:
        Target.objects.get_or_create(
            unit=province,
            agency=None,
            year=year,
            defaults={"online_filing_percent": DEMO_ONLINE_TARGET, "source": SOURCE},
        )
    yield f"Chỉ tiêu: {DEMO_ONLINE_TARGET} % hồ sơ trực tuyến cho {province.name}, năm {', '.join(map(str, DEMO_YEARS))}."
