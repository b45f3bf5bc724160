"""The Khánh Hòa demo: real units, one UBND per new commune, the historical agencies."""

from motcua.units.demo import VAN_HUNG_CODE, VAN_THANG_CODE, build_demo, demo_commune
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind
from motcua.units.validators import validate_agency_code

from .conftest import BEFORE, REFORM


def test_demo_has_a_peoples_committee_for_every_new_commune(db):
    list(build_demo())
    province = demo_commune("56")
    new_communes = AdministrativeUnit.objects.filter(parent=province)
    committees = Agency.objects.filter(unit__in=new_communes, kind=AgencyKind.PEOPLES_COMMITTEE)
    assert set(committees.values_list("unit", flat=True)) == set(new_communes.values_list("pk", flat=True))
    assert set(committees.values_list("valid_from", "valid_to")) == {(REFORM, None)}
    for code in Agency.objects.values_list("code", flat=True):
        validate_agency_code(code)


def test_demo_has_the_provincial_bodies(db):
    list(build_demo())
    names = set(Agency.objects.filter(unit=demo_commune("56")).values_list("name", flat=True))
    assert {
        "Ủy ban nhân dân tỉnh Khánh Hòa",
        "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
        "Sở Tư pháp tỉnh Khánh Hòa",
        "Sở Tài chính tỉnh Khánh Hòa",
        "Sở Nông nghiệp và Môi trường tỉnh Khánh Hòa",
        "Sở Xây dựng tỉnh Khánh Hòa",
    } == names


def test_demo_keeps_the_historical_agencies_of_van_ninh(db):
    list(build_demo())
    historical = Agency.objects.filter(valid_to=BEFORE).select_related("unit")
    assert {(a.name, a.unit.code, a.unit.valid_to) for a in historical} == {
        ("Ủy ban nhân dân huyện Vạn Ninh", "571", BEFORE),
        ("Ủy ban nhân dân xã Vạn Hưng", "22525", BEFORE),
        ("Ủy ban nhân dân xã Xuân Sơn", "22522", BEFORE),
    }
    assert Agency.objects.valid_at(REFORM).filter(unit__code="571").count() == 0


def test_demo_communes_for_accounts_are_the_new_units(db):
    list(build_demo())
    van_hung, van_thang = demo_commune(VAN_HUNG_CODE), demo_commune(VAN_THANG_CODE)
    assert (van_hung.name, van_hung.valid_from) == ("Xã Vạn Hưng", REFORM)
    assert (van_thang.name, van_thang.valid_from) == ("Xã Vạn Thắng", REFORM)
    assert van_hung.agencies.get().code == "H56.22525"


def test_demo_runs_twice_without_changes(db):
    list(build_demo())
    snapshot = list(Agency.objects.order_by("pk").values())
    lines = list(build_demo())
    assert "Cơ quan: 0 mới, 0 cập nhật." in lines
    assert list(Agency.objects.order_by("pk").values()) == snapshot
