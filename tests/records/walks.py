"""Records walked through the real services, for the tests of the papers they issue."""

import datetime as dt

from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.services import record_intake_at_counter, record_perform, record_submit

from .conftest import local

SUPPLEMENT_MISSING = ["Hợp đồng thuê địa điểm kinh doanh có chữ ký bên cho thuê", "Giấy ủy quyền"]
SUPPLEMENT_REASON = "Hồ sơ chưa đủ giấy tờ theo quy định"
EXTEND_REASON = "Cần xác minh địa điểm kinh doanh với Ủy ban nhân dân xã Đại Lãnh"
NEW_DUE_ON = dt.date(2026, 3, 18)


def full_walk(procedure, agency, staff, applicant) -> Record:
    """Intake Mon 02/03/2026 → assign → supplement → completed 10/03 → apology 11/03 → approved
    and returned 17/03."""
    record = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    steps = [
        (Action.ASSIGN, "desk", local(2026, 3, 2, 9, 30), {"to_user": staff["specialist"]}),
        (
            Action.REQUEST_SUPPLEMENT,
            "specialist",
            local(2026, 3, 3, 14, 0),
            {"missing": SUPPLEMENT_MISSING, "reason": SUPPLEMENT_REASON},
        ),
        (Action.SUPPLEMENT_RECEIVED, "desk", local(2026, 3, 10, 8, 0), {}),
        (
            Action.EXTEND,
            "leader",
            local(2026, 3, 11, 10, 0),
            {"new_due_on": NEW_DUE_ON, "reason": EXTEND_REASON},
        ),
        (Action.APPROVE, "leader", local(2026, 3, 17, 10, 0), {}),
        (Action.RETURN_RESULT, "desk", local(2026, 3, 17, 15, 0), {}),
    ]
    for action, who, at, params in steps:
        record = record_perform(record=record, action=action, actor=staff[who], at=at, **params)
    return record


def quick_walk(procedure, agency, staff, applicant) -> Record:
    """Everything on Monday 02/03/2026, each step handed on the day before its deadline or earlier."""
    record = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 8, 0),
    )
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 8, 5),
    )
    record = record_perform(
        record=record, action=Action.APPROVE, actor=staff["leader"], at=local(2026, 3, 2, 9, 0)
    )
    return record_perform(
        record=record, action=Action.RETURN_RESULT, actor=staff["desk"], at=local(2026, 3, 2, 9, 30)
    )


def refused_at_intake(procedure, agency, staff, applicant, reason: str) -> Record:
    record = record_submit(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 4, 8, 0),
    )
    return record_perform(
        record=record,
        action=Action.REFUSE_INTAKE,
        actor=staff["desk"],
        reason=reason,
        at=local(2026, 3, 4, 8, 20),
    )


def stopped(procedure, agency, staff, applicant, reason: str) -> Record:
    record = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 5, 9, 0),
    )
    return record_perform(
        record=record, action=Action.STOP, actor=staff["leader"], reason=reason, at=local(2026, 3, 6, 10, 0)
    )


def withdrawn(procedure, agency, staff, applicant) -> Record:
    record = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 5, 9, 0),
    )
    return record_perform(
        record=record, action=Action.WITHDRAW, actor=None, as_applicant=True, at=local(2026, 3, 6, 8, 0)
    )


def twice_supplemented(procedure, agency, staff, applicant) -> Record:
    record = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 8, 0),
    )
    steps = [
        (Action.ASSIGN, "desk", local(2026, 3, 2, 8, 5), {"to_user": staff["specialist"]}),
        (Action.REQUEST_SUPPLEMENT, "specialist", local(2026, 3, 2, 9, 0), {"missing": ["Giấy ủy quyền"]}),
        (Action.SUPPLEMENT_RECEIVED, "desk", local(2026, 3, 2, 10, 0), {}),
        (Action.REQUEST_SUPPLEMENT, "specialist", local(2026, 3, 2, 11, 0), {"missing": ["Bản đồ vị trí"]}),
        (Action.SUPPLEMENT_RECEIVED, "desk", local(2026, 3, 2, 14, 0), {}),
        (Action.APPROVE, "leader", local(2026, 3, 2, 15, 0), {}),
    ]
    for action, who, at, params in steps:
        record = record_perform(record=record, action=action, actor=staff[who], at=at, **params)
    return record
