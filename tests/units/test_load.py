"""`units_load_province` against the real reference data of Khánh Hòa (56) and Ninh Thuận (58)."""

import unicodedata

import pytest
from django.core.management import CommandError, call_command
from vietnam_provinces.legacy import District as LegacyDistrict
from vietnam_provinces.legacy import ProvinceCode as LegacyProvinceCode
from vietnam_provinces.legacy import Ward as LegacyWard

from motcua.units.models import AdministrativeUnit, Succession, UnitLevel
from motcua.units.services import units_load_province
from motcua.units.sources import UnknownProvince

from .conftest import BEFORE, REFORM

NEW_COMMUNES_OF_KHANH_HOA = 65  # NQ 1667/NQ-UBTVQH15


def test_new_province_has_its_65_communes_from_the_reform_date(khanh_hoa, at):
    province = at("56", REFORM)
    assert province == khanh_hoa.province
    assert (province.name, province.level, province.valid_from, province.valid_to) == (
        "Tỉnh Khánh Hòa",
        UnitLevel.PROVINCE,
        REFORM,
        None,
    )
    communes = AdministrativeUnit.objects.filter(parent=province)
    assert communes.count() == NEW_COMMUNES_OF_KHANH_HOA
    assert set(communes.values_list("level", "valid_from", "valid_to")) == {(UnitLevel.COMMUNE, REFORM, None)}
    assert {"xã", "phường", "đặc khu"} == set(communes.values_list("kind", flat=True))


@pytest.mark.parametrize("code", [56, 58])
def test_legacy_provinces_keep_their_districts_and_communes_until_30_06_2025(khanh_hoa, at, code):
    old = at(f"{code}", BEFORE)
    assert old.valid_to == BEFORE and old != khanh_hoa.province
    districts = AdministrativeUnit.objects.filter(parent=old, level=UnitLevel.DISTRICT)
    assert districts.count() == len(list(LegacyDistrict.iter_by_province(LegacyProvinceCode(code))))
    communes = AdministrativeUnit.objects.filter(parent__in=districts, level=UnitLevel.COMMUNE)
    assert communes.count() == len(list(LegacyWard.iter_by_province(LegacyProvinceCode(code))))
    assert not communes.exclude(valid_to=BEFORE).exists()


def test_old_provinces_are_succeeded_by_the_new_khanh_hoa(khanh_hoa, at):
    successions = Succession.objects.filter(successor=khanh_hoa.province)
    assert {(s.predecessor.code, s.predecessor.name) for s in successions} == {
        ("56", "Tỉnh Khánh Hòa"),
        ("58", "Tỉnh Ninh Thuận"),
    }
    assert {(s.effective_on, s.resolution, s.partial) for s in successions} == {
        (REFORM, "Nghị quyết số 202/2025/QH15", False)
    }


def test_van_ninh_district_and_its_old_communes_end_on_30_06_2025(khanh_hoa, at):
    van_ninh = at("571", BEFORE)
    assert (van_ninh.name, van_ninh.level, van_ninh.valid_to) == (
        "Huyện Vạn Ninh",
        UnitLevel.DISTRICT,
        BEFORE,
    )
    assert van_ninh.parent == at("56", BEFORE)
    assert AdministrativeUnit.objects.valid_at(REFORM).filter(code="571").count() == 0
    old_van_hung, xuan_son = at("22525", BEFORE), at("22522", BEFORE)
    assert (old_van_hung.name, old_van_hung.parent, old_van_hung.valid_to) == (
        "Xã Vạn Hưng",
        van_ninh,
        BEFORE,
    )
    assert (xuan_son.name, xuan_son.parent, xuan_son.valid_to) == ("Xã Xuân Sơn", van_ninh, BEFORE)


def test_new_van_hung_keeps_code_22525_and_succeeds_old_van_hung_and_xuan_son(khanh_hoa, at):
    new_van_hung = at("22525", REFORM)
    assert new_van_hung != at("22525", BEFORE)
    assert (new_van_hung.name, new_van_hung.parent) == ("Xã Vạn Hưng", khanh_hoa.province)
    successions = Succession.objects.filter(successor=new_van_hung).select_related("predecessor")
    assert {(s.predecessor.code, s.predecessor.valid_to) for s in successions} == {
        ("22522", BEFORE),
        ("22525", BEFORE),
    }
    assert {(s.effective_on, s.resolution) for s in successions} == {
        (REFORM, "Nghị quyết số 1667/NQ-UBTVQH15")
    }


def test_a_commune_split_between_new_communes_is_marked_partial(khanh_hoa, at):
    # Old xã 22711 (Cam Lâm) was divided between three new communes.
    successions = Succession.objects.filter(predecessor=at("22711", BEFORE))
    assert successions.count() == 3
    assert all(s.partial for s in successions)
    assert Succession.objects.filter(successor__code="22525", partial=False).count() == 2


def test_every_old_commune_is_succeeded_and_every_new_one_has_predecessors(khanh_hoa):
    old_communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to=BEFORE)
    new_communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_from=REFORM)
    assert not old_communes.filter(successions_out__isnull=True).exists()
    assert not new_communes.filter(successions_in__isnull=True).exists()
    assert khanh_hoa.skipped == []


def test_names_are_stored_nfc(khanh_hoa):
    for name in AdministrativeUnit.objects.values_list("name", flat=True):
        assert unicodedata.is_normalized("NFC", name)


def test_loading_twice_changes_nothing(khanh_hoa, django_assert_max_num_queries):
    before_units = list(AdministrativeUnit.objects.order_by("pk").values())
    before_successions = list(Succession.objects.order_by("pk").values())
    with django_assert_max_num_queries(6):  # reads and nothing else, however many units
        again = units_load_province(province_code=56)
    assert not again.changed
    assert again.units_unchanged == khanh_hoa.units_created
    assert again.successions_unchanged == khanh_hoa.successions_created
    assert list(AdministrativeUnit.objects.order_by("pk").values()) == before_units
    assert list(Succession.objects.order_by("pk").values()) == before_successions


def test_first_load_uses_bulk_statements(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        result = units_load_province(province_code=56)
    assert result.units_created == AdministrativeUnit.objects.count() > 200


def test_reloading_repairs_an_edited_unit(khanh_hoa, at):
    xuan_son = at("22522", BEFORE)
    AdministrativeUnit.objects.filter(pk=xuan_son.pk).update(name="Xã Sai Tên", valid_to=None)
    Succession.objects.filter(predecessor=xuan_son).update(resolution="")
    again = units_load_province(province_code=56)
    assert (again.units_updated, again.successions_updated) == (1, 1)
    xuan_son.refresh_from_db()
    assert (xuan_son.name, xuan_son.valid_to) == ("Xã Xuân Sơn", BEFORE)


def test_a_merged_province_code_points_to_the_new_province(db):
    with pytest.raises(UnknownProvince, match="56") as error:
        units_load_province(province_code=58)
    assert error.value.absorbed_into == [56]
    assert not AdministrativeUnit.objects.exists()


def test_command_loads_and_reports(db, capsys):
    call_command("units", "load", "--province", "56")
    out = capsys.readouterr().out
    assert "Tỉnh Khánh Hòa (56)" in out
    assert f"+{AdministrativeUnit.objects.count()} mới" in out
    call_command("units", "load", "--province", "56")
    assert "+0 mới, 0 cập nhật" in capsys.readouterr().out


def test_command_refuses_unknown_province_with_a_vietnamese_message(db):
    with pytest.raises(CommandError, match="Không có tỉnh/thành phố nào mang mã 99"):
        call_command("units", "load", "--province", "99")
