"""From a record event to the applicant's SMS and e-mail, after commit.

The records hook runs inside the service's transaction and only *registers* the sending with
`transaction.on_commit`: a change that rolls back sends nothing, and the task never reads a
record that is not committed yet. The sending itself is a Django task (`settings.TASKS`: the
database queue that `motcua worker` runs), so a slow SMS provider never holds up the counter.

Nothing is queued when the applicant gave neither a mobile number nor an e-mail address, nor for
an event dated more than an hour from now (the demo's back-dated year of history, a replayed
import): a message is news or nothing."""

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from ..models import Record, RecordEvent
from . import messages, sms
from .gateways import gateway

logger = logging.getLogger("motcua.notify")
NEWS_WINDOW = dt.timedelta(hours=1)


def on_record_event(record: Record, event: RecordEvent) -> None:
    """records.hooks callback (in the transaction): queue the message once the change commits."""
    if messages.kind_of(event) is None:
        return
    if sms.mobile_number(record.applicant_phone) is None and not record.applicant_email:
        return
    if abs(timezone.now() - event.at) > NEWS_WINDOW:
        return
    event_id = event.pk
    transaction.on_commit(lambda: notify_applicant.enqueue(event_id=event_id))


@task
def notify_applicant(event_id: int) -> dict[str, str]:
    """Sends what the event deserves; returns where it went (kept with the task's result)."""
    event = RecordEvent.objects.select_related(
        "record__procedure", "record__agency", "record__receiving_agency"
    ).get(pk=event_id)
    record, kind = event.record, messages.kind_of(event)
    if kind is None:
        return {}
    sent: dict[str, str] = {}
    phone = sms.mobile_number(record.applicant_phone)
    if phone is not None:
        try:
            gateway().send(phone=phone, text=messages.sms_text(kind, record, event), reference=record.code)
            sent["sms"] = phone
        except Exception:  # the e-mail still goes; the failure is in the log and the task result
            logger.exception("SMS for record %s (%s) failed", record.code, kind)
    if record.applicant_email:
        mail = messages.email(kind, record, event)
        send_mail(mail.subject, mail.body, None, [record.applicant_email])
        sent["email"] = record.applicant_email
    logger.info("Notified applicant of %s (%s): %s", record.code, kind, sent)
    return sent
