"""The clock rules the law can change, as data with effective dates, and the term of a procedure.

Which day counts as day 1 is not settled by any text we could read (domain.md §5, [U]); the
default is the next working day after receipt, and a province may record another rule from a
date on. The 15:00 cut-off comes from NĐ 118/2025 Điều 18 (paper transfer); a procedure opts in."""

from __future__ import annotations

import datetime as dt
import enum
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .hours import seconds_of


class Counting(enum.StrEnum):
    NEXT_WORKING_DAY = "next"  # day 1 = the first working day after the day of receipt
    RECEIPT_DAY = "same"  # day 1 = the day of receipt when received in working time


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "days"
    MONTHS = "months"


UNIT_LABELS = {
    Unit.WORKING_DAYS: "ngày làm việc",
    Unit.WORKING_HOURS: "giờ làm việc",
    Unit.CALENDAR_DAYS: "ngày",
    Unit.MONTHS: "tháng",
}


@dataclass(frozen=True, slots=True)
class ClockRule:
    valid_from: dt.date
    counting: Counting = Counting.NEXT_WORKING_DAY
    cutoff: dt.time = dt.time(15, 0)

    @property
    def cutoff_seconds(self) -> int:
        return seconds_of(self.cutoff)


DEFAULT_RULE = ClockRule(valid_from=dt.date.min)


class RuleSet:
    """Clock rules ordered by valid_from; the rule in force on a day is the latest one begun."""

    __slots__ = ("_rules", "_starts")

    def __init__(self, rules: Iterable[ClockRule] = ()) -> None:
        ordered = sorted(rules, key=lambda r: r.valid_from)
        if not ordered or ordered[0].valid_from > dt.date.min:
            ordered.insert(0, DEFAULT_RULE)
        self._rules = tuple(ordered)
        self._starts = [r.valid_from for r in ordered]

    def at(self, day: dt.date) -> ClockRule:
        return self._rules[bisect_right(self._starts, day) - 1]

    def __iter__(self) -> Iterator[ClockRule]:
        return iter(self._rules)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleSet) and self._rules == other._rules

    def __hash__(self) -> int:
        return hash(self._rules)


@dataclass(frozen=True, slots=True)
class Term:
    """A procedure's time limit: 5 working days, 8 working hours, 30 days, 3 months…

    `cutoff`: the procedure applies the cut-off — a receipt after it counts as received on the
    next working day (e.g. same-day certification received after 15:00 is returned next day)."""

    amount: int
    unit: Unit = Unit.WORKING_DAYS
    cutoff: bool = False

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("Thời hạn không được âm.")

    def __str__(self) -> str:
        return f"{self.amount} {UNIT_LABELS[self.unit]}"
