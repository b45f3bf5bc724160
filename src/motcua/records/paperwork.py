"""The national forms (Mẫu 01–07) filled from a record as it really happened.

Each paper is read off the event that issued it (its time, its actor, its reason, the missing
items, the previous and new due dates), the record's steps (Mẫu 06), the procedure (components,
fees, legal time) and the agencies. Reads only: nothing here writes. The `documents` package
renders the result and never sees a model.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.catalog.models import CopyKind, Procedure, TimeUnit
from motcua.documents import forms as paper
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind
from motcua.workdays import explain

from .clock import NoTerm, calendar_of, term_for
from .lifecycle import Action, Form, State
from .models import Channel, Record, RecordEvent, RecordStep
from .verdicts import record_timeliness

RECORD_FORMS = (Form.M01, Form.M02, Form.M03, Form.M04, Form.M05, Form.M06)

# A register is printed per month or quarter. WeasyPrint lays out ≈30 ms per row (500 rows ≈
# 16 s), so a longer book would hold a web worker for minutes: ask for a shorter period instead.
MAX_REGISTER_DAYS = 92
MAX_REGISTER_ROWS = 500

SIGNER_TITLE = "Thủ trưởng cơ quan giải quyết hồ sơ"


class FormNotIssued(LookupError):
    """The record has not (yet) reached the step that issues this form."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.message = f"Hồ sơ này chưa được lập {form.label}."
        super().__init__(self.message)


# --- who issues the paper ---


def _place(unit: AdministrativeUnit) -> str:
    """'Xã Vạn Hưng' → 'Vạn Hưng': the place of the date line is the name without its kind."""
    name = unit.name.strip()
    for kind in (unit.kind, "tỉnh", "thành phố", "xã", "phường", "thị trấn", "đặc khu", "huyện", "quận"):
        if kind and name.lower().startswith(kind.lower() + " "):
            return name[len(kind) + 1 :]
    return name


def _committee_of(unit: AdministrativeUnit) -> str:
    """'Tỉnh Khánh Hòa' → 'UBND tỉnh Khánh Hòa'."""
    name = unit.name.strip()
    return f"UBND {name[:1].lower()}{name[1:]}"


def issuer_of(agency: Agency) -> paper.Issuer:
    """A people's committee heads its own papers; a centre or department prints the committee it
    answers to above its name."""
    unit = agency.unit
    parent = "" if agency.kind == AgencyKind.PEOPLES_COMMITTEE else _committee_of(unit)
    return paper.Issuer(name=agency.name, parent_name=parent, code=agency.code, place=_place(unit))


# --- the record part every record paper shares ---


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _person(user: object) -> str:
    return str(user) if user is not None else ""


def _applicant(record: Record) -> paper.Applicant:
    return paper.Applicant(
        name=record.applicant_name,
        id_number=record.applicant_id_number,
        address=record.applicant_address,
        phone=record.applicant_phone,
        email=record.applicant_email,
    )


def _record_part(record: Record, issued_by: Agency, event: RecordEvent | None) -> dict[str, Any]:
    at = event.at if event is not None else (record.received_at or record.submitted_at)
    return {
        "issuer": issuer_of(issued_by),
        "issued_on": _local(at).date(),
        "signer_name": _person(event.actor) if event is not None else "",
        "record_code": record.code,
        "procedure_code": record.procedure.code,
        "procedure_name": record.procedure.name,
        "applicant": _applicant(record),
    }


def _issuing_event(record: Record, form: Form) -> RecordEvent:
    """The latest event that issued `form` (a second supplement request supersedes the first)."""
    event = record.events.filter(form=form.value).select_related("actor").order_by("-at", "-pk").first()
    if event is None:
        raise FormNotIssued(form)
    return event


def issued_forms(record: Record) -> list[Form]:
    """The forms a record has actually issued, in form order: Mẫu 06 once it has been received."""
    issued = set(record.events.exclude(form="").values_list("form", flat=True))
    if record.received_at is not None:
        issued.add(Form.M06.value)
    return [f for f in RECORD_FORMS if f.value in issued]


# --- Mẫu 01 ---


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def processing_time(procedure: Procedure, channel: str) -> str:
    """The legal time as the procedure publishes it for the channel used, else its general text;
    when what is published says no unit (a bare "1") or nothing, the time the appointment was
    counted with — the citizen must read a time, not "1." or "no information"."""
    by_channel = procedure.time_by_channel or {}
    label = str(Channel(channel).label) if channel in Channel.values else ""
    published = ""
    if by_channel.get(label):
        published = str(by_channel[label])
    elif procedure.time_text:
        published = procedure.time_text
    elif procedure.time_value is not None and procedure.time_unit:
        published = f"{_number(procedure.time_value)} {TimeUnit(procedure.time_unit).label}"
    if any(ch.isalpha() for ch in published) and not _says_nothing(published):
        return published
    if procedure.clock_value is not None and procedure.clock_unit:
        return f"{_number(procedure.clock_value)} {TimeUnit(procedure.clock_unit).label}"
    return published


def _says_nothing(text: str) -> bool:
    return "không có thông tin" in text.lower() or "chưa có thông tin" in text.lower()


def _components(procedure: Procedure) -> tuple[paper.Component, ...]:
    out = []
    for c in procedure.components.all():
        originals = c.count if c.copy_kind in (CopyKind.ORIGINAL, CopyKind.ORIGINAL_OR_COPY) else 0
        copies = c.count if c.copy_kind in (CopyKind.COPY, CopyKind.CERTIFIED_COPY) else 0
        out.append(paper.Component(name=c.name, originals=originals, copies=copies))
    return tuple(out)


def _fees(procedure: Procedure) -> tuple[paper.Fee, ...]:
    # A fee whose amount is a rule (no fixed figure) is named "theo mức quy định", never dropped:
    # a receipt saying "Không thu" would tell the citizen there is nothing to pay.
    return tuple(paper.Fee(name=f.name, amount=f.amount_vnd) for f in procedure.fees.all())


def _counting_note(record: Record, received_at: dt.datetime) -> str:
    """The derivation of the due date, the same sentence the record page shows."""
    try:
        return explain(received_at, term_for(record.procedure), calendar_of(record.agency))
    except NoTerm:
        return ""


def receipt(record: Record) -> paper.Receipt:
    event = _issuing_event(record, Form.M01)
    procedure = record.procedure
    due = record.original_due_at or record.due_at
    assert due is not None  # a received record always has one
    extra = {"counting_note": note} if (note := _counting_note(record, event.at)) else {}
    return paper.Receipt(
        **_record_part(record, record.receiving_agency, event),
        components=_components(procedure),
        sets=procedure.dossier_sets or 1,
        processing_time=processing_time(procedure, record.channel),
        received_at=event.at,
        due_at=due,
        return_place=record.receiving_agency.name,
        fees=_fees(procedure),
        **extra,
    )


# --- Mẫu 02, 03 ---


def supplement_request(record: Record) -> paper.SupplementRequest:
    event = _issuing_event(record, Form.M02)
    missing = event.detail.get("missing") or []
    contact = ", ".join(p for p in (_person(event.actor), record.receiving_agency.name) if p)
    return paper.SupplementRequest(
        **_record_part(record, record.receiving_agency, event),
        submitted_on=_local(record.received_at or record.submitted_at).date(),
        items=tuple(paper.SupplementItem(document=str(m), reason=event.reason) for m in missing),
        contact=contact,
    )


def intake_refusal(record: Record) -> paper.IntakeRefusal:
    event = _issuing_event(record, Form.M03)
    reasons = tuple(line.strip() for line in event.reason.splitlines() if line.strip())
    return paper.IntakeRefusal(
        **_record_part(record, record.receiving_agency, event),
        submitted_on=_local(record.submitted_at).date(),
        reasons=reasons,
    )


# --- Mẫu 04, 05 ---


def _moment(value: str | None, fallback: dt.datetime | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else fallback


def apology(record: Record) -> paper.Apology:
    event = _issuing_event(record, Form.M04)
    previous = _moment(event.detail.get("previous_due"), record.original_due_at)
    new = _moment(event.detail.get("new_due"), record.due_at)
    assert record.received_at is not None and previous is not None and new is not None
    return paper.Apology(
        **_record_part(record, record.agency, event),
        signer_title=SIGNER_TITLE,
        received_at=record.received_at,
        due_at=previous,
        new_due_at=new,
        reason=event.reason,
    )


def stop_notice(record: Record) -> paper.StopNotice:
    event = _issuing_event(record, Form.M05)
    assert record.received_at is not None
    on = _local(event.at).date()
    # A withdrawal is the applicant's own request; a stop is the agency's decision.
    requested_on = on if event.action == Action.WITHDRAW else None
    return paper.StopNotice(
        **_record_part(record, record.agency, event),
        signer_title=SIGNER_TITLE,
        received_at=record.received_at,
        requested_on=requested_on,
        stopped_on=on,
        reason=event.reason,
    )


# --- Mẫu 06 ---


def _holder(step: RecordStep, closing: RecordEvent | None) -> str:
    """Who held a step: its holder, else whoever closed it (the desk returning the result)."""
    user = step.holder or (closing.actor if closing is not None else None)
    role = str(Role(step.role).label) if step.role in Role.values else step.role
    name = _person(user)
    return f"{name} ({role})" if name else f"{role} — {step.agency.name}"


# The actions that end a step in hand / start the next one (records.services keeps the steps).
_OPENS_STEP = frozenset({Action.ASSIGN, Action.FORWARD, Action.APPROVE, Action.REFUSE})
_CLOSES_STEP = _OPENS_STEP | {
    Action.TRANSFER,
    Action.RETURN_RESULT,
    Action.STOP,
    Action.WITHDRAW,
    Action.CLOSE_UNSUPPLEMENTED,
}


def _note(event: RecordEvent, *named: str) -> str:
    """What moved the dossier on, and who decided it when the line does not already name them
    (the leader who approved holds no step of their own)."""
    label = str(Action(event.action).label)
    who = _person(event.actor)
    if not who or any(n.startswith(f"{who} (") for n in named):
        return label
    return f"{label}: {who}"


def handovers(record: Record) -> tuple[paper.Handover, ...]:
    """One line per step handed on: the step's holder gave, the next step's holder received; the
    step's end against its own deadline decides early / on time / late."""
    steps = list(record.steps.select_related("holder", "agency").order_by("started_at", "pk"))
    events = list(record.events.select_related("actor").order_by("at", "pk"))

    def closing_event(step: RecordStep) -> RecordEvent | None:
        at = [e for e in events if e.at == step.finished_at and e.action in _CLOSES_STEP]
        return at[-1] if at else None

    lines = []
    for i, step in enumerate(steps):
        if step.finished_at is None or step.due_at is None:
            continue  # still in someone's hands: nothing handed over yet
        closing = closing_event(step)
        following = steps[i + 1] if i + 1 < len(steps) else None
        # The step ends when the services close it (reception: the moment Mẫu 01 is issued), as
        # the record page shows it, so the paper and the screen give the same verdict.
        giver, handed_at, moved_by = _holder(step, closing), step.finished_at, closing
        if closing is not None and closing.action == Action.TRANSFER:
            code = str(closing.detail.get("to_agency", ""))
            to_agency = Agency.objects.filter(code=code).first()
            receiver = to_agency.name if to_agency is not None else code
        elif following is not None:
            receiver = _holder(following, closing_event(following))
            opening = [e for e in events if e.at == following.started_at and e.action in _OPENS_STEP]
            moved_by = opening[-1] if opening else None
        elif closing is not None and closing.action == Action.RETURN_RESULT:
            receiver = f"{record.applicant_name} (Người nộp hồ sơ)"
        elif closing is not None:  # stopped, withdrawn, closed: nobody receives
            receiver = "—"
        else:
            continue  # received and not yet passed on
        lines.append(
            paper.Handover(
                giver=giver,
                receiver=receiver,
                handed_at=handed_at,
                due_at=step.due_at,
                note=_note(moved_by, giver, receiver) if moved_by is not None else "",
            )
        )
    return tuple(lines)


def control_sheet(record: Record) -> paper.ControlSheet:
    if record.received_at is None or record.due_at is None:
        raise FormNotIssued(Form.M06)
    receive = record.events.filter(action=Action.RECEIVE).select_related("actor").first()
    consulted = record.events.filter(action=Action.CONSULT).order_by("at", "pk")
    cooperating = tuple(dict.fromkeys(str(e.detail.get("agency_name", "")) for e in consulted if e.detail))
    return paper.ControlSheet(
        **_record_part(record, record.receiving_agency, receive),
        received_at=record.received_at,
        due_at=record.due_at,
        handling_agency=record.agency.name,
        cooperating_agencies=tuple(c for c in cooperating if c),
        handovers=handovers(record),
    )


_BUILDERS = {
    Form.M01: receipt,
    Form.M02: supplement_request,
    Form.M03: intake_refusal,
    Form.M04: apology,
    Form.M05: stop_notice,
    Form.M06: control_sheet,
}


def form_content(record: Record, form: Form) -> paper.Paper:
    """The filled paper; `FormNotIssued` when the record never issued it."""
    if form not in _BUILDERS:
        raise FormNotIssued(form)
    record = (
        Record.objects.select_related("procedure", "agency__unit", "receiving_agency__unit")
        .prefetch_related("procedure__components", "procedure__fees")
        .get(pk=record.pk)
    )
    return _BUILDERS[form](record)


# --- Mẫu 07 ---


class InvalidPeriod(ValueError):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _register_note(record: Record) -> str:
    state = State(record.state)
    if record.approved is False or state in (State.STOPPED, State.WITHDRAWN, State.CLOSED):
        label = "Từ chối giải quyết" if record.approved is False else str(state.label)
        return f"{label}: {record.outcome_reason}" if record.outcome_reason else label
    if record.extension_count:
        return "Đã gia hạn"
    return ""


def register_rows(agency: Agency, date_from: dt.date, date_to: dt.date) -> list[Record]:
    """The agency's records (as processing agency or receiving centre) received in the period,
    local dates inclusive, in the order they were received."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    records = Record.objects.filter(Q(agency=agency) | Q(receiving_agency=agency)).filter(
        received_at__gte=start, received_at__lt=end
    )
    count = records.count()
    if count > MAX_REGISTER_ROWS:
        raise InvalidPeriod(
            f"Kỳ này có {count} hồ sơ, quá {MAX_REGISTER_ROWS} dòng cho một sổ; hãy chọn kỳ ngắn hơn."
        )
    return list(records.select_related("procedure").order_by("received_at", "pk"))


def register_content(
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    *,
    prepared_by: str = "",
    today: dt.date | None = None,
) -> paper.Register:
    """Mẫu 07 — Sổ theo dõi hồ sơ of one agency for one period."""
    if date_from > date_to:
        raise InvalidPeriod("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
    if (date_to - date_from).days + 1 > MAX_REGISTER_DAYS:
        raise InvalidPeriod(f"Mỗi sổ theo dõi chỉ lập cho tối đa {MAX_REGISTER_DAYS} ngày.")
    now = timezone.now()
    rows = tuple(
        paper.RegisterRow(
            record_code=r.code,
            procedure_name=r.procedure.name,
            applicant_name=r.applicant_name,
            applicant_address=r.applicant_address,
            received_at=r.received_at,
            due_at=r.due_at,
            finished_at=r.finished_at,
            returned_at=r.returned_at,
            note=_register_note(r),
            verdict=record_timeliness(r, now),
        )
        for r in register_rows(agency, date_from, date_to)
        if r.received_at is not None and r.due_at is not None
    )
    return paper.Register(
        issuer=issuer_of(agency),
        issued_on=today or timezone.localdate(),
        signer_name=prepared_by,
        period_from=date_from,
        period_to=date_to,
        rows=rows,
    )
