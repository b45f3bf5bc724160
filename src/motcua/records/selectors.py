"""Reads on records: scope first, then the question."""

import datetime as dt
import re
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import unit_ids_in_scope
from motcua.core.text import search_key

from .clock import calendar_of
from .lifecycle import State
from .models import Record

OPEN_STATES = (State.SUBMITTED, State.INTAKE_SUPPLEMENT, State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT)
PROCESSING_STATES = (State.RECEIVED, State.IN_PROGRESS)
WAITING_STATES = (State.SUPPLEMENT, State.INTAKE_SUPPLEMENT)
RECORD_CODE = re.compile(r"^[0-9A-Za-z.]+-\d{6}-\d{4,}$")


def visible_records(viewer) -> QuerySet[Record]:
    """Records the viewer may read: processed or received within their scope (with the history
    of merged units)."""
    ids = unit_ids_in_scope(viewer, Permission.READ)
    records = Record.objects.all()
    if ids is None:
        return records
    if not ids:
        return records.none()
    return records.filter(Q(unit_id__in=ids) | Q(receiving_unit_id__in=ids))


class Inbox(StrEnum):
    TO_RECEIVE = "tiep-nhan"
    IN_PROGRESS = "dang-xu-ly"
    DUE_SOON = "sap-den-han"
    OVERDUE = "qua-han"
    WAITING = "cho-bo-sung"
    TO_RETURN = "tra-ket-qua"

    @property
    def label(self) -> str:
        return str(INBOX_LABELS[self])


INBOX_LABELS = {
    Inbox.TO_RECEIVE: _("Chờ tiếp nhận"),
    Inbox.IN_PROGRESS: _("Đang xử lý"),
    Inbox.DUE_SOON: _("Đến hạn trong 1 ngày làm việc"),
    Inbox.OVERDUE: _("Quá hạn"),
    Inbox.WAITING: _("Chờ bổ sung"),
    Inbox.TO_RETURN: _("Chờ trả kết quả"),
}


def due_soon_horizon(viewer, *, now: dt.datetime | None = None, within_working_days: int = 1) -> dt.datetime:
    """The close of the next working day (by the viewer's first agency's calendar)."""
    now = now or timezone.now()
    grant = viewer.grants.select_related("agency").first() if viewer.is_authenticated else None
    if grant is not None and grant.agency is not None:
        calendar = calendar_of(grant.agency)
    else:
        from motcua.calendars.selectors import calendar_for

        calendar = calendar_for(unit=grant.unit if grant else None)
    return calendar.add_working_days(now, within_working_days)


def inbox(viewer, box: Inbox, *, now: dt.datetime | None = None) -> QuerySet[Record]:
    now = now or timezone.now()
    records = visible_records(viewer)
    match box:
        case Inbox.TO_RECEIVE:
            return records.filter(state=State.SUBMITTED).order_by("submitted_at")
        case Inbox.IN_PROGRESS:
            return records.filter(state__in=PROCESSING_STATES).order_by("due_at")
        case Inbox.DUE_SOON:
            horizon = due_soon_horizon(viewer, now=now)
            return records.filter(state__in=PROCESSING_STATES, due_at__gte=now, due_at__lte=horizon).order_by(
                "due_at"
            )
        case Inbox.OVERDUE:
            return records.filter(state__in=PROCESSING_STATES, due_at__lt=now).order_by("due_at")
        case Inbox.WAITING:
            return records.filter(state__in=WAITING_STATES).order_by(
                "supplement_requested_at", "submitted_at"
            )
        case Inbox.TO_RETURN:
            return records.filter(state=State.RESOLVED).order_by("finished_at")
    raise ValueError(box)


def inbox_counts(viewer, *, now: dt.datetime | None = None) -> dict[Inbox, int]:
    now = now or timezone.now()
    return {box: inbox(viewer, box, now=now).count() for box in Inbox}


def record_search(viewer, query: str) -> QuerySet[Record]:
    """By record code, applicant name or ID number, diacritics-insensitive."""
    records = visible_records(viewer)
    query = query.strip()
    if not query:
        return records.none()
    if RECORD_CODE.match(query):
        return records.filter(code=query.upper())
    if query.isdigit() and len(query) in (9, 12):
        return records.filter(applicant_id_number=query).order_by("-submitted_at")
    key = search_key(query)
    return records.filter(search_text__contains=key).order_by("-submitted_at")


def late_steps(viewer, *, since: dt.datetime, until: dt.datetime):
    """Process steps finished after their own deadline in the period, per step and officer —
    the records that cost the unit its on-time rate, attributed to who held them."""
    from django.db.models import Count, F

    from .models import RecordStep

    ids = unit_ids_in_scope(viewer, Permission.READ)
    steps = RecordStep.objects.filter(
        finished_at__gte=since, finished_at__lt=until, due_at__isnull=False, finished_at__gt=F("due_at")
    )
    if ids is not None:
        steps = steps.filter(record__unit_id__in=ids)
    return (
        steps.values("name", "holder_id", "holder__full_name", "holder__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "name")
    )
