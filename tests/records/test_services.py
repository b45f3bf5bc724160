import datetime as dt

import pytest

from motcua.accounts.models import Role
from motcua.records.errors import InvalidRecordInput, RecordConflict, RecordNotVisible
from motcua.records.lifecycle import Action, ActorNotAllowed, GuardFailed, State
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.services import record_intake_at_counter, record_perform, record_submit
from motcua.records.timeliness import Timeliness, classify
from tests.factories import UserFactory, grant

from .conftest import local


def intake(procedure, agency, applicant, desk, at):
    return record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=at
    )


def with_the_specialist(procedure, agency, applicant, staff, received=None, assigned=None):
    """Received at the counter and assigned to the specialist (at the given times, or now)."""
    record = intake(procedure, agency, applicant, staff["desk"], received)
    return record_perform(
        record=record, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"], at=assigned
    )


def test_counter_intake_numbers_the_record_and_starts_the_clock(procedure, van_hung, staff, applicant):
    at = local(2026, 3, 6, 10, 15)  # Friday
    record = intake(procedure, van_hung, applicant, staff["desk"], at)
    assert record.code == "H56.57.01-260306-0001"
    assert record.state == State.RECEIVED
    assert record.received_at == at
    # 3 working days: Mon 09, Tue 10, Wed 11/03/2026 → close of Wednesday
    assert record.due_at == local(2026, 3, 11, 17, 0)
    events = list(record.events.values_list("action", "form"))
    assert events == [(Action.SUBMIT_COUNTER.value, ""), (Action.RECEIVE.value, "M01")]
    second = intake(procedure, van_hung, applicant, staff["desk"], at)
    assert second.code == "H56.57.01-260306-0002"


def test_full_walk_with_a_supplement_restarts_the_deadline(procedure, van_hung, staff, applicant):
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 9, 30),
    )
    assert record.state == State.IN_PROGRESS and record.holder == staff["specialist"]
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["specialist"],
        missing=["Bản sao giấy chứng nhận quyền sử dụng đất"],
        at=local(2026, 3, 3, 14, 0),
    )
    assert record.state == State.SUPPLEMENT
    record = record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], at=local(2026, 3, 10, 8, 0)
    )
    # NĐ 118: the full 3 working days again from 10/03 → Wed 11, Thu 12, Fri 13/03
    assert record.due_at == local(2026, 3, 13, 17, 0)
    record = record_perform(
        record=record, action=Action.APPROVE, actor=staff["leader"], at=local(2026, 3, 12, 10, 0)
    )
    record = record_perform(
        record=record, action=Action.RETURN_RESULT, actor=staff["desk"], at=local(2026, 3, 12, 15, 0)
    )
    assert record.state == State.RETURNED
    assert (
        classify(due_at=record.due_at, ended_at=record.ended_at, now=local(2026, 3, 20, 8, 0))
        == Timeliness.EARLY
    )
    assert record.events.count() == 7
    assert not RecordStep.objects.filter(record=record, finished_at__isnull=True).exists()


def test_old_rules_resume_the_clock_after_a_supplement(procedure, van_hung, staff, applicant):
    # Received under NĐ 61/2018: the applicant's time does not count, the remaining time resumes.
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2025, 3, 3, 9, 0))  # Monday
    assert record.rule_set == "nd61-2018"
    assert record.due_at == local(2025, 3, 6, 17, 0)
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Tờ khai"],
        at=local(2025, 3, 4, 17, 0),
    )
    record = record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], at=local(2025, 3, 10, 7, 30)
    )
    # Two working days (Wed 05, Thu 06) remained; they resume from Mon 10/03 → close of Tue 11/03.
    assert record.due_at == local(2025, 3, 11, 17, 0)


def test_second_supplement_request_is_flagged_and_counts_late(procedure, van_hung, staff, applicant):
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["A"],
        at=local(2026, 3, 2, 10, 0),
    )
    record = record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], at=local(2026, 3, 3, 8, 0)
    )
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["specialist"],
        missing=["B"],
        at=local(2026, 3, 9, 10, 0),
    )
    last = record.events.filter(action=Action.REQUEST_SUPPLEMENT).last()
    assert last.detail["late"] is True and len(last.detail["flags"]) == 2
    assert (
        classify(
            due_at=record.due_at,
            ended_at=None,
            now=local(2026, 3, 9, 11, 0),
            paused=True,
            supplement_requests=record.supplement_count,
        )
        == Timeliness.OVERDUE
    )


def test_extension_only_once_and_not_on_the_last_day(procedure, van_hung, staff, applicant):
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))  # due 05/03
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 9, 5),
    )
    with pytest.raises(GuardFailed) as late:
        record_perform(
            record=record,
            action=Action.EXTEND,
            actor=staff["leader"],
            new_due_on=dt.date(2026, 3, 10),
            reason="Cần xác minh thực địa",
            at=local(2026, 3, 5, 8, 0),
        )
    assert late.value.code == "extension-too-late"
    record = record_perform(
        record=record,
        action=Action.EXTEND,
        actor=staff["leader"],
        new_due_on=dt.date(2026, 3, 10),
        reason="Cần xác minh thực địa",
        at=local(2026, 3, 3, 8, 0),
    )
    assert record.due_at == local(2026, 3, 10, 17, 0) and record.extension_count == 1
    assert record.events.last().form == "M04"
    with pytest.raises(GuardFailed) as twice:
        record_perform(
            record=record,
            action=Action.EXTEND,
            actor=staff["leader"],
            new_due_on=dt.date(2026, 3, 20),
            reason="Lần hai",
            at=local(2026, 3, 4, 8, 0),
        )
    assert twice.value.code == "extension-already-used"


def test_officer_of_another_commune_cannot_touch_the_record(procedure, van_hung, van_thang, staff, applicant):
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    outsider = UserFactory(username="vanthang.desk")
    grant(outsider, Role.DESK_OFFICER, van_thang.unit)
    with pytest.raises(RecordNotVisible):
        record_perform(record=record, action=Action.REFUSE_INTAKE, actor=outsider, reason="x")
    assert record.events.count() == 2


def test_inspector_reads_but_cannot_act(procedure, van_hung, staff, applicant, province):
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    inspector = UserFactory(username="thanhtra")
    grant(inspector, Role.INSPECTOR, province)
    with pytest.raises(ActorNotAllowed):
        record_perform(record=record, action=Action.ASSIGN, actor=inspector, to_user=staff["specialist"])


def test_stale_version_loses_and_writes_nothing(procedure, van_hung, staff, applicant):
    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    seen = record.version
    record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        expected_version=seen,
    )
    before = RecordEvent.objects.count()
    with pytest.raises(RecordConflict):
        record_perform(
            record=record, action=Action.REFUSE_INTAKE, actor=staff["desk"], reason="x", expected_version=seen
        )
    assert RecordEvent.objects.count() == before
    assert Record.objects.get(pk=record.pk).state == State.IN_PROGRESS


def test_refusal_needs_a_reason_and_writes_nothing_without_one(procedure, van_hung, staff, applicant):
    record = record_submit(procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"])
    with pytest.raises(InvalidRecordInput) as error:
        record_perform(record=record, action=Action.REFUSE_INTAKE, actor=staff["desk"], reason="  ")
    assert error.value.code == "reason-required"
    assert Record.objects.get(pk=record.pk).state == State.SUBMITTED


def test_phi_dia_gioi_result_returns_to_the_receiving_centre(
    procedure, van_hung, van_thang, staff, applicant
):
    # Filed at Vạn Thắng's counter for a procedure Vạn Hưng decides.
    desk_thang = UserFactory(username="vanthang.desk")
    grant(desk_thang, Role.DESK_OFFICER, van_thang.unit)
    record = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        receiving_agency=van_thang,
        applicant=applicant,
        actor=desk_thang,
        at=local(2026, 3, 2, 9, 0),
    )
    assert record.code.startswith("H56.57.02-") and record.unit == van_hung.unit
    record = record_perform(
        record=record, action=Action.ASSIGN, actor=staff["leader"], to_user=staff["specialist"]
    )
    record = record_perform(record=record, action=Action.APPROVE, actor=staff["leader"])
    record = record_perform(record=record, action=Action.RETURN_RESULT, actor=desk_thang)
    assert record.state == State.RETURNED


def test_a_late_step_is_attributed_to_the_step_and_its_holder(procedure, van_hung, staff, applicant):
    from motcua.records.selectors import late_steps

    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 9, 30),
    )
    step = record.steps.get(finished_at__isnull=True)
    assert step.holder == staff["specialist"] and step.name == "Thẩm định hồ sơ"
    # 1,5 working days = 11 h 15 of working time (07:30–11:30, 13:30–17:00) from Mon 09:30:
    # 5 h 30 on Monday, 4 h on Tuesday morning, 1 h 45 after lunch → Tue 15:15. Approved Wednesday.
    assert step.due_at == local(2026, 3, 3, 15, 15)
    record_perform(record=record, action=Action.APPROVE, actor=staff["leader"], at=local(2026, 3, 4, 9, 0))
    step.refresh_from_db()
    assert step.late is True
    rows = list(late_steps(staff["leader"], since=local(2026, 3, 1, 0, 0), until=local(2026, 4, 1, 0, 0)))
    assert [(r["name"], r["holder_id"], r["count"]) for r in rows] == [
        ("Thẩm định hồ sơ", staff["specialist"].pk, 1)
    ]


def test_the_system_closes_records_whose_supplement_never_came(procedure, van_hung, staff, applicant):
    from motcua.records.services import records_close_unsupplemented

    record = intake(procedure, van_hung, applicant, staff["desk"], local(2026, 3, 2, 9, 0))
    record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Tờ khai"],
        at=local(2026, 3, 2, 10, 0),
    )
    assert records_close_unsupplemented(at=local(2026, 3, 16, 8, 0)) == []  # 14 days: still waiting
    closed = records_close_unsupplemented(at=local(2026, 3, 18, 8, 0))
    assert [r.code for r in closed] == [record.code]
    record.refresh_from_db()
    assert record.state == State.CLOSED and record.ended_at == local(2026, 3, 18, 8, 0)
    assert record.events.last().actor is None


def test_the_specialist_forwards_to_a_leader_whose_step_starts(procedure, van_hung, staff, applicant):
    record = with_the_specialist(
        procedure, van_hung, applicant, staff, local(2026, 3, 2, 9, 0), local(2026, 3, 2, 9, 30)
    )
    with pytest.raises(InvalidRecordInput) as not_a_leader:
        record_perform(
            record=record,
            action=Action.FORWARD,
            actor=staff["specialist"],
            to_user=staff["desk"],
            at=local(2026, 3, 3, 9),
        )
    assert not_a_leader.value.code == "not-a-leader"
    with pytest.raises(ActorNotAllowed):  # the desk does not appraise, so does not forward
        record_perform(
            record=record,
            action=Action.FORWARD,
            actor=staff["desk"],
            to_user=staff["leader"],
            at=local(2026, 3, 3, 9),
        )
    record = record_perform(
        record=record,
        action=Action.FORWARD,
        actor=staff["specialist"],
        to_user=staff["leader"],
        reason="Đủ điều kiện cấp",
        at=local(2026, 3, 3, 10, 0),
    )
    assert record.holder == staff["leader"] and record.state == State.IN_PROGRESS
    steps = list(RecordStep.objects.filter(record=record).order_by("started_at", "pk"))
    assert [s.name for s in steps] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Phê duyệt kết quả"]
    assert steps[1].finished_at == local(2026, 3, 3, 10, 0) and steps[2].holder == staff["leader"]
    event = RecordEvent.objects.get(record=record, action=Action.FORWARD)
    assert event.reason == "Đủ điều kiện cấp" and event.detail["to_user_name"] == str(staff["leader"])


def test_two_agencies_consulted_expect_two_replies(
    procedure, van_hung, van_thang, staff, applicant, province
):
    from tests.factories import AgencyFactory, CommuneFactory

    third = AgencyFactory(code="H56.57.03", name="UBND xã Vạn Bình", unit=CommuneFactory(parent=province))
    record = with_the_specialist(procedure, van_hung, applicant, staff)
    for agency in (van_thang, third):
        record = record_perform(
            record=record,
            action=Action.CONSULT,
            actor=staff["specialist"],
            agency=agency,
            days=2,
            question="?",
        )
    for answer in ("Vạn Thắng đồng ý", "Vạn Bình đồng ý"):
        record = record_perform(
            record=record, action=Action.CONSULT_REPLY, actor=staff["specialist"], reply=answer
        )
    with pytest.raises(GuardFailed) as third_reply:
        record_perform(record=record, action=Action.CONSULT_REPLY, actor=staff["specialist"], reply="Thêm")
    assert third_reply.value.code == "no-pending-consult"


def test_a_record_forwarded_once_is_not_forwarded_again(procedure, van_hung, staff, applicant):
    record = with_the_specialist(procedure, van_hung, applicant, staff)
    record = record_perform(
        record=record, action=Action.FORWARD, actor=staff["specialist"], to_user=staff["leader"]
    )
    steps = RecordStep.objects.filter(record=record).count()
    with pytest.raises(GuardFailed) as again:
        record_perform(
            record=record, action=Action.FORWARD, actor=staff["specialist"], to_user=staff["leader"]
        )
    assert (
        again.value.code == "already-forwarded" and RecordStep.objects.filter(record=record).count() == steps
    )
