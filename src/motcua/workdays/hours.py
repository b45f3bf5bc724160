"""Working hours of a centre: the periods of a working day, e.g. 07:30–11:30 and 13:30–17:00.

Times are handled as seconds since local midnight so that the clock arithmetic stays integer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*[-–]\s*(\d{1,2})[:h](\d{2})\s*$")


def seconds_of(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def time_of(seconds: int) -> dt.time:
    return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Ordered, non-overlapping periods (start, end) in seconds since midnight."""

    periods: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("Giờ làm việc phải có ít nhất một khoảng thời gian.")
        previous_end = 0
        for start, end in self.periods:
            if not (previous_end <= start < end <= 86400):
                raise ValueError("Các khoảng giờ làm việc phải theo thứ tự, không chồng lấn, trong một ngày.")
            previous_end = end

    @classmethod
    def of(cls, *periods: tuple[dt.time, dt.time]) -> WorkingHours:
        return cls(tuple((seconds_of(a), seconds_of(b)) for a, b in periods))

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """'07:30–11:30, 13:30–17:00' → WorkingHours."""
        periods = []
        for part in text.split(","):
            match = _PERIOD.match(part)
            if match is None:
                raise ValueError(f"Không đọc được khoảng giờ làm việc «{part.strip()}» (ví dụ 07:30–11:30).")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            periods.append((h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60))
        return cls(tuple(periods))

    @property
    def opens(self) -> int:
        return self.periods[0][0]

    @property
    def closes(self) -> int:
        return self.periods[-1][1]

    @property
    def length(self) -> int:
        """Working seconds in one working day."""
        return sum(end - start for start, end in self.periods)

    def worked_before(self, seconds: int) -> int:
        """Working seconds of the day that have passed at `seconds` after midnight."""
        worked = 0
        for start, end in self.periods:
            if seconds <= start:
                break
            worked += min(seconds, end) - start
        return worked

    def instant_after(self, worked: int) -> int:
        """Inverse of worked_before: the earliest second of the day at which `worked` seconds of
        work are done (0 < worked ≤ length); a period's end, not the next one's start."""
        for start, end in self.periods:
            if worked <= end - start:
                return start + worked
            worked -= end - start
        raise ValueError("worked exceeds the working day")

    def __str__(self) -> str:
        return ", ".join(f"{_hm(a)}–{_hm(b)}" for a, b in self.periods)


def _hm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


DEFAULT_HOURS = WorkingHours.parse("07:30–11:30, 13:30–17:00")
