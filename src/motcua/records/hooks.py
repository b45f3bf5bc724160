"""Other packages react to record changes without `records` importing them.

A plain registry: a package registers its callbacks in its AppConfig.ready. `in_transaction`
callbacks run inside the service's transaction, right after the change's RecordEvent is written,
so whatever they write (the exchange outbox) commits or rolls back with the change itself.

`before_change` callbacks run in the same transaction on the locked record before the service
changes it, and return what they need to remember of its old state (the index's roll-ups keep
the record's old contribution to subtract it); `before(record, key)` hands it back once.

A writer that changes many records at once (a calendar change moving thousands of due dates) calls
`run_before_bulk_change(records)` before and `run_after_bulk_change(records, events, kept)` after
its set-based writes: a package that registered a bulk handler (`register_bulk_change`) does its
work once for the whole set, and the per-record callbacks the handler `replaces` are skipped;
every other callback still runs per record, so a package without a bulk handler sees exactly what
a single change shows it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Record, RecordEvent

InTransaction = Callable[["Record", "RecordEvent"], None]
BeforeChange = Callable[["Record"], Any]

_in_transaction: list[InTransaction] = []
_before_change: dict[str, BeforeChange] = {}
BulkBefore = Callable[[Sequence["Record"]], Any]
BulkAfter = Callable[[Sequence["Record"], Sequence["RecordEvent"], Any], None]


@dataclass(frozen=True)
class _Bulk:
    before: BulkBefore | None
    after: BulkAfter
    replaces: tuple[object, ...]  # in-transaction callbacks and before-change keys it stands for


_bulk: dict[str, _Bulk] = {}
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


def register_bulk_change(
    key: str, *, after: BulkAfter, before: BulkBefore | None = None, replaces: Sequence[object] = ()
) -> None:
    """Handle a set of changed records at once: `before(records)` runs before the bulk writer
    changes them and returns what `after(records, events, kept)` needs (MISSING when `before` is
    None). `replaces`: the per-record in-transaction callbacks and before-change keys this handler
    does the work of, skipped on a bulk change (idempotent per key)."""
    _bulk[key] = _Bulk(before=before, after=after, replaces=tuple(replaces))


def _replaced() -> set[object]:
    return {item for handler in _bulk.values() for item in handler.replaces}


def run_before_bulk_change(records: Sequence[Record]) -> dict[str, Any]:
    """Before a bulk writer changes `records` (locked): the bulk handlers' `before`, and the
    per-record before-change callbacks no handler replaces. Pass the result to
    `run_after_bulk_change`."""
    if _suspended.get() or not records:
        return {}
    replaced = _replaced()
    per_record = {key: cb for key, cb in list(_before_change.items()) if key not in replaced}
    if per_record:
        for record in records:
            record.__dict__[_KEPT] = {key: callback(record) for key, callback in per_record.items()}
    return {
        key: handler.before(records) for key, handler in list(_bulk.items()) if handler.before is not None
    }


def run_after_bulk_change(
    records: Sequence[Record], events: Sequence[RecordEvent], kept: dict[str, Any]
) -> None:
    """After a bulk writer changed `records` and wrote `events` (one per record, same order), in
    its transaction: each bulk handler once, then the per-record callbacks no handler replaces."""
    if _suspended.get() or not records:
        return
    if len(records) != len(events):
        raise ValueError("one event per changed record")
    for key, handler in list(_bulk.items()):
        handler.after(records, events, kept.get(key, MISSING))
    replaced = _replaced()
    per_record = [callback for callback in list(_in_transaction) if callback not in replaced]
    for record, event in zip(records, events, strict=True):
        for callback in per_record:
            callback(record, event)
