"""Writes on records. Every service is one transaction that checks the state machine, changes the
record, writes its event row, and leaves side effects for after commit.

Two officers acting at once: the record row is locked and its `version` must still be the one
the officer saw; the loser gets `RecordConflict` and nothing of theirs is written."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can
from motcua.catalog.models import Procedure
from motcua.core.text import nfc, search_key
from motcua.units.models import Agency
from motcua.workdays import OutOfCalendar

from . import hooks, lifecycle
from .actors import actors_for
from .attachments import attach_files
from .clock import calendar_of, step_due, term_for
from .errors import InvalidRecordInput, RecordConflict, RecordNotVisible
from .lifecycle import SUBMIT_CHANNEL, Action, Actor, ClockEffect, State, Transition
from .models import ApplicantKind, Record, RecordEvent, RecordStep
from .numbering import next_record_code
from .online_intake import alert_soon, confirmation_note, intake_deadlines, resubmission_clock
from .rules import rules_at

SUBMIT_ACTIONS = frozenset(SUBMIT_CHANNEL)


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: str = ApplicantKind.CITIZEN


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def record_search_text(record: Record) -> str:
    """What record search matches: code, applicant name and ID number, without diacritics."""
    return search_key(f"{record.code} {record.applicant_name} {record.applicant_id_number}")


def record_submit(
    *,
    procedure: Procedure,
    agency: Agency,
    applicant: Applicant,
    action: Action = Action.SUBMIT_COUNTER,
    receiving_agency: Agency | None = None,
    summary: str = "",
    actor: User | None = None,
    at: dt.datetime | None = None,
    code: str | None = None,
) -> Record:
    """A dossier arrives (online, at the counter, by post, or filed online by an officer on the
    applicant's behalf). It gets its record code now (or keeps `code`, the one a national-portal
    dossier already has); the clock starts only at receipt. An online dossier starts its
    online-intake clock (alert, confirmation: records/online_intake.py)."""
    at = _now(at)
    if action not in SUBMIT_ACTIONS:
        raise InvalidRecordInput(f"“{action.label}” không phải là cách nộp hồ sơ.", code="invalid-channel")
    actors = {Actor.APPLICANT.value} if actor is None else _staff_actors_at(actor, receiving_agency or agency)
    transition = lifecycle.check(None, action, actors)
    if not applicant.name.strip():
        raise InvalidRecordInput(
            "Cần nhập họ tên người nộp hồ sơ.", code="applicant-name-required", field="name"
        )
    receiving_agency = receiving_agency or agency
    with transaction.atomic():
        record = Record(
            code=code or next_record_code(agency_code=receiving_agency.code, day=_local_date(at)),
            procedure=procedure,
            agency=agency,
            receiving_agency=receiving_agency,
            unit_id=agency.unit_id,
            receiving_unit_id=receiving_agency.unit_id,
            state=transition.to_state,
            channel=SUBMIT_CHANNEL[action],
            assisted=action == Action.SUBMIT_ASSISTED,
            applicant_name=nfc(applicant.name.strip()),
            applicant_id_number=applicant.id_number.strip(),
            applicant_phone=applicant.phone.strip(),
            applicant_email=applicant.email.strip(),
            applicant_address=nfc(applicant.address.strip()),
            applicant_kind=applicant.kind,
            summary=nfc(summary.strip()),
            submitted_at=at,
            rule_set=rules_at(_local_date(at)).code,
        )
        record.search_text = record_search_text(record)
        if action == Action.SUBMIT_ONLINE:
            deadlines = intake_deadlines(at, calendar_of(receiving_agency))
            if deadlines is not None:
                record.intake_alert_due_at = deadlines.alert_due_at
                record.intake_confirm_due_at = deadlines.confirm_due_at
        record.save()
        _write_event(
            record,
            transition,
            actor=actor,
            at=at,
            detail={"channel": record.channel},
            due_at=record.intake_confirm_due_at,
        )
        if record.intake_alert_due_at is not None:
            pk = record.pk
            transaction.on_commit(lambda: alert_soon(pk))
    return record


def _staff_actors_at(user: User, agency: Agency) -> set[str]:
    """Actors a user is at an agency that has no record yet (submission)."""
    if not can(user, Permission.RECEIVE, agency.unit):
        return set()
    return {Actor.DESK.value}


def record_intake_at_counter(
    *,
    procedure: Procedure,
    agency: Agency,
    applicant: Applicant,
    actor: User,
    receiving_agency: Agency | None = None,
    summary: str = "",
    action: Action = Action.SUBMIT_COUNTER,
    at: dt.datetime | None = None,
) -> Record:
    """Counter intake in one step: submitted and received (Mẫu 01) in the same transaction."""
    at = _now(at)
    with transaction.atomic():
        record = record_submit(
            procedure=procedure,
            agency=agency,
            applicant=applicant,
            action=action,
            receiving_agency=receiving_agency,
            summary=summary,
            actor=actor,
            at=at,
        )
        return record_perform(record=record, action=Action.RECEIVE, actor=actor, at=at)


def record_perform(
    *,
    record: Record,
    action: Action | str,
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
    **params: Any,
) -> Record:
    """Make one lifecycle transition. `actor` None is the system (scheduled closures) or, for
    the applicant's own actions, the portal passes `params['as_applicant']=True`."""
    at = _now(at)
    action = Action(action)
    with transaction.atomic():
        locked = (
            Record.objects.select_for_update().select_related("procedure", "agency__unit").get(pk=record.pk)
        )
        if expected_version is not None and locked.version != expected_version:
            raise RecordConflict(
                "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới nhất."
            )
        actors = _actors(locked, actor, params.pop("as_applicant", False))
        transition = lifecycle.check(State(locked.state), action, actors)
        hooks.run_before_change(locked)  # e.g. the index roll-ups note the record's old contribution
        before_version = locked.version
        confirmation = confirmation_note(locked, action, at)  # before the state changes
        try:
            detail, step_due = _HANDLERS[action](locked, transition, actor, at, params)
        except OutOfCalendar as error:  # a date typed outside the years the calendar holds
            raise InvalidRecordInput(
                str(error), code="date-outside-calendar", field=_DATE_FIELD.get(action, "")
            ) from None
        if confirmation is not None:
            detail["online_intake"] = confirmation["online_intake"]
            detail["flags"] = [*detail.get("flags", []), confirmation["flag"]]
        locked.state = transition.to_state
        locked.search_text = record_search_text(locked)
        fields = {f: getattr(locked, f) for f in _MUTABLE_FIELDS}
        updated = Record.objects.filter(pk=locked.pk, version=before_version).update(
            **fields, version=F("version") + 1
        )
        if updated != 1:
            raise RecordConflict("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang.")
        locked.version = before_version + 1
        _write_event(locked, transition, actor=actor, at=at, detail=detail, due_at=step_due)
    return locked


# The date an action takes from its user, to which a date outside the calendar is attributed.
_DATE_FIELD = {Action.EXTEND: "new_due_on", Action.CORRECT_RESULT: "reported_on"}

_MUTABLE_FIELDS = (
    "state",
    "agency",
    "unit",
    "received_at",
    "due_at",
    "original_due_at",
    "finished_at",
    "returned_at",
    "ended_at",
    "clock_paused_at",
    "supplement_requested_at",
    "supplement_count",
    "extension_count",
    "rule_set",
    "approved",
    "outcome_reason",
    "holder",
    "search_text",
    "intake_confirmed_at",
    "intake_alert_due_at",
    "intake_alerted_at",
    "intake_confirm_due_at",
)


def _actors(record: Record, actor: User | None, as_applicant: bool) -> set[str]:
    if actor is None:
        return {Actor.APPLICANT.value} if as_applicant else {Actor.SYSTEM.value}
    if not can(actor, Permission.READ, record.unit) and not can(
        actor, Permission.READ, record.receiving_unit
    ):
        raise RecordNotVisible("Không tìm thấy hồ sơ.")
    return actors_for(actor, record)


def _write_event(
    record: Record,
    transition: Transition,
    *,
    actor: User | None,
    at: dt.datetime,
    detail: dict[str, Any] | None = None,
    due_at: dt.datetime | None = None,
) -> RecordEvent:
    detail = dict(detail or {})
    reason = detail.pop("reason", "")
    event = RecordEvent.objects.create(
        record=record,
        at=at,
        actor=actor,
        action=transition.action,
        from_state=transition.from_state or "",
        to_state=transition.to_state,
        reason=reason,
        form=transition.form or "",
        due_at=due_at or record.due_at,
        detail=detail,
    )
    hooks.run_in_transaction(record, event)  # e.g. the exchange outbox, in this same transaction
    return event


# --- handlers: one per action; each changes the locked record and returns (detail, step due) ---

Handled = tuple[dict[str, Any], dt.datetime | None]


def _text(params: dict[str, Any], name: str, message: str) -> str:
    value = nfc(str(params.get(name) or "").strip())
    if not value:
        raise InvalidRecordInput(message, code=f"{name}-required", field=name)
    return value


def _calendar(record: Record):
    """The agency's calendar, asked for once per service call (each ask checks for changed settings)."""
    cached = record.__dict__.get("_motcua_calendar")
    if cached is None or cached[0] != record.agency_id:
        cached = (record.agency_id, calendar_of(record.agency))
        record.__dict__["_motcua_calendar"] = cached
    return cached[1]


def _rules(record: Record):
    return rules_at(_local_date(record.received_at or record.submitted_at))


def _receive(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    calendar = _calendar(record)
    term = term_for(record.procedure)
    record.received_at = at
    record.rule_set = rules_at(_local_date(at)).code
    record.due_at = record.original_due_at = calendar.due(at, term)
    step_due = _open_next_step(record, at, holder=actor, close_previous=False)
    _close_open_step(record, at)  # reception itself is done the moment Mẫu 01 is issued
    return {"term": str(term)}, step_due or record.due_at


def _refuse_intake(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    reason = _text(params, "reason", "Cần nêu rõ lý do từ chối tiếp nhận.")
    record.ended_at = at
    record.outcome_reason = reason
    return {"reason": reason}, None


def _request_supplement(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    missing = [nfc(str(m).strip()) for m in params.get("missing") or [] if str(m).strip()]
    if not missing:
        raise InvalidRecordInput(
            "Cần liệt kê đầy đủ các giấy tờ phải bổ sung (chỉ yêu cầu một lần).",
            code="missing-required",
            field="missing",
        )
    detail: dict[str, Any] = {"missing": missing, "reason": params.get("reason") or ""}
    if record.received_at is not None:
        calendar = _calendar(record)
        timing = lifecycle.supplement_request_timing(
            rules=_rules(record),
            received_on=_local_date(record.received_at),
            requested_on=_local_date(at),
            earlier_requests=record.supplement_count,
            working_days=calendar.working_days_between,
        )
        detail.update(late=timing.late, flags=list(timing.reasons))
        record.supplement_count += 1
        record.supplement_requested_at = at
        record.clock_paused_at = at
    return detail, None


def _supplement_received(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    files = _supplement_files(record, actor, at, params)
    if record.received_at is None:  # completed before receipt: an online dossier's new intake clock
        restarted = resubmission_clock(record, at, calendar_of(record.receiving_agency))
        if restarted is None:
            return files, None
        detail = {**files, "online_intake": restarted["online_intake"], "flags": [restarted["flag"]]}
        return detail, record.intake_confirm_due_at
    calendar = _calendar(record)
    effect = _rules(record).clock_effect(t)
    paused_at = record.clock_paused_at or at
    if effect == ClockEffect.RESTART:
        record.due_at = calendar.due(at, term_for(record.procedure))
    else:  # RESUME: the applicant's time does not count
        remaining = calendar.elapsed(paused_at, record.due_at) if record.due_at else dt.timedelta(0)
        record.due_at = calendar.add_working_time(at, max(remaining, dt.timedelta(0)))
    record.clock_paused_at = None
    return {"clock": str(effect), **files}, record.due_at


def _supplement_files(record: Record, actor: User | None, at: dt.datetime, params: dict) -> dict[str, Any]:
    """The scanned papers the applicant brought: every file checked (type, size) before any is
    stored; the event lists them so the page shows them under this supplement round."""
    uploads = params.get("files") or []
    if not uploads:
        return {}
    saved = attach_files(record=record, uploads=[(None, upload) for upload in uploads], actor=actor, at=at)
    return {"files": [attachment.pk for attachment in saved]}


def _close_unsupplemented(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    calendar = _calendar(record)
    lifecycle.check_close_unsupplemented(
        rules=_rules(record),
        requested_on=_local_date(record.supplement_requested_at or at),
        today=_local_date(at),
        working_days=calendar.working_days_between,
    )
    record.ended_at = at
    _close_open_step(record, at)
    return {"reason": "Hết thời hạn bổ sung hồ sơ."}, None


def _assign(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    to_user = _handler(
        record,
        params,
        {Actor.SPECIALIST.value, Actor.LEADER.value},
        missing="Cần chọn cán bộ được phân công.",
        wrong=(
            "không phải chuyên viên hoặc lãnh đạo của cơ quan giải quyết hồ sơ này.",
            "assignee-not-in-agency",
        ),
    )
    return {"to_user": to_user.pk, "to_user_name": str(to_user)}, _hand_over(record, at, to_user)


def _forward(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    """The specialist's appraisal is done: the record goes to a leader for the decision, whose step
    of the process starts now."""
    to_user = _handler(
        record,
        params,
        {Actor.LEADER.value},
        missing="Cần chọn lãnh đạo phê duyệt.",
        wrong=("không phải lãnh đạo của cơ quan giải quyết hồ sơ này.", "not-a-leader"),
    )
    if _forwarded(record):
        raise lifecycle.GuardFailed(FORWARDED, code="already-forwarded")
    detail = {"to_user": to_user.pk, "to_user_name": str(to_user), "reason": params.get("reason") or ""}
    return detail, _hand_over(record, at, to_user)


def _handler(record: Record, params: dict, roles: set[str], *, missing: str, wrong: tuple[str, str]) -> User:
    """The officer `to_user` of an assignment or a forward, holding one of `roles` for this record."""
    to_user = params.get("to_user")
    if not isinstance(to_user, User):
        raise InvalidRecordInput(missing, code="assignee-required", field="to_user")
    if not actors_for(to_user, record) & roles:
        raise InvalidRecordInput(f"{to_user} {wrong[0]}", code=wrong[1], field="to_user")
    return to_user


def _hand_over(record: Record, at: dt.datetime, to_user: User) -> dt.datetime | None:
    """The record goes to `to_user`, whose step of the process starts now (its deadline returned)."""
    record.holder = to_user
    return _open_next_step(record, at, holder=to_user)


FORWARDED = "Hồ sơ đã được trình lãnh đạo; lãnh đạo phân công lại nếu cần xử lý thêm."


def _forwarded(record: Record) -> bool:
    """The step in hand is already a leader's (a second forward would open the step after it)."""
    steps = RecordStep.objects.filter(record=record, finished_at__isnull=True).order_by("-started_at", "-pk")
    open_step = steps.first()
    return open_step is not None and open_step.role == Role.LEADER


def _transfer(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    to_agency = params.get("to_agency")
    if not isinstance(to_agency, Agency):
        raise InvalidRecordInput("Cần chọn cơ quan nhận hồ sơ.", code="agency-required", field="to_agency")
    if to_agency.pk == record.agency_id:
        raise InvalidRecordInput("Hồ sơ đang ở chính cơ quan này.", code="same-agency", field="to_agency")
    on = _local_date(at)
    if (to_agency.valid_from and to_agency.valid_from > on) or (
        to_agency.valid_to and to_agency.valid_to < on
    ):
        raise InvalidRecordInput(
            f"{to_agency} không còn hoạt động vào ngày {on:%d/%m/%Y}.",
            code="agency-not-valid",
            field="to_agency",
        )
    detail = {
        "from_agency": record.agency.code,
        "to_agency": to_agency.code,
        "reason": params.get("reason") or "",
    }
    record.agency = to_agency
    record.unit_id = to_agency.unit_id
    record.holder = None
    _close_open_step(record, at)
    return detail, None


def _consult(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    agency = params.get("agency")
    if not isinstance(agency, Agency):
        raise InvalidRecordInput("Cần chọn cơ quan được hỏi ý kiến.", code="agency-required", field="agency")
    try:
        days = int(params.get("days") or 0)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 60:
        raise InvalidRecordInput(
            "Thời hạn trả lời phải từ 1 đến 60 ngày làm việc.", code="invalid-consult-days", field="days"
        )
    calendar = _calendar(record)
    due = calendar.add_working_days(at, days)
    question = _text(params, "question", "Cần ghi nội dung xin ý kiến.")
    return {"agency": agency.code, "agency_name": agency.name, "days": days, "reason": question}, due


def _consult_reply(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    reply = _text(params, "reply", "Cần ghi nội dung ý kiến trả lời.")
    if not _consult_pending(record):
        raise lifecycle.GuardFailed(
            "Chưa có yêu cầu lấy ý kiến nào đang chờ trả lời.", code="no-pending-consult"
        )
    return {"reason": reply}, None


def _extend(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    new_due_on = params.get("new_due_on")
    if not isinstance(new_due_on, dt.date):
        raise InvalidRecordInput("Cần chọn ngày hẹn trả mới.", code="new-date-required", field="new_due_on")
    reason = _text(params, "reason", "Cần nêu lý do chậm trả kết quả trong văn bản xin lỗi.")
    if record.due_at is None:
        raise InvalidRecordInput("Hồ sơ chưa có hạn trả.", code="no-due-date")
    calendar = _calendar(record)
    due_on = _local_date(record.due_at)
    lifecycle.check_extension(
        rules=_rules(record),
        today=_local_date(at),
        due_on=due_on,
        earlier_extensions=record.extension_count,
        working_days=calendar.working_days_between,
    )
    if new_due_on <= due_on:
        raise InvalidRecordInput(
            f"Ngày hẹn mới phải sau hạn hiện tại ({due_on:%d/%m/%Y}).",
            code="new-date-not-later",
            field="new_due_on",
        )
    previous = record.due_at
    record.due_at = calendar.close_of(calendar.working_day_on_or_after(new_due_on))
    record.extension_count += 1
    return {
        "reason": reason,
        "previous_due": previous.isoformat(),
        "new_due": record.due_at.isoformat(),
    }, None


def _stop(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    reason = _text(params, "reason", "Cần nêu lý do dừng giải quyết.")
    record.ended_at = record.ended_at or at
    record.outcome_reason = reason
    _close_open_step(record, at)
    return {"reason": reason}, None


def _withdraw(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    record.ended_at = record.ended_at or at
    _close_open_step(record, at)
    return {"reason": params.get("reason") or "Người nộp yêu cầu rút hồ sơ."}, None


def _approve(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    record.approved = True
    record.finished_at = at
    record.ended_at = record.ended_at or at
    record.holder = None
    step_due = _open_next_step(record, at, holder=None, final=True)
    return {"reason": params.get("reason") or ""}, step_due


def _refuse(record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict) -> Handled:
    reason = _text(params, "reason", "Từ chối giải quyết phải nêu rõ lý do bằng văn bản.")
    record.approved = False
    record.outcome_reason = reason
    record.finished_at = at
    record.ended_at = record.ended_at or at
    record.holder = None
    step_due = _open_next_step(record, at, holder=None, final=True)
    return {"reason": reason}, step_due


def _return_result(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    record.returned_at = at
    _close_open_step(record, at)
    return {"reason": params.get("reason") or ""}, None


def _correct_result(
    record: Record, t: Transition, actor: User | None, at: dt.datetime, params: dict
) -> Handled:
    reason = _text(params, "reason", "Cần ghi nội dung sai sót được đính chính.")
    reported_on = params.get("reported_on") or _local_date(at)
    if not isinstance(reported_on, dt.date) or reported_on > _local_date(at):
        raise InvalidRecordInput(
            "Ngày phát hiện sai sót không hợp lệ.", code="invalid-reported-on", field="reported_on"
        )
    calendar = _calendar(record)
    late = lifecycle.correction_is_late(
        rules=_rules(record),
        reported_on=reported_on,
        corrected_on=_local_date(at),
        working_days=calendar.working_days_between,
    )
    return {"reason": reason, "reported_on": reported_on.isoformat(), "late": late}, None


_HANDLERS = {
    Action.RECEIVE: _receive,
    Action.REFUSE_INTAKE: _refuse_intake,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT_RECEIVED: _supplement_received,
    Action.CLOSE_UNSUPPLEMENTED: _close_unsupplemented,
    Action.ASSIGN: _assign,
    Action.FORWARD: _forward,
    Action.TRANSFER: _transfer,
    Action.CONSULT: _consult,
    Action.CONSULT_REPLY: _consult_reply,
    Action.EXTEND: _extend,
    Action.STOP: _stop,
    Action.WITHDRAW: _withdraw,
    Action.APPROVE: _approve,
    Action.REFUSE: _refuse,
    Action.RETURN_RESULT: _return_result,
    Action.CORRECT_RESULT: _correct_result,
}


# --- the internal process: each hand-over closes the step in hand and opens the next ---


def _close_open_step(record: Record, at: dt.datetime) -> None:
    RecordStep.objects.filter(record=record, finished_at__isnull=True).update(finished_at=at)


def _open_next_step(
    record: Record, at: dt.datetime, *, holder: User | None, close_previous: bool = True, final: bool = False
) -> dt.datetime | None:
    """Opens the next step of the procedure's internal process with its own deadline (its
    budget on the working-day clock, never past the record's due date). `final`: the decision is
    made, go straight to the last step (returning the result)."""
    if close_previous:
        _close_open_step(record, at)
    done = RecordStep.objects.filter(record=record).count()
    plan = list(record.procedure.process_steps.all())
    if done >= len(plan):
        return None
    step = plan[-1] if final else plan[done]
    due = step_due(record.procedure, step.budget, at, _calendar(record))
    if record.due_at is not None and due > record.due_at:
        due = record.due_at
    RecordStep.objects.create(
        record=record,
        position=step.position,
        name=step.name,
        role=step.role,
        agency=record.agency,
        holder=holder,
        started_at=at,
        due_at=due,
    )
    return due


def records_close_unsupplemented(*, at: dt.datetime | None = None) -> list[Record]:
    """The system closes records whose supplement did not come in time (Điều 19.5). Each record
    is closed in its own transaction; one that is not due yet is simply left alone."""
    at = _now(at)
    closed = []
    waiting = Record.objects.filter(state=State.SUPPLEMENT, supplement_requested_at__isnull=False)
    for record in waiting.only("pk").iterator():
        try:
            closed.append(
                record_perform(record=record, action=Action.CLOSE_UNSUPPLEMENTED, actor=None, at=at)
            )
        except lifecycle.GuardFailed:
            continue
    return closed


def record_action_blocked(record: Record, action: Action, at: dt.datetime | None = None) -> str:
    """Why an action the state machine allows would still be refused now ('' when it would not):
    the pages show this instead of a form that can only fail. Only the guards that need no input."""
    at = _now(at)
    try:
        if action == Action.EXTEND and record.due_at is not None:
            lifecycle.check_extension(
                rules=_rules(record),
                today=_local_date(at),
                due_on=_local_date(record.due_at),
                earlier_extensions=record.extension_count,
                working_days=_calendar(record).working_days_between,
            )
        elif action == Action.CLOSE_UNSUPPLEMENTED and record.supplement_requested_at is not None:
            lifecycle.check_close_unsupplemented(
                rules=_rules(record),
                requested_on=_local_date(record.supplement_requested_at),
                today=_local_date(at),
                working_days=_calendar(record).working_days_between,
            )
        elif action == Action.CONSULT_REPLY and not _consult_pending(record):
            return "Chưa có yêu cầu lấy ý kiến nào đang chờ trả lời."
        elif action == Action.FORWARD and _forwarded(record):
            return FORWARDED
    except lifecycle.GuardFailed as error:
        return error.message
    except OutOfCalendar as error:
        return str(error)
    return ""


def _consult_pending(record: Record) -> bool:
    """Some consulted agency has not answered yet: more requests than replies (each request names
    one agency, so two agencies asked expect two replies)."""
    asked = RecordEvent.objects.filter(record=record, action=Action.CONSULT).count()
    return asked > RecordEvent.objects.filter(record=record, action=Action.CONSULT_REPLY).count()
