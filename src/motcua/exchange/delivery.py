"""Delivering outbox rows: claim with a lease, send outside any transaction, record the outcome.

Any number of workers on any host: a claim is a compare-and-set on the row (and `SKIP LOCKED`
on PostgreSQL), so two workers never hold the same delivery. A worker that dies mid-delivery
holds a lease that expires; the next sweep (`deliver_due`) delivers the row again — at least once,
and the receiving side treats the same MaHoSo as an update, never as a new record."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .connectors import registry
from .connectors.base import Outcome, Result
from .models import Delivery
from .tasks import schedule_delivery

logger = logging.getLogger(__name__)

# A lease outlives the slowest answer a connector may wait for.
MIN_LEASE = dt.timedelta(minutes=2)
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=2)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most 2 hours."""
    wait: dt.timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(wait, BACKOFF_MAX)


def lease_for(timeout_seconds: float) -> dt.timedelta:
    return max(MIN_LEASE, dt.timedelta(seconds=3 * timeout_seconds))


def due_deliveries(now: dt.datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
        connector__enabled=True,
    )


def claim(*, delivery_id: int | None = None, now: dt.datetime | None = None) -> Delivery | None:
    """Take one due delivery (that one, or the most overdue) under a fresh lease, or None."""
    now = now or timezone.now()
    for _ in range(3):
        try:
            with transaction.atomic():
                candidates = due_deliveries(now)
                if delivery_id is not None:
                    candidates = candidates.filter(pk=delivery_id)
                candidate = (
                    candidates.select_for_update(skip_locked=True, of=("self",))
                    .select_related("connector")
                    .order_by("next_attempt_at", "pk")
                    .first()
                )
                if candidate is None:
                    return None
                token = secrets.token_hex(16)
                until = now + lease_for(candidate.connector.timeout_seconds)
                # Compare-and-set: only if nobody claimed it since we read it (SQLite has no row locks).
                won = Delivery.objects.filter(
                    pk=candidate.pk,
                    status=Delivery.Status.PENDING,
                    claim_token=candidate.claim_token,
                    revision=candidate.revision,
                ).update(claimed_until=until, claim_token=token)
        except OperationalError:  # SQLite: another worker is writing; try again
            continue
        if won:
            candidate.claimed_until, candidate.claim_token = until, token
            return candidate
    return None


def deliver_one(*, delivery_id: int | None = None, now: dt.datetime | None = None) -> Result | None:
    """Claim, send, record. None when there was nothing (due) to deliver."""
    delivery = claim(delivery_id=delivery_id, now=now)
    if delivery is None:
        return None
    return send_claimed(delivery, now=now)


def send_claimed(delivery: Delivery, *, now: dt.datetime | None = None) -> Result:
    plugin = registry.get(delivery.connector.plugin)
    if plugin is None:
        outcome = Outcome(Result.FAILED, f"Không có plugin kết nối “{delivery.connector.plugin}”.")
    else:
        try:
            outcome = plugin.deliver(delivery.connector, delivery.payload)
        except Exception as error:  # a plugin's bug must not strand the claim: retry, say why
            logger.exception("Connector %s failed on delivery %s", delivery.connector.plugin, delivery.pk)
            outcome = Outcome(Result.RETRY, f"Lỗi trong plugin kết nối: {error}")
    finish(delivery, outcome, now=now)
    return outcome.result


def finish(delivery: Delivery, outcome: Outcome, *, now: dt.datetime | None = None) -> None:
    """Record what the other side answered — only if this worker still holds the lease."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Delivery.objects.select_for_update().select_related("connector").get(pk=delivery.pk)
        if current.claim_token != delivery.claim_token:
            return  # the lease expired and another worker took over: its outcome counts
        current.attempts += 1
        current.claimed_until, current.claim_token, current.updated_at = None, "", now
        retry_at = None
        if outcome.result == Result.DELIVERED:
            current.answer = outcome.detail
            if current.revision != delivery.revision:
                # The record changed while this payload was on the wire: send the newer one now.
                current.attempts, current.next_attempt_at, retry_at = 0, now, now
            else:
                current.status, current.synced_at, current.last_error = Delivery.Status.SYNCED, now, ""
                _portal_has(current, now)  # the index's DOSSIER_SYNC (records.sync)
        elif outcome.result == Result.FAILED or current.attempts >= current.connector.max_attempts:
            current.status, current.last_error = Delivery.Status.FAILED, outcome.detail
        else:
            current.last_error = outcome.detail
            current.next_attempt_at = retry_at = now + backoff(current.attempts)
        current.save()
        if retry_at is not None:
            pk = current.pk
            transaction.on_commit(lambda: schedule_delivery(pk, retry_at))


def _portal_has(delivery: Delivery, now: dt.datetime) -> None:
    """The national portal took the record: mark it for the index, refresh its rollup bucket and
    drop the kept figures of the closed periods that count it."""
    from motcua.metrics.rollups import buckets_of, rollups_refresh
    from motcua.metrics.snapshots import forget_records
    from motcua.records.models import Record
    from motcua.records.sync import PORTAL, record_mark_portal_synced

    if delivery.connector.plugin == PORTAL and record_mark_portal_synced(
        record_ids=[delivery.record_id], at=now
    ):
        rollups_refresh(buckets_of(Record.objects.filter(pk=delivery.record_id)))
        forget_records(record_ids=[delivery.record_id])


def deliver_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Deliver what is due, including rows whose worker died holding them (lease expired)."""
    done = 0
    while done < limit:
        if deliver_one(now=now) is None:
            break
        done += 1
    return done
