"""What the record page shows, gathered from the records package (no rule is decided here)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.records.actors import actors_for
from motcua.records.clock import NoTerm, calendar_of, term_for
from motcua.records.lifecycle import Action, Form, State, Transition, allowed_actions
from motcua.records.models import Record, RecordAttachment, RecordEvent, RecordStep
from motcua.records.online_intake import RECOMPUTED, RECOMPUTED_LABEL
from motcua.records.paperwork import issued_forms
from motcua.records.recompute import DUE_RECOMPUTED, DUE_RECOMPUTED_LABEL
from motcua.records.services import record_action_blocked
from motcua.records.timeliness import Timeliness, classify
from motcua.workdays import explain

from . import choices
from .forms import ACTION_FORMS, ActionForm


def due_explanation(record: Record) -> str:
    """How the due date came to be: the count from the clock's last start (the receipt, or the
    complete supplement when the rules restart it), then every later move of the date."""
    if record.received_at is None:
        return ""
    moves = list(
        record.events.filter(action__in=_DUE_MOVES)
        .order_by("at", "pk")
        .only("at", "action", "detail", "due_at")
    )
    restarts = [
        e for e in moves if e.action == Action.SUPPLEMENT_RECEIVED and e.detail.get("clock") == "restart"
    ]
    start = restarts[-1].at if restarts else record.received_at
    try:
        lines = [explain(start, term_for(record.procedure), calendar_of(record.agency))]
    except NoTerm as error:
        return str(error)
    if restarts:
        lines.insert(0, str(_("Tính lại từ đầu khi nhận đủ hồ sơ bổ sung (NĐ 118 Điều 19.5):")))
    for event in moves:
        if event.at <= start:
            continue
        new_due = event.detail.get("new_due") if event.action == Action.EXTEND else None
        due = dt.datetime.fromisoformat(new_due) if new_due else event.due_at
        if due is None:
            continue
        label = _DUE_MOVE_LABELS.get(event.action, "")
        lines.append(
            f"{timezone.localtime(event.at):%d/%m/%Y}: {label} → {timezone.localtime(due):%H:%M %d/%m/%Y}"
        )
    return "\n".join(lines)


# History rows that move the due date after its first count, and how the explanation names them.
_DUE_MOVES = (Action.SUPPLEMENT_RECEIVED, Action.EXTEND, DUE_RECOMPUTED)
_DUE_MOVE_LABELS = {
    Action.SUPPLEMENT_RECEIVED: gettext_lazy("nhận đủ hồ sơ bổ sung, tính tiếp thời hạn còn lại"),
    Action.EXTEND: gettext_lazy("xin lỗi và hẹn lại ngày trả (Mẫu 04)"),
    DUE_RECOMPUTED: DUE_RECOMPUTED_LABEL,
}


def forms_issued(record: Record) -> list[tuple[str, str]]:
    """(code, label) of the forms this record has on paper."""
    return [(f.value, str(f.label)) for f in issued_forms(record)]


@dataclass
class EventRow:
    event: RecordEvent
    action_label: str
    to_state_label: str
    form_label: str
    notes: list[str]
    files: list[RecordAttachment] = field(default_factory=list)


# History rows written by the system outside the lifecycle table (a calendar change).
_SYSTEM_LABELS = {RECOMPUTED: RECOMPUTED_LABEL, DUE_RECOMPUTED: DUE_RECOMPUTED_LABEL}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def event_rows(record: Record) -> list[EventRow]:
    rows = []
    files = {a.pk: a for a in record.attachments.all()}
    for event in record.events.select_related("actor").order_by("at", "pk"):
        detail = event.detail or {}
        notes = []
        if detail.get("missing"):
            notes.append("Cần bổ sung: " + "; ".join(detail["missing"]))
        if detail.get("to_user_name"):
            notes.append(f"Giao cho: {detail['to_user_name']}")
        if detail.get("to_agency"):
            notes.append(f"Chuyển từ {detail.get('from_agency')} đến {detail['to_agency']}")
        if detail.get("agency_name"):
            notes.append(f"Hỏi ý kiến: {detail['agency_name']} ({detail.get('days')} ngày làm việc)")
        notes.extend(detail.get("flags") or [])
        rows.append(
            EventRow(
                event=event,
                action_label=str(_SYSTEM_LABELS[event.action])
                if event.action in _SYSTEM_LABELS
                else _label(Action, event.action),
                to_state_label=_label(State, event.to_state),
                form_label=_label(Form, event.form) if event.form else "",
                notes=notes,
                files=[files[pk] for pk in detail.get("files") or [] if pk in files],
            )
        )
    return rows


@dataclass
class StepRow:
    step: RecordStep
    timeliness: Timeliness


def step_rows(record: Record, now: dt.datetime | None = None) -> list[StepRow]:
    now = now or timezone.now()
    return [
        StepRow(step, classify(due_at=step.due_at, ended_at=step.finished_at, now=now))
        for step in record.steps.select_related("holder").order_by("started_at", "pk")
    ]


def action_form(transition: Transition, record: Record, data=None, files=None) -> ActionForm:
    form_class = ACTION_FORMS.get(transition.action, ActionForm)
    kwargs: dict[str, Any] = {"record": record, "initial": {"version": record.version}}
    if transition.action is Action.ASSIGN:
        kwargs["assignees"] = choices.assignees(record)
    elif transition.action is Action.FORWARD:
        kwargs["leaders"] = choices.leaders(record)
    elif transition.action in (Action.TRANSFER, Action.CONSULT):
        kwargs["agencies"] = choices.other_agencies(record)
    return form_class(data, files, prefix=transition.action.value, **kwargs)


@dataclass
class ActionPanel:
    transition: Transition
    form: ActionForm
    blocked: str = ""  # why it would be refused now: shown instead of a form that can only fail

    @property
    def action(self) -> str:
        return self.transition.action.value

    @property
    def label(self) -> str:
        return str(self.transition.action.label)

    @property
    def form_label(self) -> str:
        return str(self.transition.form.label) if self.transition.form else ""


def action_panels(user, record: Record, bound: ActionForm | None = None) -> list[ActionPanel]:
    """Exactly the actions the state machine allows this user now, each with its form."""
    panels = []
    for transition in allowed_actions(State(record.state), actors_for(user, record)):
        blocked = record_action_blocked(record, transition.action)
        if blocked and transition.action == Action.CONSULT_REPLY:
            continue  # nothing was asked: the action is not a missed step, just not one
        if bound is not None and bound.prefix == transition.action.value:
            panels.append(ActionPanel(transition, bound, blocked))
        else:
            panels.append(ActionPanel(transition, action_form(transition, record), blocked))
    return panels
