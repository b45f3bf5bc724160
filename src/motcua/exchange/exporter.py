"""Export an agency's records in the sync format, streaming: records are read in chunks through
a server-side cursor as plain rows, their history and files fetched per chunk likewise (no model
instance per record or event: an export of a million records would spend most of its time
building them; the procedures and the agency are read once), and each record is written as soon
as it is mapped."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import IO, Any, cast

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from motcua.catalog.models import Procedure
from motcua.records.models import Record, RecordAttachment, RecordEvent
from motcua.units.models import Agency

from .dvcqg.mapping import record_to_sync
from .dvcqg.values import LOCAL_TZ
from .dvcqg.writer import SyncWriter
from .sqlexport import export_records_sql

CHUNK = 2000
# The Record columns the mapping reads (dvcqg.mapping.record_to_sync).
RECORD_COLUMNS = (
    "pk",
    "code",
    "procedure_id",
    "state",
    "channel",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_kind",
    "summary",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "ended_at",
    "approved",
    "fees_total_vnd",
    "paid_online",
    "has_digitized_components",
    "vneid_verified",
    "submitted_on_national_portal",
    "used_population_db",
    "extra",
)


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


def events_of(ids: Sequence[int]) -> dict[int, list[_Event]]:
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


def files_of(ids: Sequence[int]) -> dict[int, list[_File]]:
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
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    out: IO[str],
    fmt: str = "json",
    python: bool = False,
    workers: int | None = None,
) -> int:
    """Write the records to `out`; returns how many. On PostgreSQL the server builds the JSON
    (`sqlexport`, the same bytes) over `workers` connections (default: one per CPU); `python=True`
    forces the path below (tests compare the two)."""
    SyncWriter(out, fmt)  # an unknown format is refused before anything is written
    if connection.vendor == "postgresql" and not python:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LOCAL_TZ)
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
        return export_records_sql(agency=agency, start=start, end=end, out=out, fmt=fmt, workers=workers)
    records = records_for_export(agency=agency, date_from=date_from, date_to=date_to)
    procedures: dict[int, Procedure] = {}
    rows = records.values_list(*RECORD_COLUMNS)
    # One transaction: a consistent snapshot, and the server-side cursor lives in it.
    with transaction.atomic(), SyncWriter(out, fmt) as writer:
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
            ids = [row[0] for row in chunk]
            events, files = events_of(ids), files_of(ids)
            for row in chunk:
                values = dict(zip(RECORD_COLUMNS, row, strict=True))
                # What the mapping reads of a record, without building a model instance.
                procedure_id = values["procedure_id"]
                if procedure_id not in procedures:
                    procedures[procedure_id] = Procedure.objects.select_related("field").get(pk=procedure_id)
                record = SimpleNamespace(**values, procedure=procedures[procedure_id], agency=agency)
                pk = values["pk"]
                writer.write(record_to_sync(cast(Record, record), events.get(pk, []), files.get(pk, [])))  # type: ignore[arg-type]
    return writer.count


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
