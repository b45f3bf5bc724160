"""The outbox for a set of records changed at once (a calendar change moving thousands of due
dates): the rows `outbox.enqueue_for_change` would leave record by record, written in a few
statements.

Registered with `records.hooks.register_bulk_change` (apps.py) in its place. Same choice per
connector (covers, wants, `once`), same result per record: a new pending delivery with the current
payload, or the open one's payload replaced and its revision bumped (a failed one pending again,
from attempt one). The sync record is built from the records' events and attachments read for the
whole set, not per record; a plugin with its own payload builds it as usual. After commit the new
(and failed-again) rows are handed to the workers BATCH per task (`tasks.deliver_batch`) instead of
one task per row.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from .connectors import registry
from .connectors.base import SyncRecordConnector
from .dvcqg.mapping import record_to_sync
from .exporter import events_of, files_of
from .models import ConnectorConfig, Delivery
from .outbox import OPEN, covers
from .tasks import schedule_deliveries

if TYPE_CHECKING:
    from motcua.records.models import Record, RecordEvent

HOOK = "exchange.outbox"  # records.hooks key of the bulk handler
_IDS = 2000


class _History:
    """The events (with their actor) and attachments of a set of records, read once as values —
    as the export reads them (exporter.py), not as model instances."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.events: dict[int, list[Any]] = {}
        self.files: dict[int, list[Any]] = {}
        for chunk in itertools.batched(ids, _IDS):
            self.events.update(events_of(chunk))
            self.files.update(files_of(chunk))


def enqueue_for_changes(
    records: Sequence[Record], events: Sequence[RecordEvent], _before: Any = None
) -> None:
    """In the bulk change's transaction: `outbox.enqueue_for_change` for every (record, event)."""
    configs = list(ConnectorConfig.objects.filter(enabled=True).order_by("pk"))
    if not configs or not records:
        return
    now = timezone.now()
    history: _History | None = None
    payloads: dict[
        tuple[Any, int], dict[str, Any]
    ] = {}  # one sync record per record, whatever the connectors
    created: list[int] = []
    for config in configs:
        plugin = registry.get(config.plugin)
        if plugin is None:
            continue
        chosen = [
            r
            for r, e in zip(records, events, strict=True)
            if covers(config, plugin, r) and plugin.wants(r, e)
        ]
        if not chosen:
            continue
        ids = [r.pk for r in chosen]
        open_ones: dict[int, Delivery] = {}
        delivered: set[int] = set()
        for chunk in itertools.batched(ids, _IDS):
            ours = Delivery.objects.filter(record_id__in=chunk, connector=config)
            for delivery in ours.filter(status__in=OPEN).select_for_update().order_by("-pk"):
                open_ones[delivery.record_id] = delivery  # the oldest open one, as .first() picks
            if plugin.once:
                delivered.update(ours.values_list("record_id", flat=True))
        maker = type(plugin).payload
        new: list[Delivery] = []
        updated: list[Delivery] = []
        for record in chosen:
            open_one = open_ones.get(record.pk)
            if open_one is None and plugin.once and record.pk in delivered:
                continue  # delivered once already: that system takes it from there
            if (maker, record.pk) not in payloads:
                if maker is SyncRecordConnector.payload:
                    history = history or _History([r.pk for r in records])
                    payload = record_to_sync(
                        record, history.events.get(record.pk, []), history.files.get(record.pk, [])
                    )
                else:
                    payload = plugin.payload(record)
                payloads[(maker, record.pk)] = payload
            payload = payloads[(maker, record.pk)]
            if open_one is None:
                new.append(
                    Delivery(
                        connector=config,
                        record=record,
                        payload=payload,
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
                continue
            open_one.payload = payload
            if open_one.status == Delivery.Status.FAILED:  # a new change is a new chance
                created.append(open_one.pk)  # a pending one already has its task (or the sweep)
            updated.append(open_one)
        created.extend(_insert(config, new))
        _update(updated, now)
    if created:
        # One task per batch of rows rather than per row: 20.000 enqueues would hold the request.
        transaction.on_commit(lambda: schedule_deliveries(sorted(created)))


def _insert(config: ConnectorConfig, rows: list[Delivery]) -> list[int]:
    """Write the new deliveries; their ids. The payloads (a few KB each) go as parameters of one
    statement run per row — on PostgreSQL with COPY — not compiled into a multi-row INSERT (which
    cost more to build than to run)."""
    if not rows:
        return []
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table, columns = quote(Delivery._meta.db_table), ", ".join(quote(f.column) for f in fields)
    values = ([f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] for row in rows)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row_values in values:
                copy.write_row(row_values)
    else:
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values))
    ids: list[int] = []
    for chunk in itertools.batched(
        [row.record_id for row in rows], _IDS
    ):  # the one open per record and connector
        ids.extend(
            Delivery.objects.filter(connector=config, record_id__in=chunk, status__in=OPEN).values_list(
                "pk", flat=True
            )
        )
    return ids


def _update(rows: list[Delivery], now: dt.datetime) -> None:
    """The open deliveries' new payloads, revision + 1; a failed one pending again from attempt
    one. One statement run for every row (executemany): a bulk_update's CASE per row and field
    costs more to build than the rows to write."""
    if not rows:
        return
    table = connection.ops.quote_name(Delivery._meta.db_table)
    payload = Delivery._meta.get_field("payload")
    moment = Delivery._meta.get_field("updated_at").get_db_prep_save(now, connection)
    failed, pending = Delivery.Status.FAILED.value, Delivery.Status.PENDING.value
    sql = (
        f"UPDATE {table} SET payload = %s, revision = revision + 1, updated_at = %s, "
        "attempts = CASE WHEN status = %s THEN 0 ELSE attempts END, "
        "next_attempt_at = CASE WHEN status = %s THEN %s ELSE next_attempt_at END, "
        "last_error = CASE WHEN status = %s THEN '' ELSE last_error END, "
        "status = CASE WHEN status = %s THEN %s ELSE status END WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    payload.get_db_prep_save(row.payload, connection),
                    moment,
                    failed,
                    failed,
                    moment,
                    failed,
                    failed,
                    pending,
                    row.pk,
                )
                for row in rows
            ],
        )
