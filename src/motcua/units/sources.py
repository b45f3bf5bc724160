"""Read one province's units — before and after 01/07/2025 — and the old → new mapping from the
``vietnam-provinces`` package (GPL-3.0, like motcua). Pure data: no database here.

GSO codes are zero-padded by level (tỉnh 2, huyện 3, xã 5 digits) as the GSO lists print them,
so codes of different levels never collide."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.text import nfc
from motcua.units.models import UnitLevel
from motcua.units.reforms import Reform

UnitKey = tuple[str, dt.date | None]  # (code, valid_from): the model's natural key


@dataclass(frozen=True)
class UnitSpec:
    code: str
    level: str
    name: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    parent: UnitKey | None

    @property
    def key(self) -> UnitKey:
        return (self.code, self.valid_from)


@dataclass(frozen=True)
class SuccessionSpec:
    predecessor: UnitKey
    successor: UnitKey
    effective_on: dt.date
    resolution: str
    partial: bool


@dataclass(frozen=True)
class ProvinceSource:
    province: UnitSpec
    units: list[UnitSpec]  # parents before children
    successions: list[SuccessionSpec]


class UnknownProvince(ValueError):
    """The code is not a province after 01/07/2025; ``absorbed_into`` names the new province(s) of a
    legacy code so that the message can point the user there."""

    def __init__(self, code: int, absorbed_into: list[int]) -> None:
        self.code, self.absorbed_into = code, absorbed_into
        if absorbed_into:
            message = _("Tỉnh mã %(code)s đã hợp nhất từ 01/07/2025; hãy nạp tỉnh mới mã %(new)s.") % {
                "code": province_code(code),
                "new": ", ".join(province_code(c) for c in absorbed_into),
            }
        else:
            message = _("Không có tỉnh/thành phố nào mang mã %(code)s.") % {"code": code}
        super().__init__(message)


def province_code(code: int) -> str:
    return f"{code:02d}"


def district_code(code: int) -> str:
    return f"{code:03d}"


def ward_code(code: int) -> str:
    return f"{code:05d}"


def read_province(code: int, *, reform: Reform) -> ProvinceSource:
    """The new province ``code`` with its communes, the legacy provinces it was formed from with their
    districts and communes (valid to the day before the reform), and the successions between them."""
    # Imported here: the package's tables are large and only the loader needs them.
    from vietnam_provinces import Province, ProvinceCode, Ward
    from vietnam_provinces import _province_conversion_2025 as province_conversion
    from vietnam_provinces import _ward_conversion_2025 as ward_conversion
    from vietnam_provinces.legacy import District as LegacyDistrict
    from vietnam_provinces.legacy import Province as LegacyProvince
    from vietnam_provinces.legacy import ProvinceCode as LegacyProvinceCode
    from vietnam_provinces.legacy import Ward as LegacyWard

    try:
        new_province = Province.from_code(ProvinceCode(code))
    except ValueError:
        absorbed_into = province_conversion.OLD_TO_NEW.get(code)
        new_codes = [ref.code for ref in absorbed_into.new_provinces] if absorbed_into else []
        raise UnknownProvince(code, new_codes) from None

    start, end = reform.effective_on, reform.last_day_before
    new_key: UnitKey = (province_code(code), start)
    province = UnitSpec(
        code=new_key[0],
        level=UnitLevel.PROVINCE,
        name=nfc(new_province.name),
        kind=nfc(str(new_province.division_type)),
        valid_from=start,
        valid_to=None,
        parent=None,
    )
    units = [province]
    new_wards = list(Ward.iter_by_province(new_province.code))
    units += [
        UnitSpec(
            code=ward_code(int(w.code)),
            level=UnitLevel.COMMUNE,
            name=nfc(w.name),
            kind=nfc(str(w.division_type)),
            valid_from=start,
            valid_to=None,
            parent=new_key,
        )
        for w in new_wards
    ]

    successions: list[SuccessionSpec] = []
    legacy_codes = [ref.code for ref in province_conversion.NEW_TO_OLD[code].old_provinces]
    for old_code in legacy_codes:
        old = LegacyProvince.from_code(LegacyProvinceCode(old_code))
        old_key: UnitKey = (province_code(old_code), None)
        units.append(
            UnitSpec(
                code=old_key[0],
                level=UnitLevel.PROVINCE,
                name=nfc(old.name),
                kind=nfc(str(old.division_type)),
                valid_from=None,
                valid_to=end,
                parent=None,
            )
        )
        # A legacy province split between two new ones passes on only part of itself.
        split = len(province_conversion.OLD_TO_NEW[old_code].new_provinces) > 1
        successions.append(SuccessionSpec(old_key, new_key, start, reform.province_resolution, partial=split))
        for d in LegacyDistrict.iter_by_province(old.code):
            units.append(
                UnitSpec(
                    code=district_code(int(d.code)),
                    level=UnitLevel.DISTRICT,
                    name=nfc(d.name),
                    kind=nfc(str(d.division_type)),
                    valid_from=None,
                    valid_to=end,
                    parent=old_key,
                )
            )
        units += [
            UnitSpec(
                code=ward_code(int(w.code)),
                level=UnitLevel.COMMUNE,
                name=nfc(w.name),
                kind=nfc(str(w.division_type)),
                valid_from=None,
                valid_to=end,
                parent=(district_code(int(w.district_code)), None),
            )
            for w in LegacyWard.iter_by_province(old.code)
        ]

    # Commune successions in both directions: into this province's new communes, and out of its
    # old communes into another province's new ones — whichever province is loaded second links
    # the pair, so the load order does not matter.
    pairs: dict[tuple[int, int], SuccessionSpec] = {}

    def link(old_ref: "ward_conversion.OldWardRef", new_ref: "ward_conversion.NewWardRef") -> None:
        pairs[(old_ref.code, new_ref.code)] = SuccessionSpec(
            predecessor=(ward_code(old_ref.code), None),
            successor=(ward_code(new_ref.code), start),
            effective_on=start,
            resolution=reform.commune_resolution(province_code(new_ref.province_code)),
            partial=old_ref.is_partly_merged,
        )

    for w in new_wards:
        if into := ward_conversion.NEW_TO_OLD.get(int(w.code)):
            for old_ref in into.old_wards:
                link(old_ref, into.new_ward)
    for old_code in legacy_codes:
        for old_ward in LegacyWard.iter_by_province(LegacyProvinceCode(old_code)):
            if out := ward_conversion.OLD_TO_NEW.get(int(old_ward.code)):
                for new_ref in out.new_wards:
                    link(out.old_ward, new_ref)
    successions += pairs.values()
    # Parents first, so that the loader can insert level by level.
    order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    units.sort(key=lambda u: order[UnitLevel(u.level)])
    return ProvinceSource(province=province, units=units, successions=successions)
