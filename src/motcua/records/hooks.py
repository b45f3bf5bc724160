"""Other packages react to record changes without `records` importing them.

A plain registry: a package registers its callbacks in its AppConfig.ready. `in_transaction`
callbacks run inside the service's transaction, right after the change's RecordEvent is written,
so whatever they write (the exchange outbox) commits or rolls back with the change itself.

`before_change` callbacks run in the same transaction on the locked record before the service
changes it, and return what they need to remember of its old state (the index's roll-ups keep
the record's old contribution to subtract it); `before(record, key)` hands it back once.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Record, RecordEvent

InTransaction = Callable[["Record", "RecordEvent"], None]
BeforeChange = Callable[["Record"], Any]

_in_transaction: list[InTransaction] = []
_before_change: dict[str, BeforeChange] = {}
_suspended = contextvars.ContextVar("records_hooks_suspended", default=False)
_KEPT = "_motcua_before_change"  # on the record instance the service locked and changes
MISSING = object()


def register_in_transaction(callback: InTransaction) -> InTransaction:
    """Run `callback(record, event)` in the transaction of every record change (idempotent)."""
    if callback not in _in_transaction:
        _in_transaction.append(callback)
    return callback


def register_before_change(key: str, callback: BeforeChange) -> BeforeChange:
    """Run `callback(record)` on the locked record before a service changes it (idempotent per key)."""
    _before_change[key] = callback
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


def run_before_change(record: Record) -> None:
    if _suspended.get():
        return
    record.__dict__[_KEPT] = {key: callback(record) for key, callback in list(_before_change.items())}


def before(record: Record, key: str) -> Any:
    """What `key`'s before-change callback returned for this change, or MISSING (a path that did
    not call `run_before_change`, e.g. a new record). Taken once: a later change starts afresh."""
    return record.__dict__.get(_KEPT, {}).pop(key, MISSING)


def run_in_transaction(record: Record, event: RecordEvent) -> None:
    if _suspended.get():
        return
    for callback in list(_in_transaction):
        callback(record, event)
