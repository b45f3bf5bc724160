"""Other packages react to record changes without `records` importing them.

A plain registry: a package registers its callbacks in its AppConfig.ready. `in_transaction`
callbacks run inside the service's transaction, right after the change's RecordEvent is written,
so whatever they write (the exchange outbox) commits or rolls back with the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Record, RecordEvent

InTransaction = Callable[["Record", "RecordEvent"], None]

_in_transaction: list[InTransaction] = []


def register_in_transaction(callback: InTransaction) -> InTransaction:
    """Run `callback(record, event)` in the transaction of every record change (idempotent)."""
    if callback not in _in_transaction:
        _in_transaction.append(callback)
    return callback


def run_in_transaction(record: Record, event: RecordEvent) -> None:
    for callback in list(_in_transaction):
        callback(record, event)
