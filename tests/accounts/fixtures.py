"""A small province for scope tests: two new communes (one merged from two old ones), staff of
each, a province administrator and an inspector. Imported by the conftest of accounts, api and
workspace tests."""

import datetime as dt
from types import SimpleNamespace

import pytest

from motcua.accounts.models import Role
from motcua.units.models import AdministrativeUnit, Succession, UnitLevel
from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    OfferingFactory,
    ProvinceFactory,
    UserFactory,
    grant,
)

REFORM = dt.date(2025, 7, 1)
PASSWORD = "mat-khau-demo-2025"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The default hasher costs about a second per user on a small machine; the test of the
    stored hash (test_passwords.py) asks for the default back with `default_password_hashers`."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def default_password_hashers(settings):
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@pytest.fixture
def province_world(db) -> SimpleNamespace:
    province = ProvinceFactory()
    district = AdministrativeUnit.objects.create(
        code="571", name="Huyện Vạn Ninh", level=UnitLevel.DISTRICT, kind="huyện", parent=province,
        valid_to=REFORM - dt.timedelta(days=1),
    )  # fmt: skip
    old_van_hung = CommuneFactory(
        code="22525", name="Xã Vạn Hưng (cũ)", parent=district, valid_from=None, valid_to=dt.date(2025, 6, 30)
    )
    old_xuan_son = CommuneFactory(
        code="22522", name="Xã Xuân Sơn", parent=district, valid_from=None, valid_to=dt.date(2025, 6, 30)
    )
    van_hung = CommuneFactory(code="22525", name="Xã Vạn Hưng", parent=province, valid_from=REFORM)
    van_thang = CommuneFactory(code="22516", name="Xã Vạn Thắng", parent=province, valid_from=REFORM)
    for old in (old_van_hung, old_xuan_son):
        Succession.objects.create(predecessor=old, successor=van_hung, effective_on=REFORM)

    agency_a = AgencyFactory(unit=van_hung, code="H56.90.1", name="UBND xã Vạn Hưng")
    agency_b = AgencyFactory(unit=van_thang, code="H56.90.2", name="UBND xã Vạn Thắng")
    offering_a = OfferingFactory(agency=agency_a)
    offering_b = OfferingFactory(agency=agency_b)

    def staff(username: str, role: Role, unit: AdministrativeUnit):
        user = UserFactory(username=username)
        grant(user, role, unit)
        return user

    return SimpleNamespace(
        province=province,
        district=district,
        old_van_hung=old_van_hung,
        old_xuan_son=old_xuan_son,
        van_hung=van_hung,
        van_thang=van_thang,
        agency_a=agency_a,
        agency_b=agency_b,
        offering_a=offering_a,
        offering_b=offering_b,
        desk_a=staff("motcua.vanhung", Role.DESK_OFFICER, van_hung),
        admin_a=staff("quantri.vanhung", Role.UNIT_ADMIN, van_hung),
        admin_b=staff("quantri.vanthang", Role.UNIT_ADMIN, van_thang),
        province_admin=staff("quantri.tinh", Role.PROVINCE_ADMIN, province),
        inspector=staff("kiemtra.tinh", Role.INSPECTOR, province),
    )
