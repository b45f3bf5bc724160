"""Records with known fates for the index dashboard tests (ranking, explain, pages, browser),
walked through the real services: received on Monday 02/03/2026 under a procedure of 3 working
days (due Thursday 05/03/2026), approved the same day (on time) or on 12/03 (late)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from motcua.accounts.models import Role
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.services import Applicant, record_intake_at_counter, record_perform
from tests.factories import AgencyFactory, CommuneFactory, UserFactory, grant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 4, 10, 9, 0, tzinfo=VN)
RECEIVED = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN)
ON_TIME_END = dt.datetime(2026, 3, 2, 15, 0, tzinfo=VN)
LATE_END = dt.datetime(2026, 3, 12, 15, 0, tzinfo=VN)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@dataclass
class Office:
    agency: object
    staff: dict
    procedure: object

    def intake(self, at: dt.datetime = RECEIVED) -> Record:
        return record_intake_at_counter(
            procedure=self.procedure,
            agency=self.agency,
            applicant=Applicant(name="Trần Văn Bình", id_number="056190001234"),
            actor=self.staff["desk"],
            at=at,
        )

    def approve(self, record: Record, at: dt.datetime) -> Record:
        record = record_perform(
            record=record, action=Action.ASSIGN, actor=self.staff["desk"], at=at - dt.timedelta(minutes=30),
            to_user=self.staff["specialist"],
        )  # fmt: skip
        return record_perform(record=record, action=Action.APPROVE, actor=self.staff["leader"], at=at)

    def records(self, *, on_time: int = 0, late: int = 0) -> tuple[list[Record], list[Record]]:
        early = [self.approve(self.intake(), ON_TIME_END) for _ in range(on_time)]
        overdue = [self.approve(self.intake(), LATE_END) for _ in range(late)]
        return early, overdue


def office(province, code: str, name: str, procedure) -> Office:
    unit = CommuneFactory(code=code, name=name, parent=province)
    agency = AgencyFactory(code=f"H56.{code}", name=f"UBND {name[:1].lower()}{name[1:]}", unit=unit)
    staff = {}
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory(username=f"{code}.{role}")
        grant(user, role, unit)
        staff[role.value] = user
    return Office(agency=agency, staff=staff, procedure=procedure)
