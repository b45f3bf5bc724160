"""Other packages react to record changes without `records` importing them.

A plain registry: a package registers its callbacks in its AppConfig.ready. `in_transaction`
callbacks run inside the service's transaction, right after the change's RecordEvent is written,
so whatever they write (the exchange outbox) commits or rolls back with the change itself.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Record, RecordEvent

InTransaction = Callable[["Record", "RecordEvent"], None]

_in_transaction: list[InTransaction] = []
_suspended = contextvars.ContextVar("records_hooks_suspended", default=False)


def register_in_transaction(callback: InTransaction) -> InTransaction:
    """Run `callback(record, event)` in the transaction of every record change (idempotent)."""
    if callback not in _in_transaction:
        _in_transaction.append(callback)
    return callback


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """For bulk writers that rebuild what the callbacks derive once, afterwards (the demo's year of
    records: per-change index roll-ups would cost more than the records themselves). Nothing is
    queued for other systems meanwhile."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def run_in_transaction(record: Record, event: RecordEvent) -> None:
    if _suspended.get():
        return
    for callback in list(_in_transaction):
        callback(record, event)
