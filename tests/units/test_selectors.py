"""The hierarchy questions, asked on dates before and after the 2025 reorganisation."""

import datetime as dt

import pytest
from vietnam_provinces.legacy import District as LegacyDistrict
from vietnam_provinces.legacy import DistrictCode as LegacyDistrictCode
from vietnam_provinces.legacy import ProvinceCode as LegacyProvinceCode
from vietnam_provinces.legacy import Ward as LegacyWard

from motcua.units.models import AdministrativeUnit, Succession, UnitLevel
from motcua.units.selectors import (
    current_successors,
    unit_scope_with_history,
    unit_subtree,
    unit_with_predecessors,
    units_with_predecessors,
)

from .conftest import BEFORE, REFORM

LATER = dt.date(2026, 11, 25)


def codes(units) -> set[tuple[str, dt.date | None]]:
    return set(units.values_list("code", "valid_to"))


def test_subtree_of_the_new_province_after_the_reform(khanh_hoa, at):
    subtree = unit_subtree(unit=khanh_hoa.province, at=LATER)
    assert subtree.count() == 1 + AdministrativeUnit.objects.filter(parent=khanh_hoa.province).count()
    assert not subtree.filter(valid_to=BEFORE).exists()


def test_subtree_of_the_old_province_before_the_reform(khanh_hoa, at):
    old = at("56", BEFORE)
    subtree = unit_subtree(unit=old, at=BEFORE)
    expected = (
        1
        + len(list(LegacyDistrict.iter_by_province(LegacyProvinceCode(56))))
        + len(list(LegacyWard.iter_by_province(LegacyProvinceCode(56))))
    )
    assert subtree.count() == expected
    assert subtree.filter(code="571", level=UnitLevel.DISTRICT).exists()
    assert not subtree.filter(valid_from=REFORM).exists()


def test_a_unit_has_no_subtree_on_a_date_it_did_not_exist(khanh_hoa, at):
    assert not unit_subtree(unit=khanh_hoa.province, at=BEFORE).exists()
    assert not unit_subtree(unit=at("571", BEFORE), at=REFORM).exists()


def test_van_ninh_district_holds_old_van_hung_and_xuan_son_not_the_new_van_hung(khanh_hoa, at):
    subtree = unit_subtree(unit=at("571", BEFORE), at=BEFORE)
    assert {at("22525", BEFORE), at("22522", BEFORE)} <= set(subtree)
    assert at("22525", REFORM) not in subtree
    assert subtree.count() == 1 + len(list(LegacyWard.iter_by_district(LegacyDistrictCode(571))))


def test_new_van_hung_has_the_two_old_communes_as_predecessors(khanh_hoa, at):
    new_van_hung = at("22525", REFORM)
    assert codes(unit_with_predecessors(unit=new_van_hung, at=REFORM)) == {
        ("22525", None),
        ("22525", BEFORE),
        ("22522", BEFORE),
    }


def test_predecessors_are_not_followed_before_the_succession_takes_effect(khanh_hoa, at):
    new_van_hung = at("22525", REFORM)
    assert list(unit_with_predecessors(unit=new_van_hung, at=BEFORE)) == [new_van_hung]
    # Without a date every recorded succession counts.
    assert unit_with_predecessors(unit=new_van_hung).count() == 3


def test_predecessors_are_followed_transitively(khanh_hoa, at):
    # A hypothetical later merger: the 2025 predecessors stay reachable through it.
    later_unit = AdministrativeUnit.objects.create(
        code="99999", name="Xã Tương Lai", level=UnitLevel.COMMUNE, valid_from=dt.date(2027, 1, 1)
    )
    Succession.objects.create(
        predecessor=at("22525", REFORM), successor=later_unit, effective_on=dt.date(2027, 1, 1)
    )
    reached = unit_with_predecessors(unit=later_unit, at=dt.date(2027, 1, 1))
    assert codes(reached) == {("99999", None), ("22525", None), ("22525", BEFORE), ("22522", BEFORE)}


def test_new_province_has_the_absorbed_provinces_as_predecessors(khanh_hoa, at):
    reached = unit_with_predecessors(unit=khanh_hoa.province, at=LATER)
    assert set(reached) == {khanh_hoa.province, at("56", BEFORE), at("58", BEFORE)}


def test_predecessors_of_many_units_in_one_query(khanh_hoa, at, django_assert_num_queries):
    new = AdministrativeUnit.objects.filter(parent=khanh_hoa.province)
    with django_assert_num_queries(2):  # the seed ids, then the walk
        reached = set(units_with_predecessors(units=new, at=LATER))
    old_communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to=BEFORE)
    assert reached == set(new) | set(old_communes)


def test_each_selector_is_one_query(khanh_hoa, at, django_assert_num_queries):
    new_van_hung, van_ninh = at("22525", REFORM), at("571", BEFORE)
    with django_assert_num_queries(1):
        list(unit_subtree(unit=khanh_hoa.province, at=LATER))
    with django_assert_num_queries(1):
        list(unit_with_predecessors(unit=new_van_hung, at=LATER))
    with django_assert_num_queries(1):
        list(unit_scope_with_history(unit=khanh_hoa.province, at=LATER))
    with django_assert_num_queries(1):
        list(current_successors(unit=van_ninh, at=LATER))


def test_history_scope_of_the_new_province_covers_both_old_provinces(khanh_hoa, at):
    scope = unit_scope_with_history(unit=khanh_hoa.province, at=LATER)
    assert set(scope) == set(AdministrativeUnit.objects.all())  # everything loaded belongs to 56 now
    ninh_thuan_district = AdministrativeUnit.objects.filter(parent=at("58", BEFORE)).first()
    assert ninh_thuan_district in scope


def test_history_scope_of_new_van_hung_is_the_commune_and_its_two_predecessors(khanh_hoa, at):
    scope = unit_scope_with_history(unit=at("22525", REFORM), at=LATER)
    assert codes(scope) == {("22525", None), ("22525", BEFORE), ("22522", BEFORE)}


@pytest.mark.parametrize("old_code", ["22522", "22525"])
def test_old_communes_are_now_new_van_hung(khanh_hoa, at, old_code):
    old = at(old_code, BEFORE)
    assert list(current_successors(unit=old, at=LATER)) == [at("22525", REFORM)]
    assert list(current_successors(unit=old, at=BEFORE)) == [old]


def test_a_district_hands_over_through_its_communes(khanh_hoa, at):
    van_ninh = at("571", BEFORE)
    successors = current_successors(unit=van_ninh, at=LATER)
    expected = AdministrativeUnit.objects.filter(
        successions_in__predecessor__parent=van_ninh, valid_from=REFORM
    ).distinct()
    assert set(successors) == set(expected)
    assert {"Xã Vạn Hưng", "Xã Vạn Thắng", "Xã Vạn Ninh"} <= {u.name for u in successors}
    assert list(current_successors(unit=van_ninh, at=BEFORE)) == [van_ninh]


def test_old_ninh_thuan_is_now_khanh_hoa(khanh_hoa, at):
    assert list(current_successors(unit=at("58", BEFORE), at=LATER)) == [khanh_hoa.province]
