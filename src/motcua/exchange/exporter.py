"""Export an agency's records in the sync format, streaming: records are read in chunks through
a server-side cursor, their history and files fetched per chunk as plain rows (no model instance
per event: an export of a million records would spend most of its time building them), and each
record is written as soon as it is mapped."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Q, QuerySet

from motcua.records.models import Record, RecordAttachment, RecordEvent
from motcua.units.models import Agency

from .dvcqg.mapping import record_to_sync
from .dvcqg.values import LOCAL_TZ
from .dvcqg.writer import SyncWriter

CHUNK = 2000


def records_for_export(*, agency: Agency, date_from: dt.date, date_to: dt.date) -> QuerySet[Record]:
    """The agency's records received in [date_from, date_to] (local days); a record not received
    (submitted, refused at intake) counts by its submission."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    return (
        Record.objects.filter(agency=agency)
        .filter(
            Q(received_at__gte=start, received_at__lt=end)
            | Q(received_at__isnull=True, submitted_at__gte=start, submitted_at__lt=end)
        )
        .select_related("procedure__field", "agency")
        .order_by("code")
    )


@dataclass(frozen=True)
class _Actor:
    full_name: str
    username: str


@dataclass(frozen=True)
class _Event:
    """What the mapping reads of a RecordEvent."""

    action: str
    at: dt.datetime
    to_state: str
    reason: str
    due_at: dt.datetime | None
    detail: dict[str, Any]
    actor: _Actor | None


@dataclass(frozen=True)
class _File:
    sha256: str
    name: str
    component_id: int | None


def _events_of(ids: list[int]) -> dict[int, list[_Event]]:
    out: dict[int, list[_Event]] = defaultdict(list)
    rows = (
        RecordEvent.objects.filter(record_id__in=ids)
        .order_by("record_id", "at", "pk")
        .values_list(
            "record_id",
            "action",
            "at",
            "to_state",
            "reason",
            "due_at",
            "detail",
            "actor_id",
            "actor__full_name",
            "actor__username",
        )
    )
    for record_id, action, at, to_state, reason, due_at, detail, actor_id, full_name, username in rows:
        actor = _Actor(full_name, username) if actor_id is not None else None
        out[record_id].append(_Event(action, at, to_state, reason, due_at, detail, actor))
    return out


def _files_of(ids: list[int]) -> dict[int, list[_File]]:
    out: dict[int, list[_File]] = defaultdict(list)
    rows = (
        RecordAttachment.objects.filter(record_id__in=ids)
        .order_by("record_id", "uploaded_at", "pk")
        .values_list("record_id", "sha256", "name", "component_id")
    )
    for record_id, sha256, name, component_id in rows:
        out[record_id].append(_File(sha256, name, component_id))
    return out


def export_records(
    *, agency: Agency, date_from: dt.date, date_to: dt.date, out: IO[str], fmt: str = "json"
) -> int:
    """Write the records to `out`; returns how many."""
    records = records_for_export(agency=agency, date_from=date_from, date_to=date_to)
    with SyncWriter(out, fmt) as writer:
        for chunk in _chunks(records.iterator(chunk_size=CHUNK), CHUNK):
            ids = [record.pk for record in chunk]
            events, files = _events_of(ids), _files_of(ids)
            for record in chunk:
                writer.write(record_to_sync(record, events.get(record.pk, []), files.get(record.pk, [])))  # type: ignore[arg-type]
    return writer.count


def _chunks(items: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
