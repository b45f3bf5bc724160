"""Reads on records: scope first, then the question."""

import datetime as dt
import re
from enum import StrEnum

from django.db.models import F, Q, QuerySet
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
    ONLINE_TO_CONFIRM = "truc-tuyen-cho-xac-nhan"
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
    Inbox.ONLINE_TO_CONFIRM: _("Hồ sơ trực tuyến chờ xác nhận"),
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
        case Inbox.ONLINE_TO_CONFIRM:
            # Earliest confirmation deadline first: the overdue ones lead the list.
            return records.filter(
                state=State.SUBMITTED, intake_confirm_due_at__isnull=False, intake_confirmed_at__isnull=True
            ).order_by("intake_confirm_due_at", "pk")
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
    scoped = _scoped_text_search(viewer, key)
    if scoped is not None:
        return scoped.order_by("-submitted_at")
    return records.filter(search_text__contains=key).order_by("-submitted_at")


# A province-wide viewer asks every unit's tokens (one OR branch each, ~280 in Khánh Hòa);
# beyond this many the plain LIKE scans instead.
SCOPED_SEARCH_MAX_UNITS = 2000
_WORD = re.compile(r"[a-z0-9]+")


def search_trigrams(key: str) -> list[str]:
    """Trigrams every row containing `key` must have, as pg_trgm writes them (each word padded
    as "  word "), chosen to be rare: the 3-letter windows inside each word; a 2-letter word
    adds its padded edge when the query makes it certain (after a separator it starts a word of
    the text, before one it ends one; only the first and last words may be parts of longer
    words). Edges of longer words are left out: " th" or "en " list most of a commune and would
    only slow the index down. Empty when the key is not plain ASCII (pg_trgm hashes other
    trigrams) or gives none."""
    if not key.isascii():
        return []
    found: set[str] = set()
    for match in _WORD.finditer(key):
        word, starts, ends = match.group(), match.start() > 0, match.end() < len(key)
        if len(word) >= 3:
            found.update(word[i : i + 3] for i in range(len(word) - 2))
            continue
        padded = (" " if starts else "") + word + (" " if ends else "")
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return sorted(found)


def _scoped_text_search(viewer, key: str) -> QuerySet[Record] | None:
    """On PostgreSQL, the name search through `record_search_scoped` (records migration 0006):
    rows carry their trigrams once per unit that may see them, so asking for the viewer's units'
    tokens is both the scope and the index search; the LIKE keeps "contains" exact. None when
    that index cannot help (not PostgreSQL, no certain trigram, an enormous scope)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    trigrams = search_trigrams(key)
    ids = unit_ids_in_scope(viewer, Permission.READ)
    if ids is None:  # province-wide: every unit, merged ones included
        from motcua.units.models import AdministrativeUnit

        ids = frozenset(AdministrativeUnit.objects.values_list("pk", flat=True))
    if not ids or len(ids) > SCOPED_SEARCH_MAX_UNITS or not trigrams:
        return None
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import Func, TextField
    from django.db.models.functions import Collate

    tokens = Collate(  # the index's collation, or PostgreSQL would not use it
        Func(
            F("unit_id"),
            F("receiving_unit_id"),
            F("search_text"),
            function="record_scoped_trigrams",
            output_field=ArrayField(TextField()),
        ),
        "C",
    )
    in_scope = Q()
    for unit_id in sorted(ids):
        in_scope |= Q(search_tokens__contains=[f"{unit_id}:{t}" for t in trigrams])
    # The LIKE goes through COLLATE "C" (same bytes, same answer): no index may serve it, so
    # PostgreSQL cannot start from another index and call the token function row by row.
    return (
        Record.objects.alias(search_tokens=tokens, search_bytes=Collate("search_text", "C"))
        .filter(in_scope)
        .filter(search_bytes__contains=key)
    )


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


def online_confirmations(viewer, *, since: dt.datetime, until: dt.datetime) -> QuerySet[Record]:
    """Online dossiers received within the viewer's scope whose confirmation deadline (8 working
    hours, NĐ 118 Điều 17.2) fell in [since, until): the denominator of the confirmation rate."""
    return visible_records(viewer).filter(intake_confirm_due_at__gte=since, intake_confirm_due_at__lt=until)


def online_confirmations_late(
    viewer, *, since: dt.datetime, until: dt.datetime, now: dt.datetime | None = None
):
    """Of those, the ones answered after the deadline, or still unanswered past it at `now`."""
    now = now or timezone.now()
    return online_confirmations(viewer, since=since, until=until).filter(
        Q(intake_confirmed_at__gt=F("intake_confirm_due_at"))
        | Q(intake_confirmed_at__isnull=True, state=State.SUBMITTED, intake_confirm_due_at__lt=now)
    )
