"""Other packages react to a calendar change without `calendars` importing them.

A plain registry, as `records.hooks`: a package registers its callback in its AppConfig.ready
(records: the open online-intake clocks, records/online_intake.py). The calendar services call
the callbacks inside the change's own transaction, so what they write commits or rolls back with
the setting itself — never through a signal fired by save().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CalendarChange:
    """Whose calendar changed. `agency_id`: one centre's own working hours; else `province_id`:
    every centre of that province; both None: a national setting, every centre. `days`: the only
    days whose status changed (a day off or worked day added, moved or removed), so a receiver may
    leave alone what never spans them; None: any day may have changed (hours, counting rules)."""

    description: str
    province_id: int | None = None
    agency_id: int | None = None
    actor_id: int | None = None
    days: frozenset[dt.date] | None = None

    def covers(self, *, agency_id: int | None, province_id: int | None) -> bool:
        if self.agency_id is not None:
            return agency_id == self.agency_id
        return self.province_id is None or province_id == self.province_id


OnChange = Callable[[CalendarChange], object]

_on_change: list[OnChange] = []


def register_on_change(callback: OnChange) -> OnChange:
    """Run `callback(change)` in the transaction of every calendar change (idempotent)."""
    if callback not in _on_change:
        _on_change.append(callback)
    return callback


def run_on_change(change: CalendarChange) -> None:
    for callback in list(_on_change):
        callback(change)
