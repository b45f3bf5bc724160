"""Records with known outcomes in March 2026, walked through the real services, for the index's
counting tests. Each record's fate is written next to it so that tests derive counts by hand."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from motcua.accounts.models import Role
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.services import Applicant, record_intake_at_counter, record_perform
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory, grant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@dataclass
class Office:
    agency: object
    staff: dict
    procedure: object

    def intake(self, at: dt.datetime, **kwargs) -> Record:
        return record_intake_at_counter(
            procedure=self.procedure,
            agency=self.agency,
            applicant=Applicant(name="Trần Văn Bình", id_number="056190001234"),
            actor=self.staff["desk"],
            at=at,
            **kwargs,
        )

    def do(self, record: Record, action: Action, who: str, at: dt.datetime, **params) -> Record:
        return record_perform(record=record, action=action, actor=self.staff[who], at=at, **params)

    def approve(self, record: Record, at: dt.datetime) -> Record:
        if record.state != "received":  # already assigned
            return self.do(record, Action.APPROVE, "leader", at)
        record = self.do(
            record, Action.ASSIGN, "desk", at - dt.timedelta(minutes=30), to_user=self.staff["specialist"]
        )
        return self.do(record, Action.APPROVE, "leader", at)

    def supplement(self, record: Record, asked: dt.datetime, back: dt.datetime) -> Record:
        if record.holder_id != self.staff["specialist"].pk:
            record = self.do(
                record,
                Action.ASSIGN,
                "desk",
                asked - dt.timedelta(minutes=5),
                to_user=self.staff["specialist"],
            )
        record = self.do(record, Action.REQUEST_SUPPLEMENT, "specialist", asked, missing=["Giấy ủy quyền"])
        return self.do(record, Action.SUPPLEMENT_RECEIVED, "desk", back)


def office_for(unit, code: str, procedure) -> Office:
    agency = AgencyFactory(code=code, name=f"UBND {unit.name.lower()}", unit=unit)
    staff = {}
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory(username=f"{code}.{role}")
        grant(user, role, unit)
        staff[role.value] = user
    return Office(agency=agency, staff=staff, procedure=procedure)


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def procedure(db):
    return make_procedure()  # 3 working days


@pytest.fixture
def van_hung(province, procedure) -> Office:
    unit = CommuneFactory(code="22525", name="Xã Vạn Hưng", parent=province)
    return office_for(unit, "H56.22525", procedure)
