"""What the record page shows, gathered from the records package (no rule is decided here)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

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
    if record.received_at is None:
        return ""
    try:
        return explain(record.received_at, term_for(record.procedure), calendar_of(record.agency))
    except NoTerm as error:
        return str(error)


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
