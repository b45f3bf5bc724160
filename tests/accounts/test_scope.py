import datetime as dt

from motcua.accounts.models import Role
from motcua.accounts.permissions import ROLE_PERMISSIONS, WRITES, Permission
from motcua.accounts.scope import can, unit_ids_in_scope, units_in_scope
from tests.factories import UserFactory, grant

TODAY = dt.date(2026, 11, 25)


def test_inspector_role_grants_no_write_at_all():
    assert ROLE_PERMISSIONS[Role.INSPECTOR].isdisjoint(WRITES)


def test_every_role_is_in_the_table_and_reads():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert all(Permission.READ in perms for perms in ROLE_PERMISSIONS.values())


def test_commune_officer_reaches_own_commune_not_the_neighbour(province_world):
    w = province_world
    assert can(w.desk_a, Permission.READ, w.van_hung, at=TODAY)
    assert not can(w.desk_a, Permission.READ, w.van_thang, at=TODAY)
    assert not can(w.desk_a, Permission.READ, w.province, at=TODAY)


def test_grant_on_new_commune_reads_its_predecessors_history_but_writes_only_today(province_world):
    w = province_world
    readable = set(units_in_scope(w.admin_a, at=TODAY))
    assert {w.van_hung, w.old_van_hung, w.old_xuan_son} <= readable
    assert w.van_thang not in readable
    assert can(w.admin_a, Permission.CHANGE_SETTINGS, w.van_hung, at=TODAY)
    assert not can(w.admin_a, Permission.CHANGE_SETTINGS, w.old_xuan_son, at=TODAY)


def test_province_admin_sees_every_commune_of_the_province(province_world):
    w = province_world
    readable = set(units_in_scope(w.province_admin, at=TODAY))
    assert {w.province, w.van_hung, w.van_thang, w.old_van_hung, w.old_xuan_son, w.district} <= readable
    assert can(w.province_admin, Permission.CHANGE_SETTINGS, w.van_thang, at=TODAY)


def test_province_scope_excludes_another_province(province_world):
    from tests.factories import CommuneFactory, ProvinceFactory

    other = CommuneFactory(parent=ProvinceFactory(code="58", name="Tỉnh Ninh Thuận"))
    assert not can(province_world.province_admin, Permission.READ, other, at=TODAY)


def test_inspector_reads_the_province_but_changes_nothing(province_world):
    w = province_world
    assert can(w.inspector, Permission.INSPECT, w.van_thang, at=TODAY)
    for permission in WRITES:
        assert not can(w.inspector, permission, w.van_thang, at=TODAY)
        assert unit_ids_in_scope(w.inspector, permission, at=TODAY) == frozenset()


def test_desk_officer_cannot_change_offerings_even_at_home(province_world):
    assert not can(province_world.desk_a, Permission.CHANGE_SETTINGS, province_world.van_hung, at=TODAY)


def test_union_of_two_grants(province_world):
    w = province_world
    user = UserFactory()
    grant(user, Role.SPECIALIST, w.van_hung)
    grant(user, Role.SPECIALIST, w.van_thang)
    assert {w.van_hung, w.van_thang} <= set(units_in_scope(user, at=TODAY))


def test_deactivated_account_reaches_nothing(province_world):
    user = province_world.province_admin
    user.is_active = False
    assert unit_ids_in_scope(user, at=TODAY) == frozenset()


def test_before_the_reform_the_new_commune_did_not_exist(province_world):
    w = province_world
    assert not can(w.admin_a, Permission.CHANGE_SETTINGS, w.van_hung, at=dt.date(2025, 6, 30))
