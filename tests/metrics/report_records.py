"""Records with known outcomes for the report tests, walked through the real services.

The month under report is March 2026 (xã Vạn Hưng); each record's expected class is stated here
by construction (an end time chosen before, on, or after the due moment the service computed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from motcua.accounts.models import Role
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.services import Applicant, record_intake_at_counter, record_perform
from tests.catalog.factories import make_procedure
from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    OfferingFactory,
    ProvinceFactory,
    UserFactory,
    grant,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 4, 10, 9, 0, tzinfo=VN)
APPLICANT = Applicant(name="Nguyễn Thị Ánh", id_number="056190001234", phone="0905123456")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@dataclass
class World:
    agency: object
    other_agency: object
    staff: dict
    business: object  # procedure in field "Hộ kinh doanh", offered fully online
    birth: object  # procedure in field "Hộ tịch", offered partly online
    records: dict[str, Record]


def build_world() -> World:
    province = ProvinceFactory()
    agency = AgencyFactory(
        code="H56.57.01",
        name="UBND xã Vạn Hưng",
        unit=CommuneFactory(code="22525", name="Xã Vạn Hưng", parent=province),
    )
    other = AgencyFactory(
        code="H56.57.02",
        name="UBND xã Vạn Thắng",
        unit=CommuneFactory(code="22526", name="Xã Vạn Thắng", parent=province),
    )
    staff = {}
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory(username=f"bc.{role}")
        grant(user, role, agency.unit)
        grant(user, role, other.unit)
        staff[role.value] = user
    business = make_procedure()
    birth = make_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", field="ho-tich")
    OfferingFactory(procedure=business, agency=agency, online_level="full", valid_from=dt.date(2025, 7, 1))
    OfferingFactory(procedure=birth, agency=agency, online_level="partial", valid_from=dt.date(2025, 7, 1))
    return World(agency, other, staff, business, birth, {})


def intake(
    w: World, name: str, at: dt.datetime, *, procedure=None, action=Action.SUBMIT_COUNTER, agency=None
) -> Record:
    record = record_intake_at_counter(
        procedure=procedure or w.business,
        agency=agency or w.agency,
        applicant=APPLICANT,
        actor=w.staff["desk"],
        action=action,
        at=at,
    )
    w.records[name] = record
    return record


def finish(w: World, name: str, at: dt.datetime) -> Record:
    record = w.records[name]
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=w.staff["desk"],
        to_user=w.staff["specialist"],
        at=min(at, record.received_at + dt.timedelta(minutes=5)),
    )
    record = record_perform(record=record, action=Action.APPROVE, actor=w.staff["leader"], at=at)
    record = record_perform(
        record=record, action=Action.RETURN_RESULT, actor=w.staff["desk"], at=at + dt.timedelta(minutes=10)
    )
    w.records[name] = record
    return record


def facts(record: Record, **values) -> None:
    """Facts of the national sync that no motcua service sets yet (payments, digitization)."""
    Record.objects.filter(pk=record.pk).update(**values)


def march_world() -> World:
    """A: online (assisted), finished the day of intake → early. B: post, finished on its due day an
    hour before the due moment → on time. C: finished two days after due → late. D: open, due
    before 31/03 → overdue at the end. E: received 30/03, open → within. F: received in February,
    finished late in March → carried over, resolved late. G: all in February; H: April — outside.
    I: birth registration (Hộ tịch), online partial, received 16/03, finished early. J: another
    commune's record in March — never counted for xã Vạn Hưng."""
    w = build_world()
    a = intake(w, "A", local(2026, 3, 2, 9, 0), action=Action.SUBMIT_ASSISTED)
    finish(w, "A", local(2026, 3, 2, 10, 0))
    b = intake(w, "B", local(2026, 3, 2, 8, 0), action=Action.SUBMIT_POST)
    finish(w, "B", b.due_at - dt.timedelta(hours=1))
    c = intake(w, "C", local(2026, 3, 3, 9, 0))
    finish(w, "C", c.due_at + dt.timedelta(days=2))
    intake(w, "D", local(2026, 3, 20, 9, 0))
    intake(w, "E", local(2026, 3, 30, 9, 0))
    f = intake(w, "F", local(2026, 2, 20, 9, 0))
    finish(w, "F", max(f.due_at + dt.timedelta(days=1), local(2026, 3, 5, 9, 0)))
    intake(w, "G", local(2026, 2, 10, 9, 0))
    finish(w, "G", local(2026, 2, 10, 10, 0))
    intake(w, "H", local(2026, 4, 1, 9, 0))
    intake(w, "I", local(2026, 3, 16, 9, 0), procedure=w.birth, action=Action.SUBMIT_ASSISTED)
    finish(w, "I", local(2026, 3, 16, 11, 0))
    intake(w, "J", local(2026, 3, 10, 9, 0), agency=w.other_agency)
    facts(
        a,
        has_digitized_components=True,
        has_e_result=True,
        fees_total_vnd=1_234_567,
        paid_online="1",
        reused_data=True,
    )
    facts(b, has_digitized_components=True, has_e_result=True, fees_total_vnd=50_000, paid_online="2")
    facts(c, has_digitized_components=True, fees_total_vnd=20_000)
    for name in ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J"):
        w.records[name].refresh_from_db()
    return w
