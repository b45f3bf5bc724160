"""A working-day calendar, precomputed into arrays so that a due date is a few list look-ups.

For every day of the covered years the calendar stores the index of the first working day on or
after it and strictly after it; a due date N working days on is then one index addition. Working
time is a monotone count of working seconds since the calendar's first day, so adding hours and
measuring elapsed working time are inverse look-ups of the same function."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .hours import DEFAULT_HOURS, WorkingHours
from .rules import ClockRule, Counting, RuleSet, Term, Unit

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())
WEEKEND_REASONS = {5: "nghỉ cuối tuần", 6: "nghỉ cuối tuần"}


class OutOfCalendar(ValueError):
    """The computation left the years the calendar was built for."""


@dataclass(frozen=True, slots=True)
class Override:
    """One day made a day off (working=False) or a working day (working=True), e.g. a Saturday
    worked in exchange for a bridge day off. Later overrides win over earlier ones."""

    day: dt.date
    working: bool
    reason: str


class Calendar:
    __slots__ = (
        "_at_idx",
        "_base",
        "_close_dt",
        "_close_of",
        "_cum",
        "_fixed_offset",
        "_hours_of",
        "_next_idx",
        "_ords",
        "_reasons",
        "_rule_of",
        "_span",
        "_working",
        "first",
        "hours",
        "last",
        "rules",
        "tz",
    )

    def __init__(
        self,
        *,
        first: dt.date,
        last: dt.date,
        days_off: Mapping[dt.date, str] = {},
        overrides: Iterable[Override] = (),
        weekend: frozenset[int] = WEEKEND,
        hours: WorkingHours | Sequence[tuple[dt.date, WorkingHours]] = DEFAULT_HOURS,
        rules: RuleSet | None = None,
        tz: dt.tzinfo = VN_TZ,
    ) -> None:
        if last < first:
            raise ValueError("last < first")
        self.first, self.last, self.tz = first, last, tz
        self.rules = rules if rules is not None else RuleSet()
        schedule = [(dt.date.min, hours)] if isinstance(hours, WorkingHours) else sorted(hours)
        if not schedule or schedule[0][0] > first:
            schedule.insert(0, (dt.date.min, DEFAULT_HOURS))
        self.hours: tuple[tuple[dt.date, WorkingHours], ...] = tuple(schedule)
        hour_starts = [start for start, _ in schedule]

        reasons: dict[dt.date, str] = {day: name for day, name in days_off.items() if first <= day <= last}
        worked: dict[dt.date, str] = {}
        for o in overrides:
            if not first <= o.day <= last:
                continue
            if o.working:
                worked[o.day] = o.reason
                reasons.pop(o.day, None)
            else:
                reasons[o.day] = o.reason
                worked.pop(o.day, None)

        self._base = first.toordinal()
        self._span = last.toordinal() - self._base + 1
        self._fixed_offset = _fixed_offset(tz, first, last)
        self._working: list[bool] = []
        self._ords: list[int] = []
        self._hours_of: list[WorkingHours] = []
        self._close_dt: list[dt.datetime] = []
        self._cum: list[int] = [0]
        self._close_of: list[int] = []
        self._rule_of: list[ClockRule] = []
        self._reasons: dict[dt.date, str] = {}
        for offset in range(self._span):
            day = dt.date.fromordinal(self._base + offset)
            if day in worked:
                is_working = True
                self._reasons[day] = worked[day]
            elif day in reasons:
                is_working = False
                self._reasons[day] = reasons[day]
            elif day.weekday() in weekend:
                is_working = False
                self._reasons[day] = WEEKEND_REASONS.get(day.weekday(), "ngày nghỉ hằng tuần")
            else:
                is_working = True
            self._working.append(is_working)
            self._rule_of.append(self.rules.at(day))
            if is_working:
                day_hours = schedule[bisect_right(hour_starts, day) - 1][1]
                self._ords.append(self._base + offset)
                self._hours_of.append(day_hours)
                self._cum.append(self._cum[-1] + day_hours.length)
                close = day_hours.closes
                self._close_of.append(close)
                self._close_dt.append(
                    dt.datetime(day.year, day.month, day.day, close // 3600, close % 3600 // 60, tzinfo=tz)
                )
            else:
                self._close_of.append(0)
        # _at_idx[o]: first working day on or after day o; _next_idx[o]: first strictly after.
        self._at_idx: list[int] = []
        self._next_idx: list[int] = []
        i = 0
        for offset in range(self._span):
            self._at_idx.append(i)
            if self._working[offset]:
                i += 1
            self._next_idx.append(i)

    # -- days -------------------------------------------------------------------------------

    def _offset(self, day: dt.date) -> int:
        o = day.toordinal() - self._base
        if not 0 <= o < self._span:
            raise self._out_of_range(day)
        return o

    def _out_of_range(self, day: dt.date | None = None) -> OutOfCalendar:
        where = f"Ngày {day:%d/%m/%Y} nằm" if day is not None else "Kết quả tính nằm"
        return OutOfCalendar(
            f"{where} ngoài lịch làm việc đã nạp ({self.first:%d/%m/%Y}–{self.last:%d/%m/%Y})."
        )

    def _day_at(self, index: int) -> dt.date:
        if index >= len(self._ords):
            raise self._out_of_range()
        return dt.date.fromordinal(self._ords[index])

    def is_working_day(self, day: dt.date) -> bool:
        return self._working[self._offset(day)]

    def reason(self, day: dt.date) -> str:
        """Why a day is off (holiday name, override reason, weekend), or why a weekend day is
        worked; '' for an ordinary working day."""
        self._offset(day)
        return self._reasons.get(day, "")

    def hours_on(self, day: dt.date) -> WorkingHours:
        starts = [start for start, _ in self.hours]
        return self.hours[bisect_right(starts, day) - 1][1]

    def rule_at(self, day: dt.date) -> ClockRule:
        return self._rule_of[self._offset(day)]

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self._day_at(self._next_idx[self._offset(day)])

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return self._day_at(self._at_idx[self._offset(day)])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end."""
        return self._next_idx[self._offset(end)] - self._next_idx[self._offset(start)]

    def add_working_days_to_date(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n ≥ 1), or `day`'s first working day on/after (n = 0)."""
        o = self._offset(day)
        return self._day_at(self._at_idx[o] if n == 0 else self._next_idx[o] + n - 1)

    def days_off(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Non-working days d with start ≤ d ≤ end (clipped to the calendar)."""
        lo = max(start.toordinal() - self._base, 0)
        hi = min(end.toordinal() - self._base, self._span - 1)
        return [dt.date.fromordinal(self._base + o) for o in range(lo, hi + 1) if not self._working[o]]

    def worked_weekend_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        lo = max(start.toordinal() - self._base, 0)
        hi = min(end.toordinal() - self._base, self._span - 1)
        days = (dt.date.fromordinal(self._base + o) for o in range(lo, hi + 1) if self._working[o])
        return [d for d in days if d in self._reasons]

    # -- instants ---------------------------------------------------------------------------

    def local(self, when: dt.datetime) -> dt.datetime:
        if when.tzinfo is None:
            raise ValueError("Thời điểm phải kèm múi giờ (timezone-aware).")
        return when if when.tzinfo is self.tz else when.astimezone(self.tz)

    def close_of(self, day: dt.date) -> dt.datetime:
        """End of working time on a working day (the due time of a day-counted term)."""
        o = self._offset(day)
        if not self._working[o]:
            raise ValueError(f"{day:%d/%m/%Y} không phải ngày làm việc.")
        return self._close_dt[self._at_idx[o]]

    def is_late(self, received: dt.datetime, *, cutoff: bool) -> bool:
        """Received on a working day after the cut-off (when the term uses it) or after closing."""
        received = self.local(received)
        o = self._offset(received.date())
        if not self._working[o]:
            return False
        s = received.hour * 3600 + received.minute * 60 + received.second
        return s >= self._close_of[o] or (cutoff and s > self._rule_of[o].cutoff_seconds)

    def day_one(
        self, received: dt.datetime, *, cutoff: bool = False, receipt_day_counts: bool = False
    ) -> dt.date:
        """Day 1 of a day-counted term under the rule in force on the day of receipt."""
        received = self.local(received)
        o = self._offset(received.date())
        rule = self._rule_of[o]
        if receipt_day_counts or rule.counting is Counting.RECEIPT_DAY:
            late = self.is_late(received, cutoff=cutoff)
            return self._day_at(self._next_idx[o] if late else self._at_idx[o])
        late = cutoff and self.is_late(received, cutoff=True)
        return self._day_at(self._next_idx[o] + (1 if late else 0))

    # -- the clock: hot paths ----------------------------------------------------------------

    def add_working_days(self, received: dt.datetime, n: int, *, cutoff: bool = False) -> dt.datetime:
        """Due instant of an n-working-day term: the close of working day n. n = 0 means 'within
        the day': the receipt day itself when received in working time (before the cut-off)."""
        # Hot path (recomputing every open record): integer look-ups only, no datetime arithmetic.
        tz = received.tzinfo
        if tz is self.tz:
            o = received.toordinal() - self._base
            s = -1  # seconds of the day, computed only when a rule needs them
        elif tz is not None and self._fixed_offset is not None:
            local = int(received.timestamp()) + self._fixed_offset  # e.g. UTC from the database
            o = local // 86400 + _EPOCH_ORDINAL - self._base
            s = local % 86400
        else:
            received = self.local(received)
            o = received.toordinal() - self._base
            s = -1
        if not 0 <= o < self._span or n < 0:
            if n < 0:
                raise ValueError("Thời hạn không được âm.")
            raise self._out_of_range(dt.date.fromordinal(o + self._base) if o > -self._base else None)
        rule = self._rule_of[o]
        if n == 0 or rule.counting is Counting.RECEIPT_DAY:
            if s < 0:
                s = received.hour * 3600 + received.minute * 60 + received.second
            if s >= self._close_of[o] or (cutoff and s > rule.cutoff_seconds):
                i = self._next_idx[o] + n - (1 if n else 0)
            else:
                i = self._at_idx[o] + n - (1 if n else 0)
        else:
            i = self._next_idx[o] + n - 1
            if cutoff and self._working[o]:
                if s < 0:
                    s = received.hour * 3600 + received.minute * 60 + received.second
                if s > rule.cutoff_seconds or s >= self._close_of[o]:
                    i += 1
        try:
            return self._close_dt[i]
        except IndexError:
            raise self._out_of_range() from None

    def add_calendar_days(self, received: dt.datetime, n: int, *, cutoff: bool = False) -> dt.datetime:
        """BLDS 2015 Điều 147–148: the day of the event is not counted; a period ending on a day
        off ends at the close of the next working day."""
        if n == 0:
            return self.add_working_days(received, 0, cutoff=cutoff)
        start = self._start_date(received, cutoff)
        return self._close_on_or_after(start + dt.timedelta(days=n))

    def add_months(self, received: dt.datetime, n: int, *, cutoff: bool = False) -> dt.datetime:
        """BLDS 2015 Điều 148: ends on the same day-of-month n months on, or that month's last
        day when it has no such day; moved to the next working day when that is a day off."""
        if n == 0:
            return self.add_working_days(received, 0, cutoff=cutoff)
        return self._close_on_or_after(add_months(self._start_date(received, cutoff), n))

    def _start_date(self, received: dt.datetime, cutoff: bool) -> dt.date:
        received = self.local(received)
        if cutoff and self.is_late(received, cutoff=True):
            return self.next_working_day(received.date())
        return received.date()

    def _close_on_or_after(self, day: dt.date) -> dt.datetime:
        i = self._at_idx[self._offset(day)]
        if i >= len(self._close_dt):
            raise self._out_of_range()
        return self._close_dt[i]

    # -- working time ------------------------------------------------------------------------

    def working_seconds_at(self, when: dt.datetime) -> int:
        """Working seconds from the calendar's first day until `when` (monotone in `when`)."""
        when = self.local(when)
        o = self._offset(when.date())
        i = self._at_idx[o]
        if not self._working[o]:
            return self._cum[i]
        return self._cum[i] + self._hours_of[i].worked_before(
            when.hour * 3600 + when.minute * 60 + when.second
        )

    def instant_at(self, worked: int) -> dt.datetime:
        """The earliest instant at which `worked` working seconds have passed; a count that fills a
        day exactly lands on that day's close, not the next day's opening."""
        if worked <= 0:
            i, into = 0, 0
        else:
            i = bisect_left(self._cum, worked) - 1
            into = worked - self._cum[i]
        day = self._day_at(i)
        s = self._hours_of[i].instant_after(into) if into else self._hours_of[i].opens
        return dt.datetime(day.year, day.month, day.day, s // 3600, s % 3600 // 60, s % 60, tzinfo=self.tz)

    def add_working_time(self, received: dt.datetime, delta: dt.timedelta) -> dt.datetime:
        """Due instant of a term in working hours, counted from the instant of receipt."""
        seconds = int(delta.total_seconds())
        if seconds < 0:
            raise ValueError("Thời hạn không được âm.")
        if seconds == 0:
            return received
        return self.instant_at(self.working_seconds_at(received) + seconds)

    def add_working_hours(self, received: dt.datetime, hours: int) -> dt.datetime:
        return self.add_working_time(received, dt.timedelta(hours=hours))

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time between two instants (negative when end is before start)."""
        return dt.timedelta(seconds=self.working_seconds_at(end) - self.working_seconds_at(start))

    # -- terms --------------------------------------------------------------------------------

    def due(self, received: dt.datetime, term: Term) -> dt.datetime:
        if not self.first <= received.date() <= self.last:
            raise self._out_of_range(received.date())  # before any arithmetic: year 9999 + 1 overflows
        if term.unit is Unit.WORKING_DAYS:
            return self.add_working_days(received, term.amount, cutoff=term.cutoff)
        if term.unit is Unit.WORKING_HOURS:
            return self.add_working_hours(received, term.amount)
        if term.unit is Unit.CALENDAR_DAYS:
            return self.add_calendar_days(received, term.amount, cutoff=term.cutoff)
        return self.add_months(received, term.amount, cutoff=term.cutoff)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _fixed_offset(tz: dt.tzinfo, first: dt.date, last: dt.date) -> int | None:
    """The zone's UTC offset in seconds if it is the same on every day covered (Asia/Ho_Chi_Minh:
    UTC+7 since 1975), which lets any aware instant be placed with integer arithmetic."""
    offsets = set()
    for ordinal in range(first.toordinal(), last.toordinal() + 2):
        offset = dt.datetime.fromordinal(ordinal).replace(tzinfo=tz).utcoffset()
        offsets.add(offset)
        if len(offsets) > 1:
            return None
    (offset,) = offsets
    return int(offset.total_seconds()) if offset is not None else None


def add_months(day: dt.date, n: int) -> dt.date:
    month0 = day.month - 1 + n
    year, month = day.year + month0 // 12, month0 % 12 + 1
    next_first = dt.date(year + month // 12, month % 12 + 1, 1)
    return min(
        day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
        next_first - dt.timedelta(days=1),
    )
