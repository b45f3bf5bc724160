"""Background tasks of the exchange (Django Tasks; run by `motcua worker`)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

QUEUE = "exchange"


@task(queue_name=QUEUE)
def deliver(delivery_id: int) -> str:
    """Deliver one outbox row, if it is still due and nobody holds it (a duplicate task is a no-op)."""
    from .delivery import deliver_one

    result = deliver_one(delivery_id=delivery_id)
    return str(result) if result is not None else "skipped"


def schedule_delivery(delivery_id: int, at: dt.datetime | None = None) -> None:
    """Enqueue the delivery task (call after commit: the row must be visible to the worker)."""
    if at is not None and at > timezone.now():
        deliver.using(run_after=at).enqueue(delivery_id=delivery_id)
    else:
        deliver.enqueue(delivery_id=delivery_id)


@task(queue_name=QUEUE)
def deliver_batch(delivery_ids: list[int]) -> str:
    """Deliver a batch of outbox rows one after the other (a bulk change's: one task per batch, not
    per row); each is skipped as `deliver` skips it. Other workers take the other batches."""
    from .delivery import deliver_one

    results = [deliver_one(delivery_id=pk) for pk in delivery_ids]
    return f"{sum(r is not None for r in results)}/{len(results)}"


BATCH = 50  # deliveries per task of a bulk change: enough tasks for every worker to share


def schedule_deliveries(delivery_ids: list[int]) -> None:
    """Enqueue the delivery of many rows, BATCH per task (call after commit)."""
    for i in range(0, len(delivery_ids), BATCH):
        deliver_batch.enqueue(delivery_ids=delivery_ids[i : i + BATCH])
