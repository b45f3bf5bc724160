"""The moments a period is judged at: which records it holds and when they are looked at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from motcua.records.timeliness import LOCAL_TZ

from .periods import Period


def local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Window:
    """Records received in [start, end) are the period's; each is judged as it stood at `at` —
    the period's last moment, or now while the period is still running."""

    start: dt.datetime
    end: dt.datetime  # exclusive
    at: dt.datetime

    @property
    def day(self) -> dt.date:
        """The local day `at` falls on (catalogue facts are taken as they stood that day). The
        rollups know changes by day: those of earlier days are summed, this day's counted live."""
        return self.at.astimezone(LOCAL_TZ).date()

    @property
    def day_start(self) -> dt.datetime:
        return local_start(self.day)


def window(period: Period, now: dt.datetime | None = None) -> Window:
    start = local_start(period.start)
    end = local_start(period.end + dt.timedelta(days=1))
    now = now or timezone.now()
    return Window(start=start, end=end, at=min(now, end - dt.timedelta(microseconds=1)))
