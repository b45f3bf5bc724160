"""Assemble a Calendar from the national days off and stored overrides, and recompute due dates
when a calendar changes (domain.md §5: open records follow the new calendar)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import NamedTuple

from .calendar import Calendar, Override
from .hours import DEFAULT_HOURS, WorkingHours
from .rules import RuleSet, Term
from .vn import national_days


def build_calendar(
    *,
    first_year: int,
    last_year: int,
    overrides: Iterable[Override] = (),
    hours: WorkingHours | Sequence[tuple[dt.date, WorkingHours]] = DEFAULT_HOURS,
    rules: RuleSet | None = None,
) -> Calendar:
    """National days off for the years, then `overrides` in order (national ones first, then the
    province's, so that the province has the last word)."""
    days_off, worked = national_days(range(first_year, last_year + 1))
    return Calendar(
        first=dt.date(first_year, 1, 1),
        last=dt.date(last_year, 12, 31),
        days_off=days_off,
        overrides=[*worked, *overrides],
        hours=hours,
        rules=rules,
    )


class DueChange(NamedTuple):
    key: Hashable
    old: dt.datetime | None
    new: dt.datetime


def due_changes(
    items: Iterable[tuple[Hashable, dt.datetime, Term, dt.datetime | None]], calendar: Calendar
) -> Iterator[DueChange]:
    """For (key, received, term, current due) of open records, yield those whose due date differs
    under `calendar`. Pure: the caller saves and logs the changes."""
    due = calendar.due
    for key, received, term, old in items:
        new = due(received, term)
        if new != old:
            yield DueChange(key, old, new)
