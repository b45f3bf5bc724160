"""The transactional outbox: a record change enqueues its deliveries in its own transaction.

`enqueue_for_change` is registered as a records in-transaction hook (apps.py): whatever a
service changes, the Delivery rows commit or roll back with it. After commit, a task is
enqueued to deliver each (delivery.py); a lost task costs nothing, the worker's sweep finds the
row. One open delivery per record and connector: a newer change updates its payload."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from motcua.records.selectors import visible_records

from .connectors import registry
from .models import ConnectorConfig, Delivery
from .tasks import schedule_delivery

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.records.models import Record, RecordEvent

    from .connectors.base import Connector

OPEN = (Delivery.Status.PENDING, Delivery.Status.FAILED)


def covers(config: ConnectorConfig, plugin: Connector, record: Record) -> bool:
    """Whether the connector takes records of this procedure (config, else the plugin's default)."""
    fields = config.field_code_set or plugin.default_field_codes
    if fields and record.procedure.field.code not in fields:
        return False
    procedures = config.procedure_code_set
    return not procedures or record.procedure.code in procedures


def enqueue_for_change(record: Record, event: RecordEvent) -> None:
    """In the change's transaction: one open delivery per interested connector, payload current."""
    configs = list(ConnectorConfig.objects.filter(enabled=True))
    if not configs:
        return
    now = timezone.now()
    payloads: dict[Any, dict[str, Any]] = {}  # one sync record per change, whatever the connectors
    for config in configs:
        plugin = registry.get(config.plugin)
        if plugin is None or not covers(config, plugin, record) or not plugin.wants(record, event):
            continue
        ours = Delivery.objects.filter(record=record, connector=config)
        open_one = ours.filter(status__in=OPEN).select_for_update().first()
        if open_one is None and plugin.once and ours.exists():
            continue  # delivered once already: that system takes it from there
        maker = type(plugin).payload
        if maker not in payloads:
            payloads[maker] = plugin.payload(record)
        payload = payloads[maker]
        if open_one is None:
            delivery = Delivery.objects.create(
                connector=config,
                record=record,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            _after_commit(delivery.pk, now)
            continue
        changes: dict[str, Any] = {"payload": payload, "revision": F("revision") + 1, "updated_at": now}
        if open_one.status == Delivery.Status.FAILED:  # a new change is a new chance
            changes.update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, last_error="")
        Delivery.objects.filter(pk=open_one.pk).update(**changes)
        if open_one.status == Delivery.Status.FAILED:
            _after_commit(open_one.pk, now)  # a pending one already has its task (or the sweep)


def _after_commit(delivery_id: int, at: dt.datetime) -> None:
    transaction.on_commit(lambda: schedule_delivery(delivery_id, at))


def delivery_resend(*, delivery: Delivery, actor: User | None, now: dt.datetime | None = None) -> bool:
    """Send a failed delivery again from attempt one. False if it is not failed (any more)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            claimed_until=None,
            claim_token="",
            updated_at=now,
            resent_by=actor,
            resent_at=now,
        )
        if updated:
            _after_commit(delivery.pk, now)
    return bool(updated)


# --- selectors ---


def failed_deliveries(*, viewer: User) -> QuerySet[Delivery]:
    """Failed deliveries of the records the viewer may see, newest first."""
    return (
        Delivery.objects.filter(status=Delivery.Status.FAILED, record__in=visible_records(viewer))
        .select_related("record", "connector")
        .order_by("-updated_at", "-pk")
    )


def record_sync_status(*, record: Record) -> list[Delivery]:
    """The latest delivery of the record to each connector."""
    latest: dict[int, Delivery] = {}
    for delivery in Delivery.objects.filter(record=record).select_related("connector").order_by("-pk"):
        latest.setdefault(delivery.connector.pk, delivery)
    return sorted(latest.values(), key=lambda d: d.connector.name)
