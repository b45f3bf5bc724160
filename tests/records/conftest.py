import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.accounts.models import Role
from motcua.records.services import Applicant
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory, grant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def van_hung(province):
    return AgencyFactory(
        code="H56.57.01", name="UBND xã Vạn Hưng", unit=CommuneFactory(name="Xã Vạn Hưng", parent=province)
    )


@pytest.fixture
def van_thang(province):
    return AgencyFactory(
        code="H56.57.02", name="UBND xã Vạn Thắng", unit=CommuneFactory(name="Xã Vạn Thắng", parent=province)
    )


@pytest.fixture
def procedure(db):
    return make_procedure()  # 3 working days, 4 process steps


@pytest.fixture
def staff(van_hung):
    """desk, specialist, leader of xã Vạn Hưng."""
    people = {}
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory(username=f"vanhung.{role}")
        grant(user, role, van_hung.unit)
        people[role.value] = user
    return people


@pytest.fixture
def applicant():
    return Applicant(name="Nguyễn Thị Ánh", id_number="056190001234", phone="0905123456")
