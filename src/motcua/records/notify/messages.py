"""Which record events the applicant hears about, and the words: Vietnamese templates in
records/templates/records/notify/ (`<kind>.sms.txt`, one line; `<kind>.email.txt`, the subject
on the first line)."""

from dataclasses import dataclass
from enum import StrEnum

from django.template.loader import render_to_string
from django.utils import translation

from motcua.core.text import nfc

from ..lifecycle import Action, State
from ..models import Record, RecordEvent


class Kind(StrEnum):
    RECEIVED = "received"  # Mẫu 01 issued: the clock runs, the due date is known
    SUPPLEMENT = "supplement"  # Mẫu 02: papers to bring
    RESULT_READY = "result_ready"  # approved or refused: come and collect it
    RETURNED = "returned"


def kind_of(event: RecordEvent) -> Kind | None:
    if event.action == Action.RECEIVE:
        return Kind.RECEIVED
    if event.action == Action.REQUEST_SUPPLEMENT:
        return Kind.SUPPLEMENT
    if event.action in (Action.APPROVE, Action.REFUSE) and event.to_state == State.RESOLVED:
        return Kind.RESULT_READY
    if event.action == Action.RETURN_RESULT:
        return Kind.RETURNED
    return None


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def _context(record: Record, event: RecordEvent) -> dict[str, object]:
    detail = event.detail or {}
    return {
        "record": record,
        "event": event,
        "agency": record.agency.name,
        "receiving_agency": record.receiving_agency.name,
        "missing": detail.get("missing") or [],
        "reason": event.reason,
    }


def sms_text(kind: Kind, record: Record, event: RecordEvent) -> str:
    with translation.override("vi"):
        text = render_to_string(f"records/notify/{kind}.sms.txt", _context(record, event))
    return nfc(" ".join(text.split()))


def email(kind: Kind, record: Record, event: RecordEvent) -> Email:
    with translation.override("vi"):
        text = render_to_string(f"records/notify/{kind}.email.txt", _context(record, event))
    subject, _, body = nfc(text).strip().partition("\n")
    return Email(subject=f"[Một cửa] {subject.strip()}", body=body.strip() + "\n")
