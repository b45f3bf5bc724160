"""Demo data for Khánh Hòa: the province's real units (from the reference data) and its agencies.

Agency codes (mã định danh) here follow a made-up but regular scheme — real codes MUST be taken
from the province's decision issuing codes under QĐ 20/2020/QĐ-TTg when deploying:

    H56                  UBND tỉnh (H + GSO province code)
    H56.01 … H56.05      provincial bodies: Trung tâm Phục vụ hành chính công, then the sở
    H56.<xã GSO>         UBND of a commune from 01/07/2025, e.g. H56.22525 (xã Vạn Hưng)
    H56.<huyện GSO>      UBND of a huyện until 30/06/2025, e.g. H56.571 (huyện Vạn Ninh)
    H56.<huyện>.<xã>     UBND of a commune until 30/06/2025, e.g. H56.571.22525 (old xã Vạn Hưng)
"""

import datetime as dt
from collections.abc import Iterator

from motcua.units.models import AdministrativeUnit, AgencyKind, UnitLevel
from motcua.units.reforms import reform_2025
from motcua.units.selectors import unit_at
from motcua.units.services import AgencySpec, agencies_upsert, units_load_province

PROVINCE_CODE = 56
# Two new communes that demo accounts and records use: xã Vạn Hưng (formed from the old xã Vạn Hưng
# and xã Xuân Sơn) and its neighbour xã Vạn Thắng.
VAN_HUNG_CODE = "22525"
VAN_THANG_CODE = "22516"
VAN_NINH_DISTRICT_CODE = "571"
OLD_XUAN_SON_CODE = "22522"

_PROVINCIAL_BODIES = [
    ("H56.01", "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa", AgencyKind.SERVICE_CENTRE),
    ("H56.02", "Sở Tư pháp tỉnh Khánh Hòa", AgencyKind.DEPARTMENT),
    ("H56.03", "Sở Tài chính tỉnh Khánh Hòa", AgencyKind.DEPARTMENT),
    ("H56.04", "Sở Nông nghiệp và Môi trường tỉnh Khánh Hòa", AgencyKind.DEPARTMENT),
    ("H56.05", "Sở Xây dựng tỉnh Khánh Hòa", AgencyKind.DEPARTMENT),
]


def demo_commune(code: str, *, at: dt.date | None = None) -> AdministrativeUnit:
    """A demo unit by GSO code as it stands on ``at`` (default: after the reform) — e.g.
    ``demo_commune(VAN_HUNG_CODE)`` is the new xã Vạn Hưng. Needs ``build_demo()`` to have run."""
    unit = unit_at(code=code, at=at or reform_2025().effective_on)
    if unit is None:
        raise AdministrativeUnit.DoesNotExist(code)
    return unit


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]  # "Xã Vạn Hưng" → "xã Vạn Hưng"


def _agency_specs() -> list[AgencySpec]:
    reform = reform_2025()
    after, before = reform.effective_on, reform.last_day_before
    province = demo_commune(f"{PROVINCE_CODE:02d}", at=after)
    # The provincial bodies are listed as bodies of the new province, from the day it was formed.
    specs = [
        AgencySpec(
            f"H{PROVINCE_CODE}",
            "Ủy ban nhân dân tỉnh Khánh Hòa",
            AgencyKind.PEOPLES_COMMITTEE,
            province,
            valid_from=after,
        )
    ]
    specs += [
        AgencySpec(code, name, kind, province, valid_from=after) for code, name, kind in _PROVINCIAL_BODIES
    ]
    communes = AdministrativeUnit.objects.valid_at(after).filter(parent=province, level=UnitLevel.COMMUNE)
    specs += [
        AgencySpec(
            f"H{PROVINCE_CODE}.{c.code}",
            f"Ủy ban nhân dân {_lower_first(c.name)}",
            AgencyKind.PEOPLES_COMMITTEE,
            c,
            valid_from=after,
        )
        for c in communes.order_by("code")
    ]
    district = demo_commune(VAN_NINH_DISTRICT_CODE, at=before)
    specs.append(
        AgencySpec(
            f"H{PROVINCE_CODE}.{district.code}",
            "Ủy ban nhân dân huyện Vạn Ninh",
            AgencyKind.PEOPLES_COMMITTEE,
            district,
            valid_to=before,
        )
    )
    for code in (OLD_XUAN_SON_CODE, VAN_HUNG_CODE):
        old = demo_commune(code, at=before)
        specs.append(
            AgencySpec(
                f"H{PROVINCE_CODE}.{district.code}.{old.code}",
                f"Ủy ban nhân dân {_lower_first(old.name)}",
                AgencyKind.PEOPLES_COMMITTEE,
                old,
                valid_to=before,
            )
        )
    return specs


def build_demo() -> Iterator[str]:
    """Load province 56 and its demo agencies; idempotent (a second run changes nothing)."""
    result = units_load_province(province_code=PROVINCE_CODE)
    yield (
        f"Đơn vị hành chính {result.province.name}: {result.units_created} mới, "
        f"{result.units_updated + result.units_unchanged} đã có; "
        f"{result.successions_created + result.successions_updated + result.successions_unchanged} quan hệ kế thừa."
    )
    created, updated = agencies_upsert(specs=_agency_specs())
    yield f"Cơ quan: {created} mới, {updated} cập nhật."
